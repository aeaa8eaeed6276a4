//! `digest import` keeps every paper whole and apart (issue 14, "lost or mixed papers"):
//! Hugging Face API answers of 2024 (no `submittedOnDailyAt`), two papers of one title, author
//! names brought by a later source, a listing's dates without a year, and a summary whose counts
//! add up.

use crate::common;

use std::path::Path;

use common::{digest, tree, write};

/// `digest import FORMAT <listing> --into content` in `tmp`, the listing written first.
fn import(tmp: &Path, format: &str, name: &str, listing: &str, extra: &[&str]) -> common::Run {
    common::import_listing(tmp, format, name, listing, extra)
}

/// The text of `<tmp>/content/NAME`.
fn record(tmp: &Path, name: &str) -> String {
    std::fs::read_to_string(tmp.join("content").join(name))
        .unwrap_or_else(|e| panic!("content/{name}: {e}"))
}

/// The front matter of `<tmp>/content/NAME`, parsed.
fn front_matter(tmp: &Path, name: &str) -> toml::Table {
    common::front_matter(&record(tmp, name)).unwrap()
}

/// Two items as `/api/daily_papers` answered in 2024: no `submittedOnDailyAt`; the item's
/// `publishedAt` is the day it was featured, the paper's the day arXiv published it.
const HF_2024: &str = r#"[
  {
    "paper": {
      "id": "2403.01234",
      "authors": [
        {"_id": "65e6a0000000000000000001", "name": "Lena Fischer", "hidden": false},
        {"_id": "65e6a0000000000000000002", "name": "Omar Haddad", "hidden": false}
      ],
      "publishedAt": "2024-03-01T18:30:00.000Z",
      "title": "Token Merging for Long Video Understanding",
      "summary": "We merge redundant video tokens.",
      "upvotes": 12,
      "discussionId": "65e6a0000000000000000009"
    },
    "publishedAt": "2024-03-04T08:15:00.123Z",
    "title": "Token Merging for Long Video Understanding",
    "summary": "We merge redundant video tokens.",
    "thumbnail": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2403.01234.png",
    "numComments": 2,
    "submittedBy": {"_id": "60f1abc", "avatarUrl": "/avatars/x.svg", "fullname": "Lena Fischer", "name": "lfischer", "type": "user", "isPro": false}
  },
  {
    "paper": {
      "id": "2403.02468",
      "authors": [{"_id": "65e6b0000000000000000001", "name": "Sofia Rossi", "hidden": false}],
      "publishedAt": "2024-03-04T17:59:00.000Z",
      "title": "Sparse Probing of Speech Encoders",
      "summary": "Which neurons carry phonemes?",
      "upvotes": 3,
      "discussionId": "65e6b0000000000000000009"
    },
    "publishedAt": "2024-03-05T06:00:00.000Z",
    "title": "Sparse Probing of Speech Encoders",
    "summary": "Which neurons carry phonemes?",
    "thumbnail": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2403.02468.png",
    "numComments": 0,
    "submittedBy": {"_id": "60f1abd", "avatarUrl": "/avatars/y.svg", "fullname": "Sofia Rossi", "name": "srossi", "type": "user", "isPro": false}
  }
]"#;

#[test]
fn hf_json_answers_from_2024_are_imported_under_the_day_they_were_featured() {
    let tmp = tempfile::tempdir().unwrap();
    let run = import(tmp.path(), "hf-json", "daily-2024.json", HF_2024, &[]);
    run.assert_success();
    assert!(
        run.stdout.contains("read 2 papers from ")
            && run
                .stdout
                .contains(": 2 added, 0 updated, 0 unchanged, 0 skipped\n"),
        "{}",
        run.stdout
    );
    let fm = front_matter(tmp.path(), "token-merging-for-long-video-understanding.md");
    assert_eq!(fm["date"].to_string(), "2024-03-04");
    assert_eq!(fm["published"].to_string(), "2024-03-01");
    assert_eq!(fm["arxiv"].as_str(), Some("2403.01234"));
    let fm = front_matter(tmp.path(), "sparse-probing-of-speech-encoders.md");
    assert_eq!(fm["date"].to_string(), "2024-03-05");
    // `auto` recognises the old shape too.
    let again = import(tmp.path(), "auto", "daily-2024.json", HF_2024, &[]);
    again.assert_success();
    assert!(
        again.stdout.contains("0 added, 0 updated, 2 unchanged"),
        "{}",
        again.stdout
    );
}

/// Two different books of one title, each with its own PDF, and two arXiv comments on
/// different papers sharing the title "Comment on" something: four papers.
const SAME_TITLES_BIB: &str = r#"@book{smith2001,
  title = {Book A},
  author = {Smith, John},
  year = {2001},
  publisher = {North Press},
  url = {https://example.org/smith-book-a.pdf}
}

@book{doe2015,
  title = {Book A},
  author = {Doe, Jane and Roe, Richard},
  year = {2015},
  publisher = {South Press},
  url = {https://example.org/doe-book-a.pdf}
}

@misc{comment1,
  title = {Comment on "Quantum Supremacy"},
  author = {Keller, Maria},
  year = {2020},
  eprint = {2001.01111},
  archivePrefix = {arXiv}
}

@misc{comment2,
  title = {Comment on ``Quantum Supremacy''},
  author = {Keller, Maria},
  year = {2020},
  eprint = {2003.03333},
  archivePrefix = {arXiv}
}
"#;

#[test]
fn papers_sharing_a_title_stay_apart_and_a_second_import_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = import(tmp.path(), "bibtex", "refs.bib", SAME_TITLES_BIB, &[]);
    run.assert_success();
    assert!(
        run.stdout.contains("read 4 papers from ")
            && run
                .stdout
                .contains(": 4 added, 0 updated, 0 unchanged, 0 skipped\n"),
        "{}",
        run.stdout
    );
    // The summary says why the second of each title got a file of its own.
    assert!(
        run.stdout
            .contains("book-a-2.md (kept apart: same title as ")
            && run
                .stdout
                .contains("book-a.md, but authors John Smith there, Jane Doe, Richard Roe here)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("but arXiv 2001.01111 there, 2003.03333 here"),
        "{}",
        run.stdout
    );
    let a = front_matter(tmp.path(), "book-a.md");
    let b = front_matter(tmp.path(), "book-a-2.md");
    assert_eq!(
        a["links"]["pdf"].as_str(),
        Some("https://example.org/smith-book-a.pdf")
    );
    assert_eq!(
        b["links"]["pdf"].as_str(),
        Some("https://example.org/doe-book-a.pdf")
    );
    assert_eq!(a["authors"].as_array().unwrap().len(), 1);
    assert_eq!(b["authors"].as_array().unwrap().len(), 2);
    let comments: Vec<String> = tree(&tmp.path().join("content"))
        .keys()
        .filter(|name| name.starts_with("comment-on"))
        .cloned()
        .collect();
    assert_eq!(comments.len(), 2, "{comments:?}");
    // Distinct files, so distinct slugs: the site builds with all four.
    write(
        &tmp.path().join("site.toml"),
        "title = \"Refs\"\nbase_url = \"https://example.org/\"\n",
    );
    let build = digest(&["build"], tmp.path());
    build.assert_success();
    assert!(
        tmp.path()
            .join("public/papers/book-a-2/index.html")
            .is_file()
    );
    let before = tree(&tmp.path().join("content"));
    let again = import(tmp.path(), "bibtex", "refs.bib", SAME_TITLES_BIB, &[]);
    again.assert_success();
    assert!(
        again
            .stdout
            .contains(": 0 added, 0 updated, 4 unchanged, 0 skipped\n"),
        "{}",
        again.stdout
    );
    assert_eq!(
        tree(&tmp.path().join("content")),
        before,
        "a re-import wrote nothing"
    );
}

/// One paper as a Hugging Face page copy shows it: a count of authors, no names.
const TEXT_LISTING: &str = "Daily Papers

Token Merging for Long Video Understanding

We merge redundant video tokens. Code: https://github.com/lfischer/tome-video

  • 2 authors
Mar 4 12
";

/// The paper of [`TEXT_LISTING`] as three sources that know its authors describe it.
const WITH_NAMES: [(&str, &str, &str); 3] = [
    (
        "hf-json",
        "daily.json",
        r#"[{"paper": {"id": "2403.01234", "title": "Token Merging for Long Video Understanding",
  "authors": [{"_id": "65e6a0000000000000000001", "name": "Lena Fischer", "hidden": false},
              {"_id": "65e6a0000000000000000002", "name": "Omar Haddad", "hidden": false}],
  "publishedAt": "2024-03-01T18:30:00.000Z", "submittedOnDailyAt": "2024-03-04T08:15:00.123Z",
  "summary": "We merge redundant video tokens.", "upvotes": 12},
  "publishedAt": "2024-03-04T08:15:00.123Z", "title": "Token Merging for Long Video Understanding",
  "numComments": 2}]"#,
    ),
    (
        "arxiv-atom",
        "query.atom",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title type="html">ArXiv Query: search_query=ti:token_merging</title>
  <id>http://arxiv.org/api/token-merging</id>
  <updated>2024-03-05T00:00:00-05:00</updated>
  <entry>
    <id>http://arxiv.org/abs/2403.01234v1</id>
    <updated>2024-03-01T18:30:00Z</updated>
    <published>2024-03-01T18:30:00Z</published>
    <title>Token Merging for Long Video
  Understanding</title>
    <summary>We merge redundant video tokens.</summary>
    <author><name>Lena Fischer</name></author>
    <author><name>Omar Haddad</name></author>
    <link href="http://arxiv.org/abs/2403.01234v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2403.01234v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"#,
    ),
    (
        "bibtex",
        "refs.bib",
        "@misc{fischer2024token,\n  title = {Token Merging for Long Video Understanding},\n  \
         author = {Fischer, Lena and Haddad, Omar},\n  year = {2024},\n  eprint = {2403.01234},\n  \
         archivePrefix = {arXiv},\n  primaryClass = {cs.CV}\n}\n",
    ),
];

#[test]
fn names_a_later_source_brings_fill_a_nameless_record_and_nothing_else_is_lost() {
    for (format, file, listing) in WITH_NAMES {
        let tmp = tempfile::tempdir().unwrap();
        import(
            tmp.path(),
            "hf-text",
            "page.txt",
            TEXT_LISTING,
            &["--year", "2024"],
        )
        .assert_success();
        let name = "token-merging-for-long-video-understanding.md";
        let fm = front_matter(tmp.path(), name);
        assert_eq!(fm["author_count"].as_integer(), Some(2));
        assert!(!fm.contains_key("authors"));
        // A person adds a note to the body and a tag.
        let text = record(tmp.path(), name)
            .replace("upvotes = 12\n", "upvotes = 12\ntags = [\"video\"]\n")
            + "\nMy notes.\n";
        write(&tmp.path().join("content").join(name), &text);

        // The source brings the names (and the arXiv id): they fill the record.
        let run = import(tmp.path(), format, file, listing, &[]);
        run.assert_success();
        assert!(
            run.stdout
                .contains("authors (2 names), author_count dropped"),
            "{format}: {}",
            run.stdout
        );
        let fm = front_matter(tmp.path(), name);
        let authors: Vec<&str> = fm["authors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(authors, ["Lena Fischer", "Omar Haddad"], "{format}");
        assert!(!fm.contains_key("author_count"), "{format}: {fm:?}");
        // Kept: the listing day, upvotes, the code link, the tag, the abstract and the notes.
        assert_eq!(fm["date"].to_string(), "2024-03-04", "{format}");
        assert_eq!(fm["upvotes"].as_integer(), Some(12), "{format}");
        assert_eq!(
            fm["links"]["code"].as_str(),
            Some("https://github.com/lfischer/tome-video"),
            "{format}"
        );
        assert_eq!(fm["tags"].as_array().unwrap().len(), 1, "{format}");
        assert_eq!(fm["arxiv"].as_str(), Some("2403.01234"), "{format}");
        let text = record(tmp.path(), name);
        assert!(
            text.contains("We merge redundant video tokens.") && text.ends_with("My notes.\n"),
            "{format}: {text}"
        );
        // A second import of the same source changes nothing.
        let again = import(tmp.path(), format, file, listing, &[]);
        assert!(
            again.stdout.contains(": 0 added, 0 updated, 1 unchanged"),
            "{format}: {}",
            again.stdout
        );

        // Names a person wrote are never replaced by a source's.
        let mine = text.replace(
            "authors = [\"Lena Fischer\", \"Omar Haddad\"]",
            "authors = [\"L. Fischer\", \"O. Haddad (MIT)\"]",
        );
        assert_ne!(mine, text);
        write(&tmp.path().join("content").join(name), &mine);
        let run = import(tmp.path(), format, file, listing, &[]);
        run.assert_success();
        assert_eq!(record(tmp.path(), name), mine, "{format}: {}", run.stdout);
    }
}

/// The listing of [`TEXT_LISTING`] with a second paper on another day.
const TWO_DAYS: &str = "Token Merging for Long Video Understanding

We merge redundant video tokens.

  • 2 authors
Mar 4 12

Sparse Probing of Speech Encoders

Which neurons carry phonemes?

  • 1 author
Mar 5 3
";

#[test]
fn a_listing_date_without_a_year_says_the_year_and_a_corrected_year_redates_the_records() {
    let tmp = tempfile::tempdir().unwrap();
    let this_year = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .year();
    let run = import(tmp.path(), "hf-text", "page.txt", TWO_DAYS, &[]);
    run.assert_success();
    assert!(
        run.stdout.contains(&format!(
            "2 dates without a year in the listing took {this_year}, the current year (assumed); pass --year YYYY"
        )),
        "{}",
        run.stdout
    );
    let video = "token-merging-for-long-video-understanding.md";
    let speech = "sparse-probing-of-speech-encoders.md";
    assert!(
        record(tmp.path(), video).contains(&format!(
            "date = {this_year}-03-04 # year not in the listing: {this_year} assumed\n"
        )),
        "{}",
        record(tmp.path(), video)
    );

    // The right year re-dates both records the import wrote.
    let run = import(
        tmp.path(),
        "hf-text",
        "page.txt",
        TWO_DAYS,
        &["--year", "2024"],
    );
    run.assert_success();
    assert!(
        run.stdout.contains(": 0 added, 2 updated, 0 unchanged")
            && run
                .stdout
                .contains(&format!("(date {this_year}-03-04 → 2024-03-04)")),
        "{}",
        run.stdout
    );
    assert_eq!(
        front_matter(tmp.path(), video)["date"].to_string(),
        "2024-03-04"
    );
    assert_eq!(
        front_matter(tmp.path(), speech)["date"].to_string(),
        "2024-03-05"
    );
    let again = import(
        tmp.path(),
        "hf-text",
        "page.txt",
        TWO_DAYS,
        &["--year", "2024"],
    );
    assert!(
        again.stdout.contains(": 0 added, 0 updated, 2 unchanged"),
        "{}",
        again.stdout
    );

    // A date a person corrected is theirs: no later --year moves it.
    let text = record(tmp.path(), speech).replace("date = 2024-03-05", "date = 2023-03-05");
    write(&tmp.path().join("content").join(speech), &text);
    let run = import(
        tmp.path(),
        "hf-text",
        "page.txt",
        TWO_DAYS,
        &["--year", "2025"],
    );
    run.assert_success();
    assert_eq!(record(tmp.path(), speech), text, "{}", run.stdout);
    assert_eq!(
        front_matter(tmp.path(), video)["date"].to_string(),
        "2025-03-04"
    );
    // The marks are comments: the site builds, with the days the records now have.
    write(
        &tmp.path().join("site.toml"),
        "title = \"Imported\"\nbase_url = \"https://example.org/\"\n",
    );
    let build = digest(&["build"], tmp.path());
    build.assert_success();
    assert!(tmp.path().join("public/2025/03/04/index.html").is_file());
    assert!(tmp.path().join("public/2023/03/05/index.html").is_file());
}

#[test]
fn dates_after_today_are_warned_about() {
    let tmp = tempfile::tempdir().unwrap();
    let run = import(
        tmp.path(),
        "hf-text",
        "page.txt",
        TWO_DAYS,
        &["--year", "2999"],
    );
    run.assert_success();
    assert!(
        run.stderr.contains(
            "warning: 2 papers are dated after today (") 
            && run.stderr.contains("the first \"Token Merging for Long Video Understanding\" on 2999-03-04; the listing gives no year and 2999 was given with --year"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("2 dates without a year in the listing took 2999 (--year)"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_summary_counts_every_entry_once_with_plurals_right() {
    let tmp = tempfile::tempdir().unwrap();
    // One paper read.
    let one = r#"[{"paper": {"id": "2403.01234", "title": "Only One"}, "publishedAt": "2024-03-04T08:15:00Z"}]"#;
    let run = import(tmp.path(), "hf-json", "one.json", one, &[]);
    run.assert_success();
    assert!(
        run.stdout.starts_with("read 1 paper from ")
            && run
                .stdout
                .contains(": 1 added, 0 updated, 0 unchanged, 0 skipped\n"),
        "{}",
        run.stdout
    );
    // Three entries: one read, one that cannot be (no title), and the first listed again.
    let three = r#"[
  {"paper": {"id": "2403.05555", "title": "Kept"}, "publishedAt": "2024-03-04T08:15:00Z"},
  {"paper": {"id": "2403.06666"}, "publishedAt": "2024-03-04T08:15:00Z"},
  {"paper": {"id": "2403.05555", "title": "Kept"}, "publishedAt": "2024-03-04T08:15:00Z"}
]"#;
    let run = import(tmp.path(), "hf-json", "three.json", three, &[]);
    assert_eq!(run.code, Some(1), "an entry could not be read");
    assert!(
        run.stderr.contains("three.json:3:13: skipped an entry"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.starts_with("read 3 papers from ")
            && run
                .stdout
                .contains(": 1 added, 0 updated, 0 unchanged, 1 skipped, 1 listed again\n")
            && run
                .stdout
                .contains("  repeated  \"Kept\": listed again, merged into ")
            && run
                .stdout
                .contains("  skipped   1 entry that could not be read"),
        "{}",
        run.stdout
    );
}
