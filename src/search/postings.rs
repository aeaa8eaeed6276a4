//! The documents' terms turned into each term's postings (a transposition), in parts of
//! bounded size: every term of the site, encoded and sorted by word.
//!
//! The postings of all terms at once take four bytes each, about 125 a paper: 500 MB at a
//! million papers, the largest thing the search index held. Terms are taken in word order and
//! cut into parts of at most [`Params::part`] postings; each part is transposed (one pass over
//! the documents, split between the threads), its terms encoded and its postings dropped before
//! the next. The
//! terms come out in the same order with the same bytes whatever the parts.

use rayon::prelude::*;

use super::{Params, SearchDoc, Term, encode_term};

/// Most postings transposed at once by a whole build: 32 MB of them, about a sixteenth of a
/// million papers' (a site of up to ~65,000 papers is one part). Each part costs one more
/// pass over the documents.
pub(super) const PART_POSTINGS: usize = 1 << 23;

/// Every term of the docs, encoded, sorted by word (ids of one word merged).
pub(super) fn encode_terms(
    docs: &[SearchDoc],
    words: &[Box<str>],
    order: &[usize],
    p: Params,
) -> Vec<Term> {
    // The documents are split by number into one range per thread; each part's postings are
    // transposed by every thread from its own range, into its own array, and a term's
    // postings are its lists from the ranges in turn (so in number order). Each range counts
    // every id's postings (4 bytes an id): at most 16 ranges, however many threads.
    let size = order
        .len()
        .div_ceil(rayon::current_num_threads().clamp(1, 16))
        .max(1);
    let ranges: Vec<&[usize]> = order.chunks(size).collect();
    // Postings per term id in each range.
    let counts: Vec<Vec<u32>> = ranges
        .par_iter()
        .map(|range| {
            let mut counts = vec![0u32; words.len()];
            for &i in *range {
                for (id, weight) in docs[i].terms.iter() {
                    if let Some(count) = counts.get_mut(id as usize)
                        && weight > 0
                    {
                        *count += 1;
                    }
                }
            }
            counts
        })
        .collect();
    let total = |id: u32| -> usize { counts.iter().map(|c| c[id as usize] as usize).sum() };
    // Terms sorted by word (ids of one word together, in case the vocabulary repeats a word).
    let mut ids: Vec<u32> = (0..words.len() as u32)
        .filter(|&id| total(id) > 0 && !words[id as usize].is_empty())
        .collect();
    ids.par_sort_unstable_by(|&a, &b| words[a as usize].cmp(&words[b as usize]).then(a.cmp(&b)));
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    while start < ids.len() {
        let word = &words[ids[start] as usize];
        let n = ids[start..]
            .iter()
            .take_while(|&&id| words[id as usize] == *word)
            .count();
        groups.push(start..start + n);
        start += n;
    }

    // Parts: runs of whole words of at most `p.part` postings (a bigger word alone).
    let mut encoded = Vec::with_capacity(groups.len());
    let mut slot = vec![u32::MAX; words.len()];
    let mut first = 0;
    while first < groups.len() {
        let mut end = first;
        let mut postings = 0;
        while end < groups.len() {
            let more: usize = ids[groups[end].clone()].iter().map(|&id| total(id)).sum();
            if end > first && postings + more > p.part.max(1) {
                break;
            }
            postings += more;
            end += 1;
        }
        let part = Part {
            ids: &ids[groups[first].start..groups[end - 1].end],
            groups: &groups[first..end],
        };
        encoded.extend(part.encode(docs, words, &ranges, &counts, &mut slot, p.cap));
        first = end;
    }
    encoded
}

/// Consecutive words (in word order) transposed together.
struct Part<'a> {
    /// Their ids, by word.
    ids: &'a [u32],
    /// Each word's ids, as places in the whole list of ids (the part's first is `ids[0]`).
    groups: &'a [std::ops::Range<usize>],
}

impl Part<'_> {
    /// The part's terms, encoded, by word, from the documents numbered by `ranges` (in turn)
    /// and the postings per id in each (`counts`). `slot` is `u32::MAX` for every id, and is
    /// left so.
    fn encode(
        &self,
        docs: &[SearchDoc],
        words: &[Box<str>],
        ranges: &[&[usize]],
        counts: &[Vec<u32>],
        slot: &mut [u32],
        cap: usize,
    ) -> Vec<Term> {
        for (place, &id) in self.ids.iter().enumerate() {
            slot[id as usize] = place as u32;
        }
        let slot_of: &[u32] = slot;
        // Each range's postings of the part in one flat array (CSR) by the id's place in the
        // part, filled in document-number order, each packed as `number << 8 | weight`
        // (weights saturate at 255): one cache miss per posting.
        let lists: Vec<(Vec<usize>, Vec<u32>)> = ranges
            .par_iter()
            .zip(counts)
            .enumerate()
            .map(|(r, (range, counts))| {
                let mut starts = Vec::with_capacity(self.ids.len() + 1);
                starts.push(0usize);
                for (place, &id) in self.ids.iter().enumerate() {
                    starts.push(starts[place] + counts[id as usize] as usize);
                }
                let mut packed = vec![0u32; starts[self.ids.len()]];
                let mut fill = starts[..self.ids.len()].to_vec();
                let base: usize = ranges[..r].iter().map(|range| range.len()).sum();
                for (k, &i) in range.iter().enumerate() {
                    for (id, weight) in docs[i].terms.iter() {
                        if let Some(&place) = slot_of.get(id as usize)
                            && place != u32::MAX
                            && weight > 0
                        {
                            let at = &mut fill[place as usize];
                            packed[*at] = ((base + k) as u32) << 8 | u32::from(weight.min(255));
                            *at += 1;
                        }
                    }
                }
                (starts, packed)
            })
            .collect();
        for &id in self.ids {
            slot[id as usize] = u32::MAX;
        }

        // Each term's JSON member `"word":[..]` and document frequency, in parallel.
        let offset = self.groups[0].start;
        self.groups
            .par_iter()
            .map(|group| {
                let mut postings: Vec<(u32, u32)> = Vec::new();
                for place in group.start - offset..group.end - offset {
                    for (starts, packed) in &lists {
                        let range = starts[place]..starts[place + 1];
                        postings.extend(packed[range].iter().map(|&x| (x >> 8, x & 255)));
                    }
                }
                let word: &str = &words[self.ids[group.start - offset] as usize];
                encode_term(word, postings, group.len() > 1, cap)
            })
            .collect()
    }
}
