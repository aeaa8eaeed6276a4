//! The Fetch step of the daily workflow `digest init --daily` writes, run by bash as GitHub runs
//! it, with a stand-in `digest` first on the PATH: what it fetches (Hugging Face: the days the
//! fetch ledger lacks, with `--missing`; arXiv: catching up from the newest record, 14 days at
//! most, the previous working day when there is none), a status 1 a warning, a 2, 3 or 4
//! recorded for the step that fails the run.

use std::process::Command;

use jiff::civil::Date;

use super::{common, days_ago, new_site, step, today};

/// The `run: |` block of the step named `name`, unindented.
fn run_block(text: &str, name: &str) -> String {
    let lines = step(text, &format!("name: {name}"));
    let start = lines.iter().position(|l| l.trim() == "run: |").unwrap() + 1;
    let indent = lines[start].len() - lines[start].trim_start().len();
    lines[start..]
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").to_string() + "\n")
        .collect()
}

/// A stand-in for `digest` on the PATH of the Fetch step: `export json` lists one record of day
/// `$NEWEST` (none when empty); `fetch hf …` and `fetch arxiv …` log their arguments and exit
/// `$ARXIV_STATUS` (the status of either source's one fetch).
const FAKE_DIGEST: &str = r#"#!/usr/bin/env bash
case "$1 $2" in
  "export json")
    if [ -n "$NEWEST" ]; then
      printf '[{"title": "b", "date": "2001-01-01"}, {"title": "a", "date": "%s"}]\n' "$NEWEST"
    else
      echo '[]'
    fi ;;
  "fetch hf" | "fetch arxiv")
    printf '%s\n' "${@:3}" >> "$LOG"
    exit "${ARXIV_STATUS:-0}" ;;
  *) exit 99 ;;
esac
"#;

/// What one run of a Fetch step did.
struct FetchRun {
    status: Option<i32>,
    stdout: String,
    /// What the fake digest logged: days fetched, or arXiv arguments.
    log: Vec<String>,
    /// `$GITHUB_OUTPUT`.
    outputs: String,
}

/// Runs the Fetch step of `workflow` with bash as GitHub does (`-eo pipefail`), the fake digest
/// first on the PATH.
fn run_fetch_step(workflow: &str, newest: Option<Date>, arxiv: i32) -> FetchRun {
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin");
    common::write(&bin.join("digest"), FAKE_DIGEST);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("digest"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }
    let script = tmp.path().join("fetch.sh");
    common::write(&script, &run_block(workflow, "Fetch"));
    let (log, outputs) = (tmp.path().join("log"), tmp.path().join("outputs"));
    std::fs::write(&log, "").unwrap();
    std::fs::write(&outputs, "").unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let output = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &outputs)
        .env("LOG", &log)
        .env("NEWEST", newest.map(|d| d.to_string()).unwrap_or_default())
        .env("ARXIV_STATUS", arxiv.to_string())
        .env("ARXIV_QUERY", "cat:cs.LG AND ti:'diffusion model'")
        .output()
        .expect("bash");
    FetchRun {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        log: std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
        outputs: std::fs::read_to_string(&outputs).unwrap(),
    }
}

/// Waits out the last seconds of a UTC day, so that the days a test expects and the days the
/// workflow's shell computes are counted from the same today.
fn away_from_midnight() {
    let seconds_left = || {
        let now = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC);
        86_400
            - (i64::from(now.hour()) * 3600
                + i64::from(now.minute()) * 60
                + i64::from(now.second()))
    };
    // Polls the clock (at most 31 s, once a day) rather than sleeping a computed time.
    while seconds_left() <= 30 {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

fn daily_workflow(source: &str) -> String {
    away_from_midnight();
    let site = new_site(&["--daily", source]);
    std::fs::read_to_string(site.root.join(".github/workflows/daily.yml")).unwrap()
}

/// The daily Hugging Face job fetches the days the fetch ledger lacks (`--missing`: digest
/// itself catches up and retries failed days, see `import::fetch_ledger`), goes on after a
/// status 1 with a warning, and records a 2, 3 or 4 for the job that fails the run after the
/// records and the ledger are committed and published.
#[test]
fn daily_hf_fetches_the_missing_days_warns_on_1_and_fails_on_2_3_4() {
    let workflow = daily_workflow("hf");
    assert!(workflow.contains("- cron: \"17 3 * * *\""), "{workflow}");

    let run = run_fetch_step(&workflow, Some(days_ago(5)), 0);
    assert_eq!(run.status, Some(0), "{}", run.stdout);
    assert_eq!(run.log, ["--missing"]);
    assert!(!run.outputs.contains("failed="), "{}", run.outputs);

    let run = run_fetch_step(&workflow, Some(days_ago(5)), 1);
    assert_eq!(run.status, Some(0), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("::warning::digest fetch hf --missing: some entries"),
        "{}",
        run.stdout
    );
    assert!(!run.outputs.contains("failed="), "{}", run.outputs);

    for status in [2, 3, 4] {
        let run = run_fetch_step(&workflow, None, status);
        assert_eq!(run.status, Some(0), "{}", run.stdout);
        assert_eq!(run.log, ["--missing"]);
        assert!(
            run.outputs.contains(&format!("failed={status}\n")),
            "{}",
            run.outputs
        );
        assert!(run.stdout.contains("::error::"), "{}", run.stdout);
    }

    // The ledger is committed with the records.
    let commit = step(&workflow, "name: Commit the new records").join("\n");
    assert!(
        commit.contains("git add data/fetch-ledger.toml") && commit.contains("git add content"),
        "{commit}"
    );

    // The failure fails the run, in the job that runs after the commit and the deployment.
    let fail = step(&workflow, "name: Fail the run when a fetch failed").join("\n");
    assert!(
        fail.contains("if: needs.update.outputs.failed != ''") && fail.contains("exit 1"),
        "{fail}"
    );
    assert!(workflow.contains("      failed: ${{ steps.fetch.outputs.failed }}\n"));
    let deploy = workflow.find("  deploy:\n").unwrap();
    assert!(workflow.find("name: Fail the run").unwrap() > deploy);
    assert!(workflow.find("name: Commit the new records").unwrap() < deploy);
}

/// The daily arXiv job asks for the query's papers submitted since the newest record's day.
#[test]
fn daily_arxiv_asks_for_the_days_since_the_newest_record() {
    let workflow = daily_workflow("arxiv:cat:cs.LG AND ti:'diffusion model'");
    let run = run_fetch_step(&workflow, Some(days_ago(6)), 0);
    assert_eq!(run.status, Some(0), "{}", run.stdout);
    let compact = |d: Date| d.strftime("%Y%m%d").to_string();
    let query = format!(
        "(cat:cs.LG AND ti:'diffusion model') AND submittedDate:[{}0000 TO {}2359]",
        compact(days_ago(6)),
        compact(today())
    );
    assert!(run.log.contains(&query), "{:?}", run.log);
    assert!(!run.outputs.contains("failed="));

    let run = run_fetch_step(&workflow, Some(days_ago(6)), 1);
    assert!(run.stdout.contains("::warning::"), "{}", run.stdout);
    assert!(!run.outputs.contains("failed="));
    let run = run_fetch_step(&workflow, Some(days_ago(6)), 3);
    assert!(run.outputs.contains("failed=3\n"), "{}", run.outputs);

    // A month behind: the last 14 days.
    let run = run_fetch_step(&workflow, Some(days_ago(30)), 0);
    let since = format!("submittedDate:[{}0000 TO", compact(days_ago(14)));
    assert!(run.log.iter().any(|a| a.contains(&since)), "{:?}", run.log);
    assert!(
        run.outputs
            .contains(&format!("range={} to {}\n", days_ago(14), days_ago(1))),
        "{}",
        run.outputs
    );

    // No record yet: since the previous working day.
    let run = run_fetch_step(&workflow, None, 0);
    let back = match today().weekday() {
        jiff::civil::Weekday::Monday => 3,
        jiff::civil::Weekday::Sunday => 2,
        _ => 1,
    };
    let since = format!("submittedDate:[{}0000 TO", compact(days_ago(back)));
    assert!(run.log.iter().any(|a| a.contains(&since)), "{:?}", run.log);
}
