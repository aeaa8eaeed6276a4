//! `digest init`: a new site folder that builds at once. Writes `site.toml` with every setting
//! at its default, an example record (or an imported listing), `.gitignore`, and the GitHub
//! workflows that publish the site on Pages with a release binary of this very version (and,
//! with `--daily`, fetch the new papers every morning).
//!
//! It only ever creates files that do not exist yet: it never overwrites, never deletes. The
//! files' templates are compiled in from `src/cli/init/`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::exit;
use crate::config::Config;
use crate::diagnostic::{Failure, FailureKind};
use crate::import::formats::Format;

/// Arguments of `digest init`.
#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// The folder of the new site; made if missing.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The site's title.
    #[arg(long)]
    title: Option<String>,
    /// The address the site is published at (https://user.github.io/papers/).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Import a listing as the first records, instead of the example (formats as `digest import`).
    #[arg(long, num_args = 2, value_names = ["FORMAT", "FILE"])]
    import: Option<Vec<String>>,
    /// With --import: the year of dates the listing gives without one ("Feb 6"); default: this year.
    #[arg(long, requires = "import")]
    year: Option<i16>,
    /// Also write a workflow that fetches the new papers every morning: `hf` (Hugging Face
    /// daily papers) or `arxiv:QUERY` (an arXiv API query, e.g. 'arxiv:cat:cs.CL AND abs:agent').
    #[arg(long, value_name = "hf|arxiv:QUERY", value_parser = parse_daily)]
    daily: Option<Daily>,
    /// Write into a folder that is not empty: files that exist are kept as they are.
    #[arg(long)]
    force: bool,
}

/// Where the daily workflow fetches from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Daily {
    /// Hugging Face's daily papers, day by day.
    Hf,
    /// The papers of an arXiv API query submitted since the newest record.
    Arxiv(String),
}

/// `hf` or `arxiv:QUERY`. The query goes into the workflow as a YAML string handed to the shell
/// in an environment variable: line breaks and `${{` (which GitHub would evaluate) are refused.
fn parse_daily(text: &str) -> Result<Daily, String> {
    if text == "hf" {
        return Ok(Daily::Hf);
    }
    let Some(query) = text.strip_prefix("arxiv:") else {
        return Err("give `hf` or `arxiv:QUERY`, e.g. 'arxiv:cat:cs.LG AND ti:diffusion'".into());
    };
    let query = query.trim();
    if query.is_empty() {
        return Err(
            "the arXiv query is empty: write it after `arxiv:`, e.g. 'arxiv:cat:cs.LG'".into(),
        );
    }
    if query.chars().any(char::is_control) || query.contains("${{") {
        return Err("the arXiv query may not hold line breaks, control characters or `${{`".into());
    }
    Ok(Daily::Arxiv(query.to_string()))
}

const SITE_TOML: &str = include_str!("init/site.toml");
const EXAMPLE: &str = include_str!("init/example.md");
const GITIGNORE: &str = include_str!("init/gitignore");
const PAGES_YML: &str = include_str!("init/pages.yml");
const DAILY_YML: &str = include_str!("init/daily.yml");
const INSTALL_STEP: &str = include_str!("init/install-step.yml");
const FETCH_HF: &str = include_str!("init/fetch-hf.sh");
const FETCH_ARXIV: &str = include_str!("init/fetch-arxiv.sh");
const ABOUT_HF: &str = include_str!("init/about-hf.txt");
const ABOUT_ARXIV: &str = include_str!("init/about-arxiv.txt");

/// The example record's file, under `content/`.
const EXAMPLE_FILE: &str = "content/example-paper.md";

/// The lines of the `site.toml` template that `--title` and `--base-url` replace.
const TITLE_LINE: &str = "title = \"Paper digest\"\n";
const BASE_URL_LINE: &str = "base_url = \"https://example.org/\"\n";

/// Creates the site; exit 4 when the folder is refused or cannot be written, 1 when the
/// imported listing had unreadable entries, 2 for a bad `--base-url` or import format.
pub(super) fn run(args: InitArgs) -> ExitCode {
    match init(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => exit::status(FailureKind::Input),
        Err(failure) => {
            eprintln!("error: {failure}");
            exit::status(failure.kind)
        }
    }
}

fn init(args: &InitArgs) -> Result<bool, Failure> {
    let usage = |message: String| Failure::new(FailureKind::Usage, message);
    let output = |message: String| Failure::new(FailureKind::Output, message);
    let dir = &args.dir;
    let shown = dir.display().to_string();

    let site_toml = site_toml(args.title.as_deref(), args.base_url.as_deref());
    Config::parse(&site_toml, "site.toml", None).map_err(|problem| usage(problem.render()))?;

    let import = match &args.import {
        Some(values) => Some((import_format(&values[0])?, PathBuf::from(&values[1]))),
        None => None,
    };

    let existing = existing_entries(dir).map_err(|e| output(format!("reading {shown}: {e}")))?;
    if !existing.is_empty() && !args.force {
        let mut listed: Vec<_> = existing.iter().take(5).cloned().collect();
        if existing.len() > 5 {
            listed.push("…".into());
        }
        return Err(output(format!(
            "{shown} is not empty (it holds {}): digest init makes a new site in an empty folder; \
             pass --force to add the files it lacks, keeping every file that is there",
            listed.join(", ")
        )));
    }

    // The listing first: one that cannot be read leaves no site behind (the import reads it
    // all before it writes a record).
    let content = dir.join("content");
    // A site that has records (`--force` in an existing site, to add the workflows) gets
    // neither the example nor an import among them.
    let has_records = content.is_dir()
        && crate::site::load::record_files(&content).is_ok_and(|files| !files.is_empty());
    let mut clean = true;
    if let Some((format, file)) = &import {
        if has_records {
            println!(
                "content/ holds records already: nothing imported (`digest import` merges into them)"
            );
        } else {
            clean = super::import::import_into(*format, file.clone(), content.clone(), args.year)?;
        }
    }

    std::fs::create_dir_all(dir).map_err(|e| output(format!("making {shown}: {e}")))?;
    let mut files = site_files(&site_toml, args.daily.as_ref());
    if import.is_none() && !has_records {
        files.push((EXAMPLE_FILE, example_record(today())));
    }

    let mut written = Vec::new();
    let mut kept = Vec::new();
    for (relative, text) in &files {
        match super::write_new_file(&dir.join(relative), text.as_bytes()) {
            Ok(true) => written.push(*relative),
            Ok(false) => kept.push(*relative),
            Err(e) => {
                return Err(output(format!(
                    "writing {}: {e}",
                    dir.join(relative).display()
                )));
            }
        }
    }
    println!("made a digest in {shown}:");
    for file in &written {
        println!("  wrote     {file}");
    }
    for file in &kept {
        println!("  kept      {file} (it exists: not overwritten)");
    }

    let cd = if shown == "." {
        String::new()
    } else {
        format!("cd {shown} && ")
    };
    println!(
        "next: {cd}digest serve --watch --open   (a preview that reloads as you edit)\n      \
         then push to GitHub and set Settings → Pages → Source to \"GitHub Actions\""
    );
    Ok(clean)
}

/// The `--import` format named `name`, or a usage error listing the formats.
fn import_format(name: &str) -> Result<Format, Failure> {
    Format::from_str(name, true).map_err(|_| {
        let names: Vec<_> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        Failure::new(
            FailureKind::Usage,
            format!(
                "--import: unknown format `{name}`; the formats are {}",
                names.join(", ")
            ),
        )
    })
}

/// `site.toml` with the given title and base URL, each setting else at its default.
fn site_toml(title: Option<&str>, base_url: Option<&str>) -> String {
    let mut text = SITE_TOML.to_string();
    if let Some(title) = title {
        let line = format!("title = {}\n", toml_string(title));
        text = text.replacen(TITLE_LINE, &line, 1);
    }
    if let Some(url) = base_url {
        let line = format!("base_url = {}\n", toml_string(url));
        text = text.replacen(BASE_URL_LINE, &line, 1);
    }
    text
}

/// `text` as a TOML basic string, quoted and escaped.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Every file of a new site but the records: `(path relative to the site, text)`.
fn site_files(site_toml: &str, daily: Option<&Daily>) -> Vec<(&'static str, String)> {
    let mut files = vec![
        ("site.toml", site_toml.to_string()),
        (".gitignore", GITIGNORE.to_string()),
        (".github/workflows/pages.yml", pages_workflow()),
    ];
    if let Some(daily) = daily {
        files.push((".github/workflows/daily.yml", daily_workflow(daily)));
    }
    files
}

/// The GitHub repository release binaries come from (`owner/name`), from Cargo.toml's
/// `repository`: the one `.github/workflows/release.yml` attaches them to.
fn release_repository() -> &'static str {
    let url = env!("CARGO_PKG_REPOSITORY");
    let path = url
        .strip_prefix("https://github.com/")
        .unwrap_or(url)
        .trim_end_matches('/');
    path.strip_suffix(".git").unwrap_or(path)
}

/// The step that installs the release binary, for both workflows.
fn install_step() -> String {
    INSTALL_STEP.replace("@REPO@", release_repository())
}

/// `.github/workflows/pages.yml` of a site repository.
fn pages_workflow() -> String {
    PAGES_YML
        .replace("@INSTALL_STEP@\n", &install_step())
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

/// `.github/workflows/daily.yml` for `daily`.
fn daily_workflow(daily: &Daily) -> String {
    let (source, about, env, fetch) = match daily {
        Daily::Hf => (
            "Hugging Face's daily papers",
            ABOUT_HF,
            String::new(),
            FETCH_HF,
        ),
        Daily::Arxiv(query) => (
            "an arXiv query",
            ABOUT_ARXIV,
            format!(
                "  # The arXiv API query (fields ti:, au:, abs:, cat:; AND, OR, ANDNOT).\n  ARXIV_QUERY: {}\n",
                yaml_string(query)
            ),
            FETCH_ARXIV,
        ),
    };
    DAILY_YML
        .replace("@INSTALL_STEP@\n", &install_step())
        .replace("@FETCH_ENV@\n", &env)
        .replace("@FETCH@\n", fetch)
        .replace("@ABOUT_SOURCE@", about)
        .replace("@SOURCE@", source)
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

/// `text` as a single-quoted YAML scalar (a quote is doubled; nothing else is special).
fn yaml_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The example record, listed under `day`.
fn example_record(day: jiff::civil::Date) -> String {
    EXAMPLE.replace("@TODAY@", &day.to_string())
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// The names in `dir` that make it "not empty": anything but a `.git` (a fresh `git init` or
/// clone is where a new site usually starts). None when `dir` does not exist.
fn existing_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != ".git" {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests;
