//! The scale benchmark of digest: full builds of generated corpora of 1,000 to 100,000 papers,
//! against Hugo on an equivalent site and against the I/O floor, and incremental rebuilds on a
//! warm `digest serve --watch`.
//!
//! ```sh
//! cargo bench --bench scale -- [--sizes 1000,10000,100000] [--seed 42] [--work DIR]
//!                              [--skip-hugo] [--edits 5] [--only-generate]
//! ```
//!
//! Each build runs as a child process under GNU time (`/usr/bin/time`, for peak memory), twice;
//! the best wall time counts and both are printed. The output folder is moved aside before
//! every run (into `WORK/trash`, deleted at the end; see [`measure::Trash`]), so each run writes
//! the whole site into a new folder. Results go to stdout and to `WORK/results.md`.

mod authors;
mod cached;
mod corpus;
mod digest_site;
mod generate;
mod hugo;
mod incremental;
mod measure;
mod report;
mod words;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use report::{SizeResult, ToolResult};

const USAGE: &str = "usage: cargo bench --bench scale -- [--sizes 1000,10000,100000] [--seed 42] \
[--work DIR] [--skip-hugo] [--edits 5] [--only-generate]";

/// Command-line options.
struct Options {
    sizes: Vec<usize>,
    seed: u64,
    work: PathBuf,
    skip_hugo: bool,
    edits: usize,
    only_generate: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        sizes: vec![1_000, 10_000, 100_000],
        seed: 42,
        work: std::env::temp_dir().join("digest-scale-bench"),
        skip_hugo: false,
        edits: 5,
        only_generate: false,
    };
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
            "--edits" => {
                o.edits = value("--edits")?
                    .parse()
                    .map_err(|e| format!("--edits: {e}"))?
            }
            "--skip-hugo" => o.skip_hugo = true,
            "--only-generate" => o.only_generate = true,
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    o.sizes.sort_unstable();
    o.sizes.dedup();
    Ok(o)
}

/// The release `digest` binary: `DIGEST_BIN`, else the one Cargo built beside this bench
/// (`target/release/digest`, found from the bench executable's folders).
fn digest_binary() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("DIGEST_BIN") {
        return Ok(PathBuf::from(bin));
    }
    if let Some(bin) = option_env!("CARGO_BIN_EXE_digest") {
        return Ok(PathBuf::from(bin));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    exe.ancestors()
        .skip(1)
        .take(3)
        .map(|dir| dir.join("digest"))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            "the digest binary was not found beside the bench; run `cargo build --release` with \
             the same CARGO_TARGET_DIR, or set DIGEST_BIN"
                .into()
        })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), String> {
    let o = parse_args()?;
    std::fs::create_dir_all(&o.work).map_err(|e| format!("{}: {e}", o.work.display()))?;
    fn io(what: &'static str) -> impl Fn(std::io::Error) -> String {
        move |e| format!("{what}: {e}")
    }

    corpus::self_check()?;
    authors::self_check()?;
    let mut corpora = Vec::new();
    for &n in &o.sizes {
        corpora.push(generate::ensure(&o.work, n, o.seed).map_err(io("generating the corpus"))?);
    }
    if o.only_generate {
        println!("corpora are in {}", o.work.display());
        return Ok(());
    }

    let digest = digest_binary()?;
    let time = measure::gnu_time();
    let hugo = if o.skip_hugo {
        Err("skipped (--skip-hugo)".to_string())
    } else {
        hugo::version().ok_or_else(|| "hugo not installed: skipped".to_string())
    };
    let mut header = format!(
        "# digest scale benchmark\n\nseed {}, sizes {:?}, work folder `{}`\n\n- digest: `{}`\n- hugo: {}\n- memory: {}\n- {} CPUs\n\n",
        o.seed,
        o.sizes,
        o.work.display(),
        digest.display(),
        match &hugo {
            Ok((text, _)) => format!("`{text}`"),
            Err(why) => why.clone(),
        },
        if time.is_some() {
            "peak RSS from GNU time (/usr/bin/time %M)"
        } else {
            "n/a (GNU time /usr/bin/time not found)"
        },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    print!("{header}");

    let trash = measure::Trash::new(&o.work);
    trash.wait_for_last_emptying();
    let mut results = Vec::new();
    let mut author_lines: Vec<String> = Vec::new();
    let mut cached_results = Vec::new();
    for sites in &corpora {
        let n = sites.papers;
        println!("== {n} papers");
        let out = o.work.join(format!("out-digest-{n}"));
        let digest_result = build_twice(
            "digest",
            time.as_deref(),
            &out,
            |out| {
                (
                    digest.clone(),
                    vec![
                        "build".into(),
                        "--root".into(),
                        sites.digest.display().to_string(),
                        "--output".into(),
                        out.display().to_string(),
                        "--force".into(),
                        // A cold build: the build cache is measured on its own below.
                        "--no-cache".into(),
                    ],
                )
            },
            &o.work,
            &trash,
        )?;
        // `digest check` of the output just built, offline (records and every output file).
        measure::settle();
        let check = measure::run(
            time.as_deref(),
            &digest,
            &[
                "check",
                "--root",
                &sites.digest.display().to_string(),
                "--output",
                &out.display().to_string(),
            ],
            &o.work,
        );
        match &check {
            Ok(run) => println!("  digest check --output: {:.2} s", run.wall_s),
            Err(e) => eprintln!("  digest check failed: {e}"),
        }
        // What the author pages of this build cost (files, bytes, seconds).
        match authors::measure(
            &digest,
            &sites.digest,
            &out,
            &o.work.join(format!("out-digest-{n}-timings")),
            &trash,
        ) {
            Ok(cost) => {
                let line = cost.line();
                println!("  author pages: {line}");
                author_lines.push(format!("- {n} papers: {line}\n"));
            }
            Err(e) => eprintln!("  author pages not measured: {e}"),
        }
        let floor_copy = o.work.join(format!("floor-copy-{n}"));
        let input =
            measure::tree(&sites.digest.join("content")).map_err(io("reading the corpus"))?;
        let io_floor_s =
            measure::io_floor(&sites.digest, &out, &floor_copy, &trash).map_err(io("I/O floor"))?;
        println!("  I/O floor: {io_floor_s:.2} s");
        let io_floor_what = format!(
            "read {} input files ({:.1} MB) + copied {} output files ({:.1} MB)",
            input.files + 1,
            input.bytes as f64 / 1e6,
            digest_result.output.files,
            digest_result.output.bytes as f64 / 1e6
        );
        let hugo_result = match &hugo {
            Ok((_, version)) => {
                hugo::write_config(&sites.hugo, n, *version).map_err(io("hugo.toml"))?;
                let out = o.work.join(format!("out-hugo-{n}"));
                build_twice(
                    "hugo",
                    time.as_deref(),
                    &out,
                    |out| {
                        (
                            PathBuf::from("hugo"),
                            vec![
                                "--source".into(),
                                sites.hugo.display().to_string(),
                                "--destination".into(),
                                out.display().to_string(),
                                "--quiet".into(),
                            ],
                        )
                    },
                    &o.work,
                    &trash,
                )
                .map_err(|e| {
                    eprintln!("  {e}");
                    "hugo failed (see above)".to_string()
                })
            }
            Err(why) => Err(why.clone()),
        };
        // Builds with the build cache, over the output of the build before.
        match cached::measure(&digest, &sites.digest, n, &o.work, &trash, 3) {
            Ok(figures) => cached_results.push(figures),
            Err(e) => eprintln!("  cached builds not measured: {e}"),
        }
        let pages_artifact = measure::pages_artifact(&out);
        if let Ok(bytes) = &pages_artifact {
            println!("  Pages artifact: {:.1} MB", *bytes as f64 / 1e6);
        }
        results.push(SizeResult {
            papers: n,
            digest: digest_result,
            check,
            hugo: hugo_result,
            io_floor_s,
            io_floor_what,
            pages_artifact,
        });
    }
    let table = report::builds(&results);
    println!("\n{table}");
    header.push_str("## Full builds\n\n");
    header.push_str(&table);
    if !cached_results.is_empty() {
        let table = cached::table(&cached_results);
        println!("\n{table}");
        header.push_str("\n## Builds with the build cache\n\n");
        header.push_str(&table);
    }
    if !author_lines.is_empty() {
        header.push_str("\n## Author pages (`author_pages`, default \"min:2\")\n\n");
        header.extend(author_lines);
    }

    if o.edits > 0
        && let Some(sites) = corpora.last()
    {
        println!("== incremental, {} papers", sites.papers);
        let out = o.work.join(format!("serve-{}", sites.papers));
        trash
            .discard(&out)
            .map_err(io("moving the old serve output aside"))?;
        match incremental::measure(&digest, &sites.digest, sites.papers, &out, o.edits) {
            Ok(inc) => {
                let table = report::incremental(&inc);
                println!("\n{table}");
                header.push_str("\n## Incremental rebuilds\n\n");
                header.push_str(&table);
            }
            Err(e) => {
                eprintln!("incremental measurement failed: {e}");
                header.push_str(&format!("\n## Incremental rebuilds\n\nfailed: {e}\n"));
            }
        }
        trash
            .discard(&out)
            .map_err(io("moving the serve output aside"))?;
    }
    let path = o.work.join("results.md");
    std::fs::write(&path, header).map_err(io("results.md"))?;
    println!("written to {}", path.display());
    trash.empty().map_err(io("emptying the trash"))?;
    Ok(())
}

/// Two runs of a build into a fresh `out` each time; the output tree is measured after the
/// last run and left in place (the I/O floor copies it).
fn build_twice(
    tool: &'static str,
    time: Option<&Path>,
    out: &Path,
    command: impl Fn(&Path) -> (PathBuf, Vec<String>),
    scratch: &Path,
    trash: &measure::Trash,
) -> Result<ToolResult, String> {
    let mut runs = Vec::new();
    for attempt in 1..=2 {
        trash
            .discard(out)
            .map_err(|e| format!("{}: {e}", out.display()))?;
        measure::settle();
        let (program, args) = command(out);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = measure::run(time, &program, &args, scratch)?;
        println!(
            "  {tool} run {attempt}: {:.2} s, peak {} MiB (load average before: {})",
            run.wall_s,
            run.peak_mib.map_or("n/a".into(), |m| format!("{m:.0}")),
            run.load.map_or("n/a".into(), |l| format!("{l:.2}"))
        );
        runs.push(run);
    }
    let output = measure::tree(out).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(ToolResult { tool, runs, output })
}
