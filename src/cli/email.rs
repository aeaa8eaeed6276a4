//! `digest email`, and the arguments it shares with `digest send` ([`DigestArgs`]): which digest
//! (a day, an ISO week, every day since a date; a tag or keyword feed), composed from the site.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use jiff::civil::Date;

use super::exit;
use crate::build::site_root;
use crate::config::EmailOptions;
use crate::diagnostic::{FailureKind, Problem};
use crate::email::{Composed, Filter, Period, Selection};
use crate::mail::message::Letter;
use crate::site::{LoadOptions, Site};

/// Which digest: the arguments `digest email` and `digest send` share.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("period").required(true).args(["date", "week", "since"])))]
#[command(group(clap::ArgGroup::new("narrow").args(["feed", "tag"])))]
pub(super) struct DigestArgs {
    /// The site folder (with site.toml and content/).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The papers of one listing day (YYYY-MM-DD), or `latest`: the newest day with papers.
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// The papers of an ISO week (YYYY-Www, e.g. 2025-W06), most upvoted first.
    #[arg(long, value_name = "WEEK")]
    week: Option<String>,
    /// The papers of every listing day from this one (YYYY-MM-DD) on, most upvoted first.
    #[arg(long, value_name = "DATE")]
    since: Option<Date>,
    /// Only the papers of this keyword feed of site.toml (name or slug).
    #[arg(long, value_name = "NAME")]
    feed: Option<String>,
    /// Only the papers with this tag (name or slug; keyword tags count).
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// List at most this many papers (default: [email] top, 30); fewer when the HTML would
    /// pass 90 KB, with "And N more papers" linking to the site.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    top: Option<u32>,
    /// The site's address for the links, instead of site.toml's base_url (it must be absolute).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

/// A site loaded and the digest asked for.
pub(super) struct Digest {
    /// The site.
    pub site: Site,
    /// The message's content, or `None` when the selection lists no paper.
    pub composed: Option<Composed>,
}

impl DigestArgs {
    /// The site folder.
    pub(super) fn root(&self) -> PathBuf {
        site_root(self.root.as_deref())
    }

    /// Loads the site and composes the digest; prints the problem and returns the exit
    /// status when it cannot.
    pub(super) fn compose(&self) -> Result<Digest, ExitCode> {
        let fail = |problem: Problem| {
            eprintln!("{problem}");
            exit::status(problem.kind)
        };
        let root = self.root();
        let site = Site::load(
            &root,
            &LoadOptions {
                base_url: self.base_url.clone(),
                ..LoadOptions::default()
            },
        )
        .map_err(|problems| {
            eprintln!("{problems}");
            exit::status(problems.kind())
        })?;
        if !site.config.base_url.starts_with("http") {
            return Err(fail(
                Problem::in_file(
                    "site.toml",
                    format!("base_url `{}` is not an absolute address", site.config.base_url),
                )
                .with_hint("an email's links must be absolute: set base_url = \"https://user.github.io/repo/\" or pass --base-url")
                .with_kind(FailureKind::Usage),
            ));
        }
        let selection = self.selection(&site).map_err(fail)?;
        let data = site.data();
        let composed = crate::email::compose(
            &data,
            &site.renderer,
            &selection,
            self.top.map(|n| n as usize),
        )
        .map_err(fail)?;
        Ok(Digest { site, composed })
    }

    /// What the arguments ask for.
    fn selection(&self, site: &Site) -> Result<Selection, Problem> {
        let usage = |message: String, hint: &str| {
            Problem::in_file("command line", message)
                .with_hint(hint)
                .with_kind(FailureKind::Usage)
        };
        let period = if let Some(date) = &self.date {
            if date.trim().eq_ignore_ascii_case("latest") {
                match site.data().index.days.first() {
                    Some(day) => Period::Day(day.date),
                    None => {
                        return Err(usage(
                            "the site has no papers: there is no latest day".into(),
                            "add records to content/ (digest fetch, digest import)",
                        ));
                    }
                }
            } else {
                Period::Day(date.trim().parse().map_err(|_| {
                    usage(
                        format!("--date `{date}` is not a date"),
                        "write --date 2025-02-06 (YYYY-MM-DD) or --date latest",
                    )
                })?)
            }
        } else if let Some(week) = &self.week {
            let (year, week) = parse_week(week).ok_or_else(|| {
                usage(
                    format!("--week `{week}` is not an ISO week"),
                    "write --week 2025-W06 (the ISO week-numbering year, W, the week 01 to 53)",
                )
            })?;
            Period::Week { year, week }
        } else if let Some(since) = self.since {
            Period::Since(since)
        } else {
            return Err(usage(
                "say which papers: --date, --week or --since".into(),
                "e.g. --date latest",
            ));
        };
        let filter = match (&self.feed, &self.tag) {
            (Some(feed), _) => Some(Filter::Feed(feed.clone())),
            (None, Some(tag)) => Some(Filter::Tag(tag.clone())),
            (None, None) => None,
        };
        Ok(Selection { period, filter })
    }
}

/// `2025-W06` (or `2025-w6`) as the ISO week-numbering year and the week.
fn parse_week(text: &str) -> Option<(i16, i8)> {
    let (year, week) = text.trim().split_once(['-'])?;
    let week = week.strip_prefix(['W', 'w'])?;
    let year: i16 = year.parse().ok()?;
    let week: i8 = week.parse().ok()?;
    // Week 53 exists only in some years: jiff knows which.
    jiff::civil::ISOWeekDate::new(year, week, jiff::civil::Weekday::Monday).ok()?;
    Some((year, week))
}

/// Arguments of `digest email`.
#[derive(Debug, Args)]
pub(super) struct EmailArgs {
    #[command(flatten)]
    digest: DigestArgs,
    /// Write here instead of printing the HTML: a `.eml` file (the message), or a folder that
    /// gets the message (`.eml`, when [email] from is set), its HTML and its text.
    #[arg(long, short, value_name = "FILE.eml|DIR")]
    output: Option<PathBuf>,
}

/// Makes the email of a day, week or period.
pub(super) fn run(args: EmailArgs) -> ExitCode {
    let Digest { site, composed } = match args.digest.compose() {
        Ok(digest) => digest,
        Err(status) => return status,
    };
    let Some(email) = composed else {
        eprintln!("no papers listed for that selection: no email made");
        return exit::status(FailureKind::Input);
    };
    let written = match &args.output {
        None => {
            print!("{}", email.html);
            Ok(())
        }
        // The whole message (`crate::mail` writes it as `digest send` sends it).
        Some(file)
            if file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("eml")) =>
        {
            eml_of(&email, &site.config.email).and_then(|eml| write(file, &eml))
        }
        Some(dir) => write_folder(dir, &email, &site.config.email),
    };
    if let Err(problem) = written {
        eprintln!("{problem}");
        return exit::status(problem.kind);
    }
    let left = email.total - email.shown;
    eprintln!(
        "{}: {} of {} papers, {} bytes of HTML{}",
        email.subject,
        email.shown,
        email.total,
        email.html.len(),
        if left > 0 {
            format!(" (and {left} more, linked)")
        } else {
            String::new()
        }
    );
    ExitCode::SUCCESS
}

/// The message, its HTML and its text in `dir`, named after the digest (`day-2025-02-06.html`).
fn write_folder(
    dir: &Path,
    email: &Composed,
    options: &crate::config::EmailOptions,
) -> Result<(), Problem> {
    std::fs::create_dir_all(dir).map_err(|err| {
        Problem::in_file(
            dir.display().to_string(),
            format!("cannot make the folder: {err}"),
        )
        .with_kind(FailureKind::Output)
    })?;
    let name = email.key.replace('/', "-");
    write(&dir.join(format!("{name}.html")), email.html.as_bytes())?;
    write(&dir.join(format!("{name}.txt")), email.text.as_bytes())?;
    if options.from.is_some() {
        let eml = eml_of(email, options)?;
        write(&dir.join(format!("{name}.eml")), &eml)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all (a file already there stays until then).
fn write(path: &Path, bytes: &[u8]) -> Result<(), Problem> {
    crate::write::replace_file(path, bytes).map_err(|err| {
        Problem::in_file(path.display().to_string(), format!("cannot write: {err}"))
            .with_kind(FailureKind::Output)
    })
}

/// The message content of a composed digest.
pub(super) fn letter(composed: &Composed) -> Letter {
    Letter {
        subject: composed.subject.clone(),
        html: composed.html.clone(),
        text: composed.text.clone(),
        key: composed.key.clone(),
        url: composed.url.clone(),
    }
}

/// The `.eml` file of a composed digest, for `digest email --output FILE.eml`: the message as
/// `digest send` sends it, addressed to `[email] to` (else `from`).
fn eml_of(composed: &Composed, options: &EmailOptions) -> Result<Vec<u8>, Problem> {
    crate::mail::message::eml(&letter(composed), options, None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn weeks_are_read_in_iso_form() {
        assert_eq!(super::parse_week("2025-W06"), Some((2025, 6)));
        assert_eq!(super::parse_week("2020-w53"), Some((2020, 53)));
        for bad in ["2025-W54", "2021-W53", "2025-06", "W06", "2025-W0"] {
            assert_eq!(super::parse_week(bad), None, "{bad}");
        }
    }
}
