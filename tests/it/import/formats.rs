//! `digest import` of every supported format, from the hand-written fixtures: the papers land
//! as records that build, `auto` recognises each format, and a bad entry is reported with its
//! position while the others are imported.

use crate::common;

use std::path::Path;

use common::{digest, repo, tree, write};

fn import(format: &str, fixture: &str, tmp: &Path, extra: &[&str]) -> common::Run {
    let file = repo().join("tests/fixtures/import").join(fixture);
    let into = tmp.join("content");
    let mut args = vec![
        "import",
        format,
        file.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    digest(&args, tmp)
}

fn builds(tmp: &Path) {
    write(
        &tmp.join("site.toml"),
        "title = \"t\"\nbase_url = \"https://u.github.io/p/\"\n",
    );
    digest(&["build"], tmp).assert_success();
}

#[test]
fn every_format_imports_and_builds() {
    for (format, fixture, min_papers, extra) in [
        ("hf-json", "hf-daily.json", 2, &[][..]),
        ("arxiv-atom", "arxiv-query.atom", 3, &[][..]),
        ("bibtex", "zotero.bib", 1, &[][..]),
        ("bibtex", "arxiv.bib", 2, &[][..]),
        ("bibtex", "scholar.bib", 1, &[][..]),
        ("csl-json", "zotero.csl.json", 2, &[][..]),
        ("s2-json", "s2-single.json", 1, &[][..]),
        ("s2-json", "s2-batch.json", 2, &["--date", "2025-01-01"][..]),
    ] {
        for named in [format, "auto"] {
            let tmp = tempfile::tempdir().unwrap();
            let run = import(named, fixture, tmp.path(), extra);
            let files = tree(&tmp.path().join("content")).len();
            assert!(
                files >= min_papers,
                "{named} {fixture}: {files} records\n{}\n{}",
                run.stdout,
                run.stderr
            );
            assert!(
                run.stdout.contains(&format!("{files} added")),
                "{named} {fixture}: {}",
                run.stdout
            );
            builds(tmp.path());
        }
    }
}

#[test]
fn a_bad_entry_is_reported_and_the_others_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let run = import("bibtex", "broken.bib", tmp.path(), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("broken.bib:"), "{}", run.stderr);
    assert!(run.stderr.contains("unbalanced braces"), "{}", run.stderr);
    assert_eq!(tree(&tmp.path().join("content")).len(), 2, "{}", run.stdout);
    builds(tmp.path());
}

#[test]
fn unsafe_xml_is_refused_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let evil = tmp.path().join("evil.atom");
    write(
        &evil,
        "<?xml version=\"1.0\"?><!DOCTYPE feed [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>&x;</title></entry></feed>",
    );
    let into = tmp.path().join("content");
    let run = digest(
        &[
            "import",
            "arxiv-atom",
            evil.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("entities are not allowed"),
        "{}",
        run.stderr
    );
    assert!(!into.exists() || tree(&into).is_empty());
}

#[test]
fn dry_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = import("arxiv-atom", "arxiv-query.atom", tmp.path(), &["--dry-run"]);
    run.assert_success();
    assert!(
        run.stdout
            .contains("dry run, nothing written: read 3 papers"),
        "{}",
        run.stdout
    );
    assert!(!tmp.path().join("content").exists() || tree(&tmp.path().join("content")).is_empty());
}
