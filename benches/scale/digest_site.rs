//! Writes a corpus as a digest site: `site.toml` + `content/YYYY/MM/<slug>.md`.

use std::fmt::Write as _;
use std::path::Path;

use crate::corpus::{Paper, toml_array, toml_str};
use crate::words::KEYWORD_TAGS;

/// The site's settings: 20 papers a page, keyword tags as in the sample site.
pub fn site_toml(papers: usize) -> String {
    let mut s = format!(
        "title = \"Scale benchmark\"\n\
         description = \"A generated digest of {papers} papers.\"\n\
         base_url = \"https://example.github.io/digest/\"\n\
         language = \"en\"\n\
         paginate_by = 20\n\
         feed_limit = 20\n\n\
         [keyword_tags]\n"
    );
    for (tag, phrase) in KEYWORD_TAGS {
        let _ = writeln!(s, "{} = [{}]", toml_str(tag), toml_str(phrase));
    }
    s
}

/// The record file of one paper, in digest's format (DESIGN §3).
pub fn record(p: &Paper) -> String {
    let mut s = String::with_capacity(p.body.len() + 512);
    let _ = writeln!(s, "+++");
    let _ = writeln!(s, "title = {}", toml_str(&p.title));
    let _ = writeln!(s, "date = {}", p.date.iso());
    let _ = writeln!(s, "authors = {}", toml_array(&p.authors));
    let _ = writeln!(s, "tags = {}", toml_array(&p.tags));
    if let Some(u) = p.upvotes {
        let _ = writeln!(s, "upvotes = {u}");
    }
    let _ = writeln!(s, "arxiv = {}", toml_str(&p.arxiv));
    let links: Vec<String> = [("code", &p.code), ("project", &p.project)]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} = {}", toml_str(v))))
        .collect();
    if !links.is_empty() {
        let _ = writeln!(s, "links = {{ {} }}", links.join(", "));
    }
    let _ = writeln!(s, "+++");
    s.push_str(&p.body);
    s
}

/// Where a paper's record goes, relative to the site root.
pub fn record_path(p: &Paper) -> String {
    format!(
        "content/{:04}/{:02}/{}.md",
        p.date.year, p.date.month, p.slug
    )
}

/// Writes `site.toml`; records are written one by one with [`write_record`].
pub fn write_config(root: &Path, papers: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("content"))?;
    std::fs::write(root.join("site.toml"), site_toml(papers))
}

pub fn write_record(root: &Path, p: &Paper) -> std::io::Result<()> {
    let path = root.join(record_path(p));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, record(p))
}

/// The `[output]` switches of site.toml the bench can turn off (`--off`), each with its "off"
/// value. The ones that make a large output large: `author_pages` (~17 KB a paper on disk in
/// this corpus, whose 3,000 people each have hundreds of papers), `api` (~12 KB: each paper's
/// `index.json` and each list's `papers.json`) and `coins` (~6.6 KB: a span on every list entry).
pub const OUTPUT_SWITCHES: &[(&str, &str)] = &[
    ("api", "false"),
    ("author_pages", "false"),
    ("bibtex_files", "false"),
    ("coins", "false"),
    ("related_papers", "0"),
    ("sorted_views", "false"),
    ("week_pages", "false"),
];

/// The site digest builds: the corpus itself when nothing is off, else `work/site-N-off-…/`
/// with the corpus's `site.toml` plus an `[output]` table turning `off` off, and `content` a
/// symbolic link to the corpus's records (digest follows it). The corpus is never written.
pub fn variant(
    work: &Path,
    corpus: &Path,
    papers: usize,
    off: &[&str],
) -> std::io::Result<std::path::PathBuf> {
    if off.is_empty() {
        return Ok(corpus.to_path_buf());
    }
    let site = work.join(format!("site-{papers}-off-{}", off.join("-")));
    std::fs::create_dir_all(&site)?;
    let mut toml = std::fs::read_to_string(corpus.join("site.toml"))?;
    toml.push_str("\n[output]\n");
    for (name, value) in OUTPUT_SWITCHES.iter().filter(|(n, _)| off.contains(n)) {
        let _ = writeln!(toml, "{name} = {value}");
    }
    std::fs::write(site.join("site.toml"), toml)?;
    let content = site.join("content");
    let target = std::fs::canonicalize(corpus.join("content"))?;
    if std::fs::read_link(&content).ok().as_deref() != Some(target.as_path()) {
        if content.symlink_metadata().is_ok() {
            std::fs::remove_file(&content)?;
        }
        std::os::unix::fs::symlink(&target, &content)?;
    }
    Ok(site)
}
