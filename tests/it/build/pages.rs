//! The set of pages a build makes: the small fixture site exactly, and the repository's own site
//! (50 papers) against what its records say.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::{
    Site, files, front_matter, hrefs, html, index_pages, main_links, read, sel, set, text_of,
};

const SMALL_PAPERS: [&str; 6] = [
    "improvnet",
    "jukebox",
    "musicgen",
    "realm",
    "rohm",
    "visualcloze",
];

fn small_index_pages() -> BTreeSet<String> {
    let mut pages = set([
        // home, 6 papers at 2 per page
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        // 4 days in 2 months
        "2025/02/06/index.html",
        "2025/02/05/index.html",
        "2025/01/31/index.html",
        "2025/01/30/index.html",
        "2025/02/index.html",
        "2025/01/index.html",
        // ISO weeks: Jan 30-31 are in week 5, Feb 5-6 in week 6
        "2025/w05/index.html",
        "2025/w06/index.html",
        "archive/index.html",
        "tags/index.html",
        "search/index.html",
        "status/index.html",
        "subscribe/index.html",
        "top/index.html",
        // written tags; music has 3 papers, so 2 pages
        "tags/music/index.html",
        "tags/music/page/2/index.html",
        "tags/image-generation/index.html",
        "tags/motion/index.html",
        "tags/retrieval/index.html",
        // keyword tag of site.toml, found in rohm's title and visualcloze's abstract
        "tags/diffusion/index.html",
    ]);
    pages.extend(
        SMALL_PAPERS
            .iter()
            .map(|s| format!("papers/{s}/index.html")),
    );
    pages
}

#[test]
fn small_site_has_exactly_the_expected_pages() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    assert_eq!(set(index_pages(&out)), small_index_pages());

    let mut expected = small_index_pages();
    expected.extend(set([
        "atom.xml",
        "tags/music/atom.xml",
        "tags/image-generation/atom.xml",
        "tags/motion/atom.xml",
        "tags/retrieval/atom.xml",
        "tags/diffusion/atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        ".nojekyll",
        "style.css",
        "syntax.css",
        "favicon.svg",
        "site.js",
        "search.js",
        // the RIS builder of paper pages
        "ris.js",
        ".digest-output",
        // the status page's data and the build's manifest
        "status.json",
        "digest.json",
        // JSON Feed beside each Atom feed
        "feed.json",
        "tags/music/feed.json",
        "tags/image-generation/feed.json",
        "tags/motion/feed.json",
        "tags/retrieval/feed.json",
        "tags/diffusion/feed.json",
        // BibTeX of each day and tag
        "2025/02/06/papers.bib",
        "2025/02/05/papers.bib",
        "2025/01/31/papers.bib",
        "2025/01/30/papers.bib",
        "tags/music/papers.bib",
        "tags/image-generation/papers.bib",
        "tags/motion/papers.bib",
        "tags/retrieval/papers.bib",
        "tags/diffusion/papers.bib",
        // the email of each of the newest days (all four here) and the digest feed
        "2025/02/06/email/index.html",
        "2025/02/05/email/index.html",
        "2025/01/31/email/index.html",
        "2025/01/30/email/index.html",
        "digest.xml",
        "digest-feed.json",
        // every feed as OPML, and the stylesheet that shows an Atom feed as a page
        "feeds.opml",
        "feed.xsl",
        // the JSON API: each day's and tag page's papers, each paper's record, the layout
        "2025/02/06/papers.json",
        "2025/02/05/papers.json",
        "2025/01/31/papers.json",
        "2025/01/30/papers.json",
        "tags/music/papers.json",
        "tags/music/page/2/papers.json",
        "tags/image-generation/papers.json",
        "tags/motion/papers.json",
        "tags/retrieval/papers.json",
        "tags/diffusion/papers.json",
        "api/index.json",
        "llms.txt",
    ]));
    expected.extend(
        SMALL_PAPERS
            .iter()
            .map(|s| format!("papers/{s}/index.json")),
    );
    // And the search index: its metadata, term shards and document chunks.
    let (search, rest): (Vec<String>, Vec<String>) = files(&out)
        .into_iter()
        .partition(|f| f.starts_with("search/") && f != "search/index.html");
    assert_eq!(set(rest), expected);
    assert!(
        search.contains(&"search/meta.json".to_string()),
        "{search:?}"
    );
    assert!(
        search.contains(&"search/d/0.json".to_string()),
        "{search:?}"
    );
    assert!(
        search.iter().any(|f| f.starts_with("search/t/")),
        "{search:?}"
    );
}

#[test]
fn small_site_pages_show_the_right_papers() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    // The papers a page lists: its links to paper pages, in order.
    // (The home page's "top this week" box is checked on its own, in reader.rs.)
    let card_links = |page: &str| -> Vec<String> {
        let mut doc = html(&out, page);
        let boxes: Vec<_> = doc.select(&sel(".top-week")).map(|e| e.id()).collect();
        for id in boxes {
            if let Some(mut node) = doc.tree.get_mut(id) {
                node.detach();
            }
        }
        main_links(&doc, "/papers/")
    };
    let paper = |slug: &str| format!("/papers/{slug}/");
    // Home: newest day first, most upvoted first within a day, 2 per page.
    assert_eq!(
        card_links("index.html"),
        [paper("improvnet"), paper("visualcloze")]
    );
    assert_eq!(
        card_links("page/2/index.html"),
        [paper("rohm"), paper("musicgen")]
    );
    assert_eq!(
        card_links("page/3/index.html"),
        [paper("jukebox"), paper("realm")]
    );
    // Tag pages: the music tag has 3 papers over 2 pages; the keyword tag has its 2 matches.
    assert_eq!(
        card_links("tags/music/index.html"),
        [paper("improvnet"), paper("musicgen")]
    );
    assert_eq!(
        card_links("tags/music/page/2/index.html"),
        [paper("jukebox")]
    );
    assert_eq!(
        card_links("tags/diffusion/index.html"),
        [paper("visualcloze"), paper("rohm")]
    );
    // A day shows its papers only.
    assert_eq!(
        card_links("2025/01/31/index.html"),
        [paper("musicgen"), paper("jukebox")]
    );
    // A month lists the papers of its days.
    assert_eq!(
        card_links("2025/01/index.html"),
        [paper("musicgen"), paper("jukebox"), paper("realm")]
    );
    // The paper page shows title, links and the rendered abstract with its notes.
    let page = html(&out, "papers/musicgen/index.html");
    assert_eq!(
        text_of(&page, "h1").as_deref(),
        Some("Simple and Controllable Music Generation")
    );
    let links = main_links(&page, "https://");
    assert!(
        links.contains(&"https://arxiv.org/abs/2306.05284".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"https://github.com/facebookresearch/audiocraft".to_string()),
        "{links:?}"
    );
    let headings: Vec<String> = page
        .select(&sel("main h2"))
        .map(|h| h.text().collect::<String>().trim().to_string())
        .collect();
    assert!(headings.contains(&"Notes".to_string()), "{headings:?}");
    assert_eq!(text_of(&page, "main strong").as_deref(), Some("Friday"));
    // Archive: every month and day, newest first, each with its count.
    let archive = html(&out, "archive/index.html");
    let mut listed = common::hrefs(&archive, ".archive-month a[href]");
    listed.dedup();
    assert_eq!(
        listed,
        [
            "/2025/02/",
            "/2025/02/06/",
            "/2025/02/05/",
            "/2025/01/",
            "/2025/01/31/",
            "/2025/01/30/",
        ]
    );
    // Each day entry: its date (machine-readable) and its count, the first number after it.
    let entries: Vec<(String, String)> = archive
        .select(&sel("main li"))
        .map(|li| {
            let time = li.select(&sel("time[datetime]")).next().expect("a <time>");
            let date = time.value().attr("datetime").unwrap().to_string();
            let time_text: String = time.text().collect();
            let rest = li.text().collect::<String>().replacen(&time_text, "", 1);
            let count = rest.split_whitespace().next().unwrap_or("").to_string();
            (date, count)
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("2025-02-06", "2"),
        ("2025-02-05", "1"),
        ("2025-01-31", "2"),
        ("2025-01-30", "1"),
    ]
    .iter()
    .map(|(d, c)| (d.to_string(), c.to_string()))
    .collect();
    assert_eq!(entries, expected, "archive days with their counts");
    // 404 page exists and is HTML with the site's header.
    assert!(read(&out, "404.html").contains("Reading Group Digest"));
}

#[test]
fn repo_site_has_a_page_per_paper_day_month_and_tag() {
    let site = Site::repo_site();
    let out = site.build_ok(&[]);

    // What the records say.
    let mut slugs = BTreeSet::new();
    let mut dates = BTreeSet::new();
    let mut written_tags = BTreeSet::new();
    for entry in std::fs::read_dir(site.path("content")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let fm = front_matter(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|| panic!("{} has no front matter", path.display()));
        if fm.get("draft").and_then(|d| d.as_bool()) == Some(true) {
            continue;
        }
        let slug = match fm.get("slug") {
            Some(s) => s.as_str().unwrap().to_string(),
            None => path.file_stem().unwrap().to_string_lossy().into_owned(),
        };
        slugs.insert(slug);
        dates.insert(fm["date"].to_string());
        for tag in fm
            .get("tags")
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
        {
            written_tags.insert(tag.as_str().unwrap().to_lowercase().replace(' ', "-"));
        }
    }
    assert_eq!(slugs.len(), 50, "the sample site has 50 records");

    let pages = set(index_pages(&out));
    let paper_pages: BTreeSet<String> = pages
        .iter()
        .filter(|p| p.starts_with("papers/"))
        .cloned()
        .collect();
    assert_eq!(
        paper_pages,
        slugs
            .iter()
            .map(|s| format!("papers/{s}/index.html"))
            .collect::<BTreeSet<_>>()
    );

    let day_pages: BTreeSet<String> = pages
        .iter()
        .filter(|p| p.len() == "yyyy/mm/dd/index.html".len() && p.as_bytes()[0].is_ascii_digit())
        .cloned()
        .collect();
    let expected_days: BTreeSet<String> = dates
        .iter()
        .map(|d| format!("{}/index.html", d.replace('-', "/")))
        .collect();
    assert_eq!(day_pages, expected_days);

    let month_pages: BTreeSet<String> = pages
        .iter()
        .filter(|p| p.len() == "yyyy/mm/index.html".len() && p.as_bytes()[0].is_ascii_digit())
        .cloned()
        .collect();
    let expected_months: BTreeSet<String> = dates
        .iter()
        .map(|d| format!("{}/index.html", d[..7].replace('-', "/")))
        .collect();
    assert_eq!(month_pages, expected_months);

    // Home: 50 papers at the default 20 per page.
    for home in ["index.html", "page/2/index.html", "page/3/index.html"] {
        assert!(pages.contains(home), "{home} missing");
    }
    assert!(!pages.contains("page/4/index.html"));

    // Tags: the tag list names exactly the tags that have pages, each with its feed and as many
    // pages as its count needs; every tag is a written tag or a keyword tag of site.toml.
    let config: toml::Table = site.read("site.toml").parse().unwrap();
    let keyword_tags: BTreeSet<String> = config["keyword_tags"]
        .as_table()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    // Links between pages are root-relative: the base URL's path.
    let base = "/digest/";
    let tag_list = html(&out, "tags/index.html");
    let listed: BTreeSet<String> = main_links(&tag_list, &format!("{base}tags/"))
        .into_iter()
        .filter_map(|url| {
            let slug = url
                .strip_prefix(&format!("{base}tags/"))?
                .strip_suffix('/')?;
            (!slug.is_empty() && !slug.contains('/')).then(|| slug.to_string())
        })
        .collect();
    assert!(
        listed.contains("music"),
        "ImprovNet mentions music, a keyword tag"
    );
    for tag in &written_tags {
        assert!(listed.contains(tag), "written tag {tag} is not listed");
    }
    let mut tag_pages: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for page in pages
        .iter()
        .filter(|p| p.starts_with("tags/") && *p != "tags/index.html")
    {
        let slug = page["tags/".len()..].split('/').next().unwrap().to_string();
        tag_pages.entry(slug).or_default().push(page.clone());
    }
    assert_eq!(
        tag_pages.keys().cloned().collect::<BTreeSet<_>>(),
        listed,
        "tag pages and the tag list disagree"
    );
    for (slug, tag_pages) in &tag_pages {
        assert!(
            keyword_tags.contains(slug) || written_tags.contains(slug),
            "tag {slug} comes from nowhere"
        );
        assert!(out.join(format!("tags/{slug}/atom.xml")).is_file());
        // Pages 1..=n, full pages of 20 papers except the last.
        let n = tag_pages.len();
        let mut expected = vec![format!("tags/{slug}/index.html")];
        expected.extend((2..=n).map(|i| format!("tags/{slug}/page/{i}/index.html")));
        assert_eq!(set(tag_pages.clone()), set(expected.clone()));
        for (i, page) in expected.iter().enumerate() {
            let papers = main_links(&html(&out, page), &format!("{base}papers/")).len();
            if i + 1 < n {
                assert_eq!(papers, 20, "{page}");
            } else {
                assert!((1..=20).contains(&papers), "{page} lists {papers} papers");
            }
        }
    }

    for file in [
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        ".nojekyll",
        "style.css",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
}

#[test]
fn build_prints_a_summary_and_default_output_is_public() {
    let site = Site::fixture("small");
    // No --output: the site's output_dir, public/ under the root.
    let run = common::digest(&["build"], &site.root);
    run.assert_success();
    assert!(run.stdout.contains("built 6 papers"), "{}", run.stdout);
    assert!(site.path("public/index.html").is_file());
    assert!(site.path("public/papers/realm/index.html").is_file());
}

/// `DIGEST_TIMINGS=1` tells where a build's time goes: each phase, and per kind of page how
/// many were made; without it a build prints none of that.
#[test]
fn timings_name_the_phases_and_count_each_kind_of_page() {
    let site = Site::fixture("small");
    let out = site.out();
    let timed = std::process::Command::new(env!("CARGO_BIN_EXE_digest"))
        .args(["build", "--root", site.root.to_str().unwrap()])
        .args(["--output", out.to_str().unwrap()])
        .env("DIGEST_TIMINGS", "1")
        .output()
        .expect("run digest");
    assert!(timed.status.success());
    let stderr = String::from_utf8_lossy(&timed.stderr);
    for phase in [
        "read, parse, render records",
        "render + write pages",
        "memory of the site's data",
    ] {
        assert!(stderr.contains(phase), "no {phase:?} in:\n{stderr}");
    }
    // Each phase says the memory the process holds after it.
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("render + write pages") && l.ends_with(" MB resident")),
        "{stderr}"
    );
    let papers = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("paper "))
        .unwrap_or_else(|| panic!("no line for paper pages in:\n{stderr}"));
    assert!(papers.contains(" 6 pages, thread-ms: context "), "{papers}");
    assert!(stderr.contains("tag bib"), "{stderr}");

    let quiet = site.build(&[]);
    quiet.assert_success();
    assert!(!quiet.stderr.contains("thread-ms"), "{}", quiet.stderr);
}

/// A large archive must not repeat itself page after page: the home list stops after
/// `home_pages` pages and its last page leads to the archive; later pages of a tag list titles
/// without abstracts.
#[test]
fn long_lists_stay_small() {
    let site = Site::fixture("small");
    let toml =
        read(&site.root, "site.toml").replace("paginate_by = 2", "paginate_by = 2\nhome_pages = 2");
    site.write("site.toml", &toml);
    let out = site.build_ok(&[]);
    let homes: Vec<String> = index_pages(&out)
        .into_iter()
        .filter(|p| p == "index.html" || p.starts_with("page/"))
        .collect();
    assert_eq!(homes, ["index.html", "page/2/index.html"]);
    let last = html(&out, "page/2/index.html");
    let older: Vec<String> = last
        .select(&sel("nav[aria-label=Pages] a[rel=next]"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert_eq!(
        older,
        ["/archive/"],
        "the last home page leads to the archive"
    );

    let first = html(&out, "tags/music/index.html");
    assert!(
        first
            .select(&sel("main article.card p.summary"))
            .next()
            .is_some(),
        "page 1 shows abstracts"
    );
    let second = html(&out, "tags/music/page/2/index.html");
    assert!(
        second.select(&sel("main article.card")).next().is_none(),
        "later pages list titles only"
    );
    assert_eq!(
        main_links(&second, "/papers/").len(),
        1,
        "the paper is still linked"
    );
}

#[test]
fn a_site_without_papers_still_has_its_pages() {
    let site = Site::fixture("small");
    for f in std::fs::read_dir(site.path("content")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let out = site.build_ok(&[]);
    for page in [
        "index.html",
        "archive/index.html",
        "tags/index.html",
        "search/index.html",
        "404.html",
        "atom.xml",
        "feed.json",
        "search/meta.json",
    ] {
        assert!(
            out.join(page).is_file(),
            "{page} missing: {:?}",
            files(&out)
        );
    }
    let home = html(&out, "index.html");
    assert!(text_of(&home, ".empty").is_some_and(|t| t.starts_with("No papers yet")));
    let feed: serde_json::Value = serde_json::from_str(&read(&out, "feed.json")).unwrap();
    assert_eq!(feed["items"], serde_json::json!([]));
}

/// Each output file's inode (a file written again is a new file).
fn inodes(out: &std::path::Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    files(out)
        .into_iter()
        .map(|f| {
            let ino = std::fs::metadata(out.join(&f)).unwrap().ino();
            (f, ino)
        })
        .collect()
}

#[test]
fn a_rebuild_writes_only_changed_files_and_removes_stale_ones() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let before = inodes(&out);

    // Nothing changed: nothing is written.
    site.build_ok(&[]);
    assert_eq!(inodes(&out), before, "an unchanged rebuild rewrote files");

    // An abstract edited, a paper removed: the output is what a clean build makes...
    let text = site.read("content/musicgen.md");
    site.write(
        "content/musicgen.md",
        &text.replace("We tackle the task", "We, once more, tackle the task"),
    );
    std::fs::remove_file(site.path("content/realm.md")).unwrap();
    site.build_ok(&[]);
    let clean = site.tmp.path().join("clean");
    common::digest(&["build", "--output", clean.to_str().unwrap()], &site.root).assert_success();
    assert_eq!(common::tree(&out), common::tree(&clean));
    assert!(
        !out.join("papers/realm").exists(),
        "the removed paper's folder is gone"
    );
    // ...and files that did not change were not written again.
    let after = inodes(&out);
    assert_ne!(
        after["papers/musicgen/index.html"],
        before["papers/musicgen/index.html"]
    );
    for same in [
        "style.css",
        "tags/motion/index.html",
        "2025/02/05/index.html",
    ] {
        assert_eq!(after[same], before[same], "{same} was written again");
    }
    // No update folder is left beside the output.
    let leftovers: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("digest-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_paper_with_no_way_to_reach_it_links_searches_by_its_title() {
    // A pasted listing gives titles without arXiv ids, DOIs or links: the page still leads to
    // the paper, by searching its title; a paper with an identifier gets no searches.
    let site = Site::fixture("small");
    site.write(
        "content/unlinked.md",
        "+++\ntitle = \"Sparse & Dense: 100% Retrieval?\"\ndate = 2025-02-07\n+++\nAn abstract.\n",
    );
    let out = site.build_ok(&[]);
    let page = html(&out, "papers/unlinked/index.html");
    let query = "Sparse+%26+Dense%3A+100%25+Retrieval%3F";
    assert_eq!(
        hrefs(&page, ".find a"),
        [
            format!("https://arxiv.org/search/?searchtype=title&query={query}"),
            format!("https://huggingface.co/papers?q={query}"),
            format!("https://www.semanticscholar.org/search?q={query}"),
        ]
    );
    let linked = html(&out, "papers/improvnet/index.html");
    assert!(hrefs(&linked, ".find a").is_empty());
    assert!(!hrefs(&linked, ".links a").is_empty());
}
