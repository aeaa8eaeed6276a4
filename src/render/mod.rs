//! Rendering: fills Tera templates with the view built for each page.
//!
//! [`views`] says what each page is made of, once, for its template context and for its
//! fingerprint ([`fingerprint`], which decides whether a rebuild renders it again);
//! [`template_deps`] hashes each template with what it extends and includes; [`theme`] finds the
//! templates and static files; [`charts`] draws the inline SVG charts. Knows templates and
//! contexts; does not decide which pages exist (that is the plan, `crate::plan`), nor their
//! paths (`routes`), nor writes files (that is the writer).

pub(crate) mod charts;
pub(crate) mod fingerprint;
pub(crate) mod machine;
pub(crate) mod template_deps;
pub(crate) mod theme;
pub(crate) mod views;

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Context, Kwargs, State, Tera, Value};

use crate::config::Config;
use crate::diagnostic::{Location, Problem};
use theme::TemplateSource;

/// The site's templates, compiled, with the site-wide values every page sees as `site`.
pub(crate) struct Renderer {
    tera: Tera,
    /// Template name → (origin shown to the user, text), for error messages.
    sources: HashMap<String, (String, Arc<str>)>,
}

impl Renderer {
    /// Compiles the templates (later sources override earlier ones of the same name).
    pub(crate) fn new(config: &Config, templates: &[TemplateSource]) -> Result<Renderer, Problem> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        tera.register_filter("json_script", json_script);
        let mut sources = HashMap::new();
        for template in templates {
            sources.insert(
                template.name.clone(),
                (template.origin.clone(), template.text.clone()),
            );
        }
        // Only the templates in use: a site's own template may fix a theme's.
        let mut in_use: Vec<&(String, Arc<str>)> = sources.values().collect();
        in_use.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(problem) = old_jsonld_filter(in_use.into_iter()) {
            return Err(problem);
        }
        let mut renderer = Renderer { tera, sources };
        let batch: Vec<(String, Arc<str>)> = renderer
            .sources
            .iter()
            .map(|(name, (_, text))| (name.clone(), text.clone()))
            .collect();
        renderer
            .tera
            .add_raw_templates(batch.iter().map(|(n, t)| (n.as_str(), t.as_ref())))
            .map_err(|err| renderer.problem(&err, None))?;
        renderer
            .tera
            .global_context()
            .insert("site", &SiteView::new(config));
        Ok(renderer)
    }

    /// Renders `template` with `context`; `page` names the output file in error messages.
    pub(crate) fn render(
        &self,
        template: &str,
        context: &Context,
        page: &str,
    ) -> Result<String, Problem> {
        let mut text = self
            .tera
            .render(template, context)
            .map_err(|err| self.problem(&err, Some((template, page))))?;
        if page.ends_with(".xml") || page.ends_with(".svg") {
            // Input is cleaned when read; a feed must stay well-formed whatever a template or
            // a future input path lets through, or readers drop the whole feed.
            crate::text_clean::clean(&mut text);
        }
        Ok(text)
    }

    /// Turns a Tera error into a problem that names the template file and, when Tera knows it,
    /// the line and column.
    fn problem(&self, err: &tera::Error, rendering: Option<(&str, &str)>) -> Problem {
        let report = match err.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                Some(report)
            }
            _ => None,
        };
        let during = rendering
            .map(|(template, page)| format!(" (rendering {page} with template `{template}`)"))
            .unwrap_or_default();
        if let Some(report) = report
            && let Some((origin, text)) = self.sources.get(report.filename())
        {
            let location = Location {
                path: origin.clone(),
                source: text.clone(),
                span: report.span().range.clone(),
            };
            return Problem::at(location, format!("template error in `{}`: {}{during}", report.filename(), report.message()))
                .with_hint("fix the template; variables a page has are listed in the README's template reference");
        }
        let mut message = format!("template error: {err}");
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        // Tera reports validation errors (unknown filter, unknown included template) as text
        // naming the template: point at the template's file instead.
        let mut origin = rendering
            .and_then(|(template, _)| self.sources.get(template))
            .map(|(o, _)| o.clone());
        for (name, (file, _)) in &self.sources {
            let tera_ref = format!(" --> {name}:");
            if message.contains(&tera_ref) {
                message = message.replace(&tera_ref, &format!(" --> {file}:"));
                origin.get_or_insert_with(|| file.clone());
            }
        }
        let hint = match err.kind() {
            tera::ErrorKind::TemplateNotFound(name) | tera::ErrorKind::MissingParent { parent: name, .. } => {
                format!("there is no template `{name}`: add templates/{name}, or fix the name in the `extends`/`include`")
            }
            _ if message.contains("Unknown template") => "add the missing template under templates/, or fix the name in the `include`".to_string(),
            _ if message.contains("Unknown filter") => "use one of Tera's built-in filters or `json_script`; see the README's template section".to_string(),
            _ => "check the template named above".to_string(),
        };
        let origin = origin.unwrap_or_else(|| "templates".to_string());
        Problem::in_file(origin, format!("{message}{during}")).with_hint(hint)
    }
}

/// What templates see as `site`.
#[derive(serde::Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    author: &'a str,
    feed_url: String,
    extra: &'a toml::Table,
    generator: &'static str,
    /// The keyword feeds of `site.toml`: `name` and page `url`.
    keyword_feeds: Vec<KeywordFeedLink>,
    /// The link to the site's logo (`logo` of `site.toml`), if any.
    logo: Option<String>,
    /// The links to the site's stylesheets (`extra_css`), in order.
    extra_css: Vec<String>,
}

#[derive(serde::Serialize)]
struct KeywordFeedLink {
    name: String,
    url: String,
}

impl<'a> SiteView<'a> {
    fn new(config: &'a Config) -> Self {
        SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: config.base_path(),
            language: &config.language,
            author: &config.author,
            feed_url: config.link(&crate::routes::atom(crate::routes::HOME)),
            extra: &config.extra,
            keyword_feeds: config
                .keyword_feeds
                .keys()
                .map(|name| {
                    let path = crate::routes::keyword_feed(&crate::slug::tag_slug(name));
                    KeywordFeedLink {
                        name: name.clone(),
                        url: config.link(&path),
                    }
                })
                .collect(),
            generator: concat!("digest ", env!("CARGO_PKG_VERSION")),
            logo: config
                .logo
                .as_deref()
                .map(|p| theme::site_file_link(config, p)),
            extra_css: config
                .extra_css
                .iter()
                .map(|p| theme::site_file_link(config, p))
                .collect(),
        }
    }
}

/// `{{ value | json_script }}`: JSON safe inside a `<script>` element (`<`, `>`, `&` and line
/// separators as `\u` escapes), so record text can never close the script.
fn json_script(value: Value, _: Kwargs, _: &State) -> Value {
    let json = serde_json::to_string(&value).unwrap_or_else(|_| "null".to_string());
    Value::safe_string(&escape_json_for_script(&json))
}

/// A template written for the earlier `meta.jsonld` (an object, printed with `| json_script`)
/// would now print the JSON-LD as one quoted string, which search engines ignore: say so, at
/// the place, rather than publish that.
fn old_jsonld_filter<'a>(
    templates: impl Iterator<Item = &'a (String, Arc<str>)>,
) -> Option<Problem> {
    for (origin, text) in templates {
        for (at, _) in text.match_indices("meta.jsonld") {
            let rest = text[at + "meta.jsonld".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('|') else {
                continue;
            };
            if rest.trim_start().starts_with("json_script") {
                let location = Location {
                    path: origin.clone(),
                    source: text.clone(),
                    span: at..at + "meta.jsonld".len(),
                };
                return Some(
                    Problem::at(
                        location,
                        "`meta.jsonld` is already JSON (escaped for `<script>`): `| json_script` would print it as one quoted string",
                    )
                    .with_hint("write {{ meta.jsonld }}"),
                );
            }
        }
    }
    None
}

/// Escapes characters that could end or confuse a `<script>` block inside serialized JSON.
pub(crate) fn escape_json_for_script(json: &str) -> String {
    // Most JSON has none of these (U+2028 and U+2029 both start with the byte 0xE2).
    if !json.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_script_cannot_close_the_script() {
        let json = serde_json::to_string("</script><script>alert(1)</script> & more").unwrap();
        let escaped = escape_json_for_script(&json);
        assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('&'));
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, "</script><script>alert(1)</script> & more");
        let separators = serde_json::to_string("a\u{2028}b\u{2029}c — d").unwrap();
        assert_eq!(
            escape_json_for_script(&separators),
            "\"a\\u2028b\\u2029c — d\""
        );
        assert_eq!(escape_json_for_script("{\"a\":1}"), "{\"a\":1}");
    }
}
