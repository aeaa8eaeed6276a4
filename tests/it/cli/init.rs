//! `digest init`: a new folder that builds at once (every page there, every link resolving), that
//! `serve --watch` shows, that takes an imported listing; a folder that is not empty refused,
//! and `--force` keeping what is there; and the GitHub workflows it writes: actionlint-clean,
//! pinned to the current action majors and to this very version's release binary, and a daily
//! job that catches up and fails the run when a fetch fails.

use crate::common;
use crate::common::actionlint;
/// The daily workflow's Fetch step, run with a stand-in `digest`.
mod daily;
use crate::common::serve;

use std::path::{Path, PathBuf};

use common::{Run, Site, assert_links_ok, digest, repo};
use jiff::civil::Date;

/// The base URL `site.toml` is written with when `--base-url` is not given.
const DEFAULT_BASE_URL: &str = "https://example.org/";

/// `digest init <tmp>/site ARGS…` (the folder does not exist yet), asserting success.
fn new_site(args: &[&str]) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let run = init(&root, args);
    run.assert_success();
    Site { tmp, root }
}

fn init(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["init", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    digest(&all, dir.parent().unwrap())
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    common::files(dir)
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

fn days_ago(n: i64) -> Date {
    today().checked_sub(jiff::Span::new().days(n)).unwrap()
}

/// The new user's path: `digest init`, then `digest build` in the new folder with nothing
/// edited; every page exists and every link resolves.
#[test]
fn init_then_build_every_page_exists_every_link_resolves() {
    let site = new_site(&["--title", "Reading group \"papers\""]);
    assert_eq!(
        files(&site.root),
        [
            ".github/workflows/pages.yml",
            ".gitignore",
            "content/example-paper.md",
            "site.toml",
        ]
    );
    assert!(
        common::read(&site.root, ".gitignore")
            .lines()
            .any(|l| l == "/public/")
    );
    let run = digest(&["build"], &site.root);
    run.assert_success();
    assert!(run.stdout.contains("built 1 papers"), "{}", run.stdout);
    let out = site.root.join("public");
    assert_links_ok(&out, DEFAULT_BASE_URL);
    let paper = common::read(&out, "papers/example-paper/index.html");
    assert!(
        paper.contains("An example paper: what a record holds"),
        "{paper}"
    );
    assert!(paper.contains("<math"), "the example's formula is MathML");
    let day = today().strftime("%Y/%m/%d/index.html").to_string();
    assert!(out.join(&day).is_file(), "no day page {day}");
    let home = common::read(&out, "index.html");
    assert!(
        home.contains("Reading group &quot;papers&quot;")
            || home.contains("Reading group \"papers\""),
        "{home}"
    );
}

#[test]
fn base_url_is_written_and_a_bad_one_writes_nothing() {
    let site = new_site(&["--base-url", "https://lab.github.io/papers"]);
    let run = digest(&["build"], &site.root);
    run.assert_success();
    assert_links_ok(&site.root.join("public"), "https://lab.github.io/papers/");

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let run = init(&dir, &["--base-url", "lab.github.io"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("base_url"), "{}", run.stderr);
    assert!(!dir.exists());
}

/// `digest serve --watch` in the new folder shows the example on its home page.
#[test]
fn serve_watch_shows_the_example() {
    let site = new_site(&[]);
    let server = serve::Server::start(&site);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    let body = String::from_utf8_lossy(&home.body);
    assert!(
        body.contains("An example paper: what a record holds"),
        "{body}"
    );
    let paper = server.get("/papers/example-paper/");
    assert_eq!(paper.status, 200);
}

#[test]
fn a_folder_that_is_not_empty_is_refused_and_force_keeps_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let mine = "title = \"Mine\"\nbase_url = \"https://me.example/\"\n";
    common::write(&dir.join("README.md"), "my notes\n");
    common::write(&dir.join("site.toml"), mine);

    let run = init(&dir, &[]);
    assert_eq!(run.code, Some(4), "{}", run.stderr);
    assert!(
        run.stderr.contains("is not empty")
            && run.stderr.contains("README.md, site.toml")
            && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert_eq!(files(&dir), ["README.md", "site.toml"], "nothing written");

    let run = init(&dir, &["--force", "--title", "Theirs"]);
    run.assert_success();
    assert!(
        run.stdout
            .contains("kept      site.toml (it exists: not overwritten)"),
        "{}",
        run.stdout
    );
    assert_eq!(common::read(&dir, "site.toml"), mine);
    assert_eq!(common::read(&dir, "README.md"), "my notes\n");
    assert_eq!(
        files(&dir),
        [
            ".github/workflows/pages.yml",
            ".gitignore",
            "README.md",
            "content/example-paper.md",
            "site.toml",
        ]
    );
    // Again with --force: everything exists, so nothing at all is written.
    let example = common::read(&dir, "content/example-paper.md");
    common::write(&dir.join("content/example-paper.md"), "edited\n");
    let run = init(&dir, &["--force"]);
    run.assert_success();
    assert!(!run.stdout.contains("wrote"), "{}", run.stdout);
    assert_eq!(common::read(&dir, "content/example-paper.md"), "edited\n");
    assert_ne!(example, "edited\n");
}

/// `--force` in a site that has records adds what it lacks (the workflows) but no example
/// paper among the records.
#[test]
fn force_in_a_site_with_records_adds_no_example() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let record = "+++\ntitle = \"Mine\"\ndate = 2025-02-06\n+++\nAbstract.\n";
    common::write(&dir.join("content/2025/mine.md"), record);
    common::write(
        &dir.join("site.toml"),
        "base_url = \"https://me.example/\"\n",
    );
    init(&dir, &["--force", "--daily", "hf"]).assert_success();
    assert_eq!(
        files(&dir),
        [
            ".github/workflows/daily.yml",
            ".github/workflows/pages.yml",
            ".gitignore",
            "content/2025/mine.md",
            "site.toml",
        ]
    );
    assert_eq!(common::read(&dir, "content/2025/mine.md"), record);
}

/// A fresh `git init` or clone holds only `.git`: that is where a new site starts.
#[test]
fn a_folder_holding_only_git_is_empty_enough() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    init(&dir, &[]).assert_success();
    assert!(dir.join("site.toml").is_file());
}

/// `--import hf-text` of the sample listing: its 50 papers instead of the example, built.
#[test]
fn import_of_the_sample_listing_gives_its_50_papers() {
    let listing = repo().join("tests/fixtures/hf-daily-papers.txt");
    let site = new_site(&[
        "--import",
        "hf-text",
        listing.to_str().unwrap(),
        "--year",
        "2025",
    ]);
    let records: Vec<String> = files(&site.root.join("content"));
    assert_eq!(records.len(), 50, "{records:?}");
    let improvnet = common::read(
        &site.root,
        "content/improvnet-generating-controllable-musical-improvisations.md",
    );
    let front = common::front_matter(&improvnet).unwrap();
    assert_eq!(front["date"].to_string(), "2025-02-06", "{improvnet}");
    assert!(!records.iter().any(|r| r == "example-paper.md"));
    let run = digest(&["build"], &site.root);
    run.assert_success();
    assert!(run.stdout.contains("built 50 papers"), "{}", run.stdout);
    assert_links_ok(&site.root.join("public"), DEFAULT_BASE_URL);
}

/// `--force --import` into a site whose content/ holds records: nothing imported (an import
/// would update them), the records as they were.
#[test]
fn force_import_leaves_existing_records_alone() {
    let site = new_site(&[]);
    let example = common::read(&site.root, "content/example-paper.md");
    let listing = repo().join("tests/fixtures/hf-daily-papers.txt");
    let run = init(
        &site.root,
        &["--force", "--import", "hf-text", listing.to_str().unwrap()],
    );
    run.assert_success();
    assert!(run.stdout.contains("nothing imported"), "{}", run.stdout);
    assert_eq!(files(&site.root.join("content")), ["example-paper.md"]);
    assert_eq!(
        common::read(&site.root, "content/example-paper.md"),
        example
    );
}

/// A listing that cannot be read, or an unknown format, leaves no site behind.
#[test]
fn an_unreadable_import_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let run = init(&dir, &["--import", "hf-text", "/nonexistent/listing.txt"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("/nonexistent/listing.txt"),
        "{}",
        run.stderr
    );
    let run = init(&dir, &["--import", "rss", "x.txt"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("hf-text"), "{}", run.stderr);
    assert!(!dir.exists());
}

#[test]
fn a_bad_daily_source_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    for bad in ["rss", "arxiv:", "arxiv:${{ secrets.TOKEN }}"] {
        let run = init(&dir, &["--daily", bad]);
        assert_eq!(run.code, Some(2), "{bad}: {}", run.stderr);
    }
    assert!(!dir.exists());
}

/// The three kinds of site init makes, and each one's workflow files.
fn workflow_variants() -> Vec<(Site, Vec<PathBuf>)> {
    [
        vec![],
        vec!["--daily", "hf"],
        vec!["--daily", "arxiv:cat:cs.LG AND ti:'diffusion model'"],
    ]
    .into_iter()
    .map(|args| {
        let site = new_site(&args);
        let mut files: Vec<PathBuf> = std::fs::read_dir(site.root.join(".github/workflows"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let names: Vec<_> = files.iter().map(|f| f.file_name().unwrap()).collect();
        let expected: &[&str] = if args.is_empty() {
            &["pages.yml"]
        } else {
            &["daily.yml", "pages.yml"]
        };
        assert_eq!(names, expected, "{args:?}");
        (site, files)
    })
    .collect()
}

#[test]
fn every_workflow_init_writes_passes_actionlint() {
    if actionlint::skipped() {
        return;
    }
    actionlint::install();
    let variants = workflow_variants();
    let files: Vec<PathBuf> = variants.iter().flat_map(|(_, f)| f.clone()).collect();
    assert_eq!(files.len(), 5);
    actionlint::assert_clean(&files);
}

/// `owner/action` and the version of every `uses:` line.
fn uses(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().trim_start_matches("- ").trim_start();
            let (name, version) = rest.strip_prefix("uses:")?.trim().split_once('@')?;
            Some((name.to_string(), version.to_string()))
        })
        .collect()
}

/// The action majors current when these workflows were written, each checked against the
/// action's releases: all on Node 24; upload-pages-artifact v5 is the first with
/// `include-hidden-files`; cache v6 (June 2026) restores the build cache.
const MAJORS: [(&str, &str); 5] = [
    ("actions/cache", "v6"),
    ("actions/checkout", "v7"),
    ("actions/configure-pages", "v6"),
    ("actions/upload-pages-artifact", "v5"),
    ("actions/deploy-pages", "v5"),
];

/// The step (its lines) whose first line is `first`, up to the next step or the end of the job.
fn step<'a>(text: &'a str, first: &str) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start().trim_start_matches("- ") == first)
        .unwrap_or_else(|| panic!("no step `{first}` in\n{text}"));
    let dash = lines[start].find('-').unwrap();
    let mut end = start + 1;
    while end < lines.len() {
        let line = lines[end];
        let indent = line.len() - line.trim_start().len();
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') && indent <= dash {
            break;
        }
        end += 1;
    }
    lines[start..end].to_vec()
}

/// Pages actions at the current majors, the artifact with its dot-files.
fn assert_pages_actions(name: &str, text: &str) {
    let pinned = uses(text);
    for (action, version) in &pinned {
        let (_, major) = MAJORS
            .iter()
            .find(|(a, _)| a == action)
            .unwrap_or_else(|| panic!("{name} uses {action}, which this test does not know"));
        assert_eq!(version, major, "{name}: {action}");
    }
    let mut names: Vec<&str> = pinned.iter().map(|(a, _)| a.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut all: Vec<&str> = MAJORS.iter().map(|(a, _)| *a).collect();
    all.sort_unstable();
    assert_eq!(
        names, all,
        "{name} publishes with the four Pages actions and restores the build cache"
    );
    let upload = step(text, "uses: actions/upload-pages-artifact@v5");
    assert!(
        upload
            .iter()
            .any(|l| l.trim() == "include-hidden-files: true"),
        "{name}: {upload:#?}"
    );
    assert!(
        text.contains("--base-url \"${{ steps.pages.outputs.base_url }}/\""),
        "{name} builds with the Pages address"
    );
}

/// The URL the install step downloads, its shell variables filled in for `target`.
fn download_url(text: &str, target: &str) -> String {
    let value = |key: &str| {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no {key} in\n{text}"));
        line.split_once(": ")
            .unwrap()
            .1
            .trim()
            .trim_matches('"')
            .to_string()
    };
    let (version, repo) = (value("DIGEST_VERSION"), value("DIGEST_REPO"));
    let shell = |var: &str| {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{var}=\"")))
            .unwrap_or_else(|| panic!("no {var}= in\n{text}"));
        line.trim()
            .split_once('=')
            .unwrap()
            .1
            .trim_matches('"')
            .to_string()
    };
    let name = shell("name")
        .replace("$DIGEST_VERSION", &version)
        .replace("$target", target);
    shell("url")
        .replace("$DIGEST_REPO", &repo)
        .replace("$DIGEST_VERSION", &version)
        .replace("$name", &name)
}

/// Every workflow init writes pins the Pages actions' current majors, uploads dot-files, and
/// installs the release binary of this very version, from the URL `release.yml` gives it (the
/// one Cargo.toml's binstall metadata names), checksum verified, never compiling.
#[test]
fn init_workflows_pin_current_majors_and_this_version() {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    let repository = manifest["package"]["repository"].as_str().unwrap();
    let pkg_url = manifest["package"]["metadata"]["binstall"]["pkg-url"]
        .as_str()
        .unwrap();
    let version = env!("CARGO_PKG_VERSION");
    for (_site, files) in workflow_variants() {
        for file in files {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(&file).unwrap();
            assert_pages_actions(&name, &text);
            assert!(
                text.contains(&format!("  DIGEST_VERSION: \"{version}\"\n")),
                "{name}: not pinned to {version}"
            );
            for target in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"] {
                let expected = pkg_url
                    .replace("{ repo }", repository)
                    .replace("{ version }", version)
                    .replace("{ target }", target);
                assert_eq!(download_url(&text, target), expected, "{name}");
            }
            let install = step(&text, "name: Install digest ${{ env.DIGEST_VERSION }}").join("\n");
            assert!(
                install.contains("-O \"$url\" -O \"$url.sha256\""),
                "{install}"
            );
            assert!(
                install.contains("sha256sum --check \"$name.tar.gz.sha256\""),
                "{install}"
            );
            assert!(!text.contains("cargo "), "{name} compiles nothing");
        }
    }
}

/// The repository's own Pages workflow builds the sample site with `cargo run` (it has the
/// sources), with the same current majors and dot-files uploaded.
#[test]
fn the_repository_pages_workflow_pins_current_majors() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/pages.yml")).unwrap();
    let own: Vec<_> = uses(&text)
        .into_iter()
        .filter(|(a, _)| a.starts_with("actions/"))
        .collect();
    assert_eq!(own.len(), 4, "{own:?}");
    for (action, version) in &own {
        let major = MAJORS.iter().find(|(a, _)| a == action).unwrap().1;
        assert_eq!(version, major, "{action}");
    }
    let upload = step(&text, "uses: actions/upload-pages-artifact@v5");
    assert!(
        upload
            .iter()
            .any(|l| l.trim() == "include-hidden-files: true"),
        "{upload:#?}"
    );
}
