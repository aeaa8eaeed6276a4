//! The command line: one file per subcommand. Parses arguments, runs the library, prints results
//! and chooses the exit status from the kind of failure ([`exit`]: 0 success, 1 problems in the
//! input, 2 usage errors, 3 network errors, 4 output errors).

mod build;
mod check;
mod email;
mod enrich;
mod exit;
mod export;
mod fetch;
mod import;
mod init;
mod send;
mod serve;
mod theme;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// digest: a static site generator for paper digests.
#[derive(Debug, Parser)]
#[command(
    name = "digest",
    version = env!("DIGEST_VERSION"),
    about,
    propagate_version = true,
    after_help = exit::HELP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a new site: site.toml, an example record, .gitignore, GitHub Pages workflows.
    #[command(after_help = exit::HELP)]
    Init(init::InitArgs),
    /// Build the site into the output folder (default: public/).
    #[command(after_help = exit::HELP)]
    Build(build::BuildArgs),
    /// Serve the site locally; with --watch, rebuild what changes and reload the browser.
    #[command(after_help = exit::HELP)]
    Serve(serve::ServeArgs),
    /// Check the records and the built site: duplicates, dates, links, feeds, size.
    #[command(after_help = exit::HELP)]
    Check(check::CheckArgs),
    /// Turn an external paper listing into record files, merged with the existing ones.
    #[command(after_help = exit::HELP)]
    Import(import::ImportArgs),
    /// Write the site's records as BibTeX, CSL-JSON or JSON.
    #[command(after_help = exit::HELP)]
    Export(export::ExportArgs),
    /// Complete records without an arXiv id or DOI by their titles (arXiv, Hugging Face,
    /// Semantic Scholar): ids, names, links, summary. Exit 3 when a lookup failed.
    ///
    /// Only fields the record lacks are filled; what a person wrote stays. Unmatched and
    /// ambiguous records are reported, not errors. Answers are kept for 30 days in
    /// .digest-cache/enrich/ under the site folder, so a second run asks nothing again.
    #[command(after_help = exit::HELP)]
    Enrich(enrich::EnrichArgs),
    /// Make the email digest of a day, a week or a period: HTML (CSS inlined, one 600 px
    /// column, under 90 KB) and plain text, most upvoted papers first.
    #[command(after_help = exit::HELP)]
    Email(email::EmailArgs),
    /// Send the email digest of a day, a week or a period over SMTP (SMTP_URL, SMTP_USER,
    /// SMTP_PASSWORD from the environment) to a recipients file or one address, each once.
    ///
    /// data/email-ledger.toml records who got which digest, so a second run sends only to the
    /// recipients not reached yet. Exit 3 names every recipient not reached.
    #[command(after_help = exit::HELP)]
    Send(send::SendArgs),
    /// Download papers from Hugging Face or arXiv and merge them into the records.
    #[command(subcommand, after_help = exit::HELP)]
    Fetch(fetch::FetchCommand),
    /// List the built-in theme's files and the site's overrides; copy them to edit.
    #[command(subcommand)]
    Theme(theme::ThemeCommand),
}

/// Runs digest with the process's arguments.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Build(args) => build::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Enrich(args) => enrich::run(args),
        Command::Email(args) => email::run(args),
        Command::Send(args) => send::run(args),
        Command::Fetch(command) => fetch::run(command),
        Command::Theme(command) => theme::run(command),
    }
}

/// Writes `bytes` to `path` (creating its folders) unless something — a file, a folder, a
/// link — is already there: `Ok(false)` then. The file is created exclusively, so nothing is
/// ever overwritten, not even a file made meanwhile; one this call made but could not finish
/// is removed (a half-written copy would be skipped next time). For `init` and `theme eject`.
fn write_new_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<bool> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(err) => return Err(err),
    };
    if let Err(err) = file.write_all(bytes).and_then(|()| file.sync_all()) {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(err);
    }
    Ok(true)
}
