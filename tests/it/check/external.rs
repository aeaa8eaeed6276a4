//! `digest check --external` through the command line: the records' links are asked once,
//! and a gone one is an error at the place its record writes it. (The checker itself — HEAD
//! then GET, redirects, Retry-After, delays, the cache — is tested in `src/check/external/`.)

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::common::{digest, write};

/// A server on 127.0.0.1 answering 404 on `/gone`, 200 elsewhere; it records the paths asked.
fn server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let status = if path == "/gone" {
                "404 Not Found"
            } else {
                "200 OK"
            };
            log.lock().unwrap().push(format!(
                "{} {path}",
                line.split_whitespace().next().unwrap_or("")
            ));
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (port, asked)
}

#[test]
fn a_gone_link_is_an_error_where_its_record_writes_it() {
    let (port, asked) = server();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write(
        &root.join("site.toml"),
        "title = \"Links\"\nbase_url = \"https://example.org/\"\n",
    );
    let gone = format!("http://127.0.0.1:{port}/gone");
    let ok = format!("http://127.0.0.1:{port}/ok");
    let text = format!(
        "+++\ntitle = \"Gone\"\ndate = 2025-01-01\nlinks = {{ code = \"{gone}\" }}\n+++\nA.\n"
    );
    write(&root.join("content/gone.md"), &text);
    write(
        &root.join("content/fine.md"),
        &format!(
            "+++\ntitle = \"Fine\"\ndate = 2025-01-02\nlinks = {{ code = \"{ok}\" }}\n+++\nB.\n"
        ),
    );
    // The same link in two records is asked once.
    write(
        &root.join("content/again.md"),
        &format!(
            "+++\ntitle = \"Again\"\ndate = 2025-01-03\nlinks = {{ code = \"{gone}\" }}\n+++\nC.\n"
        ),
    );
    let run = digest(
        &[
            "check",
            "--external",
            "--format",
            "json",
            "--root",
            root.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let external: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "external-link")
        .collect();
    assert_eq!(external.len(), 1, "{findings:#}");
    let f = external[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "content/again.md");
    let column = text.lines().nth(3).unwrap().find(&gone).unwrap() as u64 + 1;
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(4), Some(column)),
        "{f}"
    );
    assert!(f["message"].as_str().unwrap().contains("404"), "{f}");
    assert_eq!(f["related"], serde_json::json!(["content/gone.md"]));
    let asked = asked.lock().unwrap().clone();
    // HEAD, then GET to confirm the 404: once for both records, not once each.
    let gone_asked = asked.iter().filter(|a| a.ends_with(" /gone")).count();
    assert!((1..=2).contains(&gone_asked), "{asked:?}");
    assert!(
        asked
            .iter()
            .all(|a| a.ends_with(" /gone") || a.ends_with(" /ok")),
        "{asked:?}"
    );
}
