//! Which files under `content/` are records: editors' lock files and temporaries, other files
//! and links that lead nowhere never stop a build (a link named like a record is a warning);
//! `digest serve --watch` follows the same rule as `digest build`.

use crate::common;
use crate::common::serve;

use std::os::unix::fs::symlink;

use common::Site;
use serve::{Server, assert_matches_clean_build};

/// What Emacs leaves while a buffer has unsaved changes: a link whose target is no file.
fn emacs_lock(site: &Site, relative: &str) {
    symlink("someone@host.12345:1733400000", site.path(relative)).unwrap();
}

#[test]
fn editor_lock_files_and_dangling_links_that_are_not_records_are_skipped_silently() {
    let site = Site::fixture("small");
    emacs_lock(&site, "content/.#realm.md");
    std::fs::create_dir_all(site.path("content/2025")).unwrap();
    site.write(
        "content/2025/rag.md",
        &site
            .read("content/realm.md")
            .replace("slug = \"realm\"", "slug = \"rag\""),
    );
    emacs_lock(&site, "content/2025/.#rag.md");
    symlink("missing.png", site.path("content/figure.png")).unwrap();
    symlink("missing.md", site.path("content/realm.md~")).unwrap();
    // Editors' temporaries that are files, with broken front matter: never read.
    site.write("content/#realm.md#", "not a record");
    site.write("content/.realm.md.swp", "not a record");
    site.write("content/realm.md.digest-tmp", "not a record");

    let run = site.build(&[]);
    run.assert_success();
    assert!(
        !run.stderr.contains("warning"),
        "nothing to warn about: {}",
        run.stderr
    );
    let out = site.out();
    assert!(out.join("papers/realm/index.html").is_file());
    assert!(out.join("papers/rag/index.html").is_file());
}

#[test]
fn a_dangling_link_named_like_a_record_is_a_warning_naming_it_and_the_build_goes_on() {
    let site = Site::fixture("small");
    symlink("../elsewhere/gone.md", site.path("content/gone.md")).unwrap();
    std::fs::create_dir_all(site.path("content/sub")).unwrap();
    symlink("circle.md", site.path("content/sub/circle.md")).unwrap();

    let run = site.build(&[]);
    run.assert_success();
    assert!(
        run.stderr.contains(
            "warning: content/gone.md is a symbolic link to ../elsewhere/gone.md that leads nowhere; skipped it"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "warning: content/sub/circle.md is a symbolic link to circle.md that leads nowhere"
        ),
        "{}",
        run.stderr
    );
    assert!(site.out().join("papers/realm/index.html").is_file());
    assert!(!site.out().join("papers/gone").exists());
}

#[test]
fn a_link_to_a_record_elsewhere_is_still_a_record() {
    let site = Site::fixture("small");
    let elsewhere = site.tmp.path().join("elsewhere.md");
    std::fs::write(
        &elsewhere,
        site.read("content/realm.md")
            .replace("slug = \"realm\"", "slug = \"linked\""),
    )
    .unwrap();
    symlink(&elsewhere, site.path("content/linked.md")).unwrap();
    site.build(&[]).assert_success();
    assert!(site.out().join("papers/linked/index.html").is_file());
}

#[test]
fn serve_skips_the_same_files_while_watching() {
    let site = Site::fixture("small");
    // Present at start: serve used to fail to start on these.
    emacs_lock(&site, "content/.#realm.md");
    symlink("nowhere.md", site.path("content/gone.md")).unwrap();
    let mut server = Server::start(&site);
    let mut ws = server.ws();

    // Made while serving: an editor opening a record, a link breaking, an edit.
    emacs_lock(&site, "content/.#rohm.md");
    symlink("nowhere-either.md", site.path("content/lost.md")).unwrap();
    site.write("content/#rohm.md#", "not a record");
    let realm = site.read("content/realm.md");
    site.write(
        "content/realm.md",
        &realm.replace("upvotes = 1", "upvotes = 9"),
    );
    assert_matches_clean_build(
        &mut server,
        &mut ws,
        &site,
        "after lock files and broken links",
    );
    server.assert_alive();
}

#[test]
fn import_into_a_folder_with_an_editor_lock_file_works() {
    let site = Site::fixture("small");
    emacs_lock(&site, "content/.#realm.md");
    let listing = site.tmp.path().join("daily.json");
    common::write(
        &listing,
        r#"[{"paper": {"id": "2502.09999", "title": "A New Paper", "summary": "Text."},
            "submittedOnDailyAt": "2025-02-07T01:00:00.000Z"}]"#,
    );
    let into = site.path("content");
    let run = common::digest(
        &[
            "import",
            "hf-json",
            listing.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    run.assert_success();
    assert!(run.stdout.contains("1 added"), "{}", run.stdout);
    assert!(site.path("content/a-new-paper.md").is_file());
}
