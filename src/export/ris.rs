//! RIS, the tagged format of Research Information Systems (RefMan) that EndNote, Zotero and
//! Mendeley import: `digest export ris`. One reference per paper, `TY` first and `ER` last,
//! every line `XX  - value` ending in CR LF as the RIS specification writes them; each value is
//! one line (the abstract's line breaks become spaces).
//!
//! A paper page's "Download .ris" says the same tags, built from the page by the default theme's
//! `ris.js` (the page carries no second copy); `tests/it/build/reference_managers.rs` checks
//! that both agree.

use std::fmt::Write as _;

use super::ExportedPaper;
use super::venue::{Venue, cited_venue};
use crate::record::Paper;
use crate::record::author::Author;

/// The papers as a RIS file, abstracts included.
pub(crate) fn write(papers: &[ExportedPaper]) -> String {
    let mut out = String::new();
    for e in papers {
        write_reference(&mut out, e.paper, &e.body.rendered.text);
    }
    out
}

/// Appends one reference: `TY` from the venue as BibTeX's entry type (`JOUR` for `@article`,
/// `CONF` for `@inproceedings`, else `GEN` for `@misc`), then `TI`, `AU` ("Family, Given"; an
/// organisation as named), `PY`, `DA` (`YYYY/MM/DD`, the publication date), `T2` (the journal
/// or proceedings), `DO`, `UR` (the arXiv abstract, else the `url` link), `L1` (the PDF), `AB`,
/// `KW` (the record's tags), `ER`.
fn write_reference(out: &mut String, p: &Paper, abstract_text: &str) {
    let venue = cited_venue(p);
    tag(
        out,
        "TY",
        match venue {
            Some(Venue::Journal(_)) => "JOUR",
            Some(Venue::Proceedings(_)) => "CONF",
            _ => "GEN",
        },
    );
    tag(out, "TI", &p.title);
    for name in p.authors.iter().filter(|a| !a.trim().is_empty()) {
        tag(out, "AU", &Author::parse(name).family_first());
    }
    let cited = p.published.unwrap_or(p.date);
    tag(out, "PY", &cited.year().to_string());
    tag(
        out,
        "DA",
        &format!(
            "{:04}/{:02}/{:02}",
            cited.year(),
            cited.month(),
            cited.day()
        ),
    );
    if let Some(Venue::Journal(name) | Venue::Proceedings(name)) = venue {
        tag(out, "T2", name);
    }
    if let Some(doi) = &p.doi {
        tag(out, "DO", doi);
    }
    if let Some(id) = &p.arxiv {
        tag(out, "UR", &format!("https://arxiv.org/abs/{id}"));
    } else if let Some(url) = p.links.get("url") {
        tag(out, "UR", url);
    }
    if let Some(pdf) = p.links.get("pdf") {
        tag(out, "L1", pdf);
    } else if let Some(id) = &p.arxiv {
        tag(out, "L1", &format!("https://arxiv.org/pdf/{id}"));
    }
    tag(out, "AB", abstract_text);
    for keyword in &p.tags {
        tag(out, "KW", keyword);
    }
    out.push_str("ER  - \r\n");
}

/// Appends `XX  - value` with the value on one line (runs of whitespace, line breaks included,
/// become one space), or nothing when the value is empty.
fn tag(out: &mut String, tag: &str, value: &str) {
    let mut words = value.split_whitespace().peekable();
    if words.peek().is_none() {
        return;
    }
    let _ = write!(out, "{tag}  - ");
    for (i, word) in words.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ris(record: &str, abstract_text: &str) -> String {
        let paper = crate::record::parse(record, "p.md", "p").unwrap();
        let mut out = String::new();
        write_reference(&mut out, &paper, abstract_text);
        out
    }

    #[test]
    fn a_reference_has_every_tag_the_record_gives_in_order() {
        let text = ris(
            "+++\ntitle = \"A  Title\\nwith a break\"\ndate = 2025-02-06\npublished = 2025-02-03\nauthors = [\"Jan van der Berg\", \"{The ATLAS Collaboration}\", \" \"]\ntags = [\"music\", \"style transfer\"]\narxiv = \"2502.04522\"\ndoi = \"10.1000/x\"\n[extra]\njournal = \"Journal of Tests\"\n+++\n",
            "First line.\nSecond   line.",
        );
        assert_eq!(
            text,
            "TY  - JOUR\r\nTI  - A Title with a break\r\nAU  - van der Berg, Jan\r\n\
             AU  - The ATLAS Collaboration\r\nPY  - 2025\r\nDA  - 2025/02/03\r\n\
             T2  - Journal of Tests\r\nDO  - 10.1000/x\r\nUR  - https://arxiv.org/abs/2502.04522\r\n\
             L1  - https://arxiv.org/pdf/2502.04522\r\nAB  - First line. Second line.\r\n\
             KW  - music\r\nKW  - style transfer\r\nER  - \r\n"
        );
    }

    #[test]
    fn types_follow_the_bibtex_entry_type() {
        let ty = |front: &str| {
            let text = ris(
                &format!("+++\ntitle = \"T\"\ndate = 2025-02-06\n{front}+++\n"),
                "",
            );
            text.lines().next().unwrap().to_string()
        };
        assert_eq!(ty(""), "TY  - GEN");
        assert_eq!(
            ty("authors = [\"A B\"]\n[extra]\nvenue = \"NeurIPS 2024\"\n"),
            "TY  - CONF"
        );
        // Without authors BibTeX makes it @misc, and so does RIS.
        assert_eq!(ty("[extra]\njournal = \"J\"\n"), "TY  - GEN");
        // A record with nothing but a title and a date is still a whole reference.
        assert_eq!(
            ris("+++\ntitle = \"T\"\ndate = 2025-02-06\n+++\n", " "),
            "TY  - GEN\r\nTI  - T\r\nPY  - 2025\r\nDA  - 2025/02/06\r\nER  - \r\n"
        );
    }
}
