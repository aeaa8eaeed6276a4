//! Issue 14, defects 3 and 6–10: what `digest import` writes keeps the text of the source.
//! Each test imports a listing written here in the shape real exporters give (Better BibTeX,
//! Semantic Scholar, al-folio, the arXiv API, Zotero CSL-JSON) through the real binary into
//! a temp folder, then checks the record files and, where text is rendered, the built page.

use crate::common;

use std::path::Path;

use common::{digest, front_matter, html, sel, text_of, tree, write};

/// `digest import FORMAT <listing> --into content` in `tmp`, the listing written first.
fn import(tmp: &Path, format: &str, name: &str, listing: &str, extra: &[&str]) -> common::Run {
    common::import_listing(tmp, format, name, listing, extra)
}

/// The record files written, by file name.
fn records(tmp: &Path) -> Vec<(String, String)> {
    tree(&tmp.join("content"))
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The one record whose title is `title`: its front matter and body.
fn record(tmp: &Path, title: &str) -> (toml::Table, String) {
    let (_, table, body) = record_file(tmp, title);
    (table, body)
}

/// The one record whose title is `title`: its file stem (the page's slug), front matter
/// and body.
fn record_file(tmp: &Path, title: &str) -> (String, toml::Table, String) {
    for (name, text) in records(tmp) {
        let table = front_matter(&text).unwrap_or_else(|| panic!("{name}: {text}"));
        if table["title"].as_str() == Some(title) {
            let body = text.splitn(3, "+++\n").nth(2).unwrap_or("").to_string();
            let stem = name.trim_end_matches(".md").to_string();
            return (stem, table, body);
        }
    }
    let titles: Vec<_> = records(tmp).into_iter().map(|(_, t)| t).collect();
    panic!("no record titled {title:?} in {titles:#?}")
}

/// Builds the site in `tmp` and returns the paper page of the record `stem`.
fn build_page(tmp: &Path, stem: &str) -> scraper::Html {
    write(
        &tmp.join("site.toml"),
        "title = \"t\"\nbase_url = \"https://u.github.io/p/\"\n",
    );
    digest(&["build"], tmp).assert_success();
    html(&tmp.join("public"), &format!("papers/{stem}/index.html"))
}

/// The HTML of the page's abstract section.
fn abstract_html(page: &scraper::Html) -> String {
    page.select(&sel("section.abstract"))
        .next()
        .expect("the paper page has an abstract section")
        .html()
}

/// Defect 6: Better BibTeX escapes a literal `\`, `$`, `{`, `}`, `^` and `_` of a Zotero
/// abstract; the formula came out as `$\\tilde{O}(m+n ̂{1.5})$`. Unknown commands stayed in
/// titles with their braces gone.
#[test]
fn better_bibtex_abstract_keeps_its_formula_and_titles_lose_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let bib = r"@article{chen_faster_2024,
  title = {Faster Matching\hyphen{}Based Flows: \mkbibquote{Near-Linear} Time for {CO}\textsubscript{2} Networks, \unknownmacro{Kept}},
  author = {Chen, Li and Kyng, Rasmus},
  date = {2024-03-14},
  journaltitle = {Journal of Algorithms},
  abstract = {We give an \${\textbackslash}tilde\{O\}(m+n\^\{1.5\})\$ algorithm for flows with costs \$c\_e {\textbackslash}in {\textbackslash}\{0,1{\textbackslash}\}\$. Costs drop by 50\%.},
}
";
    let run = import(tmp.path(), "bibtex", "zotero.bib", bib, &[]);
    run.assert_success();
    let title = "Faster Matching-Based Flows: “Near-Linear” Time for CO₂ Networks, Kept";
    let (stem, _, body) = record_file(tmp.path(), title);
    assert!(
        body.contains(r"$\tilde{O}(m+n^{1.5})$"),
        "the formula is written as it was typed:\n{body}"
    );
    assert!(body.contains(r"$c_e \in \{0,1\}$"), "{body}");
    assert!(body.contains("Costs drop by 50%."), "{body}");
    assert!(!body.contains('\u{302}'), "no combining circumflex: {body}");

    let page = build_page(tmp.path(), &stem);
    assert_eq!(text_of(&page, "h1").as_deref(), Some(title));
    let html = abstract_html(&page);
    let formulas = page.select(&sel("section.abstract math")).count();
    assert_eq!(formulas, 2, "both formulas rendered as MathML:\n{html}");
    assert!(
        !html.contains(r"\\"),
        "no doubled backslash on the page:\n{html}"
    );
    assert!(
        !html.contains("tilde"),
        "the formula is MathML, not source:\n{html}"
    );
}

/// Defect 7: `$L\log L$` in an arXiv summary became `$L\\log L$` in the record.
#[test]
fn arxiv_summary_formula_reaches_the_page_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let atom = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title type="html">ArXiv Query: search_query=ti:sorting</title>
  <id>http://arxiv.org/api/q1</id>
  <updated>2025-03-01T00:00:00-05:00</updated>
  <entry>
    <id>http://arxiv.org/abs/2503.01234v1</id>
    <updated>2025-03-01T10:00:00Z</updated>
    <published>2025-03-01T10:00:00Z</published>
    <title>Sorting in $O(n\log n)$ Comparisons, Revisited</title>
    <summary>  We sort in $L\log L$ time and space $\mathcal{O}(\sqrt{n})$,
  with a constant of 1\% and a path C:\data\sets.

  $$\sum_{i=1}^{n} x_i \le n$$ holds.
</summary>
    <author><name>Ada Lovelace</name></author>
    <link href="http://arxiv.org/abs/2503.01234v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.DS" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.DS" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"#;
    import(tmp.path(), "arxiv-atom", "query.atom", atom, &[]).assert_success();
    let title = r"Sorting in $O(n\log n)$ Comparisons, Revisited";
    let (stem, table, body) = record_file(tmp.path(), title);
    assert_eq!(table["arxiv"].as_str(), Some("2503.01234"));
    assert!(body.contains(r"$L\log L$"), "{body}");
    assert!(body.contains(r"$\mathcal{O}(\sqrt{n})$"), "{body}");
    assert!(body.contains(r"$$\sum_{i=1}^{n} x_i \le n$$"), "{body}");
    // Prose backslashes are escaped so they read back as themselves.
    assert!(body.contains(r"1\\% and a path C:\\data\\sets."), "{body}");

    let page = build_page(tmp.path(), &stem);
    assert_eq!(text_of(&page, "h1").as_deref(), Some(title));
    let html = abstract_html(&page);
    assert_eq!(
        page.select(&sel("section.abstract math")).count(),
        3,
        "{html}"
    );
    assert!(html.contains(r"1\% and a path C:\data\sets."), "{html}");
    assert!(!html.contains(r"L\\log"), "{html}");
}

/// Defect 3: CSL-JSON items with no `issued` (web pages, datasets, blog posts) were refused
/// and `--date` was ignored.
#[test]
fn csl_json_items_without_issued_are_imported() {
    let listing = r#"[
  {"id": "http://zotero.org/users/1/items/WEB1", "type": "webpage", "title": "How Transformers Count",
   "URL": "https://blog.example.org/count", "accessed": {"date-parts": [["2025", 4, 2]]}},
  {"id": "http://zotero.org/users/1/items/DAT1", "type": "dataset", "title": "A Corpus of Proofs", "issued": {}},
  {"id": "http://zotero.org/users/1/items/POST", "type": "post-weblog", "title": "Notes on Scaling",
   "issued": {"date-parts": [[]]}, "submitted": {"raw": "2024-12-24"}}
]"#;
    let tmp = tempfile::tempdir().unwrap();
    let stderr = import(tmp.path(), "csl-json", "lib.json", listing, &[])
        .assert_problems()
        .to_string();
    assert!(stderr.contains("lib.json:4:"), "{stderr}");
    assert!(stderr.contains("--date"), "{stderr}");
    assert_eq!(records(tmp.path()).len(), 2);
    let (web, _) = record(tmp.path(), "How Transformers Count");
    assert_eq!(web["date"].to_string(), "2025-04-02");
    let (post, _) = record(tmp.path(), "Notes on Scaling");
    assert_eq!(post["date"].to_string(), "2024-12-24");

    let tmp = tempfile::tempdir().unwrap();
    import(
        tmp.path(),
        "csl-json",
        "lib.json",
        listing,
        &["--date", "2025-05-01"],
    )
    .assert_success();
    let (data, _) = record(tmp.path(), "A Corpus of Proofs");
    assert_eq!(data["date"].to_string(), "2025-05-01");
    let (web, _) = record(tmp.path(), "How Transformers Count");
    assert_eq!(
        web["date"].to_string(),
        "2025-04-02",
        "the item's own date first"
    );
}

/// Defect 8: CSL rich text (`<i>`, `<b>`, `<sc>`, `<sup>`, `<sub>`, `<span class="nocase">`)
/// stayed as literal tags in titles and names.
#[test]
fn csl_json_rich_text_becomes_plain_text() {
    let listing = r#"[{"id": "r1", "type": "article-journal",
  "title": "<i>Escherichia coli</i> fixes CO<sub>2</sub> at 10<sup>-3</sup> <span class=\"nocase\">pH</span> in <sc>Vivo</sc>, the 19<sup>th</sup> <b>way</b>",
  "container-title": "<i>Cell</i> Reports",
  "abstract": "<jats:p>We grow <i>E. coli</i> in CO<sub>2</sub> with <b>no</b> *stars* at 37 °C.</jats:p>",
  "author": [{"given": "Mar<i>í</i>a", "family": "<sc>García</sc>"}, {"literal": "<b>BioLab</b> Consortium"}],
  "issued": {"date-parts": [[2023, 9, 1]]}}]"#;
    let tmp = tempfile::tempdir().unwrap();
    import(tmp.path(), "csl-json", "rich.json", listing, &[]).assert_success();
    let title = "Escherichia coli fixes CO₂ at 10⁻³ pH in Vivo, the 19th way";
    let (stem, table, body) = record_file(tmp.path(), title);
    assert_eq!(
        body.trim(),
        r"We grow *E. coli* in CO₂ with **no** \*stars\* at 37 °C."
    );
    let authors: Vec<_> = table["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(authors, ["María García", "{BioLab Consortium}"]);
    assert_eq!(table["extra"]["venue"].as_str(), Some("Cell Reports"));
    for (name, text) in records(tmp.path()) {
        assert!(!text.contains('<'), "{name}: {text}");
    }
    let page = build_page(tmp.path(), &stem);
    assert_eq!(text_of(&page, "h1").as_deref(), Some(title));
    assert_eq!(
        text_of(&page, "section.abstract em").as_deref(),
        Some("E. coli")
    );
    assert_eq!(
        text_of(&page, "section.abstract strong").as_deref(),
        Some("no")
    );
    assert!(
        text_of(&page, "section.abstract p")
            .unwrap()
            .contains("CO₂ with no *stars* at 37 °C."),
        "{}",
        abstract_html(&page)
    );
}

/// Defect 9: `import auto` could not tell an al-folio `papers.bib` (empty Jekyll front
/// matter on top) from nothing.
#[test]
fn auto_recognises_an_al_folio_bibliography() {
    let bib = "---\n---\n\n@string{aps = {American Physical Society,}}\n\n\
               @article{einstein1950meaning,\n  abbr={AJP},\n  bibtex_show={true},\n  \
               title={The meaning of relativity},\n  author={Einstein, Albert and Taub, AH},\n  \
               journal={American Journal of Physics},\n  volume={18},\n  number={6},\n  \
               pages={403--404},\n  year={1950},\n  publisher={American Association of Physics Teachers},\n  \
               selected={true}\n}\n";
    let tmp = tempfile::tempdir().unwrap();
    let run = import(tmp.path(), "auto", "papers.bib", bib, &[]);
    run.assert_success();
    let (table, _) = record(tmp.path(), "The meaning of relativity");
    assert_eq!(table["date"].to_string(), "1950-01-01");
    assert_eq!(table["extra"]["pages"].as_str(), Some("403–404"));
}

/// Defect 10: Semantic Scholar's BibTeX (`journal={ArXiv}, volume={abs/…}`) gave no arXiv id,
/// and a biblatex `@set` was an error asking to add a title.
#[test]
fn semantic_scholar_bibtex_and_biblatex_sets() {
    let bib = "@article{Park2024TokenMerging,\n  title={Token Merging for Long Videos},\n  \
               author={Jae Park and Lena Vogel},\n  journal={ArXiv},\n  year={2024},\n  \
               volume={abs/2401.01234},\n  url={https://api.semanticscholar.org/CorpusID:266900001}\n}\n\n\
               @set{merging, entryset={Park2024TokenMerging,Park2024b}}\n";
    let tmp = tempfile::tempdir().unwrap();
    let run = import(tmp.path(), "bibtex", "s2.bib", bib, &[]);
    run.assert_success();
    assert!(
        run.stderr
            .contains("s2.bib:10:1: note: entry `merging` skipped"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("add `title"), "{}", run.stderr);
    let (table, _) = record(tmp.path(), "Token Merging for Long Videos");
    assert_eq!(table["arxiv"].as_str(), Some("2401.01234"));
    assert_eq!(records(tmp.path()).len(), 1);
}
