use std::collections::BTreeMap;

use super::*;
use crate::import::YearOrigin;

fn paper(title: &str, arxiv: Option<&str>, upvotes: Option<u32>) -> ImportedPaper {
    ImportedPaper {
        title: title.into(),
        date: jiff::civil::date(2025, 2, 6),
        published: None,
        authors: Vec::new(),
        author_count: Some(7),
        upvotes,
        arxiv: arxiv.map(str::to_string),
        doi: None,
        tags: Vec::new(),
        links: BTreeMap::from([("code".to_string(), "https://github.com/a/b".to_string())]),
        abstract_text: "Abstract.".into(),
        extra: BTreeMap::new(),
        ..Default::default()
    }
}

fn existing(path: &str, text: &str) -> ExistingRecord {
    ExistingRecord::read(PathBuf::from(path), text.to_string()).unwrap()
}

const EDITED: &str = "+++\n# my notes on this paper\ntitle = \"ImprovNet -- Generating Music\"\ndate = 2025-02-06\nauthor_count = 7\nupvotes = 3\ntags = [\"music\", \"my-own-tag\"]\narxiv = \"2502.04522v1\"\nlinks = { code = \"https://github.com/a/b\", slides = \"https://x.org/s\" }\n[extra]\nnote = \"read in group\"\n+++\nMy edited abstract, with a note.\n";

#[test]
fn reimport_updates_only_source_fields_and_keeps_edits() {
    let records = [existing("c/improvnet.md", EDITED)];
    let outcomes = plan(
        &records,
        &[paper(
            "ImprovNet: Generating Music",
            Some("2502.04522v2"),
            Some(5),
        )],
        Path::new("c"),
        &|_| false,
        false,
    );
    let [Outcome::Updated { path, text, fields }] = outcomes.as_slice() else {
        panic!("{outcomes:?}")
    };
    assert_eq!(path, Path::new("c/improvnet.md"));
    assert_eq!(fields, &["upvotes 3 → 5"]);
    // everything else byte for byte: comment, tags, extra, other links, body
    assert_eq!(text, &EDITED.replace("upvotes = 3", "upvotes = 5"));
}

#[test]
fn unchanged_when_nothing_owned_differs() {
    let records = [existing("c/improvnet.md", EDITED)];
    let outcomes = plan(
        &records,
        &[paper(
            "Totally different title",
            Some("2502.04522"),
            Some(3),
        )],
        Path::new("c"),
        &|_| false,
        false,
    );
    assert_eq!(
        outcomes,
        [Outcome::Unchanged {
            path: "c/improvnet.md".into()
        }]
    );
}

#[test]
fn matches_by_doi_and_title_and_adds_new_papers() {
    let records = [existing(
        "c/a.md",
        "+++\ntitle = \"A: Study\"\ndate = 2025-01-01\ndoi = \"10.1/ABC\"\n+++\n",
    )];
    let mut by_doi = paper("Other title", None, Some(1));
    by_doi.doi = Some("10.1/abc".into());
    let by_title = paper("a study", None, None);
    let new = paper("Brand New", None, None);
    let outcomes = plan(
        &records,
        &[by_doi, by_title, new],
        Path::new("c"),
        &|p| p == Path::new("c/brand-new.md"),
        false,
    );
    assert!(
        matches!(&outcomes[0], Outcome::Updated { fields, .. } if fields.contains(&"upvotes 1".to_string())),
        "{outcomes:?}"
    );
    // the second import of the same record is reported as a repeat, not as a second update
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    assert_eq!(
        outcomes[1],
        Outcome::Repeated {
            title: "a study".into(),
            path: "c/a.md".into()
        }
    );
    // a path taken by another file is never overwritten
    assert!(
        matches!(&outcomes[2], Outcome::Added { path, .. } if path == Path::new("c/brand-new-2.md")),
        "{outcomes:?}"
    );
}

#[test]
fn links_are_added_to_a_links_table_or_created() {
    let (text, fields) = update_text(
        "+++\ntitle = \"x\"\ndate = 2025-01-01\n+++\nBody\n",
        &paper("x", None, None),
    );
    assert_eq!(fields, ["author_count 7", "links.code"]);
    let parsed = crate::record::parse(&text, "x.md", "x").unwrap();
    assert_eq!(parsed.links["code"], "https://github.com/a/b");
    assert_eq!(parsed.body, "Body\n");
    let (text, _) = update_text(
        "+++\ntitle = \"x\"\ndate = 2025-01-01\n[links]\npdf = \"https://p/\"\n+++\n",
        &paper("x", None, None),
    );
    let parsed = crate::record::parse(&text, "x.md", "x").unwrap();
    assert_eq!(parsed.links.len(), 2, "{text}");
}

#[test]
fn strip_version_and_title_key() {
    assert_eq!(strip_version("2502.04522v12"), "2502.04522");
    assert_eq!(strip_version("hep-th/9901001v1"), "hep-th/9901001");
    assert_eq!(strip_version("2502.04522"), "2502.04522");
    assert_eq!(
        title_key("  ImprovNet -- Generating, Controllable!  "),
        "improvnet generating controllable"
    );
}

#[test]
fn author_names_are_never_replaced_by_a_count() {
    let text = "+++\ntitle = \"x\"\ndate = 2025-01-01\nauthors = [\"A\"]\n+++\n";
    let (_, fields) = update_text(text, &paper("x", None, None));
    assert!(
        !fields.iter().any(|f| f.starts_with("author_count")),
        "{fields:?}"
    );
}

fn book(title: &str, author: &str, year: i16, doi: Option<&str>) -> ImportedPaper {
    ImportedPaper {
        title: title.into(),
        date: jiff::civil::date(year, 1, 1),
        authors: vec![author.into()],
        author_count: Some(1),
        doi: doi.map(str::to_string),
        ..Default::default()
    }
}

#[test]
fn a_title_match_that_an_identifier_contradicts_is_another_paper() {
    // (imported paper, whether it merges into the record)
    let record = existing(
        "c/book-a.md",
        "+++\ntitle = \"Book A\"\ndate = 2001-01-01\nauthors = [\"Smith, John\"]\ndoi = \"10.1/one\"\narxiv = \"2101.00001\"\n+++\n",
    );
    let mut other_arxiv = book("Book A", "John Smith", 2001, None);
    other_arxiv.arxiv = Some("2101.00002v3".into());
    let mut same_arxiv_version = book("Book A", "John Smith", 2001, None);
    same_arxiv_version.arxiv = Some("2101.00001v2".into());
    let cases = [
        (book("Book A", "John Smith", 2001, None), true),
        (book("book a!", "J. Smith", 2002, Some("10.1/ONE")), true),
        (book("Book A", "Jane Doe", 2001, None), false),
        (book("Book A", "John Smith", 2010, None), false),
        (book("Book A", "John Smith", 2001, Some("10.1/two")), false),
        (other_arxiv, false),
        (same_arxiv_version, true),
    ];
    for (paper, merges) in cases {
        let outcomes = plan(
            std::slice::from_ref(&record),
            std::slice::from_ref(&paper),
            Path::new("c"),
            &|_| false,
            false,
        );
        match &outcomes[..] {
            [
                Outcome::Added {
                    path, kept_apart, ..
                },
            ] if !merges => {
                assert_eq!(path, Path::new("c/book-a-2.md"));
                let why = kept_apart.as_deref().unwrap();
                assert!(why.starts_with("same title as c/book-a.md, but "), "{why}");
            }
            [Outcome::Unchanged { .. } | Outcome::Updated { .. }] if merges => {}
            other => panic!("{paper:?}: {other:?}"),
        }
    }
}

#[test]
fn two_papers_of_one_title_in_one_listing_stay_two_and_a_reimport_changes_nothing() {
    let mut a = book("Book A", "John Smith", 2001, None);
    a.links
        .insert("pdf".into(), "https://example.org/smith.pdf".into());
    let mut b = book("Book A", "Jane Doe", 2015, None);
    b.links
        .insert("pdf".into(), "https://example.org/doe.pdf".into());
    let first = plan(
        &[],
        &[a.clone(), b.clone()],
        Path::new("c"),
        &|_| false,
        false,
    );
    let texts: Vec<(PathBuf, String)> = first
        .iter()
        .map(|o| match o {
            Outcome::Added { path, text, .. } => (path.clone(), text.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(texts[0].1.contains("smith.pdf") && !texts[0].1.contains("doe.pdf"));
    assert!(texts[1].1.contains("doe.pdf") && !texts[1].1.contains("smith.pdf"));
    assert_eq!(texts[1].0, Path::new("c/book-a-2.md"));
    let records: Vec<ExistingRecord> = texts
        .into_iter()
        .map(|(p, t)| ExistingRecord::read(p, t).unwrap())
        .collect();
    let again = plan(&records, &[a, b], Path::new("c"), &|_| false, false);
    assert_eq!(
        again,
        [
            Outcome::Unchanged {
                path: "c/book-a.md".into()
            },
            Outcome::Unchanged {
                path: "c/book-a-2.md".into()
            }
        ]
    );
}

#[test]
fn names_fill_a_nameless_record_where_its_count_was() {
    let record = "+++\ntitle = \"x\"\ndate = 2025-01-01\n# from the listing\nauthor_count = 2  # two\nupvotes = 3\n[extra]\nk = 1\n+++\nBody\n";
    let mut p = paper("x", None, None);
    p.authors = vec!["Ana Souza".into(), "Kenji\nSato".into()];
    p.author_count = Some(2);
    let (text, fields) = update_text(record, &p);
    assert_eq!(
        fields,
        ["authors (2 names)", "author_count dropped", "links.code"]
    );
    assert_eq!(
        text,
        "+++\ntitle = \"x\"\ndate = 2025-01-01\n# from the listing\nauthors = [\"Ana Souza\", \"Kenji Sato\"]  # two\nupvotes = 3\nlinks = { code = \"https://github.com/a/b\" }\n[extra]\nk = 1\n+++\nBody\n"
    );
    // Names a source gives incompletely (a hidden author) keep the count beside them.
    p.author_count = Some(3);
    let (text, _) = update_text(record, &p);
    let parsed = crate::record::parse(&text, "x.md", "x").unwrap();
    assert_eq!(parsed.authors, ["Ana Souza", "Kenji Sato"]);
    assert_eq!(parsed.author_count, Some(3));
    // Names a person wrote are never replaced.
    let named = "+++\ntitle = \"x\"\ndate = 2025-01-01\nauthors = [\"A. Souza\"]\n+++\n";
    let (_, fields) = update_text(named, &p);
    assert!(
        !fields.iter().any(|f| f.starts_with("author")),
        "{fields:?}"
    );
}

#[test]
fn a_date_whose_year_the_listing_lacked_is_redated_by_a_given_year_only() {
    let mut listed = paper("x", None, None);
    listed.links.clear();
    listed.author_count = None;
    listed.date = jiff::civil::date(2026, 2, 6);
    listed.year_not_in_listing = Some(YearOrigin::Assumed);
    let [Outcome::Added { text, .. }] =
        &plan(&[], &[listed.clone()], Path::new("c"), &|_| false, false)[..]
    else {
        panic!()
    };
    assert!(
        text.contains("date = 2026-02-06 # year not in the listing: 2026 assumed\n"),
        "{text}"
    );
    let mut corrected = listed.clone();
    corrected.date = jiff::civil::date(2025, 2, 6);
    corrected.year_not_in_listing = Some(YearOrigin::Given);
    let (redated, fields) = update_text(text, &corrected);
    assert_eq!(fields, ["date 2026-02-06 → 2025-02-06"]);
    assert_eq!(
        redated,
        text.replace(
            "2026-02-06 # year not in the listing: 2026 assumed",
            "2025-02-06 # year not in the listing: 2025 from --year"
        )
    );
    // Assumed again (no --year): the record keeps its date.
    let mut assumed = corrected.clone();
    assumed.year_not_in_listing = Some(YearOrigin::Assumed);
    assert!(update_text(text, &assumed).1.is_empty());
    // Edited by hand: the person's date stays.
    let edited = text.replace("date = 2026-02-06", "date = 2024-02-06");
    assert!(update_text(&edited, &corrected).1.is_empty());
    // Another day is another listing, not a correction of the year.
    let mut other_day = corrected.clone();
    other_day.date = jiff::civil::date(2025, 2, 7);
    assert!(update_text(text, &other_day).1.is_empty());
    // The guessed year does not keep the corrected listing from matching its record.
    let record = ExistingRecord::read("c/x.md".into(), text.clone()).unwrap();
    assert_eq!(record.year, None);
    let mut far = corrected.clone();
    far.date = jiff::civil::date(2019, 2, 6);
    assert!(matches!(
        &plan(&[record], &[far], Path::new("c"), &|_| false, false)[..],
        [Outcome::Updated { .. }]
    ));
}

#[test]
fn force_replaces_the_record_of_the_same_paper_not_another_of_its_title() {
    let smith = "+++\ntitle = \"Book A\"\ndate = 2001-01-01\nauthors = [\"John Smith\"]\n+++\n";
    let doe = "+++\ntitle = \"Book A\"\ndate = 2015-01-01\nauthors = [\"Jane Doe\"]\n+++\n";
    let records = [
        existing("c/book-a.md", smith),
        existing("c/book-a-2.md", doe),
    ];
    let outcomes = plan(
        &records,
        &[book("Book A", "Jane Doe", 2015, Some("10.1/doe"))],
        Path::new("c"),
        &|_| false,
        true,
    );
    let [Outcome::Updated { path, text, fields }] = &outcomes[..] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(path, Path::new("c/book-a-2.md"));
    assert_eq!(fields, &["whole record (--force)"]);
    assert!(text.contains("10.1/doe"), "{text}");
}

#[test]
fn names_go_after_the_dates_or_into_an_empty_list() {
    let mut p = paper("x", None, None);
    p.links.clear();
    p.authors = vec!["Ana Souza".into()];
    p.author_count = Some(1);
    let (text, _) = update_text(
        "+++\ntitle = \"x\"\ndate = 2025-01-01\npublished = 2024-12-30\nupvotes = 1\n+++\n",
        &p,
    );
    assert_eq!(
        text,
        "+++\ntitle = \"x\"\ndate = 2025-01-01\npublished = 2024-12-30\nauthors = [\"Ana Souza\"]\nupvotes = 1\n+++\n"
    );
    let (text, fields) = update_text(
        "+++\ntitle = \"x\"\nauthors = []  # none yet\ndate = 2025-01-01\n+++\n",
        &p,
    );
    assert_eq!(fields, ["authors (1 name)"]);
    assert_eq!(
        text,
        "+++\ntitle = \"x\"\nauthors = [\"Ana Souza\"]  # none yet\ndate = 2025-01-01\n+++\n"
    );
}

#[test]
fn a_title_two_kept_apart_records_share_is_not_guessed() {
    let smith = "+++\ntitle = \"Book A\"\ndate = 2001-01-01\nauthors = [\"John Smith\"]\n+++\n";
    let doe = "+++\ntitle = \"Book A\"\ndate = 2015-01-01\nauthors = [\"Jane Doe\"]\n+++\n";
    let records = [
        existing("c/book-a.md", smith),
        existing("c/book-a-2.md", doe),
    ];
    // A page copy knows neither authors nor a real year: either book could be it.
    let mut bare = paper("Book A", None, Some(4));
    bare.year_not_in_listing = Some(YearOrigin::Assumed);
    let outcomes = plan(&records, &[bare], Path::new("c"), &|_| false, false);
    let [Outcome::Skipped { why, .. }] = &outcomes[..] else {
        panic!("{outcomes:?}")
    };
    assert!(
        why.starts_with("its title matches c/book-a.md and c/book-a-2.md"),
        "{why}"
    );
    // What tells them apart picks one.
    let doe_again = book("Book A", "Jane Doe", 2015, None);
    assert_eq!(
        plan(&records, &[doe_again], Path::new("c"), &|_| false, false),
        [Outcome::Unchanged {
            path: "c/book-a-2.md".into()
        }]
    );
}

#[test]
fn what_an_entry_adds_to_a_record_is_known_to_the_next_entries() {
    // The text listing's record gets its arXiv id from the first entry; the second entry, with
    // a slightly different title, is matched by that id instead of becoming a new record.
    let records = [existing(
        "c/token-merging.md",
        "+++\ntitle = \"Token Merging\"\ndate = 2024-03-04\nauthor_count = 2\n+++\n",
    )];
    let mut by_title = paper("Token Merging", Some("2403.01234"), None);
    let mut renamed = paper("Token Merging (v2)", Some("2403.01234v2"), Some(9));
    for p in [&mut by_title, &mut renamed] {
        p.links.clear();
        p.author_count = Some(2);
    }
    let outcomes = plan(
        &records,
        &[by_title, renamed],
        Path::new("c"),
        &|_| false,
        false,
    );
    assert!(
        matches!(&outcomes[..], [Outcome::Updated { fields, .. }, Outcome::Repeated { .. }]
            if fields == &["arxiv 2403.01234", "upvotes 9"]),
        "{outcomes:?}"
    );
}

fn with_tldr(tldr: &str) -> ImportedPaper {
    ImportedPaper {
        tldr: Some(tldr.into()),
        ..paper("ImprovNet: Generating Music", Some("2502.04522"), Some(3))
    }
}

/// The text of the one record an import updated, with the fields it names.
fn updated(outcomes: &[Outcome]) -> (&str, &[String]) {
    match outcomes {
        [Outcome::Updated { text, fields, .. }] => (text, fields),
        _ => panic!("{outcomes:?}"),
    }
}

/// A source's tldr fills a record that has none, marked as the import's; the next import with
/// another tldr updates it; the same one again changes nothing.
#[test]
fn a_tldr_is_filled_then_updated_while_it_is_the_import_s() {
    let import = |records: &[ExistingRecord], tldr: &str| {
        plan(
            records,
            &[with_tldr(tldr)],
            Path::new("c"),
            &|_| false,
            false,
        )
    };
    let first = import(&[existing("c/improvnet.md", EDITED)], "Music, improvised.");
    let (text, fields) = updated(&first);
    assert_eq!(fields, ["tldr"]);
    let line = "tldr = \"Music, improvised.\" # as imported: ";
    assert!(text.contains(line), "{text}");
    // Everything else as it was.
    let without = text
        .lines()
        .filter(|l| !l.starts_with("tldr = "))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(format!("{without}\n"), EDITED);
    let once = [existing("c/improvnet.md", text)];
    let again = import(&once, "Music, improvised.");
    assert!(
        matches!(again[..], [Outcome::Unchanged { .. }]),
        "{again:?}"
    );
    let newer = import(&once, "Improvised music, controlled.");
    let (text, fields) = updated(&newer);
    assert_eq!(fields, ["tldr"]);
    assert!(text.contains("tldr = \"Improvised music, controlled.\" # as imported: "));
    assert!(!text.contains("Music, improvised."), "{text}");
}

/// A tldr a person wrote, or one an import wrote and a person then edited (or whose mark they
/// deleted), is never replaced.
#[test]
fn a_tldr_a_person_wrote_or_edited_is_never_replaced() {
    let filled = {
        let records = [existing("c/improvnet.md", EDITED)];
        let outcomes = plan(
            &records,
            &[with_tldr("Theirs.")],
            Path::new("c"),
            &|_| false,
            false,
        );
        updated(&outcomes).0.to_string()
    };
    let written = EDITED.replace("upvotes = 3\n", "upvotes = 3\ntldr = \"Mine.\"\n");
    let edited = filled.replace("\"Theirs.\"", "\"Theirs, fixed.\"");
    let unmarked = filled.split(" # as imported").next().unwrap().to_string()
        + "\n"
        + filled
            .split_once("# as imported: ")
            .unwrap()
            .1
            .split_once('\n')
            .unwrap()
            .1;
    assert!(unmarked.contains("tldr = \"Theirs.\"\n"), "{unmarked}");
    for text in [written, edited, unmarked] {
        let records = [existing("c/improvnet.md", &text)];
        let outcomes = plan(
            &records,
            &[with_tldr("A new one.")],
            Path::new("c"),
            &|_| false,
            false,
        );
        assert!(
            matches!(outcomes[..], [Outcome::Unchanged { .. }]),
            "{text}\n{outcomes:?}"
        );
    }
}

/// A new record gets the tldr marked (so a later import may update it); a record's own tldr
/// (digest's JSON read back) is written without the mark.
#[test]
fn new_records_mark_an_imported_tldr_but_not_a_record_s_own() {
    let new = |paper: ImportedPaper| {
        let outcomes = plan(&[], &[paper], Path::new("c"), &|_| false, false);
        let [Outcome::Added { text, .. }] = outcomes.as_slice() else {
            panic!("{outcomes:?}")
        };
        text.clone()
    };
    let text = new(with_tldr("One  line,\nnot two."));
    assert!(
        text.contains("\ntldr = \"One line, not two.\" # as imported: "),
        "{text}"
    );
    crate::record::parse(&text, "c/x.md", "x").unwrap();
    let own = new(ImportedPaper {
        tldr_as_written: true,
        ..with_tldr("Mine.")
    });
    assert!(own.contains("\ntldr = \"Mine.\"\n"), "{own}");
}

/// A record's own tldr (digest's JSON) replaces one an import wrote and drops its mark: from
/// then on it is the person's.
#[test]
fn a_record_s_own_tldr_replaces_an_imported_one_and_drops_the_mark() {
    let records = [existing("c/improvnet.md", EDITED)];
    let outcomes = plan(
        &records,
        &[with_tldr("Theirs.")],
        Path::new("c"),
        &|_| false,
        false,
    );
    let filled = [existing("c/improvnet.md", updated(&outcomes).0)];
    let own = ImportedPaper {
        tldr_as_written: true,
        ..with_tldr("Mine.")
    };
    let outcomes = plan(&filled, &[own], Path::new("c"), &|_| false, false);
    let (text, fields) = updated(&outcomes);
    assert_eq!(fields, ["tldr"]);
    assert!(text.contains("\ntldr = \"Mine.\"\n"), "{text}");
    assert!(!text.contains("as imported"), "{text}");
}
