//! Related papers in a cached build: an edit of one paper's words makes again only the related
//! lists it can reach (`related::changed_lists`), and those lists, across `digest build`
//! processes, are a clean build's, including lists of papers that were not edited.

use crate::common::{self, Site, tree};

use super::cache::{assert_same_as_clean, build, counts};

/// Three topics' words; each paper takes most of its words from one topic and a few from the
/// next, so that lists cross topics and an edit moves papers up and down other papers' lists.
const TOPICS: [&[&str]; 3] = [
    &[
        "graph", "neural", "message", "node", "edge", "spectral", "pooling",
    ],
    &[
        "protein",
        "folding",
        "residue",
        "sequence",
        "structure",
        "contact",
        "alignment",
    ],
    &[
        "robot",
        "grasping",
        "tactile",
        "gripper",
        "locomotion",
        "terrain",
        "policy",
    ],
];

fn record(n: usize, topic: usize, extra: &str) -> String {
    let own = TOPICS[topic % 3];
    let next = TOPICS[(topic + 1) % 3];
    let words: Vec<&str> = (0..9)
        .map(|i| own[(n * 3 + i) % own.len()])
        .chain((0..n % 3).map(|i| next[(n + i) % next.len()]))
        .collect();
    format!(
        "+++\ntitle = \"Paper {n}\"\ndate = 2025-03-{:02}\nauthors = [\"Author {n}\"]\n+++\nWe study {}{extra}.\n",
        1 + n % 9,
        words.join(" "),
    )
}

/// The paper pages of the output, but those under `except`.
fn other_paper_pages(site: &Site, except: &str) -> Vec<(String, Vec<u8>)> {
    tree(&site.out())
        .into_iter()
        .filter(|(path, _)| path.starts_with("papers/") && path.ends_with(".html"))
        .filter(|(path, _)| !path.contains(except))
        .collect()
}

#[test]
fn an_abstract_edit_changes_other_papers_related_lists_as_a_clean_build_does() {
    let site = Site::fixture("small");
    for n in 0..36 {
        common::write(
            &site.path(&format!("content/topic/paper-{n:02}.md")),
            &record(n, n % 3, ""),
        );
    }
    build(&site);
    let edited = site.path("content/topic/paper-04.md");
    let mut others_changed = 0;
    // Paper 4 leaves its topic for the next, then the one after, then gains words no other
    // paper has: each step moves it in and out of other papers' lists.
    for (step, (topic, extra)) in [(2, ""), (0, ""), (0, " with quaternion manifolds")]
        .into_iter()
        .enumerate()
    {
        let before = other_paper_pages(&site, "papers/paper-04/");
        common::write(&edited, &record(4, topic, extra));
        let run = build(&site);
        assert_eq!(counts(&run).0, 1, "step {step}: {}", run.stdout);
        assert_same_as_clean(&site, &format!("step {step}"));
        let after = other_paper_pages(&site, "papers/paper-04/");
        assert!(
            before.len() > 36,
            "step {step}: {} paper pages",
            before.len()
        );
        assert_eq!(before.len(), after.len(), "step {step}");
        others_changed += before.iter().zip(&after).filter(|(a, b)| a != b).count();
    }
    // The title stays: other papers' pages changed through their related lists alone, which
    // the cached builds had to make again.
    assert!(others_changed > 0, "no other paper's related list changed");
}
