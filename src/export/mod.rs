//! Export: the site's records written back out as BibTeX, CSL-JSON, RIS or digest's own JSON,
//! so reference managers and other tools can use them; `digest import` of an export (but RIS)
//! gives the same records. Reads the loaded site; writes only to the given writer.

pub(crate) mod bibtex;
pub(crate) mod cite_key;
pub(crate) mod csl_json;
pub(crate) mod json;
pub(crate) mod ris;
pub(crate) mod venue;

use jiff::civil::Date;

use crate::index::PaperId;
use crate::index::SiteIndex;
use crate::markdown::store::Body;
use crate::record::Paper;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExportFormat {
    /// BibTeX (arXiv style for papers with an arXiv id).
    Bibtex,
    /// CSL-JSON, as Zotero reads it.
    CslJson,
    /// digest's own JSON: every field of every record, body as Markdown.
    Json,
    /// RIS, as EndNote, Zotero and Mendeley import it.
    Ris,
}

/// One paper to export, with what the formats need besides the record.
pub(crate) struct ExportedPaper<'a> {
    /// The record.
    pub paper: &'a Paper,
    /// Its body: the Markdown source, and rendered (plain text for abstracts in formats
    /// without Markdown).
    pub body: Body,
    /// Its citation key, unique in the site (see [`cite_key`]).
    pub key: &'a str,
}

/// The papers to export: newest first, those with tag `tag` (name or slug, including keyword
/// tags) and listed on or after `since`, when given. `keys` are the site's citation keys, by
/// paper id, so an export cites each paper as its pages do. `body` reads a paper's body.
pub(crate) fn select<'a>(
    papers: &'a [Paper],
    body: &dyn Fn(PaperId) -> Body,
    keys: &'a [String],
    index: &SiteIndex,
    tag: Option<&str>,
    since: Option<Date>,
) -> Vec<ExportedPaper<'a>> {
    let tag_index = tag.map(|t| {
        let slug = crate::slug::tag_slug(t);
        index
            .tags
            .iter()
            .position(|x| x.slug == slug || x.name == t)
    });
    index
        .order
        .iter()
        .copied()
        .filter(|&id| since.is_none_or(|d| papers[id].date >= d))
        .filter(|&id| match tag_index {
            None => true,
            Some(None) => false,
            Some(Some(t)) => index.paper_tags[id].contains(&t),
        })
        .map(|id| ExportedPaper {
            paper: &papers[id],
            body: body(id),
            key: &keys[id],
        })
        .collect()
}

/// Writes `papers` in `format`.
pub(crate) fn write(format: ExportFormat, papers: &[ExportedPaper]) -> String {
    match format {
        ExportFormat::Bibtex => bibtex::write(papers),
        ExportFormat::CslJson => csl_json::write(papers),
        ExportFormat::Json => json::write(papers),
        ExportFormat::Ris => ris::write(papers),
    }
}
