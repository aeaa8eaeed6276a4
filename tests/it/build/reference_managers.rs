//! Reference managers (issue 19, item 6), through the real binary:
//!
//! - every entry of a list page (day, home, tag, keyword feed, month, week) carries a COinS span
//!   (`<span class="Z3988" title="…">`, an OpenURL 1.0 ContextObject in KEV form, ANSI/NISO
//!   Z39.88-2004), read here as Zotero's COinS translator reads it: one per listed paper, its
//!   keys and values decoded and compared with the record;
//! - a paper page's "Download .ris" link saves the paper as RIS, built by `site.js` from the
//!   page, in a real headless Chromium; the file is checked line by line against the RIS
//!   specification's tag format and read with rispy (PyPI, pinned in `tests/tools/`), and it
//!   says what `digest export ris` says of the paper;
//! - `citation_pdf_url` names a PDF only on arXiv or on the site's own host, which Google
//!   Scholar takes.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use scraper::{ElementRef, Html};
use serde_json::{Value, json};

use crate::common::browser::{self, Chromium};
use crate::common::{self, Site, html, sel};

const WAIT: Duration = Duration::from_secs(30);

const TYPICAL_TITLE: &str = "Sparse Routing: Experts & 50% Fewer FLOPs";

/// The small fixture with records that carry what COinS and RIS write: many authors (a
/// particle, an organisation, accents), an arXiv id, a DOI, a publication date, tags, a
/// journal, PDFs on arXiv, on the site's host and elsewhere; a keyword feed.
fn site() -> Site {
    let site = Site::fixture("small");
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &format!("{config}\n[keyword_feeds]\n\"sparse stuff\" = [\"sparse\"]\n"),
    );
    site.write(
        "content/typical.md",
        &format!(
            "+++\ntitle = {}\ndate = 2025-03-03\npublished = 2025-02-27\nupvotes = 5\nauthors = [\"Ann Lee\", \"Jan van der Berg\", \"{{The ATLAS Collaboration}}\", \"Zoë Ådahl\", \"Bo Chen\", \"Cy Dunn\", \"Di Egan\", \"Ed Fox\"]\ntags = [\"music\", \"routing\"]\narxiv = \"2503.01234\"\ndoi = \"10.1000/sr.2025\"\nlinks = {{ pdf = \"https://cdn.example.net/sr.pdf\" }}\n+++\nWe route sparse tokens with $x^2 + \\alpha$ experts.\n\nA second paragraph.\n\n## Notes\n\nNot in the RIS.\n",
            toml::Value::String(TYPICAL_TITLE.to_string())
        ),
    );
    site.write(
        "content/journal.md",
        "+++\ntitle = \"A Journal Paper\"\ndate = 2025-03-03\nauthors = [\"Ann Lee\", \"Bo Chen\"]\ndoi = \"10.1000/j.1\"\ntags = [\"music\"]\nlinks = { pdf = \"https://example.org/pdfs/j.pdf\" }\n[extra]\njournal = \"Journal of Tests\"\n+++\nA sparse abstract of a journal paper.\n",
    );
    site.write(
        "content/elsewhere.md",
        "+++\ntitle = \"A PDF Elsewhere\"\ndate = 2025-03-04\nauthor_count = 3\nlinks = { pdf = \"https://openreview.net/pdf?id=x\" }\n+++\nAn abstract.\n",
    );
    site
}

/// The key-value pairs of a KEV ContextObject, decoded as
/// `application/x-www-form-urlencoded` (`+` is a space, `%XX` a UTF-8 byte).
fn kev_pairs(kev: &str) -> Vec<(String, String)> {
    kev.split('&')
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("a KEV pair without `=`: {pair:?} in {kev}"));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8()
                    .unwrap_or_else(|e| panic!("{s:?} is not UTF-8 percent-encoded: {e}"))
                    .into_owned()
            };
            (decode(key), decode(value))
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Each entry of a list page: its title, and its COinS when it has one.
fn entries(doc: &Html) -> Vec<(String, Option<String>)> {
    let title_of = |el: ElementRef| {
        el.select(&sel(".card-title a, a.t"))
            .next()
            .map(|a| a.text().collect::<String>())
    };
    doc.select(&sel("main article.card, main li"))
        .filter_map(|el| {
            let title = title_of(el)?;
            let coins = el.select(&sel("span.Z3988")).next().map(|s| {
                s.value()
                    .attr("title")
                    .expect("a COinS span has a title")
                    .to_string()
            });
            Some((title, coins))
        })
        .collect()
}

#[test]
fn every_entry_of_every_list_page_has_its_coins() {
    let site = site();
    let out = site.build_ok(&[]);
    for (page, listed) in [
        ("2025/03/03/index.html", 2),
        ("index.html", 2),
        ("tags/music/index.html", 2),
        ("tags/music/page/2/index.html", 2),
        ("tags/music/page/3/index.html", 1),
        ("feeds/sparse-stuff/index.html", 2),
        ("2025/03/index.html", 3),
        ("2025/w10/index.html", 3),
        ("2025/02/index.html", 3),
    ] {
        let doc = html(&out, page);
        let entries = entries(&doc);
        let with_coins: Vec<_> = entries.iter().filter(|(_, c)| c.is_some()).collect();
        assert_eq!(
            with_coins.len(),
            listed,
            "{page}: entries with COinS: {entries:#?}"
        );
        // One span per entry, in the entry, describing that entry's paper.
        assert_eq!(
            doc.select(&sel("span.Z3988")).count(),
            with_coins.len(),
            "{page}: a span outside an entry"
        );
        for (title, coins) in &with_coins {
            let pairs = kev_pairs(coins.as_deref().unwrap());
            assert_eq!(pairs[0], ("ctx_ver".into(), "Z39.88-2004".into()), "{page}");
            let atitle: Vec<&String> = pairs
                .iter()
                .filter(|(k, _)| k == "rft.atitle")
                .map(|(_, v)| v)
                .collect();
            assert_eq!(atitle, [title], "{page}");
            // Compact: identifiers, never the abstract.
            assert!(!coins.as_deref().unwrap().contains("abstract"), "{page}");
        }
    }
    // The home page's month top list stands beside the day groups, which have the COinS: each
    // paper is offered once.
    let home = html(&out, "index.html");
    assert_eq!(
        home.select(&sel("span.Z3988")).count(),
        home.select(&sel("article.card")).count()
    );
    // The top page: each paper once, though it may be in both lists.
    let top = html(&out, "top/index.html");
    let titles: Vec<String> = top
        .select(&sel("span.Z3988"))
        .map(|s| {
            let pairs = kev_pairs(s.value().attr("title").unwrap());
            pairs
                .into_iter()
                .find(|(k, _)| k == "rft.atitle")
                .unwrap()
                .1
        })
        .collect();
    let listed: BTreeSet<String> = entries(&top).into_iter().map(|(t, _)| t).collect();
    assert!(!listed.is_empty());
    assert_eq!(titles.iter().cloned().collect::<BTreeSet<_>>(), listed);
    assert_eq!(
        titles.len(),
        listed.len(),
        "a paper offered twice: {titles:?}"
    );
    // A paper page is one paper (Google Scholar's tags say it): no COinS, related list included.
    let paper = html(&out, "papers/typical/index.html");
    assert!(paper.select(&sel(".related li")).next().is_some());
    assert_eq!(paper.select(&sel("span.Z3988")).count(), 0);
}

/// `[output] coins = false` leaves every span out, and with it their bytes.
#[test]
fn coins_can_be_left_out() {
    let site = site();
    let with = site.build_ok(&[]);
    let day_with = common::read(&with, "2025/03/03/index.html").len();
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &config.replace(
            "[keyword_feeds]",
            "[output]\ncoins = false\n\n[keyword_feeds]",
        ),
    );
    let out = site.build_ok(&[]);
    let spans: Vec<String> = common::files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".html") && common::read(&out, f).contains("Z3988"))
        .collect();
    assert!(spans.is_empty(), "{spans:?}");
    let day = common::read(&out, "2025/03/03/index.html");
    assert!(day.contains(TYPICAL_TITLE.replace('&', "&amp;").as_str()));
    assert!(
        day.len() + 2 * 200 < day_with,
        "{} vs {day_with}",
        day.len()
    );
}

#[test]
fn coins_say_what_the_record_says() {
    let site = site();
    let out = site.build_ok(&[]);
    let doc = html(&out, "2025/03/03/index.html");
    let coins_of = |title: &str| {
        entries(&doc)
            .into_iter()
            .find(|(t, _)| t == title)
            .and_then(|(_, c)| c)
            .unwrap_or_else(|| panic!("no COinS for {title}"))
    };
    assert_eq!(
        kev_pairs(&coins_of(TYPICAL_TITLE)),
        pairs(&[
            ("ctx_ver", "Z39.88-2004"),
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
            ("rft.genre", "preprint"),
            ("rft.atitle", TYPICAL_TITLE),
            ("rft.au", "Lee, Ann"),
            ("rft.au", "van der Berg, Jan"),
            ("rft.aucorp", "The ATLAS Collaboration"),
            ("rft.au", "Ådahl, Zoë"),
            ("rft.au", "Chen, Bo"),
            ("rft.au", "Dunn, Cy"),
            ("rft.au", "Egan, Di"),
            ("rft.au", "Fox, Ed"),
            ("rft.date", "2025-02-27"),
            ("rft_id", "info:doi/10.1000/sr.2025"),
            ("rft_id", "https://arxiv.org/abs/2503.01234"),
        ])
    );
    assert_eq!(
        kev_pairs(&coins_of("A Journal Paper")),
        pairs(&[
            ("ctx_ver", "Z39.88-2004"),
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
            ("rft.genre", "article"),
            ("rft.atitle", "A Journal Paper"),
            ("rft.jtitle", "Journal of Tests"),
            ("rft.au", "Lee, Ann"),
            ("rft.au", "Chen, Bo"),
            ("rft.date", "2025-03-03"),
            ("rft_id", "info:doi/10.1000/j.1"),
        ])
    );
    // The attribute holds only URL-safe characters: what a page writes is what a reader gets.
    let page = common::read(&out, "2025/03/03/index.html");
    let raw = page
        .split("class=\"Z3988\" title=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert!(
        raw.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%+=&:/,".contains(&b)),
        "{raw}"
    );
}

fn meta(doc: &Html, name: &str) -> Option<String> {
    doc.select(&sel(&format!("meta[name=\"{name}\"]")))
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
}

fn jsonld(doc: &Html) -> Value {
    let text: String = doc
        .select(&sel("script[type=\"application/ld+json\"]"))
        .next()
        .unwrap()
        .text()
        .collect();
    serde_json::from_str(&text).unwrap()
}

/// Regression: `citation_pdf_url` named any PDF link; Google Scholar ignores a PDF on another
/// domain than the page's, except arXiv's.
#[test]
fn citation_pdf_url_only_on_arxiv_or_the_site_s_host() {
    let site = site();
    let out = site.build_ok(&[]);
    let pdf = |slug: &str| {
        meta(
            &html(&out, &format!("papers/{slug}/index.html")),
            "citation_pdf_url",
        )
    };
    // Elsewhere, with an arXiv id: arXiv's PDF.
    assert_eq!(
        pdf("typical").as_deref(),
        Some("https://arxiv.org/pdf/2503.01234")
    );
    // On the site's host (example.org): kept.
    assert_eq!(
        pdf("journal").as_deref(),
        Some("https://example.org/pdfs/j.pdf")
    );
    // Elsewhere, no arXiv id: none.
    assert_eq!(pdf("elsewhere"), None);
    // On arXiv: kept.
    assert_eq!(
        pdf("musicgen").as_deref(),
        Some("https://arxiv.org/pdf/2306.05284")
    );
    // The page's links keep the record's own PDF (and the JSON-LD does not repeat it).
    let doc = html(&out, "papers/elsewhere/index.html");
    assert!(
        common::hrefs(&doc, ".paper .links a")
            .contains(&"https://openreview.net/pdf?id=x".to_string())
    );
    assert!(jsonld(&doc).get("encoding").is_none());
    assert!(
        common::hrefs(&html(&out, "papers/typical/index.html"), ".paper .links a")
            .contains(&"https://cdn.example.net/sr.pdf".to_string())
    );
    // Built for another host, the site's own PDF is elsewhere too.
    let other = self::site();
    let moved = other.build_ok(&["--base-url", "https://lab.example.com/digest/"]);
    assert_eq!(
        meta(
            &html(&moved, "papers/journal/index.html"),
            "citation_pdf_url"
        ),
        None
    );
}

/// The RIS specification's line: a tag of two characters (a capital letter, then a capital
/// letter or a digit), two spaces, a hyphen, a space, the value.
fn ris_tag(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let tag_ok = bytes.len() >= 6
        && bytes[0].is_ascii_uppercase()
        && (bytes[1].is_ascii_uppercase() || bytes[1].is_ascii_digit())
        && &line[2..6] == "  - ";
    tag_ok.then(|| (&line[..2], &line[6..]))
}

/// The RIS file's tags and values, in order, checked against the format: CR LF after every
/// line, `TY` first, `ER` last with an empty value, nothing after it.
fn ris_fields(text: &str) -> Vec<(String, String)> {
    assert!(text.ends_with("\r\n"), "{text:?}");
    assert!(
        !text.replace("\r\n", "").contains(['\r', '\n']),
        "a line break that is not CR LF: {text:?}"
    );
    let lines: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
    let fields: Vec<(String, String)> = lines
        .iter()
        .map(|line| {
            let (tag, value) = ris_tag(line).unwrap_or_else(|| panic!("not a RIS line: {line:?}"));
            (tag.to_string(), value.to_string())
        })
        .collect();
    assert_eq!(fields.first().map(|f| f.0.as_str()), Some("TY"), "{text}");
    assert_eq!(lines.last(), Some(&"ER  - "), "{text}");
    assert_eq!(fields.iter().filter(|f| f.0 == "ER").count(), 1);
    for (tag, value) in &fields {
        assert!(
            tag == "ER" || !value.trim().is_empty(),
            "{tag} has no value: {text}"
        );
        assert_eq!(value.trim(), value, "{tag} has spaces around its value");
    }
    fields
}

fn values<'a>(fields: &'a [(String, String)], tag: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(t, _)| t == tag)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The papers rispy reads from `file`, as JSON.
fn rispy(file: &Path) -> Value {
    if std::env::var_os("DIGEST_SKIP_RISPY").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("DIGEST_SKIP_RISPY is set: the RIS file is not read with rispy");
        return Value::Null;
    }
    let python = common::python::venv_python(
        "The RIS test reads the file with rispy (PyPI), in a virtual environment it makes; or set \
         DIGEST_SKIP_RISPY=1 to skip that reading on purpose",
    );
    let output = Command::new(python)
        .args([
            "-c",
            "import json, sys, rispy\n\
             with open(sys.argv[1], encoding='utf-8', newline='') as f:\n    \
             print(json.dumps(rispy.loads(f.read())))",
        ])
        .arg(file)
        .output()
        .expect("run rispy");
    assert!(
        output.status.success(),
        "rispy failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `digest export ris` of `site`, split into its references (each ends with its `ER` line).
fn export_ris(site: &Site) -> (String, Vec<String>) {
    let run = common::digest(
        &["export", "ris", "--root", site.root.to_str().unwrap()],
        site.tmp.path(),
    );
    run.assert_success();
    let references = run
        .stdout
        .split_inclusive("ER  - \r\n")
        .map(str::to_string)
        .collect();
    (run.stdout, references)
}

#[test]
fn digest_export_ris_gives_every_paper_as_valid_ris() {
    let site = site();
    let (text, references) = export_ris(&site);
    // The fixture's six published papers and this file's three (the draft is left out).
    assert_eq!(references.len(), 9, "{text}");
    assert_eq!(references.concat(), text);
    let all: Vec<Vec<(String, String)>> = references.iter().map(|r| ris_fields(r)).collect();
    let by_title = |title: &str| {
        all.iter()
            .find(|f| values(f, "TI") == [title])
            .unwrap_or_else(|| panic!("no reference titled {title}"))
    };
    let typical = by_title(TYPICAL_TITLE);
    // The abstract as its source says it (formulas in TeX), without the notes.
    assert_eq!(
        values(typical, "AB"),
        ["We route sparse tokens with $x^2 + \\alpha$ experts. A second paragraph."]
    );
    assert_eq!(values(typical, "L1"), ["https://cdn.example.net/sr.pdf"]);
    let journal = by_title("A Journal Paper");
    assert_eq!(values(journal, "TY"), ["JOUR"]);
    assert_eq!(values(journal, "T2"), ["Journal of Tests"]);

    let file = site.tmp.path().join("export.ris");
    std::fs::write(&file, &text).unwrap();
    let read = rispy(&file);
    if !read.is_null() {
        let papers = read.as_array().unwrap();
        assert_eq!(papers.len(), 9, "{read}");
        assert!(
            papers.iter().all(|p| p.get("unknown_tag").is_none()),
            "{read}"
        );
        let journal = papers
            .iter()
            .find(|p| p["title"] == "A Journal Paper")
            .unwrap();
        assert_eq!(journal["secondary_title"], "Journal of Tests");
    }
}

/// Clicks the page's RIS link in Chromium and returns the file it saved.
fn download_ris(page: &mut browser::Page, url: &str, downloads: &Path) -> PathBuf {
    page.navigate(url);
    page.wait_loaded(WAIT);
    page.wait_for_js(
        "the RIS link is shown",
        "!document.querySelector('a[data-ris]').hidden",
        WAIT,
    );
    // ris.js, the RIS builder, is loaded by paper pages only.
    page.wait_for_js(
        "ris.js is loaded",
        "typeof window.digestRis === 'function'",
        WAIT,
    );
    let name = page.eval("document.querySelector('a[data-ris]').getAttribute('download')");
    let file = downloads.join(name.as_str().expect("a download name"));
    page.click_selector("a[data-ris]");
    page.wait_for("the RIS file saved", WAIT, |_| match std::fs::read(&file) {
        Ok(bytes) if bytes.ends_with(b"ER  - \r\n") => Ok(()),
        Ok(bytes) => Err(format!("{} bytes so far", bytes.len())),
        Err(e) => Err(format!("{}: {e}", file.display())),
    });
    file
}

#[test]
fn a_paper_page_saves_its_ris_next_to_its_bibtex() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!(
        "http://127.0.0.1:{}/",
        listener.local_addr().unwrap().port()
    );
    let site = site();
    let out = site.build_ok(&["--base-url", &base]);
    // Without JavaScript the page has no download link (it would do nothing): the scripts
    // make both, below the entry, named by its key.
    let doc = html(&out, "papers/typical/index.html");
    assert!(doc.select(&sel("a[download]")).next().is_none());
    let entry: String = doc
        .select(&sel("pre.bibtex"))
        .next()
        .unwrap()
        .text()
        .collect();
    let key = entry
        .strip_prefix("@misc{")
        .and_then(|rest| rest.split(',').next())
        .expect("the entry's key")
        .to_string();

    browser::serve_static(listener, out, "/");
    let chromium = Chromium::start();
    let mut page = chromium.page();
    let downloads = tempfile::tempdir().unwrap();
    page.call_browser(
        "Browser.setDownloadBehavior",
        json!({ "behavior": "allow", "downloadPath": downloads.path(), "eventsEnabled": true }),
    )
    .expect("downloads allowed");

    let file = download_ris(
        &mut page,
        &format!("{base}papers/typical/"),
        downloads.path(),
    );
    let labels = page.eval(
        "Array.from(document.querySelectorAll('.cite .actions a')).map(a => [a.textContent, a.getAttribute('download')])",
    );
    assert_eq!(
        labels,
        json!([
            ["Download .bib", format!("{key}.bib")],
            ["Download .ris", format!("{key}.ris")]
        ])
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let fields = ris_fields(&text);
    let one = |tag: &str| {
        let found = values(&fields, tag);
        assert_eq!(found.len(), 1, "{tag}: {text}");
        found[0].to_string()
    };
    // An arXiv paper without a venue is BibTeX's @misc: RIS's generic type.
    assert_eq!(one("TY"), "GEN");
    assert_eq!(one("TI"), TYPICAL_TITLE);
    assert_eq!(
        values(&fields, "AU"),
        [
            "Lee, Ann",
            "van der Berg, Jan",
            "The ATLAS Collaboration",
            "Ådahl, Zoë",
            "Chen, Bo",
            "Dunn, Cy",
            "Egan, Di",
            "Fox, Ed"
        ]
    );
    assert_eq!(one("PY"), "2025");
    assert_eq!(one("DA"), "2025/02/27");
    assert_eq!(one("DO"), "10.1000/sr.2025");
    assert_eq!(one("UR"), "https://arxiv.org/abs/2503.01234");
    assert_eq!(one("L1"), "https://arxiv.org/pdf/2503.01234");
    // The abstract, its formula written back as TeX; not the notes.
    assert_eq!(
        one("AB"),
        "We route sparse tokens with $x^2+α$ experts. A second paragraph."
    );
    let keywords: BTreeSet<&str> = values(&fields, "KW").into_iter().collect();
    assert_eq!(keywords, BTreeSet::from(["music", "routing"]));
    let tags: BTreeSet<&str> = fields.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        tags,
        BTreeSet::from([
            "TY", "TI", "AU", "PY", "DA", "DO", "UR", "L1", "AB", "KW", "ER"
        ])
    );

    // A reader of RIS reads the same paper, and no field it does not know.
    let read = rispy(&file);
    if !read.is_null() {
        let papers = read.as_array().unwrap();
        assert_eq!(papers.len(), 1, "{read}");
        let paper = &papers[0];
        assert!(paper.get("unknown_tag").is_none(), "{paper}");
        assert_eq!(paper["type_of_reference"], "GEN");
        assert_eq!(paper["title"], TYPICAL_TITLE);
        assert_eq!(paper["authors"].as_array().unwrap().len(), 8);
        assert_eq!(paper["authors"][1], "van der Berg, Jan");
        assert_eq!(paper["year"], "2025");
        assert_eq!(paper["doi"], "10.1000/sr.2025");
        assert_eq!(paper["urls"], json!(["https://arxiv.org/abs/2503.01234"]));
        assert!(
            paper["abstract"]
                .as_str()
                .unwrap()
                .starts_with("We route sparse")
        );
    }

    // `digest export ris` says the same of the paper, but for the abstract (its source, with
    // TeX; the page has MathML) and the PDF (the record's own; the page names the one Google
    // Scholar takes), and its venue (not on the page).
    let (_, references) = export_ris(&site);
    let exported = references
        .iter()
        .map(|r| ris_fields(r))
        .find(|f| values(f, "TI") == [TYPICAL_TITLE])
        .unwrap();
    let except = |fields: &[(String, String)]| -> Vec<(String, String)> {
        fields
            .iter()
            .filter(|(t, _)| !["AB", "L1", "T2"].contains(&t.as_str()))
            .cloned()
            .collect()
    };
    assert_eq!(except(&fields), except(&exported));

    // A journal paper is BibTeX's @article: RIS's journal type; its URL is its page. Its PDF is
    // on example.org, not on this site's host: no `citation_pdf_url`, so no L1.
    let file = download_ris(
        &mut page,
        &format!("{base}papers/journal/"),
        downloads.path(),
    );
    let fields = ris_fields(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(values(&fields, "TY"), ["JOUR"]);
    assert_eq!(values(&fields, "UR"), [format!("{base}papers/journal/")]);
    assert!(values(&fields, "L1").is_empty());
    assert_eq!(values(&fields, "DO"), ["10.1000/j.1"]);
}
