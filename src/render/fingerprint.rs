//! Page fingerprints: a hash of everything a page's context is made of, without building it.
//!
//! A rebuild renders exactly the pages whose fingerprint changed (DESIGN §6): the same code path
//! serves a cold build (no previous fingerprints) and a warm one. [`SiteData::fingerprint`]
//! must cover every input of [`SiteData::context`]; the incremental tests compare rebuilt output
//! with clean builds to hold it to that.

use std::hash::{Hash, Hasher};

use super::views::SiteData;
use crate::index::PaperId;
use crate::output::plan::{FeedScope, PageKind, PlannedPage};

// Moved to `crate::hash`; kept here until every caller says `crate::hash` (the lead removes it
// at the merge).
pub use crate::hash::{FingerprintHasher, hash_of, hasher};

impl SiteData<'_> {
    fn hash_cards(&self, ids: &[PaperId], hasher: &mut FingerprintHasher) {
        ids.len().hash(hasher);
        for &id in ids {
            self.card_hashes[id].hash(hasher);
        }
    }

    /// For lists that show titles only.
    fn hash_compact(&self, ids: &[PaperId], hasher: &mut FingerprintHasher) {
        ids.len().hash(hasher);
        for &id in ids {
            self.compact_hashes[id].hash(hasher);
        }
    }

    /// For pages of a paginated list: cards on the first page, titles on later ones.
    fn hash_list(&self, ids: &[PaperId], page: usize, hasher: &mut FingerprintHasher) {
        if page == 1 {
            self.hash_cards(ids, hasher);
        } else {
            self.hash_compact(ids, hasher);
        }
    }

    /// For BibTeX files.
    fn hash_cites(&self, ids: &[PaperId], hasher: &mut FingerprintHasher) {
        ids.len().hash(hasher);
        for &id in ids {
            (self.cite_hashes[id], &self.cite_keys[id]).hash(hasher);
        }
    }

    fn hash_day(&self, i: usize, hasher: &mut FingerprintHasher) {
        match self.index.days.get(i) {
            Some(day) => (day.date, day.papers.len()).hash(hasher),
            None => 0u8.hash(hasher),
        }
    }

    fn hash_month(&self, i: usize, hasher: &mut FingerprintHasher) {
        match self.index.months.get(i) {
            Some(m) => (m.year, m.month, m.paper_count).hash(hasher),
            None => 0u8.hash(hasher),
        }
    }

    /// The fingerprint of a page: equal fingerprints mean equal output, given the same
    /// templates (`templates` is the hash of the page template and everything it uses) and
    /// config (`config` is its hash).
    pub fn fingerprint(&self, page: &PlannedPage, templates: u64, config: u64) -> u64 {
        let index = self.index;
        let mut h = hasher();
        (templates, config, page.template, &page.path).hash(&mut h);
        match &page.kind {
            PageKind::Home(pager) => {
                (pager, self.papers.len()).hash(&mut h);
                self.hash_cards(&index.order[pager.items.clone()], &mut h);
                if pager.number == 1 {
                    self.hash_month(0, &mut h);
                    self.hash_compact(&self.month_top(0), &mut h);
                }
            }
            PageKind::Paper(id) => {
                (self.card_hashes[*id], self.body_hashes[*id]).hash(&mut h);
                // The page's BibTeX: its key depends on the other papers too.
                (self.cite_hashes[*id], &self.cite_keys[*id]).hash(&mut h);
                self.hash_compact(self.related_of(*id), &mut h);
            }
            PageKind::Day(i) => {
                self.hash_day(*i, &mut h);
                self.hash_day(i + 1, &mut h);
                match i.checked_sub(1) {
                    Some(j) => self.hash_day(j, &mut h),
                    None => 1u8.hash(&mut h),
                }
                self.hash_cards(&index.days[*i].papers, &mut h);
            }
            PageKind::Month(i) => {
                self.hash_month(*i, &mut h);
                self.hash_month(i + 1, &mut h);
                match i.checked_sub(1) {
                    Some(j) => self.hash_month(j, &mut h),
                    None => 1u8.hash(&mut h),
                }
                for &d in &index.months[*i].days {
                    self.hash_compact(&index.days[d].papers, &mut h);
                }
            }
            PageKind::Week(i) => {
                for j in [Some(*i), Some(i + 1), i.checked_sub(1)] {
                    match j.and_then(|j| index.weeks.get(j)) {
                        Some(w) => (w.year, w.week, w.paper_count).hash(&mut h),
                        None => 0u8.hash(&mut h),
                    }
                }
                for &d in &index.weeks[*i].days {
                    self.hash_day(d, &mut h);
                    self.hash_compact(&index.days[d].papers, &mut h);
                }
            }
            PageKind::Archive => {
                (self.papers.len(), index.days.len()).hash(&mut h);
                self.charts.heatmaps.hash(&mut h);
                for day in &index.days {
                    (day.date, day.papers.len()).hash(&mut h);
                }
            }
            PageKind::TagList => {
                for (t, tag) in index.tags.iter().enumerate() {
                    (&tag.name, &tag.slug, tag.papers.len()).hash(&mut h);
                    self.charts.tag_trends.get(t).hash(&mut h);
                }
            }
            PageKind::Tag(t, pager) => {
                let tag = &index.tags[*t];
                (&tag.name, &tag.slug, tag.papers.len(), pager).hash(&mut h);
                self.charts.tag_trends.get(*t).hash(&mut h);
                self.hash_list(&tag.papers[pager.items.clone()], pager.number, &mut h);
            }
            PageKind::DayBib(i) => self.hash_cites(&index.days[*i].papers, &mut h),
            PageKind::TagBib(t) => self.hash_cites(&index.tags[*t].papers, &mut h),
            PageKind::Keyword(k, pager) => {
                let feed = &index.keyword_feeds[*k];
                (&feed.name, &feed.slug, feed.papers.len(), pager).hash(&mut h);
                self.hash_list(&feed.papers[pager.items.clone()], pager.number, &mut h);
            }
            PageKind::Feed(scope) | PageKind::JsonFeed(scope) => {
                let ids = match scope {
                    FeedScope::Tag(t) => {
                        let tag = &index.tags[*t];
                        (&tag.name, &tag.slug).hash(&mut h);
                        &tag.papers[..]
                    }
                    FeedScope::Keyword(k) => {
                        let feed = &index.keyword_feeds[*k];
                        (&feed.name, &feed.slug).hash(&mut h);
                        &feed.papers[..]
                    }
                    FeedScope::Site => &index.order[..],
                };
                let ids = &ids[..ids.len().min(self.config.feed_limit)];
                self.hash_cards(ids, &mut h);
                for &id in ids {
                    (&self.papers[id].authors, self.body_hashes[id]).hash(&mut h);
                }
            }
            PageKind::NotFound | PageKind::Search => {}
        }
        h.finish()
    }
}
