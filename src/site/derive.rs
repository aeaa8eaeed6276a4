//! What depends on all papers together, derived again after a [`Change`]: the index, the
//! cards, the charts, the plan, citation keys and related papers. Each step redoes only what
//! the change's [`Reach`] says it can have moved.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::hash::hash_of;
use crate::index::{AuthorSource, PaperId, SiteIndex};
use crate::plan::{self, PageKind};
use crate::render::views;

use super::Site;
use super::change::{Change, Reach};

impl Site {
    /// Brings what depends on all papers up to date after `change` (already applied to the
    /// papers): only the changed cards when it reaches no further, otherwise index, cards,
    /// charts and plan.
    pub(super) fn derive(&mut self, change: &Change) {
        self.derive_relating(change, false);
    }

    /// [`Site::derive`], and related papers found again when stale (a load: nothing is shown
    /// before both are done), beside the index: building it takes one core, finding related
    /// papers takes the other.
    pub(super) fn derive_and_relate(&mut self, change: &Change) {
        self.derive_relating(change, true);
    }

    fn derive_relating(&mut self, change: &Change, relate: bool) {
        if change.reach == Reach::Cards {
            self.rebuild_cards(&change.read);
            // No paper's date or tags changed: counted out and in the same months.
            if let Some(moves) = &mut self.trend_moves {
                moves.clear();
            }
            return;
        }
        let mut timer = crate::timing::PhaseTimer::start();
        let rows = self.papers.columns();
        let feed_names: Vec<&str> = self
            .config
            .keyword_feeds
            .keys()
            .map(String::as_str)
            .collect();
        // Only tags changed: the tag lists can be mended instead of built again. Only what
        // orders papers changed: the papers read are moved within the lists.
        let mended = match change.reach {
            Reach::Tags => self.index.retag(&rows.tags, &change.read),
            Reach::Order if !change.lists && change.moved.is_none() => self.index.reorder(
                &rows.papers,
                &feed_names,
                &rows.feeds,
                &rows.author_numbers,
                &change.read,
            ),
            _ => false,
        };
        if !mended {
            let order =
                (change.reach < Reach::Order).then(|| std::mem::take(&mut self.index.order));
            let authors = AuthorSource {
                numbers: &rows.author_numbers,
                count: self.people.len(),
                min_papers: self.config.output.author_pages,
            };
            let build = || {
                SiteIndex::build_with_order(
                    &rows.papers,
                    &rows.tags,
                    &feed_names,
                    &rows.feeds,
                    authors,
                    order,
                )
            };
            if relate && self.related_stale {
                let before = self.related_before.take();
                let k = self.config.output.related_papers;
                let vocabulary = &self.vocabulary;
                let previous = (
                    std::mem::take(&mut self.related).into_lists(),
                    std::mem::take(&mut self.related_kept),
                );
                let (index, (related, kept)) = rayon::join(build, || {
                    related_lists(&rows.terms, vocabulary.len(), k, previous, before)
                });
                self.index = index;
                self.related = related.into();
                self.related_kept = kept;
                self.related_stale = false;
                self.input_stamps.clear();
            } else {
                self.index = build();
            }
        }
        timer.phase("index (and related papers beside it)");
        // A card is rebuilt only when its record was read again (its key is 0 then), the
        // names of its tags changed, or which of its authors have a page (and its slug).
        let index = &self.index;
        let key = |id: PaperId| {
            let tags: Vec<(&str, &str)> = index.paper_tags[id]
                .iter()
                .map(|&t| (index.tags[t].name.as_str(), index.tags[t].slug.as_str()))
                .collect();
            let pages: Vec<Option<&str>> = rows.author_numbers[id]
                .iter()
                .map(|&n| {
                    let page = index.authors.page_of(n);
                    page.map(|a| index.authors.authors[a].slug.as_str())
                })
                .collect();
            hash_of(&(tags, pages)).max(1)
        };
        let keys: Vec<u64> = if mended {
            // A mended index kept every tag's name and slug and who has an author page: only
            // the cards whose key was dropped (their records read again) need one.
            let mut keys = rows.card_keys.clone();
            for (id, slot) in keys.iter_mut().enumerate() {
                if *slot == 0 {
                    *slot = key(id);
                }
            }
            keys
        } else {
            (0..rows.papers.len()).into_par_iter().map(key).collect()
        };
        let stale: Vec<PaperId> = (0..keys.len())
            .filter(|&id| keys[id] != rows.card_keys[id])
            .collect();
        let built: Vec<u64> = stale
            .par_iter()
            .map(|&id| views::card_hash(&self.config, &rows.card_source(), index, id))
            .collect();
        self.papers
            .set_cards(keys, stale.iter().copied().zip(built));
        self.renew_stamps(stale);
        self.tag_values = views::tag_values(&self.config, &self.index);
        timer.phase("cards");
        // The papers read, counted in their tags' months as the index has them now.
        if let Some(moves) = &mut self.trend_moves {
            let papers = &self.papers.columns().papers;
            for &id in &change.read {
                let date = papers[id].date;
                for &t in &self.index.paper_tags[id] {
                    let slug = self.index.tags[t].slug.clone();
                    moves.push((slug, date.year(), date.month(), 1));
                }
            }
        }
        let moves = self.trend_moves.replace(Vec::new());
        let previous = std::mem::take(&mut self.charts);
        self.charts = views::site_charts(&self.config, &self.index, previous, moves.as_deref());
        timer.phase("charts");
        // The same pages when nothing they are made of changed (a date edit between days that
        // have papers, a title or upvotes edit); otherwise the paper pages of the plan (and
        // their JSON files after them) are taken over unless their paths may have changed.
        let shape = plan::shape(&self.index);
        if change.reach == Reach::Paths || self.plan_shape != Some(shape) {
            let previous_len = self.pages.len();
            let paper_pages = (change.reach < Reach::Paths).then(|| {
                let start = self
                    .pages
                    .iter()
                    .position(|p| matches!(p.kind, PageKind::Paper(_)))
                    .unwrap_or(0);
                let len = self.pages[start..]
                    .iter()
                    .take_while(|p| matches!(p.kind, PageKind::Paper(_) | PageKind::PaperJson(_)))
                    .count();
                self.pages.drain(start..start + len).collect()
            });
            self.pages = plan::plan_reusing(
                &self.config,
                &self.papers.columns().papers,
                &self.index,
                paper_pages,
                previous_len,
            );
            self.path_hashes = std::sync::Arc::new(
                (self.pages.par_iter())
                    .map(|page| hash_of(page.path.as_str()))
                    .collect(),
            );
            let home = self.lists_start() - self.paper_pages_len();
            let mut paper_pages = vec![u32::MAX; self.papers.len()];
            for (i, page) in self.pages.iter().enumerate().skip(home) {
                match page.kind {
                    PageKind::Paper(id) => paper_pages[id] = i as u32,
                    _ => break,
                }
            }
            self.paper_pages = paper_pages;
            self.plan_stamp = super::new_numbering();
            self.plan_shape = Some(shape);
            self.plan_counts = plan::page_counts(&self.index, self.config.paginate_by);
            self.plan_lengths = Some(plan::list_lengths(&self.index));
        } else {
            // A date edit leaves every list's length; a tag edit changes a few, and sometimes
            // the page count of one.
            let lengths = plan::list_lengths(&self.index);
            if self.plan_lengths != Some(lengths) {
                let counts = plan::page_counts(&self.index, self.config.paginate_by);
                let lists = self.lists_start();
                if counts != self.plan_counts {
                    let hashes = std::sync::Arc::make_mut(&mut self.path_hashes);
                    let (pages, index) = (&mut self.pages, &self.index);
                    plan::resize_lists(
                        pages,
                        hashes,
                        lists,
                        &self.config,
                        index,
                        &self.plan_counts,
                    );
                    self.plan_counts = counts;
                    self.plan_stamp = super::new_numbering();
                }
                let per_page = self.config.paginate_by;
                plan::mend_pagers(&mut self.pages[lists..], &self.index, per_page);
                self.plan_lengths = Some(lengths);
            }
        }
        // The plan mended is the plan made whole (checked in the debug builds the tests run).
        #[cfg(debug_assertions)]
        {
            let papers = &self.papers.columns().papers;
            let whole = plan::plan_reusing(&self.config, papers, &self.index, None, 0);
            debug_assert!(
                whole == self.pages,
                "the plan mended differs from the plan made"
            );
            let hashes: Vec<u64> = whole.iter().map(|p| hash_of(p.path.as_str())).collect();
            debug_assert!(hashes == *self.path_hashes, "the plan's path hashes differ");
            for (id, &i) in self.paper_pages.iter().enumerate() {
                debug_assert!(matches!(self.pages[i as usize].kind, PageKind::Paper(p) if p == id));
            }
        }
        timer.phase("plan");
    }

    /// How many pages the paper pages and their JSON files are.
    pub(super) fn paper_pages_len(&self) -> usize {
        let per_paper = if self.config.output.api { 2 } else { 1 };
        per_paper * self.papers.len()
    }

    /// Where the pages after the paper pages and their JSON files start in the plan: the
    /// home pages come first, then those.
    pub(super) fn lists_start(&self) -> usize {
        let home = (self.pages.iter())
            .take_while(|p| matches!(p.kind, PageKind::Home(_)))
            .count();
        let start = home + self.paper_pages_len();
        debug_assert!(
            self.pages[home..start]
                .iter()
                .all(|p| matches!(p.kind, PageKind::Paper(_) | PageKind::PaperJson(_)))
        );
        start
    }

    /// Rebuilds the cards of `ids` when nothing moved between pages.
    fn rebuild_cards(&mut self, ids: &[PaperId]) {
        for &id in ids {
            let rows = self.papers.columns();
            let hash = views::card_hash(&self.config, &rows.card_source(), &self.index, id);
            self.papers.set_card(id, hash);
        }
        self.renew_stamps(ids.iter().copied());
    }

    /// Carries the related lists over to new paper ids after records were added or removed
    /// (`moved` gives each old id's new one): removed papers drop out of the lists, new papers
    /// get none until related papers are found again.
    pub(super) fn remap_related(&mut self, moved: &[Option<PaperId>]) {
        let mut related = vec![Vec::new(); self.papers.len()];
        for (old, list) in std::mem::take(&mut self.related)
            .into_lists()
            .into_iter()
            .enumerate()
        {
            if let Some(Some(new)) = moved.get(old) {
                related[*new] = list
                    .into_iter()
                    .filter_map(|r| moved.get(r).copied().flatten())
                    .collect();
            }
        }
        self.related = related.into();
        // The terms kept are by old paper id: the lists are made whole next time.
        self.related_kept = Default::default();
    }

    /// Whether related papers are older than the records (after an edit that moved nothing).
    pub(crate) fn related_stale(&self) -> bool {
        self.related_stale
    }

    /// Makes ahead what the first date edit would otherwise make: the citation bases' counts
    /// (see `PaperTable::count_bases_ahead`) and which papers list each paper among their
    /// related papers (see `RelatedLists::listed_by`). For `serve`, when it has nothing else
    /// to do.
    pub(crate) fn work_ahead(&mut self) {
        self.papers.count_bases_ahead();
        let _ = self.related.listed_by();
    }

    /// Whether the counts [`Site::work_ahead`] makes are there.
    #[cfg(test)]
    pub(crate) fn counted_ahead(&self) -> bool {
        self.papers.bases_counted()
    }

    /// Finds related papers again if an edit made them stale; returns the papers whose list
    /// changed then (`None` when they were not stale).
    pub(crate) fn relate_if_stale(&mut self) -> Option<Vec<PaperId>> {
        if !self.related_stale {
            return None;
        }
        let before = self.relate();
        let changed: Vec<PaperId> = (0..self.related.len())
            .filter(|&id| before.get(id) != Some(&self.related[id]))
            .collect();
        self.renew_stamps(changed.iter().copied());
        Some(changed)
    }

    /// Finds every paper's related papers from the words of all papers; returns the lists as
    /// they were.
    fn relate(&mut self) -> Vec<Vec<PaperId>> {
        let mut timer = crate::timing::PhaseTimer::start();
        self.related_stale = false;
        let (related, kept) = related_lists(
            &self.papers.columns().terms,
            self.vocabulary.len(),
            self.config.output.related_papers,
            (
                self.related.to_vec(),
                std::mem::take(&mut self.related_kept),
            ),
            self.related_before.take(),
        );
        self.related_kept = kept;
        timer.phase("related papers");
        std::mem::replace(&mut self.related, related.into()).into_lists()
    }

    /// Before `entries` replace their papers' rows and `gone` leave: keeps what related
    /// papers were found from (see `related_before`) and what the search index was made from
    /// (see `search_before`), the words of papers edited since.
    pub(super) fn keep_words_before(&mut self, entries: &[super::papers::Entry], gone: &[PathBuf]) {
        let ids: Option<Vec<PaperId>> = entries
            .iter()
            .map(|entry| self.papers.find(&entry.path))
            .collect();
        let Some(ids) = ids.filter(|_| gone.is_empty()) else {
            // Papers come or go: every related list is made again, and the search index
            // from every paper.
            self.related_before = None;
            self.search_before = None;
            return;
        };
        let rows = self.papers.columns();
        if self.related_before.is_some() || !self.related_stale {
            let before = self.related_before.get_or_insert_with(Default::default);
            for &id in &ids {
                before.entry(id).or_insert_with(|| rows.terms[id].clone());
            }
        }
        if let Some(before) = &mut self.search_before {
            for &id in &ids {
                before.entry(id).or_insert_with(|| rows.terms[id].clone());
            }
        }
    }

    /// Before `entries` replace their papers' rows and `gone` leave: counts those papers out of
    /// their tags' months, as the index has them (see `trend_moves`). Each paper once, and not
    /// twice when it is both read again and gone (it stays, as read).
    pub(super) fn keep_trends_before(
        &mut self,
        entries: &[super::papers::Entry],
        gone: &[PathBuf],
    ) {
        let Some(moves) = &mut self.trend_moves else {
            return;
        };
        let read: std::collections::HashSet<&std::path::Path> =
            entries.iter().map(|e| e.path.as_path()).collect();
        let gone = gone.iter().filter(|path| !read.contains(path.as_path()));
        let mut ids: Vec<PaperId> = (read.iter().copied())
            .chain(gone.map(PathBuf::as_path))
            .filter_map(|path| self.papers.find(path))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let papers = &self.papers.columns().papers;
        for id in ids {
            let (Some(paper), Some(tags)) = (papers.get(id), self.index.paper_tags.get(id)) else {
                // The index is not of these papers: counted again.
                self.trend_moves = None;
                return;
            };
            let date = paper.date;
            for &t in tags {
                let slug = self.index.tags[t].slug.clone();
                moves.push((slug, date.year(), date.month(), -1));
            }
        }
    }

    /// Notes that the search index was made from the papers as they are now: the papers
    /// edited from now on are kept for the next update ([`Site::search_edits`]).
    pub(crate) fn mark_searched(&mut self) {
        self.search_before = Some(Default::default());
        self.search_base = None;
    }

    /// The papers edited since [`Site::mark_searched`], with their words then; `None` when
    /// papers came or went since, or the index was not marked.
    pub(crate) fn search_edits(&self) -> Option<&crate::search::Edited> {
        self.search_before.as_ref()
    }

    /// The papers edited since the site's papers were put back from a snapshot of the
    /// `records` (see [`Site::records_identity`]), with their words then; `None` when the
    /// snapshot was of other records, or papers came or went since.
    pub(crate) fn search_edits_since(&self, records: u64) -> Option<&crate::search::Edited> {
        self.search_before
            .as_ref()
            .filter(|_| self.search_base == Some(records))
    }

    /// What the records are: the path and bytes of each record file (drafts too).
    pub(crate) fn records_identity(&self) -> u64 {
        self.stamps.contents()
    }
}

/// Each paper's `k` related papers, from the words of all papers (`terms`, by paper id), and
/// the terms each kept. `previous` are the lists as found before and the terms kept then, and
/// `before` the words then of the papers edited since (see `Site::related_before`): only the
/// lists those edits can reach are made again.
fn related_lists(
    terms: &[crate::terms::Terms],
    vocab_len: usize,
    k: usize,
    (previous, kept): (Vec<Vec<PaperId>>, crate::related::KeptLists),
    before: Option<ahash::AHashMap<PaperId, crate::terms::Terms>>,
) -> (Vec<Vec<PaperId>>, crate::related::KeptLists) {
    let docs: Vec<crate::terms::TermsRef<'_>> = terms.iter().map(Into::into).collect();
    if k == 0 {
        return (vec![Vec::new(); docs.len()], Default::default());
    }
    let as_ids = |list: Vec<u32>| list.into_iter().map(|r| r as PaperId).collect();
    match before.filter(|_| previous.len() == docs.len()) {
        // Only the lists the edits can reach are made again, the others kept.
        Some(before) => {
            let before: Vec<(PaperId, crate::terms::TermsRef<'_>)> = before
                .iter()
                .map(|(id, terms)| (*id, terms.into()))
                .collect();
            let mut related = previous;
            let (changed, kept) = crate::related::changed_lists(&docs, vocab_len, k, &before, kept);
            for (id, list) in changed {
                related[id] = as_ids(list);
            }
            (related, kept)
        }
        None => {
            let (lists, kept) = crate::related::related(&docs, vocab_len, k);
            (lists.into_iter().map(as_ids).collect(), kept)
        }
    }
}
