//! A site seeded with problems of every kind `digest check` looks for: each is found, at the
//! file, line and column it comes from.

use std::path::Path;

use serde_json::Value;

use crate::common::{Site, digest, write};

const SITE_TOML: &str =
    "title = \"Bad Digest\"\nbase_url = \"https://example.github.io/repo/\"\nlanguage = \"en\"\n";

/// Record files of the bad site: (file, text). Each seeds the problems its name says; the
/// `links` keep the records that are not about reachability from also being "bare".
const RECORDS: &[(&str, &str)] = &[
    (
        "a-arxiv.md",
        "+++\ntitle = \"Improv One\"\ndate = 2025-02-06\narxiv = \"2502.04522\"\n+++\nA.\n",
    ),
    (
        "b-arxiv-v2.md",
        "+++\ntitle = \"Improv Two\"\ndate = 2025-02-07\narxiv = \"2502.04522v2\"\n+++\nB.\n",
    ),
    (
        "c-arxiv-doi.md",
        "+++\ntitle = \"Doi Form\"\ndate = 2024-01-02\ndoi = \"10.48550/arXiv.2401.00001\"\n+++\nC.\n",
    ),
    (
        "d-arxiv-v3.md",
        "+++\ntitle = \"Bare Form\"\ndate = 2024-01-03\narxiv = \"2401.00001v3\"\n+++\nD.\n",
    ),
    (
        "e-doi.md",
        "+++\ntitle = \"Upper Doi\"\ndate = 2024-03-01\ndoi = \"10.1000/ABC\"\n+++\nE.\n",
    ),
    (
        "f-doi.md",
        "+++\ntitle = \"Lower Doi\"\ndate = 2024-03-02\ndoi = \"10.1000/abc\"\n+++\nF.\n",
    ),
    (
        "g-title.md",
        "+++\ntitle = \"Attention Is All You Need\"\ndate = 2024-04-01\nlinks = { pdf = \"https://example.org/g.pdf\" }\n+++\nG.\n",
    ),
    (
        "h-title.md",
        "+++\ntitle = \"attention is all you need!\"\ndate = 2024-04-02\nlinks = { pdf = \"https://example.org/h.pdf\" }\n+++\nH.\n",
    ),
    // The same title, but different arXiv ids tell them apart: not a duplicate.
    (
        "i-title-other.md",
        "+++\ntitle = \"Scaling Laws Revisited\"\ndate = 2024-04-03\narxiv = \"1706.03762\"\n+++\nI.\n",
    ),
    (
        "j-title-other.md",
        "+++\ntitle = \"scaling laws revisited.\"\ndate = 2024-04-04\narxiv = \"2405.00002\"\n+++\nJ.\n",
    ),
    (
        "k-old.md",
        "+++\ntitle = \"Old Style\"\ndate = 1999-01-10\narxiv = \"hep-th/9901001\"\n+++\nK.\n",
    ),
    (
        "l-old-v2.md",
        "+++\ntitle = \"Old Style Again\"\ndate = 1999-01-11\narxiv = \"hep-th/9901001v2\"\n+++\nL.\n",
    ),
    (
        "m-triple-1.md",
        "+++\ntitle = \"Triple A\"\ndate = 2025-05-01\narxiv = \"2505.01234\"\n+++\nM.\n",
    ),
    (
        "n-triple-2.md",
        "+++\ntitle = \"Triple B\"\ndate = 2025-05-02\narxiv = \"2505.01234v1\"\n+++\nN.\n",
    ),
    (
        "o-triple-3.md",
        "+++\ntitle = \"Triple C\"\ndate = 2025-05-03\narxiv = \"2505.01234v4\"\n+++\nO.\n",
    ),
    (
        "p-future.md",
        "+++\ntitle = \"From The Future\"\ndate = 2999-01-01\narxiv = \"2501.00003\"\n+++\nP.\n",
    ),
    (
        "q-future-published.md",
        "+++\ntitle = \"Published Later\"\ndate = 2025-01-01\npublished = 2999-02-02\narxiv = \"2501.00004\"\n+++\nQ.\n",
    ),
    (
        "r-published-after.md",
        "+++\ntitle = \"Listed Before Published\"\ndate = 2025-01-01\npublished = 2025-03-01\narxiv = \"2501.00005\"\n+++\nR.\n",
    ),
    (
        "s-bare.md",
        "+++\ntitle = \"Nowhere To Read\"\ndate = 2025-01-05\n+++\nS.\n",
    ),
    (
        "t-authors.md",
        "+++\ntitle = \"Placeholder People\"\ndate = 2025-01-06\narxiv = \"2501.00006\"\nauthors = [\"7 authors\", \"et al.\", \"Anonymous\", \"TBD\", \"Author 1\", \"Keshav Bhandari\"]\n+++\nT.\n",
    ),
    (
        "u-authors.md",
        "+++\ntitle = \"More Placeholders\"\ndate = 2025-01-07\narxiv = \"2501.00007\"\nauthors = [\"Ana Souza\", \"+3 more\", \"N/A\", \"Unknown\", \"12\"]\n+++\nU.\n",
    ),
    (
        "v-tags.md",
        "+++\ntitle = \"Tagged First\"\ndate = 2025-01-08\narxiv = \"2501.00008\"\ntags = [\"Music\", \"style transfer\", \"C++\", \"数学\"]\n+++\nV.\n",
    ),
    (
        "w-tags.md",
        "+++\ntitle = \"Tagged Second\"\ndate = 2025-01-09\narxiv = \"2501.00009\"\ntags = [\"music\", \"Style-Transfer\", \"c plus plus\", \"shu xue\"]\n+++\nW.\n",
    ),
    // A dead link in a record's body: found in the record, not only in the page.
    (
        "x-body-link.md",
        "+++\ntitle = \"Links Inside\"\ndate = 2025-01-10\narxiv = \"2501.00010\"\nauthors = [\"Priya Raman\"]\n+++\nSee [the other](/repo/papers/not-a-paper/) and [this](#no-such-part).\n",
    ),
];

/// An archive template with a dangling fragment and a link to no page.
const ARCHIVE: &str = "{% extends \"base.html\" %}\n{% block title %}Archive{% endblock title %}\n{% block content %}\n<h1>Archive</h1>\n<p><a href=\"#nowhere\">Jump</a> <a href=\"{{ site.base_path }}no-such-page/\">Gone</a></p>\n{% endblock content %}\n";

fn bad_site() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write(&root.join("site.toml"), SITE_TOML);
    for (name, text) in RECORDS {
        write(&root.join("content").join(name), text);
    }
    write(&root.join("templates/archive.html"), ARCHIVE);
    Site { tmp, root }
}

/// Line and column (1-based, in characters) of the first `needle` in `text`.
fn place(text: &str, needle: &str) -> (u64, u64) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line as u64, column as u64)
}

fn record(name: &str) -> &'static str {
    RECORDS.iter().find(|(n, _)| *n == name).unwrap().1
}

fn check_json(args: &[&str], cwd: &Path) -> (Option<i32>, Vec<Value>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = digest(&all, cwd);
    let findings: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr));
    (run.code, findings.as_array().unwrap().clone())
}

/// Asserts one finding of `code` and `severity` in `file` (ending with), at the place of
/// `needle` in `text` when given; returns it.
#[track_caller]
fn expect<'a>(
    findings: &'a [Value],
    severity: &str,
    code: &str,
    file: &str,
    at: Option<(&str, &str)>,
) -> &'a Value {
    let want = at.map(|(text, needle)| place(text, needle));
    findings
        .iter()
        .find(|f| {
            f["severity"] == severity
                && f["code"] == code
                && f["file"]
                    .as_str()
                    .is_some_and(|p| p.replace('\\', "/").ends_with(file))
                && want.is_none_or(|(l, c)| f["line"] == l && f["column"] == c)
        })
        .unwrap_or_else(|| {
            panic!(
                "no {severity} {code} in {file} at {want:?} among:\n{}",
                serde_json::to_string_pretty(findings).unwrap()
            )
        })
}

#[test]
fn every_seeded_record_problem_is_found_where_it_is_written() {
    let site = bad_site();
    let root = site.root.to_str().unwrap();
    let (code, findings) = check_json(&["--root", root], site.tmp.path());
    assert_eq!(code, Some(1), "errors exit 1");
    let r = record;
    let cases: &[(&str, &str, &str, &str)] = &[
        // (severity, code, file, the value it points at)
        (
            "error",
            "duplicate-arxiv",
            "b-arxiv-v2.md",
            "\"2502.04522v2\"",
        ),
        (
            "error",
            "duplicate-arxiv",
            "d-arxiv-v3.md",
            "\"2401.00001v3\"",
        ),
        ("error", "duplicate-doi", "f-doi.md", "\"10.1000/abc\""),
        (
            "error",
            "duplicate-title",
            "h-title.md",
            "\"attention is all you need!\"",
        ),
        (
            "error",
            "duplicate-arxiv",
            "l-old-v2.md",
            "\"hep-th/9901001v2\"",
        ),
        (
            "error",
            "duplicate-arxiv",
            "n-triple-2.md",
            "\"2505.01234v1\"",
        ),
        (
            "error",
            "duplicate-arxiv",
            "o-triple-3.md",
            "\"2505.01234v4\"",
        ),
        ("error", "future-date", "p-future.md", "2999-01-01"),
        (
            "error",
            "future-date",
            "q-future-published.md",
            "2999-02-02",
        ),
        (
            "error",
            "published-after-date",
            "r-published-after.md",
            "2025-03-01",
        ),
        (
            "warning",
            "no-way-to-paper",
            "s-bare.md",
            "\"Nowhere To Read\"",
        ),
        (
            "warning",
            "placeholder-author",
            "t-authors.md",
            "\"7 authors\"",
        ),
        (
            "warning",
            "placeholder-author",
            "t-authors.md",
            "\"et al.\"",
        ),
        (
            "warning",
            "placeholder-author",
            "t-authors.md",
            "\"Anonymous\"",
        ),
        ("warning", "placeholder-author", "t-authors.md", "\"TBD\""),
        (
            "warning",
            "placeholder-author",
            "t-authors.md",
            "\"Author 1\"",
        ),
        (
            "warning",
            "placeholder-author",
            "u-authors.md",
            "\"+3 more\"",
        ),
        ("warning", "placeholder-author", "u-authors.md", "\"N/A\""),
        (
            "warning",
            "placeholder-author",
            "u-authors.md",
            "\"Unknown\"",
        ),
        ("warning", "placeholder-author", "u-authors.md", "\"12\""),
        ("warning", "tag-variants", "w-tags.md", "\"music\""),
        ("warning", "tag-variants", "w-tags.md", "\"Style-Transfer\""),
        (
            "error",
            "tag-slug-collision",
            "w-tags.md",
            "\"c plus plus\"",
        ),
        ("error", "tag-slug-collision", "w-tags.md", "\"shu xue\""),
        // Dead links traced back to where they are written.
        (
            "error",
            "dead-link",
            "x-body-link.md",
            "/repo/papers/not-a-paper/",
        ),
        ("error", "dead-link", "x-body-link.md", "#no-such-part"),
        ("error", "dead-link", "templates/archive.html", "#nowhere"),
    ];
    for &(severity, check, file, needle) in cases {
        let text = if file.ends_with(".md") {
            r(file)
        } else {
            ARCHIVE
        };
        expect(&findings, severity, check, file, Some((text, needle)));
    }
    // A link to no page, made by a template expression, is shown in the page it is on.
    let gone = expect(&findings, "error", "dead-link", "archive/index.html", None);
    assert!(
        gone["message"]
            .as_str()
            .unwrap()
            .contains("/repo/no-such-page/"),
        "{gone}"
    );
    // Duplicates name both files.
    let dup = expect(&findings, "error", "duplicate-arxiv", "b-arxiv-v2.md", None);
    assert_eq!(dup["related"], serde_json::json!(["content/a-arxiv.md"]));
    // The same title told apart by arXiv ids, and a real name, are not problems.
    for quiet in ["i-title-other.md", "j-title-other.md", "a-arxiv.md"] {
        assert!(
            !findings
                .iter()
                .any(|f| f["file"].as_str().unwrap_or("").ends_with(quiet)),
            "{quiet} has no problem: {findings:#?}"
        );
    }
    assert!(
        !findings
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("Keshav"))
    );
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["code"] == "placeholder-author")
            .count(),
        9,
        "only the nine placeholders: {findings:#?}"
    );
}

/// Damages a built output by hand, as a failed upload or a broken template would, and checks
/// it with `--output`.
#[test]
fn a_damaged_output_is_checked_as_it_is() {
    let site = bad_site();
    let out = site.build_ok(&[]);
    let edit = |rel: &str, f: &dyn Fn(String) -> String| {
        let path = out.join(rel);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        std::fs::write(&path, f(text)).unwrap();
    };
    // Feeds: a truncated Atom feed, a tag feed without <updated>, one without any author, a
    // JSON feed cut short, one without its title.
    edit("atom.xml", &|t| t[..t.len() / 2].to_string());
    edit("tags/music/atom.xml", &|t| {
        let start = t.find("<updated>").unwrap();
        let end = t.find("</updated>").unwrap() + "</updated>".len();
        format!("{}{}", &t[..start], &t[end..])
    });
    edit("tags/c-plus-plus/atom.xml", &|t| {
        let start = t.find("<author>").unwrap();
        let end = t.find("</author>").unwrap() + "</author>".len();
        format!("{}{}", &t[..start], &t[end..])
    });
    edit("feed.json", &|t| t[..t.len() - 5].to_string());
    edit("tags/music/feed.json", &|t| {
        t.replacen("\"title\"", "\"name\"", 1)
    });
    // A paper page: broken JSON-LD, no citation_title, no #main target (its skip link's).
    edit("papers/x-body-link/index.html", &|t| {
        t.replacen("\"@context\"", "@context", 1)
            .replacen("name=\"citation_title\"", "name=\"dc_title\"", 1)
            .replacen("name=\"citation_author\"", "name=\"dc_creator\"", 1)
            .replacen("id=\"main\"", "id=\"content\"", 1)
    });
    edit("papers/v-tags/index.html", &|t| {
        t.replacen("name=\"citation_publication_date\"", "name=\"dc_date\"", 1)
            .replacen(
                "</main>",
                "<a href=\"/elsewhere/\">up</a> <a href=\"../w%20tags/\">sp</a></main>",
                1,
            )
    });
    // A page removed after the build, and one added by hand that the sitemap does not list.
    std::fs::remove_dir_all(out.join("papers/w-tags")).unwrap();
    write(
        &out.join("extra/index.html"),
        "<!doctype html><title>x</title><a href=\"../index.html\">home</a>",
    );
    let (code, findings) = check_json(
        &[
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    assert_eq!(code, Some(1));
    let has = |code: &str, file: &str, words: &str| {
        let f = expect(&findings, "error", code, file, None);
        let all: Vec<&Value> = findings
            .iter()
            .filter(|g| g["code"] == code && g["file"].as_str().unwrap().ends_with(file))
            .collect();
        assert!(
            all.iter()
                .any(|g| g["message"].as_str().unwrap().contains(words)),
            "no {code} in {file} saying {words:?}: {all:#?}"
        );
        f.clone()
    };
    let truncated = has("feed", "/atom.xml", "");
    assert!(truncated["line"].as_u64().unwrap() > 1, "{truncated}");
    has("feed", "tags/music/atom.xml", "updated");
    has("feed", "tags/c-plus-plus/atom.xml", "author");
    has("json", "/feed.json", "does not parse");
    has("json", "tags/music/feed.json", "title");
    has("json-ld", "papers/x-body-link/index.html", "JSON-LD");
    has("scholar", "papers/x-body-link/index.html", "citation_title");
    has(
        "scholar",
        "papers/x-body-link/index.html",
        "citation_author",
    );
    has(
        "scholar",
        "papers/v-tags/index.html",
        "citation_publication_date",
    );
    has("dead-link", "papers/x-body-link/index.html", "#main");
    has("dead-link", "papers/v-tags/index.html", "/elsewhere/");
    has("dead-link", "papers/v-tags/index.html", "w%20tags");
    // Every page that linked to the removed one now has a dead link, e.g. its day and tags.
    has("dead-link", "2025/01/09/index.html", "papers/w-tags/");
    has("dead-link", "tags/c-plus-plus/index.html", "papers/w-tags/");
    has("sitemap", "sitemap.xml", "papers/w-tags/");
    has("sitemap", "sitemap.xml", "extra/index.html");
    // The record a paper page comes from is named.
    let json_ld = expect(
        &findings,
        "error",
        "json-ld",
        "papers/x-body-link/index.html",
        None,
    );
    assert_eq!(
        json_ld["related"],
        serde_json::json!(["content/x-body-link.md"])
    );
    // Nothing was written into the output checked.
    assert!(!out.join("papers/w-tags").exists());
}
