//! The plan: every page the site will have, with its output path (from [`crate::routes`]), its
//! template and what it shows ([`PageKind`]).
//!
//! Pure: from the config and the index to a list of pages. It does not decide which pages a
//! rebuild renders again: each page's fingerprint does (`render::fingerprint`), computed from
//! what its [`PageKind`] shows.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use crate::config::{Config, DigestPeriod};
use crate::index::paginate::{Pager, page_count, paginate};
use crate::index::{PaperId, SiteIndex};
use crate::record::Paper;
use crate::routes;

pub(crate) mod align;

/// What a page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageKind {
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
    /// A page of an author's papers, by index into the authors of [`SiteIndex::authors`].
    Author(usize, Pager),
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
    /// The most upvoted papers of the last 7 and 30 days.
    Top,
    /// A day's papers as JSON, by index into [`SiteIndex::days`].
    DayJson(usize),
    /// A page of a tag's papers as JSON.
    TagJson(usize, Pager),
    /// A paper's record as JSON.
    PaperJson(PaperId),
    /// What the JSON API holds and where (`api/index.json`).
    ApiIndex,
    /// `llms.txt`: the site described for language models and agents.
    Llms,
    /// Every feed of the site, with addresses to copy.
    Subscribe,
    /// Every feed as OPML, without a template.
    Opml,
    /// The status page: when built, the newest day, papers per listing day.
    Status,
    /// The status page's data as JSON, without a template.
    StatusJson,
    /// `digest.json`, the manifest the next build is compared with, without a template.
    Manifest,
    /// The email digest of a recent day or week, as sent (`crate::email`): its preview.
    Email(EmailScope),
    /// The digest feed, Atom: one entry per recent day's (or week's) email.
    DigestAtom,
    /// The digest feed as JSON Feed 1.1.
    DigestJson,
}

/// The days an email digest of the site covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EmailScope {
    /// A day, by index into [`SiteIndex::days`].
    Day(usize),
    /// An ISO week, by index into [`SiteIndex::weeks`].
    Week(usize),
}

impl PageKind {
    /// Whether the page is made of a whole list that grows with the site (every paper of a
    /// tag or a month, every day), not a page of it: `serve` writes it after the pages a
    /// reader is shown when an edit changes it, and makes its fingerprint only then.
    pub(crate) fn is_whole_list(&self) -> bool {
        matches!(
            self,
            PageKind::TagBib(_) | PageKind::Archive | PageKind::Month(_)
        )
    }

    /// What kind of page this is, in a word (for `DIGEST_TIMINGS`).
    pub(crate) fn name(&self) -> &'static str {
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
            PageKind::Author(..) => "author",
            // Authors' feeds apart, so `DIGEST_TIMINGS` (and the scale benchmark) tells their
            // cost from the tags'.
            PageKind::Feed(FeedScope::Author(_)) => "author atom",
            PageKind::JsonFeed(FeedScope::Author(_)) => "author json",
            PageKind::Feed(_) => "atom",
            PageKind::JsonFeed(_) => "json feed",
            PageKind::DayBib(_) => "day bib",
            PageKind::TagBib(_) => "tag bib",
            PageKind::Search => "search",
            PageKind::NotFound => "404",
            PageKind::Top => "top",
            PageKind::DayJson(_) => "day json",
            PageKind::TagJson(..) => "tag json",
            PageKind::PaperJson(_) => "paper json",
            PageKind::ApiIndex => "api index",
            PageKind::Llms => "llms",
            PageKind::Subscribe => "subscribe",
            PageKind::Opml => "opml",
            PageKind::Status => "status",
            PageKind::StatusJson => "status json",
            PageKind::Manifest => "manifest",
            PageKind::Email(_) => "email",
            PageKind::DigestAtom => "digest atom",
            PageKind::DigestJson => "digest json",
        }
    }
}

/// The papers a feed follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FeedScope {
    /// Every paper.
    Site,
    /// A tag's, by index into [`SiteIndex::tags`].
    Tag(usize),
    /// A keyword feed's, by index into [`SiteIndex::keyword_feeds`].
    Keyword(usize),
    /// An author's, by index into the authors of [`SiteIndex::authors`].
    Author(usize),
}

/// An order of a list of papers other than the listing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Sort {
    /// Most upvoted first.
    Upvotes,
    /// By title, A to Z.
    Title,
}

/// The template of an email digest's HTML (and of the digest feeds, made from it).
pub(crate) const EMAIL_TEMPLATE: &str = "email.html";

/// The template name of pages made by code (feeds in JSON, BibTeX files).
pub(crate) const GENERATED: &str = "";

/// One page of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedPage {
    /// The output file, relative to the output folder (`papers/x/index.html`, `atom.xml`).
    pub path: String,
    /// What it shows.
    pub kind: PageKind,
    /// The template that renders it.
    pub template: &'static str,
}

impl PlannedPage {
    fn html(dir: String, kind: PageKind, template: &'static str) -> Self {
        PlannedPage {
            path: routes::html_file(&dir),
            kind,
            template,
        }
    }

    /// The page's URL path relative to the base URL: `papers/x/` for `papers/x/index.html`.
    pub(crate) fn url_path(&self) -> String {
        self.url_dir().to_string()
    }

    /// [`PlannedPage::url_path`], borrowed from the page's path.
    pub(crate) fn url_dir(&self) -> &str {
        self.path.strip_suffix("index.html").unwrap_or(&self.path)
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
    pub(crate) fn in_sitemap(&self) -> bool {
        self.path.ends_with(".html")
            && !matches!(
                self.kind,
                PageKind::NotFound | PageKind::Search | PageKind::Status | PageKind::Email(_)
            )
    }
}

/// Lists every page of the site (DESIGN §4), in a stable order, taking over
/// `previous_paper_pages`, the paper pages of the previous plan and their papers' JSON files
/// after them, when they are known to be unchanged (no paper came or went, no slug changed):
/// they are most of the pages. `previous_len`, the previous plan's length (0 for none), is the
/// room made: a million-page plan grown from a guess was copied several times over.
pub(crate) fn plan_reusing(
    config: &Config,
    papers: &[Paper],
    index: &SiteIndex,
    previous_paper_pages: Option<Vec<PlannedPage>>,
    previous_len: usize,
) -> Vec<PlannedPage> {
    let mut paper_pages = Vec::new();
    let mut pages = Vec::with_capacity(
        (papers.len()
            + 2 * index.days.len()
            + index.months.len()
            + index.weeks.len()
            + 5 * index.tags.len()
            + 8)
        .max(previous_len + 64),
    );
    let home_len = index
        .order
        .len()
        .min(config.home_pages * config.paginate_by);
    for pager in paginate(home_len, config.paginate_by) {
        pages.push(PlannedPage::html(
            routes::page(routes::HOME, pager.number),
            PageKind::Home(pager),
            "index.html",
        ));
    }
    // Paper pages in slug order (not listing order), so an edit that reorders a day moves no
    // page in the plan and leaves the sitemap as it was, and file names do not matter.
    // They are most of the pages: made in parallel, or taken over with the papers' JSON.
    let api = config.output.api;
    let taken = previous_paper_pages.filter(|previous| {
        let n = papers.len();
        previous.len() == if api { 2 * n } else { n }
            && previous[..n]
                .iter()
                .all(|p| matches!(p.kind, PageKind::Paper(_)))
            && previous[n..]
                .iter()
                .all(|p| matches!(p.kind, PageKind::PaperJson(_)))
    });
    let paper_json: Vec<PlannedPage> = match taken {
        Some(mut previous) => {
            let json = previous.split_off(papers.len());
            paper_pages = previous;
            json
        }
        None => {
            let mut by_slug: Vec<PaperId> = (0..papers.len()).collect();
            by_slug.par_sort_unstable_by(|&a, &b| papers[a].slug.cmp(&papers[b].slug));
            by_slug
                .into_par_iter()
                .map(|id| {
                    PlannedPage::html(
                        routes::paper(&papers[id].slug),
                        PageKind::Paper(id),
                        "paper.html",
                    )
                })
                .collect_into_vec(&mut paper_pages);
            // Each paper's record as JSON, in the same order, after all the paper pages (the
            // next plan takes both over as one block).
            if api {
                paper_pages
                    .par_iter()
                    .filter_map(|page| match page.kind {
                        PageKind::Paper(id) => Some(PlannedPage::generated(
                            routes::paper_json(&papers[id].slug),
                            PageKind::PaperJson(id),
                        )),
                        _ => None,
                    })
                    .collect()
            } else {
                Vec::new()
            }
        }
    };
    pages.append(&mut paper_pages);
    pages.extend(paper_json);
    for (i, day) in index.days.iter().enumerate() {
        pages.push(PlannedPage::html(
            routes::day(day.date),
            PageKind::Day(i),
            "day.html",
        ));
        if config.output.bibtex_files {
            pages.push(PlannedPage::generated(
                routes::bib(&routes::day(day.date)),
                PageKind::DayBib(i),
            ));
        }
        if config.output.api {
            pages.push(PlannedPage::generated(
                routes::list_json(&routes::day(day.date)),
                PageKind::DayJson(i),
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
            routes::week(week.year, week.week),
            PageKind::Week(i),
            "week.html",
        ));
    }
    for (i, month) in index.months.iter().enumerate() {
        pages.push(PlannedPage::html(
            routes::month(month.year, month.month),
            PageKind::Month(i),
            "month.html",
        ));
    }
    pages.push(PlannedPage::html(
        routes::ARCHIVE.to_string(),
        PageKind::Archive,
        "archive.html",
    ));
    pages.push(PlannedPage::html(
        routes::TAGS.to_string(),
        PageKind::TagList,
        "tags.html",
    ));
    for (t, tag) in index.tags.iter().enumerate() {
        let base = routes::tag(&tag.slug);
        push_list(
            &mut pages,
            config,
            &base,
            tag.papers.len(),
            |pager| PageKind::Tag(t, pager),
            "tag.html",
        );
        push_feeds(&mut pages, &base, FeedScope::Tag(t));
        if config.output.api {
            push_tag_json(&mut pages, config, &base, t, tag.papers.len());
        }
        if config.output.bibtex_files {
            pages.push(PlannedPage::generated(
                routes::bib(&base),
                PageKind::TagBib(t),
            ));
        }
    }
    for (k, feed) in index.keyword_feeds.iter().enumerate() {
        let base = routes::keyword_feed(&feed.slug);
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
    push_authors(&mut pages, config, index);
    push_feeds(&mut pages, routes::HOME, FeedScope::Site);
    pages.push(PlannedPage::html(
        routes::SEARCH.to_string(),
        PageKind::Search,
        "search.html",
    ));
    if config.output.api {
        pages.push(PlannedPage::generated(
            routes::API_INDEX.to_string(),
            PageKind::ApiIndex,
        ));
        pages.push(PlannedPage::generated(
            routes::LLMS.to_string(),
            PageKind::Llms,
        ));
    }
    pages.push(PlannedPage::html(
        routes::TOP.to_string(),
        PageKind::Top,
        "top.html",
    ));
    pages.push(PlannedPage::html(
        routes::SUBSCRIBE.to_string(),
        PageKind::Subscribe,
        "subscribe.html",
    ));
    pages.push(PlannedPage::generated(
        routes::OPML.to_string(),
        PageKind::Opml,
    ));
    pages.push(PlannedPage {
        path: routes::NOT_FOUND.to_string(),
        kind: PageKind::NotFound,
        template: "404.html",
    });
    pages.push(PlannedPage::html(
        routes::STATUS.to_string(),
        PageKind::Status,
        "status.html",
    ));
    pages.push(PlannedPage::generated(
        routes::STATUS_JSON.to_string(),
        PageKind::StatusJson,
    ));
    push_email(&mut pages, config, index);
    // Last: its page count counts every page, itself included.
    pages.push(PlannedPage::generated(
        routes::MANIFEST.to_string(),
        PageKind::Manifest,
    ));
    pages
}

/// A hash of what [`plan_reusing`] reads of `index` but the lists' lengths: every list's name,
/// the number of papers, the days', weeks' and months' dates. Two indexes of one shape (and
/// the same settings) plan the same pages but the paper pages, which follow the papers' slugs,
/// and the pages of the lists, which follow the lists' lengths: their number
/// ([`page_counts`], [`resize_lists`]) and their items ([`mend_pagers`]).
pub(crate) fn shape(index: &SiteIndex) -> u64 {
    let mut hasher = crate::hash::hasher();
    let lists = |tags: &[crate::index::Tag], hasher: &mut crate::hash::FingerprintHasher| {
        tags.len().hash(hasher);
        for tag in tags {
            tag.slug.hash(hasher);
        }
    };
    index.order.len().hash(&mut hasher);
    index.days.len().hash(&mut hasher);
    for day in &index.days {
        day.date.hash(&mut hasher);
    }
    index.weeks.len().hash(&mut hasher);
    for week in &index.weeks {
        (week.year, week.week).hash(&mut hasher);
    }
    index.months.len().hash(&mut hasher);
    for month in &index.months {
        (month.year, month.month).hash(&mut hasher);
    }
    lists(&index.tags, &mut hasher);
    lists(&index.keyword_feeds, &mut hasher);
    index.authors.authors.len().hash(&mut hasher);
    for author in &index.authors.authors {
        author.slug.hash(&mut hasher);
    }
    hasher.finish()
}

/// How many pages each paginated list of `index` has, `per_page` papers a page: the tags',
/// then the keyword feeds', then the authors' (all of them: an author without a page has
/// none planned, whatever the count says).
pub(crate) fn page_counts(index: &SiteIndex, per_page: usize) -> Vec<u32> {
    let tags = index.tags.iter().chain(&index.keyword_feeds);
    let lens = (tags.map(|tag| tag.papers.len()))
        .chain(index.authors.authors.iter().map(|a| a.papers.len()));
    lens.map(|len| page_count(len, per_page) as u32).collect()
}

/// Makes `pages`, a plan of an index of the same [`shape`] as `index` whose lists had
/// `counts_before` pages ([`page_counts`]), the plan [`plan_reusing`] makes of `index` but the
/// items of the lists' pages ([`mend_pagers`]): the pages of each list whose page count
/// changed are planned again, in their place, and every other page after `from` (where the
/// paper pages and their JSON files end) is moved over with its path's hash from
/// `path_hashes`, which follows. A tag edit sometimes adds or drops a page of a tag: planning
/// all pages again then took 270–320 ms at a million papers.
pub(crate) fn resize_lists(
    pages: &mut Vec<PlannedPage>,
    path_hashes: &mut Vec<u64>,
    from: usize,
    config: &Config,
    index: &SiteIndex,
    counts_before: &[u32],
) {
    let counts = page_counts(index, config.paginate_by);
    debug_assert_eq!(counts.len(), counts_before.len());
    let (tags, feeds) = (index.tags.len(), index.keyword_feeds.len());
    let changed = |list: usize| counts.get(list) != counts_before.get(list);
    let tail = pages.split_off(from);
    let tail_hashes = path_hashes.split_off(from);
    let start = pages.len();
    for (page, hash) in tail.into_iter().zip(tail_hashes) {
        // Each list's pages lie together: planned again at its first one, in its place.
        let (first, list) = match &page.kind {
            PageKind::Tag(t, pager) | PageKind::TagJson(t, pager) => (pager.number == 1, *t),
            PageKind::Keyword(k, pager) => (pager.number == 1, tags + k),
            PageKind::Author(a, pager) => (pager.number == 1, tags + feeds + a),
            _ => (false, usize::MAX),
        };
        if list == usize::MAX || !changed(list) {
            pages.push(page);
            path_hashes.push(hash);
            continue;
        }
        if !first {
            continue;
        }
        let made = pages.len();
        match page.kind {
            PageKind::Tag(t, _) => {
                let base = routes::tag(&index.tags[t].slug);
                let len = index.tags[t].papers.len();
                push_list(
                    pages,
                    config,
                    &base,
                    len,
                    |p| PageKind::Tag(t, p),
                    "tag.html",
                );
            }
            PageKind::TagJson(t, _) => {
                let base = routes::tag(&index.tags[t].slug);
                push_tag_json(pages, config, &base, t, index.tags[t].papers.len());
            }
            PageKind::Keyword(k, _) => {
                let feed = &index.keyword_feeds[k];
                let base = routes::keyword_feed(&feed.slug);
                let kind = |p| PageKind::Keyword(k, p);
                push_list(
                    pages,
                    config,
                    &base,
                    feed.papers.len(),
                    kind,
                    "keyword.html",
                );
            }
            PageKind::Author(a, _) => {
                let author = &index.authors.authors[a];
                let base = routes::author(&author.slug);
                let kind = |p| PageKind::Author(a, p);
                push_list(
                    pages,
                    config,
                    &base,
                    author.papers.len(),
                    kind,
                    "author.html",
                );
            }
            _ => {}
        }
        path_hashes.extend(
            pages[made..]
                .iter()
                .map(|p| crate::hash::hash_of(p.path.as_str())),
        );
    }
    debug_assert!(pages[start..].len() == path_hashes[start..].len());
}

/// A hash of every paginated list's length in `index`: while it stays, so do the list pages'
/// items ([`mend_pagers`] has nothing to do).
pub(crate) fn list_lengths(index: &SiteIndex) -> u64 {
    let mut hasher = crate::hash::hasher();
    for tag in index.tags.iter().chain(&index.keyword_feeds) {
        tag.papers.len().hash(&mut hasher);
    }
    for author in &index.authors.authors {
        author.papers.len().hash(&mut hasher);
    }
    hasher.finish()
}

/// Sets each list page's items from its list's length in `index`: a plan of an index of the
/// same [`shape`] becomes the plan [`plan_reusing`] makes of `index` (a tag edit changes
/// lengths, and rarely a page count: planning 126,000 pages again took 30 ms at 100,000
/// papers, 170 ms at a million).
pub(crate) fn mend_pagers(pages: &mut [PlannedPage], index: &SiteIndex, per_page: usize) {
    pages.par_iter_mut().for_each(|page| {
        let (len, pager) = match &mut page.kind {
            PageKind::Tag(t, pager) | PageKind::TagJson(t, pager) => {
                (index.tags[*t].papers.len(), pager)
            }
            PageKind::Keyword(k, pager) => (index.keyword_feeds[*k].papers.len(), pager),
            PageKind::Author(a, pager) => (index.authors.authors[*a].papers.len(), pager),
            _ => return,
        };
        *pager = crate::index::paginate::pager(len, per_page, pager.number);
    });
}

/// The email previews of the newest days (and weeks, when the digest feed has one entry per
/// week) and the digest feed (`[email]` of `site.toml`).
fn push_email(pages: &mut Vec<PlannedPage>, config: &Config, index: &SiteIndex) {
    let email = &config.email;
    for (i, day) in index.days.iter().enumerate().take(email.recent) {
        pages.push(PlannedPage::html(
            routes::email(&routes::day(day.date)),
            PageKind::Email(EmailScope::Day(i)),
            EMAIL_TEMPLATE,
        ));
    }
    if email.feed == Some(DigestPeriod::Week) {
        for (i, week) in index.weeks.iter().enumerate().take(email.recent) {
            pages.push(PlannedPage::html(
                routes::email(&routes::week(week.year, week.week)),
                PageKind::Email(EmailScope::Week(i)),
                EMAIL_TEMPLATE,
            ));
        }
    }
    if email.feed.is_some() {
        // Made by code, from the emails: their template's changes must reach them.
        for (path, kind) in [
            (routes::DIGEST_ATOM, PageKind::DigestAtom),
            (routes::DIGEST_JSON, PageKind::DigestJson),
        ] {
            pages.push(PlannedPage {
                path: path.to_string(),
                kind,
                template: EMAIL_TEMPLATE,
            });
        }
    }
}

/// Each author's pages (`[output] author_pages`) and feeds, in slug order.
fn push_authors(pages: &mut Vec<PlannedPage>, config: &Config, index: &SiteIndex) {
    for (a, author) in index.authors.authors.iter().enumerate() {
        let base = routes::author(&author.slug);
        push_list(
            pages,
            config,
            &base,
            author.papers.len(),
            |pager| PageKind::Author(a, pager),
            "author.html",
        );
        push_feeds(pages, &base, FeedScope::Author(a));
    }
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
            routes::page(base, pager.number),
            kind(pager),
            template,
        ));
    }
}

/// The JSON files of the pages of tag `t`'s list of `len` papers, at `base`.
fn push_tag_json(pages: &mut Vec<PlannedPage>, config: &Config, base: &str, t: usize, len: usize) {
    for pager in paginate(len, config.paginate_by) {
        pages.push(PlannedPage::generated(
            routes::list_json(&routes::page(base, pager.number)),
            PageKind::TagJson(t, pager),
        ));
    }
}

/// The Atom and JSON feeds of `scope` in the folder `base`.
fn push_feeds(pages: &mut Vec<PlannedPage>, base: &str, scope: FeedScope) {
    pages.push(PlannedPage {
        path: routes::atom(base),
        kind: PageKind::Feed(scope),
        template: "atom.xml",
    });
    pages.push(PlannedPage::generated(
        routes::json_feed(base),
        PageKind::JsonFeed(scope),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tags::{PaperTag, TagKeys, paper_tags};

    /// Every page of a small site: its path (from `routes`), kind and template, in plan order.
    #[test]
    fn plan_table() {
        let config = Config::parse(
            "base_url = \"https://u.github.io/p/\"\npaginate_by = 1\n[keyword_feeds]\n\"Agents\" = [\"agent\"]\n",
            "site.toml",
            None,
        )
        .unwrap();
        let paper = |slug: &str, date: &str, tags: &str| {
            let text = format!("+++\ntitle = \"{slug}\"\ndate = {date}\ntags = [{tags}]\n+++\n");
            crate::record::parse(&text, "p.md", slug).unwrap()
        };
        let papers = vec![
            paper("b", "2025-02-06", "\"rl\""),
            paper("a", "2025-02-06", "\"rl\""),
        ];
        let mut keys = TagKeys::default();
        let tags: Vec<Vec<PaperTag>> = papers
            .iter()
            .map(|p| {
                let mut mine = paper_tags(p, &[]);
                keys.key(&mut mine);
                mine
            })
            .collect();
        let index = SiteIndex::build(&papers, &tags, &["Agents"], &[vec![0], vec![]]);
        let pages = plan_reusing(&config, &papers, &index, None, 0);
        let got: Vec<(&str, &str, &str)> = pages
            .iter()
            .map(|p| (p.path.as_str(), p.kind.name(), p.template))
            .collect();
        assert_eq!(
            got,
            [
                ("index.html", "home", "index.html"),
                ("page/2/index.html", "home", "index.html"),
                ("papers/a/index.html", "paper", "paper.html"),
                ("papers/b/index.html", "paper", "paper.html"),
                ("papers/a/index.json", "paper json", GENERATED),
                ("papers/b/index.json", "paper json", GENERATED),
                ("2025/02/06/index.html", "day", "day.html"),
                ("2025/02/06/papers.bib", "day bib", GENERATED),
                ("2025/02/06/papers.json", "day json", GENERATED),
                ("2025/w06/index.html", "week", "week.html"),
                ("2025/02/index.html", "month", "month.html"),
                ("archive/index.html", "archive", "archive.html"),
                ("tags/index.html", "tags", "tags.html"),
                ("tags/rl/index.html", "tag", "tag.html"),
                ("tags/rl/page/2/index.html", "tag", "tag.html"),
                ("tags/rl/atom.xml", "atom", "atom.xml"),
                ("tags/rl/feed.json", "json feed", GENERATED),
                ("tags/rl/papers.json", "tag json", GENERATED),
                ("tags/rl/page/2/papers.json", "tag json", GENERATED),
                ("tags/rl/papers.bib", "tag bib", GENERATED),
                ("feeds/agents/index.html", "keyword", "keyword.html"),
                ("feeds/agents/atom.xml", "atom", "atom.xml"),
                ("feeds/agents/feed.json", "json feed", GENERATED),
                ("atom.xml", "atom", "atom.xml"),
                ("feed.json", "json feed", GENERATED),
                ("search/index.html", "search", "search.html"),
                ("api/index.json", "api index", GENERATED),
                ("llms.txt", "llms", GENERATED),
                ("top/index.html", "top", "top.html"),
                ("subscribe/index.html", "subscribe", "subscribe.html"),
                ("feeds.opml", "opml", GENERATED),
                ("404.html", "404", "404.html"),
                ("status/index.html", "status", "status.html"),
                ("status.json", "status json", GENERATED),
                ("2025/02/06/email/index.html", "email", "email.html"),
                ("digest.xml", "digest atom", "email.html"),
                ("digest-feed.json", "digest json", "email.html"),
                ("digest.json", "manifest", GENERATED),
            ]
        );
        assert_eq!(pages[2].url_path(), "papers/a/");
        assert_eq!(pages[7].url_path(), "2025/02/06/papers.bib");
    }

    /// A plan whose lists' page counts changed, resized in place, is the plan made whole of
    /// the new index (but the pagers' items, which `mend_pagers` sets), path hashes included:
    /// one tag and the keyword feed gain a page, another tag loses one, and the pages of
    /// lists that did not change keep their place relative to each other.
    #[test]
    fn resizing_lists_plans_what_planning_again_does() {
        let config = Config::parse(
            "base_url = \"https://u.github.io/p/\"\npaginate_by = 1\n[keyword_feeds]\n\"Agents\" = [\"agent\"]\n",
            "site.toml",
            None,
        )
        .unwrap();
        let paper = |slug: &str, tags: &str| {
            let text =
                format!("+++\ntitle = \"{slug}\"\ndate = 2025-02-06\ntags = [{tags}]\n+++\n");
            crate::record::parse(&text, "p.md", slug).unwrap()
        };
        let index_of = |papers: &[Paper], feeds: &[Vec<u16>]| {
            let mut keys = TagKeys::default();
            let tags: Vec<Vec<PaperTag>> = papers
                .iter()
                .map(|p| {
                    let mut mine = paper_tags(p, &[]);
                    keys.key(&mut mine);
                    mine
                })
                .collect();
            SiteIndex::build(papers, &tags, &["Agents"], feeds)
        };
        let before = [
            paper("a", "\"rl\", \"zoo\""),
            paper("b", "\"rl\", \"cv\""),
            paper("c", "\"cv\", \"zoo\""),
        ];
        let after = [
            paper("a", "\"rl\", \"zoo\""),
            paper("b", "\"cv\", \"zoo\""),
            paper("c", "\"cv\", \"zoo\""),
        ];
        let index = index_of(&before, &[vec![0], vec![], vec![]]);
        let mut pages = plan_reusing(&config, &before, &index, None, 0);
        let mut hashes: Vec<u64> = pages
            .iter()
            .map(|p| crate::hash::hash_of(p.path.as_str()))
            .collect();
        let counts = page_counts(&index, config.paginate_by);
        assert_eq!(counts, [2, 2, 2, 1]);
        let new_index = index_of(&after, &[vec![0], vec![0], vec![]]);
        assert_eq!(shape(&new_index), shape(&index));
        assert_eq!(page_counts(&new_index, config.paginate_by), [2, 1, 3, 2]);
        let from = pages
            .iter()
            .position(|p| matches!(p.kind, PageKind::Day(_)))
            .unwrap();
        resize_lists(&mut pages, &mut hashes, from, &config, &new_index, &counts);
        mend_pagers(&mut pages[from..], &new_index, config.paginate_by);
        let whole = plan_reusing(&config, &after, &new_index, None, 0);
        let paths = |pages: &[PlannedPage]| -> Vec<String> {
            pages.iter().map(|p| p.path.clone()).collect()
        };
        assert_eq!(paths(&pages), paths(&whole));
        assert_eq!(pages, whole);
        let whole_hashes: Vec<u64> = whole
            .iter()
            .map(|p| crate::hash::hash_of(p.path.as_str()))
            .collect();
        assert_eq!(hashes, whole_hashes);
        assert!(paths(&pages).contains(&"tags/zoo/page/3/papers.json".to_string()));
        assert!(paths(&pages).contains(&"feeds/agents/page/2/index.html".to_string()));
        assert!(!paths(&pages).contains(&"tags/rl/page/2/index.html".to_string()));
    }

    /// Author pages (paginated) and feeds come after the keyword feeds, in slug order, and only
    /// for authors with enough papers.
    #[test]
    fn author_pages_are_planned_per_author_with_a_page() {
        let config = Config::parse(
            "base_url = \"https://u.github.io/p/\"\npaginate_by = 1\n",
            "site.toml",
            None,
        )
        .unwrap();
        let paper = |slug: &str, authors: &str| {
            let text =
                format!("+++\ntitle = \"{slug}\"\ndate = 2025-02-06\nauthors = [{authors}]\n+++\n");
            crate::record::parse(&text, "p.md", slug).unwrap()
        };
        let papers = vec![
            paper("a", "\"Lovelace, Ada\", \"Bo Once\""),
            paper("b", "\"Ada Lovelace\""),
        ];
        let mut people = crate::index::authors::AuthorKeys::default();
        let numbers: Vec<Vec<u32>> = papers
            .iter()
            .map(|p| people.number(crate::index::authors::author_keys(p)))
            .collect();
        let authors = crate::index::AuthorSource {
            numbers: &numbers,
            count: people.len(),
            min_papers: config.output.author_pages,
        };
        let index =
            SiteIndex::build_with_order(&papers, &[vec![], vec![]], &[], &[], authors, None);
        let pages = plan_reusing(&config, &papers, &index, None, 0);
        let got: Vec<(&str, &str)> = pages
            .iter()
            .filter(|p| p.path.starts_with("authors/"))
            .map(|p| (p.path.as_str(), p.kind.name()))
            .collect();
        assert_eq!(
            got,
            [
                ("authors/ada-lovelace/index.html", "author"),
                ("authors/ada-lovelace/page/2/index.html", "author"),
                ("authors/ada-lovelace/atom.xml", "author atom"),
                ("authors/ada-lovelace/feed.json", "author json"),
            ]
        );
    }
}
