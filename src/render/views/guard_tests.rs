//! The guard of fingerprints: a page whose context (or generated text) changes must change its
//! fingerprint, or a rebuild would keep the stale page. Whole sites are loaded from records,
//! edited (one field of one record, a record added or removed) and loaded again; every page kind
//! is compared, by output path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proptest::prelude::*;
use tera::Context;

use crate::site::{LoadOptions, Site};

const SITE_TOML: &str = r#"title = "Guard"
base_url = "https://example.org/g/"
paginate_by = 2
home_pages = 2

[keyword_tags]
"agents" = ["agent", "agents"]

[keyword_feeds]
"Diffusion" = ["diffusion"]
"#;

const TITLES: &[&str] = &[
    "Sparse attention",
    "Sparse Attention",
    "Agents that plan with tools",
    "Diffusion for music, at scale: a title long enough that search engines see it cut and link previews too",
    "Zebra",
];
const DATES: &[&str] = &[
    "2025-02-06",
    "2025-02-07",
    "2025-03-01",
    "2024-12-30",
    "2025-01-02",
    // A month after every other: the site's newest month moves without a month more or less.
    "2025-04-01",
];
const AUTHORS: &[&[&str]] = &[
    &[],
    &["Ann Lee"],
    &["{The ATLAS Collaboration}", "van der Berg, Jan"],
    &[
        "A One", "B Two", "C Three", "D Four", "E Five", "F Six", "G Seven",
    ],
    // Ann Lee and Jan van der Berg written another way: one person each.
    &["Lee, Ann", "Jan  van der Berg"],
];
const TAGS: &[&[&str]] = &[
    &[],
    &["music"],
    &["music", "vision"],
    &[
        "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11", "t12",
    ],
    // "music" written another way: the tag's name may change on every card that shows it.
    &["Music", "Vision"],
];
const LINKS: &[&str] = &[
    "",
    "links = { code = \"https://github.com/a/b\" }\n",
    "links = { pdf = \"https://example.org/p.pdf\", project = \"https://example.org/\" }\n",
    "links = { slides = \"https://example.org/s\" }\n",
];
const BODIES: &[&str] = &[
    "",
    "Short abstract.",
    "Agents use diffusion to write music, with $x^2$ in the abstract and more words after it so that the summary is cut.",
    "Code:\n\n```rust\nfn main() {}\n```\n",
    // Past the summary's 280 characters, a phrase changes why a paper is on a keyword tag's or
    // feed's page but not its card.
    "A long abstract whose first 280 characters are all that cards show of it, so that what comes after them changes no card: words, more words, and still more words about nothing in particular, written only to be long enough for the cut to fall well before the end of it, which comes after these words. Then: agents.",
    "A long abstract whose first 280 characters are all that cards show of it, so that what comes after them changes no card: words, more words, and still more words about nothing in particular, written only to be long enough for the cut to fall well before the end of it, which comes after these words. Then: nothing else.",
    "A long abstract whose first 280 characters are all that cards show of it, so that what comes after them changes no card: words, more words, and still more words about nothing in particular, written only to be long enough for the cut to fall well before the end of it, which comes after these words. Then: diffusion.",
    // Notes below the same abstract: only the paper's own page shows them (and their code).
    "Short abstract.\n\n## Notes\n\nMy notes.\n",
    "Short abstract.\n\n<!-- notes -->\n\n```rust\nfn notes() {}\n```\n",
];
const EXTRAS: &[&str] = &[
    "",
    "[extra]\njournal = \"Nature\"\n",
    "[extra]\nvenue = \"NeurIPS\"\nnote = \"x\"\n",
];
const SLUGS: &[&str] = &["renamed-a", "renamed-b"];
const TLDRS: &[&str] = &[
    "Agents plan with tools.",
    "A tldr with <markup> & \"quotes\" that stays text.",
];
const IDS: &[&str] = &["2502.04522", "hep-th/9901001"];
const DOIS: &[&str] = &["10.1000/xyz", "10.5555/abc"];

/// One record, as the pools above spell it.
#[derive(Debug, Clone)]
struct Rec {
    file: String,
    title: usize,
    date: usize,
    published: Option<usize>,
    authors: usize,
    author_count: Option<u32>,
    tags: usize,
    upvotes: Option<u32>,
    arxiv: Option<usize>,
    doi: Option<usize>,
    links: usize,
    body: usize,
    slug: Option<usize>,
    tldr: Option<usize>,
    extra: usize,
}

impl Rec {
    fn new(file: &str, title: usize, date: usize) -> Rec {
        Rec {
            file: file.to_string(),
            title,
            date,
            published: None,
            authors: 0,
            author_count: None,
            tags: 0,
            upvotes: None,
            arxiv: None,
            doi: None,
            links: 0,
            body: 0,
            slug: None,
            tldr: None,
            extra: 0,
        }
    }

    fn text(&self) -> String {
        let mut t = format!(
            "+++\ntitle = {:?}\ndate = {}\n",
            TITLES[self.title], DATES[self.date]
        );
        if let Some(p) = self.published {
            t.push_str(&format!("published = {}\n", DATES[p]));
        }
        t.push_str(&format!("authors = {:?}\n", AUTHORS[self.authors]));
        if let Some(n) = self.author_count {
            t.push_str(&format!("author_count = {n}\n"));
        }
        t.push_str(&format!("tags = {:?}\n", TAGS[self.tags]));
        if let Some(n) = self.upvotes {
            t.push_str(&format!("upvotes = {n}\n"));
        }
        if let Some(i) = self.arxiv {
            t.push_str(&format!("arxiv = {:?}\n", IDS[i]));
        }
        if let Some(i) = self.doi {
            t.push_str(&format!("doi = {:?}\n", DOIS[i]));
        }
        t.push_str(LINKS[self.links]);
        if let Some(i) = self.tldr {
            t.push_str(&format!("tldr = {:?}\n", TLDRS[i]));
        }
        if let Some(i) = self.slug {
            t.push_str(&format!("slug = {:?}\n", SLUGS[i]));
        }
        t.push_str(EXTRAS[self.extra]);
        t.push_str("+++\n");
        t.push_str(BODIES[self.body]);
        t
    }
}

/// Seven records over four days and three months, sharing tags, covering every page kind.
fn base_records() -> Vec<Rec> {
    let mut recs = vec![
        Rec::new("a", 0, 0),
        Rec::new("b", 2, 0),
        Rec::new("c", 3, 1),
        Rec::new("d", 4, 2),
        Rec::new("e", 1, 3),
        Rec::new("f", 0, 4),
        Rec::new("g", 2, 0),
    ];
    recs[0].tags = 2;
    recs[0].upvotes = Some(3);
    recs[0].arxiv = Some(0);
    recs[0].authors = 1;
    recs[0].body = 2;
    recs[1].tags = 1;
    recs[1].upvotes = Some(9);
    recs[1].doi = Some(0);
    recs[1].links = 1;
    recs[1].body = 1;
    recs[2].tags = 3;
    recs[2].authors = 3;
    recs[2].body = 3;
    recs[2].extra = 1;
    recs[3].author_count = Some(7);
    recs[3].tags = 1;
    recs[3].links = 2;
    recs[4].authors = 2;
    recs[4].tags = 2;
    recs[4].published = Some(3);
    recs[5].upvotes = Some(1);
    recs[5].tldr = Some(0);
    recs[6].tags = 1;
    recs[6].body = 2;
    // With a and e, two papers each for Ann Lee and Jan van der Berg: author pages (the
    // default is authors of at least 2 papers).
    recs[6].authors = 4;
    recs
}

/// One edit of a record (by index into the records), or a record added or removed.
#[derive(Debug, Clone)]
enum Edit {
    Title(usize, usize),
    Date(usize, usize),
    Published(usize, Option<usize>),
    Authors(usize, usize),
    AuthorCount(usize, Option<u32>),
    Tags(usize, usize),
    Upvotes(usize, Option<u32>),
    Arxiv(usize, Option<usize>),
    Doi(usize, Option<usize>),
    Links(usize, usize),
    Body(usize, usize),
    Slug(usize, Option<usize>),
    Tldr(usize, Option<usize>),
    Extra(usize, usize),
    Remove(usize),
    Add(usize, usize),
}

impl Edit {
    fn apply(&self, recs: &mut Vec<Rec>) {
        let n = recs.len();
        match *self {
            Edit::Title(i, v) => recs[i % n].title = v,
            Edit::Date(i, v) => recs[i % n].date = v,
            Edit::Published(i, v) => recs[i % n].published = v,
            Edit::Authors(i, v) => recs[i % n].authors = v,
            Edit::AuthorCount(i, v) => recs[i % n].author_count = v,
            Edit::Tags(i, v) => recs[i % n].tags = v,
            Edit::Upvotes(i, v) => recs[i % n].upvotes = v,
            Edit::Arxiv(i, v) => recs[i % n].arxiv = v,
            Edit::Doi(i, v) => recs[i % n].doi = v,
            Edit::Links(i, v) => recs[i % n].links = v,
            Edit::Body(i, v) => recs[i % n].body = v,
            Edit::Slug(i, v) => {
                // Two records may not share a slug: the slug goes to one record only.
                if v.is_some() {
                    for r in recs.iter_mut() {
                        if r.slug == v {
                            r.slug = None;
                        }
                    }
                }
                recs[i % n].slug = v;
            }
            Edit::Tldr(i, v) => recs[i % n].tldr = v,
            Edit::Extra(i, v) => recs[i % n].extra = v,
            Edit::Remove(i) => {
                if n > 1 {
                    recs.remove(i % n);
                }
            }
            Edit::Add(title, date) => {
                let file = format!("added{}", recs.len());
                recs.push(Rec::new(&file, title, date));
            }
        }
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = 0..7usize;
    prop_oneof![
        (i.clone(), 0..TITLES.len()).prop_map(|(i, v)| Edit::Title(i, v)),
        (i.clone(), 0..DATES.len()).prop_map(|(i, v)| Edit::Date(i, v)),
        (i.clone(), proptest::option::of(0..DATES.len())).prop_map(|(i, v)| Edit::Published(i, v)),
        (i.clone(), 0..AUTHORS.len()).prop_map(|(i, v)| Edit::Authors(i, v)),
        (i.clone(), proptest::option::of(0..9u32)).prop_map(|(i, v)| Edit::AuthorCount(i, v)),
        (i.clone(), 0..TAGS.len()).prop_map(|(i, v)| Edit::Tags(i, v)),
        (i.clone(), proptest::option::of(0..12u32)).prop_map(|(i, v)| Edit::Upvotes(i, v)),
        (i.clone(), proptest::option::of(0..IDS.len())).prop_map(|(i, v)| Edit::Arxiv(i, v)),
        (i.clone(), proptest::option::of(0..DOIS.len())).prop_map(|(i, v)| Edit::Doi(i, v)),
        (i.clone(), 0..LINKS.len()).prop_map(|(i, v)| Edit::Links(i, v)),
        (i.clone(), 0..BODIES.len()).prop_map(|(i, v)| Edit::Body(i, v)),
        (i.clone(), proptest::option::of(0..SLUGS.len())).prop_map(|(i, v)| Edit::Slug(i, v)),
        (i.clone(), proptest::option::of(0..TLDRS.len())).prop_map(|(i, v)| Edit::Tldr(i, v)),
        (i.clone(), 0..EXTRAS.len()).prop_map(|(i, v)| Edit::Extra(i, v)),
        i.prop_map(Edit::Remove),
        (0..TITLES.len(), 0..DATES.len()).prop_map(|(t, d)| Edit::Add(t, d)),
    ]
}

/// Loads a site made of `recs`.
fn load(recs: &[Rec]) -> Site {
    load_with(recs, SITE_TOML)
}

/// Loads a site made of `recs` with `site_toml`.
fn load_with(recs: &[Rec], site_toml: &str) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    write_site(tmp.path(), recs, site_toml);
    Site::load(tmp.path(), &LoadOptions::default()).unwrap()
}

fn write_site(root: &Path, recs: &[Rec], site_toml: &str) {
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site.toml"), site_toml).unwrap();
    for rec in recs {
        std::fs::write(root.join(format!("content/{}.md", rec.file)), rec.text()).unwrap();
    }
}

/// What each page is, by output path: its kind, its fingerprint, and what it is made of (its
/// context, or the text of a page made without a template).
type PageViews = BTreeMap<String, (&'static str, u64, Context, Option<String>)>;

fn page_views(site: &Site) -> PageViews {
    let data = site.data();
    site.pages()
        .iter()
        .zip(site.fingerprints())
        .map(|(page, fingerprint)| {
            (
                page.path.clone(),
                (
                    page.kind.name(),
                    fingerprint,
                    data.context(page),
                    data.generate(page).or_else(|| {
                        crate::email::feed::render_page(&data, &site.renderer, page)
                            .map(|made| made.expect("an email renders"))
                    }),
                ),
            )
        })
        .collect()
}

/// Every page of both sites that changed kept no fingerprint. Returns the kinds of the pages
/// that changed.
fn assert_changes_change_fingerprints(
    before: &PageViews,
    after: &PageViews,
    what: &str,
) -> BTreeSet<&'static str> {
    let mut changed = BTreeSet::new();
    for (path, (kind, fp, ctx, text)) in after {
        let Some((_, old_fp, old_ctx, old_text)) = before.get(path) else {
            continue;
        };
        if ctx != old_ctx || text != old_text {
            changed.insert(*kind);
            assert_ne!(
                fp, old_fp,
                "{what}: the {kind} page {path} changed but kept its fingerprint\nbefore: {old_ctx:?} {old_text:?}\nafter: {ctx:?} {text:?}"
            );
        }
    }
    changed
}

/// Fingerprints made from an earlier state's (`Site::page_fingerprints`, which keeps those of
/// paper pages made of the same) are those made whole.
fn assert_fingerprints_from_before_are_made_whole(before: &Site, after: &Site, what: &str) {
    let whole = after.fingerprints();
    let from_before = after.page_fingerprints(Some(&before.page_fingerprints(None)));
    let differ: Vec<&str> = after
        .pages()
        .iter()
        .zip(whole.iter().zip(&from_before.pages))
        .filter(|(_, (a, b))| a != b)
        .map(|(page, _)| page.path.as_str())
        .collect();
    assert!(
        differ.is_empty(),
        "{what}: fingerprints kept from before differ from those made whole: {differ:?}"
    );
    assert_eq!(
        after.page_fingerprints(None).pages,
        whole,
        "{what}: made whole"
    );
    // As `serve` makes them: the pages of whole lists not kept are left to be made when
    // written, and then are those made whole.
    let mut deferred = after.page_fingerprints_deferring(Some(&before.page_fingerprints(None)));
    let pending: Vec<usize> = (0..whole.len())
        .filter(|&i| deferred.pages[i] == crate::site::PENDING)
        .collect();
    assert!(
        pending
            .iter()
            .all(|&i| after.pages()[i].kind.is_whole_list()),
        "{what}: only whole lists wait"
    );
    after.make_pending(&mut deferred, &pending);
    assert_eq!(deferred.pages, whole, "{what}: deferred, then made");
}

/// Every kind of page the plan makes, by name.
const ALL_KINDS: [&str; 32] = [
    "home",
    "paper",
    "day",
    "month",
    "week",
    "archive",
    "tags",
    "tag",
    "keyword",
    "author",
    "author atom",
    "author json",
    "atom",
    "json feed",
    "day bib",
    "tag bib",
    "search",
    "404",
    "status",
    "status json",
    "manifest",
    "top",
    "day json",
    "tag json",
    "paper json",
    "api index",
    "llms",
    "subscribe",
    "opml",
    "email",
    "digest atom",
    "digest json",
];

/// Each kind of edit, once, on the base site: each shows on some page, and every page it
/// shows on gets a new fingerprint. Together the edits reach every kind of page that shows
/// records.
#[test]
fn every_edit_shows_and_changes_the_fingerprints_of_the_pages_it_shows_on() {
    let base = base_records();
    let before_site = load(&base);
    let kinds: BTreeSet<&str> = before_site.pages().iter().map(|p| p.kind.name()).collect();
    assert_eq!(
        kinds,
        ALL_KINDS.into_iter().collect(),
        "the fixture covers every page kind"
    );
    let before = page_views(&before_site);
    let edits = [
        Edit::Title(0, 4),
        Edit::Date(0, 2),
        Edit::Published(0, Some(1)),
        Edit::Authors(0, 3),
        Edit::AuthorCount(4, Some(2)),
        Edit::Tags(0, 3),
        // Record 2 alone has tags t01..t12: they go, and so do their feeds.
        Edit::Tags(2, 0),
        Edit::Upvotes(1, Some(0)),
        Edit::Arxiv(1, Some(1)),
        Edit::Doi(0, Some(1)),
        Edit::Links(0, 3),
        Edit::Body(1, 2),
        Edit::Slug(2, Some(0)),
        Edit::Tldr(0, Some(1)),
        Edit::Tldr(5, Some(1)),
        Edit::Tldr(5, None),
        Edit::Extra(0, 2),
        Edit::Remove(3),
        Edit::Add(3, 0),
    ];
    let mut reached = BTreeSet::new();
    for edit in edits {
        let mut recs = base.clone();
        edit.apply(&mut recs);
        let after_site = load(&recs);
        let after = page_views(&after_site);
        let changed = assert_changes_change_fingerprints(&before, &after, &format!("{edit:?}"));
        assert_fingerprints_from_before_are_made_whole(
            &before_site,
            &after_site,
            &format!("{edit:?}"),
        );
        assert_kept_in_place_are_made_whole(&base, &recs, &format!("{edit:?}"));
        assert!(!changed.is_empty(), "{edit:?} changed no page");
        reached.extend(changed);
    }
    let unreached: Vec<&str> = ALL_KINDS
        .into_iter()
        .filter(|k| !reached.contains(k) && !["search", "404"].contains(k))
        .collect();
    assert!(unreached.is_empty(), "no edit reached {unreached:?}");
}

proptest! {
    #![proptest_config(crate::record::mutations::config(24))]

    /// Random edits of a random record (one to three at once): whenever a page's context or
    /// text differs, its fingerprint differs.
    #[test]
    fn random_edits_never_keep_a_changed_page_s_fingerprint(edits in proptest::collection::vec(edit(), 1..4)) {
        let base = base_records();
        let before_site = load(&base);
        let before = page_views(&before_site);
        let mut recs = base;
        for edit in &edits {
            edit.apply(&mut recs);
        }
        let after_site = load(&recs);
        let after = page_views(&after_site);
        let what = format!("{edits:?}");
        assert_changes_change_fingerprints(&before, &after, &what);
        assert_fingerprints_from_before_are_made_whole(&before_site, &after_site, &what);
        assert_kept_in_place_are_made_whole(&base_records(), &recs, &what);
    }
}

/// A tldr shows on its paper page (line, meta description), on the cards of the lists that show
/// cards and in the feeds' summaries: adding, changing and removing one changes each of those
/// pages' fingerprints, and no title list (months, weeks), which shows no summary.
#[test]
fn a_tldr_edit_reaches_its_page_cards_and_feeds_and_no_title_list() {
    let base = base_records();
    let before = page_views(&load(&base));
    for edit in [
        Edit::Tldr(0, Some(0)),
        Edit::Tldr(5, Some(1)),
        Edit::Tldr(5, None),
    ] {
        let mut recs = base.clone();
        edit.apply(&mut recs);
        let after = page_views(&load(&recs));
        let changed = assert_changes_change_fingerprints(&before, &after, &format!("{edit:?}"));
        for kind in ["paper", "day", "atom", "json feed"] {
            assert!(
                changed.contains(kind),
                "{edit:?} did not reach a {kind} page"
            );
        }
        for kind in ["month", "week"] {
            assert!(!changed.contains(kind), "{edit:?} changed a {kind} page");
        }
    }
}

/// Why a paper is on a keyword tag's or feed's page shows on its card there ("matched: …"):
/// an edit that changes only the reasons (a phrase past the cut summary, the paper staying in
/// the tag and the feed by its title) changes those pages' fingerprints, though no card hash
/// changes.
#[test]
fn a_reason_only_edit_changes_the_keyword_pages() {
    let mut base = base_records();
    // b: "Agents that plan with tools" (the `agents` tag by its title); c: "Diffusion for
    // music…" (the `Diffusion` feed by its title).
    base[1].body = 5;
    base[2].body = 5;
    let before_site = load(&base);
    let before = page_views(&before_site);
    for (edit, kind, path) in [
        (Edit::Body(1, 4), "tag", "tags/agents/index.html"),
        (Edit::Body(2, 6), "keyword", "feeds/diffusion/index.html"),
    ] {
        let mut recs = base.clone();
        edit.apply(&mut recs);
        let after_site = load(&recs);
        let after = page_views(&after_site);
        let changed = assert_changes_change_fingerprints(&before, &after, &format!("{edit:?}"));
        assert!(
            changed.contains(kind),
            "{edit:?} did not reach the {kind} page: {changed:?}"
        );
        let (_, _, context, _) = &after[path];
        let shown = format!("{:?}", context.get("papers"));
        assert!(shown.contains("in title and abstract"), "{path}: {shown}");
        // Only the reasons changed: no card did.
        let cards = |site: &Site| site.data().card_hashes.to_vec();
        assert_eq!(cards(&before_site), cards(&after_site), "{edit:?}");
    }
}

/// Which authors have a page depends on all papers: an edit of one record's authors that
/// takes a person below the threshold removes their page and the links to it from the cards
/// of other papers (g's page and day), which must then be made again though g was not edited;
/// an edit of a paper on an author's page changes that page.
#[test]
fn an_author_edit_reaches_other_papers_cards_and_author_pages() {
    let base = base_records();
    let before_site = load(&base);
    let before = page_views(&before_site);
    assert!(before.contains_key("authors/ann-lee/index.html"));
    assert!(before.contains_key("authors/jan-van-der-berg/atom.xml"));
    let (_, _, context, _) = &before["papers/g/index.html"];
    let shown = format!("{:?}", context.get("paper"));
    assert!(shown.contains("/g/authors/ann-lee/"), "{shown}");
    // a no longer names Ann Lee: one paper left, no page.
    let mut recs = base.clone();
    Edit::Authors(0, 0).apply(&mut recs);
    let after = page_views(&load(&recs));
    assert!(!after.contains_key("authors/ann-lee/index.html"));
    let changed = assert_changes_change_fingerprints(&before, &after, "Ann Lee below 2 papers");
    for path in ["papers/g/index.html", "2025/02/06/index.html"] {
        assert_ne!(before[path].1, after[path].1, "{path} kept its fingerprint");
    }
    assert!(changed.contains("paper"), "{changed:?}");
    // e's title changes: the card on Jan van der Berg's page and his feeds.
    let mut recs = base.clone();
    Edit::Title(4, 4).apply(&mut recs);
    let after = page_views(&load(&recs));
    assert_changes_change_fingerprints(&before, &after, "a title on an author page");
    for path in [
        "authors/jan-van-der-berg/index.html",
        "authors/jan-van-der-berg/atom.xml",
        "authors/jan-van-der-berg/feed.json",
    ] {
        assert_ne!(before[path].1, after[path].1, "{path} kept its fingerprint");
    }
}

/// An author's first page shows how many of the author's papers each year has, down to the
/// last page: a paper on a later page moving to another year changes the first page, whose
/// own papers did not change.
#[test]
fn a_year_moved_on_an_author_s_last_page_changes_the_first() {
    let mut base = base_records();
    // Ann Lee's papers: g (2025-03-01) and a (2025-02-06) on her first page, f (2025-01-02)
    // on her second.
    base[5].authors = 1;
    base[5].date = 4;
    assert!(
        load(&base)
            .pages()
            .iter()
            .any(|p| p.path == "authors/ann-lee/page/2/index.html")
    );
    // The first page shows 2024.
    page_changed_by(
        &base,
        &Edit::Date(5, 3),
        "authors/ann-lee/index.html",
        "f moved to 2024",
    );
}

/// A tag's trend runs to the site's newest month: a paper of another tag leaving that month
/// redraws the trend on the tag's first page, though none of the tag's papers changed (its
/// list is the same, so only the trend tells the page from the one before).
#[test]
fn a_tag_s_trend_follows_the_newest_month_of_the_site() {
    // d, the one paper of March 2025 (and not of "vision"), moves to April: as many days,
    // weeks and months as before, so the tag's pages keep their places in the plan.
    // The trend runs to April now.
    page_changed_by(
        &base_records(),
        &Edit::Date(3, 5),
        "tags/vision/index.html",
        "d moved to April",
    );
}

/// Checks that `edit` of `recs` changes the page at `path` and its fingerprint, that every
/// change of a page changes its fingerprint, and that fingerprints kept from before are those
/// made whole: of two sites loaded apart, and of one site that reads the edited records again,
/// as serve does (only the same site keeps its papers' numbering, so only there do lists' pages
/// keep theirs).
fn page_changed_by(recs: &[Rec], edit: &Edit, path: &str, what: &str) {
    let mut edited = recs.to_vec();
    edit.apply(&mut edited);
    let (before_site, after_site) = (load(recs), load(&edited));
    let (before, after) = (page_views(&before_site), page_views(&after_site));
    assert_ne!(
        format!("{:?}", before[path].2),
        format!("{:?}", after[path].2),
        "{what}: {path} shows the same"
    );
    assert_ne!(before[path].1, after[path].1, "{path} kept its fingerprint");
    assert_changes_change_fingerprints(&before, &after, what);
    assert_fingerprints_from_before_are_made_whole(&before_site, &after_site, what);
    assert_kept_in_place_are_made_whole(recs, &edited, what);
}

/// Fingerprints made from those of the site of `recs` after the same site read `edited` are
/// those made whole.
fn assert_kept_in_place_are_made_whole(recs: &[Rec], edited: &[Rec], what: &str) {
    let tmp = tempfile::tempdir().unwrap();
    write_site(tmp.path(), recs, SITE_TOML);
    let mut site = Site::load(tmp.path(), &LoadOptions::default()).unwrap();
    let before = site.page_fingerprints(None);
    let file = |rec: &Rec| tmp.path().join(format!("content/{}.md", rec.file));
    let changed: Vec<_> = (edited.iter())
        .filter(|rec| {
            !recs
                .iter()
                .any(|r| r.file == rec.file && r.text() == rec.text())
        })
        .map(file)
        .collect();
    let removed: Vec<_> = (recs.iter())
        .filter(|rec| !edited.iter().any(|e| e.file == rec.file))
        .map(file)
        .collect();
    write_site(tmp.path(), edited, SITE_TOML);
    for path in &removed {
        std::fs::remove_file(path).unwrap();
    }
    site.update_records(&changed, &removed).unwrap();
    assert_eq!(
        site.page_fingerprints(Some(&before)).pages,
        site.fingerprints(),
        "{what}: fingerprints kept from before in the same site differ from those made whole"
    );
}

/// Fingerprints kept from before follow edits that reach pages of papers not edited: a title,
/// date or author edit that gives another paper's citation key another suffix, a paper that
/// others list as related retitled, authors written another way. With one related paper each
/// and none, so that paper pages are not all reached through their lists.
#[test]
fn fingerprints_kept_from_before_follow_edits_that_reach_other_papers_pages() {
    for related in [1, 0] {
        let site_toml = format!("{SITE_TOML}\n[output]\nrelated_papers = {related}\n");
        fingerprints_kept_from_before_follow_edits(&site_toml);
    }
}

fn fingerprints_kept_from_before_follow_edits(site_toml: &str) {
    let base = base_records();
    let before = load_with(&base, site_toml);
    for edit in [
        Edit::Title(1, 0),
        Edit::Title(4, 0),
        Edit::Title(0, 2),
        Edit::Date(4, 0),
        Edit::Date(0, 3),
        Edit::Authors(1, 1),
        Edit::Authors(0, 4),
        Edit::Tags(1, 2),
        Edit::Tags(1, 4),
        Edit::Tags(0, 4),
    ] {
        let mut recs = base.clone();
        edit.apply(&mut recs);
        let after = load_with(&recs, site_toml);
        let what = format!("{edit:?} with {site_toml}");
        assert_fingerprints_from_before_are_made_whole(&before, &after, &what);
    }
}
