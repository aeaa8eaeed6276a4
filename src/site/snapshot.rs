//! The site as the build cache keeps it between two `digest build` runs: every record's entry
//! (its parsed form and what is derived from it alone), the site's numberings (words, tags,
//! people), citation keys, related papers, and a stamp of each record file as it was read. A
//! build that finds a snapshot of the same site reads only the record files whose stamp
//! changed and applies them the way `serve` applies an edit, so the site it gets is the one a
//! clean load would give (a property test, `tests/it/build/cache.rs`, checks across processes
//! that cached builds write what clean builds write).
//!
//! Entries are written in [`SHARDS`] shards by a hash of their path, so a build that read a
//! few records writes a few shards again, not the whole corpus, and shards are encoded and
//! decoded in parallel. The bytes are postcard's; the build cache (`build::cache`) stores
//! them with a checksum and throws away anything it cannot read back exactly.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::hash::hash_of;
use crate::index::PaperId;
use crate::index::authors::AuthorKeys;
use crate::index::tags::TagKeys;
use crate::terms::Vocabulary;

use super::Site;
use super::load::{Stamp, meta_hash};
use super::papers::{Entry, PaperTable, Row};

/// Shards the entries are written in: enough that one edited record rewrites about 1.5% of
/// them, few enough that a small site's cache is a handful of files.
pub(crate) const SHARDS: usize = 64;

/// The site-wide part of a snapshot, borrowed from a site to be written.
#[derive(Serialize)]
struct PartsRef<'a> {
    key: u64,
    words: &'a [Box<str>],
    tag_slugs: Vec<&'a str>,
    tag_names: Vec<&'a str>,
    people: Vec<&'a str>,
    cite_keys: &'a [String],
    related: &'a [Vec<PaperId>],
    related_kept: &'a crate::related::KeptLists,
    /// The shard of each paper, in the table's (path) order: the entries are put back in that
    /// order without comparing paths.
    row_shards: Vec<u8>,
}

/// The site-wide part of a snapshot, read back ([`PartsRef`]'s fields in the same order).
#[derive(Deserialize)]
struct Parts {
    key: u64,
    words: Vec<Box<str>>,
    tag_slugs: Vec<String>,
    tag_names: Vec<String>,
    people: Vec<Box<str>>,
    cite_keys: Vec<String>,
    related: Vec<Vec<PaperId>>,
    related_kept: crate::related::KeptLists,
    row_shards: Vec<u8>,
}

/// Where a snapshot's bytes come from (the build cache's files), a piece at a time: shards are
/// read, decoded and dropped in turn, so a large site's snapshot is never all in memory as
/// bytes next to the entries decoded from it.
pub(crate) trait SnapshotSource: Sync {
    /// The site-wide part ([`Site::snapshot_parts`]).
    fn parts(&self) -> Result<Vec<u8>, String>;
    /// Shard `n` of the entries ([`Site::snapshot_shard`]).
    fn shard(&self, n: usize) -> Result<Vec<u8>, String>;
    /// The bodies of shard `n`'s entries ([`Site::snapshot_shard`]), opened to be read as
    /// pages need them.
    fn bodies(&self, n: usize) -> Result<std::fs::File, String>;
}

/// One shard of a snapshot, encoded ([`Site::snapshot_shard`]).
pub(crate) struct ShardBytes {
    /// The entries.
    pub(crate) entries: Vec<u8>,
    /// The bodies to write: all of the shard's, or those to append.
    pub(crate) bodies: Vec<u8>,
    /// The bytes of all of the shard's bodies, wherever they are.
    pub(crate) live: u64,
}

/// The number of shard `n`'s bodies file in a site's body store (see `markdown::store`): the
/// entries of a snapshot say where their bodies are by it.
fn body_file(n: usize) -> u32 {
    n as u32 + 1
}

/// The shard of a record file (by the path's bytes, not its components: see [`Stamps`]).
pub(crate) fn shard_of(path: &Path) -> usize {
    (hash_of(path.as_os_str().as_encoded_bytes()) % SHARDS as u64) as usize
}

/// Why a snapshot could not be used.
#[derive(Debug)]
pub(crate) enum Unusable {
    /// It is of another site, settings or options.
    OtherSite,
    /// Its bytes do not read back.
    Unreadable(String),
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::OtherSite => write!(f, "site.toml or the build options changed"),
            Unusable::Unreadable(why) => write!(f, "it cannot be read ({why})"),
        }
    }
}

/// A snapshot read back, ready to be put into a site.
pub(crate) struct Restored {
    parts: Parts,
    entries: Vec<Entry>,
    /// Each shard's bodies file, by shard.
    bodies: Vec<std::fs::File>,
}

impl Site {
    /// What a snapshot of this site is valid for: the settings (but the build time, which
    /// changes every build and only the status page shows), the site folder and the options.
    pub(crate) fn snapshot_key(&self) -> u64 {
        hash_of(&(self.config_hash, &self.root, self.options.drafts))
    }

    /// The stamps of the record files (a file of their own: a build that finds no record
    /// changed reads only them).
    pub(crate) fn snapshot_stamps(&self) -> Result<Vec<u8>, postcard::Error> {
        let stamps: Vec<(&Path, &Stamp)> = self
            .stamps
            .0
            .iter()
            .map(|(path, stamp)| (Path::new(path), stamp))
            .collect();
        postcard::to_stdvec(&stamps)
    }

    /// The site-wide part of the snapshot.
    pub(crate) fn snapshot_parts(&self) -> Result<Vec<u8>, postcard::Error> {
        let (tag_slugs, tag_names) = self.tag_keys.lists();
        postcard::to_stdvec(&PartsRef {
            key: self.snapshot_key(),
            words: self.vocabulary.words(),
            tag_slugs,
            tag_names,
            people: self.people.keys(),
            cite_keys: &self.cite_keys,
            related: &self.related,
            related_kept: &self.related_kept,
            row_shards: self
                .papers
                .columns()
                .paths
                .iter()
                .map(|path| shard_of(path) as u8)
                .collect(),
        })
    }

    /// A digest of each of the [`SHARDS`] shards of entries (see [`shard_of`]): equal digests,
    /// equal entries, so a shard whose digest did not change need not be encoded again. When
    /// the entries came from the build cache, whose digests were `saved`, only the shards with
    /// a row read, removed or changed since are digested again.
    pub(crate) fn shard_digests(&self, saved: Option<&[u64]>) -> Vec<u64> {
        let touched: Option<Vec<bool>> = self.papers.touched().zip(saved).map(|(paths, _)| {
            let mut shards = vec![false; SHARDS];
            for path in paths {
                shards[shard_of(path)] = true;
            }
            shards
        });
        let members = self.shard_members();
        (0..SHARDS)
            .into_par_iter()
            .map(|n| match (&touched, saved) {
                (Some(touched), Some(saved)) if !touched[n] && saved.len() == SHARDS => saved[n],
                _ => {
                    let columns = self.papers.columns();
                    let digests: Vec<u64> = members[n]
                        .iter()
                        .map(|&id| columns.row(id).digest())
                        .collect();
                    hash_of(&digests)
                }
            })
            .collect()
    }

    /// Shard `n` of the entries, encoded, and the bodies to write: the papers `members` (of
    /// [`Site::shard_members`]) and their entries saying where in shard `n`'s bodies file each
    /// body is.
    ///
    /// Without `append_after`, every body is copied (checked against its hash) into a new
    /// bodies file. With it (the length of the bodies file this site's kept bodies were read
    /// from), the bodies already in that file stay where they are and only the others (records
    /// read by this build) are given, to be appended after that length: a morning's 50 new
    /// papers then add their 150 KB instead of writing 64 files of 9 MB again.
    pub(crate) fn snapshot_shard(
        &self,
        n: usize,
        members: &[PaperId],
        append_after: Option<u64>,
    ) -> Result<ShardBytes, String> {
        let columns = self.papers.columns();
        let start = append_after.unwrap_or(0);
        let mut bodies = Vec::new();
        let mut live = 0u64;
        let mut refs = Vec::with_capacity(members.len());
        for &id in members {
            let body = columns.bodies[id];
            live += u64::from(body.len());
            if append_after.is_some() && body.file() == body_file(n) {
                refs.push(body);
            } else {
                refs.push(body.moved_to(body_file(n), start + bodies.len() as u64));
                bodies.extend(self.bodies.raw(body)?);
            }
        }
        let rows: Vec<Row<'_>> = members
            .iter()
            .zip(&refs)
            .map(|(&id, body)| Row {
                body,
                ..columns.row(id)
            })
            .collect();
        let entries = postcard::to_stdvec(&rows).map_err(|e| e.to_string())?;
        Ok(ShardBytes {
            entries,
            bodies,
            live,
        })
    }

    /// The ids of the papers of each shard.
    pub(crate) fn shard_members(&self) -> Vec<Vec<PaperId>> {
        let mut members: Vec<Vec<PaperId>> = vec![Vec::new(); SHARDS];
        for (id, path) in self.papers.columns().paths.iter().enumerate() {
            members[shard_of(path)].push(id);
        }
        members
    }
}

/// Reads a snapshot back; fails on anything that does not read exactly (a wrong shard count,
/// bytes left over, lists of different lengths, an entry in the wrong shard).
pub(crate) fn decode(source: &dyn SnapshotSource) -> Result<Restored, Unusable> {
    let bad = |why: String| Unusable::Unreadable(why);
    let parts: Parts =
        postcard::from_bytes(&source.parts().map_err(bad)?).map_err(|e| bad(e.to_string()))?;
    let (shards, bodies): (Vec<Vec<Entry>>, Vec<std::fs::File>) = (0..SHARDS)
        .into_par_iter()
        .map(|n| {
            let shard = source.shard(n).map_err(bad)?;
            let entries: Vec<Entry> =
                postcard::from_bytes(&shard).map_err(|e| bad(format!("shard {n}: {e}")))?;
            if entries
                .iter()
                .any(|e| shard_of(&e.path) != n || e.body.file() != body_file(n))
            {
                return Err(bad(format!("shard {n} holds another shard's entry")));
            }
            Ok((entries, source.bodies(n).map_err(bad)?))
        })
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .unzip();
    // Each shard is in path order, and `row_shards` says whose turn it is.
    let mut shards: Vec<std::vec::IntoIter<Entry>> =
        shards.into_iter().map(Vec::into_iter).collect();
    let mut entries: Vec<Entry> = Vec::with_capacity(parts.row_shards.len());
    for &shard in &parts.row_shards {
        let entry = shards
            .get_mut(shard as usize)
            .and_then(Iterator::next)
            .ok_or_else(|| bad("its shards hold fewer entries than it lists".into()))?;
        entries.push(entry);
    }
    if shards.iter_mut().any(|rest| rest.next().is_some()) {
        return Err(bad("its shards hold more entries than it lists".into()));
    }
    let n = entries.len();
    if parts.cite_keys.len() != n
        || parts.related.len() != n
        || ![0, n].contains(&parts.related_kept.len())
        || !parts.related_kept.is_sound(parts.words.len())
        || entries
            .windows(2)
            .any(|w| w[0].path.as_os_str() == w[1].path.as_os_str())
        || parts.related.iter().flatten().any(|&id| id >= n)
        || !tags_numbered(&parts, &entries)
    {
        return Err(bad("its parts do not agree".into()));
    }
    Ok(Restored {
        parts,
        entries,
        bodies,
    })
}

/// Whether every tag of `entries` has a number of the parts' tag numbering (a tag is kept as
/// its numbers only).
fn tags_numbered(parts: &Parts, entries: &[Entry]) -> bool {
    let (slugs, names) = (parts.tag_slugs.len(), parts.tag_names.len());
    entries
        .iter()
        .flat_map(|e| &e.tags)
        .all(|tag| (tag.slug_key as usize) < slugs && (tag.name_key as usize) < names)
}

impl Restored {
    /// The key the snapshot was made for (see [`Site::snapshot_key`]).
    pub(crate) fn key(&self) -> u64 {
        self.parts.key
    }
}

impl Site {
    /// Puts a snapshot's papers and numberings into this site, freshly made with no papers
    /// (the caller has checked the key), and stamps. Derives nothing.
    pub(super) fn put_back(&mut self, restored: Restored) {
        let Restored {
            parts,
            entries,
            bodies,
        } = restored;
        for (n, file) in bodies.into_iter().enumerate() {
            self.bodies.open(body_file(n), file);
        }
        let (tag_keys, tag_texts) = TagKeys::from_lists(parts.tag_slugs, parts.tag_names);
        self.tag_keys = tag_keys;
        // Tags read back are numbers; the numbering's texts are shared by all papers.
        let mut entries = entries;
        entries
            .par_iter_mut()
            .for_each(|entry| tag_texts.fill(&mut entry.tags));
        self.papers = PaperTable::from_sorted(entries);
        self.vocabulary = Vocabulary::from_words(parts.words);
        self.people = AuthorKeys::from_keys(parts.people);
        self.cite_keys = parts.cite_keys;
        self.related = parts.related.into();
        self.related_kept = parts.related_kept;
        self.related_stale = false;
        self.input_stamps.clear();
        self.trend_moves = None;
    }

    /// Takes the stamps of a snapshot ([`Site::snapshot_stamps`]); false (and none taken) when
    /// they do not read back.
    pub(super) fn put_back_stamps(&mut self, bytes: &[u8]) -> bool {
        match postcard::from_bytes::<Vec<(PathBuf, Stamp)>>(bytes) {
            Ok(stamps) => {
                self.stamps = Stamps::of(
                    stamps
                        .into_iter()
                        .map(|(path, stamp)| (path.into_os_string(), stamp))
                        .collect(),
                );
                true
            }
            Err(_) => false,
        }
    }

    /// Which of `files` (the record files on disk now) changed since they were stamped, and
    /// which stamped files are gone. A file whose metadata changed is read and compared by its
    /// bytes (a checkout or a copy touches files without changing them); if they are the same,
    /// its stamp is renewed, so the next build need not read it.
    pub(super) fn changed_since_stamped(&mut self, files: &[PathBuf]) -> Scan {
        // Each file's stamp, if it has one: found by its path's bytes.
        let found: Vec<Option<usize>> = files
            .par_iter()
            .map(|path| self.stamps.find(path.as_os_str()).ok())
            .collect();
        let checked: Vec<(usize, Option<Stamp>)> = files
            .par_iter()
            .zip(&found)
            .filter_map(|(path, at)| {
                let at = (*at)?;
                let stamp = &self.stamps.0[at].1;
                let Ok(meta) = std::fs::metadata(path) else {
                    return Some((at, None));
                };
                if stamp.meta != 0 && meta_hash(&meta) == stamp.meta {
                    return None;
                }
                match std::fs::read(path) {
                    Ok(bytes) if hash_of(&bytes[..]) == stamp.content => {
                        Some((at, Some(Stamp::of(&meta, &bytes))))
                    }
                    _ => Some((at, None)),
                }
            })
            .collect();
        let mut changed: Vec<PathBuf> = files
            .iter()
            .zip(&found)
            .filter(|(_, at)| at.is_none())
            .map(|(path, _)| path.clone())
            .collect();
        let mut renewed = 0;
        for (at, same) in checked {
            match same {
                Some(stamp) => {
                    self.stamps.0[at].1 = stamp;
                    renewed += 1;
                }
                None => changed.push(PathBuf::from(&self.stamps.0[at].0)),
            }
        }
        changed.sort_unstable();
        // Stamped files not found now are gone.
        let mut present = vec![false; self.stamps.0.len()];
        for &at in found.iter().flatten() {
            present[at] = true;
        }
        let mut removed: Vec<PathBuf> = self
            .stamps
            .0
            .iter()
            .zip(&present)
            .filter(|(_, present)| !**present)
            .map(|((path, _), _)| PathBuf::from(path))
            .collect();
        removed.sort_unstable();
        Scan {
            changed,
            removed,
            renewed,
        }
    }
}

/// What [`Site::changed_since_stamped`] found.
pub(super) struct Scan {
    /// Record files new or changed, sorted.
    pub(super) changed: Vec<PathBuf>,
    /// Record files gone, sorted.
    pub(super) removed: Vec<PathBuf>,
    /// Record files whose stamp was renewed (touched, same bytes).
    pub(super) renewed: usize,
}

/// Each record file's stamp, sorted by the path's bytes (a `Path` compares component by
/// component, which costs more than everything else a build with nothing changed does): kept
/// in the order they are saved in, so that stamps read back need no hashing or sorting.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stamps(Vec<(OsString, Stamp)>);

impl Stamps {
    /// Stamps in any order; of two for one path, the later is kept.
    fn of(mut stamps: Vec<(OsString, Stamp)>) -> Stamps {
        if !stamps.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: the later of two for one path stays after the earlier.
            stamps.sort_by(|a, b| a.0.cmp(&b.0));
            stamps.reverse();
            stamps.dedup_by(|later, earlier| later.0 == earlier.0);
            stamps.reverse();
        }
        Stamps(stamps)
    }

    fn find(&self, path: &OsStr) -> Result<usize, usize> {
        self.0.binary_search_by(|(p, _)| p.as_os_str().cmp(path))
    }

    /// Forgets `path`'s stamp.
    pub(crate) fn remove(&mut self, path: &OsStr) {
        if let Ok(at) = self.find(path) {
            self.0.remove(at);
        }
    }

    /// Adds or replaces stamps.
    pub(crate) fn extend(&mut self, stamps: impl IntoIterator<Item = (OsString, Stamp)>) {
        let mut all = std::mem::take(&mut self.0);
        all.extend(stamps);
        *self = Stamps::of(all);
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// A hash of each record file's path and bytes (not of its metadata: a file touched without
    /// a change keeps it): equal for the same records.
    pub(crate) fn contents(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = crate::hash::hasher();
        self.0.len().hash(&mut hasher);
        for (path, stamp) in &self.0 {
            path.as_encoded_bytes().hash(&mut hasher);
            stamp.content.hash(&mut hasher);
        }
        hasher.finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::LoadOptions;
    use super::*;

    fn stamp(content: u64) -> Stamp {
        Stamp { meta: 1, content }
    }

    fn paths(stamps: &Stamps) -> Vec<(&str, u64)> {
        stamps
            .0
            .iter()
            .map(|(p, s)| (p.to_str().unwrap_or_default(), s.content))
            .collect()
    }

    /// Stamps stay sorted by the path's bytes (`a-b` before `a/b`, unlike `Path`'s order), and a
    /// later stamp of a path replaces the earlier one, in one batch or across batches.
    #[test]
    fn stamps_keep_the_latest_of_each_path_in_byte_order() {
        let mut stamps = Stamps::default();
        stamps.extend([
            ("content/a/b.md".into(), stamp(1)),
            ("content/a-b.md".into(), stamp(2)),
            ("content/a/b.md".into(), stamp(3)),
        ]);
        assert_eq!(
            paths(&stamps),
            [("content/a-b.md", 2), ("content/a/b.md", 3)]
        );
        stamps.extend([
            ("content/a-b.md".into(), stamp(4)),
            ("content/0.md".into(), stamp(5)),
        ]);
        assert_eq!(
            paths(&stamps),
            [
                ("content/0.md", 5),
                ("content/a-b.md", 4),
                ("content/a/b.md", 3)
            ]
        );
        stamps.remove(OsStr::new("content/a-b.md"));
        stamps.remove(OsStr::new("content/never.md"));
        assert_eq!(paths(&stamps), [("content/0.md", 5), ("content/a/b.md", 3)]);
        assert_eq!(stamps.find(OsStr::new("content/a/b.md")), Ok(1));
    }

    /// A snapshot held in memory, as the build cache's files would hold it.
    pub(super) struct Memory {
        parts: Vec<u8>,
        shards: Vec<Vec<u8>>,
        bodies: Vec<Vec<u8>>,
    }

    impl SnapshotSource for Memory {
        fn parts(&self) -> Result<Vec<u8>, String> {
            Ok(self.parts.clone())
        }

        fn shard(&self, n: usize) -> Result<Vec<u8>, String> {
            Ok(self.shards[n].clone())
        }

        fn bodies(&self, n: usize) -> Result<std::fs::File, String> {
            use std::io::Write;
            let mut file = tempfile::tempfile().map_err(|e| e.to_string())?;
            file.write_all(&self.bodies[n]).map_err(|e| e.to_string())?;
            Ok(file)
        }
    }

    pub(super) fn memory(site: &Site) -> Memory {
        let members = site.shard_members();
        let (shards, bodies) = (0..SHARDS)
            .map(|n| {
                let shard = site.snapshot_shard(n, &members[n], None).unwrap();
                (shard.entries, shard.bodies)
            })
            .unzip();
        Memory {
            parts: site.snapshot_parts().unwrap(),
            shards,
            bodies,
        }
    }

    /// A site whose tags are written several ways: `Vision` and `vision` are one slug with two
    /// names, `graphs` is written by two papers, and one paper has a keyword tag.
    pub(super) fn tagged_site(tmp: &Path) -> Site {
        std::fs::create_dir_all(tmp.join("content")).unwrap();
        std::fs::write(
            tmp.join("site.toml"),
            "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[keyword_tags]\n\"rag\" = [\"retrieval-augmented generation\"]\n",
        )
        .unwrap();
        let records = [
            ("a.md", "[\"Vision\", \"graphs\"]", "Plain words."),
            (
                "b.md",
                "[\"vision\"]",
                "About retrieval-augmented generation.",
            ),
            ("c.md", "[\"graphs\", \"Theory of Mind\"]", "Other words."),
        ];
        for (file, tags, body) in records {
            std::fs::write(
                tmp.join("content").join(file),
                format!("+++\ntitle = \"{file}\"\ndate = 2024-03-01\ntags = {tags}\n+++\n{body}\n"),
            )
            .unwrap();
        }
        Site::load(tmp, &LoadOptions::default()).unwrap()
    }

    /// Tags are kept as their numbers; read back, they have the texts they had, shared by every
    /// paper that has them.
    #[test]
    fn tags_read_back_with_their_texts_shared() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tagged_site(tmp.path());
        let restored = decode(&memory(&site)).unwrap_or_else(|e| panic!("{e}"));
        let (mut back, _) = Site::without_records(tmp.path(), &LoadOptions::default()).unwrap();
        back.put_back(restored);
        let tags = |site: &Site| site.papers.columns().tags.clone();
        assert_eq!(tags(&back), tags(&site));
        let texts: Vec<Vec<(&str, &str)>> = back
            .papers
            .columns()
            .tags
            .iter()
            .map(|list| list.iter().map(|t| (&*t.name, &*t.slug)).collect())
            .collect();
        assert_eq!(
            texts,
            [
                vec![("Vision", "vision"), ("graphs", "graphs")],
                vec![("vision", "vision"), ("rag", "rag")],
                vec![("graphs", "graphs"), ("Theory of Mind", "theory-of-mind")],
            ]
        );
        let columns = back.papers.columns();
        assert!(Arc::ptr_eq(
            &columns.tags[0][1].name,
            &columns.tags[2][0].name
        ));
        assert!(Arc::ptr_eq(
            &columns.tags[0][0].slug,
            &columns.tags[1][0].slug
        ));
    }

    /// A snapshot whose entries name a tag number its numbering does not have is refused (its
    /// tags would have no text), not put back.
    #[test]
    fn a_tag_number_past_the_numbering_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tagged_site(tmp.path());
        let mut source = memory(&site);
        let parts: Parts = postcard::from_bytes(&source.parts).unwrap();
        fn short(list: &[String]) -> Vec<&str> {
            list[..list.len() - 1].iter().map(String::as_str).collect()
        }
        source.parts = postcard::to_stdvec(&PartsRef {
            key: parts.key,
            words: &parts.words,
            tag_slugs: short(&parts.tag_slugs),
            tag_names: parts.tag_names.iter().map(String::as_str).collect(),
            people: parts.people.iter().map(|p| &**p).collect(),
            cite_keys: &parts.cite_keys,
            related: &parts.related,
            related_kept: &parts.related_kept,
            row_shards: parts.row_shards.clone(),
        })
        .unwrap();
        match decode(&source) {
            Err(Unusable::Unreadable(why)) => assert_eq!(why, "its parts do not agree"),
            Err(other) => panic!("refused for another reason: {other}"),
            Ok(_) => panic!("a tag without a text was put back"),
        }
    }
}

#[cfg(test)]
mod search_edits {
    use super::super::LoadOptions;
    use super::tests::{memory, tagged_site};
    use super::*;

    fn stamped() -> LoadOptions {
        LoadOptions {
            keep_stamps: true,
            ..LoadOptions::default()
        }
    }

    /// Loads the site at `root` from `site`'s snapshot, reading again what changed since.
    fn load_from(root: &Path, site: &Site) -> Site {
        let stamps = site.snapshot_stamps().unwrap();
        let mut unread = Site::unread(root, &stamped()).unwrap();
        assert!(!unread.records_unchanged(&stamps));
        let (site, loaded) = unread.load(Some(&memory(site))).unwrap();
        assert!(loaded.from_snapshot);
        site
    }

    /// A site put back from a snapshot tells an index of the snapshot's records which papers
    /// were read again since, with their words then; an index of other records, nothing. A
    /// paper added tells nothing either: every document is looked at.
    #[test]
    fn papers_read_again_are_told_to_an_index_of_the_snapshots_records() {
        let tmp = tempfile::tempdir().unwrap();
        tagged_site(tmp.path());
        let site = Site::load(tmp.path(), &stamped()).unwrap();
        let records = site.records_identity();
        let b = tmp.path().join("content/b.md");
        let id = site.paper_id(&b).unwrap();
        let words_then = site.papers.columns().terms[id].clone();
        std::fs::write(
            &b,
            "+++\ntitle = \"b.md\"\ndate = 2024-03-02\ntags = [\"vision\"]\n+++\nNew words.\n",
        )
        .unwrap();
        let back = load_from(tmp.path(), &site);
        let edited = back.search_edits_since(records).expect("told the edits");
        assert_eq!(edited.len(), 1);
        assert_eq!(edited.get(&id), Some(&words_then));
        assert_ne!(back.papers.columns().terms[id], words_then);
        assert!(back.search_edits_since(records ^ 1).is_none());
        assert_ne!(back.records_identity(), records);

        std::fs::write(
            tmp.path().join("content/d.md"),
            "+++\ntitle = \"d.md\"\ndate = 2024-03-03\n+++\nA new paper.\n",
        )
        .unwrap();
        let added = load_from(tmp.path(), &site);
        assert!(added.search_edits_since(records).is_none());
    }
}
