//! Record text is data, never markup: a title and abstract full of HTML and script breakers come
//! out as the same text in every page, in the JSON-LD block and in the feeds.

use crate::common;

use std::path::Path;

use common::{Site, files, html, read, sel};
use scraper::Html;

const TITLE: &str =
    r#"Attack </script><script>alert(1)</script> "><img src=x onerror=alert(1)> & Co"#;
const ABSTRACT: &str = r#"Abstract with </script><script>alert(1)</script> and "><img src=x onerror=alert(1)> & more."#;
/// What must survive as text wherever the abstract is shown (Markdown may turn `"` into a
/// typographic quote, so the quote itself is not compared).
const ABSTRACT_PARTS: [&str; 3] = [
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "& more.",
];
const AUTHOR: &str = "Mallory </script><script>alert(2)</script>";

fn build() -> (Site, std::path::PathBuf) {
    let site = Site::fixture("escaping");
    let out = site.build_ok(&[]);
    (site, out)
}

/// No script but the JSON-LD one and the theme's own script files, no element with an event
/// handler attribute, no `img`.
fn assert_no_injected_markup(page: &str, doc: &Html) {
    for script in doc.select(&sel("script")) {
        let theme_file = matches!(
            script.value().attr("src"),
            Some("/site.js" | "/search.js" | "/ris.js")
        ) && script.text().collect::<String>().is_empty();
        assert!(
            theme_file || script.value().attr("type") == Some("application/ld+json"),
            "{page}: unexpected <script>: {}",
            script.html()
        );
    }
    for element in doc.select(&sel("*")) {
        for (name, _) in element.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "{page}: element <{}> has event handler {name}",
                element.value().name()
            );
        }
    }
    assert_eq!(doc.select(&sel("img")).count(), 0, "{page}: injected <img>");
}

fn assert_has_abstract(what: &str, text: &str) {
    for part in ABSTRACT_PARTS {
        assert!(
            text.contains(part),
            "{what}: the abstract's text {part:?} is missing from {text:?}\n(record: {ABSTRACT:?})"
        );
    }
}

#[test]
fn no_page_contains_injected_markup() {
    let (_site, out) = build();
    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 8);
    for page in &pages {
        assert_no_injected_markup(page, &html(&out, page));
    }
}

#[test]
fn the_title_round_trips_on_every_page_that_shows_it() {
    let (_site, out) = build();
    let paper = html(&out, "papers/attack/index.html");
    assert_eq!(common::text_of(&paper, "h1").as_deref(), Some(TITLE));
    let title = common::text_of(&paper, "title").unwrap();
    assert!(title.starts_with(TITLE), "<title> {title:?}");
    // The abstract's text comes through as text.
    let main_text: String = paper.select(&sel("main")).next().unwrap().text().collect();
    assert_has_abstract("paper page", &main_text);
    assert!(main_text.contains(AUTHOR), "{main_text}");

    // List pages: the paper's link text is the title.
    for page in [
        "index.html",
        "2025/03/01/index.html",
        "2025/03/index.html",
        "tags/security/index.html",
    ] {
        let doc = html(&out, page);
        let texts: Vec<String> = doc
            .select(&sel("main a[href='/papers/attack/']"))
            .map(|a| a.text().collect::<String>().trim().to_string())
            .collect();
        assert!(
            texts.iter().any(|t| t == TITLE),
            "{page}: no link with the title, found {texts:?}"
        );
        assert_no_injected_markup(page, &doc);
    }
}

#[test]
fn the_json_ld_block_is_valid_json_without_raw_markup() {
    let (_site, out) = build();
    let doc = html(&out, "papers/attack/index.html");
    let blocks: Vec<String> = doc
        .select(&sel("script[type='application/ld+json']"))
        .map(|s| s.text().collect())
        .collect();
    assert_eq!(blocks.len(), 1, "one JSON-LD block");
    let raw = &blocks[0];
    assert!(!raw.contains('<'), "raw < in JSON-LD: {raw}");
    let json: serde_json::Value = serde_json::from_str(raw).expect("JSON-LD parses");
    // The whole title: `headline`, or `name` when the headline had to be cut.
    assert_eq!(json.get("name").unwrap_or(&json["headline"]), TITLE);
    let headline = json["headline"].as_str().expect("headline");
    assert!(
        TITLE.starts_with(headline.trim_end_matches('…')),
        "{headline}"
    );
    assert_eq!(json["@type"], "ScholarlyArticle");
    // The block describes the page it is in: its address is the canonical link, not repeated.
    assert!(json.get("url").is_none(), "{json}");
    assert_eq!(
        common::hrefs(&doc, "link[rel=canonical]"),
        ["https://example.org/papers/attack/"]
    );
    // And the page's source never holds the closing tag of a script inside the block.
    let source = read(&out, "papers/attack/index.html");
    assert_eq!(
        source.matches("</script>").count(),
        doc.select(&sel("script")).count(),
        "{source}"
    );
}

fn atom_entry_title(out: &Path, feed: &str) -> (String, String, String) {
    let text = read(out, feed);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed}: {e}"));
    let entry = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("entry")
                && n.descendants().any(|c| {
                    c.has_tag_name("id") && c.text() == Some("https://example.org/papers/attack/")
                })
        })
        .unwrap_or_else(|| panic!("{feed}: no entry for the paper"));
    let child = |name: &str| {
        entry
            .children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or("")
            .to_string()
    };
    (child("title"), child("summary"), child("content"))
}

#[test]
fn feeds_carry_the_raw_text() {
    let (_site, out) = build();
    for feed in ["atom.xml", "tags/security/atom.xml"] {
        let (title, _, content) = atom_entry_title(&out, feed);
        assert_eq!(title, TITLE, "{feed}");
        // The content is HTML (type="html"): once unescaped it must still be harmless.
        let fragment = Html::parse_fragment(&content);
        assert_eq!(
            fragment.select(&sel("script")).count(),
            0,
            "{feed}: {content}"
        );
        assert_eq!(fragment.select(&sel("img")).count(), 0, "{feed}: {content}");
        let text: String = fragment.root_element().text().collect();
        assert_has_abstract(&format!("{feed} content"), &text);
    }
}

/// The summary of an abstract (meta description, list cards, JSON-LD, feed summary) keeps text
/// that looks like HTML, as the paper page shows it.
#[test]
fn summaries_keep_text_that_looks_like_html() {
    let (_site, out) = build();
    let paper = html(&out, "papers/attack/index.html");
    let description = paper
        .select(&sel("meta[name=description]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap()
        .to_string();
    let og_description = paper
        .select(&sel("meta[property='og:description']"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap()
        .to_string();
    let home = html(&out, "index.html");
    let card: String = home
        .select(&sel("main article p"))
        .map(|p| p.text().collect::<String>())
        .find(|t| t.contains("Abstract with"))
        .expect("the paper's summary on the home page");
    let (_, feed_summary, _) = atom_entry_title(&out, "atom.xml");
    let mut failures = Vec::new();
    for (what, text) in [
        ("meta description", description.as_str()),
        ("og:description", og_description.as_str()),
        ("home page summary", card.as_str()),
        ("atom.xml summary", feed_summary.as_str()),
    ] {
        for part in ABSTRACT_PARTS {
            if !text.contains(part) {
                failures.push(format!("{what}: {part:?} missing from {text:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "record abstract {ABSTRACT:?}:\n{}",
        failures.join("\n")
    );
}

#[test]
fn tag_names_with_markup_are_escaped_too() {
    let site = Site::fixture("escaping");
    let record = site.read("content/attack.md").replace(
        r#"tags = ["security"]"#,
        r#"tags = ["security", "<b>bold</b> & \"quoted\""]"#,
    );
    site.write("content/attack.md", &record);
    let out = site.build_ok(&[]);
    let tag_dirs: Vec<String> = files(&out)
        .into_iter()
        .filter(|p| p.starts_with("tags/") && p.ends_with("/index.html") && p.contains("bold"))
        .collect();
    assert_eq!(tag_dirs, ["tags/b-bold-b-and-quoted/index.html"]);
    let doc = html(&out, "tags/b-bold-b-and-quoted/index.html");
    assert_eq!(
        doc.select(&sel("main b")).count(),
        0,
        "tag name rendered as markup"
    );
    let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
    assert!(h1.contains(r#"<b>bold</b> & "quoted""#), "{h1}");
    let (_, _, _) = atom_entry_title(&out, "tags/b-bold-b-and-quoted/atom.xml");
}
