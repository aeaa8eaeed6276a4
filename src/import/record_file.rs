//! Renders an [`ImportedPaper`] as a record file and picks the file's name.
//!
//! A record file is TOML front matter between `+++` lines followed by a Markdown body:
//!
//! ```text
//! +++
//! title = "…"
//! date = 2025-02-06
//! author_count = 7
//! links = { code = "https://github.com/…" }
//! +++
//!
//! Abstract paragraph, with <https://autolinks>.
//! ```

pub(crate) mod emphasis;

use super::{ImportedPaper, url_spans};
use std::fmt::Write as _;
use toml::Value;
use toml::value::Datetime;

/// Longest file stem, in bytes; long titles are cut at a word boundary.
const MAX_STEM_LEN: usize = 60;

/// Renders `p` as the full text of a record file (ends with a newline).
///
/// Keys appear in the order `title`, `date`, `published`, `authors`, `author_count`,
/// `upvotes`, `tags`, `arxiv`, `doi`, `links`, `tldr`, `slug`; empty and `None` fields are
/// omitted. Every value is serialized by the `toml` crate, so quotes and backslashes are
/// escaped correctly; whitespace in string values is collapsed to single spaces, so a newline in
/// a title becomes a space. The body is the abstract as Markdown that renders back to the same
/// text.
pub(crate) fn render_record(p: &ImportedPaper) -> String {
    let p = &without_forbidden_characters(p);
    let mut fields: Vec<(&str, Value)> = vec![("title", line_value(&p.title))];
    fields.push(("date", date_value(p.date)));
    if let Some(published) = p.published {
        fields.push(("published", date_value(published)));
    }
    if !p.authors.is_empty() {
        fields.push((
            "authors",
            Value::Array(p.authors.iter().map(|a| line_value(a)).collect()),
        ));
    }
    if let Some(n) = p.author_count {
        fields.push(("author_count", Value::Integer(n.into())));
    }
    if let Some(n) = p.upvotes {
        fields.push(("upvotes", Value::Integer(n.into())));
    }
    if !p.tags.is_empty() {
        fields.push((
            "tags",
            Value::Array(p.tags.iter().map(|t| line_value(t)).collect()),
        ));
    }
    if let Some(id) = &p.arxiv {
        fields.push(("arxiv", line_value(id)));
    }
    if let Some(doi) = &p.doi {
        fields.push(("doi", line_value(doi)));
    }
    if !p.links.is_empty() {
        let table = p
            .links
            .iter()
            .map(|(k, v)| (k.clone(), line_value(v)))
            .collect();
        fields.push(("links", Value::Table(table)));
    }
    // Importers give a tldr that passes; one that would not is left out rather than written
    // into a record the build refuses.
    if let Some(tldr) = p.tldr.as_deref().and_then(crate::record::tldr::from_source) {
        fields.push(("tldr", Value::String(tldr)));
    }

    let mut out = String::from("+++\n");
    for (key, value) in fields {
        // `Value`'s Display is toml's value serializer: strings come out quoted and
        // escaped, the date bare, and a table inline (the document serializer would
        // move `links` into a `[links]` section instead).
        writeln!(out, "{key} = {value}").expect("writing to a String cannot fail");
    }
    if let Some(slug) = &p.slug {
        writeln!(out, "slug = {}", line_value(slug)).expect("writing to a String cannot fail");
    }
    if !p.extra.is_empty() {
        out.push_str("[extra]\n");
        for (key, value) in &p.extra {
            writeln!(out, "{} = {}", toml_key(key), line_value(value))
                .expect("writing to a String cannot fail");
        }
    }
    out.push_str("+++\n");
    let body = match &p.body_markdown {
        Some(markdown) => markdown.trim_end().to_string(),
        None => markdown_body(&p.abstract_text),
    };
    if !body.is_empty() {
        out.push('\n');
        out.push_str(&body);
        out.push('\n');
    }
    out
}

/// `p` with the characters no XML feed or HTML page may hold (a form feed from a PDF's page
/// break, a stray control character) replaced in every text, as the build would replace them
/// (see [`crate::text_clean`]): the record written is then clean.
fn without_forbidden_characters(p: &ImportedPaper) -> ImportedPaper {
    use crate::text_clean::{clean, clean_all};
    let mut p = p.clone();
    let ImportedPaper {
        title,
        authors,
        arxiv,
        doi,
        tags,
        links,
        abstract_text,
        extra,
        slug,
        body_markdown,
        tldr,
        ..
    } = &mut p;
    clean_all([title, abstract_text]);
    clean_all(tldr);
    clean_all(authors.iter_mut().chain(tags).chain(arxiv).chain(doi));
    clean_all(slug.iter_mut().chain(body_markdown));
    for map in [links, extra] {
        *map = std::mem::take(map)
            .into_iter()
            .map(|(mut k, mut v)| {
                clean(&mut k);
                clean(&mut v);
                (k, v)
            })
            .collect();
    }
    p
}

/// A TOML key: bare when it can be, quoted otherwise.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}

/// A TOML string holding `text` with whitespace runs (including newlines) collapsed.
///
/// Front-matter values are one-line metadata, and a newline would make toml write a
/// multi-line string, one of whose lines could be a lone `+++` that ends the front
/// matter early. Quotes and backslashes are left to toml's escaping.
fn line_value(text: &str) -> Value {
    Value::String(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A TOML local date (`2025-02-06`, unquoted). TOML has no negative years, so such a
/// date (which no importer produces) falls back to jiff's string form to keep the data.
fn date_value(date: jiff::civil::Date) -> Value {
    let Ok(year) = u16::try_from(date.year()) else {
        return Value::String(date.to_string());
    };
    let month = u8::try_from(date.month()).expect("jiff months are 1..=12");
    let day = u8::try_from(date.day()).expect("jiff days are 1..=31");
    Value::Datetime(Datetime {
        date: Some(toml::value::Date { year, month, day }),
        time: None,
        offset: None,
    })
}

/// Picks a file stem for a paper title: ASCII (via deunicode), lowercase, words of
/// `[a-z0-9]` joined by `-`, at most ~60 bytes cut at a word boundary, never empty
/// (`"paper"` when the title has no letters or digits).
pub(crate) fn file_stem(title: &str) -> String {
    // Apostrophes join words ("learning's" → "learnings") rather than splitting them.
    let ascii = deunicode::deunicode(title)
        .to_ascii_lowercase()
        .replace(['\'', '`'], "");
    let mut stem = String::new();
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let sep = usize::from(!stem.is_empty());
        if stem.len() + sep + word.len() > MAX_STEM_LEN {
            if stem.is_empty() {
                // A single over-long word: a hard cut is better than nothing.
                stem.push_str(&word[..MAX_STEM_LEN]);
            }
            break;
        }
        if sep == 1 {
            stem.push('-');
        }
        stem.push_str(word);
    }
    if stem.is_empty() {
        "paper".to_string()
    } else {
        stem
    }
}

/// The abstract as Markdown: one paragraph per blank-line-separated block, whitespace
/// collapsed (so no line inside a paragraph can start a block), URLs as autolinks.
fn markdown_body(text: &str) -> String {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            paragraphs.push(std::mem::take(&mut current));
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    paragraphs.push(current);
    paragraphs
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| markdown_paragraph(&p))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// One paragraph: formulas (`$…$`, `$$…$$`) written exactly as they are, prose escaped,
/// URLs written as `<…>` autolinks. Nothing is escaped inside an autolink, where CommonMark
/// takes every character literally, nor inside a formula, where the build's Markdown parser
/// takes backslashes literally too (`\log` escaped as `\\log` would reach the math as a
/// line break followed by "log").
///
/// The paragraph written is parsed back: when the formulas it holds are not exactly the
/// ones intended (an odd arrangement of `$`, backticks or braces), every `$` is escaped
/// instead, so the text still reads as written, its formulas shown as source.
fn markdown_paragraph(text: &str) -> String {
    let formulas = formula_spans(text);
    if formulas.is_empty() {
        return write_paragraph(text, &[]);
    }
    let written = write_paragraph(text, &formulas);
    let expected: Vec<&str> = formulas
        .iter()
        .map(|span| text[span.clone()].trim_matches('$'))
        .collect();
    if formulas_of(&written) == expected {
        written
    } else {
        write_paragraph(text, &[])
    }
}

/// Writes `text` with the byte ranges in `formulas` verbatim and everything else escaped.
fn write_paragraph(text: &str, formulas: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = 0;
    for formula in formulas.iter().chain([&(text.len()..text.len())]) {
        write_prose(&text[pos..formula.start], pos == 0, &mut out);
        out.push_str(&text[formula.clone()]);
        pos = formula.end;
    }
    out
}

/// Prose (no formula inside) with its URLs as autolinks and the rest escaped.
fn write_prose(text: &str, at_paragraph_start: bool, out: &mut String) {
    let mut pos = 0;
    for span in url_spans(text) {
        escape_prose(&text[pos..span.start], at_paragraph_start && pos == 0, out);
        write!(out, "<{}>", &text[span.clone()]).expect("writing to a String cannot fail");
        pos = span.end;
    }
    escape_prose(&text[pos..], at_paragraph_start && pos == 0, out);
}

/// Byte ranges of the formulas in one paragraph of plain text, delimiters included:
/// `$$…$$`, and `$…$` whose content neither starts nor ends with a space and holds no `$`
/// (the rule the build's Markdown parser applies, so "costs $5 and $6" holds no formula).
fn formula_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find('$') {
        let start = pos + found;
        let rest = &text[start..];
        if let Some(inner) = rest.strip_prefix("$$") {
            match inner.find("$$") {
                Some(len) if !inner[..len].trim().is_empty() => {
                    spans.push(start..start + len + 4);
                    pos = start + len + 4;
                }
                _ => pos = start + 2,
            }
            continue;
        }
        let inner = &rest[1..];
        match inner.find('$') {
            Some(len)
                if len > 0
                    && !inner.starts_with(char::is_whitespace)
                    && !inner[..len].ends_with(char::is_whitespace) =>
            {
                spans.push(start..start + len + 2);
                pos = start + len + 2;
            }
            _ => pos = start + 1,
        }
    }
    spans
}

/// The sources of the formulas the build's Markdown parser finds in `markdown`, in order.
fn formulas_of(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_MATH;
    Parser::new_ext(markdown, options)
        .filter_map(|event| match event {
            Event::InlineMath(src) | Event::DisplayMath(src) => Some(src.to_string()),
            _ => None,
        })
        .collect()
}

/// Escapes Markdown-active characters so `prose` renders as itself; `$` too, since the
/// formulas are not part of the prose (see [`markdown_paragraph`]). At a paragraph start, `#`, `+`, `-` and `1.`/`1)`
/// would open a heading, list or thematic break, so they are escaped there too.
fn escape_prose(prose: &str, at_paragraph_start: bool, out: &mut String) {
    let mut rest = prose;
    if at_paragraph_start {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if (1..=9).contains(&digits) && rest[digits..].starts_with(['.', ')']) {
            out.push_str(&rest[..digits]);
            out.push('\\');
            rest = &rest[digits..];
        } else if rest.starts_with(['#', '+', '-']) {
            out.push('\\');
        }
    }
    for (i, c) in rest.char_indices() {
        let entity_like = c == '&' && looks_like_entity(&rest[i + 1..]);
        if entity_like
            || matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '|' | '$'
            )
        {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Whether the text after an `&` would complete a character reference (`amp;`, `#38;`),
/// which CommonMark would decode; a lone `&` as in "R&D" renders as itself.
fn looks_like_entity(after: &str) -> bool {
    let name = after.len()
        - after
            .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '#')
            .len();
    name > 0 && after[name..].starts_with(';')
}

#[cfg(test)]
mod tests;
