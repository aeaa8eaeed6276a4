//! `digest send`: one digest (a day, a week, a tag or keyword feed over a period) sent over
//! SMTP to a recipients file or one address, each recipient once (the email ledger remembers
//! who got which digest). The server comes from the environment (`SMTP_URL`, `SMTP_USER`,
//! `SMTP_PASSWORD`, `SMTP_CA_FILE`), never from `site.toml`.
//!
//! Only counts are printed for what was delivered: a workflow's log may be public, so
//! addresses appear only for a dry run (asked for at a terminal) and for the failures, which
//! must be named to be fixed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use lettre::message::Mailbox;

use super::email::{Digest, DigestArgs, letter};
use super::exit;
use crate::diagnostic::{Failure, FailureKind, Problem};
use crate::mail::deliver::{self, Mailing};
use crate::mail::ledger::{LEDGER_FILE, Ledger};
use crate::mail::message::{self, Recipients};
use crate::mail::recipients;
use crate::mail::smtp::{Mailer, SmtpConfig};

/// Arguments of `digest send`.
#[derive(Debug, Args)]
pub(super) struct SendArgs {
    #[command(flatten)]
    digest: DigestArgs,
    /// The recipients: a file of one address a line (`#` starts a comment), or - to read them
    /// from standard input (e.g. piped from a secret).
    #[arg(long, value_name = "FILE", required_unless_present = "to")]
    recipients: Option<PathBuf>,
    /// One recipient instead of a file.
    #[arg(long, value_name = "ADDR", conflicts_with = "recipients")]
    to: Option<String>,
    /// The list's name in the ledger [default: the recipients file's name without its
    /// extension, `recipients` for standard input, `to` for --to].
    #[arg(long, value_name = "NAME")]
    list: Option<String>,
    /// The email ledger [default: data/email-ledger.toml in the site].
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// Print who would get which message and its size; connect to nothing, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Send also to the recipients the ledger says already got this digest (and record it
    /// again, under new Message-IDs).
    #[arg(long)]
    resend: bool,
}

/// Sends the digest; exit 0 also when there is nothing to send (nothing listed, a day not in
/// `[email] days`, everyone served), 3 when a recipient was not reached or the server could
/// not be, 2 for a missing or malformed SMTP setting.
pub(super) fn run(args: SendArgs) -> ExitCode {
    match send(&args) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("{}", failure.message.trim_end());
            exit::status(failure.kind)
        }
    }
}

fn send(args: &SendArgs) -> Result<ExitCode, Failure> {
    let problem = |p: Problem| Failure::new(p.kind, p.render());
    let recipients = match (&args.recipients, &args.to) {
        (_, Some(to)) => {
            let list = recipients::parse(to, "--to").map_err(Failure::from)?;
            if list.mailboxes.len() != 1 {
                return Err(Failure::new(
                    FailureKind::Usage,
                    "error: --to takes one address; give several in a --recipients file",
                ));
            }
            list.mailboxes
        }
        (Some(file), None) => recipients::read(file).map_err(Failure::from)?.mailboxes,
        (None, None) => unreachable!("clap requires --recipients or --to"),
    };
    let list = list_name(args);
    // Before any work: a run that cannot send should say so at once.
    let smtp = if args.dry_run {
        None
    } else {
        Some(SmtpConfig::from_env().map_err(|f| Failure::new(f.kind, format!("error: {f}")))?)
    };

    let Digest { site, composed } = match args.digest.compose() {
        Ok(digest) => digest,
        Err(status) => return Ok(status),
    };
    let Some(composed) = composed else {
        println!("no papers listed for that selection: no email sent");
        return Ok(ExitCode::SUCCESS);
    };
    let options = &site.config.email;
    if let Some(day) = composed.day
        && !options.days.contains(&day.weekday())
    {
        let weekday = format!("{:?}", day.weekday());
        println!(
            "{day} is a {weekday}, and days of [email] in site.toml does not send on \
             {weekday}s: no email sent (add \"{}\" to days to send it)",
            weekday[..3].to_lowercase()
        );
        return Ok(ExitCode::SUCCESS);
    }
    message::sender(options).map_err(problem)?;
    let letter = letter(&composed);

    let (ledger_path, ledger_shown) = match &args.ledger {
        Some(path) => (path.clone(), path.display().to_string()),
        None => (site.root.join(LEDGER_FILE), LEDGER_FILE.to_string()),
    };
    let mut ledger = Ledger::read(&ledger_path, &ledger_shown).map_err(problem)?;
    let pending = deliver::pending(&ledger, &letter.key, &list, &recipients, args.resend);
    let served = recipients.len() - pending.len();
    if pending.is_empty() {
        println!(
            "all {served} recipient{} of list `{list}` got {} already ({ledger_shown}): \
             nothing sent (--resend sends again)",
            plural(served),
            letter.key
        );
        return Ok(ExitCode::SUCCESS);
    }
    let resend = args.resend.then(jiff::Timestamp::now);
    let mailing = Mailing {
        letter: &letter,
        options,
        list: &list,
        resend,
    };

    let Some(smtp) = smtp else {
        dry_run(&mailing, &pending, served).map_err(problem)?;
        return Ok(ExitCode::SUCCESS);
    };
    let shown = smtp.shown();
    let mut mailer = Mailer::new(smtp);
    if let Err(error) = mailer.connect() {
        return Err(Failure::new(
            FailureKind::Network,
            format!("error: {error}\nnothing was sent"),
        ));
    }
    let mut save = |ledger: &Ledger| {
        ledger.write(&ledger_path).map_err(|e| {
            Failure::new(
                FailureKind::Output,
                format!(
                    "error: cannot write the email ledger {ledger_shown}: {e}\nsending stopped: \
                     the last message went out but is not recorded, and a new run would send \
                     it again"
                ),
            )
        })
    };
    let outcome = deliver::deliver(&mailing, &pending, &mut mailer, &mut ledger, &mut save);
    mailer.quit();
    let outcome = outcome?;
    println!(
        "sent “{}” ({}) through {shown} to {} recipient{} of list `{list}` in {} message{}{}",
        crate::text_clean::one_line(&letter.subject),
        letter.key,
        outcome.delivered.len(),
        plural(outcome.delivered.len()),
        outcome.messages,
        plural(outcome.messages),
        if served > 0 {
            format!("; {served} had it already")
        } else {
            String::new()
        }
    );
    if outcome.failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for (mailbox, why) in &outcome.failed {
        eprintln!("error: not sent to {}: {why}", mailbox.email);
    }
    let names: Vec<String> = outcome
        .failed
        .iter()
        .map(|(m, _)| m.email.to_string())
        .collect();
    eprintln!(
        "error: {} recipient{} not reached: {}\n  = help: the others are in {ledger_shown}; run \
         the same command again to retry only these",
        names.len(),
        plural(names.len()),
        names.join(", ")
    );
    Ok(exit::status(FailureKind::Network))
}

/// The list's name in the ledger: `--list`, else the recipients file's stem (`recipients`
/// for standard input), else `to`.
fn list_name(args: &SendArgs) -> String {
    if let Some(list) = &args.list {
        return list.clone();
    }
    match &args.recipients {
        Some(path) if path == Path::new("-") => "recipients".into(),
        Some(path) => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "recipients".into()),
        None => "to".into(),
    }
}

/// Prints who would get which message, and its size.
fn dry_run(mailing: &Mailing<'_>, pending: &[Mailbox], served: usize) -> Result<(), Problem> {
    println!(
        "dry run: “{}” ({}), list `{}`; nothing is sent and the ledger is not written",
        crate::text_clean::one_line(&mailing.letter.subject),
        mailing.letter.key,
        mailing.list
    );
    let groups = deliver::groups(pending, mailing.options.bcc_batch);
    for group in &groups {
        let outgoing = message::build(mailing.letter, mailing.options, *group, mailing.resend)?;
        let size = kilobytes(outgoing.bytes.len());
        match group {
            Recipients::One(to) => println!("  would send {size} to {}", to.email),
            Recipients::Bcc(batch) => {
                let names: Vec<String> = batch.iter().map(|m| m.email.to_string()).collect();
                println!(
                    "  would send {size} to {} in Bcc: {}",
                    batch.len(),
                    names.join(", ")
                );
            }
        }
    }
    println!(
        "{} message{} to {} recipient{}{}",
        groups.len(),
        plural(groups.len()),
        pending.len(),
        plural(pending.len()),
        if served > 0 {
            format!("; {served} got it already")
        } else {
            String::new()
        }
    );
    Ok(())
}

fn kilobytes(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
