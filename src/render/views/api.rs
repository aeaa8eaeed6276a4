//! The static JSON API, for scripts and agents that should not scrape pages: each day's and
//! each tag page's papers (`papers.json` beside the page, same papers in the same order), each
//! paper's record (`papers/<slug>/index.json`: every field, the abstract as Markdown and as
//! plain text), `api/index.json` (what is where) and `llms.txt` (the site described for
//! language models, llmstxt.org). The same ids (slugs) and URLs as the HTML.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use serde::Serialize;

use super::SiteData;
use super::pages::{Each, PageSink};
use crate::index::PaperId;
use crate::record::author::display_name;
use crate::routes;

/// The version of the API's format, the first key of every document.
const API_VERSION: u32 = 1;

/// A paper in a list: what identifies it, links it and tells what it is.
#[derive(Serialize)]
struct ListItem<'a> {
    /// The paper's slug: its id in every URL (`/papers/<id>/`).
    id: &'a str,
    title: &'a str,
    /// Its page.
    url: String,
    /// Its record as JSON.
    json_url: String,
    /// The day it is listed under.
    date: String,
    /// Names as pages show them (reading order, an organisation without its braces).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upvotes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arxiv: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doi: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    links: &'a BTreeMap<String, String>,
    /// Every tag, written and keyword.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tldr: Option<&'a str>,
    /// The start of the abstract, as lists show it.
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
}

/// A paper's whole record.
#[derive(Serialize)]
struct Record<'a> {
    version: u32,
    #[serde(flatten)]
    item: ListItem<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    /// The day's page.
    day_url: String,
    /// Its BibTeX key on this site.
    cite_key: &'a str,
    /// The abstract as written in the record (Markdown, `$…$` math; references to characters
    /// no document may hold replaced).
    abstract_markdown: &'a str,
    /// The abstract as plain text.
    abstract_text: &'a str,
    /// The record's `[extra]` table.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    extra: serde_json::Map<String, serde_json::Value>,
}

/// A link to a neighbouring list.
#[derive(Serialize)]
struct Neighbour {
    url: String,
    json_url: String,
}

/// A day's papers.
#[derive(Serialize)]
struct DayList<'a> {
    version: u32,
    kind: &'static str,
    date: String,
    url: String,
    count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    prev: Option<Neighbour>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<Neighbour>,
    papers: Vec<ListItem<'a>>,
}

/// A page of a tag's papers.
#[derive(Serialize)]
struct TagList<'a> {
    version: u32,
    kind: &'static str,
    name: &'a str,
    slug: &'a str,
    url: String,
    /// Papers with the tag, on all its pages.
    count: usize,
    page: usize,
    pages: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    prev: Option<Neighbour>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<Neighbour>,
    papers: Vec<ListItem<'a>>,
}

/// The tag names of papers `ids`, for fingerprints (a card shows only the first few).
struct TagsOf<'a, 'b>(&'a SiteData<'b>, &'a [PaperId]);

impl Hash for TagsOf<'_, '_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // By the hash of each tag's name (`SiteData::tag_name_hashes`): a few thousand
        // tags' names are hashed once, not once for every paper of every list.
        for &id in self.1 {
            for &t in &self.0.index.paper_tags[id] {
                self.0.tag_name_hashes[t].hash(state);
            }
            0xffu8.hash(state);
        }
    }
}

/// `value` as pretty JSON and a line end, written into room for `capacity` bytes: a list's
/// text grown from nothing was copied eight times on its way to 25 kB.
fn json(value: &impl Serialize, capacity: usize) -> String {
    let mut text = Vec::with_capacity(capacity);
    if serde_json::to_writer_pretty(&mut text, value).is_err() {
        return "\n".to_string();
    }
    text.push(b'\n');
    // serde_json writes only UTF-8.
    String::from_utf8(text).unwrap_or_default()
}

/// About how many bytes a list of `n` papers takes as JSON (a paper's entry, with its summary
/// and links, is 1.0–1.3 kB).
fn list_capacity(n: usize) -> usize {
    1024 + n * 1400
}

impl SiteData<'_> {
    fn list_item(&self, id: PaperId) -> ListItem<'_> {
        let paper = &self.papers[id];
        ListItem {
            id: &paper.slug,
            title: &paper.title,
            url: self.config.url(&routes::paper(&paper.slug)),
            json_url: self.config.url(&routes::paper_json(&paper.slug)),
            date: {
                let mut date = String::with_capacity(10);
                crate::calendar::push_iso_date(&mut date, paper.date);
                date
            },
            authors: paper.authors.iter().map(|a| display_name(a)).collect(),
            author_count: paper.author_count,
            upvotes: paper.upvotes,
            arxiv: paper.arxiv.as_deref(),
            doi: paper.doi.as_deref(),
            links: &paper.links,
            tags: self.index.paper_tags[id]
                .iter()
                .map(|&t| self.index.tags[t].name.as_str())
                .collect(),
            tldr: paper.tldr.as_deref(),
            summary: &self.summaries[id],
        }
    }

    fn neighbour(&self, page: &str) -> Neighbour {
        Neighbour {
            url: self.config.url(page),
            json_url: self.config.url(&routes::list_json(page)),
        }
    }

    /// What an API document is made of, for its fingerprint.
    pub(super) fn describe_api(&self, kind: &crate::plan::PageKind, sink: &mut impl PageSink) {
        use crate::plan::PageKind;
        let index = self.index;
        let list = |ids: &[PaperId], sink: &mut _| {
            PageSink::generated(
                sink,
                (
                    Each(self.card_hashes, ids),
                    Each(self.cite_hashes, ids),
                    TagsOf(self, ids),
                ),
            )
        };
        match kind {
            PageKind::DayJson(d) => {
                let neighbours =
                    |i: Option<usize>| i.and_then(|i| index.days.get(i)).map(|d| d.date);
                sink.generated((neighbours(d.checked_add(1)), neighbours(d.checked_sub(1))));
                list(&index.days[*d].papers, sink);
            }
            PageKind::TagJson(t, pager) => {
                let tag = &index.tags[*t];
                sink.generated((&tag.name, tag.papers.len(), pager));
                list(&tag.papers[pager.items.clone()], sink);
            }
            PageKind::PaperJson(id) => {
                let ids = std::slice::from_ref(id);
                list(ids, sink);
                // The kept body's hash covers its Markdown source and plain text.
                sink.generated((
                    self.body_hashes[*id],
                    self.body_refs[*id],
                    &self.cite_keys[*id],
                ));
            }
            PageKind::ApiIndex | PageKind::Llms => {
                let days: Vec<_> = index
                    .days
                    .iter()
                    .map(|d| (d.date, d.papers.len()))
                    .collect();
                let tags: Vec<_> = index
                    .tags
                    .iter()
                    .map(|t| (&t.name, &t.slug, t.papers.len()))
                    .collect();
                let authors: Vec<_> = index
                    .authors
                    .authors
                    .iter()
                    .map(|a| (&a.name, &a.slug, a.papers.len()))
                    .collect();
                // llms.txt names the newest listing's first paper as its example.
                let example = index.order.first().map(|&id| &self.papers[id].slug);
                sink.generated((self.papers.len(), days, tags, authors, example));
            }
            _ => {}
        }
    }

    /// The text of an API document, or `None` for other pages.
    pub(super) fn api_text(&self, kind: &crate::plan::PageKind) -> Option<String> {
        use crate::plan::PageKind;
        let index = self.index;
        let config = self.config;
        Some(match kind {
            PageKind::DayJson(d) => {
                let day = &index.days[*d];
                let near = |i: Option<usize>| {
                    i.and_then(|i| index.days.get(i))
                        .map(|d| self.neighbour(&routes::day(d.date)))
                };
                json(
                    &DayList {
                        version: API_VERSION,
                        kind: "day",
                        date: day.date.to_string(),
                        url: config.url(&routes::day(day.date)),
                        count: day.papers.len(),
                        // Days are newest first: the previous day is the next in the list.
                        prev: near(d.checked_add(1)),
                        next: near(d.checked_sub(1)),
                        papers: day.papers.iter().map(|&id| self.list_item(id)).collect(),
                    },
                    list_capacity(day.papers.len()),
                )
            }
            PageKind::TagJson(t, pager) => {
                let tag = &index.tags[*t];
                let base = routes::tag(&tag.slug);
                let near = |n: usize| self.neighbour(&routes::page(&base, n));
                json(
                    &TagList {
                        version: API_VERSION,
                        kind: "tag",
                        name: &tag.name,
                        slug: &tag.slug,
                        url: config.url(&routes::page(&base, pager.number)),
                        count: tag.papers.len(),
                        page: pager.number,
                        pages: pager.total,
                        prev: (pager.number > 1).then(|| near(pager.number - 1)),
                        next: (pager.number < pager.total).then(|| near(pager.number + 1)),
                        papers: tag.papers[pager.items.clone()]
                            .iter()
                            .map(|&id| self.list_item(id))
                            .collect(),
                    },
                    list_capacity(pager.items.len()),
                )
            }
            PageKind::PaperJson(id) => {
                let paper = &self.papers[*id];
                let body = self.body(*id);
                json(
                    &Record {
                        version: API_VERSION,
                        item: self.list_item(*id),
                        published: paper.published.map(|d| d.to_string()),
                        day_url: config.url(&routes::day(paper.date)),
                        cite_key: &self.cite_keys[*id],
                        // The abstract's source: the notes below it are the page's alone.
                        abstract_markdown: &crate::text_clean::cleaned_references(
                            body.abstract_source().trim(),
                        ),
                        abstract_text: body.rendered.text.trim(),
                        extra: toml_to_json(&paper.extra),
                    },
                    list_capacity(1)
                        + 2 * body.rendered.text.len()
                        + 2 * body.abstract_source().len(),
                )
            }
            PageKind::ApiIndex => self.api_index(),
            PageKind::Llms => self.llms_txt(),
            _ => return None,
        })
    }

    /// `api/index.json`: the layout of the API, with every day and tag.
    fn api_index(&self) -> String {
        let config = self.config;
        let index = self.index;
        let base = &config.base_url;
        let days: Vec<serde_json::Value> = index
            .days
            .iter()
            .map(|d| {
                serde_json::json!({
                    "date": d.date.to_string(),
                    "count": d.papers.len(),
                    "url": config.url(&routes::day(d.date)),
                    "json_url": config.url(&routes::list_json(&routes::day(d.date))),
                })
            })
            .collect();
        let tags: Vec<serde_json::Value> = index
            .tags
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name,
                    "slug": t.slug,
                    "count": t.papers.len(),
                    "url": config.url(&routes::tag(&t.slug)),
                    "json_url": config.url(&routes::list_json(&routes::tag(&t.slug))),
                })
            })
            .collect();
        let authors: Vec<serde_json::Value> = index
            .authors
            .authors
            .iter()
            .map(|a| {
                serde_json::json!({
                    "name": a.name,
                    "slug": a.slug,
                    "count": a.papers.len(),
                    "url": config.url(&routes::author(&a.slug)),
                    "atom_url": config.url(&routes::atom(&routes::author(&a.slug))),
                })
            })
            .collect();
        json(
            &serde_json::json!({
            "version": API_VERSION,
            "generator": concat!("digest ", env!("CARGO_PKG_VERSION")),
            "site": {
                "title": config.title,
                "description": config.description,
                "url": base,
                "language": config.language,
            },
            "papers": self.papers.len(),
            "newest_day": index.days.first().map(|d| d.date.to_string()),
            "layout": {
                "day": format!("{base}<yyyy>/<mm>/<dd>/papers.json"),
                "tag": format!("{base}tags/<slug>/papers.json, then {base}tags/<slug>/page/<n>/papers.json"),
                "paper": format!("{base}papers/<id>/index.json"),
                "per_page": config.paginate_by,
                "feeds": config.url(routes::OPML),
                "subscribe": config.url(routes::SUBSCRIBE),
                "search": config.url(routes::SEARCH_META),
            },
            "days": days,
            "tags": tags,
            "authors": authors,
            }),
            1024 + 200 * (index.days.len() + index.tags.len() + index.authors.authors.len()),
        )
    }

    /// `llms.txt` (llmstxt.org): a title, a summary, then lists of links.
    fn llms_txt(&self) -> String {
        let config = self.config;
        let index = self.index;
        let url = |path: &str| config.url(path);
        let mut out = format!("# {}\n\n", one_line(&config.title));
        let summary = if config.description.is_empty() {
            "A digest of research papers".to_string()
        } else {
            one_line(&config.description)
        };
        let summary = summary.trim_end_matches(['.', ' ']);
        out.push_str(&format!(
            "> {summary}. {} papers, listed by day{}. Every list is also JSON (below); every paper has its record as JSON.\n\n",
            self.papers.len(),
            index
                .days
                .first()
                .map(|d| format!(", the newest on {}", d.date))
                .unwrap_or_default()
        ));
        out.push_str("Pages list papers most upvoted first within a day. A paper's id is its slug, the same in every URL.\n\n");
        out.push_str("## Lists\n\n");
        out.push_str(&format!(
            "- [Latest papers]({}): the newest days\n",
            url(routes::HOME)
        ));
        out.push_str(&format!(
            "- [Archive]({}): every day with its count\n",
            url(routes::ARCHIVE)
        ));
        out.push_str(&format!(
            "- [Tags]({}): every tag with its count\n",
            url(routes::TAGS)
        ));
        out.push_str(&format!(
            "- [Top papers]({}): the most upvoted of the last 7 and 30 days\n",
            url(routes::TOP)
        ));
        out.push_str(&format!(
            "- [Search]({}?q=words): full-text search (in a browser)\n",
            url(routes::SEARCH)
        ));
        out.push_str("\n## API (static JSON)\n\n");
        out.push_str(&format!(
            "- [API index]({}): the layout, every day and every tag with their JSON addresses\n",
            url(routes::API_INDEX)
        ));
        if let Some(day) = index.days.first() {
            out.push_str(&format!(
                "- [A day's papers]({}): `<yyyy>/<mm>/<dd>/papers.json`\n",
                url(&routes::list_json(&routes::day(day.date)))
            ));
        }
        if let Some(tag) = index.tags.first() {
            out.push_str(&format!(
                "- [A tag's papers]({}): `tags/<slug>/papers.json`, then `tags/<slug>/page/<n>/papers.json`\n",
                url(&routes::list_json(&routes::tag(&tag.slug)))
            ));
        }
        // The newest listing's first paper: an example that does not depend on file names.
        if let Some(paper) = index.order.first().map(|&id| &self.papers[id]) {
            out.push_str(&format!(
                "- [A paper's record]({}): `papers/<id>/index.json`, every field, the abstract as Markdown and as plain text\n",
                url(&routes::paper_json(&paper.slug))
            ));
        }
        out.push_str("\n## Feeds\n\n");
        out.push_str(&format!(
            "- [Subscribe]({}): every feed (Atom and JSON Feed)\n",
            url(routes::SUBSCRIBE)
        ));
        out.push_str(&format!("- [All feeds as OPML]({})\n", url(routes::OPML)));
        out.push_str(&format!(
            "- [Atom feed]({})\n",
            url(&routes::atom(routes::HOME))
        ));
        out
    }
}

/// `[extra]` as JSON (dates as their TOML text).
fn toml_to_json(table: &toml::Table) -> serde_json::Map<String, serde_json::Value> {
    fn value(v: &toml::Value) -> serde_json::Value {
        match v {
            toml::Value::String(s) => serde_json::Value::from(s.as_str()),
            toml::Value::Integer(i) => serde_json::Value::from(*i),
            toml::Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            toml::Value::Boolean(b) => serde_json::Value::from(*b),
            toml::Value::Datetime(d) => serde_json::Value::from(d.to_string()),
            toml::Value::Array(items) => items.iter().map(value).collect(),
            toml::Value::Table(t) => serde_json::Value::Object(toml_to_json(t)),
        }
    }
    table.iter().map(|(k, v)| (k.clone(), value(v))).collect()
}

/// Markdown text on one line, for a heading or the summary line.
fn one_line(text: &str) -> String {
    let text: Cow<str> = if text.contains(['\n', '\r']) {
        Cow::Owned(text.replace(['\n', '\r'], " "))
    } else {
        Cow::Borrowed(text)
    };
    text.trim().to_string()
}
