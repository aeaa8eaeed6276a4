//! Paper cards: what lists show of a paper, said once.
//!
//! Each card is described field by field by one function ([`describe_compact`] for title lists,
//! [`describe_card`] for full cards, [`describe_tag`] for the tags they carry; the COinS of
//! each entry comes from [`coins`](super::coins)), written into a
//! [`CardSink`]. Two sinks read the same description: [`MapSink`] builds the template value,
//! [`HashSink`] feeds the hash that page fingerprints are made of. A field added to a card is
//! therefore in its hash too; `views::guard_tests` checks it on whole sites.

use std::borrow::Cow;
use std::hash::Hash;

use tera::Value;

use super::SiteData;
use super::text::write_authors_display;
use crate::calendar::write_display_date;
use crate::config::Config;
use crate::hash::{FingerprintHasher, hasher};
use crate::index::tags::Tag;
use crate::index::{AuthorIndex, PaperId, SiteIndex};
use crate::record::Paper;
use crate::record::author::display_name;
use crate::routes;

/// Fields of a title-list entry ([`describe_compact`], with its COinS) and of a card (those
/// and 10 more).
const COMPACT_FIELDS: usize = 9;
pub(super) const CARD_FIELDS: usize = COMPACT_FIELDS + 10;

/// Whether title-list entries carry their COinS (`coins`, see [`super::coins`]): the lists of
/// the papers a page is about do; lists beside them (related papers, the month's top papers on
/// the home page) do not, so a reference manager offers each paper of a page once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Coins {
    /// With `coins`.
    With,
    /// Without it.
    Without,
}

/// Tags a card shows on lists: the first ones by name, then "+N more" (`more_tags`) linking to
/// the paper's own page, which shows them all. Every tag page lists the cards of its papers, so
/// cards showing every tag made one record's share of the output grow with the square of its
/// tag count (2,000 tags: 483 MB).
pub(super) const CARD_TAGS: usize = 10;

/// Where a card's description goes: a template value or a hash. Fields come in a fixed order.
pub(super) trait CardSink {
    /// A text field taken as is.
    fn str(&mut self, key: &'static str, value: &str);
    /// A text field written by `write` into a scratch string (formatted dates, URLs).
    fn text(&mut self, key: &'static str, write: impl FnOnce(&mut String));
    /// A text field of characters HTML never needs escaped (URL-safe ASCII), written by
    /// `write`: templates get it marked safe, so it is written as it is.
    fn url_safe_text(&mut self, key: &'static str, write: impl FnOnce(&mut String));
    /// A text field that may be missing (`none` in templates).
    fn opt_str(&mut self, key: &'static str, value: Option<&str>);
    /// A number that may be missing.
    fn opt_number(&mut self, key: &'static str, value: Option<u32>);
    /// A count.
    fn count(&mut self, key: &'static str, value: usize);
    /// A list of texts.
    fn strs<'a>(&mut self, key: &'static str, values: impl ExactSizeIterator<Item = Cow<'a, str>>);
    /// A list of links, each a `label` and a `url`.
    fn links(&mut self, key: &'static str, links: &[LinkView<'_>]);
    /// A list of tags (indices into `tags`), each as [`describe_tag`] says.
    fn tags(&mut self, key: &'static str, ids: &[usize], tags: &[Tag]);
}

/// What a title list shows of a paper: `title`, `slug`, `url`, `date`, `date_display`,
/// `day_url`, `authors_display`, `upvotes`, and with [`Coins::With`] `coins` (the paper as a
/// COinS ContextObject, for the `title` of a `<span class="Z3988">`); every card starts with
/// them. `base` is put in front of the links.
pub(super) fn describe_compact(paper: &Paper, base: &str, coins: Coins, sink: &mut impl CardSink) {
    sink.str("title", &paper.title);
    sink.str("slug", &paper.slug);
    sink.text("url", |out| {
        out.push_str(base);
        routes::write_paper(out, &paper.slug);
    });
    sink.text("date", |out| {
        crate::calendar::push_iso_date(out, paper.date)
    });
    sink.text("date_display", |out| write_display_date(out, paper.date));
    sink.text("day_url", |out| {
        out.push_str(base);
        routes::write_day(out, paper.date);
    });
    sink.text("authors_display", |out| write_authors_display(out, paper));
    sink.opt_number("upvotes", paper.upvotes);
    if coins == Coins::With {
        sink.url_safe_text("coins", |out| super::coins::write_kev(out, paper));
    }
}

/// The per-paper columns cards are made of, besides the index (by paper id).
#[derive(Clone, Copy)]
pub(crate) struct CardRows<'a> {
    /// The papers.
    pub papers: &'a [Paper],
    /// Their abstracts shortened for lists.
    pub summaries: &'a [String],
    /// Their authors' person numbers (see `index::authors`).
    pub author_numbers: &'a [Vec<u32>],
}

/// What a card is made of, borrowed from the site.
pub(super) struct CardSource<'a> {
    /// The paper.
    pub paper: &'a Paper,
    /// Its abstract shortened for lists.
    pub summary: &'a str,
    /// Its tags, as indices into `tags`, in the order shown.
    pub tag_ids: &'a [usize],
    /// Every tag of the site.
    pub tags: &'a [Tag],
    /// Its authors' person numbers, one per name (empty without author pages).
    pub author_numbers: &'a [u32],
    /// The authors with a page.
    pub authors: &'a AuthorIndex,
}

impl<'a> CardSource<'a> {
    /// Paper `id`'s card source.
    pub(super) fn new(rows: &CardRows<'a>, index: &'a SiteIndex, id: PaperId) -> Self {
        CardSource {
            paper: &rows.papers[id],
            summary: &rows.summaries[id],
            tag_ids: &index.paper_tags[id],
            tags: &index.tags,
            author_numbers: rows.author_numbers.get(id).map_or(&[], Vec::as_slice),
            authors: &index.authors,
        }
    }
}

/// What a list shows of a paper: [`describe_compact`]'s fields, then `authors` (names as
/// shown: an organisation without its braces, "Last, First" in reading order),
/// `author_links` (each name as `label` with its author page as `url`, `""` for a name
/// without a page; an empty list when none of them has one), `author_count`,
/// `tags` (the first `tag_limit`), `more_tags` (how many are left out), `arxiv`, `doi`, `links`,
/// `summary` and `tldr` (`none` when the record has none; the default theme's cards show it
/// whole in place of the cut abstract, and the paper page above the abstract).
pub(super) fn describe_card(
    card: &CardSource<'_>,
    base: &str,
    tag_limit: usize,
    coins: Coins,
    sink: &mut impl CardSink,
) {
    let paper = card.paper;
    describe_compact(paper, base, coins, sink);
    sink.strs("authors", paper.authors.iter().map(|a| display_name(a)));
    describe_author_links(card, base, sink);
    sink.opt_number("author_count", paper.author_count);
    let shown = &card.tag_ids[..card.tag_ids.len().min(tag_limit)];
    sink.tags("tags", shown, card.tags);
    sink.count("more_tags", card.tag_ids.len() - shown.len());
    sink.opt_str("arxiv", paper.arxiv.as_deref());
    sink.opt_str("doi", paper.doi.as_deref());
    sink.links("links", &paper_links(paper));
    sink.str("summary", card.summary);
    sink.opt_str("tldr", paper.tldr.as_deref());
}

/// A card's `author_links`: only when one of its names has a page, so that a site without
/// author pages (or a paper whose authors have none) writes the names as before.
fn describe_author_links(card: &CardSource<'_>, base: &str, sink: &mut impl CardSink) {
    let pages: Vec<Option<usize>> = card
        .author_numbers
        .iter()
        .map(|&n| card.authors.page_of(n))
        .collect();
    if !pages.iter().any(Option::is_some) {
        sink.links("author_links", &[]);
        return;
    }
    let names: Vec<Cow<'_, str>> = card.paper.authors.iter().map(|a| display_name(a)).collect();
    let links: Vec<LinkView<'_>> = names
        .iter()
        .zip(&pages)
        .map(|(name, page)| LinkView {
            label: name,
            url: page.map_or_else(String::new, |a| {
                let mut url = String::from(base);
                url.push_str(&routes::author(&card.authors.authors[a].slug));
                url
            }),
        })
        .collect();
    sink.links("author_links", &links);
}

/// What a card shows of a tag: `name`, `slug`, `url`.
pub(super) fn describe_tag(tag: &Tag, base: &str, sink: &mut impl CardSink) {
    sink.str("name", &tag.name);
    sink.str("slug", &tag.slug);
    sink.text("url", |out| {
        out.push_str(base);
        out.push_str(&routes::tag(&tag.slug));
    });
}

/// Builds a card's template value: one map, its text fields formatted in one scratch string.
///
/// The fields are collected in order and made a map once, at the end, through tera's
/// serializer (which takes a value as it is, a count for a list or a long text): tera's
/// `From<Map>` copies a map entry by entry, so a map built first had every key hashed twice.
pub(super) struct MapSink<'a> {
    fields: Vec<(&'static str, Value)>,
    /// A tera string copies its text (into the value when short, else into an `Arc`), so the
    /// formatted fields are written into one scratch string rather than each into its own.
    scratch: String,
    /// Each tag's value, shared by every card that shows it (see [`tag_values`]).
    tag_values: &'a [Value],
}

impl<'a> MapSink<'a> {
    /// An empty map with room for `capacity` fields.
    pub(super) fn new(capacity: usize, tag_values: &'a [Value]) -> Self {
        MapSink {
            fields: Vec::with_capacity(capacity),
            scratch: String::with_capacity(128),
            tag_values,
        }
    }

    /// The template value built.
    pub(super) fn into_value(self) -> Value {
        Value::from_serializable(&Fields(&self.fields))
    }
}

/// Fields as one map (see [`MapSink`]).
struct Fields<'a>(&'a [(&'static str, Value)]);

impl serde::Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut map = serializer.serialize_struct("card", self.0.len())?;
        for (key, value) in self.0 {
            map.serialize_field(key, value)?;
        }
        map.end()
    }
}

impl CardSink for MapSink<'_> {
    fn str(&mut self, key: &'static str, value: &str) {
        self.fields.push((key, Value::from(value)));
    }

    fn text(&mut self, key: &'static str, write: impl FnOnce(&mut String)) {
        write(&mut self.scratch);
        self.fields.push((key, Value::from(self.scratch.as_str())));
        self.scratch.clear();
    }

    fn url_safe_text(&mut self, key: &'static str, write: impl FnOnce(&mut String)) {
        write(&mut self.scratch);
        self.fields.push((key, Value::safe_string(&self.scratch)));
        self.scratch.clear();
    }

    fn opt_str(&mut self, key: &'static str, value: Option<&str>) {
        self.fields.push((key, Value::from(value)));
    }

    fn opt_number(&mut self, key: &'static str, value: Option<u32>) {
        self.fields.push((key, Value::from(value)));
    }

    fn count(&mut self, key: &'static str, value: usize) {
        self.fields.push((key, Value::from(value)));
    }

    fn strs<'b>(&mut self, key: &'static str, values: impl ExactSizeIterator<Item = Cow<'b, str>>) {
        let values: Vec<Value> = values.map(|v| Value::from(&*v)).collect();
        self.fields.push((key, Value::from(values)));
    }

    fn links(&mut self, key: &'static str, links: &[LinkView<'_>]) {
        // Each a map of `label` and `url`.
        self.fields.push((key, Value::from_serializable(links)));
    }

    fn tags(&mut self, key: &'static str, ids: &[usize], _: &[Tag]) {
        let tags: Vec<Value> = ids.iter().map(|&t| self.tag_values[t].clone()).collect();
        self.fields.push((key, Value::from(tags)));
    }
}

/// Feeds a card's description to a hash. Links are hashed without the base path: every page
/// fingerprint hashes the config, which holds it.
pub(super) struct HashSink {
    hasher: FingerprintHasher,
    scratch: String,
}

impl HashSink {
    pub(super) fn new() -> Self {
        HashSink {
            hasher: hasher(),
            scratch: String::new(),
        }
    }

    pub(super) fn finish(self) -> u64 {
        std::hash::Hasher::finish(&self.hasher)
    }
}

impl CardSink for HashSink {
    fn str(&mut self, _: &'static str, value: &str) {
        value.hash(&mut self.hasher);
    }

    fn text(&mut self, _: &'static str, write: impl FnOnce(&mut String)) {
        write(&mut self.scratch);
        self.scratch.hash(&mut self.hasher);
        self.scratch.clear();
    }

    fn url_safe_text(&mut self, key: &'static str, write: impl FnOnce(&mut String)) {
        self.text(key, write);
    }

    fn opt_str(&mut self, _: &'static str, value: Option<&str>) {
        value.hash(&mut self.hasher);
    }

    fn opt_number(&mut self, _: &'static str, value: Option<u32>) {
        value.hash(&mut self.hasher);
    }

    fn count(&mut self, _: &'static str, value: usize) {
        value.hash(&mut self.hasher);
    }

    fn strs<'b>(&mut self, _: &'static str, values: impl ExactSizeIterator<Item = Cow<'b, str>>) {
        values.len().hash(&mut self.hasher);
        for value in values {
            value.hash(&mut self.hasher);
        }
    }

    fn links(&mut self, _: &'static str, links: &[LinkView<'_>]) {
        links.hash(&mut self.hasher);
    }

    fn tags(&mut self, _: &'static str, ids: &[usize], tags: &[Tag]) {
        ids.len().hash(&mut self.hasher);
        for &t in ids {
            describe_tag(&tags[t], "", self);
        }
    }
}

/// A link with a label, for paper links and searches.
#[derive(serde::Serialize, Hash)]
pub(super) struct LinkView<'a> {
    pub label: &'a str,
    pub url: String,
}

/// A paper's links as pages show them (arXiv, DOI, then its `links`), each URL encoded for an
/// `href` ([`crate::href`]).
fn paper_links(paper: &Paper) -> Vec<LinkView<'_>> {
    let mut links = Vec::new();
    if let Some(id) = &paper.arxiv {
        links.push(LinkView {
            label: "arXiv",
            url: format!("https://arxiv.org/abs/{id}"),
        });
        if !paper.links.contains_key("pdf") {
            links.push(LinkView {
                label: "PDF",
                url: format!("https://arxiv.org/pdf/{id}"),
            });
        }
    }
    if let Some(doi) = &paper.doi {
        links.push(LinkView {
            label: "DOI",
            url: crate::href::doi_url(doi),
        });
    }
    // Well-known links first, in a fixed order, then the rest by name.
    for (key, label) in [("pdf", "PDF"), ("code", "Code"), ("project", "Project")] {
        if let Some(url) = paper.links.get(key) {
            links.push(LinkView {
                label,
                url: crate::href::link_href(url),
            });
        }
    }
    for (key, url) in &paper.links {
        if !["pdf", "code", "project"].contains(&key.as_str()) {
            links.push(LinkView {
                label: key,
                url: crate::href::link_href(url),
            });
        }
    }
    links
}

/// Each tag as the template value cards share ([`describe_tag`]): one per tag for the whole
/// site instead of one per paper and tag.
pub(crate) fn tag_values(config: &Config, index: &SiteIndex) -> Vec<Value> {
    let base = config.base_path();
    index
        .tags
        .iter()
        .map(|tag| {
            let mut sink = MapSink::new(3, &[]);
            describe_tag(tag, base, &mut sink);
            sink.into_value()
        })
        .collect()
}

/// A hash of what title lists show of a paper ([`describe_compact`] with its COinS, for lists
/// with and without them): an abstract edit changes its card but not this, so title lists are
/// not rendered again.
pub(crate) fn compact_hash(paper: &Paper) -> u64 {
    let mut sink = HashSink::new();
    describe_compact(paper, "", Coins::With, &mut sink);
    sink.finish()
}

/// A hash of everything paper `id`'s card shows ([`describe_card`] with all its tags: a list
/// shows the first ones and counts the rest, its own page all), for rebuild decisions.
/// `_config` is not read: links are hashed without the base path, which the config hash of
/// every fingerprint covers.
pub(crate) fn card_hash(
    _config: &Config,
    rows: &CardRows<'_>,
    index: &SiteIndex,
    id: PaperId,
) -> u64 {
    let mut sink = HashSink::new();
    describe_card(
        &CardSource::new(rows, index, id),
        "",
        usize::MAX,
        Coins::With,
        &mut sink,
    );
    sink.finish()
}

/// A hash of what a paper's BibTeX is made of (see `export::bibtex::cite`; its key is hashed
/// apart, as it depends on the other papers too).
pub(crate) fn cite_hash(paper: &Paper) -> u64 {
    let venue = ["journal", "booktitle", "venue", "bibtex_type", "type"]
        .map(|key| paper.extra.get(key).and_then(toml::Value::as_str));
    crate::hash::hash_of(&(
        (&paper.title, &paper.slug, paper.date, paper.published),
        (&paper.authors, venue),
        (
            &paper.arxiv,
            &paper.doi,
            paper.links.get("url"),
            &paper.tags,
        ),
    ))
}

impl SiteData<'_> {
    /// Paper `id`'s card as a template value, built when a page needs it: keeping one per paper
    /// for the whole build would cost more memory than the papers themselves (measured: peak
    /// 1.10 GB with kept cards, 0.76 GB without, same CPU time, at 100,000 papers).
    pub(super) fn card(&self, id: PaperId) -> Value {
        self.card_with_tags(id, CARD_TAGS)
    }

    /// Paper `id`'s card showing at most `tag_limit` of its tags (`tags`), with the number left
    /// out (`more_tags`).
    pub(super) fn card_with_tags(&self, id: PaperId, tag_limit: usize) -> Value {
        let mut sink = MapSink::new(CARD_FIELDS, self.tag_values);
        let source = CardSource::new(&self.card_rows(), self.index, id);
        let coins = self.coins(Coins::With);
        describe_card(
            &source,
            self.config.base_path(),
            tag_limit,
            coins,
            &mut sink,
        );
        sink.into_value()
    }

    /// The columns cards are made of.
    pub(super) fn card_rows(&self) -> CardRows<'_> {
        CardRows {
            papers: self.papers,
            summaries: self.summaries,
            author_numbers: self.author_numbers,
        }
    }

    pub(super) fn cards_of(&self, ids: &[PaperId]) -> Value {
        Value::from(ids.iter().map(|&id| self.card(id)).collect::<Vec<_>>())
    }

    /// What a title list shows of paper `id` ([`describe_compact`]): a fraction of a card's
    /// cost, for the lists that show no abstract (months, weeks, other orders, later tag pages).
    pub(super) fn compact_card(&self, id: PaperId, coins: Coins) -> Value {
        let mut sink = MapSink::new(COMPACT_FIELDS, &[]);
        let coins = self.coins(coins);
        describe_compact(&self.papers[id], self.config.base_path(), coins, &mut sink);
        sink.into_value()
    }

    /// `wanted`, unless the site leaves COinS out (`[output] coins = false`). The hashes always
    /// cover them: every page fingerprint hashes the config, which says whether they are shown.
    fn coins(&self, wanted: Coins) -> Coins {
        if self.config.output.coins {
            wanted
        } else {
            Coins::Without
        }
    }

    pub(super) fn compact_cards_of(&self, ids: &[PaperId], coins: Coins) -> Value {
        Value::from(
            ids.iter()
                .map(|&id| self.compact_card(id, coins))
                .collect::<Vec<_>>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key a sink is given, in order.
    #[derive(Default)]
    struct Keys(Vec<&'static str>);

    impl CardSink for Keys {
        fn str(&mut self, key: &'static str, _: &str) {
            self.0.push(key);
        }
        fn text(&mut self, key: &'static str, _: impl FnOnce(&mut String)) {
            self.0.push(key);
        }
        fn url_safe_text(&mut self, key: &'static str, _: impl FnOnce(&mut String)) {
            self.0.push(key);
        }
        fn opt_str(&mut self, key: &'static str, _: Option<&str>) {
            self.0.push(key);
        }
        fn opt_number(&mut self, key: &'static str, _: Option<u32>) {
            self.0.push(key);
        }
        fn count(&mut self, key: &'static str, _: usize) {
            self.0.push(key);
        }
        fn strs<'b>(&mut self, key: &'static str, _: impl ExactSizeIterator<Item = Cow<'b, str>>) {
            self.0.push(key);
        }
        fn links(&mut self, key: &'static str, _: &[LinkView<'_>]) {
            self.0.push(key);
        }
        fn tags(&mut self, key: &'static str, _: &[usize], _: &[Tag]) {
            self.0.push(key);
        }
    }

    fn paper(front: &str) -> Paper {
        let text = format!("+++\ntitle = \"T\"\ndate = 2025-02-06\n{front}+++\n");
        crate::record::parse(&text, "p.md", "t").unwrap()
    }

    /// The field counts that size the maps are the description's.
    #[test]
    fn map_capacities_match_the_descriptions() {
        let p = paper("");
        let mut keys = Keys::default();
        describe_compact(&p, "", Coins::With, &mut keys);
        assert_eq!(keys.0.len(), COMPACT_FIELDS);
        let mut keys = Keys::default();
        describe_compact(&p, "", Coins::Without, &mut keys);
        assert_eq!(keys.0.len(), COMPACT_FIELDS - 1);
        let authors = AuthorIndex::default();
        let card = CardSource {
            paper: &p,
            summary: "",
            tag_ids: &[],
            tags: &[],
            author_numbers: &[],
            authors: &authors,
        };
        let mut keys = Keys::default();
        describe_card(&card, "", CARD_TAGS, Coins::With, &mut keys);
        assert_eq!(keys.0.len(), CARD_FIELDS);
        let mut unique = keys.0.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            keys.0.len(),
            "a key given twice: {:?}",
            keys.0
        );
    }

    /// The compact hash follows what title lists show, and only that.
    #[test]
    fn compact_hash_follows_title_list_fields() {
        let base = compact_hash(&paper("upvotes = 3\n"));
        assert_eq!(base, compact_hash(&paper("upvotes = 3\n")));
        assert_ne!(base, compact_hash(&paper("upvotes = 4\n")));
        assert_ne!(base, compact_hash(&paper("upvotes = 3\nslug = \"x\"\n")));
        assert_ne!(
            base,
            compact_hash(&paper("upvotes = 3\nauthor_count = 2\n"))
        );
        // Identifiers and authors are in the entries' COinS.
        assert_ne!(
            base,
            compact_hash(&paper("upvotes = 3\narxiv = \"2502.04522\"\n"))
        );
        assert_ne!(
            base,
            compact_hash(&paper("upvotes = 3\ndoi = \"10.1000/x\"\n"))
        );
        // The abstract is on cards, not title lists.
        let with_body = |body: &str| {
            let text = format!("+++\ntitle = \"T\"\ndate = 2025-02-06\nupvotes = 3\n+++\n{body}");
            compact_hash(&crate::record::parse(&text, "p.md", "t").unwrap())
        };
        assert_eq!(with_body("One abstract.\n"), with_body("Another.\n"));
    }
}
