//! Where a link of a built page leads: inside the site (an output file and a fragment, under
//! `base_url`'s path, percent-decoded), outside it, or nowhere a page can be.

use std::collections::HashSet;

/// Where the site's pages live: `base_url` and its path (`/repo/`).
pub(super) struct Base {
    /// `base_url`, ending in `/`.
    pub(super) url: String,
    /// Its path: `/repo/`, or `/`.
    pub(super) path: String,
}

impl Base {
    pub(super) fn new(base_url: &str) -> Base {
        let url = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
        let path = match url.split_once("://") {
            Some((_, rest)) => rest
                .find('/')
                .map_or("/".to_string(), |i| rest[i..].to_string()),
            None => url.clone(),
        };
        Base { url, path }
    }
}

/// The output file a path names: itself, or its `index.html` when it is a folder.
pub(super) fn resolve_file(target: &str, files: &HashSet<&str>) -> Option<String> {
    if target.is_empty() || target.ends_with('/') {
        let index = format!("{target}index.html");
        return files.contains(index.as_str()).then_some(index);
    }
    if files.contains(target) {
        return Some(target.to_string());
    }
    let index = format!("{target}/index.html");
    files.contains(index.as_str()).then_some(index)
}

/// The file a sitemap URL's path (after `base_url`) names.
pub(super) fn page_file(rest: &str, files: &HashSet<&str>) -> Option<String> {
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
    resolve_file(&decoded, files)
}

/// Where a link leads.
pub(super) enum Target {
    /// An output file (relative path, decoded) and fragment.
    Internal(String, Option<String>),
    /// A web address outside the site.
    External(String),
    /// A path from the host's root that is not under the site's path.
    OutsideBase,
    /// `mailto:`, `data:`, `javascript:` and the like.
    Skip,
}

pub(super) fn classify(raw: &str, folder: &str, rel: &str, base: &Base) -> Target {
    let raw = raw.trim();
    let (without_fragment, fragment) = match raw.split_once('#') {
        Some((before, after)) => (
            before,
            Some(
                percent_encoding::percent_decode_str(after)
                    .decode_utf8_lossy()
                    .into_owned(),
            ),
        ),
        None => (raw, None),
    };
    let path_part = without_fragment.split('?').next().unwrap_or("");
    let path = if let Some(rest) = without_fragment.strip_prefix(&base.url) {
        rest.split('?').next().unwrap_or("").to_string()
    } else if raw.starts_with("http://") || raw.starts_with("https://") || raw.starts_with("//") {
        return Target::External(raw.to_string());
    } else if has_scheme(raw) {
        return Target::Skip;
    } else if raw.starts_with('#') {
        return Target::Internal(rel.to_string(), fragment);
    } else if let Some(abs) = path_part.strip_prefix('/') {
        match format!("/{abs}").strip_prefix(&base.path) {
            Some(rest) => rest.to_string(),
            None if base.path == "/" => abs.to_string(),
            None => return Target::OutsideBase,
        }
    } else {
        normalize(&format!("{folder}{path_part}"))
    };
    let decoded = percent_encoding::percent_decode_str(&path)
        .decode_utf8_lossy()
        .into_owned();
    Target::Internal(decoded, fragment)
}

/// Whether `raw` starts with a URL scheme (`mailto:`, `data:`, `javascript:`): letters, then
/// letters, digits, `+`, `-` or `.`, then `:` before any `/`, `?` or `#`.
fn has_scheme(raw: &str) -> bool {
    let Some(colon) = raw.find(':') else {
        return false;
    };
    let scheme = &raw[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// `a/./b/../c` → `a/c` (a path above the root stays at the root).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if path.ends_with("/.") || path.ends_with("/..") {
        format!("{joined}/")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_under_the_base_path() {
        let base = Base::new("https://u.github.io/repo/");
        let internal = |raw: &str| match classify(raw, "papers/x/", "papers/x/index.html", &base) {
            Target::Internal(t, f) => Some((t, f)),
            _ => None,
        };
        assert_eq!(
            internal("/repo/tags/a%20b/"),
            Some(("tags/a b/".into(), None))
        );
        assert_eq!(
            internal("https://u.github.io/repo/papers/y/#abs"),
            Some(("papers/y/".into(), Some("abs".into())))
        );
        assert_eq!(internal("../y/"), Some(("papers/y/".into(), None)));
        assert_eq!(
            internal("#bibtex"),
            Some(("papers/x/index.html".into(), Some("bibtex".into())))
        );
        assert!(matches!(
            classify("/other/", "", "index.html", &base),
            Target::OutsideBase
        ));
        assert!(matches!(
            classify("https://arxiv.org/abs/1", "", "index.html", &base),
            Target::External(_)
        ));
        assert!(matches!(
            classify("mailto:a@b", "", "index.html", &base),
            Target::Skip
        ));
        let files: HashSet<&str> = ["index.html", "tags/a b/index.html", "style.css"]
            .into_iter()
            .collect();
        assert_eq!(resolve_file("", &files).as_deref(), Some("index.html"));
        assert_eq!(
            resolve_file("tags/a b", &files).as_deref(),
            Some("tags/a b/index.html")
        );
        assert_eq!(
            resolve_file("style.css", &files).as_deref(),
            Some("style.css")
        );
        assert_eq!(resolve_file("nope/", &files), None);
    }
}
