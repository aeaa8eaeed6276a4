//! The checks of a built site, in one parallel pass over its files: every internal link and
//! `#fragment` resolves, feeds and JSON are valid ([`feeds`]), each page's JSON-LD parses,
//! each paper page has Google Scholar's tags, the sitemap lists every page and only those, and
//! the size stays within GitHub Pages' limits ([`size`]). A finding names the output file and,
//! where the text can be traced, the record or template it comes from.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::feeds::{self, FileProblem, offset_of};
use super::links::{Base, Target, classify, page_file, resolve_file};
use super::scan::{PageScan, scan};
use super::size::{self, SizeSummary, TarGzCounter};
use super::sources::Sources;
use super::{Finding, Severity};
use crate::config::Config;
use crate::diagnostic::Problem;
use crate::record::Paper;

/// What checking an output found.
#[derive(Debug, Default)]
pub(crate) struct OutputCheck {
    /// Every finding.
    pub findings: Vec<Finding>,
    /// Number of files read.
    pub files: usize,
    /// The output's size.
    pub size: SizeSummary,
    /// Each external link (http, https) once, with the output pages that have it.
    pub external: BTreeMap<String, Vec<String>>,
}

/// What one task made of its chunk: each file's result, and for a compressed chunk its tar
/// size and compressed size.
type ChunkResult = (Vec<FileResult>, Option<(u64, u64)>);

/// Files read, scanned and compressed by one task.
const CHUNK: usize = 64;
/// Sites with more files than this have their artifact size estimated from a sample.
const SAMPLE_ABOVE: usize = 20_000;
/// One chunk in this many is compressed for the sample.
const SAMPLE_EVERY: usize = 4;

/// One chunk in how many is compressed for the artifact estimate of a site of `files` files.
fn sample_every(files: usize) -> usize {
    if files > SAMPLE_ABOVE {
        SAMPLE_EVERY
    } else {
        1
    }
}

/// The artifact's size from the compressed sample: its ratio applied to the whole tar
/// (`all_raw` bytes), plus the tar's closing 1024 bytes.
fn extrapolate(sampled_raw: u64, sampled_gz: u64, all_raw: u64) -> u64 {
    match sampled_raw {
        0 => 0,
        _ => (sampled_gz as f64 * all_raw as f64 / sampled_raw as f64) as u64 + 1024,
    }
}

/// A link of a page, resolved: the output file it names, and its fragment.
struct Link {
    target: String,
    fragment: Option<String>,
    raw: String,
    offset: usize,
}

/// What the pass keeps of one file.
#[derive(Default)]
struct FileResult {
    path: String,
    bytes: u64,
    links: Vec<Link>,
    ids: Option<HashSet<String>>,
    external: Vec<String>,
    problems: Vec<(Severity, &'static str, String, usize, String)>,
    sitemap: Option<Vec<(String, usize)>>,
    /// An HTML page search engines may index: one the sitemap must list.
    indexable: bool,
    /// Set (to the `<head>`'s offset) on a paper page without `citation_author`.
    no_citation_author: Option<usize>,
}

/// Checks the output folder `dir` of the site at `root` (`papers` are its records, to name
/// the record a paper page comes from).
///
/// Output files are shown under `shown_dir` (the folder as the user named it), or by their
/// path in the site alone for a temporary build.
pub(crate) fn check_dir(
    root: &Path,
    dir: &Path,
    shown_dir: Option<&Path>,
    config: &Config,
    papers: &[Paper],
) -> OutputCheck {
    let mut check = OutputCheck::default();
    if !dir.is_dir() {
        check.findings.push(Finding::error(
            "output",
            Problem::in_file(
                dir.display().to_string(),
                "the output folder does not exist",
            )
            .with_hint(
                "build the site first (digest build), or leave out --output to check a fresh build",
            ),
        ));
        return check;
    }
    let files: Vec<String> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    let base = Base::new(&config.base_url);
    let mut timer = crate::timing::PhaseTimer::start();
    // One read of each file: chunks in parallel, each compressed as one gzip stream of tar
    // entries for the artifact estimate while its pages are scanned. Compressing costs as much
    // as the rest of the pass: past SAMPLE_ABOVE files, one chunk in SAMPLE_EVERY is compressed
    // and the ratio it gives is applied to the rest.
    let every = sample_every(files.len());
    let chunks: Vec<ChunkResult> = files
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            let mut tar = n.is_multiple_of(every).then(TarGzCounter::new);
            let mut raw = 0;
            let results = chunk
                .iter()
                .map(|rel| {
                    let bytes = std::fs::read(dir.join(rel)).unwrap_or_default();
                    raw += bytes.len() as u64 + 512 + (512 - bytes.len() as u64 % 512) % 512;
                    if let Some(tar) = &mut tar {
                        tar.add(rel, &bytes);
                    }
                    check_file(rel, &bytes, &base)
                })
                .collect();
            (results, tar.map(|tar| (raw, tar.finish())))
        })
        .collect();
    timer.phase("check: read + scan + gzip");
    let (sampled_raw, sampled_gz) = chunks
        .iter()
        .filter_map(|(_, sample)| *sample)
        .fold((0u64, 0u64), |(r, g), (raw, gz)| (r + raw, g + gz));
    let all_raw: u64 = files.len() as u64 * 512
        + chunks
            .iter()
            .flat_map(|(results, _)| results)
            .map(|r| r.bytes + (512 - r.bytes % 512) % 512)
            .sum::<u64>();
    let artifact = extrapolate(sampled_raw, sampled_gz, all_raw);
    let results: Vec<FileResult> = chunks.into_iter().flat_map(|(r, _)| r).collect();
    let shown = |rel: &str| match shown_dir {
        Some(shown) => shown.join(rel).display().to_string(),
        None => rel.to_string(),
    };
    let sources = Sources::new(root, config, papers);

    let file_set: HashSet<&str> = files.iter().map(String::as_str).collect();
    let ids: HashMap<&str, &HashSet<String>> = results
        .iter()
        .filter_map(|r| r.ids.as_ref().map(|ids| (r.path.as_str(), ids)))
        .collect();
    let link_findings: Vec<Finding> = results
        .par_iter()
        .flat_map_iter(|r| {
            let mut found = Vec::new();
            let mut seen = HashSet::new();
            for link in &r.links {
                if !seen.insert((&link.target, &link.fragment)) {
                    continue;
                }
                let target = resolve_file(&link.target, &file_set);
                let message = match (&target, &link.fragment) {
                    (None, _) => format!("the link `{}` leads to no file of the site", link.raw),
                    (Some(t), Some(f)) if !f.is_empty() && f != "top" => match ids.get(t.as_str()) {
                        Some(ids) if !ids.contains(f) => format!(
                            "the link `{}` names `#{f}`, which {} does not have",
                            link.raw,
                            if *t == r.path { "this page".to_string() } else { t.clone() }
                        ),
                        _ => continue,
                    },
                    _ => continue,
                };
                let hint = if target.is_none() {
                    format!("fix the link or the page it should lead to; internal links start with {} (the path of base_url)", base.path)
                } else {
                    "give the element it should lead to that id, or fix the fragment".to_string()
                };
                found.push(sources.finding(Severity::Error, "dead-link", &shown(&r.path), &dir.join(&r.path), &r.path, link.offset, &link.raw, message, hint));
            }
            found
        })
        .collect();
    check.findings = link_findings;
    timer.phase("check: links");

    let mut html_pages: HashSet<&str> = HashSet::new();
    let mut sitemaps = Vec::new();
    let mut by_size = Vec::with_capacity(results.len());
    for r in &results {
        by_size.push((r.path.clone(), r.bytes));
        if r.indexable {
            html_pages.insert(r.path.as_str());
        }
        for (severity, code, message, offset, hint) in &r.problems {
            check.findings.push(sources.finding(
                *severity,
                code,
                &shown(&r.path),
                &dir.join(&r.path),
                &r.path,
                *offset,
                "",
                message.clone(),
                hint.clone(),
            ));
        }
        if let Some(offset) = r.no_citation_author
            && sources.has_authors(&r.path)
        {
            check.findings.push(sources.finding(Severity::Error, "scholar", &shown(&r.path), &dir.join(&r.path), &r.path, offset, "", "the paper page has no citation_author meta tag, although its record has authors".to_string(), "the paper template's <head> should write one <meta name=\"citation_author\" content=\"…\"> per author".to_string()));
        }
        if let Some(locs) = &r.sitemap {
            sitemaps.push((r.path.as_str(), locs));
        }
        for url in &r.external {
            check
                .external
                .entry(url.clone())
                .or_default()
                .push(r.path.clone());
        }
    }
    // A large site's sitemap is an index (`sitemap.xml`) of parts (`sitemap-N.xml`): the
    // pages listed are those of every part, and the index lists the parts.
    let sitemap_files: HashSet<&str> = sitemaps.iter().map(|(path, _)| *path).collect();
    let mut listed = HashSet::new();
    for (path, locs) in &sitemaps {
        for (url, offset) in locs.iter() {
            let page = url
                .strip_prefix(&base.url)
                .map(|rest| page_file(rest, &file_set));
            match page {
                Some(Some(page)) if html_pages.contains(page.as_str()) => {
                    listed.insert(page);
                }
                Some(Some(part)) if *path == "sitemap.xml" && sitemap_files.contains(part.as_str()) => {}
                _ => check.findings.push(sources.finding(
                    Severity::Error,
                    "sitemap",
                    &shown(path),
                    &dir.join(path),
                    path,
                    *offset,
                    "",
                    format!("the sitemap lists {url}, which is not a page of the site search engines may index"),
                    format!("the sitemap should list only the site's pages, under {}", base.url),
                )),
            }
        }
    }
    if !sitemaps.is_empty() {
        let mut unlisted: Vec<&&str> = html_pages
            .iter()
            .filter(|p| !listed.contains(**p))
            .collect();
        unlisted.sort();
        for page in unlisted {
            check.findings.push(Finding::error(
                "sitemap",
                Problem::in_file(shown("sitemap.xml"), format!("the sitemap does not list the page {page}"))
                    .with_hint("every page should be in the sitemap, so search engines find it; if the theme writes its own sitemap, add the page to it"),
            ));
        }
    }
    check.files = results.len();
    let bytes: u64 = by_size.iter().map(|(_, b)| b).sum();
    check.size = SizeSummary {
        bytes,
        files: results.len() as u64,
        artifact,
        artifact_sampled: every > 1,
        by_kind: size::by_kind(&by_size),
    };
    let place = shown_dir.map_or("the built site".to_string(), |d| d.display().to_string());
    check
        .findings
        .extend(size_findings(bytes, artifact, &check.size.by_kind, &place));
    check
}

/// What the size of a site (`bytes` in files, `artifact` as the gzipped tar the Pages workflow
/// uploads) says against GitHub Pages' limit. GitHub counts its 1 GB on the artifact: past the
/// limit it is an error, past 80% a warning. The files themselves may be larger; that is only
/// said when they are past the limit, as a warning.
fn size_findings(
    bytes: u64,
    artifact: u64,
    by_kind: &[(&'static str, u64, u64)],
    place: &str,
) -> Vec<Finding> {
    let largest: Vec<String> = by_kind
        .iter()
        .take(3)
        .map(|(k, b, n)| format!("{k}: {} in {n} files", size::human(*b)))
        .collect();
    let note = format!("largest: {}", largest.join("; "));
    if artifact as f64 > size::PAGES_LIMIT as f64 * size::WARN_SHARE {
        let problem = Problem::in_file(
            place,
            format!(
                "the artifact the Pages workflow uploads (the site as tar.gz) is {}, {:.0}% of GitHub Pages' limit of {}",
                size::human(artifact),
                artifact as f64 * 100.0 / size::PAGES_LIMIT as f64,
                size::human(size::PAGES_LIMIT)
            ),
        )
        .with_hint("publish fewer pages (e.g. a smaller per_page, fewer tags with feeds) or move old years to another site")
        .with_note(note);
        vec![if artifact > size::PAGES_LIMIT {
            Finding::error("size", problem)
        } else {
            Finding::warning("size", problem)
        }]
    } else if bytes > size::PAGES_LIMIT {
        vec![Finding::warning(
            "size",
            Problem::in_file(
                place,
                format!(
                    "the site is {} in files, more than {}; GitHub Pages counts its limit on the uploaded artifact, {} here",
                    size::human(bytes),
                    size::human(size::PAGES_LIMIT),
                    size::human(artifact)
                ),
            )
            .with_hint("nothing to do for GitHub Pages; a host that counts the files would refuse it")
            .with_note(note),
        )]
    } else {
        Vec::new()
    }
}

/// Checks one file by its kind, keeping what the cross-file checks need.
fn check_file(rel: &str, bytes: &[u8], base: &Base) -> FileResult {
    let mut result = FileResult {
        path: rel.to_string(),
        bytes: bytes.len() as u64,
        ..FileResult::default()
    };
    let is = |ext: &str| rel.ends_with(ext);
    if !(is(".html") || is(".xml") || is(".json")) {
        return result;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        result.problems.push((
            Severity::Error,
            "encoding",
            "the file is not valid UTF-8".to_string(),
            0,
            "a template or static file was saved in another encoding: save it as UTF-8".to_string(),
        ));
        return result;
    };
    if is(".html") {
        let page = scan(text);
        html_page(rel, text, page, base, &mut result);
    } else if rel == "sitemap.xml" || (rel.starts_with("sitemap-") && rel.ends_with(".xml")) {
        match feeds::sitemap(text) {
            Ok(locs) => result.sitemap = Some(locs),
            Err((message, at)) => result.problems.push((
                Severity::Error,
                "sitemap",
                message,
                at,
                "the sitemap must be well-formed XML".to_string(),
            )),
        }
    } else if is(".xml") {
        push_all(
            &mut result,
            "feed",
            feeds::atom(text),
            "a feed template (atom.xml) writes this file: check its elements against RFC 4287",
        );
    } else {
        push_all(
            &mut result,
            "json",
            feeds::json(text),
            "a template or the build wrote invalid JSON here: check the template's escaping (`| json_encode`)",
        );
    }
    result
}

fn push_all(result: &mut FileResult, code: &'static str, problems: Vec<FileProblem>, hint: &str) {
    for (message, at) in problems {
        result
            .problems
            .push((Severity::Error, code, message, at, hint.to_string()));
    }
}

/// The links, ids, JSON-LD and Scholar tags of an HTML page.
fn html_page(rel: &str, text: &str, page: PageScan, base: &Base, result: &mut FileResult) {
    result.indexable = !page.noindex && rel != "404.html";
    let folder = rel.rfind('/').map_or("", |i| &rel[..=i]);
    for (raw, offset) in page.links {
        match classify(&raw, folder, rel, base) {
            Target::Internal(target, fragment) => result.links.push(Link { target, fragment, raw, offset }),
            Target::External(url) => result.external.push(url),
            Target::OutsideBase => result.problems.push((
                Severity::Error,
                "dead-link",
                format!("the link `{raw}` is outside the site's path {}: it leads nowhere on GitHub Pages", base.path),
                offset,
                "build internal links from base_url (`{{ base_url }}…` in templates), never from `/`".to_string(),
            )),
            Target::Skip => {}
        }
    }
    for (json, offset) in &page.json_ld {
        if let Err(err) = serde_json::from_str::<serde_json::Value>(json) {
            result.problems.push((Severity::Error, "json-ld", format!("the JSON-LD block does not parse: {err}"), offset + offset_of(json, err.line(), err.column()), "the template must write JSON-LD with `| json_encode` so quotes and newlines are escaped".to_string()));
        }
    }
    if let Some(slug) = rel
        .strip_prefix("papers/")
        .and_then(|r| r.strip_suffix("/index.html"))
        && !slug.contains('/')
    {
        let has = |names: &[&str]| {
            page.citation
                .iter()
                .any(|(n, v)| names.contains(&n.as_str()) && !v.trim().is_empty())
        };
        for (names, what) in [
            (&["citation_title"][..], "citation_title"),
            (
                &["citation_publication_date", "citation_date"][..],
                "citation_publication_date",
            ),
        ] {
            if !has(names) {
                result.problems.push((Severity::Error, "scholar", format!("the paper page has no {what} meta tag: Google Scholar will not index it"), head_offset(text), format!("the paper template's <head> should write <meta name=\"{what}\" content=\"…\">")));
            }
        }
        // Right when the record has no authors: decided with the records, after the pass.
        if !has(&["citation_author"]) {
            result.no_citation_author = Some(head_offset(text));
        }
    }
    result.ids = Some(page.ids.into_iter().collect());
}

fn head_offset(text: &str) -> usize {
    text.find("<head").unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small sites are compressed whole; large ones one chunk in four, scaled to the whole.
    #[test]
    fn the_artifact_of_a_large_site_is_extrapolated_from_a_sample() {
        assert_eq!(sample_every(6_000), 1);
        assert_eq!(sample_every(SAMPLE_ABOVE), 1);
        assert_eq!(sample_every(130_000), SAMPLE_EVERY);
        assert_eq!(extrapolate(1_000, 250, 4_000), 1_000 + 1024);
        assert_eq!(extrapolate(0, 0, 4_000), 0);
    }

    /// GitHub counts the artifact: a 1.65 GB site whose artifact is 371 MB (a 100,000-paper
    /// digest) is no error, only a warning about the files; an artifact past 80% is a warning,
    /// past the limit an error.
    #[test]
    fn size_is_judged_on_the_artifact() {
        let kinds = [("paper pages", 900_000_000, 100_000)];
        let codes = |bytes, artifact| -> Vec<(Severity, String)> {
            size_findings(bytes, artifact, &kinds, "public")
                .into_iter()
                .map(|f| (f.severity, f.problem.render()))
                .collect()
        };
        assert!(codes(400_000_000, 60_000_000).is_empty());
        let files = codes(1_650_000_000, 371_000_000);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, Severity::Warning);
        assert!(files[0].1.contains("1.65 GB in files"), "{}", files[0].1);
        let near = codes(1_650_000_000, 850_000_000);
        assert_eq!(near[0].0, Severity::Warning);
        assert!(near[0].1.contains("85%"), "{}", near[0].1);
        let over = codes(3_000_000_000, 1_100_000_000);
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].0, Severity::Error);
        assert!(over[0].1.contains("paper pages"), "{}", over[0].1);
    }
}
