//! The site's full-text search index: static JSON files written at build time and read by
//! `search.js` in the browser, which fetches only the files a query needs.
//!
//! Layout (all under `search/`, see [`SearchMemo::build`]):
//!
//! - `meta.json`: format version, counts, the shard boundaries and the tokenizer tables
//!   ([`crate::terms::STOPWORDS`], [`crate::terms::fold_table`], [`crate::terms::MAX_TOKEN_CHARS`],
//!   and the code point ranges [`crate::terms::CJK_RANGES`], [`crate::terms::NFKC_RANGES`],
//!   [`crate::terms::JOINING_RANGES`] as `"cjk"`, `"nfkc"`, `"join"`), so the browser tokenizes
//!   queries exactly like the build.
//! - `t/<key>.json`: term shards. All terms of the site sorted (by code point) and cut into
//!   consecutive ranges of about [`SHARD_BYTES`]; `<key>` is the hex UTF-8 of the shortest prefix
//!   of the shard's first term that sorts after the previous shard's last term (`_` for the first
//!   shard). A shard is `{"t":{term:postings,..},"p":{prefix:[term,..],..}}`.
//! - `d/<n>.json`: documents `n·CHUNK_DOCS ..` as `[[slug,title,date,authors,upvotes|null],..]`.
//! - `s/<n>.json`: the snippet texts (the abstract as shortened for cards) of documents
//!   `n·SNIPPET_DOCS ..`, as `[text,..]`: only the results page fetches them, for its top
//!   results, and shows each with the query's words marked. Kept apart from `d/` so that the
//!   suggestions typed in the box, which show titles only, never download abstracts.
//!
//! Postings of a term: `[df, w, n, d0, δ1, .., δn-1, w', n', ..]`: the true document frequency,
//! then groups of equal weight `w` (the summed field weights of `crate::terms`, at most 255;
//! descending) holding `n` documents, newest (highest number) first: the first absolute, the rest
//! as positive differences to the previous one. So the best matches come first and at most
//! [`POSTINGS_CAP`] are kept. The browser scores a document by the sum over the query's terms of
//! `w · ln(1 + N / df)`; the idf is not baked into the files, so a new paper changes only the
//! shards of its own terms (and `meta.json`).
//!
//! Prefixes: the browser completes the last typed word to the [`COMPLETIONS`] most frequent
//! terms starting with it (the word itself first). When those terms lie in one shard it lists
//! them from that shard; when they span shards (the next shard's key starts with the prefix),
//! that next shard's `"p"` map holds the list.
//!
//! Documents are numbered by (date, slug descending): a higher number is a newer paper, and
//! within a day the slug (usually the title's slug) comes first. The browser breaks score ties by
//! the higher number without loading any document data.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;

use crate::terms;

pub(crate) mod memo;
mod postings;
mod rows;
mod update;

use postings::encode_terms;
use rows::{doc_files, snippet_files, write_doc_files};

pub(crate) use memo::SearchMemo;
pub(crate) use update::{SearchState, build_state};

/// The words before of the documents edited since an index was made, by input index: with
/// them an update finds what changed from those documents alone (see [`SearchState::update`]).
/// Valid only when documents neither came nor went, and every document whose slug, title, date,
/// authors, upvotes, snippet or words may differ is in it.
pub(crate) type Edited = ahash::AHashMap<usize, crate::terms::Terms>;

/// Version of the file format, checked by the browser.
pub(crate) const FORMAT_VERSION: u32 = 1;
/// Documents per `d/<n>.json` file: a results list loads the chunks of its top results only.
/// 128 documents are about 27 KB raw, 10 KB gzipped: eight suggestions cost at most ~85 KB,
/// the 50 results of the search page at most ~0.5 MB, and 100,000 papers make 782 files.
pub(crate) const CHUNK_DOCS: usize = 128;
/// Documents per `s/<n>.json` file of snippets: fewer than [`CHUNK_DOCS`], because a snippet
/// (~280 characters) is longer than a document row and the results page fetches one file per
/// result (50 results: at most ~0.5 MB raw).
pub(crate) const SNIPPET_DOCS: usize = 32;
/// Most postings kept per term: the highest weights, newest first. A document whose only
/// mention of a very common word is weak (an abstract word of an older paper) is not found by
/// that word; it is still found by any of its other words.
pub(crate) const POSTINGS_CAP: usize = 5000;
/// Target raw size of a term shard in bytes. Shards (but the last) hold at least a quarter and
/// at most three times this (cuts are forced there); one term's postings stay under about 35 KB
/// thanks to the cap, so no shard is bigger than three times this.
pub(crate) const SHARD_BYTES: usize = 24 * 1024;
/// Most documents indexed (document numbers take 24 bits in the build); later ones (by date) are
/// left out.
pub(crate) const MAX_DOCS: usize = 1 << 24;
/// Completions of a prefix query: the most frequent terms starting with the typed prefix.
pub(crate) const COMPLETIONS: usize = 5;

/// A document's authors line, e.g. "A. B, C. D et al. (7 authors)": written only where a row
/// is hashed or written (an update after an edit, most often a few rows), not for every paper.
pub(crate) trait AuthorsLine: Sync + std::fmt::Debug {
    /// Appends the line to `out`.
    fn write_line(&self, out: &mut String);
}

impl AuthorsLine for &str {
    fn write_line(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// One paper as the search index sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SearchDoc<'a> {
    /// Page is `<base>papers/<slug>/`.
    pub slug: &'a str,
    /// Title as displayed.
    pub title: &'a str,
    /// Listing day (written `YYYY-MM-DD`).
    pub date: jiff::civil::Date,
    /// Its authors line.
    pub authors: &'a dyn AuthorsLine,
    /// Upvotes when known.
    pub upvotes: Option<u32>,
    /// Plain text shown under the title on the results page (the card's summary).
    pub snippet: &'a str,
    /// `(term id, weight)` sorted by id: words of title, abstract, author names and tag names
    /// from [`crate::terms::weighted_words`] and [`crate::terms::intern`], field boosts included.
    pub terms: crate::terms::TermsRef<'a>,
}

/// Sizes of the index; the defaults are the constants above, tests use small ones.
#[derive(Debug, Clone, Copy)]
struct Params {
    chunk: usize,
    snippets: usize,
    cap: usize,
    shard_bytes: usize,
    /// Most postings transposed at once (see `postings`).
    part: usize,
}

const DEFAULT: Params = Params {
    chunk: CHUNK_DOCS,
    snippets: SNIPPET_DOCS,
    cap: POSTINGS_CAP,
    shard_bytes: SHARD_BYTES,
    part: postings::PART_POSTINGS,
};

/// Where the files of a whole index go as they are made, each as (path relative to the output
/// folder, bytes): written out at once rather than all held until the index is complete.
pub(crate) type Sink<'a> = &'a (dyn Fn(&str, &[u8]) -> std::io::Result<()> + Sync);

/// The index files, as (path relative to the output folder, bytes), e.g. `("search/meta.json", ..)`:
/// what [`SearchMemo::build`] makes, without the memo (the reference the tests compare with).
///
/// Deterministic: the same docs and words give byte-identical files whatever the order of the
/// docs (only docs with equal date and slug keep their input order) and however term ids are
/// numbered (only the id → word mapping matters). Term ids without a word and zero weights are
/// ignored; a word listed under several ids is merged.
#[cfg(test)]
pub(crate) fn build_index(docs: &[SearchDoc], words: &[Box<str>]) -> Vec<(String, Vec<u8>)> {
    build_with(docs, words, DEFAULT)
}

#[cfg(test)]
fn build_with(docs: &[SearchDoc], words: &[Box<str>], p: Params) -> Vec<(String, Vec<u8>)> {
    let order = doc_order(docs);
    let encoded = encode_terms(docs, words, &order, p);
    let mut files = term_files(&encoded, order.len(), p).files;
    files.extend(doc_files(docs, &order, p.chunk, |_| true));
    files.extend(snippet_files(docs, &order, p.snippets, |_| true));
    files
}

/// Document numbers: the docs' indices by date ascending, slug descending (stable, so input
/// order breaks the rest), at most [`MAX_DOCS`].
fn doc_order(docs: &[SearchDoc]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.par_sort_by(|&a, &b| {
        (docs[a].date.cmp(&docs[b].date)).then_with(|| docs[b].slug.cmp(docs[a].slug))
    });
    order.truncate(MAX_DOCS);
    order
}

/// The files of the terms: `meta.json` first, then the shards.
struct TermFiles {
    files: Vec<(String, Vec<u8>)>,
    /// Each shard's path and what it is made of (see [`shard_identity`]), in file order.
    shards: Vec<(String, u64)>,
}

/// The shards of sorted terms as cut, with their keys and the completions they store.
struct Cut {
    shards: Vec<Shard>,
    keys: Vec<String>,
    completions: BTreeMap<usize, Completions>,
}

impl Cut {
    fn new(encoded: &[Term], shard_bytes: usize) -> Cut {
        let shards = cut_shards(encoded, shard_bytes);
        let keys: Vec<String> = shards.iter().map(|s| s.key.clone()).collect();
        let completions = prefix_completions(encoded, &keys);
        Cut {
            shards,
            keys,
            completions,
        }
    }

    /// Shard `i`'s path and identity (see [`shard_identity`]).
    fn path_identity(&self, encoded: &[Term], i: usize) -> (String, u64) {
        let shard = &self.shards[i];
        let path = crate::routes::search_terms(&file_key(&shard.key));
        let list = self.completions.get(&i);
        (
            path,
            shard_identity(&shard.key, &encoded[shard.range.clone()], list),
        )
    }

    /// Shard `i`'s bytes.
    fn bytes(&self, encoded: &[Term], i: usize) -> Vec<u8> {
        shard_file(encoded, &self.shards[i], self.completions.get(&i))
    }
}

/// The term files of `encoded`, each shard made only when `wanted(path, identity)` says so
/// (`meta.json` always).
fn term_files_where(
    encoded: &[Term],
    docs: usize,
    p: Params,
    wanted: impl Fn(&str, u64) -> bool + Sync,
) -> TermFiles {
    let cut = Cut::new(encoded, p.shard_bytes);
    /// A shard's path and identity, and its bytes when wanted.
    type Made = ((String, u64), Option<Vec<u8>>);
    let made: Vec<Made> = (0..cut.shards.len())
        .into_par_iter()
        .map(|i| {
            let (path, identity) = cut.path_identity(encoded, i);
            let bytes = wanted(&path, identity).then(|| cut.bytes(encoded, i));
            ((path, identity), bytes)
        })
        .collect();
    let mut files = vec![(
        crate::routes::SEARCH_META.to_string(),
        meta(docs, &cut.keys, p),
    )];
    let mut identities = Vec::with_capacity(made.len());
    for ((path, identity), bytes) in made {
        if let Some(bytes) = bytes {
            files.push((path.clone(), bytes));
        }
        identities.push((path, identity));
    }
    TermFiles {
        files,
        shards: identities,
    }
}

/// Writes every term file of `encoded` to `sink` as it is made, `meta.json` first; returns the
/// hash of `meta.json` and each shard's path and identity, in file order.
fn write_term_files(
    encoded: &[Term],
    docs: usize,
    p: Params,
    sink: Sink,
) -> std::io::Result<(u64, Vec<(String, u64)>)> {
    let cut = Cut::new(encoded, p.shard_bytes);
    let made_meta = meta(docs, &cut.keys, p);
    sink(crate::routes::SEARCH_META, &made_meta)?;
    let shards = (0..cut.shards.len())
        .into_par_iter()
        .map(|i| {
            let (path, identity) = cut.path_identity(encoded, i);
            sink(&path, &cut.bytes(encoded, i))?;
            Ok((path, identity))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok((crate::hash::hash_of(&made_meta[..]), shards))
}

/// Every term file of `encoded`.
fn term_files(encoded: &[Term], docs: usize, p: Params) -> TermFiles {
    term_files_where(encoded, docs, p, |_, _| true)
}

/// What a shard file is made of: its key, its terms' bytes and its completions. Equal
/// identities, equal bytes (but for a 64-bit hash collision).
fn shard_identity(key: &str, terms: &[Term], completions: Option<&Completions>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = crate::hash::hasher();
    key.hash(&mut hasher);
    for term in terms {
        term.hash.hash(&mut hasher);
    }
    completions.hash(&mut hasher);
    hasher.finish()
}

/// The bytes of one shard.
fn shard_file(encoded: &[Term], shard: &Shard, completions: Option<&Completions>) -> Vec<u8> {
    let mut out = Vec::with_capacity(shard.bytes + 64);
    out.extend_from_slice(b"{\"t\":{");
    for (j, term) in encoded[shard.range.clone()].iter().enumerate() {
        if j > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&term.json);
    }
    out.push(b'}');
    if let Some(list) = completions {
        out.extend_from_slice(b",\"p\":{");
        for (j, (prefix, terms)) in list.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(json_str(prefix).as_bytes());
            out.push(b':');
            out.extend_from_slice(json_list(terms.iter().map(|t| json_str(t))).as_bytes());
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"}\n");
    out
}

/// A term ready for a shard.
struct Term {
    word: Box<str>,
    df: u32,
    /// `"word":[df,..]` (UTF-8); empty while not needed (a term carried over by a cached
    /// build, whose shard is not written: see `memo`).
    json: Vec<u8>,
    /// The length of that JSON, which the shard cuts depend on.
    len: usize,
    /// When more documents hold it than the cap keeps: the postings ranked next (best first,
    /// at most [`reserve_of`] the cap), known exactly, so that an update that drops some of
    /// the kept postings knows which come up; empty when none are known.
    reserve: Vec<(u32, u32)>,
    /// Hash of `json`: what a shard is made of, without its bytes.
    hash: u64,
}

/// Completions stored in one shard: (prefix, terms).
type Completions = Vec<(String, Vec<String>)>;

/// Encodes one term's postings `(doc, weight)` (by doc number unless `unsorted`).
fn encode_term(word: &str, mut postings: Vec<(u32, u32)>, unsorted: bool, cap: usize) -> Term {
    if unsorted {
        postings.sort_unstable();
    }
    // Merge repeated documents (only possible with repeated ids or words).
    postings.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 = kept.1.saturating_add(next.1);
        }
        same
    });
    let df = postings.len() as u32;
    let mut reserve = Vec::new();
    if postings.len() > cap {
        let known = cap + reserve_of(cap);
        if postings.len() > known {
            postings.select_nth_unstable_by(known, best_first);
            postings.truncate(known);
        }
        postings.sort_unstable_by(best_first);
        reserve = postings.split_off(cap);
    } else {
        // Postings are by document number, so a stable sort by weight of the reversed list
        // orders them best first (fast: mostly runs of weight 1).
        postings.reverse();
        postings.sort_by_key(|p| std::cmp::Reverse(p.1));
    }
    let mut term = write_term(word, df, &postings);
    term.reserve = reserve;
    term
}

/// How many postings below the cap a capped term keeps known ([`Term::reserve`]): enough for
/// the edits of many papers between two whole encodings of the term.
fn reserve_of(cap: usize) -> usize {
    (cap / 64).max(2)
}

/// A term of `df` documents made from the postings `known` of it (best first), where every
/// posting not known ranks below `floor` (the last posting known before the change; `None`
/// when `known` is every posting): the cap's best, and the known postings after them that
/// rank above every unknown one as its reserve. `None` when those do not fill the cap.
fn cut_known(
    word: &str,
    df: u32,
    mut known: Vec<(u32, u32)>,
    floor: Option<(u32, u32)>,
    cap: usize,
) -> Option<Term> {
    let sure = match floor {
        None if known.len() == df as usize => known.len(),
        None => return None,
        Some((last_doc, last_weight)) => known
            .iter()
            .take_while(|&&(doc, weight)| {
                weight > last_weight || (weight == last_weight && doc >= last_doc)
            })
            .count(),
    };
    if sure < cap.min(df as usize) || (df as usize <= cap && known.len() != df as usize) {
        return None;
    }
    known.truncate(sure.min(cap + reserve_of(cap)));
    let reserve = if known.len() > cap {
        known.split_off(cap)
    } else {
        Vec::new()
    };
    let mut term = write_term(word, df, &known);
    term.reserve = reserve;
    Some(term)
}

/// The order of a term's postings `(doc, weight)` in its JSON: weight descending, then newest.
fn best_first(a: &(u32, u32), b: &(u32, u32)) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then(b.0.cmp(&a.0))
}

/// A term's JSON: `"word":[df, weight, n, doc, gap, gap, ..., weight, n, ...]`, its postings
/// (best first, at most the cap) in runs of one weight, each run's documents newest first,
/// the first by number and the others by their gap to the one before.
fn write_term(word: &str, df: u32, postings: &[(u32, u32)]) -> Term {
    let mut json = json_str(word).into_bytes();
    json.extend_from_slice(b":[");
    push_num(&mut json, df);
    let mut rest = postings;
    while let Some(&(_, weight)) = rest.first() {
        let n = rest.iter().take_while(|p| p.1 == weight).count();
        json.push(b',');
        push_num(&mut json, weight);
        json.push(b',');
        push_num(&mut json, n as u32);
        let mut previous = None;
        for &(doc, _) in &rest[..n] {
            json.push(b',');
            push_num(&mut json, previous.map_or(doc, |p: u32| p - doc));
            previous = Some(doc);
        }
        rest = &rest[n..];
    }
    json.push(b']');
    Term {
        word: word.into(),
        df,
        reserve: Vec::new(),
        len: json.len(),
        hash: crate::hash::hash_of(&json),
        json,
    }
}

/// The term of `word` whose JSON was `old` (as [`write_term`] writes it) and reserve `reserve`
/// with the postings `added` (`(doc, weight)`, each document numbered after every document of
/// `old`'s, none twice): what [`encode_term`] makes of all of its postings, since the postings
/// it does not know rank below the last it knows, as they did. `None` when `old` does not
/// read as a term of `word`.
fn add_to_term(
    word: &str,
    old: &[u8],
    reserve: &[(u32, u32)],
    added: &[(u32, u32)],
    cap: usize,
) -> Option<Term> {
    let (df, mut postings) = read_term(word, old, added.len() + reserve.len())?;
    postings.extend_from_slice(reserve);
    let floor = known_floor(&postings, df)?;
    let known = merge_best_first(postings, added.to_vec());
    cut_known(word, df + added.len() as u32, known, floor, cap)
}

/// The floor of a term's known postings (its JSON's and reserve's, best first) for
/// [`cut_known`]: `Some(None)` when they are all of its `df`, else the last of them; `None`
/// when they cannot be (more than `df`, or none of more).
fn known_floor(known: &[(u32, u32)], df: u32) -> Option<Option<(u32, u32)>> {
    match known.len().cmp(&(df as usize)) {
        std::cmp::Ordering::Equal => Some(None),
        std::cmp::Ordering::Less => Some(Some(*known.last()?)),
        std::cmp::Ordering::Greater => None,
    }
}

/// The document frequency and postings `(doc, weight)` (best first) of the JSON of `word`'s
/// term as [`write_term`] writes it, with room for `more`; `None` when it does not read so.
fn read_term(word: &str, json: &[u8], more: usize) -> Option<(u32, Vec<(u32, u32)>)> {
    let body = json
        .strip_prefix(json_str(word).as_bytes())?
        .strip_prefix(b":[")?
        .strip_suffix(b"]")?;
    // Digits between commas, each a `u32` (what `push_num` writes; anything else is refused).
    let mut numbers = body.split(|&b| b == b',').map(|digits| {
        if digits.is_empty() || digits.len() > 10 {
            return None;
        }
        let mut n = 0u64;
        for &b in digits {
            if !b.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u64::from(b - b'0');
        }
        u32::try_from(n).ok()
    });
    let df = numbers.next()??;
    let mut postings = Vec::with_capacity((df as usize).min(POSTINGS_CAP) + more);
    while let Some(weight) = numbers.next() {
        let weight = weight?;
        let n = numbers.next()??;
        let mut previous: Option<u32> = None;
        for _ in 0..n {
            let value = numbers.next()??;
            let doc = match previous {
                Some(p) => p.checked_sub(value)?,
                None => value,
            };
            postings.push((doc, weight));
            previous = Some(doc);
        }
    }
    Some((df, postings))
}

/// `sorted` (best first, as a term's JSON reads) with `more` (in any order) put in their
/// places: one merge, not a sort of all of them.
fn merge_best_first(sorted: Vec<(u32, u32)>, mut more: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    if !sorted.is_sorted_by(|a, b| best_first(a, b).is_le()) {
        let mut all = sorted;
        all.extend_from_slice(&more);
        all.sort_unstable_by(best_first);
        return all;
    }
    more.sort_unstable_by(best_first);
    let mut merged = Vec::with_capacity(sorted.len() + more.len());
    let mut more = more.into_iter().peekable();
    for posting in sorted {
        while let Some(next) = more.next_if(|m| best_first(m, &posting).is_lt()) {
            merged.push(next);
        }
        merged.push(posting);
    }
    merged.extend(more);
    merged
}

/// A run of consecutive terms stored in one file.
struct Shard {
    key: String,
    range: std::ops::Range<usize>,
    bytes: usize,
}

/// Cuts the sorted terms into shards of about `target` bytes.
///
/// Content-defined: a cut falls before a term when a hash of the term, read as a fraction, is
/// below the term's size over `target` (so shards average `target` bytes). Whether a cut falls
/// depends on the term alone, except near the minimum and maximum sizes, so adding or editing a
/// paper moves only the boundaries next to its terms and the other shards keep their bytes and
/// names.
fn cut_shards(terms: &[Term], target: usize) -> Vec<Shard> {
    let target = target.max(1);
    let (min, max) = (target / 4, target * 3);
    let mut shards = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, term) in terms.iter().enumerate() {
        let size = term.len + 1;
        let chance = (fnv(term.word.as_bytes()) >> 11) as f64 / (1u64 << 53) as f64;
        let natural = chance * (target as f64) < size as f64;
        if i > start
            && bytes >= min
            && (natural || bytes + size > max)
            && short_file_name(&terms[i - 1].word, &term.word)
        {
            shards.push(Shard {
                key: String::new(),
                range: start..i,
                bytes,
            });
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < terms.len() || shards.is_empty() {
        shards.push(Shard {
            key: String::new(),
            range: start..terms.len(),
            bytes,
        });
    }
    // Key: the shortest prefix of the first term sorting after the previous shard's last term.
    for i in 1..shards.len() {
        let first: &str = &terms[shards[i].range.start].word;
        let last: &str = &terms[shards[i].range.start - 1].word;
        shards[i].key = shard_key(last, first);
    }
    shards
}

/// The key of a shard starting at term `first`, after `last`: the shortest prefix of `first`
/// that sorts after `last`.
fn shard_key(last: &str, first: &str) -> String {
    let common = first
        .chars()
        .zip(last.chars())
        .take_while(|(a, b)| a == b)
        .count();
    first.chars().take(common + 1).collect()
}

/// Whether a shard may start at `first`: its file name (the hex of its key) stays within the
/// limit on names digest writes ([`crate::slug::MAX_SEGMENT_BYTES`]). Two 40-letter terms of
/// 4-byte letters (mathematical alphanumerics) sharing all but their last letter made a
/// 325-byte name and failed the build with "File name too long"; no cut falls between them.
fn short_file_name(last: &str, first: &str) -> bool {
    file_key(&shard_key(last, first)).len() + ".json".len() <= crate::slug::MAX_SEGMENT_BYTES
}

/// Completions of the prefixes whose terms span several shards (the browser can list the others
/// from the one shard holding them): every prefix of 2 or more characters strictly shorter than a
/// shard key that it begins. Stored in the first shard whose key starts with the prefix (it holds
/// some of the completions), sorted by prefix.
fn prefix_completions(terms: &[Term], keys: &[String]) -> BTreeMap<usize, Completions> {
    let mut prefixes: Vec<String> = Vec::new();
    for key in keys.iter().skip(1) {
        let chars: Vec<char> = key.chars().collect();
        for n in 2..chars.len() {
            prefixes.push(chars[..n].iter().collect());
        }
    }
    prefixes.sort_unstable();
    prefixes.dedup();
    let mut out: BTreeMap<usize, Completions> = BTreeMap::new();
    for prefix in prefixes {
        let from = terms.partition_point(|t| *t.word < *prefix);
        let mut found: Vec<&Term> = terms[from..]
            .iter()
            .take_while(|t| t.word.starts_with(prefix.as_str()))
            .collect();
        found.sort_by(|a, b| {
            let exact = |t: &Term| *t.word != *prefix;
            exact(a)
                .cmp(&exact(b))
                .then(b.df.cmp(&a.df))
                .then(a.word.cmp(&b.word))
        });
        let list = found
            .iter()
            .take(COMPLETIONS)
            .map(|t| t.word.to_string())
            .collect();
        let shard = keys.partition_point(|k| k.as_str() <= prefix.as_str());
        out.entry(shard).or_default().push((prefix, list));
    }
    out
}

fn meta(docs: usize, keys: &[String], p: Params) -> Vec<u8> {
    let mut out = String::new();
    let _ = write!(
        out,
        "{{\"v\":{FORMAT_VERSION},\"n\":{docs},\"chunk\":{},\"snip\":{},\"cap\":{},\"complete\":{COMPLETIONS},\"max\":{},",
        p.chunk.max(1),
        p.snippets.max(1),
        p.cap,
        terms::MAX_TOKEN_CHARS
    );
    out.push_str("\"stop\":");
    out.push_str(&json_list(terms::STOPWORDS.iter().map(|w| json_str(w))));
    out.push_str(",\"fold\":{");
    for (i, (c, s)) in terms::fold_table().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}:{}", json_str(&c.to_string()), json_str(s));
    }
    out.push('}');
    for (name, ranges) in [
        ("cjk", terms::CJK_RANGES),
        ("nfkc", terms::NFKC_RANGES),
        ("join", terms::JOINING_RANGES),
    ] {
        let _ = write!(out, ",\"{name}\":");
        out.push_str(&json_list(
            ranges.iter().map(|(lo, hi)| format!("[{lo},{hi}]")),
        ));
    }
    out.push_str(",\"shards\":");
    out.push_str(&json_list(keys.iter().map(|k| json_str(k))));
    out.push_str("}\n");
    out.into_bytes()
}

/// File name of a shard key: hex of its UTF-8 bytes (safe on any file system and URL), `_` for
/// the first shard's empty key.
fn file_key(key: &str) -> String {
    if key.is_empty() {
        return "_".to_string();
    }
    key.bytes().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// 64-bit FNV-1a with a final mix: stable across platforms and releases (unlike `ahash`).
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn json_list(items: impl Iterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

/// Appends `n` in decimal (the hot loop of the build: about ten million numbers).
fn push_num(out: &mut Vec<u8>, n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

#[cfg(test)]
mod tests;
