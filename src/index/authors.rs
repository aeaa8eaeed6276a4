//! The author index: which authors get a page (`[output] author_pages`), each with its papers
//! in listing order, its slug and the name its page shows.
//!
//! One person is one normalized name ([`person_key`], the key topic rules follow authors by):
//! `Lovelace, Ada`, `Ada Lovelace` and `Ada  LOVELACE` are one author. Names are numbered once
//! per record when it is read ([`AuthorKeys`]), so building the index compares numbers and
//! keeps no string per paper; only authors with a page hold strings (slug and name).

use ahash::AHashMap;

use super::PaperId;
use crate::index::keywords::text::person_key;
use crate::record::Paper;
use crate::record::author::display_name;
use crate::slug::MAX_SEGMENT_BYTES;

/// The number of an authors entry that names nobody (no letter or digit in it).
pub(crate) const NO_AUTHOR: u32 = u32::MAX;

/// Numbers for authors' keys ([`person_key`]), the same for the same person for as long as a
/// site is loaded (never reused, so a number always means one person).
#[derive(Debug, Default)]
pub(crate) struct AuthorKeys {
    numbers: AHashMap<Box<str>, u32>,
}

impl AuthorKeys {
    /// The number of each entry of `authors`, in order ([`NO_AUTHOR`] for a name without
    /// letters or digits).
    pub(crate) fn number(&mut self, keys: Vec<String>) -> Vec<u32> {
        keys.into_iter()
            .map(|key| {
                if key.is_empty() {
                    return NO_AUTHOR;
                }
                if let Some(&n) = self.numbers.get(key.as_str()) {
                    return n;
                }
                let n = u32::try_from(self.numbers.len()).unwrap_or(NO_AUTHOR - 1);
                self.numbers.insert(key.into_boxed_str(), n);
                n
            })
            .collect()
    }

    /// How many numbers were given: every number is below it.
    pub(crate) fn len(&self) -> usize {
        self.numbers.len()
    }

    /// Every key, by number (for the build cache).
    pub(crate) fn keys(&self) -> Vec<&str> {
        let mut keys = vec![""; self.numbers.len()];
        for (key, &n) in &self.numbers {
            keys[n as usize] = key;
        }
        keys
    }

    /// The numbering [`AuthorKeys::keys`] gave.
    pub(crate) fn from_keys(keys: Vec<Box<str>>) -> AuthorKeys {
        AuthorKeys {
            numbers: keys.into_iter().zip(0..).collect(),
        }
    }
}

/// The keys of a record's authors, in order (computed where records are read, in parallel;
/// numbered by [`AuthorKeys::number`]).
pub(crate) fn author_keys(paper: &Paper) -> Vec<String> {
    paper.authors.iter().map(key_of).collect()
}

/// [`person_key`] of `name`, without reading it into parts or transliterating it when that
/// changes nothing: most names are ASCII without braces or commas, and a 100,000-paper site
/// has some 800,000 of them.
pub(crate) fn key_of(name: &str) -> String {
    if !name.is_ascii() || name.contains(['{', ',']) {
        return person_key(name);
    }
    let mut key = String::with_capacity(name.len());
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    key
}

/// An author with a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Author {
    /// URL segment: `/authors/<slug>/`.
    pub slug: String,
    /// The name shown: the form the author's papers write most often (shown in reading order).
    pub name: String,
    /// The author's papers in listing order (newest first), each once.
    pub papers: Vec<PaperId>,
    /// Whether another form of the name is written as often as `name`: only then does the
    /// papers' order (which of them is seen first) choose the name, so only then is it
    /// chosen again when papers move in the order.
    pub name_tied: bool,
}

/// The authors with a page, sorted by slug, and where each author number's page is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AuthorIndex {
    /// Authors with a page, sorted by slug.
    pub authors: Vec<Author>,
    /// For each author number, its place in `authors`, or [`NO_AUTHOR`] when it has no page.
    pub by_number: Vec<u32>,
}

impl AuthorIndex {
    /// Puts papers `changed` (`moving[id]`) back in their authors' lists after the listing
    /// order changed (`before(a, b)`: whether `a` is now listed before `b`), and counts those
    /// authors' shown names again, as [`build`] does. Who has a page, and each page's slug
    /// (made from the person's key), stay.
    pub(crate) fn reorder(
        &mut self,
        papers: &[Paper],
        numbers: &[Vec<u32>],
        changed: &[PaperId],
        before: &dyn Fn(PaperId, PaperId) -> bool,
        moving: &[bool],
    ) {
        if self.authors.is_empty() {
            return;
        }
        let mut touched: Vec<(usize, PaperId)> = Vec::new();
        let mut seen = Vec::new();
        for &id in changed {
            for_each_person(&numbers[id], &mut seen, |n| {
                if let Some(place) = self.page_of(n) {
                    touched.push((place, id));
                }
            });
        }
        // Every changed paper leaves a list before any is put back (see `SiteIndex::reorder`).
        for &(place, _) in &touched {
            self.authors[place].papers.retain(|&p| !moving[p]);
        }
        for &(place, id) in &touched {
            let list = &mut self.authors[place].papers;
            list.insert(list.partition_point(|&p| before(p, id)), id);
        }
        let mut touched: Vec<usize> = touched.into_iter().map(|(place, _)| place).collect();
        touched.sort_unstable();
        touched.dedup();
        // Moving papers changes no form's count: a name that has no equal keeps its place (at
        // 100,000 papers, reading every paper of an edited paper's authors took ~40 ms).
        touched.retain(|&place| self.authors[place].name_tied);
        for place in touched {
            // Forms as written, in the order first seen: the author's papers in listing order,
            // each paper's names in their order.
            let mut written: Vec<(&str, u32)> = Vec::new();
            for &id in &self.authors[place].papers {
                for (i, &n) in numbers[id].iter().enumerate() {
                    if self.page_of(n) != Some(place) {
                        continue;
                    }
                    let Some(form) = papers[id].authors.get(i) else {
                        continue;
                    };
                    match written.iter_mut().find(|(w, _)| *w == form) {
                        Some((_, count)) => *count += 1,
                        None => written.push((form, 1)),
                    }
                }
            }
            (self.authors[place].name, self.authors[place].name_tied) = most_common_form(written);
        }
    }

    /// The page (index into `authors`) of the author numbered `number`, if it has one.
    pub(crate) fn page_of(&self, number: u32) -> Option<usize> {
        match self.by_number.get(number as usize) {
            Some(&at) if at != NO_AUTHOR => Some(at as usize),
            _ => None,
        }
    }
}

/// What the author index is built from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthorSource<'a> {
    /// Each paper's author numbers (see [`AuthorKeys`]), by paper id.
    pub numbers: &'a [Vec<u32>],
    /// How many author numbers there are ([`AuthorKeys::len`]).
    pub count: usize,
    /// The fewest papers an author needs for a page; `None` for no author pages.
    pub min_papers: Option<usize>,
}

impl AuthorSource<'_> {
    /// No author pages.
    pub(crate) fn none() -> AuthorSource<'static> {
        AuthorSource {
            numbers: &[],
            count: 0,
            min_papers: None,
        }
    }
}

/// Builds the author index of `papers` listed in `order`.
pub(crate) fn build(papers: &[Paper], source: AuthorSource<'_>, order: &[PaperId]) -> AuthorIndex {
    let Some(min) = source.min_papers else {
        return AuthorIndex::default();
    };
    let numbers = source.numbers;
    if numbers.len() != papers.len() {
        return AuthorIndex::default();
    }
    // Papers per author, each paper counted once per person even when it names them twice.
    let mut counts = vec![0u32; source.count];
    let mut seen = Vec::new();
    for list in numbers {
        for_each_person(list, &mut seen, |n| {
            if let Some(count) = counts.get_mut(n as usize) {
                *count += 1;
            }
        });
    }
    let mut by_number = vec![NO_AUTHOR; source.count];
    let chosen: Vec<u32> = (0..source.count as u32)
        .filter(|&n| counts[n as usize] as usize >= min.max(1))
        .collect();
    for (place, &n) in chosen.iter().enumerate() {
        by_number[n as usize] = place as u32;
    }
    // Each chosen author's papers in listing order, and the written forms of its name: the
    // most frequent wins, and of equally frequent ones the newest paper's.
    let mut lists: Vec<Vec<PaperId>> = vec![Vec::new(); chosen.len()];
    // Forms are counted as written (borrowed, no allocation per name), then merged by how
    // they are shown ("Lovelace, Ada" and "Ada Lovelace" are one form) for the few each
    // author has.
    // The lists follow the listing order and read only the compact author numbers; the
    // written forms are counted in paper id order, the order the records lie in memory (at
    // 100,000 papers, reading them in listing order is a cache miss per name), each with the
    // listing rank of its first paper, and then put in the order first seen (in listing
    // order, each paper's names in their order), as if counted in listing order.
    let mut rank = vec![u32::MAX; papers.len()];
    for (r, &id) in order.iter().enumerate() {
        if let Some(slot) = rank.get_mut(id) {
            *slot = (*slot).min(r as u32);
        }
        for &n in &numbers[id] {
            let Some(&place) = by_number.get(n as usize) else {
                continue;
            };
            if place != NO_AUTHOR && lists[place as usize].last() != Some(&id) {
                lists[place as usize].push(id);
            }
        }
    }
    let mut forms: Vec<Vec<Form>> = vec![Vec::new(); chosen.len()];
    for (id, paper) in papers.iter().enumerate() {
        let first = rank[id];
        if first == u32::MAX {
            continue;
        }
        for (i, &n) in numbers[id].iter().enumerate() {
            let Some(&place) = by_number.get(n as usize) else {
                continue;
            };
            if place == NO_AUTHOR {
                continue;
            }
            let Some(written) = paper.authors.get(i) else {
                continue;
            };
            let place = place as usize;
            // Where the form is first seen: its paper's listing rank, then its place among
            // the paper's authors.
            let at = (first, i as u32);
            match forms[place].iter_mut().find(|(form, ..)| *form == written) {
                Some((_, count, seen)) => {
                    *count += 1;
                    *seen = (*seen).min(at);
                }
                None => forms[place].push((written, 1, at)),
            }
        }
    }
    let forms: Vec<Vec<(&str, u32)>> = forms
        .into_iter()
        .map(|mut written| {
            written.sort_by_key(|form| form.2);
            written
                .into_iter()
                .map(|(form, count, _)| (form, count))
                .collect()
        })
        .collect();
    let names: Vec<(String, bool)> = forms.into_iter().map(most_common_form).collect();
    // Slugs from the key (not the shown name), so a new spelling does not move the page.
    let keys: Vec<String> = chosen
        .iter()
        .enumerate()
        .map(|(place, _)| {
            let Some(&first) = lists[place].first() else {
                return String::new();
            };
            let i = numbers[first]
                .iter()
                .position(|&n| by_number.get(n as usize) == Some(&(place as u32)))
                .unwrap_or(0);
            papers[first].authors.get(i).map(key_of).unwrap_or_default()
        })
        .collect();
    let slugs = unique_slugs(&keys);
    // Sorted by slug; the numbers follow their authors.
    let mut authors: Vec<(usize, Author)> = slugs
        .into_iter()
        .zip(names)
        .zip(lists)
        .map(|((slug, (name, name_tied)), papers)| Author {
            slug,
            name,
            papers,
            name_tied,
        })
        .enumerate()
        .collect();
    authors.sort_unstable_by(|a, b| a.1.slug.cmp(&b.1.slug));
    let mut new_place = vec![0u32; authors.len()];
    for (new, (old, _)) in authors.iter().enumerate() {
        new_place[*old] = new as u32;
    }
    for &n in &chosen {
        let slot = &mut by_number[n as usize];
        *slot = new_place[*slot as usize];
    }
    let authors = authors.into_iter().map(|(_, author)| author).collect();
    AuthorIndex { authors, by_number }
}

/// A written form of an author's name, how many papers write it, and where it is first seen:
/// its paper's listing rank and its place among that paper's authors.
type Form<'a> = (&'a str, u32, (u32, u32));

/// The form of a name shown most often among `written` (each written form with its count, in
/// the order first seen: newest paper first); of equally frequent ones, the first seen. With
/// it, whether another form is shown as often.
fn most_common_form(written: Vec<(&str, u32)>) -> (String, bool) {
    let mut shown: Vec<(String, u32)> = Vec::with_capacity(written.len());
    for (form, count) in written {
        let form = squash(&display_name(form));
        match shown.iter_mut().find(|(s, _)| *s == form) {
            Some((_, total)) => *total += count,
            None => shown.push((form, count)),
        }
    }
    // Stable: of equal counts the first seen stays first.
    shown.sort_by_key(|form| std::cmp::Reverse(form.1));
    let tied = shown.len() > 1 && shown[0].1 == shown[1].1;
    let name = shown.into_iter().next().map(|(name, _)| name);
    (name.unwrap_or_default(), tied)
}

/// Calls `f` once for each person of `list` (a paper may name one person twice, written two
/// ways), skipping entries that name nobody. `seen` is scratch space.
fn for_each_person(list: &[u32], seen: &mut Vec<u32>, mut f: impl FnMut(u32)) {
    seen.clear();
    for &n in list {
        if n != NO_AUTHOR && !seen.contains(&n) {
            seen.push(n);
            f(n);
        }
    }
}

/// `text` with runs of whitespace made one space, trimmed.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A slug for each key (`ada lovelace` is `ada-lovelace`), unique: keys are words of ASCII
/// letters and digits, so different keys give different slugs unless cut to the longest folder
/// name ([`MAX_SEGMENT_BYTES`]); then, of the keys sharing a slug, the smallest keeps it and
/// the others get `-2`, `-3`, … in key order (skipping slugs taken), so the result depends only
/// on which keys there are.
pub(crate) fn unique_slugs(keys: &[String]) -> Vec<String> {
    let natural: Vec<String> = keys.iter().map(|k| base_slug(k)).collect();
    let mut groups: AHashMap<&str, Vec<usize>> = AHashMap::new();
    for (i, slug) in natural.iter().enumerate() {
        groups.entry(slug.as_str()).or_default().push(i);
    }
    let taken: std::collections::HashSet<&str> = natural.iter().map(String::as_str).collect();
    let mut slugs = natural.clone();
    let mut shared: Vec<(&str, Vec<usize>)> = groups
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .collect();
    shared.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut given: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (slug, mut ids) in shared {
        ids.sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]));
        let mut suffix = 2;
        for &i in &ids[1..] {
            loop {
                let candidate = format!("{slug}-{suffix}");
                suffix += 1;
                if !taken.contains(candidate.as_str()) && given.insert(candidate.clone()) {
                    slugs[i] = candidate;
                    break;
                }
            }
        }
    }
    slugs
}

/// A key's slug before collisions: its words joined by `-`, cut at a word boundary to leave
/// room for a `-N` suffix within [`MAX_SEGMENT_BYTES`].
fn base_slug(key: &str) -> String {
    let limit = MAX_SEGMENT_BYTES - 8;
    let mut slug = String::with_capacity(key.len().min(limit));
    for word in key.split(' ') {
        let extra = word.len() + usize::from(!slug.is_empty());
        if slug.len() + extra > limit {
            if slug.is_empty() {
                slug.push_str(&word[..limit]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    slug
}

#[cfg(test)]
mod tests;
