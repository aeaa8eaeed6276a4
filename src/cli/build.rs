//! `digest build`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::build::{BuildOptions, build, site_root};

/// Arguments of `digest build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (with site.toml and content/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The output folder (default: output_dir of site.toml, "public").
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Use this base URL instead of site.toml's (e.g. https://user.github.io/papers/).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include records marked draft = true.
    #[arg(long)]
    drafts: bool,
    /// Replace the output folder even if digest did not make it.
    #[arg(long)]
    force: bool,
}

/// Builds and prints one summary line, or every problem found.
pub fn run(args: BuildArgs) -> ExitCode {
    let options = BuildOptions {
        root: site_root(args.root.as_deref()),
        output: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
        force: args.force,
    };
    match build(&options) {
        Ok(summary) => {
            println!(
                "built {} papers: {} files in {} ({:.2} s)",
                summary.papers,
                summary.files,
                summary.output.display(),
                summary.seconds
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("build failed; the previous output was left untouched");
            ExitCode::from(1)
        }
    }
}
