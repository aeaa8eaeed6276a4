//! One writer per output folder: an exclusive `flock` on a lock file beside the output, held
//! by a build for its whole run (and by `serve --output` while it serves). A second writer
//! fails at once, naming the process that holds the lock, instead of mixing two builds.
//!
//! The lock file is removed when the lock is released; a writer that locked a file another
//! one has just removed notices (the path no longer names its file) and tries again. A
//! process killed with the lock loses it with its open files, so a crash never leaves the
//! output locked.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// A held lock on an output folder; released (and its file removed) on drop.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    file: Option<File>,
}

/// Why an output folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process is writing the output.
    #[error("another digest is writing {output}{}", pid_text(.pid))]
    Busy {
        /// The output folder.
        output: String,
        /// The process holding the lock, when it said.
        pid: Option<u32>,
    },
    /// The lock file could not be made or locked.
    #[error("cannot lock {output}: {source}")]
    Io {
        /// The output folder.
        output: String,
        /// What failed.
        source: io::Error,
    },
}

fn pid_text(pid: &Option<u32>) -> String {
    pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
}

/// The lock file of an output folder: a hidden file beside it.
pub fn lock_path(output: &Path) -> PathBuf {
    sibling(output, "digest-lock")
}

/// `.<name>.<suffix>` beside `output`: where digest keeps what belongs to one output folder.
pub fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.{suffix}"))
}

impl OutputLock {
    /// Locks `output` (whose parent must exist) or says who holds it.
    pub fn acquire(output: &Path) -> Result<OutputLock, LockError> {
        let path = lock_path(output);
        let io_error = |source| LockError::Io {
            output: output.display().to_string(),
            source,
        };
        loop {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_error)?;
            if !try_lock(&file).map_err(io_error)? {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(LockError::Busy {
                    output: output.display().to_string(),
                    pid: text.trim().parse().ok(),
                });
            }
            // The holder before us may have removed the file between our open and our lock:
            // then we hold a lock nobody else can see, and start again.
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(io_error)?;
            writeln!(file, "{}", std::process::id()).map_err(io_error)?;
            return Ok(OutputLock {
                path,
                file: Some(file),
            });
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so no one can lock the old file after we let go.
        let _ = std::fs::remove_file(&self.path);
        self.file.take();
    }
}

#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a file descriptor we own.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    if err.kind() == io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(err)
    }
}

#[cfg(not(unix))]
fn try_lock(_: &File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holders_pid_and_the_file_goes_with_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let output = tmp.path().join("public");
        let held = OutputLock::acquire(&output).unwrap();
        match OutputLock::acquire(&output) {
            Err(LockError::Busy { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Busy, got {other:?}"),
        }
        drop(held);
        assert!(!lock_path(&output).exists(), "the lock file is removed");
        let again = OutputLock::acquire(&output).unwrap();
        let text = OutputLock::acquire(&output).unwrap_err().to_string();
        assert!(text.contains("another digest is writing"), "{text}");
        drop(again);
    }
}
