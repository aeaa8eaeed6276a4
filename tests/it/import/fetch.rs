//! `digest fetch` against a local HTTP server on 127.0.0.1 that serves saved responses: the
//! papers are merged like an import, an error status and a slow answer give clear messages and
//! write nothing, and arXiv results are fetched page by page.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::{digest, repo, tree};

/// A server answering with `respond(path_and_query)` (status, body, and whether to stall: never
/// answer); records every request target.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

fn serve(respond: fn(&str) -> (u16, String, bool)) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap_or(0);
                let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
                // Drain the headers.
                let mut header = String::new();
                while reader.read_line(&mut header).unwrap_or(0) > 2 {
                    header.clear();
                }
                seen.lock().unwrap().push(target.clone());
                let (status, body, stall) = respond(&target);
                if stall {
                    // A server that never answers: wait until the client gives up and closes.
                    let _ = std::io::copy(&mut reader, &mut std::io::sink());
                    return;
                }
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    Server { url, requests }
}

fn hf_day(target: &str) -> (u16, String, bool) {
    if target.starts_with("/api/daily_papers?date=2025-02-07") {
        let json = r#"[{"paper":{"id":"2502.04522","title":"Sparse Mixtures of Long-Context Experts","summary":"We study sparse mixtures.","authors":[{"name":"Mei Lin"}],"publishedAt":"2025-02-06T18:59:59.000Z","upvotes":42,"githubRepo":"https://github.com/mei/smoe"},"submittedOnDailyAt":"2025-02-07T01:23:45.000Z"}]"#;
        (200, json.to_string(), false)
    } else if target.starts_with("/api/daily_papers") {
        (200, "[]".to_string(), false)
    } else if target.starts_with("/broken") {
        (
            503,
            "{\"error\":\"Service Unavailable\"}".to_string(),
            false,
        )
    } else {
        (200, "[]".to_string(), true)
    }
}

#[test]
fn hf_day_is_fetched_and_merged() {
    let server = serve(hf_day);
    let tmp = tempfile::tempdir().unwrap();
    let endpoint = format!("{}/api/daily_papers", server.url);
    let run = digest(
        &[
            "fetch",
            "hf",
            "--date",
            "2025-02-07",
            "--endpoint",
            &endpoint,
            "--into",
            "content",
        ],
        tmp.path(),
    );
    run.assert_success();
    assert!(run.stdout.contains("1 added"), "{}", run.stdout);
    let files = tree(&tmp.path().join("content"));
    let text = String::from_utf8(files.values().next().unwrap().clone()).unwrap();
    assert!(
        text.contains("date = 2025-02-07") && text.contains("published = 2025-02-06"),
        "{text}"
    );
    assert!(text.contains("upvotes = 42"), "{text}");
    // Fetching again changes nothing.
    let run = digest(
        &[
            "fetch",
            "hf",
            "--date",
            "2025-02-07",
            "--endpoint",
            &endpoint,
            "--into",
            "content",
        ],
        tmp.path(),
    );
    assert!(
        run.stdout.contains("0 added, 0 updated, 1 unchanged"),
        "{}",
        run.stdout
    );
    assert_eq!(
        server.requests.lock().unwrap().as_slice(),
        [
            "/api/daily_papers?date=2025-02-07",
            "/api/daily_papers?date=2025-02-07"
        ]
    );
}

/// Every day of the week is asked for; the weekdays whose list is empty fail (exit 3, each
/// named), never "0 papers"; the weekend is a day without a list; Friday's paper is merged.
#[test]
fn a_week_asks_for_each_day_and_empty_weekdays_fail() {
    let server = serve(hf_day);
    let tmp = tempfile::tempdir().unwrap();
    let endpoint = format!("{}/api/daily_papers", server.url);
    let run = digest(
        &[
            "fetch",
            "hf",
            "--week",
            "2025-02-07",
            "--endpoint",
            &endpoint,
            "--into",
            "content",
        ],
        tmp.path(),
    );
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    for day in ["2025-02-03 (Monday)", "2025-02-06 (Thursday)"] {
        assert!(
            run.stderr
                .contains(&format!("error: hf {day}: Hugging Face listed no papers")),
            "{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("1 added"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("hf 2025-02-08 (Saturday): no list (not a gap)"),
        "{}",
        run.stdout
    );
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 7);
    assert_eq!(requests[0], "/api/daily_papers?date=2025-02-03");
    assert_eq!(requests[6], "/api/daily_papers?date=2025-02-09");
}

#[test]
fn error_status_and_slow_answers_write_nothing() {
    let server = serve(hf_day);
    let tmp = tempfile::tempdir().unwrap();
    let run = digest(
        &[
            "fetch",
            "hf",
            "--date",
            "2025-02-07",
            "--endpoint",
            &format!("{}/broken", server.url),
        ],
        tmp.path(),
    );
    assert_eq!(run.code, Some(3), "a server error is a network failure");
    assert!(
        run.stderr.contains("503") && run.stderr.contains("nothing was written"),
        "{}",
        run.stderr
    );
    // A 503 that says nothing of when to come back is not asked again.
    assert_eq!(server.requests.lock().unwrap().len(), 1);
    let run = digest(
        &[
            "fetch",
            "hf",
            "--date",
            "2025-02-07",
            "--endpoint",
            &format!("{}/slow", server.url),
            "--timeout",
            "0.5",
        ],
        tmp.path(),
    );
    assert_eq!(run.code, Some(3), "a timeout is a network failure");
    assert!(
        run.stderr.contains("no complete answer within 0.5 s"),
        "{}",
        run.stderr
    );
    assert!(!tmp.path().join("content").exists());
}

fn arxiv_pages(target: &str) -> (u16, String, bool) {
    let atom =
        std::fs::read_to_string(repo().join("tests/fixtures/import/arxiv-query.atom")).unwrap();
    let entries: Vec<&str> = atom
        .split("<entry>")
        .skip(1)
        .map(|e| e.split("</entry>").next().unwrap())
        .collect();
    let head = atom.split("<entry>").next().unwrap();
    let page: Vec<&str> = if target.contains("start=0&") {
        entries[..2].to_vec()
    } else {
        entries[2..].to_vec()
    };
    let body = format!(
        "{head}{}</feed>\n",
        page.iter()
            .map(|e| format!("<entry>{e}</entry>"))
            .collect::<String>()
    );
    (200, body, false)
}

#[test]
fn arxiv_results_are_fetched_page_by_page() {
    let server = serve(arxiv_pages);
    let tmp = tempfile::tempdir().unwrap();
    let endpoint = format!("{}/api/query", server.url);
    let run = digest(
        &[
            "fetch",
            "arxiv",
            "--query",
            "all:diffusion AND cat:cs.LG",
            "--max",
            "10",
            "--page-size",
            "2",
            "--delay",
            "0",
            "--endpoint",
            &endpoint,
            "--into",
            "content",
        ],
        tmp.path(),
    );
    run.assert_success();
    assert!(
        run.stdout.contains("read 3 papers") && run.stdout.contains("3 added"),
        "{}",
        run.stdout
    );
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[0].contains("search_query=all%3Adiffusion+AND+cat%3Acs.LG&start=0&max_results=2"),
        "{requests:?}"
    );
    assert!(
        requests[1].contains("start=2&max_results=2"),
        "{requests:?}"
    );
}
