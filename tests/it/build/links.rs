//! Links: every internal link of every page resolves to a file of the output and stays under
//! base_url (so a GitHub Pages project site works); day and month pages link their neighbours.

use crate::common;

use std::path::Path;

use common::{Site, assert_links_ok, check_links, hrefs, html, index_pages, url_of};

const ROOT: &str = "https://example.org/";
const PROJECT: &str = "https://user.github.io/papers/";
/// Links between the site's own pages are root-relative: the base URL's path.
const PROJECT_PATH: &str = "/papers/";

fn build_with(site: &Site, base_url: &str) -> std::path::PathBuf {
    site.build_ok(&["--base-url", base_url])
}

#[test]
fn fixture_links_resolve_at_a_root_base_url() {
    let site = Site::fixture("small");
    let out = build_with(&site, ROOT);
    assert_links_ok(&out, ROOT);
    assert_canonical_urls(&out, ROOT);
}

#[test]
fn fixture_links_resolve_at_a_project_site_base_url() {
    let site = Site::fixture("small");
    let out = build_with(&site, PROJECT);
    assert_links_ok(&out, PROJECT);
    assert_canonical_urls(&out, PROJECT);
    // No page may still use the base_url of site.toml.
    for page in index_pages(&out) {
        let text = common::read(&out, &page);
        assert!(
            !text.contains("example.org"),
            "{page} links to site.toml's base_url"
        );
    }
}

#[test]
fn repo_site_links_resolve_at_both_base_urls() {
    let site = Site::repo_site();
    for base in [ROOT, PROJECT] {
        let out = build_with(&site, base);
        assert_day_and_month_neighbours(&out, base);
        assert_canonical_urls(&out, base);
        assert_links_ok(&out, base);
    }
}

#[test]
fn the_checker_catches_broken_and_escaping_links() {
    // The checker itself must be able to fail: plant bad links in a built site.
    let site = Site::fixture("small");
    let out = build_with(&site, PROJECT);
    common::write(
        &out.join("bad/index.html"),
        "<!doctype html><html><head><link rel=stylesheet href=\"/style.css\"></head><body>\
         <a href=\"https://user.github.io/papers/papers/nope/\">x</a>\
         <a href=\"https://user.github.io/other/\">y</a>\
         <a href=\"../archive/\">z</a>\
         <a href=\"#missing\">w</a>\
         <a href=\"https://user.github.io/papers/archive/#top\">ok</a>\
         <a href=\"https://arxiv.org/abs/1\">ok</a></body></html>",
    );
    let problems: Vec<String> = check_links(&out, PROJECT)
        .into_iter()
        .filter(|p| p.starts_with("bad/index.html:"))
        .collect();
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

#[test]
fn day_pages_link_previous_and_next_days() {
    let site = Site::fixture("small");
    let out = build_with(&site, PROJECT);
    let day = |d: &str| format!("{PROJECT_PATH}{d}/");
    let nav = |page: &str| {
        let doc = html(&out, page);
        (
            hrefs(&doc, "nav[aria-label=Days] a[rel=prev]"),
            hrefs(&doc, "nav[aria-label=Days] a[rel=next]"),
        )
    };
    assert_eq!(
        nav("2025/01/30/index.html"),
        (vec![], vec![day("2025/01/31")])
    );
    // Across a month boundary.
    assert_eq!(
        nav("2025/01/31/index.html"),
        (vec![day("2025/01/30")], vec![day("2025/02/05")])
    );
    assert_eq!(
        nav("2025/02/05/index.html"),
        (vec![day("2025/01/31")], vec![day("2025/02/06")])
    );
    assert_eq!(
        nav("2025/02/06/index.html"),
        (vec![day("2025/02/05")], vec![])
    );
    // A day links its month.
    assert!(
        hrefs(&html(&out, "2025/02/05/index.html"), ".crumbs a")
            .contains(&format!("{PROJECT_PATH}2025/02/"))
    );
}

#[test]
fn month_pages_link_previous_and_next_months() {
    let site = Site::fixture("small");
    let out = build_with(&site, PROJECT);
    let nav = |page: &str| {
        let doc = html(&out, page);
        (
            hrefs(&doc, "nav[aria-label=Months] a[rel=prev]"),
            hrefs(&doc, "nav[aria-label=Months] a[rel=next]"),
        )
    };
    assert_eq!(
        nav("2025/01/index.html"),
        (vec![], vec![format!("{PROJECT_PATH}2025/02/")])
    );
    assert_eq!(
        nav("2025/02/index.html"),
        (vec![format!("{PROJECT_PATH}2025/01/")], vec![])
    );
}

#[test]
fn paginated_lists_link_their_pages() {
    let site = Site::fixture("small");
    let out = build_with(&site, PROJECT);
    let nav = |page: &str| {
        let doc = html(&out, page);
        (
            hrefs(&doc, "nav[aria-label=Pages] a[rel=prev]"),
            hrefs(&doc, "nav[aria-label=Pages] a[rel=next]"),
        )
    };
    assert_eq!(
        nav("index.html"),
        (vec![], vec![format!("{PROJECT_PATH}page/2/")])
    );
    assert_eq!(
        nav("page/2/index.html"),
        (
            vec![PROJECT_PATH.to_string()],
            vec![format!("{PROJECT_PATH}page/3/")]
        )
    );
    assert_eq!(
        nav("page/3/index.html"),
        (vec![format!("{PROJECT_PATH}page/2/")], vec![])
    );
    assert_eq!(
        nav("tags/music/page/2/index.html"),
        (vec![format!("{PROJECT_PATH}tags/music/")], vec![])
    );
    // A list that fits one page has no pager.
    assert_eq!(nav("tags/motion/index.html"), (vec![], vec![]));
}

/// Each page's `<link rel=canonical>` is its own public URL.
fn assert_canonical_urls(out: &Path, base: &str) {
    for page in index_pages(out) {
        let canonical = hrefs(&html(out, &page), "link[rel=canonical]");
        assert_eq!(canonical, [url_of(base, &page)], "canonical URL of {page}");
    }
}

/// Every day page links the day before and after it (by date, across months and years), every
/// month page the months before and after, and the ends link nothing on that side.
fn assert_day_and_month_neighbours(out: &Path, base: &str) {
    let pages = index_pages(out);
    let is_date_page = |p: &str, len: usize| p.len() == len && p.as_bytes()[0].is_ascii_digit();
    let days: Vec<&String> = pages
        .iter()
        .filter(|p| is_date_page(p, "yyyy/mm/dd/index.html".len()))
        .collect();
    let months: Vec<&String> = pages
        .iter()
        .filter(|p| is_date_page(p, "yyyy/mm/index.html".len()))
        .collect();
    assert!(days.len() > 2 && months.len() > 2);
    for (list, label) in [(days, "Days"), (months, "Months")] {
        // Sorted paths are sorted dates.
        for (i, page) in list.iter().enumerate() {
            let doc = html(out, page);
            let prev = hrefs(&doc, &format!("nav[aria-label={label}] a[rel=prev]"));
            let next = hrefs(&doc, &format!("nav[aria-label={label}] a[rel=next]"));
            let expected_prev: Vec<String> = i
                .checked_sub(1)
                .map(|j| url_of(common::base_path(base), list[j]))
                .into_iter()
                .collect();
            let expected_next: Vec<String> = list
                .get(i + 1)
                .map(|p| url_of(common::base_path(base), p))
                .into_iter()
                .collect();
            assert_eq!(prev, expected_prev, "previous link of {page}");
            assert_eq!(next, expected_next, "next link of {page}");
        }
    }
}
