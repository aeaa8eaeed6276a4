use std::collections::BTreeMap;

use super::*;
use crate::record;

fn paper(slug: &str, date: &str, upvotes: u32, tags: &[&str]) -> Paper {
    let text = format!(
        "+++\ntitle = \"{slug}\"\ndate = {date}\nupvotes = {upvotes}\ntags = {tags:?}\n+++\n"
    );
    record::parse(&text, "p.md", slug).unwrap()
}

#[test]
fn order_days_months_and_tags() {
    let papers = vec![
        paper("a", "2025-01-31", 1, &["music"]),
        paper("b", "2025-02-01", 0, &["Music", "rl"]),
        paper("c", "2025-02-01", 9, &[]),
        paper("d", "2024-12-31", 0, &["rl"]),
    ];
    let texts = ["", "", "we study in-context learning", ""];
    let mut keyword = BTreeMap::new();
    keyword.insert("icl".to_string(), vec!["in-context learning".to_string()]);
    let matcher = KeywordMatcher::new(&keyword);
    let mut keys = tags::TagKeys::default();
    let tags: Vec<Vec<tags::PaperTag>> = papers
        .iter()
        .zip(texts)
        .map(|(p, t)| {
            let mut mine = tags::paper_tags(p, &matcher.tags_for(&[&p.title, t]));
            keys.key(&mut mine);
            mine
        })
        .collect();
    let index = SiteIndex::build(&papers, &tags, &[], &[]);

    // newest day first; within a day most upvoted first
    assert_eq!(index.order, [2, 1, 0, 3]);
    let days: Vec<String> = index.days.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(days, ["2025-02-01", "2025-01-31", "2024-12-31"]);
    assert_eq!(index.days[0].papers, [2, 1]);
    let months: Vec<(i16, i8, usize)> = index
        .months
        .iter()
        .map(|m| (m.year, m.month, m.paper_count))
        .collect();
    assert_eq!(months, [(2025, 2, 2), (2025, 1, 1), (2024, 12, 1)]);
    assert_eq!(index.months[0].days, [0]);

    // "music" and "Music" are one tag; keyword tag "icl" comes from the abstract
    let tags: Vec<(&str, &str, Vec<usize>)> = index
        .tags
        .iter()
        .map(|t| (t.slug.as_str(), t.name.as_str(), t.papers.clone()))
        .collect();
    assert_eq!(
        tags,
        [
            ("icl", "icl", vec![2]),
            ("music", "Music", vec![1, 0]),
            ("rl", "rl", vec![1, 3])
        ]
    );
    let names: Vec<&str> = index.paper_tags[1]
        .iter()
        .map(|&t| index.tags[t].name.as_str())
        .collect();
    assert_eq!(names, ["Music", "rl"]);
}

#[test]
fn empty_site_has_no_days() {
    let index = SiteIndex::build(&[], &[], &[], &[]);
    assert!(index.days.is_empty() && index.months.is_empty() && index.tags.is_empty());
}
