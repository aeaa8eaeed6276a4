//! View structs: what each template sees. Built for the page at hand from borrowed site data.
//!
//! A paper's card (what lists show) is turned into a template value once per build; every list
//! that shows the paper shares it (tera values are reference-counted), so a page's context costs
//! what the page shows and never copies corpus-wide data.

use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::index::dates::{day_path, iso_week, month_name, month_path, week_path};
use crate::index::paginate::{Pager, page_path};
use crate::index::tags::tag_path;
use crate::index::{PaperId, SiteIndex};
use crate::markdown::RenderedMarkdown;
use crate::output::plan::{PageKind, PlannedPage, Sort, keyword_feed_path};
use crate::record::Paper;
use crate::record::author::{Author, display_name};

mod feeds;

/// Fields of a title-list entry ([`SiteData::compact_card`]) and of a card (those and 7 more).
const COMPACT_FIELDS: usize = 8;
const CARD_FIELDS: usize = COMPACT_FIELDS + 8;

/// Tags a card shows on lists: the first ones by name, then "+N more" (`more_tags`) linking to
/// the paper's own page, which shows them all. Every tag page lists the cards of its papers, so
/// cards showing every tag made one record's share of the output grow with the square of its
/// tag count (2,000 tags: 483 MB).
const CARD_TAGS: usize = 10;

/// Everything a page's context may be built from, borrowed from the build.
pub struct SiteData<'a> {
    /// The site's settings.
    pub config: &'a Config,
    /// The papers, by id.
    pub papers: &'a [Paper],
    /// Each paper's rendered body, by id.
    pub bodies: &'a [RenderedMarkdown],
    /// Each paper's abstract shortened for lists and feeds, by id.
    pub summaries: &'a [String],
    /// The groupings of the papers.
    pub index: &'a SiteIndex,
    /// Each tag as a template value, shared by every card that shows it (see [`tag_values`]).
    pub tag_values: &'a [Value],
    /// A hash of each paper's card, by id: what lists show of it.
    pub card_hashes: &'a [u64],
    /// A hash of each paper's rendered body and `extra`, by id: what its own page adds.
    pub body_hashes: &'a [u64],
    /// A hash of what title lists show of each paper ([`compact_hash`]), by id.
    pub compact_hashes: &'a [u64],
    /// A hash of what each paper's BibTeX is made of ([`cite_hash`]), by id.
    pub cite_hashes: &'a [u64],
    /// Each paper's citation key, unique in the site (see [`crate::export::cite_key`]), by id.
    pub cite_keys: &'a [String],
    /// The site's charts.
    pub charts: &'a SiteCharts,
    /// Each paper's related papers, by id, best first.
    pub related: &'a [Vec<PaperId>],
}

/// The charts of a site, drawn when the index changes (inline SVG).
#[derive(Debug, Default, Clone)]
pub struct SiteCharts {
    /// A calendar heatmap per year with papers, newest first.
    pub heatmaps: Vec<(i16, String)>,
    /// Each tag's papers per month, by tag index.
    pub tag_trends: Vec<String>,
    /// What the heatmaps were drawn from: every day and its count.
    days: Vec<(Date, usize)>,
    /// What each trend was drawn from: the tag's name, its months and the last month shown.
    trend_inputs: Vec<TrendInput>,
}

type TrendInput = (String, Vec<(i16, i8, usize)>, (i16, i8));

/// Draws the archive heatmaps and every tag's monthly trend, reusing the drawings of `previous`
/// whose data did not change (an edit changes the charts of a tag or two).
pub fn site_charts(config: &Config, index: &SiteIndex, previous: &SiteCharts) -> SiteCharts {
    use rayon::prelude::*;
    let days: Vec<(Date, usize)> = index
        .days
        .iter()
        .map(|d| (d.date, d.papers.len()))
        .collect();
    let heatmaps = if days == previous.days {
        previous.heatmaps.clone()
    } else {
        crate::render::charts::calendar_heatmaps(&days, &|date| config.link(&day_path(date)))
    };
    let until = index
        .months
        .first()
        .map_or((1970, 1), |m| (m.year, m.month));
    // Each paper's month (index into `index.months`), found by walking the months' days.
    let paper_count = index.order.len();
    let mut month_of = vec![0u32; paper_count];
    for (m, month) in index.months.iter().enumerate() {
        for &d in &month.days {
            for &id in &index.days[d].papers {
                month_of[id] = m as u32;
            }
        }
    }
    let drawn: std::collections::HashMap<&TrendInput, &String> = previous
        .trend_inputs
        .iter()
        .zip(&previous.tag_trends)
        .collect();
    let (trend_inputs, tag_trends): (Vec<TrendInput>, Vec<String>) = index
        .tags
        .par_iter()
        .map(|tag| {
            // Papers are in listing order, newest first: each month's papers are together.
            let mut months: Vec<(i16, i8, usize)> = Vec::new();
            let mut current = u32::MAX;
            for &id in &tag.papers {
                let m = month_of[id];
                if m == current
                    && let Some(last) = months.last_mut()
                {
                    last.2 += 1;
                } else {
                    current = m;
                    let month = &index.months[m as usize];
                    months.push((month.year, month.month, 1));
                }
            }
            let input = (tag.name.clone(), months, until);
            let svg = match drawn.get(&input) {
                Some(svg) => (*svg).clone(),
                None => crate::render::charts::monthly_trend(&input.1, until, &tag.name),
            };
            (input, svg)
        })
        .unzip();
    SiteCharts {
        heatmaps,
        tag_trends,
        days,
        trend_inputs,
    }
}

/// A link with a label, for tags, paper links and navigation.
#[derive(Serialize, Hash)]
struct LinkView<'a> {
    label: &'a str,
    url: String,
}

#[derive(Serialize, Hash)]
struct TagRef<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
}

/// What a list shows of a paper.
#[derive(Serialize, Hash)]
struct PaperCard<'a> {
    title: &'a str,
    slug: &'a str,
    url: String,
    date: String,
    date_display: String,
    day_url: String,
    authors: &'a [String],
    author_count: Option<u32>,
    authors_display: String,
    /// All of them: a card on a list shows the first [`CARD_TAGS`] and counts the rest, the
    /// paper's own page shows all; both follow from the whole list.
    tags: Vec<TagRef<'a>>,
    upvotes: Option<u32>,
    arxiv: Option<&'a str>,
    doi: Option<&'a str>,
    links: Vec<LinkView<'a>>,
    summary: &'a str,
}

/// "Feb 6, 2025".
pub fn display_date(date: Date) -> String {
    let mut out = String::new();
    write_display_date(&mut out, date);
    out
}

/// Appends [`display_date`] to `out`.
fn write_display_date(out: &mut String, date: Date) {
    let month = &month_name(date.month())[..3];
    let _ = write!(out, "{month} {}, {}", date.day(), date.year());
}

/// Atom/RFC 3339 timestamp of the start of a day, in UTC.
pub fn rfc3339(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// Authors as shown: names, or "7 authors" when only a count is known.
pub fn authors_display(paper: &Paper) -> String {
    let mut out = String::new();
    write_authors_display(&mut out, paper);
    out
}

/// Appends [`authors_display`] to `out`.
fn write_authors_display(out: &mut String, paper: &Paper) {
    let names = |out: &mut String, names: &[String]| {
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&display_name(name));
        }
    };
    match (paper.authors.len(), paper.author_count) {
        (0, Some(1)) => out.push_str("1 author"),
        (0, Some(n)) => {
            let _ = write!(out, "{n} authors");
        }
        (0, None) => {}
        (n, _) if n > 5 => {
            names(out, &paper.authors[..3]);
            let _ = write!(out, " et al. ({n} authors)");
        }
        _ => names(out, &paper.authors),
    }
}

/// The first `limit` characters of `text`, cut at a word boundary, with "…" when shortened.
pub fn shorten(text: &str, limit: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > limit / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c))
    )
}

/// Searches that find a paper by its title, for a paper page that has no other way to reach the
/// paper (no arXiv id, DOI or link: a pasted listing not yet enriched). Empty otherwise.
fn find_links(paper: &Paper) -> Vec<LinkView<'static>> {
    if paper.arxiv.is_some() || paper.doi.is_some() || !paper.links.is_empty() {
        return Vec::new();
    }
    let query = query_component(&paper.title);
    vec![
        LinkView {
            label: "arXiv",
            url: format!("https://arxiv.org/search/?searchtype=title&query={query}"),
        },
        LinkView {
            label: "Hugging Face",
            url: format!("https://huggingface.co/papers?q={query}"),
        },
        LinkView {
            label: "Semantic Scholar",
            url: format!("https://www.semanticscholar.org/search?q={query}"),
        },
    ]
}

/// `text` percent-encoded as one query value (RFC 3986 unreserved characters kept, spaces `+`).
fn query_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
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

/// Each tag as the template value cards share (`name`, `slug`, `url`): one per tag for the
/// whole site instead of one per paper and tag.
pub fn tag_values(config: &Config, index: &SiteIndex) -> Vec<Value> {
    index
        .tags
        .iter()
        .map(|tag| {
            Value::from_serializable(&TagRef {
                name: &tag.name,
                slug: &tag.slug,
                url: config.link(&tag_path(&tag.slug)),
            })
        })
        .collect()
}

/// What lists show of paper `id`.
fn paper_card<'a>(
    config: &Config,
    papers: &'a [Paper],
    summaries: &'a [String],
    index: &'a SiteIndex,
    id: PaperId,
) -> PaperCard<'a> {
    let paper = &papers[id];
    PaperCard {
        title: &paper.title,
        slug: &paper.slug,
        url: config.link(&format!("papers/{}/", paper.slug)),
        date: paper.date.to_string(),
        date_display: display_date(paper.date),
        day_url: config.link(&day_path(paper.date)),
        authors: &paper.authors,
        author_count: paper.author_count,
        authors_display: authors_display(paper),
        tags: index.paper_tags[id]
            .iter()
            .map(|&t| {
                let tag = &index.tags[t];
                TagRef {
                    name: &tag.name,
                    slug: &tag.slug,
                    url: config.link(&tag_path(&tag.slug)),
                }
            })
            .collect(),
        upvotes: paper.upvotes,
        arxiv: paper.arxiv.as_deref(),
        doi: paper.doi.as_deref(),
        links: paper_links(paper),
        summary: &summaries[id],
    }
}

/// A hash of what a title list shows of a paper (the fields of `SiteData::compact_card`):
/// an abstract edit changes its card but not this, so title lists are not rendered again.
pub fn compact_hash(paper: &Paper) -> u64 {
    crate::render::fingerprint::hash_of(&(
        &paper.title,
        &paper.slug,
        paper.date,
        authors_display(paper),
        paper.upvotes,
    ))
}

/// A hash of what a paper's BibTeX is made of (see `export::bibtex::cite`; its key is hashed
/// apart, as it depends on the other papers too).
pub fn cite_hash(paper: &Paper) -> u64 {
    let venue = ["journal", "booktitle", "venue", "bibtex_type", "type"]
        .map(|key| paper.extra.get(key).and_then(toml::Value::as_str));
    crate::render::fingerprint::hash_of(&(
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

/// A hash of everything paper `id`'s card shows, for rebuild decisions.
pub fn card_hash(
    config: &Config,
    papers: &[Paper],
    summaries: &[String],
    index: &SiteIndex,
    id: PaperId,
) -> u64 {
    crate::render::fingerprint::hash_of(&paper_card(config, papers, summaries, index, id))
}

#[derive(Serialize)]
struct PagerView {
    number: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
}

fn pager_view(config: &Config, base: &str, pager: &Pager) -> PagerView {
    let url = |n: usize| config.link(&page_path(base, n));
    PagerView {
        number: pager.number,
        total: pager.total,
        prev_url: (pager.number > 1).then(|| url(pager.number - 1)),
        next_url: (pager.number < pager.total).then(|| url(pager.number + 1)),
    }
}

#[derive(Serialize)]
struct DayRef {
    date: String,
    date_display: String,
    url: String,
    count: usize,
}

fn day_ref(config: &Config, date: Date, count: usize) -> DayRef {
    DayRef {
        date: date.to_string(),
        date_display: display_date(date),
        url: config.link(&day_path(date)),
        count,
    }
}

#[derive(Serialize)]
struct MonthRef {
    title: String,
    url: String,
    count: usize,
}

fn month_ref(config: &Config, year: i16, month: i8, count: usize) -> MonthRef {
    MonthRef {
        title: format!("{} {year}", month_name(month)),
        url: config.link(&month_path(year, month)),
        count,
    }
}

impl SiteData<'_> {
    /// Paper `id`'s card as a template value, built when a page needs it: keeping one per paper
    /// for the whole build would cost more memory than the papers themselves (measured: peak
    /// 1.10 GB with kept cards, 0.76 GB without, same CPU time, at 100,000 papers). Built
    /// field by field so that its tags are the shared per-tag values.
    fn card(&self, id: PaperId) -> Value {
        self.card_with_tags(id, CARD_TAGS)
    }

    /// Paper `id`'s card showing at most `tag_limit` of its tags (`tags`), with the number left
    /// out (`more_tags`).
    fn card_with_tags(&self, id: PaperId, tag_limit: usize) -> Value {
        // Built directly rather than through `PaperCard`: this runs once per paper per list, so
        // it skips what the shared values already hold (tag names and URLs) and serde.
        let paper = &self.papers[id];
        let mut map = self.compact_map(id, CARD_FIELDS);
        // Names as shown: an organisation without its braces, "Last, First" in reading order.
        let authors: Vec<Value> = paper
            .authors
            .iter()
            .map(|a| Value::from(&*display_name(a)))
            .collect();
        map.insert("authors".into(), Value::from(authors));
        map.insert("author_count".into(), Value::from(paper.author_count));
        let all_tags = &self.index.paper_tags[id];
        let shown = &all_tags[..all_tags.len().min(tag_limit)];
        let tags: Vec<Value> = shown.iter().map(|&t| self.tag_values[t].clone()).collect();
        map.insert("tags".into(), Value::from(tags));
        map.insert(
            "more_tags".into(),
            Value::from(all_tags.len() - shown.len()),
        );
        map.insert("arxiv".into(), Value::from(paper.arxiv.as_deref()));
        map.insert("doi".into(), Value::from(paper.doi.as_deref()));
        let links: Vec<Value> = paper_links(paper)
            .into_iter()
            .map(|link| {
                let mut entry = tera::Map::default();
                entry.insert("label".into(), Value::from(link.label));
                entry.insert("url".into(), Value::from(link.url));
                Value::from(entry)
            })
            .collect();
        map.insert("links".into(), Value::from(links));
        map.insert("summary".into(), Value::from(self.summaries[id].as_str()));
        Value::from(map)
    }

    fn cards_of(&self, ids: &[PaperId]) -> Value {
        Value::from(ids.iter().map(|&id| self.card(id)).collect::<Vec<_>>())
    }

    /// What a title list shows of paper `id` (`title`, `slug`, `url`, `date`, `date_display`,
    /// `day_url`, `authors_display`, `upvotes`): a fraction of a card's cost, for the lists
    /// that show no abstract (months, weeks, other orders, later tag pages).
    fn compact_card(&self, id: PaperId) -> Value {
        Value::from(self.compact_map(id, COMPACT_FIELDS))
    }

    /// The fields of [`SiteData::compact_card`], which every card starts with, in a map with
    /// room for `capacity` fields.
    fn compact_map(&self, id: PaperId, capacity: usize) -> tera::Map {
        let (base, paper) = (self.config.base_path(), &self.papers[id]);
        let date = paper.date;
        // This runs for every paper of every list. A tera string copies its text (into the
        // value when short, else into an `Arc`), so the formatted fields are written into one
        // scratch string rather than each into a `String` of its own.
        let mut text = String::with_capacity(128);
        fn take(text: &mut String) -> Value {
            let value = Value::from(text.as_str());
            text.clear();
            value
        }
        let mut map = tera::Map::with_capacity(capacity);
        map.insert("title".into(), Value::from(paper.title.as_str()));
        map.insert("slug".into(), Value::from(paper.slug.as_str()));
        let _ = write!(text, "{base}papers/{}/", paper.slug);
        map.insert("url".into(), take(&mut text));
        let _ = write!(text, "{date}");
        map.insert("date".into(), take(&mut text));
        write_display_date(&mut text, date);
        map.insert("date_display".into(), take(&mut text));
        let (year, month, day) = (date.year(), date.month(), date.day());
        let _ = write!(text, "{base}{year:04}/{month:02}/{day:02}/");
        map.insert("day_url".into(), take(&mut text));
        write_authors_display(&mut text, paper);
        map.insert("authors_display".into(), take(&mut text));
        map.insert("upvotes".into(), Value::from(paper.upvotes));
        map
    }

    fn compact_cards_of(&self, ids: &[PaperId]) -> Value {
        Value::from(
            ids.iter()
                .map(|&id| self.compact_card(id))
                .collect::<Vec<_>>(),
        )
    }

    /// Papers grouped by day, in the order given (which is newest day first), as cards or, when
    /// `compact`, as title-list entries.
    fn day_groups(&self, ids: &[PaperId], compact: bool, orders: Option<&[String]>) -> Value {
        let mut groups: Vec<Value> = Vec::new();
        let mut start = 0;
        while start < ids.len() {
            let date = self.papers[ids[start]].date;
            let end = start
                + ids[start..]
                    .iter()
                    .take_while(|&&id| self.papers[id].date == date)
                    .count();
            let mut group = tera::Map::default();
            group.insert(
                "day".into(),
                Value::from_serializable(&day_ref(self.config, date, end - start)),
            );
            let papers = if compact {
                self.compact_cards_of(&ids[start..end])
            } else {
                self.cards_of(&ids[start..end])
            };
            group.insert("papers".into(), papers);
            if let Some(orders) = orders {
                let orders = orders.get(start..end).unwrap_or_default();
                group.insert("orders".into(), Value::from_serializable(&orders));
            }
            groups.push(Value::from(group));
            start = end;
        }
        Value::from(groups)
    }

    /// The context of one planned page.
    pub fn context(&self, page: &PlannedPage) -> Context {
        let config = self.config;
        let index = self.index;
        let mut ctx = Context::new();
        ctx.insert("page_url", &config.url(&page.url_path()));
        match &page.kind {
            PageKind::Home(pager) => {
                let ids = &index.order[pager.items.clone()];
                let mut view = pager_view(config, "", pager);
                // The home list stops after `home_pages`; its last page leads to the archive.
                if pager.number == pager.total && pager.items.end < index.order.len() {
                    view.next_url = Some(config.link("archive/"));
                }
                ctx.insert("pager", &view);
                if pager.number == 1 {
                    // The JSON feed is announced on the home page; the Atom feed on every page.
                    ctx.insert("json_feed_url", &config.link("feed.json"));
                }
                ctx.insert_value("groups", self.day_groups(ids, false, None));
                if pager.number == 1
                    && let Some(month) = index.months.first()
                {
                    ctx.insert(
                        "top_month",
                        &month_ref(config, month.year, month.month, month.paper_count),
                    );
                    let top = config.link(&month_path(month.year, month.month));
                    let top = if config.output.sorted_views {
                        format!("{top}#{MOST_UPVOTED}")
                    } else {
                        top
                    };
                    ctx.insert("top_url", &top);
                    ctx.insert_value("top_papers", self.compact_cards_of(&self.month_top(0)));
                }
                ctx.insert("paper_count", &self.papers.len());
            }
            PageKind::Paper(id) => {
                let paper = &self.papers[*id];
                // A paper's own page shows all its tags.
                ctx.insert_value("paper", self.card_with_tags(*id, usize::MAX));
                let page_url = config.url(&page.url_path());
                ctx.insert(
                    "cite",
                    &CiteView {
                        key: &self.cite_keys[*id],
                        bibtex: crate::export::bibtex::cite(paper, &self.cite_keys[*id]),
                    },
                );
                // Related papers show a title and a link: compact cards.
                ctx.insert_value("related", self.compact_cards_of(self.related_of(*id)));
                ctx.insert_value("meta", self.paper_meta(*id, &page_url).into_value());
                ctx.insert_value("content", Value::safe_string(&self.bodies[*id].html));
                // Only pages with highlighted code load its style sheet.
                ctx.insert(
                    "has_code",
                    &self.bodies[*id].html.contains("<pre class=\"code\""),
                );
                ctx.insert("extra", &paper.extra);
                ctx.insert("find", &find_links(paper));
            }
            PageKind::Day(i) => {
                let day = &index.days[*i];
                ctx.insert("day", &day_ref(config, day.date, day.papers.len()));
                let month = month_ref(config, day.date.year(), day.date.month(), 0);
                ctx.insert("month", &month);
                // Days are newest first: the previous (older) day is the next in the list.
                ctx.insert(
                    "prev",
                    &index
                        .days
                        .get(i + 1)
                        .map(|d| day_ref(config, d.date, d.papers.len())),
                );
                ctx.insert(
                    "next",
                    &i.checked_sub(1)
                        .map(|j| day_ref(config, index.days[j].date, index.days[j].papers.len())),
                );
                ctx.insert_value("papers", self.cards_of(&day.papers));
                ctx.insert("sorts", &self.day_sorts());
                // Each card's place by title, for the CSS order (see `MOST_UPVOTED`).
                let orders: Vec<String> = if self.config.output.sorted_views {
                    let by_title = self.ranks(&day.papers, Sort::Title);
                    by_title.iter().map(|t| format!("--t:{t}")).collect()
                } else {
                    Vec::new()
                };
                ctx.insert("orders", &orders);
                let (year, week) = iso_week(day.date);
                let week = config.output.week_pages.then(|| {
                    serde_json::json!({
                        "title": format!("Week {week}, {year}"),
                        "number": week,
                        "url": config.link(&week_path(year, week)),
                    })
                });
                ctx.insert("week", &week);
                let bib = config
                    .output
                    .bibtex_files
                    .then(|| config.link(&format!("{}papers.bib", day_path(day.date))));
                ctx.insert("bib_url", &bib);
            }
            PageKind::Month(i) => {
                let month = &index.months[*i];
                ctx.insert(
                    "month",
                    &month_ref(config, month.year, month.month, month.paper_count),
                );
                let m = |j: usize| {
                    month_ref(
                        config,
                        index.months[j].year,
                        index.months[j].month,
                        index.months[j].paper_count,
                    )
                };
                ctx.insert("prev", &index.months.get(i + 1).map(|_| m(i + 1)));
                ctx.insert("next", &i.checked_sub(1).map(m));
                let ids = self.papers_of_days(&month.days);
                // Each paper's place most upvoted first and by title, for the CSS order.
                let orders: Vec<String> = if self.config.output.sorted_views {
                    let up = self.ranks(&ids, Sort::Upvotes);
                    let title = self.ranks(&ids, Sort::Title);
                    up.iter()
                        .zip(&title)
                        .map(|(u, t)| format!("--u:{u};--t:{t}"))
                        .collect()
                } else {
                    Vec::new()
                };
                ctx.insert_value("groups", self.day_groups(&ids, true, Some(&orders)));
                ctx.insert("sorts", &self.month_sorts());
            }
            PageKind::Week(i) => {
                let week = &index.weeks[*i];
                ctx.insert("week", &self.week_ref(*i));
                ctx.insert(
                    "prev",
                    &index.weeks.get(i + 1).map(|_| self.week_ref(i + 1)),
                );
                ctx.insert("next", &i.checked_sub(1).map(|j| self.week_ref(j)));
                // Like Hugging Face's weekly list: the week's papers, most upvoted first.
                let ids = self.papers_of_days(&week.days);
                ctx.insert_value(
                    "papers",
                    self.compact_cards_of(&self.sorted(ids, Sort::Upvotes)),
                );
            }
            PageKind::Archive => {
                #[derive(Serialize)]
                struct ArchiveMonth {
                    month: MonthRef,
                    days: Vec<DayRef>,
                }
                let months: Vec<ArchiveMonth> = index
                    .months
                    .iter()
                    .map(|m| ArchiveMonth {
                        month: month_ref(config, m.year, m.month, m.paper_count),
                        days: m
                            .days
                            .iter()
                            .map(|&d| {
                                day_ref(config, index.days[d].date, index.days[d].papers.len())
                            })
                            .collect(),
                    })
                    .collect();
                ctx.insert("months", &months);
                let heatmaps: Vec<Value> = self
                    .charts
                    .heatmaps
                    .iter()
                    .map(|(year, svg)| {
                        let mut map = tera::Map::default();
                        map.insert("year".into(), Value::from(*year));
                        map.insert("svg".into(), Value::safe_string(svg));
                        Value::from(map)
                    })
                    .collect();
                ctx.insert_value("heatmaps", Value::from(heatmaps));
                ctx.insert("paper_count", &self.papers.len());
                ctx.insert("day_count", &index.days.len());
            }
            PageKind::TagList => {
                let mut tags: Vec<TagView> =
                    (0..index.tags.len()).map(|t| self.tag_view(t)).collect();
                tags.sort_by(|a, b| {
                    b.count
                        .cmp(&a.count)
                        .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                });
                ctx.insert("tags", &tags);
            }
            PageKind::Tag(t, pager) => {
                let tag = &index.tags[*t];
                ctx.insert("tag", &self.tag_view(*t));
                ctx.insert("pager", &pager_view(config, &tag_path(&tag.slug), pager));
                // Later pages list titles only (see tag.html).
                let ids = &tag.papers[pager.items.clone()];
                let papers = if pager.number == 1 {
                    self.cards_of(ids)
                } else {
                    self.compact_cards_of(ids)
                };
                ctx.insert_value("papers", papers);
            }
            PageKind::Keyword(k, pager) => {
                let feed = &index.keyword_feeds[*k];
                let base = keyword_feed_path(&feed.slug);
                ctx.insert(
                    "feed",
                    &KeywordFeedView {
                        name: &feed.name,
                        slug: &feed.slug,
                        url: config.link(&base),
                        atom_url: config.link(&format!("{base}atom.xml")),
                        json_url: config.link(&format!("{base}feed.json")),
                        phrases: config
                            .keyword_feeds
                            .get(&feed.name)
                            .map(Vec::as_slice)
                            .unwrap_or_default(),
                        count: feed.papers.len(),
                    },
                );
                ctx.insert("pager", &pager_view(config, &base, pager));
                let ids = &feed.papers[pager.items.clone()];
                let papers = if pager.number == 1 {
                    self.cards_of(ids)
                } else {
                    self.compact_cards_of(ids)
                };
                ctx.insert_value("papers", papers);
            }
            PageKind::Feed(scope) => self.atom_context(page, *scope, &mut ctx),
            PageKind::NotFound
            | PageKind::Search
            | PageKind::JsonFeed(_)
            | PageKind::DayBib(_)
            | PageKind::TagBib(_) => {}
        }
        ctx
    }

    /// The papers of days (indices into the day list), in listing order.
    fn papers_of_days(&self, days: &[usize]) -> Vec<PaperId> {
        days.iter()
            .flat_map(|&d| self.index.days[d].papers.iter().copied())
            .collect()
    }

    /// Paper `id`'s related papers.
    pub fn related_of(&self, id: PaperId) -> &[PaperId] {
        self.related.get(id).map_or(&[], Vec::as_slice)
    }

    /// The most upvoted papers of month `i` (at most 5, only those with upvotes), for the home
    /// page.
    pub fn month_top(&self, i: usize) -> Vec<PaperId> {
        let Some(month) = self.index.months.get(i) else {
            return Vec::new();
        };
        let mut ids = self.papers_of_days(&month.days);
        ids.retain(|&id| self.papers[id].upvotes.unwrap_or(0) > 0);
        let mut top = self.sorted(ids, Sort::Upvotes);
        top.truncate(5);
        top
    }

    /// `ids` (in listing order) in the order `sort`; ties keep the listing order.
    fn sorted(&self, mut ids: Vec<PaperId>, sort: Sort) -> Vec<PaperId> {
        let papers = self.papers;
        match sort {
            Sort::Upvotes => {
                ids.sort_by_key(|&id| std::cmp::Reverse(papers[id].upvotes.unwrap_or(0)))
            }
            Sort::Title => ids.sort_by_cached_key(|&id| {
                (papers[id].title.to_lowercase(), papers[id].slug.clone())
            }),
        }
        ids
    }

    fn week_ref(&self, i: usize) -> WeekRef {
        let week = &self.index.weeks[i];
        let days = &self.index.days;
        let first = week.days.last().map(|&d| days[d].date);
        // The whole Monday-to-Sunday range, not just the days with papers.
        let monday = first.and_then(|d| {
            d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset())))
                .ok()
        });
        let sunday = monday.and_then(|m| m.checked_add(jiff::Span::new().days(6)).ok());
        let range = match (monday, sunday) {
            (Some(m), Some(s)) => format!("{} – {}", display_date(m), display_date(s)),
            _ => String::new(),
        };
        WeekRef {
            title: format!("Week {}, {}", week.week, week.year),
            range,
            url: self.config.link(&week_path(week.year, week.week)),
            count: week.paper_count,
        }
    }

    /// Where each of `ids` goes in the order `sort`, from 1.
    fn ranks(&self, ids: &[PaperId], sort: Sort) -> Vec<usize> {
        let position: std::collections::HashMap<PaperId, usize> =
            ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let mut ranks = vec![0; ids.len()];
        for (rank, id) in self.sorted(ids.to_vec(), sort).into_iter().enumerate() {
            ranks[position[&id]] = rank + 1;
        }
        ranks
    }

    /// The orders a day page offers: the page is most upvoted first; by title is a CSS order.
    fn day_sorts(&self) -> Vec<SortLink> {
        if !self.config.output.sorted_views {
            return Vec::new();
        }
        vec![
            SortLink::new("Most upvoted", MOST_UPVOTED, true),
            SortLink::new("Title", BY_TITLE, false),
        ]
    }

    /// The orders a month page offers: by day, most upvoted first, by title.
    fn month_sorts(&self) -> Vec<SortLink> {
        if !self.config.output.sorted_views {
            return Vec::new();
        }
        vec![
            SortLink::new("By day", BY_DAY, true),
            SortLink::new("Most upvoted", MOST_UPVOTED, false),
            SortLink::new("Title", BY_TITLE, false),
        ]
    }

    /// The text of a page made by code rather than a template (JSON feeds, BibTeX files), or
    /// `None` for templated pages.
    pub fn generate(&self, page: &PlannedPage) -> Option<String> {
        let index = self.index;
        match &page.kind {
            PageKind::JsonFeed(scope) => Some(self.json_feed(page, *scope)),
            PageKind::DayBib(i) => Some(crate::export::bibtex::cite_all(
                index.days[*i]
                    .papers
                    .iter()
                    .map(|&id| (&self.papers[id], self.cite_keys[id].as_str())),
            )),
            PageKind::TagBib(t) => Some(crate::export::bibtex::cite_all(
                index.tags[*t]
                    .papers
                    .iter()
                    .map(|&id| (&self.papers[id], self.cite_keys[id].as_str())),
            )),
            _ => None,
        }
    }

    /// What a paper page's head says about it to scholar indexes and link previews.
    fn paper_meta(&self, id: PaperId, page_url: &str) -> PaperMeta {
        let paper = &self.papers[id];
        let published = paper.published.unwrap_or(paper.date);
        let pdf_url = paper.links.get("pdf").cloned().or_else(|| {
            paper
                .arxiv
                .as_ref()
                .map(|id| format!("https://arxiv.org/pdf/{id}"))
        });
        let description = shorten(&self.summaries[id], 200);
        // The page's description is in its `description` and `og:description` tags, so not here
        // a third time; `name` only when the headline had to be cut (search engines read the
        // headline, at most 110 characters).
        let headline = shorten(&paper.title, 110);
        let arxiv_url = paper
            .arxiv
            .as_ref()
            .map(|arxiv| format!("https://arxiv.org/abs/{arxiv}"));
        let doi_url = paper
            .doi
            .as_ref()
            .map(|doi| format!("https://doi.org/{doi}"));
        let mut identifier = Vec::new();
        if let Some(arxiv) = &paper.arxiv {
            identifier.push(LdIdentifier::new("arXiv", arxiv));
        }
        if let Some(doi) = &paper.doi {
            identifier.push(LdIdentifier::new("DOI", doi));
        }
        let keywords = self.index.paper_tags[id]
            .iter()
            .map(|&t| self.index.tags[t].name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let article = ScholarlyArticle {
            context: "https://schema.org",
            kind: "ScholarlyArticle",
            author: paper
                .authors
                .iter()
                .filter(|name| !name.trim().is_empty())
                .map(|name| LdAuthor::new(&Author::parse(name)))
                .collect(),
            date_published: published.to_string(),
            encoding: pdf_url.as_deref().map(|url| LdMediaObject {
                kind: "MediaObject",
                content_url: url,
                encoding_format: "application/pdf",
            }),
            headline: &headline,
            identifier,
            keywords,
            name: (headline != paper.title).then_some(paper.title.as_str()),
            same_as: arxiv_url
                .iter()
                .chain(&doi_url)
                .map(String::as_str)
                .collect(),
            url: page_url,
        };
        let jsonld = serde_json::to_string(&article).unwrap_or_else(|_| "{}".to_string());
        PaperMeta {
            citation_date: format!(
                "{:04}/{:02}/{:02}",
                published.year(),
                published.month(),
                published.day()
            ),
            pdf_url,
            og_title: shorten(&paper.title, 70),
            og_description: description,
            jsonld: crate::render::escape_json_for_script(&jsonld),
            citation_authors: paper
                .authors
                .iter()
                .filter(|name| !name.trim().is_empty())
                .map(|name| Author::parse(name).family_first().into_owned())
                .collect(),
        }
    }

    fn tag_view(&self, t: usize) -> TagView {
        let tag = &self.index.tags[t];
        TagView {
            name: tag.name.clone(),
            slug: tag.slug.clone(),
            url: self.config.link(&tag_path(&tag.slug)),
            feed_url: self
                .config
                .link(&format!("{}atom.xml", tag_path(&tag.slug))),
            json_feed_url: self
                .config
                .link(&format!("{}feed.json", tag_path(&tag.slug))),
            bib_url: self.config.output.bibtex_files.then(|| {
                self.config
                    .link(&format!("{}papers.bib", tag_path(&tag.slug)))
            }),
            count: tag.papers.len(),
            trend: self.charts.tag_trends.get(t).cloned().unwrap_or_default(),
        }
    }
}

/// A keyword feed's page.
#[derive(Serialize)]
struct KeywordFeedView<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    atom_url: String,
    json_url: String,
    /// The phrases that put a paper in the feed.
    phrases: &'a [String],
    count: usize,
}

/// A week as pages refer to it.
#[derive(Serialize)]
struct WeekRef {
    /// "Week 6, 2025".
    title: String,
    /// "Feb 3, 2025 – Feb 9, 2025".
    range: String,
    url: String,
    count: usize,
}

/// The fragments that pick an order of a day's or month's list, without a page per order:
/// `/2025/02/#most-upvoted`. The list's items carry their place in each order (`--u`, `--t`)
/// and the theme's CSS orders them by the targeted fragment; `site.js` then moves them in the
/// document too, so reading order follows.
pub const MOST_UPVOTED: &str = "most-upvoted";
pub const BY_TITLE: &str = "by-title";
pub const BY_DAY: &str = "by-day";

/// One of the orders a list can be read in.
#[derive(Serialize)]
struct SortLink {
    label: &'static str,
    /// The fragment (and the id of its anchor).
    id: &'static str,
    /// The order of the page as sent.
    default: bool,
}

impl SortLink {
    fn new(label: &'static str, id: &'static str, default: bool) -> Self {
        SortLink { label, id, default }
    }
}

/// Head metadata of a paper page (Highwire `citation_*`, OpenGraph, JSON-LD).
struct PaperMeta {
    /// `citation_publication_date`: YYYY/MM/DD.
    citation_date: String,
    pdf_url: Option<String>,
    /// Title cut to 70 characters for link previews.
    og_title: String,
    /// Summary cut to 200 characters for link previews.
    og_description: String,
    /// schema.org `ScholarlyArticle` as JSON, safe inside `<script>`.
    jsonld: String,
    /// `citation_author`s: "van der Berg, Jan", organisations as named.
    citation_authors: Vec<String>,
}

impl PaperMeta {
    /// The template value: `jsonld` is marked safe (it is JSON escaped for `<script>`).
    fn into_value(self) -> Value {
        let mut map = tera::Map::with_capacity(6);
        map.insert("citation_date".into(), Value::from(self.citation_date));
        map.insert("pdf_url".into(), Value::from(self.pdf_url));
        map.insert("og_title".into(), Value::from(self.og_title));
        map.insert("og_description".into(), Value::from(self.og_description));
        map.insert("jsonld".into(), Value::safe_string(&self.jsonld));
        map.insert(
            "citation_authors".into(),
            Value::from_serializable(&self.citation_authors),
        );
        Value::from(map)
    }
}

/// schema.org `ScholarlyArticle` of a paper page, serialized straight to JSON (fields in the
/// order of their names, as before; empty ones left out).
#[derive(Serialize)]
struct ScholarlyArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<LdAuthor<'a>>,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<LdMediaObject<'a>>,
    headline: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    identifier: Vec<LdIdentifier<'a>>,
    #[serde(skip_serializing_if = "String::is_empty")]
    keywords: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<&'a str>,
    url: &'a str,
}

/// A schema.org `Person` or `Organization` (a record's `"{The ATLAS Collaboration}"`), by the
/// name pages show.
#[derive(Serialize)]
struct LdAuthor<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: std::borrow::Cow<'a, str>,
}

impl<'a> LdAuthor<'a> {
    fn new(author: &Author<'a>) -> Self {
        LdAuthor {
            kind: match author {
                Author::Organisation(_) => "Organization",
                _ => "Person",
            },
            name: author.display(),
        }
    }
}

#[derive(Serialize)]
struct LdMediaObject<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "contentUrl")]
    content_url: &'a str,
    #[serde(rename = "encodingFormat")]
    encoding_format: &'static str,
}

#[derive(Serialize)]
struct LdIdentifier<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "propertyID")]
    property_id: &'static str,
    value: &'a str,
}

impl<'a> LdIdentifier<'a> {
    fn new(property_id: &'static str, value: &'a str) -> Self {
        LdIdentifier {
            kind: "PropertyValue",
            property_id,
            value,
        }
    }
}

/// How to cite a paper: its BibTeX key and entry (`site.js` offers the same text as a `.bib`
/// download, so no page carries it twice).
#[derive(Serialize)]
struct CiteView<'a> {
    key: &'a str,
    bibtex: String,
}

#[derive(Serialize)]
struct TagView {
    name: String,
    slug: String,
    url: String,
    feed_url: String,
    json_feed_url: String,
    /// `papers.bib` of the tag, unless `[output] bibtex_files = false`.
    bib_url: Option<String>,
    count: usize,
    /// Papers per month as an inline SVG (use with `| safe`).
    trend: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_words() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 10), "one two…");
        assert_eq!(shorten("abcdefghijklmnop", 5), "abcde…");
    }

    #[test]
    fn display_dates() {
        let date: Date = "2025-02-06".parse().unwrap();
        assert_eq!(display_date(date), "Feb 6, 2025");
        assert_eq!(rfc3339(date), "2025-02-06T00:00:00Z");
    }

    #[test]
    fn authors_as_shown() {
        let shown = |front: &str| {
            let text = format!("+++\ntitle = \"T\"\ndate = 2025-02-06\n{front}+++\n");
            authors_display(&crate::record::parse(&text, "p.md", "t").unwrap())
        };
        assert_eq!(shown("authors = [\"Ann\", \"Bo\"]\n"), "Ann, Bo");
        assert_eq!(
            shown("authors = [\"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\"]\n"),
            "A, B, C et al. (7 authors)"
        );
        assert_eq!(shown("author_count = 1\n"), "1 author");
        assert_eq!(shown("author_count = 7\n"), "7 authors");
        assert_eq!(shown(""), "");
    }
}
