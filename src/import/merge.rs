//! Merging imported papers into a folder of records without losing an edit.
//!
//! A paper is the same paper when its arXiv id (version stripped), its DOI or its normalized
//! title matches a record already there. Then only the fields the source owns are updated, in
//! the record's own front matter text (comments, order and formatting kept, the body never
//! touched); otherwise a new record file is made. Planning is pure; [`apply`] writes, each file
//! atomically.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, InlineTable, Item, Value};

use super::ImportedPaper;
use super::record_file::{file_stem, render_record};
use crate::record::front_matter;

/// Fields an import may change in an existing record, and nothing else: upvotes, the author
/// count, the links the source gives (`code`, `project`, `pdf`, `url`; other links are kept),
/// and the arXiv id, DOI and publication date when the record has none.
pub const SOURCE_OWNED: &str = "upvotes, author_count, links.code, links.project, links.pdf, links.url, and arxiv/doi/published when missing";

/// A record already in the folder, as far as matching needs it.
#[derive(Debug, Clone)]
pub struct ExistingRecord {
    /// Its file.
    pub path: PathBuf,
    /// Its whole text.
    pub text: String,
    /// arXiv id, version stripped.
    pub arxiv: Option<String>,
    /// DOI, lowercase.
    pub doi: Option<String>,
    /// Normalized title.
    pub title_key: String,
}

impl ExistingRecord {
    /// Reads what matching needs from a record's text; `None` if it has no readable front
    /// matter (such a file is left alone and reported by `digest build`).
    pub fn read(path: PathBuf, text: String) -> Option<ExistingRecord> {
        let split = front_matter::split(&text).ok()?;
        let table: toml::Table = toml::from_str(&text[split.front_matter]).ok()?;
        let string = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
        Some(ExistingRecord {
            arxiv: string("arxiv").map(|a| strip_version(&a)),
            doi: string("doi").map(|d| d.to_lowercase()),
            title_key: title_key(&string("title").unwrap_or_default()),
            path,
            text,
        })
    }
}

/// What happened, or would happen, to one imported paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new record file.
    Added { path: PathBuf, text: String },
    /// An existing record, with the fields that changed (`upvotes 3 → 5`).
    Updated {
        path: PathBuf,
        text: String,
        fields: Vec<String>,
    },
    /// An existing record the import would not change.
    Unchanged { path: PathBuf },
    /// Not imported, and why.
    Skipped { title: String, why: String },
}

/// arXiv id without its version suffix: `2502.04522v2` → `2502.04522`.
pub fn strip_version(id: &str) -> String {
    let id = id.trim();
    match id.rfind('v') {
        Some(i)
            if i > 0
                && id[i + 1..].chars().all(|c| c.is_ascii_digit())
                && !id[i + 1..].is_empty()
                && id[..i].chars().last().is_some_and(|c| c.is_ascii_digit()) =>
        {
            id[..i].to_string()
        }
        _ => id.to_string(),
    }
}

/// A title reduced to lowercase letters and digits separated by single spaces, so case,
/// punctuation and spacing differences do not make two records of one paper.
pub fn title_key(title: &str) -> String {
    let mut key = String::with_capacity(title.len());
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// Decides, for every imported paper, whether it is new or which record it updates, and the
/// text each file would get. `taken` says whether a path is already used by a file that is
/// not a record (so new files never overwrite anything).
pub fn plan(
    existing: &[ExistingRecord],
    imported: &[ImportedPaper],
    into: &Path,
    taken: &dyn Fn(&Path) -> bool,
) -> Vec<Outcome> {
    let mut records: Vec<ExistingRecord> = existing.to_vec();
    let mut by_arxiv: HashMap<String, usize> = HashMap::new();
    let mut by_doi: HashMap<String, usize> = HashMap::new();
    let mut by_title: HashMap<String, usize> = HashMap::new();
    let index = |records: &[ExistingRecord],
                 i: usize,
                 a: &mut HashMap<String, usize>,
                 d: &mut HashMap<String, usize>,
                 t: &mut HashMap<String, usize>| {
        let r = &records[i];
        if let Some(id) = &r.arxiv {
            a.entry(id.clone()).or_insert(i);
        }
        if let Some(doi) = &r.doi {
            d.entry(doi.clone()).or_insert(i);
        }
        if !r.title_key.is_empty() {
            t.entry(r.title_key.clone()).or_insert(i);
        }
    };
    for i in 0..records.len() {
        index(&records, i, &mut by_arxiv, &mut by_doi, &mut by_title);
    }
    let mut used_paths: HashSet<PathBuf> = records.iter().map(|r| r.path.clone()).collect();
    // Per imported paper: the record it landed in, or why it was skipped. A paper listed twice
    // in one import lands in one record, which is reported once.
    let mut landed: Vec<Result<usize, Outcome>> = Vec::with_capacity(imported.len());
    let mut changed: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let first_new = records.len();
    for paper in imported {
        if paper.title.trim().is_empty() {
            landed.push(Err(Outcome::Skipped {
                title: String::new(),
                why: "it has no title".into(),
            }));
            continue;
        }
        let found = paper
            .arxiv
            .as_ref()
            .and_then(|id| by_arxiv.get(&strip_version(id)))
            .or_else(|| {
                paper
                    .doi
                    .as_ref()
                    .and_then(|doi| by_doi.get(&doi.to_lowercase()))
            })
            .or_else(|| by_title.get(&title_key(&paper.title)))
            .copied();
        if let Some(i) = found {
            let (text, fields) = update_text(&records[i].text, paper);
            if !fields.is_empty() {
                records[i].text = text;
                changed.entry(i).or_default().extend(fields);
            }
            landed.push(Ok(i));
            continue;
        }
        let stem = file_stem(&paper.title);
        let mut path = into.join(format!("{stem}.md"));
        let mut n = 2;
        while used_paths.contains(&path) || taken(&path) {
            path = into.join(format!("{stem}-{n}.md"));
            n += 1;
        }
        used_paths.insert(path.clone());
        match ExistingRecord::read(path, render_record(paper)) {
            Some(record) => {
                records.push(record);
                let i = records.len() - 1;
                index(&records, i, &mut by_arxiv, &mut by_doi, &mut by_title);
                landed.push(Ok(i));
            }
            None => landed.push(Err(Outcome::Skipped {
                title: paper.title.clone(),
                why: "it cannot be written as a record".into(),
            })),
        }
    }
    let mut reported = HashSet::new();
    landed
        .into_iter()
        .filter_map(|slot| match slot {
            Err(skipped) => Some(skipped),
            Ok(i) if !reported.insert(i) => None,
            Ok(i) => {
                let r = &records[i];
                Some(if i >= first_new {
                    Outcome::Added {
                        path: r.path.clone(),
                        text: r.text.clone(),
                    }
                } else if let Some(fields) = changed.get(&i) {
                    Outcome::Updated {
                        path: r.path.clone(),
                        text: r.text.clone(),
                        fields: fields.clone(),
                    }
                } else {
                    Outcome::Unchanged {
                        path: r.path.clone(),
                    }
                })
            }
        })
        .collect()
}

/// The record's text with the source-owned fields of `paper` set; the changed fields named.
/// Only the front matter is edited, through toml_edit so the person's formatting stays; lines
/// not changed keep their bytes, line breaks included.
pub fn update_text(text: &str, paper: &ImportedPaper) -> (String, Vec<String>) {
    let Ok(split) = front_matter::split(text) else {
        return (text.to_string(), Vec::new());
    };
    let Ok(mut doc) = text[split.front_matter.clone()].parse::<DocumentMut>() else {
        return (text.to_string(), Vec::new());
    };
    let mut fields = Vec::new();
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
    set_int(&mut doc, "upvotes", paper.upvotes, &mut fields);
    if doc
        .get("authors")
        .and_then(|a| a.as_array())
        .is_none_or(|a| a.is_empty())
    {
        set_int(&mut doc, "author_count", paper.author_count, &mut fields);
    }
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
    if fields.is_empty() {
        return (text.to_string(), fields);
    }
    let mut edited = doc.to_string();
    if !edited.ends_with('\n') {
        edited.push('\n');
    }
    // toml_edit writes `\n` for every line break; the record keeps its own (CRLF files stay
    // CRLF) and every line the update did not change stays byte for byte.
    let before = &text[..split.front_matter.start];
    let default_break = if before.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let front_matter =
        line_breaks::restore_line_breaks(&text[split.front_matter.clone()], &edited, default_break);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(before);
    out.push_str(&front_matter);
    out.push_str(&text[split.front_matter.end..]);
    (out, fields)
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

/// Writes the added and updated files, each through a temporary sibling and a rename. An
/// updated record keeps what the rename would otherwise lose: a record that is a symbolic link
/// stays one (its target is updated) and the file keeps its permissions.
pub fn apply(outcomes: &[Outcome]) -> std::io::Result<()> {
    for outcome in outcomes {
        match outcome {
            Outcome::Added { path, text } => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                replace_file(path, text, None)?;
            }
            Outcome::Updated { path, text, .. } => {
                let target = std::fs::canonicalize(path)?;
                let permissions = std::fs::metadata(&target)?.permissions();
                replace_file(&target, text, Some(permissions))?;
            }
            Outcome::Unchanged { .. } | Outcome::Skipped { .. } => {}
        }
    }
    Ok(())
}

/// Writes `text` to a temporary sibling of `path` and renames it over `path`, so `path` is never
/// half-written.
fn replace_file(
    path: &Path,
    text: &str,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let tmp = path.with_extension("md.digest-tmp");
    std::fs::write(&tmp, text)?;
    if let Some(permissions) = permissions {
        std::fs::set_permissions(&tmp, permissions)?;
    }
    std::fs::rename(&tmp, path)
}

mod line_breaks;

#[cfg(test)]
mod tests;
