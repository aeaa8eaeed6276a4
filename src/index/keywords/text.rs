//! Text as topic rules compare it: whitespace folded, case folded (beyond ASCII), whole-word
//! boundaries that know accented letters and scripts written without spaces, and author names
//! reduced to one key per person. Pure functions on strings.

use crate::record::author::Author;

/// `text` with every run of whitespace made one space and the ends trimmed, case kept: what
/// case-sensitive phrases are looked for in.
pub(crate) fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// [`squash`]ed and case-folded: lowercase in every script (`Ä` is `ä`, `Σ` is `σ`), with the
/// few letters whose lowercase is not their folded form folded too (`ß` and `ẞ` are `ss`, final
/// `ς` is `σ`, long `ſ` is `s`), so that `STRASSE` and `Straße` compare equal.
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        return fold_ascii(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ς' => out.push('σ'),
            'ſ' => out.push('s'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// [`fold`] of ASCII text (nearly every abstract), a word at a time.
fn fold_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // `split_ascii_whitespace` leaves out the vertical tab, which `char::is_whitespace` counts.
    for word in text.split('\x0b').flat_map(str::split_ascii_whitespace) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.make_ascii_lowercase();
    out
}

/// Whether `text[start..end]` is whole words: no letter or digit joins it to the text before
/// or after. Accented letters are letters (`é`, and a combining accent after a letter belongs
/// to it), so `cafe` is not a word of `café`. Chinese, Japanese and Korean are written without
/// spaces between words: next to one of their characters there is always a boundary.
pub(crate) fn whole_words(text: &str, start: usize, end: usize) -> bool {
    let (first, last) = match (
        text[start..end].chars().next(),
        text[..end].chars().next_back(),
    ) {
        (Some(first), Some(last)) => (first, last),
        _ => return false,
    };
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !joined(before, first) && !joined(after, last)
}

/// Whether `outside` and `inside` are letters of one word.
fn joined(outside: Option<char>, inside: char) -> bool {
    let Some(outside) = outside else {
        return false;
    };
    // A combining accent after the match belongs to the match's last letter.
    if is_mark(outside) {
        return is_word(inside);
    }
    is_word(outside) && is_word(inside) && !is_spaceless(outside) && !is_spaceless(inside)
}

/// A letter, a digit, or a combining mark (an accent written as its own character).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// The combining diacritical marks (`e` + U+0301 is `é`).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// A character of the scripts written without spaces between words: Han (Chinese, kanji),
/// Hiragana, Katakana and Hangul. (Korean puts spaces between phrases but joins particles to
/// nouns, `모델은` is "the model" + a particle, so it is matched inside words too.)
fn is_spaceless(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}'     // Hangul Jamo
        | '\u{2e80}'..='\u{2fdf}'   // CJK radicals
        | '\u{3040}'..='\u{30ff}'   // Hiragana, Katakana
        | '\u{3130}'..='\u{318f}'   // Hangul compatibility Jamo
        | '\u{31f0}'..='\u{31ff}'   // Katakana extensions
        | '\u{3400}'..='\u{4dbf}'   // CJK extension A
        | '\u{4e00}'..='\u{9fff}'   // CJK unified ideographs
        | '\u{ac00}'..='\u{d7af}'   // Hangul syllables
        | '\u{f900}'..='\u{faff}'   // CJK compatibility ideographs
        | '\u{ff66}'..='\u{ff9f}'   // half-width Katakana
        | '\u{20000}'..='\u{3134f}' // CJK extensions B–G
    )
}

/// The key by which an author is the same person in a record and in a rule's `authors`: the
/// name as pages show it (`Lovelace, Ada` is `Ada Lovelace`, braces of an organisation
/// dropped), transliterated to ASCII (`José Núñez` is `Jose Nunez`), lowercase, its words
/// (letters and digits) joined by one space (`Jean-Luc` is `jean luc`). Initials are not
/// expanded: `A. Lovelace` is another key.
pub(crate) fn person_key(name: &str) -> String {
    let shown = Author::parse(name).display().into_owned();
    let ascii = deunicode::deunicode(&shown).to_ascii_lowercase();
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_text_is_folded_like_any_text() {
        for text in [
            "  Diffusion\r\n\tMODELS\x0bare\x0c great  ",
            "ICL",
            "",
            " \n ",
            "a\x1fb",
        ] {
            // `fold` of the text with one non-ASCII letter added, minus that letter.
            let long = fold(&format!("{text}é"));
            assert_eq!(
                fold_ascii(text),
                long.strip_suffix('é').unwrap().trim_end(),
                "{text:?}"
            );
        }
        assert_eq!(fold("  Diffusion\r\n\tMODELS  "), "diffusion models");
    }

    #[test]
    fn folding_goes_beyond_ascii() {
        assert_eq!(fold("ÄRGER Straße ΣΟΦΊΑ ς"), "ärger strasse σοφία σ");
        assert_eq!(fold("STRASSE"), fold("straße"));
        assert_eq!(squash(" Ä\n b "), "Ä b");
    }

    #[test]
    fn boundaries() {
        let cases = [
            ("a café here", "café", true),
            ("cafés", "café", false),
            ("cafe\u{301}", "cafe", false),
            ("x 深度强化学习方法", "强化学习", true),
            ("GPT模型", "gpt", true),
            ("CURL", "rl", false),
            ("(rl)", "rl", true),
        ];
        for (text, word, expected) in cases {
            let haystack = fold(text);
            let start = haystack.find(word).unwrap();
            assert_eq!(
                whole_words(&haystack, start, start + word.len()),
                expected,
                "{word} in {text}"
            );
        }
    }

    #[test]
    fn one_key_per_person() {
        for (a, b) in [
            ("Ada Lovelace", "Lovelace, Ada"),
            ("Ada  LOVELACE", "ada lovelace"),
            ("José Núñez", "Jose Nunez"),
            ("Jean-Luc Picard", "Jean Luc Picard"),
            ("{The ATLAS Collaboration}", "The ATLAS Collaboration"),
        ] {
            assert_eq!(person_key(a), person_key(b), "{a} / {b}");
        }
        assert_ne!(person_key("A. Lovelace"), person_key("Ada Lovelace"));
        assert_ne!(person_key("Ada Lovelace"), person_key("Ada Byron"));
    }
}
