//! Day and month pages read in other orders without a page per order: the fragment picks the
//! order, CSS shows it even with JavaScript off, and `site.js` moves the items so that reading
//! and Tab order follow. In a real headless Chromium.
//!
//! Needs `/usr/bin/chromium` (or `CHROMIUM`); fails with instructions when it is missing.

use crate::common;
use crate::common::browser;

use std::net::TcpListener;
use std::time::Duration;

use serde_json::json;

use browser::{Chromium, Page};
use common::Site;

const WAIT: Duration = Duration::from_secs(20);

/// Paper links of the list in the order shown on screen (top to bottom).
fn shown(page: &mut Page) -> Vec<String> {
    let value = page.eval(
        "[...document.querySelectorAll('.sortable a.t, .sortable .card-title a')]\
         .filter(a => a.getClientRects().length)\
         .map(a => [a.getBoundingClientRect().top, a.getAttribute('href')])\
         .sort((x, y) => x[0] - y[0]).map(x => x[1])",
    );
    serde_json::from_value(value).unwrap()
}

/// Paper links of the list in document order (what screen readers and Tab follow).
fn in_document(page: &mut Page) -> Vec<String> {
    let value = page.eval(
        "[...document.querySelectorAll('.sortable a.t, .sortable .card-title a')].map(a => a.getAttribute('href'))",
    );
    serde_json::from_value(value).unwrap()
}

fn current(page: &mut Page) -> Vec<String> {
    let value = page.eval(
        "[...document.querySelectorAll('.sorts a[aria-current]')].map(a => a.getAttribute('href'))",
    );
    serde_json::from_value(value).unwrap()
}

#[test]
fn orders_are_picked_by_fragment_with_and_without_javascript() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!(
        "http://127.0.0.1:{}/",
        listener.local_addr().unwrap().port()
    );
    let site = Site::fixture("small");
    let out = site.build_ok(&["--base-url", &base]);
    browser::serve_static(listener, out, "/");
    let chromium = Chromium::start();
    let p = |slug: &str| format!("/papers/{slug}/");
    let by_day = [p("improvnet"), p("visualcloze"), p("rohm")];
    let by_title = [p("improvnet"), p("rohm"), p("visualcloze")];
    let by_upvotes_january = [p("musicgen"), p("realm"), p("jukebox")];

    // JavaScript off: the CSS alone shows the order; the document keeps the page's own.
    let mut page = chromium.page();
    page.send(
        "Emulation.setScriptExecutionDisabled",
        json!({ "value": true }),
    );
    page.navigate(&format!("{base}2025/02/#by-title"));
    page.wait_loaded(WAIT);
    assert_eq!(shown(&mut page), by_title, "by title, CSS only");
    assert_eq!(in_document(&mut page), by_day);
    let headings = page.eval("[...document.querySelectorAll('.sortable .group')].filter(g => g.getClientRects().length).length");
    assert_eq!(
        headings,
        json!(0),
        "day headings are hidden in other orders"
    );
    page.navigate(&format!("{base}2025/01/#most-upvoted"));
    page.wait_loaded(WAIT);
    assert_eq!(
        shown(&mut page),
        by_upvotes_january,
        "most upvoted, CSS only"
    );
    page.navigate(&format!("{base}2025/02/"));
    page.wait_loaded(WAIT);
    assert_eq!(shown(&mut page), by_day, "the page's own order");
    page.close();

    // JavaScript on: the items are moved too, and the current order is marked.
    let mut page = chromium.page();
    page.navigate(&format!("{base}2025/02/"));
    page.wait_loaded(WAIT);
    assert_eq!(current(&mut page), ["#by-day"]);
    page.click_selector(".sorts a[href='#by-title']");
    page.wait_for_js(
        "the list by title",
        "document.querySelector('.sorts a[aria-current]')?.getAttribute('href') === '#by-title'",
        WAIT,
    );
    assert_eq!(in_document(&mut page), by_title);
    assert_eq!(shown(&mut page), by_title);
    page.click_selector(".sorts a[href='#by-day']");
    page.wait_for_js(
        "the list by day again",
        "document.querySelector('.sorts a[aria-current]')?.getAttribute('href') === '#by-day'",
        WAIT,
    );
    assert_eq!(in_document(&mut page), by_day);
    assert_eq!(shown(&mut page), by_day);

    // A day page: most upvoted first as sent, by title on request.
    page.navigate(&format!("{base}2025/01/31/#by-title"));
    page.wait_loaded(WAIT);
    assert_eq!(current(&mut page), ["#by-title"]);
    assert_eq!(in_document(&mut page), [p("jukebox"), p("musicgen")]);
    assert_eq!(shown(&mut page), [p("jukebox"), p("musicgen")]);
    page.close();
}
