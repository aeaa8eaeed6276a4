//! Importers turn external listings into paper records; they never write site output.
//!
//! `digest import` goes through three steps, each in its own module:
//!
//! 1. [`formats`] recognises the listing's format and hands the text to one reader:
//!    [`hf_text`] (the Hugging Face Daily Papers page copied as text), [`hf_json`],
//!    [`arxiv_atom`], [`bibtex`], [`csl_json`], [`s2_json`] or [`digest_json`] (digest's own
//!    export). Each returns a [`Parsed`]: the [`ImportedPaper`]s it could read and one
//!    [`EntryProblem`] (line, column, message) per entry it could not.
//! 2. [`merge`] matches the papers with the record files already there (by arXiv id, DOI or
//!    title) and decides what each record gets, never losing a field a user wrote.
//! 3. [`record_file`] renders each paper as a record file (TOML front matter plus a Markdown
//!    body) for the build to pick up.
//!
//! What the readers share lives beside them: [`ids`] (arXiv ids and DOIs, one reader of
//! each), [`json_reader`] (parsing and entry positions for the JSON formats), [`plain_text`]
//! (whitespace, month names, super- and subscripts) and [`parsed`] (the result type and the
//! input size limit).

pub mod arxiv_atom;
pub mod bibtex;
pub mod csl_json;
pub mod digest_json;
pub(crate) mod formats;
pub mod hf_json;
pub mod hf_text;
pub(crate) mod ids;
pub(crate) mod json_reader;
pub mod merge;
pub mod parsed;
pub(crate) mod plain_text;
pub(crate) mod record_file;
pub mod s2_json;

pub use parsed::{EntryProblem, MAX_INPUT_BYTES, Parsed};

use std::collections::BTreeMap;
use std::ops::Range;

/// A paper as read from an external listing, before it becomes a record file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportedPaper {
    /// Title, with LaTeX escapes cleaned and whitespace collapsed.
    pub title: String,
    /// The day the paper is listed under (for Hugging Face: the day it was featured).
    pub date: jiff::civil::Date,
    /// The publication date, when the source knows it and it differs from `date`.
    pub published: Option<jiff::civil::Date>,
    /// Author names; empty when the listing only gives a count.
    pub authors: Vec<String>,
    /// Number of authors when the listing states it.
    pub author_count: Option<u32>,
    /// Upvote count when the listing shows one.
    pub upvotes: Option<u32>,
    /// arXiv identifier (e.g. `2502.04522`, version stripped) when one could be found.
    pub arxiv: Option<String>,
    /// DOI (e.g. `10.1000/xyz`) when known.
    pub doi: Option<String>,
    /// Tags the source gives (categories, keywords).
    pub tags: Vec<String>,
    /// Named links: `"code"`, `"project"`, ...
    pub links: BTreeMap<String, String>,
    /// The record's `tldr`: a summary in one or two sentences (Hugging Face's `ai_summary`,
    /// Semantic Scholar's `tldr.text`), as `record::tldr::from_source` accepts it. The merge
    /// marks it as the import's, so a later import may update it until a person edits it.
    pub tldr: Option<String>,
    /// Set when `tldr` is a record's own (digest's JSON export read back): written without the
    /// import's mark, so no later import replaces it.
    pub tldr_as_written: bool,
    /// Plain-text abstract; paragraphs separated by `"\n\n"`, LaTeX escapes already cleaned.
    pub abstract_text: String,
    /// Other facts the source gives, kept in the record's `[extra]` table (venue, journal_ref,
    /// comment, primary_category, …).
    pub extra: BTreeMap<String, String>,
    /// The record's slug, when the source names one (digest's own JSON export does).
    pub slug: Option<String>,
    /// The body as Markdown, when the source has it (digest's own JSON export); otherwise
    /// the body is made from `abstract_text`, escaped so it reads back as the same text.
    pub body_markdown: Option<String>,
    /// Set when the listing wrote the date without a year (`Feb 6`): where `date`'s year came
    /// from. The merge marks such a date in the record so a corrected `--year` can re-date it.
    pub year_not_in_listing: Option<YearOrigin>,
}

/// Where the year of a date written without one came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearOrigin {
    /// The current year, assumed because no `--year` was given.
    Assumed,
    /// The year given with `--year`.
    Given,
}

/// Byte ranges of the `http(s)://` URLs in `text`.
///
/// Shared by the parser (to pick links) and the renderer (to write autolinks), so both
/// agree on where a URL ends. Trailing sentence punctuation is not part of a URL, and a
/// closing `)` only belongs to it when it balances an opening one inside the URL
/// (Wikipedia-style `Foo_(bar)`), which is how prose like "(see https://x.y/z)" reads.
pub(crate) fn url_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut pos = 0;
    while let Some(found) = next_scheme(&text[pos..]) {
        let start = pos + found;
        // `<`, `>` and `"` can never be part of a CommonMark autolink, so stop there too.
        let len = text[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(text.len() - start);
        let mut url = &text[start..start + len];
        loop {
            if let Some(rest) = url.strip_suffix(['.', ',', ';', ':', '!', '?', '\'']) {
                url = rest;
            } else if url.ends_with(')') && url.matches(')').count() > url.matches('(').count() {
                url = &url[..url.len() - 1];
            } else {
                break;
            }
        }
        // A bare scheme ("https://") is not a link.
        if url.len() > url.find("://").map_or(0, |i| i + 3) {
            spans.push(start..start + url.len());
        }
        pos = start + len.max(1);
    }
    spans
}

/// Offset of the next `http://` or `https://` in `s`.
fn next_scheme(s: &str) -> Option<usize> {
    match (s.find("http://"), s.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::url_spans;

    fn urls(text: &str) -> Vec<&str> {
        url_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn url_ends_before_punctuation_and_unbalanced_paren() {
        assert_eq!(
            urls("(code in https://github.com/a/b-c.) and http://x.org/y, z"),
            ["https://github.com/a/b-c", "http://x.org/y"]
        );
        assert_eq!(
            urls("see https://en.wikipedia.org/wiki/Foo_(bar)."),
            ["https://en.wikipedia.org/wiki/Foo_(bar)"]
        );
        assert!(urls("no links, just https:// here").is_empty());
    }
}
