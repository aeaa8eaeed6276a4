//! `digest check`: every problem of a site at once — in its records ([`records`]) and in the
//! site they build ([`output`]: links, fragments, feeds, JSON, Scholar tags, sitemap, size) —
//! as [`Finding`]s with the file, line and column they come from. It reads and builds into a
//! temporary folder; it never writes the user's output folder or records.

pub(crate) mod external;
mod feeds;
mod links;
mod links_out;
mod locate;
pub(crate) mod output;
pub(crate) mod records;
pub(crate) mod report;
mod scan;
mod size;
mod sources;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::build::{BuildOptions, NoProgress, build_with_progress};
use crate::config::Config;
use crate::diagnostic::Problem;
use crate::record::Paper;
use crate::site::load;

/// How bad a finding is: errors make `digest check` fail, warnings are only printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    /// The site is wrong: a reader would see it (a dead link, a duplicate paper).
    Error,
    /// Probably worth a look; the site works.
    Warning,
}

/// One thing found wrong: what, where (the problem's location or file) and how to fix it.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// A stable name of the check, for scripts (`duplicate-arxiv`, `dead-link`, …).
    pub code: &'static str,
    /// The message, place and hint, rendered like the build's diagnostics.
    pub problem: Problem,
    /// Other files the finding concerns (the other record of a duplicate).
    pub related: Vec<String>,
}

impl Finding {
    /// An error.
    pub(crate) fn error(code: &'static str, problem: Problem) -> Self {
        Finding {
            severity: Severity::Error,
            code,
            problem,
            related: Vec::new(),
        }
    }

    /// A warning.
    pub(crate) fn warning(code: &'static str, problem: Problem) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, problem)
        }
    }

    /// Names another file the finding concerns (also shown as a note).
    pub(crate) fn with_related(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.problem = self.problem.with_note(format!("also: {path}"));
        self.related.push(path);
        self
    }
}

/// What to check.
#[derive(Debug, Clone, Default)]
pub(crate) struct CheckOptions {
    /// The site folder.
    pub root: PathBuf,
    /// An existing output folder to check as it is, instead of building one.
    pub output: Option<PathBuf>,
    /// The day "today" is (UTC): records dated after it are in the future.
    pub today: Option<jiff::civil::Date>,
    /// Also asks every external link ([`external`]).
    pub external: bool,
    /// Overrides `base_url` of `site.toml`, as `digest build --base-url` does: the output to
    /// check was built with it (a Pages workflow passes the Pages address).
    pub base_url: Option<String>,
}

/// Everything `digest check` found, and what it looked at.
#[derive(Debug, Default)]
pub(crate) struct CheckReport {
    /// Every finding, errors first, then by file and position.
    pub findings: Vec<Finding>,
    /// Record files read.
    pub records: usize,
    /// Output files read.
    pub output_files: usize,
    /// The output's size, when an output was checked.
    pub size: Option<size::SizeSummary>,
    /// Wall time, in seconds.
    pub seconds: f64,
}

impl CheckReport {
    /// Whether any finding is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Checks the site at `options.root`: its records, then its output (built into a temporary
/// folder unless `options.output` names one). Returns every finding; only a failure to read
/// the site at all is an `Err`.
pub(crate) fn check_site(options: &CheckOptions) -> Result<CheckReport, Problem> {
    let started = Instant::now();
    let mut timer = crate::timing::PhaseTimer::start();
    let root = &options.root;
    let mut findings = Vec::new();
    let config = match Config::load(
        &root.join("site.toml"),
        "site.toml",
        options.base_url.as_deref(),
    ) {
        Ok(config) => Some(config),
        Err(problem) => {
            findings.push(Finding::error("site-toml", problem));
            None
        }
    };
    let files = load::record_files(&root.join("content"))?;
    let loaded: Vec<Result<Paper, Vec<Problem>>> =
        files.par_iter().map(|f| load::load_one(root, f)).collect();
    let mut papers = Vec::with_capacity(loaded.len());
    let mut records_ok = true;
    for result in loaded {
        match result {
            Ok(paper) => papers.push(paper),
            Err(problems) => {
                records_ok = false;
                findings.extend(problems.into_iter().map(|p| Finding::error("record", p)));
            }
        }
    }
    let today = options.today.unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
    });
    timer.phase("check: read records");
    findings.extend(records::check(root, &papers, today));
    timer.phase("check: records");

    let mut report = CheckReport {
        records: files.len(),
        ..CheckReport::default()
    };
    if let Some(config) = &config {
        let checked = match &options.output {
            Some(dir) => Some(Some(output::check_dir(
                root,
                dir,
                Some(dir),
                config,
                &papers,
            ))),
            None if records_ok => Some(build_and_check(
                root,
                options.base_url.as_deref(),
                config,
                &papers,
                &mut findings,
            )),
            None => None,
        };
        timer.phase("check: output");
        if options.external {
            let pages = checked
                .as_ref()
                .and_then(Option::as_ref)
                .map(|out| out.external.clone())
                .unwrap_or_default();
            findings.extend(links_out::check(root, links_out::collect(&papers, &pages)));
            timer.phase("check: external links");
        }
        if let Some(Some(out)) = checked {
            findings.extend(out.findings);
            report.output_files = out.files;
            report.size = Some(out.size);
        }
    }
    sort(&mut findings);
    report.findings = findings;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Builds the site into a temporary folder (the real build: staging, then publish) and checks
/// it; the folder is removed afterwards. Build problems become findings.
fn build_and_check(
    root: &Path,
    base_url: Option<&str>,
    config: &Config,
    papers: &[Paper],
    findings: &mut Vec<Finding>,
) -> Option<output::OutputCheck> {
    let temp = match TempDir::new() {
        Ok(temp) => temp,
        Err(err) => {
            findings.push(Finding::error(
                "build",
                Problem::in_file(
                    std::env::temp_dir().display().to_string(),
                    format!("cannot make a temporary folder to build the site in: {err}"),
                )
                .with_hint("check that the temporary folder (TMPDIR) is writable"),
            ));
            return None;
        }
    };
    let out = temp.0.join("site");
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        base_url: base_url.map(str::to_string),
        ..BuildOptions::default()
    };
    match build_with_progress(&options, &NoProgress) {
        Ok(_) => Some(output::check_dir(root, &out, None, config, papers)),
        Err(problems) => {
            findings.extend(problems.0.into_iter().map(|p| Finding::error("build", p)));
            None
        }
    }
}

/// A folder of our own under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("digest-check-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Errors first, then by file, line and message: the same order on every run.
fn sort(findings: &mut [Finding]) {
    findings.sort_by_cached_key(|f| {
        let (line, column) = f.problem.location.as_ref().map_or((0, 0), |l| l.line_col());
        (
            f.severity,
            f.problem.file().unwrap_or("").to_string(),
            line,
            column,
            f.problem.message.clone(),
        )
    });
}
