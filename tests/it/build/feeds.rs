//! Feeds and machine files: Atom feeds (site and per tag), sitemap.xml, robots.txt, .nojekyll.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Site, files, index_pages, read, set, url_of};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const PROJECT: &str = "https://user.github.io/papers/";

/// What a test needs of a feed entry.
#[derive(Debug)]
struct Entry {
    id: String,
    title: String,
    updated: jiff::Timestamp,
    link: String,
}

/// Parses an Atom feed and checks its required elements; returns (title, entries).
fn parse_feed(out: &Path, relative: &str) -> (String, Vec<Entry>) {
    let text = read(out, relative);
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{relative} is not XML: {e}\n{text}"));
    let feed = doc.root_element();
    assert!(
        feed.has_tag_name((ATOM, "feed")),
        "{relative}: root is not an Atom feed"
    );
    let child = |node: roxmltree::Node, name: &str| -> Option<String> {
        node.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .map(|c| c.text().unwrap_or("").to_string())
    };
    let id = child(feed, "id").unwrap_or_else(|| panic!("{relative}: feed has no id"));
    assert!(!id.is_empty(), "{relative}: empty feed id");
    let title = child(feed, "title").unwrap_or_else(|| panic!("{relative}: feed has no title"));
    assert!(!title.is_empty());
    let updated = child(feed, "updated").unwrap_or_else(|| panic!("{relative}: no updated"));
    let feed_updated: jiff::Timestamp = updated
        .parse()
        .unwrap_or_else(|e| panic!("{relative}: feed updated {updated:?} is not RFC 3339: {e}"));
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self"))
        .and_then(|c| c.attribute("href"))
        .unwrap_or_else(|| panic!("{relative}: no self link"));
    assert!(
        self_link.ends_with(relative),
        "{relative}: self link {self_link}"
    );

    let mut entries = Vec::new();
    for entry in feed.children().filter(|c| c.has_tag_name((ATOM, "entry"))) {
        let id = child(entry, "id").expect("entry id");
        let title = child(entry, "title").expect("entry title");
        let updated = child(entry, "updated").expect("entry updated");
        let updated: jiff::Timestamp = updated
            .parse()
            .unwrap_or_else(|e| panic!("{relative}: entry updated {updated:?}: {e}"));
        assert!(
            updated <= feed_updated,
            "{relative}: entry newer than the feed"
        );
        let link = entry
            .children()
            .find(|c| c.has_tag_name((ATOM, "link")))
            .and_then(|c| c.attribute("href"))
            .unwrap_or_else(|| panic!("{relative}: entry {title} has no link"))
            .to_string();
        assert!(!id.is_empty() && !title.is_empty());
        entries.push(Entry {
            id,
            title,
            updated,
            link,
        });
    }
    if let Some(newest) = entries.iter().map(|e| e.updated).max() {
        assert_eq!(
            feed_updated, newest,
            "{relative}: feed updated is its newest entry"
        );
    }
    (title, entries)
}

fn tag_feeds(out: &Path) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|p| p.starts_with("tags/") && p.ends_with("/atom.xml"))
        .collect()
}

#[test]
fn site_feed_lists_papers_newest_first() {
    let site = Site::fixture("small");
    let out = site.build_ok(&["--base-url", PROJECT]);
    let (title, entries) = parse_feed(&out, "atom.xml");
    assert_eq!(title, "Reading Group Digest");
    let titles: Vec<&str> = entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "ImprovNet -- Generating Controllable Musical Improvisations with Iterative Corruption Refinement",
            "VisualCloze: A Universal Image Generation Framework via Visual In-Context Learning",
            "RoHM: Robust Human Motion Reconstruction via Diffusion",
            "Simple and Controllable Music Generation",
            "Jukebox: A Generative Model for Music",
            "REALM: Retrieval-Augmented Language Model Pre-Training",
        ]
    );
    for pair in entries.windows(2) {
        assert!(
            pair[0].updated >= pair[1].updated,
            "entries not newest first"
        );
    }
    assert_eq!(
        entries[0].updated.to_string(),
        "2025-02-06T00:00:00Z",
        "an entry is dated by its record's date"
    );
    // Entry ids are unique and links point at the paper pages, under the base URL.
    let ids: BTreeSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), entries.len());
    assert_eq!(entries[5].link, format!("{PROJECT}papers/realm/"));
    for entry in &entries {
        assert!(entry.link.starts_with(PROJECT), "{}", entry.link);
        let page = entry.link.strip_prefix(PROJECT).unwrap();
        assert!(
            out.join(page).join("index.html").is_file(),
            "{}",
            entry.link
        );
    }
}

#[test]
fn every_tag_has_a_valid_feed_of_its_papers() {
    let site = Site::fixture("small");
    let out = site.build_ok(&["--base-url", PROJECT]);
    let feeds = tag_feeds(&out);
    assert_eq!(
        feeds,
        [
            "tags/diffusion/atom.xml",
            "tags/image-generation/atom.xml",
            "tags/motion/atom.xml",
            "tags/music/atom.xml",
            "tags/retrieval/atom.xml",
        ]
    );
    for feed in &feeds {
        let (title, entries) = parse_feed(&out, feed);
        assert!(!entries.is_empty(), "{feed} has no entries");
        assert!(title.contains("Reading Group Digest"), "{feed}: {title}");
        for pair in entries.windows(2) {
            assert!(
                pair[0].updated >= pair[1].updated,
                "{feed}: not newest first"
            );
        }
    }
    let (title, music) = parse_feed(&out, "tags/music/atom.xml");
    assert!(title.contains("music"), "{title}");
    let links: Vec<&str> = music.iter().map(|e| e.link.as_str()).collect();
    assert_eq!(
        links,
        [
            format!("{PROJECT}papers/improvnet/"),
            format!("{PROJECT}papers/musicgen/"),
            format!("{PROJECT}papers/jukebox/"),
        ]
    );
    // The keyword tag's feed has the papers whose text mentions diffusion.
    let (_, diffusion) = parse_feed(&out, "tags/diffusion/atom.xml");
    assert_eq!(diffusion.len(), 2);
}

#[test]
fn repo_site_feeds_parse_and_are_limited() {
    let site = Site::repo_site();
    let out = site.build_ok(&[]);
    let (_, entries) = parse_feed(&out, "atom.xml");
    // feed_limit defaults to 20; the site has 50 papers.
    assert_eq!(entries.len(), 20);
    for pair in entries.windows(2) {
        assert!(
            pair[0].updated >= pair[1].updated,
            "entries not newest first"
        );
    }
    let feeds = tag_feeds(&out);
    assert!(feeds.len() > 5);
    for feed in feeds {
        let (_, entries) = parse_feed(&out, &feed);
        assert!((1..=20).contains(&entries.len()), "{feed}");
    }
}

#[test]
fn sitemap_lists_every_page_under_the_base_url() {
    for site in [Site::fixture("small"), Site::repo_site()] {
        let out = site.build_ok(&["--base-url", PROJECT]);
        let text = read(&out, "sitemap.xml");
        let doc = roxmltree::Document::parse(&text).expect("sitemap.xml is XML");
        assert!(doc.root_element().has_tag_name((SITEMAP, "urlset")));
        let locs: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name((SITEMAP, "loc")))
            .map(|n| n.text().unwrap().to_string())
            .collect();
        let listed = set(locs.clone());
        assert_eq!(listed.len(), locs.len(), "duplicate sitemap URLs");
        // Every HTML page but the 404, search and status pages, each once, by its public URL.
        let expected = set(index_pages(&out)
            .iter()
            .filter(|p| !["search/index.html", "status/index.html"].contains(&p.as_str()))
            .map(|p| url_of(PROJECT, p)));
        assert_eq!(listed, expected);
        let papers = index_pages(&out)
            .iter()
            .filter(|p| p.starts_with("papers/"))
            .count();
        assert!(papers == 6 || papers == 50);
        // lastmod, where given, is a date.
        for lastmod in doc
            .descendants()
            .filter(|n| n.has_tag_name((SITEMAP, "lastmod")))
        {
            let value = lastmod.text().unwrap();
            assert!(
                value.parse::<jiff::civil::Date>().is_ok()
                    || value.parse::<jiff::Timestamp>().is_ok(),
                "lastmod {value}"
            );
        }
    }
}

#[test]
fn robots_names_the_sitemap_and_nojekyll_exists() {
    let site = Site::fixture("small");
    let out = site.build_ok(&["--base-url", PROJECT]);
    let robots = read(&out, "robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l.trim() == format!("Sitemap: {PROJECT}sitemap.xml")),
        "{robots}"
    );
    assert!(robots.contains("User-agent: *"), "{robots}");
    assert!(out.join(".nojekyll").is_file());
    // Without --base-url, site.toml's base_url is used.
    let out = site.build_ok(&[]);
    assert!(read(&out, "robots.txt").contains("Sitemap: https://example.org/sitemap.xml"));
}
