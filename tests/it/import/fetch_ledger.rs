//! The fetch ledger and `digest fetch hf --missing`, against a fake Hugging Face API on
//! 127.0.0.1 serving two weeks of lists (2025-01-27 to 2025-02-09): a weekday missing upstream
//! (an empty list, as the real API answers for a day without papers), a day failing with 503
//! (Retry-After: 0) on its first two requests, weekends without lists but one Sunday with a
//! paper, and a Friday whose list can grow.

use crate::common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::{digest, tree};

/// The fake API: requests counted per target, and whether Friday's list has grown.
struct FakeHf {
    endpoint: String,
    requests: Arc<Mutex<BTreeMap<String, usize>>>,
    grown: Arc<AtomicBool>,
}

impl FakeHf {
    /// How often each day was asked for: `(day, count)`, days in order.
    fn counts(&self) -> Vec<(String, usize)> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|(target, n)| (target.rsplit('=').next().unwrap().to_string(), *n))
            .collect()
    }

    fn total(&self) -> usize {
        self.requests.lock().unwrap().values().sum()
    }
}

/// One item of `/api/daily_papers`, as the real API writes it (the fields digest reads).
fn item(id: &str, title: &str, day: &str, upvotes: u32) -> String {
    format!(
        r#"{{"paper":{{"id":"{id}","title":"{title}","summary":"An abstract about {title}.","authors":[{{"name":"Ada Lovelace"}}],"publishedAt":"{day}T17:59:59.000Z","upvotes":{upvotes}}},"submittedOnDailyAt":"{day}T01:00:00.000Z","numComments":0}}"#
    )
}

/// The answer for `day` (status, body, Retry-After) on its `nth` request (1-based).
fn answer(day: &str, nth: usize, grown: bool) -> (u16, String) {
    let date: jiff::civil::Date = day.parse().unwrap();
    // A distinct arXiv id per day.
    let id =
        10_000 + u32::from(date.day().unsigned_abs()) * 10 + u32::from(date.month().unsigned_abs());
    let one = |upvotes| {
        item(
            &format!("2502.{id}"),
            &format!("Paper of {day}"),
            day,
            upvotes,
        )
    };
    match day {
        "2025-03-03" => (
            200,
            "<!DOCTYPE html><html><body>We are down for maintenance</body></html>".into(),
        ),
        "2025-02-05" => (200, "[]".into()),
        "2025-02-06" if nth <= 2 => (503, r#"{"error":"Service Unavailable"}"#.into()),
        "2025-03-05" if nth == 1 => (429, r#"{"error":"Too Many Requests"}"#.into()),
        "2025-03-06" => (503, r#"{"error":"Service Unavailable"}"#.into()),
        "2025-02-07" if grown => (
            200,
            format!(
                "[{},{}]",
                one(40),
                item("2502.09999", "A late paper", day, 3)
            ),
        ),
        "2025-02-09" => (200, format!("[{}]", one(2))),
        _ if matches!(
            date.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        ) =>
        {
            (200, "[]".into())
        }
        _ => (200, format!("[{}]", one(5))),
    }
}

fn serve() -> FakeHf {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/api/daily_papers", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(BTreeMap::new()));
    let grown = Arc::new(AtomicBool::new(false));
    let (seen, grew) = (requests.clone(), grown.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (seen, grew) = (seen.clone(), grew.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap_or(0);
                let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut header = String::new();
                while reader.read_line(&mut header).unwrap_or(0) > 2 {
                    header.clear();
                }
                let nth = {
                    let mut seen = seen.lock().unwrap();
                    let n = seen.entry(target.clone()).or_insert(0);
                    *n += 1;
                    *n
                };
                let day = target.split("date=").nth(1).unwrap_or("").to_string();
                let (status, body) = if day.is_empty() {
                    (404, "{}".to_string())
                } else {
                    answer(&day, nth, grew.load(Ordering::SeqCst))
                };
                // Come back at once; 2025-03-06 asks for an hour, longer than a fetch waits.
                let retry_after = if day == "2025-03-06" { 3600 } else { 0 };
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/json\r\nRetry-After: {retry_after}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    FakeHf {
        endpoint,
        requests,
        grown,
    }
}

fn fetch(server: &FakeHf, site: &std::path::Path, days: &[&str]) -> common::Run {
    let mut args = vec!["fetch", "hf"];
    args.extend_from_slice(days);
    args.extend_from_slice(&["--endpoint", &server.endpoint, "--delay", "0"]);
    digest(&args, site)
}

const MISSING: &[&str] = &["--missing", "--until", "2025-02-09"];
const LEDGER: &str = "data/fetch-ledger.toml";

/// The ledger's entry for `day`, as text.
fn entry(site: &std::path::Path, day: &str) -> Option<String> {
    let text = common::read(site, LEDGER);
    let start = text.find(&format!("[hf.\"{day}\"]"))?;
    Some(text[start..].split("\n\n").next().unwrap().to_string())
}

#[test]
fn missing_fetches_each_day_once_and_retries_the_failed_ones() {
    let server = serve();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();

    // Run 1: the last 14 days. Wednesday is empty, Thursday 503 twice: exit 3, each named.
    let run = fetch(&server, site, MISSING);
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    for day in [
        "2025-02-05 (Wednesday): Hugging Face listed no papers",
        "2025-02-06 (Thursday): http",
    ] {
        assert!(run.stderr.contains(day), "{day}: {}", run.stderr);
    }
    assert!(
        run.stderr.contains("503") && run.stderr.contains("2 of 14 days failed"),
        "{}",
        run.stderr
    );
    let counts = server.counts();
    assert_eq!(counts.len(), 14, "{counts:?}");
    assert_eq!(counts[0].0, "2025-01-27");
    for (day, n) in &counts {
        let expected = if day == "2025-02-06" { 2 } else { 1 };
        assert_eq!(
            *n, expected,
            "{day} asked {n} times (the 503 once more after Retry-After)"
        );
    }
    // Nothing written for the failed days; the others written and recorded.
    assert!(entry(site, "2025-02-05").is_none() && entry(site, "2025-02-06").is_none());
    let records = tree(&site.join("content"));
    assert_eq!(
        records.len(),
        8 + 1,
        "eight weekdays and one Sunday: {:?}",
        records.keys()
    );
    assert!(!records.keys().any(|k| k.contains("2025-02-06")));
    // Weekends are not gaps: recorded as days without a list, or with the paper one had.
    for day in ["2025-02-01", "2025-02-02", "2025-02-08"] {
        let e = entry(site, day).unwrap();
        assert!(
            e.contains("papers = 0\n") && e.contains("outcome = \"no-list\""),
            "{e}"
        );
    }
    let sunday = entry(site, "2025-02-09").unwrap();
    assert!(
        sunday.contains("papers = 1\n") && sunday.contains("outcome = \"listed\""),
        "{sunday}"
    );
    let monday = entry(site, "2025-02-03").unwrap();
    assert!(
        monday.contains("fingerprint = \"fnv1a64:") && monday.contains("fetched = 20"),
        "{monday}"
    );

    // Run 2: only the two failed days are asked again. Thursday now answers; Wednesday is
    // still empty while later days have papers: a day without a list (a holiday).
    let run = fetch(&server, site, MISSING);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(server.total(), 15 + 2);
    assert!(
        run.stdout.contains("hf 2025-02-05 (Wednesday): no list"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 added"), "{}", run.stdout);
    assert!(entry(site, "2025-02-06").unwrap().contains("papers = 1\n"));
    assert!(
        entry(site, "2025-02-05")
            .unwrap()
            .contains("outcome = \"no-list\"")
    );

    // Run 3: nothing missing, no request, the ledger byte for byte the same.
    let before = std::fs::read(site.join(LEDGER)).unwrap();
    let run = fetch(&server, site, MISSING);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("nothing to fetch"), "{}", run.stdout);
    assert_eq!(server.total(), 17);
    assert_eq!(std::fs::read(site.join(LEDGER)).unwrap(), before);
}

#[test]
fn a_day_that_grew_is_updated_and_an_unchanged_one_leaves_the_ledger_alone() {
    let server = serve();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    let friday = ["--date", "2025-02-07"];
    fetch(&server, site, &friday).assert_success();
    let first = entry(site, "2025-02-07").unwrap();
    let ledger = std::fs::read(site.join(LEDGER)).unwrap();
    // The same answer again: records and ledger unchanged.
    let run = fetch(&server, site, &friday);
    assert!(
        run.stdout.contains("0 added, 0 updated, 1 unchanged"),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read(site.join(LEDGER)).unwrap(), ledger);

    server.grown.store(true, Ordering::SeqCst);
    let run = fetch(&server, site, &friday);
    run.assert_success();
    assert!(run.stdout.contains("1 added, 1 updated"), "{}", run.stdout);
    let records = tree(&site.join("content"));
    let texts: Vec<String> = records
        .values()
        .map(|b| String::from_utf8(b.clone()).unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("upvotes = 40")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("A late paper")),
        "{texts:?}"
    );
    let grown = entry(site, "2025-02-07").unwrap();
    assert!(grown.contains("papers = 2\n"), "{grown}");
    let fingerprint = |e: &str| {
        e.lines()
            .find(|l| l.starts_with("fingerprint"))
            .unwrap()
            .to_string()
    };
    assert_ne!(fingerprint(&grown), fingerprint(&first));
}

#[test]
fn a_corrupt_ledger_is_an_error_at_its_line_and_column_and_nothing_is_fetched() {
    let server = serve();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    let broken = "# mine\n[hf.\"2025-02-03\"]\npapers = 1\nfetched = 2025-02-04T03:17:00Z\nfingerprint = \"fnv1a64:00\"\noutcome = \"fine\"\n";
    common::write(&site.join(LEDGER), broken);
    let run = fetch(&server, site, MISSING);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("data/fetch-ledger.toml:6:11"),
        "{}",
        run.stderr
    );
    assert_eq!(server.total(), 0);
    assert_eq!(common::read(site, LEDGER), broken);
    assert!(!site.join("content").exists());
}

/// An answer that is not the listing (an HTML page) fails its day only; the next day is
/// written and recorded.
#[test]
fn an_unreadable_answer_fails_only_its_day() {
    let server = serve();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    let run = fetch(
        &server,
        site,
        &["--since", "2025-03-03", "--until", "2025-03-04"],
    );
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("hf 2025-03-03 (Monday): http"),
        "{}",
        run.stderr
    );
    assert!(entry(site, "2025-03-03").is_none());
    assert!(entry(site, "2025-03-04").unwrap().contains("papers = 1\n"));
    assert_eq!(tree(&site.join("content")).len(), 1);
}

/// `--dry-run` shows what would be fetched and merged, and writes neither records nor ledger.
#[test]
fn a_dry_run_writes_no_ledger() {
    let server = serve();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    let run = fetch(&server, site, &["--date", "2025-02-03", "--dry-run"]);
    run.assert_success();
    assert!(run.stdout.contains("1 added"), "{}", run.stdout);
    assert_eq!(server.total(), 1);
    assert!(!site.join("data").exists() && !site.join("content").exists());
}

/// A 429 whose Retry-After a fetch can wait for is asked once more in the same run; one that
/// asks for an hour fails the day at once.
#[test]
fn retry_after_is_honoured_once_when_short() {
    let server = serve();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    let run = fetch(&server, site, &["--date", "2025-03-05"]);
    run.assert_success();
    assert_eq!(server.counts(), [("2025-03-05".to_string(), 2)]);
    assert!(entry(site, "2025-03-05").unwrap().contains("papers = 1\n"));

    let run = fetch(&server, site, &["--date", "2025-03-06"]);
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(
        run.stderr.contains("hf 2025-03-06 (Thursday)")
            && run.stderr.contains("503")
            && run.stderr.contains("come back in 3600 s"),
        "{}",
        run.stderr
    );
    assert_eq!(server.counts()[1], ("2025-03-06".to_string(), 1));
    assert!(entry(site, "2025-03-06").is_none());
}
