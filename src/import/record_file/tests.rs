//! Tests for record rendering, Markdown escaping and file stems.

use super::*;
use std::collections::BTreeMap;

fn paper(title: &str, abstract_text: &str) -> ImportedPaper {
    ImportedPaper {
        title: title.to_string(),
        date: jiff::civil::date(2025, 2, 6),
        authors: Vec::new(),
        author_count: Some(7),
        upvotes: None,
        arxiv: None,
        links: BTreeMap::from([("code".to_string(), "https://github.com/a/b".to_string())]),
        abstract_text: abstract_text.to_string(),
        published: None,
        doi: None,
        tags: Vec::new(),
        extra: BTreeMap::new(),
        ..Default::default()
    }
}

#[test]
fn full_records_parse_back_as_valid_records() {
    let mut p = paper("A \"quoted\" title", "Abstract.");
    p.published = Some(jiff::civil::date(2025, 2, 3));
    p.doi = Some("10.1000/xyz".into());
    p.tags = vec!["cs.LG".into(), "in-context learning".into()];
    p.arxiv = Some("2502.04522".into());
    p.extra = BTreeMap::from([
        ("journal_ref".into(), "ICML 2025".into()),
        ("odd key".into(), "v".into()),
    ]);
    let text = render_record(&p);
    let parsed = crate::record::parse(&text, "content/x.md", "x")
        .unwrap_or_else(|e| panic!("{text}\n{e:?}"));
    assert_eq!(parsed.title, "A \"quoted\" title");
    assert_eq!(
        parsed.published.map(|d| d.to_string()),
        Some("2025-02-03".into())
    );
    assert_eq!(parsed.doi.as_deref(), Some("10.1000/xyz"));
    assert_eq!(parsed.tags, ["cs.LG", "in-context learning"]);
    assert_eq!(parsed.extra["journal_ref"].as_str(), Some("ICML 2025"));
    assert_eq!(parsed.extra["odd key"].as_str(), Some("v"));
}

/// Splits a record into (front matter table, body) on its `+++` lines.
fn split(record: &str) -> (toml::Table, &str) {
    let rest = record.strip_prefix("+++\n").expect("starts with +++");
    let end = rest.find("\n+++\n").expect("closing +++");
    (
        toml::from_str(&rest[..=end]).expect("front matter is TOML"),
        &rest[end + 5..],
    )
}

#[test]
fn front_matter_is_ordered_toml_with_bare_date_and_inline_links() {
    let record = render_record(&paper("ImprovNet", "Abstract."));
    assert_eq!(
        record,
        "+++\ntitle = \"ImprovNet\"\ndate = 2025-02-06\nauthor_count = 7\n\
         links = { code = \"https://github.com/a/b\" }\n+++\n\nAbstract.\n"
    );
    let (table, body) = split(&record);
    assert!(matches!(table["date"], Value::Datetime(_)));
    assert_eq!(body, "\nAbstract.\n");
}

#[test]
fn awkward_titles_round_trip_through_toml() {
    for title in [
        r#"Say "hi" \ back"#,
        r#"C:\new\""#,
        "+++",
        "it's 'quoted' '''",
        "tab\there",
    ] {
        let record = render_record(&paper(title, ""));
        assert!(record.ends_with("+++\n"), "{record}");
        let (table, _) = split(&record);
        assert_eq!(
            table["title"].as_str(),
            Some(title.replace('\t', " ").as_str()),
            "{record}"
        );
    }
    // A newline would otherwise let a `+++` line end the front matter early.
    let record = render_record(&paper("a\n+++\nb", ""));
    assert_eq!(
        record.lines().filter(|l| *l == "+++").count(),
        2,
        "{record}"
    );
    assert_eq!(split(&record).0["title"].as_str(), Some("a +++ b"));
}

#[test]
fn body_escapes_markdown_but_not_math_or_urls() {
    assert_eq!(
        markdown_body(r"a*b*_c_ <x> [y](z)"),
        r"a\*b\*\_c\_ \<x\> \[y\](z)"
    );
    assert_eq!(
        markdown_body("`x` ~y~ a|b \\ &amp; R&D $x^2$"),
        r"\`x\` \~y\~ a\|b \\ \&amp; R&D $x^2$"
    );
    assert_eq!(markdown_body("costs $5 and $6"), r"costs \$5 and \$6");
    assert_eq!(
        markdown_body("# h\n\n- l\n\n+ l\n\n12. n\n\n3) n"),
        "\\# h\n\n\\- l\n\n\\+ l\n\n12\\. n\n\n3\\) n"
    );
    assert_eq!(markdown_body("a - b 1. c\n  # d"), "a - b 1. c # d");
    assert_eq!(
        markdown_body("Code at https://github.com/a_b/c*d. See (https://x.org/~u)."),
        "Code at <https://github.com/a_b/c*d>. See (<https://x.org/~u>)."
    );
    assert_eq!(
        markdown_body("https://x.org starts"),
        "<https://x.org> starts"
    );
}

#[test]
fn file_stems_are_short_ascii_slugs() {
    assert_eq!(
        file_stem("RoHM: Robust Human Motion Reconstruction"),
        "rohm-robust-human-motion-reconstruction"
    );
    assert_eq!(
        file_stem("Déjà vu — Größe & Co / Co's"),
        "deja-vu-grosse-co-cos"
    );
    let long = file_stem(
        "Retrieval Augmented Generation (RAG) and Beyond: A Comprehensive Survey on How to Make your LLMs use External Data More Wisely",
    );
    assert_eq!(long, "retrieval-augmented-generation-rag-and-beyond-a");
    assert_eq!(file_stem("—!?"), "paper");
    assert_eq!(file_stem(&"x".repeat(100)).len(), MAX_STEM_LEN);
}

/// Regression (issue 14, defect 7): a formula's backslashes were escaped like prose, so
/// `$L\log L$` reached the math as `L\\log L`.
#[test]
fn formulas_are_written_exactly_as_they_are() {
    for (text, body) in [
        (r"In $L\log L$ time.", r"In $L\log L$ time."),
        (
            r"Bound $\tilde{O}(m+n^{1.5})$ for *all* $n_1$.",
            r"Bound $\tilde{O}(m+n^{1.5})$ for \*all\* $n_1$.",
        ),
        (r"$$\sum_i x_i$$ at start", r"$$\sum_i x_i$$ at start"),
        (r"$a$ then \b and $ c$", r"$a$ then \\b and \$ c\$"),
    ] {
        assert_eq!(markdown_body(text), body, "{text}");
    }
    // An arrangement the Markdown parser reads differently: every `$` escaped, nothing lost.
    assert_eq!(markdown_body(r"`$x` and $y$"), r"\`\$x\` and $y$");
    let written = markdown_body(r"odd $}$ and $y$");
    assert_eq!(written, r"odd \$}\$ and \$y\$");
    assert!(formulas_of(&written).is_empty());
}

const FORMULA_PIECES: &[&str] = &[
    "$", "$$", "\\", "\\log", "{", "}", "`", "a", " ", "_", "^", "*", "x", "1", "\\$",
];

proptest::proptest! {
    #![proptest_config(crate::record::mutations::config(3000))]
    #[test]
    fn random_text_keeps_its_formulas_and_nothing_else_becomes_one(
        text in crate::record::mutations::texts_of(FORMULA_PIECES, 12)
    ) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let written = markdown_body(&text);
        let spans = formula_spans(&text);
        let found = formulas_of(&written);
        if !found.is_empty() {
            let expected: Vec<&str> = spans
                .iter()
                .map(|s| text[s.clone()].trim_matches('$'))
                .collect();
            assert_eq!(found, expected, "{text:?} → {written:?}");
        }
    }
}

/// A tldr is written after the links, on one line, cleaned, and reads back as the record's
/// tldr.
#[test]
fn a_tldr_is_written_on_one_line_and_reads_back() {
    let mut p = paper("T", "Abstract.");
    p.tldr = Some("Line one,\nline \"two\"\u{c}end.".into());
    let text = render_record(&p);
    assert!(
        text.contains(
            "links = { code = \"https://github.com/a/b\" }\ntldr = 'Line one, line \"two\" end.'\n"
        ),
        "{text}"
    );
    let record = crate::record::parse(&text, "c/t.md", "t").unwrap();
    assert_eq!(record.tldr.as_deref(), Some("Line one, line \"two\" end."));
}
