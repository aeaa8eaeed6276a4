//! The guard against publishing a shrunken or stale site (`[guard]` of `site.toml`): a build
//! that lost more papers than allowed, or whose newest day went back past the limit, is
//! refused with exit status 1 and the previous output byte-identical; `--accept-shrink`
//! publishes it; a site with no previous output builds; with `--guard-url` (the daily
//! workflow) or `DIGEST_GUARD_FETCH=1`, a build into an empty folder is compared with the
//! published site's `digest.json`, fetched from `base_url` (here a server on 127.0.0.1).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use jiff::civil::Date;

use crate::common::{self, Run, Site, tree};

/// Today (UTC), as the binary sees it.
fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

fn days_ago(n: i64) -> Date {
    today().checked_sub(jiff::Span::new().days(n)).unwrap()
}

/// A site of `papers` records listed on `days` (round robin), with `guard` as its `[guard]`.
fn site(base_url: &str, papers: usize, days: &[Date], guard: &str) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let site = Site { tmp, root };
    site.write(
        "site.toml",
        &format!("title = \"Guarded\"\nbase_url = \"{base_url}\"\n\n[guard]\n{guard}\n"),
    );
    for i in 0..papers {
        site.write(
            &format!("content/p{i:03}.md"),
            &format!(
                "+++\ntitle = \"Paper number {i}\"\ndate = {}\narxiv = \"2501.{:05}\"\n+++\nAbstract {i}.\n",
                days[i % days.len()],
                i + 10
            ),
        );
    }
    site
}

fn remove(site: &Site, which: impl IntoIterator<Item = usize>) {
    for i in which {
        std::fs::remove_file(site.path(&format!("content/p{i:03}.md"))).unwrap();
    }
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&common::read(out, "digest.json")).unwrap()
}

#[test]
fn a_build_that_lost_a_tenth_of_its_papers_is_refused_and_the_output_kept_byte_identical() {
    let site = site("https://example.org/", 20, &[days_ago(1), days_ago(2)], "");
    let out = site.build_ok(&[]);
    assert_eq!(manifest(&out)["papers"], 20);
    let before = tree(&out);

    remove(&site, [3, 11]);
    let run = site.build(&[]);
    let stderr = run.assert_problems();
    for needle in [
        "not publishing this build",
        "it has 18 papers, 2 fewer than the 20 there: 10.0% dropped, more than max_paper_drop = \"5%\" allows",
        "digest.json",
        "--accept-shrink",
        "the previous output was left untouched",
    ] {
        assert!(stderr.contains(needle), "lacks {needle:?}:\n{stderr}");
    }
    assert!(tree(&out) == before, "a refused build changed the output");
    assert!(
        out.join("papers/p003/index.html").exists(),
        "the removed paper's page is still published"
    );
}

#[test]
fn accept_shrink_publishes_the_smaller_site() {
    let site = site("https://example.org/", 20, &[days_ago(1)], "");
    let out = site.build_ok(&[]);
    remove(&site, 0..2);
    site.build(&[]).assert_problems();
    let run = site.build(&["--accept-shrink"]);
    run.assert_success();
    assert!(
        run.stderr
            .contains("publishing anyway (--accept-shrink): it has 18 papers"),
        "{}",
        run.stderr
    );
    assert_eq!(manifest(&out)["papers"], 18);
    // The smaller site is now the one later builds are compared with.
    site.build_ok(&[]);
}

#[test]
fn a_drop_within_the_limits_publishes() {
    // 1 of 20 is 5%: allowed by the default. 3 of 20 with max_paper_drop = 3 papers: allowed.
    let site = site("https://example.org/", 20, &[days_ago(1)], "");
    let out = site.build_ok(&[]);
    remove(&site, [0]);
    site.build_ok(&[]);
    assert_eq!(manifest(&out)["papers"], 19);

    let site = site_with_limit("max_paper_drop = 3");
    let out = site.build_ok(&[]);
    remove(&site, 0..3);
    site.build_ok(&[]);
    assert_eq!(manifest(&out)["papers"], 17);
    remove(&site, 3..7);
    let stderr = site.build(&[]).assert_problems().to_string();
    assert!(
        stderr.contains("more than max_paper_drop = 3 allows"),
        "{stderr}"
    );

    let site = site_with_limit("max_paper_drop = false");
    site.build_ok(&[]);
    remove(&site, 0..15);
    site.build_ok(&[]);
}

fn site_with_limit(guard: &str) -> Site {
    site("https://example.org/", 20, &[days_ago(1)], guard)
}

#[test]
fn a_site_with_no_previous_output_builds() {
    let site = site("https://example.org/", 5, &[days_ago(40)], "");
    let out = site.build_ok(&[]);
    let written = manifest(&out);
    assert_eq!(written["papers"], 5);
    assert_eq!(written["digest"], 1);
    assert_eq!(written["newest_day"], days_ago(40).to_string());
    // Every file of the plan: pages, feeds, BibTeX and the manifest itself (not the static
    // files, search index, sitemap or marker).
    let pages = written["pages"].as_u64().unwrap() as usize;
    let html = common::files(&out)
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert!(pages > html, "{pages} planned files, {html} html pages");
    assert!(
        written.get("built_at").is_none(),
        "no SOURCE_DATE_EPOCH, no time: {written}"
    );

    // An output of an older digest (no digest.json) is nothing to compare with either.
    std::fs::remove_file(out.join("digest.json")).unwrap();
    remove(&site, 0..4);
    site.build_ok(&[]);
}

#[test]
fn a_newest_day_gone_back_past_the_limit_is_refused_but_a_quiet_site_is_not() {
    // Papers yesterday and 20 days ago; the guard counts days only.
    let site = site(
        "https://example.org/",
        10,
        &[days_ago(1), days_ago(20)],
        "max_paper_drop = false",
    );
    let out = site.build_ok(&[]);
    let before = tree(&out);
    // The newest day's records vanish: the newest day goes back to 20 days ago.
    remove(&site, (0..10).step_by(2));
    let run = site.build(&[]);
    let stderr = run.assert_problems();
    let expected = format!(
        "its newest day is {}, older than the {} there and more than 3 days before today ({}), which max_stale_days = 3 does not allow",
        days_ago(20),
        days_ago(1),
        today()
    );
    assert!(stderr.contains(&expected), "lacks {expected:?}:\n{stderr}");
    assert!(tree(&out) == before, "a refused build changed the output");

    // Turned off, it publishes; and a site that merely was not updated (its newest day stays
    // 20 days old) publishes too: replacing it loses nothing.
    site.build_ok(&["--accept-shrink"]);
    site.write(
        "content/p001.md",
        &site
            .read("content/p001.md")
            .replace("Abstract 1.", "Abstract 1, edited."),
    );
    site.build_ok(&[]);
    assert_eq!(manifest(&out)["newest_day"], days_ago(20).to_string());
}

#[test]
fn a_newest_day_that_goes_back_within_the_limit_publishes() {
    let site = site(
        "https://example.org/",
        10,
        &[days_ago(0), days_ago(2)],
        "max_paper_drop = false\nmax_stale_days = 3",
    );
    site.build_ok(&[]);
    remove(&site, (0..10).step_by(2));
    site.build_ok(&[]);
}

/// A server on 127.0.0.1 answering every request with `status` and `body`; returns its base
/// URL. Serves until the test process ends.
fn published_site(status: u16, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            // The request line and headers, up to the empty line.
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}/")
}

/// `digest build` of `site` into a new empty folder, with `env` set.
fn build_into_empty(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = site.tmp.path().join("fresh");
    let _ = std::fs::remove_dir_all(&out);
    let mut command = Command::new(env!("CARGO_BIN_EXE_digest"));
    command
        .args([
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .args(args)
        .current_dir(site.tmp.path())
        .env("NO_COLOR", "1")
        .env_remove("DIGEST_GUARD_FETCH")
        .env_remove("CI");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn in_ci_a_build_into_an_empty_folder_is_compared_with_the_published_site() {
    let published = format!(
        "{{\"digest\": 1, \"generator\": \"digest 0.1.0\", \"papers\": 20, \"newest_day\": \"{}\", \"pages\": 70}}",
        days_ago(1)
    );
    let url = published_site(200, published);
    let site = site(&url, 18, &[days_ago(1)], "");

    let run = build_into_empty(&site, &["--guard-url"], &[]);
    let stderr = run.assert_problems();
    assert!(
        stderr.contains(&format!("the site it would replace ({url}digest.json)")),
        "{stderr}"
    );
    assert!(
        stderr.contains("it has 18 papers, 2 fewer than the 20 there"),
        "{stderr}"
    );
    assert!(
        !site.tmp.path().join("fresh").exists(),
        "nothing was written"
    );
    // The same through the environment; and not without either (CI=true alone does not fetch).
    build_into_empty(&site, &[], &[("DIGEST_GUARD_FETCH", "1")]).assert_problems();
    build_into_empty(&site, &[], &[("CI", "true")]).assert_success();
    build_into_empty(&site, &["--guard-url", "--accept-shrink"], &[]).assert_success();
}

#[test]
fn a_published_manifest_that_cannot_be_had_is_a_warning_not_a_refusal() {
    for (status, body, says) in [
        (404, "not found".to_string(), "answered 404"),
        (500, "oops".to_string(), "the server answered 500"),
        (
            200,
            "<html>not json</html>".to_string(),
            "not a digest manifest",
        ),
    ] {
        let url = published_site(status, body);
        let site = site(&url, 3, &[days_ago(1)], "");
        let run = build_into_empty(&site, &["--guard-url"], &[]);
        run.assert_success();
        assert!(
            run.stderr.contains("warning: ") && run.stderr.contains(says),
            "{status}: {}",
            run.stderr
        );
    }
    // Nobody listening.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = site(&format!("http://127.0.0.1:{port}/"), 3, &[days_ago(1)], "");
    let run = build_into_empty(&site, &["--guard-url"], &[]);
    run.assert_success();
    assert!(
        run.stderr.contains("cannot read the published manifest"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_guard_settings_are_errors_at_their_place_in_site_toml() {
    let site = site(
        "https://example.org/",
        2,
        &[days_ago(1)],
        "max_paper_drop = \"five\"",
    );
    let stderr = site.build(&[]).assert_problems().to_string();
    assert!(stderr.contains("site.toml:5:18"), "{stderr}");
    assert!(
        stderr.contains("max_paper_drop must be a percentage"),
        "{stderr}"
    );
    let site = site_with_limit("max_stale_days = -1");
    let stderr = site.build(&[]).assert_problems().to_string();
    assert!(
        stderr.contains("site.toml:5:18") && stderr.contains("max_stale_days"),
        "{stderr}"
    );
}
