//! The static JSON API: every day's and tag page's `papers.json` lists exactly the papers its
//! HTML page lists, in the same order, with the same ids and URLs; each paper's `index.json`
//! holds its whole record; `api/index.json` and `llms.txt` lead to all of it.

use std::path::Path;

use serde_json::Value;

use crate::common::{self, Site, files, html, main_links, read};

const BASE: &str = "https://user.github.io/papers/";

fn json(out: &Path, relative: &str) -> Value {
    serde_json::from_str(&read(out, relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The site path (`/papers/papers/x/`) of an absolute URL of the site.
fn path_of(url: &str) -> String {
    format!(
        "/papers/{}",
        url.strip_prefix(BASE).unwrap_or_else(|| panic!("{url}"))
    )
}

#[test]
fn every_day_and_tag_page_has_its_papers_as_json_in_the_same_order() {
    let site = Site::fixture("small");
    let out = site.build_ok(&["--base-url", BASE]);
    let lists: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with("/papers.json"))
        .collect();
    let mut days = 0;
    let mut tag_pages = 0;
    for list in &lists {
        let page = list.strip_suffix("papers.json").unwrap();
        let doc = json(&out, list);
        assert_eq!(doc["version"], 1, "{list}");
        let in_json: Vec<String> = doc["papers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| path_of(p["url"].as_str().unwrap()))
            .collect();
        let in_html = main_links(&html(&out, &format!("{page}index.html")), "/papers/papers/");
        assert_eq!(in_json, in_html, "{list} and its page list the same papers");
        assert_eq!(
            path_of(doc["url"].as_str().unwrap()),
            format!("/papers/{page}")
        );
        for paper in doc["papers"].as_array().unwrap() {
            // The id is the slug of the page URL, and the record's JSON is where it says.
            let id = paper["id"].as_str().unwrap();
            assert!(
                paper["url"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/papers/{id}/"))
            );
            let record = path_of(paper["json_url"].as_str().unwrap());
            let record = record.strip_prefix("/papers/").unwrap();
            assert_eq!(json(&out, record)["id"], id);
        }
        match doc["kind"].as_str() {
            Some("day") => days += 1,
            Some("tag") => tag_pages += 1,
            other => panic!("{list}: kind {other:?}"),
        }
    }
    // Every day page and every tag page has one.
    let pages = common::index_pages(&out);
    let day_pages = pages
        .iter()
        .filter(|p| p.len() == "2025/02/06/index.html".len() && p.starts_with("20"))
        .count();
    let tag_html = pages
        .iter()
        .filter(|p| p.starts_with("tags/") && *p != "tags/index.html")
        .count();
    assert_eq!((days, tag_pages), (day_pages, tag_html));
    // A tag of 3 papers at 2 a page: page 1 leads to page 2 and back.
    let music = json(&out, "tags/music/papers.json");
    assert_eq!(
        (music["count"].as_u64(), music["pages"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(
        music["next"]["json_url"],
        format!("{BASE}tags/music/page/2/papers.json")
    );
    let two = json(&out, "tags/music/page/2/papers.json");
    assert_eq!(
        two["prev"]["json_url"],
        format!("{BASE}tags/music/papers.json")
    );
}

#[test]
fn a_paper_s_record_has_every_field_and_its_abstract_as_markdown_and_text() {
    let site = Site::fixture("small");
    site.write(
        "content/full.md",
        "+++\ntitle = \"A full record\"\ndate = 2025-02-06\npublished = 2025-01-02\nauthors = [\"Ada Lovelace\", \"Alan Turing\"]\ntags = [\"music\"]\nupvotes = 9\narxiv = \"2502.00001\"\ndoi = \"10.1000/xyz\"\nlinks = { code = \"https://github.com/a/b\" }\ntldr = \"It works.\"\n[extra]\nvenue = \"ICML\"\nyear = 2025\n+++\nWe prove $x^2 \\ge 0$ for **all** real $x$.\n",
    );
    let out = site.build_ok(&["--base-url", BASE]);
    let record = json(&out, "papers/full/index.json");
    assert_eq!(record["id"], "full");
    assert_eq!(record["title"], "A full record");
    assert_eq!(record["date"], "2025-02-06");
    assert_eq!(record["published"], "2025-01-02");
    assert_eq!(
        record["authors"],
        serde_json::json!(["Ada Lovelace", "Alan Turing"])
    );
    assert_eq!(record["upvotes"], 9);
    assert_eq!(record["arxiv"], "2502.00001");
    assert_eq!(record["doi"], "10.1000/xyz");
    assert_eq!(record["links"]["code"], "https://github.com/a/b");
    assert_eq!(record["tldr"], "It works.");
    assert_eq!(
        record["extra"],
        serde_json::json!({"venue": "ICML", "year": 2025})
    );
    assert!(
        record["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("music"))
    );
    assert_eq!(
        record["abstract_markdown"],
        "We prove $x^2 \\ge 0$ for **all** real $x$."
    );
    let text = record["abstract_text"].as_str().unwrap();
    assert!(
        text.starts_with("We prove") && !text.contains("**"),
        "{text}"
    );
    assert_eq!(record["url"], format!("{BASE}papers/full/"));
    assert_eq!(record["day_url"], format!("{BASE}2025/02/06/"));
    // Every paper has one.
    for page in common::index_pages(&out)
        .iter()
        .filter(|p| p.starts_with("papers/"))
    {
        let record = page.replace("index.html", "index.json");
        assert!(out.join(&record).is_file(), "{record}");
    }
}

#[test]
fn the_api_index_and_llms_txt_lead_to_everything_and_the_api_can_be_turned_off() {
    let site = Site::fixture("small");
    let out = site.build_ok(&["--base-url", BASE]);
    let index = json(&out, "api/index.json");
    assert_eq!(index["papers"], 6);
    assert_eq!(index["newest_day"], "2025-02-06");
    for day in index["days"].as_array().unwrap() {
        let path = path_of(day["json_url"].as_str().unwrap());
        assert!(
            out.join(path.strip_prefix("/papers/").unwrap()).is_file(),
            "{path}"
        );
    }
    for tag in index["tags"].as_array().unwrap() {
        let path = path_of(tag["json_url"].as_str().unwrap());
        assert!(
            out.join(path.strip_prefix("/papers/").unwrap()).is_file(),
            "{path}"
        );
    }
    let llms = read(&out, "llms.txt");
    assert!(llms.starts_with("# Reading Group Digest\n\n> "), "{llms}");
    // Every link of llms.txt is a file of the site (or a page folder).
    for link in llms
        .split("](")
        .skip(1)
        .map(|s| s.split(')').next().unwrap())
    {
        let path = link
            .split('?')
            .next()
            .unwrap()
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{link}"));
        let file = if path.is_empty() || path.ends_with('/') {
            out.join(path).join("index.html")
        } else {
            out.join(path)
        };
        assert!(file.is_file(), "llms.txt links {link}");
    }

    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &config.replace("paginate_by = 2", "paginate_by = 2\n[output]\napi = false"),
    );
    let out = site.build_ok(&["--base-url", BASE]);
    let left: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with("papers.json") || f.ends_with("index.json") || f == "llms.txt")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
