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
    keyword.insert(
        "icl".to_string(),
        crate::config::TopicRule::phrases("icl", &["in-context learning"]),
    );
    let matcher = TopicMatcher::new(&keyword, &BTreeMap::new());
    let mut keys = tags::TagKeys::default();
    let tags: Vec<Vec<tags::PaperTag>> = papers
        .iter()
        .zip(texts)
        .map(|(p, t)| {
            let found = matcher.matches(&keywords::PaperText {
                title: &p.title,
                abstract_text: t,
                authors: &p.authors,
                tags: &p.tags,
            });
            let mut mine = tags::paper_tags(p, &matcher.tag_names(&found));
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

/// Tags of `tag_lists[i]` for paper `i`, keyed by one `TagKeys`.
fn keyed(keys: &mut tags::TagKeys, papers: &[Paper]) -> Vec<Vec<tags::PaperTag>> {
    papers
        .iter()
        .map(|p| {
            let mut mine = tags::paper_tags(p, &[]);
            keys.key(&mut mine);
            mine
        })
        .collect()
}

fn tag_lists(index: &SiteIndex) -> Vec<(String, String, Vec<usize>)> {
    index
        .tags
        .iter()
        .map(|t| (t.slug.clone(), t.name.clone(), t.papers.clone()))
        .collect()
}

#[test]
fn retagging_equals_building_again_or_refuses() {
    let papers = vec![
        paper("a", "2025-01-31", 1, &["music", "rl"]),
        paper("b", "2025-02-01", 0, &["music"]),
        paper("c", "2025-02-01", 9, &["rl", "vision"]),
        paper("d", "2024-12-31", 0, &["rl", "vision", "Robots"]),
        paper("e", "2024-12-30", 0, &["music", "vision", "robots"]),
        paper("f", "2024-12-30", 3, &["solo"]),
    ];
    let mut keys = tags::TagKeys::default();
    let before = SiteIndex::build(&papers, &keyed(&mut keys, &papers), &[], &[]);

    // d gains "music" (in the middle of its list), c drops "rl": mended in place.
    let mut cases: Vec<(usize, &[&str], bool)> = vec![
        (3, &["rl", "vision", "Robots", "music"], true),
        (2, &["vision"], true),
        // e leaves "robots"; d still spells it "Robots", the name shown.
        (4, &["music", "vision"], true),
        // A tag nobody had: built again.
        (0, &["music", "rl", "new"], false),
        // The only paper spelling it "Robots" leaves it: its name changes.
        (3, &["rl", "vision"], false),
        // Another spelling of an existing tag.
        (1, &["MUSIC"], false),
        // The last paper of a tag leaves it.
        (5, &["music"], false),
    ];
    for (id, new_tags, mended) in cases.drain(..) {
        let mut changed = papers.clone();
        changed[id] = paper(
            &papers[id].slug,
            &papers[id].date.to_string(),
            papers[id].upvotes.unwrap_or(0),
            new_tags,
        );
        let per_paper = keyed(&mut keys, &changed);
        let mut index = before.clone();
        assert_eq!(index.retag(&per_paper, &[id]), mended, "{id}: {new_tags:?}");
        let built = SiteIndex::build(&changed, &per_paper, &[], &[]);
        if mended {
            assert_eq!(tag_lists(&index), tag_lists(&built), "{id}: {new_tags:?}");
            assert_eq!(index.paper_tags, built.paper_tags, "{id}: {new_tags:?}");
        } else {
            assert_eq!(tag_lists(&index), tag_lists(&before), "refused, untouched");
            assert_eq!(index.paper_tags, before.paper_tags);
        }
    }
}
