//! A feed opened in a browser: `feed.xsl` turns the Atom file into a page that says what a feed
//! is and how to follow it, and lists the newest entries as links; the subscribe page's copy
//! buttons put a feed's address on the clipboard.
//!
//! Needs Chromium (`/usr/bin/chromium` or `$CHROMIUM`). Chromium 156 still applies XSLT (with a
//! banner announcing its removal); Firefox and Safari keep it.

use std::net::TcpListener;
use std::time::Duration;

use crate::common::Site;
use crate::common::browser::{self, Chromium};

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn an_atom_feed_opened_in_a_browser_explains_itself_and_the_copy_buttons_copy() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!(
        "http://127.0.0.1:{}/papers/",
        listener.local_addr().unwrap().port()
    );
    let site = Site::fixture("small");
    let out = site.build_ok(&["--base-url", &base]);
    browser::serve_static(listener, out, "/papers/");
    let chromium = Chromium::start();
    let mut page = chromium.page();
    for feed in ["atom.xml", "tags/music/atom.xml", "digest.xml"] {
        page.navigate(&format!("{base}{feed}"));
        page.wait_loaded(WAIT);
        let about = page.eval(
            "document.querySelector('.about') && document.querySelector('.about').textContent",
        );
        let about = about
            .as_str()
            .unwrap_or_else(|| panic!("{feed}: no explanation shown"));
        assert!(about.contains("This is a web feed"), "{feed}: {about}");
        assert!(
            about.contains(&format!("{base}{feed}")),
            "{feed}: the address to copy: {about}"
        );
        let entries = page.eval("[...document.querySelectorAll('ol li a')].map(a => a.href)");
        let entries = entries.as_array().unwrap();
        assert!(!entries.is_empty(), "{feed}: no entries listed");
        assert!(
            entries
                .iter()
                .all(|e| e.as_str().unwrap().starts_with(&base)),
            "{entries:?}"
        );
    }
    // The subscribe page: a copy button puts the address on the clipboard.
    page.navigate(&format!("{base}subscribe/"));
    page.wait_loaded(WAIT);
    page.send(
        "Browser.grantPermissions",
        serde_json::json!({ "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    );
    page.click_selector("button[data-copy='tag-music-atom']");
    let copied = page.wait_for_js(
        "the address copied",
        "document.querySelector('#tag-music .copy-status').textContent.includes('Copied') && navigator.clipboard.readText()",
        WAIT,
    );
    assert_eq!(
        copied.as_str(),
        Some(format!("{base}tags/music/atom.xml").as_str())
    );
}
