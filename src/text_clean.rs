//! Characters no XML 1.0 document or HTML page may hold — the C0 controls other than tab, line
//! feed and carriage return, DEL and the C1 controls, and Unicode noncharacters such as U+FFFE —
//! and what is published instead. No escape makes them valid in XML (`&#12;` is as ill-formed
//! as a raw form feed), so one form feed in an abstract copied from a PDF would make every feed
//! listing the paper unreadable.
//!
//! Input is cleaned once, right after parsing (records, `site.toml`, imported listings, the
//! character references Markdown decodes); the XML writers clean again as a defence. Records
//! that had such characters get a warning naming where ([`toml_findings`], [`warning`]).
//! [`escape_markup`] is the one escaper of text for XML and HTML. This module maps text only:
//! it reads and writes no files.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

use crate::diagnostic::{Location, Problem};

/// Whether `c` may not appear in XML 1.0 (C0 controls but tab, LF and CR; U+FFFE, U+FFFF) or
/// in HTML (also DEL, the C1 controls U+0080–U+009F and every noncharacter: the W3C checker
/// reports them as "forbidden code point").
pub(crate) fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fdd0}'..='\u{fdef}')
        || (c as u32) & 0xfffe == 0xfffe
}

/// Windows-1252's characters for the bytes 0x80–0x9F, U+FFFD where it has none: the HTML
/// standard's table for `&#x80;`–`&#x9F;`. C1 controls in text are nearly always Windows-1252
/// quotes and dashes read as Latin-1, so this gives back what the author wrote.
const WINDOWS_1252: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž',
    '\u{fffd}', '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}',
    'ž', 'Ÿ',
];

/// What is published instead of a forbidden character: a space for the ones that separate
/// (vertical tab, form feed — a page break in text copied from a PDF — and the information
/// separators U+001C–U+001F), the Windows-1252 character for a C1 control, U+FFFD (�, as Go's
/// `encoding/xml` writes them) for the rest, so that nothing disappears unseen.
pub(crate) fn replacement(c: char) -> char {
    match c {
        '\u{b}' | '\u{c}' | '\u{1c}'..='\u{1f}' => ' ',
        '\u{80}'..='\u{9f}' => WINDOWS_1252[c as usize - 0x80],
        _ => '\u{fffd}',
    }
}

/// Whether `text` holds a forbidden character. Exact, and fast on clean text: it looks at bytes
/// (the lead bytes it tests for never occur inside another character's encoding), a block at a
/// time with a test the compiler vectorizes, and decodes only blocks that may hold one.
pub(crate) fn has_forbidden(text: &str) -> bool {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    bytes.chunks(BLOCK).enumerate().any(|(n, block)| {
        let suspect = block.iter().fold(false, |suspect, &b| {
            let control = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
            suspect | control | (b == 0x7f) | (b == 0xc2) | (b >= 0xef)
        });
        suspect && (n * BLOCK..n * BLOCK + block.len()).any(|i| forbidden_at(bytes, i))
    })
}

/// Whether the character starting at byte `i` of valid UTF-8 `bytes` (or a byte inside one,
/// which is never a lead byte tested here) is forbidden.
fn forbidden_at(bytes: &[u8], i: usize) -> bool {
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    match bytes[i] {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        // U+0080–U+009F
        0xc2 => at(i + 1) < 0xa0,
        // U+FDD0–U+FDEF, U+FFFE, U+FFFF
        0xef => {
            (at(i + 1) == 0xb7 && (0x90..=0xaf).contains(&at(i + 2)))
                || (at(i + 1) == 0xbf && at(i + 2) >= 0xbe)
        }
        // U+1FFFE, U+1FFFF, … U+10FFFF
        0xf0..=0xf4 => at(i + 1) & 0x0f == 0x0f && at(i + 2) == 0xbf && at(i + 3) >= 0xbe,
        _ => false,
    }
}

/// `text` with every forbidden character replaced ([`replacement`]); borrowed when clean.
pub(crate) fn cleaned(text: &str) -> Cow<'_, str> {
    if !has_forbidden(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_forbidden(c) { replacement(c) } else { c })
            .collect(),
    )
}

/// Escapes `&`, `<`, `>`, `"` and `'` for XML or HTML character data and quoted attribute
/// values, the apostrophe spelled `apostrophe` (`&apos;` in XML files, `&#39;` in pages, as
/// they always have been, so output stays byte-identical). Forbidden characters are not
/// touched: XML writers pass [`cleaned`] text.
///
/// Not quick-xml's `escape`: it also writes `\r` as `&#13;` and spells the apostrophe one way
/// only, which would change the bytes of pages whose code or math holds either.
pub(crate) fn escape_markup(text: &str, apostrophe: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, c) in text.match_indices(['&', '<', '>', '"', '\'']) {
        out.push_str(&text[from..at]);
        out.push_str(match c {
            "&" => "&amp;",
            "<" => "&lt;",
            ">" => "&gt;",
            "\"" => "&quot;",
            _ => apostrophe,
        });
        from = at + 1;
    }
    out.push_str(&text[from..]);
    out
}

/// `text` (Markdown or HTML as written) with each numeric character reference to a forbidden
/// character (`&#0;`, `&#x1F;`) replaced by what [`replacement`] publishes for it, so text
/// passed on as written (a record's Markdown in the JSON API) names no character a reader
/// must refuse; borrowed when there is none.
pub(crate) fn cleaned_references(text: &str) -> Cow<'_, str> {
    if !text.contains("&#") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let (digits, radix, skip) = match after.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (after, 10, 2),
        };
        let end = digits.find(';');
        let forbidden = end
            .and_then(|end| u32::from_str_radix(&digits[..end], radix).ok())
            .and_then(char::from_u32)
            .filter(|&c| is_forbidden(c));
        match (forbidden, end) {
            (Some(c), Some(end)) => {
                out.push(replacement(c));
                rest = &rest[at + skip + end + 1..];
                changed = true;
            }
            _ => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` on one line: line breaks and other control characters become spaces, runs of
/// spaces one, none at the ends. For headers and subjects, which a line break would split.
pub(crate) fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Replaces every forbidden character of `text` in place; whether there was any.
pub(crate) fn clean(text: &mut String) -> bool {
    if let Cow::Owned(new) = cleaned(text) {
        *text = new;
        true
    } else {
        false
    }
}

/// [`clean`] on each string; whether any changed.
pub(crate) fn clean_all<'a>(texts: impl IntoIterator<Item = &'a mut String>) -> bool {
    texts
        .into_iter()
        .fold(false, |changed, text| clean(text) | changed)
}

/// [`clean`] on every string and key of a TOML table, at any depth; whether any changed.
pub(crate) fn clean_table(table: &mut toml::Table) -> bool {
    let mut changed = false;
    if table.keys().any(|k| has_forbidden(k)) {
        *table = std::mem::take(table)
            .into_iter()
            .map(|(k, v)| (cleaned(&k).into_owned(), v))
            .collect();
        changed = true;
    }
    table
        .iter_mut()
        .fold(changed, |changed, (_, value)| clean_value(value) | changed)
}

fn clean_value(value: &mut toml::Value) -> bool {
    match value {
        toml::Value::String(s) => clean(s),
        toml::Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, v| clean_value(v) | changed),
        toml::Value::Table(table) => clean_table(table),
        _ => false,
    }
}

/// A forbidden character found in a user's file, for a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// Byte offset in the file: the character, or the escape (`\f`, `\u0001`) that wrote it.
    pub offset: usize,
    /// What holds it, as shown in messages: a TOML key path in backticks (`` `links.code` ``)
    /// or words ("the body").
    pub place: String,
    /// The character.
    pub found: char,
}

/// Every string and key of the TOML document `toml` that holds a forbidden character (written
/// raw, where TOML allows it, or as an escape), with `shift` added to the offsets. Top-level
/// keys in `skip` are left out (values checked elsewhere). Empty if `toml` does not parse.
pub(crate) fn toml_findings(toml: &str, shift: usize, skip: &[&str]) -> Vec<Finding> {
    let Ok(document) = toml::de::DeTable::parse(toml) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, value) in document.get_ref() {
        if !skip.contains(&key.get_ref().as_ref()) {
            walk_toml(toml, key, value, "", &mut found);
        }
    }
    for finding in &mut found {
        finding.offset += shift;
    }
    found.sort_by_key(|f| f.offset);
    found
}

fn walk_toml(
    toml: &str,
    key: &toml::Spanned<toml::de::DeString>,
    value: &toml::Spanned<toml::de::DeValue>,
    parent: &str,
    found: &mut Vec<Finding>,
) {
    let name = cleaned(key.get_ref());
    let place = if parent.is_empty() {
        name.into_owned()
    } else {
        format!("{parent}.{name}")
    };
    if has_forbidden(key.get_ref()) {
        found.push(in_literal(toml, key.span(), &format!("the key `{place}`")));
    }
    walk_value(toml, value, &place, found);
}

fn walk_value(
    toml: &str,
    value: &toml::Spanned<toml::de::DeValue>,
    place: &str,
    found: &mut Vec<Finding>,
) {
    match value.get_ref() {
        toml::de::DeValue::String(s) if has_forbidden(s) => {
            found.push(in_literal(toml, value.span(), &format!("`{place}`")));
        }
        toml::de::DeValue::Array(items) => {
            for item in items {
                walk_value(toml, item, place, found);
            }
        }
        toml::de::DeValue::Table(table) => {
            for (key, value) in table {
                walk_toml(toml, key, value, place, found);
            }
        }
        _ => {}
    }
}

/// The first forbidden character of the TOML string or key literal at `span`: where its
/// escape (or the raw character) is in the file.
fn in_literal(toml: &str, span: Range<usize>, place: &str) -> Finding {
    let raw = toml.get(span.clone()).unwrap_or_default();
    let escapes = raw.starts_with('"');
    let mut chars = raw.char_indices();
    let mut first = None;
    while let Some((i, c)) = chars.next() {
        let meant = if escapes && c == '\\' {
            let rest = &raw[i + 1..];
            let hex = |len: usize| {
                rest.get(1..1 + len)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
            };
            let meant = match rest.chars().next() {
                Some('b') => Some('\u{8}'),
                Some('f') => Some('\u{c}'),
                Some('e') => Some('\u{1b}'),
                Some('x') => hex(2),
                Some('u') => hex(4),
                Some('U') => hex(8),
                _ => None,
            };
            // Skips the escaped character, so that `\\f` is a backslash and an `f`.
            chars.next();
            meant
        } else {
            Some(c)
        };
        if let Some(meant) = meant.filter(|&m| is_forbidden(m)) {
            first = Some((i, meant));
            break;
        }
    }
    let (at, found) = first.unwrap_or((0, '\u{fffd}'));
    Finding {
        offset: span.start + at,
        place: place.to_string(),
        found,
    }
}

/// The first forbidden character written raw in `text[range]` (a record's body), if any.
pub(crate) fn text_finding(text: &str, range: Range<usize>, place: &str) -> Option<Finding> {
    let part = text.get(range.clone())?;
    if !has_forbidden(part) {
        return None;
    }
    let (at, found) = part.char_indices().find(|&(_, c)| is_forbidden(c))?;
    Some(Finding {
        offset: range.start + at,
        place: place.to_string(),
        found,
    })
}

/// A character's code point and, for the usual ones, its name: `U+000C (form feed)`.
pub(crate) fn describe(c: char) -> String {
    let name = match c {
        '\0' => " (null)",
        '\u{7}' => " (bell)",
        '\u{8}' => " (backspace)",
        '\u{b}' => " (vertical tab)",
        '\u{c}' => " (form feed)",
        '\u{1b}' => " (escape)",
        '\u{7f}' => " (delete)",
        '\u{80}'..='\u{9f}' => " (a C1 control)",
        '\u{0}'..='\u{1f}' => " (a control character)",
        _ => " (a noncharacter)",
    };
    format!("U+{:04X}{name}", c as u32)
}

/// What a reader sees instead of `c`, for messages.
fn describe_replacement(c: char) -> String {
    match replacement(c) {
        ' ' => "a space".to_string(),
        '\u{fffd}' => "U+FFFD (�)".to_string(),
        r => format!("`{r}` (its Windows-1252 reading)"),
    }
}

/// One warning for a file's findings (the first, with the others as notes), or `None` when
/// there are none. `source` is the file's whole text.
pub(crate) fn warning(path: &str, source: &Arc<str>, findings: &[Finding]) -> Option<Problem> {
    let (first, rest) = findings.split_first()?;
    let location = Location {
        path: path.to_string(),
        source: shown_safely(source),
        span: first.offset..first.offset + 1,
    };
    let mut problem = Problem::at(
        location,
        format!(
            "{} holds {}, which XML feeds and HTML pages may not contain; it is published as {}",
            first.place,
            describe(first.found),
            describe_replacement(first.found)
        ),
    )
    .with_hint("delete it or type the character meant (text copied from a PDF often carries page breaks as form feeds)");
    const SHOWN: usize = 5;
    for other in rest.iter().take(SHOWN) {
        let (line, column) = crate::diagnostic::line_col(source, other.offset);
        problem = problem.with_note(format!(
            "also {} in {} at {path}:{line}:{column}",
            describe(other.found),
            other.place
        ));
    }
    if rest.len() > SHOWN {
        problem = problem.with_note(format!("and {} more", rest.len() - SHOWN));
    }
    Some(problem)
}

/// `source` with each forbidden character replaced by a visible one of the same length in
/// UTF-8, so that the snippet shown on a terminal has no control characters (an escape could
/// drive the terminal) while byte offsets, lines and columns stay right.
fn shown_safely(source: &Arc<str>) -> Arc<str> {
    if !has_forbidden(source) {
        return source.clone();
    }
    let shown: String = source
        .chars()
        .map(|c| match (is_forbidden(c), c.len_utf8()) {
            (false, _) => c,
            (true, 1) => '?',
            (true, 2) => '¿',
            (true, 3) => '\u{fffd}',
            (true, _) => '\u{10fffd}',
        })
        .collect();
    Arc::from(shown)
}

/// Formats `problem` as a warning for a terminal: `warning: …`, `path:line:col`, snippet, notes.
/// The build goes on; only the severity differs from [`Problem::render`].
pub(crate) fn render_warning(problem: &Problem) -> String {
    let Some(location) = &problem.location else {
        return problem.render().replacen("error", "warning", 1);
    };
    let mut notes: Vec<String> = problem.hint.iter().map(|h| format!("help: {h}")).collect();
    notes.extend(problem.notes.iter().cloned());
    let file = SimpleFile::new(location.path.as_str(), location.source.as_ref());
    let mut span = location.span.clone();
    span.end = span.end.min(location.source.len());
    while !location.source.is_char_boundary(span.end) {
        span.end += 1;
    }
    let diagnostic = Diagnostic::warning()
        .with_message(&problem.message)
        .with_labels(vec![Label::primary((), span)])
        .with_notes(notes);
    term::emit_into_string(&term::Config::default(), &file, &diagnostic).unwrap_or_else(|_| {
        let (line, column) = location.line_col();
        format!(
            "warning: {}\n  --> {}:{line}:{column}\n",
            problem.message, location.path
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_line_cannot_hold_a_line_break() {
        assert_eq!(one_line("A\r\nBcc: x@y.org\u{85}z  "), "A Bcc: x@y.org z");
    }

    #[test]
    fn references_to_forbidden_characters_are_replaced() {
        assert_eq!(
            cleaned_references("a&#0;b&#x1F;c&#65;d&#xC;e&#;f&#12"),
            "a\u{fffd}b c&#65;d e&#;f&#12"
        );
        assert!(matches!(cleaned_references("x &#38; y"), Cow::Borrowed(_)));
    }

    use super::*;

    #[test]
    fn forbidden_set_matches_xml_and_html() {
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            'a',
            '\u{a0}',
            '\u{fffd}',
            '\u{10fffd}',
            '\u{2028}',
        ] {
            assert!(!is_forbidden(c), "{c:?}");
        }
        for c in [
            '\0', '\u{1}', '\u{b}', '\u{c}', '\u{1f}', '\u{7f}', '\u{85}', '\u{9f}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in [
            '\u{fdd0}',
            '\u{fdef}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
    }

    #[test]
    fn byte_scan_agrees_with_the_char_test_on_every_code_point() {
        let mut text = String::new();
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            // Alone (the scan must not read past the end) and followed by a letter.
            text.clear();
            text.push(c);
            assert_eq!(has_forbidden(&text), is_forbidden(c), "{c:?}");
            text.push('y');
            assert_eq!(has_forbidden(&text), is_forbidden(c), "{c:?}");
        }
        // Across the end of the scan's first block, for the code points near the edges.
        let edges = (0..0x100).chain(0xfdc0..0xfe00).chain(0xfff0..=0x10ffff);
        for c in edges.filter(|cp| cp & 0xfff0 == 0xfff0 || *cp < 0xfe00) {
            let c = char::from_u32(c).unwrap();
            let text = format!("{}{c}y", "x".repeat(63));
            assert_eq!(has_forbidden(&text), is_forbidden(c), "{c:?} at 63");
        }
    }

    #[test]
    fn replacements_keep_words_apart_and_nothing_disappears() {
        assert_eq!(cleaned("page\u{c}break"), "page break");
        assert_eq!(
            cleaned("a\u{1}b\u{fffe}c\u{7f}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}"
        );
        assert_eq!(cleaned("\u{93}quoted\u{94} \u{96} x"), "“quoted” – x");
        assert!(matches!(cleaned("clean — text"), Cow::Borrowed(_)));
        let mut table: toml::Table =
            toml::from_str("\"k\\u0001\" = [\"v\\f\", { x = \"\\b\" }]\nn = 1").unwrap();
        assert!(clean_table(&mut table));
        assert_eq!(
            toml::Value::Table(table).to_string(),
            toml::from_str::<toml::Table>("\"k\u{fffd}\" = [\"v \", { x = \"\u{fffd}\" }]\nn = 1")
                .map(|t| toml::Value::Table(t).to_string())
                .unwrap()
        );
    }

    #[test]
    fn findings_point_at_the_escape_in_the_file() {
        let toml =
            "a = \"x\\\\f \\f\"\n[t]\n\"k\\u0007\" = 'raw \u{fffe}'\nl = [\"ok\", \"\\u000b\"]\n";
        let found = toml_findings(toml, 100, &[]);
        let at = |needle: &str, nth: usize| 100 + toml.match_indices(needle).nth(nth).unwrap().0;
        assert_eq!(
            found,
            [
                Finding {
                    offset: at("\\f", 1),
                    place: "`a`".into(),
                    found: '\u{c}'
                },
                Finding {
                    offset: at("\\u0007", 0),
                    place: "the key `t.k\u{fffd}`".into(),
                    found: '\u{7}'
                },
                Finding {
                    offset: at("\u{fffe}", 0),
                    place: "`t.k\u{fffd}`".into(),
                    found: '\u{fffe}'
                },
                Finding {
                    offset: at("\\u000b", 0),
                    place: "`t.l`".into(),
                    found: '\u{b}'
                },
            ]
        );
        assert!(toml_findings("a = \"\\f\"", 0, &["a"]).is_empty());
    }

    #[test]
    fn warning_names_file_line_column_and_the_others() {
        let source: Arc<str> = Arc::from("+++\ntitle = \"a\\fb\"\n+++\nbody\u{1}\n");
        let findings = [
            Finding {
                offset: 14,
                place: "`title`".into(),
                found: '\u{c}',
            },
            Finding {
                offset: 27,
                place: "the body".into(),
                found: '\u{1}',
            },
        ];
        let text = render_warning(&warning("content/p.md", &source, &findings).unwrap());
        assert!(text.starts_with("warning"), "{text}");
        assert!(text.contains("content/p.md:2:11"), "{text}");
        assert!(
            text.contains("U+000C (form feed)") && text.contains("a space"),
            "{text}"
        );
        assert!(
            text.contains("U+0001 (a control character) in the body at content/p.md:4:5"),
            "{text}"
        );
        assert!(warning("x", &source, &[]).is_none());
    }
}
