//! The live site of `serve`: a [`Site`] in memory and the output folder being served, kept
//! equal to what a clean `digest build` would write. A rebuild renders only the pages whose
//! fingerprint changed, writes them beside the live folder first and then moves them in, so a
//! failed rebuild changes nothing that is served.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use crate::build::emit::{self, Destination};
use crate::build::{NoProgress, emit_site};
use crate::diagnostic::{Problem, Problems};
use crate::render::machine::MachineFile;
use crate::search::SearchState;
use crate::site::load;
use crate::site::{LoadOptions, Site};
use crate::write::Update;

use super::changes::RebuildPlan;
use super::stale::Stale;

mod dirty;

pub(crate) use dirty::FirstPages;
use dirty::{PageSet, Written, dirty_pages_among};

/// What one rebuild did, for the terminal line and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RebuildReport {
    /// Records read again.
    pub records_read: usize,
    /// Records removed.
    pub records_removed: usize,
    /// Pages rendered and written.
    pub pages_written: usize,
    /// Files whose bytes changed in the output (pages, sitemap, static files).
    pub files_changed: usize,
    /// Files removed from the output (pages of removed papers, stale static files).
    pub files_removed: usize,
    /// Milliseconds the rebuild took.
    pub millis: u128,
}

/// The site being served and the folder it is served from.
pub(crate) struct LiveSite {
    site: Site,
    out: PathBuf,
    /// Fingerprint of each page as last written.
    written: Written,
    /// Hash of the list of page paths plus what the sitemap shows, as last written; `None` when
    /// pages outside the recorded page set were written (see [`LiveSite::write_changes`]), so
    /// that the next complete write settles the file list whatever the page set is then.
    sitemap_hash: Option<u64>,
    /// Every file in the output: pages, machine and static files.
    files: BTreeSet<String>,
    /// The page path set's hash and the machine files' paths `files` was last listed from (no
    /// static file changed since): while both stay, so does the list, and a date edit that
    /// changes only the sitemap's dates neither lists 300,000 files again nor rewrites the
    /// marker. `None` when pages outside the page set were listed meanwhile.
    listed: Option<(u64, Vec<String>)>,
    static_files: BTreeSet<String>,
    /// Every change seen since the last rebuild that succeeded (the union of the plans of the
    /// batches that failed since): the next attempt applies all of it, so a record removed or
    /// renamed while another was broken, or new settings whose reload failed, are not lost, and
    /// fixing one of several broken records does not hide the others.
    unapplied: RebuildPlan,
    /// Hash of each search index file as last written, by output path.
    search_hashes: BTreeMap<String, u64>,
    /// Records changed since the search index was last written.
    search_stale: bool,
    /// The search index as last made, to make the next from what changed; `None` until the
    /// first catch-up, after a reload of the whole site and after a failed write.
    search: Option<SearchState>,
    /// Pages left for [`LiveSite::catch_up`] by a rebuild that changed many pages.
    pages_behind: bool,
    /// The fingerprints of the site as it is now, kept while it does not change: the steps of
    /// a catch-up write the same state's pages (hashing every page of a 100,000-paper site
    /// takes half a second). `None` once a batch was applied.
    current: Option<Fingerprints>,
    /// The fingerprints of the last state written, while a batch is applied: the new state's
    /// are made from them (see [`Site::page_fingerprints`]).
    before: Option<Fingerprints>,
    /// The pages of `current` still dirty after the last write: the next write of the same
    /// state checks only these. `None` whenever `current` is made or changed.
    left: Option<Vec<usize>>,
    /// Hashes of the output paths of the pages in `left` (and of pages that left it since the
    /// last write that compared every page, until written): kept as pages are written, rather
    /// than hashing every path left after each step (after a template edit, all of them).
    left_hashes: HashSet<u64>,
    /// Output paths of pages the site no longer makes whose files are still there: removed
    /// when the catch-up lists the output again, or when a reader asks for one.
    removed: Vec<String>,
}

/// Every page's fingerprint and the page set's hashes (see [`page_set_hashes`]), of one state
/// of the site.
struct Fingerprints {
    pages: crate::site::PageFingerprints,
    /// The page paths in order: while it stays, page `i` is the same page.
    paths_hash: u64,
    /// The page paths whatever their order: while it stays, so does the file list (a date
    /// edit reorders the paper pages, and need not list 230,000 files again).
    set_hash: u64,
    sitemap_hash: u64,
}

impl Fingerprints {
    /// The fingerprints of `site`, made from those of an earlier state when given.
    fn of(site: &Site, before: Option<Fingerprints>) -> Fingerprints {
        let pages = site.page_fingerprints_deferring(before.as_ref().map(|b| &b.pages));
        let mut timer = crate::timing::PhaseTimer::start();
        // The same plan, the same paths.
        let (paths_hash, set_hash) = match before {
            Some(b) if b.pages.plan_stamp() == pages.plan_stamp() => (b.paths_hash, b.set_hash),
            _ => path_set_hashes(site.path_hashes()),
        };
        let sitemap_hash = crate::hash::hash_of(&(paths_hash, pages.sitemap_hash()));
        timer.phase("  fingerprints: page set");
        Fingerprints {
            pages,
            paths_hash,
            set_hash,
            sitemap_hash,
        }
    }

    /// The pages of `site` (the state these were made of) with these fingerprints.
    fn page_set<'a>(&'a self, site: &'a Site) -> PageSet<'a> {
        PageSet {
            pages: site.pages(),
            path_hashes: site.path_hashes(),
            fingerprints: &self.pages.pages,
            paths_hash: self.paths_hash,
        }
    }
}

/// Pages one [`LiveSite::catch_up`] step writes at most, so that a new edit waits for at most
/// one step before it is served (at 100,000 papers 1,000 pages took 0.9–1.3 s, 500 take about
/// half that; the steps share the fingerprints of one state of the site).
pub(crate) const CATCH_UP_STEP: usize = 500;

/// What a call of [`LiveSite::write_changes`] is for.
enum Pass<'a> {
    /// Applying a batch: static files are copied again when `statics`; with `first`, a large
    /// change writes only the pages it wants (a full reload writes all).
    Edit {
        statics: bool,
        first: Option<&'a FirstPages>,
    },
    /// A step of the catch-up: at most [`CATCH_UP_STEP`] pages, and the search index when
    /// `search`.
    CatchUp { search: bool },
    /// Pages readers asked for before the catch-up wrote them (`first`'s open pages), and the
    /// search index when `search`.
    Requested { search: bool, first: &'a FirstPages },
}

impl LiveSite {
    /// Loads the site and writes all of it into `out` (replacing what is there).
    pub(crate) fn start(
        root: &Path,
        options: &LoadOptions,
        out: &Path,
    ) -> Result<LiveSite, Problems> {
        let mut site = Site::load(root, options)?;
        site.keep_bib_layouts(out, None);
        let emitted = emit_site(&site, out, &NoProgress)?;
        let mut live = LiveSite {
            site,
            out: out.to_path_buf(),
            written: Written::default(),
            sitemap_hash: None,
            files: BTreeSet::new(),
            listed: None,
            static_files: BTreeSet::new(),
            unapplied: RebuildPlan::default(),
            search_hashes: emitted.search_hashes,
            search_stale: false,
            search: None,
            pages_behind: false,
            current: None,
            before: None,
            left: None,
            left_hashes: HashSet::new(),
            removed: Vec::new(),
        };
        live.static_files = live.list_static_files();
        // The index as the build wrote it (the same function, so the same bytes), for the
        // first edit to update.
        live.search = Some(live.site.with_search_docs(crate::search::build_state).0);
        live.site.mark_searched();
        let current = Fingerprints::of(&live.site, None);
        live.sitemap_hash = Some(current.sitemap_hash);
        live.written = Written::all(&current.page_set(&live.site));
        live.current = Some(current);
        live.files = live.expected_files(&emit::machine_files(&live.site));
        live.site.work_ahead();
        Ok(live)
    }

    /// The site as it is now.
    pub(crate) fn site(&self) -> &Site {
        &self.site
    }

    /// The folder being served.
    pub(crate) fn out(&self) -> &Path {
        &self.out
    }

    fn expected_files(&self, machine: &[MachineFile]) -> BTreeSet<String> {
        let mut files: BTreeSet<String> =
            self.site.pages().iter().map(|p| p.path.clone()).collect();
        files.extend(machine.iter().map(|f| f.path.clone()));
        files.extend(self.static_files.iter().cloned());
        files.extend(self.search_hashes.keys().cloned());
        files.insert(crate::write::MARKER.to_string());
        files
    }

    fn list_static_files(&self) -> BTreeSet<String> {
        let lister = ListOnly(Mutex::new(BTreeSet::new()), self.out.clone());
        // Listing goes through the same code as copying, so the two always agree.
        let _ = emit::static_files(&self.site, &lister);
        lister.0.into_inner().unwrap_or_default()
    }

    /// Applies a batch of changes. On problems nothing served changes and they are returned;
    /// the batch is kept and applied again with the next one (the union of every batch since
    /// the last good state). When more than [`DEFER_ABOVE`](dirty::DEFER_ABOVE) pages change, only `first` and the
    /// edited records' pages are written; the rest wait for [`LiveSite::catch_up`].
    pub(crate) fn apply(
        &mut self,
        plan: &RebuildPlan,
        first: FirstPages,
    ) -> Result<RebuildReport, Problems> {
        self.unapplied.merge(plan);
        let all = self.unapplied.clone();
        let report = self.apply_all(&all, first)?;
        self.unapplied = RebuildPlan::default();
        Ok(report)
    }

    /// Applies the changes since the last good state; on problems the site may have taken
    /// some of them (a reloaded template, re-read records), but applying them again is harmless
    /// and the output is only written once all of them succeeded.
    fn apply_all(
        &mut self,
        plan: &RebuildPlan,
        mut first: FirstPages,
    ) -> Result<RebuildReport, Problems> {
        let started = Instant::now();
        let mut report = RebuildReport::default();
        // Whatever happens below, the site may change. The fingerprints of the state last
        // written stay the ones the next are made from, whether this batch succeeds or not.
        if let Some(current) = self.current.take() {
            self.before = Some(current);
        }
        self.left = None;
        if plan.everything {
            // New settings and a new vocabulary: term ids mean other words.
            self.search = None;
            let mut site = Site::load(&self.site.root, &self.site.options)?;
            site.keep_bib_layouts(&self.out, self.site.take_bib_layouts());
            self.site = site;
            report.records_read = self.site.paper_count();
        } else {
            if plan.templates {
                self.site.reload_templates()?;
            }
            let (reread, removed) = plan.record_changes(&|path| path.is_file(), &|dir| {
                load::record_files(dir).unwrap_or_default()
            });
            // Paths that are no record of the site (a broken new record deleted again) are
            // not counted as removed.
            let removed: Vec<PathBuf> = removed
                .into_iter()
                .filter(|path| self.site.paper_id(path).is_some())
                .collect();
            self.site.update_records(&reread, &removed)?;
            first.papers = reread
                .iter()
                .filter_map(|path| self.site.paper_id(path))
                .collect();
            report.records_read = reread.len();
            report.records_removed = removed.len();
        }
        if plan.statics || plan.everything {
            self.static_files = self.list_static_files();
        }
        if plan.everything || report.records_read > 0 || report.records_removed > 0 {
            self.search_stale = true;
        }
        let pass = Pass::Edit {
            statics: plan.statics || plan.everything,
            first: (!plan.everything).then_some(&first),
        };
        self.write_changes(pass, &mut report)?;
        // Nothing to catch up with: counted now, after the pages are written.
        if !self.behind() {
            self.site.work_ahead();
        }
        report.millis = started.elapsed().as_millis();
        Ok(report)
    }

    /// Whether what depends on every record's words (related papers, the search index) is
    /// behind the pages: [`LiveSite::catch_up`] brings it up to date.
    pub(crate) fn behind(&self) -> bool {
        self.search_stale || self.site.related_stale() || self.pages_behind
    }

    /// One step of bringing everything up to date after an edit was served: related papers and
    /// the search index, and up to [`CATCH_UP_STEP`] of the pages that changed. Done after the
    /// edited pages are served, because on a large site it takes seconds where the edit itself
    /// takes milliseconds; [`LiveSite::behind`] says whether another step is needed.
    pub(crate) fn catch_up(&mut self) -> Result<RebuildReport, Problems> {
        let started = Instant::now();
        let mut report = RebuildReport::default();
        self.relate();
        let search = std::mem::take(&mut self.search_stale);
        // A failed step leaves the search index stale, for the next one to write.
        self.write_changes(Pass::CatchUp { search }, &mut report)
            .inspect_err(|_| self.search_stale |= search)?;
        if !self.behind() {
            self.site.work_ahead();
        }
        report.millis = started.elapsed().as_millis();
        Ok(report)
    }

    /// Writes, ahead of the catch-up, the pages of `pages` (output paths) that are stale, after
    /// finding related papers again when they are stale (which pages a related list changed
    /// on is known only then), and the search index too when `search` and it is stale. With
    /// no pages, that first part alone, plus the stale pages when there are few.
    pub(crate) fn write_requested(
        &mut self,
        pages: HashSet<String>,
        search: bool,
    ) -> Result<RebuildReport, Problems> {
        let started = Instant::now();
        let mut report = RebuildReport::default();
        self.relate();
        let search = search && std::mem::take(&mut self.search_stale);
        let first = FirstPages::open(pages);
        let pass = Pass::Requested {
            search,
            first: &first,
        };
        self.write_changes(pass, &mut report)
            .inspect_err(|_| self.search_stale |= search)?;
        // Pages no longer made go now, rather than when the catch-up ends.
        let (gone, kept) = std::mem::take(&mut self.removed)
            .into_iter()
            .partition(|path| first.opens(path));
        self.removed = kept;
        for path in gone {
            crate::write::remove_output_file(&self.out, &path);
            self.written.forget(&path);
            report.files_removed += 1;
        }
        report.millis = started.elapsed().as_millis();
        Ok(report)
    }

    /// Finds related papers again when an edit made them stale; the pages whose list changed
    /// become dirty.
    fn relate(&mut self) {
        if let Some(changed) = self.site.relate_if_stale()
            && let Some(current) = &mut self.current
        {
            self.site
                .refresh_related_fingerprints(&mut current.pages, &changed);
            if !changed.is_empty() {
                self.left = None;
            }
        }
    }

    /// What the files in the output do not show yet: nothing once the catch-up is done.
    pub(crate) fn stale(&self) -> Stale {
        if !self.behind() {
            return Stale::none();
        }
        let mut stale = Stale {
            papers: self.site.related_stale(),
            search: self.search_stale,
            pages: HashSet::new(),
        };
        let removed = self
            .removed
            .iter()
            .map(|path| crate::hash::hash_of(path.as_str()));
        match &self.left {
            // The pages the last write left, when they still are the site's.
            Some(left) if self.current.is_some() => {
                // Every page left is among the hashes kept as pages were written (checked in
                // the debug builds the tests run, serve's included).
                #[cfg(debug_assertions)]
                for &i in left {
                    let pages = self.site.pages();
                    let hash = crate::hash::hash_of(pages[i].path.as_str());
                    debug_assert!(self.left_hashes.contains(&hash), "{} left", pages[i].path);
                }
                stale.pages = self.left_hashes.clone();
            }
            // Not known without fingerprinting every page: any page may be stale.
            _ if self.pages_behind => {
                stale.pages = self.site.path_hashes().iter().copied().collect();
            }
            _ => {}
        }
        stale.pages.extend(removed);
        stale
    }

    /// Renders the pages whose fingerprint changed (and the search index when the pass says so)
    /// beside the live folder, moves them in, removes files that are no longer part of the site,
    /// and records what it wrote. Which pages: see [`dirty_pages_among`].
    fn write_changes(
        &mut self,
        pass: Pass<'_>,
        report: &mut RebuildReport,
    ) -> Result<(), Problems> {
        let (statics, search, first, limit) = match pass {
            Pass::Edit { statics, first } => (statics, false, first, None),
            Pass::CatchUp { search } => (false, search, None, Some(CATCH_UP_STEP)),
            Pass::Requested { search, first } => (false, search, Some(first), None),
        };
        let mut timer = crate::timing::PhaseTimer::start();
        // Taken, and put back once written: a failed write makes them again next time.
        let (mut current, candidates) = match self.current.take() {
            Some(current) => (current, self.left.take()),
            None => (Fingerprints::of(&self.site, self.before.take()), None),
        };
        let sitemap_hash = current.sitemap_hash;
        timer.phase("fingerprints");
        // The search index changes with any record; only its changed files are written. Its
        // state is put back once they are: after a failure the next index is made whole.
        let mut state = if search { self.search.take() } else { None };
        let searched =
            search.then(|| search_changes(&mut self.site, &mut state, &self.search_hashes));
        timer.phase("search index");
        let now = current.page_set(&self.site);
        let mut dirty = dirty_pages_among(&self.written, &now, candidates.as_deref(), first, limit);
        // The pages to write whose fingerprint was left to be made when needed (pages of whole
        // lists): made now, and those the same as written are not written (a tag's BibTeX
        // that none of an edit's changes reach: 20 MB rendered for nothing).
        let pending: Vec<usize> = (dirty.pages.iter().copied())
            .filter(|&i| current.pages.pages[i] == crate::site::PENDING)
            .collect();
        self.site.make_pending(&mut current.pages, &pending);
        let now = current.page_set(&self.site);
        if !pending.is_empty() {
            let unchanged: HashSet<usize> = (pending.into_iter())
                .filter(|&i| self.written.holds(&now, i, dirty.same_layout))
                .collect();
            dirty.pages.retain(|i| !unchanged.contains(i));
        }
        self.pages_behind = dirty.deferred;
        let path_hashes = self.site.path_hashes();
        let hash_at = |i: usize| path_hashes[i];
        match candidates.as_deref() {
            None => self.left_hashes = dirty.left.iter().map(|&i| hash_at(i)).collect(),
            // Both in plan order: the candidates not left were written or are no longer dirty.
            Some(candidates) => {
                let mut left = dirty.left.iter().peekable();
                for &i in candidates {
                    if left.next_if_eq(&&i).is_none() {
                        self.left_hashes.remove(&hash_at(i));
                    }
                }
            }
        }
        if let Some(removed) = dirty.removed.take() {
            self.removed = removed;
        }
        // Rebuilt files go beside the live folder and move in (each move atomic) once all are
        // written, and only those whose bytes differ from what is served.
        let overlay = Update::create(&self.out)
            .map_err(|e| io_problem(&self.out, "cannot prepare the rebuild", e))?;
        timer.phase("diff + overlay");
        emit::pages(&self.site, &dirty.pages, &overlay, &|| {})?;
        timer.phase("render pages");
        if statics {
            emit::static_files(&self.site, &overlay)
                .map_err(|e| io_problem(&self.out, "cannot copy static files", e))?;
        }
        let mut search_hashes = None;
        if let Some((changed, hashes)) = searched {
            emit::write_machine_files(&changed, &overlay)
                .map_err(|e| io_problem(&self.out, "cannot write the search index", e))?;
            search_hashes = Some(hashes);
            timer.phase("write search index");
        }
        // The sitemap and the file list change only when pages come or go, or dates move. When
        // pages were left for the catch-up, so are they (the sitemap of a large site is
        // megabytes): the page set is then recorded as unchanged, so the catch-up sees it.
        let postpone = dirty.deferred && !statics;
        let page_set_changed = !postpone && (statics || Some(sitemap_hash) != self.sitemap_hash);
        let machine = if page_set_changed {
            emit::machine_files(&self.site)
        } else {
            Vec::new()
        };
        emit::write_machine_files(&machine, &overlay)
            .map_err(|e| io_problem(&self.out, "cannot write the sitemap", e))?;
        timer.phase("machine files");
        report.files_changed += overlay
            .commit_changes()
            .map_err(|e| io_problem(&self.out, "cannot move rebuilt pages into place", e))?;
        if search {
            self.search = state;
        }
        timer.phase("move into place");
        report.pages_written += dirty.pages.len();
        // Search files no longer made (a shard boundary moved) go as soon as the new index is
        // in place, whether or not the pages are done: nothing else would remove them when the
        // page set stays the same, and a clean build has none of them.
        let search_set_moved = search_hashes
            .as_ref()
            .is_some_and(|hashes| !hashes.keys().eq(self.search_hashes.keys()));
        if let Some(hashes) = search_hashes {
            for stale in self
                .search_hashes
                .keys()
                .filter(|p| !hashes.contains_key(*p))
            {
                crate::write::remove_output_file(&self.out, stale);
                self.files.remove(stale);
                report.files_removed += 1;
            }
            self.files.extend(hashes.keys().cloned());
            self.search_hashes = hashes;
        }
        timer.phase("remove stale search files");

        let machine_paths: Vec<String> = machine.iter().map(|f| f.path.clone()).collect();
        let listing = (current.set_hash, machine_paths);
        let relist = page_set_changed && (statics || self.listed.as_ref() != Some(&listing));
        if relist {
            let files = self.expected_files(&machine);
            for stale in self.files.difference(&files) {
                crate::write::remove_output_file(&self.out, stale);
                report.files_removed += 1;
            }
            self.files = files;
            self.listed = Some(listing);
        }
        // Pages of a page set that waits, written now, are files of the output too: listed, so
        // that the next complete write removes them if the page set no longer has them (an
        // edit can bring the old page set back before the catch-up). The marker follows then.
        if postpone {
            let mut new_files = false;
            for &i in &dirty.pages {
                new_files |= self.files.insert(now.pages[i].path.clone());
            }
            if new_files {
                self.sitemap_hash = None;
                self.listed = None;
            }
        }
        if relist || search_set_moved {
            // The marker lists what digest wrote here, so a build over this folder later
            // removes the pages serve made and keeps only what someone else put in.
            crate::write::publish::rewrite_marker(&self.out, self.files.iter().map(String::as_str))
                .map_err(|e| io_problem(&self.out, "cannot update the output's marker", e))?;
        }
        timer.phase("remove stale files");
        // Only pages written are recorded as written; deferred ones keep their old fingerprint,
        // so they stay dirty.
        self.written.record(&now, &dirty, postpone);
        if !postpone {
            self.sitemap_hash = Some(sitemap_hash);
            // Listed again above when the page set changed: their files are gone.
            self.removed.clear();
        }
        self.current = Some(current);
        self.left = Some(dirty.left);
        Ok(())
    }
}

/// Hashes of a plan's page paths (their hashes `path_hashes`, made with the plan), in order
/// and as a set (whatever their order). Made in parallel, chunk by chunk, and then of the
/// chunks' hashes in order: the same pages in the same order give the same hashes, whatever
/// the thread count.
fn path_set_hashes(path_hashes: &[u64]) -> (u64, u64) {
    use crate::hash::{hash_of, hasher};
    use rayon::prelude::*;
    use std::hash::{Hash, Hasher};
    /// Pages a chunk holds: the chunks, and so the hashes, do not depend on the threads.
    const CHUNK: usize = 4096;
    let chunks: Vec<(u64, u64)> = (path_hashes.par_chunks(CHUNK))
        .map(|chunk| {
            let mut paths = hasher();
            let mut set = 0u64;
            for &path in chunk {
                paths.write_u64(path);
                set = set.wrapping_add(path);
            }
            (paths.finish(), set)
        })
        .collect();
    let mut paths = hasher();
    let mut set = 0u64;
    for (chunk_paths, chunk_set) in &chunks {
        chunk_paths.hash(&mut paths);
        set = set.wrapping_add(*chunk_set);
    }
    (paths.finish(), hash_of(&(set, path_hashes.len())))
}

/// The search index files that differ from those served, and every file's hash: from what
/// changed since the last index when it can ([`SearchState::update`]), else made whole.
fn search_changes(
    site: &mut Site,
    state: &mut Option<SearchState>,
    served: &BTreeMap<String, u64>,
) -> (Vec<MachineFile>, BTreeMap<String, u64>) {
    let machine = |files: Vec<(String, Vec<u8>)>| -> Vec<MachineFile> {
        files
            .into_iter()
            .map(|(path, contents)| MachineFile { path, contents })
            .collect()
    };
    if let Some(state) = state {
        let edited = site.search_edits();
        let update = site.with_search_docs(|docs, words| state.update(docs, words, edited));
        site.mark_searched();
        if let Some(update) = update {
            let changed = machine(update.files);
            let written = emit::file_hashes(&changed);
            let hashes: Option<BTreeMap<String, u64>> = update
                .paths
                .into_iter()
                .map(|path| {
                    let hash = written.get(&path).or(served.get(&path));
                    hash.map(|&hash| (path, hash))
                })
                .collect();
            // A file the update kept but that was never written cannot be: made whole.
            if let Some(hashes) = hashes {
                return (changed, hashes);
            }
        }
    }
    let (made, files) = site.with_search_docs(crate::search::build_state);
    site.mark_searched();
    *state = Some(made);
    let files = machine(files);
    let hashes = emit::file_hashes(&files);
    let changed = files
        .into_iter()
        .filter(|f| served.get(&f.path) != hashes.get(&f.path))
        .collect();
    (changed, hashes)
}

fn io_problem(out: &Path, what: &str, err: io::Error) -> Problems {
    Problems(vec![
        Problem::in_file(out.display().to_string(), format!("{what}: {err}"))
            .with_hint("check that the disk is not full")
            .with_kind(crate::diagnostic::FailureKind::Output),
    ])
}

/// A destination that only records which paths would be written.
struct ListOnly(Mutex<BTreeSet<String>>, PathBuf);

impl Destination for ListOnly {
    fn write(&self, path: &str, _: &[u8]) -> io::Result<()> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .insert(path.to_string());
        Ok(())
    }

    fn dir(&self) -> &Path {
        &self.1
    }
}

#[cfg(test)]
mod tests;
