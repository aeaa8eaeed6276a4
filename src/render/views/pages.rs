//! The context of each kind of page: which views a page of each [`PageKind`] is made of, and the
//! text of the pages made without a template (JSON feeds, BibTeX files).

use serde::Serialize;
use tera::{Context, Value};

use super::SiteData;
use super::cards::LinkView;
use super::lists::{
    DayRef, KeywordFeedView, MOST_UPVOTED, MonthRef, TagView, day_ref, month_ref, pager_view,
};
use super::text::query_component;
use crate::index::dates::iso_week;
use crate::output::plan::{PageKind, PlannedPage, Sort};
use crate::record::Paper;
use crate::routes;

impl SiteData<'_> {
    /// The context of one planned page.
    pub fn context(&self, page: &PlannedPage) -> Context {
        let config = self.config;
        let index = self.index;
        let mut ctx = Context::new();
        ctx.insert("page_url", &config.url(&page.url_path()));
        match &page.kind {
            PageKind::Home(pager) => {
                let ids = &index.order[pager.items.clone()];
                let mut view = pager_view(config, routes::HOME, pager);
                // The home list stops after `home_pages`; its last page leads to the archive.
                if pager.number == pager.total && pager.items.end < index.order.len() {
                    view.next_url = Some(config.link(routes::ARCHIVE));
                }
                ctx.insert("pager", &view);
                if pager.number == 1 {
                    // The JSON feed is announced on the home page; the Atom feed on every page.
                    ctx.insert(
                        "json_feed_url",
                        &config.link(&routes::json_feed(routes::HOME)),
                    );
                }
                ctx.insert_value("groups", self.day_groups(ids, false, None));
                if pager.number == 1
                    && let Some(month) = index.months.first()
                {
                    ctx.insert(
                        "top_month",
                        &month_ref(config, month.year, month.month, month.paper_count),
                    );
                    let top = config.link(&routes::month(month.year, month.month));
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
                        "url": config.link(&routes::week(year, week)),
                    })
                });
                ctx.insert("week", &week);
                let bib = config
                    .output
                    .bibtex_files
                    .then(|| config.link(&routes::bib(&routes::day(day.date))));
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
                ctx.insert("pager", &pager_view(config, &routes::tag(&tag.slug), pager));
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
                let base = routes::keyword_feed(&feed.slug);
                ctx.insert(
                    "feed",
                    &KeywordFeedView {
                        name: &feed.name,
                        slug: &feed.slug,
                        url: config.link(&base),
                        atom_url: config.link(&routes::atom(&base)),
                        json_url: config.link(&routes::json_feed(&base)),
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

/// How to cite a paper: its BibTeX key and entry (`site.js` offers the same text as a `.bib`
/// download, so no page carries it twice).
#[derive(Serialize)]
pub(super) struct CiteView<'a> {
    key: &'a str,
    bibtex: String,
}
