//! Property tests (proptest, so a failure shrinks to a small input): random byte mutations of
//! each fixture never make an importer panic (they may return Err or problems).

use digest::import::{csl_json, hf_json, s2_json};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// Bytes the formats give meaning to, picked more often than others.
const INTERESTING: &[u8] = b"{}[]\",:\\ \n0123456789-.eEtfnulTZ/v";

/// One edit of the input, at a position given as a fraction of its length (so that a shrunk
/// case stays an edit of the same fixture).
#[derive(Debug, Clone)]
enum Edit {
    Insert(f64, u8),
    Remove(f64),
    /// Deletes a short run, often cutting a string or a bracket pair.
    Cut(f64, usize),
    Replace(f64, u8),
}

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![3 => proptest::sample::select(INTERESTING), 1 => any::<u8>()]
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), byte()).prop_map(|(a, b)| Edit::Insert(a, b)),
        at.clone().prop_map(Edit::Remove),
        (at.clone(), 1..13usize).prop_map(|(a, n)| Edit::Cut(a, n)),
        (at, byte()).prop_map(|(a, b)| Edit::Replace(a, b)),
    ]
}

/// Up to 40 edits: enough to stack several breakages in one input, as the old loop did by
/// mutating its last input 50 times before starting over.
fn edits() -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(edit(), 1..40)
}

fn apply(base: &str, edits: &[Edit]) -> String {
    let mut bytes = base.as_bytes().to_vec();
    let index = |at: f64, len: usize| ((at * len as f64) as usize).min(len);
    for edit in edits {
        match *edit {
            Edit::Insert(at, b) => {
                let i = index(at, bytes.len());
                bytes.insert(i, b);
            }
            Edit::Remove(at) if !bytes.is_empty() => {
                let i = index(at, bytes.len() - 1);
                bytes.remove(i);
            }
            Edit::Cut(at, n) if !bytes.is_empty() => {
                let i = index(at, bytes.len() - 1);
                bytes.drain(i..(i + n).min(bytes.len()));
            }
            Edit::Replace(at, b) if !bytes.is_empty() => {
                let i = index(at, bytes.len() - 1);
                bytes[i] = b;
            }
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: crate::common::proptest_cases(1000),
        // No regression files written into the source tree: a failure prints its case.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const HF: &str = include_str!("../../fixtures/import/hf-daily.json");
const CSL: &str = include_str!("../../fixtures/import/zotero.csl.json");
const S2_BATCH: &str = include_str!("../../fixtures/import/s2-batch.json");
const S2_SINGLE: &str = include_str!("../../fixtures/import/s2-single.json");
const DIGEST_JSON: &str = r#"[{"title": "A", "date": "2025-02-06", "authors": ["X Y"], "tags": ["t"], "links": {"code": "https://g/x"}, "slug": "a", "extra": {"n": 1}, "body": "Body $x$."}]"#;

/// The first part of the Hugging Face text listing, which has every kind of line.
fn hf_text_fixture() -> String {
    include_str!("../../fixtures/hf-daily-papers.txt")
        .chars()
        .take(6000)
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hf_never_panics(edits in edits()) {
        let _ = hf_json::parse(&apply(HF, &edits));
    }

    #[test]
    fn csl_never_panics(edits in edits()) {
        let _ = csl_json::parse(&apply(CSL, &edits));
    }

    #[test]
    fn s2_never_panics(edits in edits(), single in any::<bool>()) {
        let text = apply(if single { S2_SINGLE } else { S2_BATCH }, &edits);
        let _ = s2_json::parse(&text, None);
        let _ = s2_json::parse(&text, Some(jiff::civil::date(2025, 1, 1)));
    }

    #[test]
    fn hf_text_never_panics(edits in edits()) {
        let (_, errors) = digest::import::hf_text::parse_entries(&apply(&hf_text_fixture(), &edits), 2025);
        for error in errors {
            prop_assert!(error.position().0 >= 1, "line 0 in {error:?}");
        }
    }

    #[test]
    fn digest_json_never_panics(edits in edits()) {
        let _ = digest::import::digest_json::parse(&apply(DIGEST_JSON, &edits));
    }
}

/// Guards against the properties above only ever exercising the syntax-error path: inputs of
/// one to three edits, drawn as the properties draw theirs, still parse fairly often.
#[test]
fn parses_still_succeed_on_most_mutations() {
    let mut runner = TestRunner::deterministic();
    let few = proptest::collection::vec(edit(), 1..4);
    let ok = (0..500)
        .filter(|_| {
            let edits = few.new_tree(&mut runner).unwrap().current();
            hf_json::parse(&apply(HF, &edits)).is_ok()
        })
        .count();
    assert!(ok > 25, "only {ok} of 500 mutations parsed");
}
