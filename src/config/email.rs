//! `[email]` of `site.toml`: who a digest email is from, what it links to for unsubscribing,
//! how many papers it lists, on which days it goes out, and the digest feed for RSS-to-email
//! services. Only reads and checks the settings; `crate::email` makes the messages and
//! `crate::mail` sends them. SMTP credentials are never read from here: they come from the
//! environment (`SMTP_URL`, `SMTP_USER`, `SMTP_PASSWORD`), so `site.toml` can be public.

use std::str::FromStr;

use jiff::civil::Weekday;
use serde::Deserialize;

use crate::diagnostic::{Location, Problem};

/// `[email]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawEmail {
    from: Option<toml::Spanned<String>>,
    reply_to: Option<toml::Spanned<String>>,
    to: Option<toml::Spanned<String>>,
    list_name: Option<String>,
    unsubscribe: Option<toml::Spanned<String>>,
    top: Option<toml::Spanned<i64>>,
    days: Option<toml::Spanned<Vec<String>>>,
    bcc_batch: Option<toml::Spanned<i64>>,
    feed: Option<toml::Spanned<toml::Value>>,
    recent: Option<toml::Spanned<i64>>,
}

/// What the digest feed (`digest.xml`, `digest.json`) has one entry per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestPeriod {
    /// A listing day (the default).
    Day,
    /// An ISO week.
    Week,
}

/// Where a reader unsubscribes: the `List-Unsubscribe` header and the footer's link.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Unsubscribe {
    /// A web page (`https://…`).
    Url(String),
    /// A mail address to write to (`mailto:…`, kept whole with any `?subject=`).
    Mailto(String),
}

impl Unsubscribe {
    /// The URL as written (`https://…` or `mailto:…`).
    pub fn url(&self) -> &str {
        match self {
            Unsubscribe::Url(url) | Unsubscribe::Mailto(url) => url,
        }
    }
}

/// `[email]`, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailOptions {
    /// The sender, a mailbox (`Reading group <digest@example.org>`); needed to write or send a
    /// message, not to build the site.
    pub from: Option<String>,
    /// Where replies go, when not to `from`.
    pub reply_to: Option<String>,
    /// The `To:` of a message sent to a batch of Bcc recipients; `from` when unset.
    pub to: Option<String>,
    /// The list's name, in the subject and `List-Id`; the site's title when unset.
    pub list_name: String,
    /// Where to unsubscribe, when the list has such a place.
    pub unsubscribe: Option<Unsubscribe>,
    /// Papers listed at most (the most upvoted first); the size guard may list fewer.
    /// Default 30.
    pub top: usize,
    /// The weekdays whose listing days are sent (`digest send --date`); Monday to Friday by
    /// default, like Hugging Face's daily email.
    pub days: Vec<Weekday>,
    /// Recipients per message: 0 (the default) sends each recipient a message of their own;
    /// N puts up to N recipients in the Bcc of one message.
    pub bcc_batch: usize,
    /// The digest feed's period, or `None` for no digest feed (`feed = false`).
    pub feed: Option<DigestPeriod>,
    /// How many of the newest days (or weeks) have an email preview page and a digest-feed
    /// entry. Default 7.
    pub recent: usize,
}

impl EmailOptions {
    /// The defaults, with the site's title as the list name.
    pub(super) fn defaults(title: &str) -> Self {
        EmailOptions {
            from: None,
            reply_to: None,
            to: None,
            list_name: title.to_string(),
            unsubscribe: None,
            top: 30,
            days: vec![
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ],
            bcc_batch: 0,
            feed: Some(DigestPeriod::Day),
            recent: 7,
        }
    }
}

/// Resolves `[email]`; problems point at the value in `site.toml`.
pub(super) fn resolve(
    raw: RawEmail,
    title: &str,
    at: &dyn Fn(std::ops::Range<usize>) -> Location,
) -> Result<EmailOptions, Problem> {
    let mut email = EmailOptions::defaults(title);
    let mailbox = |value: Option<toml::Spanned<String>>, key: &str| {
        value
            .map(|value| {
                let span = value.span();
                let text = value.into_inner();
                match lettre::message::Mailbox::from_str(text.trim()) {
                    Ok(_) if !text.contains(['\r', '\n']) => Ok(text.trim().to_string()),
                    _ => Err(Problem::at(
                        at(span),
                        format!("{key} `{text}` is not a mail address"),
                    )
                    .with_hint(format!(
                        "write {key} = \"Reading group <digest@example.org>\" or just the address"
                    ))),
                }
            })
            .transpose()
    };
    email.from = mailbox(raw.from, "from")?;
    email.reply_to = mailbox(raw.reply_to, "reply_to")?;
    email.to = mailbox(raw.to, "to")?;
    if let Some(name) = raw.list_name {
        let name = name.trim();
        if !name.is_empty() {
            email.list_name = name.replace(['\r', '\n'], " ");
        }
    }
    if let Some(value) = raw.unsubscribe {
        let span = value.span();
        let url = value.into_inner().trim().to_string();
        let https = url.starts_with("https://") || url.starts_with("http://");
        let mailto = url.starts_with("mailto:") && url.contains('@');
        if url.contains(|c: char| c.is_whitespace() || c == '<' || c == '>') || !(https || mailto) {
            return Err(Problem::at(
                at(span),
                format!("unsubscribe `{url}` is neither a web address nor a mailto: link"),
            )
            .with_hint("write unsubscribe = \"https://example.org/unsubscribe\" or \"mailto:digest@example.org?subject=unsubscribe\" (no spaces)"));
        }
        email.unsubscribe = Some(if https {
            Unsubscribe::Url(url)
        } else {
            Unsubscribe::Mailto(url)
        });
    }
    if let Some(value) = raw.top {
        email.top = match *value.get_ref() {
            n @ 1..=1000 => n as usize,
            _ => {
                return Err(
                    Problem::at(at(value.span()), "top must be between 1 and 1000")
                        .with_hint("write top = 30: the most upvoted papers listed in an email"),
                );
            }
        };
    }
    if let Some(value) = raw.days {
        let span = value.span();
        let mut days = Vec::new();
        for name in value.into_inner() {
            let day = weekday(&name).ok_or_else(|| {
                Problem::at(at(span.clone()), format!("`{name}` is not a day of the week"))
                    .with_hint("write days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"] (names or their first three letters)")
            })?;
            if !days.contains(&day) {
                days.push(day);
            }
        }
        days.sort_by_key(|d| d.to_monday_one_offset());
        email.days = days;
    }
    if let Some(value) = raw.bcc_batch {
        email.bcc_batch = match *value.get_ref() {
            n @ 0..=1000 => n as usize,
            _ => {
                return Err(Problem::at(at(value.span()), "bcc_batch must be between 0 and 1000")
                    .with_hint("write bcc_batch = 0 to send each recipient their own message, or bcc_batch = 50 for Bcc batches of 50"));
            }
        };
    }
    if let Some(value) = raw.feed {
        email.feed = match value.get_ref() {
            toml::Value::Boolean(false) => None,
            toml::Value::String(s) if s == "day" => Some(DigestPeriod::Day),
            toml::Value::String(s) if s == "week" => Some(DigestPeriod::Week),
            _ => {
                return Err(Problem::at(at(value.span()), "feed must be \"day\", \"week\" or false")
                    .with_hint("write feed = \"day\" for one digest-feed entry per listing day, \"week\" for one per ISO week, or false for no digest feed"));
            }
        };
    }
    if let Some(value) = raw.recent {
        email.recent = match *value.get_ref() {
            n @ 1..=100 => n as usize,
            _ => {
                return Err(
                    Problem::at(at(value.span()), "recent must be between 1 and 100").with_hint(
                        "write recent = 7: the newest days with an email preview and a digest-feed entry",
                    ),
                );
            }
        };
    }
    Ok(email)
}

/// `"mon"`, `"Monday"`, … (case-insensitive; a name or its first three letters).
fn weekday(name: &str) -> Option<Weekday> {
    let name = name.trim().to_ascii_lowercase();
    let days = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    days.iter()
        .find(|(full, _)| name == *full || (name.len() == 3 && full.starts_with(&name)))
        .map(|&(_, day)| day)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn parse(email: &str) -> Result<super::EmailOptions, String> {
        let text =
            format!("title = \"Lab\"\nbase_url = \"https://u.github.io/p/\"\n[email]\n{email}\n");
        Config::parse(&text, "site.toml", None)
            .map(|c| c.email)
            .map_err(|p| p.to_string())
    }

    #[test]
    fn defaults_send_weekdays_and_list_thirty_papers() {
        let email = parse("").unwrap();
        assert_eq!(email.top, 30);
        assert_eq!(email.days.len(), 5);
        assert_eq!(email.list_name, "Lab");
        assert_eq!(email.from, None);
        assert_eq!(email.feed, Some(super::DigestPeriod::Day));
    }

    #[test]
    fn settings_are_read_and_checked() {
        let email = parse(
            "from = \"Lab <d@example.org>\"\nunsubscribe = \"mailto:d@example.org?subject=unsubscribe\"\ndays = [\"Sat\", \"monday\", \"mon\"]\nbcc_batch = 50\nfeed = \"week\"\ntop = 10",
        )
        .unwrap();
        assert_eq!(email.from.as_deref(), Some("Lab <d@example.org>"));
        assert_eq!(
            email.unsubscribe,
            Some(super::Unsubscribe::Mailto(
                "mailto:d@example.org?subject=unsubscribe".into()
            ))
        );
        assert_eq!(
            email.days,
            [jiff::civil::Weekday::Monday, jiff::civil::Weekday::Saturday]
        );
        assert_eq!((email.bcc_batch, email.top), (50, 10));
        assert_eq!(email.feed, Some(super::DigestPeriod::Week));
        assert_eq!(parse("feed = false").unwrap().feed, None);
    }

    #[test]
    fn bad_values_name_their_line() {
        for (line, wanted) in [
            (
                "from = \"not an address\"",
                "from `not an address` is not a mail address",
            ),
            (
                "from = \"a@b.org\\r\\nBcc: x@y.org\"",
                "is not a mail address",
            ),
            ("unsubscribe = \"example.org/u\"", "neither a web address"),
            ("days = [\"someday\"]", "`someday` is not a day of the week"),
            ("top = 0", "top must be between 1 and 1000"),
            ("feed = \"month\"", "feed must be"),
            ("sender = \"x\"", "unknown field"),
        ] {
            let err = parse(line).unwrap_err();
            assert!(err.contains(wanted), "{line}: {err}");
            assert!(err.contains("site.toml:4:"), "{line}: {err}");
        }
    }
}
