//! Generates (or reuses) the two sites of a corpus size in the work folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::corpus::Corpus;
use crate::{digest_site, hugo};

/// Bumped whenever the generator's output changes, so stale corpora are regenerated.
const GENERATOR_VERSION: u32 = 1;

/// The two sites of one corpus size.
pub struct Sites {
    pub papers: usize,
    pub digest: PathBuf,
    pub hugo: PathBuf,
}

/// Makes `work/digest-N` and `work/hugo-N` for `seed`, unless a complete pair made with the same
/// seed and generator is already there (marker file `work/corpus-N.done`).
pub fn ensure(work: &Path, papers: usize, seed: u64) -> std::io::Result<Sites> {
    let sites = Sites {
        papers,
        digest: work.join(format!("digest-{papers}")),
        hugo: work.join(format!("hugo-{papers}")),
    };
    let marker = work.join(format!("corpus-{papers}.done"));
    let expected = format!("seed={seed} papers={papers} generator={GENERATOR_VERSION}\n");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(expected.as_str()) {
        println!(
            "corpus of {papers} papers (seed {seed}) found in {}: reused",
            work.display()
        );
        return Ok(sites);
    }
    let _ = std::fs::remove_file(&marker);
    for dir in [&sites.digest, &sites.hugo] {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
    }
    let started = Instant::now();
    print!("generating {papers} papers (seed {seed}) … ");
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    digest_site::write_config(&sites.digest, papers)?;
    // The Hugo config depends on the installed version and is rewritten before each build.
    hugo::write_config(&sites.hugo, papers, (0, 111))?;
    let mut tags = BTreeSet::new();
    for paper in Corpus::new(seed, papers) {
        digest_site::write_record(&sites.digest, &paper)?;
        hugo::write_page(&sites.hugo, &paper)?;
        tags.extend(paper.all_tags());
    }
    let tags: Vec<String> = tags.into_iter().collect();
    let theme_static = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static");
    hugo::write_site(&sites.hugo, &tags, &theme_static)?;
    std::fs::write(&marker, expected)?;
    println!("{:.1} s", started.elapsed().as_secs_f64());
    Ok(sites)
}
