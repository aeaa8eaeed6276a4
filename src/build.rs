//! `build`: runs the pipeline — config, load, markdown, index, plan, render, write — and
//! returns what it made. Each phase takes the previous phase's values and returns new ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostic::{Problem, Problems};
use crate::output::emit;
use crate::output::write::{self, Staging};
use crate::site::{LoadOptions, Site};

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (with `site.toml` and `content/`).
    pub root: PathBuf,
    /// The output folder; `output_dir` of `site.toml` (relative to the root) when unset.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of `site.toml`.
    pub base_url: Option<String>,
    /// Includes records with `draft = true`.
    pub drafts: bool,
    /// Replaces an output folder digest did not make.
    pub force: bool,
}

/// What a successful build made.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// Papers published.
    pub papers: usize,
    /// Files written (pages, feeds, machine and static files).
    pub files: usize,
    /// The output folder.
    pub output: PathBuf,
    /// Wall time of the whole build, in seconds.
    pub seconds: f64,
}

/// Told how a build advances, so a front end can show progress. Called from many threads.
pub trait Progress: Sync {
    /// A phase with `total` steps begins.
    fn phase(&self, name: &'static str, total: usize);
    /// `steps` more steps of the current phase are done.
    fn advance(&self, steps: usize);
}

/// Progress that goes nowhere (tests, library use).
pub struct NoProgress;

impl Progress for NoProgress {
    fn phase(&self, _: &'static str, _: usize) {}
    fn advance(&self, _: usize) {}
}

/// Builds the site; on any problem the previous output is left untouched.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Problems> {
    build_with_progress(options, &NoProgress)
}

/// [`build`], reporting progress as it goes.
pub fn build_with_progress(
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
        Some(dir) => write::absolute(dir),
        None => write::absolute(&root.join(&site.config.output_dir)),
    };
    write::check_output(root, &root.join("content"), &output, options.force).map_err(one)?;
    let files = emit_site(&site, &output, progress)?.files;
    Ok(BuildSummary {
        papers: site.paper_count(),
        files,
        output,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Renders every page of `site` and puts the result in `output`: into a staging folder swapped
/// in when complete for a new output, or, over a previous digest output, writing only the
/// files whose bytes changed and removing those no longer made ([`write::Update`]). Either
/// way a failed build leaves the output as it was.
pub fn emit_site(site: &Site, output: &Path, progress: &dyn Progress) -> Result<Emitted, Problems> {
    let io = |what: &str, err: std::io::Error| {
        Problems(vec![
            Problem::in_file(output.display().to_string(), format!("{what}: {err}")).with_hint(
                "check that the output folder's parent is writable and the disk is not full",
            ),
        ])
    };
    let mut timer = crate::timing::PhaseTimer::start();
    if output.join(write::MARKER).is_file() {
        let update =
            write::Update::create(output).map_err(|e| io("cannot prepare the update", e))?;
        let emitted = emit_all(site, &update, progress, &mut timer)?;
        progress.phase("updating the output", 0);
        update
            .commit()
            .map_err(|e| io("cannot move the changed files into place", e))?;
        timer.phase("move changed files in + remove stale ones");
        return Ok(emitted);
    }
    // Everything goes into the staging folder; any error drops it, which removes it and leaves
    // the previous output as it was.
    let staging = Staging::create(output).map_err(|e| io("cannot create the staging folder", e))?;
    let emitted = emit_all(site, &staging, progress, &mut timer)?;
    progress.phase("replacing the output", 0);
    staging
        .commit()
        .map_err(|e| io("cannot move the new build into place", e))?;
    timer.phase("swap + remove old output");
    Ok(emitted)
}

/// What [`emit_site`] wrote.
pub struct Emitted {
    /// Number of files the site has.
    pub files: usize,
    /// A hash of each search index file, by path (so `serve` knows what it last wrote).
    pub search_hashes: BTreeMap<String, u64>,
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
                .with_hint("check that the disk is not full and the folder is writable"),
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
    })
}

/// The site root for a `--root` argument (the current folder when absent).
pub fn site_root(root: Option<&Path>) -> PathBuf {
    write::absolute(root.unwrap_or(Path::new(".")))
}
