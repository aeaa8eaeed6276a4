use std::collections::BTreeMap;

use jiff::civil::date;

use super::parse;
use crate::import::ImportedPaper;

const FIXTURE: &str = include_str!("../../../tests/fixtures/import/zotero.csl.json");

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
            date: date(2025, 2, 6),
            published: None,
            authors: vec!["Mei Lin".into(), "Jonas Weber".into()],
            author_count: Some(2),
            upvotes: None,
            arxiv: Some("2502.04522".into()),
            doi: Some("10.48550/arXiv.2502.04522".into()),
            tags: vec![
                "Computer Science - Machine Learning".into(),
                "Computer Science - Computation and Language".into(),
            ],
            links: map(&[("url", "http://arxiv.org/abs/2502.04522")]),
            abstract_text: "We study sparse mixtures of experts for long contexts.\n\n\
                            Our method scales to 1M tokens."
                .into(),
            extra: map(&[("type", "article")]),
            ..Default::default()
        }
    );
    assert_eq!(
        parsed.papers[1],
        ImportedPaper {
            title: "Graph Networks at Scale".into(),
            date: date(2024, 6, 1),
            published: None,
            authors: vec![
                "van Beethoven, Ludwig".into(),
                "{The GNN Consortium}".into()
            ],
            author_count: Some(3),
            upvotes: None,
            arxiv: None,
            doi: Some("10.5555/JMLR.2024.0042".into()),
            tags: vec!["graphs".into(), "message passing".into()],
            links: map(&[("url", "https://jmlr.org/papers/v25/24-0042.html")]),
            abstract_text: "Graph networks & friends.\n\nSecond paragraph.".into(),
            extra: map(&[
                ("type", "article-journal"),
                ("venue", "Journal of Machine Learning Research"),
            ]),
            ..Default::default()
        }
    );
}

#[test]
fn fixture_problem_points_at_issued() {
    let parsed = parse(FIXTURE).unwrap();
    assert_eq!(parsed.problems.len(), 1);
    let p = &parsed.problems[0];
    assert_eq!((p.line, p.column), (27, 13));
    assert!(
        p.message
            .starts_with("entry 2 (http://zotero.org/users/1234567/items/EFGH6789): "),
        "{}",
        p.message
    );
    assert!(p.message.contains("no date"), "{}", p.message);
    assert!(p.message.contains("--date"), "{}", p.message);
}

#[test]
fn syntax_error_names_line_and_column() {
    let err = parse("[\n\t{\"title\": \"x\"\n\t\"type\": 1}\n]").unwrap_err();
    assert!(err.contains("line 3, column 2"), "{err}");
}

#[test]
fn dates() {
    let one = |issued: &str| {
        let parsed = parse(&format!("[{{\"title\": \"T\", \"issued\": {issued}}}]")).unwrap();
        match (parsed.papers.first(), parsed.problems.first()) {
            (Some(p), None) => Ok(p.date),
            (None, Some(e)) => Err(e.message.clone()),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(one(r#"{"date-parts": [[2024]]}"#), Ok(date(2024, 1, 1)));
    assert_eq!(
        one(r#"{"date-parts": [["2024", "06", "29"]]}"#),
        Ok(date(2024, 6, 29))
    );
    assert_eq!(
        one(r#"{"date-parts": [[2024, 6], [2024, 7]]}"#),
        Ok(date(2024, 6, 1))
    );
    assert_eq!(one(r#"{"raw": "2024-06-29"}"#), Ok(date(2024, 6, 29)));
    assert_eq!(one(r#"{"raw": "2024/6"}"#), Ok(date(2024, 6, 1)));
    assert_eq!(one(r#""2023""#), Ok(date(2023, 1, 1)));
    for bad in [
        r#"null"#,
        r#"{"date-parts": [[2024, 13]]}"#,
        r#"{"date-parts": [["spring"]]}"#,
        r#"{"date-parts": "2024"}"#,
        r#"{"raw": "last year"}"#,
        r#"{"season": 1}"#,
        r#"[2024]"#,
        r#"{"date-parts": [[99999]]}"#,
    ] {
        let err = one(bad).unwrap_err();
        assert!(err.contains("\"issued"), "{bad}: {err}");
    }
}

#[test]
fn arxiv_sources_and_odd_values() {
    let parsed = parse(
        r#"[
 {"title": "A", "issued": {"raw": "2025"}, "URL": "https://arxiv.org/abs/2501.00001v3"},
 {"title": "B", "issued": {"raw": "2025"}, "container-title": "arXiv preprint", "number": "2501.00002"},
 {"title": "C", "issued": {"raw": "2025"}, "number": "2501.00003", "DOI": "nonsense", "keyword": 4,
  "author": [{"family": 1}, "x", {"given": "Solo"}], "abstract": "a < b and c > d"},
 {"title": 7, "issued": {"raw": "2025"}},
 3
]"#,
    )
    .unwrap();
    assert_eq!(parsed.papers.len(), 3);
    assert_eq!(parsed.papers[0].arxiv.as_deref(), Some("2501.00001"));
    assert_eq!(parsed.papers[1].arxiv.as_deref(), Some("2501.00002"));
    assert_eq!(parsed.papers[1].extra["venue"], "arXiv preprint");
    let c = &parsed.papers[2];
    assert_eq!((c.arxiv.as_deref(), c.doi.as_deref()), (None, None));
    assert_eq!(c.authors, vec!["Solo".to_string()]);
    assert_eq!(c.author_count, Some(3));
    assert_eq!(c.abstract_text, "a < b and c > d");
    assert_eq!(parsed.problems.len(), 2);
    assert_eq!(
        (parsed.problems[0].line, parsed.problems[0].column),
        (6, 12)
    );
    assert!(parsed.problems[0].message.contains("missing title"));
    assert_eq!((parsed.problems[1].line, parsed.problems[1].column), (7, 2));
    assert!(parsed.problems[1].message.contains("found a number"));
}

/// Regression (issue 14, defect 3): items without `issued` (web pages, datasets, posts)
/// were refused and `--date` was ignored.
#[test]
fn undated_items_take_submitted_accessed_or_the_import_date() {
    let input = r#"[
 {"id": "web", "type": "webpage", "title": "A Blog Post", "accessed": {"date-parts": [[2025, 3, 4]]}},
 {"id": "data", "type": "dataset", "title": "A Dataset", "issued": {}, "submitted": {"raw": "2024-11-02"}},
 {"id": "none", "type": "post", "title": "No Date At All", "issued": {"date-parts": [[]]}},
 {"id": "bad", "type": "article", "title": "Bad Date", "issued": {"date-parts": [[2024, 13]]}}
]"#;
    let parsed = parse(input).unwrap();
    let dates: Vec<_> = parsed
        .papers
        .iter()
        .map(|p| (p.title.as_str(), p.date))
        .collect();
    assert_eq!(
        dates,
        [
            ("A Blog Post", date(2025, 3, 4)),
            ("A Dataset", date(2024, 11, 2))
        ]
    );
    let messages: Vec<_> = parsed.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("(none): no date") && messages[0].contains("--date"));
    assert!(messages[1].contains("\"issued.date-parts\" is not a valid date"));

    let parsed = super::parse_dated(input, Some(date(2025, 1, 31))).unwrap();
    let dates: Vec<_> = parsed.papers.iter().map(|p| p.date).collect();
    assert_eq!(
        dates,
        [date(2025, 3, 4), date(2024, 11, 2), date(2025, 1, 31)]
    );
    assert_eq!(
        parsed.problems.len(),
        1,
        "a date that is wrong stays a problem"
    );
}

/// Regression (issue 14, defect 8): rich-text tags stayed in titles and names.
#[test]
fn rich_text_in_titles_names_and_venue() {
    let input = r#"[{"title": "<i>In vivo</i> CO<sub>2</sub> capture with <span class=\"nocase\">pH</span>-<b>aware</b> <sc>Nets</sc>",
      "issued": {"raw": "2024"},
      "container-title": "<i>Nature</i> Methods",
      "author": [{"given": "<b>Ana</b>", "family": "Lo<sup>2</sup>"}, {"literal": "<sc>The Team</sc>"}]}]"#;
    let parsed = parse(input).unwrap();
    let p = &parsed.papers[0];
    assert_eq!(p.title, "In vivo CO₂ capture with pH-aware Nets");
    assert_eq!(p.authors, ["Ana Lo²", "{The Team}"]);
    assert_eq!(p.extra["venue"], "Nature Methods");
}

/// Issue 14, defect 8, in the abstract (the record's Markdown body): emphasis becomes Markdown
/// emphasis, super- and subscripts Unicode, and the text stays as written.
#[test]
fn rich_text_in_the_abstract_becomes_markdown() {
    let input = "[{\"title\": \"T\", \"issued\": {\"raw\": \"2024\"}, \"abstract\": \
                 \"We grow <i>E. coli</i> in CO<sub>2</sub> with <b>no</b> *stars* and \
                 <jats:italic>x</jats:italic><sup>2</sup> \u{E000}forged\u{E001}.\"}]";
    let parsed = parse(input).unwrap();
    let p = &parsed.papers[0];
    assert_eq!(
        p.abstract_text,
        "We grow E. coli in CO₂ with no *stars* and x² forged."
    );
    assert_eq!(
        p.body_markdown.as_deref(),
        Some(r"We grow *E. coli* in CO₂ with **no** \*stars\* and *x*² forged.")
    );
}
