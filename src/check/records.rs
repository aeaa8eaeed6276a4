//! The checks of the records themselves: duplicates across files, dates, a way to reach the
//! paper, placeholder authors, tags. Pure over the parsed papers; the places of the keys are
//! found afterwards, for the records with a finding only ([`locate`]).

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;

use super::Finding;
use super::locate::{self, Key};
use crate::diagnostic::Problem;
use crate::import::merge::{ExistingRecord, same_paper, strip_version, title_key};
use crate::import::{ImportedPaper, ids};
use crate::record::Paper;
use crate::slug::tag_slug;

/// Every finding about the records `papers` (read from `root`), `today` being the current day.
pub(crate) fn check(root: &Path, papers: &[Paper], today: Date) -> Vec<Finding> {
    let mut findings = Vec::new();
    duplicates(root, papers, &mut findings);
    for paper in papers {
        dates(root, paper, today, &mut findings);
        reach(root, paper, &mut findings);
        authors(root, paper, &mut findings);
    }
    tags(root, papers, &mut findings);
    findings
}

/// The arXiv id of a paper without its version, from `arxiv` or an arXiv DOI.
fn arxiv_key(paper: &Paper) -> Option<String> {
    paper
        .arxiv
        .as_deref()
        .map(|a| ids::arxiv(a).unwrap_or_else(|| strip_version(a)))
        .or_else(|| paper.doi.as_deref().and_then(ids::arxiv_from_doi))
}

/// Same arXiv id (any version), same DOI (any case), or the same title with nothing telling
/// the two apart (the import merge's rule): each later record is reported against the first.
fn duplicates(root: &Path, papers: &[Paper], findings: &mut Vec<Finding>) {
    let mut same_id = vec![false; papers.len()];
    let mut by_arxiv: HashMap<String, usize> = HashMap::new();
    let mut by_doi: HashMap<String, usize> = HashMap::new();
    for (i, paper) in papers.iter().enumerate() {
        if let Some(id) = arxiv_key(paper) {
            if let Some(&first) = by_arxiv.get(&id) {
                same_id[i] = true;
                let key = if paper.arxiv.is_some() {
                    "arxiv"
                } else {
                    "doi"
                };
                let problem = Problem::at(
                    locate::key(root, &paper.path, Key::Value(key)),
                    format!(
                        "the same arXiv paper {id} as {}: one paper, two records",
                        papers[first].path
                    ),
                )
                .with_hint(format!(
                    "keep one record of arXiv {id} (versions are one paper): merge what this one adds into {} and delete this file",
                    papers[first].path
                ));
                findings.push(
                    Finding::error("duplicate-arxiv", problem).with_related(&papers[first].path),
                );
            } else {
                by_arxiv.insert(id, i);
            }
        }
        if let Some(doi) = &paper.doi {
            let doi_key = doi.to_lowercase();
            if let Some(&first) = by_doi.get(&doi_key) {
                if same_id[i] {
                    continue;
                }
                same_id[i] = true;
                let problem = Problem::at(
                    locate::key(root, &paper.path, Key::Value("doi")),
                    format!("the same DOI {doi} as {}", papers[first].path),
                )
                .with_hint(format!(
                    "keep one record of this DOI (DOIs ignore case): merge this one into {} and delete it",
                    papers[first].path
                ));
                findings.push(
                    Finding::error("duplicate-doi", problem).with_related(&papers[first].path),
                );
            } else {
                by_doi.insert(doi_key, i);
            }
        }
    }
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, paper) in papers.iter().enumerate() {
        by_title.entry(title_key(&paper.title)).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_title.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    for group in groups {
        for (n, &i) in group.iter().enumerate().skip(1) {
            if same_id[i] {
                continue;
            }
            let imported = as_imported(&papers[i]);
            let first = group[..n].iter().copied().find(|&j| {
                same_paper::contradiction(&as_existing(&papers[j]), &imported).is_none()
            });
            if let Some(first) = first {
                let problem = Problem::at(
                    locate::key(root, &papers[i].path, Key::Value("title")),
                    format!(
                        "the same title as {}, and no identifier tells them apart",
                        papers[first].path
                    ),
                )
                .with_hint(format!(
                    "if it is one paper, keep one record; if not, give each its arXiv id or DOI (or its authors) so they can be told apart from {}",
                    papers[first].path
                ));
                findings.push(
                    Finding::error("duplicate-title", problem).with_related(&papers[first].path),
                );
            }
        }
    }
}

/// A record as the import merge's matching sees it.
fn as_existing(paper: &Paper) -> ExistingRecord {
    ExistingRecord {
        path: paper.path.clone().into(),
        text: String::new(),
        arxiv: arxiv_key(paper),
        doi: paper.doi.as_ref().map(|d| d.to_lowercase()),
        title_key: title_key(&paper.title),
        authors: paper.authors.to_vec(),
        year: Some(paper.published.unwrap_or(paper.date).year()),
    }
}

/// A record as the import merge's incoming paper.
fn as_imported(paper: &Paper) -> ImportedPaper {
    ImportedPaper {
        title: paper.title.clone(),
        date: paper.date,
        published: paper.published,
        authors: paper.authors.to_vec(),
        arxiv: arxiv_key(paper),
        doi: paper.doi.clone(),
        ..ImportedPaper::default()
    }
}

/// A date after today, and `published` after the day the paper is listed under.
fn dates(root: &Path, paper: &Paper, today: Date, findings: &mut Vec<Finding>) {
    if paper.date > today {
        findings.push(Finding::error(
            "future-date",
            Problem::at(
                locate::key(root, &paper.path, Key::Value("date")),
                format!("the date {} is in the future (today is {today}, UTC)", paper.date),
            )
            .with_hint("write the day the paper is listed under, e.g. the day it appeared; check the year and month"),
        ));
    }
    if let Some(published) = paper.published {
        if published > today {
            findings.push(Finding::error(
                "future-date",
                Problem::at(
                    locate::key(root, &paper.path, Key::Value("published")),
                    format!(
                        "the publication date {published} is in the future (today is {today}, UTC)"
                    ),
                )
                .with_hint("write the day the paper was published, or remove `published`"),
            ));
        } else if published > paper.date {
            findings.push(Finding::error(
                "published-after-date",
                Problem::at(
                    locate::key(root, &paper.path, Key::Value("published")),
                    format!(
                        "published {published} is after the day the paper is listed under ({})",
                        paper.date
                    ),
                )
                .with_hint("a paper is listed after it is published: swap the two dates, or fix the one that is wrong"),
            ));
        }
    }
}

/// No arXiv id, no DOI and no link: a reader cannot get to the paper.
fn reach(root: &Path, paper: &Paper, findings: &mut Vec<Finding>) {
    if paper.arxiv.is_none() && paper.doi.is_none() && paper.links.is_empty() {
        findings.push(Finding::warning(
            "no-way-to-paper",
            Problem::at(
                locate::key(root, &paper.path, Key::Value("title")),
                "the record gives no way to reach the paper: no arXiv id, DOI or link",
            )
            .with_hint(
                "add arxiv = \"…\", doi = \"…\" or a link, e.g. links = { pdf = \"https://…\" }",
            ),
        ));
    }
}

/// Author names that are a count or a placeholder rather than a person.
fn authors(root: &Path, paper: &Paper, findings: &mut Vec<Finding>) {
    for (index, name) in paper.authors.iter().enumerate() {
        if let Some(why) = placeholder(name) {
            findings.push(Finding::warning(
                "placeholder-author",
                Problem::at(
                    locate::key(root, &paper.path, Key::Element("authors", index)),
                    format!("the author `{name}` looks like {why}, not a name"),
                )
                .with_hint("write the authors' names; when only their number is known, remove them and write author_count = N"),
            ));
        }
    }
}

/// Words that stand for authors without naming one (compared folded: lowercase, no final dot).
const PLACEHOLDERS: &[&str] = &[
    "anonymous",
    "anonymous author",
    "anonymous authors",
    "anon",
    "tbd",
    "tba",
    "todo",
    "n/a",
    "na",
    "none",
    "unknown",
    "unknown author",
    "author",
    "authors",
    "name",
    "author name",
    "first last",
    "firstname lastname",
    "first name last name",
    "john doe",
    "jane doe",
    "others",
    "and others",
    "et al",
    "...",
    "…",
    "-",
    "?",
];

/// Why `name` is not a person's name: "a count" (`7 authors`, `+3`, `12`), "a placeholder"
/// (a word of [`PLACEHOLDERS`], `Author 1`, `Smith et al.`), or `None` for a name.
pub(crate) fn placeholder(name: &str) -> Option<&'static str> {
    let folded = name.trim().to_lowercase();
    let folded = folded.strip_suffix('.').unwrap_or(&folded).trim();
    if folded.is_empty() || PLACEHOLDERS.contains(&folded) {
        return Some("a placeholder");
    }
    let words: Vec<&str> = folded.split_whitespace().collect();
    let number = |w: &str| {
        w.trim_start_matches('+')
            .chars()
            .all(|c| c.is_ascii_digit())
    };
    match words.as_slice() {
        [n] if number(n) => Some("a count"),
        [n, rest @ ..]
            if number(n)
                && rest.iter().all(|w| {
                    [
                        "more",
                        "other",
                        "others",
                        "author",
                        "authors",
                        "co-authors",
                        "coauthors",
                    ]
                    .contains(w)
                }) =>
        {
            Some("a count")
        }
        ["author" | "authors" | "name", n] if number(n) => Some("a placeholder"),
        [.., "et", "al"] | [.., "et", "al."] => Some("a placeholder"),
        _ => None,
    }
}

/// Tags whose names differ only by case or punctuation (one tag written several ways: a
/// warning), and different names that share a slug, hence one page (an error).
fn tags(root: &Path, papers: &[Paper], findings: &mut Vec<Finding>) {
    // slug -> the distinct names written, each with its first use (paper, index).
    let mut by_slug: HashMap<String, Vec<(&str, usize, usize)>> = HashMap::new();
    for (p, paper) in papers.iter().enumerate() {
        for (t, tag) in paper.tags.iter().enumerate() {
            let names = by_slug.entry(tag_slug(tag)).or_default();
            if !names.iter().any(|(name, _, _)| *name == tag) {
                names.push((tag, p, t));
            }
        }
    }
    let mut slugs: Vec<_> = by_slug.into_iter().filter(|(_, n)| n.len() > 1).collect();
    slugs.sort();
    for (slug, names) in slugs {
        let (first, fp, _) = names[0];
        for &(name, p, t) in &names[1..] {
            let location = locate::key(root, &papers[p].path, Key::Element("tags", t));
            let finding = if fold(name) == fold(first) {
                Finding::warning(
                    "tag-variants",
                    Problem::at(
                        location,
                        format!("the tag `{name}` is `{first}` written differently (in {})", papers[fp].path),
                    )
                    .with_hint(format!("write it `{first}` everywhere: both go to /tags/{slug}/ under whichever name comes first")),
                )
            } else {
                Finding::error(
                    "tag-slug-collision",
                    Problem::at(
                        location,
                        format!("the tags `{name}` and `{first}` (in {}) share the page /tags/{slug}/", papers[fp].path),
                    )
                    .with_hint("they are different tags with the same slug: rename one of them (its letters, not its punctuation)"),
                )
            };
            findings.push(finding.with_related(&papers[fp].path));
        }
    }
}

/// A tag name without case, spaces or punctuation: names equal under it are one tag spelled
/// two ways; names that differ under it but share a slug collide.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_counts_are_told_from_names() {
        let cases: &[(&str, Option<&str>)] = &[
            ("7 authors", Some("a count")),
            ("+3 more", Some("a count")),
            ("12", Some("a count")),
            ("et al.", Some("a placeholder")),
            ("Smith et al.", Some("a placeholder")),
            ("Anonymous", Some("a placeholder")),
            ("TBD", Some("a placeholder")),
            ("Author 1", Some("a placeholder")),
            ("", Some("a placeholder")),
            ("Keshav Bhandari", None),
            ("Ana 2", None),
            ("Al Etal", None),
            ("Anonymousz", None),
        ];
        for &(name, why) in cases {
            assert_eq!(placeholder(name), why, "{name:?}");
        }
    }

    #[test]
    fn folding_keeps_letters_of_any_script() {
        assert_eq!(fold("Style-Transfer"), fold("style transfer"));
        assert_ne!(fold("C++"), fold("c plus plus"));
        assert_ne!(fold("数学"), fold("shu xue"));
    }
}
