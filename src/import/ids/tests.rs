//! Table tests of the identifier readers: the union of the cases the BibTeX/Atom reader
//! (`split_arxiv_id`, `normalize_doi`) and the JSON reader (`arxiv_id`, `doi_of`) were tested
//! on before they became one, plus the edges of arXiv's identifier scheme.

use super::*;

/// What a reader gives: the id and its version, or None.
type Read = Option<(&'static str, Option<&'static str>)>;

/// (input, what is read).
const ARXIV: &[(&str, Read)] = &[
    // Both former readers' cases.
    ("2502.04522v2", Some(("2502.04522", Some("2")))),
    ("2502.04522v3", Some(("2502.04522", Some("3")))),
    ("arXiv:2502.04522", Some(("2502.04522", None))),
    ("arXiv:2301.00001", Some(("2301.00001", None))),
    (
        "http://arxiv.org/abs/hep-th/9901001v1",
        Some(("hep-th/9901001", Some("1"))),
    ),
    (
        "https://arxiv.org/pdf/2502.04522v3.pdf",
        Some(("2502.04522", Some("3"))),
    ),
    (
        "https://arxiv.org/pdf/2502.04522v1.pdf",
        Some(("2502.04522", Some("1"))),
    ),
    ("hep-th/9901001v2", Some(("hep-th/9901001", Some("2")))),
    ("math.AG/0601001", Some(("math.AG/0601001", None))),
    ("https://example.org/abs/2502.04522", None),
    ("hello", None),
    ("v2", None),
    ("vision-language", None),
    // Where they disagreed: a month 13 (BibTeX/Atom took it), a capitalised archive (the JSON
    // reader took it), a host in capitals (only the JSON reader took it).
    ("2513.04522", None),
    ("2500.04522", None),
    ("Hep-th/9901001", None),
    ("HEP-TH/9901001", None),
    (
        "https://ARXIV.ORG/ABS/2502.04522v2",
        Some(("2502.04522", Some("2"))),
    ),
    ("ARXIV:2502.04522", Some(("2502.04522", None))),
    // The scheme's edges: four digits up to 1412, five from 1501, nothing before 0704.
    ("0704.0001", Some(("0704.0001", None))),
    ("1412.9999", Some(("1412.9999", None))),
    ("1501.00001", Some(("1501.00001", None))),
    ("1501.0001", None),
    ("1412.00001", None),
    ("2502.0452", None),
    ("0703.0001", None),
    ("2502.045221", None),
    ("2502.04522v", None),
    ("2502.04522v0", None),
    ("2502.04522v12", Some(("2502.04522", Some("12")))),
    // Old style: August 1991 to March 2007, lower-case archive with one dash at most, a
    // subject class of letters and dashes.
    ("cond-mat/0703001", Some(("cond-mat/0703001", None))),
    ("hep-th/9108001", Some(("hep-th/9108001", None))),
    (
        "physics.acc-ph/0101001v3",
        Some(("physics.acc-ph/0101001", Some("3"))),
    ),
    ("hep-th/9107001", None),
    ("math/0704001", None),
    ("math/0113001", None),
    ("math/060100", None),
    ("-th/9901001", None),
    ("hep-/9901001", None),
    ("a-b-c/9901001", None),
    ("math./0601001", None),
    ("math.A1/0601001", None),
    // Around the id: spaces, the `arXiv:` prefix with a space, URL query and fragment.
    ("  2502.04522  ", Some(("2502.04522", None))),
    ("arXiv: 2502.04522", Some(("2502.04522", None))),
    (
        "https://arxiv.org/abs/2502.04522v2?context=cs#x",
        Some(("2502.04522", Some("2"))),
    ),
    (
        "https://arxiv.org/abs/2502.04522/",
        Some(("2502.04522", None)),
    ),
    ("https://arxiv.org/html/2502.04522", None),
    ("", None),
];

#[test]
fn arxiv_identifiers() {
    for &(input, expected) in ARXIV {
        let want = expected.map(|(id, v)| (id.to_string(), v.map(str::to_string)));
        assert_eq!(arxiv_with_version(input), want, "{input:?}");
        assert_eq!(arxiv(input), want.map(|(id, _)| id), "{input:?}");
    }
}

#[test]
fn arxiv_ids_inside_dois() {
    let cases = [
        ("10.48550/arXiv.2502.04522", Some("2502.04522")),
        ("10.48550/ARXIV.2502.04522", Some("2502.04522")),
        ("10.48550/arXiv.2513.04522", None),
        ("10.1000/xyz", None),
    ];
    for (doi, expected) in cases {
        assert_eq!(arxiv_from_doi(doi).as_deref(), expected, "{doi:?}");
    }
}

#[test]
fn dois() {
    let cases = [
        // Both former readers' cases.
        ("https://doi.org/10.1000/xyz", Some("10.1000/xyz")),
        (" https://doi.org/10.1000/XYZ ", Some("10.1000/XYZ")),
        (
            "http://dx.doi.org/10.1103/PhysRevD.1.1",
            Some("10.1103/PhysRevD.1.1"),
        ),
        ("doi:10.1/a", Some("10.1/a")),
        ("not a doi", None),
        // Prefixes in any case and a space after `doi:` (only one reader allowed the first;
        // both the second).
        ("HTTPS://DOI.ORG/10.1000/xyz", Some("10.1000/xyz")),
        ("DOI: 10.1000/xyz", Some("10.1000/xyz")),
        ("doi.org/10.1000/xyz", Some("10.1000/xyz")),
        ("10.1000/xyz", Some("10.1000/xyz")),
        ("10.1000", None),
        ("10.1000/a b", None),
        ("11.1000/xyz", None),
        ("https://example.org/10.1000/xyz", None),
        ("", None),
    ];
    for (input, expected) in cases {
        assert_eq!(doi(input).as_deref(), expected, "{input:?}");
    }
}

/// The arXiv id each importer reads from a listing that gives `written` where its format
/// puts the id (BibTeX `eprint`, an Atom `<id>` URL, a CSL-JSON `URL`, Semantic Scholar's
/// `externalIds.ArXiv`, Hugging Face's `paper.id`), in that order.
fn read_by_every_format(written: &str) -> Vec<Option<String>> {
    use crate::import::{arxiv_atom, bibtex, csl_json, hf_json, s2_json};
    let day = Some(jiff::civil::date(2025, 1, 2));
    let bib = format!(
        "@misc{{k,\n  title = {{T}},\n  author = {{A, B}},\n  year = {{2025}},\n  \
         eprint = {{{written}}},\n  archivePrefix = {{arXiv}}\n}}\n"
    );
    let atom = format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>http://arxiv.org/abs/{written}</id>\
         <published>2025-01-02T00:00:00Z</published><title>T</title><summary>S</summary>\
         <author><name>A B</name></author></entry></feed>"
    );
    let csl = format!(
        r#"[{{"type":"article","title":"T","URL":"https://arxiv.org/abs/{written}","issued":{{"date-parts":[[2025,1,2]]}}}}]"#
    );
    let s2 = format!(
        r#"[{{"paperId":"p","title":"T","externalIds":{{"ArXiv":"{written}"}},"publicationDate":"2025-01-02"}}]"#
    );
    let hf = format!(
        r#"[{{"paper":{{"id":"{written}","title":"T","summary":"S","publishedAt":"2025-01-02T00:00:00Z"}},"publishedAt":"2025-01-02T00:00:00Z","title":"T"}}]"#
    );
    let only = |parsed: Result<crate::import::Parsed, String>| {
        let parsed = parsed.unwrap_or_else(|e| panic!("{written}: {e}"));
        assert_eq!(parsed.papers.len(), 1, "{written}: {:?}", parsed.problems);
        parsed.papers[0].arxiv.clone()
    };
    vec![
        only(bibtex::parse(&bib, day)),
        only(arxiv_atom::parse(&atom)),
        only(csl_json::parse(&csl)),
        only(s2_json::parse(&s2, day)),
        only(hf_json::parse(&hf)),
    ]
}

/// Regression: `2513.04522` (month 13) was an arXiv id from BibTeX and Atom but not from the
/// JSON formats, and `Hep-th/9901001` the other way round; every format now reads the same.
#[test]
fn every_format_reads_the_same_arxiv_id() {
    let cases = [
        ("2502.04522v2", Some("2502.04522")),
        ("hep-th/9901001", Some("hep-th/9901001")),
        ("math.AG/0601001v1", Some("math.AG/0601001")),
        ("2513.04522", None),
        ("Hep-th/9901001", None),
        ("2502.0452", None),
    ];
    for (written, expected) in cases {
        let expected = vec![expected.map(str::to_string); 5];
        assert_eq!(read_by_every_format(written), expected, "{written}");
    }
}
