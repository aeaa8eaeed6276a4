use std::collections::BTreeMap;

use jiff::civil::date;

use super::parse;
use crate::import::ImportedPaper;

const BATCH: &str = include_str!("../../../tests/fixtures/import/s2-batch.json");
const SINGLE: &str = include_str!("../../../tests/fixtures/import/s2-single.json");

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn first_paper() -> ImportedPaper {
    ImportedPaper {
        title: "Sparse Mixtures of Long-Context Experts".into(),
        date: date(2025, 2, 6),
        published: None,
        authors: vec!["Mei Lin".into(), "Jonas Weber".into()],
        author_count: Some(2),
        upvotes: None,
        arxiv: Some("2502.04522".into()),
        doi: Some("10.48550/arXiv.2502.04522".into()),
        tags: vec!["Computer Science".into()],
        links: map(&[
            ("pdf", "https://arxiv.org/pdf/2502.04522"),
            (
                "url",
                "https://www.semanticscholar.org/paper/649def34f8be52c8b66281af98ae884c09aef38b",
            ),
        ]),
        abstract_text: "We study sparse mixtures of experts for long contexts.".into(),
        extra: map(&[
            ("citation_count", "3"),
            ("s2_paper_id", "649def34f8be52c8b66281af98ae884c09aef38b"),
            ("venue", "arXiv.org"),
        ]),
        ..Default::default()
    }
}

fn third_paper() -> ImportedPaper {
    ImportedPaper {
        title: "An Old Workshop Note".into(),
        date: date(2019, 1, 1),
        published: None,
        authors: vec![],
        author_count: Some(0),
        upvotes: None,
        arxiv: None,
        doi: None,
        tags: vec!["Computer Science".into()],
        links: map(&[(
            "url",
            "https://www.semanticscholar.org/paper/0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6",
        )]),
        abstract_text: String::new(),
        extra: map(&[
            ("citation_count", "0"),
            ("s2_paper_id", "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6"),
        ]),
        ..Default::default()
    }
}

#[test]
fn batch_items() {
    let parsed = parse(BATCH, None).unwrap();
    assert_eq!(parsed.papers, vec![first_paper(), third_paper()]);
}

#[test]
fn batch_problem_points_at_publication_date() {
    let parsed = parse(BATCH, None).unwrap();
    assert_eq!(parsed.problems.len(), 1);
    let p = &parsed.problems[0];
    assert_eq!((p.line, p.column), (24, 24));
    assert!(
        p.message
            .starts_with("entry 2 (a1b2c3d4e5f60718293a4b5c6d7e8f9012345678): "),
        "{}",
        p.message
    );
    assert!(p.message.contains("\"publicationDate\""), "{}", p.message);
}

#[test]
fn default_date_rescues_undated_papers() {
    let parsed = parse(BATCH, Some(date(2025, 3, 1))).unwrap();
    assert!(parsed.problems.is_empty());
    assert_eq!(parsed.papers.len(), 3);
    assert_eq!(parsed.papers[1].title, "Preprint With A Broken Date");
    assert_eq!(parsed.papers[1].date, date(2025, 3, 1));
    assert_eq!(parsed.papers[0], first_paper());
}

#[test]
fn single_paper() {
    let parsed = parse(SINGLE, None).unwrap();
    assert!(parsed.problems.is_empty());
    assert_eq!(
        parsed.papers,
        vec![ImportedPaper {
            title: "Attention is All you Need".into(),
            date: date(2017, 6, 12),
            published: None,
            authors: vec!["Ashish Vaswani".into(), "Noam M. Shazeer".into()],
            author_count: Some(2),
            upvotes: None,
            arxiv: Some("1706.03762".into()),
            doi: Some("10.5555/3295222.3295349".into()),
            tags: vec!["Computer Science".into()],
            links: map(&[(
                "url",
                "https://www.semanticscholar.org/paper/204e3073870fae3d05bcbc2f6a8e263d9b72e776",
            )]),
            abstract_text: String::new(),
            extra: map(&[
                ("citation_count", "120345"),
                ("s2_paper_id", "204e3073870fae3d05bcbc2f6a8e263d9b72e776"),
                ("venue", "Neural Information Processing Systems"),
            ]),
            tldr: Some(
                "A new simple network architecture, the Transformer, based solely on \
                 attention mechanisms."
                    .into()
            ),
            ..Default::default()
        }]
    );
}

#[test]
fn search_response_and_nulls() {
    let text = "{\"total\": 2, \"offset\": 0,\n \"data\": [\n  {\"paperId\": \"x\", \"title\": \"T\", \"year\": 2020},\n  null\n ]}";
    let parsed = parse(text, None).unwrap();
    assert_eq!(parsed.papers.len(), 1);
    assert_eq!(parsed.papers[0].date, date(2020, 1, 1));
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!((parsed.problems[0].line, parsed.problems[0].column), (4, 3));
    assert!(parsed.problems[0].message.contains("found no paper"));
}

#[test]
fn errors() {
    let err = parse("{\"paperId\": \"x\",\n \"title\": \"T\" \"year\": 1}", None).unwrap_err();
    assert!(err.contains("line 2, column 15"), "{err}");
    let err = parse(r#"{"message": "Too Many Requests"}"#, None).unwrap_err();
    assert!(err.contains("Too Many Requests"), "{err}");
    let err = parse("42", None).unwrap_err();
    assert!(err.contains("found a number"), "{err}");
    let huge = " ".repeat(crate::import::MAX_INPUT_BYTES + 1);
    let err = parse(&huge, None).unwrap_err();
    assert!(err.contains("64 MiB"), "{err}");
}

#[test]
fn missing_title_and_wrong_types() {
    let parsed = parse(
        r#"[{"paperId": "p1", "title": null, "year": 2020},
 {"title": "T", "year": "2021", "authors": [{"name": 5}, {"name": "Ok"}], "externalIds": [],
  "citationCount": -1, "openAccessPdf": {"url": "https://x.org/a.pdf"}, "fieldsOfStudy": "CS"}]"#,
        None,
    )
    .unwrap();
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!(
        (parsed.problems[0].line, parsed.problems[0].column),
        (1, 29)
    );
    assert!(parsed.problems[0].message.contains("missing title"));
    let p = &parsed.papers[0];
    assert_eq!(p.date, date(2021, 1, 1));
    assert_eq!(p.authors, vec!["Ok".to_string()]);
    assert_eq!(p.links, map(&[("pdf", "https://x.org/a.pdf")]));
    assert!(p.tags.is_empty() && p.extra.is_empty());
}

/// Issue 14, defect 10, in the Graph API's JSON: a paper with no `externalIds.ArXiv` whose
/// journal is "ArXiv" carries its id in the volume.
#[test]
fn arxiv_id_from_an_arxiv_journal_volume() {
    let parsed = parse(
        r#"[{"paperId": "a1", "title": "From The Volume", "year": 2024,
  "journal": {"name": "ArXiv", "volume": "abs/2401.01234"}},
 {"paperId": "a2", "title": "Not ArXiv", "year": 2024,
  "journal": {"name": "Nature", "volume": "abs/2401.09999"}}]"#,
        None,
    )
    .unwrap();
    assert_eq!(parsed.problems, vec![]);
    assert_eq!(parsed.papers[0].arxiv.as_deref(), Some("2401.01234"));
    assert_eq!(parsed.papers[1].arxiv, None);
}

/// `tldr.text` becomes the record's tldr; a null `tldr` (Semantic Scholar has none for most
/// papers) is nothing; one too long for a tldr stays in `[extra]`.
#[test]
fn tldr_text_becomes_the_tldr() {
    let paper = |tldr: &str| {
        let text = format!(r#"{{"paperId": "x", "title": "T", "year": 2020, "tldr": {tldr}}}"#);
        parse(&text, None).unwrap().papers.remove(0)
    };
    let p = paper(r#"{"model": "tldr@v2.0.0", "text": "A short  summary."}"#);
    assert_eq!(p.tldr.as_deref(), Some("A short summary."));
    assert!(!p.extra.contains_key("tldr"));
    let p = paper("null");
    assert_eq!(p.tldr, None);
    assert!(!p.extra.contains_key("tldr"));
    let long = "word ".repeat(150);
    let p = paper(&format!(r#"{{"model": "tldr@v2.0.0", "text": {long:?}}}"#));
    assert_eq!(p.tldr, None);
    assert_eq!(p.extra["tldr"], long.trim());
}
