//! Where rendered bodies are kept: beside the records, not in them. A body (the Markdown source, its
//! HTML, plain text and notes) is most of what a paper weighs, yet only its own page, its JSON
//! record, the feeds and exports show it; summaries, words and hashes are taken from it once,
//! when it is rendered. So each body is put in the store when it is made (past its first
//! 128 MB, a file), and read back when a page needs it: a site of a million papers does not
//! hold a million abstracts three times.
//!
//! A [`BodyStore`] is a set of files read at offsets (the page cache, not the process, holds
//! what is read often):
//! - file [`SPILL`], where bodies made by this process are appended: its first
//!   [`IN_MEMORY`] bytes are kept in memory (a site of some tens of thousands of papers never
//!   writes its bodies out only to read them back), the rest in a temporary file of this
//!   process (unnamed: the system removes it with the process);
//! - files `1..`, opened by the build cache (its `bodies-NN.bin`), whose bodies an earlier
//!   build made.
//!
//! A [`BodyRef`] says where one body is and carries a hash of its bytes, checked when it is
//! read: a damaged file is seen, never shown. A body that cannot be read back gives an empty
//! body and is remembered ([`BodyStore::damage`]), so a build can throw its pages away.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::{OnceLock, RwLock};

use serde::{Deserialize, Serialize};

use super::RenderedMarkdown;
use crate::hash::hash_of;

/// The file bodies made by this process are appended to.
pub(crate) const SPILL: u32 = 0;

/// How many bytes of [`SPILL`] are kept in memory: the bodies of ~25,000 papers. A cold build
/// of 10,000 papers spent 5% of its CPU writing its 53 MB of bodies to the temporary file and
/// reading them back.
const IN_MEMORY: u64 = 128 << 20;

/// Sites of more records than this keep every body in the file: what memory would keep is a
/// small part of their bodies, and their peak is what matters (a million papers peaked 167 MiB
/// higher, at 3.5 GiB, with the 128 MB kept).
const IN_MEMORY_UP_TO: usize = 250_000;

/// The in-memory part of [`SPILL`] is in chunks of this size, so that appending never moves
/// what is kept; a body does not straddle two chunks.
const CHUNK: u64 = 4 << 20;

/// One body as kept: the Markdown source and what it renders to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Body {
    /// The Markdown as written in the record: the abstract, then any notes.
    pub(crate) source: String,
    /// The abstract and notes rendered.
    pub(crate) rendered: RenderedMarkdown,
}

impl Body {
    /// No body: what a body that cannot be read back shows.
    pub(crate) fn empty() -> Body {
        Body {
            source: String::new(),
            rendered: RenderedMarkdown {
                html: String::new(),
                text: String::new(),
                notes: String::new(),
                notes_at: None,
            },
        }
    }

    /// The abstract's Markdown source, without the notes below it.
    pub(crate) fn abstract_source(&self) -> &str {
        let end = self.rendered.notes_at.unwrap_or(self.source.len());
        self.source.get(..end).unwrap_or(&self.source)
    }
}

/// Where one body is kept: its file, offset and length, and a hash of its bytes. Two refs hash
/// alike when their bodies are the same bytes, wherever they are kept (fingerprints and cache
/// digests hash what a body is, not where).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub(crate) struct BodyRef {
    file: u32,
    offset: u64,
    len: u32,
    hash: u64,
}

impl Hash for BodyRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len.hash(state);
        self.hash.hash(state);
    }
}

impl BodyRef {
    /// The file the body is kept in.
    pub(crate) fn file(&self) -> u32 {
        self.file
    }

    /// The length of the body's bytes as kept.
    pub(crate) fn len(&self) -> u32 {
        self.len
    }

    /// The same body at `offset` of `file` (where a cache copied its bytes).
    pub(crate) fn moved_to(self, file: u32, offset: u64) -> BodyRef {
        BodyRef {
            file,
            offset,
            ..self
        }
    }
}

/// The files bodies are kept in (see the module's documentation).
pub(crate) struct BodyStore {
    /// By file number; `None` for a number not opened. Number [`SPILL`] holds the bytes of
    /// the spill from `in_memory` on (at their offset less `in_memory`).
    files: Vec<Option<File>>,
    /// The spill's bytes kept in memory, and how far it has been appended to.
    spilled: RwLock<Spill>,
    /// The spill's offsets below this are in memory ([`IN_MEMORY`] but in tests).
    in_memory: u64,
    /// The first body that could not be read back, and why.
    damage: OnceLock<String>,
}

impl std::fmt::Debug for BodyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyStore")
            .field("files", &self.files.len())
            .finish()
    }
}

impl BodyStore {
    /// A store with a new spill file in the system's temporary folder (`TMPDIR`).
    #[cfg(test)]
    pub(crate) fn new() -> io::Result<BodyStore> {
        BodyStore::for_records(1)
    }

    /// A store for a site of `records` record files (see [`IN_MEMORY_UP_TO`]).
    pub(crate) fn for_records(records: usize) -> io::Result<BodyStore> {
        BodyStore::keeping_in_memory(if records <= IN_MEMORY_UP_TO {
            IN_MEMORY
        } else {
            0
        })
    }

    /// A store that keeps the first `in_memory` bytes of its spill in memory.
    fn keeping_in_memory(in_memory: u64) -> io::Result<BodyStore> {
        Ok(BodyStore {
            files: vec![Some(unnamed_file(&std::env::temp_dir())?)],
            spilled: RwLock::new(Spill::default()),
            in_memory,
            damage: OnceLock::new(),
        })
    }

    /// Keeps `body` and says where. Bodies may be put from several threads at once.
    pub(crate) fn put(&self, body: &Body) -> io::Result<BodyRef> {
        let bytes = postcard::to_stdvec(body).map_err(io::Error::other)?;
        let len = u32::try_from(bytes.len())
            .map_err(|_| io::Error::other("a body larger than 4 GB cannot be kept"))?;
        let offset = {
            let mut spilled = self.spilled.write().unwrap_or_else(|e| e.into_inner());
            spilled.keep(&bytes, self.in_memory)
        };
        if offset >= self.in_memory {
            write_at(self.file(SPILL)?, &bytes, offset - self.in_memory)?;
        }
        Ok(BodyRef {
            file: SPILL,
            offset,
            len,
            hash: hash_of(&bytes[..]),
        })
    }

    /// Opens `file` as file number `number` (above [`SPILL`]): bodies an earlier process kept.
    pub(crate) fn open(&mut self, number: u32, file: File) {
        let at = number as usize;
        if self.files.len() <= at {
            self.files.resize_with(at + 1, || None);
        }
        self.files[at] = Some(file);
    }

    /// The body `body` says where to find; an empty body when it cannot be read back, and the
    /// store remembers why ([`BodyStore::damage`]).
    pub(crate) fn get(&self, body: BodyRef) -> Body {
        match self.try_get(body) {
            Ok(body) => body,
            Err(why) => {
                let _ = self.damage.set(why);
                Body::empty()
            }
        }
    }

    /// The body `body` says where to find, or why it cannot be read back.
    pub(crate) fn try_get(&self, body: BodyRef) -> Result<Body, String> {
        let decode = |bytes: &[u8]| {
            checked(bytes, body)?;
            postcard::from_bytes(bytes)
                .map_err(|e| format!("a kept abstract does not read back: {e}"))
        };
        if body.file == SPILL && body.offset < self.in_memory {
            // Read where it is kept, without a copy first (pages read bodies all along a build).
            let spilled = self.spilled.read().unwrap_or_else(|e| e.into_inner());
            return decode(in_memory(&spilled, body)?);
        }
        decode(&self.raw(body)?)
    }

    /// The bytes of `body` as kept, checked against its hash.
    pub(crate) fn raw(&self, body: BodyRef) -> Result<Vec<u8>, String> {
        let bytes = if body.file == SPILL && body.offset < self.in_memory {
            let spilled = self.spilled.read().unwrap_or_else(|e| e.into_inner());
            in_memory(&spilled, body)?.to_vec()
        } else {
            let (file, offset) = match body.file {
                SPILL => (self.file(SPILL), body.offset - self.in_memory),
                n => (self.file(n), body.offset),
            };
            let mut bytes = vec![0; body.len as usize];
            read_at(file.map_err(|e| e.to_string())?, &mut bytes, offset)
                .map_err(|e| format!("a kept abstract cannot be read: {e}"))?;
            bytes
        };
        checked(&bytes, body)?;
        Ok(bytes)
    }

    /// The bytes of memory holding bodies (with the chunks' room not yet used).
    pub(crate) fn in_memory_bytes(&self) -> usize {
        let spilled = self.spilled.read().unwrap_or_else(|e| e.into_inner());
        spilled.chunks.iter().map(Vec::capacity).sum()
    }

    /// Why a body could not be read back, if one could not since the store was made.
    pub(crate) fn damage(&self) -> Option<&str> {
        self.damage.get().map(String::as_str)
    }

    fn file(&self, number: u32) -> io::Result<&File> {
        self.files
            .get(number as usize)
            .and_then(Option::as_ref)
            .ok_or_else(|| io::Error::other(format!("no file {number} of kept abstracts")))
    }
}

/// The bytes of `body`, which [`SPILL`] keeps in memory.
fn in_memory(spilled: &Spill, body: BodyRef) -> Result<&[u8], String> {
    spilled
        .kept(body.offset, body.len)
        .ok_or_else(|| "a kept abstract is not where it was kept".to_string())
}

/// `bytes` if they are those `body` was kept as (by their hash).
fn checked(bytes: &[u8], body: BodyRef) -> Result<(), String> {
    if hash_of(bytes) == body.hash {
        Ok(())
    } else {
        Err("a kept abstract does not match its checksum".into())
    }
}

/// How far [`SPILL`] has been appended to, and its bytes kept in memory.
#[derive(Default)]
struct Spill {
    /// The in-memory bytes: chunk `i` holds offsets from `i * CHUNK`, and is never longer.
    chunks: Vec<Vec<u8>>,
    /// The length of the spill file (the bytes past the in-memory part).
    file_len: u64,
}

impl Spill {
    /// Appends `bytes` and gives their offset: in memory while they fit below `in_memory`
    /// in one chunk, else at the file's end (offset `in_memory` on).
    fn keep(&mut self, bytes: &[u8], in_memory: u64) -> u64 {
        let len = bytes.len() as u64;
        let last = self.chunks.len().checked_sub(1);
        let room = last.map_or(0, |i| CHUNK - self.chunks[i].len() as u64);
        let at = match last {
            Some(i) if len <= room => Some(i),
            _ if len <= CHUNK && (self.chunks.len() as u64 + 1) * CHUNK <= in_memory => {
                self.chunks.push(Vec::with_capacity(CHUNK as usize));
                Some(self.chunks.len() - 1)
            }
            _ => None,
        };
        match at {
            Some(i) => {
                let chunk = &mut self.chunks[i];
                let offset = i as u64 * CHUNK + chunk.len() as u64;
                chunk.extend_from_slice(bytes);
                offset
            }
            None => {
                let offset = in_memory + self.file_len;
                self.file_len += len;
                offset
            }
        }
    }

    /// The `len` bytes kept in memory at `offset`, if they are.
    fn kept(&self, offset: u64, len: u32) -> Option<&[u8]> {
        let chunk = self.chunks.get(usize::try_from(offset / CHUNK).ok()?)?;
        let start = usize::try_from(offset % CHUNK).ok()?;
        chunk.get(start..start.checked_add(len as usize)?)
    }
}

/// A new file in `dir` that no name leads to: made under a name of its own (`create_new`, so
/// never another's file) and unlinked at once, so the system frees it when the process ends,
/// however it ends. Where a file open cannot be unlinked, the system deletes it on close.
fn unnamed_file(dir: &std::path::Path) -> io::Result<File> {
    static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    loop {
        let made = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!(".digest-bodies-{}-{nanos}-{made}", std::process::id());
        let path = dir.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(windows)]
        {
            use std::os::windows::fs::OpenOptionsExt;
            // FILE_FLAG_DELETE_ON_CLOSE
            options.custom_flags(0x0400_0000);
        }
        match options.open(&path) {
            Ok(file) => {
                #[cfg(unix)]
                let _ = std::fs::remove_file(&path);
                return Ok(file);
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(unix)]
fn write_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_at(file: &File, mut buf: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, offset)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Body {
        Body {
            source: format!("{text}\n\n<!-- notes -->\nA note."),
            rendered: RenderedMarkdown {
                html: format!("<p>{text}</p>"),
                text: text.to_string(),
                notes: "<p>A note.</p>".into(),
                notes_at: Some(text.len() + 2),
            },
        }
    }

    #[test]
    fn bodies_put_from_many_threads_read_back() {
        let store = BodyStore::new().unwrap();
        let refs: Vec<(usize, BodyRef)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|t| {
                    let store = &store;
                    s.spawn(move || {
                        (0..50)
                            .map(|i| {
                                (
                                    t * 50 + i,
                                    store.put(&body(&format!("abstract {t} {i} é"))).unwrap(),
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        for (n, r) in refs {
            let (t, i) = (n / 50, n % 50);
            assert_eq!(store.get(r), body(&format!("abstract {t} {i} é")));
        }
        assert_eq!(store.damage(), None);
        assert_eq!(body("An abstract.").abstract_source(), "An abstract.\n\n");
    }

    #[test]
    fn bodies_past_the_memory_part_go_to_the_file_and_read_back() {
        let store = BodyStore::keeping_in_memory(CHUNK).unwrap();
        // About 60 KB each: some 69 fit in the memory part.
        let big = |i: usize| body(&format!("{i} {}", "word ".repeat(4_000)));
        let refs: Vec<BodyRef> = (0..100).map(|i| store.put(&big(i)).unwrap()).collect();
        // A body as large as a chunk is never kept in memory.
        let huge = body(&"x".repeat(CHUNK as usize));
        let huge_ref = store.put(&huge).unwrap();
        let in_memory = refs.iter().filter(|r| r.offset < CHUNK).count();
        assert!((60..80).contains(&in_memory), "{in_memory} in memory");
        let file_len = store.file(SPILL).unwrap().metadata().unwrap().len();
        let past: u64 = refs
            .iter()
            .chain([&huge_ref])
            .filter(|r| r.offset >= CHUNK)
            .map(|r| u64::from(r.len))
            .sum();
        assert_eq!(
            file_len, past,
            "only what is past the memory part is written"
        );
        for (i, r) in refs.into_iter().enumerate() {
            assert_eq!(store.get(r), big(i));
        }
        assert_eq!(store.get(huge_ref), huge);
        assert_eq!(store.damage(), None);
    }

    #[test]
    fn only_sites_up_to_a_size_keep_bodies_in_memory() {
        let file_len = |store: &BodyStore| store.file(SPILL).unwrap().metadata().unwrap().len();
        let small = BodyStore::for_records(IN_MEMORY_UP_TO).unwrap();
        let kept = small.put(&body("small site")).unwrap();
        assert_eq!((file_len(&small), small.in_memory_bytes() > 0), (0, true));
        assert_eq!(small.get(kept), body("small site"));
        let large = BodyStore::for_records(IN_MEMORY_UP_TO + 1).unwrap();
        let kept = large.put(&body("large site")).unwrap();
        assert_eq!(file_len(&large), u64::from(kept.len));
        assert_eq!(large.in_memory_bytes(), 0);
        assert_eq!(large.get(kept), body("large site"));
    }

    #[test]
    fn a_damaged_body_is_seen_and_remembered() {
        let store = BodyStore::keeping_in_memory(0).unwrap();
        let first = store.put(&body("first")).unwrap();
        let second = store.put(&body("second")).unwrap();
        // The second body's bytes changed on disk after it was kept.
        let file = store.file(SPILL).unwrap();
        write_at(file, b"X", second.offset + 3).unwrap();
        assert_eq!(store.get(first), body("first"));
        assert_eq!(store.get(second), Body::empty());
        assert!(store.damage().unwrap().contains("checksum"));
        // A ref to a file the store never opened is damage too, not a panic.
        let elsewhere = first.moved_to(7, 0);
        assert!(store.try_get(elsewhere).unwrap_err().contains("no file 7"));
    }

    #[test]
    fn the_spill_file_has_no_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = unnamed_file(dir.path()).unwrap();
        write_at(&file, b"kept", 0).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut back = [0; 4];
        read_at(&file, &mut back, 0).unwrap();
        assert_eq!(&back, b"kept");
    }

    #[test]
    fn refs_hash_by_content_not_place() {
        let store = BodyStore::new().unwrap();
        let a = store.put(&body("same")).unwrap();
        let b = store.put(&body("same")).unwrap();
        assert_ne!(a.offset, b.offset);
        assert_eq!(hash_of(&a), hash_of(&b));
        assert_ne!(hash_of(&a), hash_of(&store.put(&body("other")).unwrap()));
    }
}
