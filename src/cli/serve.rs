//! `digest serve`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::build::site_root;
use crate::serve::hosts::parse_allowed_host;
use crate::serve::{ServeOptions, run as serve};

/// Arguments of `digest serve`.
#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// The site folder (with site.toml and content/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Rebuild what changed when files change, and reload open pages.
    #[arg(long, short)]
    watch: bool,
    /// Address to listen on (0.0.0.0 for other devices on the network).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Base URL of the preview (default "/": links relative to the host).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include records marked draft = true.
    #[arg(long)]
    drafts: bool,
    /// Write the preview here instead of a temporary folder.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Also answer requests for this host name (repeatable; `.example.org` allows its
    /// subdomains too). Without it, only localhost and IP addresses are answered, which keeps
    /// other web pages from reading the preview through DNS rebinding.
    #[arg(long = "allowed-host", value_name = "NAME", value_parser = parse_allowed_host)]
    allowed_hosts: Vec<String>,
    /// Also print one JSON line after each rebuild (its counts of records read, pages written,
    /// files changed and removed, milliseconds), for scripts and tests.
    #[arg(long)]
    json_events: bool,
}

/// Serves until Ctrl+C.
pub(super) fn run(args: ServeArgs) -> ExitCode {
    let options = ServeOptions {
        root: site_root(args.root.as_deref()),
        bind: args.bind,
        port: args.port,
        watch: args.watch,
        open: args.open,
        base_url: args.base_url,
        drafts: args.drafts,
        output: args.output,
        allowed_hosts: args.allowed_hosts,
        json_events: args.json_events,
    };
    match serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            super::exit::status(failure.kind)
        }
    }
}
