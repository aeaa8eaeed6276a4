//! CSL-JSON export, the format Zotero, pandoc and citeproc read. Each item's `id` is the
//! paper's citation key (the one its page and the `.bib` files use); `issued` is the
//! publication date when the record has one, else the day it is listed under.

use serde_json::{Map, Value, json};

use super::ExportedPaper;
use super::venue::{Venue, venue};
use crate::record::author::Author;

/// The papers as a CSL-JSON array.
pub(crate) fn write(papers: &[ExportedPaper]) -> String {
    let items: Vec<Value> = papers
        .iter()
        .map(|e| {
            let p = e.paper;
            let cited = p.published.unwrap_or(p.date);
            let venue = venue(p);
            let mut item = json!({
                "id": e.key,
                "type": item_type(venue),
                "title": p.title,
                "author": p.authors.iter().filter(|a| !a.trim().is_empty()).map(|a| name(&Author::parse(a))).collect::<Vec<_>>(),
                "issued": { "date-parts": [[cited.year(), cited.month(), cited.day()]] },
            });
            let map = item.as_object_mut().expect("built as an object");
            let text = e.body.rendered.text.replace('\n', " ");
            if !text.is_empty() {
                map.insert("abstract".into(), json!(text));
            }
            if let Some(Venue::Journal(v) | Venue::Proceedings(v) | Venue::Other(v)) = venue {
                map.insert("container-title".into(), json!(v));
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

/// The CSL type: `article` (a preprint) unless a journal or proceedings is known.
fn item_type(venue: Option<Venue>) -> &'static str {
    match venue {
        Some(Venue::Journal(_)) => "article-journal",
        Some(Venue::Proceedings(_)) => "paper-conference",
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

    #[test]
    fn types_follow_the_venue() {
        assert_eq!(item_type(None), "article");
        assert_eq!(item_type(Some(Venue::Journal("J"))), "article-journal");
        assert_eq!(item_type(Some(Venue::Proceedings("P"))), "paper-conference");
        assert_eq!(item_type(Some(Venue::Other("Blog"))), "article");
    }
}
