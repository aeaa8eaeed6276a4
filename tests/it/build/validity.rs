//! Every page and feed a build writes is valid by the formats' own rules, for the repository's
//! sample site and for a site of hostile records (issue 14, items 17–19): odd DOIs, links with
//! `<>"`, spaces and `%`, unbalanced braces, control characters, empty abstracts, count-only
//! authors, tags that differ only in symbols.
//!
//! - HTML: every page through the W3C Nu HTML checker (`vnu.jar` from the `vnu-jar` npm
//!   package pinned in `tests/tools/`, run with Java), with no error. Without Java or npm the
//!   test fails, saying what to install; `DIGEST_SKIP_VNU=1` skips the checker on purpose.
//! - Atom: every feed parsed with roxmltree and checked against RFC 4287's rules (required
//!   elements, an author on the feed or on every entry, no empty name, summary or content).
//! - JSON Feed: every feed checked against the JSON Feed 1.1 spec (`version` first, required
//!   keys, `content_html` or `content_text`, no empty strings).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Site, files, html, read, sel};
use serde_json::Value;

// The hostile site

/// A record file: front matter lines and a body.
fn record(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}")
}

/// A site whose records hold what real listings do to a digest: every field a writer could
/// mishandle. Written here, from what TOML and the record format allow.
fn hostile_site() -> Site {
    let site = Site::fixture("small");
    // No description and no author: the feeds must still name an author, and no page may
    // carry an empty description.
    site.write(
        "site.toml",
        "title = \"Digest <&> \\\"quotes\\\"\"\ndescription = \"\"\nauthor = \"\"\nbase_url = \"https://example.org/sub/\"\nlanguage = \"en\"\npaginate_by = 2\n\n[output]\n# Every author, so that hostile names get pages and feeds too.\nauthor_pages = true\n",
    );
    site.write(
        "content/sici.md",
        &record(
            "title = \"Unbalanced { braces and a SICI DOI\"\ndate = 2025-03-01\nauthors = [\"Ann <Lee> & \\\"Co\\\"\"]\ndoi = \"10.1002/(SICI)1097-4571(199806)49:8<537::AID-ASI4>3.0.CO;2-G\"\ntags = [\"c\", \"c++\", \"C#\", \"Music\"]",
            "An abstract with $\\frac{1}{$ unbalanced math, `{` and a [link](<https://x.org/a b>).\n",
        ),
    );
    site.write(
        "content/links.md",
        &record(
            "title = \"Links <script>alert(1)</script> with odd characters\"\ndate = 2025-03-01\nauthor_count = 7\ndoi = \"10.1000/a#b?c%d\\\"e\"\ntags = [\"music\", \"R&D\"]\n[links]\ncode = \"https://github.com/a/b c<d>\\\"e\"\nproject = \"https://x.org/100%/{a}|b^[1]#x#y\"\npdf = \"https://x.org/é ü.pdf\"\n\"data <set>\" = \"https://x.org/?q=a b&c=<d>\"",
            "",
        ),
    );
    site.write(
        "content/controls.md",
        &record(
            "title = \"Control \\u0001 characters \\u0085 in a title\"\ndate = 2025-03-02\nauthor_count = 3\ntags = [\"c\"]",
            concat!(
                "A form feed \u{c} and a bell \u{7} in the abstract, a } stray brace, &#0; and &#x85;.\n\n",
                "<div onclick=\"x\">raw</div>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![](https://x.org/i.png)\n\n",
                "## Notes\n\n## Notes\n\nA footnote[^1], [a titled link](https://x.org/a%zz \"t<i>\"), <https://x.org/a\"b>, ",
                "[script](javascript:alert(1)) and $\\operatorname{</math><script>}$, $$\\frac{1}{2}$$.\n\n",
                "```\"><x y=\"\nnot { closed\n```\n\n[^1]: The note.\n",
            ),
        ),
    );
    site.write(
        "content/unicode.md",
        &record(
            "title = \"Théorie: $x^2$ and $\\frac{a}{$ in a title\"\ndate = 2025-03-02\nslug = \"théorie-ü\"\nauthors = [\"van der Berg, Jan\", \"The ATLAS Collaboration\"]\nupvotes = 0\narxiv = \"hep-th/9901001\"\ntags = [\"Théorie\", \"theorie\", \"数学\"]\n[extra]\nvenue = \"<i>Venue</i> & co\"",
            "Text with *emphasis* and `code`.\n",
        ),
    );
    site.write(
        "content/empty.md",
        &record(
            "title = \"An empty abstract\"\ndate = 2025-03-02\nauthor_count = 1\narxiv = \"2502.04522\"",
            "\n",
        ),
    );
    site
}

/// Builds `site` and returns its output folder.
fn built(site: &Site) -> PathBuf {
    site.build_ok(&[])
}

// Item 19: every HTML page passes the Nu HTML checker

#[test]
fn every_page_of_the_sample_and_a_hostile_site_passes_the_nu_html_checker() {
    let Some(vnu) = vnu() else {
        return;
    };
    let sample = Site::repo_site();
    let hostile = hostile_site();
    let hostile_out = built(&hostile);
    for slug in ["sici", "links", "controls", "théorie-ü", "empty"] {
        let page = hostile_out.join(format!("papers/{slug}/index.html"));
        assert!(page.is_file(), "{}", page.display());
    }
    let mut pages = Vec::new();
    // The escaping fixture's attacks too (script in titles, tags, links, `extra`).
    let escaping = Site::fixture("escaping");
    for out in [built(&sample), hostile_out, built(&escaping)] {
        pages.extend(
            files(&out)
                .into_iter()
                .filter(|p| p.ends_with(".html"))
                .map(|p| out.join(p)),
        );
    }
    assert!(pages.len() > 200, "{} pages", pages.len());
    let errors = vnu_errors(&vnu, &pages);
    assert!(
        errors.is_empty(),
        "the Nu HTML checker found {} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn record_urls_are_percent_encoded_in_hrefs_and_the_bib_download_has_one() {
    let site = hostile_site();
    let out = built(&site);
    let doc = html(&out, "papers/sici/index.html");
    let hrefs = common::hrefs(&doc, "a");
    assert!(
        hrefs.contains(
            &"https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C537::AID-ASI4%3E3.0.CO;2-G"
                .to_string()
        ),
        "{hrefs:?}"
    );
    // Every download link has an href (a day's .bib file); the paper's own is made by site.js.
    for page in ["papers/sici/index.html", "2025/03/01/index.html"] {
        let doc = html(&out, page);
        for link in doc.select(&sel("a[download]")) {
            assert!(
                link.value().attr("href").is_some(),
                "{page}: {}",
                link.html()
            );
        }
    }

    let doc = html(&out, "papers/links/index.html");
    let links = common::hrefs(&doc, "ul.links a");
    for expected in [
        "https://doi.org/10.1000/a%23b%3Fc%25d%22e",
        "https://github.com/a/b%20c%3Cd%3E%22e",
        "https://x.org/100%25/%7Ba%7D%7Cb%5E%5B1%5D#x%23y",
        "https://x.org/%C3%A9%20%C3%BC.pdf",
        "https://x.org/?q=a%20b&c=%3Cd%3E",
    ] {
        assert!(
            links.contains(&expected.to_string()),
            "{expected}\n{links:?}"
        );
    }
    for href in &links {
        assert!(
            !href.contains([' ', '<', '>', '"', '{', '}', '|', '^']),
            "{href}"
        );
    }
}

// Item 17: feeds and pages leave absent things out

#[test]
fn atom_feeds_follow_rfc_4287_and_write_no_count_as_a_name() {
    for site in [Site::repo_site(), hostile_site()] {
        let out = built(&site);
        let feeds: Vec<String> = files(&out)
            .into_iter()
            .filter(|p| p.ends_with("atom.xml"))
            .collect();
        assert!(feeds.len() > 3, "{feeds:?}");
        for feed in feeds {
            let problems = atom_problems(&read(&out, &feed));
            assert!(problems.is_empty(), "{feed}:\n{}", problems.join("\n"));
        }
    }
    // The count-only paper's entry has no author of its own, and no empty summary.
    let site = hostile_site();
    let out = built(&site);
    let atom = read(&out, "atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let entry = doc
        .descendants()
        .find(|n| {
            n.has_tag_name((ATOM, "entry"))
                && child_text(*n, "title").as_deref() == Some("An empty abstract")
        })
        .expect("the empty abstract's entry");
    assert!(children(entry, "author").is_empty());
    assert!(children(entry, "summary").is_empty());
    assert!(children(entry, "content").is_empty());
    assert!(!atom.contains("authors</name>"), "{atom}");
}

#[test]
fn json_feeds_follow_json_feed_1_1_with_version_first_and_nothing_empty() {
    for site in [Site::repo_site(), hostile_site()] {
        let out = built(&site);
        let feeds: Vec<String> = files(&out)
            .into_iter()
            .filter(|p| p.ends_with("feed.json"))
            .collect();
        assert!(feeds.len() > 3, "{feeds:?}");
        for feed in feeds {
            let text = read(&out, &feed);
            let problems = json_feed_problems(&text);
            assert!(problems.is_empty(), "{feed}:\n{}", problems.join("\n"));
        }
    }
    let site = hostile_site();
    let out = built(&site);
    let feed: Value = serde_json::from_str(&read(&out, "feed.json")).unwrap();
    let item = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "An empty abstract")
        .expect("the empty abstract's item");
    assert!(item.get("authors").is_none(), "{item}");
    assert!(item.get("content_html").is_none(), "{item}");
    assert!(item.get("summary").is_none(), "{item}");
    assert_eq!(item["content_text"], "An empty abstract — 1 author");
}

#[test]
fn no_page_has_an_empty_description() {
    let site = hostile_site();
    let out = built(&site);
    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .collect();
    for page in &pages {
        let doc = html(&out, page);
        for meta in doc.select(&sel(
            "meta[name=description], meta[property='og:description']",
        )) {
            let content = meta.value().attr("content").unwrap_or_default();
            assert!(!content.trim().is_empty(), "{page}: {:?}", meta.html());
        }
    }
    // The paper without an abstract has none; a paper with one keeps it.
    let empty = html(&out, "papers/empty/index.html");
    assert!(
        empty
            .select(&sel("meta[name=description]"))
            .next()
            .is_none()
    );
    let sici = html(&out, "papers/sici/index.html");
    assert!(sici.select(&sel("meta[name=description]")).next().is_some());
}

// Item 18: tags that differ in symbols keep their own pages

#[test]
fn tags_c_cpp_and_csharp_keep_distinct_pages_and_music_stays_one() {
    let site = hostile_site();
    let out = built(&site);
    for (slug, name) in [
        ("c", "c"),
        ("c-plus-plus", "c++"),
        ("c-sharp", "C#"),
        ("r-and-d", "R&D"),
    ] {
        let doc = html(&out, &format!("tags/{slug}/index.html"));
        let heading = common::text_of(&doc, "h1").unwrap_or_default();
        assert!(heading.contains(name), "tags/{slug}/: {heading}");
    }
    // `c` is on two papers, `c++` and `c#` on one each.
    let count = |slug: &str| {
        html(&out, &format!("tags/{slug}/index.html"))
            .select(&sel("article.card"))
            .count()
    };
    assert_eq!(
        (count("c"), count("c-plus-plus"), count("c-sharp")),
        (2, 1, 1)
    );
    // `Music` and `music` are one tag (documented: case does not make a tag).
    let tags = html(&out, "tags/index.html");
    let music: Vec<String> = common::hrefs(&tags, "main a")
        .into_iter()
        .filter(|h| h.contains("/tags/music"))
        .collect();
    assert!(!music.is_empty());
    assert!(
        music.iter().all(|h| h.ends_with("/tags/music/")),
        "{music:?}"
    );
    let paper = html(&out, "papers/sici/index.html");
    let paper_tags = common::hrefs(&paper, "ul.tags a");
    assert_eq!(paper_tags.len(), 4, "{paper_tags:?}");
}

// Atom (RFC 4287)

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn children<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(|c| c.has_tag_name((ATOM, name)))
        .collect()
}

fn child_text(node: roxmltree::Node, name: &str) -> Option<String> {
    children(node, name)
        .first()
        .map(|c| c.text().unwrap_or_default().to_string())
}

/// What breaks RFC 4287 in `text` (section numbers in the messages), or what the issue counts
/// as wrong: an empty name, summary or content; a count ("7 authors") as a name.
fn atom_problems(text: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("not well-formed: {e}")],
    };
    let mut problems = Vec::new();
    let feed = doc.root_element();
    if !feed.has_tag_name((ATOM, "feed")) {
        return vec![format!("the root is {:?}, not atom:feed", feed.tag_name())];
    }
    let once = |node: roxmltree::Node, name: &str, problems: &mut Vec<String>, what: &str| {
        let n = children(node, name).len();
        if n != 1 {
            problems.push(format!("{what} has {n} atom:{name}, needs exactly one"));
        }
    };
    // 4.1.1: atom:feed has exactly one id, title, updated; one or more authors unless every
    // entry has one; a self link is recommended (we require it).
    for name in ["id", "title", "updated"] {
        once(feed, name, &mut problems, "the feed");
    }
    let self_links = children(feed, "link")
        .iter()
        .filter(|l| l.attribute("rel") == Some("self"))
        .count();
    if self_links != 1 {
        problems.push(format!("the feed has {self_links} self links"));
    }
    let feed_has_author = !children(feed, "author").is_empty();
    for author in doc
        .descendants()
        .filter(|n| n.has_tag_name((ATOM, "author")))
    {
        // 3.2: a Person construct has exactly one atom:name.
        let names = children(author, "name");
        match names.as_slice() {
            [name] => {
                let text = name.text().unwrap_or_default().trim();
                if text.is_empty() {
                    problems.push("an empty atom:name".into());
                }
                if text.ends_with(" authors") || text.ends_with(" author") {
                    problems.push(format!("a count written as a name: {text:?}"));
                }
            }
            _ => problems.push(format!("an atom:author with {} names", names.len())),
        }
    }
    for entry in children(feed, "entry") {
        let title = child_text(entry, "title").unwrap_or_default();
        let what = format!("entry {title:?}");
        // 4.1.2: exactly one id, title, updated.
        for name in ["id", "title", "updated"] {
            once(entry, name, &mut problems, &what);
        }
        if !feed_has_author && children(entry, "author").is_empty() {
            problems.push(format!("{what} has no author and neither has the feed"));
        }
        let contents = children(entry, "content");
        let alternate = children(entry, "link")
            .iter()
            .any(|l| l.attribute("rel").unwrap_or("alternate") == "alternate");
        if contents.is_empty() && !alternate {
            problems.push(format!("{what} has neither content nor an alternate link"));
        }
        for name in ["summary", "content", "title", "id"] {
            for node in children(entry, name) {
                if node.text().unwrap_or_default().trim().is_empty() {
                    problems.push(format!("{what} has an empty atom:{name}"));
                }
            }
        }
        for category in children(entry, "category") {
            if category.attribute("term").unwrap_or_default().is_empty() {
                problems.push(format!("{what} has a category without a term"));
            }
        }
    }
    problems
}

// JSON Feed 1.1

/// The first key of the JSON object `text`, read from the text itself (a parsed map would sort
/// its keys).
fn first_key(text: &str) -> Option<String> {
    let start = text.find('{')? + 1;
    let rest = text[start..].trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// Every string in `value` that is empty, by its path.
fn empty_strings(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::String(s) if s.trim().is_empty() => found.push(path.to_string()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                empty_strings(item, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                empty_strings(v, &format!("{path}.{k}"), found);
            }
        }
        _ => {}
    }
}

/// What breaks the JSON Feed 1.1 spec (https://www.jsonfeed.org/version/1.1/) in `text`, or
/// leaves something empty that should be left out.
fn json_feed_problems(text: &str) -> Vec<String> {
    let feed: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return vec![format!("not JSON: {e}")],
    };
    let mut problems = Vec::new();
    if first_key(text).as_deref() != Some("version") {
        problems.push(format!(
            "the first key is {:?}, not version",
            first_key(text)
        ));
    }
    if feed["version"] != "https://jsonfeed.org/version/1.1" {
        problems.push(format!("version is {}", feed["version"]));
    }
    if !feed["title"].is_string() {
        problems.push("no title".into());
    }
    for key in ["home_page_url", "feed_url"] {
        if let Some(url) = feed.get(key)
            && !url.as_str().is_some_and(|u| u.starts_with("https://"))
        {
            problems.push(format!("{key} is not a URL: {url}"));
        }
    }
    let Some(items) = feed["items"].as_array() else {
        return vec!["no items array".into()];
    };
    let check_authors = |authors: &Value, what: &str, problems: &mut Vec<String>| {
        let Some(list) = authors.as_array() else {
            problems.push(format!("{what}: authors is not an array"));
            return;
        };
        if list.is_empty() {
            problems.push(format!("{what}: an empty authors array"));
        }
        for author in list {
            // An author has at least one of name, url, avatar; ours are names.
            let name = author["name"].as_str().unwrap_or_default();
            if name.trim().is_empty() || name.ends_with(" authors") || name.ends_with(" author") {
                problems.push(format!("{what}: author {author}"));
            }
        }
    };
    if let Some(authors) = feed.get("authors") {
        check_authors(authors, "the feed", &mut problems);
    }
    for item in items {
        let what = format!("item {}", item["title"]);
        if item["id"].as_str().is_none_or(str::is_empty) {
            problems.push(format!("{what}: no id"));
        }
        if item.get("content_html").is_none() && item.get("content_text").is_none() {
            problems.push(format!("{what}: neither content_html nor content_text"));
        }
        if let Some(authors) = item.get("authors") {
            check_authors(authors, &what, &mut problems);
        }
        if let Some(tags) = item.get("tags")
            && tags.as_array().is_none_or(Vec::is_empty)
        {
            problems.push(format!("{what}: tags {tags}"));
        }
        if let Some(date) = item.get("date_published")
            && !date
                .as_str()
                .is_some_and(|d| d.len() >= 20 && d.contains('T'))
        {
            problems.push(format!("{what}: date_published {date} is not RFC 3339"));
        }
    }
    let mut empty = Vec::new();
    empty_strings(&feed, "", &mut empty);
    problems.extend(empty.into_iter().map(|p| format!("an empty string at {p}")));
    problems
}

// The Nu HTML checker

/// The path of `vnu.jar`, the version pinned in `tests/tools/package.json`; `None` only when
/// `DIGEST_SKIP_VNU` is set. Fails loudly when npm cannot run: a validity check that skips
/// itself checks nothing.
pub(super) fn vnu() -> Option<PathBuf> {
    if std::env::var_os("DIGEST_SKIP_VNU").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("DIGEST_SKIP_VNU is set: the Nu HTML checker is not run");
        return None;
    }
    let jar = "build/dist/vnu.jar";
    let vnu = common::npm::package(
        "vnu-jar",
        jar,
        "The HTML validity test needs Node.js and npm, or DIGEST_SKIP_VNU=1 to skip it on purpose",
    );
    Some(vnu.join(jar))
}

/// The errors the Nu HTML checker reports for `pages`, as `file:line:col: message`.
pub(super) fn vnu_errors(jar: &Path, pages: &[PathBuf]) -> Vec<String> {
    let java = std::env::var("JAVA").unwrap_or_else(|_| "java".into());
    let output = Command::new(&java)
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json"])
        .args(pages)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{java} -jar vnu.jar`: {e}\nThe HTML validity test needs Java 11 or \
                 later (Debian: `apt-get install -y default-jre-headless`; or set JAVA), or \
                 DIGEST_SKIP_VNU=1 to skip it on purpose."
            )
        });
    // vnu writes its report to stderr and exits 1 when it found errors.
    let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "the Nu HTML checker did not report ({}; {e}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let messages = report["messages"]
        .as_array()
        .expect("a messages array in vnu's report");
    // Anything but an error (an "info", or a "non-document-error" such as an unreadable
    // file) is also a failure, so a broken run cannot pass as a clean one.
    messages
        .iter()
        .map(|m| {
            format!(
                "{}:{}:{}: {}: {}\n    {}",
                m["url"].as_str().unwrap_or_default(),
                m["lastLine"],
                m["firstColumn"],
                m["type"].as_str().unwrap_or_default(),
                m["message"].as_str().unwrap_or_default(),
                m["extract"].as_str().unwrap_or_default().replace('\n', "⏎"),
            )
        })
        .collect()
}
