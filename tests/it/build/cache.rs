//! The build cache (`.digest-cache/`): a build after an unchanged one reads no record and
//! renders no page; after an edit it reads and renders only what the edit touched; a cache it
//! cannot trust is ignored; and after any sequence of edits, across separate `digest build`
//! processes, the output is byte for byte the output of a clean build.

use std::path::Path;
use std::time::{Duration, SystemTime};

use proptest::prelude::*;

use crate::common::{self, Run, Site, tree};

/// The numbers of the build's second line: records read, records, pages rendered, pages.
pub(super) fn counts(run: &Run) -> (usize, usize, usize, usize) {
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("read "))
        .unwrap_or_else(|| panic!("no counts line in:\n{}", run.stdout));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (numbers[0], numbers[1], numbers[2], numbers[3])
}

pub(super) fn build(site: &Site) -> Run {
    let run = site.build(&[]);
    run.assert_success();
    run
}

/// The output of a clean build of the site as it is now, into a fresh folder.
fn clean_tree(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = site.tmp.path().join("clean");
    let _ = std::fs::remove_dir_all(&out);
    let run = common::digest(
        &[
            "build",
            "--no-cache",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    run.assert_success();
    tree(&out)
}

pub(super) fn assert_same_as_clean(site: &Site, context: &str) {
    let cached = tree(&site.out());
    let clean = clean_tree(site);
    let cached_paths: Vec<&String> = cached.keys().collect();
    let clean_paths: Vec<&String> = clean.keys().collect();
    assert_eq!(cached_paths, clean_paths, "{context}: the files differ");
    for (path, bytes) in &clean {
        assert!(
            cached[path] == *bytes,
            "{context}: {path} differs from a clean build's:\n--- cached\n{}\n--- clean\n{}",
            String::from_utf8_lossy(&cached[path]),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// The default theme's paper template with `<meta name="edited" content="{mark}">` added to
/// the head: an edit that changes every paper page and nothing else.
fn edited_paper_template(mark: &str) -> String {
    let paper = std::fs::read_to_string(common::repo().join("themes/default/templates/paper.html"))
        .unwrap();
    assert!(paper.contains("{% endblock head %}"));
    paper.replacen(
        "{% endblock head %}",
        &format!("<meta name=\"edited\" content=\"{mark}\">{{% endblock head %}}"),
        1,
    )
}

/// Flips one byte in the middle of the cache files of `site` whose name starts with `prefix`
/// and which are longer than 16 bytes (at most `limit` of them), as a disk error or a hand
/// edit would; returns how many it changed.
fn damage_cache_files(site: &Site, prefix: &str, limit: usize) -> usize {
    let mut damaged = 0;
    for file in std::fs::read_dir(site.path(".digest-cache")).unwrap() {
        let file = file.unwrap().path();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if damaged < limit
            && name.starts_with(prefix)
            && std::fs::metadata(&file).unwrap().len() > 16
        {
            let mut bytes = std::fs::read(&file).unwrap();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x01;
            std::fs::write(&file, bytes).unwrap();
            damaged += 1;
        }
    }
    damaged
}

#[test]
fn an_unchanged_site_reads_no_record_and_renders_no_page() {
    let site = Site::fixture("small");
    let first = build(&site);
    let (read, records, rendered, pages) = counts(&first);
    assert_eq!((read, rendered), (records, pages), "{}", first.stdout);
    assert!(site.path(".digest-cache/header.bin").is_file());
    let before = tree(&site.out());
    let second = build(&site);
    assert_eq!(counts(&second), (0, records, 0, pages), "{}", second.stdout);
    assert!(
        second.stdout.contains(", 0 files changed"),
        "{}",
        second.stdout
    );
    assert_eq!(tree(&site.out()), before);
    // The cache keeps itself out of git and out of backups.
    assert!(
        site.read(".digest-cache/CACHEDIR.TAG")
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );
    assert_eq!(site.read(".digest-cache/.gitignore"), "*\n");
}

#[test]
fn an_edited_record_is_the_only_one_read_and_its_pages_the_only_ones_rendered() {
    let site = Site::fixture("small");
    let (_, records, _, pages) = counts(&build(&site));
    let record = first_record(&site);
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        text.replacen("\n+++\n", "\n+++\nA new first sentence. ", 1),
    )
    .unwrap();
    let run = build(&site);
    let (read, _, rendered, _) = counts(&run);
    assert_eq!(read, 1, "{}", run.stdout);
    assert!(rendered > 0 && rendered < pages / 2, "{}", run.stdout);
    assert_same_as_clean(&site, "after an abstract edit");
    assert_eq!(counts(&build(&site)), (0, records, 0, pages));
}

#[test]
fn a_template_edit_renders_its_pages_again_without_reading_a_record() {
    let site = Site::fixture("small");
    let (_, records, _, pages) = counts(&build(&site));
    site.write("templates/paper.html", &edited_paper_template("1"));
    let run = build(&site);
    let (read, _, rendered, _) = counts(&run);
    assert_eq!(read, 0, "{}", run.stdout);
    let papers = common::files(&site.out())
        .iter()
        .filter(|p| p.starts_with("papers/") && p.ends_with("/index.html"))
        .count();
    assert!(
        rendered >= papers && rendered < pages,
        "{rendered} of {pages}, {papers} papers"
    );
    assert_same_as_clean(&site, "after a template edit");
    assert_eq!(counts(&build(&site)), (0, records, 0, pages));
}

#[test]
fn a_settings_edit_reads_every_record_again() {
    let site = Site::fixture("small");
    let (_, records, _, _) = counts(&build(&site));
    site.prepend_config("summary_length = 40");
    let run = build(&site);
    assert_eq!(counts(&run).0, records, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("site.toml or the build options changed"),
        "{}",
        run.stderr
    );
    assert_same_as_clean(&site, "after a settings edit");
}

#[test]
fn a_damaged_or_foreign_cache_means_a_clean_build_never_a_wrong_one() {
    let site = Site::fixture("small");
    let (_, records, _, pages) = counts(&build(&site));
    let record = first_record(&site);
    // A shard whose bytes changed (a disk error, a hand edit).
    assert_eq!(damage_cache_files(&site, "shard-", 1), 1);
    edit_title(&record, "A title the damaged cache does not know");
    let run = build(&site);
    assert_eq!(counts(&run).0, records, "{}", run.stdout);
    assert!(
        run.stderr.contains("does not match its checksum"),
        "{}",
        run.stderr
    );
    assert_same_as_clean(&site, "after a damaged shard");
    // A header of another version or format, or not a header at all.
    for header in [
        b"garbage".to_vec(),
        b"digest build cache\n\x07\x05".to_vec(),
    ] {
        std::fs::write(site.path(".digest-cache/header.bin"), header).unwrap();
        let run = build(&site);
        assert_eq!(
            counts(&run),
            (records, records, pages, pages),
            "{}",
            run.stdout
        );
        assert!(
            run.stderr.contains("the build cache was not used"),
            "{}",
            run.stderr
        );
        assert_same_as_clean(&site, "after a foreign header");
    }
}

#[test]
fn a_damaged_abstract_in_the_cache_means_a_clean_build_never_an_empty_page() {
    let site = Site::fixture("small");
    let (_, records, _, pages) = counts(&build(&site));
    // Abstracts are kept in files of their own, read only for the pages that show them: one
    // byte of each changes (a disk error, a hand edit), where nothing reads it at load.
    let damaged = damage_cache_files(&site, "bodies-", usize::MAX);
    assert!(damaged > 0, "no abstracts kept in the cache");
    // Every paper page is rendered again (a template edit), so every abstract is read.
    site.write("templates/paper.html", &edited_paper_template("x"));
    let run = build(&site);
    assert!(
        run.stderr.contains("the build cache was not used")
            && run.stderr.contains("does not match its checksum"),
        "{}",
        run.stderr
    );
    assert_eq!(
        counts(&run),
        (records, records, pages, pages),
        "{}",
        run.stdout
    );
    assert_same_as_clean(&site, "after a damaged abstract");
    // The cache was made anew: the next build reads and renders nothing.
    assert_eq!(counts(&build(&site)), (0, records, 0, pages));
}

#[test]
fn a_folder_that_is_not_a_cache_is_refused() {
    let site = Site::fixture("small");
    let notes = site.tmp.path().join("notes");
    common::write(&notes.join("thesis.tex"), "keep me");
    let run = site.build(&["--cache", notes.to_str().unwrap()]);
    assert_ne!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stderr.contains("not a digest build cache"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(notes.join("thesis.tex")).unwrap(),
        "keep me"
    );
    assert_eq!(common::files(&notes), vec!["thesis.tex".to_string()]);
}

#[test]
fn an_output_changed_by_someone_else_is_built_whole() {
    let site = Site::fixture("small");
    let (_, _, _, pages) = counts(&build(&site));
    // Another build (no cache) wrote the output since: the cache no longer describes it.
    std::fs::remove_dir_all(site.out()).unwrap();
    let run = site.build(&["--no-cache"]);
    run.assert_success();
    edit_title(&first_record(&site), "Retitled after a foreign build");
    let run = build(&site);
    assert_eq!(counts(&run).2, pages, "{}", run.stdout);
    assert_same_as_clean(&site, "after a foreign build");
}

#[test]
fn a_record_changed_with_its_time_set_back_is_still_read() {
    let site = Site::fixture("small");
    build(&site);
    let record = first_record(&site);
    // Old enough that its stamp is trusted.
    let old = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&record)
        .unwrap()
        .set_modified(old)
        .unwrap();
    build(&site);
    let text = std::fs::read_to_string(&record).unwrap();
    let edited = text.replacen("title = \"", "title = \"X", 1);
    std::fs::write(&record, &edited).unwrap();
    // A tool that restores modification times (rsync -t, an archive) leaves the size and time
    // as they were; the change time still tells.
    std::fs::File::options()
        .write(true)
        .open(&record)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let run = build(&site);
    assert_eq!(counts(&run).0, 1, "{}", run.stdout);
    assert_same_as_clean(&site, "after an edit with the time set back");
}

fn first_record(site: &Site) -> std::path::PathBuf {
    let mut records: Vec<_> = common::files(&site.path("content"))
        .into_iter()
        .filter(|p| p.ends_with(".md"))
        .collect();
    records.sort();
    site.path(&format!("content/{}", records[0]))
}

fn edit_title(record: &Path, title: &str) {
    let text = std::fs::read_to_string(record).unwrap();
    let edited: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with("title = ") {
                format!("title = \"{title}\"")
            } else {
                line.to_string()
            }
        })
        .collect();
    std::fs::write(record, edited.join("\n") + "\n").unwrap();
}

/// One edit of a site between two builds.
#[derive(Debug, Clone)]
enum Edit {
    Title(usize, u8),
    Date(usize, u8),
    Tags(usize, u8),
    Abstract(usize, u8),
    Upvotes(usize, u8),
    Slug(usize, u8),
    Draft(usize, bool),
    Add(u8),
    Remove(usize),
    Rename(usize, u8),
    Touch(usize),
    Template(u8),
    DropTemplate,
    Settings(u8),
    Static(u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Title(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Date(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Tags(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Abstract(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Upvotes(i, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Slug(i, n)),
        (any::<usize>(), any::<bool>()).prop_map(|(i, b)| Edit::Draft(i, b)),
        any::<u8>().prop_map(Edit::Add),
        any::<usize>().prop_map(Edit::Remove),
        (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Rename(i, n)),
        any::<usize>().prop_map(Edit::Touch),
        any::<u8>().prop_map(Edit::Template),
        Just(Edit::DropTemplate),
        any::<u8>().prop_map(Edit::Settings),
        any::<u8>().prop_map(Edit::Static),
    ]
}

const WORDS: &[&str] = &[
    "graph",
    "neural",
    "robot",
    "language",
    "vision",
    "agent",
    "kernel",
    "sparse",
    "diffusion",
    "retrieval",
    "theorem",
    "protein",
];

fn record(n: u8, title: &str, date: u8, tags: u8, words: u8, upvotes: u8) -> String {
    let tags: Vec<String> = (0..3)
        .filter(|b| tags & (1 << b) != 0)
        .map(|b| format!("\"{}\"", ["nlp", "cv", "rl"][b]))
        .collect();
    let body: Vec<&str> = (0..12)
        .map(|i| WORDS[(i * 7 + words as usize) % WORDS.len()])
        .collect();
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2025-03-{:02}\nauthors = [\"Ada Lovelace\", \"Author {n}\"]\ntags = [{}]\nupvotes = {upvotes}\n+++\nWe study {} and more.\n",
        1 + date % 9,
        tags.join(", "),
        body.join(" ")
    )
}

/// The record files of the site, sorted.
fn records(root: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = common::files(&root.join("content"))
        .into_iter()
        .filter(|p| p.ends_with(".md"))
        .map(|p| root.join("content").join(p))
        .collect();
    found.sort();
    found
}

fn set_line(path: &Path, key: &str, line: Option<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let (front, body) = text[4..].split_once("\n+++\n").unwrap();
    let mut lines: Vec<String> = front
        .lines()
        .filter(|l| !l.starts_with(&format!("{key} =")))
        .map(String::from)
        .collect();
    lines.extend(line);
    std::fs::write(path, format!("+++\n{}\n+++\n{body}", lines.join("\n"))).unwrap();
}

fn apply(site: &Site, edit: &Edit) {
    let root = &site.root;
    let all = records(root);
    let pick = |i: usize| all[i % all.len()].clone();
    match edit.clone() {
        Edit::Title(i, n) => set_line(
            &pick(i),
            "title",
            Some(format!("title = \"Paper titled {n}\"")),
        ),
        Edit::Date(i, n) => set_line(
            &pick(i),
            "date",
            Some(format!("date = 2025-03-{:02}", 1 + n % 9)),
        ),
        Edit::Tags(i, n) => {
            let tags: Vec<&str> = ["nlp", "cv", "rl", "robotics"]
                .iter()
                .enumerate()
                .filter(|(b, _)| n & (1 << b) != 0)
                .map(|(_, t)| *t)
                .collect();
            set_line(&pick(i), "tags", Some(format!("tags = {tags:?}")));
        }
        Edit::Abstract(i, n) => {
            let path = pick(i);
            let text = std::fs::read_to_string(&path).unwrap();
            let (front, _) = text.rsplit_once("\n+++\n").unwrap();
            let words: Vec<&str> = (0..10)
                .map(|k| WORDS[(k * 5 + n as usize) % WORDS.len()])
                .collect();
            std::fs::write(
                &path,
                format!("{front}\n+++\nNow about {}.\n", words.join(" ")),
            )
            .unwrap();
        }
        Edit::Upvotes(i, n) => set_line(&pick(i), "upvotes", Some(format!("upvotes = {n}"))),
        Edit::Slug(i, n) => set_line(
            &pick(i),
            "slug",
            Some(format!("slug = \"slug-{}-{n}\"", i % 97)),
        ),
        Edit::Draft(i, on) => set_line(&pick(i), "draft", on.then(|| "draft = true".to_string())),
        Edit::Add(n) => common::write(
            &root.join(format!("content/added/new-{n}.md")),
            &record(n, &format!("Added paper {n}"), n, n, n, n),
        ),
        Edit::Remove(i) => {
            if all.len() > 2 {
                std::fs::remove_file(pick(i)).unwrap();
            }
        }
        Edit::Rename(i, n) => {
            let from = pick(i);
            let to = root.join(format!("content/renamed-{n}.md"));
            if !to.exists() {
                std::fs::rename(from, to).unwrap();
            }
        }
        Edit::Touch(i) => {
            let path = pick(i);
            let text = std::fs::read(&path).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        Edit::Template(n) => {
            common::write(
                &root.join("templates/paper.html"),
                &edited_paper_template(&n.to_string()),
            );
        }
        Edit::DropTemplate => {
            let _ = std::fs::remove_file(root.join("templates/paper.html"));
        }
        Edit::Settings(n) => {
            let path = root.join("site.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with("summary_length"))
                .collect();
            std::fs::write(
                &path,
                format!("summary_length = {}\n{}\n", 20 + n % 60, kept.join("\n")),
            )
            .unwrap();
        }
        Edit::Static(n) => common::write(
            &root.join("static/extra.css"),
            &format!("p {{ margin: {n}px }}\n"),
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: common::proptest_cases(6),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// After random sequences of edits, each followed by a `digest build` (its own process,
    /// with the cache of the one before), the output is a clean build's, byte for byte.
    #[test]
    fn cached_builds_equal_clean_builds(edits in proptest::collection::vec(proptest::collection::vec(edit(), 1..4), 1..5)) {
        let site = Site::fixture("small");
        for n in 0..6u8 {
            common::write(
                &site.path(&format!("content/gen-{n}.md")),
                &record(n, &format!("Generated paper {n}"), n, n, n, n),
            );
        }
        build(&site);
        for (step, batch) in edits.iter().enumerate() {
            for edit in batch {
                apply(&site, edit);
            }
            // Removals can trip the guard against the previous output, which a clean build into
            // a new folder has not: the guard is tested elsewhere.
            let run = site.build(&["--accept-shrink"]);
            // An edit may break the site (two records claiming one slug): the build then fails
            // and leaves everything as it was, as a clean build would.
            if run.code == Some(0) {
                assert_same_as_clean(&site, &format!("after step {step}: {batch:?}"));
            } else {
                let clean = common::digest(&["build", "--no-cache", "--root", site.root.to_str().unwrap(), "--output", site.tmp.path().join("clean").to_str().unwrap()], site.tmp.path());
                prop_assert_ne!(clean.code, Some(0), "the cached build failed where a clean one did not:\n{}", run.stderr);
            }
        }
    }
}

/// A build killed while moving its files in leaves its update folder (with a journal); the
/// next build cannot trust what the cache says the output holds, and builds it whole.
#[test]
fn an_update_killed_half_way_is_never_taken_for_the_output_the_cache_knows() {
    let site = Site::fixture("small");
    let (_, _, _, pages) = counts(&build(&site));
    let out = site.out();
    let update = out.with_file_name(".out.digest-update");
    let page = common::index_pages(&out)
        .into_iter()
        .find(|p| p.starts_with("papers/"))
        .unwrap();
    common::write(&update.join(&page), "<p>half of an interrupted update</p>");
    common::write(
        &update.join(".digest-journal"),
        &format!("move {page}\nend\n"),
    );
    let run = build(&site);
    assert_eq!(counts(&run).2, pages, "{}", run.stdout);
    assert!(!update.exists());
    assert_same_as_clean(&site, "after an interrupted update");
}

/// A file someone else put where a new page goes is never replaced, by a build that updates
/// the output in place either: the build fails naming it, and the output stays as it was.
#[test]
fn an_update_never_replaces_a_file_it_did_not_write() {
    let site = Site::fixture("small");
    build(&site);
    let out = site.out();
    common::write(
        &out.join("papers/brand-new/index.html"),
        "<p>someone's own page</p>",
    );
    let before = tree(&out);
    common::write(
        &site.path("content/brand-new.md"),
        &record(9, "Brand new", 1, 1, 1, 1),
    );
    let run = site.build(&[]);
    assert_eq!(run.code, Some(4), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("papers/brand-new/index.html"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&out), before);
}

/// The inode of each file of `dir`, by path: a file digest replaced has a new one.
#[cfg(unix)]
fn inodes(dir: &Path) -> std::collections::BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    common::files(dir)
        .into_iter()
        .map(|path| {
            let ino = std::fs::metadata(dir.join(&path)).unwrap().ino();
            (path, ino)
        })
        .collect()
}

/// The files of `after` that are new or replaced since `before` (inodes), and those whose
/// bytes differ from `old` (or are new), among the paths `wanted` keeps.
#[cfg(unix)]
fn replaced_and_differing(
    before: &std::collections::BTreeMap<String, u64>,
    old: &std::collections::BTreeMap<String, Vec<u8>>,
    out: &Path,
    wanted: impl Fn(&str) -> bool,
) -> (Vec<String>, Vec<String>) {
    let after = inodes(out);
    let now = tree(out);
    let replaced = after
        .iter()
        .filter(|(path, ino)| wanted(path) && before.get(*path) != Some(ino))
        .map(|(path, _)| path.clone())
        .collect();
    let differing = now
        .iter()
        .filter(|(path, bytes)| wanted(path) && old.get(*path) != Some(bytes))
        .map(|(path, _)| path.clone())
        .collect();
    (replaced, differing)
}

/// One abstract edited at a site with many search files: the build replaces exactly the search
/// files whose bytes change (a few, made from what changed: the cache keeps what the index was
/// made of), leaves the sitemap and robots.txt as they were (same file), and the output is a
/// clean build's. A date edit then moves the sitemap's dates: the sitemap is made again.
#[cfg(unix)]
#[test]
fn an_edit_replaces_only_the_search_files_it_changes_and_not_the_sitemap() {
    let site = common::generated::site(400, 11);
    build(&site);
    let out = site.out();
    let search = |path: &str| path.starts_with("search/");
    let search_files = common::files(&out.join("search")).len();
    assert!(search_files > 10, "{search_files} search files");
    let (old, before) = (tree(&out), inodes(&out));
    let record = first_record(&site);
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(
        &record,
        text.replacen("\n+++\n", "\n+++\nQuixotically zygomorphic findings. ", 1),
    )
    .unwrap();
    let run = build(&site);
    assert_eq!(counts(&run).0, 1, "{}", run.stdout);
    let (replaced, differing) = replaced_and_differing(&before, &old, &out, search);
    assert_eq!(replaced, differing);
    assert!(
        !differing.is_empty() && differing.len() * 3 < search_files,
        "{differing:?}"
    );
    let now = inodes(&out);
    for kept in ["sitemap.xml", "robots.txt"] {
        assert_eq!(now[kept], before[kept], "{kept} was written again");
    }
    assert_same_as_clean(&site, "after an abstract edit");

    // A date edit: the paper's sitemap entry moves, so the sitemap is made again.
    let (old, before) = (tree(&out), now);
    let text = std::fs::read_to_string(&record).unwrap();
    let date = text.lines().find(|l| l.starts_with("date = ")).unwrap();
    std::fs::write(&record, text.replacen(date, "date = 2024-06-30", 1)).unwrap();
    build(&site);
    let (replaced, differing) =
        replaced_and_differing(&before, &old, &out, |p| p.starts_with("sitemap"));
    assert_eq!(replaced, vec!["sitemap.xml".to_string()]);
    assert_eq!(differing, replaced);
    assert_same_as_clean(&site, "after a date edit");
}

/// What the cache keeps of the search index and sitemap (`machine.bin`) damaged or missing:
/// the build makes them whole, and its output is a clean build's; the rest of the cache is
/// still used.
#[test]
fn a_damaged_or_missing_search_memo_means_the_index_made_whole() {
    let site = common::generated::site(150, 5);
    build(&site);
    let memo = site.path(".digest-cache/machine.bin");
    assert!(memo.is_file());
    let record = first_record(&site);
    let mut bytes = std::fs::read(&memo).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x41;
    std::fs::write(&memo, bytes).unwrap();
    edit_title(&record, "Retitled over a damaged memo");
    let run = build(&site);
    assert_eq!(counts(&run).0, 1, "{}", run.stdout);
    assert_same_as_clean(&site, "after a damaged memo");
    std::fs::remove_file(&memo).unwrap();
    edit_title(&record, "Retitled over a missing memo");
    let run = build(&site);
    assert_eq!(counts(&run).0, 1, "{}", run.stdout);
    assert_same_as_clean(&site, "after a missing memo");
    // Made again by that build: the next one uses it.
    assert!(memo.is_file());
    edit_title(&record, "Retitled over a memo made again");
    build(&site);
    assert_same_as_clean(&site, "after a memo made again");
}

/// The kept abstracts' files (`bodies-*`), by name: their inode and length.
#[cfg(unix)]
fn bodies_files(site: &Site) -> std::collections::BTreeMap<String, (u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(site.path(".digest-cache"))
        .unwrap()
        .map(|file| file.unwrap())
        .filter(|file| file.file_name().to_string_lossy().starts_with("bodies-"))
        .map(|file| {
            let meta = file.metadata().unwrap();
            let name = file.file_name().to_string_lossy().into_owned();
            (name, (meta.ino(), meta.len()))
        })
        .collect()
}

/// A morning's new record adds its abstract at the end of one kept file (same file, longer),
/// instead of every abstract of its shard being written again; repeated edits of it leave old
/// abstracts behind there until they would be half the file, which is then written anew
/// without them. Through all of it the output is a clean build's, and the cache is trusted.
#[cfg(unix)]
#[test]
fn new_abstracts_are_appended_to_the_kept_ones_and_the_file_compacted_when_half_is_stale() {
    let site = Site::fixture("small");
    let (_, records, _, _) = counts(&build(&site));
    let before = bodies_files(&site);
    common::write(
        &site.path("content/brand-new.md"),
        &record(9, "Brand new", 1, 1, 30, 1),
    );
    let run = build(&site);
    assert_eq!(counts(&run).0, 1, "{}", run.stdout);
    let after = bodies_files(&site);
    let grown: Vec<&String> = after
        .iter()
        .filter(|(name, (ino, len))| before.get(*name).is_some_and(|b| b.0 == *ino && b.1 < *len))
        .map(|(name, _)| name)
        .collect();
    let unchanged = after
        .iter()
        .filter(|(name, f)| before.get(*name) == Some(f));
    if grown.len() == 1 {
        // The shard had records already: only its file grew, in place, and nothing else moved.
        assert_eq!(unchanged.count(), after.len() - 1, "{before:?}\n{after:?}");
    } else {
        // The record is its shard's first: the shard's file is new; the others are as they were.
        assert_eq!(after.len(), before.len() + 1, "{before:?}\n{after:?}");
        assert_eq!(unchanged.count(), before.len(), "{before:?}\n{after:?}");
    }
    assert_same_as_clean(&site, "after a new record");
    let shard = |files: &std::collections::BTreeMap<String, (u64, u64)>| -> Vec<String> {
        files
            .keys()
            .filter(|name| !before.contains_key(*name) || grown.contains(name))
            .cloned()
            .collect()
    };
    assert_eq!(shard(&after).len(), 1, "{before:?}\n{after:?}");
    let prefix = shard(&after)[0][..10].to_string();
    let of_shard = |files: &std::collections::BTreeMap<String, (u64, u64)>| {
        files
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix))
            .map(|(name, f)| (name.clone(), *f))
            .collect::<Vec<_>>()
    };

    // Edits of the new record: each appends its abstract (the file grows in place) until the
    // stale ones would be half the file; then the file is written anew, under a new name.
    let path = site.path("content/brand-new.md");
    let mut appended = 0;
    let mut rewritten = 0;
    for words in 31..40u8 {
        let was = of_shard(&bodies_files(&site));
        assert_eq!(was.len(), 1, "{was:?}");
        std::fs::write(&path, record(9, "Brand new", 1, 1, words, 1)).unwrap();
        let run = build(&site);
        assert_eq!(counts(&run).0, 1, "{}", run.stdout);
        let now = of_shard(&bodies_files(&site));
        assert_eq!(now.len(), 1, "{now:?}");
        let ((was_name, (was_ino, was_len)), (name, (ino, len))) = (&was[0], &now[0]);
        if name == was_name && ino == was_ino {
            assert!(len > was_len, "{was:?} {now:?}");
            appended += 1;
        } else {
            assert!(
                len < was_len,
                "written anew, it holds less: {was:?} {now:?}"
            );
            rewritten += 1;
        }
        assert_same_as_clean(&site, &format!("after edit {words}"));
    }
    assert!(
        appended > 0 && rewritten > 0,
        "{appended} appended, {rewritten} rewritten"
    );
    // The cache is whole: nothing to read or render.
    let (read, records_now, rendered, _) = counts(&build(&site));
    assert_eq!((read, records_now, rendered), (0, records + 1, 0));
}

/// The first paper of a new month moves every tag's trend chart, which each tag's first page
/// shows: those pages are rendered again, but not the later pages of the tags the paper did
/// not join, which do not show it, nor the other days' email previews. Every page rendered is
/// one whose bytes changed.
#[test]
fn a_new_month_renders_each_tags_first_page_not_its_later_ones() {
    let site = common::generated::site(400, 7);
    build(&site);
    let before = tree(&site.out());
    let later = |tree: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<String> {
        tree.keys()
            .filter(|p| p.starts_with("tags/") && p.contains("/page/"))
            .cloned()
            .collect()
    };
    assert!(later(&before).len() > 10, "{:?}", later(&before));
    site.write(
        "content/2026-01/new.md",
        "+++\ntitle = \"The first paper of a new year\"\ndate = 2026-01-05\n\
         authors = [\"Ada Lovelace\"]\ntags = [\"brand-new-tag\"]\n+++\nA new month begins.\n",
    );
    let run = build(&site);
    let (read, _, rendered, _) = counts(&run);
    assert_eq!(read, 1, "{}", run.stdout);
    let after = tree(&site.out());
    let firsts: Vec<&String> = before
        .keys()
        .filter(|p| {
            p.starts_with("tags/") && p.ends_with("/index.html") && p.matches('/').count() == 2
        })
        .filter(|p| p.as_str() != "tags/index.html")
        .collect();
    assert!(firsts.len() > 5);
    for page in firsts {
        assert_ne!(
            before[page], after[page],
            "{page}: the trend moved to January"
        );
    }
    for page in later(&before) {
        assert_eq!(before[&page], after[&page], "{page}");
    }
    // Pages rendered are pages new or changed (the other files: the search index, the
    // sitemap, robots.txt and the list of files digest wrote).
    let page = |path: &str| {
        !path.starts_with("search/")
            && !["sitemap.xml", "robots.txt", ".digest-files"].contains(&path)
    };
    let changed: Vec<&String> = after
        .iter()
        .filter(|(path, bytes)| page(path) && before.get(*path).is_none_or(|old| old != *bytes))
        .map(|(path, _)| path)
        .collect();
    let changed_pages = changed.len();
    assert!(
        rendered <= changed_pages,
        "{rendered} pages rendered, {changed_pages} changed ({changed:?}):\n{}",
        run.stdout
    );
    assert_same_as_clean(&site, "after a new month");
}

/// A tag's `.bib` file large enough to be made from the published one (with the layout the
/// cache keeps in `bib.bin`) is the clean build's after each edit: a date that moves an entry,
/// a title, the tag taken off one paper, a key that takes another suffix.
#[test]
fn a_large_tag_bib_made_from_the_published_one_is_the_clean_builds() {
    let site = common::generated::site(560, 23);
    let records = records(&site.root);
    for record in &records {
        let text = std::fs::read_to_string(record).unwrap();
        std::fs::write(record, text.replacen("tags = [", "tags = [\"all\", ", 1)).unwrap();
    }
    build(&site);
    assert!(site.path(".digest-cache/bib.bin").is_file());
    let bib = site.out().join("tags/all/papers.bib");
    assert_eq!(
        std::fs::read_to_string(&bib)
            .unwrap()
            .matches("\n@")
            .count()
            + 1,
        records.len(),
        "every paper in the tag"
    );
    let edits: [(usize, &str, Option<String>); 5] = [
        (3, "date", Some("date = 2025-01-01".into())),
        (3, "date", Some("date = 2025-12-28".into())),
        (8, "title", Some("title = \"Retitled\"".into())),
        (9, "tags", Some("tags = [\"topic-1\"]".into())),
        (10, "date", Some("date = 2024-06-30".into())),
    ];
    for (i, key, line) in edits {
        set_line(&records[i], key, line.clone());
        let run = build(&site);
        assert_eq!(counts(&run).0, 1, "{}", run.stdout);
        assert_same_as_clean(&site, &format!("record {i}: {line:?}"));
    }
}
