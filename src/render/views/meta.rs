//! A paper page's head metadata for scholar indexes and link previews: Highwire `citation_*`
//! tags (Google Scholar), OpenGraph and schema.org JSON-LD. Views only; the template writes the
//! tags.
//!
//! Each consumer gets what it reads, once (README "What a paper page carries"): Scholar every
//! `citation_*` tag its inclusion guidelines ask for; link previews `og:title`, the page URL and
//! the summary, which is also the page's `description` (one tag with both names); the JSON-LD
//! what Google's structured data reads of an article (headline, authors, date) and the paper's
//! identity elsewhere (`sameAs`: arXiv, DOI). The abstract, the PDF (in `citation_pdf_url` and
//! the page's links), the tags and the page's own URL are not repeated in it.

use serde::Serialize;
use tera::Value;

use super::SiteData;
use super::text::shorten;
use crate::index::PaperId;
use crate::record::author::Author;

impl SiteData<'_> {
    /// What a paper page's head says about it to scholar indexes and link previews.
    pub(super) fn paper_meta(&self, id: PaperId) -> PaperMeta {
        let paper = &self.papers[id];
        let published = paper.published.unwrap_or(paper.date);
        let arxiv_pdf = || {
            paper
                .arxiv
                .as_ref()
                .map(|id| format!("https://arxiv.org/pdf/{id}"))
        };
        // Google Scholar's `citation_pdf_url` only where Scholar takes it (else the arXiv PDF,
        // when there is one).
        let site_host = crate::record::link_url::host(&self.config.base_url);
        let citation_pdf_url = paper
            .links
            .get("pdf")
            .filter(|url| scholar_takes_pdf(url, site_host))
            .cloned()
            .or_else(arxiv_pdf);
        // The tldr, when the record has one, is the summary a person would write here; cut where
        // search results cut a description (about 160 characters), so no byte is wasted.
        let description = shorten(
            paper.tldr.as_deref().unwrap_or(&self.summaries[id]),
            DESCRIPTION_CHARS,
        );
        // The page's description is in its `description` and `og:description` tags, so not here
        // a third time; `name` only when the headline had to be cut (search engines read the
        // headline, at most 110 characters).
        let headline = shorten(&paper.title, 110);
        let arxiv_url = paper
            .arxiv
            .as_ref()
            .map(|arxiv| format!("https://arxiv.org/abs/{arxiv}"));
        let doi_url = paper
            .doi
            .as_ref()
            .map(|doi| format!("https://doi.org/{doi}"));
        let article = ScholarlyArticle {
            context: "https://schema.org",
            kind: "ScholarlyArticle",
            author: paper
                .authors
                .iter()
                .filter(|name| !name.trim().is_empty())
                .map(|name| LdAuthor::new(&Author::parse(name)))
                .collect(),
            date_published: published.to_string(),
            headline: &headline,
            name: (headline != paper.title).then_some(paper.title.as_str()),
            same_as: arxiv_url
                .iter()
                .chain(&doi_url)
                .map(String::as_str)
                .collect(),
        };
        let jsonld = serde_json::to_string(&article).unwrap_or_else(|_| "{}".to_string());
        PaperMeta {
            citation_date: format!(
                "{:04}/{:02}/{:02}",
                published.year(),
                published.month(),
                published.day()
            ),
            pdf_url: citation_pdf_url,
            og_title: shorten(&paper.title, 70),
            og_description: description,
            jsonld: crate::render::escape_json_for_script(&jsonld),
            citation_authors: paper
                .authors
                .iter()
                .filter(|name| !name.trim().is_empty())
                .map(|name| Author::parse(name).family_first().into_owned())
                .collect(),
        }
    }
}

/// The longest description, in characters: about what search results show of one.
const DESCRIPTION_CHARS: usize = 160;

/// Whether Google Scholar takes `url` as a paper's `citation_pdf_url`: it ignores a PDF on
/// another domain than the page's, except arXiv's (its inclusion guidelines). `site_host` is
/// the host of the site's `base_url`; hosts are compared without regard to case.
fn scholar_takes_pdf(url: &str, site_host: Option<&str>) -> bool {
    let Some(host) = crate::record::link_url::host(url) else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "arxiv.org"
        || host.ends_with(".arxiv.org")
        || site_host.is_some_and(|site| site.trim_end_matches('.').eq_ignore_ascii_case(&host))
}

/// Head metadata of a paper page (Highwire `citation_*`, OpenGraph, JSON-LD).
pub(super) struct PaperMeta {
    /// `citation_publication_date`: YYYY/MM/DD.
    citation_date: String,
    /// `citation_pdf_url`: a PDF Google Scholar takes ([`scholar_takes_pdf`]), else none.
    pdf_url: Option<String>,
    /// Title cut to 70 characters for link previews.
    og_title: String,
    /// The tldr, else the summary, cut to [`DESCRIPTION_CHARS`] for the page's description and
    /// link previews.
    og_description: String,
    /// schema.org `ScholarlyArticle` as JSON, safe inside `<script>`.
    jsonld: String,
    /// `citation_author`s: "van der Berg, Jan", organisations as named.
    citation_authors: Vec<String>,
}

impl PaperMeta {
    /// The template value: `jsonld` is marked safe (it is JSON escaped for `<script>`).
    pub(super) fn into_value(self) -> Value {
        let mut map = tera::Map::with_capacity(6);
        map.insert("citation_date".into(), Value::from(self.citation_date));
        map.insert("pdf_url".into(), Value::from(self.pdf_url));
        map.insert("og_title".into(), Value::from(self.og_title));
        map.insert("og_description".into(), Value::from(self.og_description));
        map.insert("jsonld".into(), Value::safe_string(&self.jsonld));
        map.insert(
            "citation_authors".into(),
            Value::from_serializable(&self.citation_authors),
        );
        Value::from(map)
    }
}

/// schema.org `ScholarlyArticle` of a paper page, serialized straight to JSON (fields in the
/// order of their names; empty ones left out). No `url`: the block describes the page it is in,
/// whose address is its canonical link.
#[derive(Serialize)]
struct ScholarlyArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<LdAuthor<'a>>,
    #[serde(rename = "datePublished")]
    date_published: String,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<&'a str>,
}

/// A schema.org `Person` or `Organization` (a record's `"{The ATLAS Collaboration}"`), by the
/// name pages show.
#[derive(Serialize)]
struct LdAuthor<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: std::borrow::Cow<'a, str>,
}

impl<'a> LdAuthor<'a> {
    fn new(author: &Author<'a>) -> Self {
        LdAuthor {
            kind: match author {
                Author::Organisation(_) => "Organization",
                _ => "Person",
            },
            name: author.display(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scholar_takes_pdf;

    #[test]
    fn scholar_takes_pdfs_on_arxiv_or_the_site_s_host() {
        let site = Some("lab.example.org");
        for (url, taken) in [
            ("https://arxiv.org/pdf/2502.04522", true),
            ("http://export.arxiv.org/pdf/2502.04522v2", true),
            ("https://ARXIV.org/pdf/2502.04522", true),
            ("https://lab.example.org/pdfs/paper.pdf", true),
            ("https://Lab.Example.org:8443/paper.pdf", true),
            ("https://example.org/paper.pdf", false),
            ("https://www.lab.example.org/paper.pdf", false),
            ("https://openreview.net/pdf?id=abc", false),
            ("https://notarxiv.org/pdf/1", false),
            ("https://arxiv.org.evil.com/pdf/1", false),
            ("not a url", false),
        ] {
            assert_eq!(scholar_takes_pdf(url, site), taken, "{url}");
        }
        assert!(!scholar_takes_pdf("https://lab.example.org/p.pdf", None));
    }
}
