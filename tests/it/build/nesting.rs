//! Deeply nested input never kills digest (issue 13, item 5): a formula nested 1,500 deep used
//! to overflow the stack in the math converter and abort `build` and `serve` (exit 134). Now
//! math nested too deeply is shown as its source with a warning at its line, and every parser
//! fed user input (TOML front matter, each importer) refuses deep nesting with an error or
//! copes with it.

use crate::common;
use crate::common::serve;

use std::path::Path;
use std::time::Duration;

use common::{Site, digest};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
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
    common::import_listing(tmp, format, name, text, &["--date", "2025-02-06"])
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
    // The first edit's catch-up (its search snippet changed) may reload after the edit: wait
    // for the reload that shows the new text.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        wait_for_reload(&mut ws);
        let page = server.get("/papers/jukebox/").text();
        if math_errors(&page).is_empty() && page.contains("<msup>") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the shallow formula never converted\n{}",
            server.logs()
        );
    }
    assert_eq!(server.get("/").status, 200);
    server.assert_alive();
}

/// `picks.len()` openers from `shapes` (the n-th chosen by the n-th pick), then `core`, then
/// the matching closers.
fn nest(shapes: &[(&str, &str)], picks: &[u8], core: &str) -> String {
    let picked: Vec<_> = picks
        .iter()
        .map(|&p| shapes[usize::from(p) % shapes.len()])
        .collect();
    let mut text: String = picked.iter().map(|(open, _)| *open).collect();
    text.push_str(core);
    text.extend(picked.iter().rev().map(|(_, close)| *close));
    text
}

/// Every parser digest feeds user input, given its nesting constructs picked by `picks`,
/// `picks.len()` deep: returns (a value or an error), and nesting past the JSON and TOML
/// limits is an error naming the recursion.
fn check_every_parser(picks: &[u8]) {
    use digest::import::{arxiv_atom, bibtex, csl_json, hf_json, hf_text, merge, s2_json};
    let depth = picks.len();

    let json_shapes = [("[", "]"), (r#"{"a":"#, "}"), (r#"[{"b":"#, "}]")];
    let deep = nest(&json_shapes, picks, "1");
    let listing = format!(r#"[{{"paper": {{"id": "2502.04522", "title": "T", "x": {deep}}}}}]"#);
    for text in [&deep, &listing] {
        let results = [
            hf_json::parse(text).err(),
            csl_json::parse(text).err(),
            s2_json::parse(text, None).err(),
            digest::import::digest_json::parse(text).err(),
        ];
        if depth > 128 {
            for error in results {
                let error = error.expect("deeper than serde_json's limit");
                // digest's own JSON wants an array first and may say so first.
                assert!(
                    error.contains("recursion limit") || error.contains("expected a sequence"),
                    "{error}"
                );
            }
        }
    }

    let xml_shapes = [
        ("<x>", "</x>"),
        ("<entry>", "</entry>"),
        ("<title>", "</title>"),
        ("<author><name>", "</name></author>"),
    ];
    let atom = format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>{}</entry></feed>",
        nest(&xml_shapes, picks, "x")
    );
    let _ = arxiv_atom::parse(&atom);

    let bib_shapes = [("{", "}"), ("\\'{", "}"), ("{\\em ", "}"), ("{$", "$}")];
    let bib = format!(
        "@article{{k, title = {{{}}}, author = {{{}}}, year = 2025}}\n",
        nest(&bib_shapes, picks, "x"),
        nest(&bib_shapes, picks, "A and B"),
    );
    let _ = bibtex::parse(&bib, None);
    let _ = hf_text::parse(&nest(&bib_shapes, picks, "x"), 2025);

    let toml_shapes = [("[", "]"), ("{b = ", "}"), ("[{b = ", "}]")];
    let value = nest(&toml_shapes, picks, "1");
    let record = format!(
        "+++\ntitle = \"T\"\ndate = 2025-02-06\n[extra]\na = {value}\n{}c = 1\n+++\nBody.\n",
        "d.".repeat(depth)
    );
    let parsed = digest::record::parse(&record, "content/deep.md", "deep");
    let _ = merge::ExistingRecord::read("content/deep.md".into(), record.clone());
    let edited = record[4..record.len() - 10].parse::<toml_edit::DocumentMut>();
    let config = digest::config::Config::parse(
        &format!("title = \"T\"\nbase_url = \"https://example.org/\"\na = {value}\n"),
        "site.toml",
        None,
    );
    if depth > 80 {
        let Err(problems) = parsed else {
            panic!("front matter {depth} deep was accepted");
        };
        assert!(
            problems[0].message.contains("recurs"),
            "{}",
            problems[0].message
        );
        assert!(edited.is_err());
    }
    assert!(config.is_err(), "an unknown key or too deep");
}

/// Property (proptest: a failing mix shrinks to a short one): every parser digest feeds user
/// input (record front matter and `site.toml` through toml and toml_edit, each importer)
/// given random mixes of its nesting constructs, up to 20,000 deep, returns (a value or an
/// error) on a thread with the 2 MiB stack of rayon's workers; nesting past the JSON and TOML
/// limits is an error, not a crash. (A stack overflow aborts the process, which no runner can
/// shrink: the fixed depths around the JSON limit come first.)
#[test]
fn random_deep_nesting_never_crashes_a_parser() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            for depth in 200..204u8 {
                let picks: Vec<u8> = (0..depth).collect();
                check_every_parser(&picks);
            }
            let config = ProptestConfig {
                cases: common::proptest_cases(20),
                failure_persistence: None,
                ..ProptestConfig::default()
            };
            let picks = proptest::collection::vec(any::<u8>(), 1..20_000);
            TestRunner::new(config)
                .run(&picks, |picks| {
                    check_every_parser(&picks);
                    Ok(())
                })
                .unwrap_or_else(|failure| panic!("{failure}"));
        })
        .expect("spawn")
        .join()
        .expect("no parser panicked");
}
