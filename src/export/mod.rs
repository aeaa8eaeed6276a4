//! Export: the site's records written back out as BibTeX, CSL-JSON or digest's own JSON, so
//! reference managers and other tools can use them; `digest import` of an export gives the
//! same records. Reads the loaded site; writes only to the given writer.

pub mod bibtex;
pub mod csl_json;
pub mod json;

use jiff::civil::Date;

use crate::index::SiteIndex;
use crate::markdown::RenderedMarkdown;
use crate::record::Paper;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// BibTeX (arXiv style for papers with an arXiv id).
    Bibtex,
    /// CSL-JSON, as Zotero reads it.
    CslJson,
    /// digest's own JSON: every field of every record, body as Markdown.
    Json,
}

/// One paper to export, with what the formats need besides the record.
pub struct ExportedPaper<'a> {
    /// The record.
    pub paper: &'a Paper,
    /// Its body rendered (plain text for abstracts in formats without Markdown).
    pub body: &'a RenderedMarkdown,
}

/// The papers to export: newest first, those with tag `tag` (name or slug, including keyword
/// tags) and listed on or after `since`, when given.
pub fn select<'a>(
    papers: &'a [Paper],
    bodies: &'a [RenderedMarkdown],
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
            body: &bodies[id],
        })
        .collect()
}

/// Writes `papers` in `format`.
pub fn write(format: ExportFormat, papers: &[ExportedPaper]) -> String {
    match format {
        ExportFormat::Bibtex => bibtex::write(papers),
        ExportFormat::CslJson => csl_json::write(papers),
        ExportFormat::Json => json::write(papers),
    }
}

/// "First Middle Last" → ("First Middle", "Last"); a single word is a family name.
pub fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    match name.rsplit_once(' ') {
        Some((given, family)) => (given.trim().to_string(), family.to_string()),
        None => (String::new(), name.to_string()),
    }
}
