//! A real headless Chromium, driven over the Chrome DevTools Protocol, reloads a page of the
//! preview by itself when a record is edited, and shows (then hides) the error overlay when the
//! record is broken (then fixed).
//!
//! Needs `/usr/bin/chromium` (Debian: `apt-get install chromium`; or set `CHROMIUM` to another
//! path). Without it the test fails: CI installs it.

use crate::common;
use crate::common::browser;
use crate::common::serve;

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use browser::{Chromium, POLL, Page};
use common::Site;
use serve::{Server, set_key};

/// The page's `<h1>` text, whether `window.__marker` is set, and the overlay's text.
fn page_state(page: &mut Page) -> Option<(String, bool, Option<String>)> {
    let value = page.try_eval(
        r#"JSON.stringify({
            h1: document.querySelector("h1") ? document.querySelector("h1").textContent.trim() : null,
            marker: typeof window.__marker !== "undefined",
            overlay: document.getElementById("digest-error-overlay") ? document.getElementById("digest-error-overlay").textContent : null,
            ready: document.readyState
        })"#,
    )
    .ok()?;
    let state: Value = serde_json::from_str(value.as_str()?).ok()?;
    if state["ready"] != json!("complete") {
        return None;
    }
    Some((
        state["h1"].as_str()?.to_string(),
        state["marker"].as_bool()?,
        state["overlay"].as_str().map(str::to_string),
    ))
}

/// Polls the page until `done` holds; panics with the last state after `timeout`.
fn wait_page(
    page: &mut Page,
    server: &Server,
    what: &str,
    timeout: Duration,
    done: impl Fn(&(String, bool, Option<String>)) -> bool,
) -> (String, bool, Option<String>) {
    let deadline = Instant::now() + timeout;
    let mut last = None;
    loop {
        if let Some(state) = page_state(page) {
            if done(&state) {
                return state;
            }
            last = Some(state);
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {timeout:?}; last page state (h1, marker set, overlay): {last:?}\n{}",
            server.logs()
        );
        std::thread::sleep(POLL);
    }
}

/// Waits until the page's live-reload websocket is connected (its handshake answered 101): a
/// change made before that would be missed.
fn wait_livereload_connected(page: &mut Page) {
    page.wait_event(
        "live-reload websocket connection",
        Duration::from_secs(15),
        |e| {
            e["method"] == json!("Network.webSocketHandshakeResponseReceived")
                && e["params"]["response"]["status"] == json!(101)
        },
    );
}

#[test]
fn chromium_reloads_by_itself_and_shows_build_errors() {
    let chromium = Chromium::start();
    let site = Site::fixture("small");
    let server = Server::start(&site);

    let mut page = chromium.page();
    page.send("Network.enable", json!({}));

    let url = server.url("/papers/jukebox/");
    page.navigate_no_wait(&url);
    wait_page(
        &mut page,
        &server,
        "the first load",
        Duration::from_secs(30),
        |s| s.0 == "Jukebox: A Generative Model for Music",
    );
    wait_livereload_connected(&mut page);
    page.clear_events();
    assert_eq!(page.eval("window.__marker = 1"), json!(1));

    // An edit: the page reloads by itself (the marker is gone) and shows the new title.
    let original = site.read("content/jukebox.md");
    let lines = server.stdout.len();
    site.write(
        "content/jukebox.md",
        &set_key(&original, "title", "\"Jukebox Reloaded In The Browser\""),
    );
    wait_page(
        &mut page,
        &server,
        "reload after an edit",
        Duration::from_secs(10),
        |s| s.0 == "Jukebox Reloaded In The Browser" && !s.1,
    );
    // The rebuild sent a reload, and its catch-up (related papers, search) may send another,
    // which a page already reloaded may get while it still shows: its event is printed after
    // both were sent. Then a fresh load of the page, which connects after them, so that no
    // late reload of the edit can pass below for a reload on the error.
    server
        .wait_for_event(lines, Duration::from_secs(10), |e| {
            e.changes == "content/jukebox.md changed"
        })
        .unwrap_or_else(|| panic!("no rebuild event for the edit\n{}", server.logs()));
    assert_eq!(page.eval("window.__marker = 'stale'"), json!("stale"));
    page.clear_events();
    page.navigate_no_wait(&url);
    wait_page(
        &mut page,
        &server,
        "a fresh load after the edit",
        Duration::from_secs(10),
        |s| s.0 == "Jukebox Reloaded In The Browser" && !s.1,
    );

    // A broken record: the overlay shows the problem as text; the page is not reloaded.
    wait_livereload_connected(&mut page);
    page.clear_events();
    assert_eq!(page.eval("window.__marker = 2"), json!(2));
    // Invalid TOML (an unterminated string) on a line with markup, which the problem text quotes.
    let broken = "+++\ntitle = \"<img src=x onerror=window.__xss=1> Broken\ndate = 2025-01-31\n+++\n\nAbstract.\n";
    site.write("content/jukebox.md", broken);
    let state = wait_page(
        &mut page,
        &server,
        "error overlay",
        Duration::from_secs(10),
        |s| s.2.is_some(),
    );
    let overlay = state.2.unwrap();
    assert!(
        overlay.contains("content/jukebox.md"),
        "the overlay does not name the file:\n{overlay}"
    );
    eprintln!("overlay text:\n{overlay}");
    assert!(state.1, "the page reloaded on an error");
    assert_eq!(state.0, "Jukebox Reloaded In The Browser");
    assert_eq!(
        page.eval("typeof window.__xss"),
        json!("undefined"),
        "the overlay ran markup from the problem text"
    );

    // Fixed: the overlay goes and the page reloads with the fixed title.
    site.write(
        "content/jukebox.md",
        &set_key(&original, "title", "\"Jukebox Fixed In The Browser\""),
    );
    wait_page(
        &mut page,
        &server,
        "reload after the fix",
        Duration::from_secs(10),
        |s| s.0 == "Jukebox Fixed In The Browser" && !s.1 && s.2.is_none(),
    );

    let _ = page.call_browser("Browser.close", json!({}));
    drop(chromium);
}
