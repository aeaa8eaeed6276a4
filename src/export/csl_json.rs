//! CSL-JSON export, the format Zotero and citeproc read.

use serde_json::{Value, json};

use super::{ExportedPaper, split_name};

/// The papers as a CSL-JSON array.
pub fn write(papers: &[ExportedPaper]) -> String {
    let items: Vec<Value> = papers
        .iter()
        .map(|e| {
            let p = e.paper;
            let mut item = json!({
                "id": p.slug,
                "type": if p.arxiv.is_some() { "article" } else { "article-journal" },
                "title": p.title,
                "author": p.authors.iter().map(|a| {
                    let (given, family) = split_name(a);
                    if given.is_empty() { json!({ "literal": family }) } else { json!({ "given": given, "family": family }) }
                }).collect::<Vec<_>>(),
                "issued": { "date-parts": [[p.date.year(), p.date.month(), p.date.day()]] },
            });
            let map = item.as_object_mut().expect("built as an object");
            let text = e.body.text.replace('\n', " ");
            if !text.is_empty() {
                map.insert("abstract".into(), json!(text));
            }
            if let Some(doi) = &p.doi {
                map.insert("DOI".into(), json!(doi));
            }
            if let Some(id) = &p.arxiv {
                map.insert("number".into(), json!(id));
                map.insert("publisher".into(), json!("arXiv"));
                map.insert("URL".into(), json!(format!("https://arxiv.org/abs/{id}")));
            } else if let Some(url) = p.links.get("url") {
                map.insert("URL".into(), json!(url));
            }
            if !p.tags.is_empty() {
                map.insert("keyword".into(), json!(p.tags.join(", ")));
            }
            item
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}
