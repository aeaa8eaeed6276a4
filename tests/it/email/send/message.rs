//! The message itself: text from records cannot add a header, and `digest email --output
//! FILE.eml` writes the message `digest send` sends.

use super::*;

/// A tag's name goes into the subject of its digest; CR/LF in it (or in a title) adds no
/// header and no recipient.
#[test]
fn a_tag_or_title_with_line_breaks_cannot_add_a_header() {
    let (_tmp, root) = site("");
    let server = SmtpServer::start(&ServerOptions::default());
    let run = send(
        &root,
        Some(&server),
        &[
            "--date",
            "2025-02-06",
            "--tag",
            "llm-bcc-victim-at-example-net",
            "--to",
            "ada@example.org",
        ],
        &[],
    );
    run.assert_success();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].rcpt_tos,
        ["ada@example.org"],
        "no recipient added"
    );
    let parsed = parse_message(&received[0].eml);
    assert!(parsed.defects.is_empty(), "{:?}", parsed.defects);
    assert_eq!(
        parsed.subject,
        "Lab papers · LLM Bcc: victim@example.net: Thursday Feb 6, 2025"
    );
    for name in ["Bcc", "Cc", "X-Injected"] {
        assert!(
            parsed.header(name).is_empty(),
            "{name}: {:?}",
            parsed.headers
        );
    }
    assert_eq!(parsed.header("To"), ["ada@example.org"]);
    assert_eq!(parsed.header("Subject").len(), 1);
    // On the wire, every header line is a header of ours or a folded continuation.
    let raw = String::from_utf8(received[0].bytes.clone()).unwrap();
    let head = &raw[..raw.find("\r\n\r\n").unwrap()];
    for line in head.split("\r\n") {
        assert!(
            line.starts_with([' ', '\t'])
                || [
                    "From:",
                    "Reply-To:",
                    "To:",
                    "Subject:",
                    "Date:",
                    "Message-ID:",
                    "List-Id:",
                    "List-Unsubscribe:",
                    "Auto-Submitted:",
                    "MIME-Version:",
                    "Content-Type:",
                    "Content-Transfer-Encoding:",
                ]
                .iter()
                .any(|h| line.starts_with(h)),
            "unexpected header line {line:?} in\n{head}"
        );
    }
    let ids = parsed.header("Message-ID");
    assert!(
        ids[0].starts_with("<digest.day.2025-02-06.tag.llm-bcc-victim-at-example-net."),
        "{ids:?}"
    );
}

/// `digest email --output FILE.eml` writes the message `digest send` sends (to `[email] to`,
/// else `from`), which Python's `email` package reads; `--output DIR` puts it beside the HTML
/// and the text when `from` is set.
#[test]
fn the_eml_file_is_the_message_send_sends() {
    let (_tmp, root) = site("");
    let work = root.parent().unwrap();
    let email = |args: &[&str]| {
        let mut all = vec![
            "email",
            "--root",
            root.to_str().unwrap(),
            "--date",
            "2025-02-06",
        ];
        all.extend_from_slice(args);
        digest_with(&all, work, &[], None)
    };
    email(&["--output", "day.eml"]).assert_success();
    let eml = work.join("day.eml");
    assert!(eml.is_file(), "a file, not a folder");
    let parsed = parse_message(&eml);
    assert_digest(&parsed, Some("Reading Group <digest@lab.example.org>"));
    assert!(std::fs::read(&eml).unwrap().is_ascii(), "transfer-encoded");

    email(&["--output", "out"]).assert_success();
    let mut names: Vec<String> = std::fs::read_dir(work.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "day-2025-02-06.eml",
            "day-2025-02-06.html",
            "day-2025-02-06.txt"
        ]
    );
    assert_digest(
        &parse_message(&work.join("out/day-2025-02-06.eml")),
        Some("Reading Group <digest@lab.example.org>"),
    );

    // Without a sender: no message in the folder, and an error for a .eml.
    let text = std::fs::read_to_string(root.join("site.toml")).unwrap();
    let text = text.replace("from = \"Reading Group <digest@lab.example.org>\"\n", "");
    std::fs::write(root.join("site.toml"), text).unwrap();
    email(&["--output", "bare"]).assert_success();
    assert!(!work.join("bare/day-2025-02-06.eml").exists());
    assert!(work.join("bare/day-2025-02-06.html").exists());
    let run = email(&["--output", "bare.eml"]);
    let err = run.assert_problems();
    assert!(err.contains("[email] has no `from`"), "{err}");
    assert!(!work.join("bare.eml").exists());
}
