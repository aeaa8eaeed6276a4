//! Where templates and static files come from: the default theme compiled into the binary, a
//! theme folder under `themes/`, and the site's own `templates/` overrides, in that order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Problem;

/// The default theme's templates, compiled in so a site without `themes/` builds.
pub(crate) const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "paper.html",
        include_str!("../../themes/default/templates/paper.html"),
    ),
    (
        "day.html",
        include_str!("../../themes/default/templates/day.html"),
    ),
    (
        "month.html",
        include_str!("../../themes/default/templates/month.html"),
    ),
    (
        "archive.html",
        include_str!("../../themes/default/templates/archive.html"),
    ),
    (
        "tags.html",
        include_str!("../../themes/default/templates/tags.html"),
    ),
    (
        "tag.html",
        include_str!("../../themes/default/templates/tag.html"),
    ),
    (
        "author.html",
        include_str!("../../themes/default/templates/author.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "atom.xml",
        include_str!("../../themes/default/templates/atom.xml"),
    ),
    (
        "partials/paper_card.html",
        include_str!("../../themes/default/templates/partials/paper_card.html"),
    ),
    (
        "partials/pager.html",
        include_str!("../../themes/default/templates/partials/pager.html"),
    ),
    (
        "partials/sorts.html",
        include_str!("../../themes/default/templates/partials/sorts.html"),
    ),
    (
        "partials/compact_list.html",
        include_str!("../../themes/default/templates/partials/compact_list.html"),
    ),
    (
        "week.html",
        include_str!("../../themes/default/templates/week.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "top.html",
        include_str!("../../themes/default/templates/top.html"),
    ),
    (
        "subscribe.html",
        include_str!("../../themes/default/templates/subscribe.html"),
    ),
    (
        "partials/feed_row.html",
        include_str!("../../themes/default/templates/partials/feed_row.html"),
    ),
    (
        "status.html",
        include_str!("../../themes/default/templates/status.html"),
    ),
    (
        "email.html",
        include_str!("../../themes/default/templates/email.html"),
    ),
    (
        "email.txt",
        include_str!("../../themes/default/templates/email.txt"),
    ),
    (
        "partials/search_form.html",
        include_str!("../../themes/default/templates/partials/search_form.html"),
    ),
    (
        "keyword.html",
        include_str!("../../themes/default/templates/keyword.html"),
    ),
];

/// The default theme's static files.
pub(crate) const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "syntax.css",
        include_bytes!("../../themes/default/static/syntax.css"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
    (
        "site.js",
        include_bytes!("../../themes/default/static/site.js"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "ris.js",
        include_bytes!("../../themes/default/static/ris.js"),
    ),
    (
        "feed.xsl",
        include_bytes!("../../themes/default/static/feed.xsl"),
    ),
];

/// One template and where it came from (for error messages).
#[derive(Debug, Clone)]
pub(crate) struct TemplateSource {
    /// The name templates refer to it by (`paper.html`, `partials/pager.html`).
    pub name: String,
    /// Where it came from, as shown to the user.
    pub origin: String,
    /// Its text.
    pub text: Arc<str>,
}

/// Static files to copy into the output, in order (later ones win).
#[derive(Debug, Clone)]
pub(crate) enum StaticSource {
    /// The default theme's compiled-in files.
    Embedded,
    /// A folder on disk.
    Dir(PathBuf),
}

/// Everything a theme contributes to a build.
#[derive(Debug, Clone)]
pub(crate) struct Theme {
    /// Templates by name; a later entry with the same name overrides an earlier one.
    pub templates: Vec<TemplateSource>,
    /// Static sources, theme first, then the site's `static/`.
    pub statics: Vec<StaticSource>,
}

/// Collects the templates and static files for `theme_name` in the site at `root`.
pub(crate) fn load(root: &Path, theme_name: &str) -> Result<Theme, Problem> {
    let mut templates: Vec<TemplateSource> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| TemplateSource {
            name: name.to_string(),
            origin: format!("{name} (built-in default theme)"),
            text: Arc::from(dedent_html(name, text)),
        })
        .collect();
    let mut statics = Vec::new();
    let theme_dir = root.join("themes").join(theme_name);
    if theme_dir.is_dir() {
        templates.extend(read_templates(root, &theme_dir.join("templates"))?);
        statics.push(StaticSource::Dir(theme_dir.join("static")));
    } else if theme_name == "default" {
        statics.push(StaticSource::Embedded);
    } else {
        return Err(Problem::in_file("site.toml", format!("theme `{theme_name}` not found: there is no folder themes/{theme_name}/"))
            .with_hint("add the theme under themes/, or remove `theme` from site.toml to use the built-in default theme"));
    }
    templates.extend(read_templates(root, &root.join("templates"))?);
    statics.push(StaticSource::Dir(root.join("static")));
    Ok(Theme { templates, statics })
}

/// Every file under `dir` as a template named by its path relative to `dir` (none if missing).
fn read_templates(root: &Path, dir: &Path) -> Result<Vec<TemplateSource>, Problem> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|err| {
            Problem::in_file(
                dir.display().to_string(),
                format!("cannot read templates: {err}"),
            )
        })?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let origin = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .display()
            .to_string();
        let text = std::fs::read_to_string(entry.path())
            .map_err(|err| Problem::in_file(&origin, format!("cannot read template: {err}")))?;
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let text = dedent_html(&name, &text);
        found.push(TemplateSource {
            name,
            origin,
            text: Arc::from(text),
        });
    }
    Ok(found)
}

/// The link (root-relative, under the base path) to the output file of a site file named in
/// `site.toml`, percent-encoded so any file name makes a working `href`.
pub(crate) fn site_file_link(config: &crate::config::Config, written: &str) -> String {
    let inside = crate::site_file::output_path(written).unwrap_or(written);
    let mut encoded = String::with_capacity(inside.len());
    for byte in inside.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    config.link(&encoded)
}

/// Drops the indentation of an HTML template's lines, which readers never see but which every
/// page would carry (a tenth of a list page's bytes in the default theme). Lines inside
/// `<pre>` and `<textarea>` keep theirs; line breaks stay, so template line numbers in error
/// messages stay right. Other templates (feeds) are left as they are.
pub(crate) fn dedent_html(name: &str, text: &str) -> String {
    if !name.ends_with(".html") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut verbatim = false;
    for line in text.split_inclusive('\n') {
        out.push_str(if verbatim {
            line
        } else {
            line.trim_start_matches([' ', '\t'])
        });
        let lower = line.to_ascii_lowercase();
        for (open, close) in [("<pre", "</pre"), ("<textarea", "</textarea")] {
            // The last of an opening or closing tag on the line decides.
            match (lower.rfind(open), lower.rfind(close)) {
                (Some(o), Some(c)) => verbatim = o > c,
                (Some(_), None) => verbatim = true,
                (None, Some(_)) => verbatim = false,
                (None, None) => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod dedent_tests {
    use super::dedent_html;

    #[test]
    fn indentation_goes_but_not_inside_pre() {
        let text = "<ul>\n  <li>{{ a }}</li>\n\t<li>b</li>\n</ul>\n<pre>\n  kept\n    too\n</pre>\n  gone\n";
        assert_eq!(
            dedent_html("x.html", text),
            "<ul>\n<li>{{ a }}</li>\n<li>b</li>\n</ul>\n<pre>\n  kept\n    too\n</pre>\ngone\n"
        );
        assert_eq!(dedent_html("atom.xml", "  <entry>\n"), "  <entry>\n");
        let one_line = "  <pre><code>{{ x }}</code></pre>\n  <p>\n";
        assert_eq!(
            dedent_html("p.html", one_line),
            "<pre><code>{{ x }}</code></pre>\n<p>\n"
        );
    }
}

#[cfg(test)]
mod site_file_tests {
    use super::site_file_link;

    #[test]
    fn site_file_links_carry_the_base_path_and_encode_the_name() {
        let config = crate::config::Config::parse(
            "base_url = \"https://u.github.io/papers/\"",
            "site.toml",
            None,
        )
        .unwrap();
        assert_eq!(
            site_file_link(&config, "static/img/lab logo+1.svg"),
            "/papers/img/lab%20logo%2B1.svg"
        );
        assert_eq!(
            site_file_link(&config, "static/café.css"),
            "/papers/caf%C3%A9.css"
        );
    }
}
