//! Importer for CSL-JSON (as exported by Zotero, "Export Library… → CSL JSON").
//!
//! Accepted shapes: the usual array of items, or a single item object. Unknown fields are
//! ignored.
//!
//! Mapping per item:
//! - `title`: `title`, whitespace collapsed (required);
//! - `date`: `issued`, from `date-parts` (first date of a range; parts may be numbers or
//!   digit strings; a missing month or day counts as 1), or from `raw`/`literal`
//!   ("2024-06-29", "2024-06", "2024", "2024/6/29"), or a plain string. An item with no
//!   `issued` (absent, `null`, `{}`, `[[]]`: web pages, datasets, posts) takes `submitted`,
//!   else `accessed`, else the `--date` of the import; without any it is a problem, and so
//!   is an `issued` that is there but not a date. `published` is always `None`;
//! - rich text (`<i>`, `<b>`, `<sc>`, `<sup>`, `<sub>`, `<span …>`) in titles, names and
//!   the venue becomes plain text, super- and subscripts in Unicode where it has them (see
//!   [`rich_text`]);
//! - `authors`: `author[]` as `literal`, or "given [dropping-particle] [non-dropping-particle]
//!   family \[suffix\]"; `author_count` is the length of `author` when it is an array;
//! - `doi`: `DOI`, bare (doi.org prefixes stripped);
//! - `arxiv`: `number` when `publisher` or `container-title` says arXiv, else the id in an
//!   arxiv.org/abs|pdf `URL`, else the id in an arXiv DOI (10.48550/arXiv.…);
//! - `links`: `url` = `URL`;
//! - `tags`: `keyword` split on "," and ";" (also accepted: an array of strings), trimmed,
//!   deduplicated ignoring case;
//! - `abstract_text`: `abstract`; JATS/HTML tags as found in Crossref-derived abstracts are
//!   removed (block tags become paragraph breaks, basic entities decoded);
//! - `extra`: `venue` = `container-title` (else `event-title`), `type` = `type`.

mod rich_text;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::Value;

use super::ImportedPaper;
use super::ids;
use super::json_reader::{self as js, Bad, Document, bad};
use super::parsed::Parsed;
use super::plain_text::scripts::{subscript, superscript};
use super::record_file::emphasis::{
    EM_CLOSE, EM_OPEN, STRONG_CLOSE, STRONG_OPEN, abstract_with_emphasis, strip_marks,
};

/// Reads a CSL-JSON document. `Err` only for input that is too large, is not JSON, or is
/// neither an array nor an object; bad items become problems.
pub fn parse(input: &str) -> Result<Parsed, String> {
    parse_dated(input, None)
}

/// [`parse`], with the date for items that have none of their own (`digest import --date`).
pub fn parse_dated(input: &str, default_date: Option<Date>) -> Result<Parsed, String> {
    const WHAT: &str = "CSL-JSON";
    let doc = Document::parse(input, WHAT)?;
    let entries = match &doc.value {
        Value::Array(items) => doc.root_array(items),
        Value::Object(_) => doc.single(),
        other => {
            return Err(format!(
                "{WHAT}: expected an array of items (Zotero: Export → CSL JSON), found {}",
                js::kind(other)
            ));
        }
    };
    Ok(js::convert_each(&doc, entries, ident, |item| {
        convert(item, default_date)
    }))
}

fn ident(item: &Value) -> Option<String> {
    match item.get("id")? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A plain-text field: rich-text markup converted, whitespace collapsed, `None` when empty.
fn plain_of(v: Option<&Value>) -> Option<String> {
    js::str_of(v)
        .map(|s| crate::import::plain_text::collapse_whitespace(&rich_text::plain(s)))
        .filter(|s| !s.is_empty())
}

fn convert(item: &Value, default_date: Option<Date>) -> Result<ImportedPaper, Bad> {
    if !item.is_object() {
        return Err(bad(
            &[],
            format!("expected a CSL item object, found {}", js::kind(item)),
        ));
    }
    let title = plain_of(item.get("title")).ok_or_else(|| {
        bad(
            &["title"],
            "missing title: \"title\" is absent, empty or not a string",
        )
    })?;
    let date = item_date(item, default_date)?;

    let author_list = item.get("author").and_then(Value::as_array);
    let authors: Vec<String> = author_list
        .map(|list| list.iter().filter_map(author_name).collect())
        .unwrap_or_default();
    let author_count = author_list.and_then(|l| u32::try_from(l.len()).ok());

    let doi = js::str_of(item.get("DOI")).and_then(ids::doi);
    let url = js::url_of(item.get("URL"));
    let says_arxiv = |key: &str| {
        js::str_of(item.get(key)).is_some_and(|s| s.to_ascii_lowercase().contains("arxiv"))
    };
    let from_number = (says_arxiv("publisher") || says_arxiv("container-title"))
        .then(|| js::str_of(item.get("number")).and_then(ids::arxiv))
        .flatten();
    let from_url = url
        .as_deref()
        .filter(|u| {
            let u = u.to_ascii_lowercase();
            u.contains("arxiv.org/abs/") || u.contains("arxiv.org/pdf/")
        })
        .and_then(ids::arxiv);
    let arxiv = from_number
        .or(from_url)
        .or_else(|| doi.as_deref().and_then(ids::arxiv_from_doi));

    let mut links = BTreeMap::new();
    js::put(&mut links, "url", url);

    let mut tags = Vec::new();
    match item.get("keyword") {
        Some(Value::String(s)) => {
            for k in s.split([',', ';']) {
                js::push_tag(&mut tags, k, usize::MAX);
            }
        }
        Some(Value::Array(list)) => {
            for k in list.iter().filter_map(Value::as_str) {
                js::push_tag(&mut tags, k, usize::MAX);
            }
        }
        _ => {}
    }

    let mut extra = BTreeMap::new();
    js::put(
        &mut extra,
        "venue",
        plain_of(item.get("container-title")).or_else(|| plain_of(item.get("event-title"))),
    );
    js::put(&mut extra, "type", js::text_of(item.get("type")));

    let marked = js::str_of(item.get("abstract"))
        .map(|a| js::paragraphs(&strip_markup(a)))
        .unwrap_or_default();
    let (abstract_text, body_markdown) = abstract_with_emphasis(&marked);
    Ok(ImportedPaper {
        title,
        date,
        published: None,
        authors,
        author_count,
        upvotes: None,
        arxiv,
        doi,
        tags,
        links,
        abstract_text,
        body_markdown,
        extra,
        ..Default::default()
    })
}

/// An author as the record format writes it (see crate::record::author): a `literal` name is
/// an organisation or a name not to be split, so it is braced; a person is written
/// "Given Family" when that reads back the same, else "particles Family, Suffix, Given"
/// (BibTeX's order), so a family name of several words (`García Márquez`) and its particles
/// (`van der`) stay the family name.
fn author_name(a: &Value) -> Option<String> {
    if let Some(literal) = plain_of(a.get("literal")) {
        return Some(format!("{{{}}}", literal.replace(['{', '}'], "")));
    }
    let part = |k: &str| plain_of(a.get(k)).filter(|p| !p.trim().is_empty());
    let given = [part("given"), part("dropping-particle")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let family = [part("non-dropping-particle"), part("family")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let suffix = part("suffix");
    // Reading order where it reads back the same ("Mei Lin"); BibTeX's order where it would
    // not (a family name of several words or with particles, a suffix).
    let plain = part("non-dropping-particle").is_none()
        && part("dropping-particle").is_none()
        && !family.contains(char::is_whitespace)
        && suffix.is_none();
    if plain && !family.is_empty() && !given.is_empty() {
        return Some(format!("{given} {family}"));
    }
    match (family.is_empty(), given.is_empty()) {
        (true, true) => suffix,
        // Only one name part: written as it is (a mononym, or a given name alone).
        (true, false) => Some(given),
        (false, true) => Some(family),
        (false, false) => Some(match suffix {
            Some(suffix) => format!("{family}, {suffix}, {given}"),
            None => format!("{family}, {given}"),
        }),
    }
}

/// The item's date: `issued`, else `submitted`, else `accessed`, else `default_date`.
fn item_date(item: &Value, default_date: Option<Date>) -> Result<Date, Bad> {
    for (key, at) in [
        ("issued", &["issued"]),
        ("submitted", &["submitted"]),
        ("accessed", &["accessed"]),
    ] {
        let v = item.get(key);
        if !holds_no_date(v) {
            return date_of(key, v).map_err(|why| bad(at, why));
        }
    }
    default_date.ok_or_else(|| {
        bad(
            &["issued"],
            "no date: \"issued\" is missing or empty and there is no \"submitted\" or \"accessed\" date; \
             give the item one, e.g. \"issued\": {\"date-parts\": [[2024, 6, 29]]}, or import with --date YYYY-MM-DD",
        )
    })
}

/// Whether a CSL date variable is absent or says nothing: `null`, `{}`, `""`, `[[]]`,
/// `[[null]]`, `[[""]]` (what exporters write for an undated item).
fn holds_no_date(v: Option<&Value>) -> bool {
    let empty_part = |p: &Value| match p {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    };
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Object(o)) => {
            let no_parts = match o.get("date-parts") {
                None => true,
                Some(Value::Array(ranges)) => ranges.iter().all(|r| match r {
                    Value::Array(parts) => parts.first().is_none_or(empty_part),
                    other => empty_part(other),
                }),
                Some(_) => false,
            };
            let no_text = ["raw", "literal"]
                .iter()
                .all(|k| o.get(*k).is_none_or(empty_part));
            no_parts && no_text
        }
        Some(_) => false,
    }
}

/// The date of a CSL date variable (`issued`, `submitted`, `accessed`), or why it is not one.
fn date_of(key: &str, v: Option<&Value>) -> Result<Date, String> {
    let how = format!("give the item a date, e.g. \"{key}\": {{\"date-parts\": [[2024, 6, 29]]}}");
    let how = how.as_str();
    let v = match v {
        None | Some(Value::Null) => return Err(format!("missing \"{key}\" date; {how}")),
        Some(v) => v,
    };
    if let Some(s) = v.as_str() {
        return loose_date(s)
            .ok_or_else(|| format!("\"{key}\" is not a date: {:?}; {how}", js::snippet(s)));
    }
    if !v.is_object() {
        return Err(format!(
            "\"{key}\" must be an object, found {}; {how}",
            js::kind(v)
        ));
    }
    if let Some(parts) = v.get("date-parts") {
        let first = parts
            .as_array()
            .and_then(|ranges| ranges.first())
            .and_then(Value::as_array);
        let Some(first) = first.filter(|p| !p.is_empty()) else {
            return Err(format!(
                "\"{key}.date-parts\" holds no date (expected e.g. [[2024, 6, 29]]); {how}"
            ));
        };
        let part = |i: usize, default: i64| match first.get(i) {
            None | Some(Value::Null) => Some(default),
            Some(p) => js::i64_of(Some(p)),
        };
        let (Some(y), Some(m), Some(d)) = (js::i64_of(first.first()), part(1, 1), part(2, 1))
        else {
            return Err(format!(
                "\"{key}.date-parts\" has a part that is not a number: {}; {how}",
                js::snippet(&Value::Array(first.clone()).to_string())
            ));
        };
        return make_date(y, m, d).ok_or_else(|| {
            format!("\"{key}.date-parts\" is not a valid date: {y}-{m:02}-{d:02}; {how}")
        });
    }
    for part in ["raw", "literal"] {
        if let Some(s) = js::str_of(v.get(part)) {
            return loose_date(s).ok_or_else(|| {
                format!(
                    "\"{key}.{part}\" is not a date: {:?}; {how}",
                    js::snippet(s)
                )
            });
        }
    }
    Err(format!(
        "\"{key}\" has neither \"date-parts\" nor \"raw\"; {how}"
    ))
}

fn make_date(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// "2024-06-29", "2024-06", "2024", "2024/6/29" (anything after the day is ignored, so
/// "2024-06-29T10:00:00" works too).
fn loose_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let head = s.split(['T', ' ']).next().unwrap_or(s);
    let mut parts = head.split(['-', '/']);
    let mut num = |default: Option<i64>| match parts.next() {
        None => default,
        Some(p) if !p.is_empty() && p.len() <= 4 && p.bytes().all(|c| c.is_ascii_digit()) => {
            p.parse().ok()
        }
        Some(_) => None,
    };
    let y = num(None)?;
    let m = num(Some(1))?;
    let d = num(Some(1))?;
    if parts.next().is_some() {
        return None;
    }
    make_date(y, m, d)
}

/// Removes HTML/JATS markup from an abstract ("<jats:p>…</jats:p>"); block tags become
/// paragraph breaks, italics and bold become emphasis marks (see
/// [`abstract_with_emphasis`]), super- and subscripts Unicode where it has the characters,
/// and a leading "Abstract" heading is dropped. Text without such tags
/// is returned unchanged.
fn strip_markup(s: &str) -> String {
    const INLINE: &[&str] = &[
        "i", "b", "em", "strong", "sub", "sup", "u", "sc", "a", "span",
    ];
    const BLOCK: &[&str] = &["p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4"];
    let s: &str = &strip_marks(s);
    let mut out = String::with_capacity(s.len());
    let mut found = false;
    // Open `<sup>` (true) and `<sub>` (false) tags, with where their text starts in `out`.
    let mut scripts: Vec<(bool, usize)> = Vec::new();
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        // Only the next 200 bytes: a search to the end for each `<` would be quadratic.
        let tag = after
            .bytes()
            .take(201)
            .position(|b| b == b'>')
            .filter(|&gt| !after[..gt].contains('<'))
            .map(|gt| (&after[..gt], gt));
        let name = tag.map(|(inner, _)| {
            let inner = inner.trim_start_matches('/');
            inner
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        });
        match (tag, name) {
            (Some((_, gt)), Some(name))
                if INLINE.contains(&name.as_str())
                    || BLOCK.contains(&name.as_str())
                    || name.starts_with("jats:")
                    || name.starts_with("mml:") =>
            {
                found = true;
                let plain = name.strip_prefix("jats:").unwrap_or(&name);
                let closing = after.starts_with('/');
                match (plain, closing) {
                    ("i" | "em" | "italic", false) => out.push(EM_OPEN),
                    ("i" | "em" | "italic", true) => out.push(EM_CLOSE),
                    ("b" | "strong" | "bold", false) => out.push(STRONG_OPEN),
                    ("b" | "strong" | "bold", true) => out.push(STRONG_CLOSE),
                    ("sup" | "sub", false) => scripts.push((plain == "sup", out.len())),
                    ("sup" | "sub", true) => {
                        if let Some(&(sup, start)) = scripts.last()
                            && sup == (plain == "sup")
                        {
                            scripts.pop();
                            let inner = &out[start..];
                            let scripted = if sup {
                                superscript(inner)
                            } else {
                                subscript(inner)
                            };
                            if let Some(scripted) = scripted {
                                out.truncate(start);
                                out.push_str(&scripted);
                            }
                        }
                    }
                    _ => {}
                }
                if BLOCK.contains(&plain) || matches!(plain, "sec" | "title") {
                    out.push_str("\n\n");
                }
                rest = &after[gt + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if !found {
        return out;
    }
    let mut text = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let trimmed = text.trim_start();
    if let Some(after) = strip_heading(trimmed) {
        text = after.to_string();
    }
    text
}

fn strip_heading(s: &str) -> Option<&str> {
    let (first, rest) = s.split_once("\n\n")?;
    first
        .trim()
        .eq_ignore_ascii_case("abstract")
        .then_some(rest)
}

#[cfg(test)]
mod tests;
