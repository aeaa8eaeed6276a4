//! Where a key of a record's front matter is written, for findings about a parsed [`Paper`]
//! (which keeps only its slug's place). The file is read again and its front matter parsed
//! with spans only for records that have a finding, so loading stays as fast as the build's.
//!
//! [`Paper`]: crate::record::Paper

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Location;
use crate::record::front_matter;

/// Which value of the front matter: a key, or one element of an array key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key<'a> {
    /// `key = …`: the value.
    Value(&'a str),
    /// The `index`-th element of the array `key`.
    Element(&'a str, usize),
}

/// The location of `key` in the record `shown` (relative to `root`); the opening `+++` when
/// the key is not written (a derived value) or the file cannot be read again.
pub(crate) fn key(root: &Path, shown: &str, key: Key<'_>) -> Location {
    let text = std::fs::read_to_string(root.join(shown)).unwrap_or_default();
    let span = span_of(&text, key).unwrap_or(0..3.min(text.len()));
    Location {
        path: shown.to_string(),
        source: Arc::from(text),
        span,
    }
    .detached()
}

fn span_of(text: &str, key: Key<'_>) -> Option<std::ops::Range<usize>> {
    let split = front_matter::split(text).ok()?;
    let offset = split.front_matter.start;
    let doc = toml_edit::Document::parse(&text[split.front_matter]).ok()?;
    let span = match key {
        Key::Value(name) => doc.get(name)?.span()?,
        Key::Element(name, index) => doc.get(name)?.as_array()?.get(index)?.span()?,
    };
    Some(span.start + offset..span.end + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_and_array_elements() {
        let text = "+++\ntitle = \"T\"\ntags = [\"a\", \"B\"]\n+++\nbody\n";
        let at = |key| span_of(text, key).map(|s| &text[s]);
        assert_eq!(at(Key::Value("title")), Some("\"T\""));
        assert_eq!(at(Key::Element("tags", 1)), Some("\"B\""));
        assert_eq!(at(Key::Value("doi")), None);
    }
}
