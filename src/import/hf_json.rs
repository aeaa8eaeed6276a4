//! Importer for the Hugging Face daily papers API (`https://huggingface.co/api/daily_papers`).
//!
//! Accepted shapes: the API's JSON array of items; an object `{ "papers": [items] }`; or a
//! single item object (one with a `"paper"` member). Unknown fields are ignored.
//!
//! Mapping per item (`paper` is the item's `"paper"` object):
//! - `title`: `paper.title`, else the item's `title` (whitespace collapsed; required);
//! - `date`: the UTC day the paper was featured: the item's `submittedOnDailyAt`, else
//!   `paper.submittedOnDailyAt`, else (responses from 2024, which have neither) the item's own
//!   `publishedAt`; one of them is required;
//! - `published`: the UTC day of `paper.publishedAt` (else the item's) when it differs;
//! - `authors`: `paper.authors[].name`, empty names skipped; `author_count` is the length
//!   of `paper.authors` when it is an array;
//! - `upvotes`: `paper.upvotes`; `arxiv`: `paper.id` when it is an arXiv id;
//! - `links`: `code` = `paper.githubRepo`, `project` = `paper.projectPage` (http(s) URLs only),
//!   `pdf` = `https://arxiv.org/pdf/<id>` when there is an arXiv id;
//! - `tags`: `paper.ai_keywords`, trimmed, deduplicated ignoring case, at most 8;
//! - `abstract_text`: `paper.summary`, paragraphs kept, whitespace within them collapsed;
//! - `tldr`: `paper.ai_summary` (Hugging Face's one-sentence summary), cleaned and on one line;
//!   one longer than a record's tldr may be (`record::tldr::MAX_CHARS`) is kept as
//!   `extra.ai_summary` instead, so nothing is lost and the record still builds;
//! - `extra`: `num_comments` = the item's `numComments`.
//!
//! Positions of problems: see [`super::json_reader`].

use serde_json::Value;

use super::json_reader::{self as js, Bad, Document, bad};
use super::parsed::Parsed;
use super::{ImportedPaper, ids};
use crate::record::tldr;

/// Most tags taken from `ai_keywords`.
pub const MAX_TAGS: usize = 8;

/// Reads a Hugging Face daily papers response. `Err` only for input that is too large, is
/// not JSON, or is not one of the accepted shapes; bad items become problems.
pub fn parse(input: &str) -> Result<Parsed, String> {
    const WHAT: &str = "Hugging Face daily papers JSON";
    let doc = Document::parse(input, WHAT)?;
    let entries = match &doc.value {
        Value::Array(items) => doc.root_array(items),
        Value::Object(obj) => match obj.get("papers") {
            Some(Value::Array(items)) => doc.member_array("papers", items),
            _ if obj.contains_key("paper") => doc.single(),
            _ => {
                return Err(format!(
                    "{WHAT}: expected an array of daily-paper items (as returned by \
                     /api/daily_papers), an object with a \"papers\" array, or one item \
                     with a \"paper\" member; found an object without them"
                ));
            }
        },
        other => {
            return Err(format!(
                "{WHAT}: expected an array of daily-paper items (as returned by \
                 /api/daily_papers), found {}",
                js::kind(other)
            ));
        }
    };
    Ok(js::convert_each(&doc, entries, ident, convert))
}

fn ident(item: &Value) -> Option<String> {
    js::str_of(item.get("paper").and_then(|p| p.get("id"))).map(str::to_string)
}

fn convert(item: &Value) -> Result<ImportedPaper, Bad> {
    if !item.is_object() {
        return Err(bad(
            &[],
            format!(
                "expected a daily-paper object, found {}; remove it or replace it with an item",
                js::kind(item)
            ),
        ));
    }
    let paper = match item.get("paper") {
        Some(p @ Value::Object(_)) => p,
        None | Some(Value::Null) => {
            return Err(bad(
                &[],
                "missing the \"paper\" object that holds the paper's id, title and authors",
            ));
        }
        Some(other) => {
            return Err(bad(
                &["paper"],
                format!("\"paper\" must be an object, found {}", js::kind(other)),
            ));
        }
    };

    let title = js::text_of(paper.get("title"))
        .or_else(|| js::text_of(item.get("title")))
        .ok_or_else(|| {
            bad(
                &["paper", "title"],
                "missing title: \"paper.title\" (and the item's \"title\") is absent, empty \
                 or not a string",
            )
        })?;

    // The listing day: `submittedOnDailyAt` since 2025; responses from 2024 have none, and
    // there the item's own `publishedAt` (not the paper's, which is the arXiv day) is the day
    // the paper was featured.
    let candidates: [(&Value, &'static [&'static str]); 3] = [
        (item, &["submittedOnDailyAt"]),
        (paper, &["paper", "submittedOnDailyAt"]),
        (item, &["publishedAt"]),
    ];
    let Some((stamp, at)) = candidates.iter().find_map(|(obj, at)| {
        obj.get(at[at.len() - 1])
            .filter(|v| !v.is_null())
            .map(|v| (v, *at))
    }) else {
        return Err(bad(
            &[],
            "missing \"submittedOnDailyAt\" and the item's \"publishedAt\" (the day the paper \
             was featured), so the paper cannot be filed under a day; add one, e.g. \
             \"submittedOnDailyAt\": \"2025-02-07T01:23:45.000Z\"",
        ));
    };
    let name = at[at.len() - 1];
    let date = match stamp {
        Value::String(s) => js::day_of(s).ok_or_else(|| {
            bad(
                at,
                format!(
                    "\"{name}\" is not a valid timestamp: {:?} (expected e.g. \
                     \"2025-02-07T01:23:45.000Z\")",
                    js::snippet(s)
                ),
            )
        })?,
        other => {
            return Err(bad(
                at,
                format!(
                    "\"{name}\" must be a timestamp string, found {}",
                    js::kind(other)
                ),
            ));
        }
    };
    let published = js::str_of(paper.get("publishedAt"))
        .or_else(|| js::str_of(item.get("publishedAt")))
        .and_then(js::day_of)
        .filter(|d| *d != date);

    let author_list = paper.get("authors").and_then(Value::as_array);
    let authors: Vec<String> = author_list
        .map(|list| {
            list.iter()
                .filter_map(|a| js::text_of(a.get("name")).or_else(|| js::text_of(Some(a))))
                .collect()
        })
        .unwrap_or_default();
    let author_count = author_list.and_then(|l| u32::try_from(l.len()).ok());

    let arxiv = js::str_of(paper.get("id")).and_then(ids::arxiv);

    let mut links = std::collections::BTreeMap::new();
    js::put(&mut links, "code", js::url_of(paper.get("githubRepo")));
    js::put(&mut links, "project", js::url_of(paper.get("projectPage")));
    if let Some(id) = &arxiv {
        links.insert("pdf".to_string(), format!("https://arxiv.org/pdf/{id}"));
    }

    let mut tags = Vec::new();
    if let Some(list) = paper.get("ai_keywords").and_then(Value::as_array) {
        for k in list.iter().filter_map(Value::as_str) {
            js::push_tag(&mut tags, k, MAX_TAGS);
        }
    }

    let mut extra = std::collections::BTreeMap::new();
    js::put(
        &mut extra,
        "num_comments",
        js::u64_of(item.get("numComments")).map(|n| n.to_string()),
    );
    let ai_summary = js::text_of(paper.get("ai_summary"));
    let tldr = ai_summary.as_deref().and_then(tldr::from_source);
    if tldr.is_none() {
        js::put(&mut extra, "ai_summary", ai_summary);
    }

    Ok(ImportedPaper {
        title,
        date,
        published,
        authors,
        author_count,
        upvotes: js::u32_of(paper.get("upvotes")),
        arxiv,
        doi: None,
        tags,
        links,
        abstract_text: js::str_of(paper.get("summary"))
            .map(js::paragraphs)
            .unwrap_or_default(),
        extra,
        tldr,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests;
