//! Search and the copy button in a real headless Chromium, on the sample site published as a
//! project site under `/repo/`: type a query, see the right paper first, open it; the results
//! page; copy and download a paper's BibTeX.
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

/// The repository's sample site plus one paper with authors and a tag, built for and served
/// under `http://127.0.0.1:<port>/repo/`.
struct Fixture {
    _site: Site,
    base: String,
    chromium: Chromium,
}

impl Fixture {
    fn start() -> Fixture {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!(
            "http://127.0.0.1:{}/repo/",
            listener.local_addr().unwrap().port()
        );
        let site = Site::repo_site();
        site.write(
            "content/quokka.md",
            "+++\ntitle = \"Quokka: Cheerful Marsupials as Benchmarks for Vision Models\"\ndate = 2025-02-06\n\
             authors = [\"Zdeňka Přibylová\", \"Ada Lovelace\"]\ntags = [\"wildlife\"]\narxiv = \"2502.00001\"\n+++\n\n\
             We photograph quokkas on Rottnest Island and measure how vision models count them.\n",
        );
        let out = site.build_ok(&["--base-url", &base]);
        browser::serve_static(listener, out, "/repo/");
        Fixture {
            _site: site,
            base,
            chromium: Chromium::start(),
        }
    }

    fn page(&self, path: &str) -> Page {
        let mut page = self.chromium.page();
        page.navigate(&format!("{}{path}", self.base));
        page.wait_loaded(WAIT);
        page
    }
}

/// Titles of the suggestions shown under the search box, in order.
fn suggestions(page: &mut Page) -> Vec<String> {
    let value = page.eval(
        "[...document.querySelectorAll('#search-list [role=option] .search-title')].map(e => e.textContent)",
    );
    serde_json::from_value(value).unwrap_or_default()
}

fn type_query(page: &mut Page, text: &str) {
    page.focus_selector("#search-q");
    page.eval("document.querySelector('#search-q').value = ''");
    page.type_text(text);
}

#[test]
fn typing_finds_papers_by_title_prefix_author_and_tag_and_enter_opens_one() {
    let fixture = Fixture::start();
    let mut page = fixture.page("2025/02/06/");

    // A title word, typed partly: results as you type, the paper first.
    type_query(&mut page, "improvn");
    page.wait_for_js(
        "suggestions for `improvn`",
        "document.querySelector('#search-list [role=option]') !== null",
        WAIT,
    );
    let titles = suggestions(&mut page);
    assert!(
        titles[0].starts_with("ImprovNet -- Generating Controllable Musical Improvisations"),
        "{titles:?}"
    );
    // The combobox says what it shows.
    assert_eq!(
        page.eval("document.querySelector('#search-q').getAttribute('aria-expanded')"),
        json!("true")
    );

    // An author's surname, typed without its accents.
    type_query(&mut page, "pribylova");
    page.wait_for_js(
        "suggestions for an author",
        "[...document.querySelectorAll('#search-list .search-title')].some(e => e.textContent.startsWith('Quokka'))",
        WAIT,
    );
    assert!(suggestions(&mut page)[0].starts_with("Quokka:"));

    // A tag, then the arrow key and Enter open the paper (under the project path).
    type_query(&mut page, "wildlife");
    page.wait_for_js(
        "suggestions for a tag",
        "(document.querySelector('#search-list .search-title') || {}).textContent === 'Quokka: Cheerful Marsupials as Benchmarks for Vision Models'",
        WAIT,
    );
    page.press_key("ArrowDown");
    page.press_key("Enter");
    page.wait_for_js(
        "the paper page",
        "location.pathname === '/repo/papers/quokka/' && document.readyState === 'complete'",
        WAIT,
    );
    assert_eq!(
        page.eval("document.querySelector('h1').textContent"),
        json!("Quokka: Cheerful Marsupials as Benchmarks for Vision Models")
    );

    // A word no paper has: a message, no list.
    type_query(&mut page, "xylophonist");
    page.wait_for_js(
        "the no-result message",
        "/no papers/i.test(document.querySelector('#search-status').textContent)",
        WAIT,
    );
    assert!(suggestions(&mut page).is_empty());

    // The mouse: a click on a suggestion opens it.
    type_query(&mut page, "improvn");
    page.wait_for_js(
        "suggestions to click",
        "document.querySelector('#search-list [role=option]') !== null",
        WAIT,
    );
    page.click_selector("#search-list [role=option]");
    page.wait_for_js(
        "the clicked paper",
        "location.pathname === '/repo/papers/improvnet-generating-controllable-musical-improvisations/'",
        WAIT,
    );
}

#[test]
fn the_results_page_lists_matches_and_links_to_them() {
    let fixture = Fixture::start();
    let mut page = fixture.page("search/?q=musical+improvisations");
    page.wait_for_js(
        "results on the search page",
        "document.querySelectorAll('#search-results .card').length > 0",
        WAIT,
    );
    let first = page.eval(
        "(() => { const a = document.querySelector('#search-results .card .card-title a'); return [a.textContent, a.getAttribute('href')]; })()",
    );
    assert_eq!(
        first[1],
        json!("/repo/papers/improvnet-generating-controllable-musical-improvisations/")
    );
    assert!(
        first[0].as_str().unwrap().starts_with("ImprovNet"),
        "{first}"
    );
    // Submitting the header form goes to the same page.
    type_query(&mut page, "quokkas");
    page.press_key("Enter");
    page.wait_for_js(
        "the results page for the typed query",
        "location.pathname === '/repo/search/' && new URLSearchParams(location.search).get('q') === 'quokkas' && document.querySelectorAll('#search-results .card').length === 1",
        WAIT,
    );
    assert_eq!(
        page.eval("document.querySelector('#search-results .card-title a').getAttribute('href')"),
        json!("/repo/papers/quokka/")
    );
    assert!(
        page.console_text().is_empty() || !page.console_text().contains("Uncaught"),
        "{}",
        page.console_text()
    );
}

#[test]
fn the_copy_button_and_the_download_give_the_papers_bibtex() {
    let fixture = Fixture::start();
    let mut page = fixture.page("papers/quokka/");
    let origin = fixture.base.trim_end_matches("repo/").trim_end_matches('/');
    page.call_browser(
        "Browser.grantPermissions",
        json!({ "origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    )
    .expect("clipboard permission");
    // Without a script the button stays hidden; with it, it shows.
    page.wait_for_js(
        "the copy button",
        "!document.querySelector('button[data-copy]').hidden",
        WAIT,
    );
    let shown = page.eval("document.querySelector('#bibtex').textContent");
    assert!(
        shown
            .as_str()
            .unwrap()
            .starts_with("@misc{pribylova2025quokka,"),
        "{shown}"
    );
    page.click_selector("button[data-copy]");
    page.wait_for_js(
        "the copied status",
        "document.querySelector('.copy-status').textContent.includes('Copied')",
        WAIT,
    );
    let copied = page.eval("navigator.clipboard.readText()");
    assert_eq!(copied, shown);

    // "Download .bib" saves the same entry as a file named by its key.
    let downloads = tempfile::tempdir().unwrap();
    page.call_browser(
        "Browser.setDownloadBehavior",
        json!({ "behavior": "allow", "downloadPath": downloads.path() }),
    )
    .expect("downloads allowed");
    page.click_selector("a[download$='.bib']");
    let file = downloads.path().join("pribylova2025quokka.bib");
    // The file may appear before it is complete: wait for the whole of it.
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let got = std::fs::read_to_string(&file).ok();
        if got.as_deref() == shown.as_str() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no complete download within {WAIT:?}: {got:?} (files: {:?})",
            std::fs::read_dir(downloads.path()).map(|d| d.count())
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
