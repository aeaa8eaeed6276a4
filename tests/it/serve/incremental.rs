//! `digest serve --watch` rebuilds only what changed, yet after every change the served folder
//! is byte-identical to a clean `digest build` of the site as it is now.

use crate::common;
use crate::common::serve;

use std::time::Duration;

use common::{Site, html, text_of};
use serve::{
    Server, assert_matches_clean_build, get_key, set_key, strip_livereload, wait_for_error,
    wait_for_reload, wait_for_status,
};

const PAPER_TEMPLATE: &str = r#"{% extends "base.html" %}
{% block content %}
<article class="custom-paper">
  <h1>{{ paper.title }}</h1>
  <p id="override-marker">Rendered by the site's own paper template</p>
</article>
{% endblock content %}
"#;

/// One step: checks a reload arrives, then that the output equals a clean build.
fn step(server: &mut Server, ws: &mut serve::Ws, site: &Site, what: &str) {
    let generation = wait_for_reload(ws);
    eprintln!("{what}: reload generation {generation}");
    assert_matches_clean_build(server, ws, site, what);
}

#[test]
fn every_kind_of_change_ends_in_a_clean_build() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    assert_matches_clean_build(&mut server, &mut ws, &site, "right after startup");

    // An abstract.
    let text = site.read("content/musicgen.md");
    site.write(
        "content/musicgen.md",
        &text.replace(
            "We tackle the task",
            "We really tackle the task (edited abstract)",
        ),
    );
    step(&mut server, &mut ws, &site, "edit an abstract");
    let page = server.get("/papers/musicgen/");
    assert!(page.text().contains("(edited abstract)"));

    // A title: the paper page over HTTP shows it.
    let text = site.read("content/jukebox.md");
    site.write(
        "content/jukebox.md",
        &set_key(&text, "title", "\"Jukebox Renamed: A New Title\""),
    );
    step(&mut server, &mut ws, &site, "change a title");
    let page = server.get("/papers/jukebox/");
    assert_eq!(page.status, 200);
    let doc = scraper::Html::parse_document(&strip_livereload(&page.text()));
    assert_eq!(
        text_of(&doc, "h1").as_deref(),
        Some("Jukebox Renamed: A New Title")
    );

    // A date: realm is alone on 2025-01-30, so that day page goes away (January stays, with
    // jukebox and musicgen on 01-31); March appears.
    assert_eq!(server.get("/2025/01/30/").status, 200);
    let text = site.read("content/realm.md");
    site.write("content/realm.md", &set_key(&text, "date", "2025-03-10"));
    step(
        &mut server,
        &mut ws,
        &site,
        "move a paper to another day and month",
    );
    let gone = wait_for_status(&server, "/2025/01/30/", 404);
    assert!(
        !gone.text().contains("REALM"),
        "the emptied day page still lists the paper"
    );
    assert_eq!(server.get("/2025/03/10/").status, 200);
    assert_eq!(server.get("/2025/03/").status, 200);
    assert!(!server.out.join("2025/01/30").exists());

    // Tags: rohm leaves "motion" (its only paper: the tag page disappears) for two others.
    let text = site.read("content/rohm.md");
    site.write(
        "content/rohm.md",
        &set_key(&text, "tags", "[\"music\", \"robotics\"]"),
    );
    step(&mut server, &mut ws, &site, "change tags");
    wait_for_status(&server, "/tags/motion/", 404);
    assert_eq!(server.get("/tags/robotics/").status, 200);

    // Rename a record file (its slug comes from the file name).
    std::fs::rename(
        site.path("content/jukebox.md"),
        site.path("content/jukebox-renamed.md"),
    )
    .unwrap();
    step(&mut server, &mut ws, &site, "rename a record file");
    wait_for_status(&server, "/papers/jukebox/", 404);
    assert_eq!(server.get("/papers/jukebox-renamed/").status, 200);

    // Delete a record.
    std::fs::remove_file(site.path("content/visualcloze.md")).unwrap();
    step(&mut server, &mut ws, &site, "delete a record");
    let gone = wait_for_status(&server, "/papers/visualcloze/", 404);
    assert!(!gone.text().contains("VisualCloze: A Universal"));

    // A new folder with two records written at once.
    site.write(
        "content/extra/alpha.md",
        "+++\ntitle = \"Alpha Paper\"\ndate = 2025-02-06\ntags = [\"music\"]\n+++\n\nAlpha abstract.\n",
    );
    site.write(
        "content/extra/beta.md",
        "+++\ntitle = \"Beta Paper\"\ndate = 2025-02-07\ntags = [\"new-tag\"]\n+++\n\nBeta abstract.\n",
    );
    step(&mut server, &mut ws, &site, "add a folder with two records");
    assert_eq!(server.get("/papers/alpha/").status, 200);
    assert_eq!(server.get("/papers/beta/").status, 200);

    // A folder prepared elsewhere and moved in whole (one event for the folder only), then
    // removed whole.
    let staging = site.tmp.path().join("staging/moved");
    common::write(
        &staging.join("gamma.md"),
        "+++\ntitle = \"Gamma Paper\"\ndate = 2025-01-31\n+++\n\nGamma abstract.\n",
    );
    common::write(
        &staging.join("delta.md"),
        "+++\ntitle = \"Delta Paper\"\ndate = 2024-11-11\n+++\n\nDelta abstract.\n",
    );
    std::fs::rename(&staging, site.path("content/moved")).unwrap();
    step(
        &mut server,
        &mut ws,
        &site,
        "move a folder with two records in",
    );
    assert_eq!(server.get("/papers/gamma/").status, 200);
    assert_eq!(server.get("/2024/11/11/").status, 200);
    std::fs::remove_dir_all(site.path("content/moved")).unwrap();
    step(
        &mut server,
        &mut ws,
        &site,
        "remove a folder with two records",
    );
    wait_for_status(&server, "/papers/delta/", 404);
    wait_for_status(&server, "/2024/11/", 404);

    // A site template overriding the theme's, then an edit of it.
    site.write("templates/paper.html", PAPER_TEMPLATE);
    step(&mut server, &mut ws, &site, "add templates/paper.html");
    assert!(
        server
            .get("/papers/alpha/")
            .text()
            .contains("Rendered by the site's own paper template")
    );
    site.write(
        "templates/paper.html",
        &PAPER_TEMPLATE.replace("site's own paper template", "edited site template"),
    );
    step(&mut server, &mut ws, &site, "edit templates/paper.html");
    assert!(
        server
            .get("/papers/musicgen/")
            .text()
            .contains("Rendered by the edited site template")
    );

    // An editor-style save: a temporary file renamed over the record.
    let text = site.read("content/improvnet.md");
    let title = get_key(&text, "title").unwrap();
    assert!(title.contains("ImprovNet"));
    site.write(
        "content/improvnet.md.tmp",
        &set_key(&text, "title", "\"ImprovNet Saved By An Editor\""),
    );
    std::fs::rename(
        site.path("content/improvnet.md.tmp"),
        site.path("content/improvnet.md"),
    )
    .unwrap();
    step(&mut server, &mut ws, &site, "editor-style save");
    assert!(
        server
            .get("/papers/improvnet/")
            .text()
            .contains("ImprovNet Saved By An Editor")
    );

    // Touch only: nothing changes; a reload is allowed but not needed. The rebuild it may
    // cause is awaited through its terminal line, if there is one.
    let lines = server.stdout.len();
    let file = std::fs::File::options()
        .write(true)
        .open(site.path("content/rohm.md"))
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    drop(file);
    if let Some(rebuild) = server.wait_for_event(lines, Duration::from_secs(3), |e| {
        e.changes == "content/rohm.md changed"
    }) {
        eprintln!("touch: {rebuild:?}");
    }
    assert_matches_clean_build(&mut server, &mut ws, &site, "touch a record");

    // Nothing but the documented messages, and the server is still up.
    server.assert_alive();
    assert!(
        ws.seen
            .iter()
            .all(|s| matches!(s, serve::Signal::Reload(_))),
        "unexpected messages: {:?}",
        ws.seen
    );
    let index = html(&server.out, "index.html");
    assert!(text_of(&index, "title").is_some());
}

#[test]
fn static_files_added_edited_and_removed() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();

    // A first static file (the site's `static/` folder is new).
    site.write("static/files/notes.txt", "notes v1\n");
    step(&mut server, &mut ws, &site, "add static/files/notes.txt");
    assert_eq!(server.get("/files/notes.txt").text(), "notes v1\n");
    site.write("static/files/notes.txt", "notes v2\n");
    step(&mut server, &mut ws, &site, "edit static/files/notes.txt");
    assert_eq!(server.get("/files/notes.txt").text(), "notes v2\n");

    // Removing a static file removes it from the output.
    std::fs::remove_file(site.path("static/files/notes.txt")).unwrap();
    step(&mut server, &mut ws, &site, "remove static/files/notes.txt");
    wait_for_status(&server, "/files/notes.txt", 404);
}

/// A site `static/style.css` overriding the theme's: the same output path written twice into
/// the rebuild overlay.
#[test]
fn a_static_file_overriding_the_themes() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    // A site static file overriding one of the theme's, edited, then removed (the theme's
    // comes back).
    let theme_css = server.get("/style.css").text();
    site.write("static/style.css", "/* the site's own style */\n");
    step(
        &mut server,
        &mut ws,
        &site,
        "add static/style.css over the theme's",
    );
    assert_eq!(
        server.get("/style.css").text(),
        "/* the site's own style */\n"
    );
    site.write("static/style.css", "/* the site's own style, edited */\n");
    step(&mut server, &mut ws, &site, "edit static/style.css");
    std::fs::remove_file(site.path("static/style.css")).unwrap();
    step(&mut server, &mut ws, &site, "remove static/style.css");
    assert_eq!(server.get("/style.css").text(), theme_css);

    assert!(
        !ws.seen.iter().any(|s| matches!(s, serve::Signal::Error(_))),
        "errors while serving valid changes: {:?}\n{}",
        ws.seen,
        server.logs()
    );
}

#[test]
fn site_toml_changes() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();

    // site.toml: more pages, then fewer, then another title.
    let config = site.read("site.toml");
    site.write(
        "site.toml",
        &config.replace("paginate_by = 2", "paginate_by = 1"),
    );
    step(&mut server, &mut ws, &site, "paginate_by = 1");
    assert_eq!(server.get("/page/6/").status, 200);
    site.write(
        "site.toml",
        &config.replace("paginate_by = 2", "paginate_by = 4"),
    );
    step(&mut server, &mut ws, &site, "paginate_by = 4");
    wait_for_status(&server, "/page/3/", 404);
    site.write(
        "site.toml",
        &config.replace("Reading Group Digest", "Renamed Digest"),
    );
    step(&mut server, &mut ws, &site, "a new site title");
    assert!(server.get("/").text().contains("Renamed Digest"));
    assert!(
        !ws.seen.iter().any(|s| matches!(s, serve::Signal::Error(_))),
        "errors while serving valid changes: {:?}\n{}",
        ws.seen,
        server.logs()
    );
}

/// Each output file's inode: a file rewritten by a rebuild is a new file moved into place.
fn inodes(out: &std::path::Path) -> std::collections::BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    common::files(out)
        .into_iter()
        .filter_map(|f| {
            // A file moved away between listing and looking is left out.
            let ino = std::fs::metadata(out.join(&f)).ok()?.ino();
            Some((f, ino))
        })
        .collect()
}

#[test]
fn an_abstract_edit_rewrites_only_pages_that_show_the_abstract() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    assert_matches_clean_build(&mut server, &mut ws, &site, "right after startup");
    let before = inodes(&server.out);

    let text = site.read("content/musicgen.md");
    site.write(
        "content/musicgen.md",
        &text.replace("We tackle the task", "We tackle, once more, the task"),
    );
    step(&mut server, &mut ws, &site, "edit an abstract");
    // The event comes once the catch-up of related papers and search is done too.
    let rebuild = server
        .wait_for_event(0, Duration::from_secs(30), |e| {
            e.changes.ends_with("musicgen.md changed")
        })
        .expect("the rebuild's event");
    let after = inodes(&server.out);
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(f, ino)| before.get(*f) != Some(ino))
        .map(|(f, _)| f)
        .collect();
    // Every page rendered was a page that changed: nothing is rendered for nothing.
    let pages_rewritten = rewritten
        .iter()
        .filter(|f| !f.starts_with("search/"))
        .count();
    assert_eq!(
        rebuild.all_pages_written(),
        pages_rewritten,
        "pages rendered ({rebuild:?}) against pages whose bytes changed: {rewritten:?}"
    );
    // The paper page and the lists with abstracts (its day, the home page and the first page of
    // its tag that show it, feeds) change...
    for must in [
        "papers/musicgen/index.html",
        "2025/01/31/index.html",
        "atom.xml",
    ] {
        assert!(
            rewritten.iter().any(|f| f.as_str() == must),
            "{must} was not rewritten: {rewritten:?}"
        );
    }
    // ...title lists, BibTeX files and pages of other papers do not.
    for f in &rewritten {
        let title_list = f.contains("/w0")
            || f.ends_with(".bib")
            || f.as_str() == "2025/01/index.html"
            || f.as_str() == "archive/index.html"
            || f.as_str() == "tags/index.html";
        assert!(
            !title_list,
            "{f} was rewritten for an abstract edit: {rewritten:?}"
        );
        assert!(
            !f.starts_with("papers/")
                || f.as_str() == "papers/musicgen/index.html"
                || related_to_musicgen(&server.out, f),
            "{f} was rewritten for another paper's abstract edit"
        );
    }
}

/// Whether a paper page lists musicgen among its related papers (its list may change).
fn related_to_musicgen(out: &std::path::Path, page: &str) -> bool {
    std::fs::read_to_string(out.join(page)).is_ok_and(|t| t.contains("/papers/musicgen/"))
}

/// A tag change that shifts every later page of a long tag list writes the page a browser shows
/// first and reloads, then writes the other shifted pages, and ends equal to a clean build.
#[test]
fn a_change_of_many_pages_writes_the_open_page_first() {
    let site = Site::fixture("small");
    site.write(
        "site.toml",
        &site
            .read("site.toml")
            .replace("paginate_by = 2", "paginate_by = 1"),
    );
    // 130 papers on one tag, one per page: 130 tag pages.
    for i in 0..130 {
        site.write(
            &format!("content/long/p{i:03}.md"),
            &format!(
                "+++\ntitle = \"Long list paper {i}\"\ndate = 2023-{:02}-{:02}\ntags = [\"longlist\"]\nupvotes = {i}\n+++\nAbstract {i}.\n",
                1 + i / 28,
                1 + i % 28
            ),
        );
    }
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    assert_matches_clean_build(&mut server, &mut ws, &site, "right after startup");
    // The browser shows page 120 of the tag.
    ws.open("/tags/longlist/page/120/");

    // The newest paper leaves the tag: every page of it moves up by one paper.
    let newest = "content/long/p129.md";
    site.write(newest, &site.read(newest).replace("[\"longlist\"]", "[]"));
    wait_for_reload(&mut ws);
    // At the first reload the page shown already has its new content.
    let clean = serve::clean_build(&site, "after the tag change");
    let page = "tags/longlist/page/120/index.html";
    let served = std::fs::read_to_string(server.out.join(page)).unwrap();
    let expected = std::fs::read_to_string(clean.join(page)).unwrap();
    assert_eq!(served, expected, "{page} at the first reload");

    let rebuild = server
        .wait_for_event(0, Duration::from_secs(60), |e| {
            e.changes.ends_with("p129.md changed")
        })
        .expect("the rebuild's event");
    assert!(
        rebuild.counts.pages_written <= 3,
        "first only the open page and the edited paper's: {rebuild:?}"
    );
    let caught_up = rebuild
        .catch_up
        .as_ref()
        .expect("a catch-up after the rebuild");
    assert!(
        caught_up.pages_written > 100,
        "then the other shifted pages: {rebuild:?}"
    );
    assert_matches_clean_build(&mut server, &mut ws, &site, "after the catch-up");
}

/// Issue 13, item 3: a record deleted while another was broken stayed served after the fix
/// (its page and its entries in every list), because the failed batch's removals were dropped.
#[test]
fn a_delete_made_while_a_record_is_broken_is_applied_after_the_fix() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    assert_eq!(server.get("/papers/jukebox/").status, 200);

    // Break A.
    let good = site.read("content/musicgen.md");
    site.write(
        "content/musicgen.md",
        &good.replace("+++\ntitle", "+++\ntitle ="),
    );
    wait_for_error(&mut ws);
    // Delete B while A is broken: the rebuild fails again, A still being broken.
    std::fs::remove_file(site.path("content/jukebox.md")).unwrap();
    let message = wait_for_error(&mut ws);
    assert!(message.contains("musicgen.md"), "{message}");
    // Fix A: B's removal must be applied too.
    site.write("content/musicgen.md", &good);
    wait_for_reload(&mut ws);
    assert_matches_clean_build(&mut server, &mut ws, &site, "break A, delete B, fix A");
    wait_for_status(&server, "/papers/jukebox/", 404);
}

/// The same with a rename into a new folder and a broken template: every change seen while
/// the site could not be rebuilt is applied by the first rebuild that succeeds.
#[test]
fn renames_and_deletes_made_while_a_template_is_broken_are_applied_after_the_fix() {
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();

    site.write(
        "templates/paper.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ paper.title\n{% endblock content %}\n",
    );
    wait_for_error(&mut ws);
    // realm.md sets its slug (renamed, it must not collide with itself); jukebox.md does not
    // (its page moves).
    std::fs::create_dir_all(site.path("content/moved/deeper")).unwrap();
    std::fs::rename(
        site.path("content/realm.md"),
        site.path("content/moved/deeper/realm-renamed.md"),
    )
    .unwrap();
    std::fs::rename(
        site.path("content/jukebox.md"),
        site.path("content/moved/jukebox-renamed.md"),
    )
    .unwrap();
    wait_for_error(&mut ws);
    std::fs::remove_file(site.path("content/rohm.md")).unwrap();
    wait_for_error(&mut ws);
    std::fs::remove_file(site.path("templates/paper.html")).unwrap();
    wait_for_reload(&mut ws);
    assert_matches_clean_build(
        &mut server,
        &mut ws,
        &site,
        "break the paper template, rename two records into new folders, delete one, fix",
    );
    wait_for_status(&server, "/papers/jukebox/", 404);
    wait_for_status(&server, "/papers/rohm/", 404);
    assert_eq!(server.get("/papers/jukebox-renamed/").status, 200);
    assert_eq!(server.get("/papers/realm/").status, 200);
}
