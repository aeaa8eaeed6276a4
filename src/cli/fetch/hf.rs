//! `digest fetch hf`: which days to ask for (given, or the ones the ledger lacks), one request
//! each; each day succeeds or fails on its own. The days that succeeded are merged into the
//! records and then recorded in the ledger; a failed day writes nothing and makes the exit
//! status 3, so the next `--missing` asks for it again. An empty list for a weekday is a
//! failure, never "0 papers".

use std::process::ExitCode;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;

use super::super::exit;
use super::super::import::merge_into;
use super::HfArgs;
use crate::diagnostic::{Failure, FailureKind};
use crate::fetch::ledger::{DayEntry, Ledger, Outcome};
use crate::fetch::{self, Client, HF_ENDPOINT};
use crate::import::Parsed;

/// The ledger's name for Hugging Face's daily papers.
const SOURCE: &str = "hf";

/// Fetches the days, merges and records those that succeeded; exit 3 when a day failed.
pub(super) fn run(args: &HfArgs) -> ExitCode {
    match fetch_days(args) {
        Ok(code) => code,
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

/// What became of one day.
enum DayResult {
    /// Recorded in the ledger (papers merged, if any).
    Done(DayEntry),
    /// Nothing written; the reason.
    Failed(String),
}

fn fetch_days(args: &HfArgs) -> Result<ExitCode, Failure> {
    let mut ledger = Ledger::read(&args.ledger).map_err(|m| Failure::new(FailureKind::Input, m))?;
    let shown = args.ledger.display().to_string();
    let until = args.until.unwrap_or_else(yesterday);
    let days = if args.missing {
        ledger.unrecorded(SOURCE, ledger.missing_from(SOURCE, until), until)
    } else if let Some(since) = args.since {
        ledger.unrecorded(SOURCE, since, until)
    } else {
        fetch::days_of(args.date, args.week, args.month)
            .map_err(|m| Failure::new(FailureKind::Usage, m))?
    };
    if days.is_empty() {
        println!("{shown}: every day up to {until} is recorded: nothing to fetch");
        return Ok(ExitCode::SUCCESS);
    }

    let client = Client::new(Duration::from_secs_f64(args.common.timeout.max(0.001)));
    let endpoint = args.common.endpoint.as_deref().unwrap_or(HF_ENDPOINT);
    let mut merged = Parsed::default();
    let mut results = Vec::new();
    for (i, &day) in days.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(Duration::from_secs_f64(args.delay.max(0.0)));
        }
        // Judged against the ledger as it was before this run: a weekday is taken as a holiday
        // only when a later day had papers on an earlier run.
        let result = match fetch::hf_day(&client, endpoint, day) {
            Err(reason) => DayResult::Failed(reason),
            Ok(answer) => match judge(&ledger, day, &answer.parsed) {
                Err(reason) => DayResult::Failed(reason),
                Ok(outcome) => {
                    let entry = DayEntry {
                        papers: answer.parsed.papers.len(),
                        fetched: Timestamp::from_second(Timestamp::now().as_second())
                            .unwrap_or(Timestamp::UNIX_EPOCH),
                        fingerprint: answer.fingerprint,
                        outcome,
                    };
                    let parsed = answer.parsed;
                    merged.papers.extend(parsed.papers);
                    merged.problems.extend(parsed.problems);
                    merged.notes.extend(parsed.notes);
                    DayResult::Done(entry)
                }
            },
        };
        results.push((day, result));
    }

    // Days without a list bring nothing to merge (and no "read 0 papers" summary).
    let clean = if !merged.papers.is_empty() || !merged.problems.is_empty() {
        merge_into(
            &args.common.into,
            endpoint,
            &merged,
            args.common.dry_run,
            false,
        )?
    } else {
        true
    };
    let mut failed = 0;
    let mut recorded = Vec::new();
    for (day, result) in results {
        let weekday = format!("{day} ({:?})", day.weekday());
        match result {
            DayResult::Done(entry) => {
                match entry.outcome {
                    Outcome::Listed => println!(
                        "hf {weekday}: {} paper{}",
                        entry.papers,
                        if entry.papers == 1 { "" } else { "s" }
                    ),
                    Outcome::NoList => println!("hf {weekday}: no list (not a gap)"),
                }
                recorded.push((day, entry));
            }
            DayResult::Failed(reason) => {
                failed += 1;
                eprintln!(
                    "error: hf {weekday}: {reason}; nothing was written for this day (the next \
                     `digest fetch hf --missing` asks for it again)"
                );
            }
        }
    }
    if !args.common.dry_run && !recorded.is_empty() {
        // Read again just before writing, so entries another run wrote meanwhile are kept.
        ledger = Ledger::read(&args.ledger).map_err(|m| Failure::new(FailureKind::Input, m))?;
        for (day, entry) in recorded {
            ledger.record(SOURCE, day, entry);
        }
        ledger
            .write(&args.ledger)
            .map_err(|e| Failure::new(FailureKind::Output, format!("writing {shown}: {e}")))?;
    }
    if let Some((day, at)) = ledger.last_success(SOURCE) {
        println!("{shown}: newest day with papers {day} (fetched {at})");
    }
    Ok(if failed > 0 {
        eprintln!("{failed} of {} days failed", days.len());
        exit::status(FailureKind::Network)
    } else if clean {
        ExitCode::SUCCESS
    } else {
        exit::status(FailureKind::Input)
    })
}

/// What a readable answer for `day` means: papers (on any day, weekends included), a day
/// without a list, or a failure (an empty weekday that is not known to be a holiday, or a list
/// none of whose entries could be read).
fn judge(ledger: &Ledger, day: Date, parsed: &Parsed) -> Result<Outcome, String> {
    if !parsed.papers.is_empty() {
        return Ok(Outcome::Listed);
    }
    if !parsed.problems.is_empty() {
        return Err(format!(
            "none of the {} entries of the list could be read (the first: {})",
            parsed.problems.len(),
            parsed.problems[0].message
        ));
    }
    if ledger.empty_means_no_list(SOURCE, day) {
        return Ok(Outcome::NoList);
    }
    Err(
        "Hugging Face listed no papers for this weekday; if it was a holiday, it is taken as \
         a day without a list once a later day has papers in the ledger"
            .to_string(),
    )
}

/// Yesterday in UTC: the newest day whose list is complete.
fn yesterday() -> Date {
    let today = Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    today.yesterday().unwrap_or(today)
}
