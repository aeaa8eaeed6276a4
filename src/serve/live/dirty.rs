//! Which pages a rebuild writes: a pure function ([`dirty_pages_among`]) of the fingerprints last
//! written ([`Written`]), the new plan's pages and fingerprints, the pages readers look at first
//! ([`FirstPages`]) and a limit. No I/O; the live site renders and writes what it returns, then
//! records it with [`Written::record`].

use std::collections::HashSet;

use crate::index::PaperId;
use crate::plan::{PageKind, PlannedPage};

/// A rebuild that changes more pages than this writes the pages readers are looking at first
/// (see [`FirstPages`]), reloads them, and leaves the rest to a catch-up.
pub(crate) const DEFER_ABOVE: usize = 100;

/// The pages a rebuild writes first when it changes many: those open in a browser and the
/// pages of the records just edited.
#[derive(Debug, Default, Clone)]
pub(crate) struct FirstPages {
    /// Output paths (`papers/x/index.html`) of pages open in connected browsers.
    open: HashSet<String>,
    /// Papers whose records the rebuild read.
    pub(super) papers: HashSet<PaperId>,
}

impl FirstPages {
    /// The pages open in browsers, by output path.
    pub(crate) fn open(open: HashSet<String>) -> FirstPages {
        FirstPages {
            open,
            papers: HashSet::new(),
        }
    }

    /// Whether the page at output path `path` is open in a browser.
    pub(crate) fn opens(&self, path: &str) -> bool {
        self.open.contains(path)
    }

    fn wants(&self, page: &PlannedPage) -> bool {
        matches!(page.kind, PageKind::Paper(id) if self.papers.contains(&id))
            || self.open.contains(&page.path)
    }
}

/// The pages of the site now: the plan's pages, their paths' hashes and fingerprints and the
/// hash of their paths in order (see `LiveSite::page_set_hashes`).
#[derive(Debug, Clone, Copy)]
pub(super) struct PageSet<'a> {
    /// The planned pages.
    pub(super) pages: &'a [PlannedPage],
    /// Hash of each page's output path (see `Site::path_hashes`).
    pub(super) path_hashes: &'a [u64],
    /// Each page's fingerprint.
    pub(super) fingerprints: &'a [u64],
    /// Hash of the pages' output paths, in order.
    pub(super) paths_hash: u64,
}

impl PageSet<'_> {
    fn layout(&self) -> (u64, usize) {
        (self.paths_hash, self.pages.len())
    }
}

/// The fingerprint of each page as last written, in one store read two ways: by page index
/// while the page paths are those recorded (the common case of an edit: no path is hashed),
/// and by output path (its hash) otherwise.
#[derive(Debug, Default)]
pub(super) struct Written {
    /// The recorded page paths' hash and number: while a plan has the same, its page `i` is
    /// `fingerprints[i]`.
    layout: (u64, usize),
    /// Fingerprints; `None` for a page never written. Past the layout's pages: pages written
    /// while the layout waited (see [`Written::record`]).
    fingerprints: Vec<Option<u64>>,
    /// Where each output path's fingerprint is in `fingerprints`, by the path's hash (made
    /// with the plan): at a million pages, looking every page up by its path and keeping a
    /// copy of each took 360–400 ms of a tag edit that added a page to a tag's list.
    slots: Slots,
    /// The path hash of each of the layout's pages, in order (slot `i` is page `i`): a plan
    /// whose pages differ finds most of its pages in place without a lookup
    /// ([`crate::plan::align::places`]).
    hashes: Vec<u64>,
    /// The output path of each slot, for the pages no longer made (see [`Dirty::removed`]).
    paths: Paths,
}

impl Written {
    /// Every page of `now` as written.
    pub(super) fn all(now: &PageSet<'_>) -> Written {
        Written {
            layout: now.layout(),
            fingerprints: now.fingerprints.iter().copied().map(Some).collect(),
            slots: slots_of(now.path_hashes),
            hashes: now.path_hashes.to_vec(),
            paths: Paths::of(now.pages),
        }
    }

    /// The fingerprint last written for page `i` of a plan, whose path's hash is `path`; by
    /// index when `same_layout`.
    fn get(&self, i: usize, path: u64, same_layout: bool) -> Option<u64> {
        if same_layout {
            self.fingerprints[i]
        } else {
            self.slots
                .get(&path)
                .and_then(|&slot| self.fingerprints[slot])
        }
    }

    /// Whether page `i` of `now` was written with the fingerprint it has (compared by index
    /// when `same_layout`).
    pub(super) fn holds(&self, now: &PageSet<'_>, i: usize, same_layout: bool) -> bool {
        self.get(i, now.path_hashes[i], same_layout) == Some(now.fingerprints[i])
    }

    /// Forgets what was written at `path` (its file was removed): a page there is written
    /// again whatever its fingerprint.
    pub(super) fn forget(&mut self, path: &str) {
        if let Some(&slot) = self.slots.get(&crate::hash::hash_of(path)) {
            self.fingerprints[slot] = None;
        }
    }

    /// Records that the pages `dirty.pages` of `now` were written. Pages whose fingerprint
    /// changed but were left for later keep their old fingerprint, so they stay dirty. When
    /// `layout_waits` (pages came or went, but most changed pages and the sitemap wait for a
    /// catch-up), only the pages written are recorded, by path, and the old layout stays, so
    /// that the catch-up compares by path and then records the new layout.
    pub(super) fn record(&mut self, now: &PageSet<'_>, dirty: &Dirty, layout_waits: bool) {
        if dirty.same_layout {
            for &i in &dirty.pages {
                self.fingerprints[i] = Some(now.fingerprints[i]);
            }
        } else if layout_waits {
            for &i in &dirty.pages {
                let slot = match self.slots.get(&now.path_hashes[i]) {
                    Some(&slot) => slot,
                    None => {
                        self.fingerprints.push(None);
                        self.paths.push(&now.pages[i].path);
                        let slot = self.fingerprints.len() - 1;
                        self.slots.insert(now.path_hashes[i], slot);
                        slot
                    }
                };
                self.fingerprints[slot] = Some(now.fingerprints[i]);
            }
        } else {
            let slots = self.slots_of(now);
            let mut written = dirty.pages.iter().copied().peekable();
            let fingerprints = (0..now.pages.len())
                .map(|i| {
                    if written.next_if_eq(&i).is_some() {
                        Some(now.fingerprints[i])
                    } else {
                        slots[i].and_then(|slot| self.fingerprints[slot])
                    }
                })
                .collect();
            *self = Written {
                layout: now.layout(),
                fingerprints,
                slots: slots_of(now.path_hashes),
                hashes: now.path_hashes.to_vec(),
                paths: Paths::of(now.pages),
            };
        }
    }
}

impl Written {
    /// The slot of each page of `now`, found by path (`None` for a page never recorded): most
    /// are where they were in the layout recorded; the others (pages added since, or written
    /// while the layout waited) are looked up.
    fn slots_of(&self, now: &PageSet<'_>) -> Vec<Option<usize>> {
        use crate::plan::align::{NEW, places};
        use rayon::prelude::*;
        let places = places(&self.hashes, now.path_hashes);
        let slot = |i: usize| match places.as_ref().map_or(i as u32, |places| places[i]) {
            NEW => self.slots.get(&now.path_hashes[i]).copied(),
            place => Some(place as usize),
        };
        (0..now.pages.len()).into_par_iter().map(slot).collect()
    }
}

/// Slots by path hash (aHash's already: used as they are).
type Slots = crate::hash::ByHash<usize>;

fn slots_of(path_hashes: &[u64]) -> Slots {
    let mut slots = Slots::with_capacity_and_hasher(path_hashes.len(), Default::default());
    slots.extend(path_hashes.iter().enumerate().map(|(i, &hash)| (hash, i)));
    slots
}

/// Output paths by slot, in one buffer (a million paths kept as strings were a million
/// allocations after every change of the page set).
#[derive(Debug, Default)]
struct Paths {
    text: String,
    /// Where each path ends in `text`.
    ends: Vec<usize>,
}

impl Paths {
    fn of(pages: &[PlannedPage]) -> Paths {
        let mut paths = Paths {
            text: String::with_capacity(pages.iter().map(|p| p.path.len()).sum()),
            ends: Vec::with_capacity(pages.len()),
        };
        for page in pages {
            paths.push(&page.path);
        }
        paths
    }

    fn push(&mut self, path: &str) {
        self.text.push_str(path);
        self.ends.push(self.text.len());
    }

    fn get(&self, slot: usize) -> &str {
        let start = slot.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start..self.ends[slot]]
    }
}

/// The pages a rebuild writes now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Dirty {
    /// Indices of the pages to write, in plan order.
    pub(super) pages: Vec<usize>,
    /// Whether pages whose fingerprint changed are left for a later step.
    pub(super) deferred: bool,
    /// Whether the plan has the page paths last recorded (pages were compared by index).
    pub(super) same_layout: bool,
    /// The other pages whose fingerprint changed, left for a later step, in plan order.
    pub(super) left: Vec<usize>,
    /// When the page paths are not those recorded and every page was compared: the output
    /// paths of the pages written that the plan no longer has (their files are still there).
    pub(super) removed: Option<Vec<String>>,
}

/// The pages of `now` whose fingerprint differs from the one last written. With `first`, a
/// change of more than [`DEFER_ABOVE`] pages keeps only the pages `first` wants, and a smaller
/// one of the same page paths all but the tags' BibTeX files `first` does not want; with
/// `limit`, at most that many pages (the first in plan order).
#[cfg(test)]
pub(super) fn dirty_pages(
    written: &Written,
    now: &PageSet<'_>,
    first: Option<&FirstPages>,
    limit: Option<usize>,
) -> Dirty {
    dirty_pages_among(written, now, None, first, limit)
}

/// `dirty_pages` when no page but `candidates` (in plan order) can be dirty: the pages a
/// previous write of the same pages and fingerprints left for later. The steps of a catch-up
/// then check a few thousand pages instead of every page (by path, 300,000 hash lookups a
/// step, when pages came or went).
pub(super) fn dirty_pages_among(
    written: &Written,
    now: &PageSet<'_>,
    candidates: Option<&[usize]>,
    first: Option<&FirstPages>,
    limit: Option<usize>,
) -> Dirty {
    use rayon::prelude::*;
    let same_layout = written.layout == now.layout();
    let dirty =
        |i: &usize| written.get(*i, now.path_hashes[*i], same_layout) != Some(now.fingerprints[*i]);
    let mut removed = None;
    let all: Vec<usize> = match candidates {
        Some(candidates) => candidates.iter().copied().filter(dirty).collect(),
        None if same_layout => (0..now.pages.len()).into_par_iter().filter(dirty).collect(),
        // Every page found by path: the slots never found are pages no longer made.
        None => {
            let slots = written.slots_of(now);
            let mut seen = vec![false; written.fingerprints.len()];
            for &slot in slots.iter().flatten() {
                seen[slot] = true;
            }
            let all = (0..now.pages.len())
                .into_par_iter()
                .filter(|&i| {
                    slots[i].and_then(|slot| written.fingerprints[slot])
                        != Some(now.fingerprints[i])
                })
                .collect();
            removed = Some(
                (0..seen.len())
                    .filter(|&slot| !seen[slot] && written.fingerprints[slot].is_some())
                    .map(|slot| written.paths.get(slot).to_string())
                    .collect(),
            );
            all
        }
    };
    let mut pages = all.clone();
    if let Some(first) = first {
        if pages.len() > DEFER_ABOVE {
            // A change that shifts many pages (a tag added to an old paper moves every later
            // page of that tag's list) writes what readers look at first; the rest stay dirty.
            pages.retain(|&i| first.wants(&now.pages[i]));
        } else if same_layout {
            // A tag's BibTeX file holds every paper of the tag (20 MB for a large tag at
            // 100,000 papers): a date edit re-keys or reorders a few of them, and they were
            // most of its first write. The archive and a month's page are as large at a
            // million papers (25,000 days; 1,200 papers): 100–150 ms of a date edit's first
            // write. They wait for the catch-up, unless open. (When pages come or go, a step
            // that leaves pages also leaves the old ones in place: then everything is written
            // at once.)
            pages.retain(|&i| first.wants(&now.pages[i]) || !now.pages[i].kind.is_whole_list());
        }
    }
    if let Some(limit) = limit {
        pages.truncate(limit);
    }
    // Both in plan order: the pages not taken.
    let mut taken = pages.iter().peekable();
    let left: Vec<usize> = all
        .into_iter()
        .filter(|i| taken.next_if_eq(&i).is_none())
        .collect();
    Dirty {
        deferred: !left.is_empty(),
        pages,
        same_layout,
        left,
        removed,
    }
}

#[cfg(test)]
mod tests;
