use super::*;
use crate::import::ImportedPaper;
use crate::record::mutations;
use jiff::civil::date;
use std::collections::BTreeMap;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/import/",
            $name
        ))
    };
}
const ARXIV: &str = fixture!("arxiv.bib");
const ZOTERO: &str = fixture!("zotero.bib");
const SCHOLAR: &str = fixture!("scholar.bib");
const BROKEN: &str = fixture!("broken.bib");

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn arxiv_exports() {
    let parsed = parse(ARXIV, None).unwrap();
    assert_eq!(parsed.problems, vec![]);
    assert_eq!(
        parsed.papers,
        vec![
            ImportedPaper {
                title: "Diffusion Models Scale: A BERT-Style Study of $\\alpha$-Divergences".into(),
                date: date(2025, 1, 1),
                published: None,
                authors: strings(&["Ada Lovelace", "Alan Turing"]),
                author_count: Some(2),
                upvotes: None,
                arxiv: Some("2502.04522".into()),
                doi: None,
                tags: vec![],
                links: map(&[("url", "https://arxiv.org/abs/2502.04522")]),
                abstract_text: String::new(),
                extra: map(&[
                    ("bibtex_key", "lovelace2025diffusion"),
                    ("bibtex_type", "misc"),
                    ("primary_category", "cs.LG"),
                ]),
                ..Default::default()
            },
            ImportedPaper {
                title: "String Dualities Revisited".into(),
                date: date(1999, 1, 1),
                published: None,
                authors: strings(&["Edward Witten"]),
                author_count: Some(1),
                upvotes: None,
                arxiv: Some("hep-th/9901001".into()),
                doi: None,
                tags: vec![],
                links: map(&[("url", "https://arxiv.org/abs/hep-th/9901001v2")]),
                abstract_text: String::new(),
                extra: map(&[
                    ("arxiv_version", "2"),
                    ("bibtex_key", "witten1999strings"),
                    ("bibtex_type", "misc"),
                    ("primary_category", "hep-th"),
                ]),
                ..Default::default()
            },
        ]
    );
}

#[test]
fn zotero_article() {
    let parsed = parse(ZOTERO, None).unwrap();
    assert_eq!(parsed.problems, vec![]);
    assert_eq!(
        parsed.papers,
        vec![ImportedPaper {
            title: "Über die Schrödinger-Gleichung in BERT-Modellen".into(),
            date: date(2024, 6, 29),
            published: None,
            authors: strings(&[
                "Jörg Müller",
                "María García",
                "François Straße",
                "José Peña",
                "Olô Bjørn"
            ]),
            author_count: Some(5),
            upvotes: None,
            arxiv: None,
            doi: Some("10.5555/jmlr.2024.0042".into()),
            tags: strings(&["physics", "machine learning", "Transformers"]),
            links: map(&[(
                "pdf",
                "https://www.jmlr.org/papers/volume25/muller24a/muller24a.pdf"
            )]),
            abstract_text: "We revisit the equation for BERT.\n\nSecond paragraph with 50% more emphasis – and a tilde space.".into(),
            body_markdown: Some(
                "We revisit the equation for BERT.\n\nSecond paragraph with 50% more *emphasis* – and a tilde space."
                    .into()
            ),
            extra: map(&[
                ("bibtex_key", "muller_uber_2024"),
                ("bibtex_type", "article"),
                ("issn", "1532-4435"),
                ("pages", "1–42"),
                ("venue", "Journal of Machine Learning Research (Special Issue)"),
                ("volume", "25"),
            ]),
            ..Default::default()
        }]
    );
}

#[test]
fn google_scholar() {
    let parsed = parse(SCHOLAR, None).unwrap();
    assert_eq!(parsed.problems, vec![]);
    assert_eq!(parsed.papers.len(), 2);
    let a = &parsed.papers[0];
    assert_eq!(a.title, "Attention is all you need");
    assert_eq!(
        a.authors,
        strings(&["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"])
    );
    assert_eq!(a.author_count, None, "`and others`: full count unknown");
    assert_eq!(a.date, date(2017, 12, 1));
    assert_eq!(
        a.extra["venue"],
        "Advances in Neural Information Processing Systems"
    );
    assert_eq!(a.extra["pages"], "5998–6008");
    assert_eq!(a.extra["bibtex_key"], "vaswani2017attention");
    assert_eq!(a.extra["bibtex_type"], "inproceedings");
    assert_eq!(a.arxiv, None);
    let b = &parsed.papers[1];
    assert_eq!(
        b.authors,
        strings(&[
            "Jacob Devlin",
            "Ming-Wei Chang",
            "Kenton Lee",
            "Kristina Toutanova"
        ])
    );
    assert_eq!(b.author_count, Some(4));
    assert_eq!(b.date, date(2018, 1, 1));
    assert_eq!(b.arxiv.as_deref(), Some("1810.04805"));
    assert_eq!(b.extra["venue"], "arXiv preprint arXiv:1810.04805");
}

#[test]
fn broken_entry_is_one_problem_between_good_ones() {
    let parsed = parse(BROKEN, None).unwrap();
    let titles: Vec<_> = parsed.papers.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, vec!["First Good Paper", "Second Good Paper"]);
    assert_eq!(parsed.papers[1].date, date(2022, 6, 1));
    assert_eq!(parsed.papers[1].authors, strings(&["Carol Coder"]));
    assert_eq!(parsed.problems.len(), 1);
    let p = &parsed.problems[0];
    assert_eq!((p.line, p.column), (7, 1));
    assert!(p.message.contains("entry `bad`"), "{p:?}");
    assert!(p.message.contains("unbalanced braces"), "{p:?}");
    assert!(p.message.contains("line 8, column 11"), "{p:?}");
}

#[test]
fn missing_title_and_date() {
    let input = "@misc{a, author={X}, year={2020}}\n@misc{b, title={No date}}\n@misc{c, title={Bad}, date={2020-13-01}}\n";
    let parsed = parse(input, None).unwrap();
    assert_eq!(parsed.papers.len(), 0);
    let where_: Vec<_> = parsed.problems.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(where_, vec![(1, 1), (2, 1), (3, 1)]);
    assert!(parsed.problems[0].message.contains("has no title"));
    assert!(parsed.problems[1].message.contains("has no date"));
    assert!(parsed.problems[2].message.contains("`2020-13-01`"));
    let parsed = parse(input, Some(date(2025, 2, 6))).unwrap();
    assert_eq!(parsed.papers.len(), 1);
    assert_eq!(parsed.papers[0].date, date(2025, 2, 6));
}

#[test]
fn syntax_variants() {
    let input = r#"
Some free text with an e-mail me@example.org between entries.
@STRING(conf = "Proc. " # "ICML")
@InProceedings(k1,
  Title = "A {"}quoted{"} \"Uber title",
  Author = "van der Berg, Jan and Doe, Jr., John",
  BookTitle = conf # " 2023",
  Month = "Sep",
  Year = 2023,
  Eprint = {2301.00001v3},
  DOI = {https://doi.org/10.48550/arXiv.2301.00001},
  URL = {https://example.org/paper\_1}
)
@article{k2, title={T\'{e}st {\`a} \^{o} \~{n} \c{c} \v{s} \H{o} \k{a} \={a} \.{z} \u{g} \r{a} {\aa} {\AE} \l{} \L},
  date={2021-05}, author={A B}}
"#;
    let parsed = parse(input, None).unwrap();
    assert_eq!(parsed.problems, vec![]);
    let a = &parsed.papers[0];
    assert_eq!(a.title, "A \"quoted\" Über title");
    assert_eq!(a.authors, strings(&["van der Berg, Jan", "John Doe Jr."]));
    assert_eq!(a.extra["venue"], "Proc. ICML 2023");
    assert_eq!(a.date, date(2023, 9, 1));
    assert_eq!(a.arxiv.as_deref(), Some("2301.00001"));
    assert_eq!(a.extra["arxiv_version"], "3");
    assert_eq!(a.doi.as_deref(), Some("10.48550/arXiv.2301.00001"));
    assert_eq!(a.links["url"], "https://example.org/paper_1");
    let b = &parsed.papers[1];
    assert_eq!(b.title, "Tést à ô ñ ç š ő ą ā ż ğ å å Æ ł Ł");
    assert_eq!(b.date, date(2021, 5, 1));
}

#[test]
fn urls_a_record_refuses_are_kept_as_data_and_upper_case_schemes_accepted() {
    let input = "@misc{a, title={A}, year={2024}, url={www.example.org/a}}\n\
                 @misc{b, title={B}, year={2024}, url={HTTPS://example.org/b.pdf}}\n\
                 @misc{c, title={C}, year={2024}, url={https:///c}}\n";
    let parsed = parse(input, None).unwrap();
    assert_eq!(parsed.problems, vec![]);
    let [a, b, c] = parsed.papers.as_slice() else {
        panic!("{parsed:?}")
    };
    assert!(a.links.is_empty());
    assert_eq!(a.extra["url"], "www.example.org/a");
    assert_eq!(b.links["pdf"], "https://example.org/b.pdf");
    assert!(c.links.is_empty());
    assert_eq!(c.extra["url"], "https:///c");
}

#[test]
fn latex_decoding() {
    assert_eq!(
        decode_latex(r#"{\"u}\"u{\'e}\'e{\ss}\c{c}\~n\^o{\o}"#),
        "üüééßçñôø"
    );
    assert_eq!(decode_latex("a--b---c~d {BERT}"), "a–b—c d BERT");
    assert_eq!(
        decode_latex(r"\emph{x} \& 5\% $\mathcal{O}(n)$ \foo"),
        r"x & 5% $\mathcal{O}(n)$ "
    );
    assert_eq!(decode_latex(r"``q'' \'{\i}"), "“q” í");
    assert_eq!(decode_latex(r"\'x \ss{}e"), "x\u{301} ße");
}

/// Regression (issue 14, defect 6): Zotero and Better BibTeX escape a literal `\`, `$`,
/// `{`, `}`, `^` and `_` in an abstract; `\^` came out as a combining circumflex and
/// unknown commands stayed in titles.
#[test]
fn escaped_specials_and_unknown_commands() {
    assert_eq!(
        decode_latex(r"\${\textbackslash}tilde\{O\}(m+n\^\{1.5\})\$ and \$F(R\_\{abcd\})\$"),
        r"$\tilde{O}(m+n^{1.5})$ and $F(R_{abcd})$"
    );
    assert_eq!(
        decode_latex(r"n\^{}2 a\~{}b \textbackslash{}x"),
        r"n^2 a~b \x"
    );
    assert_eq!(decode_latex(r"\^o \^{o} \'{\i}"), "ô ô í");
    assert_eq!(
        decode_latex(
            r"Self\hyphen{}Play: \mkbibquote{Hello} in CO\textsubscript{2} at 10\textsuperscript{-3}"
        ),
        "Self-Play: “Hello” in CO₂ at 10⁻³"
    );
    assert_eq!(
        decode_latex(r"see \url{https://x.org/~u\_1/a%20b} now"),
        "see https://x.org/~u_1/a%20b now"
    );
    assert_eq!(
        decode_latex(
            r"\textsuperscript{th} \unknowncmd{kept text} \href{https://x.org}{link} \alpha-\beta"
        ),
        "th kept text link α-β"
    );
    assert_eq!(
        decode_latex(r"in \(O(n\log n)\) and \[\sum_i x_i\] or \(unclosed"),
        r"in $O(n\log n)$ and $$\sum_i x_i$$ or (unclosed"
    );
    // Math written as math is kept exactly, whatever it holds.
    assert_eq!(
        decode_latex(r"$\tilde{O}(m+n^{1.5})$ \& $\mathcal{L}_{\text{x}}$"),
        r"$\tilde{O}(m+n^{1.5})$ & $\mathcal{L}_{\text{x}}$"
    );
    // Braces nested far deeper than any stack could recurse: no recursion, no panic.
    let deep = format!("{}x{}", r"\mkbibquote{".repeat(50_000), "}".repeat(50_000));
    assert_eq!(decode_latex(&deep).chars().filter(|&c| c == 'x').count(), 1);
}

/// Regression (issue 14, defect 10): Semantic Scholar's BibTeX hides the arXiv id in
/// `volume`, and a biblatex `@set` was an error asking to add a title.
#[test]
fn semantic_scholar_arxiv_volume_and_biblatex_set() {
    let input = "@article{Lee2024Scaling,\n  title={Scaling Laws Revisited},\n  author={Min Lee and Ana Ruiz},\n  journal={ArXiv},\n  year={2024},\n  volume={abs/2401.01234},\n  url={https://api.semanticscholar.org/CorpusID:266999999}\n}\n\
                 @set{both, entryset={Lee2024Scaling,other}}\n\
                 @article{journal, title={In a Journal}, journal={Nature}, volume={abs/2401.09999}, year={2023}}\n";
    let parsed = parse(input, None).unwrap();
    assert_eq!(parsed.problems, vec![]);
    let [s2, journal] = parsed.papers.as_slice() else {
        panic!("{parsed:?}")
    };
    assert_eq!(s2.arxiv.as_deref(), Some("2401.01234"));
    assert!(!s2.extra.contains_key("volume"), "{:?}", s2.extra);
    assert_eq!(
        journal.arxiv, None,
        "only an arXiv venue makes the volume an id"
    );
    assert_eq!(journal.extra["volume"], "abs/2401.09999");
    assert_eq!(parsed.notes.len(), 1);
    let note = &parsed.notes[0];
    assert_eq!((note.line, note.column), (9, 1));
    assert!(note.message.contains("entry `both` skipped"), "{note:?}");
    assert!(note.message.contains("@set"), "{note:?}");
}

/// The abstract is the record's Markdown body: its emphasis becomes Markdown emphasis.
#[test]
fn abstract_emphasis_becomes_markdown() {
    let input = r"@article{e, title={\emph{Plain} Title}, year={2024},
  abstract={We \emph{never} lose \textbf{bold} text, nor $\mathbf{x}^2$ \mkbibemph{here}.}}";
    let parsed = parse(input, None).unwrap();
    let p = &parsed.papers[0];
    assert_eq!(p.title, "Plain Title");
    assert_eq!(
        p.abstract_text,
        r"We never lose bold text, nor $\mathbf{x}^2$ here."
    );
    assert_eq!(
        p.body_markdown.as_deref(),
        Some(r"We *never* lose **bold** text, nor $\mathbf{x}^2$ *here*.")
    );
}

#[test]
fn oversized_input_refused() {
    let big = " ".repeat(crate::import::MAX_INPUT_BYTES + 1);
    assert!(parse(&big, None).unwrap_err().contains("limit"));
}

proptest::proptest! {
    #![proptest_config(mutations::config(4000))]
    #[test]
    fn mutations_never_panic(
        fixture in proptest::sample::select(&[ARXIV, ZOTERO, SCHOLAR, BROKEN][..]),
        edits in mutations::edits(8),
    ) {
        let mutated = mutations::apply(fixture, &edits, mutations::LISTING_PIECES);
        if let Ok(parsed) = parse(&mutated, Some(date(2025, 1, 1))) {
            for p in &parsed.problems {
                assert!(p.line >= 1 && p.column >= 1, "{p:?}");
            }
        }
    }
}

/// Regression: behind a byte-order mark, the first line's columns were one too far right in
/// BibTeX and Atom (the JSON importers did not count the mark); editors do not show it.
#[test]
fn a_byte_order_mark_is_not_a_column() {
    let parsed = parse("\u{feff}@misc{k, title = {T}, year = {2025}", None).unwrap();
    assert_eq!(parsed.papers, []);
    let problem = &parsed.problems[0];
    assert_eq!((problem.line, problem.column), (1, 1), "{problem:?}");
}

/// An arxiv.org URL in capitals names the paper as well as one in lower case (the JSON
/// importers read it; BibTeX and Atom did not).
#[test]
fn arxiv_url_in_capitals() {
    let bib = "@misc{k,\n  title = {T},\n  year = {2025},\n  url = {https://ARXIV.ORG/abs/2502.04522v2}\n}\n";
    let parsed = parse(bib, None).unwrap();
    assert_eq!(parsed.papers[0].arxiv.as_deref(), Some("2502.04522"));
    assert_eq!(
        parsed.papers[0]
            .extra
            .get("arxiv_version")
            .map(String::as_str),
        Some("2")
    );
}
