use super::*;

fn layout() -> Layout {
    Layout {
        root: "/s".into(),
        content: "/s/content".into(),
        theme: "/s/themes/default".into(),
        ignored: vec!["/s/public".into()],
    }
}

/// Runs the planner against a fake disk: `files` exist as files, `dirs` as folders, anything
/// else is missing; `known` are the records the site has.
fn run(paths: &[&str], files: &[&str], dirs: &[&str], known: &[&str]) -> RebuildPlan {
    let on_disk = |p: &Path| {
        let p = p.to_string_lossy();
        if files.contains(&p.as_ref()) {
            OnDisk::File
        } else if dirs.contains(&p.as_ref()) {
            OnDisk::Dir
        } else {
            OnDisk::Missing
        }
    };
    let known_records = |p: &Path| {
        known
            .iter()
            .map(PathBuf::from)
            .filter(|k| k.starts_with(p))
            .collect()
    };
    let gitignore = |p: &Path, _dir: bool| p.to_string_lossy().ends_with(".bak");
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    plan(&layout(), &paths, &on_disk, &known_records, &gitignore)
}

fn set(paths: &[&str]) -> BTreeSet<PathBuf> {
    paths.iter().map(PathBuf::from).collect()
}

#[test]
fn edited_and_new_records_are_read_again() {
    let p = run(
        &["/s/content/a.md", "/s/content/x/b.md"],
        &["/s/content/a.md", "/s/content/x/b.md"],
        &[],
        &["/s/content/a.md"],
    );
    assert_eq!(p.records, set(&["/s/content/a.md", "/s/content/x/b.md"]));
    assert!(!p.everything && !p.templates && !p.statics && p.removed.is_empty());
}

#[test]
fn removed_records_and_folders() {
    let known = [
        "/s/content/a.md",
        "/s/content/2024/b.md",
        "/s/content/2024/c.md",
    ];
    let p = run(&["/s/content/a.md"], &[], &[], &known);
    assert_eq!(p.removed, set(&["/s/content/a.md"]));
    let p = run(&["/s/content/2024"], &[], &[], &known);
    assert_eq!(
        p.removed,
        set(&["/s/content/2024/b.md", "/s/content/2024/c.md"])
    );
}

#[test]
fn editor_saves_through_rename_count_once_as_an_edit() {
    // vim: writes "4913" and "a.md~", renames; JetBrains: a.md___jb_tmp___; the file is there.
    let p = run(
        &[
            "/s/content/4913",
            "/s/content/a.md~",
            "/s/content/a.md___jb_tmp___",
            "/s/content/.a.md.swp",
            "/s/content/a.md",
        ],
        &["/s/content/a.md"],
        &[],
        &["/s/content/a.md"],
    );
    assert_eq!(p.records, set(&["/s/content/a.md"]));
    assert!(p.removed.is_empty());
}

#[test]
fn new_folder_is_scanned() {
    let p = run(
        &["/s/content/new", "/s/content/new/a.md"],
        &["/s/content/new/a.md"],
        &["/s/content/new"],
        &[],
    );
    assert_eq!(p.new_dirs, set(&["/s/content/new"]));
    assert_eq!(p.records, set(&["/s/content/new/a.md"]));
}

#[test]
fn config_templates_and_static() {
    assert!(run(&["/s/site.toml"], &["/s/site.toml"], &[], &[]).everything);
    assert!(
        run(
            &["/s/templates/paper.html"],
            &["/s/templates/paper.html"],
            &[],
            &[]
        )
        .templates
    );
    assert!(
        run(
            &["/s/themes/default/templates/base.html"],
            &["/s/themes/default/templates/base.html"],
            &[],
            &[]
        )
        .templates
    );
    assert!(run(&["/s/static/logo.png"], &["/s/static/logo.png"], &[], &[]).statics);
    assert!(
        run(
            &["/s/themes/default/static/style.css"],
            &["/s/themes/default/static/style.css"],
            &[],
            &[]
        )
        .statics
    );
}

#[test]
fn output_git_hidden_temporary_and_gitignored_paths_never_count() {
    for path in [
        "/s/public/index.html",
        "/s/.git/index",
        "/s/content/.hidden/a.md",
        "/s/content/a.md.bak",
        "/s/content/notes.txt",
        "/s/README.md",
        "/elsewhere/content/a.md",
        "/s/themes/other/templates/base.html",
    ] {
        let p = run(&[path], &[path], &[], &[]);
        assert!(p.is_empty(), "{path}: {p:?}");
    }
}

#[test]
fn saved_then_deleted_in_one_batch_is_removed() {
    let p = run(&["/s/content/a.md"], &[], &[], &["/s/content/a.md"]);
    assert_eq!(p.removed, set(&["/s/content/a.md"]));
    assert!(p.records.is_empty());
}

/// Issue 13: a batch that failed is merged with the next one; what to read and what to forget
/// is then decided by the disk, whatever order the events came in.
#[test]
fn merged_batches_resolve_records_against_the_disk() {
    let known = ["/s/content/a.md", "/s/content/b.md", "/s/content/c.md"];
    // Batch 1 (failed: a.md is broken): a.md saved, b.md deleted.
    let mut unapplied = run(
        &["/s/content/a.md", "/s/content/b.md"],
        &["/s/content/a.md", "/s/content/c.md"],
        &[],
        &known,
    );
    // Batch 2: c.md renamed into a new folder, a template edited.
    let second = run(
        &["/s/content/c.md", "/s/content/new", "/s/templates/x.html"],
        &["/s/content/a.md", "/s/content/new/c.md"],
        &["/s/content/new"],
        &known,
    );
    unapplied.merge(&second);
    assert!(unapplied.templates && !unapplied.everything && !unapplied.statics);
    assert_eq!(
        unapplied.removed,
        set(&["/s/content/b.md", "/s/content/c.md"])
    );
    let on_disk_now = ["/s/content/a.md", "/s/content/new/c.md"];
    let is_file = |p: &Path| on_disk_now.contains(&p.to_string_lossy().as_ref());
    let records_in = |d: &Path| {
        on_disk_now
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.starts_with(d))
            .collect()
    };
    let (reread, removed) = unapplied.record_changes(&is_file, &records_in);
    assert_eq!(
        reread,
        vec![
            PathBuf::from("/s/content/a.md"),
            "/s/content/new/c.md".into()
        ]
    );
    assert_eq!(
        removed,
        vec![PathBuf::from("/s/content/b.md"), "/s/content/c.md".into()]
    );
}

#[test]
fn a_record_saved_then_deleted_in_later_batches_is_removed_and_the_reverse_read() {
    let known = ["/s/content/a.md", "/s/content/b.md"];
    // a.md saved, then deleted; b.md deleted, then written again.
    let mut unapplied = run(&["/s/content/a.md"], &["/s/content/a.md"], &[], &known);
    unapplied.merge(&run(&["/s/content/b.md"], &[], &[], &known));
    unapplied.merge(&run(&["/s/content/a.md"], &[], &[], &known));
    unapplied.merge(&run(
        &["/s/content/b.md"],
        &["/s/content/b.md"],
        &[],
        &known,
    ));
    let is_file = |p: &Path| p == Path::new("/s/content/b.md");
    let (reread, removed) = unapplied.record_changes(&is_file, &|_| Vec::new());
    assert_eq!(reread, vec![PathBuf::from("/s/content/b.md")]);
    assert_eq!(removed, vec![PathBuf::from("/s/content/a.md")]);
}
