//! Deeply nested input never kills digest (issue 13, item 5): a formula nested 1,500 deep used
//! to overflow the stack in the math converter and abort `build` and `serve` (exit 134). Now
//! math nested too deeply is shown as its source with a warning at its line, and every parser
//! fed user input (TOML front matter, each importer) refuses deep nesting with an error or
//! copes with it.

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::path::Path;
use std::time::Duration;

use common::{Site, digest};
use scraper::{Html, Selector};
use serve::{Server, wait_for_reload};

/// `$` + `n` `{` + `x` + `n` `}` + `$`: the formula of the issue for n = 1,500.
fn deep_formula(n: usize) -> String {
    format!("${}x{}$", "{".repeat(n), "}".repeat(n))
}

fn record(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2025-02-06\n+++\n{body}")
}

/// The text of every `code.math-error` of a page.
fn math_errors(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let code = Selector::parse("code.math-error").unwrap();
    doc.select(&code).map(|c| c.text().collect()).collect()
}

#[test]
fn deep_math_builds_with_its_source_and_a_warning_at_its_line() {
    let site = Site::fixture("small");
    let formula = deep_formula(1500);
    site.write(
        "content/deep.md",
        &record(
            "Deep Math",
            &format!("First line.\n\nThe formula {formula} ends here; $x^2$ converts.\n"),
        ),
    );
    let run = site.build(&[]);
    run.assert_success();
    assert!(
        run.stderr
            .contains("warning: math nested more than 40 levels deep is not converted"),
        "{}",
        run.stderr
    );
    // Line 7 of the file, column 13: where the `$` is.
    assert!(
        run.stderr.contains("--> content/deep.md:7:13"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help: nest the formula less deeply"));
    // One warning, not one per page that shows the paper.
    assert_eq!(run.stderr.matches("warning:").count(), 1, "{}", run.stderr);

    let page = std::fs::read_to_string(site.out().join("papers/deep/index.html")).unwrap();
    assert_eq!(math_errors(&page), [formula]);
    assert!(
        page.contains("<math") && page.contains("<msup>"),
        "x^2 converts"
    );
    assert!(page.contains("ends here"));
    // The rest of the site is built as usual.
    assert!(site.out().join("papers/jukebox/index.html").is_file());
}

#[test]
fn a_formula_just_under_the_bound_converts_without_a_warning() {
    let site = Site::fixture("small");
    site.write(
        "content/nested.md",
        &record(
            "Nested",
            &format!(
                "Deep but fine: ${}x{}$.\n",
                r"\frac{1}{".repeat(19),
                "}".repeat(19)
            ),
        ),
    );
    let run = site.build(&[]);
    run.assert_success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let page = std::fs::read_to_string(site.out().join("papers/nested/index.html")).unwrap();
    assert!(math_errors(&page).is_empty());
    assert_eq!(page.matches("<mfrac>").count(), 19);
}

/// TOML nested 10,000 deep in every way it nests: `toml` stops at its recursion limit, and the
/// build reports it at the record's line instead of crashing.
#[test]
fn deeply_nested_front_matter_is_an_error_naming_the_record() {
    let n = 10_000;
    for (what, extra, at) in [
        (
            "arrays",
            format!("a = {}1{}", "[".repeat(n), "]".repeat(n)),
            Some(5),
        ),
        (
            "inline tables",
            format!("a = {}1{}", "{b = ".repeat(n), "}".repeat(n)),
            Some(5),
        ),
        (
            "arrays of tables",
            format!("a = {}1{}", "[{b = ".repeat(n), "}]".repeat(n)),
            Some(5),
        ),
        // toml reports no position for these: the error points at the front matter.
        ("dotted keys", format!("{}b = 1", "a.".repeat(n)), None),
    ] {
        let site = Site::fixture("small");
        site.write(
            "content/deep.md",
            &format!("+++\ntitle = \"Deep\"\ndate = 2025-02-06\n[extra]\n{extra}\n+++\nBody.\n"),
        );
        let run = site.build(&[]);
        let stderr = run.assert_problems();
        assert!(stderr.contains("invalid front matter"), "{what}: {stderr}");
        assert!(stderr.contains("recursion"), "{what}: {stderr}");
        let place = match at {
            Some(line) => format!("content/deep.md:{line}:"),
            None => "content/deep.md:".to_string(),
        };
        assert!(stderr.contains(&place), "{what}: {stderr}");
    }
}

fn import(tmp: &Path, format: &str, name: &str, text: &str) -> common::Run {
    let file = tmp.join(name);
    std::fs::write(&file, text).unwrap();
    digest(
        &[
            "import",
            format,
            file.to_str().unwrap(),
            "--into",
            "content",
            "--date",
            "2025-02-06",
        ],
        tmp,
    )
}

/// Every importer given input nested 10,000 deep either refuses it with an error naming the
/// file or imports it; none crashes.
#[test]
fn deeply_nested_listings_never_crash_an_importer() {
    let n = 10_000;
    let arrays = format!("{}{}", "[".repeat(n), "]".repeat(n));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
    for format in ["hf-json", "csl-json", "s2-json", "json", "auto"] {
        for (shape, text) in [("arrays", &arrays), ("objects", &objects)] {
            let tmp = tempfile::tempdir().unwrap();
            let run = import(tmp.path(), format, "deep.json", text);
            let stderr = run.assert_problems();
            assert!(
                stderr.contains("deep.json") && stderr.contains("line 1, column"),
                "{format} {shape}: {stderr}"
            );
            assert!(!tmp.path().join("content").exists(), "{format} {shape}");
        }
    }
    // serde_json's recursion limit (128) is on: the error names it.
    let tmp = tempfile::tempdir().unwrap();
    let run = import(tmp.path(), "hf-json", "deep.json", &arrays);
    assert!(
        run.stderr.contains("recursion limit exceeded"),
        "{}",
        run.stderr
    );

    let tmp = tempfile::tempdir().unwrap();
    let atom = format!(
        "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry>{}{}</entry>\n</feed>\n",
        "<x>".repeat(n),
        "</x>".repeat(n)
    );
    let run = import(tmp.path(), "arxiv-atom", "deep.atom", &atom);
    assert!(
        run.stderr.contains("deep.atom:3:1: skipped an entry"),
        "{}",
        run.stderr
    );

    // hf-text reads lines: brackets and braces are text to it.
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("{}\n{}\n", "[".repeat(n), deep_formula(n));
    import(tmp.path(), "hf-text", "deep.txt", &text).assert_success();

    // BibTeX braces nest 10,000 deep in a title; the abstract holds the issue's formula, which
    // the build then shows as source with a warning at its place in the imported record. The
    // records merged into include one with front matter nested 10,000 deep: merging reads
    // every record's front matter (toml, toml_edit), and that one is passed over with a warning.
    let tmp = tempfile::tempdir().unwrap();
    let deep_record = format!(
        "+++\ntitle = \"Deep\"\ndate = 2025-02-06\n[extra]\na = {}1{}\n+++\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    common::write(
        &tmp.path().join("content/deep-front-matter.md"),
        &deep_record,
    );
    let bib = format!(
        "@article{{deep2025,\n  title = {{{}Deep Braces{}}},\n  author = {{Ada Lovelace}},\n  year = 2025,\n  abstract = {{Look: {}.}}\n}}\n",
        "{".repeat(n),
        "}".repeat(n),
        deep_formula(1500)
    );
    let run = import(tmp.path(), "bibtex", "deep.bib", &bib);
    run.assert_success();
    assert!(
        run.stderr
            .contains("deep-front-matter.md has no readable front matter"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(tmp.path().join("content/deep-front-matter.md")).unwrap();
    std::fs::write(
        tmp.path().join("site.toml"),
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let build = digest(&["build", "--output", out.to_str().unwrap()], tmp.path());
    build.assert_success();
    assert!(
        build.stderr.contains("warning: math nested more than 40"),
        "{}",
        build.stderr
    );
    let records = common::files(&tmp.path().join("content"));
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(
        build
            .stderr
            .contains(&format!("--> content/{}:", records[0])),
        "{}",
        build.stderr
    );
}

/// Saving a record with the issue's formula while `serve --watch` runs used to kill the
/// server; now the page shows the source, the terminal the warning, and the server keeps
/// answering and rebuilding.
#[test]
fn saving_deep_math_while_serving_keeps_the_server_answering() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    let stderr_lines = server.stderr.len();
    let formula = deep_formula(1500);
    let original = site.read("content/jukebox.md");
    site.write(
        "content/jukebox.md",
        &format!("{original}\nAnd now {formula}.\n"),
    );
    wait_for_reload(&mut ws);
    server.assert_alive();
    let page = server.get("/papers/jukebox/");
    assert_eq!(page.status, 200);
    assert_eq!(math_errors(&page.text()), [formula]);
    let line = original.lines().count() + 2;
    assert!(
        server
            .stderr
            .wait_for(stderr_lines, Duration::from_secs(5), |l| l
                .contains(&format!("content/jukebox.md:{line}:9")))
            .is_some(),
        "the terminal does not show the warning at its line\n{}",
        server.logs()
    );

    // Still rebuilding: the formula made shallow converts.
    site.write(
        "content/jukebox.md",
        &format!("{original}\nAnd now $x^2$.\n"),
    );
    wait_for_reload(&mut ws);
    let page = server.get("/papers/jukebox/").text();
    assert!(math_errors(&page).is_empty() && page.contains("<msup>"));
    assert_eq!(server.get("/").status, 200);
    server.assert_alive();
}
