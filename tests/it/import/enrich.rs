//! `digest enrich` through the real binary, against a small HTTP server on 127.0.0.1 that answers
//! like arXiv's API (Atom), Hugging Face's paper search and Semantic Scholar's title match
//! (JSON), and counts the requests it gets (`enrich_support`).

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use support::*;

/// The headline: a Hugging Face listing copied as text, imported, then enriched against a
/// server that knows some of its papers (two on arXiv, one only on Hugging Face): each of
/// those ends with its arXiv id, names and links (and the tldr Hugging Face serves), the others
/// stay byte for byte, the report counts right, and a second run (which reads every record
/// again) sends no request.
#[test]
fn a_pasted_listing_ends_complete_for_every_paper_the_server_knows() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    let listing = tmp.path().join("listing.txt");
    std::fs::write(
        &listing,
        "Daily Papers\n\nbyAK and the research community\n\n\
         Tidal Transformers: Sequence Models for Coastal Flooding\n\n\
         We model tides with attention. Code at https://github.com/example/tidal-own.\n\n  • 3 authors\nFeb 6\n\n\
         Sparse Lanterns -- Lighting Up Mixture-of-Experts Routing\n\n\
         Routing experts by light.\n\n  • 2 authors\nFeb 5\n\n\
         Quiet Gradients: A Study of Silent Failures in Training\n\n\
         Gradients that vanish quietly.\n\n  • 4 authors\nJan 30\n\n\
         Nobody Indexed This Paper\n\nAn abstract no server knows.\n\n  • 1 author\nFeb 4\n\n\
         Another Unknown Work on Things\n\nAlso unknown.\n\n  • 5 authors\nFeb 3\n",
    )
    .unwrap();
    let content = root.join("content");
    let import = digest(
        tmp.path(),
        &[
            "import",
            "hf-text",
            listing.to_str().unwrap(),
            "--into",
            content.to_str().unwrap(),
            "--year",
            "2025",
        ],
    );
    assert!(import.status.success(), "{import:?}");
    let before: BTreeMap<String, String> = std::fs::read_dir(&content)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    assert_eq!(before.len(), 5, "{before:?}");

    let server = FakeServer::start(|api, title, _| match (api, key(title).as_str()) {
        (Api::Arxiv, "tidaltransformerssequencemodelsforcoastalflooding") => {
            Reply::ok(atom(&[ArxivEntry {
                id: "2502.01111",
                title: "Tidal Transformers: Sequence Models for Coastal\n  Flooding",
                published: "2025-02-05",
                authors: &["Ada Tide", "Ben Wave", "Cy Shore"],
            }]))
        }
        (Api::Arxiv, "quietgradientsastudyofsilentfailuresintraining") => {
            Reply::ok(atom(&[ArxivEntry {
                id: "2501.17777",
                title: "Quiet Gradients: A Study of Silent Failures in Training",
                published: "2025-01-29",
                authors: &["Dee Grad", "Eve Loss", "Fay Step", "Gus Norm"],
            }]))
        }
        (Api::Arxiv, _) => Reply::ok(no_entries()),
        (Api::Hf, "sparselanternslightingupmixtureofexpertsrouting") => {
            Reply::ok(hf_items(&[serde_json::json!({
                "id": "2502.02222",
                "title": "Sparse Lanterns: Lighting Up Mixture-of-Experts Routing",
                "publishedAt": "2025-02-04T17:00:00.000Z",
                "authors": [{"name": "Hal Light", "hidden": false}, {"name": "Ivy Route", "hidden": false}],
                "summary": "Routing experts by light.",
                "upvotes": 12,
                "githubRepo": "https://github.com/example/lanterns",
                "ai_summary": "Sparse Lanterns route tokens to experts by their brightness.",
                "projectPage": "https://lanterns.example.org",
                "ai_keywords": ["mixture of experts", "routing"]
            })]))
        }
        (Api::Hf, _) => Reply::ok("[]"),
        (Api::S2, _) => Reply::status(404, S2_NONE),
    });

    let out = enrich(&root, &server, &[]);
    let report = stdout(&out);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Two papers found on arXiv at once (1 request each), one on Hugging Face after arXiv
    // (2), two nowhere after all three sources (3 each).
    assert_eq!(server.count(), 2 + 2 + 6, "{report}");
    let agent = format!("user-agent: digest/{}", env!("CARGO_PKG_VERSION"));
    for seen in server.user_agents() {
        assert!(seen.to_ascii_lowercase().starts_with(&agent), "{seen}");
    }
    assert!(
        report.contains(
            "5 records without an arXiv id or DOI: 3 completed, 0 found with nothing to add, \
             2 unmatched, 0 ambiguous, 0 failed; 10 requests sent, 0 answers from the cache"
        ),
        "{report}"
    );

    let tidal = read(
        &root,
        "tidal-transformers-sequence-models-for-coastal-flooding.md",
    );
    assert!(tidal.contains("arxiv = \"2502.01111\""), "{tidal}");
    assert!(
        tidal.contains("authors = [\"Ada Tide\", \"Ben Wave\", \"Cy Shore\"]"),
        "{tidal}"
    );
    assert!(!tidal.contains("author_count"), "{tidal}");
    assert!(tidal.contains("published = 2025-02-05"), "{tidal}");
    assert!(
        tidal.contains("pdf = \"http://arxiv.org/pdf/2502.01111v1\""),
        "{tidal}"
    );
    // The code link the listing gave stays.
    assert!(
        tidal.contains("https://github.com/example/tidal-own"),
        "{tidal}"
    );

    let quiet = read(
        &root,
        "quiet-gradients-a-study-of-silent-failures-in-training.md",
    );
    assert!(quiet.contains("arxiv = \"2501.17777\""), "{quiet}");
    assert!(quiet.contains("\"Gus Norm\"]"), "{quiet}");

    let lanterns = read(
        &root,
        "sparse-lanterns-lighting-up-mixture-of-experts-routing.md",
    );
    for expected in [
        "arxiv = \"2502.02222\"",
        "authors = [\"Hal Light\", \"Ivy Route\"]",
        "code = \"https://github.com/example/lanterns\"",
        "project = \"https://lanterns.example.org\"",
        "pdf = \"https://arxiv.org/pdf/2502.02222\"",
        "tags = [\"mixture of experts\", \"routing\"]",
        "published = 2025-02-04",
        "tldr = \"Sparse Lanterns route tokens to experts by their brightness.\" # as imported: ",
    ] {
        assert!(lanterns.contains(expected), "{expected} in\n{lanterns}");
    }
    assert!(!lanterns.contains("upvotes"), "{lanterns}");

    // Nothing else changed: the unknown papers byte for byte, and in the completed ones every
    // line that was there is still there, the body included.
    for (name, old) in &before {
        let new = read(&root, name);
        if name.starts_with("nobody") || name.starts_with("another") {
            assert_eq!(&new, old, "{name}");
            continue;
        }
        for line in old.lines().filter(|l| !l.starts_with("author_count")) {
            // An inline table of links keeps its entries and gains others before its `}`.
            let kept = line.strip_suffix(" }").unwrap_or(line);
            assert!(
                new.lines().any(|n| n == line || n.starts_with(kept)),
                "{name} lost {line:?}:\n{new}"
            );
        }
        let body = |t: &str| t.split("+++").nth(2).map(str::to_string);
        assert_eq!(body(&new), body(old), "{name}");
    }
    let after: Vec<String> = before.keys().map(|name| read(&root, name)).collect();

    // A second run asks nothing: the completed records have ids now, the others' answers are
    // in the cache.
    let again = enrich(&root, &server, &[]);
    let report = stdout(&again);
    assert!(again.status.success(), "{report}");
    assert_eq!(server.count(), 10, "{report}");
    assert!(
        report.contains("2 records without an arXiv id or DOI: 0 completed, 0 found with nothing to add, 2 unmatched"),
        "{report}"
    );
    assert!(
        report.contains("0 requests sent, 6 answers from the cache"),
        "{report}"
    );
    let unchanged: Vec<String> = before.keys().map(|name| read(&root, name)).collect();
    assert_eq!(unchanged, after);
    assert!(root.join(".digest-cache/enrich/arxiv").is_dir());
}

/// Two different papers of the record's title that both fit its date: the record is left
/// alone and reported, not given one of them at random.
#[test]
fn two_papers_that_fit_leave_the_record_alone() {
    let text = record("Book A", "2025-02-06", "author_count = 1\n");
    let (_tmp, root) = site(&[("book-a.md", &text)]);
    let server = FakeServer::start(|api, _, _| match api {
        Api::Arxiv => Reply::ok(atom(&[
            ArxivEntry {
                id: "2502.00001",
                title: "Book A",
                published: "2025-02-01",
                authors: &["One"],
            },
            ArxivEntry {
                id: "2502.00002",
                title: "Book  A.",
                published: "2025-02-03",
                authors: &["Two"],
            },
        ])),
        _ => panic!("no other source is asked once arXiv found two"),
    });
    let out = enrich(&root, &server, &[]);
    let report = stdout(&out);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("ambiguous  content/book-a.md: 2 papers on arXiv")
            && report.contains("arXiv 2502.00001, arXiv 2502.00002"),
        "{report}"
    );
    assert!(report.contains("1 ambiguous"), "{report}");
    assert_eq!(read(&root, "book-a.md"), text);
}

/// A title written with different punctuation, case, accents and LaTeX markup is the same
/// title; a candidate whose date is years before the record's is not the record's paper.
#[test]
fn titles_match_across_markup_and_dates_must_fit() {
    let flow = record("α-Flow: Unified Flows for Zürich", "2025-02-06", "");
    let old = record("Attention Is All You Need", "2025-02-06", "");
    // The same paper in a reading list, its publication day written by hand: that day is what
    // a candidate's date is compared with.
    let dated = record(
        "Attention is all you need",
        "2025-02-06",
        "published = 2017-06-12\n",
    );
    let (_tmp, root) = site(&[
        ("flow.md", &flow),
        ("attention.md", &old),
        ("read-attention.md", &dated),
    ]);
    let server = FakeServer::start(|api, title, _| match (api, key(title).as_str()) {
        (Api::Arxiv, k) if k.contains("flow") => Reply::ok(atom(&[ArxivEntry {
            id: "2502.03333",
            title: "$\\alpha$-Flow -- unified flows for Z\\\"{u}rich",
            published: "2025-02-05",
            authors: &["Ana Flow"],
        }])),
        (Api::Arxiv, _) => Reply::ok(atom(&[ArxivEntry {
            id: "1706.03762",
            title: "Attention Is All You Need",
            published: "2017-06-12",
            authors: &["Ashish Vaswani"],
        }])),
        (Api::Hf, _) => Reply::ok("[]"),
        (Api::S2, _) => Reply::status(404, S2_NONE),
    });
    let out = enrich(&root, &server, &[]);
    let report = stdout(&out);
    assert!(out.status.success(), "{report}");
    let flow_after = read(&root, "flow.md");
    assert!(
        flow_after.contains("arxiv = \"2502.03333\""),
        "{flow_after}"
    );
    assert!(flow_after.contains("title = \"α-Flow: Unified Flows for Zürich\""));
    assert_eq!(read(&root, "attention.md"), old);
    assert!(
        report.contains("unmatched  content/attention.md (arXiv: a paper of this title, but its date does not fit: published 2017-06-12"),
        "{report}"
    );
    let dated_after = read(&root, "read-attention.md");
    assert!(
        dated_after.contains("arxiv = \"1706.03762\"")
            && dated_after.contains("\"Ashish Vaswani\""),
        "{dated_after}"
    );
    // One title, one question to arXiv: the second record got the answer from the cache.
    assert_eq!(
        server.times("Arxiv attentionisallyouneed").len(),
        1,
        "{report}"
    );
}

/// 429 with a short Retry-After: asked again after it, and found. A Retry-After longer than
/// digest waits fails that record only; the run goes on and exits 3.
#[test]
fn retry_after_is_honoured_and_a_long_one_fails_the_record_only() {
    let soon = record("Patient Paper", "2025-02-06", "");
    let later = record("Impatient Paper", "2025-02-06", "");
    let (_tmp, root) = site(&[("patient.md", &soon), ("z-impatient.md", &later)]);
    let server = FakeServer::start(|api, title, nth| {
        assert_eq!(api, Api::Hf);
        let mut reply = if key(title) == "patientpaper" && nth == 0 {
            Reply::status(429, "slow down")
        } else if key(title) == "impatientpaper" {
            Reply::status(429, "come back tomorrow")
        } else {
            return Reply::ok(hf_items(&[serde_json::json!({
                "id": "2502.04444", "title": "Patient Paper",
                "publishedAt": "2025-02-06T10:00:00.000Z", "authors": [{"name": "Pat"}]
            })]));
        };
        let wait = if key(title) == "patientpaper" {
            "1"
        } else {
            "86400"
        };
        reply.headers.push(("Retry-After".into(), wait.into()));
        reply
    });
    let out = enrich(&root, &server, &["--source", "hf"]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{report}");
    assert!(read(&root, "patient.md").contains("arxiv = \"2502.04444\""));
    assert_eq!(read(&root, "z-impatient.md"), later);
    assert!(
        report.contains("failed     content/z-impatient.md (Hugging Face:")
            && report.contains("asked to wait 86400 s, longer than the 60 s digest waits"),
        "{report}"
    );
    // The patient paper twice (429, then 200), the impatient one once.
    assert_eq!(server.count(), 3, "{report}");
    // The second request came after the second the server asked for (a lower bound that a
    // slow machine only makes larger: this cannot fail by chance).
    let times = server.times("Hf patientpaper");
    assert_eq!(times.len(), 2);
    assert!(
        times[1] - times[0] >= Duration::from_millis(990),
        "{:?} {report} {}",
        times[1] - times[0],
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A 503 without Retry-After, and a server slower than the timeout: each fails its record, the
/// others are completed, nothing half-written, exit 3 (network).
#[test]
fn server_errors_and_timeouts_fail_their_record_and_the_run_goes_on() {
    let down = record("Down Paper", "2025-02-06", "");
    let slow = record("Slow Paper", "2025-02-06", "");
    let fine = record("Fine Paper", "2025-02-06", "");
    let (_tmp, root) = site(&[
        ("a-down.md", &down),
        ("b-slow.md", &slow),
        ("c-fine.md", &fine),
    ]);
    let server = FakeServer::start(|_, title, _| match key(title).as_str() {
        "downpaper" => Reply::status(503, "maintenance"),
        "slowpaper" => Reply {
            slow: Some(Duration::from_secs(3)),
            ..Reply::ok(no_entries())
        },
        _ => Reply::ok(atom(&[ArxivEntry {
            id: "2502.05555",
            title: "Fine Paper",
            published: "2025-02-06",
            authors: &["Fin"],
        }])),
    });
    let out = enrich(&root, &server, &["--source", "arxiv", "--timeout", "0.5"]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{report}");
    assert_eq!(read(&root, "a-down.md"), down);
    assert_eq!(read(&root, "b-slow.md"), slow);
    assert!(read(&root, "c-fine.md").contains("arxiv = \"2502.05555\""));
    assert!(
        report.contains("failed     content/a-down.md (arXiv:")
            && report.contains("answered 503 without saying when to come back"),
        "{report}"
    );
    assert!(
        report.contains("failed     content/b-slow.md (arXiv:")
            && report.contains("no complete answer within 0.5 s"),
        "{report}"
    );
    assert!(
        report.contains("1 completed") && report.contains("2 failed"),
        "{report}"
    );
    // Failures are not cached: the next run asks again.
    let again = enrich(&root, &server, &["--source", "arxiv", "--timeout", "0.5"]);
    assert_eq!(again.status.code(), Some(3));
    assert!(
        stdout(&again).contains("2 requests sent"),
        "{}",
        stdout(&again)
    );
}

/// Names, a code link, tags and a tldr a person wrote stay; only what is missing is added.
#[test]
fn what_a_person_wrote_is_kept() {
    let text = "+++\ntitle = \"Edited By Hand\"\ndate = 2025-02-06\n\
                authors = [\"My Spelling\"]  # checked with the PDF\n\
                tags = [\"mine\"]\ntldr = \"In my words.\"\n\
                links = { code = \"https://example.org/my-fork\" }\n+++\nMy notes.\n";
    let (_tmp, root) = site(&[("edited.md", text)]);
    let server = FakeServer::start(|api, _, _| match api {
        Api::Arxiv => Reply::ok(no_entries()),
        Api::Hf => Reply::ok(hf_items(&[serde_json::json!({
            "id": "2502.06666", "title": "Edited by hand",
            "publishedAt": "2025-02-06T10:00:00.000Z",
            "authors": [{"name": "Other Spelling"}],
            "githubRepo": "https://github.com/example/upstream",
            "ai_summary": "In the Hub's words.",
            "ai_keywords": ["theirs"]
        })])),
        Api::S2 => panic!("Hugging Face had it"),
    });
    let out = enrich(&root, &server, &[]);
    assert!(out.status.success(), "{}", stdout(&out));
    let after = read(&root, "edited.md");
    assert_eq!(
        after,
        "+++\ntitle = \"Edited By Hand\"\ndate = 2025-02-06\n\
         authors = [\"My Spelling\"]  # checked with the PDF\n\
         tags = [\"mine\"]\ntldr = \"In my words.\"\n\
         links = { code = \"https://example.org/my-fork\", pdf = \"https://arxiv.org/pdf/2502.06666\" }\n\
         arxiv = \"2502.06666\"\n+++\nMy notes.\n"
    );
}

/// `--dry-run` prints the diff of each record it would change and writes nothing (the cache
/// keeps the answers, so the real run after it asks nothing).
#[test]
fn dry_run_shows_a_diff_and_writes_no_record() {
    let text = record("Dry Paper", "2025-02-06", "author_count = 1\n");
    let (_tmp, root) = site(&[("dry.md", &text)]);
    let server = FakeServer::start(|_, _, _| {
        Reply::ok(atom(&[ArxivEntry {
            id: "2502.07777",
            title: "Dry Paper",
            published: "2025-02-06",
            authors: &["Dee Ry"],
        }]))
    });
    let out = enrich(&root, &server, &["--source", "arxiv", "--dry-run"]);
    let report = stdout(&out);
    assert!(out.status.success(), "{report}");
    assert_eq!(read(&root, "dry.md"), text);
    assert!(
        report.contains(
            "--- a/content/dry.md\n+++ b/content/dry.md\n@@ -2,5 +2,7 @@\n \
             title = \"Dry Paper\"\n date = 2025-02-06\n-author_count = 1\n\
             +authors = [\"Dee Ry\"]\n+arxiv = \"2502.07777\"\n\
             +links = { pdf = \"http://arxiv.org/pdf/2502.07777v1\" }\n +++\n The abstract.\n"
        ),
        "{report}"
    );
    assert!(report.contains("dry run: no record written"), "{report}");
    let real = enrich(&root, &server, &["--source", "arxiv"]);
    assert!(real.status.success());
    assert_eq!(server.count(), 1, "{}", stdout(&real));
    assert!(read(&root, "dry.md").contains("arxiv = \"2502.07777\""));
}

/// Hugging Face's `ai_summary` and Semantic Scholar's `tldr.text` become the record's `tldr`.
#[test]
fn summaries_become_the_tldr_field() {
    let hf = record("Summarised On The Hub", "2025-02-06", "");
    let s2 = record("Summarised By Scholar", "2025-02-06", "");
    let (_tmp, root) = site(&[("hf.md", &hf), ("s2.md", &s2)]);
    let server = FakeServer::start(|api, title, _| match (api, key(title).as_str()) {
        (Api::Hf, "summarisedonthehub") => Reply::ok(hf_items(&[serde_json::json!({
            "id": "2502.08888", "title": "Summarised on the Hub",
            "publishedAt": "2025-02-06T10:00:00.000Z", "authors": [],
            "ai_summary": "A model summarises papers in one line."
        })])),
        (Api::S2, "summarisedbyscholar") => Reply::ok(
            serde_json::json!({"data": [{
                "paperId": "0123abcd", "title": "Summarised by Scholar", "matchScore": 181.2,
                "externalIds": {"DOI": "10.1000/XYZ.1", "CorpusId": 1},
                "authors": [{"authorId": "1", "name": "Sam Scholar"}],
                "year": 2025, "publicationDate": "2025-02-04",
                "url": "https://www.semanticscholar.org/paper/0123abcd",
                "openAccessPdf": {"url": "https://example.org/paper.pdf", "status": "GREEN"},
                "tldr": {"model": "tldr@v2.0.0", "text": "Scholars summarise too."}
            }]})
            .to_string(),
        ),
        (Api::Arxiv, _) => Reply::ok(no_entries()),
        (Api::Hf, _) => Reply::ok("[]"),
        (Api::S2, _) => Reply::status(404, S2_NONE),
    });
    let out = enrich(&root, &server, &[]);
    assert!(out.status.success(), "{}", stdout(&out));
    let hf_after = read(&root, "hf.md");
    assert!(
        hf_after.contains("tldr = \"A model summarises papers in one line.\""),
        "{hf_after}"
    );
    let s2_after = read(&root, "s2.md");
    for expected in [
        "doi = \"10.1000/XYZ.1\"",
        "authors = [\"Sam Scholar\"]",
        "pdf = \"https://example.org/paper.pdf\"",
        "tldr = \"Scholars summarise too.\"",
    ] {
        assert!(s2_after.contains(expected), "{expected} in\n{s2_after}");
    }
}

/// A record that cannot be read is reported with its line and column and never rewritten; the
/// others are enriched; the exit status says the input had a problem.
#[test]
fn an_unreadable_record_is_reported_and_left_alone() {
    let broken = "+++\ntitle = \"Broken\ndate = 2025-02-06\n+++\nBody.\n";
    let fine = record("Readable Paper", "2025-02-06", "");
    let (_tmp, root) = site(&[("broken.md", broken), ("fine.md", &fine)]);
    let server = FakeServer::start(|_, _, _| {
        Reply::ok(atom(&[ArxivEntry {
            id: "2502.09999",
            title: "Readable Paper",
            published: "2025-02-06",
            authors: &["Rea Dable"],
        }]))
    });
    let out = enrich(&root, &server, &["--source", "arxiv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/broken.md:2:"), "{stderr}");
    assert_eq!(read(&root, "broken.md"), broken);
    assert!(read(&root, "fine.md").contains("arxiv = \"2502.09999\""));
}

/// `digest enrich --help` names its options and says which exit status a failed lookup gives.
#[test]
fn help_names_the_options_and_the_exit_status_of_a_failed_lookup() {
    let tmp = tempfile::tempdir().unwrap();
    let out = digest(tmp.path(), &["enrich", "--help"]);
    let help = stdout(&out);
    assert!(out.status.success(), "{help}");
    for expected in [
        "--source <SOURCE>",
        "--only <ONLY>",
        "--dry-run",
        "--endpoint <URL>",
        "--delay <SECONDS>",
        "Exit status:",
        "  3  network or remote-service error",
        "a lookup that failed (enrich)",
    ] {
        assert!(help.contains(expected), "{expected} in\n{help}");
    }
}

/// An endpoint that is not an http(s) URL is a usage error (status 2), before any lookup.
#[test]
fn an_endpoint_that_is_not_a_url_is_a_usage_error() {
    let text = record("Any Paper", "2025-02-06", "");
    let (_tmp, root) = site(&[("any.md", &text)]);
    let out = digest(
        root.parent().unwrap(),
        &[
            "enrich",
            "--root",
            root.to_str().unwrap(),
            "--endpoint",
            "127.0.0.1:8080",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("http:// or https:// URL"), "{stderr}");
    assert_eq!(read(&root, "any.md"), text);
}
