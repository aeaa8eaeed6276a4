//! `--external`: the external links to ask, each once with where it is used, and what the
//! answers mean for the check ([`external`](super::external) asks them).
//!
//! The links asked are the records' own (`links`, the arXiv abstract, the DOI), whose origin
//! is the record, and those of the site's pages other than paper pages (a theme's or a
//! template's links). The per-paper search links a theme adds (arXiv or Semantic Scholar
//! searches by title) are not asked: they are made from the title, answer as long as the
//! service does, and at arXiv's one request in 3 s would take hours on a large site.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::Finding;
use super::external::{self, ExternalLink, ExternalOptions, LinkState};
use crate::diagnostic::{Location, Problem};
use crate::record::Paper;

/// Each external link once: the records' links, then those of non-paper pages in `pages`
/// (URL → the output pages that have it).
pub(crate) fn collect(
    papers: &[Paper],
    pages: &BTreeMap<String, Vec<String>>,
) -> Vec<ExternalLink> {
    let mut links: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for paper in papers {
        let arxiv = paper
            .arxiv
            .as_ref()
            .map(|id| format!("https://arxiv.org/abs/{id}"));
        let doi = paper
            .doi
            .as_ref()
            .map(|doi| format!("https://doi.org/{doi}"));
        for url in paper.links.values().cloned().chain(arxiv).chain(doi) {
            let origins = links.entry(url).or_default();
            if !origins.contains(&paper.path) {
                origins.push(paper.path.clone());
            }
        }
    }
    for (url, on) in pages {
        let origins: Vec<&String> = on
            .iter()
            .filter(|page| !page.starts_with("papers/"))
            .collect();
        if !origins.is_empty() && !links.contains_key(url) {
            links.insert(url.clone(), origins.into_iter().cloned().collect());
        }
    }
    links
        .into_iter()
        .map(|(url, origins)| ExternalLink { url, origins })
        .collect()
}

/// Asks every link and turns the answers into findings: gone (404, 410) is an error, slow or
/// failed a warning. Each is placed where its first record writes the URL.
pub(crate) fn check(root: &Path, links: Vec<ExternalLink>) -> Vec<Finding> {
    let options = ExternalOptions {
        cache_dir: root.join(external::CACHE_DIR),
        ..ExternalOptions::default()
    };
    let mut findings = Vec::new();
    for report in external::check_links(links, &options) {
        let url = &report.link.url;
        let (finding, message, hint): (fn(&'static str, Problem) -> Finding, String, &str) =
            match &report.state {
                LinkState::Ok => continue,
                LinkState::Dead { status } => (
                    Finding::error,
                    format!("the link {url} is gone: the server answers {status}"),
                    "replace it with where the page moved (an archived copy, e.g. from web.archive.org) or remove it",
                ),
                LinkState::Slow => (
                    Finding::warning,
                    format!("the link {url} did not answer in time"),
                    "try again later; a host that stays slow may be gone",
                ),
                LinkState::Failed { reason } => (
                    Finding::warning,
                    format!("the link {url} could not be checked: {reason}"),
                    "open it in a browser; fix or remove it if it is broken",
                ),
            };
        let origins = &report.link.origins;
        let first = origins.first().cloned().unwrap_or_default();
        let problem = match locate_url(root, &first, url) {
            Some(location) => Problem::at(location, message),
            None => Problem::in_file(first, message),
        }
        .with_hint(hint);
        let mut finding = finding("external-link", problem);
        for other in origins.iter().skip(1) {
            finding = finding.with_related(other);
        }
        findings.push(finding);
    }
    findings
}

/// Where the record `shown` writes `url` (the arXiv id or DOI for the links made from them).
fn locate_url(root: &Path, shown: &str, url: &str) -> Option<Location> {
    if !shown.ends_with(".md") {
        return None;
    }
    let text = std::fs::read_to_string(root.join(shown)).ok()?;
    let needle = url
        .strip_prefix("https://arxiv.org/abs/")
        .or_else(|| url.strip_prefix("https://doi.org/"))
        .unwrap_or(url);
    let at = text.find(needle)?;
    Some(
        Location {
            path: shown.to_string(),
            source: Arc::from(text.as_str()),
            span: at..at + needle.len(),
        }
        .detached(),
    )
}
