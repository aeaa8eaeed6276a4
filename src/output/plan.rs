//! The plan: every page the site will have, with its path, its template and what it is made of.
//!
//! Pure: from the index to a list of pages. The inputs each page depends on let a later rebuild
//! redo only the pages a change touches.

use rayon::prelude::*;

use crate::config::Config;
use crate::index::dates::{day_path, month_path, week_path};
use crate::index::paginate::{Pager, page_path, paginate};
use crate::index::tags::tag_path;
use crate::index::{PaperId, SiteIndex};
use crate::record::Paper;

/// What a page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// A page of the home list (all papers, newest first).
    Home(Pager),
    /// One paper.
    Paper(PaperId),
    /// A day, by index into [`SiteIndex::days`].
    Day(usize),
    /// A month, by index into [`SiteIndex::months`].
    Month(usize),
    /// An ISO week, by index into [`SiteIndex::weeks`].
    Week(usize),
    /// Every day with its count.
    Archive,
    /// Every tag with its count.
    TagList,
    /// A page of a tag, by index into [`SiteIndex::tags`].
    Tag(usize, Pager),
    /// A page of a keyword feed's papers, by index into [`SiteIndex::keyword_feeds`].
    Keyword(usize, Pager),
    /// An Atom feed.
    Feed(FeedScope),
    /// The same as [JSON Feed 1.1](https://jsonfeed.org/version/1.1), generated without a
    /// template.
    JsonFeed(FeedScope),
    /// The BibTeX of a day's papers (by index into [`SiteIndex::days`]), without a template.
    DayBib(usize),
    /// The BibTeX of all papers of a tag, without a template.
    TagBib(usize),
    /// The search page (results of `?q=`, filled in by `search.js`).
    Search,
    /// The 404 page.
    NotFound,
}

impl PageKind {
    /// What kind of page this is, in a word (for `DIGEST_TIMINGS`).
    pub fn name(&self) -> &'static str {
        match self {
            PageKind::Home(_) => "home",
            PageKind::Paper(_) => "paper",
            PageKind::Day(_) => "day",
            PageKind::Month(_) => "month",
            PageKind::Week(_) => "week",
            PageKind::Archive => "archive",
            PageKind::TagList => "tags",
            PageKind::Tag(..) => "tag",
            PageKind::Keyword(..) => "keyword",
            PageKind::Feed(_) => "atom",
            PageKind::JsonFeed(_) => "json feed",
            PageKind::DayBib(_) => "day bib",
            PageKind::TagBib(_) => "tag bib",
            PageKind::Search => "search",
            PageKind::NotFound => "404",
        }
    }
}

/// The papers a feed follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedScope {
    /// Every paper.
    Site,
    /// A tag's, by index into [`SiteIndex::tags`].
    Tag(usize),
    /// A keyword feed's, by index into [`SiteIndex::keyword_feeds`].
    Keyword(usize),
}

/// The site path of a keyword feed's first page: `feeds/<slug>/`.
pub fn keyword_feed_path(slug: &str) -> String {
    format!("feeds/{slug}/")
}

/// An order of a list of papers other than the listing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Most upvoted first.
    Upvotes,
    /// By title, A to Z.
    Title,
}

/// An input a page is made from; when it changes, the page must be rendered again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// A paper's record, by slug.
    Paper(String),
    /// The membership of a day (`2025-02-06`).
    Day(String),
    /// The membership of a month (`2025-02`).
    Month(String),
    /// The membership of a tag, by slug.
    Tag(String),
    /// The list of days (for prev/next links and the archive).
    DayList,
    /// The list of tags and their counts.
    TagList,
    /// The membership of a keyword feed, by slug.
    Keyword(String),
    /// The whole paper order (home pages, site feed).
    AllPapers,
}

/// The template name of pages made by code (feeds in JSON, BibTeX files).
pub const GENERATED: &str = "";

/// One page of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPage {
    /// The output file, relative to the output folder (`papers/x/index.html`, `atom.xml`).
    pub path: String,
    /// What it shows.
    pub kind: PageKind,
    /// The template that renders it.
    pub template: &'static str,
}

impl PlannedPage {
    fn html(mut dir: String, kind: PageKind, template: &'static str) -> Self {
        dir.push_str("index.html");
        PlannedPage {
            path: dir,
            kind,
            template,
        }
    }

    /// The page's URL path relative to the base URL: `papers/x/` for `papers/x/index.html`.
    pub fn url_path(&self) -> String {
        match self.path.strip_suffix("index.html") {
            Some(dir) => dir.to_string(),
            None => self.path.clone(),
        }
    }

    /// A page made by code rather than a template.
    fn generated(path: String, kind: PageKind) -> Self {
        PlannedPage {
            path,
            kind,
            template: GENERATED,
        }
    }

    /// Whether the page belongs in the sitemap.
    pub fn in_sitemap(&self) -> bool {
        self.path.ends_with(".html") && !matches!(self.kind, PageKind::NotFound | PageKind::Search)
    }

    /// What the page is made from, besides the config and its templates.
    pub fn inputs(&self, papers: &[Paper], index: &SiteIndex) -> Vec<Input> {
        let slug = |id: PaperId| Input::Paper(papers[id].slug.clone());
        match &self.kind {
            PageKind::Home(pager) => {
                let mut inputs = vec![Input::AllPapers];
                inputs.extend(index.order[pager.items.clone()].iter().map(|&id| slug(id)));
                inputs
            }
            PageKind::Paper(id) => {
                let mut inputs = vec![slug(*id)];
                inputs.extend(
                    index.paper_tags[*id]
                        .iter()
                        .map(|&t| Input::Tag(index.tags[t].slug.clone())),
                );
                inputs
            }
            PageKind::Day(i) => {
                let day = &index.days[*i];
                let mut inputs = vec![Input::Day(day.date.to_string()), Input::DayList];
                inputs.extend(day.papers.iter().map(|&id| slug(id)));
                inputs
            }
            PageKind::Month(i) => {
                let month = &index.months[*i];
                let mut inputs = vec![
                    Input::Month(format!("{:04}-{:02}", month.year, month.month)),
                    Input::DayList,
                ];
                inputs.extend(
                    month
                        .days
                        .iter()
                        .flat_map(|&d| index.days[d].papers.iter())
                        .map(|&id| slug(id)),
                );
                inputs
            }
            PageKind::Week(i) => {
                let week = &index.weeks[*i];
                let mut inputs = vec![Input::DayList];
                inputs.extend(
                    week.days
                        .iter()
                        .flat_map(|&d| index.days[d].papers.iter())
                        .map(|&id| slug(id)),
                );
                inputs
            }
            PageKind::Archive => vec![Input::DayList],
            PageKind::TagList => vec![Input::TagList],
            PageKind::Tag(t, pager) => {
                let tag = &index.tags[*t];
                let mut inputs = vec![Input::Tag(tag.slug.clone())];
                inputs.extend(tag.papers[pager.items.clone()].iter().map(|&id| slug(id)));
                inputs
            }
            PageKind::Feed(FeedScope::Site) | PageKind::JsonFeed(FeedScope::Site) => {
                vec![Input::AllPapers]
            }
            PageKind::Feed(FeedScope::Tag(t))
            | PageKind::JsonFeed(FeedScope::Tag(t))
            | PageKind::TagBib(t) => {
                vec![Input::Tag(index.tags[*t].slug.clone())]
            }
            PageKind::Feed(FeedScope::Keyword(k)) | PageKind::JsonFeed(FeedScope::Keyword(k)) => {
                vec![Input::Keyword(index.keyword_feeds[*k].slug.clone())]
            }
            PageKind::Keyword(k, pager) => {
                let feed = &index.keyword_feeds[*k];
                let mut inputs = vec![Input::Keyword(feed.slug.clone())];
                inputs.extend(feed.papers[pager.items.clone()].iter().map(|&id| slug(id)));
                inputs
            }
            PageKind::DayBib(i) => {
                let day = &index.days[*i];
                let mut inputs = vec![Input::Day(day.date.to_string())];
                inputs.extend(day.papers.iter().map(|&id| slug(id)));
                inputs
            }
            PageKind::NotFound | PageKind::Search => Vec::new(),
        }
    }
}

/// Lists every page of the site (DESIGN §4), in a stable order.
pub fn plan(config: &Config, papers: &[Paper], index: &SiteIndex) -> Vec<PlannedPage> {
    plan_reusing(config, papers, index, None)
}

/// [`plan`], given the paper pages of the previous plan when they are known to be unchanged
/// (no paper came or went, no slug changed): they are most of the pages.
pub fn plan_reusing(
    config: &Config,
    papers: &[Paper],
    index: &SiteIndex,
    previous_paper_pages: Option<Vec<PlannedPage>>,
) -> Vec<PlannedPage> {
    let mut paper_pages = Vec::new();
    let mut pages = Vec::with_capacity(
        papers.len()
            + 2 * index.days.len()
            + index.months.len()
            + index.weeks.len()
            + 5 * index.tags.len()
            + 8,
    );
    let home_len = index
        .order
        .len()
        .min(config.home_pages * config.paginate_by);
    for pager in paginate(home_len, config.paginate_by) {
        pages.push(PlannedPage::html(
            page_path("", pager.number),
            PageKind::Home(pager),
            "index.html",
        ));
    }
    // Paper pages in slug order (not listing order), so an edit that reorders a day moves no
    // page in the plan and leaves the sitemap as it was, and file names do not matter.
    // They are most of the pages: made in parallel, or taken over.
    match previous_paper_pages {
        Some(previous) if previous.len() == papers.len() => paper_pages = previous,
        _ => {
            let mut by_slug: Vec<PaperId> = (0..papers.len()).collect();
            by_slug.par_sort_unstable_by(|&a, &b| papers[a].slug.cmp(&papers[b].slug));
            by_slug
                .into_par_iter()
                .map(|id| {
                    let slug = &papers[id].slug;
                    let mut path = String::with_capacity(slug.len() + 18);
                    path.push_str("papers/");
                    path.push_str(slug);
                    path.push_str("/index.html");
                    PlannedPage {
                        path,
                        kind: PageKind::Paper(id),
                        template: "paper.html",
                    }
                })
                .collect_into_vec(&mut paper_pages);
        }
    }
    pages.append(&mut paper_pages);
    for (i, day) in index.days.iter().enumerate() {
        pages.push(PlannedPage::html(
            day_path(day.date),
            PageKind::Day(i),
            "day.html",
        ));
        if config.output.bibtex_files {
            pages.push(PlannedPage::generated(
                format!("{}papers.bib", day_path(day.date)),
                PageKind::DayBib(i),
            ));
        }
    }
    let weeks = if config.output.week_pages {
        &index.weeks[..]
    } else {
        &[]
    };
    for (i, week) in weeks.iter().enumerate() {
        pages.push(PlannedPage::html(
            week_path(week.year, week.week),
            PageKind::Week(i),
            "week.html",
        ));
    }
    for (i, month) in index.months.iter().enumerate() {
        pages.push(PlannedPage::html(
            month_path(month.year, month.month),
            PageKind::Month(i),
            "month.html",
        ));
    }
    pages.push(PlannedPage::html(
        "archive/".to_string(),
        PageKind::Archive,
        "archive.html",
    ));
    pages.push(PlannedPage::html(
        "tags/".to_string(),
        PageKind::TagList,
        "tags.html",
    ));
    for (t, tag) in index.tags.iter().enumerate() {
        let base = tag_path(&tag.slug);
        push_list(
            &mut pages,
            config,
            &base,
            tag.papers.len(),
            |pager| PageKind::Tag(t, pager),
            "tag.html",
        );
        push_feeds(&mut pages, &base, FeedScope::Tag(t));
        if config.output.bibtex_files {
            pages.push(PlannedPage::generated(
                format!("{base}papers.bib"),
                PageKind::TagBib(t),
            ));
        }
    }
    for (k, feed) in index.keyword_feeds.iter().enumerate() {
        let base = keyword_feed_path(&feed.slug);
        push_list(
            &mut pages,
            config,
            &base,
            feed.papers.len(),
            |pager| PageKind::Keyword(k, pager),
            "keyword.html",
        );
        push_feeds(&mut pages, &base, FeedScope::Keyword(k));
    }
    push_feeds(&mut pages, "", FeedScope::Site);
    pages.push(PlannedPage::html(
        "search/".to_string(),
        PageKind::Search,
        "search.html",
    ));
    pages.push(PlannedPage {
        path: "404.html".to_string(),
        kind: PageKind::NotFound,
        template: "404.html",
    });
    pages
}

/// The pages of a paginated list of `len` papers at `base` (`base`, `base/page/2/`, …).
fn push_list(
    pages: &mut Vec<PlannedPage>,
    config: &Config,
    base: &str,
    len: usize,
    kind: impl Fn(Pager) -> PageKind,
    template: &'static str,
) {
    for pager in paginate(len, config.paginate_by) {
        pages.push(PlannedPage::html(
            page_path(base, pager.number),
            kind(pager),
            template,
        ));
    }
}

/// The Atom and JSON feeds of `scope` in the folder `base`.
fn push_feeds(pages: &mut Vec<PlannedPage>, base: &str, scope: FeedScope) {
    pages.push(PlannedPage {
        path: format!("{base}atom.xml"),
        kind: PageKind::Feed(scope),
        template: "atom.xml",
    });
    pages.push(PlannedPage::generated(
        format!("{base}feed.json"),
        PageKind::JsonFeed(scope),
    ));
}
