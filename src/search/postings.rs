//! The documents' terms turned into each term's postings (a transposition), in parts of
//! bounded size: every term of the site, encoded and sorted by word.
//!
//! The postings of all terms at once take four bytes each, about 125 a paper: 500 MB at a
//! million papers, the largest thing the search index held. Terms are taken in word order and
//! cut into parts of at most [`Params::part`] postings; each part is transposed (one pass over
//! the documents per thread), its terms encoded and its postings dropped before the next. The
//! terms come out in the same order with the same bytes whatever the parts.

use rayon::prelude::*;

use super::{Params, SearchDoc, Term, encode_term};

/// Most postings transposed at once by a whole build: 64 MB of them, about an eighth of a
/// million papers' (a site of up to ~130,000 papers is one part). Each part costs one more
/// pass over the documents per thread.
pub(super) const PART_POSTINGS: usize = 1 << 24;

/// Every term of the docs, encoded, sorted by word (ids of one word merged).
pub(super) fn encode_terms(
    docs: &[SearchDoc],
    words: &[Box<str>],
    order: &[usize],
    p: Params,
) -> Vec<Term> {
    let mut counts = vec![0usize; words.len()];
    for &i in order {
        for (id, weight) in docs[i].terms.iter() {
            if let Some(count) = counts.get_mut(id as usize)
                && weight > 0
            {
                *count += 1;
            }
        }
    }
    // Terms sorted by word (ids of one word together, in case the vocabulary repeats a word).
    let mut ids: Vec<u32> = (0..words.len() as u32)
        .filter(|&id| counts[id as usize] > 0 && !words[id as usize].is_empty())
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
            let more: usize = ids[groups[end].clone()]
                .iter()
                .map(|&id| counts[id as usize])
                .sum();
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
        encoded.extend(part.encode(docs, words, order, &counts, &mut slot, p.cap));
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
    /// The part's terms, encoded, by word. `slot` is `u32::MAX` for every id, and left so.
    fn encode(
        &self,
        docs: &[SearchDoc],
        words: &[Box<str>],
        order: &[usize],
        counts: &[usize],
        slot: &mut [u32],
        cap: usize,
    ) -> Vec<Term> {
        // The part's postings in one flat array (CSR), by the id's place in the part, filled in
        // document-number order, each packed as `number << 8 | weight` (weights saturate at
        // 255): one cache miss per posting.
        let mut starts = Vec::with_capacity(self.ids.len() + 1);
        starts.push(0usize);
        for (place, &id) in self.ids.iter().enumerate() {
            slot[id as usize] = place as u32;
            starts.push(starts[place] + counts[id as usize]);
        }
        let total = starts[self.ids.len()];
        let mut packed = vec![0u32; total];
        // The transposition is bound by scattered writes: split the places into one range per
        // thread, each filling its own part of the array (each reads every document).
        let threads = rayon::current_num_threads().max(1);
        let mut bounds = vec![0usize];
        for k in 1..threads {
            let place = starts.partition_point(|&s| s < total * k / threads);
            bounds.push(place.clamp(bounds[k - 1], self.ids.len()));
        }
        bounds.push(self.ids.len());
        let mut slices = Vec::new();
        let mut rest = &mut packed[..];
        for range in bounds.windows(2) {
            let (part, tail) =
                std::mem::take(&mut rest).split_at_mut(starts[range[1]] - starts[range[0]]);
            rest = tail;
            slices.push((range[0] as u32..range[1] as u32, part));
        }
        let slot_of: &[u32] = slot;
        slices.into_par_iter().for_each(|(places, part)| {
            let base = starts[places.start as usize];
            let mut fill: Vec<usize> = starts[places.start as usize..places.end as usize]
                .iter()
                .map(|s| s - base)
                .collect();
            for (number, &i) in order.iter().enumerate() {
                for (id, weight) in docs[i].terms.iter() {
                    if let Some(&place) = slot_of.get(id as usize)
                        && places.contains(&place)
                        && weight > 0
                    {
                        let at = &mut fill[(place - places.start) as usize];
                        part[*at] = (number as u32) << 8 | u32::from(weight.min(255));
                        *at += 1;
                    }
                }
            }
        });
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
                    let range = starts[place]..starts[place + 1];
                    postings.extend(packed[range].iter().map(|&x| (x >> 8, x & 255)));
                }
                let word: &str = &words[self.ids[group.start - offset] as usize];
                encode_term(word, postings, group.len() > 1, cap)
            })
            .collect()
    }
}
