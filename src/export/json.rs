//! digest's own JSON: an array of records with every field, the body as Markdown. Lossless:
//! importing it gives the same record files' contents.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ExportedPaper;
use crate::import::ImportedPaper;
use crate::import::entry::{EntryProblem, Parsed};

/// One record in digest's JSON.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonRecord {
    title: String,
    date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    author_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upvotes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    arxiv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    doi: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    links: BTreeMap<String, String>,
    slug: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    extra: BTreeMap<String, serde_json::Value>,
    /// The body as written, Markdown.
    body: String,
}

/// The papers as a JSON array (pretty-printed, one record per object).
pub fn write(papers: &[ExportedPaper]) -> String {
    let records: Vec<JsonRecord> = papers
        .iter()
        .map(|e| {
            let p = e.paper;
            JsonRecord {
                title: p.title.clone(),
                date: p.date.to_string(),
                published: p.published.map(|d| d.to_string()),
                authors: p.authors.clone(),
                author_count: p.author_count,
                tags: p.tags.clone(),
                upvotes: p.upvotes,
                arxiv: p.arxiv.clone(),
                doi: p.doi.clone(),
                links: p.links.clone(),
                slug: p.slug.clone(),
                extra: p
                    .extra
                    .iter()
                    .map(|(k, v)| (k.clone(), toml_to_json(v)))
                    .collect(),
                body: p.body.trim().to_string(),
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&records).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}

fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Reads digest's JSON back. A record with a missing or invalid field is a problem naming its
/// position in the array; the others are read.
pub fn parse(input: &str) -> Result<Parsed, String> {
    let values: Vec<serde_json::Value> = serde_json::from_str(input)
        .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    let mut parsed = Parsed::default();
    for (n, value) in values.into_iter().enumerate() {
        let problem = |message: String| EntryProblem {
            line: 1,
            column: 1,
            message: format!("record {} of the array: {message}", n + 1),
        };
        let record: JsonRecord = match serde_json::from_value(value) {
            Ok(r) => r,
            Err(e) => {
                parsed.problems.push(problem(e.to_string()));
                continue;
            }
        };
        let date = |s: &str| {
            s.parse::<jiff::civil::Date>()
                .map_err(|_| format!("`{s}` is not a YYYY-MM-DD date"))
        };
        let (date, published) = match (
            date(&record.date),
            record.published.as_deref().map(date).transpose(),
        ) {
            (Ok(d), Ok(p)) => (d, p),
            (Err(e), _) | (_, Err(e)) => {
                parsed.problems.push(problem(e));
                continue;
            }
        };
        parsed.papers.push(ImportedPaper {
            title: record.title,
            date,
            published,
            authors: record.authors,
            author_count: record.author_count,
            upvotes: record.upvotes,
            arxiv: record.arxiv,
            doi: record.doi,
            tags: record.tags,
            links: record.links,
            abstract_text: String::new(),
            extra: record
                .extra
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                .collect(),
            slug: Some(record.slug),
            body_markdown: Some(record.body),
        });
    }
    Ok(parsed)
}
