//! Merging imported papers into a folder of records without losing an edit.
//!
//! A paper is the same paper when its arXiv id (version stripped) or its DOI matches a record
//! already there, or its normalized title does and nothing both sides know contradicts it
//! ([`same_paper`]). Then only the fields the source owns are updated, in the record's own front
//! matter text (comments, order and formatting kept, the body never touched); otherwise a new
//! record file is made. Planning is pure; [`apply`] writes, each file atomically.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use toml_edit::DocumentMut;

use super::ImportedPaper;
use super::record_file::{file_stem, render_record};
use crate::record::front_matter;

/// Fields an import may change in an existing record, and nothing else: upvotes, the author
/// count, the links the source gives (`code`, `project`, `pdf`, `url`; other links are kept),
/// the arXiv id, DOI, publication date and author names when the record has none, a `date`
/// whose year the listing did not give (marked so by the `listing_year` module), and a `tldr`
/// when the record has none or has the one an import wrote (marked by `tldr_mark`).
pub const SOURCE_OWNED: &str = "upvotes, author_count, links.code, links.project, links.pdf, links.url, arxiv/doi/published/authors when missing, a date marked \"year not in the listing\", and a tldr when missing or marked \"as imported\"";

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
    /// Author names as written.
    pub authors: Vec<String>,
    /// Publication year (`published`, else `date`), unless the date's year is only a guess.
    pub year: Option<i16>,
}

impl ExistingRecord {
    /// Reads what matching needs from a record's text; `None` if it has no readable front
    /// matter (such a file is left alone and reported by `digest build`).
    pub fn read(path: PathBuf, text: String) -> Option<ExistingRecord> {
        let split = front_matter::split(&text).ok()?;
        let table: toml::Table = toml::from_str(&text[split.front_matter.clone()]).ok()?;
        let string = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let year_of = |key: &str| match table.get(key) {
            Some(toml::Value::Datetime(dt)) => dt.date.and_then(|d| i16::try_from(d.year).ok()),
            _ => None,
        };
        let guessed_year = || {
            listing_year::may_be_marked(&text)
                && text[split.front_matter.clone()]
                    .parse::<DocumentMut>()
                    .is_ok_and(|doc| listing_year::marked_date(&doc).is_some())
        };
        let year = year_of("published").or_else(|| {
            if guessed_year() {
                None
            } else {
                year_of("date")
            }
        });
        let authors = match table.get("authors") {
            Some(toml::Value::Array(list)) => list
                .iter()
                .filter_map(|a| a.as_str())
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        Some(ExistingRecord {
            arxiv: string("arxiv").map(|a| strip_version(&a)),
            doi: string("doi").map(|d| d.to_lowercase()),
            title_key: title_key(&string("title").unwrap_or_default()),
            authors,
            year,
            path,
            text,
        })
    }
}

/// What happened, or would happen, to one imported paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new record file. `kept_apart` says why it was not merged into a record of the same
    /// title ("same title as content/a.md, but DOI … there, … here").
    Added {
        /// The new record file.
        path: PathBuf,
        /// Its contents.
        text: String,
        /// Why a record of the same title was kept apart, if one was.
        kept_apart: Option<String>,
    },
    /// An existing record, with the fields that changed (`upvotes 3 → 5`).
    Updated {
        /// The record file.
        path: PathBuf,
        /// Its new contents.
        text: String,
        /// Each field changed, old → new.
        fields: Vec<String>,
    },
    /// An existing record the import would not change.
    Unchanged {
        /// The record file.
        path: PathBuf,
    },
    /// Not imported, and why.
    Skipped {
        /// The paper's title.
        title: String,
        /// Why it was skipped.
        why: String,
    },
    /// A paper listed again in the same import, merged into the record named (reported once,
    /// under its first listing).
    Repeated {
        /// The paper's title.
        title: String,
        /// The record it was merged into.
        path: PathBuf,
    },
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
/// not a record (so new files never overwrite anything). With `force`, a matched record is
/// replaced whole by the imported version instead of having its source-owned fields updated.
pub fn plan(
    existing: &[ExistingRecord],
    imported: &[ImportedPaper],
    into: &Path,
    taken: &dyn Fn(&Path) -> bool,
    force: bool,
) -> Vec<Outcome> {
    let mut records: Vec<ExistingRecord> = existing.to_vec();
    let mut index = Index::default();
    for i in 0..records.len() {
        index.add(&records, i);
    }
    let mut used_paths: HashSet<PathBuf> = records.iter().map(|r| r.path.clone()).collect();
    // Per imported paper: the record it landed in, or why it was skipped. A paper listed twice
    // in one import lands in one record, which is reported once.
    let mut landed: Vec<Result<usize, Outcome>> = Vec::with_capacity(imported.len());
    let mut changed: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut kept_apart: HashMap<usize, String> = HashMap::new();
    let first_new = records.len();
    for paper in imported {
        if paper.title.trim().is_empty() {
            landed.push(Err(Outcome::Skipped {
                title: String::new(),
                why: "it has no title".into(),
            }));
            continue;
        }
        let (found, apart) = match index.find(&records, paper) {
            Match::Record(i) => (Some(i), None),
            Match::New { apart } => (None, apart),
            Match::Ambiguous(candidates) => {
                let names: Vec<String> = candidates
                    .iter()
                    .map(|&i| records[i].path.display().to_string())
                    .collect();
                landed.push(Err(Outcome::Skipped {
                    title: paper.title.clone(),
                    why: format!(
                        "its title matches {}, and nothing it says tells which paper it is; \
                         add its arXiv id or DOI to the listing or to the right record",
                        names.join(" and ")
                    ),
                }));
                continue;
            }
        };
        if let Some(i) = found {
            let (text, fields) = if force {
                let text = new_record_text(paper);
                let fields = if text == records[i].text {
                    Vec::new()
                } else {
                    vec!["whole record (--force)".to_string()]
                };
                (text, fields)
            } else {
                update_text(&records[i].text, paper)
            };
            if !fields.is_empty() {
                // Read again what matching knows of it (an arXiv id or names it just got), so
                // later entries of this listing match it by them.
                match ExistingRecord::read(records[i].path.clone(), text.clone()) {
                    Some(updated) => {
                        records[i] = updated;
                        index.add(&records, i);
                    }
                    None => records[i].text = text,
                }
                let list = changed.entry(i).or_default();
                for field in fields {
                    if !list.contains(&field) {
                        list.push(field);
                    }
                }
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
        match ExistingRecord::read(path, new_record_text(paper)) {
            Some(record) => {
                records.push(record);
                let i = records.len() - 1;
                index.add(&records, i);
                if let Some((other, why)) = apart {
                    kept_apart.insert(
                        i,
                        format!("same title as {}, but {why}", records[other].path.display()),
                    );
                }
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
        .zip(imported)
        .map(|(slot, paper)| match slot {
            Err(skipped) => skipped,
            Ok(i) if !reported.insert(i) => Outcome::Repeated {
                title: paper.title.clone(),
                path: records[i].path.clone(),
            },
            Ok(i) => {
                let r = &records[i];
                if i >= first_new {
                    Outcome::Added {
                        path: r.path.clone(),
                        text: r.text.clone(),
                        kept_apart: kept_apart.remove(&i),
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
                }
            }
        })
        .collect()
}

/// The records by arXiv id, DOI and normalized title. Several records may share a title (kept
/// apart because something contradicts a merge); ids are unique.
#[derive(Default)]
struct Index {
    by_arxiv: HashMap<String, usize>,
    by_doi: HashMap<String, usize>,
    by_title: HashMap<String, Vec<usize>>,
}

impl Index {
    fn add(&mut self, records: &[ExistingRecord], i: usize) {
        let r = &records[i];
        if let Some(id) = &r.arxiv {
            self.by_arxiv.entry(id.clone()).or_insert(i);
        }
        if let Some(doi) = &r.doi {
            self.by_doi.entry(doi.clone()).or_insert(i);
        }
        if !r.title_key.is_empty() {
            let same_title = self.by_title.entry(r.title_key.clone()).or_default();
            if !same_title.contains(&i) {
                same_title.push(i);
            }
        }
    }

    /// The record `paper` belongs to: by arXiv id, else DOI, else the one record of the same
    /// title that nothing contradicts.
    fn find(&self, records: &[ExistingRecord], paper: &ImportedPaper) -> Match {
        let by_id = paper
            .arxiv
            .as_ref()
            .and_then(|id| self.by_arxiv.get(&strip_version(id)))
            .or_else(|| {
                paper
                    .doi
                    .as_ref()
                    .and_then(|doi| self.by_doi.get(&doi.to_lowercase()))
            });
        if let Some(&i) = by_id {
            return Match::Record(i);
        }
        let mut apart = None;
        let mut fitting = Vec::new();
        for &i in self
            .by_title
            .get(&title_key(&paper.title))
            .map_or(&[][..], Vec::as_slice)
        {
            match same_paper::contradiction(&records[i], paper) {
                None => fitting.push(i),
                Some(why) => {
                    apart.get_or_insert((i, why));
                }
            }
        }
        match fitting[..] {
            [] => Match::New { apart },
            [i] => Match::Record(i),
            _ => Match::Ambiguous(fitting),
        }
    }
}

/// Where an imported paper goes.
enum Match {
    /// Into this record.
    Record(usize),
    /// Into a new record; `apart` names a record of the same title and why it is another paper.
    New { apart: Option<(usize, String)> },
    /// Several records of its title could be it (kept apart by what they know, which this
    /// source does not say): guessing could mix two papers, so it is skipped.
    Ambiguous(Vec<usize>),
}

/// The text of a new record for `paper`: rendered, with a date whose year the listing did not
/// give marked as such.
fn new_record_text(paper: &ImportedPaper) -> String {
    let text = render_record(paper);
    let text = match paper.year_not_in_listing {
        Some(origin) => edit_front_matter(&text, |doc| {
            listing_year::mark(doc, paper.date.year(), origin)
        })
        .unwrap_or(text),
        None => text,
    };
    if paper.tldr.is_some() && !paper.tldr_as_written {
        edit_front_matter(&text, tldr_mark::mark).unwrap_or(text)
    } else {
        text
    }
}

/// The record's text with the source-owned fields of `paper` set; the changed fields named.
/// Only the front matter is edited, through toml_edit so the person's formatting stays; lines
/// not changed keep their bytes, line breaks included.
pub fn update_text(text: &str, paper: &ImportedPaper) -> (String, Vec<String>) {
    let mut fields = Vec::new();
    let edited = edit_front_matter(text, |doc| {
        owned_fields::update(doc, paper, &mut fields);
        !fields.is_empty()
    });
    (edited.unwrap_or_else(|| text.to_string()), fields)
}

/// The record's text with `tags` set when it has none (an empty list counts as none), for
/// `digest enrich`: tags a person wrote are never replaced (unlike the fields of
/// [`SOURCE_OWNED`], tags are the person's; a source may only give the first ones). The
/// changed field named; lines not changed keep their bytes.
pub fn fill_tags_when_absent(text: &str, tags: &[String]) -> (String, Vec<String>) {
    let mut fields = Vec::new();
    let edited = edit_front_matter(text, |doc| {
        let no_tags = match doc.get("tags") {
            None => true,
            Some(item) => item.as_array().is_some_and(|a| a.is_empty()),
        };
        if no_tags && !tags.is_empty() {
            doc["tags"] = toml_edit::value(tags.iter().collect::<toml_edit::Array>());
            fields.push(format!("tags ({})", tags.join(", ")));
        }
        !fields.is_empty()
    });
    (edited.unwrap_or_else(|| text.to_string()), fields)
}

/// `text` with its front matter edited by `edit` (which says whether it changed anything), or
/// `None` when nothing changed or the text has no front matter toml_edit reads. Lines `edit` did
/// not change keep their bytes, line breaks included.
fn edit_front_matter(text: &str, edit: impl FnOnce(&mut DocumentMut) -> bool) -> Option<String> {
    let split = front_matter::split(text).ok()?;
    let mut doc = text[split.front_matter.clone()]
        .parse::<DocumentMut>()
        .ok()?;
    if !edit(&mut doc) {
        return None;
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
    Some(out)
}

/// Writes the added and updated files, each through a temporary sibling and a rename. An
/// updated record keeps what the rename would otherwise lose: a record that is a symbolic link
/// stays one (its target is updated) and the file keeps its permissions.
pub fn apply(outcomes: &[Outcome]) -> std::io::Result<()> {
    for outcome in outcomes {
        match outcome {
            Outcome::Added { path, text, .. } => {
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
            Outcome::Unchanged { .. } | Outcome::Skipped { .. } | Outcome::Repeated { .. } => {}
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
mod listing_year;
mod owned_fields;
pub(crate) mod same_paper;
mod tldr_mark;

#[cfg(test)]
mod tests;
