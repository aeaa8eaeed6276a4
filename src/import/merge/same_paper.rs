//! Whether an imported paper whose title matches a record can be the paper the record holds.
//!
//! A title is a weak identifier: two books may both be called "Book A", two arXiv comments
//! "Comment on …". A title match is taken only when nothing the two sides both know says
//! otherwise: arXiv ids, DOIs, author family names and publication years. Pure functions; the
//! plan decides what to do with the answer.

use super::{ExistingRecord, strip_version};
use crate::import::ImportedPaper;

/// Years further apart than this contradict a title match. One year is allowed: a paper
/// published on arXiv in late December is often listed (its `date`) in January.
const YEAR_SLACK: i16 = 1;

/// Why `paper` cannot be the paper held by `record` although their titles match, phrased to
/// follow "same title as FILE, but …"; `None` when nothing contradicts it.
pub(crate) fn contradiction(record: &ExistingRecord, paper: &ImportedPaper) -> Option<String> {
    if let (Some(theirs), Some(ours)) = (&record.arxiv, &paper.arxiv) {
        let ours = strip_version(ours);
        if *theirs != ours {
            return Some(format!("arXiv {theirs} there, {ours} here"));
        }
    }
    if let (Some(theirs), Some(ours)) = (&record.doi, &paper.doi)
        && !theirs.eq_ignore_ascii_case(ours)
    {
        return Some(format!("DOI {theirs} there, {ours} here"));
    }
    if !record.authors.is_empty()
        && !paper.authors.is_empty()
        && !authors_overlap(&record.authors, &paper.authors)
    {
        return Some(format!(
            "authors {} there, {} here",
            short_list(&record.authors),
            short_list(&paper.authors)
        ));
    }
    if let (Some(theirs), Some(ours)) = (record.year, publication_year(paper))
        && (theirs - ours).abs() > YEAR_SLACK
    {
        return Some(format!("year {theirs} there, {ours} here"));
    }
    None
}

/// The year a paper was published, as far as the source knows it: `published`, else `date`
/// unless the listing gave that date without a year (then its year is only a guess).
pub(super) fn publication_year(paper: &ImportedPaper) -> Option<i16> {
    match paper.published {
        Some(published) => Some(published.year()),
        None if paper.year_not_in_listing.is_some() => None,
        None => Some(paper.date.year()),
    }
}

/// Whether two author lists share a person. Names come in many forms ("Jan van der Berg",
/// "van der Berg, Jan", "J. Berg", "Zhang Wei" and "Wei Zhang"), so a person is found when one
/// side's family name is any word of a name on the other side; two lists of different people
/// share no family name.
fn authors_overlap(a: &[String], b: &[String]) -> bool {
    let words = |names: &[String]| -> Vec<String> { names.iter().flat_map(|n| words(n)).collect() };
    let (words_a, words_b) = (words(a), words(b));
    a.iter()
        .filter_map(|n| family_name(n))
        .any(|f| words_b.contains(&f))
        || b.iter()
            .filter_map(|n| family_name(n))
            .any(|f| words_a.contains(&f))
}

/// The family name's last word, folded: before the comma in "Last, First", else the last word.
fn family_name(name: &str) -> Option<String> {
    let family = name.split_once(',').map_or(name, |(last, _)| last);
    words(family).pop()
}

/// A name's words of two or more letters, ASCII-folded and lowercase (initials are not names).
fn words(name: &str) -> Vec<String> {
    deunicode::deunicode(name)
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2)
        .map(str::to_string)
        .collect()
}

/// "A, B, C" or "A, B, … (7 names)".
fn short_list(names: &[String]) -> String {
    if names.len() <= 3 {
        names.join(", ")
    } else {
        format!("{}, {}, … ({} names)", names[0], names[1], names.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_same_people_written_differently_overlap() {
        let cases: &[(&[&str], &[&str], bool)] = &[
            (&["Jan van der Berg"], &["van der Berg, Jan"], true),
            (&["J. Berg", "A. Smith"], &["Anna Smith"], true),
            (&["Zhang Wei"], &["Wei Zhang"], true),
            (&["José Núñez"], &["Jose Nunez"], true),
            (&["John Smith"], &["John Doe"], false),
            (&["Ana Souza", "Kenji Sato"], &["Priya Raman"], false),
        ];
        for (a, b, overlap) in cases {
            assert_eq!(
                authors_overlap(&names(a), &names(b)),
                *overlap,
                "{a:?} / {b:?}"
            );
        }
    }

    #[test]
    fn publication_year_ignores_a_guessed_year() {
        let mut p = ImportedPaper {
            date: jiff::civil::date(2026, 2, 6),
            ..Default::default()
        };
        assert_eq!(publication_year(&p), Some(2026));
        p.year_not_in_listing = Some(crate::import::YearOrigin::Assumed);
        assert_eq!(publication_year(&p), None);
        p.published = Some(jiff::civil::date(2025, 2, 5));
        assert_eq!(publication_year(&p), Some(2025));
    }
}
