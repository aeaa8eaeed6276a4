//! The files `site.toml` names (`logo`, `extra_css`): that they are visible files under the
//! site's `static/` folder, and where they land in the output. Below both `config`, which checks
//! them when it reads `site.toml`, and `render`, which links them.

use std::path::Path;

use crate::diagnostic::{Location, Problem};

/// The folder of a site whose files are copied to the output as they are; the files
/// `site.toml` names (`logo`, `extra_css`) must be in it, so they are published, watched by
/// `serve` and cannot collide with a page.
pub(crate) const SITE_STATIC: &str = "static/";

/// Where a file named in `site.toml` as `written` (`static/img/logo.svg`) lands in the output
/// (`img/logo.svg`), or why it cannot be used.
pub(crate) fn output_path(written: &str) -> Result<&str, String> {
    let Some(inside) = written.strip_prefix(SITE_STATIC) else {
        return Err(format!(
            "the file must be in the site's {SITE_STATIC} folder (written from the site folder: \"{SITE_STATIC}{}\")",
            written.trim_start_matches(['/', '.'])
        ));
    };
    if written.contains('\\') || written.chars().any(char::is_control) {
        return Err("the path may not hold backslashes or control characters".into());
    }
    for segment in inside.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err("the path may not hold empty, `.` or `..` parts".into());
        }
        if segment.starts_with('.') {
            return Err(format!(
                "`{segment}` is hidden: hidden files are not published"
            ));
        }
    }
    Ok(inside)
}

/// Checks that the file `key` of `site.toml` names (written as `written`, at `location`)
/// is a file in the site at `root`.
pub(crate) fn check(
    root: &Path,
    key: &str,
    written: &str,
    location: Location,
) -> Result<(), Problem> {
    let path = root.join(written);
    if path.is_file() {
        return Ok(());
    }
    let why = if path.exists() {
        "is not a file"
    } else {
        "does not exist"
    };
    Err(Problem::at(location, format!("{key} `{written}` {why}"))
        .with_hint(format!("add the file {written} to the site, or fix the path in site.toml (relative to the site folder)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_files_must_be_visible_files_under_static() {
        for (written, expected) in [
            ("static/logo.svg", Ok("logo.svg")),
            ("static/img/lab logo.svg", Ok("img/lab logo.svg")),
            ("logo.svg", Err("\"static/logo.svg\"")),
            ("/static/logo.svg", Err("\"static/static/logo.svg\"")),
            ("static/../site.toml", Err("`..`")),
            ("static/./a.css", Err("`..`")),
            ("static//a.css", Err("empty")),
            ("static/", Err("empty")),
            ("static/.well-known/a.css", Err("hidden")),
            ("static/a\\b.css", Err("backslashes")),
            ("static/a\u{7}.css", Err("control")),
        ] {
            match (output_path(written), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{written}"),
                (Err(why), Err(needle)) => assert!(why.contains(needle), "{written}: {why}"),
                (got, want) => panic!("{written}: {got:?}, expected {want:?}"),
            }
        }
    }
}
