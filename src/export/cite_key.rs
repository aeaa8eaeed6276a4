//! Citation keys (`vaswani2017attention`): one per paper, computed once over the whole site so
//! that a paper is cited with the same key on its page, in the `.bib` files of its day and tags
//! and in `digest export`, and no two papers of the site share one.

use std::fmt::Write as _;

use ahash::{AHashMap, AHashSet};
use hashbrown::HashTable;

use crate::record::Paper;
use crate::record::author::Author;

/// A paper's citation key before it is made unique ([`base_key`]), with a hash of it made
/// once: the papers sharing an edited paper's base are found by comparing the hashes, read in
/// order, rather than each paper's text (a cache miss a paper: 30–180 ms at 100,000 papers,
/// up to 380 ms at a million, on each date edit of a paper in a shared group).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct CiteBase {
    text: String,
    hash: u64,
}

impl CiteBase {
    pub(crate) fn new(text: String) -> Self {
        let hash = crate::hash::hash_of(text.as_str());
        CiteBase { text, hash }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The text's hash ([`crate::hash::hash_of`] of the text).
    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }

    /// The bytes the text holds, with its allocation.
    pub(crate) fn capacity(&self) -> usize {
        self.text.capacity()
    }
}

impl PartialEq for CiteBase {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.text == other.text
    }
}

impl Eq for CiteBase {}

/// As its text (the hash is made from it).
impl std::hash::Hash for CiteBase {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl From<&str> for CiteBase {
    fn from(text: &str) -> Self {
        CiteBase::new(text.to_string())
    }
}

/// `vaswani2017attention`: the first author's family name, the year the paper was published
/// (else the year it is listed under) and the first word of the title longer than three
/// letters, in lowercase ASCII.
pub(crate) fn base_key(p: &Paper) -> CiteBase {
    let family = p
        .authors
        .first()
        .map(|a| Author::parse(a).key_word())
        .unwrap_or_default();
    let word = p
        .title
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.chars().count() > 3)
        .unwrap_or("paper");
    let mut key = String::with_capacity(32);
    push_ascii_key(&mut key, family);
    let _ = write!(key, "{}", p.published.unwrap_or(p.date).year());
    push_ascii_key(&mut key, word);
    CiteBase::new(key)
}

/// Each paper's key, by id, from their [`base_key`]s (`bases[id]`): a base key that only one
/// paper has is its key; papers sharing one are ordered by publication day, listing day and
/// slug (unique in a site), the first keeps the base key and the others get `a`, `b`, … `z`,
/// `aa`, … — skipping any key another paper has as its own, so a suffix never takes one.
/// Depends only on the set of papers, not on the order they were read in: older papers keep
/// their keys when newer ones join.
pub(crate) fn unique_keys(papers: &[Paper], bases: &[CiteBase]) -> Vec<String> {
    // Each distinct base once (`distinct`: its first paper and how many papers have it), and
    // which it is for each paper (`group`). Bases are found by the hash kept with each, so a
    // base's text is read only when an earlier paper's base has its hash: to tell a shared
    // base from two sharing a hash. Hashing every text was 24 ms in a build of 100,000 papers
    // but 270 ms in a `serve` that had run a while, its texts scattered in memory.
    let mut distinct: Vec<(u32, u32)> = Vec::new();
    let mut group: Vec<u32> = Vec::with_capacity(bases.len());
    let mut table: HashTable<u32> = HashTable::with_capacity(bases.len());
    for (id, base) in bases.iter().enumerate() {
        let same = |&d: &u32| bases[distinct[d as usize].0 as usize] == *base;
        let d = match table.find(base.hash, same) {
            Some(&d) => {
                distinct[d as usize].1 += 1;
                d
            }
            None => {
                let d = distinct.len() as u32;
                distinct.push((id as u32, 1));
                let rehash = |&d: &u32| bases[distinct[d as usize].0 as usize].hash;
                table.insert_unique(base.hash, d, rehash);
                d
            }
        };
        group.push(d);
    }
    let mut keys: Vec<String> = bases.iter().map(|b| b.text.clone()).collect();
    // The base keys papers share, in order: each paper sharing one is sorted by its base's
    // place among them (a number, not the text: the papers of a group would compare their
    // whole base key every time) and then its dates and slug.
    let mut names: Vec<u32> = (0..distinct.len() as u32)
        .filter(|&d| distinct[d as usize].1 > 1)
        .collect();
    if names.is_empty() {
        return keys;
    }
    let text = |d: u32| bases[distinct[d as usize].0 as usize].as_str();
    names.sort_unstable_by(|&a, &b| text(a).cmp(text(b)));
    let mut place = vec![u32::MAX; distinct.len()];
    for (i, &d) in names.iter().enumerate() {
        place[d as usize] = i as u32;
    }
    let mut sorted: Vec<(u32, jiff::civil::Date, jiff::civil::Date, &str, usize)> = (group.iter())
        .enumerate()
        .filter(|&(_, &d)| distinct[d as usize].1 > 1)
        .map(|(id, &d)| {
            let p = &papers[id];
            let place = place[d as usize];
            (place, p.published.unwrap_or(p.date), p.date, &*p.slug, id)
        })
        .collect();
    sorted.sort_unstable();
    // Whether `candidate` is some paper's base key.
    let is_base = |candidate: &str| {
        let hash = crate::hash::hash_of(candidate);
        (table.find(hash, |&d| text(d) == candidate)).is_some()
    };
    // Taken: every base key and the suffixed keys given so far.
    let mut given: AHashSet<String> = AHashSet::new();
    for members in sorted.chunk_by(|a, b| a.0 == b.0) {
        let base = bases[members[0].4].as_str();
        let mut n = 0u64;
        for &(.., id) in &members[1..] {
            let key = loop {
                let candidate = format!("{base}{}", letters(n));
                n += 1;
                if !is_base(&candidate) && !given.contains(&candidate) {
                    break candidate;
                }
            };
            given.insert(key.clone());
            keys[id] = key;
        }
    }
    keys
}

/// Edited groups up to which [`reorder_groups`] finds their papers by comparing hashes
/// with each of them rather than looking each paper's up.
const FEW_GROUPS: usize = 4;

/// Mends `keys` (what [`unique_keys`] gave) after the papers sharing a base key with the
/// papers `edited` were ordered anew, no base key having changed: the same as [`unique_keys`]
/// over all papers, in time linear in the papers rather than a hash and a sort of them all.
/// A group's keys depend only on the set of base keys and the groups' sizes, which are the
/// same; only which paper of the group holds which key follows its order. Returns the papers
/// whose key changed.
pub(crate) fn reorder_groups(
    keys: &mut [String],
    papers: &[Paper],
    bases: &[CiteBase],
    edited: &[usize],
) -> Vec<usize> {
    // Each edited base once, and where it is in `wanted` by its hash.
    let mut wanted: Vec<(&CiteBase, Vec<usize>)> = Vec::new();
    let mut by_hash: AHashMap<u64, Vec<usize>> = AHashMap::new();
    for &id in edited {
        let base = &bases[id];
        let places = by_hash.entry(base.hash).or_default();
        if !places.iter().any(|&i| wanted[i].0 == base) {
            places.push(wanted.len());
            wanted.push((base, Vec::new()));
        }
    }
    // Papers are matched by their bases' hashes, read in order; a text is read only when the
    // hash matches (its group's papers, and a rare other base sharing the hash).
    if wanted.len() <= FEW_GROUPS {
        for (id, base) in bases.iter().enumerate() {
            if let Some((_, members)) = wanted.iter_mut().find(|(b, _)| *b == base) {
                members.push(id);
            }
        }
    } else {
        for (id, base) in bases.iter().enumerate() {
            let Some(places) = by_hash.get(&base.hash) else {
                continue;
            };
            if let Some(&i) = places.iter().find(|&&i| wanted[i].0 == base) {
                wanted[i].1.push(id);
            }
        }
    }
    let groups = wanted.into_iter().map(|(_, members)| members);
    let mut changed = Vec::new();
    for members in groups {
        let mut held: Vec<String> = members
            .iter()
            .map(|&id| std::mem::take(&mut keys[id]))
            .collect();
        // Each member's key as it was, by id.
        let was: AHashMap<usize, String> = members.iter().copied().zip(held.clone()).collect();
        // The base key, then its suffixes in the order they are given: `a` … `z`, `aa`, …
        held.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
        let mut members = members;
        members.sort_by(|&a, &b| {
            let order = |id: usize| {
                let p = &papers[id];
                (p.published.unwrap_or(p.date), p.date, &p.slug)
            };
            order(a).cmp(&order(b))
        });
        for (id, key) in members.into_iter().zip(held) {
            if was.get(&id) != Some(&key) {
                changed.push(id);
            }
            keys[id] = key;
        }
    }
    changed
}

/// Appends the ASCII letters and digits of `text` (transliterated first when it is not ASCII:
/// `Schölkopf` → `scholkopf`), lowercased.
fn push_ascii_key(key: &mut String, text: &str) {
    let transliterated;
    let text = if text.is_ascii() {
        text
    } else {
        transliterated = deunicode::deunicode(text);
        &transliterated
    };
    key.extend(
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase()),
    );
}

/// The `n`th (from 0) of `a`, `b`, … `z`, `aa`, `ab`, … (bijective base 26).
fn letters(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every paper's key: [`unique_keys`] of their [`base_key`]s.
    fn site_keys(papers: &[Paper]) -> Vec<String> {
        let bases: Vec<CiteBase> = papers.iter().map(base_key).collect();
        unique_keys(papers, &bases)
    }

    fn paper(title: &str, date: &str, authors: &str, slug: &str) -> Paper {
        let text = format!(
            "+++\ntitle = \"{title}\"\ndate = {date}\nauthors = [{authors}]\nslug = \"{slug}\"\n+++\n"
        );
        crate::record::parse(&text, "content/p.md", slug).expect("valid record")
    }

    #[test]
    fn suffix_letters_never_run_out() {
        let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(letters)
            .collect();
        assert_eq!(names, ["a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]);
        // 1,000 papers sharing a base key: every key distinct, ASCII, found without a loop
        // that stops growing (before, past 'z' + 132 the 160-odd-th paper looped forever).
        let papers: Vec<Paper> = (0..1000)
            .map(|i| paper("Learning", "2024-01-01", "\"Wang Li\"", &format!("p{i:04}")))
            .collect();
        let keys = site_keys(&papers);
        assert_eq!(keys[0], "li2024learning");
        assert_eq!(keys[1], "li2024learninga");
        assert_eq!(keys[27], "li2024learningaa");
        assert_eq!(keys.iter().collect::<AHashSet<_>>().len(), 1000);
        assert!(keys.iter().all(|k| k.is_ascii()));
    }

    #[test]
    fn keys_depend_on_the_papers_not_their_order_and_never_take_another_papers_key() {
        let a = paper("Unified models", "2023-05-01", "\"Ann Lee\"", "b-later");
        let b = paper("Unified views", "2023-02-01", "\"Ann Lee\"", "a-earlier");
        // This paper's own base key is what a suffix would give the second `lee2023unified`.
        let c = paper("Unifieda", "2023-01-01", "\"Ann Lee\"", "c");
        let forward = site_keys(&[a.clone(), b.clone(), c.clone()]);
        let backward = site_keys(&[c, b, a]);
        assert_eq!(
            forward,
            ["lee2023unifiedb", "lee2023unified", "lee2023unifieda"]
        );
        assert_eq!(
            backward,
            ["lee2023unifieda", "lee2023unified", "lee2023unifiedb"]
        );
    }

    #[test]
    fn reordering_a_group_gives_the_keys_keying_every_paper_gives() {
        // Three bases, one of them another's key with a suffix (`li2024learninga`), and groups
        // long enough that suffixes run to two letters.
        let mut papers: Vec<Paper> = (0..40)
            .map(|i| {
                let (title, author) = match i % 3 {
                    0 => ("Learning", "\"Wang Li\""),
                    1 => ("Learninga", "\"Wang Li\""),
                    _ => ("Graphs", "\"Ann Lee\""),
                };
                let day = 1 + (i * 7) % 28;
                paper(
                    title,
                    &format!("2024-01-{day:02}"),
                    author,
                    &format!("p{i:02}"),
                )
            })
            .collect();
        let bases: Vec<CiteBase> = papers.iter().map(base_key).collect();
        let mut keys = unique_keys(&papers, &bases);
        // Edits that move papers to the front, the back and the middle of their groups.
        // Every day stays in 2024, so no base key changes.
        let edits = [
            (0, "2024-01-01"),
            (4, "2024-12-31"),
            (3, "2024-01-15"),
            (0, "2024-01-15"),
        ];
        for (round, (id, day)) in edits.into_iter().enumerate() {
            papers[id].published = day.parse().ok();
            let also = (id + 7) % papers.len();
            papers[also].date = day.parse().expect("a day");
            assert_eq!(bases[id], base_key(&papers[id]));
            let before = keys.clone();
            let mut changed = reorder_groups(&mut keys, &papers, &bases, &[id, also]);
            assert_eq!(keys, unique_keys(&papers, &bases), "after edit {round}");
            // The papers said to be keyed anew are those whose key changed.
            changed.sort_unstable();
            let differ: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] != before[i]).collect();
            assert_eq!(changed, differ, "after edit {round}");
        }
    }

    #[test]
    fn reordering_many_groups_at_once_gives_the_keys_keying_every_paper_gives() {
        // More edited groups than are found by comparing bases: found by hashing them.
        let words = ["Alpha", "Beta", "Gamma", "Delta", "Eta", "Theta", "Iota"];
        let mut papers: Vec<Paper> = (0..42)
            .map(|i| {
                let day = 1 + (i * 5) % 28;
                let date = format!("2024-02-{day:02}");
                paper(
                    words[i % words.len()],
                    &date,
                    "\"Ann Lee\"",
                    &format!("p{i:02}"),
                )
            })
            .collect();
        let bases: Vec<CiteBase> = papers.iter().map(base_key).collect();
        let mut keys = unique_keys(&papers, &bases);
        let edited: Vec<usize> = (0..words.len()).collect();
        assert!(edited.len() > FEW_GROUPS);
        for &id in &edited {
            papers[id].date = "2024-02-28".parse().expect("a day");
        }
        let before = keys.clone();
        let changed = reorder_groups(&mut keys, &papers, &bases, &edited);
        assert_eq!(keys, unique_keys(&papers, &bases));
        assert!(!changed.is_empty());
        assert!(changed.iter().all(|&id| keys[id] != before[id]));
    }

    #[test]
    fn base_keys_use_the_publication_year_and_the_family_name() {
        let mut p = paper(
            "Attention Is All You Need",
            "2025-02-06",
            "\"Vaswani, Ashish\"",
            "a",
        );
        p.published = "2017-06-12".parse().ok();
        assert_eq!(base_key(&p).as_str(), "vaswani2017attention");
        let p = paper("Über Köpfe", "2025-02-06", "\"van der Berg, Jan\"", "b");
        assert_eq!(base_key(&p).as_str(), "berg2025uber");
        let p = paper(
            "Search for X",
            "2025-02-06",
            "\"{The ATLAS Collaboration}\"",
            "c",
        );
        assert_eq!(base_key(&p).as_str(), "atlas2025search");
    }
}
