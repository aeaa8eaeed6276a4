//! `digest build`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::guard::GuardRun;
use crate::build::{BuildOptions, Progress, build_with_progress, site_root};

/// Whether the environment variable `name` is set to `value` (any case, spaces trimmed).
fn env_is(name: &str, value: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v.trim().eq_ignore_ascii_case(value))
}

/// Arguments of `digest build`.
#[derive(Debug, Args)]
pub(super) struct BuildArgs {
    /// The site folder (with site.toml and content/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The output folder (default: output_dir of site.toml, "public").
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Use this base URL instead of site.toml's (e.g. https://user.github.io/papers/).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include records marked draft = true.
    #[arg(long)]
    drafts: bool,
    /// Write into a non-empty output folder digest did not make: its files are kept (the
    /// build fails if one is where the site puts a file); never the home folder, the site,
    /// its sources, a repository or a system folder.
    #[arg(long)]
    force: bool,
    /// Publish even when the build has fewer papers or an older newest day than [guard] of
    /// site.toml allows against the site it replaces.
    #[arg(long)]
    accept_shrink: bool,
    /// When the output folder has no digest.json, compare with the published site's
    /// (base_url + digest.json); also with DIGEST_GUARD_FETCH=1.
    #[arg(long)]
    guard_url: bool,
    /// Keep the build cache in DIR (default: .digest-cache in the site folder): the next build
    /// reads only the records that changed and renders only the pages that did.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache: Option<PathBuf>,
    /// Build everything, neither reading nor writing the build cache.
    #[arg(long)]
    no_cache: bool,
}

/// Builds and prints one summary line, or every problem found.
pub(super) fn run(args: BuildArgs) -> ExitCode {
    let root = site_root(args.root.as_deref());
    let cache = match (args.no_cache, args.cache) {
        (true, _) => None,
        (false, Some(dir)) => Some(crate::write::absolute(&dir)),
        (false, None) => Some(root.join(crate::build::cache::DEFAULT_DIR)),
    };
    let options = BuildOptions {
        cache,
        exits_after: true,
        root,
        output: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
        force: args.force,
        guard: GuardRun {
            accept_shrink: args.accept_shrink,
            // Not on `CI=true` alone: every CI job sets it (test suites, pull requests), where
            // comparing with the live site is wrong; the daily workflow passes --guard-url.
            fetch_published: args.guard_url || env_is("DIGEST_GUARD_FETCH", "1"),
            today: Some(
                jiff::Timestamp::now()
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .date(),
            ),
        },
    };
    let progress = TerminalProgress::new();
    let result = build_with_progress(&options, &progress);
    progress.bar.finish_and_clear();
    match result {
        Ok(summary) => {
            for warning in &summary.guard_warnings {
                eprintln!("warning: {warning}");
            }
            if let Some(warning) = &summary.warning {
                eprintln!("warning: {warning}");
            }
            if summary.kept > 0 {
                println!(
                    "kept {} {} in {} that digest did not write",
                    summary.kept,
                    if summary.kept == 1 { "file" } else { "files" },
                    summary.output.display()
                );
            }
            if let Some(note) = &summary.cache_note {
                eprintln!("note: {note}");
            }
            println!(
                "built {} papers: {} files in {} ({:.2} s)",
                summary.papers,
                summary.files,
                summary.output.display(),
                summary.seconds
            );
            println!(
                "read {} of {} records, rendered {} of {} pages, {} {} changed",
                summary.records_read,
                summary.records_total,
                summary.rendered,
                summary.pages,
                summary.changed,
                if summary.changed == 1 {
                    "file"
                } else {
                    "files"
                },
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("build failed; the previous output was left untouched");
            super::exit::status(problems.kind())
        }
    }
}

/// A progress bar on standard error that appears only on a terminal, and only once a build has
/// run long enough (half a second) for a bar to help rather than flicker.
struct TerminalProgress {
    bar: ProgressBar,
    started: Instant,
    shown: Mutex<bool>,
    terminal: bool,
}

impl TerminalProgress {
    fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg:>16} [{bar:30}] {pos}/{len} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        TerminalProgress {
            bar,
            started: Instant::now(),
            shown: Mutex::new(false),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn show_if_slow(&self) {
        if !self.terminal || self.started.elapsed() < Duration::from_millis(500) {
            return;
        }
        if let Ok(mut shown) = self.shown.lock()
            && !*shown
        {
            *shown = true;
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Progress for TerminalProgress {
    fn phase(&self, name: &'static str, total: usize) {
        self.bar.set_message(name);
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.show_if_slow();
    }

    fn advance(&self, steps: usize) {
        self.bar.inc(steps as u64);
        if self.bar.position().is_multiple_of(256) {
            self.show_if_slow();
        }
    }
}
