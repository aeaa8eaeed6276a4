//! CSL-JSON export, the format Zotero, pandoc and citeproc read. Each item's `id` is the
//! paper's citation key (the one its page and the `.bib` files use); `issued` is the
//! publication date when the record has one, else the day it is listed under.

use serde_json::{Map, Value, json};

use super::ExportedPaper;
use crate::record::Paper;
use crate::record::author::Author;

/// The papers as a CSL-JSON array.
pub fn write(papers: &[ExportedPaper]) -> String {
    let items: Vec<Value> = papers
        .iter()
        .map(|e| {
            let p = e.paper;
            let cited = p.published.unwrap_or(p.date);
            let mut item = json!({
                "id": e.key,
                "type": item_type(p),
                "title": p.title,
                "author": p.authors.iter().filter(|a| !a.trim().is_empty()).map(|a| name(&Author::parse(a))).collect::<Vec<_>>(),
                "issued": { "date-parts": [[cited.year(), cited.month(), cited.day()]] },
            });
            let map = item.as_object_mut().expect("built as an object");
            let text = e.body.text.replace('\n', " ");
            if !text.is_empty() {
                map.insert("abstract".into(), json!(text));
            }
            if let Some(venue) = venue(p) {
                map.insert("container-title".into(), json!(venue));
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

/// A CSL name: `literal` for an organisation or a name that cannot be split, else its parts
/// (`non-dropping-particle` for `van der`, as citeproc sorts Dutch names).
fn name(author: &Author) -> Value {
    match author {
        Author::Organisation(name) | Author::Literal(name) => json!({ "literal": name }),
        Author::Person(p) => {
            let mut map = Map::new();
            for (key, part) in [
                ("family", p.family),
                ("given", p.given),
                ("non-dropping-particle", p.particle),
                ("suffix", p.suffix),
            ] {
                if !part.is_empty() {
                    map.insert(key.into(), json!(part));
                }
            }
            Value::Object(map)
        }
    }
}

/// Where the paper appeared: `extra.journal`, `extra.booktitle` or `extra.venue`.
fn venue(p: &Paper) -> Option<&str> {
    ["journal", "booktitle", "venue"]
        .iter()
        .filter_map(|key| p.extra.get(*key).and_then(toml::Value::as_str))
        .map(str::trim)
        .find(|v| !v.is_empty() && !v.to_lowercase().starts_with("arxiv"))
}

/// `article` (a preprint) unless a journal or proceedings is known.
fn item_type(p: &Paper) -> &'static str {
    let text = |key: &str| p.extra.get(key).and_then(toml::Value::as_str);
    if text("journal").is_some() {
        return "article-journal";
    }
    if text("booktitle").is_some() {
        return "paper-conference";
    }
    match (venue(p), text("bibtex_type").or_else(|| text("type"))) {
        (Some(_), Some("article" | "article-journal")) => "article-journal",
        (Some(_), Some("inproceedings" | "conference" | "paper-conference")) => "paper-conference",
        _ => "article",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_have_the_parts_the_record_gives() {
        assert_eq!(
            name(&Author::parse("van der Berg, Jan")),
            json!({"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"})
        );
        assert_eq!(
            name(&Author::parse("{The ATLAS Collaboration}")),
            json!({"literal": "The ATLAS Collaboration"})
        );
        assert_eq!(name(&Author::parse("Plato")), json!({"family": "Plato"}));
    }
}
