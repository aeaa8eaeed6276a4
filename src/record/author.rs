//! How a record writes an author, read once into the parts every citation format needs.
//!
//! The rules are BibTeX's, so a name means the same in a record and in the `.bib` files:
//! - `"{The ATLAS Collaboration}"`: a name wholly in braces is an organisation, cited and shown
//!   as written (without the braces), never split into given and family names;
//! - `"van der Berg, Jan"` (and `"Doe, Jr., John"`): family name (with its particles) before the
//!   first comma, given names after the last, a suffix between;
//! - `"Jan van der Berg"`: the last word is the family name, lowercase words before it are its
//!   particles (`van der`), the words before those the given names; a final `Jr.`, `Sr.`, `II`,
//!   `III` or `IV` is a suffix.
//!
//! A name with more than two commas, or a comma and nothing before it, is kept whole (cited as
//! one literal name). This module only reads names; each writer formats them.

use std::borrow::Cow;

/// One author of a record, as its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author<'a> {
    /// An organisation, `"{The ATLAS Collaboration}"`: its name without the braces.
    Organisation(&'a str),
    /// A person's name in parts.
    Person(Person<'a>),
    /// A name that cannot be split (`"A, B, C, D"`): cited as one literal name.
    Literal(&'a str),
}

/// A person's name in parts (each trimmed; empty when absent).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person<'a> {
    /// Given names: `Jan`.
    pub given: &'a str,
    /// Lowercase particles before the family name: `van der`.
    pub particle: &'a str,
    /// The family name without its particles: `Berg`.
    pub family: &'a str,
    /// `Jr.`, `III`, …
    pub suffix: &'a str,
}

/// Suffixes recognised at the end of a name written "First Last Jr.".
pub(crate) const SUFFIXES: &[&str] = &["Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"];

impl<'a> Author<'a> {
    /// Reads a name as a record writes it (see the module's rules).
    pub fn parse(name: &'a str) -> Author<'a> {
        let name = name.trim();
        if let Some(inner) = wholly_braced(name) {
            return Author::Organisation(inner.trim());
        }
        let commas = top_level_commas(name);
        match commas.as_slice() {
            [] => Author::Person(natural_order(name)),
            [first, rest @ ..] if rest.len() <= 1 => {
                let last_comma = *rest.first().unwrap_or(first);
                let (particle, family) = split_particles(name[..*first].trim());
                if family.is_empty() {
                    return Author::Literal(name);
                }
                Author::Person(Person {
                    given: name[last_comma + 1..].trim(),
                    particle,
                    family,
                    suffix: if rest.is_empty() {
                        ""
                    } else {
                        name[first + 1..last_comma].trim()
                    },
                })
            }
            _ => Author::Literal(name),
        }
    }

    /// The name as pages and feeds show it: `Jan van der Berg`, `John Doe Jr.`,
    /// `The ATLAS Collaboration` (never with the record's braces or "Last, First" order).
    pub fn display(&self) -> Cow<'a, str> {
        self.made_by(Author::write_display)
    }

    /// The name as `write` appends it: the name as written, unless it is a person's.
    fn made_by(&self, write: fn(&Self, &mut String)) -> Cow<'a, str> {
        match self {
            Author::Organisation(name) | Author::Literal(name) => Cow::Borrowed(name),
            Author::Person(_) => {
                let mut out = String::new();
                write(self, &mut out);
                Cow::Owned(out)
            }
        }
    }

    /// Appends [`Author::display`] to `out`.
    pub fn write_display(&self, out: &mut String) {
        match self {
            Author::Organisation(name) | Author::Literal(name) => out.push_str(name),
            Author::Person(p) => {
                let parts = [p.given, p.particle, p.family, p.suffix];
                for (i, part) in parts.into_iter().filter(|s| !s.is_empty()).enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(part);
                }
            }
        }
    }

    /// The name as scholar indexes read it in `citation_author`: `van der Berg, Jan`
    /// (family first, so no index has to guess where the family name starts).
    pub fn family_first(&self) -> Cow<'a, str> {
        self.made_by(Author::write_family_first)
    }

    /// Appends [`Author::family_first`] to `out`.
    pub fn write_family_first(&self, out: &mut String) {
        match self {
            Author::Organisation(name) | Author::Literal(name) => out.push_str(name),
            Author::Person(p) => {
                if !p.particle.is_empty() {
                    out.push_str(p.particle);
                    out.push(' ');
                }
                out.push_str(p.family);
                for part in [p.suffix, p.given] {
                    if !part.is_empty() {
                        out.push_str(", ");
                        out.push_str(part);
                    }
                }
            }
        }
    }

    /// The word a citation key starts with: the family name without particles (`berg`), or the
    /// first word of an organisation's name that is not an article (`atlas`).
    pub fn key_word(&self) -> &'a str {
        match self {
            Author::Person(p) => p.family,
            Author::Organisation(name) | Author::Literal(name) => name
                .split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty() && !["the", "a", "an", "of"].contains(&&*w.to_lowercase()))
                .unwrap_or(name),
        }
    }
}

/// How pages and feeds show the name `written` ([`Author::display`]), without reading it
/// into parts when nothing would change: most names have no braces and no commas, and cards
/// show names on every list.
pub fn display_name(written: &str) -> Cow<'_, str> {
    if written.contains(['{', ',']) {
        Author::parse(written).display()
    } else {
        Cow::Borrowed(written.trim())
    }
}

/// Appends [`display_name`] to `out`, with nothing made on the way (cards write every name of
/// every list).
pub fn write_display_name(out: &mut String, written: &str) {
    if written.contains(['{', ',']) {
        Author::parse(written).write_display(out);
    } else {
        out.push_str(written.trim());
    }
}

/// The text inside `{…}` when the whole name is one brace group.
pub(crate) fn wholly_braced(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('{')?.strip_suffix('}')?;
    // `{A} and {B}` is not one group: the first brace must close at the very end.
    let mut depth = 0usize;
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return None,
            '}' => depth -= 1,
            _ => {}
        }
    }
    (depth == 0).then_some(inner)
}

/// Byte offsets of the commas outside braces (read as bytes: no byte of a multi-byte UTF-8
/// character is ASCII).
fn top_level_commas(name: &str) -> Vec<usize> {
    let mut depth = 0usize;
    let mut out = Vec::new();
    for (i, b) in name.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => out.push(i),
            _ => {}
        }
    }
    out
}

/// Whether a word counts as lowercase for particles (BibTeX's "von" test): its first letter is
/// lowercase; a braced word never is.
pub(crate) fn is_lowercase_word(word: &str) -> bool {
    if word.starts_with('{') {
        return false;
    }
    word.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_lowercase)
}

/// Splits "von Last" (the part before a comma) into particles and family name: the leading
/// lowercase words, except the last word, which is always the family name.
fn split_particles(part: &str) -> (&str, &str) {
    with_word_spans(part, |words| split_particles_at(part, words))
}

fn split_particles_at<'a>(part: &'a str, words: &[(usize, usize)]) -> (&'a str, &'a str) {
    let Some(&(last_start, _)) = words.last() else {
        return ("", "");
    };
    let mut end_of_particles = None;
    for &(start, end) in words {
        if start == last_start || !is_lowercase_word(&part[start..end]) {
            break;
        }
        end_of_particles = Some((start, end));
    }
    match end_of_particles {
        Some((_, end)) => (part[..end].trim(), part[end..].trim()),
        None => ("", part),
    }
}

/// "First von Last Jr.": the last word is the family name; the lowercase words before it (from
/// the first to the last lowercase one) its particles; the words before those given names.
fn natural_order(name: &str) -> Person<'_> {
    with_word_spans(name, |words| natural_order_at(name, words))
}

fn natural_order_at<'a>(name: &'a str, mut words: &[(usize, usize)]) -> Person<'a> {
    let mut suffix = "";
    if words.len() >= 3
        && let Some((&(start, end), rest)) = words.split_last()
        && SUFFIXES.contains(&&name[start..end])
    {
        suffix = &name[start..end];
        words = rest;
    }
    let Some((&(family_start, family_end), before)) = words.split_last() else {
        return Person::default();
    };
    let lowercase = |&(start, end): &(usize, usize)| is_lowercase_word(&name[start..end]);
    let first = before.iter().position(lowercase);
    let last = first.and_then(|_| before.iter().rposition(lowercase));
    let (given, particle, family) = match (first, last) {
        (Some(first), Some(last)) => (
            name[..before[first].0].trim(),
            &name[before[first].0..before[last].1],
            name[before[last].1..family_end].trim(),
        ),
        _ => (
            name[..family_start].trim(),
            "",
            &name[family_start..family_end],
        ),
    };
    Person {
        given,
        particle,
        family,
        suffix,
    }
}

/// Calls `f` with the byte ranges of the whitespace-separated words of `text`, kept on the
/// stack for a name of up to 16 words (every list shows names, and most are two or three).
fn with_word_spans<R>(text: &str, f: impl FnOnce(&[(usize, usize)]) -> R) -> R {
    let mut inline = [(0, 0); 16];
    let mut count = 0;
    let mut spilled = Vec::new();
    let mut push = |span: (usize, usize)| {
        if count < inline.len() {
            inline[count] = span;
        } else {
            if spilled.is_empty() {
                spilled.extend_from_slice(&inline);
            }
            spilled.push(span);
        }
        count += 1;
    };
    let bytes = text.as_bytes();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        // ASCII (most of every name) without decoding: the ASCII `char::is_whitespace`.
        let (space, len) = if bytes[i].is_ascii() {
            (matches!(bytes[i], b'\t'..=b'\r' | b' '), 1)
        } else {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            (c.is_whitespace(), c.len_utf8())
        };
        match (space, start) {
            (true, Some(s)) => {
                push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        push((s, text.len()));
    }
    if spilled.is_empty() {
        f(&inline[..count])
    } else {
        f(&spilled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person<'a>(
        given: &'a str,
        particle: &'a str,
        family: &'a str,
        suffix: &'a str,
    ) -> Author<'a> {
        Author::Person(Person {
            given,
            particle,
            family,
            suffix,
        })
    }

    /// Writing a name into a buffer gives what `display_name` makes, after what is there.
    #[test]
    fn names_written_into_a_buffer_are_the_names_shown() {
        for written in [
            "Ming Choi",
            "  Ada Lovelace ",
            "Choi, Ming",
            "van der Berg, Jan",
            "Doe, Jr., John",
            "Jan van der Berg",
            "{The ATLAS Collaboration}",
            "A, B, C, D",
            ", Nobody",
            "Prince,",
        ] {
            let mut out = String::from("by ");
            write_display_name(&mut out, written);
            assert_eq!(out, format!("by {}", display_name(written)), "{written:?}");
        }
    }

    #[test]
    fn reads_every_way_a_record_writes_a_name() {
        for (written, parts, shown, family_first) in [
            (
                "Ashish Vaswani",
                person("Ashish", "", "Vaswani", ""),
                "Ashish Vaswani",
                "Vaswani, Ashish",
            ),
            (
                "van der Berg, Jan",
                person("Jan", "van der", "Berg", ""),
                "Jan van der Berg",
                "van der Berg, Jan",
            ),
            (
                "Jan van der Berg",
                person("Jan", "van der", "Berg", ""),
                "Jan van der Berg",
                "van der Berg, Jan",
            ),
            (
                "Doe, Jr., John",
                person("John", "", "Doe", "Jr."),
                "John Doe Jr.",
                "Doe, Jr., John",
            ),
            (
                "John Doe Jr.",
                person("John", "", "Doe", "Jr."),
                "John Doe Jr.",
                "Doe, Jr., John",
            ),
            ("Plato", person("", "", "Plato", ""), "Plato", "Plato"),
            (
                "Ludwig van Beethoven",
                person("Ludwig", "van", "Beethoven", ""),
                "Ludwig van Beethoven",
                "van Beethoven, Ludwig",
            ),
            (
                "Jürgen Schölkopf",
                person("Jürgen", "", "Schölkopf", ""),
                "Jürgen Schölkopf",
                "Schölkopf, Jürgen",
            ),
            (
                "{The ATLAS Collaboration}",
                Author::Organisation("The ATLAS Collaboration"),
                "The ATLAS Collaboration",
                "The ATLAS Collaboration",
            ),
            (
                " {OpenAI} ",
                Author::Organisation("OpenAI"),
                "OpenAI",
                "OpenAI",
            ),
            (
                "A, B, C, D",
                Author::Literal("A, B, C, D"),
                "A, B, C, D",
                "A, B, C, D",
            ),
            (", Jan", Author::Literal(", Jan"), ", Jan", ", Jan"),
            // Spaces beyond ASCII separate words too (no-break, ideographic).
            (
                "Zoë\u{a0}de\u{3000}Ådahl",
                person("Zoë", "de", "Ådahl", ""),
                "Zoë de Ådahl",
                "de Ådahl, Zoë",
            ),
            // More words than are kept on the stack.
            (
                "A B C D E F G H I J K L M N O P Q de la Rosa Jr.",
                person("A B C D E F G H I J K L M N O P Q", "de la", "Rosa", "Jr."),
                "A B C D E F G H I J K L M N O P Q de la Rosa Jr.",
                "de la Rosa, Jr., A B C D E F G H I J K L M N O P Q",
            ),
            (
                "x y z a b c d e f g h i j k l m n o p, Given",
                person("Given", "x y z a b c d e f g h i j k l m n o", "p", ""),
                "Given x y z a b c d e f g h i j k l m n o p",
                "x y z a b c d e f g h i j k l m n o p, Given",
            ),
        ] {
            let author = Author::parse(written);
            assert_eq!(author, parts, "{written:?}");
            assert_eq!(author.display(), shown, "{written:?}");
            assert_eq!(author.family_first(), family_first, "{written:?}");
        }
    }

    #[test]
    fn names_without_braces_or_commas_are_shown_as_written() {
        for name in [
            "Ashish Vaswani",
            "Jan van der Berg",
            "John Doe Jr.",
            "Plato",
        ] {
            assert_eq!(display_name(name), Author::parse(name).display());
            assert!(matches!(display_name(name), Cow::Borrowed(_)));
        }
        assert_eq!(display_name("{OpenAI}"), "OpenAI");
        assert_eq!(display_name("Berg, Jan"), "Jan Berg");
    }

    #[test]
    fn key_words() {
        assert_eq!(Author::parse("van der Berg, Jan").key_word(), "Berg");
        assert_eq!(
            Author::parse("{The ATLAS Collaboration}").key_word(),
            "ATLAS"
        );
        assert_eq!(Author::parse("Ashish Vaswani").key_word(), "Vaswani");
    }
}
