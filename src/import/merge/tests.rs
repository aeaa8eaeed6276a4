use std::collections::BTreeMap;

use super::*;

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
    let outcomes = plan(&records, &[by_doi, by_title, new], Path::new("c"), &|p| {
        p == Path::new("c/brand-new.md")
    });
    assert!(
        matches!(&outcomes[0], Outcome::Updated { fields, .. } if fields.contains(&"upvotes 1".to_string())),
        "{outcomes:?}"
    );
    // the second import of the same record is not reported again
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    // a path taken by another file is never overwritten
    assert!(
        matches!(&outcomes[1], Outcome::Added { path, .. } if path == Path::new("c/brand-new-2.md")),
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
