//! `build`: one build of a site. Loads it into a [`Site`] (settings, records, index, plan: the
//! same value `serve` keeps and updates in place), renders every file into a staging folder
//! ([`emit`]) and publishes it whole ([`crate::write::publish`]), and returns what it made.

pub(crate) mod cache;
mod carried;
pub(crate) mod emit;
pub(crate) mod guard;
mod incremental;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostic::{FailureKind, Problem, Problems};
use crate::site::{LoadOptions, Site};
use crate::write;
use crate::write::guard as output_guard;
use crate::write::publish::{Publish, PublishError};
use emit::Destination as _;

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuildOptions {
    /// The site folder (with `site.toml` and `content/`).
    pub root: PathBuf,
    /// The output folder; `output_dir` of `site.toml` (relative to the root) when unset.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of `site.toml`.
    pub base_url: Option<String>,
    /// Includes records with `draft = true`.
    pub drafts: bool,
    /// Writes into a non-empty output folder digest did not make, keeping its files.
    pub force: bool,
    /// How the build is compared with the site it replaces (`[guard]`).
    pub guard: guard::GuardRun,
    /// The build cache folder (see [`cache`]); none builds everything.
    pub cache: Option<PathBuf>,
    /// The process ends after the build: the loaded site is left for the system to reclaim
    /// rather than freed piece by piece (at 100,000 papers, millions of allocations: about a
    /// second, as long as a whole build with nothing changed).
    pub exits_after: bool,
}

/// What a successful build made.
#[derive(Debug, Clone)]
pub(crate) struct BuildSummary {
    /// Papers published.
    pub papers: usize,
    /// Files written (pages, feeds, machine and static files).
    pub files: usize,
    /// The output folder.
    pub output: PathBuf,
    /// Wall time of the whole build, in seconds.
    pub seconds: f64,
    /// Files digest did not write that the output kept.
    pub kept: usize,
    /// Something to tell that did not stop the build (the previous tree left behind).
    pub warning: Option<String>,
    /// What the guard has to say that did not stop the build.
    pub guard_warnings: Vec<String>,
    /// Record files read and parsed (all of them without the build cache).
    pub records_read: usize,
    /// Record files of the site (drafts too).
    pub records_total: usize,
    /// Pages of the site, and of those, pages rendered (all of them without the build cache).
    pub pages: usize,
    /// Pages rendered.
    pub rendered: usize,
    /// Files of the output written, replaced or removed.
    pub changed: usize,
    /// What the build cache had to say (why it was not used, or could not be saved).
    pub cache_note: Option<String>,
}

/// Told how a build advances, so a front end can show progress. Called from many threads.
pub(crate) trait Progress: Sync {
    /// A phase with `total` steps begins.
    fn phase(&self, name: &'static str, total: usize);
    /// `steps` more steps of the current phase are done.
    fn advance(&self, steps: usize);
}

/// Progress that goes nowhere (tests, library use).
pub(crate) struct NoProgress;

impl Progress for NoProgress {
    fn phase(&self, _: &'static str, _: usize) {}
    fn advance(&self, _: usize) {}
}

/// Builds the site, reporting progress as it goes; on any problem the previous output is left
/// untouched.
pub(crate) fn build_with_progress(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildSummary, Problems> {
    let started = Instant::now();
    let one = |p: Problem| Problems(vec![p]);
    let root = &options.root;
    progress.phase("reading records", 0);
    let (mut cache, found) = match &options.cache {
        Some(dir) => {
            cache::check_dir(dir).map_err(one)?;
            let (cache, found) = cache::BuildCache::open(dir);
            (Some(cache), found)
        }
        None => (None, cache::Found::default()),
    };
    let mut cache_note = found
        .unused
        .map(|why| format!("the build cache was not used: {why}"));
    let mut timer = crate::timing::PhaseTimer::start();
    let mut unread = Site::unread(
        root,
        &LoadOptions {
            base_url: options.base_url.clone(),
            drafts: options.drafts,
            keep_stamps: cache.is_some(),
        },
    )?;
    let output = match &options.output {
        Some(dir) => dir.clone(),
        None => root.join(&unread.site().config.output_dir),
    };
    let output = output_guard::check_output(root, &output, options.force)
        .map_err(|p| one(p.with_kind(FailureKind::Output)))?;
    timer.phase("settings + templates");
    let previous = found
        .output
        .filter(|state| state.describes(&output) && !crate::write::update_pending(&output));
    let stamps_compared = found
        .stamps
        .as_ref()
        .map(|stamps| unread.records_unchanged(stamps));
    timer.phase("record files compared");
    // Nothing the site is made of changed, and the output is what the last build made of it:
    // nothing to read, render or write (nor to compare with the published site: it is this).
    if let (Some(previous), Some(true)) = (&previous, stamps_compared)
        && previous.inputs == unread.inputs_hash()
        && incremental::statics_unchanged(unread.site(), previous)
    {
        if unread.touched() > 0
            && let Some(cache) = &mut cache
        {
            let saved = unread
                .stamps()
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|stamps| cache.save_stamps(stamps));
            if let Err(err) = saved {
                cache_note = Some(format!("the build cache could not be saved ({err})"));
            }
        }
        timer.phase("nothing changed");
        return Ok(BuildSummary {
            papers: previous.papers,
            files: previous.fingerprints.len() + previous.statics.len() + previous.machine.len(),
            output,
            seconds: started.elapsed().as_secs_f64(),
            kept: 0,
            warning: None,
            guard_warnings: Vec::new(),
            records_read: 0,
            records_total: unread.record_count(),
            pages: previous.fingerprints.len(),
            rendered: 0,
            changed: 0,
            cache_note,
        });
    }
    let snapshot = match (&cache, stamps_compared) {
        (Some(cache), Some(_)) => cache.snapshot(),
        _ => None,
    };
    let inputs = unread.inputs_hash();
    let (mut site, loaded) = unread.load(snapshot)?;
    if let Some(why) = &loaded.snapshot_unused {
        cache_note = Some(format!("the build cache was not used: {why}"));
    }
    timer.phase("site loaded");
    // Before anything is written: a refused build leaves the output as it was.
    progress.phase("comparing with the published site", 0);
    let guarded = guard::check(&site, &output, &options.guard).map_err(one)?;
    let unchanged_records =
        loaded.from_snapshot && loaded.records_read + loaded.records_removed == 0;
    let memo = cache.as_ref().and_then(|cache| cache.machine_memo());
    if let Some(cache) = &cache {
        // A large tag's `.bib` file is made from the one published, with the layout the last
        // build kept of it.
        let kept = cache.bib_layouts().and_then(|bytes| {
            crate::export::bibtex::BibLayouts::from_bytes(&output, &bytes).map(Box::new)
        });
        site.keep_bib_layouts(&output, kept);
    }
    let written = match previous {
        Some(previous) => {
            incremental::emit_changes(&site, &output, &previous, unchanged_records, memo, progress)
        }
        None => emit_site(&site, &output, progress)
            .map(|emitted| incremental::Written::everything(&site, emitted)),
    };
    let written = match (written, site.body_damage()) {
        // A body kept by the cache did not read back (a damaged disk, a hand edit): nothing
        // was published; the build is made again as a clean one, and the cache with it.
        (Err(_), Some(why)) if loaded.from_snapshot => {
            let why = why.to_string();
            drop(site);
            if let Some(cache) = &mut cache {
                cache.forget();
            }
            let mut summary = build_with_progress(options, progress)?;
            summary.cache_note = Some(format!("the build cache was not used: {why}"));
            return Ok(summary);
        }
        (written, _) => written?,
    };
    if let Some(cache) = &mut cache
        && (written.state_is_new || !unchanged_records || loaded.records_touched > 0)
    {
        let state = written.state(&output, inputs, site.paper_count());
        let saved = cache
            .save(&site, &state)
            .and_then(|()| match written.memo.bytes(state.marker) {
                Some(bytes) => cache.save_machine_memo(bytes),
                None => Ok(()),
            })
            .and_then(|()| match site.take_bib_layouts() {
                Some(layouts) => cache.save_bib_layouts(layouts.to_bytes()),
                None => Ok(()),
            });
        if let Err(err) = saved {
            cache_note = Some(format!(
                "the build cache could not be saved ({err}); the next build will be a clean one"
            ));
        }
        timer.phase("build cache saved");
    }
    let summary = BuildSummary {
        papers: site.paper_count(),
        files: written.files,
        output,
        seconds: started.elapsed().as_secs_f64(),
        kept: written.kept,
        warning: written.warning,
        guard_warnings: guarded.warnings,
        records_read: loaded.records_read,
        records_total: loaded.records_total,
        pages: site.pages().len(),
        rendered: written.rendered,
        changed: written.changed,
        cache_note,
    };
    if options.exits_after {
        std::mem::forget(site);
    }
    Ok(summary)
}

/// Renders every page of `site` into a staging folder and publishes it in place of `output`
/// (resolved and checked) in one atomic swap ([`Publish`]): a failed or killed build leaves the
/// output exactly as it was.
pub(crate) fn emit_site(
    site: &Site,
    output: &Path,
    progress: &dyn Progress,
) -> Result<Emitted, Problems> {
    let failed = |err: PublishError| {
        let hint = match &err {
            PublishError::Lock(_) => {
                "wait for the other build to finish, or stop the digest serve that writes this folder"
            }
            PublishError::Conflicts(_) => {
                "move those files out of the output folder (or delete them), then build again"
            }
            PublishError::Io { .. } => {
                "check that the output folder's parent is writable and the disk is not full"
            }
        };
        Problems(vec![
            Problem::in_file(output.display().to_string(), err.to_string())
                .with_hint(hint)
                .with_kind(FailureKind::Output),
        ])
    };
    let mut timer = crate::timing::PhaseTimer::start();
    let publish = Publish::begin(output).map_err(failed)?;
    let mut emitted = emit_all(site, &publish, progress, &mut timer)?;
    progress.phase("publishing", 0);
    let report = publish.commit().map_err(failed)?;
    timer.phase("keep foreign files + swap + remove previous tree");
    emitted.kept = report.kept;
    emitted.warning = report.leftover;
    emitted.changed = report.files.saturating_sub(report.reused);
    Ok(emitted)
}

/// What [`emit_site`] wrote.
pub(crate) struct Emitted {
    /// Number of files the site has.
    pub files: usize,
    /// A hash of each static file, by path.
    pub static_hashes: BTreeMap<String, u64>,
    /// A hash of each machine file (sitemap, robots.txt) and search index file, by path.
    pub machine_hashes: BTreeMap<String, u64>,
    /// A hash of each search index file, by path (so `serve` knows what it last wrote).
    pub search_hashes: BTreeMap<String, u64>,
    /// Files digest did not write that the output kept.
    pub kept: usize,
    /// Files whose bytes are new (not the previous output's).
    pub changed: usize,
    /// Set when the site was published but something was left behind.
    pub warning: Option<String>,
    /// What the build cache keeps of the sitemap and the search index.
    pub carried: Option<carried::Carried>,
}

/// Writes every file of the site to `to`: static files, pages, machine files, search index.
fn emit_all(
    site: &Site,
    to: &dyn emit::Destination,
    progress: &dyn Progress,
    timer: &mut crate::timing::PhaseTimer,
) -> Result<Emitted, Problems> {
    let io = |what: &str, err: std::io::Error| {
        Problems(vec![
            Problem::in_file(to.dir().display().to_string(), format!("{what}: {err}"))
                .with_hint("check that the disk is not full and the folder is writable")
                .with_kind(FailureKind::Output),
        ])
    };
    let statics = emit::Recording::new(to);
    let mut files =
        emit::static_files(site, &statics).map_err(|e| io("cannot copy static files", e))?;
    let static_hashes = statics.hashes();
    timer.phase("static files");
    let pages = site.pages();
    progress.phase("rendering pages", pages.len());
    // Pages are rendered and written in one parallel pass, each task making its own folder, so
    // a page's text lives only until it is written (memory stays bounded by the corpus, not by
    // the output) and the tens of thousands of folder creations run in parallel too.
    let all: Vec<usize> = (0..pages.len()).collect();
    emit::pages(site, &all, to, &|| progress.advance(1))?;
    files += pages.len();
    // What rendering allocated per page is all free now: the search index is the next peak.
    crate::memory::give_back();
    timer.phase("render + write pages");
    let machine = emit::machine_files(site);
    emit::write_machine_files(&machine, to).map_err(|e| io("cannot write the sitemap", e))?;
    files += machine.len();
    // Only their hashes are kept: the sitemaps of a million papers weigh about 125 MB.
    let mut machine_hashes = emit::file_hashes(&machine);
    drop(machine);
    timer.phase("machine files");
    // The search index's files are written as they are made (at a million papers they are
    // about 500 MB): only their hashes are kept.
    let search = emit::Recording::new(to);
    let sink = |path: &str, bytes: &[u8]| {
        search
            .write(path, bytes)
            .map_err(|err| std::io::Error::new(err.kind(), format!("{path}: {err}")))
    };
    let carried =
        carried::write_whole(site, &sink).map_err(|e| io("cannot write the search index", e))?;
    let search_hashes = search.hashes();
    files += search_hashes.len();
    timer.phase("search index");
    machine_hashes.extend(search_hashes.clone());
    Ok(Emitted {
        files,
        static_hashes,
        machine_hashes,
        search_hashes,
        kept: 0,
        changed: 0,
        warning: None,
        carried: Some(carried),
    })
}

/// The site root for a `--root` argument (the current folder when absent).
pub(crate) fn site_root(root: Option<&Path>) -> PathBuf {
    write::absolute(root.unwrap_or(Path::new(".")))
}
