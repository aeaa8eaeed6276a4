//! `digest check` on clean sites says nothing wrong; on a small bad one, its report as a
//! person reads it (a snapshot).

use crate::common::{Site, digest, generated, write};

/// The repository's own site has no errors. Its records come from a listing that gave no
/// arXiv ids for most papers: those are the warnings, and the only ones.
#[test]
fn the_repository_site_has_no_errors() {
    let site = Site::repo_site();
    let run = digest(
        &[
            "check",
            "--root",
            site.root.to_str().unwrap(),
            "--format",
            "json",
        ],
        site.tmp.path(),
    );
    run.assert_success();
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for f in findings.as_array().unwrap() {
        assert_eq!(f["severity"], "warning", "{f}");
        assert_eq!(f["code"], "no-way-to-paper", "{f}");
    }
}

/// A generated site of 300 papers, each with a link to its paper: nothing to report, and the
/// summary says what was read.
#[test]
fn a_generated_site_has_no_problem() {
    let site = generated::site(300, 17);
    for entry in walkdir::WalkDir::new(site.root.join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let stem = entry
                .path()
                .file_stem()
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let text = text.replacen(
                "+++\n",
                &format!("+++\nlinks = {{ pdf = \"https://papers.example.net/{stem}.pdf\" }}\n"),
                1,
            );
            std::fs::write(entry.path(), text).unwrap();
        }
    }
    let run = digest(
        &["check", "--root", site.root.to_str().unwrap()],
        site.tmp.path(),
    );
    run.assert_success();
    assert!(
        run.stdout.starts_with("checked 300 records and "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(": 0 errors, 0 warnings"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\nsize: "), "{}", run.stdout);
    // The check built into a temporary folder: the site's own output folder was not made.
    assert!(!site.root.join("public").exists());
}

/// The text report of a small bad site, as a person reads it.
#[test]
fn the_text_report_of_a_small_bad_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write(
        &root.join("site.toml"),
        "title = \"Small\"\nbase_url = \"https://example.org/\"\n",
    );
    write(
        &root.join("content/one.md"),
        "+++\ntitle = \"One Paper\"\ndate = 2025-02-06\narxiv = \"2502.04522\"\n+++\nOne.\n",
    );
    write(
        &root.join("content/two.md"),
        "+++\ntitle = \"The Same Paper\"\ndate = 2025-02-07\narxiv = \"2502.04522v2\"\nauthors = [\"Ana Souza\", \"et al.\"]\n+++\nTwo.\n",
    );
    write(
        &root.join("content/three.md"),
        "+++\ntitle = \"Later\"\ndate = 2999-01-01\npublished = 2998-12-01\n+++\nSee [nothing](/papers/none/).\n",
    );
    let run = digest(&["check", "--root", root.to_str().unwrap()], tmp.path());
    run.assert_problems();
    // The time, the size and today's date change from run to run.
    let today = run
        .stdout
        .find("today is ")
        .map(|i| run.stdout[i..i + 19].to_string());
    let text: String = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with("size: "))
        .map(|l| match l.find(" (") {
            Some(i) if l.starts_with("checked ") => format!("{}\n", &l[..i]),
            _ => format!("{l}\n"),
        })
        .collect();
    let text = match today {
        Some(today) => text.replace(&today, "today is [today]"),
        None => text,
    };
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!(text);
    });
}

/// The Pages workflows build with the Pages address as `--base-url` (a project site under
/// `/<repo>/`, whatever `site.toml` says) and then check that output: with the same
/// `--base-url` every link resolves; against `site.toml`'s address the same links point outside
/// the site, which is what `--base-url` is for.
#[test]
fn an_output_built_with_a_base_url_is_checked_with_the_same_one() {
    let site = Site::fixture("small");
    let out = site.tmp.path().join("public");
    let base = "https://someone.github.io/papers/";
    let build = digest(
        &[
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--base-url",
            base,
        ],
        site.tmp.path(),
    );
    build.assert_success();
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        digest(&args, site.tmp.path())
    };
    let same = check(&["--base-url", base]);
    let findings: serde_json::Value = serde_json::from_str(&same.stdout).unwrap();
    let errors: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    same.assert_success();

    let other = check(&[]);
    assert!(
        other.stdout.contains("\"dead-link\""),
        "checked against site.toml's base_url, the links lead outside the site: {}",
        other.stdout
    );
}

/// A sitemap past 50,000 URLs is an index (`sitemap.xml`) of parts (`sitemap-N.xml`), as
/// digest writes it for a large site: the pages listed are those of every part. Made here from
/// a small site's sitemap cut in two parts; then one page left out of the parts is reported.
#[test]
fn a_sitemap_index_lists_the_pages_of_its_parts() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let text = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let urls: Vec<&str> = text.lines().filter(|l| l.contains("<url>")).collect();
    assert!(urls.len() > 4, "{text}");
    let base = "https://example.org/";
    assert!(
        text.contains(base),
        "the fixture's base_url is {base}: {text}"
    );
    let part = |lines: &[&str]| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{}\n</urlset>\n",
            lines.join("\n")
        )
    };
    let half = urls.len() / 2;
    write(&out.join("sitemap-1.xml"), &part(&urls[..half]));
    write(&out.join("sitemap-2.xml"), &part(&urls[half..]));
    write(
        &out.join("sitemap.xml"),
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <sitemap><loc>{base}sitemap-1.xml</loc></sitemap>\n  <sitemap><loc>{base}sitemap-2.xml</loc></sitemap>\n</sitemapindex>\n"
        ),
    );
    let check = || {
        digest(
            &[
                "check",
                "--root",
                site.root.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
                "--format",
                "json",
            ],
            site.tmp.path(),
        )
    };
    let sitemap_findings = |stdout: &str| -> Vec<String> {
        let findings: serde_json::Value = serde_json::from_str(stdout).unwrap();
        findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "sitemap")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    let run = check();
    assert_eq!(sitemap_findings(&run.stdout), Vec::<String>::new());

    let dropped = urls[half];
    write(&out.join("sitemap-2.xml"), &part(&urls[half + 1..]));
    let run = check();
    let found = sitemap_findings(&run.stdout);
    assert_eq!(found.len(), 1, "{found:?}");
    let page = dropped
        .split(base)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert!(found[0].contains(page), "{found:?} should name {page}");
}
