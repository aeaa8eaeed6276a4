//! What a build makes for email: a preview of each of the newest days' emails
//! (`/<yyyy>/<mm>/<dd>/email/`) and the digest feed (`digest.xml`, `digest-feed.json`) whose
//! entries are those emails, for RSS-to-email services.

use scraper::Html;

use super::day_of_papers;
use crate::common::{Site, files, read, sel};

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The digest feed has one entry per listing day, newest first, `[email] recent` of them
/// (7 by default); each entry's content is that day's email (its body, styles inline) and
/// links its preview page, which is the same email.
#[test]
fn the_digest_feed_has_each_recent_day_s_email() {
    let site = Site::fixture("small");
    for (day, count) in [("2025-03-03", 3), ("2025-03-04", 2), ("2025-03-05", 1)] {
        day_of_papers(&site, count, day);
    }
    let out = site.build_ok(&[]);
    let text = read(&out, "digest.xml");
    let doc = roxmltree::Document::parse(&text).expect("digest.xml is XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    let entries: Vec<roxmltree::Node> = feed
        .children()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .collect();
    // The fixture's 4 days and the 3 added: 7, the default.
    assert_eq!(entries.len(), 7);
    let child = |node: &roxmltree::Node, name: &str| {
        node.children()
            .find(|n| n.has_tag_name((ATOM, name)))
            .unwrap_or_else(|| panic!("no {name}"))
            .text()
            .unwrap_or_default()
            .to_string()
    };
    let first = &entries[0];
    assert_eq!(child(first, "id"), "https://example.org/2025/03/05/email/");
    assert_eq!(child(first, "updated"), "2025-03-05T00:00:00Z");
    assert!(
        child(first, "title").contains("Wednesday"),
        "{}",
        child(first, "title")
    );
    let content = child(first, "content");
    assert!(content.contains("Paper 000"), "{content}");
    assert!(content.contains("style=\""), "styles are inline");
    assert!(!content.contains("<style") && !content.contains("<body"));
    let second = child(&entries[1], "content");
    assert!(second.contains("Paper 001") && second.contains("Paper 000"));
    assert_eq!(
        child(&entries[1], "id"),
        "https://example.org/2025/03/04/email/"
    );

    // The preview is the same email, whole.
    let preview = read(&out, "2025/03/04/email/index.html");
    let body = Html::parse_document(&preview);
    assert_eq!(body.select(&sel(".title a")).count(), 2);
    assert!(
        preview.contains(second.trim()),
        "the entry is the preview's body"
    );

    let json: serde_json::Value =
        serde_json::from_str(&read(&out, "digest-feed.json")).expect("JSON");
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    assert_eq!(items[0]["url"], "https://example.org/2025/03/05/email/");
    assert_eq!(
        items[0]["content_html"].as_str().unwrap().trim(),
        content.trim()
    );

    // Only the newest days have a preview.
    let previews: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with("/email/index.html"))
        .collect();
    assert_eq!(previews.len(), 7, "{previews:?}");
}

/// `[email] feed = "week"` gives one entry per ISO week and week previews; `feed = false` no
/// digest feed; `recent` how many.
#[test]
fn the_digest_feed_follows_its_settings() {
    let site = Site::fixture("small");
    day_of_papers(&site, 2, "2025-03-03");
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &format!("{config}\n[email]\nfeed = \"week\"\nrecent = 2\n"),
    );
    let out = site.build_ok(&[]);
    let json: serde_json::Value =
        serde_json::from_str(&read(&out, "digest-feed.json")).expect("JSON");
    let urls: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://example.org/2025/w10/email/",
            "https://example.org/2025/w06/email/"
        ]
    );
    assert!(out.join("2025/w10/email/index.html").is_file());
    assert!(out.join("2025/03/03/email/index.html").is_file());
    assert!(
        !out.join("2025/02/05/email/index.html").exists(),
        "recent = 2"
    );

    site.write("site.toml", &format!("{config}\n[email]\nfeed = false\n"));
    let out = site.build_ok(&[]);
    assert!(!out.join("digest.xml").exists());
    assert!(!out.join("digest-feed.json").exists());
    assert!(
        out.join("2025/03/03/email/index.html").is_file(),
        "previews stay"
    );
}

/// The home page announces the digest feed, so a service given the site's address finds it.
#[test]
fn the_home_page_announces_the_digest_feed() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let home = crate::common::html(&out, "index.html");
    let feeds = crate::common::hrefs(&home, "link[rel=alternate][type='application/atom+xml']");
    assert_eq!(feeds, ["/atom.xml", "/digest.xml"]);
    let day = crate::common::html(&out, "2025/02/06/index.html");
    assert_eq!(
        crate::common::hrefs(&day, "link[rel=alternate]"),
        ["/atom.xml"],
        "only the home page"
    );
}
