//! Each paper's related papers as found, with the other way round made when first asked for:
//! which papers list a given paper among theirs.

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::index::PaperId;

/// Each paper's related papers, best first, by paper id.
#[derive(Debug, Default)]
pub(crate) struct RelatedLists {
    lists: Vec<Vec<PaperId>>,
    /// Made from `lists` when first asked for; a new `RelatedLists` has none.
    listed_by: OnceLock<ListedBy>,
}

/// For each paper, the papers that list it among their related papers, in id order: all
/// papers' lists one after the other (`ids`), paper `r`'s from `starts[r]` to `starts[r + 1]`.
#[derive(Debug)]
pub(crate) struct ListedBy {
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl From<Vec<Vec<PaperId>>> for RelatedLists {
    fn from(lists: Vec<Vec<PaperId>>) -> Self {
        RelatedLists {
            lists,
            listed_by: OnceLock::new(),
        }
    }
}

impl std::ops::Deref for RelatedLists {
    type Target = Vec<Vec<PaperId>>;

    fn deref(&self) -> &Self::Target {
        &self.lists
    }
}

impl RelatedLists {
    /// The lists, taken out.
    pub(crate) fn into_lists(self) -> Vec<Vec<PaperId>> {
        self.lists
    }

    /// Which papers list each paper (see [`ListedBy`]), made the first time it is asked for:
    /// a date edit changes how the edited paper shows among others' related papers, and
    /// reading every paper's list to find the few that hold it took 10–35 ms at a million
    /// papers.
    pub(crate) fn listed_by(&self) -> &ListedBy {
        self.listed_by.get_or_init(|| ListedBy::of(&self.lists))
    }

    /// Bytes the reverse lists hold, once made.
    pub(crate) fn listed_by_bytes(&self) -> usize {
        self.listed_by
            .get()
            .map_or(0, |by| 4 * (by.starts.capacity() + by.ids.capacity()))
    }
}

impl ListedBy {
    fn of(lists: &[Vec<PaperId>]) -> ListedBy {
        let n = lists.len();
        let mut starts = vec![0u32; n + 1];
        for &r in lists.iter().flatten() {
            if r < n {
                starts[r + 1] += 1;
            }
        }
        for r in 0..n {
            starts[r + 1] += starts[r];
        }
        let mut next = starts.clone();
        let mut ids = vec![0u32; starts[n] as usize];
        // In id order: each paper's own list is read once, lowest id first.
        for (id, list) in lists.iter().enumerate() {
            for &r in list {
                if r < n {
                    ids[next[r] as usize] = id as u32;
                    next[r] += 1;
                }
            }
        }
        ListedBy { starts, ids }
    }

    /// The papers that list paper `r` among their related papers, in id order.
    pub(crate) fn of_paper(&self, r: PaperId) -> &[u32] {
        match (self.starts.get(r), self.starts.get(r + 1)) {
            (Some(&from), Some(&to)) => &self.ids[from as usize..to as usize],
            _ => &[],
        }
    }

    /// Marks, by paper id (`n` papers), the papers that list any of `papers`.
    pub(crate) fn marks(&self, papers: &[PaperId], n: usize) -> Vec<bool> {
        let mut marks = vec![false; n];
        for &r in papers {
            for &id in self.of_paper(r) {
                if let Some(mark) = marks.get_mut(id as usize) {
                    *mark = true;
                }
            }
        }
        marks
    }
}

/// The papers among `lists` that list any of `papers` (by id, `n` of them), found by reading
/// every list.
pub(crate) fn listing_any(lists: &[Vec<PaperId>], papers: &[PaperId], n: usize) -> Vec<bool> {
    let mut shown = vec![false; n];
    for &r in papers {
        if let Some(slot) = shown.get_mut(r) {
            *slot = true;
        }
    }
    (0..n)
        .into_par_iter()
        .map(|id| {
            (lists.get(id).map_or(&[][..], Vec::as_slice).iter())
                .any(|&r| shown.get(r).copied().unwrap_or(false))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_paper_knows_who_lists_it() {
        let related = RelatedLists::from(vec![vec![1, 2], vec![2], vec![0, 1], vec![]]);
        let by = related.listed_by();
        assert_eq!(by.of_paper(0), [2]);
        assert_eq!(by.of_paper(1), [0, 2]);
        assert_eq!(by.of_paper(2), [0, 1]);
        assert_eq!(by.of_paper(3), [] as [u32; 0]);
        assert_eq!(by.of_paper(9), [] as [u32; 0]);
        assert_eq!(by.marks(&[1], 4), [true, false, true, false]);
        assert_eq!(listing_any(&related, &[1], 4), [true, false, true, false]);
        assert_eq!(by.marks(&[2, 3], 4), listing_any(&related, &[2, 3], 4));
    }
}
