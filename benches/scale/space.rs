//! Will the outputs fit? Before each size the bench estimates digest's output on disk from the
//! number of papers and the `[output]` switches turned off, and compares it with the free space
//! of the output folder's file system: it refuses a size whose outputs would not fit (rather
//! than filling the disk an hour in), and leaves out the I/O floor's copy when there is room
//! for the builds but not for a second tree.

use std::fmt::Write as _;

use crate::options::Options;

/// Bytes on disk (allocated blocks, folders included) per paper of digest's output with every
/// default on: 5.65 GB for 100,000 papers of seed 42 (`du` of the output, 2026-12-06: paper
/// folders 2.25 GB, author pages 1.75 GB, tag pages 0.99 GB, year folders 0.55 GB, search
/// 0.07 GB). Every part grows with the papers (each of the corpus's 3,000 people and ~300
/// tags gets more list pages), so a larger size is this times its papers.
const ALL_ON_PER_PAPER: f64 = 56_500.0;

/// What turning a switch off saves, bytes on disk per paper, from the same output:
/// `authors/` (1.75 GB), the API's files (each paper's `index.json` 0.74 GB on disk, each
/// list's `papers.json` 0.51 GB) and COinS spans (0.66 GB in pages; less once author pages,
/// whose lists carry most of them, are off: see [`BASE_PER_PAPER`]).
const SAVED_PER_PAPER: &[(&str, f64)] = &[
    ("author_pages", 17_500.0),
    ("api", 12_500.0),
    ("coins", 6_600.0),
];

/// The least the estimate goes to (the savings above overlap: most COinS spans are on author
/// pages): `author_pages`, `api` and `coins` off, 100,000 papers, 2026-12-06: 126,185 files
/// of 1.56 GB (1.77 GB in 4 KiB blocks) and 118,932 folders (0.49 GB on ext4), 2.27 GB.
const BASE_PER_PAPER: f64 = 22_700.0;

/// What the switches that only trim pages save, bytes on disk per paper, with the three above
/// off (20,000 papers, 2026-12-06; 25.1 KB a paper with none of these off): `bibtex_files`
/// (each day's and tag's `papers.bib`), `related_papers` (the list on each paper page),
/// `week_pages` (`/<yyyy>/w<ww>/`); `sorted_views` saves nothing measurable (0.06 KB).
const TRIM_SAVED_PER_PAPER: &[(&str, f64)] = &[
    ("bibtex_files", 2_000.0),
    ("related_papers", 770.0),
    ("week_pages", 470.0),
];

/// Files and folders per paper, every default on (294,176 files and 165,771 folders at
/// 100,000 papers), what `author_pages` (49,837 files, 3,001 folders) and `api` (118,151
/// files) save, and the least with the three off (126,185 files, 118,932 folders).
const INODES_PER_PAPER: f64 = 4.6;
const INODES_SAVED_PER_PAPER: &[(&str, f64)] = &[("author_pages", 0.53), ("api", 1.18)];
const BASE_INODES_PER_PAPER: f64 = 2.45;

/// The build cache (`--cache`), bytes per paper (724 MB at 100,000).
const CACHE_PER_PAPER: f64 = 7_300.0;

/// Headroom over the estimate (the estimate is from one corpus; the disk has other users).
const MARGIN: f64 = 1.10;

/// What the switches in `off` that are named in `saved` save per paper.
fn saving(off: &[&str], saved: &[(&str, f64)]) -> f64 {
    saved
        .iter()
        .filter(|(name, _)| off.contains(name))
        .map(|(_, per_paper)| per_paper)
        .sum()
}

/// `all_on` less what the switches in `off` save, never below `base`, for `papers` papers and
/// with the margin.
fn estimate(papers: usize, off: &[&str], all_on: f64, saved: &[(&str, f64)], base: f64) -> u64 {
    ((all_on - saving(off, saved)).max(base) * papers as f64 * MARGIN) as u64
}

/// The estimated output of one digest build of `papers` papers with `off` turned off, bytes.
pub fn output_bytes(papers: usize, off: &[&str]) -> u64 {
    let base = BASE_PER_PAPER - saving(off, TRIM_SAVED_PER_PAPER);
    let all_on = ALL_ON_PER_PAPER - saving(off, TRIM_SAVED_PER_PAPER);
    estimate(papers, off, all_on, SAVED_PER_PAPER, base)
}

/// Hugo's output on disk per paper (1.9 GB at 100,000 papers, 2026-12-06).
const HUGO_PER_PAPER: f64 = 20_000.0;

/// What one size of the bench will put on the output folder's disk at most.
pub struct Need {
    /// One output tree of digest.
    pub output: u64,
    /// Every tree the size keeps until the bench ends, without the I/O floor's copy.
    pub without_floor: u64,
    pub inodes: u64,
}

/// The need of one size: `o.runs` timed builds of digest, and of Hugo when `hugo` (each run's
/// tree is kept in the trash until the bench ends), and unless `--cold-only` the author-page
/// build (when author pages are on), the cached builds (a tree and the cache) and, when
/// `serve`, the served output of the edits.
pub fn need(papers: usize, o: &Options, hugo: bool, serve: bool) -> Need {
    let off = &o.off[..];
    let output = output_bytes(papers, off);
    let mut trees = o.runs as u64;
    let mut cache = 0;
    if !o.cold_only {
        trees += 1 + u64::from(!off.contains(&"author_pages")) + u64::from(serve);
        cache = (CACHE_PER_PAPER * papers as f64) as u64;
    }
    let hugo = if hugo {
        (HUGO_PER_PAPER * papers as f64 * MARGIN) as u64 * o.runs as u64
    } else {
        0
    };
    Need {
        output,
        without_floor: output * trees + cache + hugo,
        inodes: estimate(
            papers,
            off,
            INODES_PER_PAPER,
            INODES_SAVED_PER_PAPER,
            BASE_INODES_PER_PAPER,
        ) * trees,
    }
}

/// The refusal when a size will not fit: what it needs, what is free, and what to change.
pub fn refusal(papers: usize, need: &Need, free: (u64, u64), o: &Options) -> String {
    let (out, off) = (&o.out, &o.off[..]);
    let gb = |b: u64| b as f64 / 1e9;
    let mut text = format!(
        "{papers} papers will not fit in {}: the builds need about {:.1} GB and {} inodes \
         (one output ~{:.1} GB with {}), and the disk has {:.1} GB and {} inodes free.",
        out.display(),
        gb(need.without_floor),
        need.inodes,
        gb(need.output),
        if off.is_empty() {
            "every [output] switch on".to_string()
        } else {
            format!("{} off", off.join(", "))
        },
        gb(free.0),
        free.1
    );
    text.push_str(" Make room, or:");
    let switches = SAVED_PER_PAPER.iter().chain(TRIM_SAVED_PER_PAPER);
    for (name, _) in switches.filter(|(n, _)| !off.contains(n)) {
        let mut fewer = off.to_vec();
        fewer.push(name);
        let _ = write!(
            text,
            "\n  --off {}: one output ~{:.1} GB",
            {
                fewer.sort_unstable();
                fewer.join(",")
            },
            gb(output_bytes(papers, &fewer))
        );
    }
    if o.runs > 1 {
        text.push_str("\n  --runs 1: one timed build (each run's tree is kept until the end)");
    }
    if !o.cold_only {
        text.push_str(
            "\n  --cold-only: no check, author-page, cached or served builds (each a tree)",
        );
    }
    text.push_str("\n  --out DIR on a larger disk\n  --ignore-space to try anyway");
    text
}
