//! `digest export` then `digest import` of the export gives the same records: exactly for
//! digest's JSON (the rebuilt site is byte-identical), and every field the format carries for
//! BibTeX and CSL-JSON (title, date, authors, arXiv id, DOI, tags, abstract text).

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Site, digest, tree};
use digest::markdown::MarkdownRenderer;
use digest::record::author::Author;
use digest::record::{self, Paper};

/// Every record under `content`, by title.
fn records(content: &Path) -> BTreeMap<String, Paper> {
    tree(content)
        .into_iter()
        .map(|(name, bytes)| {
            let text = String::from_utf8(bytes).unwrap();
            let paper = record::parse(&text, &name, name.trim_end_matches(".md")).unwrap();
            (paper.title.clone(), paper)
        })
        .collect()
}

/// A site with one record written to stress the formats: accents, LaTeX-special characters,
/// a DOI, several authors and tags.
fn site() -> Site {
    let site = Site::fixture("small");
    site.write(
        "content/tricky.md",
        "+++\ntitle = \"Über 100% {braces} & $x_1$ in R&D: a #1 study\"\ndate = 2024-12-31\nauthors = [\"Zoë Ünal\", \"Jean-Luc O'Brien\"]\ntags = [\"music\", \"R&D\"]\ndoi = \"10.1000/abc_123\"\n+++\nWe show 50% gains & more, at ~3 times less cost.\n",
    );
    // Authors every writer must keep in their parts: an organisation, a family name with
    // particles written family first, one of two words, and a suffix.
    site.write(
        "content/collaboration.md",
        "+++\ntitle = \"Observation of a Boson at 125 GeV\"\ndate = 2012-07-31\nauthors = [\"{The ATLAS Collaboration}\", \"van der Berg, Jan\", \"García Márquez, Gabriel\", \"King, Jr., Martin\"]\ndoi = \"10.1016/j.physletb.2012.08.020\"\n+++\nA search for the Standard Model Higgs boson.\n",
    );
    site
}

fn export(site: &Site, format: &str) -> std::path::PathBuf {
    let file = site.tmp.path().join(format!("export.{format}"));
    let run = digest(
        &[
            "export",
            format,
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            file.to_str().unwrap(),
        ],
        &site.root,
    );
    run.assert_success();
    file
}

fn import(site: &Site, format: &str, file: &Path) -> std::path::PathBuf {
    let into = site.tmp.path().join(format!("reimported-{format}/content"));
    let run = digest(
        &[
            "import",
            format,
            file.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        &site.root,
    );
    run.assert_success();
    into
}

#[test]
fn json_round_trip_rebuilds_the_same_site() {
    let site = site();
    let file = export(&site, "json");
    let into = import(&site, "json", &file);
    let root2 = into.parent().unwrap();
    std::fs::copy(site.path("site.toml"), root2.join("site.toml")).unwrap();
    let (a, b) = (site.tmp.path().join("a"), site.tmp.path().join("b"));
    digest(
        &[
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "-o",
            a.to_str().unwrap(),
        ],
        &site.root,
    )
    .assert_success();
    digest(
        &[
            "build",
            "--root",
            root2.to_str().unwrap(),
            "-o",
            b.to_str().unwrap(),
        ],
        &site.root,
    )
    .assert_success();
    let (a, b) = (tree(&a), tree(&b));
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|path| a.get(*path) != b.get(*path))
        .collect();
    assert!(
        differ.is_empty(),
        "the site rebuilt from the JSON export differs in {differ:?}"
    );
    // A second import of the same export changes nothing.
    let run = digest(
        &[
            "import",
            "json",
            file.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        &site.root,
    );
    assert!(
        run.stdout.contains("0 added, 0 updated, 8 unchanged"),
        "{}",
        run.stdout
    );
}

fn assert_same_fields(format: &str) {
    let site = site();
    let file = export(&site, format);
    let original = records(&site.path("content"));
    let again = records(&import(&site, format, &file));
    let md = MarkdownRenderer::new();
    let published: Vec<&Paper> = original.values().filter(|p| !p.draft).collect();
    assert_eq!(again.len(), published.len(), "{format}: {:?}", again.keys());
    for paper in published {
        let other = again.get(&paper.title).unwrap_or_else(|| {
            panic!(
                "{format}: {:?} missing from {:?}",
                paper.title,
                again.keys()
            )
        });
        assert_eq!(other.date, paper.date, "{format}: date of {}", paper.title);
        // The same people and organisations, in the same order: a name may come back in the
        // other order BibTeX allows ("van der Berg, Jan" as "Jan van der Berg"), never as
        // other parts (an organisation split into given and family names).
        let parts = |names: &digest::record::StrList| -> Vec<String> {
            names
                .iter()
                .map(|n| format!("{:?}", Author::parse(n)))
                .collect()
        };
        assert_eq!(
            parts(&other.authors),
            parts(&paper.authors),
            "{format}: authors of {}: {:?}",
            paper.title,
            other.authors
        );
        // An importer may find an arXiv id the record only had as a DOI or URL; it never loses one.
        if paper.arxiv.is_some() {
            assert_eq!(
                other.arxiv, paper.arxiv,
                "{format}: arXiv id of {}",
                paper.title
            );
        }
        assert_eq!(other.doi, paper.doi, "{format}: DOI of {}", paper.title);
        assert_eq!(other.tags, paper.tags, "{format}: tags of {}", paper.title);
        assert_eq!(
            md.render(&other.body).text,
            md.render(&paper.body).text.replace('\n', " "),
            "{format}: abstract of {}",
            paper.title
        );
    }
}

#[test]
fn bibtex_round_trip_keeps_every_bibtex_field() {
    assert_same_fields("bibtex");
}

#[test]
fn csl_json_round_trip_keeps_every_csl_field() {
    assert_same_fields("csl-json");
}

#[test]
fn export_filters_by_tag_and_date() {
    let site = site();
    let run = digest(
        &[
            "export",
            "json",
            "--root",
            site.root.to_str().unwrap(),
            "--tag",
            "music",
            "--since",
            "2025-01-31",
        ],
        &site.root,
    );
    run.assert_success();
    let items: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(!items.is_empty());
    for item in &items {
        assert!(
            item["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "music"),
            "{item}"
        );
        assert!(item["date"].as_str().unwrap() >= "2025-01-31", "{item}");
    }
}
