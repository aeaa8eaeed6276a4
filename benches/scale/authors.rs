//! What author pages (`[output] author_pages`, `/authors/<slug>/`) cost in a build: the files
//! and bytes under `authors/` of the output, and the time digest spends on them, read from one
//! more build with `DIGEST_TIMINGS` set (the timed builds run without it): the author index,
//! and the thread-seconds of author pages and author feeds (context, render, write).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::measure::{self, Trash};

/// The author pages of one build.
#[derive(Debug, Default)]
pub struct AuthorCost {
    /// Files under `authors/` (pages and feeds).
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Author pages (`authors/<slug>/` and its `page/N/`), and author feeds (Atom and JSON).
    pub pages: u64,
    pub feeds: u64,
    /// Milliseconds of the author index (wall).
    pub index_ms: f64,
    /// Thread-seconds on author pages and feeds (context + render + write, summed over threads).
    pub thread_s: f64,
}

/// Measures the author pages of the site at `site`, whose output is already at `out`; the
/// build with timings goes into `scratch` (moved to the trash afterwards).
pub fn measure(
    digest: &Path,
    site: &Path,
    out: &Path,
    scratch: &Path,
    trash: &Trash,
) -> Result<AuthorCost, String> {
    let authors = out.join("authors");
    let tree = if authors.is_dir() {
        measure::tree(&authors).map_err(|e| format!("{}: {e}", authors.display()))?
    } else {
        measure::Tree::default()
    };
    trash
        .discard(scratch)
        .map_err(|e| format!("{}: {e}", scratch.display()))?;
    let run = Command::new(digest)
        .args(["build", "--root"])
        .arg(site)
        .arg("--output")
        .arg(scratch)
        .arg("--force")
        .arg("--no-cache")
        .env("DIGEST_TIMINGS", "1")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", digest.display()))?;
    trash
        .discard(scratch)
        .map_err(|e| format!("{}: {e}", scratch.display()))?;
    if !run.status.success() {
        return Err(format!(
            "the build with DIGEST_TIMINGS failed ({})",
            run.status
        ));
    }
    let mut cost = parse_timings(&String::from_utf8_lossy(&run.stderr));
    cost.files = tree.files;
    cost.bytes = tree.bytes;
    Ok(cost)
}

/// The author lines of `DIGEST_TIMINGS`' output: `  index: authors   12.3 ms` and, per kind
/// of page, `      author       123 pages, thread-ms: context 1, render 2, write 3`.
fn parse_timings(text: &str) -> AuthorCost {
    let mut cost = AuthorCost::default();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("index: authors") {
            cost.index_ms += rest
                .trim()
                .trim_end_matches("ms")
                .trim()
                .parse::<f64>()
                .unwrap_or(0.0);
            continue;
        }
        let Some((left, steps)) = line.split_once(" pages, thread-ms: ") else {
            continue;
        };
        let Some((kind, count)) = left.trim_end().rsplit_once(char::is_whitespace) else {
            continue;
        };
        let count: u64 = count.parse().unwrap_or(0);
        let ms: f64 = steps
            .split(", ")
            .filter_map(|step| step.rsplit_once(' ')?.1.parse::<f64>().ok())
            .sum();
        match kind.trim() {
            "author" => cost.pages += count,
            "author atom" | "author json" => cost.feeds += count,
            _ => continue,
        }
        cost.thread_s += ms / 1000.0;
    }
    cost
}

impl AuthorCost {
    /// One line for the report.
    pub fn line(&self) -> String {
        format!(
            "{} files ({} pages, {} feeds), {:.1} MB; author index {:.0} ms; pages and feeds {:.2} thread-s (context + render + write)",
            self.files,
            self.pages,
            self.feeds,
            self.bytes as f64 / 1e6,
            self.index_ms,
            self.thread_s
        )
    }
}

/// Checks the parser on a sample of `DIGEST_TIMINGS`' output (run before anything is built,
/// so that a change of that output's format fails the benchmark at once rather than after
/// hours of builds).
pub fn self_check() -> Result<(), String> {
    let text = "  index: tags                  3.0 ms\n  index: authors              12.5 ms\n      paper      100000 pages, thread-ms: context 1, render 2, write 3\n      author        4000 pages, thread-ms: context 100, render 200, write 300\n      author atom    300 pages, thread-ms: context 10, render 20, write 30\n      author json    300 pages, thread-ms: context 0, render 0, write 40\n";
    let cost = parse_timings(text);
    let ok = (cost.pages, cost.feeds) == (4000, 600)
        && (cost.index_ms - 12.5).abs() < 1e-9
        && (cost.thread_s - 0.7).abs() < 1e-9;
    if ok {
        Ok(())
    } else {
        Err(format!("the DIGEST_TIMINGS parser read {cost:?}"))
    }
}
