//! Pagination: splits a list into pages of a fixed size. Each page only knows its own slice, so
//! the cost of all pages together is linear in the list.

use std::ops::Range;

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Pager {
    /// 1-based page number.
    pub number: usize,
    /// How many pages the list has (at least 1).
    pub total: usize,
    /// Which items of the list this page shows.
    pub items: Range<usize>,
}

/// The pages of a list of `len` items, `per_page` at a time. An empty list still has one page.
pub(crate) fn paginate(len: usize, per_page: usize) -> Vec<Pager> {
    (1..=page_count(len, per_page))
        .map(|number| pager(len, per_page, number))
        .collect()
}

/// How many pages a list of `len` items has, `per_page` at a time (at least 1).
pub(crate) fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page.max(1)).max(1)
}

/// Page `number` (1-based) of [`paginate`]`(len, per_page)`.
pub(crate) fn pager(len: usize, per_page: usize, number: usize) -> Pager {
    let per_page = per_page.max(1);
    let i = number - 1;
    Pager {
        number,
        total: page_count(len, per_page),
        items: (i * per_page).min(len)..((i + 1) * per_page).min(len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginate_table() {
        assert_eq!(
            paginate(0, 20),
            vec![Pager {
                number: 1,
                total: 1,
                items: 0..0
            }]
        );
        assert_eq!(paginate(20, 20).len(), 1);
        let pages = paginate(41, 20);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[2].items, 40..41);
        assert!(pages.iter().all(|p| p.total == 3));
    }
}
