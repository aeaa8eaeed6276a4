//! The bench's command line.

use std::path::PathBuf;

use crate::digest_site::OUTPUT_SWITCHES;

pub const USAGE: &str = "usage: cargo bench --bench scale -- [--sizes 1000,10000,100000] [--seed 42] \
[--work DIR] [--out DIR] [--skip-hugo] [--edits 5] [--only-generate] [--runs 2] [--cold-only] \
[--off author_pages,api,coins] [--no-floor] [--ignore-space]";

/// Command-line options.
pub struct Options {
    pub sizes: Vec<usize>,
    pub seed: u64,
    /// Corpora, variant sites, `results.md`.
    pub work: PathBuf,
    /// Build outputs and the trash (default: `work`): another disk for a large size.
    pub out: PathBuf,
    pub skip_hugo: bool,
    pub edits: usize,
    pub only_generate: bool,
    /// Timed cold builds of each tool and size (the best counts).
    pub runs: usize,
    /// Only the timed cold builds and the I/O floor: no `digest check`, no author-page build,
    /// no cached builds, no Pages artifact, no serve edits.
    pub cold_only: bool,
    /// `[output]` switches of site.toml turned off for digest's builds (names of
    /// [`OUTPUT_SWITCHES`]).
    pub off: Vec<&'static str>,
    pub no_floor: bool,
    /// Build even when the free-space estimate says the outputs will not fit.
    pub ignore_space: bool,
}

pub fn parse() -> Result<Options, String> {
    let mut o = Options {
        sizes: vec![1_000, 10_000, 100_000],
        seed: 42,
        work: std::env::temp_dir().join("digest-scale-bench"),
        out: PathBuf::new(),
        skip_hugo: false,
        edits: 5,
        only_generate: false,
        runs: 2,
        cold_only: false,
        off: Vec::new(),
        no_floor: false,
        ignore_space: false,
    };
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--sizes" => {
                o.sizes = value("--sizes")?
                    .split(',')
                    .map(|s| s.trim().replace('_', "").parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("--sizes: {e}"))?;
                if o.sizes.iter().any(|&n| n < 20) {
                    return Err("--sizes: each size must be at least 20".into());
                }
            }
            "--seed" => {
                o.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--work" => o.work = PathBuf::from(value("--work")?),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--edits" => {
                o.edits = value("--edits")?
                    .parse()
                    .map_err(|e| format!("--edits: {e}"))?
            }
            "--runs" => {
                o.runs = value("--runs")?
                    .parse()
                    .map_err(|e| format!("--runs: {e}"))?;
                if o.runs == 0 {
                    return Err("--runs: at least 1".into());
                }
            }
            "--off" => {
                for name in value("--off")?.split(',').map(str::trim) {
                    let Some(&(known, _)) = OUTPUT_SWITCHES.iter().find(|(n, _)| *n == name) else {
                        let names: Vec<&str> = OUTPUT_SWITCHES.iter().map(|(n, _)| *n).collect();
                        return Err(format!(
                            "--off: {name:?} is not an [output] switch of site.toml; one of {}",
                            names.join(", ")
                        ));
                    };
                    if !o.off.contains(&known) {
                        o.off.push(known);
                    }
                }
            }
            "--skip-hugo" => o.skip_hugo = true,
            "--only-generate" => o.only_generate = true,
            "--cold-only" => o.cold_only = true,
            "--no-floor" => o.no_floor = true,
            "--ignore-space" => o.ignore_space = true,
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    o.sizes.sort_unstable();
    o.sizes.dedup();
    o.off.sort_unstable();
    o.out = out.unwrap_or_else(|| o.work.clone());
    Ok(o)
}
