//! Writing the output, the last phase: where a build may write ([`guard`]), one writer at a
//! time ([`lock`]), the publisher that swaps a complete build in place of the previous one
//! ([`publish`]), and here the writer of `serve`'s rebuilds ([`Update`]): the files a rebuild
//! changed are written into an update folder beside the served folder and moved in (each move
//! atomic) once all are written. Also the marker of digest's outputs and the tree removal every
//! writer uses, which never follows a symlink. Nothing here knows what a page is.

pub(crate) mod guard;
pub mod lock;
pub(crate) mod publish;

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// The file that marks a folder as made by digest; it lists the files digest wrote there.
pub const MARKER: &str = ".digest-output";

/// Makes a path absolute and lexically normal (no `.`/`..`), without touching the disk.
pub fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut normal = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// Writes `bytes` to the file at `path` whole or not at all: into a temporary sibling
/// (`<name>.digest-tmp`), flushed to disk, then renamed over `path`, so a reader (or a crash)
/// never meets half a file and a file already there stays until the new one is complete.
/// Makes the parent folder when missing. For the files digest keeps beside a site (the
/// ledgers) and writes on request (`digest email --output`).
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".digest-tmp");
    let temporary = path.with_file_name(name);
    let written = std::fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&temporary, path)) {
        Ok(()) => Ok(()),
        Err(err) => {
            let _ = std::fs::remove_file(&temporary);
            Err(err)
        }
    }
}

/// Removes a folder and everything in it, in parallel: a site has one folder per page, and
/// removing tens of thousands of them one by one would dominate a rebuild. A symlink, at the
/// top or inside, is removed itself: what it points to is never touched. No recursion, so a
/// folder nested any depth cannot exhaust a thread's stack.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    if !std::fs::symlink_metadata(dir)?.is_dir() {
        return std::fs::remove_file(dir);
    }
    let mut files = Vec::new();
    let mut dirs_by_depth: Vec<Vec<PathBuf>> = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            if dirs_by_depth.len() <= entry.depth() {
                dirs_by_depth.resize_with(entry.depth() + 1, Vec::new);
            }
            dirs_by_depth[entry.depth()].push(entry.into_path());
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(std::fs::remove_file)?;
    // Deepest folders first, each level in parallel: a folder is empty when its turn comes.
    for level in dirs_by_depth.iter().rev() {
        level.par_iter().try_for_each(std::fs::remove_dir)?;
    }
    Ok(())
}

/// A rebuild of some of the served folder's files (`serve`): only files whose bytes differ
/// from the served ones are written (into an update folder beside it) and moved in once the
/// whole rebuild succeeded. A failed rebuild leaves the folder as it was.
pub struct Update {
    output: PathBuf,
    dir: PathBuf,
    changed: std::sync::Mutex<BTreeSet<String>>,
    committed: bool,
}

fn poisoned() -> io::Error {
    io::Error::other("a writer thread panicked")
}

impl Update {
    /// Prepares an update of `output`, which must be a previous digest output.
    pub fn create(output: &Path) -> io::Result<Update> {
        let output = absolute(output);
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = output.with_file_name(format!(".{name}.digest-update"));
        if dir.exists() {
            remove_tree(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Update {
            output,
            dir,
            changed: Default::default(),
            committed: false,
        })
    }

    /// Moves the changed files into the output (each move atomic) and leaves every other file
    /// as it is: for a rebuild that wrote only some of the site's files (`serve`). Returns how
    /// many files changed.
    pub fn commit_changes(mut self) -> io::Result<usize> {
        let changed = self.move_changed()?;
        self.committed = true;
        remove_tree(&self.dir)?;
        Ok(changed)
    }

    /// Moves the changed files in; returns how many.
    fn move_changed(&self) -> io::Result<usize> {
        let changed = std::mem::take(&mut *self.changed.lock().map_err(|_| poisoned())?);
        // Files whose path was a folder (or the reverse) are moved one by one, after the rest.
        let (plain, conflicting): (Vec<&String>, Vec<&String>) =
            changed.iter().partition(|path| self.fits(path));
        plain.par_iter().try_for_each(|path| self.move_in(path))?;
        for path in conflicting {
            self.clear_way(path)?;
            self.move_in(path)?;
        }
        Ok(changed.len())
    }

    /// Whether `path` can be moved in as it is: no file where one of its folders goes and no
    /// folder where it goes.
    fn fits(&self, path: &str) -> bool {
        let target = self.output.join(path);
        !target.is_dir()
            && target
                .ancestors()
                .skip(1)
                .take_while(|a| *a != self.output)
                .all(|a| !a.is_file())
    }

    /// Removes what stands in the way of `path`: a folder at its place, files at its folders'.
    fn clear_way(&self, path: &str) -> io::Result<()> {
        let target = self.output.join(path);
        if target.is_dir() {
            remove_tree(&target)?;
        }
        for ancestor in target.ancestors().skip(1) {
            if ancestor == self.output {
                break;
            }
            if ancestor.is_file() {
                std::fs::remove_file(ancestor)?;
            }
        }
        Ok(())
    }

    fn move_in(&self, path: &str) -> io::Result<()> {
        let target = self.output.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(self.dir.join(path), &target)
            .map_err(|err| io::Error::new(err.kind(), format!("moving {path} in: {err}")))
    }
}

impl Drop for Update {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_tree(&self.dir);
        }
    }
}

impl crate::build::emit::Destination for Update {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let current = self.output.join(path);
        // Same length first: most changed pages change length, and reading is then skipped.
        let same = std::fs::metadata(&current)
            .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && std::fs::read(&current).is_ok_and(|old| old == bytes);
        let staged = self.dir.join(path);
        if same {
            // A later write of the same path (a site static file over the theme's) wins.
            if self.changed.lock().map_err(|_| poisoned())?.remove(path) {
                std::fs::remove_file(&staged)?;
            }
            return Ok(());
        }
        if let Some(parent) = staged.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&staged, bytes)
            .map_err(|err| io::Error::new(err.kind(), format!("writing {path}: {err}")))?;
        self.changed
            .lock()
            .map_err(|_| poisoned())?
            .insert(path.to_string());
        Ok(())
    }

    fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_tree_never_follows_links_and_takes_any_depth_on_a_small_stack() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("keep.txt"), "keep").unwrap();
        let tree = tmp.path().join("tree");
        let mut deep = tree.clone();
        for _ in 0..2_000 {
            deep.push("d");
        }
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("f"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, tree.join("link")).unwrap();
        let removed = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || remove_tree(&tree))
            .unwrap()
            .join()
            .unwrap();
        removed.unwrap();
        assert!(!tmp.path().join("tree").exists());
        assert_eq!(
            std::fs::read_to_string(victim.join("keep.txt")).unwrap(),
            "keep"
        );
        // A link given as the tree itself is removed, not followed.
        #[cfg(unix)]
        {
            let link = tmp.path().join("top-link");
            std::os::unix::fs::symlink(&victim, &link).unwrap();
            remove_tree(&link).unwrap();
            assert!(victim.join("keep.txt").exists());
        }
    }
}
