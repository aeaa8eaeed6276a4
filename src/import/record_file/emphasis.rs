//! Emphasis in an imported abstract, written as Markdown emphasis in the record's body.
//!
//! An importer that meets emphasis in an abstract (CSL-JSON `<i>`/`<b>`, BibTeX `\emph`,
//! `\textbf`) wraps the text in the marks below, then calls [`abstract_with_emphasis`]: it
//! gets the plain text (marks removed) for [`ImportedPaper::abstract_text`] and, when the
//! emphasis can be written, the Markdown body with `*…*`/`**…**`. The Markdown is parsed back
//! and kept only when it reads as the same text with just the emphasis added; otherwise the
//! body is made from the plain text as usual (the emphasis is lost, never the text).
//!
//! The marks are private-use characters, which importers remove from their input first
//! ([`strip_marks`]), so a listing cannot forge them.
//!
//! [`ImportedPaper::abstract_text`]: crate::import::ImportedPaper::abstract_text

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Opens emphasis (italics).
pub(crate) const EM_OPEN: char = '\u{E000}';
/// Closes emphasis.
pub(crate) const EM_CLOSE: char = '\u{E001}';
/// Opens strong emphasis (bold).
pub(crate) const STRONG_OPEN: char = '\u{E002}';
/// Closes strong emphasis.
pub(crate) const STRONG_CLOSE: char = '\u{E003}';

const MARKS: [char; 4] = [EM_OPEN, EM_CLOSE, STRONG_OPEN, STRONG_CLOSE];

/// `text` without the emphasis marks.
pub(crate) fn strip_marks(text: &str) -> String {
    text.replace(MARKS, "")
}

/// The plain text of a marked abstract and, when it holds emphasis that Markdown can carry,
/// its Markdown body.
pub(crate) fn abstract_with_emphasis(marked: &str) -> (String, Option<String>) {
    let plain = strip_marks(marked);
    let tidy = tidy_marks(marked);
    let pairs = tidy.matches([EM_OPEN, STRONG_OPEN]).count();
    if pairs == 0 {
        return (plain, None);
    }
    let markdown = super::markdown_body(&tidy)
        .replace([EM_OPEN, EM_CLOSE], "*")
        .replace([STRONG_OPEN, STRONG_CLOSE], "**");
    let (text, emphases) = read_back(&markdown);
    let (expected, _) = read_back(&super::markdown_body(&plain));
    (
        plain,
        (text == expected && emphases == pairs).then_some(markdown),
    )
}

/// Pairs the marks (an unmatched one, or one of a kind already open, is dropped), moves
/// spaces at the inner edges of a pair outside it and drops pairs around nothing, so each
/// pair left can be Markdown emphasis.
fn tidy_marks(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len());
    // Kind (open mark) of each open pair, where its text starts in `out`, and how many
    // marks of its kind were opened again inside it (those are dropped with their closes).
    // At most one pair per kind is open, so this holds two entries at most.
    let mut open: Vec<(char, usize, usize)> = Vec::new();
    for c in marked.chars() {
        match c {
            EM_OPEN | STRONG_OPEN => match open.iter_mut().find(|(kind, ..)| *kind == c) {
                Some((_, _, again)) => *again += 1,
                None => open.push((c, out.len(), 0)),
            },
            EM_CLOSE | STRONG_CLOSE => {
                let kind = if c == EM_CLOSE { EM_OPEN } else { STRONG_OPEN };
                match open.iter().position(|(k, ..)| *k == kind) {
                    Some(at) if open[at].2 > 0 => open[at].2 -= 1,
                    // Only the innermost pair closes; an interleaved close is dropped.
                    Some(at) if at + 1 == open.len() => {
                        let (_, start, _) = open.pop().expect("checked");
                        let inner = out[start..].to_string();
                        out.truncate(start);
                        let core = inner.trim();
                        if core.is_empty() {
                            out.push_str(&inner);
                        } else {
                            let lead = &inner[..inner.len() - inner.trim_start().len()];
                            let trail = &inner[inner.trim_end().len()..];
                            out.push_str(lead);
                            out.push(kind);
                            out.push_str(core);
                            out.push(c);
                            out.push_str(trail);
                        }
                    }
                    _ => {}
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The text a Markdown body reads as (text, code and math sources, breaks as spaces) and
/// how many emphasis and strong spans it holds.
fn read_back(markdown: &str) -> (String, usize) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_MATH;
    let mut text = String::new();
    let mut emphases = 0;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                text.push_str(&t)
            }
            Event::Html(t) | Event::InlineHtml(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::Emphasis | Tag::Strong) => emphases += 1,
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => {}
            Event::End(_) => text.push('\n'),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (text, emphases)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &str) -> String {
        s.replace("<i>", &EM_OPEN.to_string())
            .replace("</i>", &EM_CLOSE.to_string())
            .replace("<b>", &STRONG_OPEN.to_string())
            .replace("</b>", &STRONG_CLOSE.to_string())
    }

    #[test]
    fn emphasis_becomes_markdown_when_it_reads_back_the_same() {
        for (input, plain, markdown) in [
            (
                "We study <i>E. coli</i> and <b>bold *claims*</b> at $x_1$.",
                "We study E. coli and bold *claims* at $x_1$.",
                Some(r"We study *E. coli* and **bold \*claims\*** at $x_1$."),
            ),
            (
                "A <i>spaced </i>word",
                "A spaced word",
                Some("A *spaced* word"),
            ),
            ("<i>unclosed and <b></b> empty", "unclosed and  empty", None),
            (
                "Nested <i>a <i>b</i> c</i>.",
                "Nested a b c.",
                Some("Nested *a b c*."),
            ),
            // `*` after a letter and before punctuation cannot open emphasis: plain text.
            ("x<i>\"q\"</i>y", "x\"q\"y", None),
        ] {
            let (p, md) = abstract_with_emphasis(&marked(input));
            assert_eq!(p, plain, "{input}");
            assert_eq!(md.as_deref(), markdown, "{input}");
        }
    }
}
