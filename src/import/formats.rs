//! The listing formats `digest import` reads, and recognising one from its first bytes.

use super::parsed::{EntryProblem, Parsed, check_size};
use super::{arxiv_atom, bibtex, csl_json, digest_json, hf_json, hf_text, s2_json};

/// A listing format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Recognise the format from the content.
    Auto,
    /// A Hugging Face Daily Papers page copied as text.
    HfText,
    /// The Hugging Face `/api/daily_papers` JSON.
    HfJson,
    /// An arXiv API (Atom) response.
    ArxivAtom,
    /// BibTeX, as arXiv, Zotero/Better BibTeX and Google Scholar write it.
    Bibtex,
    /// CSL-JSON, as Zotero exports it.
    CslJson,
    /// Semantic Scholar Graph API paper JSON.
    S2Json,
    /// digest's own JSON (`digest export json`).
    Json,
}

/// Settings some formats need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadOptions {
    /// Year for dates written without one (`Feb 6`).
    pub year: i16,
    /// Date for entries that have none (BibTeX, CSL-JSON, Semantic Scholar); without it they
    /// are problems.
    pub default_date: Option<jiff::civil::Date>,
}

/// Guesses the format of `input` from its content.
pub(crate) fn detect(input: &str) -> Option<Format> {
    let start = input.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('[') || start.starts_with('{') {
        let head = &start[..start.len().min(4096)];
        return Some(
            if head.contains("\"submittedOnDailyAt\"") || head.contains("\"paper\"") {
                Format::HfJson
            } else if head.contains("\"paperId\"") || head.contains("\"externalIds\"") {
                Format::S2Json
            } else if head.contains("\"slug\"") && head.contains("\"body\"") {
                Format::Json
            } else {
                Format::CslJson
            },
        );
    }
    if start.starts_with("<?xml") || start.starts_with("<feed") {
        return Some(Format::ArxivAtom);
    }
    // al-folio's `_bibliography/papers.bib` opens with an empty Jekyll front matter.
    let bib = without_jekyll_front_matter(start).trim_start();
    if bib.starts_with('@') || bib.starts_with('%') {
        return Some(Format::Bibtex);
    }
    if start.contains("authors\n")
        || start.contains("authors\r\n")
        || start.contains("Daily Papers")
    {
        return Some(Format::HfText);
    }
    // Free text before the first entry (BibTeX reads it as a comment).
    if start.lines().any(opens_bibtex_entry) {
        return Some(Format::Bibtex);
    }
    None
}

/// `text` after a leading Jekyll front matter (`---` line, anything, `---` line); `text`
/// itself when it has none.
fn without_jekyll_front_matter(text: &str) -> &str {
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        return text;
    }
    let mut at = text.find('\n').map_or(text.len(), |n| n + 1);
    for line in lines {
        at += line.len();
        if line.trim_end() == "---" {
            return &text[at..];
        }
    }
    text
}

/// Whether `line` starts a BibTeX entry: `@article{`, `@InProceedings (`, …
fn opens_bibtex_entry(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix('@') else {
        return false;
    };
    let name = rest.len()
        - rest
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .len();
    name > 0 && rest[name..].trim_start().starts_with(['{', '('])
}

/// Reads `input` as `format`. An `Err` means nothing could be read (wrong format, too large);
/// entries that could not be read are in [`Parsed::problems`].
pub(crate) fn read(format: Format, input: &str, options: ReadOptions) -> Result<Parsed, String> {
    check_size(input.len() as u64, "the input")?;
    let format = match format {
        Format::Auto => detect(input).ok_or(
            "cannot tell the format of this listing: name it, e.g. `digest import hf-text FILE`",
        )?,
        other => other,
    };
    Ok(match format {
        Format::Auto => unreachable!("resolved above"),
        Format::HfText => {
            let (papers, errors) = hf_text::parse_entries(input, options.year);
            let problems = errors
                .into_iter()
                .map(|e| {
                    let (line, column) = e.position();
                    let text = e.to_string();
                    // The message starts with "line L, column C: "; the caller shows the position.
                    let message = text
                        .split_once(": ")
                        .map_or(text.as_str(), |(_, m)| m)
                        .to_string();
                    EntryProblem {
                        line,
                        column,
                        message,
                    }
                })
                .collect();
            Parsed {
                papers,
                problems,
                ..Parsed::default()
            }
        }
        Format::HfJson => hf_json::parse(input)?,
        Format::ArxivAtom => arxiv_atom::parse(input)?,
        Format::Bibtex => bibtex::parse(input, options.default_date)?,
        Format::CslJson => csl_json::parse_dated(input, options.default_date)?,
        Format::S2Json => s2_json::parse(input, options.default_date)?,
        Format::Json => digest_json::parse(input)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_fixture() {
        let fixtures = [
            (
                include_str!("../../tests/fixtures/hf-daily-papers.txt"),
                Format::HfText,
            ),
            (
                include_str!("../../tests/fixtures/import/hf-daily.json"),
                Format::HfJson,
            ),
            (
                include_str!("../../tests/fixtures/import/arxiv-query.atom"),
                Format::ArxivAtom,
            ),
            (
                include_str!("../../tests/fixtures/import/zotero.bib"),
                Format::Bibtex,
            ),
            (
                include_str!("../../tests/fixtures/import/zotero.csl.json"),
                Format::CslJson,
            ),
            (
                include_str!("../../tests/fixtures/import/s2-batch.json"),
                Format::S2Json,
            ),
            (
                include_str!("../../tests/fixtures/import/s2-single.json"),
                Format::S2Json,
            ),
        ];
        for (text, format) in fixtures {
            assert_eq!(
                detect(text),
                Some(format),
                "{}",
                &text[..60.min(text.len())]
            );
        }
        assert_eq!(detect("hello"), None);
    }

    /// Regression (issue 14, defect 9): al-folio's `papers.bib` opens with Jekyll front matter.
    #[test]
    fn detects_bibtex_after_jekyll_front_matter_or_free_text() {
        for text in [
            "---\n---\n\n@string{aps = {American Physical Society,}}\n@article{a, title={A}}\n",
            "---\r\nlayout: none\r\n---\r\n@book{b, title={B}}\r\n",
            "This file was written by hand.\n\n@InProceedings (c, title = \"C\")\n",
        ] {
            assert_eq!(detect(text), Some(Format::Bibtex), "{text:?}");
        }
        for text in ["---\n---\nno entries here\n", "mail me @ home{ok}", "---\n"] {
            assert_eq!(detect(text), None, "{text:?}");
        }
    }
}
