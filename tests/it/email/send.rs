//! `digest send` against a real SMTP server (aiosmtpd, `tests/it/email/smtp_server.py`) on
//! 127.0.0.1: every recipient gets one message that Python's `email` package reads into a text
//! and an HTML part naming and linking the papers; the ledger keeps a second run from sending
//! again; a refused recipient is named, the others still served, and only they are retried;
//! Bcc batches hide the recipients; a dry run sends nothing. TLS (STARTTLS with a test CA and
//! a login, `smtps://`) is in `tls`; the message's headers and the `.eml` file in `message`.
//! No test reads the developer's SMTP settings.

use std::path::{Path, PathBuf};

use crate::common::smtp::{Parsed, ServerOptions, SmtpServer, certs, digest_with, parse_message};
use crate::common::{Run, write};

mod message;
mod tls;

/// Three papers on Thursday 2025-02-06 (one with a title and a tag trying to add a header),
/// one on Saturday 2025-02-08.
fn site(email: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write(
        &root.join("site.toml"),
        &format!(
            "title = \"Reading Group\"\nbase_url = \"https://lab.example.org/digest/\"\n\n\
             [email]\nfrom = \"Reading Group <digest@lab.example.org>\"\n\
             list_name = \"Lab papers\"\nunsubscribe = \"https://lab.example.org/unsubscribe\"\n{email}"
        ),
    );
    let paper = |file: &str, front: &str, body: &str| {
        write(
            &root.join("content").join(file),
            &format!("+++\n{front}\n+++\n\n{body}\n"),
        );
    };
    paper(
        "lantern.md",
        "title = \"Lantern: Sparse Attention for Long Documents\"\ndate = 2025-02-06\nupvotes = 40\narxiv = \"2502.01001\"",
        "We make attention sparse for long documents.",
    );
    paper(
        "quill.md",
        "title = \"Quill — Écrire des preuves avec un modèle\"\ndate = 2025-02-06\nupvotes = 25\narxiv = \"2502.01002\"",
        "Proofs written by a model, checked by Lean.",
    );
    paper(
        "header-trick.md",
        "title = \"Header Trick\\r\\nBcc: victim@example.net\\r\\nX-Injected: yes\"\ndate = 2025-02-06\nupvotes = 60\narxiv = \"2502.01003\"\ntags = [\"LLM\\r\\nBcc: victim@example.net\"]",
        "A title with line breaks in it.",
    );
    paper(
        "saturday.md",
        "title = \"Weekend Paper\"\ndate = 2025-02-08\nupvotes = 3",
        "Listed on a Saturday.",
    );
    (tmp, root)
}

const READERS: &str = "# the lab's readers\n\
                       ada@example.org\n\
                       \n\
                       Brian Kernighan <bwk@example.net>   # joined in May\n\
                       carol@example.com\n\
                       ADA@example.org\n";

/// `digest send --root SITE ARGS…` with the server's URL (and `env`) in the environment.
fn send(root: &Path, server: Option<&SmtpServer>, args: &[&str], env: &[(&str, &str)]) -> Run {
    send_input(root, server, args, env, None)
}

fn send_input(
    root: &Path,
    server: Option<&SmtpServer>,
    args: &[&str],
    env: &[(&str, &str)],
    input: Option<&str>,
) -> Run {
    let url = server.map(SmtpServer::url);
    let mut vars: Vec<(&str, &str)> = env.to_vec();
    if let Some(url) = &url {
        vars.push(("SMTP_URL", url));
    }
    let mut all = vec!["send", "--root", root.to_str().unwrap()];
    all.extend_from_slice(args);
    digest_with(&all, root.parent().unwrap(), &vars, input)
}

fn readers_file(root: &Path) -> String {
    let file = root.parent().unwrap().join("readers.txt");
    std::fs::write(&file, READERS).unwrap();
    file.to_str().unwrap().to_string()
}

fn ledger(root: &Path) -> String {
    std::fs::read_to_string(root.join("data/email-ledger.toml")).unwrap_or_default()
}

/// The papers' pages and titles as the email must show them.
const PAPERS: [(&str, &str); 3] = [
    (
        "https://lab.example.org/digest/papers/lantern/",
        "Lantern: Sparse Attention for Long Documents",
    ),
    (
        "https://lab.example.org/digest/papers/quill/",
        "Quill — Écrire des preuves avec un modèle",
    ),
    (
        "https://lab.example.org/digest/papers/header-trick/",
        "Header Trick",
    ),
];

/// What every delivered digest of 2025-02-06 must be, read by Python's `email` package.
fn assert_digest(parsed: &Parsed, to: Option<&str>) {
    assert!(parsed.defects.is_empty(), "{:?}", parsed.defects);
    assert_eq!(parsed.content_type, "multipart/alternative");
    let types: Vec<&str> = parsed.parts.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(types, ["text/plain", "text/html"], "text first, then HTML");
    for (_, charset, _) in &parsed.parts {
        assert_eq!(charset.as_deref(), Some("utf-8"));
    }
    assert_eq!(parsed.subject, "Lab papers: Thursday Feb 6, 2025");
    let text = parsed.part("text/plain");
    let html = parsed.part("text/html");
    for (url, title) in PAPERS {
        assert!(
            html.contains(&format!("href=\"{url}\"")),
            "{url} in\n{html}"
        );
        assert!(text.contains(url), "{url} in\n{text}");
        assert!(html.contains(title), "{title} in\n{html}");
        assert!(text.contains(title), "{title} in\n{text}");
    }
    assert!(!html.contains("Weekend Paper") && !text.contains("Weekend Paper"));
    assert_eq!(
        parsed.header("From"),
        ["Reading Group <digest@lab.example.org>"]
    );
    if let Some(to) = to {
        assert_eq!(parsed.header("To"), [to]);
    }
    assert_eq!(
        parsed.header("List-Unsubscribe"),
        ["<https://lab.example.org/unsubscribe>"]
    );
    assert_eq!(
        parsed.header("List-Id"),
        ["\"Lab papers\" <lab-papers.lab.example.org>"]
    );
    assert_eq!(parsed.header("Date").len(), 1);
    let ids = parsed.header("Message-ID");
    assert!(
        ids.len() == 1 && ids[0].ends_with("@lab.example.org>"),
        "{ids:?}"
    );
    // The title's CR/LF added no header.
    for name in ["Bcc", "X-Injected"] {
        assert!(
            parsed.header(name).is_empty(),
            "{name}: {:?}",
            parsed.headers
        );
    }
}

#[test]
fn three_recipients_each_get_one_message_with_text_and_html() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions::default());
    let readers = readers_file(&root);
    let run = send(
        &root,
        Some(&server),
        &["--date", "2025-02-06", "--recipients", &readers],
        &[],
    );
    run.assert_success();
    assert!(
        run.stdout
            .contains("to 3 recipients of list `readers` in 3 messages"),
        "{}",
        run.stdout
    );
    // The log may be public: no address in it.
    for address in ["ada@", "bwk@", "carol@"] {
        assert!(!run.stdout.contains(address) && !run.stderr.contains(address));
    }
    let received = server.received();
    let mut to: Vec<Vec<String>> = received.iter().map(|r| r.rcpt_tos.clone()).collect();
    to.sort();
    assert_eq!(
        to,
        [
            vec!["ada@example.org".to_string()],
            vec!["bwk@example.net".to_string()],
            vec!["carol@example.com".to_string()],
        ],
        "one message each, the duplicate once"
    );
    let mut ids = Vec::new();
    for message in &received {
        assert_eq!(message.mail_from, "digest@lab.example.org");
        assert!(
            !message.tls,
            "plain on loopback when STARTTLS is not offered"
        );
        let parsed = parse_message(&message.eml);
        let to = match message.rcpt_tos[0].as_str() {
            "bwk@example.net" => "Brian Kernighan <bwk@example.net>",
            other => other,
        };
        assert_digest(&parsed, Some(to));
        ids.push(parsed.header("Message-ID")[0].to_string());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "a Message-ID per message");
    // The ledger holds hashes, not addresses.
    let text = ledger(&root);
    assert!(text.contains("[sent.\"day/2025-02-06\".readers]"), "{text}");
    assert_eq!(text.matches("message_id = ").count(), 3, "{text}");
    for address in ["ada@", "bwk@", "carol@", "@example."] {
        assert!(!text.contains(address), "{address} in\n{text}");
    }
}

#[test]
fn a_second_run_sends_nothing_and_resend_sends_again() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions::default());
    let readers = readers_file(&root);
    let args = ["--date", "2025-02-06", "--recipients", readers.as_str()];
    send(&root, Some(&server), &args, &[]).assert_success();
    let first = ledger(&root);
    assert_eq!(server.received().len(), 3);

    let again = send(&root, Some(&server), &args, &[]);
    again.assert_success();
    assert!(
        again
            .stdout
            .contains("all 3 recipients of list `readers` got day/2025-02-06 already"),
        "{}",
        again.stdout
    );
    assert_eq!(server.received().len(), 3, "nothing sent twice");
    assert_eq!(ledger(&root), first, "the ledger unchanged");

    let mut resend = args.to_vec();
    resend.push("--resend");
    send(&root, Some(&server), &resend, &[]).assert_success();
    let received = server.received();
    assert_eq!(received.len(), 6);
    let id = |i: usize| parse_message(&received[i].eml).header("Message-ID")[0].to_string();
    let old: Vec<String> = (0..3).map(id).collect();
    for i in 3..6 {
        assert!(
            !old.contains(&id(i)),
            "a resent message has a new Message-ID"
        );
    }
    assert_ne!(ledger(&root), first, "recorded again");
}

/// The server refuses one recipient: the command fails naming that address, the others get
/// the digest and are in the ledger, and the next run sends only to the refused one.
#[test]
fn a_refused_recipient_is_named_and_alone_retried() {
    let (_tmp, root) = site("");
    let readers = readers_file(&root);
    let args = ["--date", "2025-02-06", "--recipients", readers.as_str()];
    let refusing = SmtpServer::start(&ServerOptions {
        refuse: vec!["bwk@example.net".into()],
        ..ServerOptions::default()
    });
    let run = send(&root, Some(&refusing), &args, &[]);
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("not sent to bwk@example.net") && run.stderr.contains("550"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("1 recipient not reached: bwk@example.net"),
        "{}",
        run.stderr
    );
    let mut to: Vec<String> = refusing
        .received()
        .iter()
        .flat_map(|r| r.rcpt_tos.clone())
        .collect();
    to.sort();
    assert_eq!(to, ["ada@example.org", "carol@example.com"]);
    assert_eq!(ledger(&root).matches("message_id = ").count(), 2);

    let accepting = SmtpServer::start(&ServerOptions::default());
    let retry = send(&root, Some(&accepting), &args, &[]);
    retry.assert_success();
    let received = accepting.received();
    assert_eq!(received.len(), 1, "{}", retry.stdout);
    assert_eq!(received[0].rcpt_tos, ["bwk@example.net"]);
    assert!(
        retry.stdout.contains("2 had it already"),
        "{}",
        retry.stdout
    );
    assert_eq!(ledger(&root).matches("message_id = ").count(), 3);
}

/// `bcc_batch = 2`: one message for two envelope recipients, none of them in its headers; a
/// batch with a refused recipient is sent again one by one.
#[test]
fn bcc_batches_hide_the_recipients_and_survive_a_refusal() {
    let (_tmp, root) = site("bcc_batch = 2\nto = \"Lab papers <papers@lab.example.org>\"\n");
    let readers = readers_file(&root);
    let server = SmtpServer::start(&ServerOptions::default());
    let run = send(
        &root,
        Some(&server),
        &["--date", "2025-02-06", "--recipients", &readers],
        &[],
    );
    run.assert_success();
    let received = server.received();
    let batches: Vec<Vec<String>> = received.iter().map(|r| r.rcpt_tos.clone()).collect();
    assert_eq!(
        batches,
        [
            vec!["ada@example.org".to_string(), "bwk@example.net".to_string()],
            vec!["carol@example.com".to_string()],
        ]
    );
    for message in &received {
        let parsed = parse_message(&message.eml);
        assert_digest(&parsed, Some("Lab papers <papers@lab.example.org>"));
        let raw = String::from_utf8_lossy(&message.bytes).to_lowercase();
        for address in ["ada@example.org", "bwk@example.net", "carol@example.com"] {
            assert!(!raw.contains(address), "{address} in the message");
        }
        assert!(parsed.header("Bcc").is_empty() && parsed.header("Cc").is_empty());
    }

    // Batches of 3: the one batch is refused for bwk; ada and carol each get theirs.
    let (_tmp, root) = site("bcc_batch = 3\n");
    let readers = readers_file(&root);
    let refusing = SmtpServer::start(&ServerOptions {
        refuse: vec!["BWK@example.net".into()],
        ..ServerOptions::default()
    });
    let run = send(
        &root,
        Some(&refusing),
        &["--date", "2025-02-06", "--recipients", &readers],
        &[],
    );
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("not reached: bwk@example.net"),
        "{}",
        run.stderr
    );
    let batches: Vec<Vec<String>> = refusing
        .received()
        .iter()
        .map(|r| r.rcpt_tos.clone())
        .collect();
    assert_eq!(
        batches,
        [
            vec!["ada@example.org".to_string()],
            vec!["carol@example.com".to_string()]
        ]
    );
}

#[test]
fn a_dry_run_sends_nothing_and_writes_no_ledger() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions::default());
    let readers = readers_file(&root);
    let run = send(
        &root,
        Some(&server),
        &[
            "--date",
            "2025-02-06",
            "--recipients",
            &readers,
            "--dry-run",
        ],
        &[],
    );
    run.assert_success();
    for address in ["ada@example.org", "bwk@example.net", "carol@example.com"] {
        assert!(
            run.stdout
                .lines()
                .any(|line| line.starts_with("  would send ")
                    && line.ends_with(&format!(" KB to {address}"))),
            "{address} in {}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains("“Lab papers: Thursday Feb 6, 2025” (day/2025-02-06)"),
        "the subject: {}",
        run.stdout
    );
    assert!(
        run.stdout.contains("3 messages to 3 recipients"),
        "{}",
        run.stdout
    );
    assert!(server.received().is_empty());
    assert!(!root.join("data/email-ledger.toml").exists());
    // No server needed at all.
    let run = send(
        &root,
        None,
        &[
            "--date",
            "2025-02-06",
            "--to",
            "ada@example.org",
            "--dry-run",
        ],
        &[],
    );
    run.assert_success();
}

/// Standard input as the recipients (a workflow pipes its secret), and `--list` naming the
/// list in the ledger.
#[test]
fn recipients_from_standard_input() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions::default());
    let input = "ada@example.org\ncarol@example.com # second\n";
    let args = ["--date", "2025-02-06", "--recipients", "-", "--list", "lab"];
    let run = send_input(&root, Some(&server), &args, &[], Some(input));
    run.assert_success();
    assert_eq!(server.received().len(), 2);
    assert!(ledger(&root).contains("[sent.\"day/2025-02-06\".lab]"));

    // --ledger puts it elsewhere: a new ledger there, so both are sent again.
    let elsewhere = root.parent().unwrap().join("kept/ledger.toml");
    let mut args = args.to_vec();
    args.extend(["--ledger", elsewhere.to_str().unwrap()]);
    send_input(&root, Some(&server), &args, &[], Some(input)).assert_success();
    assert_eq!(server.received().len(), 4);
    let text = std::fs::read_to_string(&elsewhere).unwrap();
    assert_eq!(text.matches("message_id = ").count(), 2, "{text}");
    assert_eq!(ledger(&root).matches("message_id = ").count(), 2);
}

/// Days that send nothing, and why: a Saturday (not in the default days), a day with nothing
/// listed. Both exit 0 and connect to nothing.
#[test]
fn days_without_a_digest_send_nothing_and_say_why() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions::default());
    let run = send(
        &root,
        Some(&server),
        &["--date", "2025-02-08", "--to", "ada@example.org"],
        &[],
    );
    run.assert_success();
    assert!(
        run.stdout.contains("2025-02-08") && run.stdout.contains("days"),
        "{}",
        run.stdout
    );
    let run = send(
        &root,
        Some(&server),
        &["--date", "2025-03-03", "--to", "ada@example.org"],
        &[],
    );
    run.assert_success();
    assert!(run.stdout.contains("no papers listed"), "{}", run.stdout);
    assert!(server.received().is_empty());
    // Saturday in [email] days: sent.
    let (_tmp, root) = site("days = [\"sat\"]\n");
    send(
        &root,
        Some(&server),
        &["--date", "2025-02-08", "--to", "ada@example.org"],
        &[],
    )
    .assert_success();
    assert_eq!(server.received().len(), 1);
}

/// What must be fixed before anything is sent: the server setting (exit 2), a bad recipients
/// line (exit 1, at its line and column), a damaged ledger (exit 1, never reset).
#[test]
fn settings_recipients_and_ledger_are_checked_before_sending() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions::default());
    let args = ["--date", "2025-02-06", "--to", "ada@example.org"];
    let run = send(&root, None, &args, &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("SMTP_URL is not set"), "{}", run.stderr);
    let run = send(
        &root,
        None,
        &args,
        &[("SMTP_URL", "smtp://user:pw@127.0.0.1:25")],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(!run.stderr.contains("pw@"), "{}", run.stderr);

    let bad = root.parent().unwrap().join("bad.txt");
    std::fs::write(&bad, "ada@example.org\n\n  carol at example.com\n").unwrap();
    let run = send(
        &root,
        Some(&server),
        &[
            "--date",
            "2025-02-06",
            "--recipients",
            bad.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("bad.txt:3:3"), "{}", run.stderr);

    write(&root.join("data/email-ledger.toml"), "salt = \"0123\"\n");
    let run = send(&root, Some(&server), &args, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("data/email-ledger.toml:1:"),
        "{}",
        run.stderr
    );
    assert_eq!(ledger(&root), "salt = \"0123\"\n");
    assert!(server.received().is_empty());
}
