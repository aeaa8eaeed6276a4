//! The index read back the way `search.js` reads it: found by title, author, tag and prefix,
//! deterministic whatever the ids or order, safe on odd input.

use super::*;
use crate::terms::{PaperText, TermsRef, Vocabulary, intern, weighted_words};
use serde_json::Value;
use std::collections::HashMap;

/// Papers: (slug, title, date, authors, tags, abstract).
type Paper = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
);

const PAPERS: &[Paper] = &[
    (
        "diffusion-for-images",
        "Diffusion Models for Images",
        "2024-05-01",
        &["Ada Lovelace", "Alan Turing"],
        &["Generative Models"],
        "We denoise pixels step by step with a learned score.",
    ),
    (
        "sparse-attention",
        "Sparse Attention at Scale",
        "2024-05-02",
        &["Grace Hopper"],
        &["Transformers"],
        "Attention over long sequences costs quadratic memory; we make it sparse.",
    ),
    (
        "robot-grasping",
        "Learning to Grasp",
        "2024-05-02",
        &["Émile Schrödinger"],
        &["Robotics"],
        "A robot arm learns grasping from diffusion policies and few demonstrations.",
    ),
    (
        "protein-folding",
        "Protein Folding with Transformers",
        "2024-05-03",
        &["Rosalind Franklin"],
        &["Biology"],
        "Structure prediction for proteins.",
    ),
    (
        "graph-networks",
        "Message Passing on Graphs",
        "2024-05-03",
        &["Grace Hopper", "Ada Lovelace"],
        &["Graph Learning"],
        "Graph neural networks exchange messages between nodes.",
    ),
];

struct Corpus {
    words: Vec<Box<str>>,
    terms: Vec<Vec<(u32, u16)>>,
}

fn corpus(papers: &[Paper], vocabulary: &mut Vocabulary) -> Corpus {
    let terms = papers
        .iter()
        .map(|&(_, title, _, authors, tags, text)| {
            let authors: Vec<String> = authors.iter().map(|a| a.to_string()).collect();
            let words = weighted_words(&PaperText {
                title,
                text,
                authors: &crate::record::StrList::from(authors.clone()),
                tags,
            });
            intern(vocabulary, &words).iter().collect()
        })
        .collect();
    Corpus {
        words: vocabulary.words().to_vec(),
        terms,
    }
}

fn docs<'a>(papers: &'a [Paper], c: &'a Corpus) -> Vec<SearchDoc<'a>> {
    papers
        .iter()
        .zip(&c.terms)
        .map(|(&(slug, title, date, _, _, _), terms)| SearchDoc {
            slug,
            title,
            date: date.parse().unwrap(),
            authors: &"someone",
            upvotes: Some(3),
            snippet: "a snippet",
            terms: terms.into(),
        })
        .collect()
}

/// The browser's algorithm (search.js), in Rust: slugs best first, and whether all words
/// matched (AND) or the OR fallback was used.
fn search(files: &[(String, Vec<u8>)], query: &str) -> (Vec<String>, bool) {
    let files: HashMap<&str, Value> = files
        .iter()
        .map(|(p, b)| (p.as_str(), serde_json::from_slice(b).expect("valid JSON")))
        .collect();
    let meta = &files["search/meta.json"];
    let n = meta["n"].as_f64().unwrap_or(0.0);
    let keys: Vec<&str> = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let shard_of = |term: &str| {
        let i = keys.partition_point(|k| *k <= term).saturating_sub(1);
        (
            i,
            &files[format!("search/t/{}.json", file_key(keys[i])).as_str()],
        )
    };
    let postings = |term: &str| -> Option<(f64, Vec<(u64, f64)>)> {
        let list = shard_of(term).1["t"]
            .get(term)?
            .as_array()?
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect::<Vec<_>>();
        let idf = (1.0 + n / list[0] as f64).ln();
        let mut out = Vec::new();
        let mut i = 1;
        while i + 1 < list.len() {
            let (w, count) = (list[i] as f64, list[i + 1] as usize);
            let mut doc = 0;
            for j in 0..count {
                let v = list[i + 2 + j];
                doc = if j == 0 { v } else { doc - v };
                out.push((doc, w * idf));
            }
            i += 2 + count;
        }
        Some((list[0] as f64, out))
    };
    let mut tokens = Vec::new();
    terms::for_each_token(query, |t| {
        if !terms::is_stopword(t) && !tokens.iter().any(|x: &String| x == t) {
            tokens.push(t.to_string());
        }
    });
    // The last token is a prefix when it ends the query and is not a stop word.
    let mut last = None;
    terms::for_each_token_at(query, |t, range| last = Some((t.to_string(), range.end)));
    let prefix = last.is_some_and(|(t, end)| end == query.len() && !terms::is_stopword(&t));
    let mut maps: Vec<HashMap<u64, f64>> = Vec::new();
    for (k, token) in tokens.iter().enumerate() {
        let mut map = HashMap::new();
        let words: Vec<String> = if prefix && k + 1 == tokens.len() {
            let (i, shard) = shard_of(token);
            if keys
                .get(i + 1)
                .is_some_and(|next| next.starts_with(token.as_str()) && next != token)
            {
                let key = file_key(keys[i + 1]);
                files[format!("search/t/{key}.json").as_str()]["p"][token.as_str()]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_string())
                    .collect()
            } else {
                let mut found: Vec<(bool, u64, String)> = shard["t"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter(|(t, _)| t.starts_with(token.as_str()))
                    .map(|(t, p)| (t != token, u64::MAX - p[0].as_u64().unwrap(), t.clone()))
                    .collect();
                found.sort();
                found.into_iter().take(COMPLETIONS).map(|f| f.2).collect()
            }
        } else {
            vec![token.clone()]
        };
        for word in words {
            for (doc, score) in postings(&word).map(|p| p.1).unwrap_or_default() {
                let best = map.entry(doc).or_insert(0.0f64);
                *best = best.max(score);
            }
        }
        maps.push(map);
    }
    let mut all = true;
    let mut scores: HashMap<u64, f64> = HashMap::new();
    if let Some((first, rest)) = maps.split_first() {
        for (&doc, &s) in first {
            let others: Option<Vec<f64>> = rest.iter().map(|m| m.get(&doc).copied()).collect();
            if let Some(others) = others {
                scores.insert(doc, s + others.iter().sum::<f64>());
            }
        }
        if scores.is_empty() {
            all = false;
            for m in &maps {
                for (&doc, &s) in m {
                    *scores.entry(doc).or_insert(0.0) += s;
                }
            }
        }
    }
    let mut ranked: Vec<(u64, f64)> = scores.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    let chunk = meta["chunk"].as_u64().unwrap();
    let slugs = ranked
        .iter()
        .map(|&(doc, _)| {
            let rows = &files[format!("search/d/{}.json", doc / chunk).as_str()];
            rows[(doc % chunk) as usize][0]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    (slugs, all)
}

fn first(files: &[(String, Vec<u8>)], query: &str) -> Option<String> {
    search(files, query).0.into_iter().next()
}

fn small_index() -> Vec<(String, Vec<u8>)> {
    let c = corpus(PAPERS, &mut Vocabulary::default());
    build_index(&docs(PAPERS, &c), &c.words)
}

#[test]
fn files_are_json_under_search() {
    let files = small_index();
    assert!(
        files
            .iter()
            .all(|(p, _)| p.starts_with("search/") && p != "search/index.html")
    );
    for (path, bytes) in &files {
        assert!(serde_json::from_slice::<Value>(bytes).is_ok(), "{path}");
    }
    let meta: Value = serde_json::from_slice(&files[0].1).unwrap();
    assert_eq!(meta["v"], FORMAT_VERSION);
    assert_eq!(meta["n"], 5);
    assert_eq!(meta["fold"]["ß"], "ss");
    assert_eq!(
        meta["stop"].as_array().map(Vec::len),
        Some(terms::STOPWORDS.len())
    );
}

#[test]
fn finds_by_title_author_tag_and_prefix() {
    let files = small_index();
    assert_eq!(first(&files, "grasp").as_deref(), Some("robot-grasping"));
    assert_eq!(
        first(&files, "Franklin ").as_deref(),
        Some("protein-folding")
    );
    assert_eq!(
        first(&files, "schrodinger").as_deref(),
        Some("robot-grasping")
    );
    assert_eq!(
        first(&files, "SCHRÖDINGER").as_deref(),
        Some("robot-grasping")
    );
    assert_eq!(first(&files, "robotics").as_deref(), Some("robot-grasping"));
    assert_eq!(first(&files, "biolo").as_deref(), Some("protein-folding"));
    assert_eq!(first(&files, "Mess").as_deref(), Some("graph-networks"));
    // Title beats abstract: "diffusion" is in the title of one, the abstract of another.
    assert_eq!(
        search(&files, "diffusion ").0,
        ["diffusion-for-images", "robot-grasping"]
    );
    // AND of words; ties broken by newer date.
    assert_eq!(
        search(&files, "hopper").0,
        ["graph-networks", "sparse-attention"]
    );
    assert_eq!(search(&files, "hopper lovelace").0, ["graph-networks"]);
    // Nothing has both: OR fallback.
    let (found, all) = search(&files, "protein sparse");
    assert!(!all);
    assert_eq!(found.len(), 2);
    assert!(search(&files, "zzz").0.is_empty());
}

#[test]
fn stop_words_are_ignored() {
    let files = small_index();
    assert!(search(&files, "the with for").0.is_empty());
    assert_eq!(search(&files, "the protein with").0, ["protein-folding"]);
    // A stop word typed last does not make the word before it a prefix.
    assert_eq!(search(&files, "biolo the").0, Vec::<String>::new());
    assert_eq!(search(&files, "biology the").0, ["protein-folding"]);
}

#[test]
fn deterministic_whatever_ids_or_order() {
    let a = small_index();
    assert_eq!(a, small_index());
    // Other term ids: intern the papers in reverse order first.
    let mut vocabulary = Vocabulary::default();
    let reversed: Vec<Paper> = PAPERS.iter().rev().copied().collect();
    corpus(&reversed, &mut vocabulary);
    let c = corpus(PAPERS, &mut vocabulary);
    assert_ne!(c.words, corpus(PAPERS, &mut Vocabulary::default()).words);
    assert_eq!(a, build_index(&docs(PAPERS, &c), &c.words));
    // Other document order.
    let c = corpus(&reversed, &mut Vocabulary::default());
    assert_eq!(a, build_index(&docs(&reversed, &c), &c.words));
}

#[test]
fn no_panic_on_odd_input() {
    assert_eq!(build_index(&[], &[]).len(), 2);
    let terms = [(0, 1), (7, 3), (1, 0), (0, 2)];
    let words: Vec<Box<str>> = vec!["x\"y".into(), "".into()];
    let doc = SearchDoc {
        slug: "a",
        title: "\u{0}",
        date: jiff::civil::date(2024, 1, 1),
        authors: &"",
        upvotes: None,
        snippet: "\u{0}",
        terms: TermsRef::Pairs(&terms),
    };
    let files = build_index(&[doc, doc], &words);
    for (_, bytes) in &files {
        assert!(serde_json::from_slice::<Value>(bytes).is_ok());
    }
}

/// Terms sharing long prefixes of 4-byte letters would give shards file names over the
/// file system's limit; no shard file name is longer than the limit for names.
#[test]
fn shard_file_names_stay_short_for_long_shared_prefixes() {
    let prefix = "\u{1d431}".repeat(38);
    let prefix = prefix.as_str();
    let letters: Vec<char> = (0..26)
        .filter_map(|i| char::from_u32(0x1d41a + i))
        .collect();
    let words: Vec<Box<str>> = letters
        .iter()
        .flat_map(|a| {
            letters
                .iter()
                .map(move |b| format!("{prefix}{a}{b}").into())
        })
        .chain((0..300).map(|i| format!("w{i:03}").into()))
        .collect();
    let terms: Vec<Vec<(u32, u16)>> = (0..words.len() as u32).map(|w| vec![(w, 1)]).collect();
    let slugs: Vec<String> = (0..words.len()).map(|d| format!("p{d}")).collect();
    let docs: Vec<SearchDoc> = (0..words.len())
        .map(|d| SearchDoc {
            slug: &slugs[d],
            title: "t",
            date: jiff::civil::date(2024, 1, 1),
            authors: &"",
            upvotes: None,
            snippet: "",
            terms: (&terms[d]).into(),
        })
        .collect();
    let p = Params {
        chunk: 50,
        snippets: 7,
        cap: 100,
        shard_bytes: 400,
        part: DEFAULT.part,
    };
    let files = build_with(&docs, &words, p);
    let meta: Value = serde_json::from_slice(&files[0].1).unwrap();
    // Cut elsewhere (between the short words) as usual.
    assert!(meta["shards"].as_array().unwrap().len() > 2);
    for (path, _) in &files {
        let name = path.rsplit('/').next().unwrap();
        assert!(name.len() <= crate::slug::MAX_SEGMENT_BYTES, "{path}");
    }
    for word in [&words[0], &words[675], &words[700]] {
        assert_eq!(search(&files, &format!("{word} ")).0.len(), 1, "{word}");
    }
}

/// Many shards, prefix completions across shards and capped postings, with small sizes.
#[test]
fn large_corpus_with_small_shards() {
    let mut words: Vec<Box<str>> = Vec::new();
    for a in ["co", "con", "cons", "de", "dif", "ma", "mo", "x"] {
        for i in 0..40 {
            words.push(format!("{a}{i}w").into());
        }
    }
    words.push("common".into());
    let common = words.len() as u32 - 1;
    let terms: Vec<Vec<(u32, u16)>> = (0..600u32)
        .map(|d| {
            let mut t: Vec<(u32, u16)> = (0..6)
                .map(|k| ((d * 7 + k * 31) % common, 1 + (k % 3) as u16))
                .collect();
            t.push((common, if d % 10 == 0 { 5 } else { 1 }));
            t.sort_unstable();
            t.dedup_by_key(|x| x.0);
            t
        })
        .collect();
    let slugs: Vec<String> = (0..600).map(|d| format!("p{d:03}")).collect();
    let docs: Vec<SearchDoc> = (0..600)
        .map(|d| SearchDoc {
            slug: &slugs[d],
            title: "t",
            date: jiff::civil::date(2024, 1, 1),
            authors: &"",
            upvotes: None,
            snippet: "",
            terms: (&terms[d]).into(),
        })
        .collect();
    let p = Params {
        chunk: 50,
        snippets: 7,
        cap: 100,
        shard_bytes: 400,
        part: DEFAULT.part,
    };
    let files = build_with(&docs, &words, p);
    let meta: Value = serde_json::from_slice(&files[0].1).unwrap();
    let shards = meta["shards"].as_array().unwrap().len();
    assert!(shards > 20, "{shards}");
    assert!(
        files
            .iter()
            .any(|(_, b)| String::from_utf8_lossy(b).contains("\"p\":{"))
    );
    // Every word is found by its exact spelling and by its own full prefix.
    for (id, word) in words.iter().enumerate() {
        let expected = terms
            .iter()
            .filter(|t| t.iter().any(|x| x.0 == id as u32))
            .count()
            .min(p.cap);
        assert_eq!(
            search(&files, &format!("{word} ")).0.len(),
            expected,
            "{word}"
        );
    }
    // Capped: the 60 title-weight docs come first; same day, so slug ascending first.
    let (found, _) = search(&files, "common ");
    assert_eq!(found.len(), 100);
    assert_eq!(found[0], "p000");
    assert_eq!(found[59], "p590");
    // Short prefixes spanning shards complete to their most frequent terms.
    let spanning: Vec<String> = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| {
            k.as_str()
                .filter(|k| k.len() > 2)
                .map(|k| k[..2].to_string())
        })
        .collect();
    assert!(!spanning.is_empty());
    for prefix in spanning {
        assert!(!search(&files, &prefix).0.is_empty(), "{prefix}");
    }
}

/// The postings transposed in many parts (down to one word a part; words listed under two ids;
/// a word with more postings than a part holds) make the same files as in one part.
#[test]
fn postings_transposed_in_parts_make_the_same_files() {
    // Ids 80.. repeat the words of ids 0..: those words are merged from two ids.
    let mut words: Vec<Box<str>> = (0..100).map(|id| format!("w{}", id % 80).into()).collect();
    words.push("common".into());
    let common = words.len() as u32 - 1;
    let terms: Vec<Vec<(u32, u16)>> = (0..300u32)
        .map(|d| {
            let mut t: Vec<(u32, u16)> = (0..5)
                .map(|k| ((d * 13 + k * 37) % common, 1 + (d % 4) as u16))
                .collect();
            t.push((common, 1 + (d % 3) as u16));
            t.sort_unstable();
            t.dedup_by_key(|x| x.0);
            t
        })
        .collect();
    let slugs: Vec<String> = (0..300).map(|d| format!("p{d:03}")).collect();
    let dates: Vec<jiff::civil::Date> = (0..300)
        .map(|d| jiff::civil::date(2024, 1, 1 + (d % 28) as i8))
        .collect();
    let docs: Vec<SearchDoc> = (0..300)
        .map(|d| SearchDoc {
            slug: &slugs[d],
            title: "t",
            date: dates[d],
            authors: &"",
            upvotes: None,
            snippet: "",
            terms: (&terms[d]).into(),
        })
        .collect();
    let whole = Params {
        chunk: 50,
        snippets: 7,
        cap: 40,
        shard_bytes: 300,
        part: usize::MAX,
    };
    let reference = build_with(&docs, &words, whole);
    let shards = reference
        .iter()
        .filter(|(path, _)| path.starts_with("search/t/"))
        .count();
    assert!(shards > 3, "{shards}");
    // "common" has 300 postings: more than every part below holds. The documents are split
    // between the threads too: one range, and three.
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for part in [1, 2, 9, 40, 299] {
            let parted = pool.install(|| build_with(&docs, &words, Params { part, ..whole }));
            assert_eq!(parted.len(), reference.len(), "part {part}");
            for ((path, bytes), (want_path, want)) in parted.iter().zip(&reference) {
                assert_eq!(path, want_path, "part {part}, {threads} threads");
                assert!(
                    bytes == want,
                    "part {part}, {threads} threads: {path} differs"
                );
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(crate::record::mutations::config(256))]

    /// A term's JSON with postings of newer documents added to it is the JSON of all of its
    /// postings, under the cap or over it, whatever the word, with or without its reserve;
    /// the reserve it keeps is the first of the whole term's.
    #[test]
    fn postings_added_to_a_terms_json_make_the_json_of_all_of_them(
        weights in proptest::collection::vec(proptest::option::of(1..6u32), 1..60),
        split in 0..60usize,
        cap in 1..12usize,
        word in "[a-z\"\\\\é]{1,6}",
    ) {
        let postings: Vec<(u32, u32)> = weights
            .iter()
            .enumerate()
            .filter_map(|(doc, w)| w.map(|w| (doc as u32, w)))
            .collect();
        let split = split.min(weights.len()) as u32;
        let (old, added): (Vec<_>, Vec<_>) = postings.iter().partition(|p| p.0 < split);
        proptest::prop_assume!(!old.is_empty());
        let whole = encode_term(&word, postings.clone(), false, cap);
        let before = encode_term(&word, old, false, cap);
        for reserve in [&before.reserve[..], &[]] {
            let after = add_to_term(&word, &before.json, reserve, &added, cap)
                .expect("the JSON reads back");
            proptest::prop_assert_eq!(
                String::from_utf8_lossy(&after.json),
                String::from_utf8_lossy(&whole.json)
            );
            proptest::prop_assert_eq!(
                (after.df, after.len, after.hash),
                (whole.df, whole.len, whole.hash)
            );
            proptest::prop_assert!(whole.reserve.starts_with(&after.reserve));
        }
        // Another word's JSON, or a damaged one, does not read as this term's.
        let reserve = &before.reserve;
        proptest::prop_assert!(add_to_term("other-word", &before.json, reserve, &added, cap).is_none());
        let mut cut = before.json.clone();
        cut.pop();
        proptest::prop_assert!(add_to_term(&word, &cut, reserve, &added, cap).is_none());
    }
}
