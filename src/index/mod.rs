//! Indexes: pure functions from papers to the groupings pages are made of (listing order, days,
//! months, tags, pages of lists). Nothing here reads files or renders.

pub(crate) mod authors;
pub(crate) mod dates;
pub(crate) mod keywords;
pub(crate) mod paginate;
pub(crate) mod tags;

use rayon::prelude::*;

use crate::record::Paper;
pub(crate) use authors::{AuthorIndex, AuthorSource};
pub(crate) use dates::{Day, Month, Week};
pub(crate) use keywords::{TopicMatch, TopicMatcher};
pub(crate) use tags::Tag;

/// A paper's position in the site's paper list.
pub(crate) type PaperId = usize;

/// Every grouping of the site's papers.
#[derive(Debug, Clone)]
pub(crate) struct SiteIndex {
    /// All papers in listing order: newest day first, then most upvoted, then by title.
    pub order: Vec<PaperId>,
    /// Days with papers, newest first.
    pub days: Vec<Day>,
    /// Months with papers, newest first.
    pub months: Vec<Month>,
    /// ISO weeks with papers, newest first.
    pub weeks: Vec<Week>,
    /// Tags, sorted by slug.
    pub tags: Vec<Tag>,
    /// Each paper's tags, as indices into `tags`, sorted by name.
    pub paper_tags: Vec<Vec<usize>>,
    /// Keyword feeds of `site.toml`, in its order, with their papers (listing order).
    pub keyword_feeds: Vec<Tag>,
    /// Authors with a page (`[output] author_pages`), with their papers.
    pub authors: AuthorIndex,
}

impl SiteIndex {
    /// Indexes `papers`; `tags[id]` are paper `id`'s tags (see [`tags::paper_tags`]; computed
    /// per paper so a rebuild redoes only changed ones).
    /// `feeds[id]` are the keyword feeds (indices into `feed_names`, the feeds' names in
    /// `site.toml` order) paper `id` belongs to.
    pub(crate) fn build(
        papers: &[Paper],
        tags: &[Vec<tags::PaperTag>],
        feed_names: &[&str],
        feeds: &[Vec<u16>],
    ) -> SiteIndex {
        Self::build_with_order(papers, tags, feed_names, feeds, AuthorSource::none(), None)
    }

    /// [`SiteIndex::build`] with the authors of `authors`, given the listing order when it is
    /// known to be unchanged (no paper came or went, and no date, upvote count, title or slug
    /// changed).
    pub(crate) fn build_with_order(
        papers: &[Paper],
        tags: &[Vec<tags::PaperTag>],
        feed_names: &[&str],
        feeds: &[Vec<u16>],
        authors: AuthorSource<'_>,
        order: Option<Vec<PaperId>>,
    ) -> SiteIndex {
        let mut timer = crate::timing::PhaseTimer::start();
        // Newest day first, then most upvoted, then by title and slug (see `listed_before`).
        let keys: Vec<u64> = papers.iter().map(listing_key).collect();
        let order = match order {
            Some(order) if order.len() == papers.len() => order,
            _ => {
                let mut order: Vec<PaperId> = (0..papers.len()).collect();
                let key = |id: PaperId| keys[id];
                order.par_sort_unstable_by(|&a, &b| listed_before(papers, &key, a, b));
                order
            }
        };
        timer.phase("  index: order");
        // Days, tags, keyword feeds and authors each follow from the order alone: made side
        // by side (a cached build makes the index anew each time, on one core otherwise).
        let ((days, months, weeks), (tags, (keyword_feeds, authors))) = rayon::join(
            || {
                let (days, months) = dates::days_and_months(papers, &order, &|id| keys[id] >> 32);
                let weeks = dates::weeks(&days);
                (days, months, weeks)
            },
            || {
                rayon::join(
                    || tags::build(tags, &order),
                    || {
                        rayon::join(
                            || keyword_feeds(feed_names, feeds, &order),
                            || authors::build(papers, authors, &order),
                        )
                    },
                )
            },
        );
        let (tags, paper_tags) = tags;
        timer.phase("  index: days, tags, feeds, authors");
        SiteIndex {
            authors,
            keyword_feeds,
            order,
            days,
            months,
            weeks,
            tags,
            paper_tags,
        }
    }

    /// Moves papers `changed` to their new places in the listing order after only what orders
    /// them changed (a date, upvote count or title), when no paper came or went and their tags,
    /// keyword feeds and authors are as they were: what [`SiteIndex::build_with_order`] would
    /// make, in time that grows with the lists the papers are in rather than with the site.
    /// Each changed paper is taken out of the order, its day, the lists of its tags and
    /// keyword feeds and the pages of its authors and put back where it now belongs (a day
    /// left empty goes, a new date makes a day); months and weeks are made again from the
    /// days; its authors' shown names are counted again (the newest paper wins a tie). Returns
    /// `false`, changing nothing, when the index does not fit `papers` or more than
    /// [`REORDER_AT_MOST`] papers changed (then the caller builds it again).
    pub(crate) fn reorder(
        &mut self,
        papers: &[Paper],
        feed_names: &[&str],
        feeds: &[Vec<u16>],
        numbers: &[Vec<u32>],
        changed: &[PaperId],
    ) -> bool {
        let n = papers.len();
        let fits = changed.len() <= REORDER_AT_MOST
            && self.order.len() == n
            && self.paper_tags.len() == n
            && self.keyword_feeds.len() == feed_names.len()
            && self.days.iter().map(|day| day.papers.len()).sum::<usize>() == n
            && changed.iter().all(|&id| id < n)
            && (self.authors.authors.is_empty() || numbers.len() == n);
        if !fits {
            return false;
        }
        let mut timer = crate::timing::PhaseTimer::start();
        // Compared as the listing sorts them, keys made for the two papers at hand: a few
        // comparisons for each list a paper is put back in.
        let before = |a: PaperId, b: PaperId| {
            let key = |id: PaperId| listing_key(&papers[id]);
            listed_before(papers, &key, a, b).is_lt()
        };
        let mut changed = changed.to_vec();
        changed.sort_unstable();
        changed.dedup();
        let mut moving = vec![false; n];
        for &id in &changed {
            moving[id] = true;
        }
        // The days the changed papers were listed under: each day is a stretch of the order.
        let mut starts = Vec::with_capacity(self.days.len());
        let mut at = 0;
        for day in &self.days {
            starts.push(at);
            at += day.papers.len();
        }
        let mut left: Vec<usize> = self
            .order
            .iter()
            .enumerate()
            .filter(|&(_, &id)| moving[id])
            .map(|(place, _)| starts.partition_point(|&s| s <= place) - 1)
            .collect();
        left.dedup();
        for &d in &left {
            self.days[d].papers.retain(|&p| !moving[p]);
        }
        self.days.retain(|day| !day.papers.is_empty());
        self.order.retain(|&id| !moving[id]);
        // Every changed paper leaves a list before any is put back: the rest are then in
        // order, so each finds its place among them.
        for &id in &changed {
            for &tag in &self.paper_tags[id] {
                self.tags[tag].papers.retain(|&p| !moving[p]);
            }
            for &f in feeds.get(id).map(Vec::as_slice).unwrap_or_default() {
                if let Some(feed) = self.keyword_feeds.get_mut(usize::from(f)) {
                    feed.papers.retain(|&p| !moving[p]);
                }
            }
        }
        let put_back = |list: &mut Vec<PaperId>, id: PaperId| {
            list.insert(list.partition_point(|&p| before(p, id)), id);
        };
        for &id in &changed {
            put_back(&mut self.order, id);
            for &tag in &self.paper_tags[id] {
                put_back(&mut self.tags[tag].papers, id);
            }
            for &f in feeds.get(id).map(Vec::as_slice).unwrap_or_default() {
                if let Some(feed) = self.keyword_feeds.get_mut(usize::from(f)) {
                    put_back(&mut feed.papers, id);
                }
            }
            // Days are newest first.
            let date = papers[id].date;
            let d = self.days.partition_point(|day| day.date > date);
            match self.days.get_mut(d) {
                Some(day) if day.date == date => put_back(&mut day.papers, id),
                _ => self.days.insert(
                    d,
                    Day {
                        date,
                        papers: vec![id],
                    },
                ),
            }
        }
        self.authors
            .reorder(papers, numbers, &changed, &before, &moving);
        self.months = dates::months(&self.days);
        self.weeks = dates::weeks(&self.days);
        timer.phase("  index: papers moved in the order");
        true
    }

    /// Moves papers `changed` between tags after only their tags changed (see [`tags::retag`]);
    /// `false` when the index must be built again.
    pub(crate) fn retag(&mut self, tags: &[Vec<tags::PaperTag>], changed: &[PaperId]) -> bool {
        tags::retag(
            &mut self.tags,
            &mut self.paper_tags,
            &self.order,
            tags,
            changed,
        )
    }
}

#[cfg(test)]
mod tests;

/// Papers [`SiteIndex::reorder`] moves at most: each is a move of the whole order (8 MB at a
/// million papers); more are sorted again with the index.
const REORDER_AT_MOST: usize = 64;

/// What orders a paper in the listing, packed in one integer: its day, then its upvotes (the
/// larger first), so that most comparisons are one integer comparison instead of a walk into
/// two records.
fn listing_key(paper: &Paper) -> u64 {
    let date = paper.date;
    let day = ((i64::from(date.year()) + 10_000) * 512
        + i64::from(date.month()) * 32
        + i64::from(date.day())) as u64;
    (day << 32) | u64::from(paper.upvotes.unwrap_or(0))
}

/// How paper `a` is listed against paper `b` (`Less`: before it): newest day first, then most
/// upvoted, then by title and slug. `key` gives a paper's [`listing_key`].
fn listed_before(
    papers: &[Paper],
    key: &impl Fn(PaperId) -> u64,
    a: PaperId,
    b: PaperId,
) -> std::cmp::Ordering {
    key(b).cmp(&key(a)).then_with(|| {
        let (pa, pb) = (&papers[a], &papers[b]);
        (&pa.title, &pa.slug).cmp(&(&pb.title, &pb.slug))
    })
}

/// The keyword feeds named `feed_names` (in `site.toml` order), each with its papers in
/// listing `order`; `feeds[id]` are the feeds (indices into `feed_names`) paper `id` is in.
fn keyword_feeds(feed_names: &[&str], feeds: &[Vec<u16>], order: &[PaperId]) -> Vec<Tag> {
    let mut keyword_feeds: Vec<Tag> = feed_names
        .iter()
        .map(|name| Tag {
            slug: crate::slug::tag_slug(name),
            name: name.to_string(),
            papers: Vec::new(),
        })
        .collect();
    for &id in order {
        for &f in feeds.get(id).map(Vec::as_slice).unwrap_or_default() {
            if let Some(feed) = keyword_feeds.get_mut(usize::from(f)) {
                feed.papers.push(id);
            }
        }
    }
    keyword_feeds
}
