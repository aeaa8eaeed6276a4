//! The guard against publishing a shrunken or stale site (`[guard]` of `site.toml`): before the
//! new build replaces the output, its manifest (`digest.json`) is compared with the previous
//! one's — the output folder's, or, when that has none and the build is asked to (CI), the
//! published site's at `base_url` — and the build is refused when it lost more papers than
//! allowed, or when its newest listing day went back to a day older than allowed.
//!
//! Runs before anything is written, so a refused build leaves the output byte-identical. Does
//! not run in `digest serve` (a preview publishes nothing).

use std::path::Path;
use std::time::Duration;

use jiff::civil::Date;

use crate::config::{GuardOptions, PaperDrop};
use crate::diagnostic::{FailureKind, Problem};
use crate::render::views::Manifest;
use crate::routes;
use crate::site::Site;

/// How long the published site's manifest may take to come.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// How this build is guarded (from the command line and the environment).
#[derive(Debug, Clone, Default)]
pub(crate) struct GuardRun {
    /// Publishes whatever the comparison says (`--accept-shrink`).
    pub accept_shrink: bool,
    /// When the output has no manifest, fetches the published site's (`--guard-url`,
    /// `DIGEST_GUARD_FETCH=1`, or `CI=true`).
    pub fetch_published: bool,
    /// Today (UTC), for the staleness limit; `None` skips it (library use).
    pub today: Option<Date>,
}

/// What the guard found that did not stop the build.
#[derive(Debug, Default)]
pub(crate) struct GuardReport {
    /// Something to tell (the published manifest could not be fetched, a refusal overridden).
    pub warnings: Vec<String>,
}

/// The manifest to compare with, and where it came from (for messages).
struct Previous {
    manifest: Manifest,
    from: String,
}

/// Compares the new build of `site` with the previous manifest; `Err` when the build must not
/// replace it.
pub(crate) fn check(site: &Site, output: &Path, run: &GuardRun) -> Result<GuardReport, Problem> {
    let mut report = GuardReport::default();
    let limits = &site.config.guard;
    if limits.max_paper_drop == PaperDrop::Off && limits.max_stale_days.is_none() {
        return Ok(report);
    }
    let new = site.data().manifest(site.pages().len());
    let previous = match read_local(output, &mut report) {
        Some(previous) => Some(previous),
        None if run.fetch_published => fetch_published(&site.config.base_url, &mut report),
        None => None,
    };
    let Some(previous) = previous else {
        return Ok(report);
    };
    let reasons = refusals(&previous.manifest, &new, limits, run.today);
    if reasons.is_empty() {
        return Ok(report);
    }
    if run.accept_shrink {
        report.warnings.push(format!(
            "publishing anyway (--accept-shrink): {}",
            reasons.join("; ")
        ));
        return Ok(report);
    }
    let mut message = format!(
        "not publishing this build: it falls short of the site it would replace ({})",
        previous.from
    );
    for reason in &reasons {
        message.push_str("\n  - ");
        message.push_str(reason);
    }
    // Named after site.toml, where the limits are; the CLI adds that the output is untouched.
    Err(Problem::in_file("site.toml", message)
        .with_hint("if the records are missing by mistake, restore them (`git status content/`) and build again; if the change is meant, publish it with `digest build --accept-shrink`, or loosen [guard] in site.toml (max_paper_drop, max_stale_days; false turns a check off)")
        .with_kind(FailureKind::Input))
}

/// Why `new` may not replace `previous` under `limits` (empty when it may).
///
/// Staleness compares newest listing days: the build is refused when its newest day is older
/// than `previous`'s AND older than `max_stale_days` before `today`. A site that merely was not
/// updated (a weekend, a quiet week) keeps the same newest day and is published: replacing it
/// loses nothing. A build whose newest days vanished (a partial checkout, a fetch that wrote
/// over the newest records) goes back in time, and is refused once that is more than the limit.
fn refusals(
    previous: &Manifest,
    new: &Manifest,
    limits: &GuardOptions,
    today: Option<Date>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if new.papers < previous.papers {
        let drop = previous.papers - new.papers;
        let percent = drop as f64 * 100.0 / previous.papers as f64;
        let (too_many, limit) = match limits.max_paper_drop {
            // One paper may always go: on a small site any removal is more than a few percent,
            // and removing one record (a duplicate, a mistake) is an edit, not a failed fetch.
            PaperDrop::Percent(p) => (
                percent > p && drop > 1,
                format!("max_paper_drop = \"{p}%\""),
            ),
            PaperDrop::Papers(n) => (drop as u64 > n, format!("max_paper_drop = {n}")),
            PaperDrop::Off => (false, String::new()),
        };
        if too_many {
            reasons.push(format!(
                "it has {} papers, {drop} fewer than the {} there: {percent:.1}% dropped, more than {limit} allows",
                new.papers, previous.papers
            ));
        }
    }
    let day = |d: &Option<String>| d.as_deref().and_then(|t| t.parse::<Date>().ok());
    if let (Some(days), Some(today), Some(before)) =
        (limits.max_stale_days, today, day(&previous.newest_day))
    {
        let oldest_allowed = today
            .checked_sub(jiff::Span::new().days(i64::from(days)))
            .unwrap_or(today);
        match day(&new.newest_day) {
            Some(now) if now < before && now < oldest_allowed => reasons.push(format!(
                "its newest day is {now}, older than the {before} there and more than {days} day{} before today ({today}), which max_stale_days = {days} does not allow",
                if days == 1 { "" } else { "s" }
            )),
            None if before >= oldest_allowed => reasons.push(format!(
                "it has no papers at all, where the newest day there is {before}"
            )),
            _ => {}
        }
    }
    reasons
}

/// The output folder's `digest.json`, if it has one that can be read.
fn read_local(output: &Path, report: &mut GuardReport) -> Option<Previous> {
    let path = output.join(routes::MANIFEST);
    let text = std::fs::read_to_string(&path).ok()?;
    match parse(&text) {
        Ok(manifest) => Some(Previous {
            manifest,
            from: path.display().to_string(),
        }),
        Err(why) => {
            report.warnings.push(format!(
                "{}: {why}; the build is not compared with the previous output",
                path.display()
            ));
            None
        }
    }
}

/// The published site's `digest.json` at `base_url`; a failure is a warning, never a refusal.
fn fetch_published(base_url: &str, report: &mut GuardReport) -> Option<Previous> {
    if !base_url.starts_with("http://") && !base_url.starts_with("https://") {
        return None;
    }
    let url = format!("{base_url}{}", routes::MANIFEST);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(FETCH_TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("digest/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let warn = |report: &mut GuardReport, why: String| {
        report.warnings.push(format!(
            "cannot read the published manifest {url}: {why}; the build is not compared with the published site"
        ));
    };
    let mut response = match agent.get(&url).call() {
        Ok(response) => response,
        Err(err) => {
            warn(report, err.to_string());
            return None;
        }
    };
    let status = response.status();
    if status == 404 {
        // A site published before digest wrote manifests, or never: nothing to compare with.
        report.warnings.push(format!(
            "the published site has no {} yet ({url} answered 404); the build is not compared with it",
            routes::MANIFEST
        ));
        return None;
    }
    if !status.is_success() {
        warn(report, format!("the server answered {status}"));
        return None;
    }
    let text = match response
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_string()
    {
        Ok(text) => text,
        Err(err) => {
            warn(report, err.to_string());
            return None;
        }
    };
    match parse(&text) {
        Ok(manifest) => Some(Previous {
            manifest,
            from: url,
        }),
        Err(why) => {
            warn(report, why);
            None
        }
    }
}

/// Reads a manifest, refusing a format newer than this digest knows.
fn parse(text: &str) -> Result<Manifest, String> {
    let manifest: Manifest =
        serde_json::from_str(text).map_err(|err| format!("not a digest manifest ({err})"))?;
    if manifest.digest > crate::render::views::MANIFEST_VERSION {
        return Err(format!(
            "written by a newer digest (format {}, this one reads {})",
            manifest.digest,
            crate::render::views::MANIFEST_VERSION
        ));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(papers: usize, newest: &str) -> Manifest {
        Manifest {
            digest: 1,
            generator: String::new(),
            built_at: None,
            papers,
            newest_day: (!newest.is_empty()).then(|| newest.to_string()),
            pages: 0,
        }
    }

    fn limits(drop: PaperDrop, stale: Option<u32>) -> GuardOptions {
        GuardOptions {
            max_paper_drop: drop,
            max_stale_days: stale,
        }
    }

    #[test]
    fn refusal_table() {
        let today: Date = "2025-03-10".parse().unwrap();
        let pct = PaperDrop::Percent(5.0);
        for (previous, new, limits, refused) in [
            // Papers: 5% of 100 may go, 6 may not; growth is always fine.
            (
                manifest(100, ""),
                manifest(95, ""),
                limits(pct, None),
                false,
            ),
            (manifest(100, ""), manifest(94, ""), limits(pct, None), true),
            (
                manifest(100, ""),
                manifest(200, ""),
                limits(pct, None),
                false,
            ),
            (
                manifest(100, ""),
                manifest(90, ""),
                limits(PaperDrop::Papers(10), None),
                false,
            ),
            (
                manifest(100, ""),
                manifest(89, ""),
                limits(PaperDrop::Papers(10), None),
                true,
            ),
            (
                manifest(100, ""),
                manifest(0, ""),
                limits(PaperDrop::Off, None),
                false,
            ),
            // Staleness: going back past the limit is refused; not going back never is.
            (
                manifest(9, "2025-03-07"),
                manifest(9, "2025-03-03"),
                limits(PaperDrop::Off, Some(3)),
                true,
            ),
            (
                manifest(9, "2025-03-07"),
                manifest(9, "2025-03-07"),
                limits(PaperDrop::Off, Some(3)),
                false,
            ),
            (
                manifest(9, "2025-02-07"),
                manifest(9, "2025-02-07"),
                limits(PaperDrop::Off, Some(3)),
                false,
            ),
            (
                manifest(9, "2025-03-09"),
                manifest(9, "2025-03-07"),
                limits(PaperDrop::Off, Some(3)),
                false,
            ),
            (
                manifest(9, "2025-03-09"),
                manifest(9, "2025-03-06"),
                limits(PaperDrop::Off, Some(3)),
                true,
            ),
            (
                manifest(9, "2025-03-09"),
                manifest(9, "2025-03-06"),
                limits(PaperDrop::Off, None),
                false,
            ),
            (
                manifest(9, "2025-03-09"),
                manifest(0, ""),
                limits(PaperDrop::Off, Some(3)),
                true,
            ),
        ] {
            let reasons = refusals(&previous, &new, &limits, Some(today));
            assert_eq!(
                !reasons.is_empty(),
                refused,
                "{previous:?} -> {new:?} {limits:?}: {reasons:?}"
            );
        }
    }

    #[test]
    fn manifests_of_newer_formats_and_other_files_are_not_compared() {
        assert!(parse("{\"digest\": 2, \"papers\": 1, \"newest_day\": null}").is_err());
        assert!(parse("<html>").is_err());
        let read = parse(
            "{\"digest\": 1, \"papers\": 3, \"newest_day\": \"2025-01-02\", \"future\": true}",
        )
        .unwrap();
        assert_eq!(read.papers, 3);
    }
}
