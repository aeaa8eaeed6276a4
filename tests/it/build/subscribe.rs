//! The subscribe page and `feeds.opml`: every feed the build wrote is listed, with its Atom
//! and JSON Feed addresses, each address is a file of the output, and the navigation leads
//! there rather than to a raw Atom file.

use std::collections::BTreeSet;

use crate::common::{Site, files, html, index_pages, read, sel};

const BASE: &str = "https://user.github.io/papers/";

/// The output file an absolute address of the site names.
fn file_of(url: &str) -> String {
    url.strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not under {BASE}"))
        .to_string()
}

/// Every feed file of the output: each Atom feed and JSON Feed.
fn feed_files(out: &std::path::Path) -> BTreeSet<String> {
    files(out)
        .into_iter()
        .filter(|f| {
            f.ends_with("atom.xml")
                || f.ends_with("feed.json")
                || f == "digest.xml"
                || f == "digest-feed.json"
        })
        .collect()
}

#[test]
fn the_subscribe_page_and_opml_list_every_feed_and_nothing_else() {
    let site = Site::fixture("small");
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &format!("{config}\n[keyword_feeds]\n\"Music models\" = [\"music\"]\n"),
    );
    let out = site.build_ok(&["--base-url", BASE]);
    let feeds = feed_files(&out);
    assert!(feeds.len() >= 14, "{feeds:?}");

    let page = html(&out, "subscribe/index.html");
    let listed: BTreeSet<String> = page
        .select(&sel(".feed-row code"))
        .map(|c| file_of(&c.text().collect::<String>()))
        .collect();
    assert_eq!(listed, feeds, "the page lists exactly the feeds written");
    // Each address has a copy button naming the element that holds it.
    for code in page.select(&sel(".feed-row code")) {
        let id = code.value().attr("id").expect("an id to copy from");
        assert_eq!(
            page.select(&sel(&format!("button[data-copy='{id}']")))
                .count(),
            1,
            "{id}"
        );
    }
    assert!(page.root_element().html().contains("Music models"));

    let text = read(&out, "feeds.opml");
    let opml = roxmltree::Document::parse(&text).expect("feeds.opml is XML");
    assert_eq!(opml.root_element().tag_name().name(), "opml");
    assert_eq!(opml.root_element().attribute("version"), Some("2.0"));
    let outlines: Vec<roxmltree::Node> = opml
        .descendants()
        .filter(|n| n.has_tag_name("outline") && n.attribute("xmlUrl").is_some())
        .collect();
    let in_opml: BTreeSet<String> = outlines
        .iter()
        .map(|n| file_of(n.attribute("xmlUrl").unwrap()))
        .collect();
    let atom: BTreeSet<String> = feeds
        .iter()
        .filter(|f| f.ends_with(".xml"))
        .cloned()
        .collect();
    assert_eq!(in_opml, atom, "OPML lists every Atom feed");
    for outline in &outlines {
        assert_eq!(outline.attribute("type"), Some("rss"));
        assert!(!outline.attribute("text").unwrap_or_default().is_empty());
        let page = file_of(outline.attribute("htmlUrl").unwrap());
        assert!(
            out.join(&page).join("index.html").is_file() || page.is_empty(),
            "{page}"
        );
    }
    // Tags and keyword feeds are folders of their own.
    let folders: Vec<&str> = opml
        .descendants()
        .filter(|n| n.has_tag_name("outline") && n.attribute("xmlUrl").is_none())
        .filter_map(|n| n.attribute("text"))
        .collect();
    assert_eq!(folders, ["Tags", "Keyword feeds"]);

    // Every page's navigation leads to the subscribe page, none to a raw feed.
    for path in index_pages(&out) {
        let doc = html(&out, &path);
        let nav: Vec<&str> = doc
            .select(&sel("header nav a"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(nav.contains(&"/papers/subscribe/"), "{path}: {nav:?}");
        assert!(!nav.iter().any(|h| h.ends_with(".xml")), "{path}: {nav:?}");
    }
    // Every Atom feed names the stylesheet that shows it as a page, and it is in the output.
    for feed in &atom {
        assert!(
            read(&out, feed)
                .contains("<?xml-stylesheet type=\"text/xsl\" href=\"/papers/feed.xsl\"?>"),
            "{feed}"
        );
    }
    assert!(out.join("feed.xsl").is_file());
}
