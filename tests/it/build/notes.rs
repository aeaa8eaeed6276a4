//! Notes below the abstract (issue 19, item 8), through the real binary: a record's body is its
//! abstract, then, from a line `<!-- notes -->` or a `## Notes` heading on, the curator's notes.
//! The paper page shows them as their own section after the abstract; feeds, cards, the meta
//! description, search, related papers and the citation exports use the abstract only; digest's
//! own JSON keeps the whole body; a re-import never changes a byte of them.

use std::path::{Path, PathBuf};

use crate::common::{self, Site, digest, files, html, read, sel, text_of};

/// A word no fixture uses, written only in the notes.
const NOTE_WORD: &str = "quokkaflux";

/// The small fixture with two records that have notes, one per marker, and a third whose
/// title shares words with the first record's notes only.
fn site_with_notes() -> Site {
    let site = Site::fixture("small");
    site.write(
        "content/annotated.md",
        &format!(
            "+++\ntitle = \"Sparse Routing for Long Documents\"\ndate = 2025-03-03\nauthors = [\"Ann Lee\"]\ntags = [\"music\"]\n+++\nWe route tokens of long documents through sparse experts and measure the cost.\n\n## Notes\n\nRead with the {NOTE_WORD} group: *compare* with [the baseline](https://example.org/b).\nSee also zebrafinch birdsong zebrafinch birdsong zebrafinch birdsong.\n\n### Open questions\n\n1. Does it scale?\n"
        ),
    );
    site.write(
        "content/commented.md",
        &format!(
            "+++\ntitle = \"Quiet Attention\"\ndate = 2025-03-03\nauthor_count = 2\n+++\nAttention that stays quiet on padding tokens.\n\n<!-- notes -->\n\nMy {NOTE_WORD} remark, second record.\n"
        ),
    );
    site.write(
        "content/birdsong.md",
        "+++\ntitle = \"Zebrafinch Birdsong Synthesis\"\ndate = 2025-03-02\nauthor_count = 3\n+++\nWe synthesise zebrafinch birdsong with a small vocoder.\n",
    );
    site
}

/// The same site with the markers taken out: the notes' words are then the abstract's.
fn site_without_markers() -> Site {
    let site = site_with_notes();
    for name in ["annotated", "commented"] {
        let path = format!("content/{name}.md");
        let text = site
            .read(&path)
            .replace("## Notes\n", "")
            .replace("<!-- notes -->\n", "");
        site.write(&path, &text);
    }
    site
}

/// The output files (relative paths) whose text contains `word`.
fn files_with(out: &Path, word: &str) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|f| {
            std::fs::read(out.join(f))
                .is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(word))
        })
        .collect()
}

#[test]
fn notes_are_their_own_section_after_the_abstract() {
    let site = site_with_notes();
    let out = site.build_ok(&[]);
    let page = read(&out, "papers/annotated/index.html");
    let doc = html(&out, "papers/annotated/index.html");
    let abstract_text = text_of(&doc, "section.abstract").unwrap();
    assert!(
        abstract_text.contains("sparse experts and measure the cost"),
        "{abstract_text}"
    );
    assert!(!abstract_text.contains(NOTE_WORD), "{abstract_text}");
    let notes = doc
        .select(&sel("section.notes"))
        .next()
        .expect("a notes section");
    assert_eq!(notes.value().attr("aria-labelledby"), Some("notes"));
    assert_eq!(
        text_of(&doc, "section.notes > h2#notes").as_deref(),
        Some("Notes")
    );
    let notes_text: String = notes.text().collect();
    assert!(notes_text.contains(&format!("Read with the {NOTE_WORD} group")));
    // The notes are Markdown like the abstract: emphasis, links, headings, lists.
    assert_eq!(
        text_of(&doc, "section.notes em").as_deref(),
        Some("compare")
    );
    assert_eq!(
        common::hrefs(&doc, "section.notes a"),
        ["https://example.org/b"]
    );
    assert_eq!(
        text_of(&doc, "section.notes h3#open-questions").as_deref(),
        Some("Open questions")
    );
    assert!(doc.select(&sel("section.notes ol li")).next().is_some());
    // After the abstract, before the citation; the marker heading is not repeated.
    let at = |needle: &str| page.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(at("class=\"abstract\"") < at("class=\"notes\""));
    assert!(at("class=\"notes\"") < at("class=\"cite\""));
    assert_eq!(page.matches(">Notes</h").count(), 1, "{page}");

    // The comment marker works the same and is not shown.
    let doc = html(&out, "papers/commented/index.html");
    assert_eq!(
        text_of(&doc, "section.abstract p").as_deref(),
        Some("Attention that stays quiet on padding tokens.")
    );
    assert_eq!(
        text_of(&doc, "section.notes p").as_deref(),
        Some(format!("My {NOTE_WORD} remark, second record.").as_str())
    );
    let page = read(&out, "papers/commented/index.html");
    assert!(!page.contains("&lt;!-- notes"), "the marker shows as text");

    // A page without notes has no notes section.
    let doc = html(&out, "papers/birdsong/index.html");
    assert!(doc.select(&sel("section.notes")).next().is_none());
}

/// Only the paper pages show the notes: feeds (summaries and contents), cards, descriptions,
/// search and the sitemap never hold their words. The same words in an abstract are in all of
/// them, so the test would see notes leaking.
#[test]
fn feeds_cards_descriptions_and_search_use_the_abstract_only() {
    let site = site_with_notes();
    let out = site.build_ok(&[]);
    assert_eq!(
        files_with(&out, NOTE_WORD),
        ["papers/annotated/index.html", "papers/commented/index.html"]
    );
    let control_site = site_without_markers();
    let control = control_site.build_ok(&[]);
    let leaked = files_with(&control, NOTE_WORD);
    for file in [
        "atom.xml",
        "feed.json",
        "2025/03/03/index.html",
        "index.html",
    ] {
        assert!(leaked.contains(&file.to_string()), "{file}: {leaked:?}");
    }
    assert!(
        leaked.iter().any(|f| f.starts_with("search/")),
        "the search index has abstracts' words: {leaked:?}"
    );
}

/// Related papers are found from titles, abstracts, authors and tags: words in notes relate
/// nothing.
#[test]
fn notes_do_not_relate_papers() {
    let related = |out: &PathBuf| -> Vec<String> {
        common::hrefs(&html(out, "papers/annotated/index.html"), ".related a")
    };
    let birdsong = "/papers/birdsong/";
    let site = site_with_notes();
    let out = site.build_ok(&[]);
    assert!(
        !related(&out).iter().any(|h| h.ends_with(birdsong)),
        "{:?}",
        related(&out)
    );
    // The control: the same words in the abstract make the papers related.
    let control_site = site_without_markers();
    let control = control_site.build_ok(&[]);
    assert!(
        related(&control).iter().any(|h| h.ends_with(birdsong)),
        "{:?}",
        related(&control)
    );
}

fn export(site: &Site, format: &str) -> String {
    let run = digest(
        &["export", format, "--root", site.root.to_str().unwrap()],
        site.tmp.path(),
    );
    run.assert_success();
    run.stdout
}

/// BibTeX and CSL-JSON cite the abstract; digest's own JSON is the whole record (an import of
/// it gives the same files), notes included.
#[test]
fn citation_exports_give_the_abstract_and_json_keeps_the_notes() {
    let site = site_with_notes();
    let bibtex = export(&site, "bibtex");
    assert!(
        bibtex.contains("abstract = {We route tokens of long documents through sparse experts and measure the cost.}"),
        "{bibtex}"
    );
    assert!(!bibtex.contains(NOTE_WORD), "{bibtex}");
    let csl: serde_json::Value = serde_json::from_str(&export(&site, "csl-json")).unwrap();
    let item = csl
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Quiet Attention")
        .unwrap();
    assert_eq!(
        item["abstract"],
        "Attention that stays quiet on padding tokens."
    );
    assert!(!csl.to_string().contains(NOTE_WORD));
    let json: serde_json::Value = serde_json::from_str(&export(&site, "json")).unwrap();
    let record = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["slug"] == "commented")
        .unwrap();
    assert_eq!(
        record["body"],
        format!(
            "Attention that stays quiet on padding tokens.\n\n<!-- notes -->\n\nMy {NOTE_WORD} remark, second record."
        )
    );
}

/// A Hugging Face `/api/daily_papers` answer of one paper (written for this test, shaped like
/// the API's), with `upvotes` upvotes.
fn hf_listing(upvotes: u32) -> String {
    format!(
        r#"[{{"paper": {{"id": "2503.04321", "authors": [{{"_id": "1", "name": "Ann Lee", "hidden": false}}],
  "publishedAt": "2025-03-02T17:00:00.000Z", "title": "Annotated Sparse Routing",
  "summary": "We route tokens through sparse experts.", "upvotes": {upvotes}}},
  "submittedOnDailyAt": "2025-03-03T08:00:00.000Z", "numComments": 0}}]"#
    )
}

/// Regression: an import updates the front matter of a record that is already there and never
/// touches its body: notes (with CRLF line ends, a trailing space and no final newline) come
/// back byte for byte, and still render as notes.
#[test]
fn a_reimport_leaves_notes_byte_identical() {
    let site = Site::fixture("small");
    let import = |upvotes: u32| {
        let run = common::import_listing(
            site.tmp.path(),
            "hf-json",
            "listing.json",
            &hf_listing(upvotes),
            &[],
        );
        run.assert_success();
        run.stdout
    };
    // `import_listing` writes into `<tmp>/content`: the site's content folder is beside it.
    let content = site.tmp.path().join("content");
    import(3);
    let file = content.join("annotated-sparse-routing.md");
    let imported = std::fs::read_to_string(&file).unwrap();
    let notes = format!(
        "\r\n## Notes\r\n\r\nMy {NOTE_WORD} notes: *keep* these. \r\n\r\n- a list\r\n- $x^2$ math"
    );
    std::fs::write(&file, format!("{imported}{notes}")).unwrap();
    let said = import(9);
    assert!(
        said.contains("upvotes"),
        "the import updated the record: {said}"
    );
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(after.contains("upvotes = 9"), "{after}");
    assert!(after.ends_with(&notes), "notes changed:\n{after:?}");
    let body_before = &imported[imported.rfind("+++").unwrap()..];
    assert_eq!(
        &after[after.rfind("+++").unwrap()..],
        format!("{body_before}{notes}"),
        "the body is byte-identical"
    );
    // The record still builds, with its notes as notes.
    common::copy_dir(&content, &site.path("content"));
    let out = site.build_ok(&[]);
    let doc = html(&out, "papers/annotated-sparse-routing/index.html");
    let notes_text = text_of(&doc, "section.notes").unwrap();
    assert!(notes_text.contains(NOTE_WORD), "{notes_text}");
    assert!(
        !text_of(&doc, "section.abstract")
            .unwrap()
            .contains(NOTE_WORD)
    );
}

/// A body that is all notes (the marker first): the page shows the notes without an empty
/// "Abstract"; like a paper without an abstract, it has no description and its feed entries no
/// content.
#[test]
fn a_body_of_notes_only_has_no_abstract() {
    let site = Site::fixture("small");
    site.write(
        "content/only-notes.md",
        &format!(
            "+++\ntitle = \"Only Notes\"\ndate = 2025-03-05\nauthor_count = 1\n+++\n<!-- notes -->\n\nWhy we read it: {NOTE_WORD}.\n"
        ),
    );
    let out = site.build_ok(&[]);
    let doc = html(&out, "papers/only-notes/index.html");
    assert!(doc.select(&sel("section.abstract")).next().is_none());
    assert_eq!(
        text_of(&doc, "section.notes p").as_deref(),
        Some(format!("Why we read it: {NOTE_WORD}.").as_str())
    );
    assert!(doc.select(&sel("meta[name=description]")).next().is_none());
    let feed: serde_json::Value = serde_json::from_str(&read(&out, "feed.json")).unwrap();
    let item = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Only Notes")
        .unwrap();
    assert!(item.get("content_html").is_none(), "{item}");
    assert_eq!(
        files_with(&out, NOTE_WORD),
        ["papers/only-notes/index.html"]
    );
}

#[test]
fn pages_with_notes_pass_the_nu_html_checker() {
    let Some(jar) = super::validity::vnu() else {
        return;
    };
    let site = site_with_notes();
    // Headings in notes named like the page's own sections keep the page's ids unique.
    site.write(
        "content/headings.md",
        "+++\ntitle = \"Headings in Notes\"\ndate = 2025-03-03\nauthor_count = 1\n+++\n## Abstract\n\nText.\n\n## Notes\n\n## Notes\n\n### Cite\n\n#### Related\n\nEnd.\n",
    );
    site.write(
        "content/only-notes.md",
        "+++\ntitle = \"Only Notes\"\ndate = 2025-03-05\nauthor_count = 1\n+++\n## Notes\n\nAll notes.\n",
    );
    let out = site.build_ok(&[]);
    let pages: Vec<PathBuf> = [
        "papers/annotated/index.html",
        "papers/commented/index.html",
        "papers/headings/index.html",
        "papers/only-notes/index.html",
    ]
    .iter()
    .map(|p| out.join(p))
    .collect();
    let errors = super::validity::vnu_errors(&jar, &pages);
    assert!(errors.is_empty(), "{errors:#?}");
}
