//! Publishing a build: the complete new site is made in a staging folder beside the output,
//! then swapped with the output in one atomic rename (`renameat2(RENAME_EXCHANGE)`), so the
//! output is at every moment exactly the previous build or exactly the new one, whatever is
//! killed or fails when. Files whose bytes did not change are hard links to the previous
//! output's (no data written twice); files in the output that digest did not write (a `CNAME`,
//! a folder of slides) are carried into the new tree the same way. The previous tree is then
//! removed: it holds only digest's files and names of carried files that live on in the new one.
//!
//! The output's marker file lists every file the build wrote; the next build replaces or
//! removes only those. One build at a time holds the output's lock ([`OutputLock`]).

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::write::lock::{LockError, OutputLock, sibling};
use crate::write::{MARKER, remove_tree};

/// The first line of a marker that lists the files digest wrote.
const MANIFEST_HEADER: &str = "# Made by digest. A build replaces or removes only the files listed below; it keeps every other file.";

/// Why a build could not be published. The output is as it was.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PublishError {
    /// Another process holds the output, or its lock could not be taken.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Files digest did not write stand where the new site puts its own.
    #[error("the output folder has {} that digest did not write where the site puts its own: {}", count(.0.len()), list(.0))]
    Conflicts(Vec<String>),
    /// A file operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// What failed.
        source: io::Error,
    },
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}

fn list(paths: &[String]) -> String {
    let mut text = paths
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > 10 {
        text.push_str(&format!(" and {} more", paths.len() - 10));
    }
    text
}

fn io_error(what: impl Into<String>) -> impl FnOnce(io::Error) -> PublishError {
    let what = what.into();
    move |source| PublishError::Io { what, source }
}

/// What the previous output holds, as its marker says.
#[derive(Debug)]
enum Previous {
    /// No output folder yet.
    Nothing,
    /// A digest output listing its files: those are digest's, the rest are kept.
    Listed(HashSet<String>),
    /// A digest output from before markers listed files: all of it is digest's.
    Whole,
    /// A folder digest did not make (`--force`): every file in it is kept.
    Foreign,
}

/// What publishing did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PublishReport {
    /// Files of the new site.
    pub files: usize,
    /// Of those, files unchanged from the previous output (hard links, nothing written).
    pub reused: usize,
    /// Files digest did not write, kept from the previous output.
    pub kept: usize,
    /// Set when the site was published but the previous tree could not be removed.
    pub leftover: Option<String>,
}

/// A build being published; see the module documentation.
#[derive(Debug)]
pub(crate) struct Publish {
    output: PathBuf,
    staging: PathBuf,
    previous: Previous,
    produced: Mutex<HashSet<String>>,
    /// Paths whose new bytes equal the previous output's file: linked in at commit, and only
    /// if something else changed (a rebuild that changed nothing publishes nothing).
    unchanged: Mutex<HashSet<String>>,
    written: AtomicUsize,
    committed: bool,
    // Last: released after the staging folder is cleaned up on drop.
    _lock: OutputLock,
}

impl Publish {
    /// Locks `output` (resolved, already checked by [`crate::write::guard::check_output`]),
    /// finishes or clears what a killed build left beside it, and opens an empty staging folder.
    pub(crate) fn begin(output: &Path) -> Result<Publish, PublishError> {
        let parent = output.parent().ok_or_else(|| {
            io_error("the output folder has no parent")(io::ErrorKind::InvalidInput.into())
        })?;
        std::fs::create_dir_all(parent)
            .map_err(io_error(format!("cannot create {}", parent.display())))?;
        let lock = OutputLock::acquire(output)?;
        recover(output)?;
        let previous = read_previous(output);
        let staging = staging_path(output);
        std::fs::create_dir(&staging).map_err(io_error(format!(
            "cannot create the staging folder {}",
            staging.display()
        )))?;
        Ok(Publish {
            output: output.to_path_buf(),
            staging,
            previous,
            produced: Mutex::new(HashSet::new()),
            unchanged: Mutex::new(HashSet::new()),
            written: AtomicUsize::new(0),
            committed: false,
            _lock: lock,
        })
    }

    /// Completes the new tree (unchanged files, kept files, marker) and swaps it in place of
    /// the output, then removes the previous tree. When the new build is byte for byte the
    /// previous output, nothing is swapped. Fails, leaving the output as it was, if a file digest
    /// did not write stands where the new site puts one.
    pub(crate) fn commit(mut self) -> Result<PublishReport, PublishError> {
        let produced = take(&mut self.produced);
        let unchanged = take(&mut self.unchanged);
        let written = self.written.load(Ordering::Relaxed);
        if let Previous::Listed(listed) = &self.previous
            && written == 0
            && listed.len() == produced.len()
            && produced.iter().all(|path| listed.contains(path))
        {
            // Same files, same bytes: the output already is this build.
            self.committed = true;
            let _ = remove_tree(&self.staging);
            return Ok(PublishReport {
                files: produced.len(),
                reused: unchanged.len(),
                ..PublishReport::default()
            });
        }
        self.write_manifest(&produced)?;
        let unchanged = take(&mut self.unchanged).into_iter().chain(unchanged);
        self.link_unchanged(unchanged.collect())?;
        let (kept, previous_tree) = self.keep_foreign_files()?;
        copy_permissions(&self.output, &self.staging);
        if injected("before-swap") {
            return Err(io_error("swapping the new build in")(io::Error::other(
                "injected failure (DIGEST_FAULT=before-swap)",
            )));
        }
        let old = self.swap()?;
        self.committed = true;
        if injected("after-swap") {
            std::process::abort();
        }
        let leftover = old.and_then(|old| {
            let removed = match previous_tree {
                Some(tree) => tree.remove_at(&old).or_else(|_| remove_tree(&old)),
                None => remove_tree(&old),
            };
            removed.err().map(|err| {
                format!(
                    "cannot remove the previous output kept at {}: {err}",
                    old.display()
                )
            })
        });
        Ok(PublishReport {
            files: produced.len(),
            reused: produced.len().saturating_sub(written),
            kept,
            leftover,
        })
    }

    /// Links the unchanged files of the previous output into the new tree (a copy where a link
    /// is refused), in parallel.
    fn link_unchanged(&self, paths: Vec<String>) -> Result<(), PublishError> {
        paths
            .par_iter()
            .try_for_each(|path| {
                let staged = self.staging.join(path);
                if let Some(parent) = staged.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let old = self.output.join(path);
                std::fs::hard_link(&old, &staged)
                    .or_else(|_| std::fs::copy(&old, &staged).map(|_| ()))
            })
            .map_err(io_error(
                "cannot reuse an unchanged file of the previous output",
            ))
    }

    /// Puts the staging folder in place of the output; returns where the previous tree went.
    fn swap(&self) -> Result<Option<PathBuf>, PublishError> {
        let what = || format!("cannot swap the new build into {}", self.output.display());
        if self.output.symlink_metadata().is_err() {
            std::fs::rename(&self.staging, &self.output).map_err(io_error(what()))?;
            return Ok(None);
        }
        match exchange(&self.staging, &self.output) {
            Ok(()) => return Ok(Some(self.staging.clone())),
            Err(err) if !exchange_unsupported(&err) => return Err(io_error(what())(err)),
            Err(_) => {}
        }
        // No atomic exchange here (another OS, or a file system without it): two renames,
        // which a killed build leaves recoverable (the next run puts `previous` back).
        let previous = previous_path(&self.output);
        std::fs::rename(&self.output, &previous).map_err(io_error(what()))?;
        if let Err(err) = std::fs::rename(&self.staging, &self.output) {
            let _ = std::fs::rename(&previous, &self.output);
            return Err(io_error(what())(err));
        }
        Ok(Some(previous))
    }

    /// Carries every file of the previous output that digest did not write into the new tree
    /// (hard links, or copies where a link is refused); returns how many, and what the previous
    /// tree holds (read in the same walk, so removing it later needs no second one).
    fn keep_foreign_files(&self) -> Result<(usize, Option<OldTree>), PublishError> {
        let listed = match &self.previous {
            Previous::Nothing | Previous::Whole => return Ok((0, None)),
            Previous::Listed(files) => Some(files),
            Previous::Foreign => None,
        };
        let mut conflicts = Vec::new();
        let mut kept = 0;
        let mut tree = OldTree::default();
        let output_dev = device(&self.output);
        for entry in walkdir::WalkDir::new(&self.output).min_depth(1) {
            let entry = entry.map_err(|e| io_error("reading the previous output")(e.into()))?;
            let relative = relative_path(&self.output, entry.path());
            let kind = entry.file_type();
            if kind.is_dir() {
                tree.add_dir(entry.depth(), &relative);
            } else {
                tree.files.push(relative.clone());
            }
            if relative == MARKER || listed.is_some_and(|files| files.contains(&relative)) {
                continue;
            }
            let staged = self.staging.join(&relative);
            if kind.is_dir() {
                if device(entry.path()) != output_dev {
                    conflicts.push(format!("{relative}/ (a mount point)"));
                } else if is_empty_dir(entry.path()) && std::fs::create_dir_all(&staged).is_err() {
                    conflicts.push(format!("{relative}/"));
                }
                continue;
            }
            if let Ok(meta) = staged.symlink_metadata() {
                if !same_inode(&meta, entry.path()) {
                    conflicts.push(relative);
                }
                continue;
            }
            if !kind.is_file() && !kind.is_symlink() {
                conflicts.push(format!("{relative} (not a regular file)"));
                continue;
            }
            if let Some(parent) = staged.parent()
                && std::fs::create_dir_all(parent).is_err()
            {
                conflicts.push(relative);
                continue;
            }
            keep(entry.path(), &staged, kind.is_symlink())
                .map_err(io_error(format!("cannot keep {relative} in the new build")))?;
            kept += 1;
        }
        if conflicts.is_empty() {
            Ok((kept, Some(tree)))
        } else {
            conflicts.sort();
            Err(PublishError::Conflicts(conflicts))
        }
    }

    fn write_manifest(&self, produced: &HashSet<String>) -> Result<(), PublishError> {
        let text = manifest(produced.iter().map(String::as_str));
        self.place(MARKER, text.as_bytes(), true)
            .map_err(io_error("cannot write the output's marker"))
    }

    /// Puts `bytes` at `path` in the new tree: a hard link to the previous output's file when
    /// its bytes are the same, else a new file. `replace` removes what is already staged there
    /// first; a staged file is never written through, since it may be a link to the previous
    /// output's.
    fn place(&self, path: &str, bytes: &[u8], replace: bool) -> io::Result<()> {
        let staged = self.staging.join(path);
        if replace {
            self.unchanged.lock().map_err(|_| poisoned())?.remove(path);
            match std::fs::remove_file(&staged) {
                Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
                _ => {}
            }
        }
        if !matches!(self.previous, Previous::Nothing) {
            let old = self.output.join(path);
            let same = old
                .symlink_metadata()
                .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
                && std::fs::read(&old).is_ok_and(|old| old == bytes);
            if same {
                self.unchanged
                    .lock()
                    .map_err(|_| poisoned())?
                    .insert(path.to_string());
                return Ok(());
            }
        }
        if let Some(parent) = staged.parent() {
            std::fs::create_dir_all(parent)?;
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        write_new(&staged, bytes)
            .map_err(|err| io::Error::new(err.kind(), format!("writing {path}: {err}")))
    }
}

/// What the previous tree held when it was walked: its files and its folders by depth.
#[derive(Debug, Default)]
struct OldTree {
    files: Vec<String>,
    dirs_by_depth: Vec<Vec<String>>,
}

impl OldTree {
    fn add_dir(&mut self, depth: usize, relative: &str) {
        if self.dirs_by_depth.len() <= depth {
            self.dirs_by_depth.resize_with(depth + 1, Vec::new);
        }
        self.dirs_by_depth[depth].push(relative.to_string());
    }

    /// Removes the tree, now at `root`, from what was read of it: files in parallel, then
    /// folders deepest first. Fails if anything else appeared in it (the caller then walks).
    fn remove_at(&self, root: &Path) -> io::Result<()> {
        self.files
            .par_iter()
            .try_for_each(|file| std::fs::remove_file(root.join(file)))?;
        for level in self.dirs_by_depth.iter().rev() {
            level
                .par_iter()
                .try_for_each(|dir| std::fs::remove_dir(root.join(dir)))?;
        }
        std::fs::remove_dir(root)
    }
}

fn take(set: &mut Mutex<HashSet<String>>) -> HashSet<String> {
    std::mem::take(
        set.get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    )
}

impl crate::build::emit::Destination for Publish {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let first = self
            .produced
            .lock()
            .map_err(|_| poisoned())?
            .insert(path.to_string());
        self.place(path, bytes, !first)
    }

    fn dir(&self) -> &Path {
        &self.staging
    }
}

impl Drop for Publish {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.staging);
        }
    }
}

fn poisoned() -> io::Error {
    io::Error::other("a writer thread panicked")
}

/// The marker's text: the header, then every file digest wrote, sorted, one a line.
pub(crate) fn manifest<'a>(files: impl Iterator<Item = &'a str>) -> String {
    let mut files: Vec<&str> = files.filter(|f| *f != MARKER).collect();
    files.sort_unstable();
    let mut text = String::with_capacity(files.len() * 40 + MANIFEST_HEADER.len() + 1);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for file in files {
        text.push_str(file);
        text.push('\n');
    }
    text
}

/// Rewrites the marker of `output` to list `files`: for `serve`, which adds and removes files
/// of its folder in place, so that a later build over it knows which are digest's. Written
/// beside and renamed, so the marker is never half-written.
pub(crate) fn rewrite_marker<'a>(
    output: &Path,
    files: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    let temporary = output.join(format!("{MARKER}.tmp"));
    std::fs::write(&temporary, manifest(files))?;
    std::fs::rename(&temporary, output.join(MARKER))
}

/// The folder a build is made in, beside the output.
fn staging_path(output: &Path) -> PathBuf {
    sibling(output, "digest-staging")
}

/// Where the previous output waits while the two-rename swap runs.
fn previous_path(output: &Path) -> PathBuf {
    sibling(output, "digest-previous")
}

/// Clears what a killed build left beside the output (under the lock, so no live build owns
/// it): its staging folder or a previous tree not yet removed, an update folder of an older
/// digest, and after a two-rename swap killed halfway, puts the previous output back.
fn recover(output: &Path) -> Result<(), PublishError> {
    let previous = previous_path(output);
    if previous.symlink_metadata().is_ok() {
        if output.symlink_metadata().is_err() {
            std::fs::rename(&previous, output)
                .map_err(io_error(format!("cannot restore {}", output.display())))?;
        } else {
            remove_tree(&previous)
                .map_err(io_error(format!("cannot remove {}", previous.display())))?;
        }
    }
    let staging = staging_path(output);
    if staging.symlink_metadata().is_ok() {
        remove_tree(&staging).map_err(io_error(format!("cannot remove {}", staging.display())))?;
    }
    crate::write::finish_interrupted_update(output).map_err(io_error(format!(
        "cannot finish the interrupted update of {}",
        output.display()
    )))
}

fn read_previous(output: &Path) -> Previous {
    if output.symlink_metadata().is_err() {
        return Previous::Nothing;
    }
    match std::fs::read_to_string(output.join(MARKER)) {
        Ok(text) => match text.split_once('\n') {
            Some((MANIFEST_HEADER, files)) => Previous::Listed(
                files
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
            ),
            _ => Previous::Whole,
        },
        Err(_) if output.join(MARKER).symlink_metadata().is_ok() => Previous::Whole,
        Err(_) => Previous::Foreign,
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(bytes)
}

fn keep(old: &Path, new: &Path, symlink: bool) -> io::Result<()> {
    if symlink {
        let target = std::fs::read_link(old)?;
        #[cfg(unix)]
        return std::os::unix::fs::symlink(target, new);
        #[cfg(not(unix))]
        return Err(io::Error::other(format!(
            "cannot copy the link to {}",
            target.display()
        )));
    }
    if std::fs::hard_link(old, new).is_ok() {
        return Ok(());
    }
    std::fs::copy(old, new).map(|_| ())
}

fn relative_path(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

#[cfg(unix)]
fn device(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .map(|m| m.dev())
        .unwrap_or(0)
}

#[cfg(not(unix))]
fn device(_: &Path) -> u64 {
    0
}

#[cfg(unix)]
fn same_inode(meta: &std::fs::Metadata, other: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(other).is_ok_and(|o| o.dev() == meta.dev() && o.ino() == meta.ino())
}

#[cfg(not(unix))]
fn same_inode(_: &std::fs::Metadata, _: &Path) -> bool {
    false
}

fn copy_permissions(from: &Path, to: &Path) {
    if let Ok(meta) = std::fs::metadata(from) {
        let _ = std::fs::set_permissions(to, meta.permissions());
    }
}

/// Swaps two paths in one step (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both strings are NUL-terminated and outlive the call. The raw system call is
    // used so that no particular C library version is needed.
    let status = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

fn exchange_unsupported(err: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(
        err.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
    ) {
        return true;
    }
    err.kind() == io::ErrorKind::Unsupported
}

/// A failure injected for tests (`DIGEST_FAULT=<point>`), in debug builds only.
fn injected(point: &str) -> bool {
    cfg!(debug_assertions) && std::env::var("DIGEST_FAULT").is_ok_and(|p| p == point)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::emit::Destination;

    fn publish(output: &Path, files: &[(&str, &str)]) -> PublishReport {
        let publish = Publish::begin(output).unwrap();
        for (path, text) in files {
            publish.write(path, text.as_bytes()).unwrap();
        }
        publish.commit().unwrap()
    }

    #[test]
    fn unchanged_files_are_linked_and_a_changed_one_never_written_through_the_link() {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        publish(&output, &[("a/index.html", "A"), ("b.css", "B")]);
        // Keep a second name for the old a/index.html, as a reader holding it open would.
        let held = tmp.path().join("held");
        std::fs::hard_link(output.join("a/index.html"), &held).unwrap();
        // b.css is written twice in one build (a site's static file over the theme's): the
        // second write replaces the staged link instead of writing through it.
        let publish2 = Publish::begin(&output).unwrap();
        publish2.write("a/index.html", b"A").unwrap();
        publish2.write("b.css", b"B").unwrap();
        publish2.write("b.css", b"B2").unwrap();
        let report = publish2.commit().unwrap();
        assert_eq!(report.files, 2);
        assert_eq!(report.reused, 1, "{report:?}");
        assert_eq!(std::fs::read_to_string(output.join("b.css")).unwrap(), "B2");
        assert_eq!(std::fs::read_to_string(&held).unwrap(), "A");
        let report = publish(&output, &[("a/index.html", "A2")]);
        assert_eq!(report.files, 1);
        assert_eq!(
            std::fs::read_to_string(output.join("a/index.html")).unwrap(),
            "A2"
        );
        assert_eq!(
            std::fs::read_to_string(&held).unwrap(),
            "A",
            "written through a link"
        );
        assert!(
            !output.join("b.css").exists(),
            "a file no longer made stays"
        );
        let mut beside: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(beside, ["held", "public"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_build_identical_to_the_output_publishes_nothing() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        let files = [("index.html", "home"), ("papers/a/index.html", "a")];
        publish(&output, &files);
        let folder = std::fs::metadata(&output).unwrap().ino();
        let report = publish(&output, &files);
        assert_eq!((report.files, report.reused), (2, 2));
        assert_eq!(
            std::fs::metadata(&output).unwrap().ino(),
            folder,
            "swapped anyway"
        );
        // One byte more and it is a new tree.
        publish(
            &output,
            &[("index.html", "home!"), ("papers/a/index.html", "a")],
        );
        assert_ne!(std::fs::metadata(&output).unwrap().ino(), folder);
        assert_eq!(
            std::fs::read_to_string(output.join("papers/a/index.html")).unwrap(),
            "a"
        );
    }

    #[test]
    fn the_marker_lists_what_was_written_and_only_that_is_removed_later() {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        publish(&output, &[("index.html", "1"), ("old/index.html", "1")]);
        std::fs::write(output.join("CNAME"), "example.org").unwrap();
        let marker = std::fs::read_to_string(output.join(MARKER)).unwrap();
        assert!(marker.starts_with(MANIFEST_HEADER));
        assert_eq!(
            marker.lines().skip(1).collect::<Vec<_>>(),
            ["index.html", "old/index.html"]
        );
        let report = publish(&output, &[("index.html", "2")]);
        assert_eq!(report.kept, 1);
        assert_eq!(
            std::fs::read_to_string(output.join("CNAME")).unwrap(),
            "example.org"
        );
        assert!(!output.join("old").exists());
    }
}
