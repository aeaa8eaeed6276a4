//! `digest serve --json-events`: after the line for people, one JSON line per rebuild with the
//! counts of its report, which scripts and the other serve tests read instead of the sentence.

use crate::common::Site;
use crate::common::serve::{REBUILD_TIMEOUT, Server};

#[test]
fn each_rebuild_prints_one_json_line_with_its_counts() {
    let site = Site::fixture("small");
    let server = Server::start(&site);

    // A title edit: one record read; its page and the lists that show it written.
    let lines = server.stdout.len();
    let text = site.read("content/rohm.md");
    site.write(
        "content/rohm.md",
        &text.replacen("title = \"", "title = \"Edited: ", 1),
    );
    let edit = server
        .wait_for_event(lines, REBUILD_TIMEOUT, |e| {
            e.changes == "content/rohm.md changed"
        })
        .unwrap_or_else(|| panic!("no event for the edit\n{}", server.logs()));
    assert_eq!(edit.event, "rebuild");
    assert_eq!(edit.counts.records_read, 1, "{edit:?}");
    assert_eq!(edit.counts.records_removed, 0, "{edit:?}");
    assert!(
        edit.counts.pages_written >= 2,
        "the page and a list: {edit:?}"
    );
    assert!(edit.counts.files_changed >= 2, "{edit:?}");
    assert_eq!(edit.counts.files_removed, 0, "{edit:?}");
    assert!(
        std::fs::read_to_string(server.out.join("papers/rohm/index.html"))
            .unwrap()
            .contains("Edited: "),
        "the event came after the page was written"
    );
    // The line for people is still printed, first, with the same counts.
    let human = server
        .stdout
        .find(|l| l.starts_with("content/rohm.md changed: "))
        .expect("the terminal line");
    assert!(
        human.contains(&format!("{} page", edit.counts.pages_written)),
        "{human} against {edit:?}"
    );

    // A removal: no record read, one removed, the paper's page removed from the output.
    let lines = server.stdout.len();
    std::fs::remove_file(site.path("content/rohm.md")).unwrap();
    let removal = server
        .wait_for_event(lines, REBUILD_TIMEOUT, |e| {
            e.changes == "content/rohm.md removed"
        })
        .unwrap_or_else(|| panic!("no event for the removal\n{}", server.logs()));
    assert_eq!(removal.event, "rebuild");
    assert_eq!(removal.counts.records_read, 0, "{removal:?}");
    assert_eq!(removal.counts.records_removed, 1, "{removal:?}");
    assert!(removal.counts.files_removed >= 1, "{removal:?}");
    assert!(!server.out.join("papers/rohm/index.html").exists());
}

/// Structural edits (tags, a date) change related papers, the search index and lists far from
/// the edited page; the event that says `settled` comes once all of it is written, so the
/// output equals a clean build right then, without waiting further.
#[test]
fn a_settled_event_comes_when_the_output_equals_a_clean_build() {
    use crate::common::serve::{clean_build, set_key, tree_diff};
    let site = Site::fixture("small");
    let server = Server::start(&site);
    let edits = [
        ("content/rohm.md", "tags", "[\"music\", \"diffusion\"]"),
        ("content/jukebox.md", "date", "2025-02-05"),
        ("content/musicgen.md", "tags", "[\"motion\"]"),
    ];
    for (path, key, value) in edits {
        let lines = server.stdout.len();
        site.write(path, &set_key(&site.read(path), key, value));
        let settled = server
            .wait_for_event(lines, REBUILD_TIMEOUT, |e| e.settled)
            .unwrap_or_else(|| panic!("no settled event after {path}\n{}", server.logs()));
        assert!(settled.all_pages_written() > 0, "{settled:?}");
        let clean = clean_build(&site, path);
        let diff = tree_diff(&server.out, &clean);
        assert!(
            diff.is_empty(),
            "{key} of {path}: the output differs from a clean build when settled\n{}\n{}",
            diff.join("\n"),
            server.logs()
        );
    }
}
