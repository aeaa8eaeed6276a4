//! `digest import`: external listings → record files, merged with the records already there.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::exit;
use crate::diagnostic::{Failure, FailureKind};
use crate::import::Parsed;
use crate::import::YearOrigin;
use crate::import::formats::{self, Format, ReadOptions};
use crate::import::merge::{self, ExistingRecord, Outcome, SOURCE_OWNED};
use crate::site::load;

/// Arguments of `digest import`.
#[derive(Debug, Args)]
pub(super) struct ImportArgs {
    /// The listing's format (`auto` recognises it from the content).
    #[arg(value_enum)]
    format: Format,
    /// The listing file, or - for standard input.
    file: PathBuf,
    /// Folder of record files to merge into.
    #[arg(long, value_name = "DIR", default_value = "content")]
    into: PathBuf,
    /// Year for dates written without one ("Feb 6"); default: the current year. Records an
    /// earlier import dated so are re-dated, unless their date was edited.
    #[arg(long)]
    year: Option<i16>,
    /// Date (YYYY-MM-DD) for entries that have none (BibTeX, CSL-JSON, Semantic Scholar).
    #[arg(long, value_name = "DATE")]
    date: Option<jiff::civil::Date>,
    /// Show what would be added and updated, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Replace matching records whole with the imported version (losing edits made to them).
    #[arg(long)]
    force: bool,
}

/// Imports, prints the summary; exit 1 when an entry could not be read (the others are
/// imported all the same) or nothing could be read at all, 4 when the records cannot be written.
pub(super) fn run(args: ImportArgs) -> ExitCode {
    match import(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => exit::status(FailureKind::Input),
        Err(failure) => {
            eprintln!("error: {failure}");
            exit::status(failure.kind)
        }
    }
}

/// `digest import FORMAT FILE --into INTO`, for `digest init --import`: the same reading,
/// merging and summary. Nothing is written when the listing cannot be read.
pub(super) fn import_into(
    format: Format,
    file: PathBuf,
    into: PathBuf,
    year: Option<i16>,
) -> Result<bool, Failure> {
    import(&ImportArgs {
        format,
        file,
        into,
        year,
        date: None,
        dry_run: false,
        force: false,
    })
}

fn import(args: &ImportArgs) -> Result<bool, Failure> {
    let input_failure = |message: String| Failure::new(FailureKind::Input, message);
    let shown = args.file.display().to_string();
    let input = if shown == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(crate::import::MAX_INPUT_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map_err(|e| input_failure(format!("reading standard input: {e}")))?;
        text
    } else {
        read_limited(&args.file).map_err(|e| input_failure(format!("reading {shown}: {e}")))?
    };
    let year = args.year.unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .year()
    });
    let mut parsed = formats::read(
        args.format,
        &input,
        ReadOptions {
            year,
            default_date: args.date,
        },
    )
    .map_err(|e| input_failure(format!("{shown}: {e}")))?;
    let yearless: Vec<_> = parsed
        .papers
        .iter_mut()
        .filter(|p| p.year_not_in_listing.is_some())
        .collect();
    let mut year_note = None;
    if !yearless.is_empty() {
        let n = yearless.len();
        let origin = if args.year.is_some() {
            YearOrigin::Given
        } else {
            YearOrigin::Assumed
        };
        for paper in yearless {
            paper.year_not_in_listing = Some(origin);
        }
        year_note = Some(YearNote {
            count: n,
            year,
            origin,
        });
    }
    report(
        &args.into,
        &shown,
        &parsed,
        Options {
            dry_run: args.dry_run,
            force: args.force,
            year_note,
        },
    )
}

/// What the summary says about dates the listing gave without a year.
struct YearNote {
    count: usize,
    year: i16,
    origin: YearOrigin,
}

/// How [`report`] merges and what it adds to the summary.
struct Options {
    dry_run: bool,
    force: bool,
    year_note: Option<YearNote>,
}

/// Merges what was read into the records of `into`, prints the summary and the problems;
/// `Ok(false)` when some entries could not be read. Shared with `digest fetch`.
pub(super) fn merge_into(
    into: &Path,
    shown: &str,
    parsed: &Parsed,
    dry_run: bool,
    force: bool,
) -> Result<bool, Failure> {
    report(
        into,
        shown,
        parsed,
        Options {
            dry_run,
            force,
            year_note: None,
        },
    )
}

fn report(into: &Path, shown: &str, parsed: &Parsed, options: Options) -> Result<bool, Failure> {
    let existing =
        existing_records(into).map_err(|message| Failure::new(FailureKind::Input, message))?;
    let outcomes = merge::plan(
        &existing,
        &parsed.papers,
        into,
        &|p| p.exists(),
        options.force,
    );
    if !options.dry_run {
        merge::apply(&outcomes).map_err(|e| {
            Failure::new(
                FailureKind::Output,
                format!("writing into {}: {e}", into.display()),
            )
        })?;
    }
    for note in &parsed.notes {
        eprintln!(
            "{shown}:{}:{}: note: {}",
            note.line, note.column, note.message
        );
    }
    // The entries that could not be read first, so the summary that counts them comes last.
    for problem in &parsed.problems {
        eprintln!(
            "{shown}:{}:{}: skipped an entry: {}",
            problem.line, problem.column, problem.message
        );
    }
    warn_future_dates(parsed, options.year_note.as_ref());
    print_summary(shown, &outcomes, parsed.problems.len(), &options);
    Ok(parsed.problems.is_empty())
}

/// Warns about papers dated after today: a listing's date without a year that took the
/// current year, or a wrong date in the source.
fn warn_future_dates(parsed: &Parsed, year_note: Option<&YearNote>) {
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let future: Vec<_> = parsed.papers.iter().filter(|p| p.date > today).collect();
    let Some(first) = future.first() else {
        return;
    };
    let hint = match year_note {
        Some(note) if future.iter().any(|p| p.year_not_in_listing.is_some()) => format!(
            "; the listing gives no year and {} was {}: import again with the right --year \
             to re-date the records this import writes",
            note.year,
            match note.origin {
                YearOrigin::Assumed => "assumed",
                YearOrigin::Given => "given with --year",
            }
        ),
        _ => String::new(),
    };
    eprintln!(
        "warning: {} dated after today ({today}), the first {:?} on {}{hint}",
        count(future.len(), "paper is", "papers are"),
        first.title,
        first.date
    );
}

/// "1 paper", "3 papers".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Reads a file, refusing one larger than importers accept before reading it all.
fn read_limited(path: &Path) -> std::io::Result<String> {
    let size = std::fs::metadata(path)?.len();
    crate::import::parsed::check_size(size, "the file").map_err(std::io::Error::other)?;
    std::fs::read_to_string(path)
}

/// The record files already in `into` (none if it does not exist yet).
fn existing_records(into: &Path) -> Result<Vec<ExistingRecord>, String> {
    if !into.exists() {
        return Ok(Vec::new());
    }
    let files = load::record_files(into).map_err(|p| p.render())?;
    Ok(files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let record = ExistingRecord::read(path.clone(), text);
            if record.is_none() {
                eprintln!("warning: {} has no readable front matter; a paper it holds may be imported again", path.display());
            }
            record
        })
        .collect())
}

/// Prints the summary: one count per way an entry can end (they add up to the entries read),
/// then a line per file added or updated and per entry skipped or repeated.
fn print_summary(shown: &str, outcomes: &[Outcome], unreadable: usize, options: &Options) {
    let tally = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let added = tally(|o| matches!(o, Outcome::Added { .. }));
    let updated = tally(|o| matches!(o, Outcome::Updated { .. }));
    let unchanged = tally(|o| matches!(o, Outcome::Unchanged { .. }));
    let skipped = tally(|o| matches!(o, Outcome::Skipped { .. })) + unreadable;
    let repeated = tally(|o| matches!(o, Outcome::Repeated { .. }));
    let read = outcomes.len() + unreadable;
    println!(
        "{}read {} from {shown}: {added} added, {updated} updated, {unchanged} unchanged, {skipped} skipped{}",
        if options.dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        count(read, "paper", "papers"),
        if repeated > 0 {
            format!(", {repeated} listed again")
        } else {
            String::new()
        }
    );
    for outcome in outcomes {
        match outcome {
            Outcome::Added {
                path, kept_apart, ..
            } => match kept_apart {
                Some(why) => println!("  added     {} (kept apart: {why})", path.display()),
                None => println!("  added     {}", path.display()),
            },
            Outcome::Updated { path, fields, .. } => {
                println!("  updated   {} ({})", path.display(), fields.join(", "))
            }
            Outcome::Skipped { title, why } => println!("  skipped   {title:?}: {why}"),
            Outcome::Repeated { title, path } => println!(
                "  repeated  {title:?}: listed again, merged into {}",
                path.display()
            ),
            Outcome::Unchanged { .. } => {}
        }
    }
    if unreadable > 0 {
        println!(
            "  skipped   {} that could not be read (listed above with their line and column)",
            count(unreadable, "entry", "entries")
        );
    }
    if let Some(note) = &options.year_note {
        let dates = count(note.count, "date", "dates");
        match note.origin {
            YearOrigin::Assumed => println!(
                "  year      {dates} without a year in the listing took {}, the current year \
                 (assumed); pass --year YYYY if the listing is from another year",
                note.year
            ),
            YearOrigin::Given => println!(
                "  year      {dates} without a year in the listing took {} (--year)",
                note.year
            ),
        }
    }
    if updated > 0 {
        println!(
            "  (an import only changes {SOURCE_OWNED}; bodies, tags and [extra] are never touched)"
        );
    }
}
