//! Setting the fields a source owns in a record's front matter (see [`super::SOURCE_OWNED`]),
//! through toml_edit so everything else in it keeps its text. Only what the merge rules allow is
//! touched here; [`super::update_text`] puts the edited front matter back into the record.

use toml_edit::{DocumentMut, InlineTable, Item, Value};

use super::{listing_year, tldr_mark};
use crate::import::{ImportedPaper, YearOrigin};

/// Sets the source-owned fields of `paper` in a record's front matter, naming each change.
pub(super) fn update(doc: &mut DocumentMut, paper: &ImportedPaper, fields: &mut Vec<String>) {
    let set_int = |doc: &mut DocumentMut, key: &str, new: Option<u32>, fields: &mut Vec<String>| {
        let Some(new) = new else { return };
        let old = doc.get(key).and_then(|v| v.as_integer());
        if old != Some(i64::from(new)) {
            fields.push(match old {
                Some(old) => format!("{key} {old} → {new}"),
                None => format!("{key} {new}"),
            });
            match doc.get_mut(key).and_then(Item::as_value_mut) {
                Some(slot) => replace_value(slot, i64::from(new)),
                None => doc[key] = toml_edit::value(i64::from(new)),
            }
        }
    };
    set_int(doc, "upvotes", paper.upvotes, fields);
    let nameless = doc
        .get("authors")
        .and_then(|a| a.as_array())
        .is_none_or(|a| a.is_empty());
    // Names complete the record's count only when the source says it gave them all (a BibTeX
    // `and others`, a hidden Hugging Face author); otherwise the count stays beside them.
    let complete = u32::try_from(paper.authors.len()).ok() == paper.author_count;
    if nameless && !paper.authors.is_empty() {
        fill_authors(doc, &paper.authors, complete, fields);
    }
    if nameless && !complete {
        set_int(doc, "author_count", paper.author_count, fields);
    }
    redate(doc, paper, fields);
    for (key, new) in [
        ("arxiv", paper.arxiv.as_deref()),
        ("doi", paper.doi.as_deref()),
    ] {
        if let Some(new) = new
            && doc.get(key).is_none()
        {
            doc[key] = toml_edit::value(new);
            fields.push(format!("{key} {new}"));
        }
    }
    if let Some(published) = paper.published
        && doc.get("published").is_none()
        && let Ok(date) = published.to_string().parse::<toml_edit::Datetime>()
    {
        doc["published"] = toml_edit::value(date);
        fields.push(format!("published {published}"));
    }
    update_tldr(doc, paper, fields);
    for key in ["code", "project", "pdf", "url"] {
        let Some(new) = paper.links.get(key) else {
            continue;
        };
        let old = doc
            .get("links")
            .and_then(|l| l.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_string);
        if old.as_deref() == Some(new.as_str()) {
            continue;
        }
        match doc.get_mut("links") {
            Some(Item::Value(Value::InlineTable(table))) => match table.get_mut(key) {
                Some(slot) => replace_value(slot, new.as_str()),
                None => append_to_inline(table, key, new.as_str()),
            },
            Some(Item::Table(table)) => match table.get_mut(key).and_then(Item::as_value_mut) {
                Some(slot) => replace_value(slot, new.as_str()),
                None => {
                    table.insert(key, toml_edit::value(new.as_str()));
                }
            },
            _ => {
                let mut table = InlineTable::new();
                table.insert(key, new.as_str().into());
                doc["links"] = toml_edit::value(table);
            }
        }
        fields.push(format!("links.{key}"));
    }
}

/// Fills the record's `tldr` when it has none, or updates it while it is still the one an import
/// wrote (see [`tldr_mark`]); a tldr a person wrote or edited is never touched. The new one is
/// marked as the import's unless it is a record's own (digest's JSON).
fn update_tldr(doc: &mut DocumentMut, paper: &ImportedPaper, fields: &mut Vec<String>) {
    // What the importers give already passes; checked again so that no caller writes a tldr
    // the build would refuse.
    let Some(new) = paper
        .tldr
        .as_deref()
        .and_then(crate::record::tldr::from_source)
    else {
        return;
    };
    let unedited = tldr_mark::unedited(doc);
    match doc.get("tldr") {
        None => doc["tldr"] = toml_edit::value(new.as_str()),
        Some(old) if old.as_str() == Some(new.as_str()) || !unedited => return,
        Some(_) => match doc.get_mut("tldr").and_then(Item::as_value_mut) {
            Some(slot) => replace_value(slot, new.as_str()),
            None => return,
        },
    }
    if paper.tldr_as_written {
        if let Some(value) = doc.get_mut("tldr").and_then(Item::as_value_mut) {
            value.decor_mut().set_suffix("");
        }
    } else {
        tldr_mark::mark(doc);
    }
    fields.push("tldr".to_string());
}

/// Writes the source's author names into a record that has none, where its `author_count` was
/// (else after `published` or `date`), and with `drop_count` drops the count the names make
/// redundant.
fn fill_authors(
    doc: &mut DocumentMut,
    names: &[String],
    drop_count: bool,
    fields: &mut Vec<String>,
) {
    let names: toml_edit::Array = names
        .iter()
        .map(|n| {
            crate::text_clean::cleaned(n)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let count = names.len();
    let table = doc.as_table_mut();
    let anchor = ["author_count", "authors", "published", "date"]
        .into_iter()
        .find(|k| table.contains_key(k));
    // Keys after the anchor are taken out and put back after the new one, keeping their
    // formatting, so `authors` lands where a person would look for it.
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    let after = anchor.and_then(|a| keys.iter().position(|k| k == a));
    let moved: Vec<(toml_edit::Key, Item)> = after
        .map(|at| {
            keys[at + 1..]
                .iter()
                .filter_map(|k| table.remove_entry(k))
                .collect()
        })
        .unwrap_or_default();
    let dropped = if drop_count {
        table.remove_entry("author_count")
    } else {
        None
    };
    match table.get_mut("authors") {
        Some(item) => {
            let decor = item.as_value().map(|v| v.decor().clone());
            *item = toml_edit::value(names);
            if let (Some(decor), Some(value)) = (decor, item.as_value_mut()) {
                *value.decor_mut() = decor;
            }
        }
        None => {
            // Where `author_count` was, `authors` takes its key's leading comment.
            let key = match &dropped {
                Some((key, _)) => {
                    let mut k = toml_edit::Key::new("authors");
                    *k.leaf_decor_mut() = key.leaf_decor().clone();
                    k
                }
                None => toml_edit::Key::new("authors"),
            };
            let mut value = Value::Array(names);
            if let Some((_, Item::Value(old))) = &dropped {
                *value.decor_mut() = old.decor().clone();
            }
            table.insert_formatted(&key, Item::Value(value));
        }
    }
    for (key, item) in moved {
        table.insert_formatted(&key, item);
    }
    fields.push(format!(
        "authors ({count} {})",
        if count == 1 { "name" } else { "names" }
    ));
    if dropped.is_some() {
        fields.push("author_count dropped".to_string());
    }
}

/// Re-dates a record whose date still has the year an earlier import gave it for a listing
/// date without one, when this import's year comes from `--year` and the listing names the same
/// month and day (the same paper on the same day; only the year was wrong).
fn redate(doc: &mut DocumentMut, paper: &ImportedPaper, fields: &mut Vec<String>) {
    if paper.year_not_in_listing != Some(YearOrigin::Given) {
        return;
    }
    let Some(current) = listing_year::marked_date(doc) else {
        return;
    };
    let new = paper.date;
    if current == new || (current.month(), current.day()) != (new.month(), new.day()) {
        return;
    }
    let (Ok(date), Some(slot)) = (
        new.to_string().parse::<toml_edit::Datetime>(),
        doc.get_mut("date").and_then(Item::as_value_mut),
    ) else {
        return;
    };
    replace_value(slot, date);
    listing_year::mark(doc, new.year(), YearOrigin::Given);
    fields.push(format!("date {current} → {new}"));
}

/// Replaces a value, keeping the spaces and the comment around it (`upvotes = 3  # Monday`).
fn replace_value(slot: &mut Value, new: impl Into<Value>) {
    let decor = slot.decor().clone();
    *slot = new.into();
    *slot.decor_mut() = decor;
}

/// Appends `key = value` to an inline table, after its last entry: the space (or none) before
/// the closing `}` moves to the new entry, so `{ a = "x" }` becomes `{ a = "x", b = "y" }`.
fn append_to_inline(table: &mut InlineTable, key: &str, value: &str) {
    let mut value = Value::from(value);
    if let Some((_, last)) = table.iter_mut().last()
        && let Some(space) = last.decor().suffix().cloned()
    {
        last.decor_mut().set_suffix("");
        value.decor_mut().set_suffix(space);
    }
    table.insert(key, value);
}
