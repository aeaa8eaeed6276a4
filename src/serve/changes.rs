//! What a batch of file-system events means for the site: a pure function from changed paths
//! (and what is on disk now) to a [`RebuildPlan`]. Table-tested; no I/O here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The folders of a site that matter to a rebuild.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// The site folder.
    pub root: PathBuf,
    /// `content/`.
    pub content: PathBuf,
    /// The theme's folder (`themes/<name>`), whether or not it exists.
    pub theme: PathBuf,
    /// Folders whose changes never matter: the output folders, `.git`.
    pub ignored: Vec<PathBuf>,
}

/// What is at a path now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnDisk {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// Nothing (removed or renamed away).
    Missing,
}

/// What must be redone after a batch of changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RebuildPlan {
    /// `site.toml` (or the theme choice) changed: reload everything.
    pub everything: bool,
    /// Templates changed: recompile them; pages that use them re-render through fingerprints.
    pub templates: bool,
    /// Static files changed: copy them again.
    pub statics: bool,
    /// Record files to read again (new or edited).
    pub records: BTreeSet<PathBuf>,
    /// Record files that are gone.
    pub removed: BTreeSet<PathBuf>,
    /// Folders under `content/` that appeared: every record in them is new.
    pub new_dirs: BTreeSet<PathBuf>,
}

impl RebuildPlan {
    /// Whether the batch changes nothing the site is made from.
    pub(crate) fn is_empty(&self) -> bool {
        *self == RebuildPlan::default()
    }

    /// Adds a later batch to this one: the plan of both batches seen as one. A rebuild that
    /// fails keeps its plan and merges the next batch into it, so nothing seen while the site
    /// was broken (a removal, a rename, a new folder) is lost.
    pub(crate) fn merge(&mut self, later: &RebuildPlan) {
        self.everything |= later.everything;
        self.templates |= later.templates;
        self.statics |= later.statics;
        self.records.extend(later.records.iter().cloned());
        self.removed.extend(later.removed.iter().cloned());
        self.new_dirs.extend(later.new_dirs.iter().cloned());
    }

    /// The record files to read again and those to forget, decided by what is on disk now
    /// rather than by the order of the events: a path saved in one batch and deleted in a later
    /// one is gone, a path deleted and then created again is read. `records_in` lists the record
    /// files of a new folder (nothing when it is gone again). Both lists are sorted.
    pub(crate) fn record_changes(
        &self,
        is_file: &dyn Fn(&Path) -> bool,
        records_in: &dyn Fn(&Path) -> Vec<PathBuf>,
    ) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let mut touched: BTreeSet<PathBuf> = self.records.union(&self.removed).cloned().collect();
        for dir in &self.new_dirs {
            touched.extend(records_in(dir));
        }
        touched.into_iter().partition(|path| is_file(path))
    }
}

// One rule for what is an editor's or tool's temporary file, shared with the loader.
pub(crate) use crate::site::load::is_temporary;

/// Turns the paths of a batch of events into what must be rebuilt. `on_disk` tells what is at
/// a path now; `is_record` whether a path is a record the site currently has; `ignored_by_git`
/// whether `.gitignore` excludes a path.
pub(crate) fn plan(
    layout: &Layout,
    paths: &[PathBuf],
    on_disk: &dyn Fn(&Path) -> OnDisk,
    known_records: &dyn Fn(&Path) -> Vec<PathBuf>,
    ignored_by_git: &dyn Fn(&Path, bool) -> bool,
) -> RebuildPlan {
    let mut plan = RebuildPlan::default();
    let site_toml = layout.root.join("site.toml");
    let templates = layout.root.join("templates");
    let statics = layout.root.join("static");
    for path in paths {
        if layout.ignored.iter().any(|dir| path.starts_with(dir)) || !path.starts_with(&layout.root)
        {
            continue;
        }
        // The fetch ledger is read with the settings (for the status page): a new one is rare
        // (a fetch a day) and is loaded with everything else.
        if *path == site_toml || *path == layout.root.join(crate::fetch::ledger::LEDGER_FILE) {
            plan.everything = true;
            continue;
        }
        let relative = path.strip_prefix(&layout.root).unwrap_or(path);
        // Hidden folders (.git, .cache …) anywhere below the root never count.
        if relative
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let disk = on_disk(path);
        if is_temporary(path) || ignored_by_git(path, disk == OnDisk::Dir) {
            continue;
        }
        if path.starts_with(&layout.content) {
            match disk {
                OnDisk::File if path.extension().is_some_and(|e| e == "md") => {
                    plan.records.insert(path.clone());
                }
                OnDisk::File => {}
                OnDisk::Dir => {
                    plan.new_dirs.insert(path.clone());
                }
                OnDisk::Missing => {
                    // A removed file, or a removed folder with records in it.
                    let gone = known_records(path);
                    if gone.is_empty() && path.extension().is_some_and(|e| e == "md") {
                        plan.removed.insert(path.clone());
                    }
                    plan.removed.extend(gone);
                }
            }
        } else if path.starts_with(layout.theme.join("templates")) || path.starts_with(&templates) {
            plan.templates = true;
        } else if path.starts_with(layout.theme.join("static")) || path.starts_with(&statics) {
            plan.statics = true;
        } else if path.starts_with(&layout.theme) {
            // theme.toml or a new/removed theme folder: the theme as a whole changed.
            plan.templates = true;
            plan.statics = true;
        }
    }
    // A file both re-read and removed in one batch (saved then deleted) is removed.
    for gone in &plan.removed {
        plan.records.remove(gone);
    }
    plan
}

#[cfg(test)]
mod tests;
