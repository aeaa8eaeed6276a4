//! Every feed of the site in one place: the subscribe page (`/subscribe/`, with the Atom and
//! JSON Feed address of each to copy) and the same list as OPML (`/feeds.opml`), which a feed
//! reader imports in one step. The feeds themselves are planned elsewhere; this only lists
//! them, from the index, so the list and the files cannot disagree.

use std::borrow::Cow;
use std::hash::Hash;

use serde::Serialize;

use super::SiteData;
use crate::routes;

/// One feed: what it follows and where it is. Feed addresses are absolute (they are copied
/// into readers); `page_url` is a link within the site.
#[derive(Debug, Serialize, Hash)]
pub(super) struct FeedLinks<'a> {
    name: Cow<'a, str>,
    /// A fragment id unique on the page, for the copy buttons.
    id: String,
    page_url: String,
    /// The page's absolute address (OPML's `htmlUrl`).
    #[serde(skip)]
    html_url: String,
    atom_url: String,
    json_url: String,
    /// Papers it follows (the whole tag or feed; the feed file holds the newest).
    count: usize,
}

/// What the subscribe page shows: the site's feed, the digest feed (when `[email] feed` is on),
/// every tag's, every keyword feed's and every author's with a page.
#[derive(Debug, Serialize, Hash)]
pub(super) struct SubscribeView<'a> {
    site: FeedLinks<'a>,
    digest: Option<FeedLinks<'a>>,
    tags: Vec<FeedLinks<'a>>,
    keywords: Vec<FeedLinks<'a>>,
    /// Authors with a page (`[output] author_pages`).
    authors: Vec<FeedLinks<'a>>,
    opml_url: String,
}

impl Hash for ListsOf<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.len().hash(state);
        for tag in self.0 {
            (&tag.name, &tag.slug, tag.papers.len()).hash(state);
        }
    }
}

/// Tags or keyword feeds by what the subscribe page shows of them.
struct ListsOf<'a>(&'a [crate::index::tags::Tag]);

impl SiteData<'_> {
    /// What [`SiteData::subscribe_view`] is made of besides the settings (which every
    /// fingerprint holds): the numbers of papers and days, and each tag's, keyword feed's and
    /// author's name, slug and number of papers. Hashed for the subscribe page and the OPML
    /// file instead of the view, whose 10,000 links at 100,000 papers were made again after
    /// every edit.
    pub(super) fn subscribe_inputs(&self) -> impl Hash + '_ {
        let index = self.index;
        let authors = &index.authors.authors;
        (
            (self.papers.len(), index.days.len()),
            ListsOf(&index.tags),
            ListsOf(&index.keyword_feeds),
            authors.len(),
            authors
                .iter()
                .map(|a| (&a.name, &a.slug, a.papers.len()))
                .collect::<Vec<_>>(),
        )
    }

    /// The subscribe page's list of feeds.
    pub(super) fn subscribe_view<'a>(&'a self) -> SubscribeView<'a> {
        let config = self.config;
        let index = self.index;
        let links = |name: &'a str, id: String, base: &str, count| FeedLinks {
            name: Cow::Borrowed(name),
            id,
            page_url: config.link(base),
            html_url: config.url(base),
            atom_url: config.url(&routes::atom(base)),
            json_url: config.url(&routes::json_feed(base)),
            count,
        };
        SubscribeView {
            site: links(
                config.title.as_str(),
                "site".into(),
                routes::HOME,
                self.papers.len(),
            ),
            digest: config.email.feed.map(|_| FeedLinks {
                name: Cow::Owned(format!("{}: the daily email", config.email.list_name)),
                id: "digest".into(),
                page_url: config.link(routes::HOME),
                html_url: config.url(routes::HOME),
                atom_url: config.url(routes::DIGEST_ATOM),
                json_url: config.url(routes::DIGEST_JSON),
                count: self.index.days.len().min(config.email.recent),
            }),
            tags: index
                .tags
                .iter()
                .map(|tag| {
                    links(
                        tag.name.as_str(),
                        format!("tag-{}", tag.slug),
                        &routes::tag(&tag.slug),
                        tag.papers.len(),
                    )
                })
                .collect(),
            keywords: index
                .keyword_feeds
                .iter()
                .map(|feed| {
                    links(
                        feed.name.as_str(),
                        format!("feed-{}", feed.slug),
                        &routes::keyword_feed(&feed.slug),
                        feed.papers.len(),
                    )
                })
                .collect(),
            authors: index
                .authors
                .authors
                .iter()
                .map(|author| {
                    links(
                        author.name.as_str(),
                        format!("author-{}", author.slug),
                        &routes::author(&author.slug),
                        author.papers.len(),
                    )
                })
                .collect(),
            opml_url: config.link(routes::OPML),
        }
    }

    /// `feeds.opml` (OPML 2.0): every Atom feed of the subscribe page, tags, keyword feeds and
    /// authors each in an outline of their own, so a reader files them in folders.
    pub(super) fn opml(&self) -> String {
        let view = self.subscribe_view();
        let x = |text: &str| crate::text_clean::escape_markup(text, "&apos;");
        let config = self.config;
        let feed = |out: &mut String, indent: &str, links: &FeedLinks<'_>| {
            out.push_str(&format!(
                "{indent}<outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{xml}\" htmlUrl=\"{html}\"/>\n",
                name = x(&links.name),
                xml = x(&links.atom_url),
                html = x(&links.html_url),
            ));
        };
        let mut out =
            String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<opml version=\"2.0\">\n");
        out.push_str(&format!(
            "  <head>\n    <title>{}: feeds</title>\n    <docs>https://opml.org/spec2.opml</docs>\n  </head>\n  <body>\n",
            x(&config.title)
        ));
        feed(&mut out, "    ", &view.site);
        if let Some(digest) = &view.digest {
            feed(&mut out, "    ", digest);
        }
        for (title, list) in [
            ("Tags", &view.tags),
            ("Keyword feeds", &view.keywords),
            ("Authors", &view.authors),
        ] {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("    <outline text=\"{title}\">\n"));
            for links in list.iter() {
                feed(&mut out, "      ", links);
            }
            out.push_str("    </outline>\n");
        }
        out.push_str("  </body>\n</opml>\n");
        crate::text_clean::clean(&mut out);
        out
    }
}
