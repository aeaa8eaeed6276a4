//! Author pages and feeds through the real binary: which authors get them (`[output]
//! author_pages`: `"min:N"`, the default `"min:2"`, `true`, `false`), one person written several
//! ways is one page named as most of their papers write it, names on cards and paper pages link
//! to pages that exist (and names without one stay text), the feeds are valid Atom and JSON
//! Feed 1.1, the pages are paginated newest first under a heading per year, and a bad value is
//! reported at its line and column.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{Site, files, html, index_pages, read, sel};

const BASE: &str = "https://example.org/sub/";
const ATOM: &str = "http://www.w3.org/2005/Atom";

/// Papers: (file stem, date, authors). Ada Lovelace writes five, her name three ways ("Ada
/// Lovelace" most often); Charles Babbage two; Grace Hopper one; an organisation two.
const RECORDS: &[(&str, &str, &[&str])] = &[
    (
        "engine-notes",
        "2025-03-04",
        &["Lovelace, Ada", "Charles Babbage"],
    ),
    (
        "bernoulli",
        "2025-01-10",
        &["Ada  LOVELACE", "Grace Hopper"],
    ),
    (
        "loom",
        "2024-06-01",
        &["Ada Lovelace", "{The Analytical Society}"],
    ),
    ("poetical-science", "2024-02-02", &["Ada Lovelace"]),
    (
        "difference",
        "2023-05-05",
        &[
            "Ada Lovelace",
            "Babbage, Charles",
            "{The Analytical Society}",
        ],
    ),
    ("compilers", "2023-01-01", &["Alan Turing and friends"]),
];

fn site(output: &str) -> Site {
    let site = Site::fixture("small");
    std::fs::remove_dir_all(site.path("content")).unwrap();
    site.write(
        "site.toml",
        &format!(
            "title = \"Authors\"\nbase_url = \"{BASE}\"\npaginate_by = 2\nfeed_limit = 3\n\n[output]\n{output}\n"
        ),
    );
    for (stem, date, authors) in RECORDS {
        let names: Vec<String> = authors.iter().map(|a| format!("{a:?}")).collect();
        site.write(
            &format!("content/{stem}.md"),
            &format!(
                "+++\ntitle = \"On {stem}\"\ndate = {date}\nauthors = [{}]\n+++\nAn abstract about {stem}.\n",
                names.join(", ")
            ),
        );
    }
    site
}

/// The slugs of the author pages written.
fn author_slugs(out: &Path) -> BTreeSet<String> {
    files(out)
        .into_iter()
        .filter_map(|f| {
            let rest = f.strip_prefix("authors/")?;
            let (slug, file) = rest.split_once('/')?;
            (file == "index.html").then(|| slug.to_string())
        })
        .collect()
}

fn set(slugs: &[&str]) -> BTreeSet<String> {
    slugs.iter().map(|s| s.to_string()).collect()
}

#[test]
fn authors_of_at_least_n_papers_get_a_page_and_feeds_and_no_one_else() {
    let both = ["ada-lovelace", "charles-babbage", "the-analytical-society"];
    for (output, expected) in [
        ("", set(&both)),
        ("author_pages = \"min:2\"", set(&both)),
        ("author_pages = \"min:3\"", set(&["ada-lovelace"])),
        (
            "author_pages = true",
            set(&[&both[..], &["alan-turing-and-friends", "grace-hopper"]].concat()),
        ),
        ("author_pages = false", set(&[])),
    ] {
        let site = site(output);
        let out = site.build_ok(&[]);
        assert_eq!(author_slugs(&out), expected, "{output:?}");
        for slug in &expected {
            for file in ["atom.xml", "feed.json"] {
                assert!(
                    out.join(format!("authors/{slug}/{file}")).is_file(),
                    "{output:?}: {slug}/{file}"
                );
            }
        }
        // Nothing else under authors/ (no feeds of authors without a page).
        let others: Vec<String> = files(&out)
            .into_iter()
            .filter(|f| f.starts_with("authors/"))
            .filter(|f| {
                !expected
                    .iter()
                    .any(|s| f.starts_with(&format!("authors/{s}/")))
            })
            .collect();
        assert!(others.is_empty(), "{output:?}: {others:?}");
        // Every name with a page is a link to it, and only those.
        let paper = html(&out, "papers/bernoulli/index.html");
        let linked: Vec<String> = paper
            .select(&sel("p.authors a"))
            .map(|a| {
                let text: String = a.text().collect();
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect();
        let text: String = paper
            .select(&sel("p.authors"))
            .flat_map(|p| p.text())
            .collect();
        assert!(text.contains("Grace Hopper"), "{output:?}: {text}");
        let hopper_linked = expected.contains("grace-hopper");
        assert_eq!(
            linked.iter().any(|n| n == "Grace Hopper"),
            hopper_linked,
            "{output:?}: {linked:?}"
        );
        assert_eq!(
            linked.iter().any(|n| n == "Ada LOVELACE"),
            expected.contains("ada-lovelace"),
            "{output:?}: the paper's own spelling links to her page: {linked:?}"
        );
    }
}

#[test]
fn one_person_written_three_ways_is_one_page_named_as_most_papers_write_it() {
    let site = site("");
    let out = site.build_ok(&[]);
    let page = html(&out, "authors/ada-lovelace/index.html");
    let h1: String = page.select(&sel("h1")).flat_map(|h| h.text()).collect();
    assert_eq!(h1.trim(), "Ada Lovelace");
    let titles = |doc: &scraper::Html| -> Vec<String> {
        doc.select(&sel("main .card-title a, main .compact a.t"))
            .map(|a| a.text().collect())
            .collect()
    };
    // All five papers over three pages, newest first.
    let mut all = titles(&page);
    for n in [2, 3] {
        all.extend(titles(&html(
            &out,
            &format!("authors/ada-lovelace/page/{n}/index.html"),
        )));
    }
    assert_eq!(
        all,
        [
            "On engine-notes",
            "On bernoulli",
            "On loom",
            "On poetical-science",
            "On difference"
        ]
    );
    assert!(!out.join("authors/ada-lovelace/page/4/index.html").exists());
    // The organisation is named without its braces.
    let org = html(&out, "authors/the-analytical-society/index.html");
    let h1: String = org.select(&sel("h1")).flat_map(|h| h.text()).collect();
    assert_eq!(h1.trim(), "The Analytical Society");
}

#[test]
fn pages_are_paginated_newest_first_with_a_heading_per_year_that_the_year_links_reach() {
    let site = site("");
    let out = site.build_ok(&[]);
    let first = html(&out, "authors/ada-lovelace/index.html");
    // The first page shows cards, later ones title lists, as tag pages do.
    assert_eq!(first.select(&sel("main article.card")).count(), 2);
    let second = html(&out, "authors/ada-lovelace/page/2/index.html");
    assert_eq!(second.select(&sel("main article.card")).count(), 0);
    assert_eq!(second.select(&sel("main ol.compact li")).count(), 2);
    let headings = |doc: &scraper::Html| -> Vec<String> {
        doc.select(&sel("main h2.year-heading"))
            .map(|h| h.text().collect())
            .collect()
    };
    assert_eq!(headings(&first), ["2025"]);
    assert_eq!(headings(&second), ["2024"]);
    // Papers per year, each linking to the page and heading where its year starts.
    let years: Vec<(String, String)> = first
        .select(&sel(".author-years a"))
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        years.iter().map(|(y, _)| y.as_str()).collect::<Vec<_>>(),
        ["2025", "2024", "2023"]
    );
    let counts: String = first
        .select(&sel(".author-years"))
        .flat_map(|p| p.text())
        .collect();
    assert!(
        counts.contains("2025 (2)") && counts.contains("2023 (1)"),
        "{counts}"
    );
    for (year, href) in years {
        let (path, fragment) = href.split_once('#').unwrap();
        let file = format!("{}index.html", path.strip_prefix("/sub/").unwrap());
        let doc = html(&out, &file);
        assert_eq!(
            doc.select(&sel(&format!("h2#{fragment}"))).count(),
            1,
            "{year}: {href}"
        );
    }
    // The pager leads from page to page.
    let next = first
        .select(&sel("nav.pager a[rel=next]"))
        .next()
        .and_then(|a| a.value().attr("href"));
    assert_eq!(next, Some("/sub/authors/ada-lovelace/page/2/"));
}

#[test]
fn every_author_link_on_every_page_resolves_to_an_author_page() {
    let site = site("author_pages = true");
    let out = site.build_ok(&[]);
    let mut links = 0;
    for page in index_pages(&out) {
        let doc = html(&out, &page);
        for a in doc.select(&sel(".authors a")) {
            let href = a.value().attr("href").unwrap();
            let path = href
                .strip_prefix("/sub/")
                .unwrap_or_else(|| panic!("{page}: {href}"));
            assert!(path.starts_with("authors/"), "{page}: {href}");
            let target = html(&out, &format!("{path}index.html"));
            let name: String = target.select(&sel("h1")).flat_map(|h| h.text()).collect();
            let shown: String = a.text().collect();
            // The link's text is the name as the paper writes it, which is the page's person.
            let key = |s: &str| {
                let mut words: Vec<String> = s
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect();
                words.sort();
                words
            };
            assert_eq!(key(&shown), key(&name), "{page}: {href}");
            links += 1;
        }
    }
    // Home page, days, the paper pages and the author pages' cards.
    assert!(links > 20, "{links} links");
}

#[test]
fn author_feeds_are_valid_atom_and_json_feed_with_the_authors_newest_papers() {
    let site = site("");
    let out = site.build_ok(&[]);
    let text = read(&out, "authors/ada-lovelace/atom.xml");
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    let child = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .map(|c| c.text().unwrap_or("").to_string())
    };
    // RFC 4287 4.1.1: id, title, updated; an author on the feed or on every entry.
    assert!(!child(feed, "id").unwrap().is_empty());
    assert_eq!(child(feed, "title").unwrap(), "Authors — Ada Lovelace");
    let updated: jiff::Timestamp = child(feed, "updated").unwrap().parse().unwrap();
    assert_eq!(updated.to_string(), "2025-03-04T00:00:00Z");
    assert!(feed.children().any(|c| c.has_tag_name((ATOM, "author"))));
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self"))
        .and_then(|c| c.attribute("href"));
    assert_eq!(
        self_link,
        Some("https://example.org/sub/authors/ada-lovelace/atom.xml")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .collect();
    // feed_limit = 3: the three newest.
    let titles: Vec<String> = entries
        .iter()
        .map(|e| child(*e, "title").unwrap())
        .collect();
    assert_eq!(titles, ["On engine-notes", "On bernoulli", "On loom"]);
    for entry in &entries {
        for name in ["id", "title", "updated"] {
            assert!(child(*entry, name).is_some_and(|t| !t.is_empty()), "{name}");
        }
    }

    let json: serde_json::Value =
        serde_json::from_str(&read(&out, "authors/ada-lovelace/feed.json")).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["title"], "Authors — Ada Lovelace");
    assert_eq!(
        json["feed_url"],
        "https://example.org/sub/authors/ada-lovelace/feed.json"
    );
    assert_eq!(
        json["home_page_url"],
        "https://example.org/sub/authors/ada-lovelace/"
    );
    let items = json["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "https://example.org/sub/papers/engine-notes/",
            "https://example.org/sub/papers/bernoulli/",
            "https://example.org/sub/papers/loom/"
        ]
    );
    for item in items {
        assert!(item["content_html"].is_string() || item["content_text"].is_string());
    }
    // The pages announce their feeds.
    let page = html(&out, "authors/ada-lovelace/index.html");
    let alternates: Vec<&str> = page
        .select(&sel("link[rel=alternate]"))
        .filter_map(|l| l.value().attr("href"))
        .collect();
    assert!(
        alternates.contains(&"/sub/authors/ada-lovelace/atom.xml"),
        "{alternates:?}"
    );
    assert!(
        alternates.contains(&"/sub/authors/ada-lovelace/feed.json"),
        "{alternates:?}"
    );
}

#[test]
fn without_author_pages_names_stay_text_as_before() {
    let site = site("author_pages = false");
    let out = site.build_ok(&[]);
    assert!(!out.join("authors").exists());
    for page in [
        "index.html",
        "papers/loom/index.html",
        "2025/03/04/index.html",
    ] {
        let doc = html(&out, page);
        assert_eq!(doc.select(&sel(".authors a")).count(), 0, "{page}");
    }
    let sitemap = read(&out, "sitemap.xml");
    assert!(!sitemap.contains("/authors/"));
    // With them, the sitemap lists them.
    let site = self::site("");
    let out = site.build_ok(&[]);
    assert!(read(&out, "sitemap.xml").contains("https://example.org/sub/authors/ada-lovelace/"));
}

#[test]
fn a_bad_author_pages_value_is_an_error_at_its_line_and_column() {
    for value in ["\"min:0\"", "\"max:2\"", "\"min:two\"", "2", "\"yes\""] {
        let site = site(&format!("author_pages = {value}"));
        let run = site.build(&[]);
        let message = run.assert_problems();
        assert!(message.contains("site.toml:7:16"), "{value}: {message}");
        assert!(
            message.contains("author_pages must be true, false or \"min:N\""),
            "{value}: {message}"
        );
        assert!(
            message.contains("author_pages = \"min:2\""),
            "{value}: {message}"
        );
    }
}
