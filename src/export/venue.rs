//! Where a paper appeared, read once from its `[extra]` for every citation format: a journal,
//! proceedings, or another venue. Says nothing of how a format writes it.

use crate::record::Paper;

/// Where a paper appeared, as citation formats can say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Venue<'a> {
    /// A journal: BibTeX `@article` with `journal`, CSL `article-journal`.
    Journal(&'a str),
    /// Proceedings: BibTeX `@inproceedings` with `booktitle`, CSL `paper-conference`.
    Proceedings(&'a str),
    /// Known but neither: BibTeX `howpublished`.
    Other(&'a str),
}

/// Conference names without a telling word, for venues imported as a bare name ("NeurIPS
/// 2023").
const CONFERENCES: &[&str] = &[
    "neurips",
    "nips",
    "icml",
    "iclr",
    "cvpr",
    "iccv",
    "eccv",
    "acl",
    "emnlp",
    "naacl",
    "eacl",
    "coling",
    "aaai",
    "ijcai",
    "kdd",
    "sigir",
    "www",
    "aistats",
    "uai",
    "colt",
    "corl",
    "icra",
    "iros",
    "miccai",
    "wacv",
    "bmvc",
    "siggraph",
    "chi",
    "uist",
    "interspeech",
    "icassp",
    "ismir",
];

/// The paper's venue: `extra.journal` or `extra.booktitle` as written, else `extra.venue`
/// (what importers fill) classified by the entry type it was imported from (`bibtex_type`,
/// CSL `type`) or by its words. An arXiv paper's "venue" that only names arXiv is none.
pub(crate) fn venue(p: &Paper) -> Option<Venue<'_>> {
    let text = |key: &str| {
        p.extra
            .get(key)
            .and_then(toml::Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if let Some(journal) = text("journal") {
        return Some(Venue::Journal(journal));
    }
    if let Some(booktitle) = text("booktitle") {
        return Some(Venue::Proceedings(booktitle));
    }
    let venue = text("venue")?;
    let lower = venue.to_lowercase();
    if lower.starts_with("arxiv") || lower == "corr" {
        return None;
    }
    let kind = text("bibtex_type")
        .or_else(|| text("type"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    Some(match kind.as_str() {
        "article" | "article-journal" | "article-magazine" | "article-newspaper" => {
            Venue::Journal(venue)
        }
        "inproceedings" | "conference" | "paper-conference" => Venue::Proceedings(venue),
        _ if has(&[
            "proceedings",
            "proc.",
            "conference",
            "workshop",
            "symposium",
        ]) =>
        {
            Venue::Proceedings(venue)
        }
        _ if has(&["journal", "transactions", "letters", "review", "magazine"]) => {
            Venue::Journal(venue)
        }
        _ if lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| CONFERENCES.contains(&w)) =>
        {
            Venue::Proceedings(venue)
        }
        _ => Venue::Other(venue),
    })
}

/// [`venue`] as citations use it: a journal or proceedings only when the record names authors
/// (BibTeX's standard styles require them for `@article` and `@inproceedings`); else the venue
/// is only named ([`Venue::Other`]). BibTeX's entry type and RIS's `TY` follow it.
pub(crate) fn cited_venue(p: &Paper) -> Option<Venue<'_>> {
    let has_authors = p.authors.iter().any(|a| !a.trim().is_empty());
    venue(p).map(|v| match v {
        Venue::Journal(v) | Venue::Proceedings(v) if !has_authors => Venue::Other(v),
        v => v,
    })
}
