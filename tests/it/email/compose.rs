//! `digest email`: what a day's email holds, that it stays under the size Gmail shows whole,
//! that it depends on nothing a mail client drops, and that record text cannot break it.

use std::path::{Path, PathBuf};

use scraper::Html;

use super::day_of_papers;
use crate::common::{self, Run, Site, sel};

/// The most bytes of HTML an email may have (Gmail clips messages past ~102 KB).
const LIMIT: usize = 90_000;

/// `digest email <args> --output <tmp>/mail` on `site`; the folder.
fn email(site: &Site, args: &[&str]) -> (Run, PathBuf) {
    let dir = site.tmp.path().join("mail");
    let mut all = vec!["email", "--root", site.root.to_str().unwrap()];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--output", dir.to_str().unwrap()]);
    (common::digest(&all, site.tmp.path()), dir)
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Checks what every email's HTML must be: no `<style>`, `<link>` or `<script>`, every element
/// that has a class also styled inline, every link absolute. Returns the document.
fn assert_mail_safe(html: &str) -> Html {
    for banned in ["<style", "<link", "<script"] {
        assert!(
            !html.to_ascii_lowercase().contains(banned),
            "{banned} in the email"
        );
    }
    let doc = Html::parse_document(html);
    for element in doc.select(&sel("[class]")) {
        let class = element.value().attr("class").unwrap();
        // The preheader is hidden by its inline style too.
        assert!(
            element.value().attr("style").is_some_and(|s| !s.is_empty()),
            "an element of class `{class}` has no inline style"
        );
    }
    let links: Vec<&str> = doc
        .select(&sel("a"))
        .map(|a| a.value().attr("href").expect("every link has an href"))
        .collect();
    assert!(!links.is_empty());
    for link in links {
        assert!(
            link.starts_with("https://") || link.starts_with("http://"),
            "a link that is not absolute: {link}"
        );
    }
    doc
}

/// A day of 300 papers: the email lists the most upvoted ones that fit under the limit,
/// most upvoted first, and says how many more there are, linking to the day's page; the text
/// part lists the same papers.
#[test]
fn a_300_paper_day_fits_under_the_limit_and_says_how_many_were_left_out() {
    let site = Site::fixture("small");
    let titles = day_of_papers(&site, 300, "2025-03-03");
    let (run, dir) = email(&site, &["--date", "2025-03-03", "--top", "1000"]);
    run.assert_success();
    let html = read(&dir, "day-2025-03-03.html");
    let text = read(&dir, "day-2025-03-03.txt");
    assert!(html.len() <= LIMIT, "{} bytes", html.len());
    let doc = assert_mail_safe(&html);
    let shown: Vec<String> = doc
        .select(&sel(".title a"))
        .map(|a| a.text().collect::<String>())
        .collect();
    assert!(
        shown.len() > 40 && shown.len() < 300,
        "{} shown",
        shown.len()
    );
    assert_eq!(shown, titles[..shown.len()], "most upvoted first");
    let more = doc
        .select(&sel(".more a"))
        .next()
        .expect("an `and N more` link");
    let left = 300 - shown.len();
    assert_eq!(
        more.text().collect::<String>(),
        format!("And {left} more papers")
    );
    assert_eq!(
        more.value().attr("href"),
        Some("https://example.org/2025/03/03/")
    );
    // Close to the limit: the guard cuts only what does not fit.
    assert!(html.len() > LIMIT - 3_000, "{} bytes", html.len());
    let in_text: Vec<&String> = titles
        .iter()
        .filter(|t| text.contains(t.as_str()))
        .collect();
    assert_eq!(
        in_text.len(),
        shown.len(),
        "the text part lists the same papers"
    );
    assert!(text.contains(&format!(
        "And {left} more papers: https://example.org/2025/03/03/"
    )));
    assert!(
        run.stderr
            .contains(&format!("{} of 300 papers", shown.len())),
        "{}",
        run.stderr
    );
}

/// `[email] top` (30 by default) or `--top` limits a day that fits; a small day is listed whole.
#[test]
fn top_limits_the_papers_and_a_small_day_is_listed_whole() {
    let site = Site::fixture("small");
    let titles = day_of_papers(&site, 100, "2025-03-03");
    day_of_papers(&site, 20, "2025-03-04");
    let (run, dir) = email(&site, &["--date", "2025-03-03"]);
    run.assert_success();
    let doc = Html::parse_document(&read(&dir, "day-2025-03-03.html"));
    let shown: Vec<String> = doc
        .select(&sel(".title a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(shown, titles[..30]);
    assert_eq!(
        doc.select(&sel(".more a"))
            .next()
            .map(|a| a.text().collect::<String>()),
        Some("And 70 more papers".to_string())
    );
    let (run, dir) = email(&site, &["--date", "2025-03-03", "--top", "5"]);
    run.assert_success();
    let doc = Html::parse_document(&read(&dir, "day-2025-03-03.html"));
    assert_eq!(doc.select(&sel(".title a")).count(), 5);
    let (run, dir) = email(&site, &["--date", "2025-03-04"]);
    run.assert_success();
    let html = read(&dir, "day-2025-03-04.html");
    let doc = assert_mail_safe(&html);
    assert_eq!(doc.select(&sel(".title a")).count(), 20);
    assert_eq!(doc.select(&sel(".more")).count(), 0, "nothing left out");
    // Each paper links its page, its arXiv page and PDF, and its code.
    for href in [
        "https://example.org/papers/2025-03-04-p019/",
        "https://arxiv.org/abs/2503.04019",
        "https://arxiv.org/pdf/2503.04019",
        "https://github.com/lab/p019",
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    // --site-wide period and a tag.
    site.write(
        "content/tagged.md",
        "+++\ntitle = \"A tagged paper\"\ndate = 2025-03-04\ntags = [\"robots\"]\nupvotes = 500\n+++\nAbstract.\n",
    );
    let (run, dir) = email(&site, &["--since", "2025-03-01", "--tag", "robots"]);
    run.assert_success();
    let html = read(&dir, "since-2025-03-01-tag-robots.html");
    let doc = assert_mail_safe(&html);
    let shown: Vec<String> = doc
        .select(&sel(".title a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(shown, ["A tagged paper"]);
}

/// Text from records is escaped: markup in a title or abstract shows as text and cannot add
/// elements, attributes or links.
#[test]
fn hostile_record_text_is_escaped() {
    let site = Site::fixture("small");
    site.write(
        "content/hostile.md",
        "+++\ntitle = \"<script>alert(1)</script> \\\"quoted\\\" & <b>bold</b> <a href='javascript:x'>x</a>\"\ndate = 2025-03-05\nauthors = [\"<img src=x onerror=alert(1)>\"]\n+++\n</td></tr></table><style>body{display:none}</style> text.\n",
    );
    let (run, dir) = email(&site, &["--date", "2025-03-05"]);
    run.assert_success();
    let html = read(&dir, "day-2025-03-05.html");
    let doc = assert_mail_safe(&html);
    assert_eq!(doc.select(&sel("img, b, script")).count(), 0, "{html}");
    let title: String = doc
        .select(&sel(".title a"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(
        title.starts_with("<script>alert(1)</script> \"quoted\" & <b>bold</b>"),
        "{title}"
    );
    // The closing tags of the abstract did not end the table early: the footer is still in it.
    assert_eq!(doc.select(&sel("table.sheet td.foot")).count(), 1);
}

/// Errors say what is wrong: an ISO week that does not exist and an unknown tag are usage
/// errors (2), a day without papers makes no email (1).
#[test]
fn bad_selections_are_refused_with_their_reason() {
    let site = Site::fixture("small");
    let (run, _) = email(&site, &["--week", "2025-W54"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("--week `2025-W54` is not an ISO week"),
        "{}",
        run.stderr
    );
    let (run, _) = email(&site, &["--date", "2025-02-06", "--tag", "no-such-tag"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("no tag named `no-such-tag`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("music"),
        "lists the tags there are: {}",
        run.stderr
    );
    let (run, dir) = email(&site, &["--date", "2025-02-07"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("no papers listed"), "{}", run.stderr);
    assert!(!dir.exists());
    let (run, _) = email(&site, &["--date", "latest", "--base-url", "/"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("absolute"), "{}", run.stderr);
}

/// `--week` lists the week's papers most upvoted first across its days; `--date latest` is
/// the newest day.
#[test]
fn a_week_is_ordered_by_upvotes_across_its_days() {
    let site = Site::fixture("small");
    site.write(
        "content/w1.md",
        "+++\ntitle = \"Monday's modest paper\"\ndate = 2025-03-03\nupvotes = 3\n+++\nA.\n",
    );
    site.write(
        "content/w2.md",
        "+++\ntitle = \"Friday's famous paper\"\ndate = 2025-03-07\nupvotes = 90\n+++\nB.\n",
    );
    site.write(
        "content/w3.md",
        "+++\ntitle = \"Wednesday's fair paper\"\ndate = 2025-03-05\nupvotes = 40\n+++\nC.\n",
    );
    let (run, dir) = email(&site, &["--week", "2025-W10"]);
    run.assert_success();
    let doc = Html::parse_document(&read(&dir, "week-2025-W10.html"));
    let shown: Vec<String> = doc
        .select(&sel(".title a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        shown,
        [
            "Friday's famous paper",
            "Wednesday's fair paper",
            "Monday's modest paper"
        ]
    );
    let (run, dir) = email(&site, &["--date", "latest"]);
    run.assert_success();
    assert!(
        read(&dir, "day-2025-03-07.html").contains("Friday&#x27;s famous paper")
            || read(&dir, "day-2025-03-07.html").contains("Friday's famous paper")
    );
}

/// `email.html` and `email.txt` are theme templates: a site's own copy in `templates/` wins,
/// and its `<style>` block is inlined like the theme's.
#[test]
fn the_site_s_own_email_templates_win() {
    let site = Site::fixture("small");
    site.write(
        "templates/email.txt",
        "Our picks of {{ email.heading }}:\n{% for paper in papers %}* {{ paper.title }}\n{% endfor %}",
    );
    site.write(
        "templates/email.html",
        "<!DOCTYPE html><html lang=\"en\"><head><title>{{ email.subject }}</title><style>.pick { color: #7a1f1f; }</style></head><body>{% for paper in papers %}<p class=\"pick\"><a class=\"pick\" href=\"{{ paper.url }}\">{{ paper.title }}</a></p>{% endfor %}</body></html>",
    );
    let (run, dir) = email(&site, &["--date", "2025-02-06"]);
    run.assert_success();
    let text = read(&dir, "day-2025-02-06.txt");
    assert!(text.starts_with("Our picks of Thursday"), "{text}");
    let html = read(&dir, "day-2025-02-06.html");
    let doc = assert_mail_safe(&html);
    let picks: Vec<&str> = doc
        .select(&sel("p.pick"))
        .map(|p| p.value().attr("style").unwrap())
        .collect();
    assert!(
        !picks.is_empty() && picks.iter().all(|s| s.contains("#7a1f1f")),
        "{html}"
    );
}
