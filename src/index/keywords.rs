//! Keyword tags: a tag is given to every paper whose title or abstract contains one of its phrases
//! (case-insensitive, whole words). One automaton for all phrases keeps this linear in text size.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};

/// All keyword tags of a site, compiled once per build.
pub(crate) struct KeywordMatcher {
    automaton: Option<AhoCorasick>,
    /// For each pattern of the automaton, the tag it stands for.
    pattern_tags: Vec<usize>,
    tags: Vec<String>,
}

impl KeywordMatcher {
    /// Compiles `tag -> phrases` (from `site.toml`'s `[keyword_tags]`).
    pub(crate) fn new(keyword_tags: &BTreeMap<String, Vec<String>>) -> Self {
        let mut patterns = Vec::new();
        let mut pattern_tags = Vec::new();
        let mut tags = Vec::new();
        for (tag_index, (tag, phrases)) in keyword_tags.iter().enumerate() {
            tags.push(tag.clone());
            for phrase in phrases {
                patterns.push(normalize(phrase));
                pattern_tags.push(tag_index);
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .ok()
        };
        KeywordMatcher {
            automaton,
            pattern_tags,
            tags,
        }
    }

    /// The keyword tags whose phrases occur as whole words in any of `texts`, in config order.
    pub(crate) fn tags_for<'a>(&'a self, texts: &[&str]) -> Vec<&'a str> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut found = vec![false; self.tags.len()];
        for text in texts {
            let haystack = normalize(text);
            for m in automaton.find_overlapping_iter(&haystack) {
                let before = haystack[..m.start()].chars().next_back();
                let after = haystack[m.end()..].chars().next();
                let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                if boundary(before) && boundary(after) {
                    found[self.pattern_tags[m.pattern().as_usize()]] = true;
                }
            }
        }
        self.tags
            .iter()
            .zip(found)
            .filter(|(_, hit)| *hit)
            .map(|(tag, _)| tag.as_str())
            .collect()
    }
}

/// Lowercases and folds runs of whitespace to one space, so phrases match across line breaks.
fn normalize(text: &str) -> String {
    if text.is_ascii() {
        normalize_ascii(text.as_bytes())
    } else {
        normalize_chars(text)
    }
}

fn normalize_chars(text: &str) -> String {
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
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// [`normalize`] of ASCII text (nearly every abstract), a byte at a time.
fn normalize_ascii(text: &[u8]) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut space = false;
    for &b in text {
        // The ASCII characters `char::is_whitespace` accepts: tab, line feed, vertical tab,
        // form feed, carriage return and space.
        if matches!(b, b'\t'..=b'\r' | b' ') {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(b' ');
        }
        space = false;
        out.push(b.to_ascii_lowercase());
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> KeywordMatcher {
        let mut tags = BTreeMap::new();
        tags.insert(
            "in-context-learning".to_string(),
            vec!["in-context learning".to_string(), "ICL".to_string()],
        );
        tags.insert(
            "diffusion".to_string(),
            vec![
                "diffusion model".to_string(),
                "diffusion models".to_string(),
            ],
        );
        KeywordMatcher::new(&tags)
    }

    #[test]
    fn matches_whole_words_case_insensitively() {
        let m = matcher();
        for (text, expected) in [
            (
                "Prompt-Based In-Context Learning",
                vec!["in-context-learning"],
            ),
            ("we use icl prompts", vec!["in-context-learning"]),
            ("CICLE is a method", vec![]),
            ("icling", vec![]),
            (
                "Diffusion\nmodels are great (ICL).",
                vec!["diffusion", "in-context-learning"],
            ),
            ("", vec![]),
        ] {
            assert_eq!(m.tags_for(&[text]), expected, "{text}");
        }
    }

    #[test]
    fn ascii_text_is_normalized_like_any_text() {
        for text in [
            "  Diffusion\r\n\tMODELS\x0bare\x0c great  ",
            "ICL",
            "",
            " \n ",
            "a\x1fb",
        ] {
            assert_eq!(
                normalize_ascii(text.as_bytes()),
                normalize_chars(text),
                "{text:?}"
            );
        }
        assert_eq!(normalize("  Diffusion\r\n\tMODELS  "), "diffusion models");
    }

    #[test]
    fn empty_config_matches_nothing() {
        assert!(
            KeywordMatcher::new(&BTreeMap::new())
                .tags_for(&["ICL"])
                .is_empty()
        );
    }
}
