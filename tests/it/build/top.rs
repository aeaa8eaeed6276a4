//! Trending: `/top/` lists the most upvoted papers of the last 7 and 30 days of listings (up to
//! the newest listing day), and the home page shows the week's top five; a later fetch of a
//! day brings its new counts.

use crate::common::{self, Site, html, sel};

fn titles(doc: &scraper::Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect()
}

fn p(slug: &str) -> String {
    format!("/papers/{slug}/")
}

#[test]
fn top_lists_the_last_7_and_30_days_most_upvoted_with_ties_in_listing_order() {
    let site = Site::fixture("small");
    // Ties: as many upvotes as rohm (2), one on a newer day than rohm's, one on an older
    // day, one on rohm's day with a title before it.
    site.write(
        "content/tie-new.md",
        "+++\ntitle = \"Zeta tie on the newest day\"\ndate = 2025-02-06\nupvotes = 2\n+++\nA.\n",
    );
    site.write(
        "content/tie-old.md",
        "+++\ntitle = \"Alpha tie a week earlier\"\ndate = 2025-01-31\nupvotes = 2\n+++\nB.\n",
    );
    site.write(
        "content/tie-same.md",
        "+++\ntitle = \"Aardvark tie on rohm's day\"\ndate = 2025-02-05\nupvotes = 2\n+++\nC.\n",
    );
    // Out of both windows, however upvoted.
    site.write(
        "content/old.md",
        "+++\ntitle = \"Old and famous\"\ndate = 2024-12-01\nupvotes = 999\n+++\nD.\n",
    );
    let out = site.build_ok(&[]);
    let top = html(&out, "top/index.html");
    let week = [
        p("improvnet"),
        p("musicgen"),
        p("visualcloze"),
        p("tie-new"),
        p("tie-same"),
        p("rohm"),
        p("tie-old"),
    ];
    assert_eq!(titles(&top, "section[aria-labelledby=top-week] a.t"), week);
    // The 30 days from 8 January add REALM (1 upvote); jukebox has none and is left out.
    let mut month = week.to_vec();
    month.push(p("realm"));
    assert_eq!(
        titles(&top, "section[aria-labelledby=top-month] a.t"),
        month
    );
    let heading = common::text_of(&top, "#top-week").unwrap();
    assert!(
        heading.contains("Jan 31, 2025") && heading.contains("Feb 6, 2025"),
        "{heading}"
    );

    // The home page: the week's five, leading to /top/; nothing of it on later pages.
    let home = html(&out, "index.html");
    assert_eq!(titles(&home, ".top-week a.t"), week[..5]);
    assert_eq!(common::hrefs(&home, ".top-week h2 a"), ["/top/"]);
    assert!(
        html(&out, "page/2/index.html")
            .select(&sel(".top-week"))
            .next()
            .is_none()
    );
    // Every page's navigation leads to it.
    assert!(common::hrefs(&home, "header nav a").contains(&"/top/".to_string()));
}

/// Hugging Face's counts grow during the day: a later fetch (import) of the same day updates
/// them, and the next build orders the top lists by the new counts.
#[test]
fn a_later_fetch_of_a_day_updates_its_upvotes_and_the_order() {
    let site = Site::fixture("small");
    // Two papers of Hugging Face's list of 6 February, as its API answers.
    let entry = |id: &str, title: &str, upvotes: u32| {
        format!(
            r#"{{"paper": {{"id": "{id}", "authors": [{{"name": "Mei Lin"}}], "publishedAt": "2025-02-05T18:00:00.000Z", "submittedOnDailyAt": "2025-02-06T01:00:00.000Z", "title": "{title}", "summary": "About {title}.", "upvotes": {upvotes}}}, "publishedAt": "2025-02-06T01:00:00.000Z", "title": "{title}"}}"#
        )
    };
    let listing = |sparse: u32, dense: u32| {
        format!(
            "[{}, {}]",
            entry(
                "2502.90001",
                "Sparse Mixtures of Long-Context Experts",
                sparse
            ),
            entry("2502.90002", "Dense Retrieval at Scale", dense)
        )
    };
    let import = |text: &str| {
        let file = site.tmp.path().join("listing.json");
        std::fs::write(&file, text).unwrap();
        let run = common::digest(
            &[
                "import",
                "hf-json",
                file.to_str().unwrap(),
                "--into",
                site.path("content").to_str().unwrap(),
            ],
            site.tmp.path(),
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    };
    import(&listing(42, 7));
    let out = site.build_ok(&[]);
    let before = titles(
        &html(&out, "top/index.html"),
        "section[aria-labelledby=top-week] a.t",
    );
    // The listing's most upvoted paper (42) leads; the one with 7 follows the fixture's.
    assert!(before[0].contains("sparse"), "{before:?}");
    // Later that day: 42 became 3, 7 became 500.
    let later = listing(3, 500);
    import(&later);
    let out = site.build_ok(&[]);
    let after = titles(
        &html(&out, "top/index.html"),
        "section[aria-labelledby=top-week] a.t",
    );
    assert!(after[0].contains("dense-retrieval"), "{after:?}");
    let sparse = after.iter().position(|h| h.contains("sparse")).unwrap();
    // 3 upvotes: after improvnet (5), musicgen (4), level with visualcloze (3), on its day.
    assert!(sparse >= 3, "{after:?}");
}

/// The navigation marks the top page as the current one, and nothing else; an author page
/// marks no list as current.
#[test]
fn the_navigation_marks_the_page_it_is_on() {
    let site = Site::fixture("small");
    for (file, day) in [("ada-1", "2025-02-05"), ("ada-2", "2025-02-06")] {
        site.write(
            &format!("content/{file}.md"),
            &format!(
                "+++\ntitle = \"Ada {file}\"\ndate = {day}\nauthors = [\"Ada Lovelace\"]\n+++\nA.\n"
            ),
        );
    }
    let out = site.build_ok(&[]);
    let current = |page: &str| -> Vec<String> {
        html(&out, page)
            .select(&sel("header nav a[aria-current]"))
            .map(|a| a.text().collect())
            .collect()
    };
    assert_eq!(current("top/index.html"), ["Top"]);
    assert_eq!(
        current("authors/ada-lovelace/index.html"),
        Vec::<String>::new()
    );
    assert_eq!(current("archive/index.html"), ["Archive"]);
}
