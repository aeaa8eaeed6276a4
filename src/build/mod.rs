//! `build`: one build of a site. Loads it into a [`Site`] (settings, records, index, plan: the
//! same value `serve` keeps and updates in place), renders every file into a staging folder
//! ([`emit`]) and publishes it whole ([`crate::write::publish`]), and returns what it made.

pub(crate) mod emit;
pub(crate) mod guard;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostic::{FailureKind, Problem, Problems};
use crate::site::{LoadOptions, Site};
use crate::write;
use crate::write::guard as output_guard;
use crate::write::publish::{Publish, PublishError};

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
    let site = Site::load(
        root,
        &LoadOptions {
            base_url: options.base_url.clone(),
            drafts: options.drafts,
            keep_sources: false,
        },
    )?;
    let output = match &options.output {
        Some(dir) => dir.clone(),
        None => root.join(&site.config.output_dir),
    };
    let output = output_guard::check_output(root, &output, options.force)
        .map_err(|p| one(p.with_kind(FailureKind::Output)))?;
    // Before anything is written: a refused build leaves the output as it was.
    progress.phase("comparing with the published site", 0);
    let guarded = guard::check(&site, &output, &options.guard).map_err(one)?;
    let emitted = emit_site(&site, &output, progress)?;
    Ok(BuildSummary {
        papers: site.paper_count(),
        files: emitted.files,
        output,
        seconds: started.elapsed().as_secs_f64(),
        kept: emitted.kept,
        warning: emitted.warning,
        guard_warnings: guarded.warnings,
    })
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
    Ok(emitted)
}

/// What [`emit_site`] wrote.
pub(crate) struct Emitted {
    /// Number of files the site has.
    pub files: usize,
    /// A hash of each search index file, by path (so `serve` knows what it last wrote).
    pub search_hashes: BTreeMap<String, u64>,
    /// Files digest did not write that the output kept.
    pub kept: usize,
    /// Set when the site was published but something was left behind.
    pub warning: Option<String>,
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
    let mut files = emit::static_files(site, to).map_err(|e| io("cannot copy static files", e))?;
    timer.phase("static files");
    let pages = site.pages();
    progress.phase("rendering pages", pages.len());
    // Pages are rendered and written in one parallel pass, each task making its own folder, so
    // a page's text lives only until it is written (memory stays bounded by the corpus, not by
    // the output) and the tens of thousands of folder creations run in parallel too.
    let all: Vec<usize> = (0..pages.len()).collect();
    emit::pages(site, &all, to, &|| progress.advance(1))?;
    files += pages.len();
    timer.phase("render + write pages");
    let machine = emit::machine_files(site);
    emit::write_machine_files(&machine, to).map_err(|e| io("cannot write the sitemap", e))?;
    files += machine.len();
    timer.phase("machine files");
    let search = site.search_files();
    timer.phase("search index");
    emit::write_machine_files(&search, to).map_err(|e| io("cannot write the search index", e))?;
    files += search.len();
    timer.phase("write search index");
    Ok(Emitted {
        files,
        search_hashes: emit::file_hashes(&search),
        kept: 0,
        warning: None,
    })
}

/// The site root for a `--root` argument (the current folder when absent).
pub(crate) fn site_root(root: Option<&Path>) -> PathBuf {
    write::absolute(root.unwrap_or(Path::new(".")))
}
