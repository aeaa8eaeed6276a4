//! Emitting output: renders planned pages and writes them, with the machine and static files,
//! into a destination — a staging folder for a full build, an overlay beside the live folder
//! for a rebuild.

use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::{Problem, Problems};
use crate::output::machine::{self, MachineFile};
use crate::output::plan::PageKind;
use crate::render::theme::{DEFAULT_STATIC, StaticSource};
use crate::site::Site;

/// Where output files go.
pub trait Destination: Sync {
    /// Writes one file, path relative to the output, creating its folder if needed.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// The folder files land in (for messages and copies).
    fn dir(&self) -> &Path;
}

/// Something told after each page is rendered (a progress bar).
pub type Tick<'a> = &'a (dyn Fn() + Sync);

/// Renders the pages at `which` (indices into the site's pages) and writes them. Stops at the
/// first broken template but reports each distinct problem once.
pub fn pages(
    site: &Site,
    which: &[usize],
    to: &dyn Destination,
    tick: Tick,
) -> Result<(), Problems> {
    let data = site.data();
    let all = site.pages();
    let costs = crate::timing::KindCosts::start();
    let problems: Vec<Problem> = which
        .par_iter()
        .filter_map(|&i| {
            let page = &all[i];
            let mut clock = costs.clock();
            let rendered = match data.generate(page) {
                Some(text) => Ok(text),
                None => {
                    let context = data.context(page);
                    clock.lap(0);
                    site.renderer.render(page.template, &context, &page.path)
                }
            };
            clock.lap(1);
            let result = rendered.and_then(|html| {
                let written = to.write(&page.path, html.as_bytes());
                clock.lap(2);
                costs.add(page.kind.name(), &clock);
                written.map_err(|err| {
                    Problem::in_file(
                        to.dir().display().to_string(),
                        format!("cannot write {}: {err}", page.path),
                    )
                    .with_hint("check that the disk is not full and the folder is writable")
                })
            });
            tick();
            result.err()
        })
        .collect();
    costs.print(["context", "render", "write"]);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Problems(dedupe(problems)))
    }
}

/// One broken template fails many pages the same way: keeps each message once.
fn dedupe(problems: Vec<Problem>) -> Vec<Problem> {
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

/// The sitemap(s), `robots.txt` and `.nojekyll` of the site as it is now.
pub fn machine_files(site: &Site) -> Vec<MachineFile> {
    let config = &site.config;
    let data = site.data();
    let urls: Vec<(String, Option<String>)> = site
        .pages()
        .iter()
        .filter(|p| p.in_sitemap())
        .map(|p| {
            let lastmod = match p.kind {
                PageKind::Paper(id) => Some(data.papers[id].date.to_string()),
                PageKind::Day(i) => Some(data.index.days[i].date.to_string()),
                _ => None,
            };
            (config.url(&p.url_path()), lastmod)
        })
        .collect();
    let mut files = machine::sitemaps(config, &urls);
    files.extend(machine::robots_and_nojekyll(config));
    files
}

/// A hash of each file's bytes, by path (not persisted).
pub fn file_hashes(files: &[MachineFile]) -> std::collections::BTreeMap<String, u64> {
    files
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                crate::render::fingerprint::hash_of(&f.contents),
            )
        })
        .collect()
}

/// Writes the machine files.
pub fn write_machine_files(files: &[MachineFile], to: &dyn Destination) -> io::Result<()> {
    files
        .par_iter()
        .try_for_each(|f| to.write(&f.path, &f.contents))
}

/// Copies the theme's and the site's static files (the site's win); returns how many.
pub fn static_files(site: &Site, to: &dyn Destination) -> io::Result<usize> {
    let mut count = 0;
    for source in &site.theme.statics {
        match source {
            StaticSource::Embedded => {
                for (path, bytes) in DEFAULT_STATIC {
                    to.write(path, bytes)?;
                    count += 1;
                }
            }
            StaticSource::Dir(dir) if dir.is_dir() => {
                for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                    let entry = entry.map_err(io::Error::other)?;
                    if entry.file_type().is_dir() {
                        continue;
                    }
                    let relative = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
                    let relative = relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    let bytes = std::fs::read(entry.path()).map_err(|err| {
                        io::Error::new(
                            err.kind(),
                            format!("reading {}: {err}", entry.path().display()),
                        )
                    })?;
                    to.write(&relative, &bytes)?;
                    count += 1;
                }
            }
            StaticSource::Dir(_) => {}
        }
    }
    Ok(count)
}
