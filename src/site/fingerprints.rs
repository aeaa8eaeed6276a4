//! Each page's fingerprint, made from an earlier state's where what the page is made of is
//! unchanged (see [`Site::page_fingerprints`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::hash::hash_of;
use crate::index::{PaperId, SiteIndex};
use crate::plan::{PageKind, PlannedPage};
use crate::render::views::{self, SiteData};

use super::Site;

impl Site {
    /// Each page's fingerprint, by output path: pages whose fingerprint is unchanged since the
    /// last render need not be rendered again.
    pub(crate) fn fingerprints(&self) -> Vec<u64> {
        let data = self.data();
        self.pages
            .par_iter()
            .map(|page| self.fingerprint_of(&data, page))
            .collect()
    }

    /// Every page's fingerprint, as [`Site::fingerprints`], made from those of an earlier state
    /// of the site (`before`) where they cannot differ, when the templates and settings are
    /// the same:
    /// - a paper page keeps its fingerprint when its path, what it is made of
    ///   ([`views::page_inputs`]) and what its related papers show (their title-list hashes)
    ///   are the same: when no paper's title-list hash changed (a tag or date edit), no paper's
    ///   related papers are read;
    /// - a paper's JSON file keeps it when its path and its paper's page inputs are the same
    ///   (the file shows the card, the BibTeX key and the abstract, but not the related papers);
    /// - a day's page and JSON file keep it when their path, the day's date, its papers' ids
    ///   (in the same numbering) and the days beside it (dates and counts, for the links) are
    ///   the same and none of its papers' pages changed: 5,000 pages at 100,000 papers, 50,000
    ///   at a million, each reading its papers' hashes, were fingerprinted after every edit;
    ///   a week's or month's page likewise, with its days' dates and papers' ids, and the
    ///   weeks or months beside it as linked (number, count, a week's first day);
    /// - a day's or tag's BibTeX file keeps it when its path and its papers are the same and
    ///   none of their pages changed (what a BibTeX entry is made of, its citation hash and key,
    ///   is in the paper page's inputs). A tag's file of 76,000 entries hashed every key.
    /// - a page of a tag's, keyword feed's or author's list (a tag's JSON page, and the list's
    ///   Atom and JSON feeds) keeps it when its path and its list are the same (the list's name
    ///   and slug, a tag's trend, its papers' ids in a numbering of the same site that no paper
    ///   coming or going has changed since) and none of those papers' pages changed (their
    ///   inputs cover the card, title-list, citation and body hashes these pages are made of).
    ///   They are 81,700 of the ~90,000 pages that are not papers' or their JSON at 100,000
    ///   papers, and an edit changes a few lists. Ids are compared as bytes, not per paper: at a
    ///   million papers reading each listed paper's inputs cost what fingerprinting did.
    ///
    /// Every other page is fingerprinted again. At 100,000 papers that halves the step after an
    /// edit.
    #[cfg(test)]
    pub(crate) fn page_fingerprints(&self, before: Option<&PageFingerprints>) -> PageFingerprints {
        self.fingerprints_from(before, false)
    }

    /// `Site::page_fingerprints`, but the fingerprint of a page made of a whole list
    /// (`PageKind::is_whole_list`) that is not kept is left [`PENDING`], to be made with
    /// [`Site::make_pending`] when the page is written: `serve` writes those pages after the
    /// ones a reader is shown, and a large tag's BibTeX hashes every paper's key (the
    /// fingerprints of a million-paper site's edit spent 75–190 ms of thread time on them).
    pub(crate) fn page_fingerprints_deferring(
        &self,
        before: Option<&PageFingerprints>,
    ) -> PageFingerprints {
        self.fingerprints_from(before, true)
    }

    /// Makes the fingerprints of `pages` (indices in the plan) left [`PENDING`].
    pub(crate) fn make_pending(&self, fingerprints: &mut PageFingerprints, pages: &[usize]) {
        let data = self.data();
        let made: Vec<(usize, u64)> = (pages.par_iter())
            .filter(|&&i| fingerprints.pages[i] == PENDING)
            .map(|&i| (i, self.fingerprint_of(&data, &self.pages[i])))
            .collect();
        for (i, fingerprint) in made {
            fingerprints.pages[i] = fingerprint;
        }
    }

    fn fingerprints_from(
        &self,
        before: Option<&PageFingerprints>,
        defer: bool,
    ) -> PageFingerprints {
        self.fingerprints_with(before, defer, true)
    }

    /// [`Site::fingerprints_from`]. With `quick`, when the plan is the one `before` was made
    /// for and the papers' stamps were kept, only the pages of the papers whose stamp changed
    /// (and of those whose related papers show otherwise) are looked at among the paper pages
    /// and their JSON files, which are most of the pages: at a million papers, each pass over
    /// every page cost 10–60 ms of an edit. The debug builds the tests run check that it gives
    /// what looking at every page does.
    fn fingerprints_with(
        &self,
        before: Option<&PageFingerprints>,
        defer: bool,
        quick: bool,
    ) -> PageFingerprints {
        use crate::plan::FeedScope;
        let mut timer = crate::timing::PhaseTimer::start();
        let data = self.data();
        let settings = hash_of(&(self.config_hash, &self.template_hashes));
        // What each paper's page reads, in id order (the order the columns lie in memory),
        // then with each page's path in plan order: made again only for the papers whose
        // stamp changed since `before` (see `input_stamps`).
        let n = self.papers.len();
        let stamps = if self.input_stamps.len() == n {
            self.input_stamps.clone()
        } else {
            Vec::new()
        };
        let kept = before.filter(|b| !stamps.is_empty() && b.stamps.len() == n);
        // The papers whose stamp changed since `before` (when the stamps were kept).
        let stamped: Option<Vec<PaperId>> = kept.map(|kept| {
            (0..n)
                .into_par_iter()
                .filter(|&id| kept.stamps[id] != stamps[id])
                .collect()
        });
        let (paper_inputs, dates) = match (kept, &stamped) {
            (Some(kept), Some(stamped)) => {
                let (mut inputs, mut dates) = (kept.paper_inputs.clone(), kept.dates.clone());
                for &id in stamped {
                    inputs[id] = data.paper_inputs(id);
                    dates[id] = packed_date(data.papers[id].date);
                }
                (inputs, dates)
            }
            _ => (0..n)
                .into_par_iter()
                .map(|id| (data.paper_inputs(id), packed_date(data.papers[id].date)))
                .unzip(),
        };
        // Every stamp renewed where something a paper's page reads changed (checked in the
        // debug builds the tests run).
        #[cfg(debug_assertions)]
        for (id, &inputs) in paper_inputs.iter().enumerate() {
            debug_assert_eq!(
                inputs,
                data.paper_inputs(id),
                "paper {id}'s stamp not renewed"
            );
        }
        timer.phase("  fingerprints: papers' inputs");
        let lists = ListInputs::new(&self.index, &self.charts, self.ids_numbering);
        timer.phase("  fingerprints: lists' inputs");
        // Each page's path by its hash, made with the plan: reading every path of a million
        // pages again was a cache miss each.
        let path_hashes = self.path_hashes();
        let page_inputs = |i: usize| {
            let path = path_hashes[i];
            match self.pages[i].kind {
                PageKind::Paper(id) => views::page_inputs(path, paper_inputs[id]),
                PageKind::PaperJson(id) => hash_of(&(path, id)),
                PageKind::DayBib(i) => hash_of(&(path, lists.day_papers[i])),
                PageKind::Day(i) | PageKind::DayJson(i) => hash_of(&(path, lists.days[i])),
                PageKind::Week(i) => hash_of(&(path, lists.weeks[i])),
                PageKind::Month(i) => hash_of(&(path, lists.months[i])),
                PageKind::TagBib(t) => hash_of(&(path, lists.tag_papers[t])),
                // A page of a tag's list: the tag (name, slug, length), its trend on the first
                // page, and the papers of the page: a date edit moves a paper within its tags'
                // lists, and changes only the pages between its old place and the new.
                PageKind::Tag(t, ref pager) | PageKind::TagJson(t, ref pager) => {
                    let trend = (pager.number == 1)
                        .then(|| self.charts.tag_trends.get(t).map(|trend| &**trend))
                        .flatten();
                    let papers = &self.index.tags[t].papers[pager.items.clone()];
                    hash_of(&(path, lists.tag_heads[t], trend, pager, papers))
                }
                PageKind::Keyword(k, _) => hash_of(&(path, lists.feeds[k])),
                PageKind::Author(a, _) => hash_of(&(path, lists.authors[a])),
                PageKind::Feed(scope) | PageKind::JsonFeed(scope) => match scope {
                    FeedScope::Tag(t) => hash_of(&(path, lists.tags[t])),
                    FeedScope::Keyword(k) => hash_of(&(path, lists.feeds[k])),
                    FeedScope::Author(a) => hash_of(&(path, lists.authors[a])),
                    FeedScope::Site => 0,
                },
                _ => 0,
            }
        };
        let every_page = || -> Vec<u64> {
            (0..self.pages.len())
                .into_par_iter()
                .map(page_inputs)
                .collect()
        };
        let compacts = &self.papers.columns().compact_hashes;
        let Some(before) = before.filter(|b| b.settings == settings) else {
            let inputs = every_page();
            timer.phase("  fingerprints: pages' inputs");
            let pages = self.fingerprints();
            return PageFingerprints {
                pages,
                inputs,
                paper_inputs,
                stamps,
                compacts: compacts.clone(),
                dates,
                tag_lists: lists.tags.clone(),
                path_hashes: self.path_hashes.clone(),
                plan_stamp: self.plan_stamp,
                settings,
            };
        };
        // The papers whose stamp changed, when only their pages among the paper pages need
        // a look (see above); the others (the home pages, the lists') are all looked at.
        let (papers_from, papers_to) = {
            let to = self.lists_start();
            (to - self.paper_pages_len(), to)
        };
        let renewed: Option<&Vec<PaperId>> =
            (stamped.as_ref()).filter(|_| quick && before.plan_stamp == self.plan_stamp);
        let inputs: Vec<u64> = match renewed {
            Some(renewed) => {
                let mut inputs = before.inputs.clone();
                // A tag's pages whose list is as it was keep their inputs (a tag's list of a
                // million papers is forty thousand pages).
                let tag_lists = &before.tag_lists;
                set_around(&mut inputs, papers_from..papers_to, |i, slot| {
                    match self.pages[i].kind {
                        PageKind::Tag(t, _) | PageKind::TagJson(t, _)
                            if tag_lists.get(t) == Some(&lists.tags[t]) => {}
                        _ => *slot = page_inputs(i),
                    }
                });
                for &id in renewed {
                    let i = self.paper_pages[id] as usize;
                    inputs[i] = page_inputs(i);
                }
                inputs
            }
            None => every_page(),
        };
        timer.phase("  fingerprints: pages' inputs");
        // The earlier state's pages in this plan's order when pages came, went or moved (a
        // tag's list gained a page): each page is compared with what it was, wherever it was.
        // A page the earlier plan did not have has no inputs equal to its own.
        let places = (before.plan_stamp != self.plan_stamp)
            .then(|| crate::plan::align::places(&before.path_hashes, &self.path_hashes))
            .flatten();
        let (before_pages, before_inputs) = match &places {
            None => (
                Cow::Borrowed(&before.pages[..]),
                Cow::Borrowed(&before.inputs[..]),
            ),
            Some(places) => {
                use crate::plan::align::reorder;
                let pages = reorder(&before.pages, places, |_| PENDING);
                (
                    pages.into(),
                    reorder(&before.inputs, places, |i| !inputs[i]).into(),
                )
            }
        };
        timer.phase("  fingerprints: earlier pages in place");
        // Papers whose page is made of something else now (or is another page's place).
        let same_inputs = |i: usize| before_inputs.get(i) == Some(&inputs[i]);
        let changed_ids: Vec<PaperId> = match renewed {
            Some(renewed) => (renewed.iter().copied())
                .filter(|&id| !same_inputs(self.paper_pages[id] as usize))
                .collect(),
            None => (self.pages.par_iter().enumerate())
                .filter_map(|(i, page)| match page.kind {
                    PageKind::Paper(id) if !same_inputs(i) => Some(id),
                    _ => None,
                })
                .collect(),
        };
        let mut changed = vec![false; n];
        for &id in &changed_ids {
            changed[id] = true;
        }
        timer.phase("  fingerprints: papers changed");
        // The papers whose title-list hash changed: only those change how they show among
        // another paper's related papers. Only the papers whose stamp changed are compared
        // when the stamps were kept.
        let compact_changed = |id: PaperId| before.compacts.get(id) != Some(&compacts[id]);
        let shown_changed: Vec<PaperId> = match &stamped {
            Some(stamped) => (stamped.iter().copied())
                .filter(|&id| compact_changed(id))
                .collect(),
            None => (0..n)
                .into_par_iter()
                .filter(|&id| compact_changed(id))
                .collect(),
        };
        // Whether each paper's related papers show otherwise, in id order (see above): found
        // from who lists those papers when only some pages are looked at; when no paper shows
        // otherwise, none do.
        let listing: Option<Vec<bool>> = (!shown_changed.is_empty()).then(|| match renewed {
            Some(_) => self.related.listed_by().marks(&shown_changed, n),
            None => crate::related::listing_any(&self.related, &shown_changed, n),
        });
        let related_changed = |id: PaperId| listing.as_ref().is_some_and(|listing| listing[id]);
        timer.phase("  fingerprints: related papers unchanged");
        // Whether each list's papers are all unchanged (see above); a week's or month's are
        // its days'.
        let fresh = ListsFresh::of(self, &changed_ids);
        let none_changed = |ids: &[PaperId]| !ids.iter().any(|&id| changed[id]);
        #[cfg(debug_assertions)]
        {
            let index = &self.index;
            let days: Vec<bool> = (index.days.iter().map(|d| none_changed(&d.papers))).collect();
            let tags: Vec<bool> = (index.tags.iter().map(|t| none_changed(&t.papers))).collect();
            let feeds: Vec<bool> = (index.keyword_feeds.iter())
                .map(|f| none_changed(&f.papers))
                .collect();
            let authors: Vec<bool> = (index.authors.authors.iter())
                .map(|a| none_changed(&a.papers))
                .collect();
            debug_assert!(fresh.days == days, "days' freshness");
            debug_assert!(fresh.tags == tags, "tags' freshness");
            debug_assert!(fresh.feeds == feeds, "keyword feeds' freshness");
            debug_assert!(fresh.authors == authors, "authors' freshness");
        }
        timer.phase("  fingerprints: lists unchanged");
        // With `DIGEST_TIMINGS`: the pages fingerprinted again and their thread-milliseconds,
        // by kind.
        let made = timer
            .enabled()
            .then(|| std::sync::Mutex::new(BTreeMap::new()));
        let make = |page: &PlannedPage| match &made {
            _ if defer && page.kind.is_whole_list() => PENDING,
            Some(made) => {
                let started = std::time::Instant::now();
                let fingerprint = self.fingerprint_of(&data, page);
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                if let Ok(mut made) = made.lock() {
                    let (count, total): &mut (usize, f64) =
                        made.entry(page.kind.name()).or_default();
                    *count += 1;
                    *total += ms;
                }
                fingerprint
            }
            None => self.fingerprint_of(&data, page),
        };
        let fingerprint = |i: usize| {
            let page = &self.pages[i];
            match page.kind {
                PageKind::Paper(id) if !changed[id] && !related_changed(id) => before_pages[i],
                // A paper's JSON is made of what its page is, but its related papers.
                PageKind::PaperJson(id) if same_inputs(i) && !changed[id] => before_pages[i],
                PageKind::DayBib(d) | PageKind::Day(d) | PageKind::DayJson(d)
                    if same_inputs(i) && fresh.days[d] =>
                {
                    before_pages[i]
                }
                PageKind::Week(w)
                    if same_inputs(i) && fresh.all_days(&self.index.weeks[w].days) =>
                {
                    before_pages[i]
                }
                PageKind::Month(m)
                    if same_inputs(i) && fresh.all_days(&self.index.months[m].days) =>
                {
                    before_pages[i]
                }
                PageKind::TagBib(t) if same_inputs(i) && fresh.tags[t] => before_pages[i],
                PageKind::Tag(t, ref pager) | PageKind::TagJson(t, ref pager)
                    if same_inputs(i)
                        && (fresh.tags[t]
                            || none_changed(&self.index.tags[t].papers[pager.items.clone()])) =>
                {
                    before_pages[i]
                }
                PageKind::Keyword(k, _) if same_inputs(i) && fresh.feeds[k] => before_pages[i],
                PageKind::Author(a, _) if same_inputs(i) && fresh.authors[a] => before_pages[i],
                PageKind::Feed(scope) | PageKind::JsonFeed(scope)
                    if same_inputs(i) && fresh.scope(scope) =>
                {
                    before_pages[i]
                }
                _ => make(page),
            }
        };
        let pages: Vec<u64> = match renewed {
            Some(_) => {
                let mut pages = before.pages.clone();
                set_around(&mut pages, papers_from..papers_to, |i, slot| {
                    *slot = fingerprint(i);
                });
                // The paper pages (and JSON files) of the papers that changed, and the pages
                // of those whose related papers show otherwise: the others are as they were.
                let json = if self.config.output.api { n } else { 0 };
                let mut again: Vec<usize> = (changed_ids.iter())
                    .map(|&id| self.paper_pages[id] as usize)
                    .flat_map(|i| [Some(i), (json > 0).then_some(i + json)])
                    .flatten()
                    .collect();
                if listing.is_some() {
                    let listed_by = self.related.listed_by();
                    for &r in &shown_changed {
                        let listing = listed_by.of_paper(r).iter();
                        again.extend(listing.map(|&id| self.paper_pages[id as usize] as usize));
                    }
                }
                let made: Vec<(usize, u64)> =
                    (again.par_iter()).map(|&i| (i, fingerprint(i))).collect();
                for (i, made) in made {
                    pages[i] = made;
                }
                pages
            }
            None => (0..self.pages.len())
                .into_par_iter()
                .map(fingerprint)
                .collect(),
        };
        match made.and_then(|made| made.into_inner().ok()) {
            Some(made) => {
                let kinds: Vec<String> = (made.iter())
                    .map(|(kind, (count, ms))| format!("{count} {kind} {ms:.0} ms"))
                    .collect();
                timer.phase(&format!(
                    "  fingerprints: kept or made ({})",
                    kinds.join(", ")
                ));
            }
            None => timer.phase("  fingerprints: kept or made"),
        }
        // Looking at every page gives the same (checked in the debug builds the tests run).
        #[cfg(debug_assertions)]
        if renewed.is_some() {
            let whole = self.fingerprints_with(Some(before), defer, false);
            debug_assert!(whole.inputs == inputs, "pages' inputs made quickly differ");
            debug_assert!(whole.pages == pages, "fingerprints made quickly differ");
        }
        PageFingerprints {
            pages,
            inputs,
            paper_inputs,
            stamps,
            compacts: compacts.clone(),
            dates,
            tag_lists: lists.tags,
            path_hashes: self.path_hashes.clone(),
            plan_stamp: self.plan_stamp,
            settings,
        }
    }

    /// Brings `fingerprints` (of the pages as planned now, made before
    /// [`Site::relate_if_stale`]) up to date after it changed the related lists of `papers`.
    /// Related papers show on a paper's own page only (`PageKind::Paper`; a test checks that
    /// no other page's fingerprint depends on them), so only those pages are hashed again.
    /// What those pages are made of is brought up to date with them, so that fingerprints made
    /// from these later ([`Site::page_fingerprints`]) see what changed since.
    pub(crate) fn refresh_related_fingerprints(
        &self,
        fingerprints: &mut super::PageFingerprints,
        papers: &[PaperId],
    ) {
        if papers.is_empty() {
            return;
        }
        let data = self.data();
        // What those papers' pages read, at their stamps now.
        let stamps_kept = fingerprints.stamps.len() == self.input_stamps.len();
        for &id in papers {
            if let Some(inputs) = fingerprints.paper_inputs.get_mut(id) {
                *inputs = data.paper_inputs(id);
            }
            if stamps_kept {
                fingerprints.stamps[id] = self.input_stamps[id];
            }
        }
        let papers: std::collections::HashSet<PaperId> = papers.iter().copied().collect();
        let pages = fingerprints.pages.iter_mut().zip(&mut fingerprints.inputs);
        let pages = pages.zip(self.path_hashes());
        for (page, ((fingerprint, inputs), &path)) in self.pages.iter().zip(pages) {
            if let PageKind::Paper(id) = page.kind
                && papers.contains(&id)
            {
                *fingerprint = self.fingerprint_of(&data, page);
                let paper = fingerprints.paper_inputs.get(id).copied();
                *inputs = views::page_inputs(path, paper.unwrap_or_else(|| data.paper_inputs(id)));
            }
        }
    }

    /// One page's fingerprint (see [`Site::fingerprints`]); never [`PENDING`].
    fn fingerprint_of(&self, data: &SiteData<'_>, page: &PlannedPage) -> u64 {
        let templates = self
            .template_hashes
            .get(page.template)
            .copied()
            .unwrap_or(0);
        match data.fingerprint(page, templates, self.config_hash) {
            PENDING => PENDING + 1,
            fingerprint => fingerprint,
        }
    }
}

/// What each list whose pages are made of the list alone reads (see
/// [`Site::page_fingerprints`]): by list, a hash of its name, slug, a tag's trend, its papers'
/// ids and the numbering they are in. Ids are hashed as the bytes they are, without reading
/// anything per paper: whether those papers changed is [`ListsFresh`].
struct ListInputs {
    /// A hash of each day's papers' ids, and of each tag's, with the numbering they are in:
    /// hashed once, for the lists' hashes and the BibTeX files'.
    day_papers: Vec<u64>,
    tag_papers: Vec<u64>,
    /// What every page of a tag's list shows of the tag: its name, slug and length, with the
    /// numbering of the ids.
    tag_heads: Vec<u64>,
    tags: Vec<u64>,
    feeds: Vec<u64>,
    authors: Vec<u64>,
    /// What a day's page and JSON show besides its papers: its date, the days beside it (dates
    /// and counts, for the links), and its papers' ids.
    days: Vec<u64>,
    /// A week's or month's page: itself and the weeks or months beside it as linked (number,
    /// count, a week's first day), its days' dates and papers' ids.
    weeks: Vec<u64>,
    months: Vec<u64>,
}

impl ListInputs {
    fn new(index: &SiteIndex, charts: &views::SiteCharts, numbering: u64) -> ListInputs {
        use std::hash::{Hash, Hasher};
        let days = &index.days;
        let day_papers: Vec<u64> = (days.par_iter())
            .map(|day| hash_of(&(&day.papers, numbering)))
            .collect();
        let tag_papers: Vec<u64> = (index.tags.par_iter())
            .map(|tag| hash_of(&(&tag.papers, numbering)))
            .collect();
        let list = |tag: &crate::index::tags::Tag, papers: u64, trend: Option<&str>| {
            hash_of(&(&tag.name, &tag.slug, trend, papers))
        };
        let day_of = |d: &crate::index::Day| (d.date, d.papers.len());
        let days_of = |of: &[usize]| {
            let mut hasher = crate::hash::hasher();
            for &d in of {
                (days[d].date, day_papers[d]).hash(&mut hasher);
            }
            hasher.finish()
        };
        let week_of = |w: &crate::index::Week| {
            let first = w.days.last().map(|&d| days[d].date);
            (w.year, w.week, first, w.paper_count)
        };
        let month_of = |m: &crate::index::Month| (m.year, m.month, m.paper_count);
        // Each item of `items` with the ones before (newer) and after (older) it, as linked.
        fn beside<T, K>(items: &[T], i: usize, of: impl Fn(&T) -> K) -> (Option<K>, Option<K>) {
            let prev = items.get(i + 1).map(&of);
            let next = i.checked_sub(1).map(|j| of(&items[j]));
            (prev, next)
        }
        ListInputs {
            days: (days.par_iter().enumerate())
                .map(|(i, day)| {
                    let near = beside(days, i, day_of);
                    hash_of(&(day.date, day_papers[i], near))
                })
                .collect(),
            weeks: (index.weeks.iter().enumerate())
                .map(|(i, week)| {
                    let near = beside(&index.weeks, i, week_of);
                    hash_of(&(week_of(week), days_of(&week.days), numbering, near))
                })
                .collect(),
            months: (index.months.iter().enumerate())
                .map(|(i, month)| {
                    let near = beside(&index.months, i, month_of);
                    hash_of(&(month_of(month), days_of(&month.days), numbering, near))
                })
                .collect(),
            tags: (index.tags.iter().enumerate())
                .map(|(t, tag)| list(tag, tag_papers[t], charts.tag_trends.get(t).map(|s| &**s)))
                .collect(),
            feeds: (index.keyword_feeds.iter())
                .map(|feed| list(feed, hash_of(&(&feed.papers, numbering)), None))
                .collect(),
            authors: (index.authors.authors.par_iter())
                .map(|a| hash_of(&(&a.name, &a.slug, &a.papers, numbering)))
                .collect(),
            tag_heads: (index.tags.iter())
                .map(|tag| hash_of(&(&tag.name, &tag.slug, tag.papers.len(), numbering)))
                .collect(),
            day_papers,
            tag_papers,
        }
    }
}

/// Whether each list's papers are all unchanged since the fingerprints kept from before (their
/// pages' inputs the same: card, title-list, citation and body hashes).
struct ListsFresh {
    days: Vec<bool>,
    tags: Vec<bool>,
    feeds: Vec<bool>,
    authors: Vec<bool>,
}

impl ListsFresh {
    /// The lists of `site` that hold none of the papers `changed`: each changed paper's day,
    /// tags, keyword feeds and authors with a page are marked, rather than every list's papers
    /// read (four million ids at a million papers).
    fn of(site: &Site, changed: &[PaperId]) -> ListsFresh {
        let index = &site.index;
        let rows = site.papers.columns();
        let mut fresh = ListsFresh {
            days: vec![true; index.days.len()],
            tags: vec![true; index.tags.len()],
            feeds: vec![true; index.keyword_feeds.len()],
            authors: vec![true; index.authors.authors.len()],
        };
        for &id in changed {
            // Days are newest first.
            let date = rows.papers[id].date;
            if let Ok(d) = index.days.binary_search_by(|day| date.cmp(&day.date)) {
                fresh.days[d] = false;
            }
            for &t in &index.paper_tags[id] {
                fresh.tags[t] = false;
            }
            for &k in &rows.feeds[id] {
                if let Some(slot) = fresh.feeds.get_mut(usize::from(k)) {
                    *slot = false;
                }
            }
            for &number in &rows.author_numbers[id] {
                if let Some(a) = index.authors.page_of(number) {
                    fresh.authors[a] = false;
                }
            }
        }
        fresh
    }

    /// Whether the papers of all the days `days` (a week's, a month's) are unchanged.
    fn all_days(&self, days: &[usize]) -> bool {
        days.iter().all(|&d| self.days[d])
    }

    /// For a feed: whether its list's papers are unchanged (never for the site's feed).
    fn scope(&self, scope: crate::plan::FeedScope) -> bool {
        use crate::plan::FeedScope;
        match scope {
            FeedScope::Tag(t) => self.tags[t],
            FeedScope::Keyword(k) => self.feeds[k],
            FeedScope::Author(a) => self.authors[a],
            FeedScope::Site => false,
        }
    }
}

/// A fingerprint not made yet (see [`Site::page_fingerprints_deferring`]): no page's is.
pub(crate) const PENDING: u64 = 0;

/// Every page's fingerprint, with what they were made from (see [`Site::page_fingerprints`]).
#[derive(Clone)]
pub(crate) struct PageFingerprints {
    /// Each page's fingerprint, in the plan's order.
    pub pages: Vec<u64>,
    /// Each paper page's [`views::page_inputs`], a hash of each paper JSON file's path
    /// and paper, and of each BibTeX file's path and papers (0 for the other pages).
    pub(super) inputs: Vec<u64>,
    /// Each paper's [`SiteData::paper_inputs`], by id.
    paper_inputs: Vec<u64>,
    /// The papers' stamps these were made at (see `Site::input_stamps`); empty when not kept.
    stamps: Vec<u64>,
    /// Each paper's title-list hash, by id (what it shows among related papers).
    compacts: Vec<u64>,
    /// Each tag's list's hash (see `ListInputs::tags`).
    tag_lists: Vec<u64>,
    /// Each paper's date, by id ([`packed_date`]): what the sitemap shows of the papers.
    dates: Vec<u32>,
    /// The hash of each page's path, in the plan's order (the plan's, shared).
    path_hashes: std::sync::Arc<Vec<u64>>,
    /// The plan's stamp (see `Site::plan_stamp`).
    plan_stamp: u64,
    /// A hash of the templates and settings.
    settings: u64,
}

impl PageFingerprints {
    /// A hash of what the sitemap is made of: the pages' paths in order and the papers'
    /// dates (a day's date is in its path). Made of the plan's stamp, which changes with the
    /// paths and which paper each paper page is, and the dates in id order, without reading
    /// a page (at a million papers, reading every page's kind and paper's date took 10–60 ms
    /// of an edit).
    pub(crate) fn sitemap_hash(&self) -> u64 {
        hash_of(&(self.plan_stamp, &self.dates[..]))
    }

    /// The stamp of the plan these were made for (see `Site::plan_stamp`).
    pub(crate) fn plan_stamp(&self) -> u64 {
        self.plan_stamp
    }
}

/// Sets each of `values` (one per page) outside `papers` (the paper pages and their JSON
/// files) with `set`, given the page's index and its value, in parallel.
fn set_around(
    values: &mut [u64],
    papers: std::ops::Range<usize>,
    set: impl Fn(usize, &mut u64) + Sync + Send,
) {
    let (head, rest) = values.split_at_mut(papers.start);
    let tail = &mut rest[papers.end - papers.start..];
    head.par_iter_mut()
        .enumerate()
        .for_each(|(i, slot)| set(i, slot));
    tail.par_iter_mut()
        .enumerate()
        .for_each(|(i, slot)| set(papers.end + i, slot));
}

/// A date as one number: equal dates, equal numbers.
fn packed_date(date: jiff::civil::Date) -> u32 {
    (u32::from(date.year() as u16) << 16) | (u32::from(date.month() as u8) << 8) | date.day() as u32
}
