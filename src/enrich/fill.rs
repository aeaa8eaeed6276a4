//! What a matched candidate writes into a record: only the fields a source owns and the record
//! lacks, through the import merge ([`merge::update_text`]: its rules, its `tldr` marked "as
//! imported"; then [`merge::fill_tags_when_absent`]), so a value a person wrote is never
//! replaced.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::matching::Published;
use super::sources::{Candidate, Source};
use crate::import::{ImportedPaper, merge};

/// The links a lookup may add: the paper's PDF, its code and its project page.
const LINKS: [&str; 3] = ["pdf", "code", "project"];

/// The record's text completed from `candidate`, and the fields that changed. `links` are the
/// record's own links (a link it has is kept, even one the source gives otherwise); `date` is
/// its listing day (`published` is written only when it differs).
pub(crate) fn complete(
    text: &str,
    date: Date,
    links: &BTreeMap<String, String>,
    source: Source,
    candidate: &Candidate,
) -> (String, Vec<String>) {
    let found = &candidate.paper;
    let paper = ImportedPaper {
        title: found.title.clone(),
        date,
        published: match candidate.published {
            Published::Day(day) if day != date => Some(day),
            _ => None,
        },
        // Names with their count: the merge writes them into a nameless record and drops the
        // count the listing gave, which they make redundant.
        author_count: u32::try_from(found.authors.len()).ok().filter(|&n| n > 0),
        authors: found.authors.clone(),
        arxiv: found.arxiv.clone(),
        doi: found.doi.clone(),
        // The importer's own summary, already checked as a record's tldr; the merge writes it
        // when the record has none (or still has one an import wrote) and marks it.
        tldr: found.tldr.clone(),
        links: LINKS
            .into_iter()
            .filter(|key| !links.contains_key(*key))
            .filter_map(|key| Some((key.to_string(), found.links.get(key)?.clone())))
            .collect(),
        ..Default::default()
    };
    let (text, mut fields) = merge::update_text(text, &paper);
    // Hugging Face's keywords are about the paper; arXiv's categories and Semantic Scholar's
    // fields of study are too broad to be a digest's tags.
    let tags: &[String] = if source == Source::Hf {
        &found.tags
    } else {
        &[]
    };
    let (text, more) = merge::fill_tags_when_absent(&text, tags);
    fields.extend(more);
    (text, fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate() -> Candidate {
        let mut links = BTreeMap::new();
        links.insert("pdf".into(), "https://arxiv.org/pdf/2502.04522".into());
        links.insert("code".into(), "https://github.com/a/improvnet".into());
        Candidate {
            paper: ImportedPaper {
                title: "ImprovNet".into(),
                authors: vec!["Keshav Bhandari".into(), "Simon Colton".into()],
                arxiv: Some("2502.04522".into()),
                tldr: Some("Improvises music.".into()),
                tags: vec!["music".into(), "style transfer".into()],
                links,
                ..Default::default()
            },
            published: Published::Day("2025-02-05".parse().unwrap()),
        }
    }

    #[test]
    fn a_nameless_record_gets_ids_names_links_summary_and_tags() {
        let text =
            "+++\ntitle = \"ImprovNet\"\ndate = 2025-02-06\nauthor_count = 2\n+++\nAbstract.\n";
        let date = "2025-02-06".parse().unwrap();
        let (new, fields) = complete(text, date, &BTreeMap::new(), Source::Hf, &candidate());
        // The tldr carries the merge's "as imported" mark (so a later import may update it
        // while nobody edits it); the rest is exact.
        let (tldr, rest): (Vec<&str>, Vec<&str>) =
            new.lines().partition(|l| l.starts_with("tldr = "));
        assert_eq!(tldr.len(), 1, "{new}");
        assert!(
            tldr[0].starts_with("tldr = \"Improvises music.\" # as imported: "),
            "{new}"
        );
        assert_eq!(
            rest.join("\n"),
            "+++\ntitle = \"ImprovNet\"\ndate = 2025-02-06\n\
             authors = [\"Keshav Bhandari\", \"Simon Colton\"]\n\
             arxiv = \"2502.04522\"\npublished = 2025-02-05\n\
             links = { code = \"https://github.com/a/improvnet\", pdf = \"https://arxiv.org/pdf/2502.04522\" }\n\
             tags = [\"music\", \"style transfer\"]\n+++\nAbstract."
        );
        assert!(
            fields.contains(&"author_count dropped".to_string()),
            "{fields:?}"
        );
    }

    /// What a person wrote stays: their names, their code link, their summary and tags.
    #[test]
    fn what_a_person_wrote_is_kept() {
        let text = "+++\ntitle = \"ImprovNet\"\ndate = 2025-02-06\nauthors = [\"K. Bhandari\"]\n\
                    tags = [\"mine\"]\ntldr = \"My words.\"\n\
                    links = { code = \"https://example.org/mine\" }\n+++\nAbstract.\n";
        let date = "2025-02-06".parse().unwrap();
        let mut own = BTreeMap::new();
        own.insert("code".to_string(), "https://example.org/mine".to_string());
        let (new, fields) = complete(text, date, &own, Source::Hf, &candidate());
        assert!(new.contains("authors = [\"K. Bhandari\"]"), "{new}");
        assert!(new.contains("code = \"https://example.org/mine\""), "{new}");
        assert!(!new.contains("improvnet\""), "{new}");
        assert!(
            new.contains("tldr = \"My words.\"") && !new.contains("Improvises"),
            "{new}"
        );
        assert!(
            new.contains("tags = [\"mine\"]") && !new.contains("style transfer"),
            "{new}"
        );
        assert!(new.contains("arxiv = \"2502.04522\""), "{new}");
        assert!(
            fields
                .iter()
                .all(|f| !f.starts_with("authors") && !f.starts_with("tldr")),
            "{fields:?}"
        );
    }
}
