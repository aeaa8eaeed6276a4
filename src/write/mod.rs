//! Writing the output, the last phase: where a build may write ([`guard`]), one writer at a
//! time ([`lock`]), the publisher that swaps a complete build in place of the previous one
//! ([`publish`]), and here the writer of `serve`'s rebuilds ([`Update`]): the files a rebuild
//! changed are written into an update folder beside the served folder and moved in (each move
//! atomic) once all are written. Also the marker of digest's outputs and the tree removal every
//! writer uses, which never follows a symlink. Nothing here knows what a page is.

pub(crate) mod guard;
pub mod lock;
pub(crate) mod publish;

use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// A rebuild of some of an output's files (`serve`, and a `build` with a build cache): only
/// files whose bytes differ from the output's are written (into an update folder beside it) and
/// moved in once the whole rebuild succeeded; files no longer made are removed then. A failed
/// rebuild leaves the folder as it was.
///
/// The update folder is flat: each changed file is staged under a number, whatever its path,
/// so that staging makes and removes no folders (a tag's list pages are one folder each: a tag
/// edit at 100,000 papers changes thousands).
///
/// Before the first move a journal listing every move and removal is written into the update
/// folder and flushed to disk: an update killed while moving is finished by the next writer of
/// the output ([`finish_interrupted_update`]), so the output never stays half old, half new.
pub struct Update {
    output: PathBuf,
    dir: PathBuf,
    /// Each changed file's path in the output, and the number it is staged under.
    changed: std::sync::Mutex<Staged>,
    removed: BTreeSet<String>,
    committed: bool,
}

/// The files staged in an update folder: by output path, the number each is staged under and
/// whether it replaces a file of the output, and the next number.
#[derive(Default)]
struct Staged {
    files: BTreeMap<String, (u32, bool)>,
    next: u32,
}

/// The journal of an update, in its folder: `put NUMBER PATH` and `remove PATH` lines, then
/// `end`. (`move PATH` lines, of a file staged at its own path, are those of earlier builds of
/// digest: an update one of them left is finished too.)
const JOURNAL: &str = ".digest-journal";

/// Whether an update of `output` was left unfinished (killed): the next writer finishes or
/// forgets it ([`finish_interrupted_update`]).
pub(crate) fn update_pending(output: &Path) -> bool {
    lock::sibling(output, "digest-update")
        .symlink_metadata()
        .is_ok()
}

/// Finishes an update of `output` that was killed while moving its files in (its journal is
/// complete), or forgets one killed before (no complete journal: the output was not touched).
/// Called by every writer of the output before it writes.
pub(crate) fn finish_interrupted_update(output: &Path) -> io::Result<()> {
    let dir = lock::sibling(output, "digest-update");
    if dir.symlink_metadata().is_err() {
        return Ok(());
    }
    let journal = std::fs::read_to_string(dir.join(JOURNAL)).unwrap_or_default();
    if journal.ends_with("end\n") {
        let update = Update {
            output: output.to_path_buf(),
            dir: dir.clone(),
            changed: Default::default(),
            removed: BTreeSet::new(),
            committed: true,
        };
        for line in journal.lines() {
            // Files moved before the kill are no longer staged: nothing left to move.
            if let Some((number, path)) = line
                .strip_prefix("put ")
                .and_then(|rest| rest.split_once(' '))
            {
                if update.dir.join(number).symlink_metadata().is_ok() {
                    update.clear_way(path)?;
                    update.move_in(Path::new(number), path)?;
                }
            } else if let Some(path) = line.strip_prefix("move ") {
                if update.dir.join(path).symlink_metadata().is_ok() {
                    update.clear_way(path)?;
                    update.move_in(Path::new(path), path)?;
                }
            } else if let Some(path) = line.strip_prefix("remove ") {
                remove_output_file(output, path);
            }
        }
    }
    remove_tree(&dir)
}

/// Removes a file of an output and the folders it leaves empty (not the output itself).
pub(crate) fn remove_output_file(out: &Path, relative: &str) {
    let path = out.join(relative);
    let _ = std::fs::remove_file(&path);
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == out || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
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
        finish_interrupted_update(&output)?;
        std::fs::create_dir_all(&dir)?;
        Ok(Update {
            output,
            dir,
            changed: Default::default(),
            removed: BTreeSet::new(),
            committed: false,
        })
    }

    /// Puts `bytes` at `path` when the update is committed, even if the output already has
    /// these bytes there: the file is then a new one (a new inode), as a sign that the output
    /// changed (the output's marker).
    pub(crate) fn replace(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.stage(path, bytes, false)
    }

    /// Stages `bytes` to go at `path`: under the number `path` was staged under before (a
    /// later write of a path wins), else under a new one. `over_file` says that the output has
    /// a file at `path` (so its folders are there and nothing is in the way); when false, that
    /// is looked at when the file moves in.
    fn stage(&self, path: &str, bytes: &[u8], over_file: bool) -> io::Result<()> {
        let number = {
            let mut staged = self.changed.lock().map_err(|_| poisoned())?;
            let next = staged.next;
            let entry = staged
                .files
                .entry(path.to_string())
                .or_insert((next, over_file));
            entry.1 = over_file;
            let number = entry.0;
            if number == next {
                staged.next += 1;
            }
            number
        };
        std::fs::write(self.dir.join(number.to_string()), bytes)
            .map_err(|err| io::Error::new(err.kind(), format!("writing {path}: {err}")))
    }

    /// Removes `path` from the output when the update is committed (after the moves).
    pub(crate) fn remove(&mut self, path: &str) {
        self.removed.insert(path.to_string());
    }

    /// Moves the changed files into the output (each move atomic) and leaves every other file
    /// as it is: for a rebuild that wrote only some of the site's files (`serve`). Returns how
    /// many files changed.
    pub fn commit_changes(mut self) -> io::Result<usize> {
        let changed = std::mem::take(&mut self.changed.lock().map_err(|_| poisoned())?.files);
        if !changed.is_empty() || !self.removed.is_empty() {
            self.write_journal(&changed)?;
        }
        self.move_changed(&changed)?;
        for path in &self.removed {
            if !changed.contains_key(path) {
                remove_output_file(&self.output, path);
            }
        }
        self.committed = true;
        remove_tree(&self.dir)?;
        Ok(changed.len() + self.removed.len())
    }

    /// Writes the journal and flushes it (and the files written) to disk.
    fn write_journal(&self, changed: &BTreeMap<String, (u32, bool)>) -> io::Result<()> {
        use std::fmt::Write as _;
        use std::io::Write as _;
        let mut text = String::new();
        for (path, (number, _)) in changed {
            let _ = writeln!(text, "put {number} {path}");
        }
        for path in &self.removed {
            text.push_str("remove ");
            text.push_str(path);
            text.push('\n');
        }
        text.push_str("end\n");
        let mut file = std::fs::File::create(self.dir.join(JOURNAL))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }

    /// Moves the changed files in (the output's marker last: it lists the files of the new
    /// state).
    fn move_changed(&self, changed: &BTreeMap<String, (u32, bool)>) -> io::Result<()> {
        // Files whose path was a folder (or the reverse) are moved one by one, after the rest.
        // A file that replaces one is not looked at again (a tag's list pages, thousands after
        // a tag edit); for the others, each folder of the output is looked at once: most
        // changed files share their folders, and those seen to be there need not be made.
        let mut kinds: HashMap<PathBuf, Kind> = HashMap::new();
        let mut plain: Vec<(&String, u32, bool)> = Vec::with_capacity(changed.len());
        let mut conflicting = Vec::new();
        for (path, &(number, over_file)) in changed.iter().filter(|(p, _)| p.as_str() != MARKER) {
            if over_file {
                plain.push((path, number, true));
                continue;
            }
            let target = self.output.join(path);
            let mut folders_there = true;
            let mut fits = kind(&target) != Kind::Folder;
            for ancestor in target.ancestors().skip(1) {
                if !fits || ancestor == self.output {
                    break;
                }
                let ancestor_kind = match kinds.get(ancestor) {
                    Some(known) => *known,
                    None => *kinds
                        .entry(ancestor.to_path_buf())
                        .or_insert(kind(ancestor)),
                };
                fits = ancestor_kind != Kind::File;
                folders_there &= ancestor_kind == Kind::Folder;
            }
            if fits {
                plain.push((path, number, folders_there));
            } else {
                conflicting.push((path, number));
            }
        }
        drop(kinds);
        let staged = |number: u32| PathBuf::from(number.to_string());
        plain
            .par_iter()
            .try_for_each(|&(path, number, folders_there)| {
                if folders_there {
                    self.rename_in(&staged(number), path)
                } else {
                    self.move_in(&staged(number), path)
                }
            })?;
        for (path, number) in conflicting {
            self.clear_way(path)?;
            self.move_in(&staged(number), path)?;
        }
        if let Some(&(number, _)) = changed.get(MARKER) {
            self.move_in(&staged(number), MARKER)?;
        }
        Ok(())
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

    /// Moves the file staged at `staged` (in the update folder) to `path`, making its folders.
    fn move_in(&self, staged: &Path, path: &str) -> io::Result<()> {
        let target = self.output.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        self.rename_in(staged, path)
    }

    /// Moves the file staged at `staged` to `path`, its folders being there.
    fn rename_in(&self, staged: &Path, path: &str) -> io::Result<()> {
        std::fs::rename(self.dir.join(staged), self.output.join(path))
            .map_err(|err| io::Error::new(err.kind(), format!("moving {path} in: {err}")))
    }
}

/// What is at a path of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Folder,
    Nothing,
}

/// What is at `path` (a link counts as what it leads to, as `Path::is_dir` has it).
fn kind(path: &Path) -> Kind {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Kind::Folder,
        Ok(_) => Kind::File,
        Err(_) => Kind::Nothing,
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
        let there = std::fs::metadata(&current).ok().filter(|m| m.is_file());
        let over_file = there.is_some();
        let same = there.is_some_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&current).is_ok_and(|old| old == bytes);
        if same {
            // A later write of the same path (a site static file over the theme's) wins.
            let unstaged = self
                .changed
                .lock()
                .map_err(|_| poisoned())?
                .files
                .remove(path);
            if let Some((number, _)) = unstaged {
                std::fs::remove_file(self.dir.join(number.to_string()))?;
            }
            return Ok(());
        }
        self.stage(path, bytes, over_file)
    }

    fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output_with(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        for (path, text) in files {
            let path = out.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        (tmp, out)
    }

    /// Changed files go in whatever stands where they go: into folders that are there, into
    /// folders made for them, in place of a file where their folder goes and of a folder where
    /// they go.
    #[test]
    fn changed_files_go_in_over_files_and_folders_in_their_way() {
        let (_tmp, out) = output_with(&[
            ("x", "a file where a folder goes"),
            ("y/index.html", "a folder where a file goes"),
            ("a/b/kept.html", "kept"),
            ("a/b/c.html", "old c"),
        ]);
        let update = Update::create(&out).unwrap();
        use crate::build::emit::Destination as _;
        for (path, text) in [
            ("x/index.html", "x is a folder now"),
            ("y", "y is a file now"),
            ("a/b/c.html", "new c"),
            ("a/b/new.html", "new"),
            ("d/e/f.html", "in new folders"),
        ] {
            update.write(path, text.as_bytes()).unwrap();
        }
        update.replace(MARKER, b"marker").unwrap();
        assert_eq!(update.commit_changes().unwrap(), 6);
        let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
        assert_eq!(read("x/index.html"), "x is a folder now");
        assert_eq!(read("y"), "y is a file now");
        assert_eq!(read("a/b/c.html"), "new c");
        assert_eq!(read("a/b/new.html"), "new");
        assert_eq!(read("a/b/kept.html"), "kept");
        assert_eq!(read("d/e/f.html"), "in new folders");
        assert_eq!(read(MARKER), "marker");
        assert!(!update_pending(&out));
    }

    /// An update killed after its journal was complete is finished by the next writer: the
    /// files left to move are moved, those to remove are removed, the marker last.
    #[test]
    fn an_update_killed_while_moving_is_finished_by_the_next_writer() {
        let (_tmp, out) = output_with(&[
            ("a.html", "old a"),
            ("b/index.html", "old b"),
            ("gone.html", "x"),
        ]);
        let mut update = Update::create(&out).unwrap();
        use crate::build::emit::Destination as _;
        update.write("a.html", b"new a").unwrap();
        update.write("b/index.html", b"new b").unwrap();
        update.remove("gone.html");
        update.replace(MARKER, b"marker").unwrap();
        let changed = std::mem::take(&mut update.changed.lock().unwrap().files);
        update.write_journal(&changed).unwrap();
        // Killed after the first move.
        let staged = PathBuf::from(changed["a.html"].0.to_string());
        update.move_in(&staged, "a.html").unwrap();
        std::mem::forget(update);
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "old b"
        );
        assert!(update_pending(&out));
        finish_interrupted_update(&out).unwrap();
        assert!(!update_pending(&out));
        assert_eq!(
            std::fs::read_to_string(out.join("a.html")).unwrap(),
            "new a"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "new b"
        );
        assert_eq!(std::fs::read_to_string(out.join(MARKER)).unwrap(), "marker");
        assert!(!out.join("gone.html").exists());
    }

    /// An update an earlier build of digest left, its files staged at their own paths and its
    /// journal of `move PATH` lines, is finished too.
    #[test]
    fn an_update_journaled_by_an_earlier_digest_is_finished() {
        let (_tmp, out) = output_with(&[("a.html", "old a"), ("gone.html", "x")]);
        let dir = lock::sibling(&out, "digest-update");
        std::fs::create_dir_all(dir.join("b/c")).unwrap();
        std::fs::write(dir.join("a.html"), "new a").unwrap();
        std::fs::write(dir.join("b/c/index.html"), "new page").unwrap();
        std::fs::write(
            dir.join(JOURNAL),
            "move a.html\nmove b/c/index.html\nremove gone.html\nend\n",
        )
        .unwrap();
        assert!(update_pending(&out));
        finish_interrupted_update(&out).unwrap();
        assert!(!update_pending(&out));
        let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
        assert_eq!(read("a.html"), "new a");
        assert_eq!(read("b/c/index.html"), "new page");
        assert!(!out.join("gone.html").exists());
    }

    /// A path written twice goes in as written last; one written back to what the output has
    /// is not moved at all.
    #[test]
    fn the_last_write_of_a_path_wins() {
        let (_tmp, out) = output_with(&[("a.html", "old a"), ("b.html", "old b")]);
        let update = Update::create(&out).unwrap();
        use crate::build::emit::Destination as _;
        update.write("a.html", b"first").unwrap();
        update.write("a.html", b"second").unwrap();
        update.write("b.html", b"new b").unwrap();
        update.write("b.html", b"old b").unwrap();
        assert_eq!(update.commit_changes().unwrap(), 1);
        let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
        assert_eq!(read("a.html"), "second");
        assert_eq!(read("b.html"), "old b");
        assert!(!update_pending(&out));
    }

    /// An update killed before its journal was complete had moved nothing: it is forgotten and
    /// the output stays as it was.
    #[test]
    fn an_update_killed_before_its_journal_is_forgotten() {
        let (_tmp, out) = output_with(&[("a.html", "old a")]);
        let update = Update::create(&out).unwrap();
        use crate::build::emit::Destination as _;
        update.write("a.html", b"new a").unwrap();
        std::fs::write(update.dir.join(JOURNAL), "move a.html\n").unwrap();
        std::mem::forget(update);
        finish_interrupted_update(&out).unwrap();
        assert!(!update_pending(&out));
        assert_eq!(
            std::fs::read_to_string(out.join("a.html")).unwrap(),
            "old a"
        );
    }

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
