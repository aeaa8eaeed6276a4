//! Related papers: for each paper, the few others whose words it shares most.
//!
//! Each paper is a TF-IDF vector (sublinear term frequency `1 + ln w`, inverse document frequency
//! `ln((N + 1) / df)`, with `df` from 64 up rounded to 6 significant bits: see [`weighed_df`])
//! scaled to unit length, and two papers are as related as the cosine of their vectors. Comparing every pair would be quadratic, so the cosine is approximated the
//! usual way, in near-linear time:
//!
//! 1. Each paper keeps its 24 strongest *informative* terms (`INDEXED_TERMS`): terms shared
//!    with at least one other paper, and in at most max(50, N / 50) papers.
//! 2. An inverted index maps each term to the papers that kept it.
//! 3. For each paper, the postings of its 20 strongest terms (`QUERY_TERMS`) are scanned, at
//!    most 256 per term (`MAX_POSTINGS_SCANNED`), strongest first, and the products of weights
//!    summed per candidate paper in a reused per-thread array; the `k` best candidates are its
//!    related papers.
//!
//! A score is thus a partial dot product of the two unit vectors: the terms which dominate the
//! cosine, without the common words that make every paper look a little like every other.
//!
//! After a few papers' words changed, [`changed_lists`] (`update.rs`) makes again only the
//! lists the change can reach, with the same result, from the terms each paper kept
//! ([`KeptLists`]) when the lists were last made.
//!
//! The result is deterministic: it depends only on the papers, not on the thread count, the
//! scheduling or how term ids are numbered. Weights are quantised to integers before anything
//! is summed, so every sum is exact and its order does not matter; every choice between equals
//! (which terms a paper keeps, which postings are scanned, which candidates win) is made by
//! weight and then by paper index, never by term id.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::terms::TermsRef;

/// Terms of a paper in the inverted index, strongest first: a paper can be found through any
/// of them.
///
/// A couple of dozen terms carry most of a paper's TF-IDF mass; more makes the index bigger
/// and the scan slower for little change in the ranking.
const INDEXED_TERMS: usize = 24;

/// Terms of a paper looked up in the index to find its candidates: the strongest of its
/// [`INDEXED_TERMS`]. Fewer than indexed, because the scan costs a posting list per query
/// term while the extra indexed terms cost one posting each.
const QUERY_TERMS: usize = 20;

/// Extra places for terms tying with the last of [`INDEXED_TERMS`] or [`QUERY_TERMS`].
///
/// Choosing among tied terms would have to go by term id, which would make the result depend
/// on how terms are numbered; instead a tied group straddling the limit is kept whole if this
/// many extra places hold it, and dropped whole otherwise.
const TIE_ALLOWANCE: usize = 8;

/// Most postings scanned per query term, strongest first (ties by paper index).
///
/// Bounds the work per paper whatever the term distribution; the postings skipped are the
/// papers where the term matters least.
const MAX_POSTINGS_SCANNED: usize = 256;

/// Papers per parallel task when scoring: amortises the task's score buffer (one `u32` per
/// paper) over many papers.
const SCORING_CHUNK: usize = 1024;

/// Fixed-point scale of a unit vector's components once quantised to `u16`.
///
/// With components at most `2^15`, the dot product of two quantised unit vectors is at most
/// about `2^30` (Cauchy–Schwarz, plus rounding), so scores accumulate exactly in a `u32`.
const UNIT_SCALE: f64 = 32768.0;

/// Fixed-point scale of raw TF-IDF weights, used only to compute a paper's vector length as an
/// exact integer sum (a floating-point sum would depend on the order of the terms, so on how
/// they are numbered). Steps of 2^-16 are far finer than the final quantisation.
const RAW_SCALE: f64 = 65536.0;

/// Up to `k` related papers for each paper, by index into `docs`, best first.
///
/// `docs[i]` is paper i's weighted terms: (term id, weight) pairs sorted by term id, each id
/// at most once; weights already include field boosts (a title word counts 5, a tag word 5,
/// an author-name token 3, each abstract occurrence 1). Term ids are dense: < vocab_len.
///
/// A paper is never related to itself. Papers sharing no informative term are not related, so
/// a list may be shorter than `k`, or empty. Equal scores go to the smaller paper index.
/// Pairs with a term id of `vocab_len` or more, or a weight of 0, are ignored, as are papers
/// past index `u32::MAX` (they get no related papers and are related to none).
///
/// Also returns the terms each paper kept, for [`changed_lists`] after an edit.
pub(crate) fn related(
    docs: &[TermsRef<'_>],
    vocab_len: usize,
    k: usize,
) -> (Vec<Vec<u32>>, KeptLists) {
    related_scanning(docs, vocab_len, k, MAX_POSTINGS_SCANNED)
}

/// [`related`], scanning at most `scanned` postings per query term (tests make it small, to
/// have long lists in small collections).
fn related_scanning(
    docs: &[TermsRef<'_>],
    vocab_len: usize,
    k: usize,
    scanned: usize,
) -> (Vec<Vec<u32>>, KeptLists) {
    if k == 0 || docs.is_empty() {
        return (vec![Vec::new(); docs.len()], KeptLists::default());
    }
    let doc_freq = document_frequencies(docs, vocab_len);
    let stats = term_stats(&doc_freq, docs.len());
    let max_df = max_informative_df(docs.len());
    let kept: Vec<KeptTerms> = docs
        .par_iter()
        .enumerate()
        .map_init(Scratch::default, |scratch, (doc, terms)| {
            if u32::try_from(doc).is_err() {
                return KeptTerms::default();
            }
            kept_terms(*terms, &stats, max_df, scratch)
        })
        .collect();
    let index = InvertedIndex::build(&kept, vocab_len, scanned);
    let lists = (0..docs.len())
        .into_par_iter()
        .with_min_len(SCORING_CHUNK)
        .map_init(
            || Accumulator::new(docs.len()),
            |accumulator, doc| match u32::try_from(doc) {
                Ok(doc_id) => accumulator.best(doc_id, kept[doc].query(), &index, k),
                Err(_) => Vec::new(),
            },
        )
        .collect();
    (lists, KeptLists(kept, doc_freq))
}

/// Highest document frequency of a term still used for matching: a term in more than 2% of
/// the papers (or 50, for small collections) says little about any of them, and its long
/// postings would dominate the running time.
fn max_informative_df(doc_count: usize) -> u32 {
    u32::try_from((doc_count / 50).max(50)).unwrap_or(u32::MAX)
}

/// A term of a paper with its quantised unit-vector weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct TermWeight {
    term: u32,
    weight: u16,
}

/// A paper in a term's posting list, with the term's quantised weight in that paper.
#[derive(Clone, Copy, Debug)]
struct Posting {
    doc: u32,
    weight: u16,
}

/// The terms a paper keeps for matching.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct KeptTerms {
    /// Strongest first; all of them go into the inverted index.
    terms: Vec<TermWeight>,
    /// How many of `terms`, from the first, are looked up to find the paper's candidates.
    query_len: usize,
}

/// The terms each paper kept (by paper index) when related papers were last made: with them,
/// [`changed_lists`] weighs again only the papers an edit can change (at 100,000 papers,
/// weighing every paper's words takes a fifth of a second). Empty when no lists were made.
///
/// Also each term's document frequency then, when made in this process (not kept in the
/// build cache: read back, it is empty): with it, [`changed_lists`] counts the frequencies
/// now from the edited papers alone instead of every paper's words (30–45 ms at 100,000).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KeptLists(Vec<KeptTerms>, #[serde(skip)] Vec<u32>);

impl KeptLists {
    /// Papers it has terms for.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether each paper's query terms are among its terms and every term is one of
    /// `vocab_len` (as made; lists read back from elsewhere are checked before use).
    pub(crate) fn is_sound(&self, vocab_len: usize) -> bool {
        self.0.iter().all(|kept| {
            kept.query_len <= kept.terms.len()
                && kept.terms.iter().all(|t| (t.term as usize) < vocab_len)
        })
    }

    /// Bytes it holds on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.0.capacity() * std::mem::size_of::<KeptTerms>()
            + self
                .0
                .iter()
                .map(|kept| kept.terms.capacity() * std::mem::size_of::<TermWeight>())
                .sum::<usize>()
    }
}

impl KeptTerms {
    /// The terms looked up to find this paper's candidates.
    fn query(&self) -> &[TermWeight] {
        &self.terms[..self.query_len]
    }
}

/// Number of papers containing each term, counted in parallel (integer sums, so the split does
/// not matter).
fn document_frequencies(docs: &[TermsRef<'_>], vocab_len: usize) -> Vec<u32> {
    /// Papers per parallel task: enough to amortise the task's count array.
    const CHUNK: usize = 4096;
    docs.par_chunks(CHUNK)
        .map(|chunk| {
            let mut counts = vec![0u32; vocab_len];
            for (term, weight) in chunk.iter().flat_map(|terms| terms.iter()) {
                if weight > 0
                    && let Some(count) = counts.get_mut(term as usize)
                {
                    *count += 1;
                }
            }
            counts
        })
        .reduce_with(|mut total, counts| {
            for (sum, count) in total.iter_mut().zip(counts) {
                *sum += count;
            }
            total
        })
        .unwrap_or_default()
}

/// What a paper's weighting needs of a term, side by side so one memory read brings both.
#[derive(Clone, Copy, Debug)]
struct TermStat {
    /// Inverse document frequency, `ln((N + 1) / df)` of the [`weighed_df`].
    idf: f64,
    /// Document frequency: papers with the term.
    df: u32,
}

impl TermStat {
    /// Whether a paper holding the term weighs its terms the same with either: the same inverse
    /// document frequency, and the term informative in both or neither (see [`kept_terms`]).
    fn weighs_as(&self, other: &TermStat, max_df: u32) -> bool {
        let informative = |df: u32| (2..=max_df).contains(&df);
        self.idf.to_bits() == other.idf.to_bits() && informative(self.df) == informative(other.df)
    }
}

/// Significant bits a document frequency keeps in a term's weight ([`weighed_df`]).
const DF_BITS: u32 = 6;

/// The document frequency a term's inverse document frequency is computed from: `df` itself
/// below 64, from 64 up `df` rounded to its 6 leading bits (the middle of its step), within 1.6%
/// of it, so within 0.016 of the term's exact weight `ln((N + 1) / df)`.
///
/// The weights barely change, but an edit changes far fewer of them: a common word's count
/// moving by one (a tag or an abstract edited) used to move the weight of that word, and the
/// vector length, of every paper holding it (80,000 papers weighed again for a tag edit at
/// 100,000); now only when the count crosses a step, which for a word in 5,000 papers is about
/// one edit in 128.
fn weighed_df(df: u32) -> u32 {
    let bits = u32::BITS - df.leading_zeros();
    if bits <= DF_BITS {
        return df.max(1);
    }
    let shift = bits - DF_BITS;
    ((df >> shift) << shift) | (1 << (shift - 1))
}

/// Document frequency and inverse document frequency, `ln((N + 1) / df)` of the
/// [`weighed_df`] (positive even for a term in every paper), of each term. Computed once per
/// term rather than once per occurrence.
fn term_stats(doc_freq: &[u32], doc_count: usize) -> Vec<TermStat> {
    let numerator = doc_count as f64 + 1.0;
    doc_freq
        .iter()
        .map(|&df| TermStat {
            idf: (numerator / f64::from(weighed_df(df))).ln(),
            df,
        })
        .collect()
}

/// Sublinear term frequency `1 + ln w`: a title word (5) counts 2.6 abstract occurrences, not 5.
/// Most weights are 1, which needs no logarithm, and most others are small: read from a table
/// made with the same formula.
fn term_frequency(weight: u16) -> f64 {
    static SMALL: std::sync::LazyLock<[f64; 64]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|w| 1.0 + (w as f64).ln()));
    match weight {
        1 => 1.0,
        w if usize::from(w) < SMALL.len() => SMALL[usize::from(w)],
        w => 1.0 + f64::from(w).ln(),
    }
}

/// Reused buffers for [`kept_terms`].
#[derive(Default)]
struct Scratch {
    /// Informative terms of the paper with their fixed-point raw weights.
    raw: Vec<(u64, u32)>,
    /// The same, quantised to the unit vector.
    quantised: Vec<TermWeight>,
}

/// A paper's strongest informative terms, with their quantised unit-vector weights.
///
/// The vector length counts every term of the paper, informative or not, so the kept weights
/// are the true components of the unit vector and scores are comparable across papers.
fn kept_terms(
    terms: TermsRef<'_>,
    stats: &[TermStat],
    max_df: u32,
    Scratch { raw, quantised }: &mut Scratch,
) -> KeptTerms {
    raw.clear();
    let mut squared_length: u128 = 0;
    for (term, weight) in terms.iter() {
        let Some(&TermStat { idf, df }) = stats.get(term as usize) else {
            continue;
        };
        if weight == 0 {
            continue;
        }
        let fixed = (term_frequency(weight) * idf * RAW_SCALE).round() as u64;
        squared_length += u128::from(fixed) * u128::from(fixed);
        // A term of a single paper can match nothing; a term that is too common matches
        // everything. Neither deserves one of the few kept places.
        if (2..=max_df).contains(&df) {
            raw.push((fixed, term));
        }
    }
    if squared_length == 0 {
        return KeptTerms::default();
    }
    let length = (squared_length as f64).sqrt();
    quantised.clear();
    quantised.extend(raw.iter().filter_map(|&(fixed, term)| {
        let weight = (fixed as f64 / length * UNIT_SCALE).round().min(UNIT_SCALE) as u16;
        (weight > 0).then_some(TermWeight { term, weight })
    }));
    quantised.sort_unstable_by_key(|term| std::cmp::Reverse(term.weight));
    let indexed_len = strongest_count(quantised, INDEXED_TERMS);
    let query_len = strongest_count(&quantised[..indexed_len], QUERY_TERMS);
    KeptTerms {
        // A copy with exact capacity: these lists live until the end, one per paper.
        terms: quantised[..indexed_len].to_vec(),
        query_len,
    }
}

/// How many of `terms` (sorted strongest first) to keep: the `count` strongest, or more or
/// fewer when terms tie for the last place (see [`TIE_ALLOWANCE`]).
///
/// The order among equal weights is arbitrary, so the cut never falls inside such a group.
fn strongest_count(terms: &[TermWeight], count: usize) -> usize {
    if terms.len() <= count || count == 0 {
        return terms.len().min(count);
    }
    let threshold = terms[count - 1].weight;
    let with_ties = terms.partition_point(|term| term.weight >= threshold);
    if with_ties <= count + TIE_ALLOWANCE {
        with_ties
    } else {
        terms.partition_point(|term| term.weight > threshold)
    }
}

/// For each term, the papers that kept it; lists longer than [`MAX_POSTINGS_SCANNED`] are
/// ordered strongest first, then by paper index, so the scanned prefix is well defined.
struct InvertedIndex {
    /// `postings[offsets[t]..offsets[t + 1]]` are term t's postings.
    offsets: Vec<usize>,
    postings: Vec<Posting>,
    /// Postings scanned per term ([`MAX_POSTINGS_SCANNED`] but in tests).
    scanned: usize,
}

impl InvertedIndex {
    fn build(kept: &[KeptTerms], vocab_len: usize, scanned: usize) -> Self {
        let mut offsets = vec![0usize; vocab_len + 1];
        for term in kept.iter().flat_map(|kept| &kept.terms) {
            offsets[term.term as usize + 1] += 1;
        }
        for term in 0..vocab_len {
            offsets[term + 1] += offsets[term];
        }
        let mut next = offsets.clone();
        let mut postings = vec![Posting { doc: 0, weight: 0 }; offsets[vocab_len]];
        for (doc, kept) in kept.iter().enumerate() {
            for term in &kept.terms {
                let slot = &mut next[term.term as usize];
                // Papers past index u32::MAX keep no terms, so `doc` fits.
                postings[*slot] = Posting {
                    doc: doc as u32,
                    weight: term.weight,
                };
                *slot += 1;
            }
        }
        // Filled in paper order; only lists longer than the scanned prefix need reordering.
        let mut long_lists = Vec::new();
        let mut rest = postings.as_mut_slice();
        for term in 0..vocab_len {
            let (list, tail) = rest.split_at_mut(offsets[term + 1] - offsets[term]);
            if list.len() > scanned {
                long_lists.push(list);
            }
            rest = tail;
        }
        long_lists.par_iter_mut().for_each(|list| {
            list.sort_unstable_by(|a, b| b.weight.cmp(&a.weight).then(a.doc.cmp(&b.doc)));
        });
        Self {
            offsets,
            postings,
            scanned,
        }
    }

    /// Every posting of `term`.
    fn all(&self, term: u32) -> &[Posting] {
        let term = term as usize;
        &self.postings[self.offsets[term]..self.offsets[term + 1]]
    }

    /// The postings of `term` that are scanned.
    fn scanned(&self, term: u32) -> &[Posting] {
        let term = term as usize;
        let list = &self.postings[self.offsets[term]..self.offsets[term + 1]];
        &list[..list.len().min(self.scanned)]
    }
}

/// Per-thread buffers for scoring one paper's candidates: a dense score per paper (much cheaper
/// than a hash map per paper) and the papers touched, so only those are read and reset.
struct Accumulator {
    scores: Vec<u32>,
    touched: Vec<u32>,
}

impl Accumulator {
    fn new(doc_count: usize) -> Self {
        Self {
            scores: vec![0; doc_count],
            touched: Vec::new(),
        }
    }

    /// The `k` (at least 1) best-scoring papers other than `doc`, best first, equal scores by
    /// paper index; `query` are `doc`'s query terms.
    fn best(
        &mut self,
        doc: u32,
        query: &[TermWeight],
        index: &InvertedIndex,
        k: usize,
    ) -> Vec<u32> {
        for term in query {
            for posting in index.scanned(term.term) {
                if posting.doc == doc {
                    continue;
                }
                let score = &mut self.scores[posting.doc as usize];
                if *score == 0 {
                    self.touched.push(posting.doc);
                }
                // Kept weights are positive, so a touched score is never 0 again. Saturating
                // only as a guard: unit vectors keep the sum near 2^30 at most (see UNIT_SCALE).
                *score = score.saturating_add(u32::from(term.weight) * u32::from(posting.weight));
            }
        }
        let scores = &self.scores;
        let better =
            |a: &u32, b: &u32| scores[*b as usize].cmp(&scores[*a as usize]).then(a.cmp(b));
        let best_len = self.touched.len().min(k);
        if self.touched.len() > best_len && best_len > 0 {
            self.touched.select_nth_unstable_by(best_len - 1, better);
        }
        self.touched[..best_len].sort_unstable_by(better);
        let best = self.touched[..best_len].to_vec();
        for &candidate in &self.touched {
            self.scores[candidate as usize] = 0;
        }
        self.touched.clear();
        best
    }
}

mod lists;
mod update;

pub(crate) use lists::{RelatedLists, listing_any};
pub(crate) use update::changed_lists;

#[cfg(test)]
mod tests;
