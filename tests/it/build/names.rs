//! Names that become folders of the output — keyword tags and feeds in `site.toml`, a record's
//! tags and slug — are checked by one rule, reported at their line and column with the fix; and
//! one record's tags cannot blow up the output (a cap per record, a fixed number per card).

use crate::common;

use common::{Site, assert_fails_keeping_output, html, sel, tree};

/// A valid record, for tests that add one thing to it.
const GOOD: &str = "+++\ntitle = \"A Named Record\"\ndate = 2025-02-06\n+++\n\nAn abstract.\n";

/// `GOOD` with `line` added to its front matter (as line 4).
fn record_with(line: &str) -> String {
    GOOD.replace("+++\n\n", &format!("{line}\n+++\n\n"))
}

fn assert_contains(stderr: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
    }
}

/// The 1-based line of `site.toml` where `needle` starts a line.
fn config_line(site: &Site, needle: &str) -> usize {
    site.read("site.toml")
        .lines()
        .position(|l| l.starts_with(needle))
        .expect("the line is in site.toml")
        + 1
}

#[test]
fn keyword_tag_and_feed_names_with_no_folder_of_their_own_are_refused_at_their_line() {
    // `..` made the tag's pages overwrite /tags/index.html, the list of all tags.
    for (table, name) in [
        ("keyword_tags", ".."),
        ("keyword_tags", "!!!"),
        ("keyword_feeds", ".."),
        ("keyword_feeds", "!!!"),
    ] {
        let site = Site::fixture("small");
        let mut line = 0;
        let stderr = assert_fails_keeping_output(&site, |s| {
            let config = s.read("site.toml");
            let config = match table {
                // The fixture already has [keyword_tags]: add the name to it.
                "keyword_tags" => config.replace(
                    "[keyword_tags]\n",
                    &format!("[keyword_tags]\n\"{name}\" = [\"music\"]\n"),
                ),
                _ => format!("{config}\n[{table}]\n\"{name}\" = [\"music\"]\n"),
            };
            s.write("site.toml", &config);
            line = config_line(s, &format!("\"{name}\""));
        });
        assert_contains(
            &stderr,
            &[
                &format!("site.toml:{line}:1"),
                &format!("`{name}` is not allowed"),
                "no letters or digits",
                "help:",
            ],
        );
    }
}

#[test]
fn keyword_names_that_would_share_a_folder_are_refused_naming_both() {
    for (table, folder) in [("keyword_feeds", "feeds"), ("keyword_tags", "tags")] {
        let site = Site::fixture("small");
        let mut lines = (0, 0);
        let stderr = assert_fails_keeping_output(&site, |s| {
            let config = s.read("site.toml");
            let config = match table {
                "keyword_tags" => config.replace(
                    "[keyword_tags]\n",
                    "[keyword_tags]\n\"LLM agents\" = [\"agent\"]\n\"llm-agents\" = [\"tool use\"]\n",
                ),
                _ => format!(
                    "{config}\n[{table}]\n\"LLM agents\" = [\"agent\"]\n\"llm-agents\" = [\"tool use\"]\n"
                ),
            };
            s.write("site.toml", &config);
            lines = (
                config_line(s, "\"LLM agents\""),
                config_line(s, "\"llm-agents\""),
            );
        });
        assert_contains(
            &stderr,
            &[
                "`LLM agents` and `llm-agents`",
                &format!("{folder}/llm-agents/"),
                &format!("site.toml:{}:1", lines.1),
                &format!("line {}, column 1", lines.0),
            ],
        );
    }
}

#[test]
fn a_300_character_tag_is_refused_at_its_place_with_the_limit() {
    let site = Site::fixture("small");
    let tag = "x".repeat(300);
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/long-tag.md",
            &record_with(&format!("tags = [\"music\", \"{tag}\"]")),
        )
    });
    // Column 18: after `tags = ["music", `.
    assert_contains(
        &stderr,
        &[
            "content/long-tag.md:4:18",
            "tag `xxx",
            "200 bytes",
            "shorten",
        ],
    );
    assert!(!stderr.contains("disk"), "no disk hint:\n{stderr}");
    assert!(!stderr.contains("File name too long"), "{stderr}");
    let message = stderr.lines().find(|l| l.starts_with("error:")).unwrap();
    assert!(
        !message.contains(&tag),
        "the name is shown shortened: {message}"
    );
}

#[test]
fn a_300_character_slug_is_refused_at_its_place_with_the_limit() {
    let site = Site::fixture("small");
    let slug = "y".repeat(300);
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/long-slug.md",
            &record_with(&format!("slug = \"{slug}\"")),
        )
    });
    assert_contains(
        &stderr,
        &["content/long-slug.md:4:8", "slug `yyy", "200 bytes"],
    );
    assert!(!stderr.contains("disk"), "no disk hint:\n{stderr}");
    assert!(!stderr.contains("File name too long"), "{stderr}");
}

#[test]
fn a_slug_of_the_limit_builds() {
    let site = Site::fixture("small");
    let slug = "z".repeat(200);
    site.write(
        "content/long-slug.md",
        &record_with(&format!("slug = \"{slug}\"")),
    );
    let out = site.build_ok(&[]);
    assert!(out.join(format!("papers/{slug}/index.html")).is_file());
}

/// `tags = ["t0", "t1", …]` with `n` tags.
fn tags_line(n: usize) -> String {
    let tags: Vec<String> = (0..n).map(|i| format!("\"t{i:04}\"")).collect();
    format!("tags = [{}]", tags.join(", "))
}

#[test]
fn a_record_with_2000_tags_is_refused_once_at_the_first_tag_over_the_cap() {
    let site = Site::fixture("small");
    let line = tags_line(2000);
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write("content/many-tags.md", &record_with(&line))
    });
    let column = line.find("\"t0100\"").unwrap() + 1;
    assert_contains(
        &stderr,
        &[
            &format!("content/many-tags.md:4:{column}"),
            "2000 tags",
            "limit of 100",
        ],
    );
    assert_eq!(
        stderr.matches("error:").count(),
        1,
        "one problem for the list:\n{stderr}"
    );
}

#[test]
fn a_record_with_100_tags_builds_and_its_cards_show_ten() {
    let site = Site::fixture("small");
    let baseline: usize = tree(&site.build_ok(&[])).values().map(Vec::len).sum();
    site.write("content/many-tags.md", &record_with(&tags_line(100)));
    let out = site.build_ok(&[]);
    let card_tags = |page: &str| -> (Vec<String>, Vec<String>) {
        let doc = html(&out, page);
        let card = doc
            .select(&sel("article.card"))
            .find(|c| c.text().any(|t| t.contains("A Named Record")))
            .unwrap_or_else(|| panic!("{page} lists the record"));
        let names = card
            .select(&sel(".tags a:not(.more-tags)"))
            .map(|a| a.text().collect())
            .collect();
        let more = card
            .select(&sel("a.more-tags"))
            .map(|a| a.text().collect())
            .collect();
        (names, more)
    };
    for page in [
        "2025/02/06/index.html",
        "tags/t0000/index.html",
        "tags/t0099/index.html",
    ] {
        let (names, more) = card_tags(page);
        let expected: Vec<String> = (0..10).map(|i| format!("t{i:04}")).collect();
        assert_eq!(names, expected, "{page}");
        assert_eq!(more, ["+90 more tags"], "{page}");
    }
    // The paper's own page shows them all, and no "+N more".
    let paper = html(&out, "papers/many-tags/index.html");
    assert_eq!(paper.select(&sel("footer .tags a")).count(), 100);
    assert_eq!(paper.select(&sel("a.more-tags")).count(), 0);
    // Every tag has its pages.
    for i in [0, 50, 99] {
        assert!(out.join(format!("tags/t{i:04}/index.html")).is_file());
    }
    let grown: usize = tree(&out).values().map(Vec::len).sum::<usize>() - baseline;
    eprintln!("100 tags on one record added {grown} bytes");
}

#[test]
fn an_abstract_of_long_words_sharing_a_prefix_builds_with_short_search_file_names() {
    // 676 words of 40 mathematical bold letters (4 bytes each) sharing their first 38: the
    // search index named a shard file by the hex of such a prefix (over 300 bytes) and the
    // build failed with "File name too long", suggesting a full disk.
    let site = Site::fixture("small");
    let prefix = "\u{1d431}".repeat(38);
    let prefix = prefix.as_str();
    let letters: Vec<char> = (0..26)
        .filter_map(|i| char::from_u32(0x1d41a + i))
        .collect();
    let words: Vec<String> = letters
        .iter()
        .flat_map(|a| letters.iter().map(move |b| format!("{prefix}{a}{b}")))
        .collect();
    site.write(
        "content/long-words.md",
        &GOOD.replace("An abstract.", &words.join(" ")),
    );
    let out = site.build_ok(&[]);
    for path in tree(&out).keys() {
        let longest = path.split('/').map(str::len).max().unwrap_or(0);
        assert!(longest <= 200, "{path}");
    }
}
