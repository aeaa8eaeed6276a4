//! The incremental invariant: after a batch of record edits, additions, removals, renames and
//! drafts, an updated site has the pages (paths and kinds) and the fingerprints of the same
//! files loaded from scratch. Random batches (proptest, shrunk to a smallest failing batch)
//! over small generated sites, and hand-written cases that also say how far each reaches.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::change::Reach;
use super::*;
use crate::plan::PageKind;

/// Record files a generated site can have; every fourth is in a subfolder, so paths of both
/// depths interleave.
const SLOTS: usize = 20;
const TITLES: [&str; 5] = ["Alpha", "Beta", "Gamma", "Delta", "Omega"];
const TAGS: [&str; 4] = ["audio", "vision", "graphs", "theory"];
/// Abstracts; some hold the keyword tag's and the keyword feed's phrases of `SITE_TOML`.
const BODIES: [&str; 5] = [
    "Transformers for audio with tool use.",
    "A study of graphs and in-context learning.",
    "Vision models with $x^2$ for agents and graphs.",
    "Plain words only.",
    "Other plain words, about audio.",
];
const SLUGS: [&str; 3] = ["shared-a", "shared-b", "shared-c"];
const TLDRS: [&str; 2] = ["Audio models plan.", "Graphs, in one sentence."];
/// Author lists: one person written several ways, so that an edit moves people over and under
/// the author pages' threshold (2 papers by default) and changes the names their pages show.
const AUTHOR_LISTS: [&[&str]; 5] = [
    &[],
    &["Ada Lovelace"],
    &["Lovelace, Ada", "Alan Turing"],
    &["Alan  TURING"],
    &["Grace Hopper", "ADA LOVELACE"],
];

/// Small pages, so that a paper moving shifts pages of the home, tag and feed lists.
const SITE_TOML: &str = r#"title = "T"
base_url = "https://example.org/"
paginate_by = 2
home_pages = 3
feed_limit = 3
summary_length = 20

[keyword_tags]
"in-context-learning" = ["in-context learning"]

[keyword_feeds]
"agents" = ["agents", "tool use"]
# A rule table: own tags count, so a tag edit can move a paper between feeds.
"graph-study" = { any = ["graphs"], all = [["study", "vision"]], exclude = ["theory"], fields = ["abstract", "tags"] }

[output]
related_papers = 2
"#;

/// What a record file says.
#[derive(Debug, Clone, PartialEq)]
struct Spec {
    title: usize,
    /// Days from 2025-01-01: January and February, so days, weeks and months all move.
    day: u32,
    upvotes: Option<u32>,
    /// Which of `TAGS` it has, as bits.
    tags: u8,
    /// One of `SLUGS`, or the file stem.
    slug: Option<usize>,
    body: usize,
    /// One of `TLDRS`, or none.
    tldr: Option<usize>,
    /// One of `AUTHOR_LISTS`.
    authors: usize,
    draft: bool,
}

impl Spec {
    fn text(&self, slot: usize) -> String {
        let (month, day) = if self.day < 31 {
            (1, self.day + 1)
        } else {
            (2, self.day - 30)
        };
        let tags: Vec<String> = (0..TAGS.len())
            .filter(|t| self.tags & (1 << t) != 0)
            .map(|t| format!("\"{}\"", TAGS[t]))
            .collect();
        let mut front = format!(
            "title = \"{} {slot}\"\ndate = 2025-{month:02}-{day:02}\ntags = [{}]\n",
            TITLES[self.title],
            tags.join(", ")
        );
        if let Some(upvotes) = self.upvotes {
            front.push_str(&format!("upvotes = {upvotes}\n"));
        }
        if let Some(slug) = self.slug {
            front.push_str(&format!("slug = \"{}\"\n", SLUGS[slug]));
        }
        if let Some(tldr) = self.tldr {
            front.push_str(&format!("tldr = \"{}\"\n", TLDRS[tldr]));
        }
        if self.authors > 0 {
            front.push_str(&format!("authors = {:?}\n", AUTHOR_LISTS[self.authors]));
        }
        if self.draft {
            front.push_str("draft = true\n");
        }
        format!("+++\n{front}+++\n\n{}\n", BODIES[self.body])
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..TITLES.len(),
        0u32..59,
        prop::option::of(0u32..4),
        0u8..16,
        prop::option::weighted(0.15, 0..SLUGS.len()),
        0..BODIES.len(),
        prop::option::of(0..TLDRS.len()),
        0..AUTHOR_LISTS.len(),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(title, day, upvotes, tags, slug, body, tldr, authors, draft)| Spec {
                title,
                day,
                upvotes,
                tags,
                slug,
                body,
                tldr,
                authors,
                draft,
            },
        )
}

/// One field of a record changed.
#[derive(Debug, Clone)]
enum Edit {
    Title(usize),
    Day(u32),
    Upvotes(Option<u32>),
    Tags(u8),
    Slug(Option<usize>),
    Body(usize),
    Tldr(Option<usize>),
    Authors(usize),
    Draft(bool),
}

impl Edit {
    fn apply(&self, spec: &mut Spec) {
        match *self {
            Edit::Title(title) => spec.title = title,
            Edit::Day(day) => spec.day = day,
            Edit::Upvotes(upvotes) => spec.upvotes = upvotes,
            Edit::Tags(tags) => spec.tags = tags,
            Edit::Slug(slug) => spec.slug = slug,
            Edit::Body(body) => spec.body = body,
            Edit::Tldr(tldr) => spec.tldr = tldr,
            Edit::Authors(authors) => spec.authors = authors,
            Edit::Draft(draft) => spec.draft = draft,
        }
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..TITLES.len()).prop_map(Edit::Title),
        (0u32..59).prop_map(Edit::Day),
        prop::option::of(0u32..4).prop_map(Edit::Upvotes),
        (0u8..16).prop_map(Edit::Tags),
        prop::option::of(0..SLUGS.len()).prop_map(Edit::Slug),
        (0..BODIES.len()).prop_map(Edit::Body),
        prop::option::of(0..TLDRS.len()).prop_map(Edit::Tldr),
        (0..AUTHOR_LISTS.len()).prop_map(Edit::Authors),
        any::<bool>().prop_map(Edit::Draft),
    ]
}

/// One change to the files of a batch.
#[derive(Debug, Clone)]
enum Op {
    /// Changes one field of a record (nothing when the slot is empty).
    Edit(usize, Edit),
    /// Writes a record (new or edited).
    Write(usize, Spec),
    /// Saves a record again unchanged.
    Touch(usize),
    Remove(usize),
    /// Moves a record to an empty slot.
    Rename(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..SLOTS, edit()).prop_map(|(slot, edit)| Op::Edit(slot, edit)),
        2 => (0..SLOTS, spec()).prop_map(|(slot, spec)| Op::Write(slot, spec)),
        1 => (0..SLOTS).prop_map(Op::Touch),
        1 => (0..SLOTS).prop_map(Op::Remove),
        1 => (0..SLOTS, 0..SLOTS).prop_map(|(from, to)| Op::Rename(from, to)),
    ]
}

/// A generated site on disk and what its record files say.
struct Generated {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    records: Vec<Option<Spec>>,
}

impl Generated {
    fn new(records: Vec<Option<Spec>>) -> Generated {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content/sub")).unwrap();
        std::fs::write(root.join("site.toml"), SITE_TOML).unwrap();
        let generated = Generated {
            _tmp: tmp,
            root,
            records,
        };
        for slot in 0..SLOTS {
            generated.write(slot);
        }
        generated
    }

    fn path(&self, slot: usize) -> PathBuf {
        let folder = if slot % 4 == 3 {
            "content/sub"
        } else {
            "content"
        };
        self.root.join(format!("{folder}/r{slot:02}.md"))
    }

    /// Makes the file of `slot` say what `records` says.
    fn write(&self, slot: usize) {
        match &self.records[slot] {
            Some(spec) => std::fs::write(self.path(slot), spec.text(slot)).unwrap(),
            None => {
                let _ = std::fs::remove_file(self.path(slot));
            }
        }
    }

    /// Applies `ops` to the files; returns the paths written and removed, as serve's change
    /// plan gives them (a path saved then removed is removed).
    fn apply(&mut self, ops: &[Op]) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let mut touched = std::collections::BTreeSet::new();
        for op in ops {
            match op {
                Op::Edit(slot, edit) => {
                    if let Some(spec) = &mut self.records[*slot] {
                        edit.apply(spec);
                        touched.insert(*slot);
                    }
                }
                Op::Write(slot, spec) => {
                    self.records[*slot] = Some(spec.clone());
                    touched.insert(*slot);
                }
                Op::Touch(slot) if self.records[*slot].is_some() => {
                    touched.insert(*slot);
                }
                Op::Touch(_) => {}
                Op::Remove(slot) => {
                    self.records[*slot] = None;
                    touched.insert(*slot);
                }
                Op::Rename(from, to) if self.records[*to].is_none() => {
                    self.records[*to] = self.records[*from].take();
                    touched.extend([*from, *to]);
                }
                Op::Rename(..) => {}
            }
        }
        for &slot in &touched {
            self.write(slot);
        }
        touched
            .into_iter()
            .map(|slot| self.path(slot))
            .partition(|path| path.is_file())
    }
}

/// Page paths and kinds, and fingerprints, of a site brought fully up to date.
fn state(site: &mut Site) -> (Vec<(String, PageKind)>, Vec<u64>) {
    site.relate_if_stale();
    let pages = site
        .pages()
        .iter()
        .map(|p| (p.path.clone(), p.kind.clone()))
        .collect();
    (pages, site.fingerprints())
}

/// Each paper's related papers, by record path.
fn related_by_path(site: &Site) -> std::collections::HashMap<PathBuf, Vec<PathBuf>> {
    let paths: Vec<PathBuf> = site.record_paths().map(Path::to_path_buf).collect();
    site.related
        .iter()
        .enumerate()
        .map(|(id, list)| {
            (
                paths[id].clone(),
                list.iter().map(|&r| paths[r].clone()).collect(),
            )
        })
        .collect()
}

/// Updates `site` by a batch and checks it against the same files loaded from scratch; when
/// the files cannot load (two records claim one slug), checks that the update fails too and
/// leaves the site as it was. Returns the update's change when it succeeded.
fn update_and_compare(
    site: &mut Site,
    generated: &Generated,
    changed: &[PathBuf],
    removed: &[PathBuf],
) -> Result<Option<Change>, TestCaseError> {
    let before = state(site);
    let related_before = related_by_path(site);
    let fingerprints_before = site.page_fingerprints(None);
    let updated = site.read_records(changed, removed);
    let fresh = Site::load(&generated.root, &LoadOptions::default());
    match (updated, fresh) {
        (Ok(change), Ok(mut fresh)) => {
            site.derive(&change);
            // What serve writes first: fingerprints made from those of the state before the
            // update, the pages whose inputs did not change keeping theirs (a list's pages
            // among them when its papers are the same), are those made whole.
            prop_assert_eq!(
                &site.page_fingerprints(Some(&fingerprints_before)).pages,
                &site.fingerprints(),
                "fingerprints made from those before the update"
            );
            // Until related papers are found again, each paper that stayed shows its list as it
            // was, without the papers gone; a new paper shows none.
            let paths: std::collections::HashSet<PathBuf> =
                site.record_paths().map(Path::to_path_buf).collect();
            for (path, list) in related_by_path(site) {
                let mut expected = related_before.get(&path).cloned().unwrap_or_default();
                expected.retain(|p| paths.contains(p));
                prop_assert_eq!(
                    list,
                    expected,
                    "related papers of {:?} before they are found again",
                    path
                );
            }
            // The pages of this state are served until then: their fingerprints can be made,
            // and serve brings them up to date by hashing again only the pages of the papers
            // whose related list changed.
            let mut served = site.page_fingerprints(None);
            if let Some(changed) = site.relate_if_stale() {
                site.refresh_related_fingerprints(&mut served, &changed);
            }
            let (pages, fingerprints) = state(site);
            prop_assert_eq!(
                &served.pages,
                &fingerprints,
                "fingerprints refreshed after relating"
            );
            // And what they were made of: fingerprints made from them are those made whole.
            prop_assert_eq!(
                &site.page_fingerprints(Some(&served)).pages,
                &fingerprints,
                "fingerprints made from those refreshed"
            );
            let (fresh_pages, fresh_fingerprints) = state(&mut fresh);
            prop_assert_eq!(&pages, &fresh_pages, "pages");
            prop_assert_eq!(fingerprints, fresh_fingerprints, "fingerprints");
            prop_assert!(site.record_paths().eq(fresh.record_paths()));
            Ok(Some(change))
        }
        (Err(_), Err(_)) => {
            prop_assert!(state(site) == before, "a failed update changed the site");
            Ok(None)
        }
        (updated, fresh) => Err(TestCaseError::fail(format!(
            "the update {} but a fresh load {}",
            if updated.is_ok() {
                "succeeded"
            } else {
                "failed"
            },
            if fresh.is_ok() { "succeeded" } else { "failed" },
        ))),
    }
}

/// Records of a first site: most slots filled, each of `SLUGS` claimed once at most (so that
/// it loads).
fn initial() -> impl Strategy<Value = Vec<Option<Spec>>> {
    prop::collection::vec(prop::option::weighted(0.7, spec()), SLOTS).prop_map(|mut records| {
        let mut claimed = [false; SLUGS.len()];
        for spec in records.iter_mut().flatten() {
            if let Some(slug) = spec.slug {
                if claimed[slug] {
                    spec.slug = None;
                }
                claimed[slug] = true;
            }
        }
        records
    })
}

proptest! {
    #![proptest_config(crate::record::mutations::config(24))]

    /// Several batches in a row, each compared with a fresh load. A batch that cannot load
    /// (a slug claimed twice) is undone on disk, as its author would fix it.
    #[test]
    fn updated_site_equals_a_fresh_load(
        records in initial(),
        batches in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..6),
    ) {
        let mut generated = Generated::new(records);
        let mut site = Site::load(&generated.root, &LoadOptions::default())
            .map_err(|e| TestCaseError::fail(format!("the first load failed: {e:?}")))?;
        for ops in &batches {
            let before = generated.records.clone();
            let (changed, removed) = generated.apply(ops);
            if update_and_compare(&mut site, &generated, &changed, &removed)?.is_none() {
                generated.records = before;
                for slot in 0..SLOTS {
                    generated.write(slot);
                }
            }
        }
    }
}

/// A record with the given title, day, tags and slug.
fn record(title: usize, day: u32, tags: u8, slug: Option<usize>) -> Option<Spec> {
    Some(Spec {
        title,
        day,
        upvotes: None,
        tags,
        slug,
        body: 3,
        tldr: None,
        authors: 0,
        draft: false,
    })
}

/// Hand-written batches on one small site: each equals a fresh load and reaches as far as
/// it should (no further, so cheap edits stay cheap).
#[test]
fn hand_written_batches_equal_a_fresh_load_and_reach_what_they_should() {
    let mut records: Vec<Option<Spec>> = vec![None; SLOTS];
    records[0] = record(0, 1, 0b0001, Some(0));
    records[1] = record(1, 2, 0b0010, Some(1));
    records[2] = record(2, 40, 0b0011, None);
    records[3] = record(3, 50, 0, None);
    records[4] = record(4, 5, 0b0100, None);
    records[5] = record(0, 1, 0b0001, None);
    let mut generated = Generated::new(records);
    let mut site = Site::load(&generated.root, &LoadOptions::default()).unwrap();
    let body = |body| move |s: &Spec| Spec { body, ..s.clone() };
    type Rewrite = Box<dyn Fn(&Spec) -> Spec>;
    type Case = (&'static str, Vec<(usize, Rewrite)>, Reach);
    let cases: Vec<Case> = vec![
        (
            "an abstract edited",
            vec![(4, Box::new(body(4)))],
            Reach::Cards,
        ),
        (
            "a tag added to an old paper",
            vec![(
                0,
                Box::new(|s: &Spec| Spec {
                    tags: 0b0011,
                    ..s.clone()
                }),
            )],
            Reach::Tags,
        ),
        (
            "a tldr added",
            vec![(
                4,
                Box::new(|s: &Spec| Spec {
                    tldr: Some(1),
                    ..s.clone()
                }),
            )],
            Reach::Cards,
        ),
        (
            "an abstract that enters a keyword feed",
            vec![(3, Box::new(body(0)))],
            Reach::Feeds,
        ),
        (
            "a second paper by Ada Lovelace gives her a page",
            vec![
                (
                    0,
                    Box::new(|s: &Spec| Spec {
                        authors: 1,
                        ..s.clone()
                    }),
                ),
                (
                    4,
                    Box::new(|s: &Spec| Spec {
                        authors: 2,
                        ..s.clone()
                    }),
                ),
            ],
            Reach::Feeds,
        ),
        (
            "her name written another way (the name her page shows changes)",
            vec![(
                5,
                Box::new(|s: &Spec| Spec {
                    authors: 4,
                    ..s.clone()
                }),
            )],
            Reach::Feeds,
        ),
        (
            "a paper by her loses its abstract (her page's card)",
            vec![(4, Box::new(body(3)))],
            Reach::Cards,
        ),
        (
            "she drops below two papers",
            vec![(
                0,
                Box::new(|s: &Spec| Spec {
                    authors: 0,
                    ..s.clone()
                }),
            )],
            Reach::Feeds,
        ),
        (
            "a title edit that reorders a day",
            vec![(
                0,
                Box::new(|s: &Spec| Spec {
                    title: 4,
                    ..s.clone()
                }),
            )],
            Reach::Order,
        ),
        (
            "two records swap slugs in one batch",
            vec![
                (
                    0,
                    Box::new(|s: &Spec| Spec {
                        slug: Some(1),
                        ..s.clone()
                    }),
                ),
                (
                    1,
                    Box::new(|s: &Spec| Spec {
                        slug: Some(0),
                        ..s.clone()
                    }),
                ),
            ],
            Reach::Paths,
        ),
        (
            "a record becomes a draft",
            vec![(
                2,
                Box::new(|s: &Spec| Spec {
                    draft: true,
                    ..s.clone()
                }),
            )],
            Reach::Paths,
        ),
        (
            "the draft is published again",
            vec![(
                2,
                Box::new(|s: &Spec| Spec {
                    draft: false,
                    ..s.clone()
                }),
            )],
            Reach::Paths,
        ),
    ];
    for (what, edits, reach) in cases {
        let ops: Vec<Op> = edits
            .iter()
            .map(|(slot, edit)| Op::Write(*slot, edit(generated.records[*slot].as_ref().unwrap())))
            .collect();
        let (changed, removed) = generated.apply(&ops);
        let change = update_and_compare(&mut site, &generated, &changed, &removed)
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .unwrap_or_else(|| panic!("{what}: the update failed"));
        assert_eq!(change.reach, reach, "{what}");
    }
    // A rename and a removal in one batch: ids move, related lists are carried over.
    let (changed, removed) = generated.apply(&[Op::Rename(1, 7), Op::Remove(4)]);
    assert_eq!(removed.len(), 2);
    let change = update_and_compare(&mut site, &generated, &changed, &removed)
        .unwrap()
        .unwrap();
    assert!(change.moved.is_some());
}

/// A removed path that is not a record of the site, with nothing else, changes nothing.
#[test]
fn removing_what_the_site_does_not_have_changes_nothing() {
    let generated = Generated::new(vec![record(0, 1, 0, None); SLOTS]);
    let mut site = Site::load(&generated.root, &LoadOptions::default()).unwrap();
    let before = state(&mut site);
    let nowhere = [generated.root.join("content/none.md")];
    let change = update_and_compare(&mut site, &generated, &[], &nowhere)
        .unwrap()
        .unwrap();
    assert_eq!(change.reach, Reach::Cards);
    assert!(state(&mut site) == before);
}

/// Related lists show on paper pages only: after any change of them, hashing those pages again
/// gives every page's fingerprint (what serve relies on after finding related papers again).
#[test]
fn only_the_paper_pages_of_changed_related_lists_change_fingerprint() {
    let records = (0..SLOTS)
        .map(|slot| {
            record(
                slot % TITLES.len(),
                slot as u32 * 3,
                (slot % 16) as u8,
                None,
            )
        })
        .collect();
    let generated = Generated::new(records);
    let mut site = Site::load(&generated.root, &LoadOptions::default()).unwrap();
    let before = site.page_fingerprints(None);
    // Every other paper gets the list of the paper after it, or one paper when that is empty.
    let count = site.paper_count();
    let changed: Vec<PaperId> = (0..count).step_by(2).collect();
    let mut lists = std::mem::take(&mut site.related).into_lists();
    for &id in &changed {
        let other = lists[(id + 1) % count].clone();
        lists[id] = if other.is_empty() || other == lists[id] {
            vec![(id + 2) % count]
        } else {
            other
        };
    }
    site.related = lists.into();
    // As finding related papers again does.
    site.renew_stamps(changed.iter().copied());
    let mut refreshed = before.clone();
    site.refresh_related_fingerprints(&mut refreshed, &changed);
    let after = site.fingerprints();
    assert_eq!(refreshed.pages, after);
    // What the refreshed pages are made of is refreshed too: made from them, or from the
    // fingerprints before the lists changed, fingerprints are those made whole.
    assert_eq!(site.page_fingerprints(Some(&refreshed)).pages, after);
    assert_eq!(site.page_fingerprints(Some(&before)).pages, after);
    let moved = (0..after.len())
        .filter(|&i| after[i] != before.pages[i])
        .count();
    assert!(moved >= changed.len(), "{moved} pages changed");
}

/// Related papers are made of words and paper ids alone: a date or upvotes edit leaves them
/// as they are (nothing to find again), a tag or abstract edit makes them stale.
#[test]
fn only_edits_of_words_make_related_papers_stale() {
    let records = (0..SLOTS)
        .map(|slot| {
            record(
                slot % TITLES.len(),
                slot as u32 * 2,
                (slot % 16) as u8,
                None,
            )
        })
        .collect();
    let mut generated = Generated::new(records);
    let mut site = Site::load(&generated.root, &LoadOptions::default()).unwrap();
    type Rewrite = fn(&Spec) -> Spec;
    let cases: [(&str, Rewrite, bool); 4] = [
        (
            "a date",
            |s| Spec {
                day: s.day + 9,
                ..s.clone()
            },
            false,
        ),
        (
            "upvotes",
            |s| Spec {
                upvotes: Some(7),
                ..s.clone()
            },
            false,
        ),
        (
            "tags",
            |s| Spec {
                tags: s.tags ^ 0b0101,
                ..s.clone()
            },
            true,
        ),
        (
            "an abstract",
            |s| Spec {
                body: (s.body + 1) % BODIES.len(),
                ..s.clone()
            },
            true,
        ),
    ];
    for (what, rewrite, stale) in cases {
        let spec = generated.records[6].as_ref().map(rewrite);
        generated.records[6] = spec;
        generated.write(6);
        let change = site.read_records(&[generated.path(6)], &[]).unwrap();
        assert_eq!(change.words, stale, "{what}");
        assert_eq!(site.related_stale(), stale, "{what}");
        site.derive(&change);
        site.relate_if_stale();
        let fresh = Site::load(&generated.root, &LoadOptions::default()).unwrap();
        assert_eq!(related_by_path(&site), related_by_path(&fresh), "{what}");
    }
}

/// A record that takes the slug of a record already loaded is refused, and the report points
/// at the line where the first record (by path) writes that slug: the site keeps only where
/// the slug was, and reads the line back from the file for the report.
#[test]
fn a_slug_taken_from_a_loaded_record_is_reported_at_its_line_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("site.toml"), SITE_TOML).unwrap();
    std::fs::create_dir(root.join("content")).unwrap();
    let record = |title: &str, extra: &str| {
        format!(
            "+++\ntitle = \"{title}\"\n{extra}date = 2024-03-01\nslug = \"taken\"\n+++\nWords.\n"
        )
    };
    std::fs::write(
        root.join("content/a.md"),
        record("First", "tags = [\"x\"]\n"),
    )
    .unwrap();
    let mut site = Site::load(root, &LoadOptions::default()).unwrap();
    let second = root.join("content/b.md");
    std::fs::write(&second, record("Second", "")).unwrap();
    let problems = site
        .update_records(std::slice::from_ref(&second), &[])
        .unwrap_err();
    let shown = problems.to_string();
    assert!(shown.contains("2 records have the slug `taken`"), "{shown}");
    // a.md writes the slug on its fifth line (after the tags line), column 8.
    assert!(shown.contains("content/a.md:5:8"), "{shown}");
    assert!(shown.contains("slug = \"taken\""), "{shown}");
    assert!(shown.contains("used by content/b.md"), "{shown}");
    // The site is as it was: b.md's page is not planned.
    assert_eq!(site.paper_count(), 1);
}
