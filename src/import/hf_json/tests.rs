use std::collections::BTreeMap;

use jiff::civil::date;

use super::parse;
use crate::import::ImportedPaper;

const FIXTURE: &str = include_str!("../../../tests/fixtures/import/hf-daily.json");

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn fixture_items() {
    let parsed = parse(FIXTURE).unwrap();
    assert_eq!(parsed.papers.len(), 2);
    assert_eq!(
        parsed.papers[0],
        ImportedPaper {
            title: "Sparse Mixtures of Long-Context Experts".into(),
            date: date(2025, 2, 7),
            published: Some(date(2025, 2, 6)),
            authors: vec!["Mei Lin".into(), "Jonas Weber".into()],
            author_count: Some(3),
            upvotes: Some(42),
            arxiv: Some("2502.04522".into()),
            doi: None,
            tags: [
                "mixture of experts",
                "long context",
                "sparsity",
                "routing",
                "attention",
                "KV cache",
                "scaling",
                "efficiency",
            ]
            .map(String::from)
            .to_vec(),
            links: map(&[
                ("code", "https://github.com/example/sparse-lce"),
                ("pdf", "https://arxiv.org/pdf/2502.04522"),
                ("project", "https://example.github.io/sparse-lce/"),
            ]),
            abstract_text: "We study sparse mixtures of experts for long contexts.\n\n\
                            Our method scales to 1M tokens."
                .into(),
            extra: map(&[("num_comments", "3")]),
            tldr: Some("A sparse mixture of experts handles million-token contexts.".into()),
            ..Default::default()
        }
    );
    assert_eq!(
        parsed.papers[1],
        ImportedPaper {
            title: "Self-Correcting Code Agents".into(),
            date: date(2025, 2, 7),
            published: None,
            authors: vec!["Kenji Sato".into(), "Priya Raman".into()],
            author_count: Some(2),
            upvotes: Some(0),
            arxiv: Some("2502.05171".into()),
            doi: None,
            tags: vec![],
            links: map(&[("pdf", "https://arxiv.org/pdf/2502.05171")]),
            abstract_text: "Agents that test and repair their own patches.".into(),
            extra: BTreeMap::new(),
            ..Default::default()
        }
    );
}

#[test]
fn fixture_problem_points_at_the_bad_timestamp() {
    let parsed = parse(FIXTURE).unwrap();
    assert_eq!(parsed.problems.len(), 1);
    let p = &parsed.problems[0];
    assert_eq!((p.line, p.column), (42, 27));
    assert!(
        p.message.starts_with("entry 2 (2502.03387): "),
        "{}",
        p.message
    );
    assert!(
        p.message.contains("\"submittedOnDailyAt\""),
        "{}",
        p.message
    );
    assert!(
        p.message.contains("2025-02-30T08:00:00.000Z"),
        "{}",
        p.message
    );
}

#[test]
fn syntax_error_names_line_and_column() {
    let err = parse("[\n  {\"paper\": {\"id\": \"2502.04522\",}}\n]").unwrap_err();
    assert!(err.contains("line 2, column 33"), "{err}");
}

#[test]
fn other_shapes() {
    let item = r#"{"paper": {"id": "2502.00001", "title": "T"}, "submittedOnDailyAt": "2025-02-07T00:00:00Z"}"#;
    let single = parse(item).unwrap();
    assert_eq!(single.papers.len(), 1);
    assert_eq!(single.papers[0].date, date(2025, 2, 7));
    let wrapped = parse(&format!("{{\"papers\": [{item}, 5]}}")).unwrap();
    assert_eq!(wrapped.papers.len(), 1);
    assert_eq!(wrapped.problems.len(), 1);
    assert_eq!(
        (wrapped.problems[0].line, wrapped.problems[0].column),
        (1, item.len() + 15)
    );
    assert!(parse("[]").unwrap().papers.is_empty());
    assert!(parse("\"hello\"").unwrap_err().contains("found a string"));
    assert!(parse("{\"x\": 1}").is_err());
}

#[test]
fn missing_and_wrong_typed_fields() {
    let parsed = parse(
        r#"[
  {"paper": {"id": 7, "title": ["no"]}, "submittedOnDailyAt": "2025-02-07T00:00:00Z"},
  {"paper": {"id": "2502.1", "title": "T"}},
  {"paper": "oops"},
  {"paper": {"title": "  Kept  ", "upvotes": -3, "authors": "x", "ai_keywords": [1, "a"],
   "summary": 5, "githubRepo": "not a url", "submittedOnDailyAt": "2025-02-08"}}
]"#,
    )
    .unwrap();
    let messages: Vec<_> = parsed
        .problems
        .iter()
        .map(|p| (p.line, p.column, p.message.as_str()))
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!((messages[0].0, messages[0].1), (2, 32));
    assert!(messages[0].2.contains("missing title"));
    assert_eq!((messages[1].0, messages[1].1), (3, 3));
    assert!(messages[1].2.contains("\"submittedOnDailyAt\""));
    assert_eq!((messages[2].0, messages[2].1), (4, 13));
    assert!(messages[2].2.contains("\"paper\" must be an object"));
    let p = &parsed.papers[0];
    assert_eq!(p.title, "Kept");
    assert_eq!(p.date, date(2025, 2, 8));
    assert_eq!(p.upvotes, None);
    assert_eq!(p.arxiv, None);
    assert!(p.authors.is_empty() && p.author_count.is_none());
    assert_eq!(p.tags, vec!["a".to_string()]);
    assert!(p.links.is_empty() && p.abstract_text.is_empty());
}

/// An item shaped like the API's answers of 2024: no `submittedOnDailyAt` anywhere; the item's
/// `publishedAt` is the day it was featured, the paper's the day arXiv published it.
const ITEM_2024: &str = r#"[
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
    "numComments": 1,
    "submittedBy": {"_id": "60f1abc", "avatarUrl": "/avatars/x.svg", "fullname": "Lena Fischer", "name": "lfischer", "type": "user", "isPro": false}
  },
  {
    "paper": {"id": "2403.05678", "title": "Featured The Day It Appeared", "publishedAt": "2024-03-04T17:00:00.000Z"},
    "publishedAt": "2024-03-04T17:00:00.000Z",
    "title": "Featured The Day It Appeared"
  },
  {
    "paper": {"id": "2403.09999", "title": "No Day At All", "publishedAt": "2024-03-04T17:00:00.000Z"},
    "title": "No Day At All"
  }
]"#;

#[test]
fn responses_from_2024_are_filed_under_the_item_published_day() {
    let parsed = parse(ITEM_2024).unwrap();
    assert_eq!(parsed.papers.len(), 2, "{:?}", parsed.problems);
    let first = &parsed.papers[0];
    assert_eq!(first.date, date(2024, 3, 4));
    assert_eq!(first.published, Some(date(2024, 3, 1)));
    assert_eq!(first.authors, ["Lena Fischer", "Omar Haddad"]);
    assert_eq!(
        first.extra.get("num_comments").map(String::as_str),
        Some("1")
    );
    // Featured on the day arXiv published it: one date, no separate `published`.
    assert_eq!(parsed.papers[1].date, date(2024, 3, 4));
    assert_eq!(parsed.papers[1].published, None);
    // The paper's own `publishedAt` is the arXiv day, never taken as the listing day.
    let [problem] = &parsed.problems[..] else {
        panic!("{:?}", parsed.problems)
    };
    assert!(
        problem.message.contains("\"submittedOnDailyAt\"")
            && problem.message.contains("\"publishedAt\""),
        "{}",
        problem.message
    );
    // When both are there, `submittedOnDailyAt` wins (the fixture's items have both).
    let both = parse(FIXTURE).unwrap();
    assert_eq!(both.papers[0].date, date(2025, 2, 7));
}

#[test]
fn a_bad_item_published_at_is_reported_at_it() {
    let parsed =
        parse(r#"[{"paper": {"id": "2403.01234", "title": "T"}, "publishedAt": "yesterday"}]"#)
            .unwrap();
    let [problem] = &parsed.problems[..] else {
        panic!("{:?}", parsed.problems)
    };
    assert_eq!((problem.line, problem.column), (1, 63)); // the value's opening quote
    assert!(
        problem
            .message
            .contains("\"publishedAt\" is not a valid timestamp"),
        "{}",
        problem.message
    );
}

/// `ai_summary` becomes the record's tldr, on one line; one too long for a tldr stays in
/// `[extra]`, whole, and an empty one is nothing.
#[test]
fn ai_summary_becomes_the_tldr_unless_it_is_too_long() {
    let item = |summary: &str| {
        format!(
            r#"{{"paper": {{"id": "2502.04522", "title": "T", "ai_summary": {summary:?}}},
               "submittedOnDailyAt": "2025-02-07T01:23:45.000Z"}}"#
        )
    };
    let parsed = parse(&item("Routing\nscales  to long contexts.")).unwrap();
    let paper = &parsed.papers[0];
    assert_eq!(
        paper.tldr.as_deref(),
        Some("Routing scales to long contexts.")
    );
    assert!(!paper.extra.contains_key("ai_summary"));
    assert!(!paper.tldr_as_written);
    let long = "word ".repeat(150);
    let parsed = parse(&item(&long)).unwrap();
    let paper = &parsed.papers[0];
    assert_eq!(paper.tldr, None);
    assert_eq!(paper.extra["ai_summary"], long.trim());
    let parsed = parse(&item("  ")).unwrap();
    assert_eq!(parsed.papers[0].tldr, None);
    assert!(parsed.papers[0].extra.is_empty());
}
