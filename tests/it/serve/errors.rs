//! Problems while serving: a broken record or template is reported over the live-reload
//! websocket (and on the terminal) while the last good build stays served; fixing it sends `ok`
//! and a reload, and the output then equals a clean build.

use crate::common;
use crate::common::serve;

use std::time::Duration;

use common::{Site, tree};
use serve::{
    REBUILD_TIMEOUT, Server, Signal, Ws, assert_matches_clean_build, set_key, wait_for_error,
    wait_for_reload,
};

/// The record with its closing `+++` removed.
fn unclosed(text: &str) -> String {
    let end = text[4..].find("\n+++\n").expect("closing +++") + 4;
    format!("{}{}", &text[..end + 1], &text[end + 5..])
}

/// Asserts that `message` names `file` with a line (and column): `file:LINE:`.
fn assert_names_line(message: &str, file: &str) {
    let at = message
        .find(&format!("{file}:"))
        .unwrap_or_else(|| panic!("the message does not name {file}:\n{message}"));
    let rest = &message[at + file.len() + 1..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    assert!(
        digits > 0 && rest[digits..].starts_with(':'),
        "the message does not give a line and column after {file}:\n{message}"
    );
}

/// The next message that is not a repeat of the last one received (a change seen in two
/// batches is reported twice).
fn next_new(ws: &mut Ws) -> Option<Signal> {
    let last = ws.seen.last().cloned();
    loop {
        let signal = ws.next(REBUILD_TIMEOUT)?;
        if Some(&signal) != last.as_ref() {
            return Some(signal);
        }
    }
}

/// The next messages must be `ok` then a reload (anything else in between is a bug; repeats
/// of the last error are allowed before them).
fn expect_ok_then_reload(ws: &mut Ws, what: &str) {
    let first = next_new(ws);
    assert_eq!(
        first,
        Some(Signal::Ok),
        "{what}: expected ok first; all messages: {:?}",
        ws.seen
    );
    let second = ws.next(REBUILD_TIMEOUT);
    assert!(
        matches!(second, Some(Signal::Reload(_))),
        "{what}: expected a reload after ok; all messages: {:?}",
        ws.seen
    );
}

fn served_title(server: &Server, path: &str) -> String {
    let page = server.get(path);
    assert_eq!(page.status, 200, "GET {path}");
    let doc = scraper::Html::parse_document(&page.text());
    common::text_of(&doc, "h1").unwrap_or_default()
}

#[test]
fn a_broken_record_keeps_the_last_good_build_until_fixed() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();

    let good = set_key(
        &site.read("content/jukebox.md"),
        "title",
        "\"Jukebox Last Good Title\"",
    );
    site.write("content/jukebox.md", &good);
    wait_for_reload(&mut ws);
    assert_matches_clean_build(&mut server, &mut ws, &site, "a good edit");
    let before = tree(&server.out);
    let stderr_lines = server.stderr.len();

    // Broken: front matter never closed (and a new title that must not show).
    site.write(
        "content/jukebox.md",
        &unclosed(&set_key(&good, "title", "\"Jukebox Broken Title\"")),
    );
    let message = wait_for_error(&mut ws);
    assert_names_line(&message, "content/jukebox.md");
    assert!(
        server
            .stderr
            .wait_for(stderr_lines, Duration::from_secs(5), |l| l
                .contains("content/jukebox.md"))
            .is_some(),
        "the terminal does not show the problem\n{}",
        server.logs()
    );
    assert_eq!(
        served_title(&server, "/papers/jukebox/"),
        "Jukebox Last Good Title"
    );
    assert!(
        tree(&server.out) == before,
        "the served output changed after a failed rebuild"
    );

    // A browser opening a page now is told about the problem right away.
    let mut late = server.ws();
    match late.next(Duration::from_secs(5)) {
        Some(Signal::Error(text)) => assert_names_line(&text, "content/jukebox.md"),
        other => panic!("a new connection got {other:?} instead of the current error"),
    }

    // Fixed: ok, then a reload, on both connections.
    site.write(
        "content/jukebox.md",
        &set_key(&good, "title", "\"Jukebox Fixed Title\""),
    );
    expect_ok_then_reload(&mut ws, "fix the record");
    expect_ok_then_reload(&mut late, "fix the record (second connection)");
    assert_matches_clean_build(&mut server, &mut ws, &site, "the record fixed");
    assert_eq!(
        served_title(&server, "/papers/jukebox/"),
        "Jukebox Fixed Title"
    );
    // No error any more for new connections.
    let mut fresh = server.ws();
    assert_eq!(fresh.next(Duration::from_millis(300)), None);
    server.assert_alive();
}

#[test]
fn two_broken_records_fixing_one_still_reports_the_other() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    let jukebox = site.read("content/jukebox.md");
    let musicgen = site.read("content/musicgen.md");
    let before = tree(&server.out);

    site.write("content/jukebox.md", &unclosed(&jukebox));
    site.write("content/musicgen.md", &unclosed(&musicgen));
    // Both may arrive in one batch or two; eventually one message names both.
    ws.wait_for("error naming both records", REBUILD_TIMEOUT, |s| {
        matches!(s, Signal::Error(m) if m.contains("content/jukebox.md") && m.contains("content/musicgen.md"))
    });

    site.write("content/jukebox.md", &jukebox);
    let message = match next_new(&mut ws) {
        Some(Signal::Error(message)) => message,
        other => panic!(
            "fixing one of two broken records: expected an error, got {other:?}; all: {:?}\n{}",
            ws.seen,
            server.logs()
        ),
    };
    assert_names_line(&message, "content/musicgen.md");
    assert!(
        !message.contains("content/jukebox.md"),
        "the fixed record is still reported:\n{message}"
    );
    assert!(
        tree(&server.out) == before,
        "the served output changed while a record is still broken"
    );

    site.write("content/musicgen.md", &musicgen);
    expect_ok_then_reload(&mut ws, "fix the second record");
    assert_matches_clean_build(&mut server, &mut ws, &site, "both records fixed");
    server.assert_alive();
}

#[test]
fn a_broken_template_then_fixed() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    let before = tree(&server.out);
    let title = served_title(&server, "/papers/rohm/");
    assert!(title.starts_with("RoHM"), "{title}");

    site.write(
        "templates/paper.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ paper.title }</h1>\n{% if %}\n{% endblock content %}\n",
    );
    let message = wait_for_error(&mut ws);
    assert!(
        message.contains("templates/paper.html"),
        "the error does not name the template:\n{message}"
    );
    assert!(
        server
            .stderr
            .wait_for(0, Duration::from_secs(5), |l| l
                .contains("templates/paper.html"))
            .is_some(),
        "the terminal does not show the template problem\n{}",
        server.logs()
    );
    assert_eq!(served_title(&server, "/papers/rohm/"), title);
    assert!(
        tree(&server.out) == before,
        "the served output changed after a failed rebuild"
    );

    site.write(
        "templates/paper.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ paper.title }}</h1>\n<p id=\"fixed\">fixed template</p>\n{% endblock content %}\n",
    );
    expect_ok_then_reload(&mut ws, "fix the template");
    assert_matches_clean_build(&mut server, &mut ws, &site, "the template fixed");
    assert!(
        server
            .get("/papers/rohm/")
            .text()
            .contains("fixed template")
    );
    server.assert_alive();
}

/// Settings changed while a record is broken: the full reload fails; fixing only the record
/// must still bring the new settings in (not just re-read the record against the old ones).
#[test]
fn settings_changed_while_a_record_is_broken_are_applied_after_the_fix() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    let good = site.read("content/jukebox.md");
    site.write("content/jukebox.md", &unclosed(&good));
    wait_for_error(&mut ws);
    let toml = site.read("site.toml");
    site.write(
        "site.toml",
        &toml.replace("Reading Group Digest", "Renamed While Broken"),
    );
    // The full reload fails on the broken record (the same error again, on the terminal).
    let lines = server.stderr.len();
    assert!(
        server
            .stderr
            .wait_for(lines, Duration::from_secs(10), |l| l
                .contains("site.toml changed"))
            .is_some(),
        "no failed rebuild for the settings\n{}",
        server.logs()
    );
    site.write("content/jukebox.md", &good);
    expect_ok_then_reload(&mut ws, "fix the record");
    assert_matches_clean_build(&mut server, &mut ws, &site, "settings and record");
    assert!(server.get("/").text().contains("Renamed While Broken"));
}
