//! `digest check`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::build::site_root;
use crate::check::{CheckOptions, check_site, report};
use crate::diagnostic::FailureKind;

/// Arguments of `digest check`.
#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The site folder (with site.toml and content/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Check this built output as it is, instead of building the site into a temporary
    /// folder (the site's own output folder is never written).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Also ask every external link once (HEAD, then GET): the records' links, arXiv pages and
    /// DOIs, and the theme's links; cached for a week in .digest-cache/links/, one request
    /// every 3 s to arxiv.org. A gone link (404, 410) is an error, a slow one a warning.
    #[arg(long)]
    external: bool,
    /// The base URL the output was (or is to be) built with, instead of site.toml's: pass the
    /// same `--base-url` as the build (a Pages workflow passes the Pages address).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// How to print the findings: for people, or one JSON array for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The output formats of `digest check`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// Diagnostics with snippets and hints, then a summary.
    Text,
    /// One JSON array of findings.
    Json,
}

/// Checks the site and prints every finding; exit 1 when any is an error.
pub(super) fn run(args: CheckArgs) -> ExitCode {
    let options = CheckOptions {
        root: site_root(args.root.as_deref()),
        output: args.output,
        today: None,
        external: args.external,
        base_url: args.base_url,
    };
    let report = match check_site(&options) {
        Ok(report) => report,
        Err(problem) => {
            eprintln!("{problem}");
            return super::exit::status(problem.kind);
        }
    };
    match args.format {
        Format::Text => print!("{}", report::text(&report)),
        Format::Json => println!("{}", report::json(&report)),
    }
    if report.has_errors() {
        super::exit::status(FailureKind::Input)
    } else {
        ExitCode::SUCCESS
    }
}
