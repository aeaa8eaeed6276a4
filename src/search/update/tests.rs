//! An updated index equals the index built from scratch, file for file and byte for byte,
//! after random edits of terms, dates, rows and snippets and documents added and removed; an
//! edit of one document's terms makes only the files that changed, and a morning's new
//! documents only their terms' files and the last documents' files.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::search::build_with;

/// Small sizes, so that a few dozen documents make many shards and chunks.
const P: Params = Params {
    chunk: 4,
    snippets: 3,
    cap: 6,
    shard_bytes: 60,
    part: 7,
};

const DOCS: usize = 24;

/// A document as the tests write it.
#[derive(Debug, Clone)]
struct Doc {
    slug: String,
    title: String,
    date: String,
    snippet: String,
    upvotes: Option<u32>,
    terms: Vec<(u32, u16)>,
}

fn words(count: usize) -> Vec<Box<str>> {
    // Shared prefixes, so that shard keys and completions span shards.
    (0..count)
        .map(|i| format!("{}{}", ["co", "con", "de", "ma", "x"][i % 5], i).into())
        .collect()
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        0..6usize,
        0..5u32,
        prop::option::of(0..3u32),
        prop::collection::btree_map(0..30u32, 1..8u16, 0..6),
        0..3usize,
    )
        .prop_map(|(slug, day, upvotes, terms, snippet)| Doc {
            slug: format!("s{slug}"),
            title: format!("Title {slug}"),
            date: format!("2024-01-0{}", day + 1),
            snippet: ["", "a snippet", "another"][snippet].to_string(),
            upvotes,
            terms: terms.into_iter().collect(),
        })
}

/// An edit of document `.0`.
#[derive(Debug, Clone)]
enum Edit {
    Terms(usize, Vec<(u32, u16)>),
    Date(usize, u32),
    Title(usize, usize),
    Snippet(usize, usize),
    /// A word the site did not have, in a document.
    NewWord(usize),
    /// A new document.
    Add(Doc),
    /// A document removed (unless it is the last).
    Remove(usize),
}

/// Applies `edit` (its document numbers taken modulo the documents there are).
fn apply(docs: &mut Vec<Doc>, words: &mut Vec<Box<str>>, edit: Edit) {
    let n = docs.len();
    match edit {
        Edit::Terms(d, terms) => docs[d % n].terms = terms,
        Edit::Date(d, day) => docs[d % n].date = format!("2024-01-0{}", day + 1),
        Edit::Title(d, t) => docs[d % n].title = format!("Edited {t}"),
        Edit::Snippet(d, s) => docs[d % n].snippet = format!("snippet {s}"),
        Edit::NewWord(d) => {
            words.push(format!("new{}", words.len()).into());
            docs[d % n].terms.push((words.len() as u32 - 1, 2));
        }
        Edit::Add(doc) => docs.push(doc),
        Edit::Remove(d) => {
            if n > 1 {
                docs.remove(d % n);
            }
        }
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (
            0..DOCS,
            prop::collection::btree_map(0..30u32, 1..300u16, 0..6)
        )
            .prop_map(|(d, t)| Edit::Terms(d, t.into_iter().collect())),
        (0..DOCS, 0..5u32).prop_map(|(d, day)| Edit::Date(d, day)),
        (0..DOCS, 0..4usize).prop_map(|(d, t)| Edit::Title(d, t)),
        (0..DOCS, 0..3usize).prop_map(|(d, s)| Edit::Snippet(d, s)),
        (0..DOCS).prop_map(Edit::NewWord),
        doc().prop_map(Edit::Add),
        (0..DOCS).prop_map(Edit::Remove),
    ]
}

fn search_docs<'a>(docs: &'a [Doc]) -> Vec<SearchDoc<'a>> {
    docs.iter()
        .map(|d| SearchDoc {
            slug: &d.slug,
            title: &d.title,
            date: d.date.parse().unwrap(),
            authors: &"A. B",
            upvotes: d.upvotes,
            snippet: &d.snippet,
            terms: (&d.terms).into(),
        })
        .collect()
}

/// 200 documents of five terms each out of 300 words, spread over nine months.
fn two_hundred_docs() -> Vec<Doc> {
    let mut docs: Vec<Doc> = (0..200u32)
        .map(|i| Doc {
            slug: format!("p{i:03}"),
            title: format!("Paper {i}"),
            date: format!("2024-0{}-1{}", 1 + i % 9, i % 10),
            snippet: format!("snippet {i}"),
            upvotes: None,
            terms: (0..5)
                .map(|k| ((i * 7 + k * 61) % 300, 1 + k as u16))
                .collect(),
        })
        .collect();
    for doc in &mut docs {
        doc.terms.sort_unstable();
        doc.terms.dedup_by_key(|t| t.0);
    }
    docs
}

/// Whether the files `made` (by an update) are the files of a `fresh` build, byte for byte.
fn same_files(
    made: &BTreeMap<String, Vec<u8>>,
    fresh: &BTreeMap<String, Vec<u8>>,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        made.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in fresh {
        prop_assert_eq!(
            String::from_utf8_lossy(&made[path]),
            String::from_utf8_lossy(bytes),
            "{}",
            path
        );
    }
    Ok(())
}

fn as_map(files: Vec<(String, Vec<u8>)>) -> BTreeMap<String, Vec<u8>> {
    files.into_iter().collect()
}

/// Serve's update of `state` applied to the files it serves, `served`; both made anew when
/// the update cannot be made from what changed. A file may be made again with the same bytes
/// (documents with equal rows renumbered): serve writes only those that differ.
fn serve_update(
    state: &mut SearchState,
    served: &mut BTreeMap<String, Vec<u8>>,
    view: &[SearchDoc],
    words: &[Box<str>],
    edited: Option<&Edited>,
) {
    match state.update(view, words, edited) {
        Some(update) => {
            served.extend(update.files);
            served.retain(|path, _| update.paths.contains(path));
        }
        None => {
            let (again, files) = build_state_with(view, words, P);
            *state = again;
            *served = as_map(files);
        }
    }
}

/// A cached build's update of the index from `memo` (read back from its bytes, as the next
/// build does) applied to the `published` files, which `read` may read; both made anew when it
/// cannot be. No file is written again with the bytes it has.
fn memo_update(
    memo: &mut crate::search::memo::SearchMemo,
    published: &mut BTreeMap<String, Vec<u8>>,
    view: &[SearchDoc],
    words: &[Box<str>],
    readable: bool,
    edited: Option<&Edited>,
) {
    use crate::search::memo::{SearchMemo, build_with as memo_build, update_with};
    let carried: SearchMemo = postcard::from_bytes(&postcard::to_stdvec(&*memo).unwrap()).unwrap();
    let snapshot = published.clone();
    let read = |path: &str| snapshot.get(path).cloned();
    let none = |_: &str| None;
    let reader: crate::search::memo::Published = if readable { &read } else { &none };
    match update_with(&carried, view, words, P, reader, edited) {
        Some((next, update)) => {
            for (path, bytes) in &update.files {
                assert_ne!(
                    published.get(path),
                    Some(bytes),
                    "{path} rewritten as it was"
                );
            }
            published.extend(update.files);
            published.retain(|path, _| update.paths.contains(path));
            *memo = next;
        }
        None => {
            let (again, files) = memo_build(view, words, P);
            *memo = again;
            *published = as_map(files);
        }
    }
}

/// Keeps, as the site does, the words before of the documents `edit` changes in `edited`
/// (forgotten when documents come or go).
fn note_edit(docs: &[Doc], edited: &mut Option<Edited>, edit: &Edit) {
    let n = docs.len();
    let d = match *edit {
        Edit::Terms(d, _)
        | Edit::Date(d, _)
        | Edit::Title(d, _)
        | Edit::Snippet(d, _)
        | Edit::NewWord(d) => d % n,
        Edit::Add(_) | Edit::Remove(_) => {
            *edited = None;
            return;
        }
    };
    if let Some(edited) = edited {
        edited
            .entry(d)
            .or_insert_with(|| crate::terms::Terms::from_sorted(&docs[d].terms));
    }
}

/// Applies `edits` batch by batch, and after each compares serve's updated index (found from
/// the edited documents, and from every document) and a cached build's (from the memo; every
/// other round without the published files, so that its terms are encoded) with a fresh build
/// of the documents: file for file, byte for byte.
fn updates_equal_fresh_builds(
    mut docs: Vec<Doc>,
    mut words: Vec<Box<str>>,
    edits: Vec<Vec<Edit>>,
) -> Result<(), TestCaseError> {
    let (mut state, files) = build_state_with(&search_docs(&docs), &words, P);
    let mut served = as_map(files);
    let (mut told, files) = build_state_with(&search_docs(&docs), &words, P);
    let mut served_told = as_map(files);
    let mut edited = Some(Edited::default());
    let (mut memo, files) = crate::search::memo::build_with(&search_docs(&docs), &words, P);
    let mut published = as_map(files);
    let (mut memo_told, files) = crate::search::memo::build_with(&search_docs(&docs), &words, P);
    let mut published_told = as_map(files);
    for (round, batch) in edits.into_iter().enumerate() {
        for edit in batch {
            note_edit(&docs, &mut edited, &edit);
            apply(&mut docs, &mut words, edit);
        }
        let view = search_docs(&docs);
        let fresh = as_map(build_with(&view, &words, P));
        serve_update(&mut state, &mut served, &view, &words, None);
        same_files(&served, &fresh)?;
        serve_update(&mut told, &mut served_told, &view, &words, edited.as_ref());
        same_files(&served_told, &fresh)?;
        let readable = round % 2 == 0;
        memo_update(
            &mut memo_told,
            &mut published_told,
            &view,
            &words,
            readable,
            edited.as_ref(),
        );
        same_files(&published_told, &fresh)?;
        edited = Some(Edited::default());
        memo_update(&mut memo, &mut published, &view, &words, readable, None);
        same_files(&published, &fresh)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::record::mutations::config(64))]

    /// Property: after any edits (terms, dates, rows, snippets, new words, documents added and
    /// removed), serve's index and a cached build's equal a fresh build.
    #[test]
    fn updated_index_equals_a_fresh_build(
        docs in prop::collection::vec(doc(), DOCS),
        edits in prop::collection::vec(prop::collection::vec(edit(), 1..3), 1..8),
    ) {
        updates_equal_fresh_builds(docs, words(30), edits)?;
    }
}

/// A document's terms edited: only the shards of the terms that came and went are made, no
/// document or snippet file, and the rest of the index stays.
#[test]
fn a_terms_edit_makes_only_the_shards_it_changes() {
    let words = words(300);
    let mut docs = two_hundred_docs();
    let (mut state, files) = build_state_with(&search_docs(&docs), &words, P);
    let shards = files.iter().filter(|(p, _)| p.contains("/t/")).count();
    docs[17].terms = vec![(3, 5), (250, 1)];
    let view = search_docs(&docs);
    let update = state
        .update(&view, &words, None)
        .expect("an update from what changed");
    assert!(!update.files.is_empty());
    assert!(
        update
            .files
            .iter()
            .all(|(p, _)| p.contains("/t/") || p.ends_with("meta.json")),
        "{:?}",
        update.files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(
        update.files.len() * 4 < shards,
        "{} of {shards}",
        update.files.len()
    );
    // Nothing changed: nothing made.
    let again = state.update(&view, &words, None).expect("an update");
    assert!(again.files.is_empty());
    assert_eq!(again.paths, update.paths);
}

/// A build that numbered the words otherwise (a clean load after a cached one) makes its
/// index from the memo all the same: a terms edit writes only shards.
#[test]
fn the_memo_does_not_depend_on_word_ids() {
    use crate::search::memo::{build_with as memo_build, update_with};
    let words = words(300);
    let mut docs = two_hundred_docs();
    let (memo, _) = memo_build(&search_docs(&docs), &words, P);
    docs[17].terms = vec![(3, 5), (250, 1)];
    // The same words, numbered backwards.
    let reversed: Vec<Box<str>> = words.iter().rev().cloned().collect();
    let mut renumbered = docs.clone();
    for doc in &mut renumbered {
        for term in &mut doc.terms {
            term.0 = 299 - term.0;
        }
        doc.terms.sort_unstable();
    }
    let fresh = as_map(build_with(&search_docs(&docs), &words, P));
    let (_, update) = update_with(
        &memo,
        &search_docs(&renumbered),
        &reversed,
        P,
        &|_| None,
        None,
    )
    .expect("an update from the memo");
    assert!(!update.files.is_empty());
    for (path, bytes) in &update.files {
        assert!(
            path.contains("/t/") || path.ends_with("meta.json"),
            "{path}"
        );
        assert_eq!(&fresh[path], bytes, "{path}");
    }
    assert!(
        update.files.len() * 4 < fresh.len(),
        "{}",
        update.files.len()
    );
}

/// Fifty documents of a newer day than all the others (a morning's papers): numbered after
/// them, they change no document or snippet file but the last ones, in the serve's update and
/// the build's; every file is a fresh build's.
#[test]
fn new_documents_of_a_new_day_make_only_the_last_documents_files() {
    use crate::search::memo::{build_with as memo_build, update_with};
    let mut words = words(300);
    let mut docs = two_hundred_docs();
    let (mut state, files) = build_state_with(&search_docs(&docs), &words, P);
    let (memo, _) = memo_build(&search_docs(&docs), &words, P);
    let before = as_map(files);
    for i in 0..50u32 {
        words.push(format!("fresh{i}").into());
        docs.push(Doc {
            slug: format!("new{i:02}"),
            title: format!("New paper {i}"),
            date: "2024-10-01".into(),
            snippet: format!("new snippet {i}"),
            upvotes: None,
            terms: vec![((i * 13) % 300, 2), (300 + i, 1)],
        });
    }
    let view = search_docs(&docs);
    let fresh = as_map(build_with(&view, &words, P));
    // The build reads the unchanged terms of the shards it writes from the published ones;
    // a damaged shard's terms fail their hashes and are encoded instead.
    let reads = std::sync::atomic::AtomicUsize::new(0);
    let published = |path: &str| {
        reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        before.get(path).cloned()
    };
    let damaged = |path: &str| {
        let mut bytes = before.get(path).cloned()?;
        for b in bytes.iter_mut().skip(8).step_by(5) {
            *b = b'7';
        }
        Some(bytes)
    };
    let (_, from_memo) =
        update_with(&memo, &view, &words, P, &published, None).expect("an update from the memo");
    assert!(reads.into_inner() > 0, "no published shard was read");
    let (_, from_damaged) =
        update_with(&memo, &view, &words, P, &damaged, None).expect("an update from the memo");
    let from_state = state
        .update(&view, &words, None)
        .expect("an update from the state");
    for update in [from_memo, from_damaged, from_state] {
        let mut published = before.clone();
        published.extend(update.files.iter().cloned());
        published.retain(|path, _| update.paths.contains(path));
        same_files(&published, &fresh).unwrap();
        // 200 documents filled 50 chunks of 4 and 67 of 3 snippets (the last one of 2): only
        // that last snippet file changes of those there were, with the new ones.
        let made = |dir: &str| -> Vec<&str> {
            update
                .files
                .iter()
                .map(|(path, _)| path.as_str())
                .filter(|path| path.contains(dir) && before.contains_key(*path))
                .collect()
        };
        assert!(made("/d/").is_empty(), "{:?}", made("/d/"));
        assert_eq!(made("/s/").len(), 1, "{:?}", made("/s/"));
    }
}

/// A document of few words (of 6) and small weights: terms held by more documents than the cap,
/// with runs of equal weight across the cut.
fn dense_doc() -> impl Strategy<Value = Doc> {
    (
        0..40usize,
        0..5u32,
        prop::collection::btree_map(0..6u32, 1..3u16, 1..5),
    )
        .prop_map(|(slug, day, terms)| Doc {
            slug: format!("s{slug:02}"),
            title: format!("Title {slug}"),
            date: format!("2024-01-0{}", day + 1),
            snippet: "a snippet".to_string(),
            upvotes: None,
            terms: terms.into_iter().collect(),
        })
}

/// Date edits, now and then with a terms edit or a new document in the same batch.
fn move_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        8 => (0..40usize, 0..5u32).prop_map(|(d, day)| Edit::Date(d, day)),
        1 => (0..40usize, prop::collection::btree_map(0..6u32, 1..3u16, 1..4))
            .prop_map(|(d, t)| Edit::Terms(d, t.into_iter().collect())),
        1 => dense_doc().prop_map(Edit::Add),
    ]
}

proptest! {
    #![proptest_config(crate::record::mutations::config(128))]

    /// Property: when documents move (date edits) and the terms they hold are made from their
    /// JSON as it was, serve's index and the build's memo make what a fresh build makes, with
    /// terms over the cap and equal weights at its cut.
    #[test]
    fn moved_documents_make_what_a_fresh_build_makes(
        docs in prop::collection::vec(dense_doc(), 40),
        edits in prop::collection::vec(prop::collection::vec(move_edit(), 1..3), 1..6),
    ) {
        updates_equal_fresh_builds(docs, words(6), edits)?;
    }
}

/// Told which documents were edited, serve's update looks at those documents (and the ones
/// their new dates move past) alone: an edit it is told of makes what a fresh build makes,
/// and one it is not told of is not found. The site tells it of every edit, or of none.
#[test]
fn told_of_the_edits_an_update_looks_at_those_documents_alone() {
    let words = words(300);
    let docs = two_hundred_docs();
    let before = as_map(build_state_with(&search_docs(&docs), &words, P).1);
    let updated = |now: &[Doc], edited: &Edited| {
        let (mut state, _) = build_state_with(&search_docs(&docs), &words, P);
        let view = search_docs(now);
        let update = state
            .update(&view, &words, Some(edited))
            .expect("an update from the edits");
        let mut published = before.clone();
        published.extend(update.files);
        published.retain(|path, _| update.paths.contains(path));
        (published, as_map(build_with(&view, &words, P)))
    };
    let mut edited = Edited::default();
    edited.insert(17, crate::terms::Terms::from_sorted(&docs[17].terms));
    let mut told = docs.clone();
    told[17].terms = vec![(3, 5), (250, 1)];
    told[17].date = "2024-09-15".into();
    told[17].title = "An edited title".into();
    let (published, fresh) = updated(&told, &edited);
    same_files(&published, &fresh).unwrap();
    // Document 9 (of January, which the date edit does not move past) edited too, untold:
    // the index keeps its old terms.
    let mut untold = told.clone();
    untold[9].terms = vec![(4, 2)];
    let (published, fresh) = updated(&untold, &edited);
    assert_ne!(published, fresh);
    let differ: Vec<&String> = fresh
        .keys()
        .filter(|path| published.get(*path) != fresh.get(*path))
        .collect();
    assert!(differ.iter().all(|path| path.contains("/t/")), "{differ:?}");
}
