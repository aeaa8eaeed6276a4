//! The tag index: every tag (written in records or given by keyword phrases) with its papers.

use std::sync::Arc;

use ahash::AHashMap;
use rayon::prelude::*;

use super::PaperId;
use crate::record::Paper;
use crate::slug::tag_slug;

/// A tag and its papers in listing order.
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    /// URL segment: `/tags/<slug>/`.
    pub slug: String,
    /// The name shown to readers.
    pub name: String,
    /// Papers with the tag, in listing order (newest first).
    pub papers: Vec<PaperId>,
}

/// One tag of one paper: the name as written and its slug, and both as numbers from a
/// [`TagKeys`] so that indexing compares numbers, not strings.
///
/// The build cache keeps a tag as its two numbers only: the texts are the numbering's, which
/// the cache keeps once ([`TagKeys::lists`]). A tag read back has empty texts until
/// [`TagTexts::fill`] gives it the numbering's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PaperTag {
    /// The name as written (in the record or as a keyword tag); once numbered, shared with
    /// every paper with the same name (a site keeps a few tags for each of its papers).
    pub name: Arc<str>,
    /// Its URL slug, shared likewise.
    pub slug: Arc<str>,
    /// The slug's number (see [`TagKeys::key`]).
    pub slug_key: u32,
    /// The name's number.
    pub name_key: u32,
}

impl serde::Serialize for PaperTag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.slug_key, self.name_key).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for PaperTag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<PaperTag, D::Error> {
        thread_local! {
            // One empty text per thread: entries are read on several threads at once, and
            // counting references to one shared text from all of them would contend.
            static UNFILLED: Arc<str> = Arc::from("");
        }
        let (slug_key, name_key) = <(u32, u32)>::deserialize(deserializer)?;
        let empty = UNFILLED.with(Arc::clone);
        Ok(PaperTag {
            name: Arc::clone(&empty),
            slug: empty,
            slug_key,
            name_key,
        })
    }
}

/// Numbers for tag slugs and names, the same for the same text for as long as a site is loaded
/// (never reused, so a number always means one text).
#[derive(Debug, Default)]
pub(crate) struct TagKeys {
    slugs: AHashMap<Arc<str>, u32>,
    names: AHashMap<Arc<str>, u32>,
}

impl TagKeys {
    /// Gives `tags` their numbers, and their texts the numbering's shared copies.
    pub(crate) fn key(&mut self, tags: &mut [PaperTag]) {
        fn intern(map: &mut AHashMap<Arc<str>, u32>, text: &mut Arc<str>) -> u32 {
            if let Some((shared, &key)) = map.get_key_value(&**text) {
                *text = Arc::clone(shared);
                return key;
            }
            let key = u32::try_from(map.len()).unwrap_or(u32::MAX);
            map.insert(Arc::clone(text), key);
            key
        }
        for tag in tags {
            tag.slug_key = intern(&mut self.slugs, &mut tag.slug);
            tag.name_key = intern(&mut self.names, &mut tag.name);
        }
    }

    /// The slugs and the names, each list by number (for the build cache).
    pub(crate) fn lists(&self) -> (Vec<&str>, Vec<&str>) {
        (by_number(&self.slugs), by_number(&self.names))
    }

    /// The numbering [`TagKeys::lists`] gave, and its texts by number (for [`TagTexts::fill`]).
    pub(crate) fn from_lists(slugs: Vec<String>, names: Vec<String>) -> (TagKeys, TagTexts) {
        let shared =
            |list: Vec<String>| -> Vec<Arc<str>> { list.into_iter().map(Arc::from).collect() };
        let texts = TagTexts {
            slugs: shared(slugs),
            names: shared(names),
        };
        let numbered = |list: &[Arc<str>]| {
            list.iter()
                .enumerate()
                .map(|(n, text)| (Arc::clone(text), n as u32))
                .collect()
        };
        let keys = TagKeys {
            slugs: numbered(&texts.slugs),
            names: numbered(&texts.names),
        };
        (keys, texts)
    }
}

/// The texts of a numbering by number ([`TagKeys::from_lists`]).
pub(crate) struct TagTexts {
    slugs: Vec<Arc<str>>,
    names: Vec<Arc<str>>,
}

impl TagTexts {
    /// Gives `tags` (read back from the build cache: numbers, no texts) the numbering's shared
    /// texts of their numbers. A number it does not have leaves the text as it is (the build
    /// cache refuses a snapshot with such a tag before it gets here).
    pub(crate) fn fill(&self, tags: &mut [PaperTag]) {
        for tag in tags {
            if let Some(slug) = self.slugs.get(tag.slug_key as usize) {
                tag.slug = Arc::clone(slug);
            }
            if let Some(name) = self.names.get(tag.name_key as usize) {
                tag.name = Arc::clone(name);
            }
        }
    }
}

/// The texts of a numbering (numbers are dense, from 0), by number.
fn by_number(map: &AHashMap<Arc<str>, u32>) -> Vec<&str> {
    let mut list = vec![""; map.len()];
    for (text, &n) in map {
        list[n as usize] = text;
    }
    list
}

/// A paper's tags: its own, then the keyword tags it matched, one per slug. Computed once per
/// record (slugifying is the costly part), so rebuilding the index does not redo it. They get
/// their numbers from [`TagKeys::key`] before [`build`] sees them.
pub(crate) fn paper_tags(paper: &Paper, keyword_tags: &[&str]) -> Vec<PaperTag> {
    let mut tags: Vec<PaperTag> = Vec::new();
    for name in paper.tags.iter().chain(keyword_tags.iter().copied()) {
        let slug = tag_slug(name);
        if !tags.iter().any(|t| *t.slug == *slug) {
            tags.push(PaperTag {
                name: name.into(),
                slug: slug.into(),
                slug_key: 0,
                name_key: 0,
            });
        }
    }
    tags
}

/// Builds the tag list (sorted by slug) and each paper's tags (indices into it, sorted by name)
/// from each paper's [`paper_tags`], keyed by one [`TagKeys`]. Papers are listed under a tag
/// in `order`. Works on the numbers: strings are compared only where one slug is spelled in
/// several ways, and to sort the few hundred tags.
pub(crate) fn build(per_paper: &[Vec<PaperTag>], order: &[PaperId]) -> (Vec<Tag>, Vec<Vec<usize>>) {
    let slots = per_paper
        .iter()
        .flatten()
        .map(|t| t.slug_key as usize + 1)
        .max()
        .unwrap_or(0);
    // One name per slug; the smallest spelling wins so every build agrees.
    let mut best: Vec<Option<&PaperTag>> = vec![None; slots];
    for tag in per_paper.iter().flatten() {
        let slot = &mut best[tag.slug_key as usize];
        match slot {
            Some(b) if b.name_key == tag.name_key || b.name <= tag.name => {}
            _ => *slot = Some(tag),
        }
    }
    let mut used: Vec<&PaperTag> = best.into_iter().flatten().collect();
    used.sort_unstable_by(|a, b| a.slug.cmp(&b.slug));
    let mut position = vec![usize::MAX; slots];
    for (i, tag) in used.iter().enumerate() {
        position[tag.slug_key as usize] = i;
    }
    let mut by_name: Vec<usize> = (0..used.len()).collect();
    by_name.sort_unstable_by(|&a, &b| used[a].name.cmp(&used[b].name).then(a.cmp(&b)));
    let mut name_rank = vec![0; used.len()];
    for (rank, &i) in by_name.iter().enumerate() {
        name_rank[i] = rank;
    }
    let mut tags: Vec<Tag> = used
        .iter()
        .map(|t| Tag {
            slug: t.slug.to_string(),
            name: t.name.to_string(),
            papers: Vec::new(),
        })
        .collect();
    let paper_tags: Vec<Vec<usize>> = per_paper
        .par_iter()
        .map(|list| {
            let mut mine: Vec<usize> = list.iter().map(|t| position[t.slug_key as usize]).collect();
            mine.sort_unstable_by_key(|&i| name_rank[i]);
            mine
        })
        .collect();
    for &id in order {
        for &tag in &paper_tags[id] {
            tags[tag].papers.push(id);
        }
    }
    (tags, paper_tags)
}

/// Moves papers `changed` between tag lists after their tags (`per_paper[id]`) changed, when no
/// paper came or went and `order` is unchanged: what [`build`] would make, in time that grows
/// with the changed papers and their tags' lists instead of with the site. Returns `false`,
/// leaving everything as it was, when the tags themselves would change (a new tag, a tag left
/// without papers, another spelling of a name): then the caller builds again.
pub(crate) fn retag(
    tags: &mut [Tag],
    paper_tags: &mut [Vec<usize>],
    order: &[PaperId],
    per_paper: &[Vec<PaperTag>],
    changed: &[PaperId],
) -> bool {
    let by_slug: AHashMap<&str, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    // Everything is checked before anything changes.
    let mut updates: Vec<(PaperId, Vec<usize>)> = Vec::with_capacity(changed.len());
    let mut delta: AHashMap<usize, isize> = AHashMap::new();
    for &id in changed {
        let Some(list) = per_paper.get(id) else {
            return false;
        };
        let mut new = Vec::with_capacity(list.len());
        for tag in list {
            match by_slug.get(&*tag.slug) {
                Some(&i) if *tags[i].name == *tag.name => new.push(i),
                _ => return false,
            }
        }
        new.sort_unstable_by(|a, b| tags[*a].name.cmp(&tags[*b].name));
        for &old in &paper_tags[id] {
            if !new.contains(&old) {
                *delta.entry(old).or_default() -= 1;
                // The tag's name is the smallest spelling of its papers: another paper must
                // still spell it so, or the name may change.
                let tag = &tags[old];
                let spelled = |p: PaperId| {
                    per_paper[p]
                        .iter()
                        .any(|t| *t.slug == *tag.slug && *t.name == *tag.name)
                };
                if !tag.papers.iter().any(|&p| p != id && spelled(p)) {
                    return false;
                }
            }
        }
        for &added in &new {
            if !paper_tags[id].contains(&added) {
                *delta.entry(added).or_default() += 1;
            }
        }
        updates.push((id, new));
    }
    if delta
        .iter()
        .any(|(&t, &d)| tags[t].papers.len() as isize + d <= 0)
    {
        return false;
    }
    // Each paper's place in the listing order, to insert it where it belongs.
    let mut rank = vec![0usize; order.len()];
    for (r, &id) in order.iter().enumerate() {
        rank[id] = r;
    }
    for (id, new) in updates {
        for &old in &paper_tags[id] {
            if !new.contains(&old) {
                tags[old].papers.retain(|&p| p != id);
            }
        }
        for &added in &new {
            if !paper_tags[id].contains(&added) {
                let papers = &mut tags[added].papers;
                let at = papers.partition_point(|&p| rank[p] < rank[id]);
                papers.insert(at, id);
            }
        }
        paper_tags[id] = new;
    }
    true
}
