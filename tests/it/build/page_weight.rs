//! What a paper page carries, and how often (README "What a paper page carries"): each reader
//! (people, search engines and link previews, Google Scholar, structured data) gets each thing
//! once, and a typical page stays within its bytes; list pages do not repeat what their
//! headings say.

use crate::common;

use common::{Site, html, read, sel};

/// The second paragraph of the typical abstract: only the body shows it.
const LATE_SENTENCE: &str =
    "We further show that the router groups languages by script and family without supervision";

/// A typical record: a 200-word abstract in two paragraphs, 8 authors (one with particles, one
/// with a hyphenated family name), an arXiv id, 3 tags, upvotes and a code link.
const TYPICAL: &str = r#"+++
title = "Sparse Mixture-of-Experts Adapters for Efficient Multilingual Instruction Tuning"
date = 2025-11-28
authors = ["Keshav Bhandari", "Abhinaba Roy", "Kyungmin Lee", "Dorien Herremans", "Maria Fernández-López", "Jan van der Berg", "Yuki Tanaka", "Olusegun Adeyemi"]
tags = ["multilingual", "fine-tuning", "efficiency"]
upvotes = 42
arxiv = "2511.04522"
links = { code = "https://github.com/keshavbhandari/moe-adapters" }
+++
Instruction tuning adapts large language models to follow natural-language requests, but doing so for many languages at once multiplies the cost of training and serving. We study sparse mixture-of-experts adapters, small feed-forward modules inserted after each attention block and routed per token, as a way to share capacity across languages while keeping most parameters frozen. Our method learns a router that assigns each token to two of sixteen experts, and a load-balancing loss keeps the experts evenly used during training. On a benchmark of thirty-two languages covering question answering, summarization and dialogue, the adapters match full fine-tuning within one point on average while updating only three percent of the weights.

The gains are largest for languages with little training data, where shared experts transfer what was learned from related languages. We further show that the router groups languages by script and family without supervision, and that pruning rarely used experts after training halves the adapter size with no measurable loss. Ablations separate the effects of expert count, routing depth and the balancing loss, and a study of inference cost shows that the sparse adapters add under five percent latency on a single accelerator.
"#;

/// A site under a project-site base path with the typical paper and five neighbours on its
/// topics (its related papers), on two days.
fn site() -> Site {
    let site = Site::fixture("small");
    site.write(
        "site.toml",
        "title = \"Weight Digest\"\ndescription = \"Papers, weighed.\"\n\
         base_url = \"https://example.github.io/digest/\"\nlanguage = \"en\"\n",
    );
    for name in ["improvnet", "jukebox", "musicgen", "realm", "rohm"] {
        std::fs::remove_file(site.path(&format!("content/{name}.md"))).unwrap();
    }
    site.write("content/typical.md", TYPICAL);
    for (i, title) in [
        "Multilingual Reward Models for Machine Translation at Scale",
        "Efficient Multilingual Instruction Tuning with Low-Rank Experts",
        "Routing Tokens to Experts: A Study of Load Balancing in Fine-Tuning",
        "Cross-Lingual Transfer in Sparse Adapters for Low-Resource Languages",
        "Pruning Experts After Training: Efficient Multilingual Models",
    ]
    .iter()
    .enumerate()
    {
        site.write(
            &format!("content/neighbour-{i}.md"),
            &format!(
                "+++\ntitle = \"{title}\"\ndate = 2025-11-{:02}\nauthors = [\"Ann Lee\", \"Bo Chen\"]\n\
                 tags = [\"multilingual\", \"efficiency\"]\narxiv = \"2511.0{i}100\"\n+++\n\
                 Sparse experts and adapters make multilingual instruction tuning efficient.\n",
                27 + i % 2
            ),
        );
    }
    site
}

#[test]
fn a_typical_paper_page_says_each_thing_once_for_each_reader() {
    let site = site();
    let out = site.build_ok(&[]);
    let source = read(&out, "papers/typical/index.html");
    let doc = html(&out, "papers/typical/index.html");
    assert_eq!(doc.select(&sel(".related li")).count(), 5, "{source}");

    // The abstract: once, in the body (the description is its cut start).
    assert_eq!(source.matches(LATE_SENTENCE).count(), 1, "{source}");
    assert_eq!(
        doc.select(&sel(
            "meta[name=description], meta[property='og:description']"
        ))
        .count(),
        1
    );
    // Names in reading order: shown, and in the JSON-LD; family name first: Scholar's
    // `citation_author` and the BibTeX. Nothing else repeats them (no second BibTeX, no data:
    // URL, no COinS on the paper's own page).
    assert_eq!(
        source.matches("Maria Fernández-López").count(),
        2,
        "{source}"
    );
    assert_eq!(
        source.matches("Fernández-López, Maria").count(),
        2,
        "{source}"
    );
    assert_eq!(source.matches("@misc{").count(), 1);
    assert!(!source.contains("data:") && !source.contains("Z3988"));
    // The date shown once: in the crumbs (the end's link to the day says it in words).
    assert_eq!(doc.select(&sel("main time")).count(), 1, "{source}");

    // The budget (README): a typical page is about 8.2 KB, all of the above included (this one,
    // with shorter titles, about 7.9 KB). A page that grows past it repeats something or
    // carries something new: look at what, then move the figure here and in README together.
    assert!(
        source.len() <= 8_100,
        "a typical paper page is {} bytes:\n{source}",
        source.len()
    );
}

#[test]
fn cards_leave_their_day_to_the_heading_above_them() {
    let site = site();
    // A paper of that day with neither authors nor upvotes: its card has no line for them.
    site.write(
        "content/bare.md",
        "+++\ntitle = \"A Bare Record\"\ndate = 2025-11-28\ntags = [\"multilingual\"]\n+++\nText.\n",
    );
    let out = site.build_ok(&[]);
    // A day page is the day: its cards do not repeat it (nor link to the page they are on).
    let day = html(&out, "2025/11/28/index.html");
    assert!(day.select(&sel("article.card")).count() >= 2);
    assert_eq!(day.select(&sel("article.card time")).count(), 0);
    for meta in day.select(&sel("article.card .meta")) {
        assert!(meta.text().any(|t| !t.trim().is_empty()), "{}", meta.html());
    }
    assert!(
        day.select(&sel("article.card h3"))
            .any(|h| h.text().any(|t| t == "A Bare Record"))
    );
    assert!(!common::hrefs(&day, "article.card a").contains(&"/digest/2025/11/28/".to_string()));
    // The home page's cards sit under their day's heading, which links the day.
    let home = html(&out, "index.html");
    assert_eq!(home.select(&sel("article.card time")).count(), 0);
    assert!(common::hrefs(&home, ".day-heading a").contains(&"/digest/2025/11/28/".to_string()));
    // A tag page mixes days: each card says its own, linked.
    let tag = html(&out, "tags/multilingual/index.html");
    let cards = tag.select(&sel("article.card")).count();
    assert!(cards >= 2);
    assert_eq!(tag.select(&sel("article.card a time")).count(), cards);
}
