//! `digest import` merging into records it did not write: the record's own bytes stay (line
//! endings, byte order mark, everything the import did not update), and what an import writes
//! is something `digest build` accepts.

mod common;

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
