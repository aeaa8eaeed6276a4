//! The paper record: one Markdown file with TOML front matter, parsed and validated into a
//! [`Paper`]. Reports every problem of a file with its line and column in the `.md` file.
//!
//! Parsing is pure (text in, value out); reading files and rendering Markdown live elsewhere.

pub mod author;
mod clean;
pub(crate) mod front_matter;
pub(crate) mod link_url;
#[cfg(test)]
pub(crate) mod mutations;
mod names;
mod str_list;
pub(crate) mod tldr;
mod toml_text;

pub use str_list::StrList;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Location, Problem};
use front_matter::SplitError;

/// The keys a record's front matter may have, for error messages.
pub const ALLOWED_KEYS: &str = "title, date, published, authors, author_count, tags, upvotes, arxiv, doi, links, tldr, slug, draft, extra";

/// One paper, as its record file describes it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Paper {
    /// The record file, as shown to the user (relative to the site root).
    pub path: String,
    /// Title, as written.
    pub title: String,
    /// The day the paper is listed under.
    pub date: Date,
    /// The publication date, when it differs from the day it is listed under.
    pub published: Option<Date>,
    /// Author names, when known (one allocation for all: see [`StrList`]).
    pub authors: StrList,
    /// Number of authors when only a count is known.
    pub author_count: Option<u32>,
    /// Tags written in the record (keyword tags are added by the index).
    pub tags: StrList,
    /// Upvotes on the listing the paper came from.
    pub upvotes: Option<u32>,
    /// arXiv identifier, e.g. `2502.04522`.
    pub arxiv: Option<String>,
    /// DOI, e.g. `10.1000/xyz`.
    pub doi: Option<String>,
    /// Named links: `code`, `project`, `pdf`, …
    pub links: BTreeMap<String, String>,
    /// A summary in one or two sentences of plain text (Hugging Face's `ai_summary`, Semantic
    /// Scholar's TLDR, or a person's own), one line, at most [`tldr::MAX_CHARS`] characters.
    pub tldr: Option<String>,
    /// The URL segment of the paper's page, `/papers/<slug>/`.
    pub slug: String,
    /// Where the slug is written (or the front matter's opening `+++` when it comes from the
    /// file name): a byte range of the record file's text, for collision reports. Only the
    /// range is kept; a report reads the file again to show the line (a copy of each record's
    /// line would weigh more than a hundred bytes a paper on a large site).
    pub slug_span: std::ops::Range<u32>,
    /// Drafts are built only with `--drafts`.
    pub draft: bool,
    /// Free-form data for templates. Kept in the build cache as TOML text: a binary form has no
    /// types of its own to tell a TOML value's kind by.
    #[serde(with = "toml_text")]
    pub extra: toml::Table,
    /// The Markdown body: the abstract, optionally followed by notes from a line `<!-- notes -->`
    /// or a `## Notes` heading on (the split is made where it is rendered, see `markdown`).
    pub body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<Spanned<String>>,
    date: Option<Spanned<toml::Value>>,
    published: Option<Spanned<toml::Value>>,
    #[serde(default)]
    authors: Vec<String>,
    author_count: Option<u32>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    upvotes: Option<u32>,
    arxiv: Option<Spanned<String>>,
    doi: Option<Spanned<String>>,
    #[serde(default)]
    links: BTreeMap<String, Spanned<String>>,
    tldr: Option<Spanned<String>>,
    slug: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    extra: toml::Table,
}

/// Parses a record file. `path` is shown in errors; `file_stem` gives the default slug.
/// Characters XML and HTML forbid are replaced (see [`parse_with_warning`]).
pub fn parse(text: &str, path: &str, file_stem: &str) -> Result<Paper, Vec<Problem>> {
    parse_with_warning(text, path, file_stem).map(|(paper, _)| paper)
}

/// [`parse`], with the warning to show when the record held characters no XML feed or HTML
/// page may contain (a form feed copied from a PDF), which the paper has replaced.
pub fn parse_with_warning(
    text: &str,
    path: &str,
    file_stem: &str,
) -> Result<(Paper, Option<Problem>), Vec<Problem>> {
    let mut paper = parse_as_written(text, path, file_stem)?;
    let warning = clean::clean_paper(&mut paper)
        .then(|| clean::warning(text, path))
        .flatten();
    Ok((paper, warning))
}

/// The record as written, validated; its text may hold characters XML forbids.
fn parse_as_written(text: &str, path: &str, file_stem: &str) -> Result<Paper, Vec<Problem>> {
    let source: Arc<str> = Arc::from(text);
    let at = |span: Range<usize>| Location {
        path: path.to_string(),
        source: source.clone(),
        span,
    };
    let split = front_matter::split(text).map_err(|err| {
        vec![match err {
            SplitError::MissingOpening(span) => Problem::at(at(span), "missing front matter: a record must start with a `+++` line")
                .with_hint("start the file with `+++`, then `title = \"…\"` and `date = YYYY-MM-DD`, then a closing `+++`; did you forget to add `+++`?"),
            SplitError::Unclosed(span) => Problem::at(at(span), "the front matter opened here is never closed")
                .with_hint("add a line `+++` after the last key of the front matter"),
        }]
    })?;
    let offset = split.front_matter.start;
    let shift = |span: Range<usize>| span.start + offset..span.end + offset;
    let fm: FrontMatter = toml::from_str(&text[split.front_matter.clone()]).map_err(|err| {
        let span = err.span().map(shift).unwrap_or(offset..offset);
        let message = err.message().trim().to_string();
        let line = line_at(text, span.start);
        let hint = if message.contains("unknown field") {
            format!("the allowed keys are {ALLOWED_KEYS}; put free-form data under [extra]")
        } else if line.trim_start().starts_with("date") {
            "write the date as YYYY-MM-DD without quotes, e.g. date = 2023-02-10".to_string()
        } else {
            "the front matter must be valid TOML: check quotes, brackets and `key = value` lines"
                .to_string()
        };
        vec![Problem::at(at(span), format!("invalid front matter: {message}")).with_hint(hint)]
    })?;

    let mut problems = Vec::new();
    let opening = at(0..3.min(text.len()));
    let title = match fm.title {
        Some(t) if !t.get_ref().trim().is_empty() => t.into_inner().trim().to_string(),
        Some(t) => {
            problems.push(
                Problem::at(at(shift(t.span())), "the title is empty").with_hint(
                    "write the paper's title, e.g. title = \"Attention Is All You Need\"",
                ),
            );
            String::new()
        }
        None => {
            problems.push(
                Problem::at(opening.clone(), "missing title")
                    .with_hint("add title = \"…\" to the front matter"),
            );
            String::new()
        }
    };
    let date = match fm.date {
        Some(d) => {
            let span = shift(d.span());
            match to_date(d.get_ref()) {
                Ok(date) => Some(date),
                Err(why) => {
                    problems.push(
                        Problem::at(at(span), format!("invalid date: {why}")).with_hint(
                            "write the date as YYYY-MM-DD without quotes, e.g. date = 2025-02-06",
                        ),
                    );
                    None
                }
            }
        }
        None => {
            problems.push(
                Problem::at(opening.clone(), "missing date")
                    .with_hint("add the day the paper is listed under, e.g. date = 2025-02-06"),
            );
            None
        }
    };
    let published = fm.published.and_then(|d| match to_date(d.get_ref()) {
        Ok(date) => Some(date),
        Err(why) => {
            problems.push(
                Problem::at(
                    at(shift(d.span())),
                    format!("invalid published date: {why}"),
                )
                .with_hint(
                    "write the date as YYYY-MM-DD without quotes, e.g. published = 2025-02-03",
                ),
            );
            None
        }
    });
    let tags = names::checked_tags(fm.tags, |span| at(shift(span)), &mut problems);
    let mut links = BTreeMap::new();
    for (name, url) in fm.links {
        match link_url::http_url(url.get_ref()) {
            Ok(checked) => {
                links.insert(name, checked);
            }
            Err(why) => problems.push(
                Problem::at(
                    at(shift(url.span())),
                    format!("link `{name}` {}", why.describe()),
                )
                .with_hint("write full URLs, e.g. code = \"https://github.com/org/repo\""),
            ),
        }
    }
    let arxiv = fm.arxiv.and_then(|id| {
        let ok = !id.get_ref().is_empty()
            && id
                .get_ref()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "./-".contains(c));
        if ok {
            Some(id.into_inner())
        } else {
            problems.push(
                Problem::at(
                    at(shift(id.span())),
                    format!("`{}` is not an arXiv identifier", id.get_ref()),
                )
                .with_hint("write the bare identifier, e.g. arxiv = \"2502.04522\""),
            );
            None
        }
    });
    let doi = fm.doi.and_then(|doi| {
        if doi.get_ref().starts_with("10.") && !doi.get_ref().chars().any(char::is_whitespace) {
            Some(doi.into_inner())
        } else {
            problems.push(
                Problem::at(
                    at(shift(doi.span())),
                    format!("`{}` is not a DOI", doi.get_ref()),
                )
                .with_hint("write the bare DOI, e.g. doi = \"10.1000/xyz123\""),
            );
            None
        }
    });
    let tldr = fm.tldr.and_then(|written| {
        let text = tldr::normalized(written.get_ref());
        let why = match tldr::check(&text) {
            Ok(()) => return Some(text),
            Err(tldr::TldrError::Empty) => {
                Problem::at(at(shift(written.span())), "the tldr is empty")
                    .with_hint("write the paper in one or two sentences, or remove the `tldr` line")
            }
            Err(tldr::TldrError::TooLong(n)) => Problem::at(
                at(shift(written.span())),
                format!(
                    "the tldr is {n} characters long, more than the limit of {}",
                    tldr::MAX_CHARS
                ),
            )
            .with_hint(
                "a tldr is one or two sentences; put longer text in the body, below the abstract",
            ),
        };
        problems.push(why);
        None
    });
    let (slug, slug_location) = names::checked_slug(
        fm.slug,
        file_stem,
        opening,
        |span| at(shift(span)),
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Paper {
        path: path.to_string(),
        title,
        date: date.expect("a missing date is reported above"),
        published,
        authors: StrList::from(fm.authors),
        author_count: fm.author_count,
        tags: StrList::from(tags),
        upvotes: fm.upvotes,
        arxiv,
        doi,
        links,
        tldr,
        slug,
        slug_span: span_u32(&slug_location.span),
        draft: fm.draft,
        extra: fm.extra,
        body: text[split.body].to_string(),
    })
}

/// `span` as kept in a paper (record files past 4 GiB are not read whole anyway).
fn span_u32(span: &std::ops::Range<usize>) -> std::ops::Range<u32> {
    let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    at(span.start)..at(span.end)
}

/// A TOML date (or a `YYYY-MM-DD` string) as a calendar date; a date-time keeps its date.
fn to_date(value: &toml::Value) -> Result<Date, String> {
    match value {
        toml::Value::Datetime(dt) => match dt.date {
            Some(d) => {
                Date::new(d.year as i16, d.month as i8, d.day as i8).map_err(|e| e.to_string())
            }
            None => Err("it is a time without a date".to_string()),
        },
        toml::Value::String(s) => s
            .trim()
            .parse::<Date>()
            .map_err(|_| format!("`{s}` is not a YYYY-MM-DD date")),
        other => Err(format!("expected a date, found {}", other.type_str())),
    }
}

fn line_at(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    &text[start..end]
}

#[cfg(test)]
mod tests;
