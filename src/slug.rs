//! URL slugs and path segments: how papers, tags and keyword feeds get the folder names of their
//! pages, and the one rule every such folder name obeys ([`check_segment`]).

use crate::diagnostic::{Location, Problem};

/// The longest folder name digest gives a page, in bytes. File systems allow 255 bytes per
/// name (ext4, APFS, NTFS in UTF-16 units; eCryptfs less); the writer needs room beside it for
/// the temporary names it gives files and folders while it writes them. Longer names failed
/// deep in the writer with "File name too long", naming no record.
pub(crate) const MAX_SEGMENT_BYTES: usize = 200;

/// Turns any text into a URL slug: transliterated to ASCII, lowercase, runs of anything that is
/// not a letter or digit folded into one `-`, no leading or trailing `-`. May return "".
pub(crate) fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Why a name cannot be the folder of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegmentError {
    /// Nothing is left of it (a name with no letters or digits slugifies to "").
    Empty,
    /// `.` or `..`: the folder itself or its parent, so the page would land on another one.
    DotName,
    /// It contains `/`, `\` or `..`, so it would reach outside its folder.
    Separator,
    /// It starts with a dot: a hidden folder, which GitHub Pages and most servers do not serve.
    LeadingDot,
    /// It contains spaces, quotes, control or URL-special characters.
    Special,
    /// It is longer than [`MAX_SEGMENT_BYTES`] (its length in bytes).
    TooLong(usize),
}

impl SegmentError {
    /// Why, as the end of a sentence ("… is not allowed: it is empty").
    pub(crate) fn reason(&self) -> String {
        match self {
            SegmentError::Empty => "it has no letters or digits to make its URL from".into(),
            SegmentError::DotName => {
                "`.` and `..` name a folder's self and parent, so its pages would overwrite others"
                    .into()
            }
            SegmentError::Separator => {
                "it would escape the output folder (it contains a path separator or `..`)".into()
            }
            SegmentError::LeadingDot => {
                "it starts with a dot, which would make a hidden folder".into()
            }
            SegmentError::Special => {
                "it contains spaces, quotes, control or URL-special characters".into()
            }
            SegmentError::TooLong(bytes) => format!(
                "its URL segment is {bytes} bytes long, over the limit of {MAX_SEGMENT_BYTES} bytes (a folder name)"
            ),
        }
    }

    /// How to fix it, ending with an example of `what` (e.g. `tags = ["diffusion"]`).
    pub(crate) fn fix(&self, example: &str) -> String {
        match self {
            SegmentError::TooLong(_) => format!(
                "shorten it to at most {MAX_SEGMENT_BYTES} bytes (counted after transliteration to ASCII), e.g. {example}"
            ),
            SegmentError::Empty => format!("use words with letters or digits, e.g. {example}"),
            _ => format!("use letters, digits and dashes, e.g. {example}"),
        }
    }
}

/// The one rule for a name that becomes a folder of the output (a paper's slug, a tag's, a
/// keyword feed's): one non-empty path segment, not `.` or `..`, no separators, no leading dot,
/// no spaces, control or URL-special characters, at most [`MAX_SEGMENT_BYTES`] bytes.
pub(crate) fn check_segment(segment: &str) -> Result<(), SegmentError> {
    if segment.is_empty() {
        return Err(SegmentError::Empty);
    }
    if segment == "." || segment == ".." {
        return Err(SegmentError::DotName);
    }
    if segment.contains(['/', '\\']) || segment.contains("..") {
        return Err(SegmentError::Separator);
    }
    if segment.starts_with('.') {
        return Err(SegmentError::LeadingDot);
    }
    if segment
        .chars()
        // What a URL path may not hold as is (WHATWG's URL code points): a page linking to
        // `/papers/a{b}/` would not be valid HTML.
        .any(|c| c.is_whitespace() || c.is_control() || "?#%\"'<>`[]{}|^".contains(c))
    {
        return Err(SegmentError::Special);
    }
    if segment.len() > MAX_SEGMENT_BYTES {
        return Err(SegmentError::TooLong(segment.len()));
    }
    Ok(())
}

/// Symbols that tell names apart (`C`, `C++`, `C#`, `A*`, `R&D`) and the words a [`tag_slug`]
/// spells them with, so that such names keep distinct pages instead of all becoming `c`. Other
/// punctuation (`-`, `_`, `.`, `/`, quotes, brackets, `<>`) separates words.
const SPELLED_SYMBOLS: &[(char, &str)] = &[
    ('+', "plus"),
    ('#', "sharp"),
    ('&', "and"),
    ('@', "at"),
    ('%', "percent"),
    ('*', "star"),
];

/// The slug of a tag, keyword tag or keyword feed: [`slugify`], except that the symbols of
/// [`SPELLED_SYMBOLS`] become words (`C++` → `c-plus-plus`, `C#` → `c-sharp`, `R&D` →
/// `r-and-d`). Names that differ only in case, accents or the punctuation and spaces between
/// words (`Music`, `music`; `style transfer`, `style-transfer`), or that transliterate to the
/// same ASCII (`数学`, `shu xue`), still share one slug: they are one tag. Deterministic: the same name gives the same slug in every build.
pub(crate) fn tag_slug(name: &str) -> String {
    /// Appends `word`, after a `-` when something came before and a separator was seen.
    fn push(slug: &mut String, word: &str, pending_dash: &mut bool) {
        if *pending_dash && !slug.is_empty() {
            slug.push('-');
        }
        *pending_dash = false;
        slug.push_str(word);
    }
    let ascii = deunicode::deunicode(name);
    let mut slug = String::with_capacity(ascii.len() + 8);
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            push(
                &mut slug,
                c.to_ascii_lowercase().encode_utf8(&mut [0; 4]),
                &mut pending_dash,
            );
        } else if let Some((_, word)) = SPELLED_SYMBOLS.iter().find(|(s, _)| *s == c) {
            // A spelled symbol is a word of its own: `c++` is `c`, `plus`, `plus`.
            pending_dash = true;
            push(&mut slug, word, &mut pending_dash);
            pending_dash = true;
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// The folder name of a tag, keyword tag or keyword feed: its [`tag_slug`], checked by
/// [`check_segment`].
pub(crate) fn name_segment(name: &str) -> Result<String, SegmentError> {
    let slug = tag_slug(name);
    check_segment(&slug)?;
    Ok(slug)
}

/// The folder name a record's file name gives its page: the stem [`slugify`]d (symbols are
/// not spelled out, so existing paper URLs stay), checked by [`check_segment`].
pub(crate) fn stem_segment(stem: &str) -> Result<String, SegmentError> {
    let slug = slugify(stem);
    check_segment(&slug)?;
    Ok(slug)
}

/// The problem of `what` (e.g. "tag", "slug") written as `name` at `location`, whose folder name
/// is refused for `error`; the hint ends with `example`, a correct way to write it.
pub(crate) fn segment_problem(
    location: Location,
    what: &str,
    name: &str,
    error: SegmentError,
    example: &str,
) -> Problem {
    // A 300-character name would drown the message: show its start.
    let shown: String = match name.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_string(),
    };
    Problem::at(
        location,
        format!("{what} `{shown}` is not allowed: {}", error.reason()),
    )
    .with_hint(error.fix(example))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_table() {
        for (input, expected) in [
            ("In-Context Learning", "in-context-learning"),
            ("  Diffusion  models!! ", "diffusion-models"),
            ("Théorie de l'Information", "theorie-de-l-information"),
            ("RL/HF", "rl-hf"),
            ("!!!", ""),
            ("C++ & Rust", "c-rust"),
        ] {
            assert_eq!(slugify(input), expected, "{input}");
        }
    }

    #[test]
    fn tag_slug_spells_out_symbols_that_tell_tags_apart() {
        for (input, expected) in [
            ("c", "c"),
            ("C++", "c-plus-plus"),
            ("c#", "c-sharp"),
            ("C♯", "c-sharp"),
            ("F#", "f-sharp"),
            ("R&D", "r-and-d"),
            ("C++ & Rust", "c-plus-plus-and-rust"),
            ("c++17", "c-plus-plus-17"),
            ("A*", "a-star"),
            ("Music", "music"),
            ("music", "music"),
            ("In-Context Learning", "in-context-learning"),
            ("style transfer", "style-transfer"),
            ("Théorie", "theorie"),
            ("!!!", ""),
            ("++", "plus-plus"),
            ("<b>bold</b> & \"quoted\"", "b-bold-b-and-quoted"),
        ] {
            assert_eq!(tag_slug(input), expected, "{input}");
        }
    }

    #[test]
    fn check_segment_table() {
        let long = "a".repeat(MAX_SEGMENT_BYTES);
        for ok in ["improvnet", "v2.1-model_x", "a", "théorie", long.as_str()] {
            assert_eq!(check_segment(ok), Ok(()), "{ok}");
        }
        let too_long = "a".repeat(MAX_SEGMENT_BYTES + 1);
        // "é" is two bytes: the limit is on bytes, as file systems count them.
        let too_long_utf8 = "é".repeat(MAX_SEGMENT_BYTES / 2 + 1);
        for (bad, expected) in [
            ("", SegmentError::Empty),
            (".", SegmentError::DotName),
            ("..", SegmentError::DotName),
            ("../etc", SegmentError::Separator),
            ("a/b", SegmentError::Separator),
            ("a\\b", SegmentError::Separator),
            ("a..b", SegmentError::Separator),
            (".hidden", SegmentError::LeadingDot),
            ("a b", SegmentError::Special),
            ("x?y", SegmentError::Special),
            ("x#y", SegmentError::Special),
            ("x{y}", SegmentError::Special),
            ("x|y", SegmentError::Special),
            ("x^y", SegmentError::Special),
            ("x[1]", SegmentError::Special),
            ("x\u{c}y", SegmentError::Special),
            (
                too_long.as_str(),
                SegmentError::TooLong(MAX_SEGMENT_BYTES + 1),
            ),
            (
                too_long_utf8.as_str(),
                SegmentError::TooLong(MAX_SEGMENT_BYTES + 2),
            ),
        ] {
            assert_eq!(check_segment(bad), Err(expected), "{bad:?}");
        }
    }

    #[test]
    fn name_segment_table() {
        for (name, expected) in [
            ("LLM agents", Ok("llm-agents".to_string())),
            ("Théorie", Ok("theorie".to_string())),
            ("..", Err(SegmentError::Empty)),
            (".", Err(SegmentError::Empty)),
            ("!!!", Err(SegmentError::Empty)),
            ("", Err(SegmentError::Empty)),
            ("  ", Err(SegmentError::Empty)),
        ] {
            assert_eq!(name_segment(name), expected, "{name:?}");
        }
        // The limit applies after transliteration: 150 CJK characters are 450 bytes of UTF-8
        // but far more as ASCII; 150 "é" are 300 bytes but 150 as ASCII.
        assert!(matches!(
            name_segment(&"数".repeat(150)),
            Err(SegmentError::TooLong(_))
        ));
        assert_eq!(name_segment(&"é".repeat(150)), Ok("e".repeat(150)));
        assert_eq!(
            name_segment(&"x".repeat(300)),
            Err(SegmentError::TooLong(300))
        );
    }

    #[test]
    fn segment_problem_names_the_thing_shortly_with_the_limit() {
        let location = Location {
            path: "content/p.md".into(),
            source: "tags = [\"x\"]".into(),
            span: 8..11,
        };
        let name = "x".repeat(300);
        let text = segment_problem(
            location,
            "tag",
            &name,
            SegmentError::TooLong(300),
            "tags = [\"icl\"]",
        )
        .render();
        assert!(text.contains("content/p.md:1:9"), "{text}");
        assert!(text.contains("200 bytes"), "{text}");
        assert!(
            !text.contains(&name),
            "the whole name is not repeated: {text}"
        );
        assert!(!text.contains("disk"), "{text}");
    }
}
