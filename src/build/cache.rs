//! The build cache (`.digest-cache/` in the site folder, or `--cache DIR`): what a build needs
//! to know, the next time, which records to read again and which pages to render again.
//!
//! - `site.bin` and `shard-NN.bin`: the loaded site (`site::snapshot`), so unchanged records
//!   are neither read nor parsed;
//! - `bodies-NN-<hash>.bin`: the rendered bodies of shard NN's records, read only for the
//!   pages that show them (each checked against its own hash). Named by their bytes when
//!   written whole; a later build appends the bodies of the records it read (the bytes already
//!   there are never written again) until more than half the file is bodies of edited or
//!   removed records, and then writes the shard's bodies whole under a new name:
//!   the header names the ones its shards point into, and the others are removed after it;
//! - `output.bin`: the output folder it published, the hash of that folder's marker (the list
//!   of files digest wrote there), each page's fingerprint and each other file's hash, so only
//!   pages whose fingerprint changed are rendered, and the files that changed written in place;
//! - `machine.bin`: what the sitemap and the search index were made of (`build::carried`), so
//!   only those whose inputs changed are made again;
//! - `header.bin`, written last: the cache format, digest's version, a hash of the running
//!   program and a checksum of every other file. A cache of another format, version or
//!   program, or one whose files do not match their checksums (a build killed while saving,
//!   a disk error, a hand edit) is not used: the build is then a clean one. A cache is never a
//!   reason for a wrong build, and never a reason for a failed one: when it cannot be saved,
//!   the build says so and succeeds.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{FailureKind, Problem};
use crate::hash::hash_of;
use crate::site::Site;
use crate::site::snapshot::{SHARDS, SnapshotSource};

/// Changes whenever what the cache holds changes shape.
const FORMAT: u32 = 6;

/// The first bytes of `header.bin`.
const MAGIC: &[u8] = b"digest build cache\n";

/// The cache folder's default name, in the site folder.
pub(crate) const DEFAULT_DIR: &str = ".digest-cache";

/// The header: what the other files are valid for, and their checksums.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format: u32,
    version: String,
    program: Program,
    /// Each other file's name and the hash of its bytes.
    files: Vec<(String, u64)>,
    /// The digest of each shard's entries as saved (see `Site::shard_digests`).
    shard_digests: Vec<u64>,
}

/// The running program: a hash of its metadata, to skip hashing it again when unchanged, and
/// a hash of its bytes (two builds of digest with the same version number still differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Program {
    meta: u64,
    content: u64,
}

/// What a build published, as the next build needs it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct OutputState {
    /// The output folder (resolved).
    pub dir: PathBuf,
    /// What the pages were made of besides records (`Unread::inputs_hash`).
    pub inputs: u64,
    /// Papers published.
    pub papers: usize,
    /// Hash of the output's marker as it was published, bytes and metadata (see
    /// [`marker_hash`]).
    pub marker: u64,
    /// Each page's path, one a line, in the site's page order (one string: a site of 100,000
    /// papers has 300,000 pages, and this is read by every build). Kept in a file of its own,
    /// `pages.bin`, which is rewritten only when the pages change.
    #[serde(skip)]
    pub page_paths: String,
    /// Whether the pages are those whose paths the cache holds already: `pages.bin` is then
    /// kept as it is (at 100,000 papers, 18 MB copied and hashed for nothing otherwise) and
    /// `page_paths` left empty; if it is gone, the next build finds the cache unusable.
    #[serde(skip)]
    pub pages_as_kept: bool,
    /// Each page's fingerprint, in the same order.
    pub fingerprints: Vec<u64>,
    /// The static files: path and hash of the bytes, sorted by path.
    pub statics: Vec<(String, u64)>,
    /// The machine files (sitemap, robots.txt) and the search index: path and hash of the
    /// bytes, sorted by path.
    pub machine: Vec<(String, u64)>,
}

impl OutputState {
    /// Whether `output` is still exactly what this state says was published there: same
    /// folder, same marker (so no other build or serve wrote it since).
    pub(crate) fn describes(&self, output: &Path) -> bool {
        self.dir == output && marker_hash(output) == Some(self.marker)
    }
}

/// The hash of `output`'s marker, if it has one: of its bytes, and where the system allows, of
/// its inode and change time, which every writer of an output changes (a build swaps a new
/// tree in, `serve` renames a new marker over it), even one that lists the same files.
pub(crate) fn marker_hash(output: &Path) -> Option<u64> {
    let path = output.join(crate::write::MARKER);
    let id = crate::hash::file_identity(&std::fs::metadata(&path).ok()?);
    let bytes = std::fs::read(&path).ok()?;
    Some(hash_of(&(&bytes[..], id)))
}

/// A cache folder.
pub(crate) struct BuildCache {
    dir: PathBuf,
    /// The header read, if it was usable.
    header: Option<Header>,
    program: Option<Program>,
    /// The bodies file of each shard the site was given to read its kept bodies from
    /// ([`SnapshotSource::bodies`]): a shard whose entries point into it may be saved by
    /// appending to it.
    opened: Vec<OnceLock<String>>,
}

/// What [`BuildCache::open`] found.
#[derive(Default)]
pub(crate) struct Found {
    /// The stamps of the record files the site was read from.
    pub stamps: Option<Vec<u8>>,
    /// What the last build published.
    pub output: Option<OutputState>,
    /// Why the cache was not used (absent when there was none, or it was used).
    pub unused: Option<String>,
}

impl BuildCache {
    /// Opens the cache in `dir` and reads what it holds; anything unusable is left out, with
    /// the reason.
    pub(crate) fn open(dir: &Path) -> (BuildCache, Found) {
        let header = read_header(dir);
        let program = program(header.as_ref().ok().map(|h| h.program));
        let mut cache = BuildCache {
            dir: dir.to_path_buf(),
            header: None,
            program,
            opened: (0..SHARDS).map(|_| OnceLock::new()).collect(),
        };
        let header = match header {
            Ok(header) => header,
            Err(None) => return (cache, Found::default()),
            Err(Some(why)) => {
                return (
                    cache,
                    Found {
                        unused: Some(why),
                        ..Found::default()
                    },
                );
            }
        };
        let unused = |why: String| Found {
            unused: Some(why),
            ..Found::default()
        };
        if header.format != FORMAT || header.version != env!("CARGO_PKG_VERSION") {
            let why = format!("it was made by digest {}", header.version);
            return (cache, unused(why));
        }
        if Some(header.program) != cache.program {
            return (
                cache,
                unused("it was made by another build of digest".into()),
            );
        }
        let read = |name: &str| cache.read_checked(&header, name);
        let (stamps, output, pages) = match (read("stamps.bin"), read("output.bin"), read(PAGES)) {
            (Ok(stamps), Ok(output), Ok(pages)) => (stamps, output, pages),
            (Err(why), _, _) | (_, Err(why), _) | (_, _, Err(why)) => {
                return (cache, unused(why));
            }
        };
        let output = output
            .and_then(|bytes| postcard::from_bytes::<OutputState>(&bytes).ok())
            .zip(pages.and_then(|bytes| String::from_utf8(bytes).ok()))
            .map(|(output, page_paths)| OutputState {
                page_paths,
                pages_as_kept: false,
                ..output
            });
        cache.header = Some(header);
        (
            cache,
            Found {
                stamps,
                output,
                unused: None,
            },
        )
    }

    /// The file `name` of the cache, checked against the header's checksum; `None` when the
    /// header lists no such file.
    fn read_checked(&self, header: &Header, name: &str) -> Result<Option<Vec<u8>>, String> {
        let Some((_, sum)) = header.files.iter().find(|(n, _)| n == name) else {
            return Ok(None);
        };
        let bytes = std::fs::read(self.dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
        if hash_of(&bytes[..]) == *sum {
            Ok(Some(bytes))
        } else {
            Err(format!("{name} does not match its checksum"))
        }
    }

    /// The site the cache holds (read only when a build needs it: not when nothing changed),
    /// when it holds one.
    pub(crate) fn snapshot(&self) -> Option<&dyn SnapshotSource> {
        let header = self.header.as_ref()?;
        let has = |name: &str| header.files.iter().any(|(n, _)| n == name);
        let whole = (0..SHARDS).all(|n| has(&shard_name(n)) && bodies_listed(header, n).is_some());
        (whole && has("site.bin")).then_some(self as _)
    }

    /// Saves `site` (its stamps, its site-wide part and the shards whose entries changed) and
    /// `output`.
    pub(crate) fn save(&mut self, site: &Site, output: &OutputState) -> io::Result<()> {
        let mut timer = crate::timing::PhaseTimer::start();
        let before = self.header.as_ref().map(|h| h.shard_digests.as_slice());
        let digests = site.shard_digests(before);
        timer.phase("cache: shard digests");
        let bodies_before = |n: usize| self.header.as_ref().and_then(|h| bodies_listed(h, n));
        let changed: Vec<usize> = (0..SHARDS)
            .filter(|&n| {
                before.and_then(|b| b.get(n)) != Some(&digests[n])
                    || !self.dir.join(shard_name(n)).is_file()
                    || !bodies_before(n).is_some_and(|name| self.dir.join(name).is_file())
            })
            .collect();
        std::fs::create_dir_all(&self.dir)?;
        write_tag(&self.dir)?;
        // Each shard is encoded, written and dropped in turn: the bytes of all of them are
        // never in memory at once.
        let members = site.shard_members();
        let shards: Vec<(String, u64)> = changed
            .par_iter()
            .map(|&n| {
                if let Some(files) = self.append_bodies(site, n, &members[n])? {
                    return Ok(files);
                }
                let shard = site
                    .snapshot_shard(n, &members[n], None)
                    .map_err(io::Error::other)?;
                let bodies_sum = hash_of(&shard.bodies[..]);
                let bodies_name = format!("{}{bodies_sum:016x}.bin", bodies_prefix(n));
                if !self.dir.join(&bodies_name).is_file() {
                    write_file(&self.dir.join(&bodies_name), &shard.bodies)?;
                }
                let name = shard_name(n);
                write_file(&self.dir.join(&name), &shard.entries)?;
                Ok([
                    (name, hash_of(&shard.entries[..])),
                    (bodies_name, bodies_sum),
                ])
            })
            .collect::<io::Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        timer.phase("cache: shards written");
        // The site-wide files are encoded side by side (each is one thread's work).
        let kept_pages = self.header.as_ref().and_then(|h| {
            let listed = h.files.iter().find(|(n, _)| n == PAGES)?;
            output.pages_as_kept.then(|| listed.clone())
        });
        let ((stamps, parts), (state, pages)) = rayon::join(
            || rayon::join(|| site.snapshot_stamps(), || site.snapshot_parts()),
            || {
                rayon::join(
                    || postcard::to_stdvec(output),
                    || (!output.pages_as_kept).then(|| output.page_paths.as_bytes().to_vec()),
                )
            },
        );
        let mut files = vec![
            ("stamps.bin".to_string(), stamps.map_err(encoding)?),
            ("site.bin".to_string(), parts.map_err(encoding)?),
            ("output.bin".to_string(), state.map_err(encoding)?),
        ];
        files.extend(pages.map(|bytes| (PAGES.to_string(), bytes)));
        let mut shards = shards;
        shards.extend(kept_pages);
        let written = self.write(files, shards, Some(digests));
        timer.phase("cache: stamps, parts, output, header");
        written
    }

    /// Shard `n` saved by appending the bodies of the records this build read to the bodies
    /// file the site's kept bodies were read from, which keeps its name: its entry in the
    /// header then stands for its length, not its bytes (each body is checked against its own
    /// hash when read). Bytes already there are never written again, so a build killed while
    /// appending leaves the header's entries pointing at bodies that are still whole. `None`
    /// when the shard is written whole instead: its bodies were not read from that file (a
    /// clean build), or more than half of the file would be bodies no entry points at (edited
    /// or removed records' old bodies), which a whole write leaves behind.
    fn append_bodies(
        &self,
        site: &Site,
        n: usize,
        members: &[crate::index::PaperId],
    ) -> io::Result<Option<[(String, u64); 2]>> {
        let Some(header) = &self.header else {
            return Ok(None);
        };
        let Some(name) = bodies_listed(header, n).filter(|name| {
            self.opened
                .get(n)
                .and_then(OnceLock::get)
                .is_some_and(|opened| opened == name)
        }) else {
            return Ok(None);
        };
        let path = self.dir.join(name);
        let Ok(len) = std::fs::metadata(&path).map(|m| m.len()) else {
            return Ok(None);
        };
        let shard = site
            .snapshot_shard(n, members, Some(len))
            .map_err(io::Error::other)?;
        let total = len + shard.bodies.len() as u64;
        if shard.live.saturating_mul(2) < total {
            return Ok(None);
        }
        if !shard.bodies.is_empty() {
            let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
            std::io::Write::write_all(&mut file, &shard.bodies)?;
        }
        let before = header.files.iter().find(|(n, _)| n == name).map(|f| f.1);
        let bodies_sum = hash_of(&(before, total, hash_of(&shard.bodies[..])));
        let shard_file = shard_name(n);
        write_file(&self.dir.join(&shard_file), &shard.entries)?;
        Ok(Some([
            (shard_file, hash_of(&shard.entries[..])),
            (name.to_string(), bodies_sum),
        ]))
    }

    /// Forgets the cache (its header goes: the next build that opens it is a clean one).
    pub(crate) fn forget(&mut self) {
        self.header = None;
        let _ = std::fs::remove_file(self.dir.join("header.bin"));
    }

    /// Saves the stamps of the record files alone (a build that found nothing changed, but
    /// record files touched).
    pub(crate) fn save_stamps(&mut self, stamps: Vec<u8>) -> io::Result<()> {
        if self.header.is_none() {
            return Ok(());
        }
        self.write(vec![("stamps.bin".to_string(), stamps)], Vec::new(), None)
    }

    /// Writes `files` (those whose bytes changed) and then the header, which lists them and
    /// `written` (files already written, with their checksums) and keeps the other files'
    /// checksums (and shard digests, unless `digests` gives new ones).
    fn write(
        &mut self,
        files: Vec<(String, Vec<u8>)>,
        written: Vec<(String, u64)>,
        digests: Option<Vec<u64>>,
    ) -> io::Result<()> {
        let program = self
            .program
            .ok_or_else(|| io::Error::other("the running program cannot be read"))?;
        std::fs::create_dir_all(&self.dir)?;
        write_tag(&self.dir)?;
        let before = self.header.take();
        let mut sums: Vec<(String, u64)> =
            before.as_ref().map(|h| h.files.clone()).unwrap_or_default();
        let mut written = written;
        let rewritten: Vec<(String, u64)> = files
            .par_iter()
            .map(|(name, bytes)| {
                let sum = hash_of(&bytes[..]);
                let same = sums.iter().any(|(n, s)| n == name && *s == sum)
                    && self.dir.join(name).is_file();
                if !same {
                    write_file(&self.dir.join(name), bytes)?;
                }
                Ok((name.clone(), sum))
            })
            .collect::<io::Result<_>>()?;
        written.extend(rewritten);
        // A shard's new bodies file takes the place of its old one in the header.
        for (name, _) in &written {
            if let Some(prefix) = name.strip_suffix(".bin").and_then(|n| n.get(..10))
                && prefix.starts_with("bodies-")
            {
                sums.retain(|(n, _)| !n.starts_with(prefix));
            }
        }
        for (name, sum) in written {
            match sums.iter_mut().find(|(n, _)| *n == name) {
                Some(entry) => entry.1 = sum,
                None => sums.push((name, sum)),
            }
        }
        let shard_digests = digests
            .or_else(|| before.map(|h| h.shard_digests))
            .unwrap_or_default();
        let header = Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            program,
            files: sums,
            shard_digests,
        };
        let mut bytes = MAGIC.to_vec();
        bytes.extend(postcard::to_stdvec(&header).map_err(encoding)?);
        write_file(&self.dir.join("header.bin"), &bytes)?;
        remove_unlisted_bodies(&self.dir, &header);
        self.header = Some(header);
        Ok(())
    }
}

/// Removes the bodies files `header` does not name (replaced by newer ones, or left by a
/// build killed while saving). Best effort: one left behind costs only space.
fn remove_unlisted_bodies(dir: &Path, header: &Header) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("bodies-") && !header.files.iter().any(|(n, _)| *n == name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The start of the name of shard `n`'s bodies files (`bodies-NN-`), ten characters.
fn bodies_prefix(n: usize) -> String {
    format!("bodies-{n:02}-")
}

/// The name of shard `n`'s bodies file as `header` lists it.
fn bodies_listed(header: &Header, n: usize) -> Option<&str> {
    let prefix = bodies_prefix(n);
    header
        .files
        .iter()
        .map(|(name, _)| name.as_str())
        .find(|name| name.starts_with(&prefix))
}

impl BuildCache {
    /// The bytes of `machine.bin` (`build::carried`), when the cache holds it.
    pub(crate) fn machine_memo(&self) -> Option<Vec<u8>> {
        self.read_listed(MACHINE).ok()
    }

    /// Saves `machine.bin` (after [`BuildCache::save`], which makes the cache's header).
    pub(crate) fn save_machine_memo(&mut self, bytes: Vec<u8>) -> io::Result<()> {
        self.save_listed(MACHINE, bytes)
    }

    /// Saves file `name` of the cache and lists it in the header, when there is one (made by
    /// [`BuildCache::save`]).
    fn save_listed(&mut self, name: &str, bytes: Vec<u8>) -> io::Result<()> {
        if self.header.is_none() {
            return Ok(());
        }
        self.write(vec![(name.to_string(), bytes)], Vec::new(), None)
    }
}

impl BuildCache {
    /// The bytes of `bib.bin`: where the entries of the tags' `.bib` files lie (see
    /// [`BibLayouts`](crate::export::bibtex::BibLayouts)), when the cache holds it.
    pub(crate) fn bib_layouts(&self) -> Option<Vec<u8>> {
        self.read_listed(BIB).ok()
    }

    /// Saves `bib.bin` (after [`BuildCache::save`], which makes the cache's header).
    pub(crate) fn save_bib_layouts(&mut self, bytes: Vec<u8>) -> io::Result<()> {
        self.save_listed(BIB, bytes)
    }
}

/// The file of where the entries of the tags' `.bib` files lie.
const BIB: &str = "bib.bin";

/// The file of the output's page paths (see [`OutputState::page_paths`]).
const PAGES: &str = "pages.bin";

/// The file of what the sitemap and search index were made of.
const MACHINE: &str = "machine.bin";

impl SnapshotSource for BuildCache {
    fn parts(&self) -> Result<Vec<u8>, String> {
        self.read_listed("site.bin")
    }

    fn shard(&self, n: usize) -> Result<Vec<u8>, String> {
        self.read_listed(&shard_name(n))
    }

    fn bodies(&self, n: usize) -> Result<std::fs::File, String> {
        let header = self.header.as_ref().ok_or("no header")?;
        let name = bodies_listed(header, n).ok_or_else(|| format!("shard {n} has no bodies"))?;
        let file = std::fs::File::open(self.dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
        if let Some(opened) = self.opened.get(n) {
            let _ = opened.set(name.to_string());
        }
        Ok(file)
    }
}

impl BuildCache {
    /// A file the header lists, checked against its checksum.
    fn read_listed(&self, name: &str) -> Result<Vec<u8>, String> {
        let header = self.header.as_ref().ok_or("no header")?;
        self.read_checked(header, name)?
            .ok_or_else(|| format!("{name} is missing"))
    }
}

fn encoding(err: postcard::Error) -> io::Error {
    io::Error::other(err.to_string())
}

fn shard_name(n: usize) -> String {
    format!("shard-{n:02}.bin")
}

/// The header of the cache in `dir`: `Err(None)` when there is no cache, `Err(Some(why))` when
/// there is one that cannot be read.
fn read_header(dir: &Path) -> Result<Header, Option<String>> {
    let bytes = match std::fs::read(dir.join("header.bin")) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(None),
        Err(err) => return Err(Some(format!("header.bin: {err}"))),
    };
    let body = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| Some("header.bin is not a digest cache header".to_string()))?;
    postcard::from_bytes(body).map_err(|e| Some(format!("header.bin: {e}")))
}

/// The running program's identity; its bytes are hashed only when its metadata differs from
/// `known`'s (a program installed anew each run, as in CI, is hashed each run: ~10 ms for a
/// release build).
fn program(known: Option<Program>) -> Option<Program> {
    let path = std::env::current_exe().ok()?;
    let meta = crate::hash::file_identity(&std::fs::metadata(&path).ok()?);
    if let Some(known) = known.filter(|k| k.meta == meta) {
        return Some(known);
    }
    let bytes = std::fs::read(&path).ok()?;
    Some(Program {
        meta,
        content: hash_of(&bytes[..]),
    })
}

/// Writes a cache file whole: beside it, then renamed over it. Not flushed to disk: a file
/// lost in a crash fails its checksum, and the build after is a clean one.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(name);
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Marks the folder as a cache (<https://bford.info/cachedir/>), so backup tools skip it, and
/// keeps it out of git whatever the site's `.gitignore` says.
fn write_tag(dir: &Path) -> io::Result<()> {
    let tag = dir.join(TAG);
    if !tag.is_file() {
        std::fs::write(
            tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This folder is digest's build cache: deleting it only makes the next build a clean one.\n",
        )?;
    }
    let ignore = dir.join(".gitignore");
    if !ignore.is_file() {
        std::fs::write(ignore, "*\n")?;
    }
    Ok(())
}

/// The file that marks a build cache.
const TAG: &str = "CACHEDIR.TAG";

/// Refuses a cache folder that holds files and is not a build cache: the cache writes into it.
pub(crate) fn check_dir(dir: &Path) -> Result<(), Problem> {
    let holds_files = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    let is_cache = std::fs::read_to_string(dir.join(TAG))
        .is_ok_and(|tag| tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    if dir.exists() && !dir.is_dir() || holds_files && !is_cache {
        return Err(Problem::in_file(
            dir.display().to_string(),
            "this is not a digest build cache: it holds files digest did not write",
        )
        .with_hint("give --cache a new or empty folder, or leave --cache out to keep the cache in .digest-cache in the site folder")
        .with_kind(FailureKind::Output));
    }
    Ok(())
}
