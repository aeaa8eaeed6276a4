//! CSL-JSON rich text → plain text.
//!
//! CSL-JSON string fields may hold a fixed set of HTML-like tags (citeproc-js "rich text"):
//! `<i>`, `<b>`, `<sc>`, `<sup>`, `<sub>`, `<span class="nocase">` and
//! `<span style="font-variant:small-caps;">`. Titles, names and venues are plain text in a
//! record, so the tags go and their text stays; `<sup>`/`<sub>` text becomes Unicode super-
//! or subscripts when every character has one (`CO<sub>2</sub>` → `CO₂`), else plain text.
//! Anything else that looks like a tag (`a <b` in prose, `<3`) is text and kept as it is.
//! No recursion: nesting is a stack of the open tags.

use crate::import::plain_text::scripts::{subscript, superscript};

/// A recognised tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    /// `<i>`, `<b>`, `<sc>`, `<span …>`: the markup goes, the text stays.
    Plain(&'static str),
    Sup,
    Sub,
}

/// `text` with CSL rich-text markup converted; see the module documentation.
pub(super) fn plain(text: &str) -> String {
    if !text.contains('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    // Open tags, with where their text starts in `out`.
    let mut open: Vec<(Tag, usize)> = Vec::new();
    // How many of each tag are open: a stray closing tag is then dropped without a search
    // through the whole stack (which would be quadratic on hostile input).
    let mut counts = [0usize; 6];
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        match tag_at(after) {
            Some((len, tag, false)) => {
                counts[slot(tag)] += 1;
                open.push((tag, out.len()));
                rest = &after[len..];
            }
            Some((len, tag, true)) => {
                // Close the innermost matching tag (and any left open inside it).
                let at = if counts[slot(tag)] > 0 {
                    open.iter().rposition(|(t, _)| *t == tag)
                } else {
                    None
                };
                if let Some(at) = at {
                    let (_, start) = open[at];
                    for (closed, _) in open.drain(at..) {
                        counts[slot(closed)] -= 1;
                    }
                    let scripted = match tag {
                        Tag::Sup => superscript(&out[start..]),
                        Tag::Sub => subscript(&out[start..]),
                        Tag::Plain(_) => None,
                    };
                    if let Some(scripted) = scripted {
                        out.truncate(start);
                        out.push_str(&scripted);
                    }
                }
                rest = &after[len..];
            }
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn slot(tag: Tag) -> usize {
    match tag {
        Tag::Plain("i") => 0,
        Tag::Plain("b") => 1,
        Tag::Plain("sc") => 2,
        Tag::Plain(_) => 3,
        Tag::Sup => 4,
        Tag::Sub => 5,
    }
}

/// The recognised tag at the start of `s` (which starts with `<`): its length, what it is,
/// and whether it closes.
fn tag_at(s: &str) -> Option<(usize, Tag, bool)> {
    // A byte search: `>` is ASCII, so its index is a character boundary.
    let end = s.bytes().take(200).position(|b| b == b'>')?;
    let inner = &s[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(name) => (true, name),
        None => (false, inner),
    };
    let name = inner.split(|c: char| c.is_ascii_whitespace()).next()?;
    let has_attributes = name.len() != inner.len();
    let tag = match name {
        "i" => Tag::Plain("i"),
        "b" => Tag::Plain("b"),
        "sc" => Tag::Plain("sc"),
        "sup" => Tag::Sup,
        "sub" => Tag::Sub,
        // `<span class="nocase">`, `<span style="font-variant:small-caps;">`.
        "span" if closing || has_attributes => Tag::Plain("span"),
        _ => return None,
    };
    if has_attributes && (closing || tag != Tag::Plain("span")) {
        return None;
    }
    Some((end + 1, tag, closing))
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn tags_go_text_stays_scripts_in_unicode() {
        for (rich, text) in [
            ("<i>E. coli</i> in <b>vivo</b>", "E. coli in vivo"),
            ("CO<sub>2</sub> at 10<sup>-3</sup> K", "CO₂ at 10⁻³ K"),
            ("the 19<sup>th</sup> century", "the 19th century"),
            (
                "<sc>Bert</sc> on <span class=\"nocase\">iPhone</span>",
                "Bert on iPhone",
            ),
            (
                "<span style=\"font-variant:small-caps;\">Lisp</span>",
                "Lisp",
            ),
            ("x<sup>2<i>n</i></sup>", "x²ⁿ"),
            // Not markup: kept as written.
            ("a <b and c> d", "a <b and c> d"),
            (
                "a < b, <3, <script>x</script>",
                "a < b, <3, <script>x</script>",
            ),
            ("<i>unclosed and </b> stray", "unclosed and  stray"),
            // A tag-like run of multi-byte letters longer than the tag limit.
            (
                &format!("<{}", "é".repeat(150)),
                &format!("<{}", "é".repeat(150)),
            ),
        ] {
            assert_eq!(plain(rich), text, "{rich}");
        }
        let deep = format!("{}x{}", "<i>".repeat(100_000), "</i>".repeat(100_000));
        assert_eq!(plain(&deep), "x");
    }

    const PIECES: &[&str] = &[
        "<i>",
        "</i>",
        "<b>",
        "</b>",
        "<sup>",
        "</sup>",
        "<sub>",
        "</sub>",
        "<sc>",
        "<span class=\"nocase\">",
        "</span>",
        "é",
        "2",
        "x",
        " ",
        "<",
        "<b",
        ">",
    ];

    proptest::proptest! {
        #![proptest_config(crate::record::mutations::config(3000))]
        #[test]
        fn random_mixes_keep_every_letter_and_never_panic(
            text in crate::record::mutations::texts_of(PIECES, 16)
        ) {
            let out = plain(&text);
            // Every `é` survives (it has no script form), whatever the tags around it.
            assert_eq!(
                out.matches('é').count(),
                text.matches('é').count(),
                "{text:?}"
            );
        }
    }
}
