//! `build`: runs the pipeline — config, load, markdown, index, plan, render, write — and
//! returns what it made. Each phase takes the previous phase's values and returns new ones.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Problem, Problems};
use crate::index::{KeywordMatcher, SiteIndex};
use crate::load;
use crate::markdown::{MarkdownRenderer, RenderedMarkdown};
use crate::output::machine::{self, MachineFile};
use crate::output::plan::{self, PageKind};
use crate::output::write::{self, Staging};
use crate::render::Renderer;
use crate::render::theme::{self, StaticSource};
use crate::render::views::{self, SiteData};

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (with `site.toml` and `content/`).
    pub root: PathBuf,
    /// The output folder; `output_dir` of `site.toml` (relative to the root) when unset.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of `site.toml`.
    pub base_url: Option<String>,
    /// Includes records with `draft = true`.
    pub drafts: bool,
    /// Replaces an output folder digest did not make.
    pub force: bool,
}

/// What a successful build made.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// Papers published.
    pub papers: usize,
    /// Files written (pages, feeds, machine and static files).
    pub files: usize,
    /// The output folder.
    pub output: PathBuf,
    /// Wall time of the whole build, in seconds.
    pub seconds: f64,
}

/// Told how a build advances, so a front end can show progress. Called from many threads.
pub trait Progress: Sync {
    /// A phase with `total` steps begins.
    fn phase(&self, name: &'static str, total: usize);
    /// `steps` more steps of the current phase are done.
    fn advance(&self, steps: usize);
}

/// Progress that goes nowhere (tests, library use).
pub struct NoProgress;

impl Progress for NoProgress {
    fn phase(&self, _: &'static str, _: usize) {}
    fn advance(&self, _: usize) {}
}

/// Builds the site; on any problem the previous output is left untouched.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Problems> {
    build_with_progress(options, &NoProgress)
}

/// [`build`], reporting progress as it goes.
pub fn build_with_progress(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildSummary, Problems> {
    let started = Instant::now();
    let one = |p: Problem| Problems(vec![p]);
    let root = &options.root;
    let config = Config::load(
        &root.join("site.toml"),
        "site.toml",
        options.base_url.as_deref(),
    )
    .map_err(one)?;
    let content = root.join("content");
    if !content.is_dir() {
        return Err(one(Problem::in_file("content/", "the site has no content/ folder")
            .with_hint("create content/ and put one .md record per paper in it (digest import hf-text FILE can make them)")));
    }
    let output = match &options.output {
        Some(dir) => write::absolute(dir),
        None => write::absolute(&root.join(&config.output_dir)),
    };
    write::check_output(root, &content, &output, options.force).map_err(one)?;

    let theme = theme::load(root, &config.theme).map_err(one)?;
    let renderer = Renderer::new(&config, &theme.templates).map_err(one)?;

    progress.phase("reading records", 0);
    let loaded = load::load(root, &content, options.drafts);
    if !loaded.problems.is_empty() {
        return Err(Problems(loaded.problems));
    }
    let papers = loaded.papers;
    let markdown = MarkdownRenderer::new();
    let bodies: Vec<RenderedMarkdown> = papers
        .par_iter()
        .map(|p| markdown.render(&p.body))
        .collect();
    let matcher = KeywordMatcher::new(&config.keyword_tags);
    let keyword_tags: Vec<Vec<&str>> = papers
        .par_iter()
        .zip(&bodies)
        .map(|(paper, body)| matcher.tags_for(&[&paper.title, &body.text]))
        .collect();
    let index = SiteIndex::build(&papers, &keyword_tags);
    let pages = plan::plan(&config, &papers, &index);
    let cards = views::paper_cards(&config, &papers, &bodies, &index);
    let data = SiteData {
        config: &config,
        papers: &papers,
        bodies: &bodies,
        index: &index,
        cards,
    };

    let sitemap_urls: Vec<(String, Option<String>)> = pages
        .iter()
        .filter(|p| p.in_sitemap())
        .map(|p| {
            let lastmod = match p.kind {
                PageKind::Paper(id) => Some(papers[id].date.to_string()),
                PageKind::Day(i) => Some(index.days[i].date.to_string()),
                _ => None,
            };
            (config.url(&p.url_path()), lastmod)
        })
        .collect();
    let mut machine_files: Vec<MachineFile> = machine::sitemaps(&config, &sitemap_urls);
    machine_files.extend(machine::robots_and_nojekyll(&config));

    let io = |what: &str, err: std::io::Error| {
        Problems(vec![
            Problem::in_file(output.display().to_string(), format!("{what}: {err}")).with_hint(
                "check that the output folder's parent is writable and the disk is not full",
            ),
        ])
    };
    // From here on everything goes into the staging folder; any error drops it, which removes
    // it and leaves the previous output as it was.
    let staging =
        Staging::create(&output).map_err(|e| io("cannot create the staging folder", e))?;
    let mut files = 0;
    for source in &theme.statics {
        files += match source {
            StaticSource::Embedded => {
                let embedded: Vec<(&str, &[u8])> = theme::DEFAULT_STATIC.to_vec();
                staging
                    .write_files(&embedded)
                    .map_err(|e| io("cannot write static files", e))?;
                embedded.len()
            }
            StaticSource::Dir(dir) if dir.is_dir() => staging
                .copy_tree(dir)
                .map_err(|e| io("cannot copy static files", e))?,
            StaticSource::Dir(_) => 0,
        };
    }

    // Render and write in one parallel pass, so a page's text lives only until it is written:
    // memory stays bounded by the corpus, not by the size of the output.
    progress.phase("rendering pages", pages.len());
    staging
        .create_dirs(pages.iter().map(|p| p.path.as_str()))
        .map_err(|e| io("cannot create folders", e))?;
    let problems: Vec<Problem> = pages
        .par_iter()
        .filter_map(|page| {
            let result = renderer
                .render(page.template, &data.context(page), &page.path)
                .and_then(|html| {
                    staging
                        .write_file(&page.path, html.as_bytes())
                        .map_err(|err| {
                            Problem::in_file(
                                output.display().to_string(),
                                format!("cannot write {}: {err}", page.path),
                            )
                            .with_hint("check that the disk is not full")
                        })
                });
            progress.advance(1);
            result.err()
        })
        .collect();
    if !problems.is_empty() {
        return Err(Problems(dedupe_template_problems(problems)));
    }
    files += pages.len();

    let machine: Vec<(&str, &[u8])> = machine_files
        .iter()
        .map(|f| (f.path.as_str(), f.contents.as_slice()))
        .collect();
    staging
        .write_files(&machine)
        .map_err(|e| io("cannot write the site", e))?;
    files += machine.len();
    progress.phase("replacing the output", 0);
    staging
        .commit()
        .map_err(|e| io("cannot move the new build into place", e))?;

    Ok(BuildSummary {
        papers: papers.len(),
        files,
        output,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// One broken template fails many pages the same way: keeps each message once, in page order.
fn dedupe_template_problems(problems: Vec<Problem>) -> Vec<Problem> {
    let key = |p: &Problem| {
        p.message
            .split(" (rendering")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let mut seen = std::collections::HashSet::new();
    problems
        .into_iter()
        .filter(|p| seen.insert(key(p)))
        .collect()
}

/// The site root for a `--root` argument (the current folder when absent).
pub fn site_root(root: Option<&Path>) -> PathBuf {
    write::absolute(root.unwrap_or(Path::new(".")))
}
