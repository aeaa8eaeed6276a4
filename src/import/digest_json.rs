//! Reads digest's own JSON (what `digest export json` writes) back into papers, and defines
//! the record's shape both directions use. Lossless: every field of a record, the body as
//! Markdown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ImportedPaper;
use super::json_reader::{self as js, Bad, Document, bad};
use super::parsed::Parsed;
use crate::record::link_url::http_url;
use crate::slug::check_segment;

/// One record in digest's JSON.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct JsonRecord {
    pub(crate) title: String,
    pub(crate) date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) published: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) author_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) upvotes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) arxiv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) doi: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) links: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tldr: Option<String>,
    pub(crate) slug: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) extra: BTreeMap<String, serde_json::Value>,
    /// The body as written, Markdown.
    pub(crate) body: String,
}

/// Reads digest's JSON back (a UTF-8 byte order mark before it is fine). A record with a
/// missing or invalid field is a problem at its line and column (the field's when it has one);
/// the others are read.
///
/// A record whose slug the build would refuse (`../../x`, `.hidden`, a space …) or whose link
/// is not an http(s) URL with a host is skipped with such a problem rather than imported with
/// a default slug: the slug is the page's address (`/papers/<slug>/`) that others link to, so
/// digest does not pick another one silently; the user fixes the file and imports it again,
/// which leaves the records already imported as they are.
pub fn parse(input: &str) -> Result<Parsed, String> {
    const WHAT: &str = "digest JSON";
    let doc = Document::parse(input, WHAT)?;
    let Value::Array(items) = &doc.value else {
        return Err(format!(
            "{WHAT}: expected an array of records, as `digest export json` writes, found {}",
            js::kind(&doc.value)
        ));
    };
    let entries = doc.root_array(items);
    Ok(js::convert_each(&doc, entries, ident, convert))
}

/// How a record is named in problems: its slug, else its title.
fn ident(value: &Value) -> Option<String> {
    js::str_of(value.get("slug"))
        .or_else(|| js::str_of(value.get("title")))
        .map(str::to_string)
}

fn convert(value: &Value) -> Result<ImportedPaper, Bad> {
    let record = JsonRecord::deserialize(value).map_err(|e| bad(&[], e.to_string()))?;
    let date = |s: &str, at: &'static [&'static str]| {
        s.parse::<jiff::civil::Date>()
            .map_err(|_| bad(at, format!("`{s}` is not a YYYY-MM-DD date")))
    };
    let published = match record.published.as_deref() {
        Some(p) => Some(date(p, &["published"])?),
        None => None,
    };
    let date = date(&record.date, &["date"])?;
    // The build's own rule for slugs, so an import never writes a record the build refuses.
    check_segment(&record.slug).map_err(|why| {
        bad(
            &["slug"],
            format!(
                "slug `{}` cannot be used: {}; write one path segment such as \"sparse-moe\" \
                 and import again",
                record.slug,
                why.reason()
            ),
        )
    })?;
    let mut links = BTreeMap::new();
    for (name, url) in record.links {
        let url = http_url(&url).map_err(|why| {
            bad(
                &["links"],
                format!(
                    "link `{name}` {}: `{url}`; write a full URL such as \"https://github.com/org/repo\"",
                    why.describe()
                ),
            )
        })?;
        links.insert(name, url);
    }
    // The build's own rule for a tldr, so an import never writes a record the build refuses.
    let tldr = match record.tldr.as_deref() {
        None => None,
        Some(text) => Some(crate::record::tldr::from_source(text).ok_or_else(|| {
            bad(
                &["tldr"],
                format!(
                    "the tldr is empty or longer than {} characters; write one or two \
                     sentences and import again",
                    crate::record::tldr::MAX_CHARS
                ),
            )
        })?),
    };
    Ok(ImportedPaper {
        title: record.title,
        date,
        published,
        authors: record.authors,
        author_count: record.author_count,
        upvotes: record.upvotes,
        arxiv: record.arxiv,
        doi: record.doi,
        tags: record.tags,
        links,
        abstract_text: String::new(),
        extra: record
            .extra
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
            .collect(),
        slug: Some(record.slug),
        body_markdown: Some(record.body),
        year_not_in_listing: None,
        tldr,
        // The record's own: no later import replaces it.
        tldr_as_written: true,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    /// A record's tldr comes back as the record's own (no later import replaces it); one the
    /// build would refuse is a problem at its field, and the record is not imported.
    #[test]
    fn the_tldr_round_trips_as_the_record_s_own() {
        let json = r#"[{"title": "T", "date": "2025-02-06", "tldr": "Mine, in one line.", "slug": "t", "body": "B."}]"#;
        let parsed = parse(json).unwrap();
        let paper = &parsed.papers[0];
        assert_eq!(paper.tldr.as_deref(), Some("Mine, in one line."));
        assert!(paper.tldr_as_written);
        let empty = r#"[
  {"title": "T", "date": "2025-02-06",
   "tldr": " ", "slug": "t", "body": "B."}]"#;
        let parsed = parse(empty).unwrap();
        assert!(parsed.papers.is_empty());
        let problem = &parsed.problems[0];
        assert_eq!(problem.line, 3, "{problem:?}");
        assert!(problem.message.contains("tldr"), "{problem:?}");
    }
}
