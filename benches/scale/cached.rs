//! The build cache's figures: `digest build` with `--cache` over the output of the build
//! before it: nothing changed, one abstract edited, one record's tags edited, one template
//! edited. Each run is its own process, as a curator's morning build is; the edited record and
//! template are put back afterwards.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::measure::{self, Trash, files};

/// One kind of cached build and its runs.
#[derive(Debug, Default)]
pub struct CachedSeries {
    /// Wall seconds of each run.
    pub wall_s: Vec<f64>,
    /// The build's second line of each run (records read, pages rendered, files changed).
    pub lines: Vec<String>,
}

/// The figures of one corpus.
#[derive(Debug)]
pub struct Cached {
    pub papers: usize,
    /// The first build with an empty cache (fills it), seconds.
    pub first_s: f64,
    pub cache_bytes: u64,
    pub no_op: CachedSeries,
    pub abstract_edit: CachedSeries,
    pub tag_edit: CachedSeries,
    pub template_edit: CachedSeries,
}

/// Puts the edited files back, whatever happens.
struct Restore(Vec<(PathBuf, Option<Vec<u8>>)>);

impl Drop for Restore {
    fn drop(&mut self) {
        for (path, bytes) in self.0.drain(..) {
            match bytes {
                Some(bytes) => {
                    let _ = std::fs::write(&path, bytes);
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }
}

fn build(digest: &Path, site: &Path, out: &Path, cache: &Path) -> Result<(f64, String), String> {
    let started = Instant::now();
    let run = Command::new(digest)
        .args(["build", "--force", "--root"])
        .arg(site)
        .arg("--output")
        .arg(out)
        .arg("--cache")
        .arg(cache)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", digest.display()))?;
    let wall = started.elapsed().as_secs_f64();
    if !run.status.success() {
        return Err(format!(
            "digest build failed:\n{}",
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&run.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("read "))
        .unwrap_or_default()
        .to_string();
    Ok((wall, line))
}

fn series(
    runs: usize,
    mut before_each: impl FnMut(usize) -> Result<(), String>,
    mut run: impl FnMut() -> Result<(f64, String), String>,
) -> Result<CachedSeries, String> {
    let mut series = CachedSeries::default();
    for i in 0..runs {
        before_each(i)?;
        measure::settle();
        let (wall, line) = run()?;
        println!("    {wall:.2} s: {line}");
        series.wall_s.push(wall);
        series.lines.push(line);
    }
    Ok(series)
}

/// Measures cached builds of the site `site` (its records are edited and put back).
pub fn measure(
    digest: &Path,
    site: &Path,
    papers: usize,
    work: &Path,
    trash: &Trash,
    runs: usize,
) -> Result<Cached, String> {
    let out = work.join(format!("out-cached-{papers}"));
    let cache = work.join(format!("cache-{papers}"));
    trash.discard(&out).map_err(|e| e.to_string())?;
    trash.discard(&cache).map_err(|e| e.to_string())?;
    measure::settle();
    let (first_s, line) = build(digest, site, &out, &cache)?;
    println!("  cached build, first (fills the cache): {first_s:.2} s: {line}");
    let cache_bytes = files(&cache)
        .map_err(|e| e.to_string())?
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let go = || build(digest, site, &out, &cache);
    println!("  nothing changed:");
    let no_op = series(runs, |_| Ok(()), go)?;

    let mut records: Vec<PathBuf> = files(&site.join("content"))
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    records.sort();
    let record = records[records.len() / 2].clone();
    let template = site.join("templates/paper.html");
    let original = std::fs::read(&record).map_err(|e| e.to_string())?;
    let _restore = Restore(vec![
        (record.clone(), Some(original.clone())),
        (template.clone(), std::fs::read(&template).ok()),
    ]);
    let text = String::from_utf8(original).map_err(|e| e.to_string())?;
    let (front, body) = text
        .rsplit_once("\n+++\n")
        .ok_or("a record without front matter")?;
    println!("  one abstract edited:");
    let abstract_edit = series(
        runs,
        |i| {
            let edited = format!("{front}\n+++\nA sentence added in edit {i}. {body}");
            std::fs::write(&record, edited).map_err(|e| e.to_string())
        },
        go,
    )?;
    println!("  one record's tags edited:");
    let tag_edit = series(
        runs,
        |i| {
            let edited: Vec<String> = front
                .lines()
                .map(|l| {
                    if l.starts_with("tags = ") {
                        format!("tags = [\"edited-tag-{i}\"]")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            std::fs::write(&record, format!("{}\n+++\n{body}", edited.join("\n")))
                .map_err(|e| e.to_string())
        },
        go,
    )?;
    println!("  the paper template edited (every paper page again, no record read):");
    let base = digest_default_paper_template(digest, work)?;
    let template_edit = series(
        runs.min(2),
        |i| {
            if let Some(parent) = template.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            let edited = base.replacen(
                "{% endblock head %}",
                &format!("<meta name=\"bench-edit\" content=\"{i}\">{{% endblock head %}}"),
                1,
            );
            std::fs::write(&template, edited).map_err(|e| e.to_string())
        },
        go,
    )?;
    drop(_restore);
    // The site as it was, for the next measurement.
    build(digest, site, &out, &cache)?;
    trash.discard(&out).map_err(|e| e.to_string())?;
    trash.discard(&cache).map_err(|e| e.to_string())?;
    Ok(Cached {
        papers,
        first_s,
        cache_bytes,
        no_op,
        abstract_edit,
        tag_edit,
        template_edit,
    })
}

/// The default theme's `paper.html`, as `digest theme eject` writes it.
fn digest_default_paper_template(digest: &Path, work: &Path) -> Result<String, String> {
    let into = work.join("ejected-theme");
    let _ = std::fs::remove_dir_all(&into);
    let run = Command::new(digest)
        .args(["theme", "eject", "paper.html", "--into"])
        .arg(&into)
        .output()
        .map_err(|e| e.to_string())?;
    if !run.status.success() {
        return Err(String::from_utf8_lossy(&run.stderr).into_owned());
    }
    let found = files(&into)
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|p| p.ends_with("paper.html"))
        .ok_or("digest theme eject wrote no paper.html")?;
    let text = std::fs::read_to_string(found).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&into);
    Ok(text)
}

/// The table of the cached builds.
pub fn table(all: &[Cached]) -> String {
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let mut text = String::from(
        "| papers | first build | cache | nothing changed | one abstract | one record's tags | paper template |\n|---|---|---|---|---|---|---|\n",
    );
    for c in all {
        text.push_str(&format!(
            "| {} | {:.2} s | {:.0} MB | {:.2} s | {:.2} s | {:.2} s | {:.2} s |\n",
            c.papers,
            c.first_s,
            c.cache_bytes as f64 / 1e6,
            median(&c.no_op.wall_s),
            median(&c.abstract_edit.wall_s),
            median(&c.tag_edit.wall_s),
            median(&c.template_edit.wall_s),
        ));
    }
    text.push_str("\n(medians; wall time of the whole process, output and cache on the same disk as the work folder)\n");
    text
}
