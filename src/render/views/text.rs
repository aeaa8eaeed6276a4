//! Plain text helpers of views: shortened abstracts and titles, authors as shown.
//! Text in, text out; no site data.

use std::fmt::Write as _;

use crate::record::Paper;
use crate::record::author::write_display_name;

/// Authors as shown: names, or "7 authors" when only a count is known.
pub(crate) fn authors_display(paper: &Paper) -> String {
    let mut out = String::new();
    write_authors_display(&mut out, paper);
    out
}

/// Appends [`authors_display`] to `out`.
pub(crate) fn write_authors_display(out: &mut String, paper: &Paper) {
    let names = |out: &mut String, names: &mut dyn Iterator<Item = &str>| {
        for (i, name) in names.enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_display_name(out, name);
        }
    };
    match (paper.authors.len(), paper.author_count) {
        (0, Some(1)) => out.push_str("1 author"),
        (0, Some(n)) => {
            let _ = write!(out, "{n} authors");
        }
        (0, None) => {}
        (n, _) if n > 5 => {
            names(out, &mut paper.authors.iter().take(3));
            let _ = write!(out, " et al. ({n} authors)");
        }
        _ => names(out, &mut paper.authors.iter()),
    }
}

/// The first `limit` characters of `text`, cut at a word boundary, with "…" when shortened.
pub(crate) fn shorten(text: &str, limit: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > limit / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 10), "one two…");
        assert_eq!(shorten("abcdefghijklmnop", 5), "abcde…");
    }

    #[test]
    fn authors_as_shown() {
        let shown = |front: &str| {
            let text = format!("+++\ntitle = \"T\"\ndate = 2025-02-06\n{front}+++\n");
            authors_display(&crate::record::parse(&text, "p.md", "t").unwrap())
        };
        assert_eq!(shown("authors = [\"Ann\", \"Bo\"]\n"), "Ann, Bo");
        assert_eq!(
            shown("authors = [\"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\"]\n"),
            "A, B, C et al. (7 authors)"
        );
        assert_eq!(shown("author_count = 1\n"), "1 author");
        assert_eq!(shown("author_count = 7\n"), "7 authors");
        assert_eq!(shown(""), "");
    }
}
