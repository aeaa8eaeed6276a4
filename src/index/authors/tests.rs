//! Table tests of the author index: one person written several ways, thresholds, slugs.

use super::*;

fn paper(slug: &str, date: &str, authors: &[&str]) -> Paper {
    let list: Vec<String> = authors.iter().map(|a| format!("{a:?}")).collect();
    let text = format!(
        "+++\ntitle = \"{slug}\"\ndate = {date}\nauthors = [{}]\n+++\n",
        list.join(", ")
    );
    crate::record::parse(&text, "p.md", slug).unwrap()
}

/// Builds the index of `papers` (listed in the given order) with pages from `min` papers.
fn index(papers: &[Paper], min: Option<usize>) -> AuthorIndex {
    let mut keys = AuthorKeys::default();
    let numbers: Vec<Vec<u32>> = papers.iter().map(|p| keys.number(author_keys(p))).collect();
    let order: Vec<PaperId> = (0..papers.len()).collect();
    let source = AuthorSource {
        numbers: &numbers,
        count: keys.len(),
        min_papers: min,
    };
    build(papers, source, &order)
}

fn summary(index: &AuthorIndex) -> Vec<(&str, &str, Vec<PaperId>)> {
    index
        .authors
        .iter()
        .map(|a| (a.slug.as_str(), a.name.as_str(), a.papers.clone()))
        .collect()
}

#[test]
fn one_person_written_three_ways_is_one_author_named_as_most_papers_write_it() {
    let papers = [
        paper("a", "2025-02-06", &["Lovelace, Ada", "Charles Babbage"]),
        paper("b", "2025-02-05", &["Ada  LOVELACE"]),
        paper("c", "2024-01-01", &["Ada Lovelace", "Ada Lovelace"]),
        paper(
            "d",
            "2023-01-01",
            &["Ada Lovelace", "{The Analytical Society}"],
        ),
    ];
    let got = index(&papers, Some(1));
    assert_eq!(
        summary(&got),
        [
            ("ada-lovelace", "Ada Lovelace", vec![0, 1, 2, 3]),
            ("charles-babbage", "Charles Babbage", vec![0]),
            ("the-analytical-society", "The Analytical Society", vec![3]),
        ]
    );
    let two = index(&papers, Some(2));
    assert_eq!(
        summary(&two),
        [("ada-lovelace", "Ada Lovelace", vec![0, 1, 2, 3])]
    );
    assert!(index(&papers, None).authors.is_empty());
}

#[test]
fn of_equally_common_forms_the_newest_papers_wins() {
    let papers = [
        paper("a", "2025-02-06", &["José Núñez"]),
        paper("b", "2024-02-05", &["Jose Nunez"]),
    ];
    assert_eq!(
        summary(&index(&papers, Some(2))),
        [("jose-nunez", "José Núñez", vec![0, 1])]
    );
}

#[test]
fn names_without_letters_name_nobody() {
    let papers = [paper("a", "2025-02-06", &["—", "  ", "Ann"])];
    assert_eq!(summary(&index(&papers, Some(1))), [("ann", "Ann", vec![0])]);
}

#[test]
fn the_fast_key_is_the_person_key() {
    for name in [
        "Ada Lovelace",
        "Ada  LOVELACE",
        " Jean-Luc Picard ",
        "J. R. R. Tolkien",
        "John Doe Jr.",
        "Jan van der Berg",
        "O'Neil, Cathy",
        "{The ATLAS Collaboration}",
        "José Núñez",
        "R2-D2",
        "—",
        "",
    ] {
        assert_eq!(key_of(name), person_key(name), "{name:?}");
    }
}

#[test]
fn slugs_cut_to_a_folder_name_stay_unique_in_key_order() {
    let long = "w".repeat(150);
    let keys = vec![
        format!("{long} {} b", "x".repeat(60)),
        format!("{long} {} a", "x".repeat(60)),
        format!("{long}"),
        "ada lovelace".to_string(),
        format!("{long}-2"),
    ];
    let slugs = unique_slugs(&keys);
    assert_eq!(slugs[3], "ada-lovelace");
    // The first two are cut to the same slug, which the third has too: the smallest key keeps
    // it, the others get suffixes in key order, skipping a slug another key has.
    assert_eq!(slugs[2], long);
    assert_eq!(slugs[1], format!("{long}-3"));
    assert_eq!(slugs[0], format!("{long}-4"));
    let unique: std::collections::HashSet<&String> = slugs.iter().collect();
    assert_eq!(unique.len(), slugs.len());
    assert!(slugs.iter().all(|s| s.len() <= MAX_SEGMENT_BYTES));
    // The same keys in another order get the same slugs.
    let mut reversed = keys.clone();
    reversed.reverse();
    let mut again = unique_slugs(&reversed);
    again.reverse();
    assert_eq!(again, slugs);
}
