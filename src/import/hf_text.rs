//! Parser for a plain-text copy of the Hugging Face "Daily Papers" page.
//!
//! Copies of that page are messy (browser-dependent blank lines, `\r\n`, very long
//! titles), so the parser does not rely on layout. It classifies every non-empty line
//! as a date, an authors count, known page chrome, or text, and then reads the stream
//! as papers of the shape `Text+ [Authors] Date`: the first text line is the title,
//! the rest are abstract paragraphs, and the date line closes the paper.

use crate::calendar::month_number;
use std::collections::BTreeMap;

use super::{ImportedPaper, YearOrigin};
use crate::diagnostic::LineIndex;
use jiff::civil::Date;
use prose::{clean, links_in};

/// Why a Daily Papers copy could not be read. Every variant names a 1-based line and
/// column in the input and says how to fix the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// A line shaped like a date names a day (or year) that does not exist.
    #[error(
        "line {line}, column {column}: `{text}` is not a real date ({reason}); \
         correct the date line, e.g. `Feb 6` or `Oct 5, 2022`"
    )]
    InvalidDate {
        /// Line of the date, from 1.
        line: usize,
        /// Column of the date, from 1.
        column: usize,
        /// The date as written.
        text: String,
        /// Why it is not a date.
        reason: String,
    },
    /// An authors line (`• 7 authors`) with no title above it.
    #[error(
        "line {line}, column {column}: authors line `{text}` has no paper title above it; \
         add the title (and abstract) above it or delete the line"
    )]
    AuthorsWithoutTitle {
        /// Line of the authors line, from 1.
        line: usize,
        /// Column where it starts, from 1.
        column: usize,
        /// The line as written.
        text: String,
    },
    /// A paper whose authors line is not followed by its date line.
    #[error(
        "line {line}, column {column}: paper \"{title}\" has an authors line but no date line \
         after it; add its date (e.g. `Feb 6` or `Oct 5, 2022`) right after line {line}"
    )]
    MissingDate {
        /// Line of the authors line, from 1.
        line: usize,
        /// Column where it starts, from 1.
        column: usize,
        /// The paper's title.
        title: String,
    },
}

/// Page phrases that are never paper content (compared case-insensitively).
const CHROME: &[&str] = &[
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
    // The site's navigation, which other copies of the page include.
    "hugging face",
    "models",
    "datasets",
    "spaces",
    "posts",
    "docs",
    "enterprise",
    "pricing",
    "log in",
    "sign up",
    "papers",
    "trending",
    "trending papers",
    "previous",
    "next",
    "search",
];

/// A classified non-empty input line.
enum Line<'a> {
    Date {
        month: i8,
        day: &'a str,
        year: Option<&'a str>,
        upvotes: Option<u32>,
    },
    Authors(u32),
    Chrome,
    Text(&'a str),
}

/// Parses a Daily Papers copy into papers, in page order.
///
/// Dates without a year (`Feb 6`) take `default_year`, and their papers say so
/// ([`ImportedPaper::year_not_in_listing`]). Page chrome and the page's
/// own date are skipped; trailing text that never reaches a date line (e.g. a footer)
/// is ignored.
pub fn parse(input: &str, default_year: i16) -> Result<Vec<ImportedPaper>, ImportError> {
    let parsed = parse_entries(input, default_year);
    match parsed.1.into_iter().next() {
        Some(err) => Err(err),
        None => Ok(parsed.0),
    }
}

impl ImportError {
    /// The 1-based line and column the error is about.
    pub fn position(&self) -> (usize, usize) {
        match self {
            ImportError::InvalidDate { line, column, .. }
            | ImportError::AuthorsWithoutTitle { line, column, .. }
            | ImportError::MissingDate { line, column, .. } => (*line, *column),
        }
    }
}

/// Reads every paper it can; each entry that cannot be read is one error (with its line and
/// column) and reading goes on with the next entry.
pub fn parse_entries(input: &str, default_year: i16) -> (Vec<ImportedPaper>, Vec<ImportError>) {
    let mut papers = Vec::new();
    let mut errors = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    // Line number, column and count of the current paper's authors line.
    let mut authors: Option<(usize, usize, u32)> = None;
    let index = LineIndex::new(input);
    let column = |part: &str| column_of(&index, input, part);
    // `lines()` strips `\n` and `\r\n`; `trim()` also drops a stray `\r`.
    for (index, raw) in input.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let line = classify(trimmed);
        // Text or a second authors line after an authors line means this paper's date
        // line is missing; guessing would silently merge two papers. Drop that paper and
        // start the next one here.
        if let (Some((line, column, _)), Line::Text(_) | Line::Authors(_)) = (authors, &line) {
            errors.push(ImportError::MissingDate {
                line,
                column,
                title: clean(pending[0]),
            });
            pending.clear();
            authors = None;
        }
        match line {
            Line::Chrome => {}
            Line::Text(text) => pending.push(text),
            Line::Authors(_) if pending.is_empty() => {
                errors.push(ImportError::AuthorsWithoutTitle {
                    line: line_no,
                    column: column(trimmed),
                    text: trimmed.to_string(),
                });
            }
            Line::Authors(n) => authors = Some((line_no, column(trimmed), n)),
            Line::Date {
                month,
                day,
                year,
                upvotes,
            } => {
                match resolve_date(raw, line_no, column, month, day, year, default_year) {
                    // A date with nothing pending is the page's own date: not a paper.
                    Ok(date) if !pending.is_empty() => {
                        let mut paper = build(&pending, authors.map(|a| a.2), date, upvotes);
                        // The caller knows whether the year was given (`--year`) or assumed.
                        paper.year_not_in_listing = year.is_none().then_some(YearOrigin::Assumed);
                        papers.push(paper);
                    }
                    Ok(_) => {}
                    Err(err) => errors.push(err),
                }
                pending.clear();
                authors = None;
            }
        }
    }
    if let Some((line, column, _)) = authors {
        errors.push(ImportError::MissingDate {
            line,
            column,
            title: clean(pending[0]),
        });
    }
    (papers, errors)
}

/// Classifies one trimmed, non-empty line.
fn classify(line: &str) -> Line<'_> {
    if CHROME.iter().any(|c| c.eq_ignore_ascii_case(line)) {
        return Line::Chrome;
    }
    if let Some(n) = authors_count(line) {
        return Line::Authors(n);
    }
    date_line(line).unwrap_or(Line::Text(line))
}

/// `• 7 authors` / `1 author` (the bullet is optional) → the count.
fn authors_count(line: &str) -> Option<u32> {
    let rest = line.trim_start_matches(['•', '·', '*', '-']).trim_start();
    match rest.split_whitespace().collect::<Vec<_>>()[..] {
        [n, "author" | "authors"] => n.parse().ok(),
        _ => None,
    }
}

/// `Feb 6`, `Oct 5, 2022`, `Jun 29, 2024 1`, `Apr 10 3` → a date line. Only the shape
/// is checked here (1–2 digit day, 4 digit year after a comma); validity comes later so
/// that an impossible date is reported instead of being read as a title.
fn date_line(line: &str) -> Option<Line<'_>> {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let (&month, &day, rest) = match &tokens[..] {
        [m, d, rest @ ..] => (m, d, rest),
        _ => return None,
    };
    let month = month_number(month)?;
    let digits = |s: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let (day, year, rest) = match day.strip_suffix(',') {
        Some(d) => match rest {
            [y, rest @ ..] if digits(y, 4..=4) => (d, Some(*y), rest),
            _ => return None,
        },
        None => (day, None, rest),
    };
    if !digits(day, 1..=2) {
        return None;
    }
    let upvotes = match rest {
        [] => None,
        [n] if digits(n, 1..=9) => Some(n.parse().ok()?),
        _ => return None,
    };
    Some(Line::Date {
        month,
        day,
        year,
        upvotes,
    })
}

/// Builds the calendar date, reporting an impossible one at the day's position.
fn resolve_date(
    raw: &str,
    line: usize,
    column_of: impl Fn(&str) -> usize,
    month: i8,
    day: &str,
    year: Option<&str>,
    default_year: i16,
) -> Result<Date, ImportError> {
    let invalid = |token: &str, reason: String| ImportError::InvalidDate {
        line,
        column: column_of(token),
        text: raw.trim().to_string(),
        reason,
    };
    let year_value = match year {
        Some(y) => y
            .parse()
            .map_err(|_| invalid(y, format!("year {y} is out of range")))?,
        None => default_year,
    };
    let day_value: i8 = day.parse().expect("date_line checked 1-2 digits");
    Date::new(year_value, month, day_value).map_err(|e| {
        let assumed = if year.is_none() {
            format!(", year {default_year} assumed")
        } else {
            String::new()
        };
        invalid(day, format!("{e}{assumed}"))
    })
}

/// 1-based column of `part`, a subslice of `input`, as every importer counts it (see
/// [`LineIndex`]: characters, a leading byte-order mark not counted).
fn column_of(index: &LineIndex<'_>, input: &str, part: &str) -> usize {
    index
        .line_col(part.as_ptr() as usize - input.as_ptr() as usize)
        .1
}

/// Assembles a paper from its text lines (title first) and closing date line.
fn build(
    text: &[&str],
    author_count: Option<u32>,
    date: Date,
    upvotes: Option<u32>,
) -> ImportedPaper {
    let abstract_text = text[1..]
        .iter()
        .map(|line| clean(line))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let (links, arxiv) = links_in(&abstract_text);
    let mut extra = BTreeMap::new();
    let arxiv = arxiv.map(|(id, version)| {
        if let Some(v) = version {
            extra.insert("arxiv_version".to_string(), v);
        }
        id
    });
    ImportedPaper {
        title: clean(text[0]),
        date,
        published: None,
        authors: Vec::new(),
        author_count,
        upvotes,
        arxiv,
        doi: None,
        tags: Vec::new(),
        links,
        abstract_text,
        extra,
        ..Default::default()
    }
}

mod prose;
#[cfg(test)]
mod tests;
