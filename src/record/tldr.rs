//! A record's `tldr`: a summary of the paper in one or two sentences of plain text (Hugging
//! Face's `ai_summary`, Semantic Scholar's `tldr.text`, or a person's own). One rule for what a
//! tldr may be, used by the record parser and by the importers that fill it.

/// The longest tldr, in characters. A TL;DR is one or two sentences: Semantic Scholar's are
/// about 20 words (~130 characters), Hugging Face's `ai_summary` one sentence of 30–40 words
/// (~250). 500 characters is two long sentences. The limit matters because a card shows the
/// tldr whole in place of the abstract it cuts at `summary_length` (280 by default) — cutting a
/// summary mid-sentence would defeat it — on every day, tag and home page listing the paper, and
/// every feed entry carries it: a longer text belongs in the body.
pub(crate) const MAX_CHARS: usize = 500;

/// `text` as a tldr: whitespace runs (line breaks of a multi-line TOML string included)
/// collapsed to one space, ends trimmed. It is one line of plain text wherever it is shown.
pub(crate) fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a tldr cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TldrError {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_CHARS`]; the length in characters.
    TooLong(usize),
}

/// Checks a [`normalized`] tldr.
pub(crate) fn check(text: &str) -> Result<(), TldrError> {
    if text.is_empty() {
        return Err(TldrError::Empty);
    }
    match text.chars().count() {
        n if n > MAX_CHARS => Err(TldrError::TooLong(n)),
        _ => Ok(()),
    }
}

/// A source's summary as a record's tldr: cleaned of the characters no feed or page may hold
/// and [`normalized`]; `None` when it is empty or too long (the importer then keeps it under
/// `[extra]`, so nothing is lost and the record still builds).
pub(crate) fn from_source(text: &str) -> Option<String> {
    let text = normalized(&crate::text_clean::cleaned(text));
    check(&text).is_ok().then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_collapsed_and_limits_hold() {
        assert_eq!(
            normalized("  Two\n  lines\tof text. "),
            "Two lines of text."
        );
        assert_eq!(check(""), Err(TldrError::Empty));
        assert_eq!(check(&"é".repeat(MAX_CHARS)), Ok(()));
        assert_eq!(
            check(&"é".repeat(MAX_CHARS + 1)),
            Err(TldrError::TooLong(MAX_CHARS + 1))
        );
    }

    #[test]
    fn a_source_s_summary_is_cleaned_or_refused() {
        assert_eq!(
            from_source(" A\u{c}page\n break. ").as_deref(),
            Some("A page break.")
        );
        assert_eq!(from_source(" \n "), None);
        assert_eq!(from_source(&"word ".repeat(200)), None);
    }
}
