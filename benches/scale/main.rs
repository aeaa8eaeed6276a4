//! The scale benchmark of digest: full builds of generated corpora of 1,000 to 1,000,000
//! papers, against Hugo on an equivalent site and against the I/O floor, and incremental
//! rebuilds on a warm `digest serve --watch`.
//!
//! ```sh
//! cargo bench --bench scale -- [--sizes 1000,10000,100000] [--seed 42] [--work DIR] [--out DIR]
//!                              [--skip-hugo] [--edits 5] [--only-generate] [--runs 2]
//!                              [--cold-only] [--off author_pages,api,coins] [--no-floor]
//!                              [--ignore-space]
//! ```
//!
//! Each build runs as a child process under GNU time (`/usr/bin/time`, for peak memory and CPU
//! time), twice by default (`--runs`); the best wall time counts and every run is printed. The
//! output folder is moved aside before every run (into `OUT/trash`, deleted at the end; see
//! [`measure::Trash`]), so each run writes the whole site into a new folder. Before each size
//! the free space is checked against an estimate of its outputs ([`space`]). Results go to
//! stdout and to `WORK/results.md`.

mod authors;
mod cached;
mod corpus;
mod digest_site;
mod generate;
mod hugo;
mod incremental;
mod measure;
mod options;
mod report;
mod space;
mod words;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use report::{SizeResult, ToolResult};

/// Hugo's peak memory per paper: 9,062 MiB at 100,000 papers (2026-12-06), ~10 times that at
/// 1,000,000. The bench neither generates nor builds the Hugo site of a size whose build would
/// need more than the machine's memory (on this 24 GiB machine: above ~265,000 papers).
const HUGO_BYTES_PER_PAPER: u64 = 95_000;

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
    let o = options::parse()?;
    for dir in [&o.work, &o.out] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fn io(what: &'static str) -> impl Fn(std::io::Error) -> String {
        move |e| format!("{what}: {e}")
    }

    corpus::self_check()?;
    authors::self_check()?;
    let hugo = if o.skip_hugo {
        Err("skipped (--skip-hugo)".to_string())
    } else {
        hugo::version().ok_or_else(|| "hugo not installed: skipped".to_string())
    };
    let hugo_max = measure::total_memory().map_or(usize::MAX, |m| {
        usize::try_from(m / HUGO_BYTES_PER_PAPER).unwrap_or(usize::MAX)
    });
    let hugo_at = |n: usize| -> Result<(), String> {
        hugo.as_ref().map_err(Clone::clone)?;
        if n > hugo_max {
            return Err(format!(
                "skipped: above {hugo_max} papers Hugo would need more than this machine's memory \
                 (9,062 MiB at 100,000 papers)"
            ));
        }
        Ok(())
    };
    let mut corpora = Vec::new();
    for &n in &o.sizes {
        let with_hugo = hugo_at(n).is_ok();
        corpora.push(
            generate::ensure(&o.work, n, o.seed, with_hugo).map_err(io("generating the corpus"))?,
        );
    }
    if o.only_generate {
        println!("corpora are in {}", o.work.display());
        return Ok(());
    }

    let digest = digest_binary()?;
    let time = measure::gnu_time();
    let mut header = format!(
        "# digest scale benchmark\n\nseed {}, sizes {:?}, work folder `{}`, outputs in `{}`\n\n- digest: `{}`\n- hugo: {}\n- memory: {}\n- {} CPUs\n- site switches off (`[output]` of site.toml): {}\n- {} timed cold build(s) per tool and size{}\n\n",
        o.seed,
        o.sizes,
        o.work.display(),
        o.out.display(),
        digest.display(),
        match &hugo {
            Ok((text, _)) => format!("`{text}`"),
            Err(why) => why.clone(),
        },
        if time.is_some() {
            "peak RSS, user and system CPU from GNU time (/usr/bin/time %M %U %S)"
        } else {
            "n/a (GNU time /usr/bin/time not found)"
        },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if o.off.is_empty() {
            "none (every default on)".to_string()
        } else {
            o.off.join(", ")
        },
        o.runs,
        if o.cold_only {
            "; --cold-only: no `digest check`, author-page build, cached builds, Pages artifact or serve edits"
        } else {
            ""
        },
    );
    print!("{header}");

    let trash = measure::Trash::new(&o.out);
    trash.wait_for_last_emptying();
    let mut results = Vec::new();
    let mut author_lines: Vec<String> = Vec::new();
    let mut cached_results = Vec::new();
    let last = o.sizes.last().copied();
    for sites in &corpora {
        let n = sites.papers;
        println!("== {n} papers");
        let site = digest_site::variant(&o.work, &sites.digest, n, &o.off)
            .map_err(io("the site with switches off"))?;
        let serve = !o.cold_only && o.edits > 0 && Some(n) == last;
        let need = space::need(n, &o, hugo_at(n).is_ok(), serve);
        let mut free = measure::free_space(&o.out).map_err(io("free space"))?;
        if need.without_floor > free.0 || need.inodes > free.1 {
            // The trees of the sizes before are in the trash, or still in place; deleting them
            // now makes room, at the price of waiting out the 5 minutes this file system is
            // slow after a delete.
            for &m in o.sizes.iter().filter(|&&m| m < n) {
                for tool in ["digest", "hugo"] {
                    trash
                        .discard(&o.out.join(format!("out-{tool}-{m}")))
                        .map_err(io("moving an earlier output aside"))?;
                }
            }
            let in_trash = trash.disk_bytes();
            if in_trash > 0 && need.without_floor <= free.0 + in_trash {
                println!(
                    "  emptying the trash ({:.1} GB) to make room for {n} papers",
                    in_trash as f64 / 1e9
                );
                trash.empty().map_err(io("emptying the trash"))?;
                trash.wait_for_last_emptying();
                free = measure::free_space(&o.out).map_err(io("free space"))?;
            }
        }
        let fits = need.without_floor <= free.0 && need.inodes <= free.1;
        println!(
            "  space: one output ~{:.1} GB (estimate), this size's trees ~{:.1} GB; {:.1} GB free",
            need.output as f64 / 1e9,
            need.without_floor as f64 / 1e9,
            free.0 as f64 / 1e9
        );
        if !fits {
            let refusal = space::refusal(n, &need, free, &o);
            if !o.ignore_space {
                return Err(refusal);
            }
            println!("  {refusal}\n  (--ignore-space: building anyway)");
        }
        let floor_room = need.without_floor + need.output <= free.0;
        let out = o.out.join(format!("out-digest-{n}"));
        let digest_result = build_runs(
            "digest",
            o.runs,
            time.as_deref(),
            &out,
            |out| {
                (
                    digest.clone(),
                    vec![
                        "build".into(),
                        "--root".into(),
                        site.display().to_string(),
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
        let check = if o.cold_only {
            Err("skipped (--cold-only)".to_string())
        } else {
            // `digest check` of the output just built, offline (records and every output file).
            measure::settle();
            let check = measure::run(
                time.as_deref(),
                &digest,
                &[
                    "check",
                    "--root",
                    &site.display().to_string(),
                    "--output",
                    &out.display().to_string(),
                ],
                &o.work,
            );
            match &check {
                Ok(run) => println!("  digest check --output: {:.2} s", run.wall_s),
                Err(e) => eprintln!("  digest check failed: {e}"),
            }
            check
        };
        // What the author pages of this build cost (files, bytes, seconds).
        if !o.cold_only && !o.off.contains(&"author_pages") {
            match authors::measure(
                &digest,
                &site,
                &out,
                &o.out.join(format!("out-digest-{n}-timings")),
                &trash,
            ) {
                Ok(cost) => {
                    let line = cost.line();
                    println!("  author pages: {line}");
                    author_lines.push(format!("- {n} papers: {line}\n"));
                }
                Err(e) => eprintln!("  author pages not measured: {e}"),
            }
        }
        let io_floor = if o.no_floor {
            Err("skipped (--no-floor)".to_string())
        } else if !floor_room {
            Err("skipped: no room on the disk for a copy of the output".to_string())
        } else {
            let input =
                measure::tree(&sites.digest.join("content")).map_err(io("reading the corpus"))?;
            let floor_copy = o.out.join(format!("floor-copy-{n}"));
            let seconds =
                measure::io_floor(&site, &out, &floor_copy, &trash).map_err(io("I/O floor"))?;
            println!("  I/O floor: {seconds:.2} s");
            Ok((
                seconds,
                format!(
                    "read {} input files ({:.1} MB) + copied {} output files ({:.1} MB)",
                    input.files + 1,
                    input.bytes as f64 / 1e6,
                    digest_result.output.files,
                    digest_result.output.bytes as f64 / 1e6
                ),
            ))
        };
        if let Err(why) = &io_floor {
            println!("  I/O floor: {why}");
        }
        let hugo_result = match hugo_at(n) {
            Ok(()) => {
                let version = hugo.as_ref().map_or((0, 111), |(_, v)| *v);
                hugo::write_config(&sites.hugo, n, version).map_err(io("hugo.toml"))?;
                let out = o.out.join(format!("out-hugo-{n}"));
                build_runs(
                    "hugo",
                    o.runs,
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
            Err(why) => Err(why),
        };
        let pages_artifact = if o.cold_only {
            Err("skipped (--cold-only)".to_string())
        } else {
            // Builds with the build cache, over the output of the build before.
            match cached::measure(&digest, &site, n, &o.out, &trash, 3) {
                Ok(figures) => cached_results.push(figures),
                Err(e) => eprintln!("  cached builds not measured: {e}"),
            }
            let pages_artifact = measure::pages_artifact(&out);
            if let Ok(bytes) = &pages_artifact {
                println!("  Pages artifact: {:.1} MB", *bytes as f64 / 1e6);
            }
            pages_artifact
        };
        results.push(SizeResult {
            papers: n,
            digest: digest_result,
            check,
            hugo: hugo_result,
            io_floor,
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

    if !o.cold_only
        && o.edits > 0
        && let Some(sites) = corpora.last()
    {
        println!("== incremental, {} papers", sites.papers);
        let site = digest_site::variant(&o.work, &sites.digest, sites.papers, &o.off)
            .map_err(io("the site with switches off"))?;
        let out = o.out.join(format!("serve-{}", sites.papers));
        trash
            .discard(&out)
            .map_err(io("moving the old serve output aside"))?;
        match incremental::measure(&digest, &site, sites.papers, &out, o.edits) {
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

/// `runs` runs of a build into a fresh `out` each time; the output tree is measured after the
/// last run and left in place (the I/O floor copies it).
#[allow(clippy::too_many_arguments)]
fn build_runs(
    tool: &'static str,
    count: usize,
    time: Option<&Path>,
    out: &Path,
    command: impl Fn(&Path) -> (PathBuf, Vec<String>),
    scratch: &Path,
    trash: &measure::Trash,
) -> Result<ToolResult, String> {
    let mut runs = Vec::new();
    for attempt in 1..=count {
        trash
            .discard(out)
            .map_err(|e| format!("{}: {e}", out.display()))?;
        measure::settle();
        let (program, args) = command(out);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = measure::run(time, &program, &args, scratch)?;
        println!(
            "  {tool} run {attempt}: {:.2} s ({} user, {} system), peak {} MiB (load average before: {})",
            run.wall_s,
            run.user_s.map_or("n/a".into(), |s| format!("{s:.1} s")),
            run.sys_s.map_or("n/a".into(), |s| format!("{s:.1} s")),
            run.peak_mib.map_or("n/a".into(), |m| format!("{m:.0}")),
            run.load.map_or("n/a".into(), |l| format!("{l:.2}"))
        );
        runs.push(run);
    }
    let output = measure::tree(out).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(ToolResult {
        tool,
        runs,
        output,
        paper_pages: measure::paper_pages(out),
    })
}
