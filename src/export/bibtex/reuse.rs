//! Making a tag's `.bib` file again from the one last written. A tag's file holds an entry for
//! each of its papers (20 MB for a large tag at 100,000 papers), and an edit changes one or
//! two of them: a date edit moves one paper's entry, a tag edit adds or removes one. `serve`
//! (in memory) and a build with the build cache (in its `bib.bin`) keep, for each file they
//! wrote, where each entry ends and what it was made from, and make the file again by copying
//! every entry made from the same paper text and key out of the file as written. Only the
//! others are written anew.
//!
//! The bytes are those of [`cite_all`](super::cite_all): an entry is the same text whenever
//! what it is made of is (the paper's cite hash and its key, which fingerprints already rely
//! on). The file read back must be exactly the one written (its length and hash are checked),
//! and each copied entry must open with its key, or the file is made whole.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::record::Paper;

/// Entries at or above which a file is made from the previous one: below, making it whole is
/// as quick as reading it back.
pub(crate) const REUSE_FROM: usize = 512;

/// Entries of a part made on one thread.
const PART: usize = 2048;

/// Where each entry of a written `.bib` file ends, and what it was made from.
#[derive(serde::Serialize, serde::Deserialize)]
struct Layout {
    /// Per entry: the hash of what it is made of (see [`BibLayouts::cite_all`]).
    made_from: Vec<u64>,
    /// Per entry: the byte offset its text (its trailing blank line included) ends at.
    ends: Vec<u32>,
    /// The hash of the whole file.
    hash: u64,
}

/// The layout of each large `.bib` file written into a folder, by its path in the folder.
pub(crate) struct BibLayouts {
    dir: PathBuf,
    files: Mutex<ahash::AHashMap<String, Arc<Layout>>>,
}

/// A file as last written, read back and checked, with an index of its entries.
struct Previous {
    text: String,
    layout: Arc<Layout>,
    /// Entry number by what it was made from.
    by_source: ahash::AHashMap<u64, u32>,
}

impl Previous {
    /// The text of the entry made from `source` under `key`, if the file has it.
    fn entry(&self, source: u64, key: &str) -> Option<&str> {
        let j = *self.by_source.get(&source)? as usize;
        let start = match j {
            0 => 0,
            _ => self.layout.ends[j - 1] as usize,
        };
        let text = self.text.get(start..self.layout.ends[j] as usize)?;
        // `@kind{key,`: a hash that matched another paper's entry is caught here.
        let opened = text.starts_with('@')
            && text
                .find('{')
                .and_then(|brace| text[brace + 1..].strip_prefix(key))
                .is_some_and(|rest| rest.starts_with(",\n"));
        opened.then_some(text)
    }
}

impl BibLayouts {
    /// No layouts yet, for files written into `dir`.
    pub(crate) fn new(dir: &Path) -> BibLayouts {
        BibLayouts {
            dir: dir.to_path_buf(),
            files: Mutex::default(),
        }
    }

    /// [`cite_all`](super::cite_all) of `count` entries, the file to be written at `path`:
    /// `entry(i)` is the paper, its key and a hash of what its entry is made of (equal hashes,
    /// equal entries). Entries of the file last written there are copied when they are still
    /// made of the same; the new file's layout is kept for the next time.
    pub(crate) fn cite_all<'a, F>(&self, path: &str, count: usize, entry: F) -> String
    where
        F: Fn(usize) -> (&'a Paper, &'a str, u64) + Sync,
    {
        let previous = self.previous(path);
        // With the file as written, entries are mostly copied: one buffer, in order (parts
        // made side by side and joined would touch twice the memory, and fresh memory is
        // most of the time here). Without it, every entry is made, in parts side by side.
        let part = match &previous {
            Some(_) => count.max(1),
            None => PART,
        };
        let parts: Vec<(String, Vec<u64>, Vec<u32>)> = (0..count.div_ceil(part))
            .into_par_iter()
            .map(|n| {
                let range = n * part..((n + 1) * part).min(count);
                let mut text = String::with_capacity(match &previous {
                    Some(previous) => previous.text.len() + previous.text.len() / 64,
                    None => 0,
                });
                let mut made_from = Vec::with_capacity(range.len());
                let mut lengths = Vec::with_capacity(range.len());
                for i in range {
                    let (paper, key, source) = entry(i);
                    let start = text.len();
                    match previous.as_ref().and_then(|p| p.entry(source, key)) {
                        Some(copied) => text.push_str(copied),
                        None => {
                            super::write_entry(&mut text, paper, key, None);
                            text.push('\n');
                        }
                    }
                    made_from.push(source);
                    lengths.push(u32::try_from(text.len() - start).unwrap_or(u32::MAX));
                    if lengths.len() == 1 && previous.is_none() {
                        // Made whole: room for the rest at the first entry's size and a margin,
                        // as `cite_all` makes it (growing by doubling copies megabytes over).
                        let each = text.len() + text.len() / 8;
                        text.reserve(made_from.capacity().saturating_sub(1).saturating_mul(each));
                    }
                }
                (text, made_from, lengths)
            })
            .collect();
        drop(previous);
        let mut parts = parts;
        let text: String = match parts.as_mut_slice() {
            [(only, ..)] => std::mem::take(only),
            parts => parts.iter().map(|(text, ..)| text.as_str()).collect(),
        };
        let mut made_from = Vec::with_capacity(count);
        let mut ends = Vec::with_capacity(count);
        let mut end = 0u64;
        for (_, sources, lengths) in parts {
            made_from.extend(sources);
            for length in lengths {
                end += u64::from(length);
                ends.push(u32::try_from(end).unwrap_or(u32::MAX));
            }
        }
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if end == text.len() as u64 && u32::try_from(end).is_ok() {
            let hash = crate::hash::hash_of(text.as_bytes());
            let layout = Layout {
                made_from,
                ends,
                hash,
            };
            files.insert(path.to_string(), Arc::new(layout));
        } else {
            // Past 4 GB: made whole next time.
            files.remove(path);
        }
        text
    }

    /// The layouts as bytes, for the build cache (`bib.bin`).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let mut sorted: Vec<(&String, &Layout)> = files
            .iter()
            .map(|(path, layout)| (path, &**layout))
            .collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        postcard::to_stdvec(&sorted).unwrap_or_default()
    }

    /// Layouts read back from [`BibLayouts::to_bytes`], for files written into `dir`; `None`
    /// when the bytes are not such layouts. (A layout of a file that changed since is not
    /// used: each file is checked when it is read.)
    pub(crate) fn from_bytes(dir: &Path, bytes: &[u8]) -> Option<BibLayouts> {
        let read: Vec<(String, Layout)> = postcard::from_bytes(bytes).ok()?;
        let sound = read.iter().all(|(_, layout)| {
            layout.made_from.len() == layout.ends.len()
                && layout.ends.windows(2).all(|pair| pair[0] <= pair[1])
        });
        sound.then(|| BibLayouts {
            dir: dir.to_path_buf(),
            files: Mutex::new(
                read.into_iter()
                    .map(|(path, layout)| (path, Arc::new(layout)))
                    .collect(),
            ),
        })
    }

    /// The file at `path` as last written, when it is still exactly that.
    fn previous(&self, path: &str) -> Option<Previous> {
        let layout = self
            .files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned()?;
        let bytes = std::fs::read(self.dir.join(path)).ok()?;
        let length = layout.ends.last().map_or(0, |&end| end as usize);
        if bytes.len() != length || crate::hash::hash_of(&bytes[..]) != layout.hash {
            return None;
        }
        let text = String::from_utf8(bytes).ok()?;
        let by_source = (0u32..)
            .zip(&layout.made_from)
            .map(|(j, &source)| (source, j))
            .collect();
        Some(Previous {
            text,
            layout,
            by_source,
        })
    }
}

#[cfg(test)]
mod tests;
