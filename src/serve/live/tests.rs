//! The live site against a fresh load: after batches that fail and batches that succeed, the
//! updated site has the pages and fingerprints of a freshly loaded one, and its folder the bytes
//! of a clean build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};

use super::*;

/// A site of `papers` generated records (made-up words, so the search index has several
/// shards) in a temporary folder.
fn generated_site(papers: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content/2025")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"T\"\nbase_url = \"https://example.org/\"\npaginate_by = 5\n",
    )
    .unwrap();
    let mut rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut next = move |n: u64| rng.next_u64() % n;
    const SYLLABLES: &[&str] = &[
        "ba", "ko", "ri", "tu", "sel", "mon", "dra", "vi", "pe", "lu",
    ];
    let word = |next: &mut dyn FnMut(u64) -> u64| -> String {
        (0..2 + next(3))
            .map(|_| SYLLABLES[next(SYLLABLES.len() as u64) as usize])
            .collect()
    };
    for i in 0..papers {
        let words: Vec<String> = (0..40).map(|_| word(&mut next)).collect();
        let record = format!(
            "+++\ntitle = \"Paper {i} {}\"\ndate = 2025-{:02}-{:02}\ntags = [\"t{}\"]\n+++\n\n{}.\n",
            words[0],
            1 + next(3),
            1 + next(28),
            next(6),
            words.join(" ")
        );
        std::fs::write(root.join(format!("content/2025/p{i:03}.md")), record).unwrap();
    }
    tmp
}

/// Writes the newest paper of the site, in every tag of [`generated_site`] (every page of every
/// tag list and of the home list shifts); returns its path.
fn newest_in_every_tag(root: &Path) -> PathBuf {
    let new = root.join("content/2025/new.md");
    std::fs::write(
        &new,
        "+++\ntitle = \"Newest\"\ndate = 2025-04-01\ntags = [\"t0\", \"t1\", \"t2\", \"t3\", \"t4\", \"t5\"]\n+++\n\nNew words.\n",
    )
    .unwrap();
    new
}

/// Every file of an output folder but the marker, with its bytes.
fn output_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            (
                relative.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(path, _)| path != crate::write::MARKER)
        .collect()
}

/// Brings the live site fully up to date, then checks it against a fresh load and a clean
/// build of the same files.
fn assert_equals_fresh_load(live: &mut LiveSite, tmp: &Path, what: &str) {
    // What the server would say is stale after each step (checked against the pages left).
    let _ = live.stale();
    while live.behind() {
        live.catch_up().unwrap();
        let _ = live.stale();
    }
    // The fingerprints serve keeps (made from the state before each batch) are those made
    // whole.
    if let Some(current) = &live.current {
        assert_eq!(
            current.pages.pages,
            live.site().fingerprints(),
            "{what}: fingerprints kept"
        );
    }
    let fresh = Site::load(&live.site().root, &live.site().options).unwrap();
    let paths =
        |site: &Site| -> Vec<String> { site.pages().iter().map(|p| p.path.clone()).collect() };
    assert_eq!(paths(live.site()), paths(&fresh), "{what}: pages");
    assert_eq!(
        live.site().fingerprints(),
        fresh.fingerprints(),
        "{what}: fingerprints"
    );
    let clean = tmp.join("clean");
    let _ = std::fs::remove_dir_all(&clean);
    emit_site(&fresh, &clean, &NoProgress).unwrap();
    let (served, clean) = (output_tree(live.out()), output_tree(&clean));
    let differ: Vec<&String> = served
        .keys()
        .chain(clean.keys())
        .filter(|p| served.get(*p) != clean.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "{what}: files differ from a clean build: {differ:?}"
    );
}

fn records(paths: &[&PathBuf]) -> RebuildPlan {
    RebuildPlan {
        records: paths.iter().map(|p| p.to_path_buf()).collect(),
        ..RebuildPlan::default()
    }
}

/// Issue 13: break A, delete B, rename C (each a failed batch), fix A.
#[test]
fn changes_seen_while_a_record_is_broken_are_applied_by_the_fix() {
    let tmp = generated_site(40);
    let root = tmp.path().join("site");
    let options = LoadOptions::default();
    let mut live = LiveSite::start(&root, &options, &tmp.path().join("served")).unwrap();
    let (a, b, c) = (
        root.join("content/2025/p001.md"),
        root.join("content/2025/p002.md"),
        root.join("content/2025/p003.md"),
    );
    let good = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&a, good.replace("title = ", "title = \n")).unwrap();
    assert!(live.apply(&records(&[&a]), FirstPages::default()).is_err());

    std::fs::remove_file(&b).unwrap();
    let removed = RebuildPlan {
        removed: [b.clone()].into(),
        ..RebuildPlan::default()
    };
    assert!(live.apply(&removed, FirstPages::default()).is_err());

    let moved = root.join("content/new/deeper/renamed.md");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&c, &moved).unwrap();
    let renamed = RebuildPlan {
        removed: [c.clone()].into(),
        new_dirs: [root.join("content/new")].into(),
        ..RebuildPlan::default()
    };
    assert!(live.apply(&renamed, FirstPages::default()).is_err());
    assert!(
        live.site().paper_id(&b).is_some(),
        "a failed batch changes nothing"
    );

    std::fs::write(&a, &good).unwrap();
    let report = live.apply(&records(&[&a]), FirstPages::default()).unwrap();
    assert_eq!(report.records_removed, 2, "{report:?}");
    assert!(live.site().paper_id(&b).is_none() && live.site().paper_id(&c).is_none());
    assert!(live.site().paper_id(&moved).is_some());
    assert_equals_fresh_load(&mut live, tmp.path(), "break A, delete B, rename C, fix A");
}

/// Search files a rebuild no longer makes are removed even when the catch-up that rewrote the
/// index left pages for its next steps and no page came or went (they used to stay forever).
#[test]
fn search_shards_no_longer_made_are_removed() {
    let tmp = generated_site(550);
    let root = tmp.path().join("site");
    let options = LoadOptions::default();
    let mut live = LiveSite::start(&root, &options, &tmp.path().join("served")).unwrap();
    let shards = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join("search/t"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = shards(live.out());
    assert!(before.len() > 3, "{before:?}");
    // One batch: a template every page uses (all pages change, so the catch-up goes in steps)
    // and most abstracts cut to three common words (most terms go, shards merge).
    let template = root.join("templates/base.html");
    let theme = live
        .site()
        .theme
        .templates
        .iter()
        .find(|t| t.name == "base.html");
    let base = theme
        .map(|t| t.text.clone())
        .expect("the theme's base.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::write(&template, format!("<!-- site copy -->\n{base}")).unwrap();
    let mut edited = Vec::new();
    for i in 0..400 {
        let path = root.join(format!("content/2025/p{i:03}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        let (front, _) = text.rsplit_once("+++").unwrap();
        std::fs::write(&path, format!("{front}+++\n\nPlain words only.\n")).unwrap();
        edited.push(path);
    }
    let plan = RebuildPlan {
        templates: true,
        records: edited.into_iter().collect(),
        ..RebuildPlan::default()
    };
    live.apply(&plan, FirstPages::default()).unwrap();
    // The first catch-up step writes the new index and leaves most pages for the next ones.
    live.catch_up().unwrap();
    assert!(live.behind(), "the test needs a catch-up in several steps");
    let made: Vec<String> = live
        .site()
        .search_files()
        .into_iter()
        .filter_map(|f| f.path.strip_prefix("search/t/").map(str::to_string))
        .collect();
    assert!(
        before.iter().any(|b| !made.contains(b)),
        "the test must move shard boundaries: {before:?} {made:?}"
    );
    assert_equals_fresh_load(&mut live, tmp.path(), "template and new words in one batch");
}

/// A change of the page set large enough to wait for the catch-up writes the open page first;
/// when the next batch brings the old page set back before the catch-up, that page is written
/// again (it was compared with the fingerprint from before the first batch and kept showing
/// the paper that was gone).
#[test]
fn a_page_written_before_its_page_set_waited_is_written_again_when_the_old_set_returns() {
    let tmp = generated_site(550);
    let root = tmp.path().join("site");
    let options = LoadOptions::default();
    let mut live = LiveSite::start(&root, &options, &tmp.path().join("served")).unwrap();
    let new = newest_in_every_tag(&root);
    let open = FirstPages::open(["index.html".to_string()].into());
    let report = live.apply(&records(&[&new]), open.clone()).unwrap();
    assert!(
        live.pages_behind,
        "the test needs pages left for the catch-up: {report:?}"
    );
    let home = std::fs::read_to_string(live.out().join("index.html")).unwrap();
    assert!(home.contains("Newest"), "the open page is written first");
    std::fs::remove_file(&new).unwrap();
    let removed = RebuildPlan {
        removed: [new.clone()].into(),
        ..RebuildPlan::default()
    };
    live.apply(&removed, open).unwrap();
    let home = std::fs::read_to_string(live.out().join("index.html")).unwrap();
    assert!(
        !home.contains("Newest"),
        "the home page still lists the removed paper"
    );
    assert_equals_fresh_load(
        &mut live,
        tmp.path(),
        "a paper added, then removed before the catch-up",
    );
}

/// A tag's `.bib` file large enough to be made from the one written (see
/// `export::bibtex::BibLayouts`) has the bytes of a clean build after each kind of edit: a
/// date that moves its entry, a title, the tag taken off and put back, a key that changes.
#[test]
fn a_large_tag_bib_made_from_the_one_written_is_the_clean_builds() {
    let count = crate::export::bibtex::REUSE_FROM + 40;
    let tmp = generated_site(count);
    let root = tmp.path().join("site");
    let path = |i: usize| root.join(format!("content/2025/p{i:03}.md"));
    for i in 0..count {
        let text = std::fs::read_to_string(path(i)).unwrap();
        std::fs::write(
            path(i),
            text.replacen("tags = [\"", "tags = [\"all\", \"", 1),
        )
        .unwrap();
    }
    let options = LoadOptions::default();
    let mut live = LiveSite::start(&root, &options, &tmp.path().join("served")).unwrap();
    let bib = live.out().join("tags/all/papers.bib");
    let before = std::fs::read_to_string(&bib).unwrap();
    assert_eq!(
        before.matches("\n@").count() + 1,
        count,
        "every paper in the tag"
    );

    // Replaces the record's line that starts with `field`.
    let edit = |live: &mut LiveSite, i: usize, field: &str, line: &str, what: &str| {
        let text = std::fs::read_to_string(path(i)).unwrap();
        let edited: String = text
            .lines()
            .map(|l| if l.starts_with(field) { line } else { l })
            .flat_map(|l| [l, "\n"])
            .collect();
        assert_ne!(edited, text, "{what}: the edit must change the record");
        std::fs::write(path(i), edited).unwrap();
        live.apply(&records(&[&path(i)]), FirstPages::default())
            .unwrap();
        assert_equals_fresh_load(live, tmp.path(), what);
    };
    edit(&mut live, 7, "date", "date = 2025-01-01", "oldest date");
    edit(&mut live, 7, "date", "date = 2025-05-30", "newest date");
    edit(&mut live, 9, "title", "title = \"Retitled\"", "title");
    edit(&mut live, 11, "tags", "tags = [\"t1\"]", "tag taken off");
    edit(
        &mut live,
        11,
        "tags",
        "tags = [\"all\", \"t1\"]",
        "tag put back",
    );
    // Another year: this paper's key changes, and those whose suffix letters followed it.
    edit(&mut live, 12, "date", "date = 2024-02-03", "another year");
    assert_ne!(std::fs::read_to_string(&bib).unwrap(), before);
}

/// A page asked for while the catch-up after an edit has not reached it is written on its own,
/// with the bytes of a clean build, and is no longer stale; the rest waits for the catch-up.
#[test]
fn a_page_asked_for_is_written_before_the_catch_up_reaches_it() {
    let (tmp, root, mut live) = served_site(550, false);
    let options = live.site().options.clone();
    assert_eq!(live.stale(), Stale::none(), "nothing stale after the build");
    let new = newest_in_every_tag(&root);
    live.apply(&records(&[&new]), FirstPages::default())
        .unwrap();
    assert!(
        live.pages_behind,
        "the test needs pages left for the catch-up"
    );
    // The last page of a tag's list: the catch-up writes it last of its tag.
    let last = live
        .site()
        .pages()
        .iter()
        .map(|p| p.path.clone())
        .filter(|p| p.starts_with("tags/t3/page/") && p.ends_with("/index.html"))
        .max_by_key(|p| {
            p.trim_start_matches("tags/t3/page/")
                .trim_end_matches("/index.html")
                .parse::<usize>()
                .unwrap()
        })
        .expect("tag t3 has several pages");
    let fresh = Site::load(&root, &options).unwrap();
    let clean = tmp.path().join("clean");
    emit_site(&fresh, &clean, &NoProgress).unwrap();
    let clean_bytes = std::fs::read(clean.join(&last)).ok();
    assert!(clean_bytes.is_some(), "a clean build has {last}");
    // Missing (the tag gained a page) or showing the old list.
    let served = || std::fs::read(live_out(&tmp).join(&last)).ok();
    assert_ne!(
        served(),
        clean_bytes,
        "the last page is stale before it is asked for"
    );
    let stale = live.stale();
    assert!(stale.covers(&last), "{last} is reported stale");
    assert!(stale.search, "the search index waits for the catch-up");
    assert!(!stale.covers("style.css"));

    let report = live.write_requested([last.clone()].into(), false).unwrap();
    assert!(
        live.stale().search,
        "the search index is written when asked for"
    );
    live.write_requested(HashSet::new(), true).unwrap();
    assert!(report.pages_written >= 1, "{report:?}");
    assert_eq!(
        served(),
        clean_bytes,
        "the page asked for has a clean build's bytes"
    );
    let stale = live.stale();
    assert!(!stale.covers(&last), "{last} is no longer stale");
    assert!(
        !stale.papers && !stale.search,
        "related papers and search are done"
    );
    assert!(
        live.behind() && !stale.pages.is_empty(),
        "the other pages still wait for the catch-up"
    );
    assert_equals_fresh_load(&mut live, tmp.path(), "a page asked for, then the catch-up");
    assert_eq!(live.stale(), Stale::none(), "nothing stale once caught up");
}

/// A live site of `papers` generated records (and the newest in every tag when `newest`),
/// served into [`live_out`]; its folder and the site's root.
fn served_site(papers: usize, newest: bool) -> (tempfile::TempDir, PathBuf, LiveSite) {
    let tmp = generated_site(papers);
    let root = tmp.path().join("site");
    if newest {
        newest_in_every_tag(&root);
    }
    let live = LiveSite::start(&root, &LoadOptions::default(), &live_out(&tmp)).unwrap();
    (tmp, root, live)
}

/// The folder the live site of these tests serves.
fn live_out(tmp: &tempfile::TempDir) -> PathBuf {
    tmp.path().join("served")
}

/// A page the site no longer makes, asked for before the catch-up removed its file, is removed
/// then (a reader gets "not found", not the old list), and the catch-up after it ends with a
/// clean build's files.
#[test]
fn a_page_no_longer_made_is_removed_when_asked_for() {
    let (tmp, root, mut live) = served_site(550, true);
    let new = root.join("content/2025/new.md");
    let paths = |live: &LiveSite| -> BTreeSet<String> {
        live.site().pages().iter().map(|p| p.path.clone()).collect()
    };
    let before = paths(&live);
    // Gone again: every list shifts back, and the lists of 551 papers lose their last page.
    std::fs::remove_file(&new).unwrap();
    let plan = RebuildPlan {
        removed: [new.clone()].into(),
        ..RebuildPlan::default()
    };
    live.apply(&plan, FirstPages::default()).unwrap();
    assert!(
        live.pages_behind,
        "the test needs pages left for the catch-up"
    );
    let gone: Vec<String> = before.difference(&paths(&live)).cloned().collect();
    let page = gone
        .iter()
        .find(|p| p.contains("/page/"))
        .unwrap_or_else(|| panic!("a list loses its last page: {gone:?}"))
        .clone();
    assert!(
        live_out(&tmp).join(&page).is_file(),
        "its file is still there"
    );
    assert!(live.stale().covers(&page), "{page} is reported stale");
    live.write_requested([page.clone()].into(), false).unwrap();
    assert!(
        !live_out(&tmp).join(&page).exists(),
        "{page} is removed once asked for"
    );
    assert!(!live.stale().covers(&page));
    assert_equals_fresh_load(&mut live, tmp.path(), "a page no longer made, asked for");
}

/// A date moved to another day that has papers leaves the page set as it was (no day page
/// comes or goes), but the paper's `lastmod` in the sitemap moves with it, as in a clean build.
#[test]
fn a_date_moved_between_days_with_papers_moves_its_sitemap_date() {
    let tmp = generated_site(60);
    let root = tmp.path().join("site");
    let options = LoadOptions::default();
    let mut live = LiveSite::start(&root, &options, &tmp.path().join("served")).unwrap();
    let date_of = |i: usize| -> String {
        let text = std::fs::read_to_string(root.join(format!("content/2025/p{i:03}.md"))).unwrap();
        let line = text.lines().find(|l| l.starts_with("date = ")).unwrap();
        line["date = ".len()..].to_string()
    };
    let old = date_of(5);
    let new = (6..60).map(date_of).find(|d| *d != old).unwrap();
    let sitemap_line = |live: &LiveSite| -> String {
        let sitemap = std::fs::read_to_string(live.out().join("sitemap.xml")).unwrap();
        let line = sitemap.lines().find(|l| l.contains("/papers/p005/"));
        line.unwrap().to_string()
    };
    assert!(sitemap_line(&live).contains(&format!("<lastmod>{old}</lastmod>")));
    let pages_before: Vec<String> = live.site().pages().iter().map(|p| p.path.clone()).collect();

    let path = root.join("content/2025/p005.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(&format!("date = {old}"), &format!("date = {new}")),
    )
    .unwrap();
    live.apply(&records(&[&path]), FirstPages::default())
        .unwrap();
    let pages_after: Vec<String> = live.site().pages().iter().map(|p| p.path.clone()).collect();
    assert_eq!(pages_after, pages_before, "the same pages");
    while live.behind() {
        live.catch_up().unwrap();
    }
    assert!(
        sitemap_line(&live).contains(&format!("<lastmod>{new}</lastmod>")),
        "{}",
        sitemap_line(&live)
    );
    assert_equals_fresh_load(&mut live, tmp.path(), "date moved");
}

/// The citation bases the first date edit needs are counted when serve starts, and again
/// once a paper added (which forgets them) is caught up with, not during the next edit.
#[test]
fn citation_bases_are_counted_before_the_edit_that_needs_them() {
    let tmp = generated_site(30);
    let root = tmp.path().join("site");
    let options = LoadOptions::default();
    let mut live = LiveSite::start(&root, &options, &tmp.path().join("served")).unwrap();
    assert!(live.site().counted_ahead(), "counted at start");
    let new = newest_in_every_tag(&root);
    live.apply(&records(&[&new]), FirstPages::default())
        .unwrap();
    assert!(
        !live.site().counted_ahead(),
        "a paper added forgets the counts"
    );
    while live.behind() {
        live.catch_up().unwrap();
    }
    assert!(live.site().counted_ahead(), "counted once caught up");
    let path = root.join("content/2025/p004.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().find(|l| l.starts_with("date = ")).unwrap();
    std::fs::write(&path, text.replace(line, "date = 2025-03-30")).unwrap();
    live.apply(&records(&[&path]), FirstPages::default())
        .unwrap();
    assert_equals_fresh_load(&mut live, tmp.path(), "date edit after counting ahead");
}
