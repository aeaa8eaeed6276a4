//! One digest email as an RFC 5322 message: `multipart/alternative` (the text part first, then
//! the HTML, as clients show the last part they can), UTF-8 with the transfer encoding lettre
//! finds smallest (quoted-printable or base64), `Date`, a `Message-ID` derived from the digest
//! and its recipients, `From`, `Reply-To`, `List-Id`, `List-Unsubscribe`, and `To:` either the
//! one recipient or, for a Bcc batch, the list's own address (the recipients are only in the
//! envelope). Text from records reaches the headers only through lettre's encoder, which turns
//! CR and LF into encoded words: a title cannot add a header.

use std::str::FromStr;

use jiff::Timestamp;
use lettre::Message;
use lettre::address::Envelope;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};

use crate::config::EmailOptions;
use crate::diagnostic::Problem;
use crate::text_clean::one_line;

/// What a digest email says, whoever it goes to.
#[derive(Debug, Clone)]
pub(crate) struct Letter {
    /// The subject line.
    pub subject: String,
    /// The whole HTML document, CSS inlined.
    pub html: String,
    /// The plain-text part.
    pub text: String,
    /// Which digest this is (`day/2025-02-06`, `week/2025-W06/tag/llm`): the ledger's key and
    /// the start of each Message-ID.
    pub key: String,
    /// The absolute URL of the digest's list page; its host is the Message-ID's domain.
    pub url: String,
}

/// Who a message is addressed to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Recipients<'a> {
    /// One recipient, in `To:`.
    One(&'a Mailbox),
    /// A Bcc batch: `To:` is the list's address (`[email] to`, else `from`), the recipients
    /// are only in the envelope.
    Bcc(&'a [Mailbox]),
}

impl Recipients<'_> {
    /// The addresses the message is delivered to.
    pub(crate) fn mailboxes(&self) -> &[Mailbox] {
        match self {
            Recipients::One(one) => std::slice::from_ref(*one),
            Recipients::Bcc(batch) => batch,
        }
    }
}

/// A message ready to send: its bytes, the envelope and its Message-ID.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    /// The formatted message (what an `.eml` file holds).
    pub bytes: Vec<u8>,
    /// `MAIL FROM` and `RCPT TO`: the sender and exactly the recipients.
    pub envelope: Envelope,
    /// The Message-ID, with its angle brackets.
    pub message_id: String,
}

/// The `.eml` file of `letter` for `to` (`[email] to`, else `from`, when `None`): the whole
/// message as `digest send` would send it to that one address.
pub(crate) fn eml(
    letter: &Letter,
    options: &EmailOptions,
    to: Option<&str>,
) -> Result<Vec<u8>, Problem> {
    let to = match to {
        Some(address) => parse_mailbox(address, "the recipient")?,
        None => list_address(options)?,
    };
    Ok(build(letter, options, Recipients::One(&to), None)?.bytes)
}

/// The message of `letter` for `recipients`. `resend` (the time of a `--resend` run) makes the
/// Message-ID new, so that a mail client that drops a message whose Message-ID it has seen
/// still shows a digest sent again; without it the same digest to the same recipients always
/// has the same Message-ID, so a message sent twice after a crash is shown once.
pub(crate) fn build(
    letter: &Letter,
    options: &EmailOptions,
    recipients: Recipients<'_>,
    resend: Option<Timestamp>,
) -> Result<Outgoing, Problem> {
    let from = sender(options)?;
    let host = host_of(&letter.url)
        .map(str::to_string)
        .unwrap_or_else(|| from.email.domain().to_ascii_lowercase());
    let message_id = message_id(&letter.key, recipients.mailboxes(), &host, resend);
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(one_line(&letter.subject))
        .message_id(Some(message_id.clone()))
        .raw_header(header("List-Id", list_id(&options.list_name, &host)))
        // Vacation replies and other autoresponders stay quiet (RFC 3834).
        .raw_header(header("Auto-Submitted", "auto-generated".into()));
    if let Some(reply_to) = &options.reply_to {
        builder = builder.reply_to(parse_mailbox(reply_to, "reply_to")?);
    }
    if let Some(unsubscribe) = &options.unsubscribe {
        builder = builder.raw_header(header(
            "List-Unsubscribe",
            format!("<{}>", ascii_url(unsubscribe.url())),
        ));
    }
    builder = match recipients {
        // A name with a line break makes lettre's formatter fail (a panic): one line.
        Recipients::One(to) => builder.to(Mailbox::new(
            to.name.as_deref().map(one_line),
            to.email.clone(),
        )),
        Recipients::Bcc(_) => builder.to(list_address(options)?),
    };
    let envelope = Envelope::new(
        Some(from.email.clone()),
        recipients
            .mailboxes()
            .iter()
            .map(|m| m.email.clone())
            .collect(),
    )
    .map_err(|e| Problem::in_file("site.toml", format!("no envelope for the message: {e}")))?;
    let message = builder
        .envelope(envelope.clone())
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(letter.text.clone()))
                .singlepart(SinglePart::html(letter.html.clone())),
        )
        .map_err(|e| Problem::in_file("site.toml", format!("cannot write the message: {e}")))?;
    Ok(Outgoing {
        bytes: message.formatted(),
        envelope,
        message_id,
    })
}

/// `[email] from`, which every message needs.
pub(crate) fn sender(options: &EmailOptions) -> Result<Mailbox, Problem> {
    let from = options.from.as_deref().ok_or_else(|| {
        Problem::in_file(
            "site.toml",
            "[email] has no `from`: a message needs a sender",
        )
        .with_hint("add from = \"Reading group <digest@example.org>\" under [email] in site.toml")
    })?;
    parse_mailbox(from, "from")
}

/// The `To:` of a Bcc batch: `[email] to`, else `from`.
fn list_address(options: &EmailOptions) -> Result<Mailbox, Problem> {
    match &options.to {
        Some(to) => parse_mailbox(to, "to"),
        None => sender(options),
    }
}

fn parse_mailbox(text: &str, key: &str) -> Result<Mailbox, Problem> {
    Mailbox::from_str(text.trim())
        .ok()
        .filter(|_| !text.contains(['\r', '\n']))
        .ok_or_else(|| {
            Problem::in_file("site.toml", format!("{key} `{text}` is not a mail address"))
                .with_hint(
                    "write an address such as digest@example.org or Name <digest@example.org>",
                )
        })
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

/// `List-Id` (RFC 2919): the list's name as the phrase and `<label.host>`, the label made of
/// the name's letters and digits.
fn list_id(name: &str, host: &str) -> String {
    let label = crate::slug::slugify(name);
    let label = if label.is_empty() { "digest" } else { &label };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .replace(':', "-");
    let phrase: String = one_line(name)
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | '<' | '>' | '(' | ')'))
        .collect();
    let id = format!("<{label}.{host}>");
    match phrase.trim() {
        "" => id,
        // Quoted when ASCII; other names go unquoted for the encoder to write as RFC 2047
        // words (an encoded word may not stand in a quoted string).
        phrase if phrase.is_ascii() => format!("\"{phrase}\" {id}"),
        phrase => format!("{phrase} {id}"),
    }
}

/// `url` with every non-ASCII byte percent-encoded: a header holds ASCII, and the encoder
/// would turn a non-ASCII URL into an encoded word no client follows.
fn ascii_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// The host of an absolute `http(s)://` URL, lowercased (an IPv6 host keeps its brackets);
/// `None` for a path such as `/` (a preview's base URL).
pub(crate) fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        &host[..=host.find(']')?]
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'));
    ok.then_some(host)
}

/// `<digest.KEY.TAG@HOST>`: the key's `/` become dots, TAG is 16 hex digits of SHA-256 over the
/// recipients' addresses (lowercased, sorted), and a resend adds its time in seconds.
fn message_id(key: &str, recipients: &[Mailbox], host: &str, resend: Option<Timestamp>) -> String {
    let key: String = key
        .chars()
        .map(|c| match c {
            '/' => '.',
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') => c,
            _ => '-',
        })
        .collect();
    let mut addresses: Vec<String> = recipients
        .iter()
        .map(|m| m.email.to_string().to_lowercase())
        .collect();
    addresses.sort();
    let digest = ring::digest::digest(&ring::digest::SHA256, addresses.join("\n").as_bytes());
    let tag: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let resend = resend.map_or(String::new(), |t| format!(".r{}", t.as_second()));
    let host = if host.is_empty() { "localhost" } else { host };
    format!("<digest.{key}.{tag}{resend}@{host}>")
}

#[cfg(test)]
mod tests;
