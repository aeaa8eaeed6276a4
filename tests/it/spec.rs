//! Snapshots (insta) of what a user sees of the small fixture site, to read as a spec and to
//! show any change in review: a paper page's `<main>`, the three machine files (`atom.xml`,
//! `feed.json`, `sitemap.xml`) and one error message of each kind a build reports.
//!
//! The snapshots are in `tests/it/snapshots/`. After an intended change, `cargo insta review`
//! (or `INSTA_UPDATE=always cargo test --test it spec::` and `git diff`) updates them. Nothing
//! in them depends on the day of the run, the temporary folder or digest's version: the
//! fixture's records carry their own dates, and the version and paths are replaced below.

use crate::common::{self, Site};

/// What varies from run to run or release to release, replaced by stable names.
fn stable(site: &Site, text: &str) -> String {
    text.replace(site.root.to_str().unwrap(), "[site]")
        .replace(site.tmp.path().to_str().unwrap(), "[tmp]")
        .replace(
            &format!("digest {}", env!("CARGO_PKG_VERSION")),
            "digest [version]",
        )
}

/// The small fixture, built once per test (each test owns its temporary folder).
fn built() -> (Site, std::path::PathBuf) {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    (site, out)
}

#[test]
fn a_paper_page_main() {
    let (site, out) = built();
    let page = common::read(&out, "papers/musicgen/index.html");
    let start = page.find("<main").expect("a <main>");
    let end = page.find("</main>").expect("a </main>") + "</main>".len();
    let text = stable(&site, &page[start..end]);
    insta::assert_snapshot!(text);
}

#[test]
fn the_atom_feed() {
    let (site, out) = built();
    let text = stable(&site, &common::read(&out, "atom.xml"));
    insta::assert_snapshot!(text);
}

#[test]
fn the_json_feed() {
    let (site, out) = built();
    let text = stable(&site, &common::read(&out, "feed.json"));
    insta::assert_snapshot!(text);
}

#[test]
fn the_sitemap() {
    let (site, out) = built();
    let text = stable(&site, &common::read(&out, "sitemap.xml"));
    insta::assert_snapshot!(text);
}

/// An author's page (`author_pages = true`: no author of the small fixture has two papers),
/// and the paper page whose names link to it.
#[test]
fn an_author_page_main() {
    let site = Site::fixture("small");
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &format!("{config}\n[output]\nauthor_pages = true\n"),
    );
    let out = site.build_ok(&[]);
    let main = |relative: &str| {
        let page = common::read(&out, relative);
        let start = page.find("<main").expect("a <main>");
        let end = page.find("</main>").expect("a </main>") + "</main>".len();
        stable(&site, &page[start..end])
    };
    insta::assert_snapshot!(main("authors/prafulla-dhariwal/index.html"));
    let paper = main("papers/jukebox/index.html");
    let authors = paper
        .lines()
        .find(|l| l.contains("class=\"authors\""))
        .expect("the authors line");
    insta::assert_snapshot!("a_paper_page_s_names_linked_to_author_pages", authors);
}

/// A valid record, for the error cases that break one thing of it.
const GOOD: &str = "+++\ntitle = \"A Broken Record\"\ndate = 2025-02-06\n+++\n\nAn abstract.\n";

/// The message of a build of the small fixture after `break_site`, which must fail with
/// problems (exit code 1) and leave the previous output as it was.
fn error_after(break_site: impl FnOnce(&Site)) -> String {
    let site = Site::fixture("small");
    let stderr = common::assert_fails_keeping_output(&site, break_site);
    stable(&site, &stderr)
}

#[test]
fn error_record_syntax() {
    let message = error_after(|s| {
        s.write(
            "content/broken.md",
            "+++\ntitle = \"A Broken Record\ndate = 2025-02-06\n+++\n\nAn abstract.\n",
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn error_missing_front_matter() {
    let message = error_after(|s| {
        s.write(
            "content/broken.md",
            "title = \"A Broken Record\"\ndate = 2025-02-06\n\nAn abstract.\n",
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn error_unknown_key() {
    let message = error_after(|s| {
        s.write(
            "content/broken.md",
            &GOOD.replace("+++\n\n", "venue = \"NeurIPS\"\n+++\n\n"),
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn error_missing_title() {
    let message = error_after(|s| {
        s.write(
            "content/broken.md",
            &GOOD.replace("title = \"A Broken Record\"\n", ""),
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn error_bad_date() {
    let message = error_after(|s| {
        s.write(
            "content/broken.md",
            &GOOD.replace("date = 2025-02-06", "date = 2025-13-45"),
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn error_slug_collision() {
    let message = error_after(|s| {
        s.write(
            "content/improvnet-again.md",
            &GOOD.replace("+++\n\n", "slug = \"improvnet\"\n+++\n\n"),
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn error_template_syntax() {
    let message = error_after(|s| {
        s.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if tag.name %}\n{% endblock content %}\n",
    )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn error_template_runtime() {
    let message = error_after(|s| {
        s.write(
        "templates/paper.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ paper.nope.deeper }}</h1>\n{% endblock content %}\n",
    )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn error_site_toml() {
    let message = error_after(|s| s.prepend_config("titel = \"x\""));
    insta::assert_snapshot!(message);
}
