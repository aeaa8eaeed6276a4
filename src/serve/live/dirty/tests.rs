//! Table tests of the choice of pages to write: plans as lists of (path, fingerprint), papers'
//! pages as `papers/<id>/`.

use super::*;

/// A plan: paper pages are `p<id>` (their paper id is the number), others are list pages.
fn plan(pages: &[&str]) -> Vec<PlannedPage> {
    pages
        .iter()
        .map(|name| PlannedPage {
            path: format!("{name}/index.html"),
            kind: match name.strip_prefix('p').and_then(|id| id.parse().ok()) {
                Some(id) => PageKind::Paper(id),
                None => PageKind::Day(0),
            },
            template: "page.html",
        })
        .collect()
}

/// The pages and the hash of their paths, as `LiveSite::page_set_hashes` makes it.
fn page_set<'a>(pages: &'a [PlannedPage], fingerprints: &'a [u64]) -> PageSet<'a> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for page in pages {
        page.path.hash(&mut hasher);
    }
    // As the site makes them with the plan; kept for the test's length.
    let path_hashes: Vec<u64> = (pages.iter())
        .map(|page| crate::hash::hash_of(page.path.as_str()))
        .collect();
    PageSet {
        pages,
        path_hashes: path_hashes.leak(),
        fingerprints,
        paths_hash: hasher.finish(),
    }
}

/// Names of the pages at `indices`.
fn names(pages: &[PlannedPage], indices: &[usize]) -> Vec<String> {
    indices
        .iter()
        .map(|&i| pages[i].path.trim_end_matches("/index.html").to_string())
        .collect()
}

#[test]
fn same_page_list_compares_by_index_and_finds_the_changed_pages() {
    let pages = plan(&["home", "p0", "p1", "tag"]);
    let written = Written::all(&page_set(&pages, &[1, 2, 3, 4]));
    let now = page_set(&pages, &[1, 20, 3, 40]);
    let dirty = dirty_pages(&written, &now, None, None);
    assert!(dirty.same_layout);
    assert!(!dirty.deferred);
    assert_eq!(names(&pages, &dirty.pages), ["p0", "tag"]);
    let unchanged = dirty_pages(&written, &page_set(&pages, &[1, 2, 3, 4]), None, None);
    assert!(unchanged.pages.is_empty());
}

#[test]
fn pages_added_or_removed_are_compared_by_path() {
    let before = plan(&["home", "p0", "p1", "tag"]);
    let written = Written::all(&page_set(&before, &[1, 2, 3, 4]));
    // A paper page comes in before the others: every index shifts, only the new page differs.
    let added = plan(&["home", "p9", "p0", "p1", "tag"]);
    let dirty = dirty_pages(&written, &page_set(&added, &[1, 9, 2, 3, 4]), None, None);
    assert!(!dirty.same_layout);
    assert_eq!(names(&added, &dirty.pages), ["p9"]);
    // A page goes and the tag page changes.
    let removed = plan(&["home", "p1", "tag"]);
    let dirty = dirty_pages(&written, &page_set(&removed, &[1, 3, 5]), None, None);
    assert!(!dirty.same_layout);
    assert_eq!(names(&removed, &dirty.pages), ["tag"]);
    // The same paths in another order are another layout.
    let swapped = plan(&["home", "p1", "p0", "tag"]);
    let dirty = dirty_pages(&written, &page_set(&swapped, &[1, 3, 2, 4]), None, None);
    assert!(!dirty.same_layout && dirty.pages.is_empty(), "{dirty:?}");
}

/// `n` list pages `l0…` then paper pages `p0`, `p1`, `p2`.
fn large_plan(n: usize) -> Vec<PlannedPage> {
    let names: Vec<String> = (0..n)
        .map(|i| format!("l{i}"))
        .chain((0..3).map(|i| format!("p{i}")))
        .collect();
    plan(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn a_large_change_writes_open_pages_and_edited_papers_first() {
    let pages = large_plan(DEFER_ABOVE + 5);
    let old: Vec<u64> = vec![1; pages.len()];
    let written = Written::all(&page_set(&pages, &old));
    let new: Vec<u64> = vec![2; pages.len()];
    let mut first = FirstPages::open(["l7/index.html".to_string()].into());
    first.papers = [1].into();
    let dirty = dirty_pages(&written, &page_set(&pages, &new), Some(&first), None);
    assert!(dirty.deferred);
    assert_eq!(names(&pages, &dirty.pages), ["l7", "p1"]);
    // Without `first` (a full reload, or the catch-up) every changed page is written.
    let all = dirty_pages(&written, &page_set(&pages, &new), None, None);
    assert_eq!(all.pages.len(), pages.len());
    assert!(!all.deferred);
}

#[test]
fn a_change_of_at_most_defer_above_pages_is_written_whole() {
    let pages = large_plan(DEFER_ABOVE - 3);
    assert_eq!(pages.len(), DEFER_ABOVE);
    let written = Written::all(&page_set(&pages, &vec![1; pages.len()]));
    let first = FirstPages::open(["l0/index.html".to_string()].into());
    let new = vec![2; pages.len()];
    let dirty = dirty_pages(&written, &page_set(&pages, &new), Some(&first), None);
    assert_eq!(dirty.pages.len(), DEFER_ABOVE);
    assert!(!dirty.deferred);
}

/// A small change that rewrites tags' BibTeX files (a date edit re-keys or reorders papers in
/// them), the archive (every day's count) or a month's page (every paper of the month) writes
/// its other pages first and leaves those, each made of a list that grows with the site, for
/// the catch-up; one open in a browser is written with the pages. The catch-up writes the rest.
#[test]
fn a_small_change_leaves_pages_of_whole_lists_for_the_catch_up_unless_open() {
    let mut pages = plan(&["day", "p3", "tag"]);
    let heavy = [
        ("tags/a/papers.bib", PageKind::TagBib(0)),
        ("tags/b/papers.bib", PageKind::TagBib(1)),
        ("archive/index.html", PageKind::Archive),
        ("2024/05/index.html", PageKind::Month(0)),
        ("2024/04/index.html", PageKind::Month(1)),
    ];
    for (path, kind) in heavy {
        pages.push(PlannedPage {
            path: path.to_string(),
            kind,
            template: "",
        });
    }
    let written = Written::all(&page_set(&pages, &[1; 8]));
    let now = page_set(&pages, &[2; 8]);
    let open = ["tags/b/papers.bib", "2024/04/index.html"];
    let mut first = FirstPages::open(open.map(String::from).into());
    first.papers = [3].into();
    let dirty = dirty_pages(&written, &now, Some(&first), None);
    assert_eq!(
        names(&pages, &dirty.pages),
        ["day", "p3", "tag", "tags/b/papers.bib", "2024/04"]
    );
    assert!(dirty.deferred);
    assert_eq!(
        names(&pages, &dirty.left),
        ["tags/a/papers.bib", "archive", "2024/05"]
    );
    let catch_up = dirty_pages(&written, &now, None, None);
    assert_eq!(catch_up.pages.len(), 8);
    assert!(!catch_up.deferred);
    // A paper page gone (another layout): everything at once, so the old page goes with it.
    let fewer: Vec<PlannedPage> = pages
        .iter()
        .filter(|p| p.path != "p3/index.html")
        .cloned()
        .collect();
    let dirty = dirty_pages(&written, &page_set(&fewer, &[2; 7]), Some(&first), None);
    assert!(!dirty.same_layout && !dirty.deferred);
    assert_eq!(dirty.pages.len(), 7);
}

#[test]
fn the_limit_writes_the_first_pages_in_plan_order() {
    let pages = plan(&["a", "b", "c", "d"]);
    let written = Written::all(&page_set(&pages, &[1, 1, 1, 1]));
    let now = page_set(&pages, &[1, 2, 2, 2]);
    let dirty = dirty_pages(&written, &now, None, Some(2));
    assert_eq!(names(&pages, &dirty.pages), ["b", "c"]);
    assert!(dirty.deferred);
    let exact = dirty_pages(&written, &now, None, Some(3));
    assert!(!exact.deferred);
}

#[test]
fn pages_left_for_later_stay_dirty_until_written() {
    let pages = plan(&["a", "b", "c", "d"]);
    let mut written = Written::all(&page_set(&pages, &[1, 1, 1, 1]));
    let now = page_set(&pages, &[2, 2, 2, 1]);
    let step = dirty_pages(&written, &now, None, Some(2));
    written.record(&now, &step, true);
    let next = dirty_pages(&written, &now, None, Some(2));
    assert_eq!(names(&pages, &next.pages), ["c"]);
    assert!(!next.deferred);
    written.record(&now, &next, false);
    assert!(dirty_pages(&written, &now, None, None).pages.is_empty());
}

#[test]
fn a_new_page_set_left_for_later_is_compared_by_path_until_recorded() {
    let before = plan(&["a", "b", "c"]);
    let mut written = Written::all(&page_set(&before, &[1, 1, 1]));
    // `n` comes in, `c` goes; `a` and `n` change; only `n` is written while the rest waits.
    let after = plan(&["a", "b", "n"]);
    let now = page_set(&after, &[2, 1, 3]);
    let dirty = dirty_pages(&written, &now, None, None);
    assert_eq!(names(&after, &dirty.pages), ["a", "n"]);
    assert_eq!(
        dirty.removed,
        Some(vec!["c/index.html".to_string()]),
        "c's file is left"
    );
    let dirty = Dirty {
        left: Vec::new(),
        pages: vec![2],
        deferred: true,
        ..dirty
    };
    written.record(&now, &dirty, true);
    let next = dirty_pages(&written, &now, None, None);
    assert!(!next.same_layout);
    assert_eq!(names(&after, &next.pages), ["a"]);
    // The old page set comes back before the catch-up: compared by index again, and nothing
    // written since differs from it.
    let back = page_set(&before, &[1, 1, 1]);
    let dirty = dirty_pages(&written, &back, None, None);
    assert!(dirty.same_layout);
    assert!(dirty.pages.is_empty(), "{dirty:?}");
    // Recorded at last: compared by index from then on.
    let next = dirty_pages(&written, &now, None, None);
    written.record(&now, &next, false);
    let done = dirty_pages(&written, &now, None, None);
    assert!(done.same_layout && done.pages.is_empty(), "{done:?}");
}

#[test]
fn a_page_written_while_its_new_page_set_waited_is_not_taken_for_unchanged_in_the_old_one() {
    let before = plan(&["a", "b"]);
    let mut written = Written::all(&page_set(&before, &[1, 1]));
    let after = plan(&["a", "b", "n"]);
    let now = page_set(&after, &[1, 5, 3]);
    let dirty = Dirty {
        left: Vec::new(),
        pages: vec![1],
        deferred: true,
        same_layout: false,
        removed: None,
    };
    written.record(&now, &dirty, true);
    // Back to the old page set with `b` at fingerprint 1: the file holds what was written
    // with 5, so `b` must be written again.
    let back = page_set(&before, &[1, 1]);
    let dirty = dirty_pages(&written, &back, None, None);
    assert_eq!(names(&before, &dirty.pages), ["b"]);
}

/// A step that writes some of the changed pages leaves the others; the next step of the same
/// pages, checking only those, finds what a check of every page finds.
#[test]
fn the_pages_left_by_a_step_are_the_next_steps_candidates() {
    let pages = plan(&["a", "b", "c", "d", "e", "f"]);
    let mut written = Written::all(&page_set(&pages, &[1, 1, 1, 1, 1, 1]));
    let now = page_set(&pages, &[2, 1, 2, 2, 1, 2]);
    let step = dirty_pages_among(&written, &now, None, None, Some(2));
    assert_eq!(names(&pages, &step.pages), ["a", "c"]);
    assert_eq!(names(&pages, &step.left), ["d", "f"]);
    written.record(&now, &step, false);
    let next = dirty_pages_among(&written, &now, Some(&step.left), None, Some(2));
    assert_eq!(next, dirty_pages(&written, &now, None, Some(2)));
    assert_eq!(names(&pages, &next.pages), ["d", "f"]);
    assert!(next.left.is_empty() && !next.deferred);
}

#[test]
fn a_page_whose_file_was_removed_is_written_again() {
    let pages = plan(&["a", "b"]);
    let mut written = Written::all(&page_set(&pages, &[1, 1]));
    let now = page_set(&pages, &[1, 1]);
    assert!(dirty_pages(&written, &now, None, None).pages.is_empty());
    assert_eq!(dirty_pages(&written, &now, None, None).removed, None);
    written.forget("b/index.html");
    assert_eq!(
        names(&pages, &dirty_pages(&written, &now, None, None).pages),
        ["b"]
    );
}
