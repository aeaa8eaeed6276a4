//! A site of many generated papers for tests that need size (pagination over many pages, a
//! search index of many shards, many related-paper lists), made from a seed so that every run
//! writes the same records.
//!
//! Use it as `crate::common::generated`.

use crate::common::{Site, write};

/// A small deterministic pseudo-random generator (xorshift64): tests need the same sequence on
/// every machine, not statistical quality.
pub struct Rng(pub u64);

impl Rng {
    /// The next number of the sequence.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou"];
const FIRST: &[&str] = &[
    "Ada", "Bo", "Chen", "Dana", "Emil", "Fatima", "Gus", "Hana", "Ivan", "Jun", "Kira", "Luis",
];
const LAST: &[&str] = &[
    "Abe", "Brown", "Costa", "Diaz", "Eriksen", "Fujita", "Garcia", "Huang", "Ito", "Jensen",
];

/// A made-up word of two to four syllables.
pub fn word(rng: &mut Rng) -> String {
    (0..2 + rng.below(3))
        .map(|_| format!("{}{}", rng.pick(ONSETS), rng.pick(VOWELS)))
        .collect()
}

/// Tag names of generated sites.
pub fn tag_names() -> Vec<String> {
    (0..40).map(|i| format!("topic-{i}")).collect()
}

/// A generated site: `papers` records in `content/<yyyy-mm>/` folders (a few at the top of
/// `content/`), some with their own slug, with titles and abstracts from a vocabulary of a few
/// thousand made-up words, tags, authors and upvotes. Paginated by 10.
pub fn site(papers: usize, seed: u64) -> Site {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    write(
        &root.join("site.toml"),
        "title = \"Generated Digest\"\nbase_url = \"https://example.org/\"\nlanguage = \"en\"\npaginate_by = 10\n\n[keyword_tags]\n\"keyword\" = [\"bakou\", \"stoura\"]\n",
    );
    let mut rng = Rng(seed);
    let vocabulary: Vec<String> = (0..3000).map(|_| word(&mut rng)).collect();
    let tags = tag_names();
    for i in 0..papers {
        let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
        let folder = if rng.below(10) == 0 {
            "content".to_string()
        } else {
            format!("content/2025-{month:02}")
        };
        let title: Vec<&str> = (0..3 + rng.below(6))
            .map(|_| rng.pick(&vocabulary).as_str())
            .collect();
        let words: Vec<&str> = (0..30 + rng.below(60))
            .map(|_| rng.pick(&vocabulary).as_str())
            .collect();
        let authors: Vec<String> = (0..1 + rng.below(5))
            .map(|_| format!("\"{} {}\"", rng.pick(FIRST), rng.pick(LAST)))
            .collect();
        let mut own: Vec<&str> = (0..rng.below(4))
            .map(|_| rng.pick(&tags).as_str())
            .collect();
        own.sort();
        own.dedup();
        let mut front = format!(
            "+++\ntitle = \"{}\"\ndate = 2025-{month:02}-{day:02}\nauthors = [{}]\ntags = [{}]\n",
            title.join(" "),
            authors.join(", "),
            own.iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if rng.below(3) == 0 {
            front.push_str(&format!("upvotes = {}\n", rng.below(200)));
        }
        if rng.below(5) == 0 {
            front.push_str(&format!("slug = \"own-slug-{i}\"\n"));
        }
        write(
            &root.join(format!("{folder}/p{i:05}.md")),
            &format!("{front}+++\n\n{}.\n", words.join(" ")),
        );
    }
    Site { tmp, root }
}
