//! The URL layout of a site (DESIGN §4): every path digest writes, relative to the output folder
//! and to `base_url`, in one place. A folder path ends with `/` and is served as its
//! `index.html` ([`html_file`]); [`crate::config::Config::link`] and `url` put `base_url` in front.
//!
//! Only paths: which pages exist is the plan's business (`crate::plan`), what they show the
//! views' (`render::views`).

use std::fmt::Write as _;

use jiff::civil::Date;

/// The home page (the first page of the home list).
pub(crate) const HOME: &str = "";
/// Every day with its count.
pub(crate) const ARCHIVE: &str = "archive/";
/// Every tag with its count.
pub(crate) const TAGS: &str = "tags/";
/// The search page.
pub(crate) const SEARCH: &str = "search/";
/// The folder of the papers' pages (see [`paper`]).
pub(crate) const PAPERS: &str = "papers/";
/// The page servers show for a missing file.
pub(crate) const NOT_FOUND: &str = "404.html";
/// The sitemap, or the sitemap index pointing at [`sitemap_part`]s on a large site.
pub(crate) const SITEMAP: &str = "sitemap.xml";
/// Crawler rules, pointing at the sitemap.
pub(crate) const ROBOTS: &str = "robots.txt";
/// Tells GitHub Pages to serve the output as is.
pub(crate) const NOJEKYLL: &str = ".nojekyll";
/// The status page: when the site was built, its newest day, papers per day.
pub(crate) const STATUS: &str = "status/";
/// The status page's data, for scripts and monitors.
pub(crate) const STATUS_JSON: &str = "status.json";
/// The build's manifest: what `digest build` compares the next build with (see `build::guard`).
pub(crate) const MANIFEST: &str = "digest.json";
/// The folder of the search index's files.
pub(crate) const SEARCH_DIR: &str = "search/";
/// The search index's header: sizes and the first term of each term shard.
pub(crate) const SEARCH_META: &str = "search/meta.json";

/// The file a folder path is served from: `papers/x/` → `papers/x/index.html`.
pub(crate) fn html_file(dir: &str) -> String {
    let mut path = String::with_capacity(dir.len() + "index.html".len());
    path.push_str(dir);
    path.push_str("index.html");
    path
}

/// A paper's page: `papers/<slug>/`.
pub(crate) fn paper(slug: &str) -> String {
    let mut path = String::with_capacity(slug.len() + 8);
    write_paper(&mut path, slug);
    path
}

/// Appends [`paper`]`(slug)` to `out` (lists write many URLs into one scratch string).
pub(crate) fn write_paper(out: &mut String, slug: &str) {
    out.push_str(PAPERS);
    out.push_str(slug);
    out.push('/');
}

/// A day's page: `2025/02/06/`.
pub(crate) fn day(date: Date) -> String {
    let mut path = String::with_capacity(11);
    write_day(&mut path, date);
    path
}

/// Appends [`day`]`(date)` to `out`.
pub(crate) fn write_day(out: &mut String, date: Date) {
    let (year, month, day) = (date.year(), date.month(), date.day());
    let _ = write!(out, "{year:04}/{month:02}/{day:02}/");
}

/// A month's page: `2025/02/`.
pub(crate) fn month(year: i16, month: i8) -> String {
    format!("{year:04}/{month:02}/")
}

/// An ISO week's page: `2025/w06/` (ISO week-numbering year and week).
pub(crate) fn week(year: i16, week: i8) -> String {
    format!("{year:04}/w{week:02}/")
}

/// A tag's first page: `tags/<slug>/`.
pub(crate) fn tag(slug: &str) -> String {
    format!("{TAGS}{slug}/")
}

/// Every author with a page is under it.
pub(crate) const AUTHORS: &str = "authors/";

/// An author's first page: `authors/<slug>/`.
pub(crate) fn author(slug: &str) -> String {
    format!("{AUTHORS}{slug}/")
}

/// A keyword feed's first page: `feeds/<slug>/`.
pub(crate) fn keyword_feed(slug: &str) -> String {
    format!("feeds/{slug}/")
}

/// Page `number` of a list whose first page is `base` (`""`, `tags/x/`): `base` itself for
/// the first, `<base>page/<number>/` for the others.
pub(crate) fn page(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// The Atom feed of the list at `base` (`""` for the site's, `tags/x/`, `feeds/x/`).
pub(crate) fn atom(base: &str) -> String {
    format!("{base}atom.xml")
}

/// The JSON feed of the list at `base`.
pub(crate) fn json_feed(base: &str) -> String {
    format!("{base}feed.json")
}

/// The email preview of the day or week at `base` (`2025/02/06/`): `2025/02/06/email/`.
pub(crate) fn email(base: &str) -> String {
    format!("{base}email/")
}

/// The JSON of the papers a list page shows (a day, a tag page): `<page>papers.json`.
pub(crate) fn list_json(page: &str) -> String {
    format!("{page}papers.json")
}

/// A paper's record as JSON: `papers/<slug>/index.json`, beside its page.
pub(crate) fn paper_json(slug: &str) -> String {
    let mut path = String::with_capacity(slug.len() + 18);
    write_paper(&mut path, slug);
    path.push_str("index.json");
    path
}

/// What the static JSON API holds and where.
pub(crate) const API_INDEX: &str = "api/index.json";
/// The site described for language models and agents (llmstxt.org).
pub(crate) const LLMS: &str = "llms.txt";

/// The most upvoted papers of the last 7 and 30 days.
pub(crate) const TOP: &str = "top/";
/// The page listing every feed of the site.
pub(crate) const SUBSCRIBE: &str = "subscribe/";
/// Every feed of the site as OPML, for a feed reader to import at once.
pub(crate) const OPML: &str = "feeds.opml";
/// The XSLT stylesheet the Atom feeds name, so a browser shows a feed as a readable page.
pub(crate) const FEED_STYLESHEET: &str = "feed.xsl";

/// The digest feed (one entry per day's or week's email, for RSS-to-email services), Atom.
pub(crate) const DIGEST_ATOM: &str = "digest.xml";
/// The digest feed as JSON Feed 1.1 (`digest.json` is the build's manifest, [`MANIFEST`]).
pub(crate) const DIGEST_JSON: &str = "digest-feed.json";

/// The BibTeX file of the papers at `base` (a day's or a tag's folder).
pub(crate) fn bib(base: &str) -> String {
    format!("{base}papers.bib")
}

/// Part `number` (from 1) of a sitemap too large for one file.
pub(crate) fn sitemap_part(number: usize) -> String {
    format!("sitemap-{number}.xml")
}

/// The search index's term shard named `key` (already made safe as a file name).
pub(crate) fn search_terms(key: &str) -> String {
    format!("search/t/{key}.json")
}

/// The search index's `number`th chunk of documents.
pub(crate) fn search_docs(number: usize) -> String {
    format!("search/d/{number}.json")
}

/// The search index's `number`th chunk of snippet texts (shown on the results page).
pub(crate) fn search_snippets(number: usize) -> String {
    format!("search/s/{number}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route of the layout, as DESIGN §4 and the README list them.
    #[test]
    fn route_table() {
        let date: Date = "2025-02-06".parse().unwrap();
        let routes: Vec<(&str, String)> = vec![
            ("home", HOME.to_string()),
            ("home page 2", page(HOME, 2)),
            ("paper", paper("improvnet")),
            ("paper file", html_file(&paper("improvnet"))),
            ("day", day(date)),
            ("day, early year", day("0999-01-02".parse().unwrap())),
            ("month", month(2025, 2)),
            ("week", week(2025, 6)),
            ("archive", ARCHIVE.to_string()),
            ("tags", TAGS.to_string()),
            ("tag", tag("style-transfer")),
            ("tag page 1", page(&tag("icl"), 1)),
            ("tag page 3", page(&tag("icl"), 3)),
            ("keyword feed", keyword_feed("agents")),
            ("author", author("ada-lovelace")),
            ("author page 2", page(&author("ada-lovelace"), 2)),
            ("author atom", atom(&author("ada-lovelace"))),
            ("author json feed", json_feed(&author("ada-lovelace"))),
            ("keyword feed page 2", page(&keyword_feed("agents"), 2)),
            ("site atom", atom(HOME)),
            ("site json feed", json_feed(HOME)),
            ("tag atom", atom(&tag("icl"))),
            ("tag json feed", json_feed(&tag("icl"))),
            ("keyword atom", atom(&keyword_feed("agents"))),
            ("keyword json feed", json_feed(&keyword_feed("agents"))),
            ("day bib", bib(&day(date))),
            ("tag bib", bib(&tag("icl"))),
            ("search page", SEARCH.to_string()),
            ("search meta", SEARCH_META.to_string()),
            ("search terms", search_terms("ab-cd")),
            ("search docs", search_docs(3)),
            ("search snippets", search_snippets(3)),
            ("404", NOT_FOUND.to_string()),
            ("sitemap", SITEMAP.to_string()),
            ("sitemap part", sitemap_part(2)),
            ("robots", ROBOTS.to_string()),
            ("nojekyll", NOJEKYLL.to_string()),
            ("status", STATUS.to_string()),
            ("status json", STATUS_JSON.to_string()),
            ("manifest", MANIFEST.to_string()),
            ("day json", list_json(&day(date))),
            ("tag page 2 json", list_json(&page(&tag("icl"), 2))),
            ("paper json", paper_json("improvnet")),
            ("api index", API_INDEX.to_string()),
            ("llms", LLMS.to_string()),
            ("top", TOP.to_string()),
            ("subscribe", SUBSCRIBE.to_string()),
            ("opml", OPML.to_string()),
            ("feed stylesheet", FEED_STYLESHEET.to_string()),
            ("day email", email(&day(date))),
            ("week email", email(&week(2025, 6))),
            ("digest atom", DIGEST_ATOM.to_string()),
            ("digest json", DIGEST_JSON.to_string()),
        ];
        let expected = [
            ("home", ""),
            ("home page 2", "page/2/"),
            ("paper", "papers/improvnet/"),
            ("paper file", "papers/improvnet/index.html"),
            ("day", "2025/02/06/"),
            ("day, early year", "0999/01/02/"),
            ("month", "2025/02/"),
            ("week", "2025/w06/"),
            ("archive", "archive/"),
            ("tags", "tags/"),
            ("tag", "tags/style-transfer/"),
            ("tag page 1", "tags/icl/"),
            ("tag page 3", "tags/icl/page/3/"),
            ("keyword feed", "feeds/agents/"),
            ("author", "authors/ada-lovelace/"),
            ("author page 2", "authors/ada-lovelace/page/2/"),
            ("author atom", "authors/ada-lovelace/atom.xml"),
            ("author json feed", "authors/ada-lovelace/feed.json"),
            ("keyword feed page 2", "feeds/agents/page/2/"),
            ("site atom", "atom.xml"),
            ("site json feed", "feed.json"),
            ("tag atom", "tags/icl/atom.xml"),
            ("tag json feed", "tags/icl/feed.json"),
            ("keyword atom", "feeds/agents/atom.xml"),
            ("keyword json feed", "feeds/agents/feed.json"),
            ("day bib", "2025/02/06/papers.bib"),
            ("tag bib", "tags/icl/papers.bib"),
            ("search page", "search/"),
            ("search meta", "search/meta.json"),
            ("search terms", "search/t/ab-cd.json"),
            ("search docs", "search/d/3.json"),
            ("search snippets", "search/s/3.json"),
            ("404", "404.html"),
            ("sitemap", "sitemap.xml"),
            ("sitemap part", "sitemap-2.xml"),
            ("robots", "robots.txt"),
            ("nojekyll", ".nojekyll"),
            ("status", "status/"),
            ("status json", "status.json"),
            ("manifest", "digest.json"),
            ("day json", "2025/02/06/papers.json"),
            ("tag page 2 json", "tags/icl/page/2/papers.json"),
            ("paper json", "papers/improvnet/index.json"),
            ("api index", "api/index.json"),
            ("llms", "llms.txt"),
            ("top", "top/"),
            ("subscribe", "subscribe/"),
            ("opml", "feeds.opml"),
            ("feed stylesheet", "feed.xsl"),
            ("day email", "2025/02/06/email/"),
            ("week email", "2025/w06/email/"),
            ("digest atom", "digest.xml"),
            ("digest json", "digest-feed.json"),
        ];
        let got: Vec<(&str, &str)> = routes.iter().map(|(n, p)| (*n, p.as_str())).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn scratch_writers_append_what_the_functions_return() {
        let date: Date = "2024-12-31".parse().unwrap();
        let mut out = String::from("/base/");
        write_paper(&mut out, "x");
        write_day(&mut out, date);
        assert_eq!(out, format!("/base/{}{}", paper("x"), day(date)));
    }
}
