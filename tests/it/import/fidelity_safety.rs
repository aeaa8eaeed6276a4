//! `digest import` merging into records it did not write: the record's own bytes stay (line
//! endings, byte order mark, everything the import did not update), and what an import writes
//! is something `digest build` accepts.

use crate::common;

use common::{digest, write};

/// One Hugging Face daily-papers item for arXiv 2502.04522 with 42 upvotes and a code link
/// (the importer adds the arXiv PDF link itself).
const HF_ITEM: &str = r#"[{"paper": {"id": "2502.04522", "title": "Sparse Mixtures of Experts",
  "upvotes": 42, "githubRepo": "https://github.com/e/s", "summary": "Abstract."},
  "submittedOnDailyAt": "2025-02-07T01:00:00.000Z"}]"#;

/// Imports [`HF_ITEM`] into `<tmp>/content` holding one record `record.md` with `text`, and
/// returns the record's bytes afterwards.
fn import_over(text: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let record = tmp.path().join("content/record.md");
    write(&record, text);
    let listing = tmp.path().join("daily.json");
    write(&listing, HF_ITEM);
    let into = tmp.path().join("content");
    let run = digest(
        &[
            "import",
            "hf-json",
            listing.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        tmp.path(),
    );
    run.assert_success();
    assert!(run.stdout.contains("1 updated"), "{}", run.stdout);
    assert_eq!(
        std::fs::read_dir(&into).unwrap().count(),
        1,
        "no other file was made"
    );
    let bytes = std::fs::read(&record).unwrap();
    String::from_utf8(bytes).expect("the record stays UTF-8")
}

#[test]
fn a_crlf_record_keeps_crlf_and_only_updated_lines_change() {
    let before = "+++\r\n# my notes\r\ntitle = \"Sparse Mixtures of Experts\"\r\ndate = 2025-02-07\r\nupvotes = 3   # as of Monday\r\narxiv = \"2502.04522\"\r\n\r\ntags = [\"moe\",\r\n  \"sparsity\"]\r\n+++\r\n\r\nMy own abstract.\r\n\r\nSecond paragraph.\r\n";
    let expected = "+++\r\n# my notes\r\ntitle = \"Sparse Mixtures of Experts\"\r\ndate = 2025-02-07\r\nupvotes = 42   # as of Monday\r\narxiv = \"2502.04522\"\r\n\r\ntags = [\"moe\",\r\n  \"sparsity\"]\r\nlinks = { code = \"https://github.com/e/s\", pdf = \"https://arxiv.org/pdf/2502.04522\" }\r\n+++\r\n\r\nMy own abstract.\r\n\r\nSecond paragraph.\r\n";
    assert_eq!(import_over(before), expected);
}

#[test]
fn a_crlf_record_with_a_byte_order_mark_keeps_both() {
    let before = "\u{feff}+++\r\ntitle = \"Sparse Mixtures of Experts\"\r\ndate = 2025-02-07\r\narxiv = \"2502.04522\"\r\nupvotes = 3\r\n\r\n[links]\r\nslides = \"https://x.org/s\"  # talk\r\n+++\r\nBody.\r\n";
    let expected = "\u{feff}+++\r\ntitle = \"Sparse Mixtures of Experts\"\r\ndate = 2025-02-07\r\narxiv = \"2502.04522\"\r\nupvotes = 42\r\n\r\n[links]\r\nslides = \"https://x.org/s\"  # talk\r\ncode = \"https://github.com/e/s\"\r\npdf = \"https://arxiv.org/pdf/2502.04522\"\r\n+++\r\nBody.\r\n";
    assert_eq!(import_over(before), expected);
}

#[test]
fn mixed_endings_keep_crlf_front_matter_and_the_body_as_it_was() {
    // Front matter in CRLF, body partly LF (a file edited on two systems).
    let before = "+++\r\ntitle = \"Sparse Mixtures of Experts\"\r\ndate = 2025-02-07\r\narxiv = \"2502.04522\"\r\nlinks = { code = \"https://github.com/e/s\" }\r\n+++\r\nLine one.\nLine two.\r\nLine three.";
    let expected = "+++\r\ntitle = \"Sparse Mixtures of Experts\"\r\ndate = 2025-02-07\r\narxiv = \"2502.04522\"\r\nlinks = { code = \"https://github.com/e/s\", pdf = \"https://arxiv.org/pdf/2502.04522\" }\r\nupvotes = 42\r\n+++\r\nLine one.\nLine two.\r\nLine three.";
    assert_eq!(import_over(before), expected);
}

#[test]
fn an_lf_record_stays_lf() {
    let before = "+++\ntitle = \"Sparse Mixtures of Experts\"\ndate = 2025-02-07\narxiv = \"2502.04522\"\nupvotes = 3\n+++\nBody.\n";
    let expected = "+++\ntitle = \"Sparse Mixtures of Experts\"\ndate = 2025-02-07\narxiv = \"2502.04522\"\nupvotes = 42\nlinks = { code = \"https://github.com/e/s\", pdf = \"https://arxiv.org/pdf/2502.04522\" }\n+++\nBody.\n";
    assert_eq!(import_over(before), expected);
}

#[test]
fn a_record_that_is_a_link_stays_a_link_and_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("notes/sparse.md");
    let before = "+++\r\ntitle = \"Sparse Mixtures of Experts\"\r\ndate = 2025-02-07\r\narxiv = \"2502.04522\"\r\nupvotes = 3\r\n+++\r\nBody.\r\n";
    write(&target, before);
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let into = tmp.path().join("content");
    std::fs::create_dir_all(&into).unwrap();
    std::os::unix::fs::symlink(&target, into.join("sparse.md")).unwrap();
    let listing = tmp.path().join("daily.json");
    write(&listing, HF_ITEM);
    digest(
        &[
            "import",
            "hf-json",
            listing.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        tmp.path(),
    )
    .assert_success();
    let link = std::fs::symlink_metadata(into.join("sparse.md")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let after = std::fs::read_to_string(&target).unwrap();
    assert!(after.contains("upvotes = 42\r\n"), "{after:?}");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(
        std::fs::read_dir(tmp.path().join("notes")).unwrap().count(),
        1
    );
}

/// digest's JSON with three records, the second one's `slug` set to `slug`.
fn json_listing(slug: &str) -> String {
    let record = |title: &str, slug: &str| {
        format!(
            "  {{\"title\": \"{title}\", \"date\": \"2025-02-06\", \"slug\": \"{slug}\",\n   \"body\": \"Text of {title}.\"}}"
        )
    };
    format!(
        "[\n{},\n{},\n{}\n]\n",
        record("First", "first"),
        record("Second", slug),
        record("Third", "third")
    )
}

/// `digest import json <listing> --into <tmp>/content`, then a build of `<tmp>` as a site.
fn import_json(tmp: &std::path::Path, listing: &str) -> (common::Run, common::Run) {
    let file = tmp.join("export.json");
    write(&file, listing);
    let into = tmp.join("content");
    let import = digest(
        &[
            "import",
            "json",
            file.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        tmp,
    );
    write(
        &tmp.join("site.toml"),
        "title = \"t\"\nbase_url = \"https://u.github.io/p/\"\n",
    );
    let build = digest(&["build", "--output", "out"], tmp);
    (import, build)
}

#[test]
fn a_json_slug_the_build_refuses_is_reported_at_the_entry_and_that_record_skipped() {
    for slug in ["../../escape", ".hidden", "two words", "a/b", ""] {
        let tmp = tempfile::tempdir().unwrap();
        let (import, build) = import_json(tmp.path(), &json_listing(slug));
        let stderr = import.assert_problems();
        // The slug's own line and column: record 2 starts on line 4; its slug's value.
        let column = "  {\"title\": \"Second\", \"date\": \"2025-02-06\", \"slug\": ".len() + 1;
        assert!(
            stderr.contains(&format!(
                "export.json:4:{column}: skipped an entry: entry 2"
            )),
            "{slug:?}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("slug `{slug}` cannot be used")),
            "{slug:?}: {stderr}"
        );
        assert!(
            import.stdout.contains("2 added"),
            "{slug:?}: {}",
            import.stdout
        );
        let mut files: Vec<String> = common::tree(&tmp.path().join("content"))
            .into_keys()
            .collect();
        files.sort();
        assert_eq!(files, ["first.md", "third.md"], "{slug:?}");
        assert!(!tmp.path().join("escape").exists());
        // What was imported builds.
        build.assert_success();
        assert!(tmp.path().join("out/papers/first/index.html").is_file());
    }
}

#[test]
fn a_json_export_with_a_byte_order_mark_imports_like_the_other_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let listing = format!("\u{feff}{}", json_listing("second"));
    let (import, build) = import_json(tmp.path(), &listing);
    import.assert_success();
    assert!(import.stdout.contains("3 added"), "{}", import.stdout);
    build.assert_success();
    assert!(tmp.path().join("out/papers/second/index.html").is_file());
    // `auto` recognises it too.
    let other = tempfile::tempdir().unwrap();
    let file = other.path().join("export.json");
    write(&file, &listing);
    let into = other.path().join("content");
    let run = digest(
        &[
            "import",
            "auto",
            file.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ],
        other.path(),
    );
    run.assert_success();
    assert_eq!(common::tree(&into).len(), 3);
}

#[test]
fn json_links_take_any_case_of_scheme_and_need_a_host() {
    let tmp = tempfile::tempdir().unwrap();
    let listing = "[\n  {\"title\": \"Upper\", \"date\": \"2025-02-06\", \"slug\": \"upper\", \"body\": \"x\",\n   \"links\": {\"code\": \"HTTPS://github.com/a/b\"}},\n  {\"title\": \"No host\", \"date\": \"2025-02-06\", \"slug\": \"no-host\", \"body\": \"x\",\n   \"links\": {\"code\": \"https:///a/b\"}}\n]\n";
    let (import, build) = import_json(tmp.path(), listing);
    let stderr = import.assert_problems();
    assert!(
        stderr.contains("export.json:5:13: skipped an entry: entry 2 (no-host): link `code` has no host after `://`: `https:///a/b`"),
        "{stderr}"
    );
    let record = std::fs::read_to_string(tmp.path().join("content/upper.md")).unwrap();
    assert!(
        record.contains("links = { code = \"https://github.com/a/b\" }"),
        "{record}"
    );
    build.assert_success();
}
