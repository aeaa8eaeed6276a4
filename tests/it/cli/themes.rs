//! `digest theme list` and `digest theme eject`, and the `logo` and `extra_css` settings of
//! `site.toml`, through the real binary.

use crate::common;

use std::path::Path;

use common::{Run, Site, digest, html, repo, sel, tree};

/// `digest theme ARGS --root <site>`, run beside the site.
fn theme(site: &Site, args: &[&str]) -> Run {
    let mut all = vec!["theme"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--root", site.root.to_str().unwrap()]);
    digest(&all, site.tmp.path())
}

/// The line `theme list` prints for the built-in file `name`.
fn line_for<'a>(listing: &'a str, name: &str) -> &'a str {
    listing
        .lines()
        .find(|line| line.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no line for {name} in\n{listing}"))
}

#[test]
fn eject_all_then_build_gives_the_output_of_the_embedded_theme() {
    let site = Site::repo_site();
    let embedded = tree(&site.build_ok(&[]));
    assert!(embedded.contains_key("index.html"));
    assert!(!site.path("templates").exists() && !site.path("static").exists());

    let run = theme(&site, &["eject", "--all"]);
    run.assert_success();
    // The copies are the theme's files as they are in the repository, every one of them: a
    // file missing from the embedded list, or one copied changed, shows here.
    for folder in ["templates", "static"] {
        let ejected = tree(&site.path(folder));
        let source = tree(&repo().join("themes/default").join(folder));
        assert_eq!(
            ejected.keys().collect::<Vec<_>>(),
            source.keys().collect::<Vec<_>>(),
            "ejected {folder}/"
        );
        assert!(ejected == source, "an ejected file of {folder}/ differs");
    }

    std::fs::remove_dir_all(site.out()).unwrap();
    let ejected = tree(&site.build_ok(&[]));
    assert_eq!(
        embedded.keys().collect::<Vec<_>>(),
        ejected.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &embedded {
        assert!(
            ejected[path] == *bytes,
            "{path} differs after theme eject --all"
        );
    }
    // The build really reads the copies: a change to one shows on the pages.
    let base = site.read("templates/base.html");
    site.write(
        "templates/base.html",
        &base.replace("<body>", "<body data-ejected>"),
    );
    let out = site.build_ok(&[]);
    assert!(
        html(&out, "index.html")
            .select(&sel("body[data-ejected]"))
            .next()
            .is_some()
    );
}

#[test]
fn eject_never_overwrites_and_says_what_it_skipped() {
    let site = Site::fixture("small");
    site.write("templates/base.html", "{# my own base #}\n");
    std::fs::create_dir_all(site.path("static")).unwrap();
    let css = b"body{color:#123}\xff\n";
    std::fs::write(site.path("static/style.css"), css).unwrap();

    let run = theme(
        &site,
        &["eject", "base.html", "static/style.css", "paper.html"],
    );
    assert_eq!(run.code, Some(1), "a named file skipped: {run:?}");
    for skipped in ["templates/base.html", "static/style.css"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with("skipped") && l.contains(skipped)),
            "{skipped} not reported as skipped:\n{}",
            run.stdout
        );
    }
    assert_eq!(site.read("templates/base.html"), "{# my own base #}\n");
    assert_eq!(std::fs::read(site.path("static/style.css")).unwrap(), css);
    assert_eq!(
        site.read("templates/paper.html"),
        common::read(&repo(), "themes/default/templates/paper.html")
    );

    // --all skips them too, and only reports it.
    let run = theme(&site, &["eject", "--all"]);
    run.assert_success();
    assert!(
        run.stdout.contains("skipped 3 that exist"),
        "{}",
        run.stdout
    );
    assert_eq!(site.read("templates/base.html"), "{# my own base #}\n");
    assert_eq!(std::fs::read(site.path("static/style.css")).unwrap(), css);
    assert!(site.path("static/favicon.svg").is_file());
}

#[cfg(unix)]
#[test]
fn eject_never_writes_through_a_link() {
    let site = Site::fixture("small");
    let outside = site.tmp.path().join("outside.html");
    std::fs::write(&outside, "precious").unwrap();
    std::fs::create_dir_all(site.path("templates")).unwrap();
    std::os::unix::fs::symlink(&outside, site.path("templates/index.html")).unwrap();
    std::os::unix::fs::symlink(
        site.tmp.path().join("nowhere.html"),
        site.path("templates/day.html"),
    )
    .unwrap();
    let run = theme(&site, &["eject", "index.html", "day.html"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    assert!(!site.tmp.path().join("nowhere.html").exists());
}

#[test]
fn unknown_names_are_a_usage_error_listing_the_known_ones() {
    let site = Site::fixture("small");
    let run = theme(&site, &["eject", "base.html", "bsae.html"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    for needle in ["`bsae.html`", "partials/pager.html", "style.css", "--all"] {
        assert!(
            run.stderr.contains(needle),
            "lacks {needle}:\n{}",
            run.stderr
        );
    }
    assert!(
        !site.path("templates").exists(),
        "nothing is written when a name is unknown"
    );
    // --into names the folder that receives templates/, not templates/ itself.
    let into = site.path("templates");
    let run = theme(&site, &["eject", "--all", "--into", into.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(!into.exists());
}

#[test]
fn eject_into_a_theme_folder_starts_a_theme() {
    let site = Site::fixture("small");
    let run = theme(&site, &["eject", "--all", "--into", "site/themes/mine"]);
    run.assert_success();
    assert!(site.path("themes/mine/templates/base.html").is_file());
    assert!(site.path("themes/mine/static/style.css").is_file());
    assert!(!site.path("templates").exists());
}

#[test]
fn eject_outside_a_site_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let run = digest(&["theme", "eject", "--all"], tmp.path());
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("no site.toml"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn theme_list_marks_the_files_the_site_overrides() {
    let site = Site::fixture("small");
    let run = theme(&site, &["list"]);
    run.assert_success();
    for name in ["base.html", "partials/pager.html", "atom.xml", "style.css"] {
        assert!(
            line_for(&run.stdout, name).ends_with("built-in"),
            "{}",
            run.stdout
        );
    }

    site.write("templates/paper.html", "{% extends \"base.html\" %}\n");
    site.write("templates/partials/pager.html", "");
    site.write("templates/mine.html", "");
    site.write("static/favicon.svg", "<svg/>");
    let listing = theme(&site, &["list"]).stdout;
    for (name, by) in [
        ("paper.html", "templates/paper.html"),
        ("partials/pager.html", "templates/partials/pager.html"),
        ("favicon.svg", "static/favicon.svg"),
    ] {
        assert!(
            line_for(&listing, name).ends_with(&format!("overridden by {by}")),
            "{listing}"
        );
    }
    assert!(line_for(&listing, "base.html").ends_with("built-in"));
    assert!(line_for(&listing, "style.css").ends_with("built-in"));
    assert!(
        listing.contains("templates the site adds:\n  templates/mine.html"),
        "{listing}"
    );

    // A theme folder chosen in site.toml: its files count, the site's still win, and its
    // static/ replaces the built-in static files.
    site.prepend_config("theme = \"mine\"");
    site.write("themes/mine/templates/day.html", "");
    site.write("themes/mine/templates/paper.html", "");
    site.write("themes/mine/static/style.css", "");
    let listing = theme(&site, &["list"]).stdout;
    for (name, status) in [
        ("day.html", "overridden by themes/mine/templates/day.html"),
        ("paper.html", "overridden by templates/paper.html"),
        ("month.html", "built-in"),
        ("style.css", "overridden by themes/mine/static/style.css"),
        ("favicon.svg", "overridden by static/favicon.svg"),
        ("site.js", "not used: themes/mine/static/ replaces them"),
    ] {
        assert!(line_for(&listing, name).ends_with(status), "{listing}");
    }
}

/// The output file a root-relative link under `base_path` points to (percent-decoded).
fn output_file(out: &Path, base_path: &str, link: &str) -> std::path::PathBuf {
    let inside = link
        .strip_prefix(base_path)
        .unwrap_or_else(|| panic!("{link} is not under {base_path}"));
    let mut bytes = Vec::new();
    let mut rest = inside.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(&tail[..2]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    out.join(String::from_utf8(bytes).unwrap())
}

#[test]
fn logo_and_extra_css_are_on_every_page_under_any_base_url() {
    let site = Site::fixture("small");
    let logo = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 2 2\"><circle cx=\"1\" cy=\"1\" r=\"1\"/></svg>\n";
    site.write("static/img/lab logo.svg", logo);
    site.write("static/custom.css", ":root { --accent: #8a2be2; }\n");
    site.write("static/print.css", "@media print { a { color: black; } }\n");
    site.prepend_config(
        "logo = \"static/img/lab logo.svg\"\nextra_css = [\"static/custom.css\", \"static/print.css\"]",
    );
    for base_url in ["https://example.org/", "https://user.github.io/papers/"] {
        let out = site.build_ok(&["--base-url", base_url]);
        let base_path = common::base_path(base_url);
        let pages: Vec<String> = tree(&out)
            .into_keys()
            .filter(|p| p.ends_with(".html") && !common::is_email_preview(p))
            .collect();
        assert!(pages.len() > 10, "{pages:?}");
        for page in &pages {
            let doc = html(&out, page);
            let logos: Vec<&str> = doc
                .select(&sel("header .site-title img.site-logo"))
                .filter_map(|img| img.value().attr("src"))
                .collect();
            assert_eq!(logos.len(), 1, "{page}: logo in the header");
            let logo_file = output_file(&out, base_path, logos[0]);
            assert_eq!(
                std::fs::read_to_string(&logo_file).ok().as_deref(),
                Some(logo),
                "{page}: {} does not serve the logo",
                logos[0]
            );
            let sheets = common::hrefs(&doc, "head link[rel=stylesheet]");
            assert!(sheets.len() >= 3, "{page}: {sheets:?}");
            let theme = sheets
                .iter()
                .position(|h| *h == format!("{base_path}style.css"))
                .unwrap_or_else(|| panic!("{page}: no style.css in {sheets:?}"));
            assert_eq!(
                sheets[sheets.len() - 2..],
                [
                    format!("{base_path}custom.css"),
                    format!("{base_path}print.css")
                ],
                "{page}: the site's stylesheets come last, in order"
            );
            assert!(theme < sheets.len() - 2);
            for (href, source) in sheets[sheets.len() - 2..]
                .iter()
                .zip(["static/custom.css", "static/print.css"])
            {
                assert_eq!(
                    std::fs::read_to_string(output_file(&out, base_path, href)).unwrap(),
                    site.read(source),
                    "{page}: {href}"
                );
            }
        }
        // Every other link resolves too (the shared checker does not decode `%20`: the logo's
        // link is checked above).
        let problems: Vec<String> = common::check_links(&out, base_url)
            .into_iter()
            .filter(|p| !p.contains("img/lab%20logo.svg\": no file img/lab%20logo.svg"))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn a_site_without_logo_keeps_the_theme_mark_and_one_stylesheet() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let doc = html(&out, "index.html");
    assert!(doc.select(&sel("img.site-logo")).next().is_none());
    assert_eq!(
        common::hrefs(&doc, "link[rel=stylesheet]"),
        ["/style.css".to_string()]
    );
}

#[test]
fn a_missing_logo_or_stylesheet_is_an_error_at_its_place_in_site_toml() {
    for (lines, expected) in [
        ("logo = \"static/logo.svg\"", "site.toml:1:8"),
        (
            "extra_css = [\"static/a.css\", \"static/missing.css\"]",
            "site.toml:1:30",
        ),
        ("logo = \"logo.svg\"", "site.toml:1:8"),
        ("extra_css = [\"static/../site.toml\"]", "site.toml:1:14"),
        ("logo = \"static/img\"", "site.toml:1:8"),
    ] {
        let site = Site::fixture("small");
        site.write("static/a.css", "");
        site.write("static/img/x.svg", "");
        site.prepend_config(lines);
        let run = site.build(&[]);
        let stderr = run.assert_problems();
        assert!(stderr.contains(expected), "{lines}: {stderr}");
        assert!(stderr.contains("help:"), "{lines}: {stderr}");
        assert!(!site.out().exists(), "{lines}: nothing is built");
    }
}

#[test]
fn eject_where_nothing_can_be_written_is_an_output_error() {
    let site = Site::fixture("small");
    // A file where the folder should be: templates/ cannot be made.
    site.write("not-a-folder", "");
    let run = theme(
        &site,
        &["eject", "base.html", "--into", "site/not-a-folder"],
    );
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(
        run.stderr.contains("cannot write") && run.stderr.contains("base.html"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("not-a-folder"), "");
}

/// The `--name: value` declarations of the block `start` opens in `css`.
fn declarations(css: &str, start: &str) -> Vec<(String, String)> {
    let at = css
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in style.css"));
    let block = &css[at + start.len()..];
    let block = &block[..block.find('}').unwrap()];
    block
        .split(';')
        .filter_map(|d| d.trim().split_once(':'))
        .filter(|(name, _)| name.starts_with("--"))
        .map(|(name, value)| (name.to_string(), value.trim().to_string()))
        .collect()
}

/// The README's table of CSS variables says what `style.css` does: every property the theme
/// sets on `:root` is listed, every listed one exists, every one the theme reads is set, and a
/// colour given in the table is the one the stylesheet sets, light and dark.
#[test]
fn the_readme_lists_the_css_variables_the_default_theme_reads() {
    let css = common::read(&repo(), "themes/default/static/style.css");
    let light = declarations(&css, ":root {");
    let dark = declarations(&css, "@media (prefers-color-scheme: dark) {\n  :root {");
    assert!(light.len() > 10 && dark.len() > 10);
    let readme = common::read(&repo(), "README.md");
    let section = readme
        .split("### Logo, extra CSS and the theme's CSS variables")
        .nth(1)
        .expect("the README's section on CSS variables")
        .split("\n## ")
        .next()
        .unwrap();
    // Each row: the properties in the first cell, the light and the dark value.
    let mut rows: Vec<(Vec<String>, String, String)> = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `--")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let names = cells[1]
            .split(", ")
            .map(|n| n.trim_matches('`').to_string())
            .collect();
        rows.push((names, cells[2].to_string(), cells[3].to_string()));
    }
    let listed: Vec<&String> = rows.iter().flat_map(|(names, ..)| names).collect();
    for (name, _) in &light {
        assert!(
            listed.contains(&name),
            "{name} is set in style.css but not in the README"
        );
    }
    for name in &listed {
        assert!(
            light.iter().any(|(n, _)| n == *name),
            "{name} is in the README but style.css does not set it"
        );
    }
    // Read with var() but set nowhere would be a property a site cannot rely on; --t and --u
    // are set per list item in the HTML (the orders of a day's list).
    for used in css.split("var(").skip(1) {
        let name = used.split([')', ',']).next().unwrap().trim();
        assert!(
            light.iter().any(|(n, _)| n == name) || ["--t", "--u"].contains(&name),
            "style.css reads {name}, which it does not set"
        );
    }
    for (names, light_cell, dark_cell) in &rows {
        for (cell, values) in [(light_cell, &light), (dark_cell, &dark)] {
            if let Some(value) = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')) {
                let set = values.iter().find(|(n, _)| *n == names[0]).map(|(_, v)| v);
                assert_eq!(set, Some(&value.to_string()), "{}", names[0]);
            }
        }
    }
}
