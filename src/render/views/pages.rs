//! What each kind of page is made of, said once ([`SiteData::describe_page`]) for two readers: the
//! template context ([`SiteData::context`]) and the page's fingerprint
//! (`render::fingerprint`). Each field is given with its value and the inputs it is made of, so
//! a field added to a page cannot be left out of its fingerprint. Also the text of the pages
//! made without a template (JSON feeds, BibTeX files).

use std::hash::{Hash, Hasher};

use serde::Serialize;
use tera::{Context, Value};

use super::SiteData;
use super::cards::{Coins, LinkView};
use super::lists::{
    DayRef, KeywordFeedView, MonthRef, ReasonsOf, RuleText, TagView, day_ref, month_ref, pager_view,
};
use crate::href::query_value;
use crate::index::PaperId;
use crate::index::dates::iso_week;
use crate::index::keywords::Topic;
use crate::plan::{PageKind, PlannedPage, Sort};
use crate::record::Paper;
use crate::routes;

/// Where a page's description goes: its template context, or its fingerprint.
pub(crate) trait PageSink {
    /// A small view (a day, a pager, a link): the context gets it, the fingerprint hashes it.
    fn view<T: Serialize + Hash>(&mut self, key: &'static str, view: impl FnOnce() -> T);
    /// A value made from `inputs` (hashes of cards, bodies, charts): the context gets the value,
    /// the fingerprint hashes only `inputs`, which must determine it.
    fn made_of(&mut self, key: &'static str, inputs: impl Hash, value: impl FnOnce() -> Value);
    /// What a page made without a template ([`SiteData::generate`]) is made from: the
    /// fingerprint hashes it, the context has nothing of it.
    fn generated(&mut self, inputs: impl Hash);
}

/// Builds a page's template context.
struct ContextSink(Context);

impl PageSink for ContextSink {
    fn view<T: Serialize + Hash>(&mut self, key: &'static str, view: impl FnOnce() -> T) {
        self.0.insert(key, &view());
    }

    fn made_of(&mut self, key: &'static str, _: impl Hash, value: impl FnOnce() -> Value) {
        self.0.insert_value(key, value());
    }

    fn generated(&mut self, _: impl Hash) {}
}

/// The per-paper hashes `values` (by paper id) of the papers `ids`, in order: what a list of
/// them shows, when `values` are card, title-list, body or citation hashes.
pub(crate) struct Each<'a, T>(pub &'a [T], pub &'a [PaperId]);

impl<T: Hash> Hash for Each<'_, T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.1.len().hash(state);
        for &id in self.1 {
            self.0[id].hash(state);
        }
    }
}

impl SiteData<'_> {
    /// The context of one planned page.
    pub(crate) fn context(&self, page: &PlannedPage) -> Context {
        let mut sink = ContextSink(Context::new());
        self.describe_page(page, &mut sink);
        sink.0
    }

    /// A paginated list: cards on the first page, titles only on later ones (see tag.html).
    /// The cards of a keyword tag's or feed's list (`topic`) say why each paper is there.
    fn describe_list(
        &self,
        ids: &[PaperId],
        number: usize,
        topic: Option<Topic>,
        sink: &mut impl PageSink,
    ) {
        if number == 1 {
            let inputs = (
                1u8,
                Each(self.card_hashes, ids),
                ReasonsOf(self.topics, ids, topic),
            );
            sink.made_of("papers", inputs, || self.cards_with_reasons(ids, topic));
        } else {
            sink.made_of("papers", (2u8, Each(self.compact_hashes, ids)), || {
                self.compact_cards_of(ids, Coins::With)
            });
        }
    }

    /// What `page` is made of, field by field, into `sink`.
    pub(crate) fn describe_page(&self, page: &PlannedPage, sink: &mut impl PageSink) {
        let config = self.config;
        let index = self.index;
        // The path is part of every fingerprint already.
        sink.made_of("page_url", (), || {
            Value::from_serializable(&config.url(&page.url_path()))
        });
        match &page.kind {
            PageKind::Home(pager) => {
                let ids = &index.order[pager.items.clone()];
                sink.view("pager", || {
                    let mut view = pager_view(config, routes::HOME, pager);
                    // The home list stops after `home_pages`; its last page leads to the archive.
                    if pager.number == pager.total && pager.items.end < index.order.len() {
                        view.next_url = Some(config.link(routes::ARCHIVE));
                    }
                    view
                });
                if pager.number == 1 {
                    // The JSON feed is announced on the home page; the Atom feed on every page.
                    sink.view("json_feed_url", || {
                        config.link(&routes::json_feed(routes::HOME))
                    });
                    if config.email.feed.is_some() {
                        // RSS-to-email services find the digest feed from the site's address.
                        sink.view("digest_feed_url", || config.link(routes::DIGEST_ATOM));
                    }
                }
                sink.made_of("groups", Each(self.card_hashes, ids), || {
                    self.day_groups(ids, false, None)
                });
                if pager.number == 1 {
                    // "Top this week": the last 7 days' most upvoted, leading to /top/.
                    let top = self.recent_top(7, 5);
                    // Also in the day groups: their COinS are there (see `Coins`).
                    sink.made_of("top_papers", Each(self.compact_hashes, &top), || {
                        self.compact_cards_of(&top, Coins::Without)
                    });
                    sink.view("top_url", || config.link(routes::TOP));
                }
                sink.view("paper_count", || self.papers.len());
            }
            PageKind::Paper(id) => {
                let id = *id;
                let paper = &self.papers[id];
                let (card, body) = (self.card_hashes[id], self.body_hashes[id]);
                let cite = (self.cite_hashes[id], &self.cite_keys[id]);
                // A paper's own page shows all its tags.
                sink.made_of("paper", card, || self.card_with_tags(id, usize::MAX));
                // The page's BibTeX: its key depends on the other papers too.
                sink.made_of("cite", cite, || {
                    Value::from_serializable(&CiteView {
                        key: &self.cite_keys[id],
                        bibtex: crate::export::bibtex::cite(paper, &self.cite_keys[id]),
                    })
                });
                // Related papers show a title and a link: compact cards.
                let related = self.related_of(id);
                sink.made_of("related", Each(self.compact_hashes, related), || {
                    self.compact_cards_of(related, Coins::Without)
                });
                // The head's metadata is made of the card (title, authors as shown, links,
                // summary, tags), the citation (authors as written) and the body's hash
                // (`published`).
                sink.made_of("meta", (card, cite, body), || {
                    self.paper_meta(id).into_value()
                });
                // The body is read from where it is kept once, and only to render.
                let kept = std::cell::OnceCell::new();
                let rendered = || &kept.get_or_init(|| self.body(id)).rendered;
                sink.made_of("content", body, || Value::safe_string(&rendered().html));
                // The notes below the abstract (empty when none): only this page shows them.
                sink.made_of("notes", body, || Value::safe_string(&rendered().notes));
                // Only pages with highlighted code load its style sheet.
                sink.made_of("has_code", body, || {
                    let code = |html: &str| html.contains("<pre class=\"code\"");
                    let body = rendered();
                    Value::from_serializable(&(code(&body.html) || code(&body.notes)))
                });
                sink.made_of("extra", body, || Value::from_serializable(&paper.extra));
                sink.made_of("find", card, || {
                    Value::from_serializable(&find_links(paper))
                });
            }
            PageKind::Day(i) => {
                let day = &index.days[*i];
                // The links to this day, its month and the days beside it are made of their
                // dates and counts (and the settings): 2,500 day pages are fingerprinted after
                // every edit of a 100,000-paper site, without making their links.
                let day_of = |d: &crate::index::Day| (d.date, d.papers.len());
                let link = |d: &crate::index::Day| day_ref(config, d.date, d.papers.len());
                sink.made_of("day", day_of(day), || Value::from_serializable(&link(day)));
                sink.made_of("month", day.date, || {
                    let (year, month) = (day.date.year(), day.date.month());
                    Value::from_serializable(&month_ref(config, year, month, 0))
                });
                // Days are newest first: the previous (older) day is the next in the list.
                let prev = index.days.get(i + 1);
                sink.made_of("prev", prev.map(day_of), || {
                    Value::from_serializable(&prev.map(link))
                });
                let next = i.checked_sub(1).map(|j| &index.days[j]);
                sink.made_of("next", next.map(day_of), || {
                    Value::from_serializable(&next.map(link))
                });
                sink.made_of("papers", Each(self.card_hashes, &day.papers), || {
                    self.cards_of(&day.papers)
                });
                // The same for every day (the settings say which).
                sink.made_of("sorts", (), || Value::from_serializable(&self.day_sorts()));
                // Each card's place by title, for the CSS order (see `MOST_UPVOTED`): titles
                // and slugs are in the title-list hashes.
                sink.made_of("orders", Each(self.compact_hashes, &day.papers), || {
                    let orders: Vec<String> = if config.output.sorted_views {
                        let by_title = self.ranks(&day.papers, Sort::Title);
                        by_title.iter().map(|t| format!("--t:{t}")).collect()
                    } else {
                        Vec::new()
                    };
                    Value::from_serializable(&orders)
                });
                let (year, week) = iso_week(day.date);
                sink.made_of("week", (year, week), || {
                    let week = config.output.week_pages.then(|| {
                        serde_json::json!({
                            "title": format!("Week {week}, {year}"),
                            "number": week,
                            "url": config.link(&routes::week(year, week)),
                        })
                    });
                    Value::from_serializable(&week)
                });
                sink.made_of("bib_url", day.date, || {
                    let bib = config.output.bibtex_files;
                    let url = bib.then(|| config.link(&routes::bib(&routes::day(day.date))));
                    Value::from_serializable(&url)
                });
            }
            PageKind::Month(i) => {
                let month = &index.months[*i];
                let m = |j: usize| {
                    month_ref(
                        config,
                        index.months[j].year,
                        index.months[j].month,
                        index.months[j].paper_count,
                    )
                };
                sink.view("month", || m(*i));
                sink.view("prev", || index.months.get(i + 1).map(|_| m(i + 1)));
                sink.view("next", || i.checked_sub(1).map(m));
                let ids = self.papers_of_days(&month.days);
                // Title lists grouped by day, with each paper's place most upvoted first and by
                // title for the CSS order: all of it in the title-list hashes.
                sink.made_of("groups", Each(self.compact_hashes, &ids), || {
                    let orders: Vec<String> = if config.output.sorted_views {
                        let up = self.ranks(&ids, Sort::Upvotes);
                        let title = self.ranks(&ids, Sort::Title);
                        up.iter()
                            .zip(&title)
                            .map(|(u, t)| format!("--u:{u};--t:{t}"))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    self.day_groups(&ids, true, Some(&orders))
                });
                sink.view("sorts", || self.month_sorts());
            }
            PageKind::Week(i) => {
                let week = &index.weeks[*i];
                sink.view("week", || self.week_ref(*i));
                sink.view("prev", || {
                    index.weeks.get(i + 1).map(|_| self.week_ref(i + 1))
                });
                sink.view("next", || i.checked_sub(1).map(|j| self.week_ref(j)));
                // Like Hugging Face's weekly list: the week's papers, most upvoted first.
                let ids = self.papers_of_days(&week.days);
                sink.made_of("papers", Each(self.compact_hashes, &ids), || {
                    self.compact_cards_of(&self.sorted(ids.clone(), Sort::Upvotes), Coins::With)
                });
            }
            PageKind::Archive => {
                #[derive(Serialize, Hash)]
                struct ArchiveMonth {
                    month: MonthRef,
                    days: Vec<DayRef>,
                }
                sink.view("months", || {
                    index
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
                        .collect::<Vec<_>>()
                });
                sink.made_of("heatmaps", &self.charts.heatmaps, || {
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
                    Value::from(heatmaps)
                });
                sink.view("paper_count", || self.papers.len());
                sink.view("day_count", || index.days.len());
            }
            PageKind::TagList => {
                sink.view("tags", || {
                    let mut tags: Vec<TagView> =
                        (0..index.tags.len()).map(|t| self.tag_view(t)).collect();
                    tags.sort_by(|a, b| {
                        b.count
                            .cmp(&a.count)
                            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                    });
                    tags
                });
            }
            PageKind::Tag(t, pager) => {
                let tag = &index.tags[*t];
                // What the tag's view is made of (its links follow from the slug and the
                // settings): no links made for a fingerprint.
                // The trend chart is the first page's (it changes with every new month: the
                // later pages of a tag no new paper joined stay as they are).
                let trend = match self.charts.tag_trends.get(*t) {
                    Some(trend) if pager.number == 1 => &**trend,
                    _ => "",
                };
                let inputs = (&tag.name, &tag.slug, tag.papers.len(), trend);
                sink.made_of("tag", inputs, || {
                    let mut view = self.tag_view(*t);
                    view.trend = trend;
                    Value::from_serializable(&view)
                });
                sink.made_of("pager", ("tag", &tag.slug, pager), || {
                    Value::from_serializable(&pager_view(config, &routes::tag(&tag.slug), pager))
                });
                let topic = self.tag_topic(*t);
                self.describe_list(&tag.papers[pager.items.clone()], pager.number, topic, sink);
            }
            PageKind::Keyword(k, pager) => {
                let feed = &index.keyword_feeds[*k];
                let base = routes::keyword_feed(&feed.slug);
                let rule = config.keyword_feeds.get(&feed.name);
                sink.view("feed", || KeywordFeedView {
                    name: &feed.name,
                    slug: &feed.slug,
                    url: config.link(&base),
                    atom_url: config.link(&routes::atom(&base)),
                    json_url: config.link(&routes::json_feed(&base)),
                    phrases: rule
                        .map(|r| r.any.iter().map(|p| p.text.as_str()).collect())
                        .unwrap_or_default(),
                    rule: rule.map(RuleText::new).unwrap_or_default(),
                    count: feed.papers.len(),
                });
                sink.view("pager", || pager_view(config, &base, pager));
                let topic = u16::try_from(*k).ok().map(Topic::Feed);
                self.describe_list(&feed.papers[pager.items.clone()], pager.number, topic, sink);
            }
            PageKind::Author(a, pager) => self.describe_author(*a, pager, sink),
            PageKind::Feed(scope) => self.describe_atom(page, *scope, sink),
            PageKind::JsonFeed(scope) => {
                let (title, ids, home) = self.feed_source(*scope);
                sink.generated((
                    (title, home),
                    Each(self.card_hashes, ids),
                    Each(self.body_hashes, ids),
                ));
            }
            PageKind::DayBib(i) => {
                let ids = &index.days[*i].papers;
                sink.generated((Each(self.cite_hashes, ids), Each(self.cite_keys, ids)));
            }
            PageKind::TagBib(t) => {
                let ids = &index.tags[*t].papers;
                sink.generated((Each(self.cite_hashes, ids), Each(self.cite_keys, ids)));
            }
            PageKind::Status => {
                let shown = super::status::listing_days(&self.day_counts());
                sink.view("status", || self.status_view(&shown));
                sink.made_of("chart", &shown, || {
                    Value::safe_string(&crate::render::charts::listing_day_bars(
                        &shown.iter().map(|d| (d.date, d.papers)).collect::<Vec<_>>(),
                    ))
                });
            }
            PageKind::StatusJson => {
                // What `status_json` reads.
                sink.generated((&self.config.built_at, self.day_counts(), self.ledger));
            }
            PageKind::Subscribe => sink.made_of("subscribe", self.subscribe_inputs(), || {
                Value::from_serializable(&self.subscribe_view())
            }),
            PageKind::Top => self.describe_top(sink),
            PageKind::DayJson(_)
            | PageKind::TagJson(..)
            | PageKind::PaperJson(_)
            | PageKind::ApiIndex
            | PageKind::Llms => self.describe_api(&page.kind, sink),
            PageKind::Opml => sink.generated(self.subscribe_inputs()),
            PageKind::Email(scope) => self.describe_email(*scope, sink),
            PageKind::DigestAtom | PageKind::DigestJson => self.describe_digest_feed(sink),
            PageKind::Manifest => {
                sink.generated((
                    &self.config.built_at,
                    self.papers.len(),
                    index.days.first().map(|d| d.date),
                    self.page_count,
                ));
            }
            PageKind::NotFound | PageKind::Search => {}
        }
    }

    /// A hash of everything the `Paper` arm of [`SiteData::describe_page`] reads of the site for
    /// paper `id`: the paper's card, body, citation and title-list hashes, its key and its
    /// related papers. With the same templates and settings, a paper page whose path and
    /// inputs ([`page_inputs`]) are the same, and none of whose related papers' inputs changed,
    /// has the same fingerprint (`Site::page_fingerprints` skips it; `guard_tests` checks that
    /// it agrees with fingerprints made whole). Keep in step with that arm. Made for every
    /// paper in id order, these read each column in the order it lies in memory (paper pages
    /// are planned in slug order: at a million papers, reading the columns in that order was a
    /// cache miss for each).
    pub(crate) fn paper_inputs(&self, id: PaperId) -> u64 {
        crate::hash::hash_of(&(
            (self.card_hashes[id], self.body_hashes[id]),
            (self.cite_hashes[id], &self.cite_keys[id]),
            self.compact_hashes[id],
            self.related_of(id),
        ))
    }

    /// The text of a page made by code rather than a template (JSON feeds, BibTeX files), or
    /// `None` for templated pages.
    pub(crate) fn generate(&self, page: &PlannedPage) -> Option<String> {
        let index = self.index;
        match &page.kind {
            PageKind::JsonFeed(scope) => Some(self.json_feed(page, *scope)),
            PageKind::DayBib(i) => Some(crate::export::bibtex::cite_all(
                index.days[*i]
                    .papers
                    .iter()
                    .map(|&id| (&self.papers[id], self.cite_keys[id].as_str())),
            )),
            PageKind::TagBib(t) => {
                use crate::export::bibtex;
                let ids = &index.tags[*t].papers;
                let entry = |i: usize| (&self.papers[ids[i]], self.cite_keys[ids[i]].as_str());
                Some(match self.bib_layouts {
                    Some(layouts) if ids.len() >= bibtex::REUSE_FROM => {
                        layouts.cite_all(&page.path, ids.len(), |i| {
                            let (paper, key) = entry(i);
                            // What the fingerprint hashes of the entry.
                            let source = crate::hash::hash_of(&(self.cite_hashes[ids[i]], key));
                            (paper, key, source)
                        })
                    }
                    _ => bibtex::cite_all_parallel(ids.len(), entry),
                })
            }
            PageKind::StatusJson => Some(self.status_json()),
            PageKind::Opml => Some(self.opml()),
            PageKind::DayJson(_)
            | PageKind::TagJson(..)
            | PageKind::PaperJson(_)
            | PageKind::ApiIndex
            | PageKind::Llms => self.api_text(&page.kind),
            PageKind::Manifest => Some(super::status::manifest_text(
                &self.manifest(self.page_count),
            )),
            _ => None,
        }
    }
}

/// Searches that find a paper by its title, for a paper page that has no other way to reach the
/// paper (no arXiv id, DOI or link: a pasted listing not yet enriched). Empty otherwise.
/// A paper page's inputs (see [`SiteData::paper_inputs`]): its path's hash with what the
/// paper reads of the site ([`SiteData::paper_inputs`]).
pub(crate) fn page_inputs(path_hash: u64, paper_inputs: u64) -> u64 {
    crate::hash::hash_of(&(path_hash, paper_inputs))
}

fn find_links(paper: &Paper) -> Vec<LinkView<'static>> {
    if paper.arxiv.is_some() || paper.doi.is_some() || !paper.links.is_empty() {
        return Vec::new();
    }
    let query = query_value(&paper.title);
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

/// How to cite a paper: its BibTeX key and entry (`site.js` offers the same text as a `.bib`
/// download, so no page carries it twice).
#[derive(Serialize)]
pub(super) struct CiteView<'a> {
    key: &'a str,
    bibtex: String,
}
