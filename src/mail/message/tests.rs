use super::*;
use crate::config::Unsubscribe;

fn options() -> EmailOptions {
    let text = "title = \"Lab\"\nbase_url = \"https://u.github.io/p/\"\n[email]\nfrom = \"Lab digest <digest@lab.example.org>\"\nreply_to = \"curator@lab.example.org\"\nlist_name = \"Lab papers\"\nunsubscribe = \"https://lab.example.org/unsubscribe\"\n";
    crate::config::Config::parse(text, "site.toml", None)
        .unwrap()
        .email
}

fn letter(subject: &str) -> Letter {
    Letter {
        subject: subject.into(),
        html: "<!DOCTYPE html><html><body><p>Caf\u{e9} \u{2014} <a href=\"https://u.github.io/p/papers/x/\">X</a></p></body></html>".into(),
        text: "Caf\u{e9} \u{2014} X\nhttps://u.github.io/p/papers/x/\n".into(),
        key: "day/2025-02-06".into(),
        url: "https://u.github.io/p/2025/02/06/".into(),
    }
}

fn mailbox(text: &str) -> Mailbox {
    text.parse().unwrap()
}

/// The header section of a formatted message, unfolded: one entry per header.
fn headers(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let head = &text[..text.find("\r\n\r\n").unwrap()];
    let mut out: Vec<String> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            out.last_mut().unwrap().push_str(line);
        } else {
            out.push(line.to_string());
        }
    }
    out
}

fn header_value<'a>(headers: &'a [String], name: &str) -> Option<&'a str> {
    headers.iter().find_map(|h| {
        let (n, v) = h.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn a_message_has_text_then_html_and_the_list_headers() {
    let reader = mailbox("reader@example.com");
    let out = build(
        &letter("Lab papers: 6 Feb 2025"),
        &options(),
        Recipients::One(&reader),
        None,
    )
    .unwrap();
    assert!(out.bytes.is_ascii(), "encoded for 7-bit transport");
    let text = String::from_utf8(out.bytes.clone()).unwrap();
    let heads = headers(&out.bytes);
    assert_eq!(
        header_value(&heads, "From"),
        Some("\"Lab digest\" <digest@lab.example.org>")
    );
    assert_eq!(header_value(&heads, "To"), Some("reader@example.com"));
    assert_eq!(
        header_value(&heads, "Reply-To"),
        Some("curator@lab.example.org")
    );
    assert_eq!(
        header_value(&heads, "Subject"),
        Some("Lab papers: 6 Feb 2025")
    );
    assert_eq!(
        header_value(&heads, "List-Id"),
        Some("\"Lab papers\" <lab-papers.u.github.io>")
    );
    assert_eq!(
        header_value(&heads, "List-Unsubscribe"),
        Some("<https://lab.example.org/unsubscribe>")
    );
    assert!(header_value(&heads, "Date").is_some());
    assert_eq!(header_value(&heads, "MIME-Version"), Some("1.0"));
    assert!(
        header_value(&heads, "Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    assert_eq!(
        header_value(&heads, "Message-ID"),
        Some(out.message_id.as_str())
    );
    assert!(out.message_id.starts_with("<digest.day.2025-02-06."));
    assert!(out.message_id.ends_with("@u.github.io>"));
    let plain = text
        .find("Content-Type: text/plain; charset=utf-8")
        .unwrap();
    let html = text.find("Content-Type: text/html; charset=utf-8").unwrap();
    assert!(plain < html, "the text part comes first");
    // Non-ASCII text is transfer-encoded, not sent raw.
    assert!(text.contains("Caf=C3=A9") || text.contains("Content-Transfer-Encoding: base64"));
    assert_eq!(out.envelope.to(), std::slice::from_ref(&reader.email));
    assert_eq!(
        out.envelope.from().unwrap().to_string(),
        "digest@lab.example.org"
    );
}

#[test]
fn a_bcc_batch_names_no_recipient_in_the_headers() {
    let batch = [
        mailbox("a@example.com"),
        mailbox("Bee <b@example.net>"),
        mailbox("c@example.org"),
    ];
    let mut options = options();
    options.to = Some("Lab list <list@lab.example.org>".into());
    let out = build(&letter("S"), &options, Recipients::Bcc(&batch), None).unwrap();
    let text = String::from_utf8(out.bytes.clone()).unwrap();
    for address in ["a@example.com", "b@example.net", "c@example.org", "Bcc"] {
        assert!(!text.contains(address), "{address} in\n{text}");
    }
    let heads = headers(&out.bytes);
    assert_eq!(
        header_value(&heads, "To"),
        Some("\"Lab list\" <list@lab.example.org>")
    );
    let envelope: Vec<String> = out.envelope.to().iter().map(|a| a.to_string()).collect();
    assert_eq!(
        envelope,
        ["a@example.com", "b@example.net", "c@example.org"]
    );
    // Without `to`, a batch is addressed to the sender.
    let out = build(
        &letter("S"),
        &super::tests::options(),
        Recipients::Bcc(&batch),
        None,
    )
    .unwrap();
    assert_eq!(
        header_value(&headers(&out.bytes), "To"),
        Some("\"Lab digest\" <digest@lab.example.org>")
    );
}

/// A record's title ends up in the subject; CR/LF in it must not start a header of its own,
/// whatever the caller did to the subject before.
#[test]
fn a_subject_with_line_breaks_cannot_add_a_header() {
    let reader = mailbox("reader@example.com");
    for subject in [
        "Papers\r\nBcc: victim@example.net",
        "Papers\nX-Injected: yes",
        "Papers\rX-Injected: yes\r\n\r\nbody",
        "Caf\u{e9}\r\nBcc: victim@example.net",
    ] {
        let mut evil = options();
        evil.list_name = "Lab\r\nX-Injected: list".into();
        let out = build(&letter(subject), &evil, Recipients::One(&reader), None).unwrap();
        let heads = headers(&out.bytes);
        let names: Vec<&str> = heads.iter().map(|h| h.split(':').next().unwrap()).collect();
        assert!(
            !names
                .iter()
                .any(|n| n.eq_ignore_ascii_case("bcc") || n.eq_ignore_ascii_case("x-injected")),
            "{subject:?}: {names:?}"
        );
        assert_eq!(names.iter().filter(|n| **n == "Subject").count(), 1);
        let text = String::from_utf8(out.bytes.clone()).unwrap();
        assert!(
            !text.contains("\nBcc:") && !text.contains("\rBcc:"),
            "{text}"
        );
        // The part headers come after the blank line; nothing of the subject is there.
        let head_end = text.find("\r\n\r\n").unwrap();
        assert!(!text[head_end..].contains("X-Injected"), "{text}");
    }
    assert_eq!(
        one_line("Papers\r\nBcc: victim@example.net"),
        "Papers Bcc: victim@example.net"
    );
    // A recipient's display name, made by hand (a recipients file cannot hold one: it is
    // read line by line).
    let named = Mailbox::new(
        Some("Reader\r\nBcc: victim@example.net".into()),
        "reader@example.com".parse().unwrap(),
    );
    let out = build(&letter("S"), &options(), Recipients::One(&named), None).unwrap();
    let heads = headers(&out.bytes);
    assert!(
        !heads
            .iter()
            .any(|h| h.to_ascii_lowercase().starts_with("bcc:")),
        "{heads:?}"
    );
    assert_eq!(heads.iter().filter(|h| h.starts_with("To:")).count(), 1);
}

#[test]
fn message_ids_follow_the_digest_and_its_recipients() {
    let a = mailbox("a@example.com");
    let b = mailbox("b@example.com");
    let id = |letter: &Letter, to: &Mailbox, resend| {
        build(letter, &options(), Recipients::One(to), resend)
            .unwrap()
            .message_id
    };
    let day = letter("S");
    assert_eq!(id(&day, &a, None), id(&day, &a, None), "stable across runs");
    assert_eq!(
        id(&day, &a, None),
        id(&day, &mailbox("A@Example.com"), None),
        "case does not count"
    );
    assert_ne!(id(&day, &a, None), id(&day, &b, None));
    let resend = Timestamp::from_second(1_765_000_000).unwrap();
    assert!(id(&day, &a, Some(resend)).contains(".r1765000000@"));
    let mut week = letter("S");
    week.key = "week/2025-W06/tag/llm".into();
    assert!(id(&week, &a, None).starts_with("<digest.week.2025-W06.tag.llm."));
    // A base URL without a host (a preview): the sender's domain.
    let mut preview = letter("S");
    preview.url = "/2025/02/06/".into();
    assert!(id(&preview, &a, None).ends_with("@lab.example.org>"));
}

#[test]
fn unsubscribe_as_mailto_and_non_ascii_urls() {
    let reader = mailbox("reader@example.com");
    let mut options = options();
    options.unsubscribe = Some(Unsubscribe::Mailto(
        "mailto:digest@lab.example.org?subject=unsubscribe".into(),
    ));
    let out = build(&letter("S"), &options, Recipients::One(&reader), None).unwrap();
    assert_eq!(
        header_value(&headers(&out.bytes), "List-Unsubscribe"),
        Some("<mailto:digest@lab.example.org?subject=unsubscribe>")
    );
    options.unsubscribe = Some(Unsubscribe::Url(
        "https://lab.example.org/d\u{e9}sabonner".into(),
    ));
    let out = build(&letter("S"), &options, Recipients::One(&reader), None).unwrap();
    assert_eq!(
        header_value(&headers(&out.bytes), "List-Unsubscribe"),
        Some("<https://lab.example.org/d%C3%A9sabonner>")
    );
    options.unsubscribe = None;
    let out = build(&letter("S"), &options, Recipients::One(&reader), None).unwrap();
    assert_eq!(header_value(&headers(&out.bytes), "List-Unsubscribe"), None);
}

#[test]
fn no_sender_is_an_error_saying_what_to_add() {
    let mut options = options();
    options.from = None;
    let err = eml(&letter("S"), &options, None).unwrap_err().render();
    assert!(err.contains("[email] has no `from`"), "{err}");
    assert!(err.contains("from = \"Reading group"), "{err}");
}

#[test]
fn the_eml_goes_to_the_list_address_unless_told() {
    let bytes = eml(&letter("S"), &options(), None).unwrap();
    assert_eq!(
        header_value(&headers(&bytes), "To"),
        Some("\"Lab digest\" <digest@lab.example.org>")
    );
    let bytes = eml(&letter("S"), &options(), Some("me@example.com")).unwrap();
    assert_eq!(header_value(&headers(&bytes), "To"), Some("me@example.com"));
    assert!(eml(&letter("S"), &options(), Some("not an address")).is_err());
}

#[test]
fn hosts_of_urls() {
    for (url, host) in [
        ("https://u.github.io/p/", Some("u.github.io")),
        ("http://Example.org:8080/x", Some("Example.org")),
        ("https://user@example.org", Some("example.org")),
        ("https://[::1]:8000/", Some("[::1]")),
        ("https://example.org?q", Some("example.org")),
        ("/", None),
        ("ftp://example.org/", None),
        ("https:///x", None),
        ("https://ex ample.org/", None),
    ] {
        assert_eq!(host_of(url), host, "{url}");
    }
}
