//! Words of a paper for search and related papers: one tokenizer, one vocabulary, one weighted
//! term list per paper.
//!
//! The tokenizer is simple enough to be repeated exactly in the browser (the search script reads
//! the fold table, the stop words and the ranges below from the index, so both sides agree by
//! construction):
//!
//! 1. CJK width and compatibility forms ([`NFKC_RANGES`]) are read through NFKC (`ＧＰＴ` →
//!    `GPT`, `ｶﾞ` → `ガ`, `⼈` → `人`); everything else is read as written.
//! 2. Each character is lowercased; Latin-1 and Latin Extended-A letters are folded to ASCII
//!    (`é` → `e`, `ß` → `ss`).
//! 3. Letters and digits of the CJK scripts ([`CJK_RANGES`]: Han, Hiragana, Katakana, Hangul)
//!    are cut into overlapping pairs, as search engines do for text without spaces
//!    (`扩散模型` → `扩散`, `散模`, `模型`); a lone CJK character is a token by itself.
//! 4. Other runs of letters and digits are words, kept when 2 to 40 characters long; anything
//!    else separates. A change of script (`GPT-4在`) separates too.
//!
//! Text without CJK characters gives the same words as before CJK support.

use std::ops::Range;

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
    for_each_token_at(text, |token, _| each(token));
}

/// Calls `each` with every token of `text` and the byte range of `text` it comes from, in
/// order (stop words included). A CJK bigram's range covers both characters, so two bigrams of
/// one run overlap.
pub(crate) fn for_each_token_at(text: &str, mut each: impl FnMut(&str, Range<usize>)) {
    let mut t = Tokenizer::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII, nearly all of an English abstract, needs no table, and its words are read a
        // run of letters and digits at a time.
        if bytes[i].is_ascii() {
            if bytes[i].is_ascii_alphanumeric() {
                let end = bytes[i..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .map_or(bytes.len(), |n| i + n);
                let ends_word = bytes.get(end).is_none_or(u8::is_ascii);
                t.ascii_letters(&text[i..end], i, ends_word, &mut each);
                i = end;
            } else {
                t.flush(&mut each);
                i += 1;
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let mut end = i + c.len_utf8();
        let joins = |at: usize| {
            text[at..]
                .chars()
                .next()
                .filter(|&d| in_ranges(d, JOINING_RANGES))
        };
        if !in_ranges(c, NFKC_RANGES) || (nfkc_alone(c) && joins(end).is_none()) {
            t.feed(c, i..end, &mut each);
            i = end;
            continue;
        }
        // A width or compatibility form with the voicing marks or jamo that follow it.
        while let Some(d) = joins(end) {
            end += d.len_utf8();
        }
        for n in NFKC.normalize(&text[i..end]).chars() {
            t.feed(n, i..end, &mut each);
        }
        i = end;
    }
    t.flush(&mut each);
}

/// NFKC, applied only to the characters of [`NFKC_RANGES`] (and the marks of
/// [`JOINING_RANGES`] after them).
static NFKC: icu_normalizer::ComposingNormalizerBorrowed<'static> =
    icu_normalizer::ComposingNormalizerBorrowed::new_nfkc();

/// Whether `c` alone is its own NFKC: the kana and Hangul syllables of [`NFKC_RANGES`], nearly
/// all of Japanese and Korean text, skip the normalizer unless a mark or jamo follows them.
fn nfkc_alone(c: char) -> bool {
    matches!(c as u32, 0x3041..=0x3096 | 0x30a1..=0x30fa | 0x30fc..=0x30fe | 0xac00..=0xd7a3)
}

/// Characters read through NFKC before they are split, each with the [`JOINING_RANGES`]
/// characters that follow it: Hangul jamo, Kangxi radicals, CJK symbols, kana, compatibility
/// jamo and squared words (`㍿` → `株式会社`), Hangul syllables (a trailing jamo joins them),
/// CJK compatibility ideographs, vertical forms, half-width and full-width forms (`ＧＰＴ－４`
/// → `GPT-4`, `ｶﾞ` → `ガ`). Other text (Latin, Greek, Cyrillic, ...) is read as written, so its
/// words stay what they were before CJK support (`x²` stays `x²`).
pub(crate) const NFKC_RANGES: &[(u32, u32)] = &[
    (0x1100, 0x11ff),
    (0x2f00, 0x2fdf),
    (0x3000, 0x33ff),
    (0xac00, 0xd7a3),
    (0xf900, 0xfaff),
    (0xfe30, 0xfe4f),
    (0xff00, 0xffef),
    (0x2f800, 0x2fa1f),
];

/// Characters normalized together with the character before them: Hangul vowel and final
/// jamo, the combining and half-width kana voicing marks.
pub(crate) const JOINING_RANGES: &[(u32, u32)] =
    &[(0x1160, 0x11ff), (0x3099, 0x309a), (0xff9e, 0xff9f)];

/// Letters of the scripts written without spaces between words, cut into overlapping pairs of
/// characters (bigrams): Hangul jamo and syllables, CJK radicals, kana and the CJK symbols'
/// letters (`々`, `〇`), Bopomofo, CJK ideographs of every extension, CJK compatibility
/// ideographs, half-width kana and jamo, the kana supplements. Only alphanumeric characters of
/// these ranges count (punctuation such as `。` and `・` separates).
pub(crate) const CJK_RANGES: &[(u32, u32)] = &[
    (0x1100, 0x11ff),
    (0x2e80, 0x2fdf),
    (0x3000, 0x4dbf),
    (0x4e00, 0x9fff),
    (0xa960, 0xa97f),
    (0xac00, 0xd7ff),
    (0xf900, 0xfaff),
    (0xff66, 0xffdc),
    (0x1aff0, 0x1b16f),
    (0x20000, 0x3ffff),
];

/// Whether `c` is in one of `ranges` (sorted, inclusive).
fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    let c = c as u32;
    // Ranges are few and start above ASCII: one comparison turns most letters away.
    c >= ranges[0].0 && ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// The state of [`for_each_token_at`]: the word being read, or the CJK run being read.
#[derive(Default)]
struct Tokenizer {
    /// The word so far (lowercased, folded) and its length in characters (a fold counts its
    /// ASCII letters).
    word: String,
    chars: usize,
    /// Byte range of the word in the text.
    span: Range<usize>,
    /// The last character of the CJK run being read, with its byte range.
    previous: Option<(char, Range<usize>)>,
    /// Characters read in the run.
    run: usize,
    /// A bigram, reused.
    pair: String,
}

impl Tokenizer {
    /// Reads one character (not yet lowercased) from `span` of the text.
    fn feed(&mut self, c: char, span: Range<usize>, each: &mut impl FnMut(&str, Range<usize>)) {
        for l in c.to_lowercase() {
            if let Some(ascii) = fold(l) {
                self.end_run(each);
                if self.word.is_empty() {
                    self.span = span.clone();
                }
                self.word.push_str(ascii);
                self.chars += ascii.len();
                self.span.end = span.end;
            } else if !l.is_alphanumeric() {
                self.flush(each);
            } else if in_ranges(l, CJK_RANGES) {
                self.cjk_char(l, span.clone(), each);
            } else {
                self.word_char(l, span.clone(), each);
            }
        }
    }

    /// Adds a letter or digit to the word.
    fn word_char(
        &mut self,
        l: char,
        span: Range<usize>,
        each: &mut impl FnMut(&str, Range<usize>),
    ) {
        if self.run > 0 {
            self.end_run(each);
        }
        if self.word.is_empty() {
            self.span.start = span.start;
        }
        self.word.push(l);
        self.chars += 1;
        self.span.end = span.end;
    }

    /// Adds a run of ASCII letters and digits found at byte `at` of the text; `ends_word` when
    /// what follows them ends a word (an ASCII character or the end of the text). A word that
    /// is the whole run and needs no lowercasing is given as it is in the text, never copied.
    fn ascii_letters(
        &mut self,
        letters: &str,
        at: usize,
        ends_word: bool,
        each: &mut impl FnMut(&str, Range<usize>),
    ) {
        if self.run > 0 {
            self.end_run(each);
        }
        let span = at..at + letters.len();
        if self.word.is_empty() && ends_word && !letters.bytes().any(|b| b.is_ascii_uppercase()) {
            if (2..=MAX_TOKEN_CHARS).contains(&letters.len()) {
                each(letters, span);
            }
            return;
        }
        if self.word.is_empty() {
            self.span.start = span.start;
        }
        let from = self.word.len();
        self.word.push_str(letters);
        self.word[from..].make_ascii_lowercase();
        self.chars += letters.len();
        self.span.end = span.end;
    }

    /// Adds a CJK character: the bigram it ends, if any.
    fn cjk_char(&mut self, l: char, span: Range<usize>, each: &mut impl FnMut(&str, Range<usize>)) {
        self.flush_word(each);
        if let Some((p, from)) = &self.previous {
            self.pair.clear();
            self.pair.push(*p);
            self.pair.push(l);
            each(&self.pair, from.start..span.end);
        }
        self.run += 1;
        self.previous = Some((l, span));
    }

    /// Ends the CJK run: a lone character is a token of its own.
    fn end_run(&mut self, each: &mut impl FnMut(&str, Range<usize>)) {
        if let Some((c, span)) = self.previous.take()
            && self.run == 1
        {
            self.pair.clear();
            self.pair.push(c);
            each(&self.pair, span);
        }
        self.run = 0;
    }

    /// Ends the word: kept when 2 to [`MAX_TOKEN_CHARS`] characters long.
    fn flush_word(&mut self, each: &mut impl FnMut(&str, Range<usize>)) {
        if (2..=MAX_TOKEN_CHARS).contains(&self.chars) {
            each(&self.word, self.span.clone());
        }
        self.word.clear();
        self.chars = 0;
    }

    /// Ends the word and the run (at a separator or the end of the text).
    fn flush(&mut self, each: &mut impl FnMut(&str, Range<usize>)) {
        self.flush_word(each);
        self.end_run(each);
    }
}

/// Whether `token` is a stop word.
pub(crate) fn is_stopword(token: &str) -> bool {
    // Called for every word of every abstract: the longest stop word has 7 letters, most words
    // are longer, and a hash set beats a binary search over strings for the rest (measured:
    // 100 ns → 20 ns a word).
    static SET: std::sync::OnceLock<ahash::AHashSet<&'static str>> = std::sync::OnceLock::new();
    // Most words are turned away by their length and first letter, without a hash.
    let (Some(&first), len) = (token.as_bytes().first(), token.len()) else {
        return false;
    };
    len <= MAX_STOPWORD_LEN
        && first.is_ascii_lowercase()
        && STOPWORD_STARTS[len] & (1 << (first - b'a')) != 0
        && SET
            .get_or_init(|| STOPWORDS.iter().copied().collect())
            .contains(token)
}

/// For each length up to [`MAX_STOPWORD_LEN`], the letters a stop word of that length starts
/// with (bit 0 for `a`).
const STOPWORD_STARTS: [u32; MAX_STOPWORD_LEN + 1] = {
    let mut starts = [0; MAX_STOPWORD_LEN + 1];
    let mut i = 0;
    while i < STOPWORDS.len() {
        let word = STOPWORDS[i].as_bytes();
        starts[word.len()] |= 1 << (word[0] - b'a');
        i += 1;
    }
    starts
};

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

    /// The vocabulary whose words, by id, are `words` (as [`Vocabulary::words`] gave them).
    pub(crate) fn from_words(words: Vec<Box<str>>) -> Vocabulary {
        let ids = words
            .iter()
            .enumerate()
            .map(|(id, word)| (word.clone(), id as u32))
            .collect();
        Vocabulary { ids, words }
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
    pub authors: &'a crate::record::StrList,
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

/// Interns `words` (from [`weighted_words`]): `(term id, weight)` sorted by id, packed.
pub(crate) fn intern(vocabulary: &mut Vocabulary, words: &Words) -> Terms {
    let mut terms: Vec<(u32, u16)> = words
        .iter()
        .map(|(word, weight)| (vocabulary.intern(word), weight))
        .collect();
    terms.sort_unstable();
    Terms::from_sorted(&terms)
}

/// A paper's weighted words as the site keeps them for every paper: `(term id, weight)` pairs
/// sorted by id, each id written as the LEB128 varint of its distance from the id before and
/// each weight as a varint. A paper's hundred-odd pairs take a third of their 8 bytes each
/// (most distances and weights fit in one or two bytes); they are read in order only (search
/// and related papers go through them once per build).
///
/// The build cache keeps them as one run of bytes (postcard writes a byte string as it writes a
/// sequence of bytes, so the bytes are the same; read as a sequence they were read a byte at a
/// time, a tenth of the time it took to read a paper back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct Terms(Box<[u8]>);

impl serde::Serialize for Terms {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Terms {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Terms, D::Error> {
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = Terms;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("packed terms (bytes)")
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Terms, E> {
                Ok(Terms(bytes.into()))
            }

            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<Terms, E> {
                Ok(Terms(bytes.into_boxed_slice()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Terms, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(byte) = seq.next_element::<u8>()? {
                    bytes.push(byte);
                }
                Ok(Terms(bytes.into_boxed_slice()))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

impl Terms {
    /// The pairs `sorted` (by id, each id once), packed.
    pub(crate) fn from_sorted(sorted: &[(u32, u16)]) -> Terms {
        let mut bytes = Vec::with_capacity(sorted.len() * 3);
        let mut last = 0u32;
        for &(id, weight) in sorted {
            debug_assert!(id >= last, "terms must be sorted by id");
            push_varint(&mut bytes, id.wrapping_sub(last));
            push_varint(&mut bytes, u32::from(weight));
            last = id;
        }
        Terms(bytes.into_boxed_slice())
    }

    /// The pairs, in id order.
    pub(crate) fn iter(&self) -> PackedTerms<'_> {
        PackedTerms {
            bytes: &self.0,
            last: 0,
        }
    }

    /// The bytes the pairs take.
    pub(crate) fn packed_len(&self) -> usize {
        self.0.len()
    }
}

fn push_varint(bytes: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        bytes.push(value as u8 | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

/// The pairs of [`Terms`], unpacked as they are read.
#[derive(Debug, Clone)]
pub(crate) struct PackedTerms<'a> {
    bytes: &'a [u8],
    last: u32,
}

impl PackedTerms<'_> {
    fn varint(&mut self) -> u32 {
        let mut value = 0u32;
        let mut shift = 0;
        while let Some((&byte, rest)) = self.bytes.split_first() {
            self.bytes = rest;
            value |= u32::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if byte < 0x80 {
                break;
            }
        }
        value
    }
}

impl Iterator for PackedTerms<'_> {
    type Item = (u32, u16);

    fn next(&mut self) -> Option<(u32, u16)> {
        if self.bytes.is_empty() {
            return None;
        }
        let id = self.last.wrapping_add(self.varint());
        let weight = u16::try_from(self.varint()).unwrap_or(u16::MAX);
        self.last = id;
        Some((id, weight))
    }
}

/// A paper's weighted terms as search and related papers read them: packed as the site keeps
/// them, or as plain pairs (tests, and callers that make them on the fly).
#[derive(Debug, Clone, Copy)]
pub(crate) enum TermsRef<'a> {
    /// `(term id, weight)` pairs.
    Pairs(&'a [(u32, u16)]),
    /// Packed pairs.
    Packed(&'a Terms),
}

impl<'a> TermsRef<'a> {
    /// The pairs, in order.
    pub(crate) fn iter(self) -> TermsIter<'a> {
        match self {
            TermsRef::Pairs(pairs) => TermsIter::Pairs(pairs.iter()),
            TermsRef::Packed(terms) => TermsIter::Packed(terms.iter()),
        }
    }
}

impl<'a> From<&'a [(u32, u16)]> for TermsRef<'a> {
    fn from(pairs: &'a [(u32, u16)]) -> Self {
        TermsRef::Pairs(pairs)
    }
}

impl<'a> From<&'a Vec<(u32, u16)>> for TermsRef<'a> {
    fn from(pairs: &'a Vec<(u32, u16)>) -> Self {
        TermsRef::Pairs(pairs)
    }
}

impl<'a> From<&'a Terms> for TermsRef<'a> {
    fn from(terms: &'a Terms) -> Self {
        TermsRef::Packed(terms)
    }
}

/// The pairs of a [`TermsRef`].
#[derive(Debug, Clone)]
pub(crate) enum TermsIter<'a> {
    /// Of plain pairs.
    Pairs(std::slice::Iter<'a, (u32, u16)>),
    /// Of packed pairs.
    Packed(PackedTerms<'a>),
}

impl Iterator for TermsIter<'_> {
    type Item = (u32, u16);

    #[inline]
    fn next(&mut self) -> Option<(u32, u16)> {
        match self {
            TermsIter::Pairs(pairs) => pairs.next().copied(),
            TermsIter::Packed(packed) => packed.next(),
        }
    }
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
    fn packed_terms_read_back_as_written() {
        let pairs = [
            (0, 1),
            (1, 0),
            (127, 5),
            (128, 300),
            (16_383, u16::MAX),
            (2_000_000, 7),
            (u32::MAX, 1),
        ];
        let terms = Terms::from_sorted(&pairs);
        assert_eq!(terms.iter().collect::<Vec<_>>(), pairs);
        assert!(terms.packed_len() < pairs.len() * 8);
        assert_eq!(Terms::from_sorted(&[]).iter().count(), 0);
        let bytes = postcard::to_stdvec(&terms).unwrap();
        let back: Terms = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, terms);
        // The bytes are postcard's for a sequence of bytes too: caches written before read back.
        let as_sequence = postcard::to_stdvec(&terms.0.to_vec()).unwrap();
        assert_eq!(bytes, as_sequence);
        let back: Terms = serde_json::from_str(&serde_json::to_string(&terms).unwrap()).unwrap();
        assert_eq!(back, terms);
        // Bytes that were never written by `from_sorted` read as pairs, never a panic.
        let odd = Terms(vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80].into_boxed_slice());
        assert!(odd.iter().count() <= 1);
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
        assert_eq!(tokens(&"x".repeat(40)), ["x".repeat(40)]);
        // A word whose letters are ASCII on one side of a folded letter, or both.
        assert_eq!(
            tokens("ÉCOLE Polytechnique Ångström café3 x"),
            ["ecole", "polytechnique", "angstrom", "cafe3"]
        );
        assert_eq!(
            tokens(&format!("{}é", "Ab".repeat(20))),
            Vec::<String>::new()
        );
        assert_eq!(
            tokens(&format!("{}é", "Ab".repeat(19))),
            [format!("{}e", "ab".repeat(19))]
        );
        assert_eq!(tokens("中文 模型"), ["中文", "模型"]);
    }

    fn spans(text: &str) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        for_each_token_at(text, |t, r| out.push((t.to_string(), &text[r])));
        out
    }

    #[test]
    fn cjk_runs_become_bigrams_and_a_lone_character_a_unigram() {
        assert_eq!(tokens("扩散模型"), ["扩散", "散模", "模型"]);
        assert_eq!(tokens("图"), ["图"]);
        assert_eq!(tokens("图 与 文"), ["图", "与", "文"]);
        // Mixed text: a change of script separates; the lone `4` is too short.
        assert_eq!(
            tokens("GPT-4在中文任务上的评测"),
            [
                "gpt", "在中", "中文", "文任", "任务", "务上", "上的", "的评", "评测"
            ]
        );
        // Japanese: kana and kanji alike; the long vowel mark belongs to the word; `・` and
        // `。` separate.
        assert_eq!(tokens("データ・拡散。"), ["デー", "ータ", "拡散"]);
        // Korean: syllables between spaces, particles included.
        assert_eq!(tokens("모델을 학습"), ["모델", "델을", "학습"]);
        // Latin words on both sides of a run.
        assert_eq!(tokens("LoRA微调Qwen2"), ["lora", "微调", "qwen2"]);
    }

    #[test]
    fn width_and_compatibility_forms_are_normalized() {
        // Full-width Latin and digits, half-width kana with voicing marks, Kangxi radicals,
        // compatibility ideographs, a squared word, decomposed Hangul.
        assert_eq!(tokens("ＧＰＴ－４ｏ"), ["gpt", "4o"]);
        assert_eq!(tokens("ﾃﾞｰﾀ"), tokens("データ"));
        assert_eq!(tokens("⼈⼯"), tokens("人工"));
        assert_eq!(tokens("\u{f9d1}"), tokens("\u{516d}"));
        assert_eq!(tokens("㍿"), tokens("株式会社"));
        assert_eq!(
            tokens("\u{1100}\u{1161}\u{11a8}\u{1100}\u{1161}"),
            tokens("각가")
        );
        assert_eq!(tokens("か\u{3099}く"), tokens("がく"));
        assert_eq!(tokens("가\u{11a8}가"), tokens("각가"));
        // Outside those forms text is read as written.
        assert_eq!(tokens("x² ﬁne"), ["x²", "ﬁne"]);
    }

    #[test]
    fn spans_point_at_the_original_text() {
        assert_eq!(
            spans("GPT-4在中文"),
            [
                ("gpt".to_string(), "GPT"),
                ("在中".to_string(), "在中"),
                ("中文".to_string(), "中文")
            ]
        );
        assert_eq!(spans("Ｘ ｶﾞ1"), [("ガ".to_string(), "ｶﾞ")]);
        assert_eq!(
            spans("Schölkopf, ß"),
            [
                ("scholkopf".to_string(), "Schölkopf"),
                ("ss".to_string(), "ß")
            ]
        );
    }

    #[test]
    fn characters_skipping_the_normalizer_are_their_own_nfkc() {
        let skipped: Vec<char> = (0x3000..0xd800)
            .filter_map(char::from_u32)
            .filter(|&c| nfkc_alone(c))
            .collect();
        assert_eq!(skipped.len(), 86 + 90 + 3 + 11172);
        for c in skipped {
            let text = c.to_string();
            assert_eq!(NFKC.normalize(&text), text.as_str(), "U+{:04X}", c as u32);
            assert!(in_ranges(c, NFKC_RANGES));
        }
    }

    #[test]
    fn range_tables_are_sorted_and_disjoint() {
        for ranges in [NFKC_RANGES, JOINING_RANGES, CJK_RANGES] {
            assert!(ranges.iter().all(|(lo, hi)| lo <= hi && *lo > 0x7f));
            assert!(ranges.windows(2).all(|w| w[0].1 < w[1].0));
        }
        // Joining marks are normalized: they are read with the character before them.
        assert!(
            JOINING_RANGES
                .iter()
                .all(|&(lo, hi)| { NFKC_RANGES.iter().any(|&(a, b)| a <= lo && hi <= b) })
        );
    }

    /// The tokenizer before CJK support, kept to prove text without CJK characters or width
    /// forms gives the same words (so search and related papers do not change for it).
    fn tokens_before_cjk(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut token = String::new();
        let mut chars = 0usize;
        let mut flush = |token: &mut String, chars: &mut usize| {
            if (2..=MAX_TOKEN_CHARS).contains(chars) {
                out.push(token.clone());
            }
            token.clear();
            *chars = 0;
        };
        for c in text.chars() {
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
        out
    }

    proptest::proptest! {
        #![proptest_config(crate::record::mutations::config(512))]
        #[test]
        fn text_without_cjk_gives_the_words_it_gave_before(
            text in "[a-zA-Z0-9 .,;:'()\\-éÉßøŁœİıſ²½ⅫΩωДж\u{301}\u{1d400}-\u{1d403}ﬁ™ا-غ\u{e00}-\u{e30}]{0,80}"
        ) {
            proptest::prop_assert_eq!(tokens(&text), tokens_before_cjk(&text));
        }
    }

    #[test]
    fn weights_fields_and_drops_stopwords() {
        let tags = ["Diffusion Models"];
        let authors = vec!["Ada Lovelace".to_string()];
        let words = weighted_words(&PaperText {
            title: "Diffusion for the win",
            text: "We study diffusion. Diffusion is fun.",
            authors: &crate::record::StrList::from(authors.clone()),
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
        let terms: Vec<(u32, u16)> = terms.iter().collect();
        assert!(terms.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(vocabulary.len(), words.len());
    }
}
