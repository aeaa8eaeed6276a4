//! The search index carried from one `digest build` to the next: a [`SearchMemo`], kept in the
//! build cache, says what the published index was made of, so that a build after an edit makes
//! only the files whose contents changed, the same bytes as `build_index`
//! of the new documents.
//!
//! Unlike `serve`'s [`SearchState`](super::SearchState), which lives in memory, the memo is
//! small enough to be read by every build (about 2 MB at 100,000 papers): it keeps no postings,
//! only each term's checksum of its postings (see `update`), its document frequency and the
//! length and hash of its JSON, which is all the shard cuts, the completions and the shard
//! identities need. A shard to be written again takes its unchanged terms from the published
//! shard that held them (their place there follows from the memo; their bytes are checked
//! against its hashes), and encodes from the documents only the terms whose postings changed
//! and any it could not take.
//! Documents are kept by number (a hash of each `d/` row and snippet), and terms by word, so the
//! memo does not depend on how a build numbered papers or words.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::update::{
    Moves, SearchUpdate, changed_doc_files, checksums, encode_changed, new_postings,
    numbered_hashes, only_added, order_from, reorder, take_made,
};
use super::{
    DEFAULT, Edited, Params, SearchDoc, Sink, Term, add_to_term, cut_shards, doc_order,
    encode_term, encode_terms, file_key, meta, prefix_completions, shard_file, shard_identity,
    write_doc_files, write_term_files,
};
use crate::hash::hash_of;

/// What a published search index was made of (see the module doc).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SearchMemo {
    /// Document numbers: the input index of each.
    order: Vec<u32>,
    /// By document number: the hash of its `d/` row, and of its snippet.
    rows: Vec<u64>,
    snippets: Vec<u64>,
    /// Every term with postings, by word.
    terms: Vec<TermMemo>,
    /// Each shard's path and identity, in file order.
    shards: Vec<(String, u64)>,
    /// Hash of `meta.json`.
    meta: u64,
}

/// One term of the index, without its postings.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TermMemo {
    word: Box<str>,
    df: u32,
    /// Length and hash of its JSON member.
    len: u32,
    hash: u64,
    /// Checksum of its postings (the sum of its ids' checksums, see `update`).
    sum: u64,
    /// The postings known below its cap (see `Term::reserve`).
    reserve: Vec<(u32, u32)>,
}

impl SearchMemo {
    /// Every file of the index of `docs` (as `build_index` makes them),
    /// and the memo to make the next one from.
    pub(crate) fn build(
        docs: &[SearchDoc],
        words: &[Box<str>],
    ) -> (SearchMemo, Vec<(String, Vec<u8>)>) {
        build_with(docs, words, DEFAULT)
    }

    /// Writes every file of the index of `docs` (as `build_index` makes them) to `sink` as it
    /// is made, and returns the memo to make the next one from: the files are never all held
    /// at once (at a million papers, about 500 MB). The first error of `sink` stops it.
    pub(crate) fn write(
        docs: &[SearchDoc],
        words: &[Box<str>],
        sink: Sink,
    ) -> std::io::Result<SearchMemo> {
        write_with(docs, words, DEFAULT, sink)
    }

    /// The files of the index of `docs` that differ from those this memo describes, every
    /// file's path, and the memo of the new index; `None` when the index must be made whole
    /// ([`SearchMemo::build`]): a word has two ids, or a checksum collided. Documents may
    /// come and go: a morning's new papers are numbered after the others, so only the terms
    /// they hold and the last documents' files change.
    ///
    /// With `edited` (the documents edited since the documents this memo was made from, see
    /// [`Edited`]) what changed is found from those documents and the ones their new dates
    /// move past, instead of from one pass over every document.
    pub(crate) fn update(
        &self,
        docs: &[SearchDoc],
        words: &[Box<str>],
        published: Published,
        edited: Option<&Edited>,
    ) -> Option<(SearchMemo, SearchUpdate)> {
        update_with(self, docs, words, DEFAULT, published, edited)
    }

    /// Per term id of `words`, the checksum and document frequency of its postings after the
    /// documents `moves` took changed them; `None` when they make a frequency negative (the
    /// memo is not of the documents before those changes).
    fn sums_after(&self, words: &[Box<str>], moves: &Moves) -> Option<(Vec<u64>, Vec<u32>)> {
        let mut sums = vec![0u64; words.len()];
        let mut counts = vec![0u32; words.len()];
        for (id, word) in words.iter().enumerate() {
            if let Ok(i) = self.terms.binary_search_by(|t| (*t.word).cmp(word)) {
                sums[id] = self.terms[i].sum;
                counts[id] = self.terms[i].df;
            }
        }
        for (id, change) in moves.changes() {
            let id = id as usize;
            sums[id] = sums[id].wrapping_add(change.delta);
            counts[id] = u32::try_from(i64::from(counts[id]) + change.df).ok()?;
        }
        Some((sums, counts))
    }
}

/// [`write_with`] into memory: the files in path order.
pub(super) fn build_with(
    docs: &[SearchDoc],
    words: &[Box<str>],
    p: Params,
) -> (SearchMemo, Vec<(String, Vec<u8>)>) {
    let files = std::sync::Mutex::new(Vec::new());
    let keep = |path: &str, bytes: &[u8]| {
        let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
        files.push((path.to_string(), bytes.to_vec()));
        Ok(())
    };
    let memo = write_with(docs, words, p, &keep).expect("keeping a file in memory cannot fail");
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    (memo, files)
}

pub(super) fn write_with(
    docs: &[SearchDoc],
    words: &[Box<str>],
    p: Params,
    sink: Sink,
) -> std::io::Result<SearchMemo> {
    let order = doc_order(docs);
    let encoded = encode_terms(docs, words, &order, p);
    let (meta, shards) = write_term_files(&encoded, order.len(), p, sink)?;
    let (sums, _) = checksums(docs, &order, words.len());
    let mut by_word: HashMap<&str, u64> = HashMap::with_capacity(encoded.len());
    for (id, &sum) in sums.iter().enumerate() {
        if sum != 0 {
            let entry = by_word.entry(&*words[id]).or_default();
            *entry = entry.wrapping_add(sum);
        }
    }
    let terms = encoded
        .iter()
        .map(|t| memo_of(t, by_word.get(&*t.word).copied().unwrap_or(0)))
        .collect();
    // The terms' JSON (the size of the term files) is not needed any more.
    drop((by_word, sums, encoded));
    write_doc_files(docs, &order, p, sink)?;
    let (rows, snippets) = numbered_hashes(docs, &order);
    Ok(SearchMemo {
        rows,
        snippets,
        order: order.iter().map(|&i| i as u32).collect(),
        terms,
        shards,
        meta,
    })
}

/// Gives the terms at `places` of `terms` (carried from the memo without their JSON: `origin`
/// says which memo term each is) their JSON from the published shard files that hold them
/// ([`PublishedTerms::json`]). Returns how many were filled; the others are left empty.
fn fill_from_published(
    terms: &mut [Term],
    origin: &[Option<usize>],
    places: &[usize],
    published: &PublishedTerms,
) -> usize {
    let wanted: Vec<usize> = places.iter().filter_map(|&k| origin[k]).collect();
    let mut found = published.json(&wanted);
    let mut filled = 0;
    for &k in places {
        if let Some(json) = origin[k].and_then(|i| found.remove(&i)) {
            terms[k].json = json;
            filled += 1;
        }
    }
    filled
}

/// The published JSON of the memo's terms. Where each term is in the published shard files (the
/// shards cut again from the memo's terms) is worked out once an update, when first asked: the
/// terms gaining new papers' postings and the shards written again share it.
struct PublishedTerms<'a> {
    memo: &'a SearchMemo,
    p: Params,
    published: Published<'a>,
    /// Each memo term's old shard and its offset there; `None` when the cut does not give the
    /// memo's shards.
    at: std::cell::OnceCell<Option<Vec<(usize, usize)>>>,
}

impl<'a> PublishedTerms<'a> {
    fn new(memo: &'a SearchMemo, p: Params, published: Published<'a>) -> PublishedTerms<'a> {
        PublishedTerms {
            memo,
            p,
            published,
            at: std::cell::OnceCell::new(),
        }
    }

    fn places(&self) -> Option<&[(usize, usize)]> {
        self.at
            .get_or_init(|| {
                let memo = self.memo;
                let old: Vec<Term> = memo
                    .terms
                    .iter()
                    .map(|t| Term {
                        word: t.word.clone(),
                        df: t.df,
                        reserve: Vec::new(),
                        json: Vec::new(),
                        len: t.len as usize,
                        hash: t.hash,
                    })
                    .collect();
                let cut = cut_shards(&old, self.p.shard_bytes);
                drop(old);
                if cut.len() != memo.shards.len() {
                    return None;
                }
                // After `{"t":{` and the terms before it (each followed by a comma).
                let mut at = vec![(0usize, 0usize); memo.terms.len()];
                for (s, shard) in cut.iter().enumerate() {
                    let mut offset = SHARD_START.len();
                    for i in shard.range.clone() {
                        at[i] = (s, offset);
                        offset += memo.terms[i].len as usize + 1;
                    }
                }
                Some(at)
            })
            .as_deref()
    }

    /// The JSON of the memo's terms `wanted` (places in `memo.terms`), read from the published
    /// shard files that hold them; a term's bytes are taken only when they hash to what the
    /// memo says. Terms not found are left out.
    fn json(&self, wanted: &[usize]) -> HashMap<usize, Vec<u8>> {
        if wanted.is_empty() {
            return HashMap::new();
        }
        let Some(at) = self.places() else {
            return HashMap::new();
        };
        let memo = self.memo;
        let mut by_shard: HashMap<usize, Vec<usize>> = HashMap::new();
        for &i in wanted {
            by_shard.entry(at[i].0).or_default().push(i);
        }
        let published = self.published;
        by_shard
            .into_par_iter()
            .flat_map_iter(|(s, wanted)| {
                let bytes = published(&memo.shards[s].0).filter(|b| b.starts_with(SHARD_START));
                wanted.into_iter().filter_map(move |i| {
                    let term = &memo.terms[i];
                    let offset = at[i].1;
                    let json = bytes.as_ref()?.get(offset..offset + term.len as usize)?;
                    (hash_of(json) == term.hash).then(|| (i, json.to_vec()))
                })
            })
            .collect()
    }
}

/// Reads a published file of the output by its path, when it can.
pub(crate) type Published<'a> = &'a (dyn Fn(&str) -> Option<Vec<u8>> + Sync);

/// The first bytes of a shard file (see `shard_file`).
const SHARD_START: &[u8] = b"{\"t\":{";

/// The terms among `changed` (ids) whose only change is postings in documents numbered after
/// every document the memo knew (a checksum says so: the memo's sum plus theirs is the sum
/// now), made from their published JSON and those postings ([`add_to_term`]), or from those
/// postings alone for a word only they hold; and the ids left to encode from the documents.
#[allow(clippy::too_many_arguments)]
fn added_to_published(
    memo: &SearchMemo,
    docs: &[SearchDoc],
    order: &[usize],
    sums: &[u64],
    changed: &[u32],
    words: &[Box<str>],
    p: Params,
    published: &PublishedTerms,
) -> (Vec<Term>, Vec<u32>) {
    let known = memo.rows.len();
    if order.len() <= known || changed.is_empty() {
        return (Vec::new(), changed.to_vec());
    }
    let added = new_postings(docs, order, known, words.len());
    let mut candidates: Vec<(u32, usize)> = Vec::new();
    let mut new_words = Vec::new();
    let mut encode = Vec::new();
    for &id in changed {
        let word = &*words[id as usize];
        let old = memo.terms.binary_search_by(|t| (*t.word).cmp(word)).ok();
        let before = old.map_or(0, |i| memo.terms[i].sum);
        let fits = added
            .get(&id)
            .is_some_and(|list| only_added(list, before, sums[id as usize]));
        match old {
            Some(i) if fits => candidates.push((id, i)),
            // A word only new documents hold: its postings are theirs.
            None if fits && !word.is_empty() => new_words.push(id),
            _ => encode.push(id),
        }
    }
    let wanted: Vec<usize> = candidates.iter().map(|&(_, i)| i).collect();
    let found = published.json(&wanted);
    let made: Vec<(u32, Option<Term>)> = candidates
        .par_iter()
        .map(|&(id, i)| {
            let term = found.get(&i).and_then(|json| {
                let reserve = &memo.terms[i].reserve;
                add_to_term(&words[id as usize], json, reserve, &added[&id], p.cap)
            });
            (id, term)
        })
        .collect();
    let mut terms: Vec<Term> = new_words
        .par_iter()
        .map(|id| encode_term(&words[*id as usize], added[id].clone(), false, p.cap))
        .collect();
    take_made(made, &mut terms, &mut encode);
    encode.sort_unstable();
    (terms, encode)
}

/// The terms among `encode` (ids) whose documents only moved ([`Moves::explains`]), made from
/// their published JSON ([`Moves::patch`]) into `fresh`; returns the ids left to encode.
#[allow(clippy::too_many_arguments)]
fn moved_in_published(
    memo: &SearchMemo,
    moves: &Moves,
    (sums, counts): (&[u64], &[u32]),
    encode: Vec<u32>,
    words: &[Box<str>],
    p: Params,
    published: &PublishedTerms,
    fresh: &mut Vec<Term>,
) -> Vec<u32> {
    let mut left = Vec::new();
    let mut candidates: Vec<(u32, usize)> = Vec::new();
    for id in encode {
        let word = &*words[id as usize];
        match memo.terms.binary_search_by(|t| (*t.word).cmp(word)) {
            Ok(i) if moves.explains(id, memo.terms[i].sum, sums[id as usize]) => {
                candidates.push((id, i));
            }
            // A word no document held: all of its postings are the edited documents'.
            Err(_) if moves.explains(id, 0, sums[id as usize]) => {
                match moves.only_postings(id, word, counts[id as usize], p.cap) {
                    Some(term) => fresh.push(term),
                    None => left.push(id),
                }
            }
            _ => left.push(id),
        }
    }
    let wanted: Vec<usize> = candidates.iter().map(|&(_, i)| i).collect();
    let found = published.json(&wanted);
    let made: Vec<(u32, Option<Term>)> = candidates
        .par_iter()
        .map(|&(id, i)| {
            let term = found.get(&i).and_then(|json| {
                let old = (&json[..], &memo.terms[i].reserve[..]);
                moves.patch(id, &words[id as usize], old, counts[id as usize], p.cap)
            });
            (id, term)
        })
        .collect();
    take_made(made, fresh, &mut left);
    left.sort_unstable();
    left
}

fn memo_of(term: &Term, sum: u64) -> TermMemo {
    TermMemo {
        word: term.word.clone(),
        df: term.df,
        len: term.len as u32,
        hash: term.hash,
        sum,
        reserve: term.reserve.clone(),
    }
}

pub(super) fn update_with(
    memo: &SearchMemo,
    docs: &[SearchDoc],
    words: &[Box<str>],
    p: Params,
    published: Published,
    edited: Option<&Edited>,
) -> Option<(SearchMemo, SearchUpdate)> {
    if memo.terms.len() > u32::MAX as usize {
        return None;
    }
    let mut timer = crate::timing::PhaseTimer::start();
    let old_order: Vec<usize> = memo.order.iter().map(|&i| i as usize).collect();
    let edits = edited.and_then(|edited| {
        let order = reorder(docs, &old_order, edited)?;
        let moves = Moves::of(docs, &old_order, &order, words.len(), Some(edited))?;
        let (sums, counts) = memo.sums_after(words, &moves)?;
        Some((order, sums, counts, moves))
    });
    let (order, sums, counts, mut moves) = match edits {
        Some((order, sums, counts, moves)) => (order, sums, counts, Some(moves)),
        None => {
            let order = order_from(docs, &old_order);
            let (sums, counts) = checksums(docs, &order, words.len());
            (order, sums, counts, None)
        }
    };
    // The id of each word with postings; a word with postings under two ids is merged by a
    // whole build, not here.
    let mut live: HashMap<&str, u32> = HashMap::with_capacity(memo.terms.len() + 64);
    for (id, word) in words.iter().enumerate() {
        if counts[id] > 0 && !word.is_empty() && live.insert(word, id as u32).is_some() {
            return None;
        }
    }
    let old_sum = |word: &str| {
        memo.terms
            .binary_search_by(|t| (*t.word).cmp(word))
            .ok()
            .map(|i| memo.terms[i].sum)
    };
    let mut changed: Vec<u32> = live
        .iter()
        .filter(|&(word, &id)| old_sum(word) != Some(sums[id as usize]))
        .map(|(_, &id)| id)
        .collect();
    changed.sort_unstable();
    timer.phase(&format!(
        "  search: what changed ({} of {} terms)",
        changed.len(),
        memo.terms.len()
    ));
    let kept_at = |i: usize| {
        let old = &memo.terms[i];
        live.get(&*old.word)
            .is_some_and(|&id| sums[id as usize] == old.sum)
    };
    let kept: Vec<bool> = (0..memo.terms.len()).map(kept_at).collect();
    // Documents numbered after all the memo's (a morning's papers, the newest) added to a
    // term whose other postings did not change: its JSON is the published one with them.
    let published = PublishedTerms::new(memo, p, published);
    let (mut fresh, encode) =
        added_to_published(memo, docs, &order, &sums, &changed, words, p, &published);
    if moves.is_none() && !encode.is_empty() {
        moves = Moves::of(docs, &old_order, &order, words.len(), None);
    }
    let encode = match &moves {
        Some(moves) => moved_in_published(
            memo,
            moves,
            (&sums, &counts),
            encode,
            words,
            p,
            &published,
            &mut fresh,
        ),
        None => encode,
    };
    drop(old_order);
    timer.phase(&format!(
        "  search: {} terms made from the published ones and new or moved postings",
        fresh.len()
    ));
    fresh.extend(encode_changed(docs, words, &order, &encode, &counts, p.cap));
    fresh.sort_unstable_by(|a, b| a.word.cmp(&b.word));
    // The terms now, by word: those of the memo that kept their postings (without their JSON:
    // `origin` says which memo term each is), and those encoded anew.
    let mut terms: Vec<Term> = Vec::with_capacity(live.len());
    let mut origin: Vec<Option<usize>> = Vec::with_capacity(live.len());
    let mut fresh = fresh.into_iter().peekable();
    for (i, old) in memo.terms.iter().enumerate() {
        while let Some(next) = fresh.next_if(|f| *f.word < *old.word) {
            terms.push(next);
            origin.push(None);
        }
        if kept[i] {
            terms.push(Term {
                word: old.word.clone(),
                df: old.df,
                reserve: old.reserve.clone(),
                json: Vec::new(),
                len: old.len as usize,
                hash: old.hash,
            });
            origin.push(Some(i));
        }
    }
    for next in fresh {
        terms.push(next);
        origin.push(None);
    }
    timer.phase(&format!("  search: {} terms encoded", encode.len()));

    let shards = cut_shards(&terms, p.shard_bytes);
    let keys: Vec<String> = shards.iter().map(|s| s.key.clone()).collect();
    let completions = prefix_completions(&terms, &keys);
    let before: HashMap<&str, u64> = memo.shards.iter().map(|(p, i)| (p.as_str(), *i)).collect();
    let identities: Vec<(String, u64)> = shards
        .iter()
        .enumerate()
        .map(|(i, shard)| {
            let path = crate::routes::search_terms(&file_key(&shard.key));
            let list = completions.get(&i);
            let identity = shard_identity(&shard.key, &terms[shard.range.clone()], list);
            (path, identity)
        })
        .collect();
    let wanted: Vec<usize> = (0..shards.len())
        .filter(|&i| before.get(identities[i].0.as_str()) != Some(&identities[i].1))
        .collect();
    timer.phase("  search: shards cut");
    // The terms of the shards to write that were carried without their JSON: taken from the
    // published shards that hold them, else encoded from the documents.
    let places: Vec<usize> = wanted
        .iter()
        .flat_map(|&i| shards[i].range.clone())
        .filter(|&k| terms[k].json.is_empty())
        .collect();
    let from_published = fill_from_published(&mut terms, &origin, &places, &published);
    let mut missing: Vec<u32> = places
        .iter()
        .filter(|&&k| terms[k].json.is_empty())
        .filter_map(|&k| live.get(&*terms[k].word).copied())
        .collect();
    missing.sort_unstable();
    timer.phase(&format!(
        "  search: {from_published} terms read from the published shards, {} to encode",
        missing.len()
    ));
    for term in encode_changed(docs, words, &order, &missing, &counts, p.cap) {
        let at = terms.binary_search_by(|t| t.word.cmp(&term.word)).ok()?;
        // The carried length and hash are those of these bytes, unless a checksum collided.
        if terms[at].hash != term.hash {
            return None;
        }
        terms[at] = term;
    }
    if !missing.is_empty() {
        timer.phase("  search: second pass");
    }
    let made_meta = meta(order.len(), &keys, p);
    let meta_hash = hash_of(&made_meta[..]);
    let mut files = Vec::new();
    if meta_hash != memo.meta {
        files.push((crate::routes::SEARCH_META.to_string(), made_meta));
    }
    files.extend(
        wanted
            .par_iter()
            .map(|&i| {
                let bytes = shard_file(&terms, &shards[i], completions.get(&i));
                (identities[i].0.clone(), bytes)
            })
            .collect::<Vec<_>>(),
    );
    timer.phase("  search: shards");

    let old = (&memo.rows[..], &memo.snippets[..]);
    let (rows, snippets) = changed_doc_files(docs, &order, p, moves.as_ref(), old, &mut files);
    drop(moves);
    let (chunk, per_snippets) = (p.chunk.max(1), p.snippets.max(1));
    timer.phase("  search: documents, snippets");

    let mut paths = vec![crate::routes::SEARCH_META.to_string()];
    paths.extend(identities.iter().map(|(path, _)| path.clone()));
    paths.extend((0..order.len().div_ceil(chunk)).map(crate::routes::search_docs));
    paths.extend((0..order.len().div_ceil(per_snippets)).map(crate::routes::search_snippets));
    let next = SearchMemo {
        order: order.iter().map(|&i| i as u32).collect(),
        rows,
        snippets,
        terms: terms
            .iter()
            .map(|t| memo_of(t, sums[live[&*t.word] as usize]))
            .collect(),
        shards: identities,
        meta: meta_hash,
    };
    Some((next, SearchUpdate { files, paths }))
}
