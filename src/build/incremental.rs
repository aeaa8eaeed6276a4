//! A build over the output the last build published (the build cache's [`OutputState`] says
//! what that was): only pages whose fingerprint changed are rendered, only files whose bytes
//! changed are written, beside the output, and moved in once all are written (journaled, see
//! [`Update`]); files the site no longer has are removed then. Nothing changed: nothing is
//! written. When most pages changed (new settings, a new theme), a whole new tree swapped in
//! ([`super::emit_site`]) is the faster and safer way, and is taken.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{FailureKind, Problem, Problems};
use crate::render::machine::MachineFile;
use crate::site::Site;
use crate::write::lock::OutputLock;
use crate::write::publish::PublishError;
use crate::write::{MARKER, Update};

use emit::Destination as _;

use super::cache::{OutputState, marker_hash};
use super::carried::{self, Kept};
use super::{Emitted, Progress, emit, emit_site};

/// Above this share of pages to render, the build makes a whole new tree instead.
const MOST_PAGES: f64 = 0.5;

/// What a build wrote, and what the build cache keeps of it.
pub(crate) struct Written {
    /// Files of the site.
    pub files: usize,
    /// Files digest did not write that the output kept (counted by a whole-tree build).
    pub kept: usize,
    /// Set when the site was published but something was left behind.
    pub warning: Option<String>,
    /// Pages rendered.
    pub rendered: usize,
    /// Files written, replaced or removed.
    pub changed: usize,
    /// Whether what the cache keeps of the output changed.
    pub state_is_new: bool,
    /// Each page's path, one a line; empty when `same_pages`.
    page_paths: String,
    /// The pages are those of the output the build cache knew (`pages.bin` holds their paths).
    same_pages: bool,
    fingerprints: Vec<u64>,
    statics: BTreeMap<String, u64>,
    machine: BTreeMap<String, u64>,
    /// What the cache keeps of the sitemap and search index, for the next build.
    pub memo: Kept,
}

impl Written {
    /// A whole-tree build of `site` that made `emitted`.
    pub(crate) fn everything(site: &Site, emitted: Emitted) -> Written {
        Written {
            files: emitted.files,
            kept: emitted.kept,
            warning: emitted.warning,
            rendered: site.pages().len(),
            changed: emitted.changed,
            state_is_new: true,
            same_pages: false,
            page_paths: join_lines(
                &site
                    .pages()
                    .iter()
                    .map(|p| p.path.as_str())
                    .collect::<Vec<_>>(),
            ),
            fingerprints: site.fingerprints(),
            statics: emitted.static_hashes,
            machine: emitted.machine_hashes,
            memo: emitted.carried.map_or(Kept::Nothing, Kept::Made),
        }
    }

    /// What the build cache keeps of the output now.
    pub(crate) fn state(&self, output: &Path, inputs: u64, papers: usize) -> OutputState {
        OutputState {
            dir: output.to_path_buf(),
            inputs,
            papers,
            marker: marker_hash(output).unwrap_or(0),
            page_paths: self.page_paths.clone(),
            pages_as_kept: self.same_pages,
            fingerprints: self.fingerprints.clone(),
            statics: self.statics.clone().into_iter().collect(),
            machine: self.machine.clone().into_iter().collect(),
        }
    }
}

/// The lines `lines`, each ended by a newline.
fn join_lines(lines: &[&str]) -> String {
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Brings `output`, which is what `previous` describes, up to `site`. `unchanged_records` says
/// no record was read or removed since (the search index and the sitemap are then as they
/// were, and are not made again); `memo` is what the cache kept of those (`machine.bin`, see
/// [`carried`]): with it, only the sitemap and search files whose inputs changed are made.
pub(crate) fn emit_changes(
    site: &Site,
    output: &Path,
    previous: &OutputState,
    unchanged_records: bool,
    memo: Option<Vec<u8>>,
    progress: &dyn Progress,
) -> Result<Written, Problems> {
    let failed = |what: &str, err: std::io::Error| {
        Problems(vec![
            Problem::in_file(output.display().to_string(), format!("{what}: {err}"))
                .with_hint("check that the disk is not full and the folder is writable")
                .with_kind(FailureKind::Output),
        ])
    };
    let mut timer = crate::timing::PhaseTimer::start();
    // The pages' fingerprints and the other files (static, sitemap, search index) are made
    // side by side: they read the site only, and parts of the search index's update run on
    // one core, which leaves the other to the fingerprints.
    let (fingerprints, others) = rayon::join(
        || {
            let mut timer = crate::timing::PhaseTimer::start();
            let fingerprints = site.fingerprints();
            timer.phase("  fingerprints");
            fingerprints
        },
        || {
            let mut timer = crate::timing::PhaseTimer::start();
            // Static files always (they are few, and read from the theme), the sitemap and
            // search index only when records changed.
            let listing = Listing::default();
            emit::static_files(site, &listing)
                .map_err(|e| failed("cannot read static files", e))?;
            let statics = listing.into_files();
            let memo = memo.filter(|bytes| carried::describes(bytes, previous.marker));
            let static_hashes = emit::file_hashes(&statics);
            let (machine, machine_hashes, memo) = if unchanged_records {
                let kept = memo.map_or(Kept::Nothing, Kept::AsRead);
                (Vec::new(), previous.machine.iter().cloned().collect(), kept)
            } else {
                machine_changes(site, previous, memo.as_deref())
            };
            timer.phase("  static, machine and search files");
            Ok((statics, static_hashes, machine, machine_hashes, memo))
        },
    );
    timer.phase("fingerprints, static, machine and search files");
    let paths: Vec<&str> = site.pages().iter().map(|p| p.path.as_str()).collect();
    // Most builds keep the page set: pages are then compared by place, with no lookup.
    let same_pages = previous.fingerprints.len() == paths.len()
        && previous.page_paths.lines().eq(paths.iter().copied());
    let dirty: Vec<usize> = if same_pages {
        (0..paths.len())
            .filter(|&i| fingerprints[i] != previous.fingerprints[i])
            .collect()
    } else {
        let before: ahash::AHashMap<&str, u64> = previous
            .page_paths
            .lines()
            .zip(previous.fingerprints.iter().copied())
            .collect();
        (0..paths.len())
            .filter(|&i| before.get(paths[i]) != Some(&fingerprints[i]))
            .collect()
    };
    timer.phase("pages compared");
    if dirty.len() as f64 > MOST_PAGES * paths.len() as f64 {
        return Ok(Written::everything(
            site,
            emit_site(site, output, progress)?,
        ));
    }
    let lock = OutputLock::acquire(output).map_err(|e| {
        Problems(vec![
            Problem::in_file(output.display().to_string(), e.to_string())
                .with_hint("wait for the other build to finish, or stop the digest serve that writes this folder")
                .with_kind(FailureKind::Output),
        ])
    })?;
    // Another build may have written the output since it was compared (every update renews the
    // marker), or been killed while writing it: what the cache says no longer holds.
    if !previous.describes(output) || crate::write::update_pending(output) {
        drop(lock);
        return Ok(Written::everything(
            site,
            emit_site(site, output, progress)?,
        ));
    }
    let (statics, static_hashes, machine, machine_hashes, memo) = others?;
    let old_files: BTreeMap<&str, u64> = previous
        .statics
        .iter()
        .chain(&previous.machine)
        .map(|(path, hash)| (path.as_str(), *hash))
        .collect();
    // Machine files are written after static ones: a site's own `robots.txt` gives way.
    let mut file_hashes = static_hashes.clone();
    file_hashes.extend(machine_hashes.clone());
    let changed_files: Vec<&MachineFile> = statics
        .iter()
        .chain(&machine)
        .filter(|f| old_files.get(f.path.as_str()) != file_hashes.get(&f.path))
        .collect();

    // The files of the site now, and those of the last build it no longer has.
    let (gone, fresh): (Vec<&str>, Vec<&str>) = if same_pages {
        let gone = old_files
            .keys()
            .filter(|path| !file_hashes.contains_key(**path))
            .copied()
            .collect();
        let fresh = file_hashes
            .keys()
            .map(String::as_str)
            .filter(|path| !old_files.contains_key(path))
            .collect();
        (gone, fresh)
    } else {
        let now: ahash::AHashSet<&str> = paths
            .iter()
            .copied()
            .chain(file_hashes.keys().map(String::as_str))
            .collect();
        let then: ahash::AHashSet<&str> = previous
            .page_paths
            .lines()
            .chain(old_files.keys().copied())
            .collect();
        let mut gone: Vec<&str> = then.difference(&now).copied().collect();
        let mut fresh: Vec<&str> = now.difference(&then).copied().collect();
        gone.sort_unstable();
        fresh.sort_unstable();
        (gone, fresh)
    };
    // A file someone else put where the site now puts one of its own is never replaced.
    let conflicts: Vec<&str> = fresh
        .iter()
        .filter(|path| output.join(path).symlink_metadata().is_ok())
        .copied()
        .collect();
    if !conflicts.is_empty() {
        return Err(conflict(output, &conflicts));
    }
    let files = paths.len() + file_hashes.len();
    let written = |rendered, changed, state_is_new| Written {
        files,
        kept: 0,
        warning: None,
        rendered,
        changed,
        state_is_new,
        same_pages,
        // The paths the cache holds already are not copied: it keeps its `pages.bin`.
        page_paths: if same_pages {
            String::new()
        } else {
            join_lines(&paths)
        },
        fingerprints: fingerprints.clone(),
        statics: static_hashes.clone(),
        machine: machine_hashes.clone(),
        memo: Kept::Nothing,
    };
    if dirty.is_empty() && changed_files.is_empty() && gone.is_empty() && fresh.is_empty() {
        // Nothing to write, and nothing new for the cache to keep of the output.
        return Ok(Written {
            memo,
            ..written(0, 0, false)
        });
    }
    let mut update = Update::create(output).map_err(|e| failed("cannot prepare the update", e))?;
    progress.phase("rendering pages", dirty.len());
    emit::pages(site, &dirty, &update, &|| progress.advance(1))?;
    timer.phase("render + write pages");
    for file in &changed_files {
        update
            .write(&file.path, &file.contents)
            .map_err(|e| failed("cannot write the site's files", e))?;
    }
    for path in &gone {
        update.remove(path);
    }
    // The marker is renewed by every update, moved in last: an output whose marker is the one
    // the cache knows is exactly what the cache says (see `OutputState::describes`).
    let marker = if !gone.is_empty() || !fresh.is_empty() {
        let now = paths
            .iter()
            .copied()
            .chain(file_hashes.keys().map(String::as_str));
        crate::write::publish::manifest(now).into_bytes()
    } else {
        std::fs::read(output.join(MARKER))
            .map_err(|e| failed("cannot read the output's marker", e))?
    };
    update
        .replace(MARKER, &marker)
        .map_err(|e| failed("cannot write the output's marker", e))?;
    progress.phase("publishing", 0);
    let changed = update
        .commit_changes()
        .map_err(|e| failed("cannot move the changed files into place", e))?;
    timer.phase("move into place");
    drop(lock);
    Ok(Written {
        memo,
        ..written(dirty.len(), changed, true)
    })
}

/// The sitemap and search files of `site` that differ from those `previous` wrote (all of
/// them without a `memo` of those), the hash of every such file now, and what the cache keeps
/// of them for the next build.
fn machine_changes(
    site: &Site,
    previous: &OutputState,
    memo: Option<&[u8]>,
) -> (Vec<MachineFile>, BTreeMap<String, u64>, Kept) {
    let is_search = |path: &str| path.starts_with(crate::routes::SEARCH_DIR);
    let mut timer = crate::timing::PhaseTimer::start();
    let memo = memo.and_then(|bytes| carried::read(bytes, previous.marker));
    timer.phase("  machine: memo read");
    let sitemap = emit::sitemap_identity(site);
    timer.phase("  machine: sitemap identity");
    let mut files = Vec::new();
    let mut hashes = BTreeMap::new();
    if memo.as_ref().is_some_and(|m| m.sitemap == sitemap) {
        hashes.extend(
            previous
                .machine
                .iter()
                .filter(|(path, _)| !is_search(path))
                .cloned(),
        );
    } else {
        files = emit::machine_files(site);
        hashes = emit::file_hashes(&files);
    }
    let before: ahash::AHashMap<&str, u64> = previous
        .machine
        .iter()
        .map(|(path, hash)| (path.as_str(), *hash))
        .collect();
    // The index as published, whose unchanged terms a shard written again takes as they are
    // (each checked against the hash the memo keeps).
    let published = |path: &str| std::fs::read(previous.dir.join(path)).ok();
    let updated = memo.and_then(|memo| {
        // Told which papers were read again since the memo's records, the update looks at
        // those (and the ones their dates move past) alone.
        let edited = site.search_edits_since(memo.records);
        let (search, update) = site
            .with_search_docs(|docs, words| memo.search.update(docs, words, &published, edited))?;
        let made: Vec<MachineFile> = update
            .files
            .into_iter()
            .map(|(path, contents)| MachineFile { path, contents })
            .collect();
        let made_hashes = emit::file_hashes(&made);
        // Every file the update kept is one the last build wrote, with its hash.
        let all: Option<BTreeMap<String, u64>> = update
            .paths
            .into_iter()
            .map(|path| {
                let hash = made_hashes
                    .get(&path)
                    .copied()
                    .or_else(|| before.get(path.as_str()).copied())?;
                Some((path, hash))
            })
            .collect();
        Some((search, made, all?))
    });
    timer.phase("  machine: search updated");
    let search = match updated {
        Some((search, made, all)) => {
            files.extend(made);
            hashes.extend(all);
            search
        }
        None => {
            let (made, search_files) = carried::made_whole(site);
            hashes.extend(emit::file_hashes(&search_files));
            files.extend(search_files);
            made.search
        }
    };
    (
        files,
        hashes,
        Kept::Made(carried::Carried {
            sitemap,
            records: site.records_identity(),
            search,
        }),
    )
}

/// Whether the static files of `site` (theme and site, read now) are those `previous` wrote.
pub(crate) fn statics_unchanged(site: &Site, previous: &OutputState) -> bool {
    let listing = Listing::default();
    if emit::static_files(site, &listing).is_err() {
        return false;
    }
    let now = emit::file_hashes(&listing.into_files());
    now.len() == previous.statics.len()
        && previous
            .statics
            .iter()
            .all(|(path, hash)| now.get(path) == Some(hash))
}

/// The problem of files someone else put where the site puts its own.
fn conflict(output: &Path, paths: &[&str]) -> Problems {
    let message =
        PublishError::Conflicts(paths.iter().map(|p| p.to_string()).collect()).to_string();
    Problems(vec![
        Problem::in_file(output.display().to_string(), message)
            .with_hint(
                "move those files out of the output folder (or delete them), then build again",
            )
            .with_kind(FailureKind::Output),
    ])
}

/// A destination that keeps what is written, in memory (static files, to compare).
#[derive(Default)]
struct Listing {
    files: std::sync::Mutex<Vec<MachineFile>>,
    dir: std::path::PathBuf,
}

impl Listing {
    /// The files written, the last write of a path winning, in the order first written.
    fn into_files(self) -> Vec<MachineFile> {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut last: BTreeMap<String, usize> = BTreeMap::new();
        for (i, file) in files.iter().enumerate() {
            last.insert(file.path.clone(), i);
        }
        files
            .into_iter()
            .enumerate()
            .filter(|(i, file)| last.get(&file.path) == Some(i))
            .map(|(_, file)| file)
            .collect()
    }
}

impl emit::Destination for Listing {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.files
            .lock()
            .map_err(|_| std::io::Error::other("a reader thread panicked"))?
            .push(MachineFile {
                path: path.to_string(),
                contents: bytes.to_vec(),
            });
        Ok(())
    }

    fn dir(&self) -> &Path {
        &self.dir
    }
}
