//! Importer for Semantic Scholar Graph API paper JSON (`/graph/v1/paper/{id}`,
//! `/graph/v1/paper/batch`, `/graph/v1/paper/search`).
//!
//! Accepted shapes: a single paper object; an array of papers (the batch endpoint, whose
//! `null` entries — ids it could not resolve — become problems); or a response object
//! `{ "data": [papers], … }` (search). An API error body (`{"message": …}` or
//! `{"error": …}` without paper fields) is an `Err`. Unknown fields are ignored.
//!
//! Mapping per paper:
//! - `title`: `title`, whitespace collapsed (required);
//! - `date`: `publicationDate` ("2025-02-06"), else `year`-01-01, else `default_date`,
//!   else the paper is a problem; `published` is always `None`;
//! - `authors`: `authors[].name`; `author_count` is the length of `authors` when an array;
//! - `arxiv` = `externalIds.ArXiv` (version stripped), else the id in `journal.volume` when
//!   `journal.name` is "ArXiv" (`"volume": "abs/2401.01234"`); `doi` = `externalIds.DOI` (bare);
//! - `links`: `pdf` = `openAccessPdf.url`, `url` = `url` (http(s) URLs only);
//! - `tags`: `fieldsOfStudy` (else `s2FieldsOfStudy[].category`), deduplicated ignoring case;
//! - `abstract_text`: `abstract` (absent or null → empty), paragraphs kept;
//! - `tldr`: `tldr.text` (Semantic Scholar's generated TLDR), cleaned and on one line; one
//!   longer than a record's tldr may be (`record::tldr::MAX_CHARS`) is kept as `extra.tldr`
//!   instead, so nothing is lost and the record still builds;
//! - `extra`: `venue` = `venue` (else `publicationVenue.name`, else `journal.name`),
//!   `citation_count` = `citationCount`, `s2_paper_id` = `paperId`.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::Value;

use super::ImportedPaper;
use super::ids;
use super::json_reader::{self as js, Bad, Document, bad};
use super::parsed::Parsed;

/// The arXiv id Semantic Scholar gives as a journal: `{"name": "ArXiv", "volume": "abs/…"}`.
fn arxiv_of_journal(journal: Option<&Value>) -> Option<String> {
    let journal = journal?;
    if !js::str_of(journal.get("name"))?
        .trim()
        .eq_ignore_ascii_case("arxiv")
    {
        return None;
    }
    let volume = js::str_of(journal.get("volume"))?;
    ids::arxiv(volume.trim().strip_prefix("abs/")?)
}

/// Reads Semantic Scholar paper JSON. Papers without `publicationDate` or `year` get
/// `default_date` when given. `Err` only for input that is too large, is not JSON, or is
/// not one of the accepted shapes; bad papers become problems.
pub fn parse(input: &str, default_date: Option<Date>) -> Result<Parsed, String> {
    const WHAT: &str = "Semantic Scholar JSON";
    let doc = Document::parse(input, WHAT)?;
    let entries = match &doc.value {
        Value::Array(items) => doc.root_array(items),
        Value::Object(obj) => match obj.get("data") {
            Some(Value::Array(items)) => doc.member_array("data", items),
            _ if obj.contains_key("paperId") || obj.contains_key("title") => doc.single(),
            _ => {
                let api_error = js::text_of(obj.get("message"))
                    .or_else(|| js::text_of(obj.get("error")))
                    .map(|m| format!(" (the API said: {})", js::snippet(&m)))
                    .unwrap_or_default();
                return Err(format!(
                    "{WHAT}: expected a paper object, an array of papers or an object with a \
                     \"data\" array, found an object with neither \"paperId\", \"title\" nor \
                     \"data\"{api_error}"
                ));
            }
        },
        other => {
            return Err(format!(
                "{WHAT}: expected a paper object, an array of papers or an object with a \
                 \"data\" array, found {}",
                js::kind(other)
            ));
        }
    };
    Ok(js::convert_each(&doc, entries, ident, |p| {
        convert(p, default_date)
    }))
}

fn ident(paper: &Value) -> Option<String> {
    js::str_of(paper.get("paperId")).map(str::to_string)
}

fn convert(paper: &Value, default_date: Option<Date>) -> Result<ImportedPaper, Bad> {
    match paper {
        Value::Object(_) => {}
        Value::Null => {
            return Err(bad(
                &[],
                "null instead of a paper: Semantic Scholar found no paper for the id requested \
                 at this position; check that id",
            ));
        }
        other => {
            return Err(bad(
                &[],
                format!("expected a paper object, found {}", js::kind(other)),
            ));
        }
    }
    let title = js::text_of(paper.get("title")).ok_or_else(|| {
        bad(
            &["title"],
            "missing title: \"title\" is absent, empty or not a string",
        )
    })?;

    let from_publication = js::str_of(paper.get("publicationDate")).and_then(js::day_of);
    let from_year = js::i64_of(paper.get("year"))
        .and_then(|y| i16::try_from(y).ok())
        .and_then(|y| Date::new(y, 1, 1).ok());
    let date = from_publication
        .or(from_year)
        .or(default_date)
        .ok_or_else(|| {
            let at: &'static [&'static str] = if paper.get("publicationDate").is_some() {
                &["publicationDate"]
            } else {
                &["year"]
            };
            bad(
                at,
                "no usable date: \"publicationDate\" and \"year\" are missing, null or invalid \
                 and no default date was given; add a \"publicationDate\" (YYYY-MM-DD) or pass \
                 a default date",
            )
        })?;

    let author_list = paper.get("authors").and_then(Value::as_array);
    let authors: Vec<String> = author_list
        .map(|list| {
            list.iter()
                .filter_map(|a| js::text_of(a.get("name")))
                .collect()
        })
        .unwrap_or_default();
    let author_count = author_list.and_then(|l| u32::try_from(l.len()).ok());

    let ids = paper.get("externalIds");
    let arxiv = js::str_of(ids.and_then(|i| i.get("ArXiv")))
        .and_then(ids::arxiv)
        .or_else(|| arxiv_of_journal(paper.get("journal")));
    let doi = js::str_of(ids.and_then(|i| i.get("DOI"))).and_then(ids::doi);

    let mut links = BTreeMap::new();
    js::put(
        &mut links,
        "pdf",
        js::url_of(paper.get("openAccessPdf").and_then(|p| p.get("url"))),
    );
    js::put(&mut links, "url", js::url_of(paper.get("url")));

    let mut tags = Vec::new();
    if let Some(list) = paper.get("fieldsOfStudy").and_then(Value::as_array) {
        for f in list.iter().filter_map(Value::as_str) {
            js::push_tag(&mut tags, f, usize::MAX);
        }
    }
    if tags.is_empty()
        && let Some(list) = paper.get("s2FieldsOfStudy").and_then(Value::as_array)
    {
        for f in list.iter().filter_map(|f| js::str_of(f.get("category"))) {
            js::push_tag(&mut tags, f, usize::MAX);
        }
    }

    let mut extra = BTreeMap::new();
    let venue = js::text_of(paper.get("venue"))
        .or_else(|| js::text_of(paper.get("publicationVenue").and_then(|v| v.get("name"))))
        .or_else(|| js::text_of(paper.get("journal").and_then(|v| v.get("name"))));
    js::put(&mut extra, "venue", venue);
    js::put(
        &mut extra,
        "citation_count",
        js::u64_of(paper.get("citationCount")).map(|n| n.to_string()),
    );
    js::put(
        &mut extra,
        "s2_paper_id",
        js::str_of(paper.get("paperId")).map(str::to_string),
    );
    let summary = js::text_of(paper.get("tldr").and_then(|t| t.get("text")));
    let tldr = summary
        .as_deref()
        .and_then(crate::record::tldr::from_source);
    if tldr.is_none() {
        js::put(&mut extra, "tldr", summary);
    }

    Ok(ImportedPaper {
        title,
        date,
        published: None,
        authors,
        author_count,
        upvotes: None,
        arxiv,
        doi,
        tags,
        links,
        abstract_text: js::str_of(paper.get("abstract"))
            .map(js::paragraphs)
            .unwrap_or_default(),
        extra,
        tldr,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests;
