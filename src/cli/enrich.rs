//! `digest enrich`: completes the records that lack an arXiv id and a DOI from arXiv, Hugging
//! Face and Semantic Scholar, and reports every record: completed, unmatched, ambiguous, failed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::exit;
use crate::build::site_root;
use crate::diagnostic::FailureKind;
use crate::enrich::cache::{self, Cache};
use crate::enrich::http::Client;
use crate::enrich::sources::Source;
use crate::enrich::{Lookup, Verdict, Wanted, diff};
use crate::import::merge::{self, Outcome};
use crate::site::load;

/// Where to look titles up.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum SourceArg {
    /// The arXiv API.
    Arxiv,
    /// Hugging Face paper search (gives a summary, keywords, code and project links).
    Hf,
    /// Semantic Scholar's title match (gives DOIs and a summary).
    S2,
    /// arXiv, then Hugging Face, then Semantic Scholar, until one has the paper.
    All,
}

/// Which records to look up.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Only {
    /// Records with neither an arXiv id nor a DOI.
    Missing,
}

/// Arguments of `digest enrich`.
#[derive(Debug, Args)]
pub(super) struct EnrichArgs {
    /// The site folder (with content/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Where to look titles up.
    #[arg(long, value_enum, default_value_t = SourceArg::All)]
    source: SourceArg,
    /// Which records to look up.
    #[arg(long, value_enum, default_value_t = Only::Missing)]
    only: Only,
    /// Show the change to each record as a diff; write no record.
    #[arg(long)]
    dry_run: bool,
    /// Another server speaking the sources' APIs (a mirror, a local test server): a base URL
    /// to which each source's path (/api/query, /api/papers/search,
    /// /graph/v1/paper/search/match) is appended.
    #[arg(long, value_name = "URL", value_parser = parse_endpoint)]
    endpoint: Option<String>,
    /// Seconds between two requests to one source [default: 3 for arXiv, 1 for the others].
    #[arg(long, value_name = "SECONDS")]
    delay: Option<f64>,
    /// Seconds to wait for an answer (and again for its body); connecting gives up after 10.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    timeout: f64,
}

/// Looks up every record that needs it, one after another, and writes each completed record
/// as soon as it is (a run stopped half-way keeps what it did).
pub(super) fn run(args: EnrichArgs) -> ExitCode {
    let Only::Missing = args.only;
    let root = site_root(args.root.as_deref());
    let content = root.join("content");
    if !content.is_dir() {
        eprintln!(
            "error: {} has no content/ folder; pass --root with the site's folder",
            root.display()
        );
        return exit::status(FailureKind::Input);
    }
    let files = match load::record_files(&content) {
        Ok(files) => files,
        Err(problem) => {
            eprintln!("{problem}");
            return exit::status(FailureKind::Input);
        }
    };
    let mut unreadable = 0;
    let mut wanted = Vec::new();
    for file in &files {
        match load::load_one(&root, file) {
            // Never rewritten: the problem is the person's to fix, where it is.
            Err(problems) => {
                unreadable += 1;
                for problem in problems {
                    eprintln!("{problem}");
                }
            }
            Ok(paper) if paper.arxiv.is_none() && paper.doi.is_none() => {
                match std::fs::read_to_string(file) {
                    Ok(text) => wanted.push((
                        file.clone(),
                        paper.path.clone(),
                        Wanted {
                            reference: paper.published.unwrap_or(paper.date),
                            title: paper.title,
                            date: paper.date,
                            links: paper.links,
                            text,
                        },
                    )),
                    Err(err) => {
                        unreadable += 1;
                        eprintln!("error: cannot read {}: {err}", paper.path);
                    }
                }
            }
            Ok(_) => {}
        }
    }
    let sources: Vec<Source> = match args.source {
        SourceArg::Arxiv => vec![Source::Arxiv],
        SourceArg::Hf => vec![Source::Hf],
        SourceArg::S2 => vec![Source::S2],
        SourceArg::All => Source::ALL.to_vec(),
    };
    let mut lookup = Lookup {
        client: Client::new(
            args.delay.map(|s| Duration::from_secs_f64(s.max(0.0))),
            Duration::from_secs_f64(args.timeout.max(0.001)),
        ),
        cache: Cache::new(cache::folder(&root), jiff::Timestamp::now()),
        endpoint: args.endpoint.clone(),
        from_cache: 0,
    };
    let mut counts = Counts::default();
    for (file, shown, record) in &wanted {
        let verdict = lookup.enrich(record, &sources);
        match &verdict {
            Verdict::Completed {
                source,
                fields,
                text,
            } => {
                if args.dry_run {
                    print!("{}", diff::unified(shown, &record.text, text));
                } else if let Err(err) = merge::apply(&[Outcome::Updated {
                    path: file.clone(),
                    text: text.clone(),
                    fields: fields.clone(),
                }]) {
                    counts.unwritten += 1;
                    eprintln!("error: writing {shown}: {err}");
                    continue;
                }
                counts.completed += 1;
                println!(
                    "  completed  {shown} from {} ({})",
                    source.label(),
                    fields.join(", ")
                );
            }
            Verdict::NothingToAdd { source } => {
                counts.nothing += 1;
                println!(
                    "  found      {shown} on {}, which has nothing the record lacks",
                    source.label()
                );
            }
            Verdict::Unmatched { notes } => {
                counts.unmatched += 1;
                println!("  unmatched  {shown} ({})", notes.join("; "));
            }
            Verdict::Ambiguous { source, papers } => {
                counts.ambiguous += 1;
                println!(
                    "  ambiguous  {shown}: {} papers on {} have this title and fit its date ({}); \
                     left alone: write the right arxiv = \"…\" or doi = \"…\" into it",
                    papers.len(),
                    source.label(),
                    papers.join(", ")
                );
            }
            Verdict::Failed { reasons } => {
                counts.failed += 1;
                println!("  failed     {shown} ({})", reasons.join("; "));
            }
        }
    }
    println!(
        "enrich: {} record{} without an arXiv id or DOI: {} completed, {} found with nothing to \
         add, {} unmatched, {} ambiguous, {} failed{}; {} request{} sent, {} answer{} from the \
         cache ({}){}",
        wanted.len(),
        plural(wanted.len()),
        counts.completed,
        counts.nothing,
        counts.unmatched,
        counts.ambiguous,
        counts.failed,
        if counts.unwritten > 0 {
            format!(", {} not written", counts.unwritten)
        } else {
            String::new()
        },
        lookup.client.sent,
        plural(lookup.client.sent),
        lookup.from_cache,
        plural(lookup.from_cache),
        cache::folder(&root).display(),
        if args.dry_run {
            "; dry run: no record written"
        } else {
            ""
        }
    );
    if unreadable > 0 {
        eprintln!(
            "{unreadable} record{} could not be read and {} left as {}",
            plural(unreadable),
            if unreadable == 1 { "was" } else { "were" },
            if unreadable == 1 { "it is" } else { "they are" }
        );
    }
    if counts.unwritten > 0 {
        exit::status(FailureKind::Output)
    } else if counts.failed > 0 {
        exit::status(FailureKind::Network)
    } else if unreadable > 0 {
        exit::status(FailureKind::Input)
    } else {
        ExitCode::SUCCESS
    }
}

/// How many records ended each way.
#[derive(Default)]
struct Counts {
    completed: usize,
    nothing: usize,
    unmatched: usize,
    ambiguous: usize,
    failed: usize,
    unwritten: usize,
}

/// An `--endpoint` must be an http(s) URL: anything else would fail every lookup.
fn parse_endpoint(text: &str) -> Result<String, String> {
    if text.starts_with("http://") || text.starts_with("https://") {
        Ok(text.to_string())
    } else {
        Err("give the server as an http:// or https:// URL, e.g. http://127.0.0.1:8080".into())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
