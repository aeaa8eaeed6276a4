//! How `digest check` prints what it found: as the build prints its problems (a snippet, the
//! place, a hint), or as one JSON array for scripts.

use serde::Serialize;

use super::size::{self, PAGES_LIMIT};
use super::{CheckReport, Finding, Severity};

/// The findings as the terminal shows them, then a summary (counts, size, time).
pub(crate) fn text(report: &CheckReport) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&render(finding));
        out.push('\n');
    }
    out.push_str(&summary(report));
    out
}

/// One finding, its check's code in the heading: `error[duplicate-arxiv]: …`.
pub(crate) fn render(finding: &Finding) -> String {
    let (text, label) = match finding.severity {
        Severity::Error => (finding.problem.render(), "error"),
        Severity::Warning => (finding.problem.render_warning(), "warning"),
    };
    match text.strip_prefix(&format!("{label}:")) {
        Some(rest) => format!("{label}[{}]:{rest}", finding.code),
        None => text,
    }
}

fn summary(report: &CheckReport) -> String {
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = report.findings.len() - errors;
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut out = format!(
        "checked {} and {}: {}, {} ({:.2} s)\n",
        plural(report.records, "record"),
        plural(report.output_files, "output file"),
        plural(errors, "error"),
        plural(warnings, "warning"),
        report.seconds
    );
    if let Some(size) = &report.size {
        let largest: Vec<String> = size
            .by_kind
            .iter()
            .take(3)
            .map(|(kind, bytes, files)| format!("{kind} {} ({files})", size::human(*bytes)))
            .collect();
        out.push_str(&format!(
            "size: {} in {} files; the artifact GitHub Pages counts (tar.gz) {}{}, {:.1}% of its {}; largest: {}\n",
            size::human(size.bytes),
            size.files,
            size::human(size.artifact),
            if size.artifact_sampled {
                " (estimated from a quarter of the files)"
            } else {
                ""
            },
            size.artifact as f64 * 100.0 / PAGES_LIMIT as f64,
            size::human(PAGES_LIMIT),
            largest.join(", ")
        ));
    }
    out
}

/// One finding as JSON.
#[derive(Serialize)]
struct JsonFinding<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    hint: Option<&'a str>,
    notes: &'a [String],
    related: &'a [String],
}

/// The findings as one JSON array, for scripts.
pub(crate) fn json(report: &CheckReport) -> String {
    let findings: Vec<JsonFinding<'_>> = report
        .findings
        .iter()
        .map(|f| {
            let place = f.problem.location.as_ref().map(|l| l.line_col());
            JsonFinding {
                severity: match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                code: f.code,
                message: &f.problem.message,
                file: f.problem.file(),
                line: place.map(|p| p.0),
                column: place.map(|p| p.1),
                hint: f.problem.hint.as_deref(),
                notes: &f.problem.notes,
                related: &f.related,
            }
        })
        .collect();
    serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".to_string())
}
