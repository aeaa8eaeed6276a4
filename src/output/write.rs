//! The writer: a first build goes into a staging folder beside the output and replaces the
//! output only once complete ([`Staging`]); a build over a previous output writes the files that
//! changed into an update folder beside it and moves them in once complete ([`Update`]). Either
//! way a failed build never leaves a half-written or empty site behind.
//!
//! Writes nothing outside the output folder except those sibling folders, which are moved into
//! place (or removed when the build fails).

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Problem;

/// The file that marks a folder as made by digest (so a later build may replace it).
pub const MARKER: &str = ".digest-output";

/// Refuses output folders a build must not replace: the site root, an ancestor of it, a folder
/// inside `content/`, or a non-empty folder digest did not make (unless `force`).
pub fn check_output(
    root: &Path,
    content: &Path,
    output: &Path,
    force: bool,
) -> Result<(), Problem> {
    let shown = output.display().to_string();
    let output = absolute(output);
    let root = absolute(root);
    let content = absolute(content);
    let refuse = |why: &str, hint: &str| {
        Err(Problem::in_file(
            &shown,
            format!("refusing to use {shown} as the output folder: {why}"),
        )
        .with_hint(hint.to_string()))
    };
    if output == root || root.starts_with(&output) {
        return refuse(
            "it is the site root or contains it, and the build replaces the whole output folder",
            "pick a folder of its own, e.g. --output public",
        );
    }
    if output.starts_with(&content) {
        return refuse(
            "it is inside content/, where records live",
            "pick a folder outside content/, e.g. --output public",
        );
    }
    if force {
        return Ok(());
    }
    match std::fs::read_dir(&output) {
        Ok(mut entries) => {
            if entries.next().is_some() && !output.join(MARKER).exists() {
                return refuse(
                    "it is not empty and was not made by digest, so its files would be lost",
                    "pick another folder, empty this one, or pass --force to replace it",
                );
            }
            Ok(())
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotADirectory => {
            refuse("it is a file", "pick a folder path")
        }
        Err(err) => refuse(&err.to_string(), "check the folder's permissions"),
    }
}

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

/// A build in progress: a folder beside the output that becomes the output on [`Staging::commit`].
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging folder beside `output` (removing one left by a crashed build).
    pub fn create(output: &Path) -> io::Result<Staging> {
        let output = absolute(output);
        let parent = output
            .parent()
            .ok_or_else(|| io::Error::other("the output folder has no parent"))?;
        std::fs::create_dir_all(parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = parent.join(format!(".{name}.digest-staging"));
        if dir.exists() {
            remove_tree(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        std::fs::write(
            dir.join(MARKER),
            "This folder was made by digest; a build replaces it whole.\n",
        )?;
        Ok(Staging {
            dir,
            output,
            committed: false,
        })
    }

    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Creates the parent folders of `files` (paths relative to the output).
    pub fn create_dirs<'a>(&self, files: impl Iterator<Item = &'a str>) -> io::Result<()> {
        let dirs: BTreeSet<&Path> = files.filter_map(|path| Path::new(path).parent()).collect();
        for dir in dirs {
            std::fs::create_dir_all(self.dir.join(dir))?;
        }
        Ok(())
    }

    /// Writes one file (path relative to the output); its folder must exist.
    pub fn write_file(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(self.dir.join(path), bytes)
            .map_err(|err| io::Error::new(err.kind(), format!("writing {path}: {err}")))
    }

    /// Writes files (paths relative to the output) in parallel, creating folders first.
    pub fn write_files(&self, files: &[(&str, &[u8])]) -> io::Result<()> {
        self.create_dirs(files.iter().map(|(path, _)| *path))?;
        files
            .par_iter()
            .try_for_each(|(path, bytes)| self.write_file(path, bytes))
    }

    /// Puts the staged build in place of the output; the previous output is removed afterwards.
    pub fn commit(mut self) -> io::Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.digest-previous",
            self.output
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        if old.exists() {
            remove_tree(&old)?;
        }
        let had_output = self.output.exists();
        if had_output {
            std::fs::rename(&self.output, &old)?;
        }
        if let Err(err) = std::fs::rename(&self.dir, &self.output) {
            // Put the previous output back so the site is never left without one.
            if had_output {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(err);
        }
        self.committed = true;
        if had_output {
            remove_tree(&old)?;
        }
        Ok(())
    }
}

/// Removes a folder and everything in it, folders in parallel: a site has one folder per page,
/// and removing tens of thousands of them one by one would dominate a rebuild.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        // A symlink is removed, never followed.
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            std::fs::remove_file(entry.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

impl crate::output::emit::Destination for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        if let Some(parent) = Path::new(path).parent() {
            std::fs::create_dir_all(self.dir.join(parent))?;
        }
        self.write_file(path, bytes)
    }

    fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        std::fs::create_dir_all(content.join("x")).unwrap();
        assert!(check_output(root.path(), &content, root.path(), false).is_err());
        assert!(check_output(root.path(), &content, &root.path().join(".."), true).is_err());
        assert!(check_output(root.path(), &content, &content.join("x"), true).is_err());
        let other = root.path().join("docs");
        std::fs::create_dir(&other).unwrap();
        assert!(
            check_output(root.path(), &content, &other, false).is_ok(),
            "empty is fine"
        );
        std::fs::write(other.join("mine.txt"), "keep").unwrap();
        let err = check_output(root.path(), &content, &other, false).unwrap_err();
        assert!(err.render().contains("--force"));
        assert!(check_output(root.path(), &content, &other, true).is_ok());
        std::fs::write(other.join(MARKER), "").unwrap();
        assert!(check_output(root.path(), &content, &other, false).is_ok());
    }

    #[test]
    fn staging_replaces_output_only_on_commit() {
        let root = tempfile::tempdir().unwrap();
        let output = root.path().join("public");
        std::fs::create_dir(&output).unwrap();
        std::fs::write(output.join("old.html"), "old").unwrap();
        {
            let staging = Staging::create(&output).unwrap();
            staging.write_files(&[("a/index.html", b"new")]).unwrap();
            // dropped without commit: the old output stays, the staging folder is gone
        }
        assert!(output.join("old.html").exists());
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
        let staging = Staging::create(&output).unwrap();
        staging.write_files(&[("a/index.html", b"new")]).unwrap();
        staging.commit().unwrap();
        assert!(!output.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(output.join("a/index.html")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_dir(root.path()).unwrap().count(),
            1,
            "no leftovers beside the output"
        );
    }
}

/// A rebuild over a previous digest output: every file is rendered, but only files whose bytes
/// differ from the output's are written (into an update folder beside it) and moved in once
/// the whole build succeeded; files the new build does not make are then removed. A rebuild
/// after a few edits so writes a few files instead of the whole tree, and does not delete the
/// old tree (at 100,000 papers, deleting 125,000 files took longer than the build). A failed
/// build leaves the output as it was; only the final moves touch it.
pub struct Update {
    output: PathBuf,
    dir: PathBuf,
    produced: std::sync::Mutex<std::collections::HashSet<String>>,
    changed: std::sync::Mutex<BTreeSet<String>>,
    committed: bool,
}

fn poisoned() -> io::Error {
    io::Error::other("a writer thread panicked")
}

/// What an [`Update`] changed in the output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateReport {
    /// Files written or replaced.
    pub changed: usize,
    /// Files removed because the build no longer makes them.
    pub removed: usize,
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
            produced: Default::default(),
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

    /// Moves the changed files into the output and removes the files no longer made.
    pub fn commit(mut self) -> io::Result<UpdateReport> {
        let changed = self.move_changed()?;
        let produced = std::mem::take(&mut *self.produced.lock().map_err(|_| poisoned())?);
        let mut removed = 0;
        // Files before their folders, so emptied folders go too.
        for entry in walkdir::WalkDir::new(&self.output)
            .min_depth(1)
            .contents_first(true)
        {
            let entry = entry.map_err(io::Error::other)?;
            let relative = entry
                .path()
                .strip_prefix(&self.output)
                .map_err(io::Error::other)?
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if entry.file_type().is_dir() {
                // Fails (and stays) unless empty.
                let _ = std::fs::remove_dir(entry.path());
            } else if relative != MARKER && !produced.contains(&relative) {
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        self.committed = true;
        remove_tree(&self.dir)?;
        Ok(UpdateReport { changed, removed })
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

impl crate::output::emit::Destination for Update {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.produced
            .lock()
            .map_err(|_| poisoned())?
            .insert(path.to_string());
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
