//! The temporary folder `digest serve` writes its preview into (`$TMPDIR/digest-serve-<pid>/`,
//! 1.6 GB at 100,000 papers): made at start with a marker file, removed when the server stops,
//! and, at the next start, removed if a killed server left it behind.
//!
//! Removes only folders that are provably a preview of a server that is gone: named exactly
//! `digest-serve-<pid>`, owned by this user, a real folder (not a symlink), its process no
//! longer running, and marked (`.digest-serve` at its top, or `site/.digest-output`) or empty.
//! Never follows a symlink while removing, and removes the markers last, so a removal cut short
//! is finished by the next start.

use std::io;
use std::path::{Path, PathBuf};

use crate::write::{MARKER, remove_tree};

/// The file that marks a folder as a `digest serve` preview folder.
pub(crate) const FOLDER_MARKER: &str = ".digest-serve";

const PREFIX: &str = "digest-serve-";
/// How long a stop waits for a build still running to end (it ends at its next write, which
/// fails once the folder is gone).
pub(crate) const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The suffix of a preview folder being removed.
const REMOVING: &str = ".removing";

/// This process's preview folder; removed by [`PreviewFolder::remove`] or when dropped.
pub(crate) struct PreviewFolder {
    dir: PathBuf,
    removed: bool,
}

impl PreviewFolder {
    /// Makes `<temp>/digest-serve-<pid>/` with its marker (emptying one a dead server with the
    /// same pid left, which is ours by the same rule as [`sweep_stale`]).
    pub(crate) fn create(temp: &Path) -> io::Result<PreviewFolder> {
        let dir = temp.join(format!("{PREFIX}{}", std::process::id()));
        if is_placeholder(&dir) {
            std::fs::remove_file(&dir)?;
        }
        if std::fs::symlink_metadata(&dir).is_ok() {
            if !is_ours(&dir) {
                return Err(io::Error::other(format!(
                    "{} exists and was not made by digest serve; remove it or pass --output",
                    dir.display()
                )));
            }
            remove_marked(&dir)?;
        }
        std::fs::create_dir_all(temp)?;
        std::fs::create_dir(&dir)?;
        std::fs::write(
            dir.join(FOLDER_MARKER),
            "A preview folder of digest serve, removed when it stops (or by the next digest serve \
             if it was killed).\n",
        )?;
        Ok(PreviewFolder {
            dir,
            removed: false,
        })
    }

    /// Where the site goes.
    pub(crate) fn site(&self) -> PathBuf {
        self.dir.join("site")
    }

    /// Removes the folder and everything in it, while a build may still be writing into it
    /// (a stop during the first build or a rebuild): the folder is renamed to
    /// `digest-serve-<pid>.removing` and an empty file takes its name, so every later write
    /// under the old path fails instead of recreating folders; the renamed folder is removed,
    /// then, once `writing` says the writer is done, the file. A writer still busy after
    /// [`WRITER_WAIT`] (the first build of a large site, rendering before it writes) leaves the
    /// empty file to the next start.
    pub(crate) fn remove(mut self, writing: impl Fn() -> bool) {
        self.removed = true;
        remove_under_writer(&self.dir, writing);
    }
}

impl Drop for PreviewFolder {
    fn drop(&mut self) {
        if !self.removed {
            remove_under_writer(&self.dir, || false);
        }
    }
}

fn remove_under_writer(dir: &Path, writing: impl Fn() -> bool) {
    let removing = dir.with_file_name(format!(
        "{}{REMOVING}",
        dir.file_name().unwrap_or_default().to_string_lossy()
    ));
    if std::fs::rename(dir, &removing).is_err() {
        return remove_retrying(dir);
    }
    let placeholder = std::fs::File::create_new(dir).is_ok();
    remove_retrying(&removing);
    let deadline = std::time::Instant::now() + WRITER_WAIT;
    while writing() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    if placeholder {
        // A writer still running would recreate the folder as soon as the file is gone: then
        // the empty file stays, for the next start to remove.
        if !writing() {
            let _ = std::fs::remove_file(dir);
        }
    } else {
        // A writer recreated the folder before the file took its name.
        remove_retrying(dir);
    }
}

/// Removes `dir` (a folder that is ours), trying again when a writer refills it meanwhile.
fn remove_retrying(dir: &Path) {
    let attempt = || {
        for _ in 0..5 {
            if remove_marked(dir).is_ok() || std::fs::symlink_metadata(dir).is_err() {
                return;
            }
        }
    };
    // A pool of its own: the shared one may be busy with a build that is still running (a stop
    // during the first build), and the removal would wait for all of it.
    match rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|_| "digest-remove".into())
        .build()
    {
        Ok(pool) => pool.install(attempt),
        Err(_) => attempt(),
    }
}

/// Removes the preview folders of servers that are no longer running from `temp`; returns the
/// names of those removed. Errors (another user's folder, a file in use) leave a folder as it
/// is.
pub(crate) fn sweep_stale(temp: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = pid_of(&name) else { continue };
        if pid == std::process::id() || process_is_running(pid) {
            continue;
        }
        let path = entry.path();
        if is_placeholder(&path) {
            // Left by a server killed while it removed its folder; not worth a line.
            let _ = std::fs::remove_file(&path);
        } else if is_ours(&path) && remove_marked(&path).is_ok() {
            removed.push(name);
        }
    }
    removed.sort();
    removed
}

/// The pid in a name that is exactly `digest-serve-<pid>` (or `digest-serve-<pid>.removing`) as
/// this module writes it (no sign, no leading zero).
fn pid_of(name: &str) -> Option<u32> {
    let digits = name.strip_prefix(PREFIX)?;
    let digits = digits.strip_suffix(REMOVING).unwrap_or(digits);
    let pid: u32 = digits.parse().ok()?;
    (pid > 0 && pid.to_string() == digits).then_some(pid)
}

/// The empty file of this user that stands in for a folder being removed.
fn is_placeholder(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0 && owned_by_me(&m))
}

/// A real folder of this user, marked as a preview folder or empty.
fn is_ours(dir: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return false;
    };
    if !meta.is_dir() || !owned_by_me(&meta) {
        return false;
    }
    let is_file = |path: PathBuf| std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
    is_file(dir.join(FOLDER_MARKER))
        || (std::fs::symlink_metadata(dir.join("site")).is_ok_and(|m| m.is_dir())
            && is_file(dir.join("site").join(MARKER)))
        || std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// Removes `dir` with the markers last: everything but them, then `site/`'s marker and `site/`,
/// then the folder's marker and the folder.
fn remove_marked(dir: &Path) -> io::Result<()> {
    remove_entries_except(dir, &["site", FOLDER_MARKER])?;
    let site = dir.join("site");
    if std::fs::symlink_metadata(&site).is_ok_and(|m| m.is_dir()) {
        remove_entries_except(&site, &[MARKER])?;
        remove_if_present(&site.join(MARKER))?;
        std::fs::remove_dir(&site)?;
    } else {
        remove_if_present(&site)?;
    }
    remove_if_present(&dir.join(FOLDER_MARKER))?;
    std::fs::remove_dir(dir)
}

/// Removes every entry of `dir` except those named in `keep`; a symlink is removed, never
/// followed.
fn remove_entries_except(dir: &Path, keep: &[&str]) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if keep.iter().any(|k| entry.file_name() == *k) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn owned_by_me(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    meta.uid() == unsafe { libc::geteuid() }
}

#[cfg(not(unix))]
fn owned_by_me(_: &std::fs::Metadata) -> bool {
    true
}

/// Whether a process with this pid exists (one of another user counts: it may be a server).
#[cfg(unix)]
fn process_is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return true;
    }
    io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Without a way to tell, every server is taken to be running: nothing is removed.
#[cfg(not(unix))]
fn process_is_running(_: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_pid_names_count() {
        assert_eq!(pid_of("digest-serve-1234"), Some(1234));
        assert_eq!(pid_of("digest-serve-1234.removing"), Some(1234));
        for name in [
            "digest-serve-",
            "digest-serve-0",
            "digest-serve-0123",
            "digest-serve-+12",
            "digest-serve-12x",
            "digest-serve-12.old",
            "digest-serve-12.removing.removing",
            "digest-serve-.removing",
            "digest-serve-99999999999",
            "xdigest-serve-12",
            "digest-build-12",
        ] {
            assert_eq!(pid_of(name), None, "{name}");
        }
    }

    #[test]
    fn removal_keeps_what_symlinks_point_to() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("keep.txt"), "keep").unwrap();
        let dir = tmp.path().join("digest-serve-1");
        std::fs::create_dir_all(dir.join("site/papers")).unwrap();
        std::fs::write(dir.join("site").join(MARKER), "").unwrap();
        std::fs::write(dir.join("site/papers/index.html"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, dir.join("site/link")).unwrap();
            std::os::unix::fs::symlink(&outside, dir.join("top-link")).unwrap();
        }
        assert!(is_ours(&dir));
        remove_marked(&dir).unwrap();
        assert!(!dir.exists());
        assert_eq!(
            std::fs::read_to_string(outside.join("keep.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn unmarked_folders_and_symlinks_are_not_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let unmarked = tmp.path().join("digest-serve-2");
        std::fs::create_dir_all(unmarked.join("site")).unwrap();
        std::fs::write(unmarked.join("site/index.html"), "x").unwrap();
        assert!(!is_ours(&unmarked));
        let empty = tmp.path().join("digest-serve-3");
        std::fs::create_dir_all(&empty).unwrap();
        assert!(is_ours(&empty));
        #[cfg(unix)]
        {
            let marked = tmp.path().join("marked");
            std::fs::create_dir_all(&marked).unwrap();
            std::fs::write(marked.join(FOLDER_MARKER), "").unwrap();
            let link = tmp.path().join("digest-serve-4");
            std::os::unix::fs::symlink(&marked, &link).unwrap();
            assert!(!is_ours(&link), "a symlink to a marked folder");
        }
    }
}
