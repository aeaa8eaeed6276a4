//! `digest import`: external listings → record files in `content/`.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::import::{hf_text, record_file};

/// The formats `digest import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A Hugging Face Daily Papers page copied as text.
    HfText(HfTextArgs),
}

/// Arguments of `digest import hf-text`.
#[derive(Debug, Args)]
pub struct HfTextArgs {
    /// The listing file, or - for standard input.
    file: PathBuf,
    /// Year for dates written without one ("Feb 6"); default: the current year.
    #[arg(long)]
    year: Option<i16>,
    /// Folder to write record files into.
    #[arg(long, value_name = "DIR", default_value = "content")]
    into: PathBuf,
    /// Overwrite record files that already exist.
    #[arg(long)]
    force: bool,
}

/// Runs an import and prints what it wrote and skipped.
pub fn run(command: ImportCommand) -> ExitCode {
    match command {
        ImportCommand::HfText(args) => match import_hf_text(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(1)
            }
        },
    }
}

fn import_hf_text(args: &HfTextArgs) -> Result<(), String> {
    let shown = args.file.display().to_string();
    let input = if shown == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("reading standard input: {e}"))?;
        text
    } else {
        std::fs::read_to_string(&args.file).map_err(|e| format!("reading {shown}: {e}"))?
    };
    let year = args.year.unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .year()
    });
    let papers = hf_text::parse(&input, year).map_err(|e| format!("{shown}: {e}"))?;
    std::fs::create_dir_all(&args.into)
        .map_err(|e| format!("creating {}: {e}", args.into.display()))?;

    let mut taken = BTreeSet::new();
    let (mut written, mut skipped) = (Vec::new(), Vec::new());
    for paper in &papers {
        // Two papers of one listing may share a title: number the later ones.
        let stem = record_file::file_stem(&paper.title);
        let mut name = format!("{stem}.md");
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{stem}-{n}.md");
            n += 1;
        }
        let path = args.into.join(&name);
        if path.exists() && !args.force {
            skipped.push(path);
            continue;
        }
        write_atomically(&path, record_file::render_record(paper).as_bytes())
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
        written.push(path);
    }
    println!(
        "read {} papers from {shown}: wrote {} record files into {}",
        papers.len(),
        written.len(),
        args.into.display()
    );
    if !skipped.is_empty() {
        println!(
            "skipped {} that already exist (pass --force to overwrite):",
            skipped.len()
        );
        for path in &skipped {
            println!("  {}", path.display());
        }
    }
    Ok(())
}

/// Writes a file through a temporary sibling and a rename, so it is never half-written.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("md.digest-tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
