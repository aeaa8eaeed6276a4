//! The table on its own: rows stay aligned and sorted, ids move as the merge says, slugs
//! follow their records, and each kind of edit reaches as far as it should.

use super::*;

/// A row for the record `content/<name>.md` with `front` as extra front matter lines; its tags
/// and feeds as given (the table does not compute them).
fn entry(name: &str, front: &str, tags: &[&str], feeds: &[u16]) -> Entry {
    let date = if front.starts_with("date") {
        ""
    } else {
        "date = 2025-01-02"
    };
    let text = format!("+++\ntitle = \"{name}\"\n{date}\n{front}\n+++\nBody.\n");
    let paper = crate::record::parse(&text, &format!("content/{name}.md"), name).unwrap();
    Entry {
        path: PathBuf::from(format!("content/{name}.md")),
        cite_base: paper.slug.as_str().into(),
        paper,
        body: BodyRef::default(),
        summary: String::new(),
        body_hash: 0,
        compact_hash: 0,
        cite_hash: 0,
        tags: tags
            .iter()
            .map(|t| PaperTag {
                name: (*t).into(),
                slug: (*t).into(),
                slug_key: 0,
                name_key: 0,
            })
            .collect(),
        author_numbers: Vec::new(),
        feeds: feeds.to_vec(),
        topics: Vec::new(),
        terms: crate::terms::Terms::default(),
        card_key: 0,
        card_hash: 0,
    }
}

fn plain(name: &str) -> Entry {
    entry(name, "", &[], &[])
}

fn paths(table: &PaperTable) -> Vec<String> {
    table
        .columns()
        .paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

/// Every column has a row per path, and each row's record is its path's.
fn assert_aligned(table: &PaperTable) {
    let c = table.columns();
    let n = c.paths.len();
    for len in [
        c.papers.len(),
        c.bodies.len(),
        c.summaries.len(),
        c.tags.len(),
    ] {
        assert_eq!(len, n);
    }
    for len in [
        c.card_keys.len(),
        c.card_hashes.len(),
        c.terms.len(),
        c.feeds.len(),
    ] {
        assert_eq!(len, n);
    }
    for (path, paper) in c.paths.iter().zip(&c.papers) {
        assert_eq!(path.to_string_lossy(), paper.path);
    }
    assert!(c.paths.is_sorted());
}

fn table_of(names: &[&str]) -> PaperTable {
    let mut table = PaperTable::default();
    table.apply(names.iter().map(|n| plain(n)).collect(), &[]);
    // As the site does once it built every card.
    table.set_cards(vec![7; names.len()], (0..names.len()).map(|id| (id, 7)));
    table
}

#[test]
fn a_first_load_in_any_order_is_sorted_and_every_row_is_read() {
    let mut table = PaperTable::default();
    let change = table.apply(vec![plain("c"), plain("a"), plain("b")], &[]);
    assert_aligned(&table);
    assert_eq!(
        paths(&table),
        ["content/a.md", "content/b.md", "content/c.md"]
    );
    assert_eq!(change.reach, Reach::Paths);
    assert_eq!(change.read, [0, 1, 2]);
    assert_eq!(change.moved, Some(Vec::new()));
}

#[test]
fn removals_and_additions_in_one_batch_move_ids_once() {
    let mut table = table_of(&["b", "d", "f", "h"]);
    let gone = [PathBuf::from("content/d.md"), PathBuf::from("content/h.md")];
    let change = table.apply(vec![plain("a"), plain("e"), plain("f")], &gone);
    assert_aligned(&table);
    assert_eq!(
        paths(&table),
        [
            "content/a.md",
            "content/b.md",
            "content/e.md",
            "content/f.md"
        ]
    );
    assert_eq!(change.read, [0, 2, 3]);
    // b → 1, d gone, f (read again) → 3, h gone.
    assert_eq!(change.moved, Some(vec![Some(1), None, Some(3), None]));
    assert_eq!(change.rekey, Rekey::All);
    // Rows read are new: their cards are built again; the others keep theirs.
    assert_eq!(table.columns().card_keys, [0, 7, 0, 0]);
    assert_eq!(table.columns().card_hashes, [0, 7, 0, 0]);
}

#[test]
fn a_path_both_read_and_removed_stays_and_unknown_removals_change_nothing() {
    let mut table = table_of(&["a", "b"]);
    let change = table.apply(
        vec![plain("b")],
        &[
            PathBuf::from("content/b.md"),
            PathBuf::from("content/zz.md"),
        ],
    );
    assert_eq!(paths(&table), ["content/a.md", "content/b.md"]);
    assert_eq!(change.moved, None);
    assert_eq!(change.read, [1]);
}

#[test]
fn dates_rekey_only_papers_that_share_their_base_key() {
    let shared = |name: &str, front: &str| Entry {
        cite_base: "smith2025deep".into(),
        ..entry(name, front, &[], &[])
    };
    let mut table = PaperTable::default();
    table.apply(vec![shared("m", ""), shared("n", ""), plain("z")], &[]);
    // Which of m and n comes first decides which keeps the base key.
    let change = table.apply(vec![shared("m", "date = 2025-01-03")], &[]);
    assert_eq!(
        change.rekey,
        Rekey::Reorder(vec![0]),
        "m shares its base key with n"
    );
    let change = table.apply(vec![shared("n", "published = 2024-01-01")], &[]);
    assert_eq!(
        change.rekey,
        Rekey::Reorder(vec![1]),
        "n shares its base key with m"
    );
    // z alone has its base key as its key, whatever its dates.
    let change = table.apply(vec![entry("z", "date = 2025-01-03", &[], &[])], &[]);
    assert_eq!(change.rekey, Rekey::Keep, "z is alone with its base key");
    // m taking a base of its own changes the keys of the base it leaves.
    let change = table.apply(vec![entry("m", "date = 2025-01-03", &[], &[])], &[]);
    assert_eq!(change.rekey, Rekey::All, "m leaves the base it shared");
    // The counts kept from z's edit follow the papers that come and go: a paper added with
    // z's base makes z share it, and removing it leaves z alone again.
    let change = table.apply(vec![entry("z", "date = 2025-01-04", &[], &[])], &[]);
    assert_eq!(change.rekey, Rekey::Keep, "z is still alone");
    let z_base = |name: &str, front: &str| Entry {
        cite_base: "z".into(),
        ..entry(name, front, &[], &[])
    };
    table.apply(vec![z_base("y", "")], &[]);
    let change = table.apply(vec![entry("z", "date = 2025-01-05", &[], &[])], &[]);
    assert!(
        matches!(change.rekey, Rekey::Reorder(_)),
        "z shares its base with the paper added: {:?}",
        change.rekey
    );
    table.apply(vec![], &[PathBuf::from("content/y.md")]);
    let change = table.apply(vec![entry("z", "date = 2025-01-06", &[], &[])], &[]);
    assert_eq!(change.rekey, Rekey::Keep, "z is alone again");
}

#[test]
fn each_kind_of_edit_reaches_as_far_as_it_should() {
    // The last field: whether citation keys are made again. Here each paper's base key is its
    // slug, so only a slug edit changes one (see the test below for papers sharing one).
    type Case = (&'static str, fn() -> Entry, Reach, Rekey);
    let cases: &[Case] = &[
        ("same record", || plain("m"), Reach::Cards, Rekey::Keep),
        (
            "links",
            || entry("m", "links = { code = \"https://x.org\" }", &[], &[]),
            Reach::Cards,
            Rekey::Keep,
        ),
        (
            "a tag",
            || entry("m", "", &["new"], &[]),
            Reach::Tags,
            Rekey::Keep,
        ),
        (
            "a feed",
            || entry("m", "", &[], &[0]),
            Reach::Feeds,
            Rekey::Keep,
        ),
        (
            "upvotes",
            || entry("m", "upvotes = 3", &[], &[]),
            Reach::Order,
            Rekey::Keep,
        ),
        (
            "date",
            || entry("m", "date = 2025-01-03", &[], &[]),
            Reach::Order,
            Rekey::Keep,
        ),
        (
            "published",
            || entry("m", "published = 2024-01-01", &[], &[]),
            Reach::Cards,
            Rekey::Keep,
        ),
        (
            "slug",
            || entry("m", "slug = \"other\"", &[], &[]),
            Reach::Paths,
            Rekey::All,
        ),
    ];
    for (what, edited, reach, rekey) in cases {
        let mut table = table_of(&["a", "m", "z"]);
        let change = table.apply(vec![edited()], &[]);
        assert_eq!((change.reach, &change.rekey), (*reach, rekey), "{what}");
        assert_eq!(change.read, [1], "{what}");
        assert_eq!(change.moved, None, "{what}");
        assert_eq!(
            table.columns().card_keys[1],
            0,
            "{what}: the card is built again"
        );
        assert_aligned(&table);
    }
}

#[test]
fn records_swapping_slugs_in_one_batch_keep_the_slug_index_right() {
    let mut table = PaperTable::default();
    table.apply(
        vec![
            entry("a", "slug = \"x\"", &[], &[]),
            entry("b", "slug = \"y\"", &[], &[]),
        ],
        &[],
    );
    let swapped = vec![
        entry("a", "slug = \"y\"", &[], &[]),
        entry("b", "slug = \"x\"", &[], &[]),
    ];
    assert!(table.slug_collisions(&swapped, &[]).is_empty());
    table.apply(swapped, &[]);
    // A third record claiming either slug collides with the record that has it now.
    for (slug, owner) in [("x", "content/b.md"), ("y", "content/a.md")] {
        let c = entry("c", &format!("slug = \"{slug}\""), &[], &[]);
        let problems = table.slug_collisions(&[c], &[]);
        assert_eq!(problems.len(), 1, "{slug}");
        let message = format!("{:?}", problems[0]);
        assert!(message.contains(owner), "{slug}: {message}");
    }
    // Once `a` is removed its slug is free.
    table.apply(Vec::new(), &[PathBuf::from("content/a.md")]);
    let c = entry("c", "slug = \"y\"", &[], &[]);
    assert!(table.slug_collisions(&[c], &[]).is_empty());
}

#[test]
fn merge_steps_interleave_old_and_new_rows() {
    let mut steps = Vec::new();
    for step in [
        Step::Keep(2),
        Step::Keep(1),
        Step::Drop(1),
        Step::Fresh(0),
        Step::Fresh(2),
        Step::Drop(1),
        Step::Keep(1),
    ] {
        push_step(&mut steps, step);
    }
    assert_eq!(
        steps,
        [
            Step::Keep(3),
            Step::Drop(1),
            Step::Fresh(2),
            Step::Drop(1),
            Step::Keep(1)
        ]
    );
    let merged = merge_column(vec![0, 1, 2, 3, 4, 5], vec![10, 11], &steps);
    assert_eq!(merged, [0, 1, 2, 10, 11, 5]);
}
