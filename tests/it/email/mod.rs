//! Email digests: `digest email` (content, size guard, safety), the email previews and the
//! digest feed of a build, and `digest send` over a real SMTP server.

mod compose;
mod feed;
mod send;

use crate::common::Site;

/// Words the generated abstracts are made of.
const WORDS: &[&str] = &[
    "model",
    "language",
    "training",
    "benchmark",
    "agents",
    "reasoning",
    "vision",
    "diffusion",
    "retrieval",
    "alignment",
    "tokens",
    "attention",
    "sparse",
    "mixture",
    "experts",
    "scaling",
    "evaluation",
    "policy",
    "reward",
    "robotic",
    "manipulation",
    "latent",
    "video",
    "audio",
    "speech",
    "dataset",
    "synthetic",
    "preference",
    "optimization",
    "inference",
    "efficient",
    "quantization",
    "distillation",
    "multimodal",
    "graph",
    "protein",
    "molecular",
    "planning",
];

/// Writes `count` papers listed on `date` into the site's `content/`, as a busy Hugging Face
/// day has them (files and slugs `<date>-p<i>`): a 200-word abstract, 8 authors, an arXiv id
/// (`2503.<dd><i>`) and a code link each, distinct
/// upvotes (paper `i` has `i * 3 + 1`), every fifth with a TL;DR. Returns their titles, most
/// upvoted first.
pub fn day_of_papers(site: &Site, count: usize, date: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let day: usize = date[8..].parse().expect("a YYYY-MM-DD date");
    for i in 0..count {
        let word = |k: usize| WORDS[(i * 7 + k * 13) % WORDS.len()];
        let title = format!(
            "Paper {i:03}: {} {} for {} {} with {} {}",
            word(1),
            word(2),
            word(3),
            word(4),
            word(5),
            word(6)
        );
        let abstract_text: Vec<&str> = (0..200).map(|k| word(k + 7)).collect();
        let authors: Vec<String> = (0..8)
            .map(|a| format!("\"Author{a} Surname{}\"", (i + a) % 97))
            .collect();
        let tldr = if i % 5 == 0 {
            format!(
                "tldr = \"We show that {} {} beats {} on {}.\"\n",
                word(1),
                word(2),
                word(3),
                word(4)
            )
        } else {
            String::new()
        };
        site.write(
            &format!("content/{date}/{date}-p{i:03}.md"),
            &format!(
                "+++\ntitle = \"{title}\"\ndate = {date}\nauthors = [{}]\nupvotes = {}\narxiv = \"2503.{:05}\"\nlinks = {{ code = \"https://github.com/lab/p{i:03}\" }}\n{tldr}+++\n{}.\n",
                authors.join(", "),
                i * 3 + 1,
                day * 1000 + i,
                abstract_text.join(" ")
            ),
        );
        titles.push(title);
    }
    titles.reverse();
    titles
}
