//! `digest fetch`: download today's (or any day's) papers and merge them like an import.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::exit;
use super::import::merge_into;
use crate::diagnostic::{Failure, FailureKind};
use crate::fetch::{self, ARXIV_ENDPOINT, Client, ledger};

mod hf;

/// Where to fetch from.
#[derive(Debug, Subcommand)]
pub(super) enum FetchCommand {
    /// Hugging Face daily papers of a day, an ISO week, a month, or every day the ledger lacks.
    #[command(after_help = exit::HELP)]
    Hf(HfArgs),
    /// The results of an arXiv API query.
    #[command(after_help = exit::HELP)]
    Arxiv(ArxivArgs),
}

/// What every fetch shares.
#[derive(Debug, Args)]
pub(super) struct Common {
    /// Folder of record files to merge into.
    #[arg(long, value_name = "DIR", default_value = "content")]
    into: PathBuf,
    /// Another server speaking the same API (a mirror, or a local test server).
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    timeout: f64,
    /// Show what would be added and updated, write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Arguments of `digest fetch hf`: exactly one of `--date`, `--week`, `--month`, `--since`,
/// `--missing` (clap says so with a usage error, status 2).
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("days").required(true).args(["date", "week", "month", "since", "missing"]))]
pub(super) struct HfArgs {
    /// One day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    date: Option<jiff::civil::Date>,
    /// The ISO week (Monday to Sunday) containing this day.
    #[arg(long, value_name = "DATE")]
    week: Option<jiff::civil::Date>,
    /// A month (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    month: Option<(i16, i8)>,
    /// Every day from this one to --until that the ledger has no entry for.
    #[arg(long, value_name = "DATE")]
    since: Option<jiff::civil::Date>,
    /// Every day the ledger has no entry for, to --until, from the day after its newest entry
    /// or 14 days back, whichever is earlier.
    #[arg(long)]
    missing: bool,
    /// The last day --since and --missing fetch (default: yesterday, UTC: today's list is
    /// still growing).
    #[arg(long, value_name = "DATE", conflicts_with_all = ["date", "week", "month"])]
    until: Option<jiff::civil::Date>,
    /// Seconds between requests.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.5)]
    delay: f64,
    /// The fetch ledger: what was fetched, per day (read and updated).
    #[arg(long, value_name = "FILE", default_value = ledger::LEDGER_FILE)]
    ledger: PathBuf,
    #[command(flatten)]
    common: Common,
}

/// Arguments of `digest fetch arxiv`.
#[derive(Debug, Args)]
pub(super) struct ArxivArgs {
    /// The search query, in the arXiv API's syntax (e.g. 'cat:cs.LG AND ti:diffusion').
    #[arg(long)]
    query: String,
    /// Most results to fetch.
    #[arg(long, default_value_t = 100)]
    max: usize,
    /// Results per request.
    #[arg(long, default_value_t = 100)]
    page_size: usize,
    /// Seconds between requests (arXiv asks for 3).
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0)]
    delay: f64,
    #[command(flatten)]
    common: Common,
}

fn parse_month(text: &str) -> Result<(i16, i8), String> {
    let (y, m) = text.split_once('-').ok_or("write the month as YYYY-MM")?;
    let (y, m) = (
        y.parse::<i16>().map_err(|e| e.to_string())?,
        m.parse::<i8>().map_err(|e| e.to_string())?,
    );
    jiff::civil::Date::new(y, m, 1).map_err(|e| e.to_string())?;
    Ok((y, m))
}

/// Fetches and merges; exit 3 on a network or server error (for `hf`: on any day that failed;
/// the others are written), 1 on unreadable entries (the others are merged), 4 when the records
/// or the ledger cannot be written.
pub(super) fn run(command: FetchCommand) -> ExitCode {
    let network = |message: String| Failure::new(FailureKind::Network, message);
    let result = match command {
        FetchCommand::Hf(args) => return hf::run(&args),
        FetchCommand::Arxiv(args) => {
            let client = Client::new(Duration::from_secs_f64(args.common.timeout.max(0.001)));
            let endpoint = args.common.endpoint.as_deref().unwrap_or(ARXIV_ENDPOINT);
            fetch::arxiv(
                &client,
                endpoint,
                &args.query,
                args.max,
                args.page_size.max(1),
                Duration::from_secs_f64(args.delay.max(0.0)),
            )
            .map_err(network)
            .and_then(|parsed| {
                merge_into(
                    &args.common.into,
                    endpoint,
                    &parsed,
                    args.common.dry_run,
                    false,
                )
            })
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => exit::status(FailureKind::Input),
        // A write that failed part-way may have written some records (each one whole).
        Err(failure) if failure.kind == FailureKind::Output => {
            eprintln!("error: {failure}");
            exit::status(failure.kind)
        }
        Err(failure) => {
            eprintln!("error: {failure}\nnothing was written");
            exit::status(failure.kind)
        }
    }
}
