//! What a loaded site's per-paper data weighs in memory, column by column: printed with the
//! phase timings (`DIGEST_TIMINGS`), to see what dominates a large site's memory. Sizes are
//! counted from lengths and capacities (the allocator's own overhead, about 16 bytes an
//! allocation, is not in them).

use std::collections::BTreeMap;
use std::mem::size_of;

use super::Site;

/// Prints the weights when `DIGEST_TIMINGS` is set.
pub(super) fn print_if_timing(site: &Site) {
    if std::env::var_os("DIGEST_TIMINGS").is_none() {
        return;
    }
    let weights = weigh(site);
    let papers = site.papers.columns().paths.len().max(1);
    let total: usize = weights.values().sum();
    let mut rows: Vec<_> = weights.into_iter().collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    eprintln!(
        "  memory of the site's data: {} MB, {} B a paper",
        total / 1_000_000,
        total / papers
    );
    if let Some(heap) = crate::memory::heap_in_use() {
        eprintln!(
            "      (the allocator has {} MB in use in all, {} B a paper: the rest is other \
             data, allocation headers and rounding)",
            heap / 1_000_000,
            heap / papers
        );
    }
    for (what, bytes) in rows {
        eprintln!(
            "      {what:<28} {:>7} MB {:>6} B a paper",
            bytes / 1_000_000,
            bytes / papers
        );
    }
}

/// Bytes held by each part of the site's data.
fn weigh(site: &Site) -> BTreeMap<&'static str, usize> {
    let string = |s: &String| size_of::<String>() + s.capacity();
    let vec =
        |bytes: usize, capacity: usize, heap: usize| size_of::<Vec<u8>>() + bytes * capacity + heap;
    let rows = site.papers.columns();
    let mut w: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut add = |what: &'static str, bytes: usize| *w.entry(what).or_default() += bytes;
    for p in &rows.papers {
        add("record: title", string(&p.title));
        add("record: path", string(&p.path));
        add(
            "record: authors",
            size_of::<crate::record::StrList>() + p.authors.heap_bytes(),
        );
        add(
            "record: tags",
            size_of::<crate::record::StrList>() + p.tags.heap_bytes(),
        );
        add(
            "record: links",
            size_of::<std::collections::BTreeMap<String, String>>()
                + p.links
                    .iter()
                    .map(|(k, v)| string(k) + string(v))
                    .sum::<usize>(),
        );
        add(
            "record: tldr",
            p.tldr.as_ref().map_or(size_of::<Option<String>>(), string),
        );
        add("record: slug", string(&p.slug));
        add(
            "record: other fields",
            size_of::<crate::record::Paper>() - 7 * size_of::<String>(),
        );
    }
    add(
        "record file paths",
        rows.paths
            .iter()
            .map(|p| size_of::<std::path::PathBuf>() + p.capacity())
            .sum(),
    );
    add("summaries", rows.summaries.iter().map(string).sum());
    add(
        "citation keys",
        (rows.cite_bases.iter())
            .map(|b| size_of::<crate::export::cite_key::CiteBase>() + b.capacity())
            .chain(site.cite_keys.iter().map(string))
            .sum(),
    );
    add(
        "tags (own and keyword)",
        rows.tags
            .iter()
            // The texts are shared by every paper with the tag (see `TagKeys::key`).
            .map(|t| vec(size_of::<crate::index::tags::PaperTag>(), t.capacity(), 0))
            .sum(),
    );
    add(
        "words (terms)",
        rows.terms
            .iter()
            .map(|t| size_of::<crate::terms::Terms>() + t.packed_len())
            .sum(),
    );
    add(
        "keyword matches",
        rows.topics
            .iter()
            .map(|t| {
                vec(
                    size_of::<crate::index::TopicMatch>(),
                    t.capacity(),
                    t.iter()
                        .map(|m| m.reasons.capacity() * size_of::<crate::index::keywords::Reason>())
                        .sum(),
                )
            })
            .sum(),
    );
    add(
        "author numbers, feeds",
        rows.author_numbers
            .iter()
            .map(|a| vec(4, a.capacity(), 0))
            .sum::<usize>()
            + rows
                .feeds
                .iter()
                .map(|f| vec(2, f.capacity(), 0))
                .sum::<usize>(),
    );
    add(
        "body refs and hashes",
        rows.paths.len() * (size_of::<crate::markdown::store::BodyRef>() + 6 * 8),
    );
    add(
        "related papers",
        site.related
            .iter()
            .map(|r| vec(size_of::<usize>(), r.capacity(), 0))
            .sum(),
    );
    add("related papers: terms kept", site.related_kept.heap_bytes());
    add("related papers: listed by", site.related.listed_by_bytes());
    add(
        "planned pages",
        site.pages
            .iter()
            .map(|p| size_of_val(p) + p.path.capacity())
            .sum(),
    );
    let words = site.vocabulary.words();
    add(
        "vocabulary (words twice)",
        words.len() * (2 * size_of::<Box<str>>() + 8)
            + 2 * words.iter().map(|w| w.len()).sum::<usize>(),
    );
    add("bodies kept in memory", site.bodies.in_memory_bytes());
    let index = &site.index;
    let ids = |v: &Vec<usize>| size_of::<Vec<usize>>() + v.capacity() * size_of::<usize>();
    add(
        "index: days, tags, paper tags",
        index.days.iter().map(|d| ids(&d.papers)).sum::<usize>()
            + index.tags.iter().map(|t| ids(&t.papers)).sum::<usize>()
            + index.paper_tags.iter().map(ids).sum::<usize>()
            + index.order.capacity() * size_of::<usize>(),
    );
    w
}
