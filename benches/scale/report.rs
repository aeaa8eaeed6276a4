//! The Markdown tables the benchmark prints and writes to `results.md`.

use std::fmt::Write as _;

use crate::incremental::{EditSeries, Incremental};
use crate::measure::{Run, Tree};

/// The measurements of one tool on one corpus size.
pub struct ToolResult {
    pub tool: &'static str,
    pub runs: Vec<Run>,
    pub output: Tree,
    /// Paper pages (`papers/<slug>/index.html`): how many, median and mean bytes.
    pub paper_pages: Option<(u64, u64, f64)>,
}

impl ToolResult {
    pub fn best(&self) -> Option<Run> {
        self.runs
            .iter()
            .copied()
            .min_by(|a, b| a.wall_s.total_cmp(&b.wall_s))
    }
}

/// Everything measured for one size.
pub struct SizeResult {
    pub papers: usize,
    pub digest: ToolResult,
    /// `digest check --output` of digest's output (offline); `Err` when it failed or found
    /// errors.
    pub check: Result<Run, String>,
    /// `Err(reason)` when Hugo was skipped or failed.
    pub hugo: Result<ToolResult, String>,
    /// Seconds, and what it read and copied; `Err(reason)` when not measured.
    pub io_floor: Result<(f64, String), String>,
    /// Bytes of digest's output as GitHub Pages' upload action ships it: a tar, deflated at
    /// level 6 (what its size check, "exceeds the allowed size of 1 GB", looks at).
    pub pages_artifact: Result<u64, String>,
}

fn mib(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.0}"))
}

fn secs(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.1}"))
}

fn row(out: &mut String, n: usize, r: &ToolResult, hugo_s: Option<f64>, floor_s: Option<f64>) {
    let Some(best) = r.best() else { return };
    let runs: Vec<String> = r.runs.iter().map(|r| format!("{:.2}", r.wall_s)).collect();
    let peak = r
        .runs
        .iter()
        .filter_map(|r| r.peak_mib)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let vs_hugo = hugo_s.map_or("n/a".into(), |h| format!("{:.2}×", best.wall_s / h));
    let vs_floor = floor_s.map_or("n/a".into(), |f| format!("{:.1}×", best.wall_s / f));
    let _ = writeln!(
        out,
        "| {n} | {} | {:.2} | {} | {} | {} | {} | {} | {:.1} | {:.1} | {} | {:.1} | {} | {} |",
        r.tool,
        best.wall_s,
        runs.join(" / "),
        secs(best.user_s),
        secs(best.sys_s),
        mib(peak),
        r.output.files,
        r.output.bytes as f64 / 1e6,
        r.output.disk_bytes as f64 / 1e6,
        r.paper_pages
            .map_or("n/a".into(), |(_, median, mean)| format!(
                "{median} / {mean:.0}"
            )),
        best.wall_s * 1e6 / n as f64,
        vs_hugo,
        vs_floor,
    );
}

/// The build table (one row per tool and size, plus the I/O floor) and the linearity line.
pub fn builds(results: &[SizeResult]) -> String {
    let mut out = String::new();
    out.push_str("| N | tool | wall s (best) | runs s | user s | sys s | peak MiB | files | MB | MB on disk | paper page B (median / mean) | µs/paper | time ÷ Hugo | time ÷ I/O floor |\n");
    out.push_str("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for s in results {
        let hugo_s = s
            .hugo
            .as_ref()
            .ok()
            .and_then(|h| h.best())
            .map(|r| r.wall_s);
        let floor_s = s.io_floor.as_ref().ok().map(|(f, _)| *f);
        row(&mut out, s.papers, &s.digest, hugo_s, floor_s);
        match &s.hugo {
            Ok(h) => row(&mut out, s.papers, h, hugo_s, floor_s),
            Err(why) => {
                let _ = writeln!(out, "| {} | hugo | {why} | | | | | | | | | | | |", s.papers);
            }
        }
        if let Some(f) = floor_s {
            let _ = writeln!(
                out,
                "| {} | I/O floor | {f:.2} | | | | | | | | | {:.1} | | 1.0× |",
                s.papers,
                f * 1e6 / s.papers as f64
            );
        }
    }
    out.push('\n');
    for s in results {
        let what = match &s.io_floor {
            Ok((_, what)) => what,
            Err(why) => why,
        };
        let _ = writeln!(out, "- I/O floor at {}: {what}", s.papers);
    }
    for s in results {
        let _ = writeln!(
            out,
            "- digest's output at {}: {:.1} MB in files; as a GitHub Pages artifact (tar, deflated at level 6 like upload-pages-artifact's zip): {}",
            s.papers,
            s.digest.output.bytes as f64 / 1e6,
            match &s.pages_artifact {
                Ok(bytes) => format!("{:.1} MB", *bytes as f64 / 1e6),
                Err(why) => why.clone(),
            }
        );
    }
    for s in results {
        let _ = writeln!(
            out,
            "- `digest check --output` (offline: records and every output file) at {}: {}",
            s.papers,
            match &s.check {
                Ok(run) => format!("{:.2} s, peak {} MiB", run.wall_s, mib(run.peak_mib)),
                Err(why) if why.starts_with("skipped") => why.clone(),
                Err(why) => format!("failed: {}", why.lines().last().unwrap_or("")),
            }
        );
    }
    for s in results {
        let tools = std::iter::once(&s.digest).chain(s.hugo.as_ref().ok());
        let loads: Vec<String> = tools
            .flat_map(|t| t.runs.iter().map(move |r| (t.tool, r.load)))
            .map(|(tool, l)| format!("{tool} {}", l.map_or("n/a".into(), |l| format!("{l:.1}"))))
            .collect();
        let _ = writeln!(
            out,
            "- Load average before each run at {}: {}",
            s.papers,
            loads.join(", ")
        );
    }
    let per_paper = |f: &dyn Fn(&SizeResult) -> Option<f64>| -> String {
        results
            .iter()
            .map(|s| match f(s) {
                Some(t) => format!("{:.1} µs at {}", t * 1e6 / s.papers as f64, s.papers),
                None => format!("n/a at {}", s.papers),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "- Per-paper cost, digest: {}",
        per_paper(&|s| s.digest.best().map(|r| r.wall_s))
    );
    let _ = writeln!(
        out,
        "- Per-paper cost, Hugo: {}",
        per_paper(&|s| s
            .hugo
            .as_ref()
            .ok()
            .and_then(|h| h.best())
            .map(|r| r.wall_s))
    );
    out
}

fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2]),
        n => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

fn series_row(out: &mut String, kind: &str, s: &EditSeries) {
    let server: Vec<f64> = s.server_ms.iter().map(|&m| m as f64).collect();
    let catch_up: Vec<f64> = s.catch_up_ms.iter().map(|&m| m as f64).collect();
    let fmt = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0}"));
    let max = |v: &[f64]| v.iter().copied().reduce(f64::max);
    let _ = writeln!(
        out,
        "| {kind} | {} | {} | {} | {} | {} | {} | {} | {} |",
        s.reload_ms.len(),
        fmt(median(&s.reload_ms)),
        fmt(max(&s.reload_ms)),
        fmt(median(&server)),
        fmt(max(&server)),
        fmt(median(&catch_up)),
        fmt(max(&catch_up)),
        s.reload_ms
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
}

/// The incremental table and the server's memory.
pub fn incremental(i: &Incremental) -> String {
    let mut out = format!(
        "Warm `digest serve --watch` on {} papers (ready after {:.1} s):\n\n",
        i.papers, i.startup_s
    );
    out.push_str("| edit | edits | save→reload median ms | max ms | server to first reload median ms | max ms | then catch-up median ms | max ms | each save→reload (ms) |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    series_row(&mut out, "abstract only", &i.abstract_edits);
    series_row(&mut out, "tags changed", &i.tag_edits);
    let _ = writeln!(
        out,
        "\nServer memory after the edits: RSS {} MiB, peak {} MiB.",
        mib(i.rss_mib),
        mib(i.hwm_mib)
    );
    out.push_str("\nServer lines:\n\n");
    for line in (i.abstract_edits.lines.iter().take(10)).chain(i.tag_edits.lines.iter().take(10)) {
        let _ = writeln!(out, "    {line}");
    }
    out
}
