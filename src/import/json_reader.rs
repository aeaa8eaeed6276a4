//! The reading the JSON importers share (CSL-JSON, Semantic Scholar, Hugging Face, digest's
//! own JSON): parse once, find each entry's position, convert entries one by one.
//!
//! Every importer works in two steps:
//!
//! 1. [`Document::parse`] refuses oversized input ([`check_size`]) and parses the whole text into a
//!    [`serde_json::Value`]; a syntax error becomes `Err` naming serde_json's line and column.
//! 2. The importer picks the list of entries and [`convert_each`] converts them one by one;
//!    an entry that cannot be read becomes an [`EntryProblem`] and the others carry on.
//!
//! ## How entry positions are found
//!
//! `serde_json::Value` keeps no positions, so positions come from a light scan of the raw
//! text, which is known to be valid JSON once step 1 succeeded. The scanner only skips
//! whitespace, strings (honouring `\` escapes) and bracket nesting; it never allocates per
//! byte and never recurses. It yields the byte offset where each element of an array starts
//! ([`array_elements`]) and where the value of an object member starts ([`member_value`];
//! keys are compared by their raw text, and the last duplicate wins, as in serde_json).
//! A problem points at the offending member's value when that member exists (e.g. the
//! malformed `"issued"`), otherwise at the first character of the entry. Byte offsets become
//! a 1-based line and a 1-based column counted in characters ([`LineIndex`]); a leading
//! byte-order mark is not counted. (serde_json's own syntax-error columns count bytes, which
//! only differs on lines with non-ASCII text before the error.)

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::Value;

use super::parsed::{EntryProblem, Parsed, check_size};
use crate::diagnostic::LineIndex;
use crate::import::ImportedPaper;

const BOM: char = '\u{feff}';

/// A parsed input document together with its raw text.
pub(crate) struct Document<'a> {
    pub text: &'a str,
    pub value: Value,
    /// Byte offset of the root value in `text`.
    pub root: usize,
}

/// The entries an importer converts: each value with the byte offset where it starts.
pub(crate) type Entries<'v> = Vec<(&'v Value, usize)>;

impl<'a> Document<'a> {
    /// Refuses inputs over the size limit ([`check_size`]), then parses the text. `what`
    /// names the format in error messages ("Semantic Scholar JSON").
    pub(crate) fn parse(text: &'a str, what: &str) -> Result<Self, String> {
        check_size(text.len() as u64, &format!("the {what} input"))?;
        let body = text.strip_prefix(BOM).unwrap_or(text);
        let value: Value = serde_json::from_str(body).map_err(|e| {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let reason = full.strip_suffix(&suffix).unwrap_or(&full);
            format!(
                "{what}: invalid JSON at line {}, column {}: {reason}",
                e.line(),
                e.column()
            )
        })?;
        let root = skip_ws(text.as_bytes(), text.len() - body.len());
        Ok(Document { text, value, root })
    }

    /// The elements of `items`, which is the array at byte offset `open`.
    pub(crate) fn array_at<'v>(&self, items: &'v [Value], open: usize) -> Entries<'v> {
        let starts = array_elements(self.text, open);
        items
            .iter()
            .enumerate()
            .map(|(i, v)| (v, starts.get(i).copied().unwrap_or(open)))
            .collect()
    }

    /// The elements of the root array `items`.
    pub(crate) fn root_array<'v>(&self, items: &'v [Value]) -> Entries<'v> {
        self.array_at(items, self.root)
    }

    /// The elements of `items`, the array held by member `key` of the root object.
    pub(crate) fn member_array<'v>(&self, key: &str, items: &'v [Value]) -> Entries<'v> {
        let open = member_value(self.text, self.root, key).unwrap_or(self.root);
        self.array_at(items, open)
    }

    /// The root value as the only entry.
    pub(crate) fn single(&self) -> Entries<'_> {
        vec![(&self.value, self.root)]
    }
}

/// Why one entry could not be read: the member path (inside the entry) to point at, and a
/// message saying what is wrong and how to fix it.
pub(crate) struct Bad {
    pub at: &'static [&'static str],
    pub message: String,
}

pub(crate) fn bad(at: &'static [&'static str], message: impl Into<String>) -> Bad {
    Bad {
        at,
        message: message.into(),
    }
}

/// Converts every entry; failures become problems prefixed with the entry number (1-based)
/// and, when `ident` finds one, the entry's identifier.
pub(crate) fn convert_each(
    doc: &Document<'_>,
    entries: Entries<'_>,
    ident: impl Fn(&Value) -> Option<String>,
    convert: impl Fn(&Value) -> Result<ImportedPaper, Bad>,
) -> Parsed {
    let mut parsed = Parsed::default();
    // Built at the first problem: a listing read without one never pays for it, and many
    // problems in a large listing cost a binary search each, not a scan from the start.
    let mut lines = None;
    for (n, (value, start)) in entries.into_iter().enumerate() {
        match convert(value) {
            Ok(paper) => parsed.papers.push(paper),
            Err(Bad { at, message }) => {
                let offset = locate(doc.text, start, at);
                let label = match ident(value) {
                    Some(id) => format!("entry {} ({})", n + 1, snippet_n(&id, 120)),
                    None => format!("entry {}", n + 1),
                };
                let lines = lines.get_or_insert_with(|| LineIndex::new(doc.text));
                parsed.problems.push(EntryProblem::at(
                    lines,
                    offset,
                    format!("{label}: {message}"),
                ));
            }
        }
    }
    parsed
}

// ---------------------------------------------------------------------------------------
// Position scanning (the text is valid JSON, but every step stays bounds-checked anyway).

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[i]` is the opening quote; returns the offset just past the closing quote.
fn skip_string(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// Returns the offset just past the value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'[' | b'{') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        Some(_) => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j
        }
        None => i,
    }
}

/// Start offsets of the elements of the array whose `[` is at `open`.
pub(crate) fn array_elements(text: &str, open: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if b.get(open) != Some(&b'[') {
        return out;
    }
    let mut i = skip_ws(b, open + 1);
    if b.get(i) == Some(&b']') {
        return out;
    }
    while i < b.len() {
        out.push(i);
        i = skip_ws(b, skip_value(b, i));
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            _ => break,
        }
    }
    out
}

/// Start offset of the value of member `key` of the object whose `{` is at `open`.
pub(crate) fn member_value(text: &str, open: usize, key: &str) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(open) != Some(&b'{') {
        return None;
    }
    let mut found = None;
    let mut i = skip_ws(b, open + 1);
    while b.get(i) == Some(&b'"') {
        let end = skip_string(b, i);
        let raw_key = text.get(i + 1..end.saturating_sub(1));
        i = skip_ws(b, end);
        if b.get(i) != Some(&b':') {
            break;
        }
        i = skip_ws(b, i + 1);
        if raw_key == Some(key) {
            found = Some(i);
        }
        i = skip_ws(b, skip_value(b, i));
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            _ => break,
        }
    }
    found
}

/// Follows `path` from the value at `start` as far as the members exist.
pub(crate) fn locate(text: &str, start: usize, path: &[&str]) -> usize {
    let mut at = start;
    for key in path {
        match member_value(text, at, key) {
            Some(next) => at = next,
            None => break,
        }
    }
    at
}

// ---------------------------------------------------------------------------------------
// Value coercion: absent, null and wrong-typed values all read as "not there".

/// "a string", "null", … for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A string value, trimmed, if non-empty.
pub(crate) fn str_of(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A string value with whitespace collapsed, if non-empty.
pub(crate) fn text_of(v: Option<&Value>) -> Option<String> {
    str_of(v).map(collapse).filter(|s| !s.is_empty())
}

/// A non-negative integer that fits in u32 (integral floats and digit strings accepted).
pub(crate) fn u32_of(v: Option<&Value>) -> Option<u32> {
    u64_of(v).and_then(|n| u32::try_from(n).ok())
}

pub(crate) fn u64_of(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An integer (possibly negative; integral floats and digit strings accepted).
pub(crate) fn i64_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

// Whitespace folding is shared with the other importers.
pub(crate) use super::plain_text::{collapse_whitespace as collapse, paragraphs};

/// At most 40 characters of `s`, for quoting user data in messages.
pub(crate) fn snippet(s: &str) -> String {
    snippet_n(s, 40)
}

fn snippet_n(s: &str, limit: usize) -> String {
    let mut out: String = s.chars().take(limit).collect();
    if s.chars().nth(limit).is_some() {
        out.push('…');
    }
    out
}

/// Adds a tag (whitespace collapsed) unless empty, already present (ignoring case) or the
/// list already holds `limit` tags.
pub(crate) fn push_tag(tags: &mut Vec<String>, raw: &str, limit: usize) {
    let tag = collapse(raw);
    if tag.is_empty() || tags.len() >= limit {
        return;
    }
    if !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
        tags.push(tag);
    }
}

/// Inserts `key` → value when the value is present.
pub(crate) fn put(map: &mut BTreeMap<String, String>, key: &str, value: Option<String>) {
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        map.insert(key.to_string(), v);
    }
}

/// The UTC day of an RFC 3339 timestamp ("2025-02-07T01:23:45.000Z"), or a plain date
/// ("2025-02-07"), or the date part of a civil datetime ("2025-02-07T01:23:45").
pub(crate) fn day_of(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    s.get(..10).and_then(|p| p.parse::<Date>().ok())
}

/// An absolute http(s) URL with a host, trimmed, its scheme lowercased: what a record's
/// `links` accept (see [`crate::record::link_url`]), and without spaces.
pub(crate) fn url_of(v: Option<&Value>) -> Option<String> {
    let s = str_of(v)?;
    crate::record::link_url::http_url(s)
        .ok()
        .filter(|s| !s.contains(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::line_col;

    #[test]
    fn scanner_finds_elements_and_members() {
        let text = "\u{feff} [ {\"a\": [1, \"]\\\"\"], \"b\": {\"c\": 2}},\n  null , \"x\" ]";
        let doc = Document::parse(text, "t").unwrap();
        let starts = array_elements(text, doc.root);
        assert_eq!(starts.len(), 3);
        assert_eq!(&text[starts[1]..starts[1] + 4], "null");
        assert_eq!(line_col(text, starts[1]), (2, 3));
        assert_eq!(line_col(text, starts[0]), (1, 4));
        let c = locate(text, starts[0], &["b", "c"]);
        assert_eq!(&text[c..c + 1], "2");
        assert_eq!(locate(text, starts[0], &["zz"]), starts[0]);
    }

    #[test]
    fn days() {
        assert_eq!(
            day_of("2025-02-06T23:30:00-02:00"),
            Some(jiff::civil::date(2025, 2, 7))
        );
        assert_eq!(day_of("2025-02-07"), Some(jiff::civil::date(2025, 2, 7)));
        assert_eq!(
            day_of("2025-02-07T01:23:45"),
            Some(jiff::civil::date(2025, 2, 7))
        );
        assert_eq!(day_of("Feb 7"), None);
    }
}
