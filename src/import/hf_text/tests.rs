//! Tests for the Daily Papers text parser, mostly against a real copy of the page.

use super::{ImportError, parse};
use jiff::civil::date;

const SAMPLE: &str = include_str!("../../../tests/fixtures/hf-daily-papers.txt");

fn find<'a>(papers: &'a [super::ImportedPaper], prefix: &str) -> &'a super::ImportedPaper {
    papers
        .iter()
        .find(|p| p.title.starts_with(prefix))
        .unwrap_or_else(|| panic!("no paper {prefix:?}"))
}

#[test]
fn sample_has_fifty_papers_with_first_and_last_right() {
    let papers = parse(SAMPLE, 2025).unwrap();
    assert_eq!(papers.len(), 50);

    let first = &papers[0];
    assert_eq!(
        first.title,
        "ImprovNet -- Generating Controllable Musical Improvisations with Iterative Corruption Refinement"
    );
    assert_eq!(first.date, date(2025, 2, 6));
    assert_eq!(first.author_count, Some(7));
    assert_eq!(first.upvotes, None);
    assert_eq!(
        first.links["code"],
        "https://github.com/keshavbhandari/improvnet"
    );
    assert!(
        first.abstract_text.contains("79% of participants"),
        "{}",
        first.abstract_text
    );

    let last = papers.last().unwrap();
    assert_eq!(
        last.title,
        "In-Context Learning Strategies Emerge Rationally"
    );
    assert_eq!(last.date, date(2025, 6, 21));
    assert_eq!((last.upvotes, last.author_count), (Some(1), Some(6)));
}

#[test]
fn sample_dates_years_upvotes_and_links() {
    let papers = parse(SAMPLE, 2025).unwrap();
    let reprog = find(
        &papers,
        "Reprogramming Pretrained Language Models for Antibody Sequence Infilling",
    );
    assert_eq!(reprog.date, date(2022, 10, 5));
    assert_eq!(reprog.links["code"], "https://github.com/IBM/ReprogBERT");

    let long = find(&papers, "Is It Really Long Context");
    assert_eq!((long.date, long.upvotes), (date(2024, 6, 29), Some(1)));
    let cloze = find(&papers, "VisualCloze");
    assert_eq!((cloze.date, cloze.upvotes), (date(2025, 4, 10), Some(3)));

    // A github.io page is a project page, not code; `.` and `.)` are not part of URLs.
    let rohm = find(&papers, "RoHM");
    assert_eq!(
        rohm.links.get("project").map(String::as_str),
        Some("https://sanweiliti.github.io/ROHM/ROHM.html")
    );
    assert!(!rohm.links.contains_key("code"));
    let fusion = papers
        .iter()
        .find(|p| p.abstract_text.contains("Dynamic-Logit-Fusion"))
        .unwrap();
    assert_eq!(
        fusion.links["code"],
        "https://github.com/Facico/Dynamic-Logit-Fusion"
    );
}

#[test]
fn sample_skips_chrome_and_cleans_latex() {
    let papers = parse(SAMPLE, 2025).unwrap();
    for p in &papers {
        let lower = p.title.to_lowercase();
        for chrome in [
            "new",
            "subscribe",
            "daily papers",
            "byak and the research community",
            "nov 24",
        ] {
            assert_ne!(lower, chrome);
        }
        assert!(!p.title.contains("Get trending papers"), "{}", p.title);
        assert!(!p.abstract_text.contains("\\%"), "{}", p.title);
    }
    let jiuzhang = papers
        .iter()
        .find(|p| p.abstract_text.contains("JiuZhang"))
        .unwrap();
    assert!(jiuzhang.abstract_text.contains("language models (PLMs)"));
    assert!(jiuzhang.abstract_text.contains("JiuZhang 2.0"));
    assert!(jiuzhang.abstract_text.contains("(e.g. a model copy"));
    let approx = papers
        .iter()
        .find(|p| p.abstract_text.contains("baseline by ~3%"))
        .unwrap();
    assert!(approx.abstract_text.contains("by ~18%"));
}

#[test]
fn windows_line_endings_give_the_same_result() {
    let crlf = SAMPLE.replace('\n', "\r\n");
    assert_eq!(parse(&crlf, 2025).unwrap(), parse(SAMPLE, 2025).unwrap());
}

#[test]
fn impossible_date_is_an_error_naming_line_and_column() {
    let input = "Daily Papers\n\nA title\n\nAbstract.\n\n  • 2 authors\n  Feb 30, 2024\n";
    let err = parse(input, 2025).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::InvalidDate {
                line: 8,
                column: 7,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with("line 8, column 7: `Feb 30, 2024` is not a real date"),
        "{message}"
    );
    // A year-less date is checked against the default year.
    assert!(parse("T\nFeb 29\n", 2024).is_ok());
    assert!(matches!(
        parse("T\nFeb 29\n", 2025),
        Err(ImportError::InvalidDate {
            line: 2,
            column: 5,
            ..
        })
    ));
}

#[test]
fn structural_problems_are_reported() {
    let missing = parse("Title A\nabstract\n• 1 author\nTitle B\nMar 3\n", 2025).unwrap_err();
    assert!(
        matches!(missing, ImportError::MissingDate { line: 3, column: 1, ref title } if title == "Title A")
    );
    let orphan = parse("Nov 24\n  • 3 authors\nJan 1\n", 2025).unwrap_err();
    assert!(matches!(
        orphan,
        ImportError::AuthorsWithoutTitle {
            line: 2,
            column: 3,
            ..
        }
    ));
    // Abstract paragraphs, full month names, and a paper without an authors line.
    let papers = parse("T\nP one.\nP  two.\nSeptember 9, 2021 12\n", 2025).unwrap();
    assert_eq!(papers[0].abstract_text, "P one.\n\nP two.");
    assert_eq!(
        (papers[0].date, papers[0].upvotes, papers[0].author_count),
        (date(2021, 9, 9), Some(12), None)
    );
}

/// Other copies of the page: other headers, a paper without its authors line, a one-word
/// title, an upvote count on the date line, dates with and without a year, `\r\n`.
#[test]
fn other_copies_of_the_page() {
    let abstract_ = "We present a method that is described in one long paragraph, as every abstract on the page is, well past a hundred characters.";
    let listing = format!(
        "Hugging Face\r\nModels\r\nPapers\r\n\r\nTrending\r\nFeb 7\r\n\r\nMamba\r\n\r\n{abstract_}\r\n\r\n  • 3 authors\r\nFeb 6, 2024 12\r\n\r\nNo Authors Line Here\r\n\r\n{abstract_}\r\nMar 1 4\r\n"
    );
    let (papers, errors) = super::parse_entries(&listing, 2025);
    assert!(errors.is_empty(), "{errors:?}");
    let titles: Vec<&str> = papers.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Mamba", "No Authors Line Here"]);
    assert_eq!(papers[0].date.to_string(), "2024-02-06");
    assert_eq!(
        (papers[0].upvotes, papers[0].author_count),
        (Some(12), Some(3))
    );
    assert_eq!(papers[1].date.to_string(), "2025-03-01");
    assert_eq!((papers[1].upvotes, papers[1].author_count), (Some(4), None));
}

#[test]
fn dates_without_a_year_are_flagged_and_dates_with_one_are_not() {
    use crate::import::YearOrigin;
    let papers = parse(SAMPLE, 2025).unwrap();
    let flagged = papers
        .iter()
        .filter(|p| p.year_not_in_listing == Some(YearOrigin::Assumed))
        .count();
    assert_eq!(flagged, 11, "the sample's dates written like `Feb 6`");
    assert!(
        papers.iter().all(|p| p.year_not_in_listing.is_none()
            || p.year_not_in_listing == Some(YearOrigin::Assumed))
    );
    let first = &papers[0];
    assert_eq!(first.year_not_in_listing, Some(YearOrigin::Assumed));
    let reprog = find(&papers, "Reprogramming Pretrained Language Models");
    assert_eq!(
        reprog.year_not_in_listing, None,
        "`Oct 5, 2022` names its year"
    );
}
