//! Related papers after a few papers' words changed: only the lists the change can reach are
//! made again, and the result is exactly what [`related`] makes of all papers.
//!
//! A paper's list is made of its query terms and, for each, the scanned postings of the term
//! (see [`InvertedIndex::scanned`]): it can change only if its kept terms changed, or the
//! scanned postings of one of its query terms. Kept terms change only in papers read again or
//! holding a term whose weight moved with its document frequency (the paper's vector length
//! moves with it): most moves of a common word's count do not move its weight. A term's postings change only where such a paper kept, or no longer
//! keeps, the term with that weight; and its scanned postings only if one of those is among
//! the strongest scanned ones, before or after. Only the papers so reached are scored again:
//! an abstract edited at 100,000 papers scores a part of them, not all.

use rayon::prelude::*;

use super::{
    Accumulator, InvertedIndex, KeptLists, KeptTerms, MAX_POSTINGS_SCANNED, Posting, SCORING_CHUNK,
    Scratch, TermsRef, document_frequencies, kept_terms, max_informative_df, related_scanning,
    term_stats,
};

/// The lists of [`related`](super::related) that change when the words of a few papers
/// change: `docs` are every paper's words now, and `before` gives, for each paper whose words
/// changed (each at most once), its index and its words when the lists were last made, from
/// the same papers otherwise (none came or went, term ids kept). Returns each paper whose list
/// may differ, with its list now: the lists made before, with these in place, are exactly
/// what `related(docs, vocab_len, k)` gives. `kept` are the terms the papers kept when the
/// lists were last made (what that `related` or `changed_lists` returned): then only the
/// papers the edit can change are weighed again; without them (empty), every paper is.
/// Also returns the terms kept now.
pub(crate) fn changed_lists(
    docs: &[TermsRef<'_>],
    vocab_len: usize,
    k: usize,
    before: &[(usize, TermsRef<'_>)],
    kept: KeptLists,
) -> (Vec<(usize, Vec<u32>)>, KeptLists) {
    changed_lists_scanning(docs, vocab_len, k, before, MAX_POSTINGS_SCANNED, kept)
}

/// [`changed_lists`], scanning at most `scanned` postings per query term (see
/// [`related_scanning`]).
pub(super) fn changed_lists_scanning(
    docs: &[TermsRef<'_>],
    vocab_len: usize,
    k: usize,
    before: &[(usize, TermsRef<'_>)],
    scanned: usize,
    kept_then: KeptLists,
) -> (Vec<(usize, Vec<u32>)>, KeptLists) {
    let whole = || {
        let (lists, kept) = related_scanning(docs, vocab_len, k, scanned);
        (lists.into_iter().enumerate().collect(), kept)
    };
    let mut timer = crate::timing::PhaseTimer::start();
    if k == 0 || docs.is_empty() || u32::try_from(docs.len()).is_err() {
        return whole();
    }
    let KeptLists(mut kept, freq_then) = kept_then;
    // The document frequencies now and those the lists were made with. Without the latter,
    // each changed paper's words now are taken out of the counts now, and its words then put
    // back; with them, the other way round. A count that would go below zero means `before`
    // is not what the lists were made from: everything is made again.
    let known_then = !freq_then.is_empty() && freq_then.len() <= vocab_len;
    let known = if known_then {
        // Words new since hold no paper then (term ids are never given again).
        let mut freq_then = freq_then;
        freq_then.resize(vocab_len, 0);
        freq_then
    } else {
        document_frequencies(docs, vocab_len)
    };
    let mut moved_counts = known.clone();
    for &(doc, then) in before {
        let Some(&now) = docs.get(doc) else {
            return whole();
        };
        let (from, to) = if known_then { (then, now) } else { (now, then) };
        if !move_counts(&mut moved_counts, from, to) {
            return whole();
        }
    }
    let (doc_freq, old_freq) = if known_then {
        (moved_counts, known)
    } else {
        (known, moved_counts)
    };
    let stats = term_stats(&doc_freq, docs.len());
    let old_stats = term_stats(&old_freq, docs.len());
    let max_df = max_informative_df(docs.len());
    // Terms a paper holding them weighs differently now (most counts that moved by an edit
    // stay within their step: see `weighed_df`).
    let moved: Vec<bool> = stats
        .iter()
        .zip(&old_stats)
        .map(|(now, then)| !now.weighs_as(then, max_df))
        .collect();
    let then: ahash::AHashMap<usize, TermsRef<'_>> = before.iter().copied().collect();
    // Only papers edited, or holding a term whose weight moved (and the paper's vector length
    // with it), can keep other terms than when the lists were made.
    // Most edits move no weight: then no paper's words need a look.
    let reached: Vec<usize> = if moved.contains(&true) {
        (0..docs.len())
            .into_par_iter()
            .filter(|&doc| {
                then.contains_key(&doc)
                    || docs[doc]
                        .iter()
                        .any(|(term, weight)| weight > 0 && moved.get(term as usize) == Some(&true))
            })
            .collect()
    } else {
        let mut edited: Vec<usize> = then.keys().copied().collect();
        edited.sort_unstable();
        edited
    };
    // The terms kept then are trusted if they are of these papers and those of the papers
    // edited are what their words then give (else, as with no terms kept, every paper is
    // weighed): the papers reached then weigh only their words now.
    let trusted = kept.len() == docs.len()
        && before.iter().all(|&(doc, words)| {
            kept_terms(words, &old_stats, max_df, &mut Scratch::default()) == kept[doc]
        });
    // Papers whose kept terms differ from those the lists were made with, and those terms.
    let mut differing: Vec<(usize, KeptTerms)> = Vec::new();
    if trusted {
        let now: Vec<(usize, KeptTerms)> = reached
            .par_iter()
            .map_init(Scratch::default, |scratch, &doc| {
                (doc, kept_terms(docs[doc], &stats, max_df, scratch))
            })
            .collect();
        for (doc, new) in now {
            let old = std::mem::replace(&mut kept[doc], new);
            if old != kept[doc] {
                differing.push((doc, old));
            }
        }
    } else {
        kept = docs
            .par_iter()
            .map_init(Scratch::default, |scratch, terms| {
                kept_terms(*terms, &stats, max_df, scratch)
            })
            .collect();
        differing = reached
            .par_iter()
            .map_init(Scratch::default, |scratch, &doc| {
                let words = then.get(&doc).copied().unwrap_or(docs[doc]);
                (doc, kept_terms(words, &old_stats, max_df, scratch))
            })
            .filter(|(doc, old)| *old != kept[*doc])
            .collect();
    }
    timer.phase(&format!(
        "  related: kept terms ({} weighed)",
        reached.len()
    ));
    // Each posting that changed, by term: the paper, its weight then and now (`None`: the
    // paper did not keep the term).
    let mut changes: ahash::AHashMap<u32, Vec<Change>> = ahash::AHashMap::new();
    for (doc, old) in &differing {
        let new = &kept[*doc];
        let weight_in = |kept: &KeptTerms, term: u32| {
            kept.terms.iter().find(|t| t.term == term).map(|t| t.weight)
        };
        for term in old.terms.iter().chain(&new.terms).map(|t| t.term) {
            let (was, is) = (weight_in(old, term), weight_in(new, term));
            let list = changes.entry(term).or_default();
            if was != is && !list.iter().any(|c| c.doc == *doc as u32) {
                list.push(Change {
                    doc: *doc as u32,
                    was,
                    is,
                });
            }
        }
    }
    changes.retain(|_, list| !list.is_empty());
    let index = InvertedIndex::build(&kept, vocab_len, scanned);
    let mut again = vec![false; docs.len()];
    for (doc, _) in &differing {
        again[*doc] = true;
    }
    // A paper that kept a term whose scanned postings changed may query it: its list is made
    // again.
    let mut touched = 0;
    for (&term, list) in &changes {
        if scanned_same(index.all(term), list, scanned) {
            continue;
        }
        touched += 1;
        for posting in index.all(term) {
            again[posting.doc as usize] = true;
        }
    }
    let again: Vec<usize> = (0..docs.len()).filter(|&doc| again[doc]).collect();
    timer.phase(&format!(
        "  related: {} differ, {touched} of {} words' scans touched, {} to score",
        differing.len(),
        changes.len(),
        again.len()
    ));
    let lists = again
        .into_par_iter()
        .with_min_len(SCORING_CHUNK)
        .map_init(
            || Accumulator::new(docs.len()),
            |accumulator, doc| {
                let list = accumulator.best(doc as u32, kept[doc].query(), &index, k);
                (doc, list)
            },
        )
        .collect();
    timer.phase("  related: scored");
    (lists, KeptLists(kept, doc_freq))
}

/// Moves one paper's words from `from` to `to` in the document frequencies `counts`: false
/// when a count would go below zero (the counts are not those of papers holding `from`).
fn move_counts(counts: &mut [u32], from: TermsRef<'_>, to: TermsRef<'_>) -> bool {
    for (term, weight) in from.iter() {
        if weight > 0
            && let Some(count) = counts.get_mut(term as usize)
        {
            let Some(less) = count.checked_sub(1) else {
                return false;
            };
            *count = less;
        }
    }
    for (term, weight) in to.iter() {
        if weight > 0
            && let Some(count) = counts.get_mut(term as usize)
        {
            *count += 1;
        }
    }
    true
}

/// A paper's posting in a term's list that changed: its weight then and now.
struct Change {
    doc: u32,
    was: Option<u16>,
    is: Option<u16>,
}

/// Whether a term's scanned postings are the same before and after `changes`, `postings`
/// being its whole list now: the list is longer than `scanned` both times (the scanned
/// postings are then the strongest `scanned` ones, see [`InvertedIndex::build`]), and every
/// changed posting, then and now, comes after the last scanned one now. The scanned postings
/// now are then all unchanged, and stronger than any posting that changed: they were the
/// strongest then too.
fn scanned_same(postings: &[Posting], changes: &[Change], scanned: usize) -> bool {
    let added = changes.iter().filter(|c| c.is.is_some()).count();
    let dropped = changes.iter().filter(|c| c.was.is_some()).count();
    let then = postings.len() + dropped - added;
    if postings.len() <= scanned || then <= scanned || scanned == 0 {
        return false;
    }
    let last = postings[scanned - 1];
    // In a long list, postings go strongest first, then by paper.
    let after_last =
        |doc: u32, weight: u16| weight < last.weight || (weight == last.weight && doc > last.doc);
    changes.iter().all(|c| {
        c.was.is_none_or(|w| after_last(c.doc, w)) && c.is.is_none_or(|w| after_last(c.doc, w))
    })
}
