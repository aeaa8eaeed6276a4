//! The search index made again after an edit from what changed, for `serve`: the same files as
//! `build_index` of the new documents, byte for byte, but only the terms
//! whose postings changed are encoded again and only the files whose contents changed are made.
//!
//! What changed is found without keeping the old documents: each term keeps a checksum of its
//! postings (the sum of a 64-bit mix of each (document number, weight) pair), each document a
//! hash of its row and of its snippet, and the shards a hash of what they are made of. A tag
//! edit then encodes the few terms of the tags that came and went and writes their shards; a
//! date edit renumbers the documents between the old and the new day, so the terms of those
//! documents are encoded again (the rest, and their files, stay).
//!
//! Equal checksums are taken for equal postings: two different lists of one term summing to
//! the same 64 bits are astronomically unlikely (about 2^-64 per changed term), and the next
//! full build (`digest build`, a restart) writes the index from scratch anyway.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{
    Edited, Params, SearchDoc, Term, add_to_term, doc_files, doc_order, encode_term, encode_terms,
    snippet_files, term_files, term_files_where,
};
use crate::hash::hash_of;
use crate::terms::TermsRef;

/// The search index as last made, to make the next one from what changed.
pub(crate) struct SearchState {
    p: Params,
    /// Document numbers: input index by number.
    order: Vec<usize>,
    /// By document number: hash of its `d/` row, and of its snippet.
    rows: Vec<u64>,
    snippets: Vec<u64>,
    /// Per term id: checksum of its postings (see the module doc); 0 without postings.
    sums: Vec<u64>,
    /// Per term id: how many documents hold it.
    dfs: Vec<u32>,
    /// Every word, to tell a new id of a word already known (the update then gives up).
    known: HashSet<Box<str>>,
    /// Whether every id has its own word: terms are then one id each.
    unique: bool,
    /// The encoded terms, by word.
    terms: Vec<Term>,
    /// Each shard's path and identity.
    shards: HashMap<String, u64>,
    meta: Vec<u8>,
}

/// Every file of the index, and the state to update it from.
pub(crate) fn build_state(
    docs: &[SearchDoc],
    words: &[Box<str>],
) -> (SearchState, Vec<(String, Vec<u8>)>) {
    build_state_with(docs, words, super::DEFAULT)
}

pub(super) fn build_state_with(
    docs: &[SearchDoc],
    words: &[Box<str>],
    p: Params,
) -> (SearchState, Vec<(String, Vec<u8>)>) {
    let order = doc_order(docs);
    let terms = encode_terms(docs, words, &order, p);
    let made = term_files(&terms, order.len(), p);
    let mut files = made.files;
    files.extend(doc_files(docs, &order, p.chunk, |_| true));
    files.extend(snippet_files(docs, &order, p.snippets, |_| true));
    let mut known = HashSet::with_capacity(words.len());
    let unique = words.iter().all(|w| known.insert(w.clone()));
    let (rows, snippets) = numbered_hashes(docs, &order);
    let (sums, dfs) = checksums(docs, &order, words.len());
    let state = SearchState {
        p,
        sums,
        dfs,
        rows,
        snippets,
        order,
        known,
        unique,
        terms,
        shards: made.shards.into_iter().collect(),
        meta: files[0].1.clone(),
    };
    (state, files)
}

/// What an update made.
pub(crate) struct SearchUpdate {
    /// The files whose contents changed or that are new.
    pub(crate) files: Vec<(String, Vec<u8>)>,
    /// Every file of the index now, changed or not.
    pub(crate) paths: Vec<String>,
}

impl SearchState {
    /// The files of the index of `docs` that differ from the last ones, or `None` when this
    /// update cannot be made from what changed (a word has two ids): then [`build_state`]
    /// makes it whole. Documents may come and go (new ones are numbered by date, most often
    /// after every other). Even when most terms changed (a date edit that
    /// renumbers many documents) this is no slower than a whole build.
    ///
    /// With `edited` (the documents edited since the last index, see [`Edited`]) what changed
    /// is found from those documents and the ones their new dates move past, instead of from
    /// one pass over every document.
    pub(crate) fn update(
        &mut self,
        docs: &[SearchDoc],
        words: &[Box<str>],
        edited: Option<&Edited>,
    ) -> Option<SearchUpdate> {
        if !self.unique || words.len() < self.sums.len() {
            return None;
        }
        for word in &words[self.sums.len()..] {
            if !self.known.insert(word.clone()) {
                self.unique = false;
                return None;
            }
        }
        let mut timer = crate::timing::PhaseTimer::start();
        let p = self.p;
        let vocab = words.len();
        let edits = edited
            .filter(|_| docs.len() == self.order.len() && self.dfs.len() == self.sums.len())
            .and_then(|edited| {
                let order = reorder(docs, &self.order, edited)?;
                let moves = Moves::of(docs, &self.order, &order, vocab, Some(edited))?;
                Some((order, moves))
            });
        let (order, sums, counts, mut moves) = match edits {
            Some((order, moves)) => {
                let (mut sums, mut counts) = (self.sums.clone(), self.dfs.clone());
                sums.resize(vocab, 0);
                counts.resize(vocab, 0);
                for (id, change) in moves.changes() {
                    let id = id as usize;
                    sums[id] = sums[id].wrapping_add(change.delta);
                    counts[id] = u32::try_from(i64::from(counts[id]) + change.df).ok()?;
                }
                timer.phase("  search: what the edits changed");
                (order, sums, counts, Some(moves))
            }
            None => {
                let order = order_from(docs, &self.order);
                timer.phase("  search: order");
                let (sums, counts) = checksums(docs, &order, vocab);
                timer.phase("  search: checksums");
                (order, sums, counts, None)
            }
        };
        let changed: Vec<u32> = (0..vocab)
            .filter(|&id| sums[id] != self.sums.get(id).copied().unwrap_or(0))
            .map(|id| id as u32)
            .collect();
        // Postings that came only with documents numbered after every other (a new record,
        // the newest) are added to the terms' JSON; the others are encoded from the documents.
        let known = self.rows.len();
        let added = new_postings(docs, &order, known, vocab);
        let mut fresh = Vec::new();
        let mut encode = Vec::new();
        for &id in &changed {
            if counts[id as usize] == 0 {
                // No document holds it any more: it goes.
                continue;
            }
            let word = &*words[id as usize];
            let before = self.sums.get(id as usize).copied().unwrap_or(0);
            let made = added
                .get(&id)
                .filter(|list| only_added(list, before, sums[id as usize]))
                .and_then(|list| {
                    if before == 0 {
                        return (!word.is_empty())
                            .then(|| encode_term(word, list.clone(), false, p.cap));
                    }
                    let i = self.terms.binary_search_by(|t| (*t.word).cmp(word)).ok()?;
                    let old = &self.terms[i];
                    add_to_term(word, &old.json, &old.reserve, list, p.cap)
                });
            match made {
                Some(term) => fresh.push(term),
                None => encode.push(id),
            }
        }
        // Terms whose documents only moved (a date edit) or were edited are made from their
        // JSON, or from the edited documents' postings for a word no other document holds.
        if moves.is_none() && !encode.is_empty() {
            moves = Moves::of(docs, &self.order, &order, vocab, None);
        }
        if let Some(moves) = &moves {
            let old_json = |word: &str| {
                let i = self.terms.binary_search_by(|t| (*t.word).cmp(word)).ok()?;
                Some((&self.terms[i].json[..], &self.terms[i].reserve[..]))
            };
            let patched: Vec<(u32, Option<Term>)> = encode
                .par_iter()
                .map(|&id| {
                    let before = self.sums.get(id as usize).copied().unwrap_or(0);
                    let word = &*words[id as usize];
                    let df = counts[id as usize];
                    let term = moves
                        .explains(id, before, sums[id as usize])
                        .then(|| match self.dfs.get(id as usize) {
                            None | Some(0) => moves.only_postings(id, word, df, p.cap),
                            Some(_) => old_json(word)
                                .and_then(|json| moves.patch(id, word, json, df, p.cap)),
                        })
                        .flatten();
                    (id, term)
                })
                .collect();
            encode.clear();
            take_made(patched, &mut fresh, &mut encode);
        }
        timer.phase(&format!(
            "  search: {} terms made from their JSON",
            fresh.len()
        ));
        fresh.extend(encode_changed(docs, words, &order, &encode, &counts, p.cap));
        fresh.sort_unstable_by(|a, b| a.word.cmp(&b.word));
        let gone: HashSet<&str> = changed.iter().map(|&id| &*words[id as usize]).collect();
        self.terms = merge_terms(std::mem::take(&mut self.terms), fresh, &gone);
        timer.phase("  search: encode terms");
        let old = &self.shards;
        let made = term_files_where(&self.terms, order.len(), p, |path, identity| {
            old.get(path) != Some(&identity)
        });
        let mut files = made.files;
        if files[0].1 == self.meta {
            files.remove(0);
        } else {
            self.meta = files[0].1.clone();
        }
        timer.phase("  search: shards");
        let old = (&self.rows[..], &self.snippets[..]);
        let (rows, snippets) = changed_doc_files(docs, &order, p, moves.as_ref(), old, &mut files);
        drop(moves);
        timer.phase("  search: documents, snippets");
        let (chunk, per_snippets) = (p.chunk.max(1), p.snippets.max(1));
        let mut paths = vec![crate::routes::SEARCH_META.to_string()];
        paths.extend(made.shards.iter().map(|(path, _)| path.clone()));
        paths.extend((0..order.len().div_ceil(chunk)).map(crate::routes::search_docs));
        paths.extend((0..order.len().div_ceil(per_snippets)).map(crate::routes::search_snippets));
        self.shards = made.shards.into_iter().collect();
        self.order = order;
        self.rows = rows;
        self.snippets = snippets;
        self.sums = sums;
        self.dfs = counts;
        Some(SearchUpdate { files, paths })
    }
}

/// The numbering of `docs` after the documents `edited` changed, from `old`, the numbering of
/// the same documents before: the others keep their order (their dates and slugs are as they
/// were), and each edited one goes where its date and slug sort now. `None` when `old` does
/// not number every document, or when so many were edited that sorting again is as quick.
pub(super) fn reorder(docs: &[SearchDoc], old: &[usize], edited: &Edited) -> Option<Vec<usize>> {
    const MOST: usize = 64;
    if old.len() != docs.len() || docs.len() > super::MAX_DOCS || edited.len() > MOST {
        return None;
    }
    let before = |a: &usize, b: &usize| {
        (docs[*a].date.cmp(&docs[*b].date))
            .then_with(|| docs[*b].slug.cmp(docs[*a].slug))
            .then(a.cmp(b))
    };
    let mut order: Vec<usize> = old
        .iter()
        .copied()
        .filter(|i| !edited.contains_key(i))
        .collect();
    let mut moved: Vec<usize> = edited.keys().copied().collect();
    if order.len() + moved.len() != docs.len() || moved.iter().any(|&i| i >= docs.len()) {
        return None;
    }
    moved.sort_unstable_by(before);
    for i in moved {
        let at = order.partition_point(|j| before(j, &i).is_lt());
        order.insert(at, i);
    }
    Some(order)
}

/// The document numbers of `docs`: `old` when it still is what [`doc_order`] makes (no date or
/// slug edit moved a document: one pass instead of a sort), else `old` sorted again when it
/// numbers the same documents (a date edit leaves it all but sorted, which a merge sort takes in
/// one pass: a tenth of sorting from scratch), else sorted anew.
pub(super) fn order_from(docs: &[SearchDoc], old: &[usize]) -> Vec<usize> {
    // The stable sort's result is the one order sorted by key and, among equal keys, by
    // input index.
    let order = |a: &usize, b: &usize| {
        (docs[*a].date.cmp(&docs[*b].date))
            .then_with(|| docs[*b].slug.cmp(docs[*a].slug))
            .then(a.cmp(b))
    };
    if old.len() != docs.len() || docs.len() > super::MAX_DOCS {
        return doc_order(docs);
    }
    if old
        .par_windows(2)
        .all(|pair| order(&pair[0], &pair[1]).is_lt())
    {
        return old.to_vec();
    }
    if !each_once(old, docs.len()) {
        return doc_order(docs);
    }
    let mut again = old.to_vec();
    again.sort_by(order);
    again
}

/// Whether `order` names documents below `len`, each at most once.
fn each_once(order: &[usize], len: usize) -> bool {
    let mut seen = vec![false; len];
    order
        .iter()
        .all(|&i| i < len && !std::mem::replace(&mut seen[i], true))
}

/// Puts the terms `made` into `terms` and the ids of those that could not be made into `left`.
pub(super) fn take_made(
    made: Vec<(u32, Option<Term>)>,
    terms: &mut Vec<Term>,
    left: &mut Vec<u32>,
) {
    for (id, term) in made {
        match term {
            Some(term) => terms.push(term),
            None => left.push(id),
        }
    }
}

/// Documents whose postings changed since the old numbering: a date or slug edit moves one
/// document, and those between its old and new place shift by one; an edit of its words (known
/// only when the caller says which documents it re-read, see [`Edited`]) changes its postings
/// in place. A term whose only change is that (its checksum says so, see [`Moves::explains`])
/// is made from its JSON as it was and these documents' postings ([`Moves::patch`]) instead of
/// from every document's.
pub(super) struct Moves<'a> {
    /// Input index to new number.
    new_number: Vec<u32>,
    /// The words before of the documents edited since the old numbering.
    edited: Option<&'a Edited>,
    /// The moved and edited documents: input index and old number.
    moved: Vec<(usize, u32)>,
    /// Their old numbers, as bits.
    moved_bits: Vec<u64>,
    /// By term id: what the moved and edited documents changed of it.
    postings: HashMap<u32, TermChange>,
}

/// What the moved and edited documents changed of one term.
#[derive(Default)]
pub(super) struct TermChange {
    /// Their postings now, `(new number, weight)`, in the order the documents were taken.
    list: Vec<(u32, u32)>,
    /// The change of the term's checksum they make when nothing else changed.
    pub(super) delta: u64,
    /// The change of its document frequency.
    pub(super) df: i64,
}

impl<'a> Moves<'a> {
    /// The documents of `order` numbered otherwise in `old_order`, and those `edited`; `None`
    /// when documents came or went, none moved or was edited, or so many moved that one pass
    /// over every document costs no more.
    pub(super) fn of(
        docs: &[SearchDoc],
        old_order: &[usize],
        order: &[usize],
        vocab: usize,
        edited: Option<&'a Edited>,
    ) -> Option<Moves<'a>> {
        let edits = edited.map_or(0, |e| e.len());
        if old_order.len() != order.len() || (old_order == order && edits == 0) {
            return None;
        }
        let mut new_number = vec![u32::MAX; docs.len()];
        for (n, &i) in order.iter().enumerate() {
            *new_number.get_mut(i)? = n as u32;
        }
        // The old numbering must be of the same documents, each once.
        if !each_once(old_order, docs.len()) || old_order.iter().any(|&i| new_number[i] == u32::MAX)
        {
            return None;
        }
        let is_edited = |i: usize| edited.is_some_and(|e| e.contains_key(&i));
        let moved: Vec<(usize, u32)> = old_order
            .iter()
            .enumerate()
            .filter(|&(old, &i)| new_number[i] != old as u32 || is_edited(i))
            .map(|(old, &i)| (i, old as u32))
            .collect();
        if moved.len() > (order.len() / 8).max(8) {
            return None;
        }
        let mut postings: HashMap<u32, TermChange> = HashMap::new();
        for &(i, old) in &moved {
            let new = new_number[i];
            for (id, weight) in docs[i].terms.iter() {
                if (id as usize) < vocab && weight > 0 {
                    let change = postings.entry(id).or_default();
                    change.list.push((new, u32::from(weight.min(255))));
                    change.delta = change.delta.wrapping_add(mix(new, weight));
                    change.df += 1;
                }
            }
            let before = edited
                .and_then(|e| e.get(&i))
                .map_or(docs[i].terms, TermsRef::from);
            for (id, weight) in before.iter() {
                if (id as usize) < vocab && weight > 0 {
                    let change = postings.entry(id).or_default();
                    change.delta = change.delta.wrapping_sub(mix(old, weight));
                    change.df -= 1;
                }
            }
        }
        let mut moved_bits = vec![0u64; old_order.len().div_ceil(64)];
        for &(_, old) in &moved {
            moved_bits[old as usize / 64] |= 1 << (old % 64);
        }
        Some(Moves {
            new_number,
            edited,
            moved,
            moved_bits,
            postings,
        })
    }

    /// Whether term `id`'s checksum went from `before` to `now` by the moves alone: then its
    /// postings are those it had, renumbered (two lists summing to the same 64 bits are as
    /// unlikely as anywhere else in this module).
    pub(super) fn explains(&self, id: u32, before: u64, now: u64) -> bool {
        self.postings
            .get(&id)
            .is_some_and(|change| before.wrapping_add(change.delta) == now)
    }

    /// Whether the document numbered `old` before has another number or other words now (or
    /// was not numbered).
    fn moved(&self, old: u32) -> bool {
        old as usize >= self.new_number.len()
            || self.moved_bits[old as usize / 64] & (1 << (old % 64)) != 0
    }

    /// Term `id` of `word`, whose JSON was `old` and which [`Moves::explains`], with its
    /// postings renumbered and edited: the old JSON's postings of documents that neither moved
    /// nor were edited, and the others' postings now. Exact under the cap too: the postings the
    /// old JSON left out rank below its last one, and are left out again when the postings
    /// known to rank at least as high as that one still fill the cap. `None` otherwise, or
    /// when `old` does not read as `word`'s term of `df` documents now.
    pub(super) fn patch(
        &self,
        id: u32,
        word: &str,
        (old, reserve): (&[u8], &[(u32, u32)]),
        df: u32,
        cap: usize,
    ) -> Option<Term> {
        let change = self.postings.get(&id)?;
        let moved = &change.list;
        // One posting per document, as `encode_term` merges them (a document's postings of
        // one term are next to each other in `moved`).
        if moved.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        let (old_df, mut postings) = super::read_term(word, old, moved.len() + reserve.len())?;
        if i64::from(old_df) + change.df != i64::from(df) {
            return None;
        }
        postings.extend_from_slice(reserve);
        let floor = super::known_floor(&postings, old_df)?;
        postings.retain(|&(doc, _)| !self.moved(doc));
        let postings = super::merge_best_first(postings, moved.clone());
        super::cut_known(word, df, postings, floor, cap)
    }

    /// Term `id` of `word` held by `df` documents, none of which held it before: all of its
    /// postings are the moved and edited documents'. `None` when they are not `df` postings.
    pub(super) fn only_postings(&self, id: u32, word: &str, df: u32, cap: usize) -> Option<Term> {
        let list = &self.postings.get(&id)?.list;
        let mut numbers: Vec<u32> = list.iter().map(|&(doc, _)| doc).collect();
        numbers.sort_unstable();
        numbers.dedup();
        (!word.is_empty() && numbers.len() == list.len() && list.len() == df as usize)
            .then(|| encode_term(word, list.clone(), true, cap))
    }

    /// By new number, the hashes of each document's `d/` row and snippet (see
    /// [`numbered_hashes`]), from `old`, those by old number: only the moved documents' are
    /// moved and only the edited ones' are made again.
    pub(super) fn hashes(&self, docs: &[SearchDoc], old: (&[u64], &[u64])) -> (Vec<u64>, Vec<u64>) {
        let (mut rows, mut snippets) = (old.0.to_vec(), old.1.to_vec());
        for &(i, before) in &self.moved {
            let (n, before) = (self.new_number[i] as usize, before as usize);
            if self.edited.is_some_and(|e| e.contains_key(&i)) {
                rows[n] = row_hash(&docs[i]);
                snippets[n] = hash_of(docs[i].snippet);
            } else {
                rows[n] = old.0[before];
                snippets[n] = old.1[before];
            }
        }
        (rows, snippets)
    }

    /// Whether it was told which documents were edited.
    pub(super) fn is_edited(&self) -> bool {
        self.edited.is_some()
    }

    /// The terms the moved and edited documents changed, with what they changed.
    pub(super) fn changes(&self) -> impl Iterator<Item = (u32, &TermChange)> {
        self.postings.iter().map(|(&id, change)| (id, change))
    }
}

/// Whether the file of chunk `n` of `size` documents changed, from the hashes of what each
/// document number shows in it (`now` and `then`, by number): a chunk that holds other
/// documents, or more or fewer (documents came or went), differs.
pub(super) fn chunk_differs<'a>(
    size: usize,
    now: &'a [u64],
    then: &'a [u64],
) -> impl Fn(usize) -> bool + Sync + 'a {
    move |n| {
        let range = |len: usize| n * size..((n + 1) * size).min(len);
        now.get(range(now.len())) != then.get(range(then.len()))
    }
}

/// The postings of the documents numbered from `known` on (those a term may only have gained),
/// by term id, in number order.
pub(super) fn new_postings(
    docs: &[SearchDoc],
    order: &[usize],
    known: usize,
    vocab: usize,
) -> HashMap<u32, Vec<(u32, u32)>> {
    let mut added: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    for (k, &i) in order.iter().enumerate().skip(known) {
        for (id, weight) in docs[i].terms.iter() {
            if (id as usize) < vocab && weight > 0 {
                added
                    .entry(id)
                    .or_default()
                    .push((k as u32, u32::from(weight.min(255))));
            }
        }
    }
    added
}

/// Whether a term's postings are those it had (checksum `before`) and `added` (new documents'
/// postings, each document once): its checksum `now` says so.
pub(super) fn only_added(added: &[(u32, u32)], before: u64, now: u64) -> bool {
    let sum = added
        .iter()
        .fold(before, |sum, &(k, w)| sum.wrapping_add(mix(k, w as u16)));
    sum == now && added.windows(2).all(|pair| pair[0].0 < pair[1].0)
}

/// Adds to `files` the document and snippet files of `docs` numbered by `order` whose contents
/// differ from those `old` describes (by number: each `d/` row's hash and each snippet's), and
/// returns those hashes now: made from `old` and the documents `moves` took when it was told
/// which were edited ([`Moves::hashes`]), else from every document.
pub(super) fn changed_doc_files(
    docs: &[SearchDoc],
    order: &[usize],
    p: Params,
    moves: Option<&Moves>,
    old: (&[u64], &[u64]),
    files: &mut Vec<(String, Vec<u8>)>,
) -> (Vec<u64>, Vec<u64>) {
    let (rows, snippets) = match moves.filter(|m| m.is_edited()) {
        Some(moves) => moves.hashes(docs, old),
        None => numbered_hashes(docs, order),
    };
    let (chunk, per_snippets) = (p.chunk.max(1), p.snippets.max(1));
    files.extend(doc_files(
        docs,
        order,
        chunk,
        chunk_differs(chunk, &rows, old.0),
    ));
    files.extend(snippet_files(
        docs,
        order,
        per_snippets,
        chunk_differs(per_snippets, &snippets, old.1),
    ));
    (rows, snippets)
}

/// By document number: the hash of each document's `d/` row, and of its snippet.
pub(super) fn numbered_hashes(docs: &[SearchDoc], order: &[usize]) -> (Vec<u64>, Vec<u64>) {
    rayon::join(
        || order.par_iter().map(|&i| row_hash(&docs[i])).collect(),
        || {
            order
                .par_iter()
                .map(|&i| hash_of(docs[i].snippet))
                .collect()
        },
    )
}

/// Hash of what a document's `d/` row shows.
pub(super) fn row_hash(doc: &SearchDoc) -> u64 {
    thread_local! {
        static LINE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    LINE.with_borrow_mut(|line| {
        line.clear();
        doc.authors.write_line(line);
        hash_of(&(doc.slug, doc.title, doc.date, line.as_str(), doc.upvotes))
    })
}

/// A 64-bit mix of one posting (splitmix64's finaliser): sums of mixes tell lists apart.
pub(super) fn mix(number: u32, weight: u16) -> u64 {
    let mut z =
        (u64::from(number) << 8 | u64::from(weight.min(255))).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Per term id, the checksum of its postings and their number (in parallel: sums of integers,
/// so the split does not matter).
pub(super) fn checksums(docs: &[SearchDoc], order: &[usize], vocab: usize) -> (Vec<u64>, Vec<u32>) {
    /// Documents per task: enough to amortise the task's arrays.
    const CHUNK: usize = 8192;
    order
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut sums = vec![0u64; vocab];
            let mut counts = vec![0u32; vocab];
            for (k, &i) in chunk.iter().enumerate() {
                let number = (c * CHUNK + k) as u32;
                for (id, weight) in docs[i].terms.iter() {
                    if (id as usize) < vocab && weight > 0 {
                        sums[id as usize] = sums[id as usize].wrapping_add(mix(number, weight));
                        counts[id as usize] += 1;
                    }
                }
            }
            (sums, counts)
        })
        .reduce_with(|(mut sums, mut counts), (more, more_counts)| {
            for (sum, add) in sums.iter_mut().zip(more) {
                *sum = sum.wrapping_add(add);
            }
            for (count, add) in counts.iter_mut().zip(more_counts) {
                *count += add;
            }
            (sums, counts)
        })
        .unwrap_or_else(|| (vec![0; vocab], vec![0; vocab]))
}

/// The terms of the `changed` ids encoded again from their postings (one pass over every
/// document), by word; ids left without postings or without a word are left out.
pub(super) fn encode_changed(
    docs: &[SearchDoc],
    words: &[Box<str>],
    order: &[usize],
    changed: &[u32],
    counts: &[u32],
    cap: usize,
) -> Vec<Term> {
    if changed.is_empty() {
        // Nothing to encode: no pass over the documents.
        return Vec::new();
    }
    // Each changed id's place in `postings`; `u32::MAX` for the others.
    let mut slot = vec![u32::MAX; words.len()];
    for (place, &id) in changed.iter().enumerate() {
        slot[id as usize] = place as u32;
    }
    // One pass over every document, split by document number between the threads; each
    // part's lists are in number order, so are the parts'.
    let size = order
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let parts: Vec<Vec<Vec<(u32, u32)>>> = order
        .par_chunks(size)
        .enumerate()
        .map(|(part, chunk)| {
            let mut lists = vec![Vec::new(); changed.len()];
            for (k, &i) in chunk.iter().enumerate() {
                let number = (part * size + k) as u32;
                for (id, weight) in docs[i].terms.iter() {
                    if let Some(&place) = slot.get(id as usize)
                        && place != u32::MAX
                        && weight > 0
                    {
                        lists[place as usize].push((number, u32::from(weight.min(255))));
                    }
                }
            }
            lists
        })
        .collect();
    let postings: Vec<Vec<(u32, u32)>> = (0..changed.len())
        .into_par_iter()
        .map(|place| {
            let mut list = Vec::with_capacity(counts[changed[place] as usize] as usize);
            for part in &parts {
                list.extend_from_slice(&part[place]);
            }
            list
        })
        .collect();
    drop(parts);
    let mut terms: Vec<Term> = changed
        .par_iter()
        .zip(postings)
        .filter(|(id, list)| !list.is_empty() && !words[**id as usize].is_empty())
        .map(|(&id, list)| encode_term(&words[id as usize], list, false, cap))
        .collect();
    terms.sort_unstable_by(|a, b| a.word.cmp(&b.word));
    terms
}

/// The terms by word: `old` without the words `gone`, and `fresh` (sorted by word: those of
/// the words gone that still have postings).
fn merge_terms(old: Vec<Term>, fresh: Vec<Term>, gone: &HashSet<&str>) -> Vec<Term> {
    let mut merged = Vec::with_capacity(old.len() + fresh.len());
    let mut fresh = fresh.into_iter().peekable();
    for term in old {
        while let Some(next) = fresh.next_if(|f| f.word < term.word) {
            merged.push(next);
        }
        if !gone.contains(&*term.word) {
            merged.push(term);
        }
    }
    merged.extend(fresh);
    merged
}

#[cfg(test)]
mod tests;
