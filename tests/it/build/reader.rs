//! What readers and their tools get from a paper site besides the pages: Scholar and social
//! metadata, BibTeX, JSON feeds, charts.

use crate::common;

use common::{Site, html, read, sel};

/// The page's JSON-LD block, parsed.
fn json_ld(doc: &scraper::Html) -> serde_json::Value {
    let text = common::text_of(doc, "script[type='application/ld+json']").expect("a JSON-LD block");
    serde_json::from_str(&text).expect("JSON-LD parses")
}

fn metas(doc: &scraper::Html, name: &str) -> Vec<String> {
    doc.select(&sel(&format!(
        "meta[name='{name}'], meta[property='{name}']"
    )))
    .filter_map(|m| m.value().attr("content").map(str::to_string))
    .collect()
}

#[test]
fn paper_pages_carry_highwire_opengraph_and_json_ld() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let doc = html(&out, "papers/musicgen/index.html");
    assert_eq!(
        metas(&doc, "citation_title"),
        ["Simple and Controllable Music Generation"]
    );
    assert_eq!(
        metas(&doc, "citation_author"),
        ["Copet, Jade", "Kreuk, Felix", "Gat, Itai"]
    );
    assert_eq!(metas(&doc, "citation_publication_date"), ["2025/01/31"]);
    assert_eq!(metas(&doc, "citation_arxiv_id"), ["2306.05284"]);
    assert_eq!(
        metas(&doc, "citation_pdf_url"),
        ["https://arxiv.org/pdf/2306.05284"]
    );
    assert_eq!(
        metas(&doc, "og:url"),
        ["https://example.org/papers/musicgen/"]
    );
    assert_eq!(metas(&doc, "twitter:card"), ["summary"]);
    let canonical: Vec<&str> = doc
        .select(&sel("link[rel=canonical]"))
        .filter_map(|l| l.value().attr("href"))
        .collect();
    assert_eq!(canonical, ["https://example.org/papers/musicgen/"]);
    // One tag is both the page's description and the link previews': the summary, cut where
    // search results cut it.
    let descriptions: Vec<_> = doc
        .select(&sel(
            "meta[name=description], meta[property='og:description']",
        ))
        .collect();
    assert_eq!(descriptions.len(), 1, "one description tag");
    assert_eq!(
        descriptions[0].value().attr("property"),
        Some("og:description")
    );
    let description = descriptions[0].value().attr("content").unwrap();
    assert!(description.starts_with("We tackle the task of conditional music generation."));
    assert!(description.chars().count() <= 160, "{description}");

    let ld = json_ld(&doc);
    assert_eq!(ld["@type"], "ScholarlyArticle");
    assert_eq!(ld["headline"], "Simple and Controllable Music Generation");
    assert!(ld.get("name").is_none(), "the headline is the whole title");
    assert!(
        ld.get("description").is_none(),
        "the description is in the meta tags"
    );
    assert_eq!(ld["datePublished"], "2025-01-31");
    assert_eq!(ld["author"][1]["name"], "Felix Kreuk");
    assert_eq!(ld["sameAs"][0], "https://arxiv.org/abs/2306.05284");
    // What other tags or the page already say is not repeated: the tags (shown and in the
    // BibTeX), the PDF (citation_pdf_url and the links), the page's URL (its canonical link).
    for said_elsewhere in ["keywords", "encoding", "identifier", "url", "abstract"] {
        assert!(ld.get(said_elsewhere).is_none(), "{said_elsewhere}: {ld}");
    }
}

#[test]
fn long_titles_are_cut_for_link_previews_and_published_dates_win() {
    let site = Site::fixture("small");
    let title = "A very long title about diffusion models that goes on and on well past seventy characters in all, and then further past a hundred and ten";
    site.write(
        "content/long.md",
        &format!(
            "+++\ntitle = \"{title}\"\ndate = 2025-02-06\npublished = 2024-12-24\ndoi = \"10.1000/xyz\"\n+++\n\n{}\n",
            "word ".repeat(120)
        ),
    );
    let out = site.build_ok(&[]);
    let doc = html(&out, "papers/long/index.html");
    let og_title = &metas(&doc, "og:title")[0];
    assert!(og_title.chars().count() <= 70, "{og_title}");
    assert!(og_title.ends_with('…'), "{og_title}");
    assert!(metas(&doc, "og:description")[0].chars().count() <= 160);
    assert_eq!(metas(&doc, "citation_title"), [title]);
    let ld = json_ld(&doc);
    assert_eq!(
        ld["name"], title,
        "the whole title when the headline is cut"
    );
    let headline = ld["headline"].as_str().unwrap();
    assert!(
        headline.chars().count() <= 110 && headline.ends_with('…'),
        "{headline}"
    );
    assert_eq!(metas(&doc, "citation_publication_date"), ["2024/12/24"]);
    assert_eq!(metas(&doc, "citation_doi"), ["10.1000/xyz"]);
    assert!(metas(&doc, "citation_arxiv_id").is_empty());
    assert!(metas(&doc, "citation_author").is_empty());
}

#[test]
fn paper_pages_show_their_bibtex_with_a_download_and_days_and_tags_offer_all() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let doc = html(&out, "papers/musicgen/index.html");
    let shown: String = doc
        .select(&sel("pre.bibtex"))
        .next()
        .expect("BibTeX on the page")
        .text()
        .collect();
    assert!(shown.starts_with("@misc{copet2025simple,\n"), "{shown}");
    assert!(shown.contains("  eprint = {2306.05284},\n"), "{shown}");
    assert!(shown.contains("  author = {Copet, Jade and Kreuk, Felix and Gat, Itai},\n"));
    // The copy button and the downloads work only with a script, which makes them from the
    // entry (tested in a real browser: browser::search, reference_managers): the page carries
    // the entry once, and no control that would do nothing without the script.
    assert!(
        doc.select(&sel("pre.bibtex#bibtex")).next().is_some(),
        "the entry has the id the script reads"
    );
    let source = read(&out, "papers/musicgen/index.html");
    assert!(!source.contains("data:"));
    assert_eq!(source.matches("copet2025simple").count(), 1, "{source}");
    for control in ["a[download]", "button", ".cite .actions"] {
        assert!(doc.select(&sel(control)).next().is_none(), "{control}");
    }

    let day = read(&out, "2025/01/31/papers.bib");
    assert_eq!(day.matches("\n@").count() + 1, 2, "{day}");
    assert!(day.contains("{Simple and Controllable Music Generation}"));
    let day_page = html(&out, "2025/01/31/index.html");
    assert!(
        common::hrefs(&day_page, "main a[download]").contains(&"/2025/01/31/papers.bib".into())
    );
    let music = read(&out, "tags/music/papers.bib");
    assert_eq!(music.lines().filter(|l| l.starts_with('@')).count(), 3);
    // Keys stay unique within a file.
    let mut keys: Vec<&str> = music.lines().filter_map(|l| l.strip_prefix('@')).collect();
    let count = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), count, "{music}");
}

#[test]
fn json_feeds_sit_beside_atom_feeds_with_the_same_entries() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    for (json, atom) in [
        ("feed.json", "atom.xml"),
        ("tags/music/feed.json", "tags/music/atom.xml"),
    ] {
        let feed: serde_json::Value =
            serde_json::from_str(&read(&out, json)).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(feed["feed_url"], format!("https://example.org/{json}"));
        assert!(feed["title"].as_str().is_some_and(|t| !t.is_empty()));
        let items = feed["items"].as_array().expect("items");
        let atom_text = read(&out, atom);
        let atom = roxmltree::Document::parse(&atom_text).unwrap();
        let atom_ids: Vec<&str> = atom
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .filter_map(|e| e.children().find(|c| c.has_tag_name("id")))
            .filter_map(|n| n.text())
            .collect();
        let json_ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
        assert_eq!(json_ids, atom_ids, "{json}");
        for item in items {
            assert!(
                item["url"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://example.org/papers/")
            );
            assert!(item["content_html"].as_str().is_some());
            assert!(
                item["date_published"]
                    .as_str()
                    .unwrap()
                    .ends_with("T00:00:00Z")
            );
        }
    }
    let feed: serde_json::Value = serde_json::from_str(&read(&out, "feed.json")).unwrap();
    let musicgen = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Simple and Controllable Music Generation")
        .expect("musicgen in the site feed");
    assert_eq!(musicgen["external_url"], "https://arxiv.org/abs/2306.05284");
    assert_eq!(musicgen["authors"][0]["name"], "Jade Copet");
    assert_eq!(musicgen["tags"][0], "music");
    let home = html(&out, "index.html");
    assert!(
        home.select(&sel("link[rel=alternate][type='application/feed+json']"))
            .next()
            .is_some()
    );
}

#[test]
fn pages_link_only_the_style_sheets_and_feeds_they_need() {
    let site = Site::fixture("small");
    site.write(
        "content/code.md",
        "+++\ntitle = \"Code\"\ndate = 2025-02-06\n+++\n\nWe show:\n\n```rust\nfn main() {}\n```\n",
    );
    let out = site.build_ok(&[]);
    let links = |page: &str, css: &str| {
        html(&out, page)
            .select(&sel(css))
            .filter_map(|l| l.value().attr("href").map(str::to_string))
            .collect::<Vec<_>>()
    };
    let syntax = "link[rel=stylesheet][href$='syntax.css']";
    assert_eq!(links("papers/code/index.html", syntax), ["/syntax.css"]);
    assert!(links("papers/musicgen/index.html", syntax).is_empty());
    assert!(links("index.html", syntax).is_empty());
    assert!(read(&out, "papers/code/index.html").contains("<pre class=\"code\""));
    // Every page announces the Atom feed; the JSON feed is announced on the home page.
    let json = "link[rel=alternate][type='application/feed+json']";
    let atom = "link[rel=alternate][type='application/atom+xml']";
    assert_eq!(links("index.html", json), ["/feed.json"]);
    assert!(links("papers/musicgen/index.html", json).is_empty());
    assert_eq!(links("papers/musicgen/index.html", atom), ["/atom.xml"]);
    assert_eq!(links("2025/02/index.html", atom), ["/atom.xml"]);
}

#[test]
fn archive_has_a_heatmap_and_tags_have_trend_charts() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let archive = read(&out, "archive/index.html");
    let doc = scraper::Html::parse_document(&archive);
    let maps: Vec<_> = doc.select(&sel("svg.heatmap")).collect();
    assert_eq!(maps.len(), 1, "one year of papers, one heatmap");
    let svg = maps[0].html();
    roxmltree::Document::parse(&svg).expect("the heatmap is well-formed XML");
    // One link per day with papers, labelled for screen readers.
    let labels: Vec<&str> = maps[0]
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("aria-label"))
        .collect();
    assert_eq!(
        labels,
        [
            "Jan 30, 2025: 1 paper",
            "Jan 31, 2025: 2 papers",
            "Feb 5, 2025: 1 paper",
            "Feb 6, 2025: 2 papers"
        ]
    );
    assert!(maps[0].value().attr("aria-label").is_some());

    for page in ["tags/index.html", "tags/music/index.html"] {
        let doc = html(&out, page);
        let trends: Vec<_> = doc.select(&sel("svg.trend")).collect();
        assert!(!trends.is_empty(), "{page} has trend charts");
        for trend in trends {
            roxmltree::Document::parse(&trend.html()).expect("well-formed");
            assert_eq!(trend.value().attr("role"), Some("img"));
            let label = trend.value().attr("aria-label").unwrap();
            assert!(label.starts_with("Papers per month tagged"), "{label}");
        }
    }
    let music = html(&out, "tags/music/index.html");
    let label = music
        .select(&sel("svg.trend"))
        .next()
        .unwrap()
        .value()
        .attr("aria-label")
        .unwrap()
        .to_string();
    assert!(label.contains("music"), "{label}");
}

/// Paper links of a list, in order.
fn listed(out: &std::path::Path, page: &str) -> Vec<String> {
    common::hrefs(&html(out, page), "main a.t[href], main .card-title a[href]")
}

/// Paper links of a page's sortable list in the order its items' `key` (`--u`, `--t`) gives
/// them, as the theme's CSS shows them when that order is picked.
fn ordered(out: &std::path::Path, page: &str, key: &str) -> Vec<String> {
    let doc = html(out, page);
    let mut items: Vec<(usize, String)> = doc
        .select(&sel(".sortable > *:not(.group)"))
        .map(|item| {
            let style = item.value().attr("style").unwrap_or_default();
            let place = style
                .split(';')
                .find_map(|part| part.strip_prefix(&format!("{key}:")))
                .unwrap_or_else(|| panic!("no {key} in `{style}` on {page}"))
                .parse()
                .unwrap();
            let link = item
                .select(&sel("a.t[href], .card-title a[href]"))
                .next()
                .expect("a paper link");
            (place, link.value().attr("href").unwrap().to_string())
        })
        .collect();
    items.sort();
    let places: Vec<usize> = items.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        places,
        (1..=items.len()).collect::<Vec<_>>(),
        "places on {page}"
    );
    items.into_iter().map(|(_, href)| href).collect()
}

#[test]
fn days_and_months_read_by_upvotes_or_title_and_weeks_group_days() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let p = |slug: &str| format!("/papers/{slug}/");
    // February: by upvotes, then by title; the default month page is by day. The other orders
    // are the places the items carry for the CSS order (checked in a real browser elsewhere).
    assert_eq!(
        listed(&out, "2025/02/index.html"),
        [p("improvnet"), p("visualcloze"), p("rohm")],
        "by day: Feb 6 (most upvoted first), then Feb 5"
    );
    assert_eq!(
        ordered(&out, "2025/02/index.html", "--u"),
        [p("improvnet"), p("visualcloze"), p("rohm")]
    );
    assert_eq!(
        ordered(&out, "2025/02/index.html", "--t"),
        [p("improvnet"), p("rohm"), p("visualcloze")]
    );
    // January: papers without upvotes come last in the popularity order.
    assert_eq!(
        ordered(&out, "2025/01/index.html", "--u"),
        [p("musicgen"), p("realm"), p("jukebox")]
    );
    assert_eq!(
        ordered(&out, "2025/01/31/index.html", "--t"),
        [p("jukebox"), p("musicgen")]
    );
    // Each page links to its orders as fragments of itself, the page's own order marked as
    // the default; no page per order.
    let month = html(&out, "2025/02/index.html");
    assert_eq!(
        common::hrefs(&month, ".sorts a"),
        ["#by-day", "#most-upvoted", "#by-title"]
    );
    assert_eq!(common::hrefs(&month, ".sorts a.default"), ["#by-day"]);
    for id in ["by-day", "most-upvoted", "by-title"] {
        assert!(
            month
                .select(&sel(&format!(".sort-anchor#{id}")))
                .next()
                .is_some(),
            "anchor {id}"
        );
    }
    let day = html(&out, "2025/02/06/index.html");
    assert_eq!(
        common::hrefs(&day, ".sorts a"),
        ["#most-upvoted", "#by-title"]
    );
    assert_eq!(common::hrefs(&day, ".sorts a.default"), ["#most-upvoted"]);
    assert!(
        !common::files(&out)
            .iter()
            .any(|f| f.contains("/by-title/") || f.contains("/top/"))
    );
    assert!(common::hrefs(&day, ".crumbs a").contains(&"/2025/w06/".to_string()));

    // ISO week 6 of 2025 is Feb 3-9: both February days, newest first.
    let week = html(&out, "2025/w06/index.html");
    assert_eq!(
        common::text_of(&week, "h1").as_deref(),
        Some("Week 6, 2025")
    );
    let range = common::text_of(&week, ".list-header .muted").unwrap();
    assert!(range.starts_with("Feb 3, 2025 – Feb 9, 2025"), "{range}");
    assert_eq!(
        listed(&out, "2025/w06/index.html"),
        [p("improvnet"), p("visualcloze"), p("rohm")]
    );
    // Like Hugging Face's weekly list, most upvoted first across the days of the week.
    assert_eq!(
        listed(&out, "2025/w05/index.html"),
        [p("musicgen"), p("realm"), p("jukebox")]
    );
    assert_eq!(
        common::hrefs(&week, ".pager a"),
        ["/2025/w05/"],
        "week 6 is the newest: only a link back"
    );
}

#[test]
fn home_shows_the_latest_day_and_the_weeks_most_upvoted() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let home = html(&out, "index.html");
    // The last 7 days of listings (31 January to 6 February), most upvoted first.
    let top = common::hrefs(&home, ".top-week a.t");
    assert_eq!(
        top,
        [
            "/papers/improvnet/",
            "/papers/musicgen/",
            "/papers/visualcloze/",
            "/papers/rohm/"
        ]
    );
    assert_eq!(common::hrefs(&home, ".top-week h2 a"), ["/top/"]);
    // The list itself starts with the latest day.
    let first_day = home
        .select(&sel(".day-group time"))
        .next()
        .and_then(|t| t.value().attr("datetime"));
    assert_eq!(first_day, Some("2025-02-06"));
    assert!(
        html(&out, "page/2/index.html")
            .select(&sel(".top-week"))
            .next()
            .is_none()
    );
}

#[test]
fn related_papers_come_from_the_same_topic() {
    let site = Site::fixture("small");
    for f in std::fs::read_dir(site.path("content")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let papers = [
        (
            "protein-a",
            "Protein structure prediction with folding transformers",
            "protein folding",
            "We predict protein structure from amino acid sequences with a folding model; residue contacts and backbone angles improve structure accuracy.",
        ),
        (
            "protein-b",
            "Folding proteins from sequences",
            "protein folding",
            "A protein folding network maps amino acid sequences to three-dimensional structure using residue contacts.",
        ),
        (
            "protein-c",
            "Backbone angles for protein structure",
            "protein folding",
            "Backbone torsion angles and residue contacts make protein structure prediction from sequences accurate.",
        ),
        (
            "robot-a",
            "Robot grasping with tactile sensors",
            "robotics",
            "A robot arm learns grasping policies from tactile sensors and camera images in cluttered bins.",
        ),
        (
            "robot-b",
            "Tactile grasping policies for manipulation",
            "robotics",
            "Manipulation with tactile feedback: grasping policies for a robot arm trained in simulation and transferred.",
        ),
        (
            "music-a",
            "Melody generation with symbolic music models",
            "music",
            "Symbolic music generation of melody and harmony with a transformer over note tokens.",
        ),
    ];
    for (i, (slug, title, tag, body)) in papers.iter().enumerate() {
        site.write(
            &format!("content/{slug}.md"),
            &format!("+++\ntitle = \"{title}\"\ndate = 2025-03-{:02}\ntags = [\"{tag}\"]\n+++\n\n{body}\n", i + 1),
        );
    }
    let out = site.build_ok(&[]);
    let related = |slug: &str| -> Vec<String> {
        common::hrefs(
            &html(&out, &format!("papers/{slug}/index.html")),
            ".related-list a",
        )
    };
    let a = related("protein-a");
    assert_eq!(a.len(), 2, "{a:?}");
    assert!(a.iter().all(|h| h.starts_with("/papers/protein-")), "{a:?}");
    assert_eq!(related("robot-a"), ["/papers/robot-b/"]);
    assert!(!related("protein-b").contains(&"/papers/protein-b/".to_string()));
    // Nothing shares words with the music paper: no list at all.
    assert!(
        html(&out, "papers/music-a/index.html")
            .select(&sel(".related"))
            .next()
            .is_none()
    );
    // Deterministic: a second build gives the same pages.
    let again = site.build_ok(&[]);
    assert_eq!(
        read(&again, "papers/protein-a/index.html"),
        read(&out, "papers/protein-a/index.html")
    );
}

#[test]
fn keyword_feeds_get_a_page_and_feeds_without_tagging_papers() {
    let site = Site::fixture("small");
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &format!("{config}\n[keyword_feeds]\n\"Music generation\" = [\"music generation\", \"musical\"]\n"),
    );
    let out = site.build_ok(&[]);
    // ImprovNet ("Musical Improvisations") and MusicGen ("Music Generation"); not Jukebox.
    let page = html(&out, "feeds/music-generation/index.html");
    let listed = common::hrefs(&page, "main .card-title a");
    assert_eq!(listed, ["/papers/improvnet/", "/papers/musicgen/"]);
    let atom = read(&out, "feeds/music-generation/atom.xml");
    let atom = roxmltree::Document::parse(&atom).expect("Atom parses");
    assert_eq!(
        atom.descendants()
            .filter(|n| n.has_tag_name("entry"))
            .count(),
        2
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&out, "feeds/music-generation/feed.json")).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        json["home_page_url"],
        "https://example.org/feeds/music-generation/"
    );
    // Listed on the tags page; papers are not tagged with it.
    let tags = html(&out, "tags/index.html");
    assert!(common::hrefs(&tags, ".keyword-feeds a").contains(&"/feeds/music-generation/".into()));
    assert!(!out.join("tags/music-generation").exists());

    // Two feeds that would share a folder are refused, naming both.
    site.write(
        "site.toml",
        &format!(
            "{config}\n[keyword_feeds]\n\"LLM\" = [\"llm\"]\n\"llm\" = [\"large language model\"]\n"
        ),
    );
    let run = site.build(&[]);
    let problems = run.assert_problems();
    assert!(problems.contains("`LLM` and `llm`"), "{problems}");
    assert!(problems.contains("site.toml:"), "{problems}");

    // So is a name with nothing to put in a URL.
    site.write(
        "site.toml",
        &format!("{config}\n[keyword_feeds]\n\"!!!\" = [\"wow\"]\n"),
    );
    let run = site.build(&[]);
    let problems = run.assert_problems();
    assert!(problems.contains("no letters or digits"), "{problems}");
}

#[test]
fn output_options_leave_out_optional_pages_without_dangling_links() {
    let site = Site::fixture("small");
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &format!(
            "{config}\n[output]\nrelated_papers = 0\nsorted_views = false\nweek_pages = false\nbibtex_files = false\n"
        ),
    );
    let out = site.build_ok(&[]);
    let files = common::files(&out);
    for f in &files {
        assert!(
            !f.ends_with(".bib"),
            "{f} was made with its pages turned off"
        );
        assert!(!f.starts_with("2025/w"), "{f}: week pages are off");
    }
    assert!(
        html(&out, "papers/musicgen/index.html")
            .select(&sel(".related"))
            .next()
            .is_none()
    );
    assert!(
        html(&out, "2025/02/06/index.html")
            .select(&sel(".sorts"))
            .next()
            .is_none()
    );
    // Every link of every page still leads somewhere.
    common::assert_links_ok(&out, "https://example.org/");

    // Fewer related papers, and a count out of range is an error at its line.
    site.write(
        "site.toml",
        &format!("{config}\n[output]\nrelated_papers = 1\n"),
    );
    let out = site.build_ok(&[]);
    let related = common::hrefs(&html(&out, "papers/musicgen/index.html"), ".related-list a");
    assert!(related.len() <= 1, "{related:?}");
    let text = format!("{config}\n[output]\nrelated_papers = 99\n");
    site.write("site.toml", &text);
    let line = text.lines().count();
    let problems = site.build(&[]).assert_problems().to_string();
    assert!(
        problems.contains(&format!("site.toml:{line}:18")),
        "{problems}"
    );
    assert!(problems.contains("between 0 and 50"), "{problems}");
}
