//! The recipients file of `digest send`: one address a line (`reader@example.org` or
//! `Name <reader@example.org>`), `#` comments (a whole line, or after a space at the end of
//! one), blank lines. `-` reads standard input, so a workflow can pipe a secret in. Every bad
//! line is reported with its line and column; an address given twice (in any case) is sent
//! once.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use lettre::message::Mailbox;

use crate::diagnostic::{FailureKind, Location, Problem, Problems};

/// The name the standard input is shown as in messages.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// A list of recipients as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecipientList {
    /// Each recipient once, in the file's order.
    pub mailboxes: Vec<Mailbox>,
    /// How many lines named an address already listed (in any case).
    pub duplicates: usize,
}

/// Reads the recipients file at `path` (`-`: standard input).
pub(crate) fn read(path: &Path) -> Result<RecipientList, Problems> {
    let (shown, text) = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Problems(vec![
                Problem::in_file(STDIN_NAME, format!("cannot read the recipients: {e}"))
                    .with_kind(FailureKind::Usage),
            ])
        })?;
        (STDIN_NAME.to_string(), text)
    } else {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Problems(vec![
                Problem::in_file(&shown, format!("cannot read the recipients file: {e}"))
                    .with_hint("give --recipients a file of one address a line, or - to read them from standard input")
                    .with_kind(FailureKind::Usage),
            ])
        })?;
        (shown, text)
    };
    parse(&text, &shown)
}

/// Parses a recipients file's `text` (`shown` is its name in messages).
pub(crate) fn parse(text: &str, shown: &str) -> Result<RecipientList, Problems> {
    let source: Arc<str> = Arc::from(text);
    let mut seen = HashSet::new();
    let mut list = RecipientList {
        mailboxes: Vec::new(),
        duplicates: 0,
    };
    let mut problems = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = strip_comment(line.trim_end_matches(['\n', '\r']));
        let trimmed = content.trim_start();
        let lead = content.len() - trimmed.len();
        let entry = trimmed.trim_end();
        if entry.is_empty() {
            continue;
        }
        let span = start + lead..start + lead + entry.len();
        match Mailbox::from_str(entry) {
            Ok(mailbox) => {
                if seen.insert(normalized(&mailbox)) {
                    list.mailboxes.push(mailbox);
                } else {
                    list.duplicates += 1;
                }
            }
            Err(e) => problems.push(
                Problem::at(
                    Location {
                        path: shown.to_string(),
                        source: source.clone(),
                        span,
                    },
                    format!("`{entry}` is not a mail address ({e})"),
                )
                .with_hint("write one address a line, e.g. reader@example.org or Name <reader@example.org>; `#` starts a comment"),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    if list.mailboxes.is_empty() {
        return Err(Problems(vec![
            Problem::in_file(shown, "the recipients file lists no address")
                .with_hint("write one address a line, e.g. reader@example.org"),
        ]));
    }
    Ok(list)
}

/// The address as the ledger and the duplicate check compare it: lowercased.
pub(crate) fn normalized(mailbox: &Mailbox) -> String {
    mailbox.email.to_string().to_lowercase()
}

/// `line` without its comment: from a `#` that starts the line (after spaces) or follows a
/// space or tab. A `#` inside an address (`a#b@example.org` is valid) stays.
fn strip_comment(line: &str) -> &str {
    let mut previous_blank = true;
    for (i, c) in line.char_indices() {
        if c == '#' && previous_blank {
            return &line[..i];
        }
        previous_blank = c == ' ' || c == '\t';
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addresses(list: &RecipientList) -> Vec<String> {
        list.mailboxes.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn addresses_comments_blank_lines_and_duplicates() {
        let text = "# readers of the lab digest\n\
                    alice@example.org\n\
                    \n\
                    \u{20}  Bob <bob@example.net>   # joined in May\r\n\
                    a#b@example.org\n\
                    ALICE@Example.org\n\
                    carol@example.com";
        let list = parse(text, "readers.txt").unwrap();
        assert_eq!(
            addresses(&list),
            [
                "alice@example.org",
                "Bob <bob@example.net>",
                "a#b@example.org",
                "carol@example.com"
            ]
        );
        assert_eq!(list.duplicates, 1);
    }

    #[test]
    fn every_bad_line_is_named_with_its_column() {
        let text = "alice@example.org\n  not an address\nbob@\nok@example.org # fine\n";
        let problems = parse(text, "readers.txt").unwrap_err();
        assert_eq!(problems.0.len(), 2);
        let first = problems.0[0].render();
        assert!(first.contains("readers.txt:2:3"), "{first}");
        assert!(
            first.contains("`not an address` is not a mail address"),
            "{first}"
        );
        assert!(first.contains("one address a line"), "{first}");
        assert!(problems.0[1].render().contains("readers.txt:3:1"));
    }

    #[test]
    fn a_file_of_comments_only_is_an_error() {
        let err = parse("# nobody yet\n\n", "readers.txt").unwrap_err();
        assert!(err.to_string().contains("lists no address"), "{err}");
    }

    /// Whatever a recipients file holds, reading it never panics, a problem points into the
    /// file, and every address read makes a message (a name lettre could not format would
    /// panic there).
    #[test]
    fn any_recipients_file_reads_and_makes_messages() {
        use crate::record::mutations::{apply, check, edits};
        use proptest::prelude::*;
        const PIECES: &[&str] = &[
            "<", ">", "@", "#", "\"", "\\", " ", "\n", "\r", "\t", "é", "a", ".", ",", "(", ")",
            "Bcc: ", "\u{7}",
        ];
        let valid = "# readers\nada@example.org\nBob <bob@example.net> # b\n\ncarol@example.com\n";
        let options = {
            let text = "title = \"Lab\"\nbase_url = \"https://u.github.io/p/\"\n[email]\nfrom = \"d@example.org\"\n";
            crate::config::Config::parse(text, "site.toml", None)
                .unwrap()
                .email
        };
        let letter = crate::mail::message::Letter {
            subject: "S".into(),
            html: "<p>x</p>".into(),
            text: "x".into(),
            key: "day/2025-02-06".into(),
            url: "https://u.github.io/p/".into(),
        };
        check(256, edits(6), |edits| {
            let text = apply(valid, &edits, PIECES);
            match parse(&text, "readers.txt") {
                Ok(list) => {
                    let mut seen = HashSet::new();
                    for mailbox in &list.mailboxes {
                        prop_assert!(seen.insert(normalized(mailbox)));
                        let one = crate::mail::message::Recipients::One(mailbox);
                        let out = crate::mail::message::build(&letter, &options, one, None);
                        prop_assert!(out.is_ok(), "{mailbox:?}");
                    }
                }
                Err(problems) => {
                    for problem in &problems.0 {
                        if let Some(at) = &problem.location {
                            prop_assert!(at.span.end <= text.len());
                            prop_assert!(text.is_char_boundary(at.span.start));
                        }
                    }
                }
            }
            Ok(())
        });
    }

    #[test]
    fn comments_start_at_a_blank_or_the_line_start() {
        for (line, kept) in [
            ("# all", ""),
            ("   # all", "   "),
            ("a@b.org #x", "a@b.org "),
            ("a@b.org\t#x", "a@b.org\t"),
            ("a#b@c.org", "a#b@c.org"),
            ("a@b.org#x", "a@b.org#x"),
        ] {
            assert_eq!(strip_comment(line), kept, "{line:?}");
        }
    }
}
