use super::*;
use crate::record::mutations;
use jiff::civil::date;

const QUERY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/import/arxiv-query.atom"
));
const ERROR: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/import/arxiv-error.atom"
));

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn query_fixture_exact_fields() {
    let parsed = parse(QUERY).unwrap();
    assert_eq!(parsed.problems, vec![]);
    assert_eq!(parsed.papers.len(), 3);
    let first = &parsed.papers[0];
    assert_eq!(
        first,
        &ImportedPaper {
            title: "Diffusion Models & Scaling: A <Fresh> Look".into(),
            date: date(2025, 2, 6),
            published: None,
            authors: vec!["Ada Lovelace".into(), "Alan Turing".into()],
            author_count: Some(2),
            upvotes: None,
            arxiv: Some("2502.04522".into()),
            doi: Some("10.1000/xyz123".into()),
            tags: vec!["cs.LG".into(), "cs.CV".into(), "stat.ML".into()],
            links: map(&[
                ("pdf", "http://arxiv.org/pdf/2502.04522v2"),
                ("url", "http://arxiv.org/abs/2502.04522v2"),
            ]),
            abstract_text: "We study how diffusion models scale with compute. Our results show café — style gains.\n\nA second paragraph follows here.".into(),
            extra: map(&[
                ("affiliations", "Analytical Engine Lab"),
                ("arxiv_version", "2"),
                ("comment", "12 pages, 5 figures"),
                ("journal_ref", "J. Mach. Learn. Res. 26 (2025) 1-12"),
                ("primary_category", "cs.LG"),
                ("updated", "2025-02-08"),
            ]),
            ..Default::default()
        }
    );
    let old = &parsed.papers[1];
    assert_eq!(old.arxiv.as_deref(), Some("hep-th/9901001"));
    assert_eq!(
        old.extra.get("arxiv_version").map(String::as_str),
        Some("1")
    );
    assert_eq!(old.date, date(1999, 1, 1));
    assert_eq!(old.title, "String Dualities Revisited");
    assert_eq!(old.authors, vec!["Edward Witten".to_string()]);
    assert_eq!(old.tags, vec!["hep-th".to_string()]);
    assert_eq!(old.doi, None);
    assert_eq!(old.links["pdf"], "http://arxiv.org/pdf/hep-th/9901001v1");
    assert!(!old.extra.contains_key("updated"));
    let broken = &parsed.papers[2];
    assert_eq!(broken.title, "A Title Broken Over Several Lines");
    assert_eq!(
        broken.authors,
        vec!["Grace Hopper".to_string(), "Katherine Johnson".to_string()]
    );
    assert_eq!(broken.tags, vec!["cs.CL".to_string(), "cs.AI".to_string()]);
    assert_eq!(broken.arxiv.as_deref(), Some("2401.00001"));
    assert_eq!(broken.date, date(2024, 1, 1));
    assert_eq!(broken.abstract_text, "Short abstract.");
    assert_eq!(
        broken.extra.get("primary_category").map(String::as_str),
        Some("cs.CL")
    );
}

#[test]
fn api_error_feed_is_err_with_message() {
    let err = parse(ERROR).unwrap_err();
    assert!(err.contains("incorrect id format for 1234.12345"), "{err}");
}

#[test]
fn dtd_and_entities_refused() {
    let evil = QUERY.replacen(
        "<feed",
        "<!DOCTYPE feed [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<feed",
        1,
    );
    let err = parse(&evil).unwrap_err();
    assert!(err.contains("entities are not allowed"), "{err}");
    let err = parse("<!ENTITY a \"b\"><feed/>").unwrap_err();
    assert!(err.contains("entities are not allowed"), "{err}");
}

#[test]
fn oversized_input_refused() {
    let big = " ".repeat(crate::import::MAX_INPUT_BYTES + 1);
    let err = parse(&big).unwrap_err();
    assert!(err.contains("limit"), "{err}");
}

#[test]
fn not_a_feed() {
    assert!(parse("").is_err());
    assert!(parse("<html><body/></html>").is_err());
    assert!(parse("just text").is_err());
}

#[test]
fn bad_entries_become_problems_others_survive() {
    // Entry 1 loses its title, entry 2 gets a bad date, entry 3 stays intact.
    let input = QUERY
        .replacen(
            "<title>Diffusion Models &amp; Scaling: A &lt;Fresh&gt; Look</title>",
            "",
            1,
        )
        .replacen(
            "<published>1999-01-01T12:00:00Z</published>",
            "<published>1999-13-45T12:00:00Z</published>",
            1,
        );
    let parsed = parse(&input).unwrap();
    assert_eq!(parsed.papers.len(), 1);
    assert_eq!(parsed.papers[0].arxiv.as_deref(), Some("2401.00001"));
    assert_eq!(parsed.problems.len(), 2);
    assert_eq!(
        (parsed.problems[0].line, parsed.problems[0].column),
        (10, 3)
    );
    assert!(
        parsed.problems[0].message.contains("no <title>"),
        "{:?}",
        parsed.problems[0]
    );
    assert!(parsed.problems[0].message.contains("2502.04522v2"));
    assert_eq!(
        (parsed.problems[1].line, parsed.problems[1].column),
        (40, 3)
    );
    assert!(
        parsed.problems[1]
            .message
            .contains("`1999-13-45T12:00:00Z`"),
        "{:?}",
        parsed.problems[1]
    );
}

#[test]
fn malformed_entry_skipped_and_parsing_resumes() {
    let input = QUERY.replacen("<name>Edward Witten</name>", "<name>Edward Witten</nam>", 1);
    let parsed = parse(&input).unwrap();
    let ids: Vec<_> = parsed
        .papers
        .iter()
        .map(|p| p.arxiv.clone().unwrap())
        .collect();
    assert_eq!(ids, vec!["2502.04522", "2401.00001"]);
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!(parsed.problems[0].line, 40);
    assert!(
        parsed.problems[0]
            .message
            .contains("malformed XML at line 47"),
        "{:?}",
        parsed.problems[0]
    );

    let unknown = QUERY.replacen("Short abstract.", "Short&nbsp;abstract.", 1);
    let parsed = parse(&unknown).unwrap();
    assert_eq!(parsed.papers.len(), 2);
    assert!(
        parsed.problems[0].message.contains("&nbsp;"),
        "{:?}",
        parsed.problems
    );

    let truncated = &QUERY[..QUERY.find("<title>A Title").unwrap()];
    let parsed = parse(truncated).unwrap();
    assert_eq!(parsed.papers.len(), 2);
    assert_eq!(parsed.problems.len(), 1);
    assert!(
        parsed.problems[0].message.contains("ends before"),
        "{:?}",
        parsed.problems
    );
}

proptest::proptest! {
    #![proptest_config(mutations::config(3000))]
    #[test]
    fn mutations_never_panic(edits in mutations::edits(8)) {
        let mutated = mutations::apply(QUERY, &edits, mutations::LISTING_PIECES);
        if let Ok(parsed) = parse(&mutated) {
            for p in &parsed.problems {
                assert!(p.line >= 1 && p.column >= 1, "{p:?}");
            }
        }
    }
}
