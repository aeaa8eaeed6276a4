//! The record field `tldr` end to end, through the real binary: a record's one- or two-sentence
//! summary is shown on its paper page (a "TL;DR" line above the abstract) and on cards in place
//! of the cut abstract, is the Atom and JSON Feed entries' summary (the abstract stays the
//! content) and the page's meta description; the pages stay valid HTML (Nu HTML checker).
//! `digest import hf-json` writes it from `ai_summary`, updates it while it is the import's, and
//! never replaces one a person edited; digest's own JSON round-trips it.

use std::path::{Path, PathBuf};

use crate::common::{self, Site, digest, html, read, sel, text_of};

/// What the test record's tldr says: markup characters stay text everywhere.
const TLDR: &str = "Sparse experts route <tokens> & keep \"quality\" at a million tokens.";

/// The small fixture site with one record that has a tldr (and an abstract), beside records
/// that have none.
fn site_with_a_tldr() -> Site {
    let site = Site::fixture("small");
    site.write(
        "content/sparse.md",
        &format!(
            "+++\ntitle = \"Sparse Experts for Long Contexts\"\ndate = 2025-03-03\nauthors = [\"Ann Lee\"]\ntags = [\"music\"]\ntldr = {}\n+++\nWe study sparse mixtures of experts for contexts of a million tokens, and more words so that the abstract is long enough to tell apart from the tldr.\n",
            toml_string(TLDR)
        ),
    );
    site
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[test]
fn a_tldr_shows_on_its_page_above_the_abstract_and_as_its_description() {
    let site = site_with_a_tldr();
    let out = site.build_ok(&[]);
    let page = read(&out, "papers/sparse/index.html");
    let doc = html(&out, "papers/sparse/index.html");
    let line = text_of(&doc, "article.paper p.tldr").expect("a TL;DR line");
    assert_eq!(line, format!("TL;DR {TLDR}"));
    assert_eq!(
        text_of(&doc, "p.tldr strong").as_deref(),
        Some("TL;DR"),
        "the line is labelled"
    );
    let (tldr_at, abstract_at) = (
        page.find("class=\"summary tldr\"").unwrap(),
        page.find("class=\"abstract\"").unwrap(),
    );
    assert!(
        tldr_at < abstract_at,
        "the TL;DR line comes before the abstract"
    );
    // The abstract is still there, whole.
    assert!(
        text_of(&doc, "section.abstract")
            .unwrap()
            .contains("contexts of a million tokens, and more words")
    );
    for meta in [
        "meta[name=description]",
        "meta[property=\"og:description\"]",
    ] {
        let content = doc
            .select(&sel(meta))
            .next()
            .and_then(|m| m.value().attr("content"))
            .unwrap_or_else(|| panic!("no {meta}"))
            .to_string();
        assert_eq!(content, TLDR, "{meta}");
    }
    // A page without a tldr: no line, the description is the abstract's start as before.
    let other = html(&out, "papers/improvnet/index.html");
    assert!(other.select(&sel(".tldr")).next().is_none());
    let description = other
        .select(&sel("meta[name=description]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap()
        .to_string();
    assert!(
        description.starts_with("This paper presents ImprovNet"),
        "{description}"
    );
}

#[test]
fn cards_show_the_tldr_in_place_of_the_cut_abstract() {
    let site = site_with_a_tldr();
    let out = site.build_ok(&[]);
    for list in [
        "2025/03/03/index.html",
        "tags/music/index.html",
        "index.html",
    ] {
        let doc = html(&out, list);
        let card = doc
            .select(&sel("article.card"))
            .find(|c| c.text().any(|t| t.contains("Sparse Experts")))
            .unwrap_or_else(|| panic!("{list}: no card of the paper"));
        let summaries: Vec<String> = card
            .select(&sel("p.summary"))
            .map(|p| p.text().collect::<String>())
            .collect();
        assert_eq!(summaries, [format!("TL;DR {TLDR}")], "{list}");
    }
    // Cards of papers without a tldr keep their cut abstract, unlabelled.
    let doc = html(&out, "2025/02/06/index.html");
    let summary = text_of(&doc, "article.card p.summary").unwrap();
    assert!(
        summary.starts_with("This paper presents ImprovNet"),
        "{summary}"
    );
    assert!(doc.select(&sel("article.card .tldr")).next().is_none());
}

#[test]
fn feeds_give_the_tldr_as_summary_and_keep_the_abstract_as_content() {
    let site = site_with_a_tldr();
    let out = site.build_ok(&[]);
    for feed in ["atom.xml", "tags/music/atom.xml"] {
        let text = read(&out, feed);
        let xml = roxmltree::Document::parse(&text).unwrap();
        let entry = xml
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .find(|e| {
                e.children().any(|c| {
                    c.has_tag_name("title") && c.text() == Some("Sparse Experts for Long Contexts")
                })
            })
            .unwrap_or_else(|| panic!("{feed}: no entry of the paper"));
        let child = |name: &str| {
            entry
                .children()
                .find(|c| c.has_tag_name(name))
                .and_then(|c| c.text())
                .map(str::to_string)
        };
        assert_eq!(child("summary").as_deref(), Some(TLDR), "{feed}");
        assert!(
            child("content")
                .unwrap()
                .contains("contexts of a million tokens"),
            "{feed}"
        );
    }
    for feed in ["feed.json", "tags/music/feed.json"] {
        let json: serde_json::Value = serde_json::from_str(&read(&out, feed)).unwrap();
        let items = json["items"].as_array().unwrap();
        let item = items
            .iter()
            .find(|i| i["title"] == "Sparse Experts for Long Contexts")
            .unwrap_or_else(|| panic!("{feed}: no item of the paper"));
        assert_eq!(item["summary"], TLDR, "{feed}");
        assert!(
            item["content_html"]
                .as_str()
                .unwrap()
                .contains("contexts of a million tokens"),
            "{feed}"
        );
        // Items without a tldr keep the abstract's start as their summary.
        let other = items
            .iter()
            .find(|i| {
                i["title"] != "Sparse Experts for Long Contexts" && i.get("content_html").is_some()
            })
            .unwrap();
        assert!(
            other["summary"]
                .as_str()
                .is_some_and(|s| !s.contains("TL;DR"))
        );
    }
}

#[test]
fn pages_with_a_tldr_pass_the_nu_html_checker() {
    let Some(jar) = super::validity::vnu() else {
        return;
    };
    let site = site_with_a_tldr();
    let out = site.build_ok(&[]);
    let pages: Vec<PathBuf> = [
        "papers/sparse/index.html",
        "2025/03/03/index.html",
        "tags/music/index.html",
    ]
    .iter()
    .map(|p| out.join(p))
    .collect();
    let errors = super::validity::vnu_errors(&jar, &pages);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// A Hugging Face `/api/daily_papers` response of one item with an `ai_summary`, shaped like
/// the API's (written for this test).
fn hf_listing(ai_summary: &str) -> String {
    format!(
        r#"[
  {{
    "paper": {{
      "id": "2503.01234",
      "authors": [{{"_id": "1", "name": "Ann Lee", "hidden": false}}],
      "publishedAt": "2025-03-02T17:00:00.000Z",
      "title": "Sparse Experts for Long Contexts",
      "summary": "We study sparse mixtures of experts.",
      "upvotes": 4,
      "ai_summary": {},
      "ai_keywords": ["sparse experts"]
    }},
    "submittedOnDailyAt": "2025-03-03T08:00:00.000Z",
    "numComments": 0
  }}
]"#,
        serde_json::Value::String(ai_summary.to_string())
    )
}

fn import(site: &Site, listing: &str) -> String {
    let file = site.tmp.path().join("listing.json");
    std::fs::write(&file, listing).unwrap();
    let run = digest(
        &[
            "import",
            "hf-json",
            file.to_str().unwrap(),
            "--into",
            site.path("content").to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    run.assert_success();
    run.stdout
}

fn record_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("sparse-experts-for-long-contexts.md")).unwrap()
}

#[test]
fn an_hf_json_import_writes_the_tldr_from_ai_summary_and_keeps_a_person_s_edit() {
    let site = Site::fixture("small");
    let content = site.path("content");
    import(
        &site,
        &hf_listing("Sparse experts keep quality at a million tokens."),
    );
    let record = record_of(&content);
    let fm = common::front_matter(&record).unwrap();
    assert_eq!(
        fm["tldr"].as_str(),
        Some("Sparse experts keep quality at a million tokens.")
    );
    assert!(
        fm.get("extra").and_then(|e| e.get("ai_summary")).is_none(),
        "{record}"
    );
    assert!(record.contains("# as imported: "), "{record}");
    // The site builds and shows it.
    let out = site.build_ok(&[]);
    let doc = html(&out, "papers/sparse-experts-for-long-contexts/index.html");
    assert_eq!(
        text_of(&doc, "p.tldr").as_deref(),
        Some("TL;DR Sparse experts keep quality at a million tokens.")
    );
    // A newer summary replaces the import's own.
    let said = import(&site, &hf_listing("A newer one-sentence summary."));
    assert!(said.contains("tldr"), "{said}");
    let record = record_of(&content);
    assert!(
        record.contains("tldr = \"A newer one-sentence summary.\" # as imported: "),
        "{record}"
    );
    // Edited by hand: the next import leaves it.
    let edited = record.replace("A newer one-sentence summary.", "My own summary.");
    std::fs::write(content.join("sparse-experts-for-long-contexts.md"), &edited).unwrap();
    import(&site, &hf_listing("Yet another summary."));
    assert_eq!(record_of(&content), edited);
}

#[test]
fn digest_json_export_and_import_keep_the_tldr() {
    let site = site_with_a_tldr();
    let exported = site.tmp.path().join("export.json");
    digest(
        &[
            "export",
            "json",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            exported.to_str().unwrap(),
        ],
        site.tmp.path(),
    )
    .assert_success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    let record = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["slug"] == "sparse")
        .unwrap();
    assert_eq!(record["tldr"], TLDR);
    let into = site.tmp.path().join("restored");
    digest(
        &[
            "import",
            "json",
            exported.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        site.tmp.path(),
    )
    .assert_success();
    let restored =
        std::fs::read_to_string(into.join("sparse-experts-for-long-contexts.md")).unwrap();
    let fm = common::front_matter(&restored).unwrap();
    assert_eq!(fm["tldr"].as_str(), Some(TLDR));
    // The record's own tldr: no mark that would let a later import replace it.
    assert!(!restored.contains("# as imported"), "{restored}");
}
