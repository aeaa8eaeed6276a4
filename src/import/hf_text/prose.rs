//! Prose clean-up for Daily Papers text: LaTeX leftovers, whitespace, and links.

use crate::import::{ids, url_spans};
use std::collections::BTreeMap;

/// Finds a paper's links in its (cleaned) abstract: the first `github.com` URL is
/// `"code"`, the first other URL is `"project"`. URLs on arxiv.org or
/// huggingface.co/papers point at the paper itself, so they are never links; the first
/// arXiv id found in them (read as every importer reads one, [`ids::arxiv_with_version`]) is
/// returned instead, with its version.
pub(super) fn links_in(text: &str) -> (BTreeMap<String, String>, Option<ids::ArxivId>) {
    let mut links = BTreeMap::new();
    let mut arxiv = None;
    for span in url_spans(text) {
        let url = &text[span];
        // Only what a record's `links` accept: no `https:///x` or `http://:80`.
        if crate::record::link_url::http_url(url).is_err() {
            continue;
        }
        let after_scheme = &url[url.find("://").map_or(0, |i| i + 3)..];
        let (host, path) = after_scheme.split_once('/').unwrap_or((after_scheme, ""));
        let host = host
            .strip_prefix("www.")
            .unwrap_or(host)
            .to_ascii_lowercase();
        let paper_id = match host.as_str() {
            "arxiv.org" => path
                .strip_prefix("abs/")
                .or_else(|| path.strip_prefix("pdf/")),
            "huggingface.co" if path.starts_with("papers/") => path.strip_prefix("papers/"),
            _ => {
                let kind = if host == "github.com" {
                    "code"
                } else {
                    "project"
                };
                links
                    .entry(kind.to_string())
                    .or_insert_with(|| url.to_string());
                continue;
            }
        };
        if arxiv.is_none() {
            arxiv = paper_id.and_then(|id| ids::arxiv_with_version(&format!("arxiv.org/abs/{id}")));
        }
    }
    (links, arxiv)
}

/// Cleans LaTeX leftovers and collapses whitespace in one paragraph.
///
/// `~` between two non-space characters is LaTeX's non-breaking space (`models~(PLMs)`)
/// and becomes a space; after a space (`by ~3%`) it means "about" and stays. Inside a
/// URL a `~` is a path character (`/~user`) and always stays.
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for token in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let url_start = token
            .find("http://")
            .or_else(|| token.find("https://"))
            .unwrap_or(token.len());
        let mut chars = token.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let rest = &token[i + c.len_utf8()..];
            match c {
                '~' if i > 0 && !rest.is_empty() && i < url_start => out.push(' '),
                '\\' => match rest.chars().next() {
                    Some(e @ ('%' | '&' | '_' | '#')) => {
                        out.push(e);
                        chars.next();
                    }
                    _ => match macro_expansion(rest) {
                        Some((name_len, text)) => {
                            out.push_str(text);
                            // `\eg.` must not become `e.g..`.
                            if !rest[name_len..].starts_with('.') {
                                out.push('.');
                            }
                            for _ in 0..name_len {
                                chars.next();
                            }
                        }
                        None => out.push(c),
                    },
                },
                _ => out.push(c),
            }
        }
    }
    out
}

/// `etal…`/`eg…`/`ie…` right after a backslash → (macro name length, text without the
/// final dot). The macro must end there (`\egg` is some other macro).
fn macro_expansion(rest: &str) -> Option<(usize, &'static str)> {
    [("etal", "et al"), ("eg", "e.g"), ("ie", "i.e")]
        .into_iter()
        .find_map(|(name, text)| {
            let after = rest.strip_prefix(name)?;
            let ends = !after.starts_with(|c: char| c.is_ascii_alphabetic());
            ends.then_some((name.len(), text))
        })
}

#[cfg(test)]
mod tests {
    use super::{clean, links_in};

    #[test]
    fn tilde_is_a_space_between_words_but_kept_after_a_space() {
        assert_eq!(
            clean("models~(PLMs) and JiuZhang~2.0"),
            "models (PLMs) and JiuZhang 2.0"
        );
        assert_eq!(
            clean("improves by ~3% on  average"),
            "improves by ~3% on average"
        );
        assert_eq!(
            clean("see https://example.org/~user/x"),
            "see https://example.org/~user/x"
        );
    }

    #[test]
    fn latex_escapes_and_macros_are_cleaned() {
        assert_eq!(
            clean("a\\_b \\#1 R\\&D 5\\% \\eg, \\ie. \\etal \\egg"),
            "a_b #1 R&D 5% e.g., i.e. et al. \\egg"
        );
    }

    /// Regression: the paper's id was whatever followed `arxiv.org/abs/` (`foo`, with its
    /// version); it is now read as every other importer reads it.
    #[test]
    fn paper_urls_give_an_arxiv_id_only_when_it_is_one() {
        let (_, arxiv) = links_in(
            "See https://arxiv.org/abs/foo and https://huggingface.co/papers/2502.04522#x.",
        );
        assert_eq!(arxiv, Some(("2502.04522".into(), None)));
        let (_, arxiv) = links_in("https://arxiv.org/pdf/2502.04522v3.pdf");
        assert_eq!(arxiv, Some(("2502.04522".into(), Some("3".into()))));
        let (links, arxiv) = links_in("https://arxiv.org/abs/2513.04522");
        assert_eq!((links.len(), arxiv), (0, None));
    }

    #[test]
    fn first_code_and_project_links_win_and_paper_urls_are_not_links() {
        let (links, arxiv) = links_in(
            "See https://arxiv.org/abs/2401.00001v2, https://arxiv.org/list/cs \
             https://huggingface.co/papers/2502.04522 https://huggingface.co/spaces/a/b \
             https://github.com/a/b and https://github.com/c/d (https://a.github.io/x).",
        );
        assert_eq!(arxiv, Some(("2401.00001".into(), Some("2".into()))));
        assert_eq!(links["code"], "https://github.com/a/b");
        assert_eq!(links["project"], "https://huggingface.co/spaces/a/b");
        assert_eq!(links.len(), 2);
    }

    #[test]
    fn urls_without_a_host_are_not_links() {
        let (links, _) =
            links_in("Code at https:///nowhere and http://:80/x, site https://x.org/p.");
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!(links["project"], "https://x.org/p");
    }
}
