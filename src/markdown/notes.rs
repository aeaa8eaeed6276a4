//! Where a paper body's notes start: the convention that splits a record's body into the
//! abstract and the notes below it. Finds the marker in the parsed events; rendering is the
//! caller's.
//!
//! The notes start at the first top-level line `<!-- notes -->` or level-2 heading named
//! `Notes` (`## Notes` or its setext form; letter case and surrounding spaces do not matter).
//! The marker itself is not shown: the page gives the notes their own heading. Markers inside
//! a list, a quote or a code block are text like any other.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

/// The events of the first notes marker in `events` (a whole top-level HTML block or level-2
/// heading), or `None` when the body is all abstract.
pub(super) fn marker(events: &[Event]) -> Option<Range<usize>> {
    let mut depth = 0usize;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let end = match tag {
                        Tag::HtmlBlock => {
                            block_end(events, i, |e| matches!(e, Event::End(TagEnd::HtmlBlock)))
                                .filter(|&end| is_comment_marker(&events[i + 1..end]))
                        }
                        Tag::Heading {
                            level: HeadingLevel::H2,
                            ..
                        } => block_end(events, i, |e| matches!(e, Event::End(TagEnd::Heading(_))))
                            .filter(|&end| is_notes_heading(&events[i + 1..end])),
                        _ => None,
                    };
                    if let Some(end) = end {
                        return Some(i..end + 1);
                    }
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The index of the first event after `start` that `is_end` accepts.
fn block_end(events: &[Event], start: usize, is_end: impl Fn(&Event) -> bool) -> Option<usize> {
    events[start + 1..]
        .iter()
        .position(is_end)
        .map(|p| start + 1 + p)
}

/// An HTML block that is exactly `<!-- notes -->` (any case, any spaces inside the comment).
fn is_comment_marker(inner: &[Event]) -> bool {
    let mut raw = String::new();
    for event in inner {
        match event {
            Event::Html(text) | Event::InlineHtml(text) | Event::Text(text) => raw.push_str(text),
            _ => return false,
        }
    }
    raw.trim()
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .is_some_and(|word| word.trim().eq_ignore_ascii_case("notes"))
}

/// A heading whose text is `Notes` (any case), written without markup.
fn is_notes_heading(inner: &[Event]) -> bool {
    let mut text = String::new();
    for event in inner {
        match event {
            Event::Text(t) => text.push_str(t),
            _ => return false,
        }
    }
    text.trim().eq_ignore_ascii_case("notes")
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Options, Parser};

    use super::*;

    /// The abstract's source (before the marker) and the notes' (after it), by the marker found
    /// in `body`'s events.
    fn split(body: &str) -> Option<(String, String)> {
        let parsed: Vec<(Event, Range<usize>)> = Parser::new_ext(body, Options::ENABLE_MATH)
            .into_offset_iter()
            .collect();
        let events: Vec<Event> = parsed.iter().map(|(e, _)| e.clone()).collect();
        let found = marker(&events)?;
        let start = parsed[found.start].1.start;
        let end = parsed[found.end - 1].1.end;
        Some((
            body[..start].trim().to_string(),
            body[end..].trim().to_string(),
        ))
    }

    #[test]
    fn markers_that_start_notes() {
        for body in [
            "Abstract.\n\n<!-- notes -->\n\nMine.\n",
            "Abstract.\n<!-- notes -->\nMine.\n",
            "Abstract.\n\n<!--Notes-->\n\nMine.\n",
            "Abstract.\n\n  <!--   NOTES   -->  \n\nMine.\n",
            "Abstract.\n\n## Notes\n\nMine.\n",
            "Abstract.\n\n## notes ##\n\nMine.\n",
            "Abstract.\n\n##   NOTES  \n\nMine.\n",
            "Abstract.\n\nNotes\n-----\n\nMine.\n",
            "Abstract.\r\n\r\n## Notes\r\n\r\nMine.\r\n",
        ] {
            assert_eq!(
                split(body),
                Some(("Abstract.".to_string(), "Mine.".to_string())),
                "{body:?}"
            );
        }
    }

    #[test]
    fn what_is_not_a_marker() {
        for body in [
            "Abstract only.\n",
            "",
            "Abstract.\n\n# Notes\n\nA level-1 heading.\n",
            "Abstract.\n\n### Notes\n\nA level-3 heading.\n",
            "Abstract.\n\n## Notes on training\n\nAnother heading.\n",
            "Abstract.\n\n## *Notes*\n\nMarkup in the heading.\n",
            "Abstract.\n\n- ## Notes\n\nIn a list.\n",
            "Abstract.\n\n> ## Notes\n> in a quote.\n",
            "Abstract.\n\n> <!-- notes -->\n",
            "Abstract.\n\n```\n## Notes\n<!-- notes -->\n```\n",
            "Abstract.\n\n    ## Notes (indented code)\n",
            "Abstract.\n\n<!-- notes --> and more on the line\n",
            "Abstract.\n\n<!-- other comment -->\n",
            "Abstract with an inline <!-- notes --> comment.\n",
            "Abstract.\n\n<div>\n<!-- notes -->\n</div>\n",
        ] {
            assert_eq!(split(body), None, "{body:?}");
        }
    }

    #[test]
    fn the_first_marker_starts_the_notes() {
        assert_eq!(
            split("A.\n\n## Notes\n\nOne.\n\n<!-- notes -->\n\n## Notes\n\nTwo.\n"),
            Some((
                "A.".to_string(),
                "One.\n\n<!-- notes -->\n\n## Notes\n\nTwo.".to_string()
            ))
        );
        assert_eq!(
            split("<!-- notes -->\nOnly notes.\n"),
            Some((String::new(), "Only notes.".to_string()))
        );
    }
}
