//! Regression tests for issue 13's data-loss items, through the real binary, in temp folders
//! only: output folders a build must never replace (even with `--force`), `--force` keeping
//! every file digest did not write, and publishing that leaves exactly the old or exactly the
//! new output whatever is killed or fails (kill -9 at many moments, two builds at once, a
//! failure injected before and a crash after the swap).

use crate::common;
use crate::common::serve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;
use common::generated::Rng;

/// What a tree holds: files with their bytes, symlinks with their target, and folders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Link(PathBuf),
    Dir,
}

/// Every entry under `dir` by relative path, without following symlinks.
fn snapshot(dir: &Path) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, entries: &mut BTreeMap<String, Entry>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let relative = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                entries.insert(relative, Entry::Link(std::fs::read_link(&path).unwrap()));
            } else if kind.is_dir() {
                entries.insert(relative, Entry::Dir);
                walk(base, &path, entries);
            } else {
                entries.insert(relative, Entry::File(std::fs::read(&path).unwrap()));
            }
        }
    }
    if dir.exists() {
        walk(dir, dir, &mut entries);
    }
    entries
}

/// The paths where two snapshots differ (the first 20), to say what went wrong briefly.
fn differences(a: &BTreeMap<String, Entry>, b: &BTreeMap<String, Entry>) -> Vec<String> {
    a.keys()
        .chain(b.keys())
        .filter(|path| a.get(*path) != b.get(*path))
        .take(20)
        .cloned()
        .collect()
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `digest build --root ROOT --output OUTPUT`, to be run.
fn build_command(site: &Site, output: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_digest"));
    command
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(output)
        .current_dir(site.tmp.path());
    command
}

/// Runs `digest build --root ROOT --output OUTPUT ARGS` with `HOME` set to `home`.
fn build_with_home(site: &Site, output: &Path, args: &[&str], home: &Path) -> common::Run {
    let out = build_command(site, output)
        .args(args)
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    common::Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn build_into(site: &Site, output: &Path, args: &[&str]) -> common::Run {
    build_with_home(site, output, args, &site.tmp.path().join("home"))
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

// --- item 1: places a build never replaces, even with --force ---

#[test]
fn force_never_replaces_the_home_folder_or_an_ancestor_of_it() {
    let site = Site::fixture("small");
    let home = site.tmp.path().join("home");
    common::write(&home.join(".bashrc"), "export PATH\n");
    common::write(
        &home.join("projects/thesis/main.tex"),
        "\\begin{document}\n",
    );
    let before = snapshot(site.tmp.path());
    for output in [home.clone(), site.tmp.path().to_path_buf()] {
        let run = build_with_home(&site, &output, &["--force"], &home);
        let stderr = run.assert_output_error();
        assert!(stderr.contains("home folder"), "{stderr}");
        assert_eq!(snapshot(site.tmp.path()), before, "something changed");
    }
    // `~` expanded by a shell with a trailing slash, or through `..`, is the same folder.
    let spelled = format!("{}/projects/..", home.display());
    let run = build_with_home(&site, Path::new(&spelled), &["--force"], &home);
    run.assert_output_error();
    assert_eq!(snapshot(site.tmp.path()), before);
}

#[cfg(unix)]
#[test]
fn force_through_a_symlink_to_a_source_folder_is_refused_and_nothing_changes() {
    let site = Site::fixture("small");
    common::write(&site.path("templates/empty.html"), "");
    common::write(&site.path("static/keep.txt"), "mine\n");
    common::write(&site.path("themes/mine/static/keep.txt"), "mine\n");
    let before = snapshot(&site.root);
    for folder in ["content", "templates", "static", "themes/mine", "themes"] {
        let link = site
            .tmp
            .path()
            .join(format!("link-{}", folder.replace('/', "-")));
        symlink(&site.path(folder), &link);
        let run = build_into(&site, &link, &["--force"]);
        let stderr = run.assert_output_error();
        assert!(stderr.contains("resolves to"), "{folder}: {stderr}");
        assert_eq!(snapshot(&site.root), before, "{folder}: the site changed");
        // And the folder itself, or one inside it, named directly.
        for output in [site.path(folder), site.path(&format!("{folder}/public"))] {
            build_into(&site, &output, &["--force"]).assert_output_error();
            assert_eq!(snapshot(&site.root), before, "{folder}: the site changed");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_written_at_its_target_and_stays_a_link() {
    let site = Site::fixture("small");
    let real = site.tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = site.tmp.path().join("public");
    symlink(&real, &link);
    build_into(&site, &link, &[]).assert_success();
    assert!(link.symlink_metadata().unwrap().is_symlink());
    assert!(real.join("index.html").is_file());
    // A second build goes through the link again.
    build_into(&site, &link, &[]).assert_success();
    assert!(link.symlink_metadata().unwrap().is_symlink());
    assert!(real.join("index.html").is_file());
    // A link to nowhere is refused, not written through.
    let dangling = site.tmp.path().join("dangling");
    symlink(&site.tmp.path().join("missing"), &dangling);
    let stderr = build_into(&site, &dangling, &["--force"])
        .assert_output_error()
        .to_string();
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!site.tmp.path().join("missing").exists());
}

#[test]
fn repositories_sites_and_files_are_refused_even_with_force() {
    let site = Site::fixture("small");
    let repo = site.tmp.path().join("repo");
    common::write(&repo.join(".git/HEAD"), "ref: refs/heads/main\n");
    common::write(&repo.join("notes.md"), "mine\n");
    let other_site = site.tmp.path().join("other");
    common::write(&other_site.join("site.toml"), "title = \"x\"\n");
    let file = site.tmp.path().join("file.txt");
    common::write(&file, "just a file\n");
    let before = snapshot(site.tmp.path());
    for (output, says) in [
        (&repo, ".git"),
        (&other_site, "site.toml"),
        (&file, "a file"),
    ] {
        let stderr = build_into(&site, output, &["--force"])
            .assert_output_error()
            .to_string();
        assert!(stderr.contains(says), "{says}: {stderr}");
        assert_eq!(
            snapshot(site.tmp.path()),
            before,
            "{says}: something changed"
        );
    }
}

#[test]
fn force_writes_into_a_foreign_folder_and_keeps_every_file_digest_did_not_write() {
    let site = Site::fixture("small");
    let out = site.out();
    let victim = site.tmp.path().join("victim");
    common::write(&victim.join("precious.txt"), "do not touch\n");
    common::write(&out.join("CNAME"), "papers.example.org\n");
    common::write(&out.join("slides/week1.pdf"), "%PDF-1.7\n");
    std::fs::create_dir_all(out.join("empty/nested")).unwrap();
    #[cfg(unix)]
    {
        symlink(&victim, &out.join("victim-link"));
        symlink(Path::new("CNAME"), &out.join("cname-link"));
    }
    let foreign = snapshot(&out);
    let victim_before = snapshot(&victim);

    let run = site.build(&["--force"]);
    run.assert_success();
    assert!(run.stdout.contains("kept"), "{}", run.stdout);
    let after = snapshot(&out);
    assert!(after.contains_key("index.html"));
    for (path, entry) in &foreign {
        assert_eq!(
            after.get(path),
            Some(entry),
            "{path} was not kept as it was"
        );
    }
    assert_eq!(snapshot(&victim), victim_before, "a symlink was followed");

    // Later builds need no --force and keep them too; pages of a removed record go.
    std::fs::remove_file(site.path("content/improvnet.md")).unwrap();
    let slug = "papers/improvnet/index.html";
    assert!(
        after.contains_key(slug),
        "{:?}",
        after.keys().collect::<Vec<_>>()
    );
    site.build(&[]).assert_success();
    let again = snapshot(&out);
    assert!(
        !again.contains_key(slug),
        "a page of a removed record stayed"
    );
    for (path, entry) in &foreign {
        assert_eq!(again.get(path), Some(entry), "{path} was not kept");
    }
    assert_eq!(snapshot(&victim), victim_before);
    assert_eq!(
        names(site.tmp.path()),
        ["out", "site", "victim"],
        "junk beside"
    );
}

#[test]
fn force_fails_when_a_foreign_file_is_where_the_site_puts_one() {
    let site = Site::fixture("small");
    let out = site.out();
    common::write(&out.join("index.html"), "<h1>My old home page</h1>\n");
    common::write(&out.join("tags"), "a file where the site needs a folder\n");
    let before = snapshot(site.tmp.path());
    let stderr = site.build(&["--force"]).assert_output_error().to_string();
    assert!(stderr.contains("index.html"), "{stderr}");
    assert!(stderr.contains("did not write"), "{stderr}");
    assert_eq!(snapshot(site.tmp.path()), before, "something changed");
}

#[test]
fn an_output_made_by_an_older_digest_is_still_replaced_whole() {
    // Markers written before they listed files said "a build replaces it whole".
    let site = Site::fixture("small");
    let out = site.out();
    common::write(
        &out.join(".digest-output"),
        "This folder was made by digest; a build replaces it whole.\n",
    );
    common::write(&out.join("papers/gone/index.html"), "old page\n");
    site.build(&[]).assert_success();
    assert!(!out.join("papers/gone").exists());
    assert!(out.join("index.html").is_file());
}

// --- item 2: publishing is atomic, one build at a time ---

/// A generated site of `papers` records over 40 days, in its `version` (titles, tags and the
/// set of records differ between versions, so most pages change).
fn generated_site(papers: usize) -> Site {
    let site = Site::fixture("small");
    std::fs::remove_dir_all(site.path("content")).unwrap();
    write_version(&site, papers, 0);
    site
}

fn write_version(site: &Site, papers: usize, version: usize) {
    let content = site.path("content");
    if content.exists() {
        std::fs::remove_dir_all(&content).unwrap();
    }
    // Version 1 drops every 7th record and adds as many new ones.
    for i in 0..papers + papers / 7 {
        let present = if version == 0 {
            i < papers
        } else {
            i % 7 != 0 || i >= papers
        };
        if !present {
            continue;
        }
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 2;
        let tags = ["music", "vision", "agents", "retrieval", "math"];
        common::write(
            &content.join(format!("p{i:05}.md")),
            &format!(
                "+++\ntitle = \"Paper {i} version {version}\"\ndate = 2025-{month:02}-{day:02}\n\
                 tags = [\"{}\", \"{}\"]\nupvotes = {}\nauthors = [\"Ada Lovelace\", \"Author {}\"]\n+++\n\
                 The abstract of paper {i}, version {version}, about diffusion and attention.\n",
                tags[i % 5],
                tags[(i + version) % 5],
                (i * 7 + version) % 50,
                i % 13
            ),
        );
    }
}

#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_exactly_the_old_or_the_new_output() {
    // DIGEST_KILL_PAPERS and DIGEST_KILL_COUNT repeat it larger.
    let from_env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let papers = from_env("DIGEST_KILL_PAPERS", 300);
    let kills = from_env("DIGEST_KILL_COUNT", 24);
    let site = generated_site(papers);
    let refs = site.tmp.path().join("refs");
    let old_ref = refs.join("old");
    build_into(&site, &old_ref, &[]).assert_success();
    write_version(&site, papers, 1);
    let new_ref = refs.join("new");
    build_into(&site, &new_ref, &[]).assert_success();
    let (old, new) = (snapshot(&old_ref), snapshot(&new_ref));
    assert_ne!(old, new);

    let out = site.tmp.path().join("pub").join("public");
    let restore_old = || {
        if out.exists() {
            std::fs::remove_dir_all(&out).unwrap();
        }
        common::copy_dir(&old_ref, &out);
    };
    // How long one uninterrupted build over the old output takes, in the conditions of the
    // kills below: right after the output was deleted and copied again (on some file systems
    // creating files right after deleting many is much slower).
    restore_old();
    restore_old();
    let started = Instant::now();
    build_into(&site, &out, &[]).assert_success();
    let mut full = started.elapsed();
    assert_eq!(snapshot(&out), new);

    let (mut left_old, mut left_new) = (0, 0);
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for kill in 0..kills {
        restore_old();
        // Half over the whole build, half over its end (publishing, removing the previous
        // tree) and a little past it, jittered.
        let jitter = rng.below(1000) as f64 / 1000.0;
        let half = kills / 2;
        let full_s = full.as_secs_f64();
        let at = if kill < half {
            full_s * (kill as f64 + jitter) / half as f64
        } else {
            full_s * (0.7 + 0.7 * ((kill - half) as f64 + jitter) / half as f64)
        };
        let mut child = build_command(&site, &out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs_f64(at));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = snapshot(&out);
        if now == old {
            left_old += 1;
        } else if now == new {
            left_new += 1;
        } else {
            let differ = now
                .iter()
                .filter(|(path, entry)| old.get(*path) != Some(entry))
                .count();
            panic!(
                "kill {kill} at {at:.3} s left a mix: {differ} entries differ from the old output"
            );
        }
        // The next build succeeds and leaves nothing beside the output; it also tells how
        // long a build takes now, for the next kill.
        let started = Instant::now();
        build_into(&site, &out, &[]).assert_success();
        full = full.max(started.elapsed());
        let differ = differences(&snapshot(&out), &new);
        assert!(differ.is_empty(), "after kill {kill}: {differ:?}");
        assert_eq!(
            names(out.parent().unwrap()),
            ["public"],
            "junk after kill {kill}"
        );
    }
    println!(
        "{kills} kills over a {:.0} ms build of {papers} papers ({} files): {left_old} left the old output, {left_new} the new one, 0 a mix",
        full.as_secs_f64() * 1000.0,
        new.len()
    );
    assert!(left_old > 0, "no kill landed before the swap");
    assert!(left_new > 0, "no kill landed after the swap");
}

#[test]
fn a_failure_before_the_swap_leaves_the_output_and_nothing_beside_it() {
    let site = generated_site(30);
    let out = site.out();
    site.build_ok(&[]);
    let before = snapshot(site.tmp.path());
    write_version(&site, 30, 1);
    let run = build_command(&site, &out)
        .env("DIGEST_FAULT", "before-swap")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("injected failure"), "{stderr}");
    assert!(stderr.contains("left untouched"), "{stderr}");
    let after: BTreeMap<String, Entry> = snapshot(site.tmp.path())
        .into_iter()
        .filter(|(p, _)| !p.starts_with("site"))
        .collect();
    let before: BTreeMap<String, Entry> = before
        .into_iter()
        .filter(|(p, _)| !p.starts_with("site"))
        .collect();
    assert_eq!(after, before, "the output or its surroundings changed");
}

#[test]
fn a_crash_right_after_the_swap_leaves_the_new_output_and_the_next_build_cleans_up() {
    let site = generated_site(30);
    let out = site.out();
    site.build_ok(&[]);
    write_version(&site, 30, 1);
    let clean = site.tmp.path().join("clean");
    build_into(&site, &clean, &[]).assert_success();
    let run = build_command(&site, &out)
        .env("DIGEST_FAULT", "after-swap")
        .output()
        .unwrap();
    assert_ne!(run.status.code(), Some(0), "the process was to abort");
    assert_eq!(
        snapshot(&out),
        snapshot(&clean),
        "the new output is in place"
    );
    assert!(
        names(site.tmp.path()).iter().any(|n| n.contains("digest-")),
        "the previous tree is left beside: {:?}",
        names(site.tmp.path())
    );
    site.build_ok(&[]);
    assert_eq!(snapshot(&out), snapshot(&clean));
    assert_eq!(names(site.tmp.path()), ["clean", "out", "site"]);
}

#[cfg(unix)]
#[test]
fn a_second_build_fails_at_once_naming_the_process_that_writes_the_output() {
    use std::os::fd::AsRawFd;
    let site = Site::fixture("small");
    let out = site.out();
    site.build_ok(&[]);
    let before = snapshot(&out);
    // Hold the output's lock as a running build would.
    let lock_path = site.tmp.path().join(".out.digest-lock");
    let lock = std::fs::File::create(&lock_path).unwrap();
    std::fs::write(&lock_path, "4242\n").unwrap();
    // SAFETY: flock on a file this test owns.
    assert_eq!(
        unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    common::write(
        &site.path("content/new.md"),
        "+++\ntitle = \"New\"\ndate = 2025-03-01\n+++\nNew.\n",
    );
    let stderr = site.build(&[]).assert_output_error().to_string();
    assert!(stderr.contains("another digest is writing"), "{stderr}");
    assert!(stderr.contains("pid 4242"), "{stderr}");
    assert_eq!(snapshot(&out), before);
    drop(lock);
    site.build_ok(&[]);
    assert!(out.join("papers/new/index.html").is_file());
    assert_eq!(
        names(site.tmp.path()),
        ["out", "site"],
        "the lock file stays"
    );
}

#[test]
fn two_builds_at_once_leave_one_complete_output() {
    let site = generated_site(200);
    let out = site.out();
    site.build_ok(&[]);
    write_version(&site, 200, 1);
    let clean = site.tmp.path().join("clean");
    build_into(&site, &clean, &[]).assert_success();
    for round in 0..3 {
        let spawn = || {
            build_command(&site, &out)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let mut successes = 0;
        for child in [a, b] {
            let done = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&done.stderr);
            match done.status.code() {
                Some(0) => successes += 1,
                Some(4) => assert!(stderr.contains("another digest is writing"), "{stderr}"),
                other => panic!("round {round}: exit {other:?}: {stderr}"),
            }
        }
        assert!(successes >= 1, "round {round}: neither build succeeded");
        assert_eq!(snapshot(&out), snapshot(&clean), "round {round}");
        assert_eq!(
            names(site.tmp.path()),
            ["clean", "out", "site"],
            "round {round}"
        );
    }
}

#[test]
fn a_build_into_the_folder_serve_writes_fails_until_serve_stops() {
    let site = Site::fixture("small");
    let out = site.tmp.path().join("served");
    let server = serve::Server::start_with_output(&site, &out);
    let stderr = build_into(&site, &out, &[])
        .assert_output_error()
        .to_string();
    assert!(stderr.contains("another digest is writing"), "{stderr}");
    drop(server);
    build_into(&site, &out, &[]).assert_success();
}

#[test]
fn abstracts_kept_out_of_memory_leave_no_file_and_a_temporary_folder_that_fails_is_named() {
    let site = Site::fixture("small");
    site.build(&[]).assert_success();
    let before = snapshot(&site.out());
    // A build keeps the rendered abstracts in a temporary file with no name: nothing is left in
    // the temporary folder, whatever the build did.
    let temporary = site.tmp.path().join("tmp");
    std::fs::create_dir(&temporary).unwrap();
    let run = |tmpdir: &Path| {
        Command::new(env!("CARGO_BIN_EXE_digest"))
            .args(["build", "--no-cache", "--root", site.root.to_str().unwrap()])
            .args(["--output", site.out().to_str().unwrap()])
            .env("TMPDIR", tmpdir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let done = run(&temporary);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(std::fs::read_dir(&temporary).unwrap().count(), 0);
    assert_eq!(snapshot(&site.out()), before);
    // A temporary folder that cannot be written: the build fails naming it and saying what
    // to do, and the output stays as it was.
    let missing = site.tmp.path().join("no-such-folder");
    let failed = run(&missing);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success());
    assert!(
        stderr.contains(missing.to_str().unwrap()) && stderr.contains("TMPDIR"),
        "{stderr}"
    );
    assert_eq!(snapshot(&site.out()), before);
}

/// A search index file that cannot be written (a static file of the site named like the
/// folder of the snippet files): the build fails naming the file, and the previous output and
/// everything beside it are left as they were. The index's files are written as they are made
/// (issue 20), so the failure comes in the middle of making the index.
#[test]
fn a_search_file_that_cannot_be_written_fails_naming_it_and_leaves_the_output() {
    let site = generated_site(40);
    let out = site.out();
    let home = site.tmp.path().join("home");
    for cache in [&["--no-cache"][..], &[]] {
        build_with_home(&site, &out, &[], &home).assert_success();
        let before = snapshot(site.tmp.path());
        write_version(&site, 40, 1);
        common::write(&site.path("static/search/s"), "not a folder\n");
        let run = build_with_home(&site, &out, cache, &home);
        let stderr = run.assert_output_error();
        assert!(
            stderr.contains("cannot write the search index: search/s/"),
            "{cache:?}: {stderr}"
        );
        assert!(stderr.contains("help:"), "{stderr}");
        let outside_site = |snapshot: BTreeMap<String, Entry>| -> BTreeMap<String, Entry> {
            snapshot
                .into_iter()
                .filter(|(p, _)| !p.starts_with("site") && !p.starts_with("home"))
                .collect()
        };
        let after = outside_site(snapshot(site.tmp.path()));
        let before = outside_site(before);
        assert!(
            after == before,
            "{cache:?}: the output or its surroundings changed: {:?}",
            differences(&before, &after)
        );
        std::fs::remove_file(site.path("static/search/s")).unwrap();
        write_version(&site, 40, 0);
    }
}
