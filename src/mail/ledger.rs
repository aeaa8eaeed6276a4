//! The email ledger, `data/email-ledger.toml`: which digest (`day/2025-02-06`,
//! `week/2025-W06/tag/llm`) went to which recipients of which list, when, and under which
//! Message-ID. `digest send` rewrites it whole after every message, so a run that stops half
//! way loses nothing and the next run sends only to the recipients not served yet.
//!
//! The repository holding the site may be public: the ledger never holds an address, only a
//! keyed hash of it (HMAC-SHA-256 with a random salt kept in the file, cut to 128 bits), which
//! tells whether a given address got a digest but does not give the address back. A file that
//! cannot be read is an error naming its line and column: it is never reset, since a reset
//! ledger would send every digest again.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;

use serde::Deserialize;

use crate::calendar::UtcTime;
use crate::diagnostic::{FailureKind, Location, Problem};

/// The ledger's place in a site, relative to its root.
pub(crate) const LEDGER_FILE: &str = "data/email-ledger.toml";

/// One message that reached a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Delivery {
    /// When the server accepted it.
    pub at: Timestamp,
    /// Its Message-ID.
    pub message_id: String,
}

/// The whole ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ledger {
    /// The key of the address hashes, 32 hex digits.
    salt: String,
    /// Digest key → list → address hash → delivery.
    sent: BTreeMap<String, BTreeMap<String, BTreeMap<String, Delivery>>>,
}

/// The file's header, rewritten with every entry.
const HEADER: &str = "\
# The email ledger of `digest send`: which digest went to which recipients of each list, when,
# and under which Message-ID. Commit it with the site: a run sends each digest only to the
# recipients it has not reached yet (`digest send --resend` sends again). It holds no address:
# each recipient is a keyed hash (HMAC-SHA-256 with the salt below) of the lowercased address.
# Delete a digest's table to send it again to everyone.
";

impl Ledger {
    /// A new, empty ledger with a random salt.
    pub(crate) fn new() -> Result<Ledger, Problem> {
        use ring::rand::SecureRandom;
        let mut bytes = [0u8; 16];
        ring::rand::SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| {
                Problem::in_file(LEDGER_FILE, "no random numbers for the ledger's salt")
                    .with_kind(FailureKind::Output)
            })?;
        Ok(Ledger {
            salt: hex(&bytes),
            sent: BTreeMap::new(),
        })
    }

    /// Reads the ledger at `path` (`shown` in messages); an absent file is a new ledger.
    pub(crate) fn read(path: &Path, shown: &str) -> Result<Ledger, Problem> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ledger::new(),
            Err(e) => {
                return Err(
                    Problem::in_file(shown, format!("cannot read the email ledger: {e}"))
                        .with_kind(FailureKind::Output),
                );
            }
        };
        Ledger::parse(&text).map_err(|(span, message)| {
            Problem::at(
                Location {
                    path: shown.to_string(),
                    source: Arc::from(text.as_str()),
                    span,
                },
                format!("the email ledger cannot be read: {message}"),
            )
            .with_hint(
                "fix the line by hand (or delete the digest's table to send it again to \
                 everyone); nothing was sent",
            )
        })
    }

    /// Parses a ledger's text; an error is its byte range and message.
    fn parse(text: &str) -> Result<Ledger, (Range<usize>, String)> {
        let raw: RawLedger = toml::from_str(text).map_err(|e: toml::de::Error| {
            (e.span().unwrap_or(0..0), e.message().trim().to_string())
        })?;
        let salt_ok = raw.salt.get_ref().len() == 32
            && raw.salt.get_ref().bytes().all(|b| b.is_ascii_hexdigit());
        if !salt_ok {
            return Err((
                raw.salt.span(),
                "the salt must be 32 hex digits, as digest wrote it".into(),
            ));
        }
        let sent = raw
            .sent
            .into_iter()
            .map(|(key, lists)| {
                let lists = lists
                    .into_iter()
                    .map(|(list, hashes)| {
                        let hashes = hashes
                            .into_iter()
                            .map(|(hash, raw)| {
                                let delivery = Delivery {
                                    at: raw.at.0,
                                    message_id: raw.message_id,
                                };
                                (hash, delivery)
                            })
                            .collect();
                        (list, hashes)
                    })
                    .collect();
                (key, lists)
            })
            .collect();
        Ok(Ledger {
            salt: raw.salt.into_inner().to_ascii_lowercase(),
            sent,
        })
    }

    /// The ledger as its file holds it: digests, lists and hashes sorted, one line a
    /// recipient.
    pub(crate) fn to_text(&self) -> String {
        let mut out = String::from(HEADER);
        out.push_str(&format!("salt = \"{}\"\n", self.salt));
        for (key, lists) in &self.sent {
            for (list, hashes) in lists {
                out.push_str(&format!("\n[sent.{}.{}]\n", quoted(key), toml_key(list)));
                for (hash, delivery) in hashes {
                    out.push_str(&format!(
                        "{} = {{ at = {}, message_id = {} }}\n",
                        toml_key(hash),
                        delivery.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        quoted(&delivery.message_id),
                    ));
                }
            }
        }
        out
    }

    /// Writes the ledger to `path`: a temporary sibling, flushed to disk, renamed over it, so
    /// the file is whole at every moment.
    pub(crate) fn write(&self, path: &Path) -> std::io::Result<()> {
        crate::write::replace_file(path, self.to_text().as_bytes())
    }

    /// The hash the ledger keeps for `normalized` (a lowercased address).
    pub(crate) fn hash(&self, normalized: &str) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.salt.as_bytes());
        hex(&ring::hmac::sign(&key, normalized.as_bytes()).as_ref()[..16])
    }

    /// The delivery of digest `key` to `normalized` in `list`, if there was one.
    pub(crate) fn delivery(&self, key: &str, list: &str, normalized: &str) -> Option<&Delivery> {
        self.sent.get(key)?.get(list)?.get(&self.hash(normalized))
    }

    /// Records that digest `key` reached `normalized` in `list`.
    pub(crate) fn record(&mut self, key: &str, list: &str, normalized: &str, delivery: Delivery) {
        let hash = self.hash(normalized);
        self.sent
            .entry(key.to_string())
            .or_default()
            .entry(list.to_string())
            .or_default()
            .insert(hash, delivery);
    }

    /// How many recipients of `list` got digest `key`.
    #[cfg(test)]
    pub(crate) fn served(&self, key: &str, list: &str) -> usize {
        self.sent
            .get(key)
            .and_then(|lists| lists.get(list))
            .map_or(0, BTreeMap::len)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `text` as a TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// `name` as a TOML key: bare when it may be, else quoted.
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if bare { name.to_string() } else { quoted(name) }
}

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLedger {
    salt: toml::Spanned<String>,
    #[serde(default)]
    sent: BTreeMap<String, BTreeMap<String, BTreeMap<String, RawDelivery>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDelivery {
    at: UtcTime,
    message_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(second: i64) -> Delivery {
        Delivery {
            at: Timestamp::from_second(second).unwrap(),
            message_id: "<digest.day.2025-02-06.0123@u.github.io>".into(),
        }
    }

    #[test]
    fn a_written_ledger_reads_back_and_holds_no_address() {
        let mut ledger = Ledger::new().unwrap();
        ledger.record(
            "day/2025-02-06",
            "readers",
            "alice@example.org",
            delivery(1_765_000_000),
        );
        ledger.record(
            "day/2025-02-06",
            "readers",
            "bob@example.net",
            delivery(1_765_000_001),
        );
        ledger.record(
            "week/2025-W06/tag/llm",
            "my list",
            "alice@example.org",
            delivery(1_765_000_002),
        );
        let text = ledger.to_text();
        assert!(
            !text.contains("alice") && !text.contains("example"),
            "{text}"
        );
        assert!(text.contains("[sent.\"day/2025-02-06\".readers]"), "{text}");
        assert!(text.contains("at = 2025-12-06T05:46:40Z"), "{text}");
        let back = Ledger::parse(&text).unwrap();
        assert_eq!(back, ledger);
        assert_eq!(back.to_text(), text);
        assert!(
            back.delivery("day/2025-02-06", "readers", "bob@example.net")
                .is_some()
        );
        assert!(
            back.delivery("day/2025-02-06", "others", "bob@example.net")
                .is_none()
        );
        assert!(
            back.delivery("day/2025-02-07", "readers", "bob@example.net")
                .is_none()
        );
        assert_eq!(back.served("day/2025-02-06", "readers"), 2);
    }

    #[test]
    fn each_ledger_has_its_own_salt() {
        let (a, b) = (Ledger::new().unwrap(), Ledger::new().unwrap());
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.hash("alice@example.org"), b.hash("alice@example.org"));
        assert_eq!(a.hash("alice@example.org"), a.hash("alice@example.org"));
        assert_eq!(a.hash("alice@example.org").len(), 32);
    }

    #[test]
    fn a_damaged_ledger_is_an_error_at_its_line() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("email-ledger.toml");
        let good = {
            let mut ledger = Ledger::new().unwrap();
            ledger.record(
                "day/2025-02-06",
                "readers",
                "a@example.org",
                delivery(1_765_000_000),
            );
            ledger.to_text()
        };
        for (text, wanted) in [
            (
                good.replace("at = 2025-12-06T05:46:40Z", "at = \"yesterday\""),
                ":9:",
            ),
            (good.replace(" }", ", note = 1 }"), "unknown field"),
            (format!("{good}\n[sent.\"x\""), ":11:"),
            ("salt = \"abc\"\n".to_string(), "32 hex digits"),
        ] {
            std::fs::write(&path, &text).unwrap();
            let err = Ledger::read(&path, "data/email-ledger.toml")
                .unwrap_err()
                .render();
            assert!(err.contains(wanted), "{wanted}: {err}");
            assert!(err.contains("data/email-ledger.toml:"), "{err}");
            assert!(err.contains("nothing was sent"), "{err}");
            // Never reset.
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        }
    }

    /// Whatever a damaged ledger holds, reading it never panics, and an error points into it.
    #[test]
    fn any_damaged_ledger_is_an_error_or_a_ledger() {
        use crate::record::mutations::{apply, check, edits};
        use proptest::prelude::*;
        const PIECES: &[&str] = &[
            "[", "]", "{", "}", "=", "\"", ",", ".", "\n", " ", "#", "a", "0", "Z", ":", "-", "é",
        ];
        let mut ledger = Ledger::new().unwrap();
        ledger.record(
            "day/2025-02-06",
            "readers",
            "a@example.org",
            delivery(1_765_000_000),
        );
        ledger.record(
            "week/2025-W06/tag/llm",
            "to",
            "b@example.org",
            delivery(1_765_000_001),
        );
        let valid = ledger.to_text();
        check(256, edits(4), |edits| {
            let text = apply(&valid, &edits, PIECES);
            match Ledger::parse(&text) {
                Ok(read) => prop_assert_eq!(Ledger::parse(&read.to_text()).ok(), Some(read)),
                Err((span, _)) => prop_assert!(span.end <= text.len()),
            }
            Ok(())
        });
    }

    #[test]
    fn writing_replaces_the_file_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("data/email-ledger.toml");
        let mut ledger = Ledger::read(&path, "x").unwrap();
        ledger.record(
            "day/2025-02-06",
            "to",
            "a@example.org",
            delivery(1_765_000_000),
        );
        ledger.write(&path).unwrap();
        ledger.record(
            "day/2025-02-06",
            "to",
            "b@example.org",
            delivery(1_765_000_001),
        );
        ledger.write(&path).unwrap();
        assert_eq!(Ledger::read(&path, "x").unwrap(), ledger);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["email-ledger.toml"], "no temporary file left");
    }
}
