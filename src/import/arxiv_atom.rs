//! Reads an arXiv API Atom response (`http://export.arxiv.org/api/query` output).
//!
//! Uses quick-xml's pull reader, which never expands DTDs or external entities; documents that
//! declare a DOCTYPE or ENTITY are refused outright. Only the predefined XML entities and numeric
//! character references are decoded. A malformed entry becomes an [`EntryProblem`] and reading
//! resumes at the next `<entry`.
use std::collections::BTreeMap;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::ImportedPaper;
use super::ids;
use super::parsed::{EntryProblem, Parsed, check_size};
use super::plain_text::{collapse_whitespace, paragraphs};
use crate::diagnostic::LineIndex;
use crate::record::link_url::http_url;

/// Parses an arXiv API Atom feed into papers and per-entry problems.
///
/// Returns `Err` when the whole input is unusable: too large, declares a DOCTYPE/ENTITY, is not
/// an Atom feed, or is an arXiv API error feed (the error message is returned).
pub fn parse(input: &str) -> Result<Parsed, String> {
    check_size(input.len() as u64, "the arXiv Atom input")?;
    reject_dtd(input)?;
    let index = LineIndex::new(input);
    let mut out = Parsed::default();
    let mut st = State::default();
    let mut base = 0usize;
    'readers: loop {
        let mut reader = Reader::from_str(&input[base..]);
        // After resuming mid-document, the closing tags of the abandoned entry/feed have no start.
        reader.config_mut().allow_unmatched_ends = base > 0;
        loop {
            let before = base + reader.buffer_position() as usize;
            match reader.read_event() {
                Ok(Event::Eof) => {
                    if let Some(entry) = st.entry.take() {
                        out.problems.push(EntryProblem::at(
                            &index,
                            entry.offset,
                            format!(
                                "{}: the input ends before this entry's closing </entry>",
                                entry.label()
                            ),
                        ));
                    }
                    break 'readers;
                }
                Ok(Event::Start(e)) => st.start(&e, before, false, &mut out, &index)?,
                Ok(Event::Empty(e)) => st.start(&e, before, true, &mut out, &index)?,
                Ok(Event::End(e)) => {
                    let name = e.local_name().as_ref().to_string();
                    st.end(&name, &mut out, &index);
                }
                Ok(Event::Text(t)) => st.text(&t.xml10_content()),
                Ok(Event::CData(t)) => st.text(&t.xml10_content()),
                Ok(Event::GeneralRef(r)) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => resolve_predefined_entity(&r).map(str::to_string),
                        Err(_) => None,
                    };
                    match resolved {
                        Some(s) => st.text(&s),
                        None => st.fail(
                            before,
                            format!(
                                "unknown entity or bad character reference `&{};` (only &amp; &lt; &gt; &quot; &apos; and numeric references like &#233; are allowed)",
                                &*r
                            ),
                        ),
                    }
                }
                Ok(Event::DocType(_)) => {
                    return Err(
                        "DOCTYPE declarations and entities are not allowed in an arXiv Atom feed"
                            .into(),
                    );
                }
                Ok(_) => {} // declaration, comments, processing instructions
                Err(e) => {
                    let at = base + reader.error_position() as usize;
                    let (line, column) = index.line_col(at);
                    let detail = format!("malformed XML at line {line}, column {column}: {e}");
                    match st.entry.take() {
                        Some(entry) => out.problems.push(EntryProblem::at(
                            &index,
                            entry.offset,
                            format!("{}: {detail}; the entry was skipped", entry.label()),
                        )),
                        None => out.problems.push(EntryProblem::at(&index, at, detail)),
                    }
                    if st.root.is_none() {
                        return Err(format!("not an Atom feed: {}", out.problems[0].message));
                    }
                    match find_entry_start(input, at + 1) {
                        Some(next) => {
                            base = next;
                            st.stack = vec![Frame {
                                name: "feed".into(),
                                text: String::new(),
                            }];
                            continue 'readers;
                        }
                        None => break 'readers,
                    }
                }
            }
        }
    }
    if let Some(message) = st.api_error {
        return Err(format!("the arXiv API returned an error: {message}"));
    }
    match st.root.as_deref() {
        Some("feed") => Ok(out),
        Some(other) => Err(format!(
            "not an Atom feed: the root element is <{other}>, expected <feed>"
        )),
        None => Err("not an Atom feed: no <feed> element found".into()),
    }
}

fn reject_dtd(input: &str) -> Result<(), String> {
    let upper = |pat: &str| {
        input
            .as_bytes()
            .windows(pat.len())
            .any(|w| w.eq_ignore_ascii_case(pat.as_bytes()))
    };
    if upper("<!DOCTYPE") || upper("<!ENTITY") {
        return Err(
            "the feed declares a <!DOCTYPE> or <!ENTITY>: entities are not allowed in an arXiv Atom feed"
                .into(),
        );
    }
    Ok(())
}

/// Byte offset of the next `<entry>` / `<entry ...>` start tag at or after `from`.
fn find_entry_start(input: &str, from: usize) -> Option<usize> {
    let mut pos = from;
    while pos < input.len() {
        let i = pos + input.get(pos..)?.find("<entry")?;
        match input.as_bytes().get(i + 6) {
            Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n') => return Some(i),
            _ => pos = i + 6,
        }
    }
    None
}

struct Frame {
    name: String,
    text: String,
}

#[derive(Default)]
struct State {
    root: Option<String>,
    stack: Vec<Frame>,
    entry: Option<RawEntry>,
    api_error: Option<String>,
}

#[derive(Default)]
struct RawEntry {
    offset: usize,
    error: Option<(usize, String)>,
    id: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    authors: Vec<(String, Vec<String>)>,
    alternate: Option<String>,
    pdf: Option<String>,
    doi_link: Option<String>,
    primary_category: Option<String>,
    categories: Vec<String>,
    doi: Option<String>,
    journal_ref: Option<String>,
    comment: Option<String>,
}

impl RawEntry {
    fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("entry {}", id.trim()),
            None => "entry".into(),
        }
    }
}

impl State {
    fn text(&mut self, s: &str) {
        if let Some(top) = self.stack.last_mut() {
            top.text.push_str(s);
        }
    }

    /// Marks the current entry as unreadable (first error wins).
    fn fail(&mut self, offset: usize, message: String) {
        if let Some(entry) = &mut self.entry
            && entry.error.is_none()
        {
            entry.error = Some((offset, message));
        }
    }

    fn start(
        &mut self,
        e: &BytesStart<'_>,
        offset: usize,
        empty: bool,
        out: &mut Parsed,
        index: &LineIndex<'_>,
    ) -> Result<(), String> {
        let name = e.local_name().as_ref().to_string();
        if self.root.is_none() {
            if name != "feed" && name != "entry" {
                return Err(format!(
                    "not an Atom feed: the root element is <{name}>, expected <feed>"
                ));
            }
            self.root = Some(name.clone());
        }
        let parent = self.stack.last().map(|f| f.name.as_str());
        if name == "entry" && self.entry.is_none() && matches!(parent, Some("feed") | None) {
            self.entry = Some(RawEntry {
                offset,
                ..RawEntry::default()
            });
        } else if self.entry.is_some() {
            let attrs = match attributes(e) {
                Ok(a) => a,
                Err(msg) => {
                    self.fail(offset, format!("bad attribute on <{name}>: {msg}"));
                    BTreeMap::new()
                }
            };
            let entry = self.entry.as_mut().expect("checked");
            match name.as_str() {
                "author" => entry.authors.push((String::new(), Vec::new())),
                "link" => {
                    let href = attrs.get("href").map(|h| h.trim().to_string());
                    let rel = attrs.get("rel").map(String::as_str).unwrap_or("alternate");
                    let title = attrs.get("title").map(String::as_str).unwrap_or("");
                    let typ = attrs.get("type").map(String::as_str).unwrap_or("");
                    if let Some(href) = href.filter(|h| !h.is_empty()) {
                        if title == "pdf" || typ == "application/pdf" {
                            entry.pdf.get_or_insert(href);
                        } else if title == "doi" {
                            entry.doi_link.get_or_insert(href);
                        } else if rel == "alternate" {
                            entry.alternate.get_or_insert(href);
                        }
                    }
                }
                "primary_category" => {
                    if let Some(term) = attrs
                        .get("term")
                        .map(|t| t.trim())
                        .filter(|t| !t.is_empty())
                    {
                        entry.primary_category = Some(term.to_string());
                    }
                }
                "category" => {
                    if let Some(term) = attrs
                        .get("term")
                        .map(|t| t.trim())
                        .filter(|t| !t.is_empty())
                    {
                        entry.categories.push(term.to_string());
                    }
                }
                _ => {}
            }
        }
        self.stack.push(Frame {
            name: name.clone(),
            text: String::new(),
        });
        if empty {
            self.end(&name, out, index);
        }
        Ok(())
    }

    fn end(&mut self, name: &str, out: &mut Parsed, index: &LineIndex<'_>) {
        // Unmatched ends (allowed only after resuming) are ignored.
        if self.stack.last().is_none_or(|f| f.name != name) {
            return;
        }
        let frame = self.stack.pop().expect("checked");
        let parent = self.stack.last().map(|f| f.name.as_str());
        if name == "entry" && matches!(parent, Some("feed") | None) {
            if let Some(entry) = self.entry.take() {
                if entry
                    .id
                    .as_deref()
                    .is_some_and(|id| id.contains("arxiv.org/api/errors"))
                {
                    let msg = entry
                        .summary
                        .as_deref()
                        .map(collapse_whitespace)
                        .unwrap_or_default();
                    self.api_error.get_or_insert(if msg.is_empty() {
                        "unknown error".to_string()
                    } else {
                        msg
                    });
                    return;
                }
                match finish(&entry) {
                    Ok(paper) => out.papers.push(paper),
                    Err(msg) => out
                        .problems
                        .push(EntryProblem::at(index, entry.offset, msg)),
                }
            }
            return;
        }
        let Some(entry) = &mut self.entry else {
            return;
        };
        let text = frame.text;
        match (name, parent) {
            ("id", Some("entry")) => entry.id = Some(text),
            ("published", Some("entry")) => entry.published = Some(text),
            ("updated", Some("entry")) => entry.updated = Some(text),
            ("title", Some("entry")) => entry.title = Some(text),
            ("summary", Some("entry")) => entry.summary = Some(text),
            ("doi", Some("entry")) => entry.doi = Some(text),
            ("journal_ref", Some("entry")) => entry.journal_ref = Some(text),
            ("comment", Some("entry")) => entry.comment = Some(text),
            ("name", Some("author")) => {
                if let Some(a) = entry.authors.last_mut() {
                    a.0 = collapse_whitespace(&text);
                }
            }
            ("affiliation", Some("author")) => {
                if let Some(a) = entry.authors.last_mut() {
                    let aff = collapse_whitespace(&text);
                    if !aff.is_empty() {
                        a.1.push(aff);
                    }
                }
            }
            _ => {}
        }
    }
}

fn attributes(e: &BytesStart<'_>) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| err.to_string())?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| err.to_string())?;
        map.insert(
            attr.key.local_name().as_ref().to_string(),
            value.into_owned(),
        );
    }
    Ok(map)
}

/// The day of an Atom date such as `2025-02-06T18:59:59Z` (UTC), or of a bare `2025-02-06`.
fn parse_day(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(jiff::tz::Offset::UTC.to_datetime(ts).date());
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return Some(dt.date());
    }
    s.parse::<jiff::civil::Date>().ok()
}

fn finish(entry: &RawEntry) -> Result<ImportedPaper, String> {
    let label = entry.label();
    if let Some((_, msg)) = &entry.error {
        return Err(format!("{label}: {msg}"));
    }
    let title = entry
        .title
        .as_deref()
        .map(collapse_whitespace)
        .unwrap_or_default();
    if title.is_empty() {
        return Err(format!(
            "{label}: the entry has no <title> (or it is empty); add one"
        ));
    }
    let published = entry.published.as_deref().map(str::trim).unwrap_or("");
    if published.is_empty() {
        return Err(format!(
            "{label}: the entry has no <published> date; add one like 2025-02-06T18:59:59Z"
        ));
    }
    let date = parse_day(published).ok_or_else(|| {
        format!("{label}: the <published> date `{published}` is not a valid date; expected e.g. 2025-02-06T18:59:59Z")
    })?;

    let mut extra = BTreeMap::new();
    let mut links = BTreeMap::new();
    let id = entry.id.as_deref().map(str::trim).unwrap_or("");
    let arxiv = match ids::arxiv_with_version(id) {
        Some((base, version)) => {
            if let Some(v) = version {
                extra.insert("arxiv_version".to_string(), v);
            }
            Some(base)
        }
        None => {
            if !id.is_empty() {
                extra.insert("atom_id".to_string(), id.to_string());
            }
            None
        }
    };
    // Only links a record accepts (http(s) with a host); arXiv's own always are.
    let link = |href: &Option<String>| href.as_deref().and_then(|h| http_url(h).ok());
    if let Some(url) = link(&entry.alternate) {
        links.insert("url".to_string(), url);
    }
    if let Some(pdf) = link(&entry.pdf) {
        links.insert("pdf".to_string(), pdf);
    }
    let doi = entry
        .doi
        .as_deref()
        .and_then(ids::doi)
        .or_else(|| entry.doi_link.as_deref().and_then(ids::doi));

    let mut tags: Vec<String> = Vec::new();
    for t in entry.primary_category.iter().chain(&entry.categories) {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    if let Some(p) = &entry.primary_category {
        extra.insert("primary_category".to_string(), p.clone());
    }
    for (key, value) in [
        ("journal_ref", &entry.journal_ref),
        ("comment", &entry.comment),
    ] {
        if let Some(v) = value
            .as_deref()
            .map(collapse_whitespace)
            .filter(|v| !v.is_empty())
        {
            extra.insert(key.to_string(), v);
        }
    }
    if let Some(updated) = entry.updated.as_deref().and_then(parse_day)
        && updated != date
    {
        extra.insert("updated".to_string(), updated.to_string());
    }
    let mut affiliations: Vec<&str> = Vec::new();
    for aff in entry.authors.iter().flat_map(|a| &a.1) {
        if !affiliations.contains(&aff.as_str()) {
            affiliations.push(aff);
        }
    }
    if !affiliations.is_empty() {
        extra.insert("affiliations".to_string(), affiliations.join("; "));
    }
    let authors: Vec<String> = entry
        .authors
        .iter()
        .map(|a| a.0.clone())
        .filter(|n| !n.is_empty())
        .collect();
    Ok(ImportedPaper {
        title,
        date,
        published: None,
        author_count: u32::try_from(authors.len()).ok().filter(|&n| n > 0),
        authors,
        upvotes: None,
        arxiv,
        doi,
        tags,
        links,
        abstract_text: entry.summary.as_deref().map(paragraphs).unwrap_or_default(),
        extra,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests;
