//! `digest export`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::exit;
use crate::build::site_root;
use crate::diagnostic::FailureKind;
use crate::export::{self, ExportFormat};
use crate::site::{LoadOptions, Site};

/// Arguments of `digest export`.
#[derive(Debug, Args)]
pub(super) struct ExportArgs {
    /// The format to write.
    #[arg(value_enum)]
    format: ExportFormat,
    /// The site folder (with site.toml and content/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Only papers with this tag (name or slug; keyword tags count).
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// Only papers listed on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<jiff::civil::Date>,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Exports the site's records.
pub(super) fn run(args: ExportArgs) -> ExitCode {
    let root = site_root(args.root.as_deref());
    let site = match Site::load(&root, &LoadOptions::default()) {
        Ok(site) => site,
        Err(problems) => {
            eprintln!("{problems}");
            return exit::status(problems.kind());
        }
    };
    let data = site.data();
    let papers = export::select(
        data.papers,
        &|id| data.body(id),
        data.cite_keys,
        data.index,
        args.tag.as_deref(),
        args.since,
    );
    if let Some(why) = data.bodies.damage() {
        eprintln!("error: {why}; nothing was exported (run the export again)");
        return exit::status(FailureKind::Output);
    }
    let text = export::write(args.format, &papers);
    match &args.output {
        Some(path) => {
            if let Err(err) = std::fs::write(path, text) {
                eprintln!("error: writing {}: {err}", path.display());
                return exit::status(FailureKind::Output);
            }
            eprintln!("exported {} papers to {}", papers.len(), path.display());
        }
        None => print!("{text}"),
    }
    ExitCode::SUCCESS
}
