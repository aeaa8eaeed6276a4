//! Writes digest's own JSON: an array of records with every field, the body as Markdown.
//! Lossless: importing it ([`crate::import::digest_json`], which also defines the record's
//! shape) gives the same record files' contents.

use super::ExportedPaper;
use crate::import::digest_json::JsonRecord;

/// The papers as a JSON array (pretty-printed, one record per object).
pub(crate) fn write(papers: &[ExportedPaper]) -> String {
    let records: Vec<JsonRecord> = papers
        .iter()
        .map(|e| {
            let p = e.paper;
            JsonRecord {
                title: p.title.clone(),
                date: p.date.to_string(),
                published: p.published.map(|d| d.to_string()),
                authors: p.authors.to_vec(),
                author_count: p.author_count,
                tags: p.tags.to_vec(),
                upvotes: p.upvotes,
                arxiv: p.arxiv.clone(),
                doi: p.doi.clone(),
                links: p.links.clone(),
                tldr: p.tldr.clone(),
                slug: p.slug.clone(),
                extra: p
                    .extra
                    .iter()
                    .map(|(k, v)| (k.clone(), toml_to_json(v)))
                    .collect(),
                body: e.body.source.trim().to_string(),
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
