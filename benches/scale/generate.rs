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
    /// The Hugo site; only generated when a run wants Hugo at this size (see [`ensure`]).
    pub hugo: PathBuf,
}

/// Makes `work/digest-N`, and `work/hugo-N` when `with_hugo`, for `seed`, unless made before
/// with the same seed and generator (marker file `work/corpus-N.done`: one line, ending in
/// ` hugo=no` when only the digest site is there). Without Hugo a corpus takes half the disk
/// and half the time: at 1,000,000 papers, ~4 GB and a million files less.
pub fn ensure(work: &Path, papers: usize, seed: u64, with_hugo: bool) -> std::io::Result<Sites> {
    let sites = Sites {
        papers,
        digest: work.join(format!("digest-{papers}")),
        hugo: work.join(format!("hugo-{papers}")),
    };
    let marker = work.join(format!("corpus-{papers}.done"));
    let both = format!("seed={seed} papers={papers} generator={GENERATOR_VERSION}\n");
    let digest_only = format!("{} hugo=no\n", both.trim_end());
    let found = std::fs::read_to_string(&marker).ok();
    let found = found.as_deref();
    if found == Some(both.as_str()) || (found == Some(digest_only.as_str()) && !with_hugo) {
        println!(
            "corpus of {papers} papers (seed {seed}) found in {}: reused",
            work.display()
        );
        return Ok(sites);
    }
    // The digest site is there and only the Hugo site is missing: make that one.
    let make_digest = found != Some(digest_only.as_str());
    let _ = std::fs::remove_file(&marker);
    let mut remove = vec![&sites.hugo];
    if make_digest {
        remove.push(&sites.digest);
    }
    for dir in remove {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
    }
    let started = Instant::now();
    let what = match (make_digest, with_hugo) {
        (true, true) => "a digest and a Hugo site",
        (true, false) => "a digest site (no Hugo site)",
        (false, _) => "the Hugo site",
    };
    print!("generating {papers} papers (seed {seed}) as {what} … ");
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    if make_digest {
        digest_site::write_config(&sites.digest, papers)?;
    }
    if with_hugo {
        // The Hugo config depends on the installed version and is rewritten before each build.
        hugo::write_config(&sites.hugo, papers, (0, 111))?;
    }
    let mut tags = BTreeSet::new();
    for paper in Corpus::new(seed, papers) {
        if make_digest {
            digest_site::write_record(&sites.digest, &paper)?;
        }
        if with_hugo {
            hugo::write_page(&sites.hugo, &paper)?;
            tags.extend(paper.all_tags());
        }
    }
    if with_hugo {
        let tags: Vec<String> = tags.into_iter().collect();
        let theme_static = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static");
        hugo::write_site(&sites.hugo, &tags, &theme_static)?;
    }
    std::fs::write(&marker, if with_hugo { &both } else { &digest_only })?;
    println!("{:.1} s", started.elapsed().as_secs_f64());
    Ok(sites)
}
