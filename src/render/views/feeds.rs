//! The feeds' views: the context of `atom.xml` (RFC 4287) and the text of `feed.json` (JSON
//! Feed 1.1), with the same entries, for the site, a tag, a keyword feed or an author.
//!
//! What a paper does not have is left out rather than written empty: a count-only record
//! (`author_count = 7`) has no author element (the feed's author stands for it, as RFC 4287
//! section 4.1.1 allows), an empty abstract no `<summary>`/`<content>`. Builds views only; the
//! plan decides which feeds exist.

use serde::Serialize;
use tera::Value;

use super::pages::{Each, PageSink};
use super::{SiteData, authors_display, rfc3339};
use crate::index::PaperId;
use crate::plan::{FeedScope, PlannedPage};
use crate::routes;

/// The JSON Feed version this writes, its first key.
const JSON_FEED_VERSION: &str = "https://jsonfeed.org/version/1.1";

impl SiteData<'_> {
    /// What an Atom feed page is made of: `feed` and its `entries`.
    pub(super) fn describe_atom(
        &self,
        page: &PlannedPage,
        scope: FeedScope,
        sink: &mut impl PageSink,
    ) {
        let (title, ids, alternate) = self.feed_source(scope);
        sink.view("feed", || FeedView {
            title,
            url: self.config.url(&page.path),
            alternate_url: alternate,
            updated: ids
                .iter()
                .map(|&id| self.papers[id].date)
                .max()
                .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), rfc3339),
            author: self.feed_author(),
        });
        // Entries show what cards show (names as shown, tags, summary) and the body.
        let inputs = (Each(self.card_hashes, ids), Each(self.body_hashes, ids));
        sink.made_of("entries", inputs, || {
            let entries: Vec<FeedEntry> = ids.iter().map(|&id| self.feed_entry(id)).collect();
            Value::from_serializable(&entries)
        });
    }

    /// A JSON Feed 1.1 of the site, a tag or a keyword feed, with the same entries as its Atom
    /// feed. Written from structs so that `version` comes first, as the spec asks, and absent
    /// things are left out rather than written as `""` or `[]`.
    pub(super) fn json_feed(&self, page: &PlannedPage, scope: FeedScope) -> String {
        let config = self.config;
        let (title, ids, home) = self.feed_source(scope);
        let items = ids
            .iter()
            .map(|&id| {
                let entry = self.feed_entry(id);
                let paper = &self.papers[id];
                // The spec requires `content_html` or `content_text`: a paper without an
                // abstract says what it is in plain text.
                let (content_html, content_text) = if entry.content.is_empty() {
                    let shown = authors_display(paper);
                    let text = if shown.is_empty() {
                        entry.title.clone()
                    } else {
                        format!("{} — {shown}", entry.title)
                    };
                    (None, Some(text))
                } else {
                    (Some(entry.content), None)
                };
                JsonItem {
                    id: entry.url.clone(),
                    url: entry.url,
                    external_url: paper
                        .arxiv
                        .as_ref()
                        .map(|id| format!("https://arxiv.org/abs/{id}")),
                    title: entry.title,
                    content_html,
                    content_text,
                    summary: Some(entry.summary).filter(|s| !s.is_empty()),
                    date_published: entry.updated,
                    authors: entry
                        .authors
                        .into_iter()
                        .map(|name| JsonAuthor { name })
                        .collect(),
                    tags: entry.tags,
                }
            })
            .collect();
        let feed = JsonFeed {
            version: JSON_FEED_VERSION,
            title,
            home_page_url: home,
            feed_url: config.url(&page.path),
            description: Some(config.description.as_str()).filter(|d| !d.is_empty()),
            language: Some(config.language.as_str()).filter(|l| !l.is_empty()),
            authors: [&config.author]
                .into_iter()
                .filter(|a| !a.is_empty())
                .map(|name| JsonAuthor { name: name.clone() })
                .collect(),
            items,
        };
        let mut text = serde_json::to_string_pretty(&feed).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The name an Atom feed gives as its author (RFC 4287 requires one on the feed or on
    /// every entry, and count-only records have none): `author` from `site.toml` (which
    /// defaults to the title), else the title, else the site's URL.
    pub(crate) fn feed_author(&self) -> String {
        let config = self.config;
        [&config.author, &config.title, &config.base_url]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_default()
    }

    /// A feed's title, its newest papers (at most `feed_limit`) and the page it follows.
    pub(super) fn feed_source(&self, scope: FeedScope) -> (String, &[PaperId], String) {
        let (config, index) = (self.config, self.index);
        let (title, ids, alternate) = match scope {
            FeedScope::Tag(t) => {
                let tag = &index.tags[t];
                (
                    format!("{} — {}", config.title, tag.name),
                    &tag.papers[..],
                    config.url(&routes::tag(&tag.slug)),
                )
            }
            FeedScope::Keyword(k) => {
                let feed = &index.keyword_feeds[k];
                (
                    format!("{} — {}", config.title, feed.name),
                    &feed.papers[..],
                    config.url(&routes::keyword_feed(&feed.slug)),
                )
            }
            FeedScope::Author(a) => {
                let author = &index.authors.authors[a];
                (
                    format!("{} — {}", config.title, author.name),
                    &author.papers[..],
                    config.url(&routes::author(&author.slug)),
                )
            }
            FeedScope::Site => (
                config.title.clone(),
                &index.order[..],
                config.base_url.clone(),
            ),
        };
        (title, &ids[..ids.len().min(config.feed_limit)], alternate)
    }

    /// Paper `id` as a feed entry. Only names are authors: a record that knows only how many
    /// authors it has gets none (never "7 authors" as a person's name).
    fn feed_entry(&self, id: PaperId) -> FeedEntry {
        let paper = &self.papers[id];
        FeedEntry {
            title: paper.title.clone(),
            url: self.config.url(&routes::paper(&paper.slug)),
            updated: rfc3339(paper.date),
            // Names as read ("{The ATLAS Collaboration}" without its braces); a count is
            // not a name, so a count-only record has none.
            authors: paper
                .authors
                .iter()
                .map(|a| crate::record::author::display_name(a).into_owned())
                .filter(|a| !a.trim().is_empty())
                .collect(),
            // The tldr when there is one: both formats define the summary as a short plain
            // text about the item (RFC 4287 section 4.2.13; JSON Feed 1.1's "a plain text
            // sentence or two"); the abstract stays the content.
            summary: paper
                .tldr
                .clone()
                .unwrap_or_else(|| self.summaries[id].clone()),
            content: self.body(id).rendered.html,
            tags: self.index.paper_tags[id]
                .iter()
                .map(|&t| self.index.tags[t].name.clone())
                .collect(),
        }
    }
}

/// What `atom.xml` sees as `feed`.
#[derive(Serialize, Hash)]
struct FeedView {
    title: String,
    url: String,
    alternate_url: String,
    updated: String,
    /// The feed's author, never empty (see [`SiteData::feed_author`]).
    author: String,
}

/// What `atom.xml` sees of each entry.
#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    /// The authors' names; empty when the record has none (the template then writes none).
    authors: Vec<String>,
    /// Plain text: the tldr, else the abstract shortened; empty when the paper has neither.
    summary: String,
    /// HTML of the abstract; the Atom template escapes it into `<content type="html">`.
    content: String,
    tags: Vec<String>,
}

/// A JSON Feed 1.1 document; fields in the order written, `version` first.
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor>,
    items: Vec<JsonItem>,
}

/// An item of a JSON Feed: `id` first; one of `content_html` and `content_text`.
#[derive(Serialize)]
struct JsonItem {
    id: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    date_published: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

/// A JSON Feed author: only a name.
#[derive(Serialize)]
struct JsonAuthor {
    name: String,
}
