//! Emitting output: renders planned pages and writes them, with the machine and static files,
//! into a destination — a staging folder for a full build, an overlay beside the live folder
//! for a rebuild.

use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::{FailureKind, Problem, Problems};
use crate::plan::{PageKind, PlannedPage};
use crate::render::machine::{self, MachineFile};
use crate::render::theme::{DEFAULT_STATIC, StaticSource};
use crate::site::Site;

/// Where output files go.
pub(crate) trait Destination: Sync {
    /// Writes one file, path relative to the output, creating its folder if needed.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// The folder files land in (for messages and copies).
    fn dir(&self) -> &Path;
}

/// A destination that passes every write on and keeps a hash of each file's bytes, by path.
pub(crate) struct Recording<'a> {
    inner: &'a dyn Destination,
    hashes: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
}

impl<'a> Recording<'a> {
    /// Records what is written to `inner`.
    pub(crate) fn new(inner: &'a dyn Destination) -> Self {
        Recording {
            inner,
            hashes: Default::default(),
        }
    }

    /// The hash of each file written, by path (a file written twice: the last bytes).
    pub(crate) fn hashes(self) -> std::collections::BTreeMap<String, u64> {
        self.hashes.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Destination for Recording<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(path, bytes)?;
        self.hashes
            .lock()
            .map_err(|_| io::Error::other("a writer thread panicked"))?
            .insert(path.to_string(), crate::hash::hash_of(bytes));
        Ok(())
    }

    fn dir(&self) -> &Path {
        self.inner.dir()
    }
}

/// Something told after each page is rendered (a progress bar).
pub(crate) type Tick<'a> = &'a (dyn Fn() + Sync);

/// Renders the pages at `which` (indices into the site's pages) and writes them. Reports each
/// distinct template problem once, and write errors of one kind (a full disk fails every page)
/// as one problem with their count.
pub(crate) fn pages(
    site: &Site,
    which: &[usize],
    to: &dyn Destination,
    tick: Tick,
) -> Result<(), Problems> {
    let data = site.data();
    let all = site.pages();
    let costs = crate::timing::KindCosts::start();
    let failures: Vec<Failure> = which
        .par_iter()
        .filter_map(|&i| {
            let page = &all[i];
            let mut clock = costs.clock();
            let made = crate::email::feed::render_page(&data, &site.renderer, page)
                .or_else(|| data.generate(page).map(Ok));
            let rendered = match made {
                Some(text) => text,
                None => {
                    let context = data.context(page);
                    clock.lap(0);
                    site.renderer.render(page.template, &context, &page.path)
                }
            };
            clock.lap(1);
            let failure = match rendered {
                Ok(html) => {
                    let written = to.write(&page.path, html.as_bytes());
                    clock.lap(2);
                    costs.add(page.kind.name(), &clock);
                    written
                        .err()
                        .map(|err| Failure::Write(page.path.clone(), err))
                }
                Err(problem) => Some(Failure::Render(problem)),
            };
            tick();
            failure
        })
        .collect();
    costs.print(["context", "render", "write"]);
    if failures.is_empty() {
        // A page made with a body that could not be read back shows it empty: none of these
        // pages may be published.
        return match data.bodies.damage() {
            None => Ok(()),
            Some(why) => Err(Problems(vec![
                Problem::in_file(to.dir().display().to_string(), why)
                    .with_hint("build again with --no-cache; if it fails again, check the disk")
                    .with_kind(FailureKind::Output),
            ])),
        };
    }
    let mut rendering = Vec::new();
    let mut writing = Vec::new();
    for failure in failures {
        match failure {
            Failure::Render(problem) => rendering.push(problem),
            Failure::Write(path, err) => writing.push((path, err)),
        }
    }
    let mut problems = dedupe(rendering);
    problems.extend(write_problems(to.dir(), writing));
    Err(Problems(problems))
}

/// Why one page is missing from the output.
enum Failure {
    /// Its template failed.
    Render(Problem),
    /// Writing it failed (the page's path, the error).
    Write(String, io::Error),
}

/// One problem per kind of write error, in the order first met: a full disk or a read-only
/// folder fails every page the same way, and hundreds of identical lines would hide the one
/// thing to do. The problem names the count and the first page that failed.
fn write_problems(dir: &Path, failed: Vec<(String, io::Error)>) -> Vec<Problem> {
    let mut kinds: Vec<(io::ErrorKind, String, io::Error, usize)> = Vec::new();
    for (path, err) in failed {
        match kinds.iter_mut().find(|(kind, ..)| *kind == err.kind()) {
            Some((_, _, _, count)) => *count += 1,
            None => kinds.push((err.kind(), path, err, 1)),
        }
    }
    kinds
        .into_iter()
        .map(|(kind, path, err, count)| {
            let message = if count == 1 {
                format!("cannot write {path}: {err}")
            } else {
                format!("cannot write {count} pages (the first: {path}): {err}")
            };
            let hint = match kind {
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                    "the disk is full: free some space (or build to another disk with --output) and build again"
                }
                io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                    "make the output folder writable, or build to another one with --output"
                }
                _ => "check that the disk is not full and the folder is writable",
            };
            Problem::in_file(dir.display().to_string(), message)
                .with_hint(hint)
                .with_kind(FailureKind::Output)
        })
        .collect()
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
pub(crate) fn machine_files(site: &Site) -> Vec<MachineFile> {
    let config = &site.config;
    let urls: Vec<(&str, Option<jiff::civil::Date>)> = sitemap_pages(site)
        .map(|(page, lastmod)| (page.url_dir(), lastmod))
        .collect();
    let mut files = machine::sitemaps(config, &urls);
    files.extend(machine::robots_and_nojekyll(config));
    files
}

/// What the machine files are made of: the settings and each sitemap page's path and date.
/// Equal identities, equal machine files.
pub(crate) fn sitemap_identity(site: &Site) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = crate::hash::hasher();
    // The settings (base URL, ...), the same way the build cache keys the site by them.
    site.snapshot_key().hash(&mut hasher);
    for (page, lastmod) in sitemap_pages(site) {
        page.path.hash(&mut hasher);
        lastmod.hash(&mut hasher);
    }
    hasher.finish()
}

/// Each page of the sitemap, with its `lastmod` date (said once for the sitemap and its
/// identity).
fn sitemap_pages(site: &Site) -> impl Iterator<Item = (&PlannedPage, Option<jiff::civil::Date>)> {
    let data = site.data();
    site.pages()
        .iter()
        .filter(|p| p.in_sitemap())
        .map(move |p| {
            let lastmod = match p.kind {
                PageKind::Paper(id) => Some(data.papers[id].date),
                PageKind::Day(i) => Some(data.index.days[i].date),
                _ => None,
            };
            (p, lastmod)
        })
}

/// A hash of each file's bytes, by path.
pub(crate) fn file_hashes(files: &[MachineFile]) -> std::collections::BTreeMap<String, u64> {
    files
        .iter()
        .map(|f| (f.path.clone(), crate::hash::hash_of(&f.contents)))
        .collect()
}

/// Writes the machine files.
pub(crate) fn write_machine_files(files: &[MachineFile], to: &dyn Destination) -> io::Result<()> {
    files
        .par_iter()
        .try_for_each(|f| to.write(&f.path, &f.contents))
}

/// Copies the theme's and the site's static files (the site's win); returns how many.
pub(crate) fn static_files(site: &Site, to: &dyn Destination) -> io::Result<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::LoadOptions;
    use std::path::PathBuf;

    /// A destination whose every write fails like a full disk (ENOSPC), except tag pages when
    /// `tags_read_only`, which fail like a folder that may not be written.
    struct FullDisk {
        dir: PathBuf,
        tags_read_only: bool,
    }

    impl Destination for FullDisk {
        fn write(&self, path: &str, _bytes: &[u8]) -> io::Result<()> {
            if self.tags_read_only && path.contains("tags/") {
                return Err(io::Error::from(io::ErrorKind::PermissionDenied));
            }
            Err(io::Error::from_raw_os_error(libc::ENOSPC))
        }
        fn dir(&self) -> &Path {
            &self.dir
        }
    }

    fn small_site() -> (tempfile::TempDir, Site) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("site.toml"),
            "title = \"t\"\nbase_url = \"https://example.org/\"\n",
        )
        .unwrap();
        std::fs::create_dir(tmp.path().join("content")).unwrap();
        for (i, day) in ["2025-02-06", "2025-02-07", "2025-03-01"]
            .iter()
            .enumerate()
        {
            std::fs::write(
                tmp.path().join(format!("content/p{i}.md")),
                format!(
                    "+++\ntitle = \"Paper {i}\"\ndate = {day}\ntags = [\"t{i}\"]\n+++\nText.\n"
                ),
            )
            .unwrap();
        }
        let site = Site::load(tmp.path(), &LoadOptions::default()).unwrap();
        (tmp, site)
    }

    #[test]
    fn a_full_disk_is_one_problem_with_the_count_not_one_per_page() {
        let (tmp, site) = small_site();
        let which: Vec<usize> = (0..site.pages().len()).collect();
        let disk = FullDisk {
            dir: tmp.path().into(),
            tags_read_only: false,
        };
        let Err(Problems(problems)) = pages(&site, &which, &disk, &|| {}) else {
            panic!("writes failed, so pages must fail")
        };
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0]
                .message
                .starts_with(&format!("cannot write {} pages (the first: ", which.len())),
            "{}",
            problems[0]
        );
        assert!(
            problems[0].message.contains("No space left on device"),
            "{}",
            problems[0]
        );
        assert!(
            problems[0].to_string().contains("the disk is full"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn each_kind_of_write_error_is_one_problem() {
        let (tmp, site) = small_site();
        let which: Vec<usize> = (0..site.pages().len()).collect();
        let tag_pages = site
            .pages()
            .iter()
            .filter(|p| p.path.contains("tags/"))
            .count();
        let full_pages = which.len() - tag_pages;
        assert!(full_pages > 10 && tag_pages > 1, "{full_pages} {tag_pages}");
        let disk = FullDisk {
            dir: tmp.path().into(),
            tags_read_only: true,
        };
        let Err(Problems(problems)) = pages(&site, &which, &disk, &|| {}) else {
            panic!("writes failed, so pages must fail")
        };
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 2, "{messages:#?}");
        assert!(
            problems[0]
                .message
                .starts_with(&format!("cannot write {full_pages} pages (the first: ")),
            "{messages:#?}"
        );
        assert!(messages[0].contains("the disk is full"), "{messages:#?}");
        assert!(
            problems[1]
                .message
                .starts_with(&format!("cannot write {tag_pages} pages (the first: tags/")),
            "{messages:#?}"
        );
        assert!(messages[1].contains("writable"), "{messages:#?}");
    }

    #[test]
    fn one_failed_write_names_its_page() {
        let problems = write_problems(
            Path::new("out"),
            vec![(
                "papers/x/index.html".into(),
                io::Error::from(io::ErrorKind::StorageFull),
            )],
        );
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .starts_with("cannot write papers/x/index.html: "),
            "{}",
            problems[0].message
        );
    }
}
