//! Exit statuses through the real binary, one kind of failure each, as a scheduled job sees
//! them: 0 success, 1 the input had problems, 2 usage error, 3 network or remote-service error,
//! 4 output or file-system error. A job that fails on 2, 3 and 4 and reports 1 relies on
//! each of these; `--help` lists them.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

use common::{Run, Site, digest, tree};

/// A server on 127.0.0.1 answering every request with `status` and `body` (JSON).
fn serve(status: u16, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            // The request line and headers, up to the blank line.
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                line.clear();
            }
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

/// `digest fetch hf --date 2025-02-07 --endpoint URL --into content` in `dir`.
fn fetch_hf(url: &str, dir: &Path) -> Run {
    digest(
        &[
            "fetch",
            "hf",
            "--date",
            "2025-02-07",
            "--endpoint",
            &format!("{url}/api/daily_papers"),
            "--into",
            "content",
        ],
        dir,
    )
}

fn assert_code(run: &Run, code: i32) {
    assert_eq!(
        run.code,
        Some(code),
        "expected exit status {code}\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
}

/// One paper of a Hugging Face day, as `/api/daily_papers` gives it.
const ONE_PAPER: &str = r#"[{"paper":{"id":"2502.04522","title":"Sparse Mixtures of Long-Context Experts","summary":"We study sparse mixtures.","authors":[{"name":"Mei Lin"}],"publishedAt":"2025-02-06T18:59:59.000Z","upvotes":42},"submittedOnDailyAt":"2025-02-07T01:23:45.000Z"}]"#;

#[test]
fn success_is_0() {
    let tmp = tempfile::tempdir().unwrap();
    let run = fetch_hf(&serve(200, ONE_PAPER), tmp.path());
    assert_code(&run, 0);
    assert_eq!(tree(&tmp.path().join("content")).len(), 1);
}

#[test]
fn usage_errors_are_2() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["build", "--no-such-option"][..],
        &["fetch", "hf"],
        &[
            "fetch",
            "hf",
            "--date",
            "2025-02-07",
            "--week",
            "2025-02-07",
        ],
        &["fetch", "hf", "--date", "yesterday"],
        &["import", "no-such-format", "list.txt"],
        &["nonsense"],
    ] {
        let run = digest(args, tmp.path());
        assert_code(&run, 2);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(tree(tmp.path()).is_empty(), "a usage error wrote files");
}

#[test]
fn an_http_error_status_is_3_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = fetch_hf(
        &serve(503, r#"{"error":"Service Unavailable"}"#),
        tmp.path(),
    );
    assert_code(&run, 3);
    assert!(
        run.stderr.contains("503") && run.stderr.contains("nothing was written"),
        "{}",
        run.stderr
    );
    assert!(!tmp.path().join("content").exists());
}

#[test]
fn a_malformed_answer_is_3() {
    let tmp = tempfile::tempdir().unwrap();
    // A captive portal or a changed API: 200, but not the listing.
    let run = fetch_hf(&serve(200, r#"{"message":"sign in first"}"#), tmp.path());
    assert_code(&run, 3);
    assert!(run.stderr.contains("daily-paper items"), "{}", run.stderr);
    assert!(!tmp.path().join("content").exists());
}

#[test]
fn no_server_at_all_is_3() {
    // A port that was free a moment ago: the connection is refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmp = tempfile::tempdir().unwrap();
    let run = fetch_hf(&format!("http://127.0.0.1:{port}"), tmp.path());
    assert_code(&run, 3);
}

#[test]
fn a_skipped_entry_is_1_and_the_others_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    // The second item has no title: it is skipped, the first is merged.
    let listing = r#"[{"paper":{"id":"2502.04522","title":"Sparse Mixtures of Long-Context Experts","summary":"We study sparse mixtures.","publishedAt":"2025-02-06T18:59:59.000Z"},"submittedOnDailyAt":"2025-02-07T01:23:45.000Z"},
{"paper":{"id":"2502.04523","summary":"No title here.","publishedAt":"2025-02-06T18:59:59.000Z"},"submittedOnDailyAt":"2025-02-07T01:23:45.000Z"}]"#;
    let run = fetch_hf(&serve(200, listing), tmp.path());
    assert_code(&run, 1);
    assert!(run.stderr.contains("skipped an entry"), "{}", run.stderr);
    assert_eq!(tree(&tmp.path().join("content")).len(), 1);
}

#[test]
fn a_bad_record_is_1() {
    let site = Site::fixture("small");
    site.write(
        "content/bad.md",
        "+++\ntitle = \"No date\"\n+++\nAn abstract.\n",
    );
    let run = site.build(&[]);
    assert_code(&run, 1);
    assert!(run.stderr.contains("bad.md"), "{}", run.stderr);
    assert!(!site.out().exists());
}

#[test]
fn an_output_that_cannot_be_made_is_4() {
    let site = Site::fixture("small");
    // The output's parent is a regular file, so no folder can be made there (root or not).
    let file = site.tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = file.join("public");
    let run = digest(
        &[
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    assert_code(&run, 4);
    assert!(run.stderr.contains("a-file"), "{}", run.stderr);

    // The same for the records of an import and the file of an export.
    let listing = site.tmp.path().join("listing.json");
    std::fs::write(&listing, ONE_PAPER).unwrap();
    let into = file.join("content");
    let run = digest(
        &[
            "import",
            "hf-json",
            listing.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    assert_code(&run, 4);
    let run = digest(
        &[
            "export",
            "bibtex",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            file.join("papers.bib").to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    assert_code(&run, 4);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

#[test]
fn an_output_locked_by_another_process_is_4() {
    let site = Site::fixture("small");
    let out = site.out();
    std::fs::create_dir_all(&out).unwrap();
    // This test's process holds the lock a digest build or serve takes.
    let _lock = digest::write::lock::OutputLock::acquire(&out).unwrap();
    let run = site.build(&[]);
    assert_code(&run, 4);
    assert!(
        run.stderr.contains("another digest is writing"),
        "{}",
        run.stderr
    );
}

#[test]
fn serve_on_a_port_in_use_is_3_and_into_an_unwritable_output_4() {
    let site = Site::fixture("small");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let root = site.root.to_str().unwrap();
    let run = digest(&["serve", "--root", root, "--port", &port], site.tmp.path());
    assert_code(&run, 3);
    assert!(run.stderr.contains("cannot listen"), "{}", run.stderr);

    let file = site.tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = file.join("preview");
    let run = digest(
        &[
            "serve",
            "--root",
            root,
            "--port",
            "0",
            "--output",
            out.to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    assert_code(&run, 4);
}

#[test]
fn help_lists_the_exit_statuses() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["fetch", "hf", "--help"],
    ] {
        let run = digest(args, tmp.path());
        assert_code(&run, 0);
        for line in [
            "Exit status:",
            "  0  success",
            "  1  the input had problems",
            "  2  usage error",
            "  3  network or remote-service error",
            "  4  output or file-system error",
        ] {
            assert!(run.stdout.contains(line), "{args:?}: {}", run.stdout);
        }
    }
}

#[test]
fn version_names_the_commit_in_a_checkout() {
    let tmp = tempfile::tempdir().unwrap();
    let run = digest(&["--version"], tmp.path());
    assert_code(&run, 0);
    let version = env!("CARGO_PKG_VERSION");
    let expected = match std::process::Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short=9",
            "HEAD",
        ])
        .output()
    {
        // The binary was built from this checkout (build.rs reruns when HEAD moves).
        Ok(out) if out.status.success() => format!(
            "digest {version} ({})\n",
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        _ => format!("digest {version}\n"),
    };
    assert_eq!(run.stdout, expected);
}
