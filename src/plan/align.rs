//! Where each page of a plan was in an earlier plan of the same site, found by the hashes of
//! their output paths: what was kept of that plan's pages (fingerprints, what they were made
//! of, what was written) is read in the new plan's order.

use crate::hash::ByHash;

/// A page of the new plan that the earlier one did not have.
pub(crate) const NEW: u32 = u32::MAX;

/// Each page of a plan whose path hashes are `now` by its index in an earlier plan whose path
/// hashes are `before`, or [`NEW`]; `None` when the two are the same pages in the same order.
///
/// An edit changes one stretch of a plan (a tag's pages, a new day's): the pages before and
/// after it are matched in order, without hashing, and only the stretch between is looked up
/// by path.
pub(crate) fn places(before: &[u64], now: &[u64]) -> Option<Vec<u32>> {
    let same = |(a, b): &(&u64, &u64)| a == b;
    let head = before.iter().zip(now).take_while(same).count();
    if head == before.len() && head == now.len() {
        return None;
    }
    let most = before.len().min(now.len()) - head;
    let tail = (before.iter().rev().zip(now.iter().rev()))
        .take(most)
        .take_while(same)
        .count();
    let (was, is) = (before.len() - tail, now.len() - tail);
    let mut by_path = ByHash::with_capacity_and_hasher(was - head, Default::default());
    by_path.extend((head..was).map(|j| (before[j], j as u32)));
    let mut places = Vec::with_capacity(now.len());
    places.extend(0..head as u32);
    places.extend(
        now[head..is]
            .iter()
            .map(|h| by_path.get(h).copied().unwrap_or(NEW)),
    );
    places.extend(was as u32..before.len() as u32);
    Some(places)
}

/// `values`, of the earlier plan's pages, in the new plan's order (`places`); `new` for the
/// pages it did not have.
pub(crate) fn reorder(values: &[u64], places: &[u32], new: impl Fn(usize) -> u64) -> Vec<u64> {
    (places.iter().enumerate())
        .map(|(i, &j)| match j {
            NEW => new(i),
            j => values.get(j as usize).copied().unwrap_or_else(|| new(i)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_found_where_they_were() {
        assert_eq!(places(&[1, 2, 3], &[1, 2, 3]), None);
        // A page added in the middle, one at the end, one at the start.
        assert_eq!(places(&[1, 2, 3], &[1, 9, 2, 3]), Some(vec![0, NEW, 1, 2]));
        assert_eq!(places(&[1, 2, 3], &[1, 2, 3, 9]), Some(vec![0, 1, 2, NEW]));
        assert_eq!(places(&[1, 2, 3], &[9, 1, 2, 3]), Some(vec![NEW, 0, 1, 2]));
        // Pages removed.
        assert_eq!(places(&[1, 2, 3, 4], &[1, 4]), Some(vec![0, 3]));
        assert_eq!(places(&[1, 2], &[]), Some(vec![]));
        assert_eq!(places(&[], &[5]), Some(vec![NEW]));
        // Two stretches changed, pages moved between them, a repeated hash at the edges.
        assert_eq!(
            places(&[1, 2, 3, 4, 5, 6, 1], &[1, 5, 3, 8, 2, 6, 1]),
            Some(vec![0, 4, 2, NEW, 1, 5, 6])
        );
        assert_eq!(places(&[7, 7], &[7, 7, 7]), Some(vec![0, 1, NEW]));
    }

    #[test]
    fn values_follow_their_pages() {
        let places = places(&[1, 2, 3], &[3, 9, 1]).unwrap();
        assert_eq!(
            reorder(&[10, 20, 30], &places, |i| 100 + i as u64),
            [30, 101, 10]
        );
    }
}
