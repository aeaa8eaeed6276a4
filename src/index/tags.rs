//! The tag index: every tag (written in records or given by keyword phrases) with its papers.

use std::collections::BTreeMap;

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

/// Builds the tag list (sorted by slug) and each paper's tags (indices into it, sorted by name).
/// `keyword_tags[id]` are the keyword tags paper `id` matched.
pub fn build(
    papers: &[Paper],
    keyword_tags: &[Vec<&str>],
    order: &[PaperId],
) -> (Vec<Tag>, Vec<Vec<usize>>) {
    // Slugs of every paper's tags, own and keyword, and the names seen for each slug.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let per_paper: Vec<Vec<String>> = papers
        .iter()
        .enumerate()
        .map(|(id, paper)| {
            let keyword = keyword_tags[id].iter().copied();
            let mut slugs: Vec<String> = Vec::new();
            for name in paper.tags.iter().map(String::as_str).chain(keyword) {
                let slug = slugify(name);
                // Keep one spelling per slug; the smallest wins so every build agrees.
                names
                    .entry(slug.clone())
                    .and_modify(|n| {
                        if name < n.as_str() {
                            *n = name.to_string()
                        }
                    })
                    .or_insert_with(|| name.to_string());
                if !slugs.contains(&slug) {
                    slugs.push(slug);
                }
            }
            slugs
        })
        .collect();
    let mut tags: Vec<Tag> = names
        .into_iter()
        .map(|(slug, name)| Tag {
            slug,
            name,
            papers: Vec::new(),
        })
        .collect();
    let position: BTreeMap<&str, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    let mut paper_tags: Vec<Vec<usize>> = per_paper
        .iter()
        .map(|slugs| slugs.iter().map(|s| position[s.as_str()]).collect())
        .collect();
    for &id in order {
        for &tag in &paper_tags[id] {
            tags[tag].papers.push(id);
        }
    }
    for list in &mut paper_tags {
        list.sort_by(|a, b| tags[*a].name.cmp(&tags[*b].name));
    }
    (tags, paper_tags)
}
