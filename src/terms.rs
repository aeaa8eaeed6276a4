//! Words of a paper for search and related papers: one tokenizer, one vocabulary, one weighted
//! term list per paper.
//!
//! The tokenizer is simple enough to be repeated exactly in the browser (the search script reads
//! the fold table and stop words from the index, so both sides agree by construction):
//! lowercase each character; fold Latin-1 and Latin Extended-A letters to ASCII (`é` → `e`,
//! `ß` → `ss`); split on anything not alphanumeric; keep tokens of 2 to 40 characters that are
//! not stop words.

use ahash::AHashMap;
use hashbrown::HashTable;

/// Longest token kept, in characters: longer runs are identifiers, hashes or URLs.
pub(crate) const MAX_TOKEN_CHARS: usize = 40;

/// Weight of a word in the title, per occurrence.
pub(crate) const TITLE_WEIGHT: u16 = 5;
/// Weight of a word of a tag name.
pub(crate) const TAG_WEIGHT: u16 = 5;
/// Weight of a token of an author's name.
pub(crate) const AUTHOR_WEIGHT: u16 = 3;
/// Weight of a word of the abstract, per occurrence.
pub(crate) const ABSTRACT_WEIGHT: u16 = 1;

/// English words too common to find or relate anything.
pub(crate) const STOPWORDS: &[&str] = &[
    "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had",
    "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "if", "in", "into",
    "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now",
    "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same",
    "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "very", "via", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your",
];

/// First and last character folded by the table.
const FOLD_RANGE: (char, char) = ('\u{c0}', '\u{17f}');

/// ASCII spelling of a lowercase letter of Latin-1 or Latin Extended-A (`é` → `e`, `ß` → `ss`),
/// or `None` for characters outside that range (kept as they are when alphanumeric).
fn fold(c: char) -> Option<&'static str> {
    if !(FOLD_RANGE.0..=FOLD_RANGE.1).contains(&c) {
        return None;
    }
    FOLDS
        .binary_search_by_key(&c, |&(from, _)| from)
        .ok()
        .map(|i| FOLDS[i].1)
}

/// The fold table, sorted by character: every lowercase letter in `FOLD_RANGE` with an ASCII
/// spelling. Characters of the range that are not listed (`×`, `÷`) are separators.
static FOLDS: &[(char, &str)] = &[
    ('ß', "ss"),
    ('à', "a"),
    ('á', "a"),
    ('â', "a"),
    ('ã', "a"),
    ('ä', "a"),
    ('å', "a"),
    ('æ', "ae"),
    ('ç', "c"),
    ('è', "e"),
    ('é', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('ì', "i"),
    ('í', "i"),
    ('î', "i"),
    ('ï', "i"),
    ('ð', "d"),
    ('ñ', "n"),
    ('ò', "o"),
    ('ó', "o"),
    ('ô', "o"),
    ('õ', "o"),
    ('ö', "o"),
    ('ø', "o"),
    ('ù', "u"),
    ('ú', "u"),
    ('û', "u"),
    ('ü', "u"),
    ('ý', "y"),
    ('þ', "th"),
    ('ÿ', "y"),
    ('ā', "a"),
    ('ă', "a"),
    ('ą', "a"),
    ('ć', "c"),
    ('ĉ', "c"),
    ('ċ', "c"),
    ('č', "c"),
    ('ď', "d"),
    ('đ', "d"),
    ('ē', "e"),
    ('ĕ', "e"),
    ('ė', "e"),
    ('ę', "e"),
    ('ě', "e"),
    ('ĝ', "g"),
    ('ğ', "g"),
    ('ġ', "g"),
    ('ģ', "g"),
    ('ĥ', "h"),
    ('ħ', "h"),
    ('ĩ', "i"),
    ('ī', "i"),
    ('ĭ', "i"),
    ('į', "i"),
    ('ı', "i"),
    ('ĳ', "ij"),
    ('ĵ', "j"),
    ('ķ', "k"),
    ('ĸ', "k"),
    ('ĺ', "l"),
    ('ļ', "l"),
    ('ľ', "l"),
    ('ŀ', "l"),
    ('ł', "l"),
    ('ń', "n"),
    ('ņ', "n"),
    ('ň', "n"),
    ('ŉ', "n"),
    ('ŋ', "ng"),
    ('ō', "o"),
    ('ŏ', "o"),
    ('ő', "o"),
    ('œ', "oe"),
    ('ŕ', "r"),
    ('ŗ', "r"),
    ('ř', "r"),
    ('ś', "s"),
    ('ŝ', "s"),
    ('ş', "s"),
    ('š', "s"),
    ('ţ', "t"),
    ('ť', "t"),
    ('ŧ', "t"),
    ('ũ', "u"),
    ('ū', "u"),
    ('ŭ', "u"),
    ('ů', "u"),
    ('ű', "u"),
    ('ų', "u"),
    ('ŵ', "w"),
    ('ŷ', "y"),
    ('ź', "z"),
    ('ż', "z"),
    ('ž', "z"),
    ('ſ', "s"),
];

/// The fold table for the browser: `(character, ASCII spelling)`, sorted.
pub(crate) fn fold_table() -> &'static [(char, &'static str)] {
    FOLDS
}

/// Calls `each` with every token of `text`, in order (stop words included; see [`is_stopword`]).
pub(crate) fn for_each_token(text: &str, mut each: impl FnMut(&str)) {
    let mut token = String::new();
    let mut chars = 0usize;
    let mut flush = |token: &mut String, chars: &mut usize| {
        if (2..=MAX_TOKEN_CHARS).contains(chars) {
            each(token);
        }
        token.clear();
        *chars = 0;
    };
    for c in text.chars() {
        // ASCII, nearly all of an English abstract, needs no table.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                token.push(c.to_ascii_lowercase());
                chars += 1;
            } else {
                flush(&mut token, &mut chars);
            }
            continue;
        }
        for l in c.to_lowercase() {
            if let Some(ascii) = fold(l) {
                token.push_str(ascii);
                chars += ascii.len();
            } else if l.is_alphanumeric() {
                token.push(l);
                chars += 1;
            } else {
                flush(&mut token, &mut chars);
            }
        }
    }
    flush(&mut token, &mut chars);
}

/// Whether `token` is a stop word.
pub(crate) fn is_stopword(token: &str) -> bool {
    // Called for every word of every abstract: the longest stop word has 7 letters, most words
    // are longer, and a hash set beats a binary search over strings for the rest (measured:
    // 100 ns → 20 ns a word).
    static SET: std::sync::OnceLock<ahash::AHashSet<&'static str>> = std::sync::OnceLock::new();
    token.len() <= MAX_STOPWORD_LEN
        && SET
            .get_or_init(|| STOPWORDS.iter().copied().collect())
            .contains(token)
}

/// Bytes of the longest stop word.
const MAX_STOPWORD_LEN: usize = 7;

/// The words of a site, each with a dense id (the first word seen gets 0).
#[derive(Debug, Default, Clone)]
pub(crate) struct Vocabulary {
    ids: AHashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
}

impl Vocabulary {
    /// The id of `word`, added when new.
    pub(crate) fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        self.words.push(word.into());
        self.ids.insert(word.into(), id);
        id
    }

    /// Every word, by id.
    pub(crate) fn words(&self) -> &[Box<str>] {
        &self.words
    }

    /// Number of words.
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }
}

/// The fields of a paper that are searched and compared.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaperText<'a> {
    /// The title.
    pub title: &'a str,
    /// The abstract as plain text.
    pub text: &'a str,
    /// Author names.
    pub authors: &'a [String],
    /// Tag names.
    pub tags: &'a [&'a str],
}

/// A paper's distinct words with their summed weights, before interning (computed in parallel).
///
/// The words are kept in one string rather than a string each: a paper has a hundred-odd
/// distinct words, and allocating (then freeing) each was half the time of finding them.
#[derive(Debug, Default)]
pub(crate) struct Words {
    text: String,
    /// `(start, end, weight)`: the word is `text[start..end]`.
    words: Vec<(u32, u32, u16)>,
}

impl Words {
    /// Each distinct word with its weight, in the order first seen.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u16)> {
        self.words
            .iter()
            .map(|&(start, end, weight)| (&self.text[start as usize..end as usize], weight))
    }

    /// Number of distinct words.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.words.len()
    }

    /// Adds `weight` to `token`, new or seen.
    fn add(
        &mut self,
        table: &mut HashTable<u32>,
        hasher: &ahash::RandomState,
        token: &str,
        weight: u16,
    ) {
        let Words { text, words } = self;
        let word = |i: &u32| {
            let (start, end, _) = words[*i as usize];
            &text[start as usize..end as usize]
        };
        let hash = hasher.hash_one(token);
        if let Some(&i) = table.find(hash, |i| word(i) == token) {
            let w = &mut words[i as usize].2;
            *w = w.saturating_add(weight);
            return;
        }
        let start = text.len() as u32;
        text.push_str(token);
        words.push((start, text.len() as u32, weight));
        let i = (words.len() - 1) as u32;
        table.insert_unique(hash, i, |i| {
            let (start, end, _) = words[*i as usize];
            hasher.hash_one(&text[start as usize..end as usize])
        });
    }
}

/// A paper's distinct words with their summed weights (see [`Words`]).
pub(crate) fn weighted_words(paper: &PaperText) -> Words {
    let mut words = Words {
        text: String::with_capacity(paper.text.len() / 2),
        words: Vec::with_capacity(256),
    };
    let mut table = HashTable::with_capacity(256);
    let hasher = ahash::RandomState::with_seeds(1, 2, 3, 4);
    let mut add = |text: &str, weight: u16| {
        for_each_token(text, |token| {
            if !is_stopword(token) {
                words.add(&mut table, &hasher, token, weight);
            }
        });
    };
    add(paper.title, TITLE_WEIGHT);
    add(paper.text, ABSTRACT_WEIGHT);
    for author in paper.authors {
        add(author, AUTHOR_WEIGHT);
    }
    for tag in paper.tags {
        add(tag, TAG_WEIGHT);
    }
    words
}

/// Interns `words` (from [`weighted_words`]): `(term id, weight)` sorted by id.
pub(crate) fn intern(vocabulary: &mut Vocabulary, words: &Words) -> Vec<(u32, u16)> {
    let mut terms: Vec<(u32, u16)> = words
        .iter()
        .map(|(word, weight)| (vocabulary.intern(word), weight))
        .collect();
    terms.sort_unstable();
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_token(text, |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOPWORDS.iter().all(|w| w.len() <= MAX_STOPWORD_LEN));
        assert!(STOPWORDS.iter().all(|w| is_stopword(w)));
        assert!(!is_stopword("diffusion") && !is_stopword("th"));
        assert!(FOLDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(FOLDS.iter().all(|&(c, s)| {
            (FOLD_RANGE.0..=FOLD_RANGE.1).contains(&c)
                && c.to_lowercase().eq([c])
                && s.bytes().all(|b| b.is_ascii_lowercase())
        }));
    }

    #[test]
    fn splits_lowercases_and_folds() {
        assert_eq!(
            tokens("Schölkopf's GPT-4o: Straße, naïve x² (α-β) — 3D"),
            ["scholkopf", "gpt", "4o", "strasse", "naive", "x²", "3d"]
        );
        assert_eq!(tokens("ŁÓDŹ Œuvre"), ["lodz", "oeuvre"]);
        assert_eq!(tokens("a b cd"), ["cd"]);
        assert_eq!(tokens(&"x".repeat(41)), Vec::<String>::new());
        assert_eq!(tokens("中文 模型"), ["中文", "模型"]);
    }

    #[test]
    fn weights_fields_and_drops_stopwords() {
        let tags = ["Diffusion Models"];
        let authors = vec!["Ada Lovelace".to_string()];
        let words = weighted_words(&PaperText {
            title: "Diffusion for the win",
            text: "We study diffusion. Diffusion is fun.",
            authors: &authors,
            tags: &tags,
        });
        let weight = |w: &str| words.iter().find(|(x, _)| *x == w).map(|(_, n)| n);
        assert_eq!(weight("diffusion"), Some(5 + 2 + 5));
        assert_eq!(weight("lovelace"), Some(3));
        assert_eq!(weight("models"), Some(5));
        assert_eq!(weight("study"), Some(1));
        assert_eq!(weight("the"), None);
        assert_eq!(weight("we"), None);

        let mut vocabulary = Vocabulary::default();
        let terms = intern(&mut vocabulary, &words);
        assert!(terms.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(vocabulary.len(), words.len());
    }
}
