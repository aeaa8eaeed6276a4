//! `digest import hf-text`: the sample Hugging Face Daily Papers listing → 50 record files that
//! build into a site; a second import keeps what exists.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{digest, front_matter, index_pages, repo, tree};

/// Imports the sample listing into `<tmp>/content`; returns the run.
fn import(tmp: &Path, extra: &[&str]) -> common::Run {
    let listing = repo().join("tests/fixtures/hf-daily-papers.txt");
    let into = tmp.join("content");
    let mut args = vec![
        "import",
        "hf-text",
        listing.to_str().unwrap(),
        "--year",
        "2025",
        "--into",
        into.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    digest(&args, tmp)
}

/// Every record file by name, with its front matter.
fn records(content: &Path) -> BTreeMap<String, toml::Table> {
    tree(content)
        .into_iter()
        .map(|(name, bytes)| {
            let text = String::from_utf8(bytes).unwrap();
            let fm = front_matter(&text).unwrap_or_else(|| panic!("{name}: no front matter"));
            (name, fm)
        })
        .collect()
}

fn by_title<'a>(records: &'a BTreeMap<String, toml::Table>, start: &str) -> &'a toml::Table {
    let found: Vec<&toml::Table> = records
        .values()
        .filter(|fm| fm["title"].as_str().unwrap().starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "records whose title starts with {start:?}");
    found[0]
}

fn date(fm: &toml::Table) -> String {
    match &fm["date"] {
        toml::Value::Datetime(d) => d.to_string(),
        other => panic!("date is not a TOML date: {other:?}"),
    }
}

fn int(fm: &toml::Table, key: &str) -> Option<i64> {
    fm.get(key).map(|v| v.as_integer().unwrap())
}

fn code_link(fm: &toml::Table) -> Option<&str> {
    fm.get("links")?.get("code")?.as_str()
}

#[test]
fn import_writes_one_record_per_paper_with_the_listing_values() {
    let tmp = tempfile::tempdir().unwrap();
    let run = import(tmp.path(), &[]);
    run.assert_success();
    assert!(
        run.stdout
            .contains("50 added, 0 updated, 0 unchanged, 0 skipped"),
        "{}",
        run.stdout
    );

    let records = records(&tmp.path().join("content"));
    assert_eq!(records.len(), 50);
    assert!(
        records
            .keys()
            .all(|name| name.ends_with(".md") && !name.contains('/'))
    );
    // No temporary files are left behind.
    assert!(
        std::fs::read_dir(tmp.path().join("content"))
            .unwrap()
            .all(|e| e.unwrap().file_name().to_string_lossy().ends_with(".md"))
    );

    let improvnet = by_title(&records, "ImprovNet -- Generating Controllable Musical");
    assert_eq!(date(improvnet), "2025-02-06");
    assert_eq!(int(improvnet, "author_count"), Some(7));
    assert_eq!(
        code_link(improvnet),
        Some("https://github.com/keshavbhandari/improvnet")
    );

    let reprog = by_title(
        &records,
        "Reprogramming Pretrained Language Models for Antibody Sequence Infilling",
    );
    assert_eq!(date(reprog), "2022-10-05");
    assert_eq!(code_link(reprog), Some("https://github.com/IBM/ReprogBERT"));

    let long_context = by_title(
        &records,
        "Is It Really Long Context if All You Need Is Retrieval?",
    );
    assert_eq!(date(long_context), "2024-06-29");
    assert_eq!(int(long_context, "upvotes"), Some(1));
    assert_eq!(int(long_context, "author_count"), Some(6));

    let visualcloze = by_title(&records, "VisualCloze");
    assert_eq!(date(visualcloze), "2025-04-10");
    assert_eq!(int(visualcloze, "upvotes"), Some(3));
    assert_eq!(int(visualcloze, "author_count"), Some(8));

    // Every record is a valid record: title and date, no keys outside the record format.
    let allowed = [
        "title",
        "date",
        "authors",
        "author_count",
        "tags",
        "upvotes",
        "arxiv",
        "doi",
        "links",
        "slug",
        "draft",
        "extra",
    ];
    for (name, fm) in &records {
        assert!(!fm["title"].as_str().unwrap().is_empty(), "{name}");
        date(fm);
        for key in fm.keys() {
            assert!(allowed.contains(&key.as_str()), "{name}: key {key}");
        }
    }
}

#[test]
fn the_abstract_becomes_the_body() {
    let tmp = tempfile::tempdir().unwrap();
    import(tmp.path(), &[]).assert_success();
    let (_, text) = tree(&tmp.path().join("content"))
        .into_iter()
        .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
        .find(|(_, t)| t.contains("title = \"ImprovNet"))
        .unwrap();
    let body = text.splitn(3, "+++\n").nth(2).unwrap();
    assert!(
        body.trim_start()
            .starts_with("Despite deep learning's remarkable advances in style transfer"),
        "{body}"
    );
    assert!(
        !body.contains("7 authors"),
        "listing metadata leaked into the body: {body}"
    );
}

#[test]
fn a_second_import_writes_nothing_and_keeps_hand_edits() {
    let tmp = tempfile::tempdir().unwrap();
    import(tmp.path(), &[]).assert_success();
    let content = tmp.path().join("content");
    // Hand-edit one record: add a tag and a note.
    let (name, text) = tree(&content)
        .into_iter()
        .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
        .find(|(_, t)| t.contains("title = \"VisualCloze"))
        .unwrap();
    let edited = text.replacen("+++\n", "+++\ntags = [\"favourite\"]\n", 1) + "\nMy notes.\n";
    std::fs::write(content.join(&name), &edited).unwrap();
    let before = tree(&content);

    let run = import(tmp.path(), &[]);
    run.assert_success();
    assert!(
        run.stdout
            .contains("0 added, 0 updated, 50 unchanged, 0 skipped"),
        "{}",
        run.stdout
    );
    assert_eq!(tree(&content), before, "a second import changed files");

    // A changed upvote count in the listing updates only that field; the hand edits stay.
    let listing = std::fs::read_to_string(repo().join("tests/fixtures/hf-daily-papers.txt"))
        .unwrap()
        .replace("\nApr 10 3\n", "\nApr 10 9\n");
    let changed = tmp.path().join("changed.txt");
    std::fs::write(&changed, listing).unwrap();
    let run = digest(
        &[
            "import",
            "hf-text",
            changed.to_str().unwrap(),
            "--year",
            "2025",
            "--into",
            content.to_str().unwrap(),
        ],
        tmp.path(),
    );
    run.assert_success();
    assert!(
        run.stdout.contains("0 added, 1 updated, 49 unchanged"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("{name} (upvotes 3 → 9)")),
        "{}",
        run.stdout
    );
    let now = std::fs::read_to_string(content.join(&name)).unwrap();
    assert_eq!(
        now,
        edited.replace("upvotes = 3", "upvotes = 9"),
        "only the upvotes line changed"
    );

    // A dry run writes nothing.
    let before = tree(&content);
    let run = import(tmp.path(), &["--dry-run", "--force"]);
    run.assert_success();
    assert!(
        run.stdout.contains("dry run, nothing written"),
        "{}",
        run.stdout
    );
    assert_eq!(tree(&content), before);

    // --force overwrites, hand edits included.
    let run = import(tmp.path(), &["--force"]);
    run.assert_success();
    assert!(run.stdout.contains("1 updated"), "{}", run.stdout);
    let now = std::fs::read_to_string(content.join(&name)).unwrap();
    assert!(!now.contains("My notes."));
}

#[test]
fn the_imported_folder_builds_into_a_site() {
    let tmp = tempfile::tempdir().unwrap();
    import(tmp.path(), &[]).assert_success();
    common::write(
        &tmp.path().join("site.toml"),
        "title = \"Imported\"\nbase_url = \"https://user.github.io/papers/\"\n",
    );
    let out = tmp.path().join("public");
    let run = digest(&["build"], tmp.path());
    run.assert_success();
    assert!(run.stdout.contains("built 50 papers"), "{}", run.stdout);
    let papers = index_pages(&out)
        .into_iter()
        .filter(|p| p.starts_with("papers/"))
        .count();
    assert_eq!(papers, 50);
    assert!(out.join("2025/02/06/index.html").is_file());
    assert!(out.join("2022/10/05/index.html").is_file());
    common::assert_links_ok(&out, "https://user.github.io/papers/");
}

#[test]
fn import_errors() {
    let tmp = tempfile::tempdir().unwrap();
    // A missing listing: exit 1, the file named, nothing written.
    let run = digest(
        &[
            "import",
            "hf-text",
            "no-such-listing.txt",
            "--into",
            "content",
        ],
        tmp.path(),
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("no-such-listing.txt"), "{}", run.stderr);
    assert!(!tmp.path().join("content").exists() || tree(&tmp.path().join("content")).is_empty());
    // An unknown format is a usage error.
    let run = digest(&["import", "endnote", "x.enw"], tmp.path());
    assert_eq!(run.code, Some(2), "{run:?}");
}
