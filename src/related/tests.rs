use super::*;
use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};
use std::collections::HashMap;

/// Papers as (title, abstract) with a toy tokenizer: title words weigh 5, abstract words
/// 1 per occurrence. Returns each paper's terms and the vocabulary size.
fn tokenize(papers: &[(&str, &str)]) -> (Vec<Vec<(u32, u16)>>, usize) {
    let mut vocabulary: HashMap<&str, u32> = HashMap::new();
    let mut docs = Vec::new();
    for (title, abstract_text) in papers {
        let mut weights: HashMap<u32, u16> = HashMap::new();
        let words = title
            .split_whitespace()
            .map(|word| (word, 5))
            .chain(abstract_text.split_whitespace().map(|word| (word, 1)));
        for (word, weight) in words {
            let next_id = vocabulary.len() as u32;
            let id = *vocabulary.entry(word).or_insert(next_id);
            *weights.entry(id).or_default() += weight;
        }
        let mut terms: Vec<(u32, u16)> = weights.into_iter().collect();
        terms.sort_unstable();
        docs.push(terms);
    }
    (docs, vocabulary.len())
}

fn run(docs: &[Vec<(u32, u16)>], vocab_len: usize, k: usize) -> Vec<Vec<u32>> {
    let slices: Vec<TermsRef<'_>> = docs.iter().map(Into::into).collect();
    related(&slices, vocab_len, k).0
}

/// Three papers on diffusion image generation, three on protein folding, two on robotics.
const FIXTURE: &[(&str, &str)] = &[
    (
        "denoising diffusion models for image generation",
        "we train a denoising diffusion model that generates images by reversing a noise \
         process; the sampler produces high fidelity images and the model learns a score",
    ),
    (
        "faster sampling for diffusion image generation",
        "diffusion models generate images slowly; a distilled sampler reduces denoising \
         steps while image fidelity stays high; the model is trained on noise schedules",
    ),
    (
        "text conditioned diffusion for image synthesis",
        "a diffusion model conditioned on text embeddings generates images; guidance trades \
         diversity for fidelity of the generated images",
    ),
    (
        "predicting protein structure from sequence",
        "we predict protein folding from the amino acid sequence with attention over \
         residues; the predicted structure matches crystal structures of proteins",
    ),
    (
        "protein folding with evolutionary couplings",
        "multiple sequence alignments reveal couplings between residues that constrain \
         protein folding; the model predicts contacts and the structure of the protein",
    ),
    (
        "learning protein dynamics beyond static structure",
        "molecular dynamics of protein folding are costly; a learned model samples protein \
         conformations near the folded structure of each sequence",
    ),
    (
        "robot grasping from tactile feedback",
        "a robot arm learns grasping policies from tactile sensors; the gripper adapts to \
         object shape and the robot succeeds on novel objects",
    ),
    (
        "legged robot locomotion with reinforcement learning",
        "a quadruped robot learns locomotion policies in simulation and transfers them to \
         rough terrain; the policies use proprioceptive sensors",
    ),
];

fn topic(paper: u32) -> u32 {
    match paper {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// A deterministic synthetic collection with a skewed vocabulary (log-uniform term ranks,
/// close to Zipf) and many equal weights, so tie handling is exercised.
fn synthetic(doc_count: usize, vocab_len: usize, terms_per_doc: usize) -> Vec<Vec<(u32, u16)>> {
    // proptest's generator with its fixed seed: the same collection on every run.
    let mut rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut next = move || rng.next_u64();
    (0..doc_count)
        .map(|_| {
            let mut weights: HashMap<u32, u16> = HashMap::new();
            for draw in 0..terms_per_doc {
                let unit = (next() >> 11) as f64 / (1u64 << 53) as f64;
                let term = ((vocab_len as f64).powf(unit) as u32 - 1).min(vocab_len as u32 - 1);
                *weights.entry(term).or_default() += if draw < 4 { 5 } else { 1 };
            }
            let mut terms: Vec<(u32, u16)> = weights.into_iter().collect();
            terms.sort_unstable();
            terms
        })
        .collect()
}

#[test]
fn papers_are_related_within_their_topic() {
    let (docs, vocab_len) = tokenize(FIXTURE);
    let related = run(&docs, vocab_len, 3);
    assert_eq!(related.len(), FIXTURE.len());
    for (paper, list) in related.iter().enumerate() {
        let paper = paper as u32;
        let same_topic = (0..FIXTURE.len() as u32)
            .filter(|&other| other != paper && topic(other) == topic(paper))
            .count();
        assert!(list.len() >= same_topic, "paper {paper}: {list:?}");
        assert!(
            list[..same_topic]
                .iter()
                .all(|&other| topic(other) == topic(paper)),
            "paper {paper}: {list:?}"
        );
    }
    // The papers on plain and faster denoising diffusion share the most.
    assert_eq!(related[0][..2], [1, 2]);
    assert_eq!(related[1][..2], [0, 2]);
    // Structure prediction is closest to folding from couplings, then to dynamics.
    assert_eq!(related[3][..2], [4, 5]);
    // The two robotics papers have only each other in their topic.
    assert_eq!(related[6][0], 7);
    assert_eq!(related[7][0], 6);
}

#[test]
fn a_paper_is_never_related_to_itself() {
    let docs = synthetic(2000, 3000, 60);
    for (paper, list) in run(&docs, 3000, 10).iter().enumerate() {
        assert!(list.len() <= 10);
        assert!(!list.contains(&(paper as u32)), "paper {paper}: {list:?}");
        let mut unique = list.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), list.len(), "paper {paper}: {list:?}");
    }
}

#[test]
fn result_does_not_depend_on_threads() {
    let docs = synthetic(3000, 4000, 60);
    let in_pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| run(&docs, 4000, 8))
    };
    let single = in_pool(1);
    assert_eq!(single, in_pool(2));
    assert_eq!(single, in_pool(3));
    assert_eq!(single, run(&docs, 4000, 8));
}

#[test]
fn result_does_not_depend_on_term_numbering() {
    let vocab_len = 2500;
    let docs = synthetic(1500, vocab_len, 50);
    // A fixed permutation of term ids: multiplication by a unit modulo the vocabulary.
    let renumber = |term: u32| (term as u64 * 7919 % vocab_len as u64) as u32;
    let renumbered: Vec<Vec<(u32, u16)>> = docs
        .iter()
        .map(|terms| {
            let mut terms: Vec<(u32, u16)> = terms
                .iter()
                .map(|&(term, weight)| (renumber(term), weight))
                .collect();
            terms.sort_unstable();
            terms
        })
        .collect();
    assert_eq!(run(&docs, vocab_len, 10), run(&renumbered, vocab_len, 10));
    let (fixture, fixture_vocab) = tokenize(FIXTURE);
    let reversed: Vec<Vec<(u32, u16)>> = fixture
        .iter()
        .map(|terms| {
            let mut terms: Vec<(u32, u16)> = terms
                .iter()
                .map(|&(term, weight)| (fixture_vocab as u32 - 1 - term, weight))
                .collect();
            terms.sort_unstable();
            terms
        })
        .collect();
    assert_eq!(
        run(&fixture, fixture_vocab, 5),
        run(&reversed, fixture_vocab, 5)
    );
}

#[test]
fn empty_input_and_papers_without_terms() {
    assert!(related(&[], 0, 5).0.is_empty());
    assert!(related(&[], 100, 5).0.is_empty());
    let none = TermsRef::Pairs(&[]);
    assert_eq!(related(&[none, none], 0, 5).0, vec![Vec::<u32>::new(); 2]);

    let (mut docs, vocab_len) = tokenize(FIXTURE);
    docs.insert(0, Vec::new());
    docs.push(Vec::new());
    let related = run(&docs, vocab_len, 4);
    assert!(related[0].is_empty());
    assert!(related[docs.len() - 1].is_empty());
    for list in &related {
        assert!(!list.contains(&0) && !list.contains(&(docs.len() as u32 - 1)));
    }
}

#[test]
fn papers_sharing_nothing_are_not_related() {
    let docs = vec![
        vec![(0, 5), (1, 1)],
        vec![(0, 1), (2, 5)],
        vec![(3, 5), (4, 1)],
    ];
    assert_eq!(run(&docs, 5, 10), vec![vec![1], vec![0], vec![]]);
}

#[test]
fn k_zero_gives_empty_lists() {
    let (docs, vocab_len) = tokenize(FIXTURE);
    assert_eq!(
        run(&docs, vocab_len, 0),
        vec![Vec::<u32>::new(); docs.len()]
    );
}

#[test]
fn exact_duplicates_are_related_first() {
    let (mut docs, vocab_len) = tokenize(FIXTURE);
    docs.push(docs[4].clone());
    let related = run(&docs, vocab_len, 3);
    assert_eq!(related[4][0], 8);
    assert_eq!(related[8][0], 4);
}

#[test]
fn equal_scores_go_to_the_smaller_index() {
    // Papers 1, 2 and 3 are identical, so equally related to paper 0 and to each other.
    let paper = vec![(0, 5), (1, 1)];
    let docs = vec![paper.clone(), paper.clone(), paper.clone(), paper];
    assert_eq!(
        run(&docs, 2, 2),
        vec![vec![1, 2], vec![0, 2], vec![0, 1], vec![0, 1]]
    );
}

#[test]
fn out_of_range_terms_and_zero_weights_are_ignored() {
    let docs = vec![
        vec![(0, 5), (7, 3), (u32::MAX, 1)],
        vec![(0, 1), (1, 0)],
        vec![(1, 5), (9, 5)],
        vec![(1, 2)],
    ];
    assert_eq!(run(&docs, 2, 5), vec![vec![1], vec![0], vec![3], vec![2]]);
}

/// CJK text relates papers through its character bigrams (`crate::terms`): written without
/// spaces, a whole Chinese sentence used to be one word, shared by no other paper.
#[test]
fn chinese_papers_are_related_through_their_bigrams() {
    use crate::terms::{PaperText, Vocabulary, intern, weighted_words};
    let papers = [
        (
            "基于扩散模型的图像生成",
            "我们训练扩散模型逐步去噪，生成高质量图像。",
        ),
        (
            "扩散模型的快速采样方法",
            "扩散模型生成图像较慢，本文减少去噪步数，保持图像质量。",
        ),
        (
            "方言语音识别的自监督预训练",
            "利用无标注语音进行预训练，降低语音识别的错误率。",
        ),
        (
            "低资源语音识别的数据增强",
            "语音数据稀缺时，数据增强可以提高语音识别系统的性能。",
        ),
    ];
    let mut vocabulary = Vocabulary::default();
    let docs: Vec<Vec<(u32, u16)>> = papers
        .iter()
        .map(|(title, text)| {
            let words = weighted_words(&PaperText {
                title,
                text,
                authors: &crate::record::StrList::default(),
                tags: &[],
            });
            intern(&mut vocabulary, &words).iter().collect()
        })
        .collect();
    let related = run(&docs, vocabulary.len(), 1);
    assert_eq!(related, [vec![1], vec![0], vec![3], vec![2]]);
}

/// [`related_scanning`] of `docs`, and the terms the papers kept.
fn run_scanning(
    docs: &[Vec<(u32, u16)>],
    vocab_len: usize,
    k: usize,
    scanned: usize,
) -> (Vec<Vec<u32>>, KeptLists) {
    let slices: Vec<TermsRef<'_>> = docs.iter().map(Into::into).collect();
    related_scanning(&slices, vocab_len, k, scanned)
}

/// The lists made before, with those of `update::changed_lists_scanning` in place (given the
/// terms kept then), how many it made again, and the terms kept now.
fn patched(
    mut lists: Vec<Vec<u32>>,
    docs: &[Vec<(u32, u16)>],
    (vocab_len, k, scanned): (usize, usize, usize),
    before: &[(usize, Vec<(u32, u16)>)],
    kept: KeptLists,
) -> (Vec<Vec<u32>>, usize, KeptLists) {
    let slices: Vec<TermsRef<'_>> = docs.iter().map(Into::into).collect();
    let before: Vec<(usize, TermsRef<'_>)> = before
        .iter()
        .map(|(doc, terms)| (*doc, terms.into()))
        .collect();
    let (changed, kept) =
        update::changed_lists_scanning(&slices, vocab_len, k, &before, scanned, kept);
    let count = changed.len();
    for (doc, list) in changed {
        lists[doc] = list;
    }
    (lists, count, kept)
}

/// An edit of paper `doc`'s words, picked by `how`: a word swapped for another, one dropped,
/// a new word (past the vocabulary, as an edit adds one), or a weight changed.
fn edit_words(terms: &mut Vec<(u32, u16)>, how: u8, pick: u32, vocab_len: &mut usize) {
    let at = pick as usize % terms.len().max(1);
    match how % 4 {
        0 if !terms.is_empty() => terms[at].0 = pick % *vocab_len as u32,
        1 if !terms.is_empty() => {
            terms.remove(at);
        }
        2 => {
            terms.push((*vocab_len as u32, 1 + (pick % 5) as u16));
            *vocab_len += 1;
        }
        _ if !terms.is_empty() => terms[at].1 = 1 + (pick % 7) as u16,
        _ => terms.push((pick % *vocab_len as u32, 1)),
    }
    terms.sort_unstable_by_key(|&(term, _)| term);
    terms.dedup_by_key(|&mut (term, _)| term);
}

#[test]
fn one_edited_paper_scores_again_only_the_papers_it_reaches() {
    let (mut docs, vocab_len) = (synthetic(3000, 30000, 60), 30000);
    let (lists, kept) = run_scanning(&docs, vocab_len, 8, MAX_POSTINGS_SCANNED);
    // Its rarest word is swapped for another rare one, as an edited sentence does.
    let before = vec![(17, docs[17].clone())];
    let rarest = docs[17].len() - 1;
    docs[17][rarest].0 = (20000..30000)
        .find(|t| !docs[17].iter().any(|(u, _)| u == t))
        .unwrap();
    docs[17].sort_unstable();
    let (updated, scored, kept) = patched(
        lists.clone(),
        &docs,
        (vocab_len, 8, MAX_POSTINGS_SCANNED),
        &before,
        kept,
    );
    let (fresh, fresh_kept) = run_scanning(&docs, vocab_len, 8, MAX_POSTINGS_SCANNED);
    assert_eq!(updated, fresh);
    assert_eq!(
        kept, fresh_kept,
        "the terms kept are those a whole pass keeps"
    );
    // Without the terms kept then, every paper is weighed again, to the same lists.
    let (unkept, _, _) = patched(
        lists,
        &docs,
        (vocab_len, 8, MAX_POSTINGS_SCANNED),
        &before,
        KeptLists::default(),
    );
    assert_eq!(unkept, fresh);
    assert!(
        scored < docs.len() / 2,
        "{scored} of {} scored again",
        docs.len()
    );
}

/// Document frequencies below 64 are weighed as they are; above, within 1.6%, and the same for
/// every count of one step.
#[test]
fn document_frequencies_are_weighed_in_steps_above_64() {
    assert_eq!(weighed_df(0), 1);
    assert!((1..64).all(|df| weighed_df(df) == df));
    for df in (64..200_000).step_by(7).chain([u32::MAX]) {
        let weighed = f64::from(weighed_df(df));
        assert!((weighed / f64::from(df) - 1.0).abs() <= 1.0 / 64.0, "{df}");
    }
    // 5,000 is 13 bits: steps of 128, from 4,992 (39 × 128).
    assert_eq!(weighed_df(4_992), weighed_df(5_119));
    assert_ne!(weighed_df(4_991), weighed_df(4_992));
    assert_ne!(weighed_df(5_119), weighed_df(5_120));
}

/// A common word added to a paper moves its count; within the count's step, no other paper
/// weighs its words differently, so only the lists the edited paper reaches are made again.
/// Crossing a step, every paper holding the word is weighed again. Both give what a whole pass
/// gives.
#[test]
fn a_common_word_whose_count_stays_in_its_step_weighs_again_only_the_edited_paper() {
    let (docs, vocab_len) = (synthetic(3000, 30000, 60), 30000);
    let k = 8;
    let (lists, kept) = run_scanning(&docs, vocab_len, k, MAX_POSTINGS_SCANNED);
    let df = |term: u32, docs: &[Vec<(u32, u16)>]| {
        docs.iter()
            .filter(|d| d.iter().any(|&(t, _)| t == term))
            .count() as u32
    };
    let common = |within: bool| {
        (0..200)
            .find(|&t| {
                let n = df(t, &docs);
                n > 200 && n < 2000 && (weighed_df(n) == weighed_df(n + 1)) == within
            })
            .unwrap()
    };
    let mut scored_by = Vec::new();
    for within in [true, false] {
        let term = common(within);
        let mut edited = docs.clone();
        let doc = (0..docs.len())
            .find(|&d| !docs[d].iter().any(|&(t, _)| t == term))
            .unwrap();
        edited[doc].push((term, 1));
        edited[doc].sort_unstable();
        let before = vec![(doc, docs[doc].clone())];
        let (updated, scored, kept) = patched(
            lists.clone(),
            &edited,
            (vocab_len, k, MAX_POSTINGS_SCANNED),
            &before,
            kept.clone(),
        );
        let (fresh, fresh_kept) = run_scanning(&edited, vocab_len, k, MAX_POSTINGS_SCANNED);
        assert_eq!(updated, fresh, "within its step: {within}");
        assert!(kept == fresh_kept, "within its step: {within}");
        scored_by.push((df(term, &docs), scored));
    }
    let [(_, within), (crossing_df, crossing)] = scored_by[..] else {
        unreachable!()
    };
    // 74 of 3,000 here (the edited paper's list, and those that scan its new weights); a step
    // crossed, 2,983.
    assert!(within < 300, "{within} lists made again within the step");
    assert!(
        crossing > within * 4 && crossing > crossing_df as usize / 4,
        "{crossing} lists made again crossing a step of a word in {crossing_df} papers"
    );
}

proptest::proptest! {
    #![proptest_config(crate::record::mutations::config(48))]

    /// After any edits of any papers' words, over several rounds (the words a paper had when
    /// the lists were made are the ones given, however often it was edited since), the lists
    /// made before with the changed ones in place are the lists made anew; also when few
    /// postings are scanned, so that most lists are longer than what is scanned of them.
    #[test]
    fn lists_updated_after_edits_are_the_lists_made_anew(
        rounds in proptest::collection::vec(
            proptest::collection::vec((0usize..400, proptest::prelude::any::<u8>(), proptest::prelude::any::<u32>()), 1..6),
            1..4,
        ),
        k in 1usize..6,
        scanned in proptest::prop_oneof![proptest::strategy::Just(2usize), proptest::strategy::Just(5), proptest::strategy::Just(MAX_POSTINGS_SCANNED)],
    ) {
        let mut docs = synthetic(400, 700, 40);
        let mut vocab_len = 700;
        let (mut lists, mut kept) = run_scanning(&docs, vocab_len, k, scanned);
        for (round, edits) in rounds.iter().enumerate() {
            let mut before: Vec<(usize, Vec<(u32, u16)>)> = Vec::new();
            for &(doc, how, pick) in edits {
                if !before.iter().any(|(d, _)| *d == doc) {
                    before.push((doc, docs[doc].clone()));
                }
                edit_words(&mut docs[doc], how, pick, &mut vocab_len);
            }
            // Every other round, the terms kept as the build cache reads them back: without
            // the document frequencies, which are then counted from every paper.
            let given = if round % 2 == 1 {
                postcard::from_bytes(&postcard::to_stdvec(&kept).unwrap()).unwrap()
            } else {
                kept
            };
            let made = patched(lists, &docs, (vocab_len, k, scanned), &before, given);
            (lists, kept) = (made.0, made.2);
            let (fresh, fresh_kept) = run_scanning(&docs, vocab_len, k, scanned);
            proptest::prop_assert_eq!(&lists, &fresh, "round {}", round);
            // The document frequencies too.
            proptest::prop_assert!(kept == fresh_kept, "round {}: other terms kept", round);
        }
    }
}
