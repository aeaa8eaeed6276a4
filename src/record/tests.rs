use super::*;

fn errors(text: &str) -> String {
    parse(text, "content/p.md", "p")
        .unwrap_err()
        .iter()
        .map(Problem::render)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn parses_a_full_record() {
    let text = r#"+++
title = "ImprovNet"
date = 2025-02-06
authors = ["A", "B"]
author_count = 7
tags = ["music", "style-transfer"]
upvotes = 3
arxiv = "2502.04522"
links = { code = "https://github.com/keshavbhandari/improvnet" }
[extra]
venue = "ISMIR"
+++
Despite deep learning's remarkable advances.
"#;
    let paper = parse(text, "content/improvnet.md", "improvnet").unwrap();
    assert_eq!(paper.title, "ImprovNet");
    assert_eq!(paper.date.to_string(), "2025-02-06");
    assert_eq!(paper.slug, "improvnet");
    assert_eq!(paper.tags, ["music", "style-transfer"]);
    assert_eq!(
        paper.links["code"],
        "https://github.com/keshavbhandari/improvnet"
    );
    assert_eq!(paper.extra["venue"].as_str(), Some("ISMIR"));
    assert_eq!(paper.body, "Despite deep learning's remarkable advances.\n");
}

#[test]
fn slug_defaults_to_slugified_file_stem() {
    let paper = parse(
        "+++\ntitle = \"x\"\ndate = 2025-01-01\n+++\n",
        "c/My Paper.md",
        "My Paper",
    )
    .unwrap();
    assert_eq!(paper.slug, "my-paper");
}

#[test]
fn missing_fences_are_explained() {
    let text = errors("title = \"x\"\n");
    assert!(text.contains("missing front matter"), "{text}");
    assert!(text.contains("content/p.md:1:1"), "{text}");
    assert!(text.contains("forget to add `+++`"), "{text}");
    let text = errors("+++\ntitle = \"x\"\ndate = 2025-01-01\n");
    assert!(text.contains("never closed"), "{text}");
}

#[test]
fn unknown_key_is_located_in_the_md_file() {
    let text = errors("+++\ntitle = \"x\"\ndate = 2025-01-01\nvenue = \"ICML\"\n+++\n");
    assert!(text.contains("unknown field `venue`"), "{text}");
    assert!(text.contains("content/p.md:4:1"), "{text}");
    assert!(text.contains("[extra]"), "{text}");
}

#[test]
fn invalid_unquoted_date_is_located_and_hinted() {
    let text = errors("+++\ntitle = \"x\"\ndate = 2023-02-010\n+++\n");
    assert!(text.contains("content/p.md:3:"), "{text}");
    assert!(text.contains("YYYY-MM-DD"), "{text}");
}

#[test]
fn impossible_quoted_date_is_reported() {
    let text = errors("+++\ntitle = \"x\"\ndate = \"2023-02-30\"\n+++\n");
    assert!(text.contains("invalid date"), "{text}");
    assert!(text.contains("content/p.md:3:8"), "{text}");
}

#[test]
fn missing_title_and_date_are_both_reported() {
    let problems = parse("+++\nauthors = []\n+++\n", "content/p.md", "p").unwrap_err();
    let text: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
    assert_eq!(text, ["missing title", "missing date"]);
}

#[test]
fn escaping_slug_is_rejected() {
    let text = errors("+++\ntitle = \"x\"\ndate = 2025-01-01\nslug = \"../../etc\"\n+++\n");
    assert!(text.contains("escape the output"), "{text}");
    assert!(text.contains("content/p.md:4:8"), "{text}");
}

#[test]
fn bad_identifiers_and_links_are_rejected() {
    let text = errors(
        "+++\ntitle = \"x\"\ndate = 2025-01-01\narxiv = \"a b\"\nlinks = { code = \"javascript:alert(1)\" }\n+++\n",
    );
    assert!(text.contains("not an arXiv identifier"), "{text}");
    assert!(text.contains("not an http(s) URL"), "{text}");
}

#[test]
fn wrong_type_is_reported_at_the_value() {
    let text = errors("+++\ntitle = 12\ndate = 2025-01-01\n+++\n");
    assert!(text.contains("content/p.md:2:9"), "{text}");
}

#[test]
fn datetime_keeps_its_date() {
    let paper = parse(
        "+++\ntitle = \"x\"\ndate = 2025-01-01T10:00:00Z\n+++\n",
        "p.md",
        "p",
    )
    .unwrap();
    assert_eq!(paper.date.to_string(), "2025-01-01");
}

/// The characters records are mutated with: TOML's and the front matter's syntax, a BOM.
const RECORD_PIECES: &[&str] = &[
    "+", "\"", "=", "[", "]", "{", "}", "\n", "\r", "\\", "$", "é", "\u{feff}", "#", "'", ".", "-",
    "/", " ", "0", "a", "9", ":", "T", "Z",
];

proptest::proptest! {
    #![proptest_config(super::mutations::config(4000))]
    /// Property: no input makes the parser panic, and every rejected input is reported with a
    /// location in the file. Inputs are random edits of a valid record.
    #[test]
    fn mutated_records_never_panic(edits in super::mutations::edits(4)) {
    let valid = "+++\ntitle = \"A \\\"quoted\\\" title\"\ndate = 2025-02-06\nauthors = [\"Zoë\", \"B\"]\ntags = [\"icl\"]\nlinks = { code = \"https://github.com/a/b\" }\nslug = \"a-b\"\n[extra]\nx = 1\n+++\nBody with $x^2$ and é.\n";
        let text = super::mutations::apply(valid, &edits, RECORD_PIECES);
        if let Err(problems) = parse(&text, "content/p.md", "p") {
            assert!(!problems.is_empty());
            for problem in problems {
                let rendered = problem.render();
                assert!(rendered.contains("content/p.md"), "{text:?}\n{rendered}");
            }
        }
    }
}

#[test]
fn forbidden_characters_are_replaced_and_located() {
    let text = "+++\ntitle = \"a\\fb\"\ndate = 2025-01-01\nauthors = [\"x\\u0001\"]\n+++\nPage\u{c}break \u{93}q\u{94}\n";
    let (paper, warning) = parse_with_warning(text, "content/p.md", "p").unwrap();
    assert_eq!(paper.title, "a b");
    assert_eq!(paper.authors, ["x\u{fffd}"]);
    assert_eq!(paper.body, "Page break “q”\n");
    let shown = crate::text_clean::render_warning(&warning.unwrap());
    assert!(shown.contains("content/p.md:2:11"), "{shown}");
    assert!(shown.contains("`authors` at content/p.md:4:14"), "{shown}");
    assert!(shown.contains("the body at content/p.md:6:5"), "{shown}");
    let clean = "+++\ntitle = \"a\"\ndate = 2025-01-01\n+++\nok\n";
    assert!(parse_with_warning(clean, "p.md", "p").unwrap().1.is_none());
}

/// The keys the error message lists are exactly those the front matter accepts: serde's own
/// message for an unknown field names every field of `FrontMatter`.
#[test]
fn allowed_keys_are_the_front_matter_fields() {
    let err = toml::from_str::<FrontMatter>("bogus = 1")
        .err()
        .unwrap()
        .to_string();
    let expected = err.split("expected one of").nth(1).unwrap();
    let mut fields: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let mut listed: Vec<&str> = ALLOWED_KEYS.split(", ").collect();
    fields.sort_unstable();
    listed.sort_unstable();
    assert_eq!(
        listed, fields,
        "ALLOWED_KEYS must list exactly the front matter's keys"
    );
}

#[test]
fn tldr_is_one_line_of_plain_text() {
    let text = "+++\ntitle = \"x\"\ndate = 2025-01-01\ntldr = \"\"\"\nA model that plans\n  with tools.\"\"\"\n+++\n";
    let paper = parse(text, "content/p.md", "p").unwrap();
    assert_eq!(
        paper.tldr.as_deref(),
        Some("A model that plans with tools.")
    );
    let none = parse("+++\ntitle = \"x\"\ndate = 2025-01-01\n+++\n", "p.md", "p").unwrap();
    assert_eq!(none.tldr, None);
}

#[test]
fn bad_tldrs_are_located_and_explained() {
    // Not a string: TOML's type error, at the value.
    let text = errors("+++\ntitle = \"x\"\ndate = 2025-01-01\ntldr = [\"a\"]\n+++\n");
    assert!(text.contains("content/p.md:4:8"), "{text}");
    assert!(text.contains("invalid front matter"), "{text}");
    let text = errors("+++\ntitle = \"x\"\ndate = 2025-01-01\ntldr = \"  \"\n+++\n");
    assert!(text.contains("the tldr is empty"), "{text}");
    assert!(text.contains("content/p.md:4:8"), "{text}");
    assert!(text.contains("remove the `tldr` line"), "{text}");
    let long = "word ".repeat(120);
    let text = errors(&format!(
        "+++\ntitle = \"x\"\ndate = 2025-01-01\n\ntldr = \"{long}\"\n+++\n"
    ));
    assert!(text.contains("content/p.md:5:8"), "{text}");
    assert!(text.contains("599 characters long"), "{text}");
    assert!(text.contains("limit of 500"), "{text}");
    assert!(text.contains("in the body"), "{text}");
}

#[test]
fn tldr_is_cleaned_of_forbidden_characters_with_a_warning() {
    let text = "+++\ntitle = \"x\"\ndate = 2025-01-01\ntldr = \"One\\u0001 sentence.\"\n+++\n";
    let (paper, warning) = parse_with_warning(text, "content/p.md", "p").unwrap();
    assert_eq!(paper.tldr.as_deref(), Some("One\u{fffd} sentence."));
    let shown = crate::text_clean::render_warning(&warning.unwrap());
    assert!(shown.contains("content/p.md:4:"), "{shown}");
}
