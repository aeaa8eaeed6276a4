//! Themes and site files: template overrides, the embedded default theme, a missing theme,
//! static files, drafts.

use crate::common;

use common::{Site, html, index_pages, main_links, read, repo, sel};

#[test]
fn a_site_paper_template_overrides_only_paper_pages() {
    let site = Site::fixture("override");
    let out = site.build_ok(&[]);
    for slug in ["improvnet", "realm"] {
        let doc = html(&out, &format!("papers/{slug}/index.html"));
        assert_eq!(
            doc.select(&sel("#override-marker")).count(),
            1,
            "papers/{slug}/ does not use templates/paper.html"
        );
        // It extends the theme's base.html: the site's stylesheet and header are still there.
        assert_eq!(
            common::hrefs(&doc, "link[rel=stylesheet]")
                .iter()
                .filter(|h| h.ends_with("/style.css"))
                .count(),
            1
        );
        assert!(doc.select(&sel("article.custom-paper h1")).next().is_some());
    }
    for page in index_pages(&out)
        .iter()
        .filter(|p| !p.starts_with("papers/"))
    {
        let text = read(&out, page);
        assert!(
            !text.contains("override-marker"),
            "{page} uses the paper override"
        );
    }
    // Other pages keep the default theme: the home page lists both papers.
    let home = html(&out, "index.html");
    assert_eq!(main_links(&home, "/papers/").len(), 2);
}

#[test]
fn a_site_without_themes_folder_uses_the_embedded_default_theme() {
    let site = Site::fixture("small");
    assert!(!site.path("themes").exists());
    let out = site.build_ok(&[]);
    // Every static file of the default theme, as in themes/default/static/.
    let theme_static = common::tree(&repo().join("themes/default/static"));
    assert!(theme_static.contains_key("style.css"));
    for (file, bytes) in &theme_static {
        let built = std::fs::read(out.join(file)).ok();
        assert!(
            built.as_ref() == Some(bytes),
            "{file} of themes/default/static is missing or different in the output of a site \
             without themes/ (the embedded default theme)"
        );
    }
    let doc = html(&out, "papers/improvnet/index.html");
    assert!(
        doc.select(&sel("script[type='application/ld+json']"))
            .next()
            .is_some()
    );
}

#[test]
fn a_missing_theme_is_an_error_naming_it() {
    let site = Site::fixture("small");
    site.prepend_config("theme = \"missing\"");
    let run = site.build(&[]);
    let stderr = run.assert_problems();
    assert!(stderr.contains("missing"), "{stderr}");
    assert!(stderr.contains("themes/missing"), "{stderr}");
    assert!(stderr.contains("site.toml"), "{stderr}");
    assert!(!site.out().exists(), "a failed build made an output folder");
}

#[test]
fn a_theme_folder_of_the_site_is_used() {
    let site = Site::fixture("small");
    site.prepend_config("theme = \"plain\"");
    site.write(
        "themes/plain/templates/tag.html",
        "{% extends \"base.html\" %}{% block content %}<h1 id=\"plain-tag\">{{ tag.name }}</h1>{% endblock content %}",
    );
    site.write("themes/plain/static/style.css", "body { color: black }\n");
    let out = site.build_ok(&[]);
    assert_eq!(read(&out, "style.css"), "body { color: black }\n");
    let doc = html(&out, "tags/music/index.html");
    assert_eq!(
        common::text_of(&doc, "#plain-tag").as_deref(),
        Some("music")
    );
    // Templates the theme does not have come from the default theme.
    assert!(
        html(&out, "papers/improvnet/index.html")
            .select(&sel("h1"))
            .next()
            .is_some()
    );
}

#[test]
fn static_files_of_the_site_are_copied() {
    let site = Site::fixture("override");
    let out = site.build_ok(&[]);
    assert_eq!(
        std::fs::read(out.join("files/notes.txt")).unwrap(),
        std::fs::read(site.path("static/files/notes.txt")).unwrap()
    );
    // A site static file wins over the theme's file of the same name.
    site.write("static/style.css", "/* mine */\n");
    let out = site.build_ok(&[]);
    assert_eq!(read(&out, "style.css"), "/* mine */\n");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    let draft_paths = [
        "papers/work-in-progress/index.html",
        "2025/03/03/index.html",
        "2025/03/index.html",
        "tags/wip/index.html",
    ];
    for path in draft_paths {
        assert!(!out.join(path).exists(), "{path} built without --drafts");
    }
    for file in [
        "atom.xml",
        "sitemap.xml",
        "index.html",
        "archive/index.html",
        "tags/index.html",
    ] {
        assert!(
            !read(&out, file).contains("work-in-progress")
                && !read(&out, file).contains("Work in Progress"),
            "{file} mentions the draft"
        );
    }

    let out = site.build_ok(&["--drafts"]);
    for path in draft_paths {
        assert!(out.join(path).is_file(), "{path} missing with --drafts");
    }
    assert!(read(&out, "atom.xml").contains("Work in Progress: Notes Not Ready Yet"));
    assert!(read(&out, "sitemap.xml").contains("https://example.org/papers/work-in-progress/"));
}

/// A site's own `base.html`, written for the theme as it was (its blocks: title, description,
/// head, content), still builds with today's paper page, and the paper keeps its Scholar tags
/// and description: the default paper template asks its base for no new block.
#[test]
fn a_site_base_template_of_an_earlier_theme_still_builds_paper_pages() {
    let site = Site::fixture("small");
    site.write(
        "templates/base.html",
        "<!doctype html>\n<html lang=\"{{ site.language }}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{% block title %}{{ site.title }}{% endblock title %}</title>\n\
         <meta name=\"description\" content=\"{% block description %}{{ site.description }}{% endblock description %}\">\n\
         {% block head %}{% endblock head %}\n</head>\n<body id=\"own-base\">\n\
         {% block content %}{% endblock content %}\n</body>\n</html>\n",
    );
    let out = site.build_ok(&[]);
    let doc = html(&out, "papers/musicgen/index.html");
    assert!(doc.select(&sel("body#own-base h1")).next().is_some());
    assert!(
        doc.select(&sel("meta[name=citation_title]"))
            .next()
            .is_some()
    );
    let description = doc
        .select(&sel("meta[name=description]"))
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_string))
        .unwrap_or_default();
    assert!(
        description.starts_with("We tackle the task of conditional music generation."),
        "{description}"
    );
}
