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

/// A paper of `authors`, for the reorder cases.
fn authored(
    slug: &str,
    title: &str,
    date: &str,
    upvotes: u32,
    tags: &[&str],
    authors: &[&str],
) -> Paper {
    let text = format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\nupvotes = {upvotes}\ntags = {tags:?}\n\
         authors = {authors:?}\n+++\n"
    );
    record::parse(&text, "p.md", slug).unwrap()
}

#[test]
fn reordering_equals_building_again() {
    // A small generator, so that every run sees the same cases.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let titles = ["Alpha", "Beta", "Gamma", "alpha"];
    let tag_names = ["rl", "vision", "music", "Robots"];
    // Each person is written in two ways shown differently: which way a page shows is the
    // most frequent, and of equally frequent ones the newest paper's.
    let people = [
        ["Ada Lovelace", "ADA LOVELACE"],
        ["Alan Turing", "Turing, Alan M."],
        ["Grace Hopper", "GRACE HOPPER"],
        ["Emmy Noether", "Noether, Emmy"],
    ];
    let make = |slug: usize, next: &mut dyn FnMut(usize) -> usize| {
        let tags: Vec<&str> = tag_names.iter().copied().filter(|_| next(2) == 0).collect();
        let mut authors: Vec<&str> = Vec::new();
        for forms in &people {
            if next(3) == 0 {
                authors.push(forms[next(2)]);
            }
        }
        authored(
            &format!("p{slug}"),
            titles[next(titles.len())],
            &format!("2025-0{}-1{}", 1 + next(3), next(4)),
            next(3) as u32,
            &tags,
            &authors,
        )
    };
    let mut papers: Vec<Paper> = (0..40).map(|slug| make(slug, &mut next)).collect();
    // A person on two papers, written a different way on each: the newer one's way is shown.
    for (slug, form) in [("k1", "Katherine Johnson"), ("k2", "KATHERINE JOHNSON")] {
        papers.push(authored(slug, "Delta", "2025-02-11", 0, &[], &[form]));
    }
    let mut tag_keys = tags::TagKeys::default();
    let mut people_keys = authors::AuthorKeys::default();
    let numbers: Vec<Vec<u32>> = papers
        .iter()
        .map(|p| people_keys.number(authors::author_keys(p)))
        .collect();
    let per_paper = keyed(&mut tag_keys, &papers);
    let feeds: Vec<Vec<u16>> = (0..papers.len())
        .map(|_| (0..2u16).filter(|_| next(3) == 0).collect())
        .collect();
    let feed_names = ["first", "second"];
    let source = AuthorSource {
        numbers: &numbers,
        count: people_keys.len(),
        min_papers: Some(2),
    };
    let build = |papers: &[Paper]| {
        SiteIndex::build_with_order(papers, &per_paper, &feed_names, &feeds, source, None)
    };
    let mut index = build(&papers);
    assert!(
        index.authors.authors.len() >= 3,
        "people with pages to move papers on"
    );
    let names = |index: &SiteIndex| -> Vec<String> {
        let authors = &index.authors.authors;
        authors.iter().map(|a| a.name.clone()).collect()
    };
    let mut names_changed = false;
    let (mut days_came, mut days_went) = (false, false);
    for round in 0..300 {
        // One to three papers get another date, upvote count or title (their tags and
        // authors stay: what the mend is for).
        let changed: Vec<PaperId> = (0..1 + next(3)).map(|_| next(papers.len())).collect();
        for &id in &changed {
            let p = &mut papers[id];
            match next(3) {
                // Now and then a day no other paper has: days come and go.
                0 if next(4) == 0 => p.date = format!("2024-12-2{}", next(10)).parse().unwrap(),
                0 => {
                    p.date = format!("2025-0{}-1{}", 1 + next(3), next(4))
                        .parse()
                        .unwrap()
                }
                1 => p.upvotes = Some(next(3) as u32),
                _ => p.title = titles[next(titles.len())].to_string(),
            }
        }
        let names_before = names(&index);
        let days_before = index.days.len();
        assert!(index.reorder(&papers, &feed_names, &feeds, &numbers, &changed));
        days_came |= index.days.len() > days_before;
        days_went |= index.days.len() < days_before;
        let built = build(&papers);
        assert_eq!(
            format!("{index:?}"),
            format!("{built:?}"),
            "round {round}: {changed:?}"
        );
        names_changed |= names_before != names(&index);
    }
    assert!(
        names_changed,
        "some edit changed the name an author page shows"
    );
    assert!(
        days_came && days_went,
        "some edits made a day, some left one empty"
    );
    // An index that does not fit the papers is left for the caller to build again.
    let fewer = &papers[..papers.len() - 1];
    let before = format!("{index:?}");
    assert!(!index.reorder(fewer, &feed_names, &feeds, &numbers, &[0]));
    assert_eq!(format!("{index:?}"), before);
}
