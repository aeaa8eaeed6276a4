//! The tag index: every tag (written in records or given by keyword phrases) with its papers.

use ahash::AHashMap;
use rayon::prelude::*;

use super::PaperId;
use crate::record::Paper;
use crate::slug::slugify;

/// A tag and its papers in listing order.
#[derive(Debug, Clone)]
pub struct Tag {
    /// URL segment: `/tags/<slug>/`.
    pub slug: String,
    /// The name shown to readers.
    pub name: String,
    /// Papers with the tag, in listing order (newest first).
    pub papers: Vec<PaperId>,
}

/// The site path of a tag's first page: `tags/<slug>/`.
pub fn tag_path(slug: &str) -> String {
    format!("tags/{slug}/")
}

/// One tag of one paper: the name as written and its slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaperTag {
    /// The name as written (in the record or as a keyword tag).
    pub name: String,
    /// Its URL slug.
    pub slug: String,
}

/// A paper's tags: its own, then the keyword tags it matched, one per slug. Computed once per
/// record (slugifying is the costly part), so rebuilding the index does not redo it.
pub fn paper_tags(paper: &Paper, keyword_tags: &[&str]) -> Vec<PaperTag> {
    let mut tags: Vec<PaperTag> = Vec::new();
    for name in paper
        .tags
        .iter()
        .map(String::as_str)
        .chain(keyword_tags.iter().copied())
    {
        let slug = slugify(name);
        if !tags.iter().any(|t| t.slug == slug) {
            tags.push(PaperTag {
                name: name.to_string(),
                slug,
            });
        }
    }
    tags
}

/// Builds the tag list (sorted by slug) and each paper's tags (indices into it, sorted by name)
/// from each paper's [`paper_tags`]. Papers are listed under a tag in `order`.
pub fn build(per_paper: &[Vec<PaperTag>], order: &[PaperId]) -> (Vec<Tag>, Vec<Vec<usize>>) {
    // One name per slug; the smallest spelling wins so every build agrees.
    // ahash: this map sees every tag of every paper on each rebuild of the index.
    fn keep_smallest<'a>(names: &mut AHashMap<&'a str, &'a str>, slug: &'a str, name: &'a str) {
        names
            .entry(slug)
            .and_modify(|n| {
                if name < *n {
                    *n = name
                }
            })
            .or_insert(name);
    }
    let names: AHashMap<&str, &str> = per_paper
        .par_iter()
        .fold(AHashMap::new, |mut names, tags| {
            for tag in tags {
                keep_smallest(&mut names, &tag.slug, &tag.name);
            }
            names
        })
        .reduce(AHashMap::new, |mut a, b| {
            for (slug, name) in b {
                keep_smallest(&mut a, slug, name);
            }
            a
        });
    let mut sorted: Vec<(&str, &str)> = names.into_iter().collect();
    sorted.sort_unstable();
    let position: AHashMap<&str, usize> = sorted
        .iter()
        .enumerate()
        .map(|(i, (slug, _))| (*slug, i))
        .collect();
    let mut tags: Vec<Tag> = sorted
        .iter()
        .map(|(slug, name)| Tag {
            slug: slug.to_string(),
            name: name.to_string(),
            papers: Vec::new(),
        })
        .collect();
    let mut paper_tags: Vec<Vec<usize>> = per_paper
        .par_iter()
        .map(|list| list.iter().map(|t| position[t.slug.as_str()]).collect())
        .collect();
    for &id in order {
        for &tag in &paper_tags[id] {
            tags[tag].papers.push(id);
        }
    }
    paper_tags
        .par_iter_mut()
        .for_each(|list| list.sort_by(|a, b| tags[*a].name.cmp(&tags[*b].name)));
    (tags, paper_tags)
}
