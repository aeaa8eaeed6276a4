//! The status page `/status/` and `status.json`: the newest day, the counts, papers per
//! listing day with the weekdays that have none marked as gaps, the build time only when the
//! build is told it (`SOURCE_DATE_EPOCH`), no section for data that does not exist yet; linked
//! from every page's footer, left out of the sitemap, valid HTML (Nu HTML checker).

use std::path::PathBuf;

use crate::common::{self, Site, html, read, sel, text_of};

/// A site with papers on Mon 3, Tue 4, Thu 6 and Sun 9 Feb 2025 and Mon 10 (twice): Wed 5 and
/// Fri 7 are gaps; Sat 8 is no listing day; Sun 9 has papers, so it is one.
fn site_with_gaps() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let site = Site { tmp, root };
    site.write(
        "site.toml",
        "title = \"Status site\"\nbase_url = \"https://example.org/digest/\"\n",
    );
    for (i, day) in [
        "2025-02-03",
        "2025-02-04",
        "2025-02-06",
        "2025-02-09",
        "2025-02-10",
        "2025-02-10",
    ]
    .iter()
    .enumerate()
    {
        site.write(
            &format!("content/p{i}.md"),
            &format!("+++\ntitle = \"Paper {i}\"\ndate = {day}\n+++\nText {i}.\n"),
        );
    }
    site
}

#[test]
fn the_status_page_shows_the_newest_day_the_counts_and_the_gaps() {
    let site = site_with_gaps();
    let out = site.build_ok(&[]);
    let doc = html(&out, "status/index.html");
    let page = read(&out, "status/index.html");
    assert_eq!(text_of(&doc, "h1").as_deref(), Some("Status"));
    let header = text_of(&doc, ".list-header p").unwrap();
    assert!(header.starts_with("6 papers on 5 days"), "{header}");
    let newest = doc
        .select(&sel("dl.status dd a"))
        .next()
        .expect("a link to the newest day");
    assert_eq!(newest.value().attr("href"), Some("/digest/2025/02/10/"));
    assert!(page.contains("(2 papers)"), "{page}");
    // No build time without SOURCE_DATE_EPOCH; no ledger or check sections without their data.
    assert!(!page.contains("<dt>Built</dt>"), "{page}");
    assert!(!page.contains("Last fetched") && !page.contains("<dt>Check</dt>"));
    // The chart: 7 listing days (Mon 3 to Mon 10, Sunday for its papers, not Saturday), 2 gaps.
    let svg = doc
        .select(&sel("svg.days-chart"))
        .next()
        .expect("the chart");
    assert_eq!(svg.value().attr("width"), Some("35"));
    let label = svg.value().attr("aria-label").unwrap();
    assert_eq!(
        label,
        "Papers per listing day, Feb 3, 2025 to Feb 10, 2025: 6 papers on 7 listing days; busiest Feb 10, 2025 with 2; no papers on 2 weekdays: Feb 5, 2025, Feb 7, 2025"
    );
    let gaps = doc.select(&sel("svg.days-chart path.gap")).next().unwrap();
    assert_eq!(gaps.value().attr("d").unwrap().matches('M').count(), 2);
    let bars = doc.select(&sel("svg.days-chart path.bar")).next().unwrap();
    assert_eq!(bars.value().attr("d").unwrap().matches('M').count(), 5);
    let gap_text = text_of(&doc, ".status-days p").unwrap();
    assert!(
        gap_text.contains("No papers on 2 weekdays")
            && gap_text.contains("Feb 5, 2025; Feb 7, 2025"),
        "{gap_text}"
    );
    // The chart is drawn at build time: no script in it or around it (the theme's site.js,
    // on every page, only reveals copy buttons).
    let section = doc.select(&sel(".status-days")).next().unwrap().html();
    assert!(!section.contains("<script"), "{section}");
}

#[test]
fn status_json_has_the_same_data() {
    let site = site_with_gaps();
    let out = site.build_ok(&[]);
    let status: serde_json::Value = serde_json::from_str(&read(&out, "status.json")).unwrap();
    assert_eq!(status["newest_day"], "2025-02-10");
    assert_eq!(status["papers"], 6);
    assert_eq!(status["days_with_papers"], 5);
    assert_eq!(
        status["gaps"],
        serde_json::json!(["2025-02-05", "2025-02-07"])
    );
    let days: Vec<(String, u64)> = status["listing_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                d["papers"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("2025-02-03".to_string(), 1),
            ("2025-02-04".to_string(), 1),
            ("2025-02-05".to_string(), 0),
            ("2025-02-06".to_string(), 1),
            ("2025-02-07".to_string(), 0),
            ("2025-02-09".to_string(), 1),
            ("2025-02-10".to_string(), 2),
        ]
    );
    for absent in ["built_at", "ledger", "check"] {
        assert!(status.get(absent).is_none(), "{absent}: {status}");
    }
}

#[test]
fn source_date_epoch_is_the_build_time_shown() {
    let site = site_with_gaps();
    let out = site.out();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_digest"))
        .args([
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "1739181600")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let page = read(&out, "status/index.html");
    assert!(
        page.contains("<dt>Built</dt><dd><time datetime=\"2025-02-10T10:00:00Z\">Feb 10, 2025, 10:00 UTC</time></dd>"),
        "{page}"
    );
    let manifest: serde_json::Value = serde_json::from_str(&read(&out, "digest.json")).unwrap();
    assert_eq!(manifest["built_at"], "2025-02-10T10:00:00Z");
    let status: serde_json::Value = serde_json::from_str(&read(&out, "status.json")).unwrap();
    assert_eq!(status["built_at"], "2025-02-10T10:00:00Z");

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_digest"))
        .args([
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("SOURCE_DATE_EPOCH = `yesterday`"));
}

#[test]
fn every_page_links_the_status_page_and_the_sitemap_does_not_list_it() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    for page in common::index_pages(&out) {
        let doc = html(&out, &page);
        let links = common::hrefs(&doc, "footer.site-footer a");
        assert!(links.contains(&"/status/".to_string()), "{page}: {links:?}");
    }
    let sitemap = read(&out, "sitemap.xml");
    assert!(!sitemap.contains("status"), "{sitemap}");
    common::assert_links_ok(&out, "https://example.org/");
}

#[test]
fn the_status_page_passes_the_nu_html_checker() {
    let Some(jar) = super::validity::vnu() else {
        return;
    };
    let site = site_with_gaps();
    let out = site.build_ok(&[]);
    let empty = Site::fixture("small");
    for record in std::fs::read_dir(empty.path("content")).unwrap() {
        std::fs::remove_file(record.unwrap().path()).unwrap();
    }
    let empty_out = empty.build_ok(&[]);
    let pages: Vec<PathBuf> = vec![
        out.join("status/index.html"),
        empty_out.join("status/index.html"),
    ];
    let errors = super::validity::vnu_errors(&jar, &pages);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// A site with a fetch ledger shows each source's last listed day and when it was fetched, on
/// the page and in `status.json`; a ledger that cannot be read is a warning and the section is
/// left out, and the site is still published.
#[test]
fn the_fetch_ledger_s_last_success_per_source_is_shown() {
    let site = site_with_gaps();
    site.write(
        "data/fetch-ledger.toml",
        "[hf.\"2025-02-07\"]\npapers = 12\nfetched = 2025-02-08T03:17:42Z\nfingerprint = \"fnv1a64:5c0a1e2f9b3d4e71\"\noutcome = \"listed\"\n\n\
         [hf.\"2025-02-08\"]\npapers = 0\nfetched = 2025-02-10T03:17:40Z\nfingerprint = \"fnv1a64:09612b07b5ecb5a5\"\noutcome = \"no-list\"\n",
    );
    let out = site.build_ok(&[]);
    let page = html(&out, "status/index.html");
    let shown = text_of(&page, ".status-sources").unwrap();
    assert!(
        shown.contains("hf: 2025-02-07") && shown.contains("2025-02-08T03:17:42Z"),
        "{shown}"
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out, "status.json")).unwrap();
    assert_eq!(json["ledger"][0]["source"], "hf");
    assert_eq!(json["ledger"][0]["last_day"], "2025-02-07");

    site.write(
        "data/fetch-ledger.toml",
        "[hf.\"2025-02-07\"]\npapers = \"many\"\n",
    );
    let run = site.build(&[]);
    run.assert_success();
    assert!(
        run.stderr.contains("data/fetch-ledger.toml:2:"),
        "the warning names the place: {}",
        run.stderr
    );
    let out = site.out();
    assert!(
        html(&out, "status/index.html")
            .select(&sel(".status-sources"))
            .next()
            .is_none()
    );
    assert!(!read(&out, "status.json").contains("\"ledger\""));
}
