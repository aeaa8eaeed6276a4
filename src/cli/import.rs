//! `digest import`: external listings → record files, merged with the records already there.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::exit;
use crate::diagnostic::{Failure, FailureKind};
use crate::import::entry::Parsed;
use crate::import::formats::{self, Format, ReadOptions};
use crate::import::merge::{self, ExistingRecord, Outcome, SOURCE_OWNED};
use crate::import::record_file::render_record;
use crate::load;

/// Arguments of `digest import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The listing's format (`auto` recognises it from the content).
    #[arg(value_enum)]
    format: Format,
    /// The listing file, or - for standard input.
    file: PathBuf,
    /// Folder of record files to merge into.
    #[arg(long, value_name = "DIR", default_value = "content")]
    into: PathBuf,
    /// Year for dates written without one ("Feb 6"); default: the current year.
    #[arg(long)]
    year: Option<i16>,
    /// Date (YYYY-MM-DD) for entries that have none (BibTeX, Semantic Scholar).
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
pub fn run(args: ImportArgs) -> ExitCode {
    match import(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => exit::status(FailureKind::Input),
        Err(failure) => {
            eprintln!("error: {failure}");
            exit::status(failure.kind)
        }
    }
}

fn import(args: &ImportArgs) -> Result<bool, Failure> {
    let parsed = read_listing(args.format, &args.file, args.year, args.date)?;
    let shown = args.file.display().to_string();
    merge_into(&args.into, &shown, &parsed, args.dry_run, args.force)
}

/// Reads and parses a listing file (`-` for standard input). Shared with `digest init --import`.
pub(super) fn read_listing(
    format: Format,
    file: &Path,
    year: Option<i16>,
    default_date: Option<jiff::civil::Date>,
) -> Result<Parsed, Failure> {
    let input_failure = |message: String| Failure::new(FailureKind::Input, message);
    let shown = file.display().to_string();
    let input = if shown == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(crate::import::entry::MAX_INPUT_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map_err(|e| input_failure(format!("reading standard input: {e}")))?;
        text
    } else {
        read_limited(file).map_err(|e| input_failure(format!("reading {shown}: {e}")))?
    };
    let year = year.unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .year()
    });
    formats::read(format, &input, ReadOptions { year, default_date })
        .map_err(|e| input_failure(format!("{shown}: {e}")))
}

/// Merges what was read into the records of `into`, prints the summary and the problems;
/// `Ok(false)` when some entries could not be read. Shared with `digest fetch`.
pub fn merge_into(
    into: &Path,
    shown: &str,
    parsed: &Parsed,
    dry_run: bool,
    force: bool,
) -> Result<bool, Failure> {
    let existing =
        existing_records(into).map_err(|message| Failure::new(FailureKind::Input, message))?;
    let mut outcomes = merge::plan(&existing, &parsed.papers, into, &|p| p.exists());
    if force {
        force_whole_records(&mut outcomes, &existing, &parsed.papers);
    }
    if !dry_run {
        merge::apply(&outcomes).map_err(|e| {
            Failure::new(
                FailureKind::Output,
                format!("writing into {}: {e}", into.display()),
            )
        })?;
    }
    print_summary(shown, &parsed.papers.len(), &outcomes, dry_run);
    for problem in &parsed.problems {
        eprintln!(
            "{shown}:{}:{}: skipped an entry: {}",
            problem.line, problem.column, problem.message
        );
    }
    Ok(parsed.problems.is_empty())
}

/// Reads a file, refusing one larger than importers accept before reading it all.
fn read_limited(path: &Path) -> std::io::Result<String> {
    let size = std::fs::metadata(path)?.len();
    if size > crate::import::entry::MAX_INPUT_BYTES as u64 {
        return Err(std::io::Error::other(format!(
            "the file is {} MiB, more than the {} MiB digest imports at once; split it",
            size >> 20,
            crate::import::entry::MAX_INPUT_BYTES >> 20
        )));
    }
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

/// `--force`: matched records are rewritten whole from the source.
fn force_whole_records(
    outcomes: &mut [Outcome],
    existing: &[ExistingRecord],
    papers: &[crate::import::ImportedPaper],
) {
    for outcome in outcomes.iter_mut() {
        let path = match outcome {
            Outcome::Updated { path, .. } | Outcome::Unchanged { path } => path.clone(),
            _ => continue,
        };
        let Some(record) = existing.iter().find(|r| r.path == path) else {
            continue;
        };
        let Some(paper) = papers.iter().find(|p| {
            p.arxiv.as_deref().map(merge::strip_version) == record.arxiv && record.arxiv.is_some()
                || merge::title_key(&p.title) == record.title_key
        }) else {
            continue;
        };
        let text = render_record(paper);
        if text != record.text {
            *outcome = Outcome::Updated {
                path,
                text,
                fields: vec!["whole record (--force)".into()],
            };
        }
    }
}

fn print_summary(shown: &str, read: &usize, outcomes: &[Outcome], dry_run: bool) {
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let added = count(|o| matches!(o, Outcome::Added { .. }));
    let updated = count(|o| matches!(o, Outcome::Updated { .. }));
    let unchanged = count(|o| matches!(o, Outcome::Unchanged { .. }));
    let skipped = count(|o| matches!(o, Outcome::Skipped { .. }));
    println!(
        "{}read {read} papers from {shown}: {added} added, {updated} updated, {unchanged} unchanged, {skipped} skipped",
        if dry_run {
            "dry run, nothing written: "
        } else {
            ""
        }
    );
    for outcome in outcomes {
        match outcome {
            Outcome::Added { path, .. } => println!("  added     {}", path.display()),
            Outcome::Updated { path, fields, .. } => {
                println!("  updated   {} ({})", path.display(), fields.join(", "))
            }
            Outcome::Skipped { title, why } => println!("  skipped   {title:?}: {why}"),
            Outcome::Unchanged { .. } => {}
        }
    }
    if updated > 0 {
        println!(
            "  (an import only changes {SOURCE_OWNED}; bodies, tags and [extra] are never touched)"
        );
    }
}
