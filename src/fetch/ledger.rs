//! The fetch ledger, `data/fetch-ledger.toml`: what `digest fetch` fetched, one entry per source
//! and listing day (the papers it listed, when, a fingerprint of the answer, the outcome). It
//! is committed with the records, so a scheduled job knows which days it still lacks. Only
//! successes and days known to have no list are recorded: a failed day has no entry, so the
//! next `--missing` asks for it again. This module reads and writes the file and answers
//! questions about it; it fetches nothing.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;

use crate::calendar::UtcTime;

/// The ledger's place in a site, relative to its root.
pub(crate) const LEDGER_FILE: &str = "data/fetch-ledger.toml";

/// How far back `--missing` looks when the ledger has no newer day: the last two weeks.
pub(crate) const MISSING_WINDOW_DAYS: i64 = 14;

/// What a recorded day's answer was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The day's list, with at least one paper: merged into the records.
    Listed,
    /// An empty answer for a day that has no list: a Saturday or Sunday, or a weekday that
    /// stayed empty while a later day had papers (a holiday). Not a gap.
    NoList,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Listed => "listed",
            Outcome::NoList => "no-list",
        }
    }
}

/// One recorded (source, listing day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DayEntry {
    /// Papers the answer listed.
    pub(crate) papers: usize,
    /// When this answer (this fingerprint) was first fetched.
    pub(crate) fetched: Timestamp,
    /// [`fingerprint`] of the answer.
    pub(crate) fingerprint: String,
    /// What the answer meant.
    pub(crate) outcome: Outcome,
}

/// The whole ledger: sources by name, each with its days in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ledger {
    sources: BTreeMap<String, BTreeMap<Date, DayEntry>>,
}

/// The file's header, rewritten with every entry.
const HEADER: &str = "\
# The fetch ledger of `digest fetch`: one entry per source and listing day it fetched
# (papers listed, when, a fingerprint of the answer, and the outcome: \"listed\", or \"no-list\"
# for a day without a list such as a weekend). Commit it with the records: `digest fetch hf
# --missing` fetches the days that have no entry here. Delete an entry to fetch its day again.
";

impl Ledger {
    /// Reads the ledger at `path`; an absent file is an empty ledger. A file that is not a
    /// ledger is an error naming its line and column (it is never silently reset).
    pub(crate) fn read(path: &Path) -> Result<Ledger, String> {
        let shown = path.display();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::default()),
            Err(e) => return Err(format!("reading {shown}: {e}")),
        };
        Ledger::parse(&text).map_err(|(offset, message)| {
            let (line, column) = crate::diagnostic::line_col(&text, offset);
            format!(
                "{shown}:{line}:{column}: {message}; fix it by hand (or delete the entry: its \
                 day is then fetched again), nothing was fetched"
            )
        })
    }

    /// Parses a ledger's text; an error is its byte offset and message.
    fn parse(text: &str) -> Result<Ledger, (usize, String)> {
        let raw: BTreeMap<String, BTreeMap<DayKey, RawEntry>> =
            toml::from_str(text).map_err(|e: toml::de::Error| {
                let offset = e.span().map_or(0, |s| s.start);
                (offset, e.message().trim().to_string())
            })?;
        let sources = raw
            .into_iter()
            .map(|(source, days)| {
                let days = days
                    .into_iter()
                    .map(|(DayKey(day), raw)| {
                        let entry = DayEntry {
                            papers: raw.papers,
                            fetched: raw.fetched.0,
                            fingerprint: raw.fingerprint,
                            outcome: raw.outcome.into(),
                        };
                        (day, entry)
                    })
                    .collect();
                (source, days)
            })
            .collect();
        Ok(Ledger { sources })
    }

    /// The ledger as its file holds it: sources and days sorted, one table per day.
    pub(crate) fn to_text(&self) -> String {
        let mut out = String::from(HEADER);
        for (source, days) in &self.sources {
            for (day, entry) in days {
                out.push_str(&format!(
                    "\n[{}.\"{day}\"]\npapers = {}\nfetched = {}\nfingerprint = \"{}\"\noutcome = \"{}\"\n",
                    toml_key(source),
                    entry.papers,
                    entry.fetched.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    entry.fingerprint,
                    entry.outcome.as_str(),
                ));
            }
        }
        out
    }

    /// Writes the ledger to `path` when its text changed: a temporary sibling renamed over it,
    /// so the file is never half-written. `Ok(false)` when it was already up to date.
    pub(crate) fn write(&self, path: &Path) -> std::io::Result<bool> {
        let text = self.to_text();
        if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
            return Ok(false);
        }
        crate::write::replace_file(path, text.as_bytes())?;
        Ok(true)
    }

    /// Records `entry` for `(source, day)`. An answer with the fingerprint already recorded
    /// keeps its entry as it is (so refetching an unchanged day changes no byte); a different
    /// one replaces it.
    pub(crate) fn record(&mut self, source: &str, day: Date, entry: DayEntry) {
        let days = self.sources.entry(source.to_string()).or_default();
        match days.get(&day) {
            Some(old) if old.fingerprint == entry.fingerprint && old.outcome == entry.outcome => {}
            _ => {
                days.insert(day, entry);
            }
        }
    }

    /// The sources that have entries, by name.
    pub(crate) fn sources(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    /// Every recorded day of `source`, oldest first.
    pub(crate) fn days(&self, source: &str) -> impl Iterator<Item = (Date, &DayEntry)> {
        self.sources
            .get(source)
            .into_iter()
            .flat_map(|days| days.iter().map(|(day, entry)| (*day, entry)))
    }

    /// The newest listing day of `source` whose list was fetched (with papers), and when.
    pub(crate) fn last_success(&self, source: &str) -> Option<(Date, Timestamp)> {
        self.days(source)
            .filter(|(_, entry)| entry.outcome == Outcome::Listed)
            .last()
            .map(|(day, entry)| (day, entry.fetched))
    }

    /// The days from `from` to `until` (both included) that `source` has no entry for.
    pub(crate) fn unrecorded(&self, source: &str, from: Date, until: Date) -> Vec<Date> {
        let recorded = self.sources.get(source);
        days_between(from, until)
            .into_iter()
            .filter(|day| !recorded.is_some_and(|days| days.contains_key(day)))
            .collect()
    }

    /// Where `--missing` starts for `source`, up to `until`: the last [`MISSING_WINDOW_DAYS`]
    /// days (so a recent failure is retried), or earlier from the day after the newest recorded
    /// day when that is older (a job that did not run for weeks catches up on all of them).
    pub(crate) fn missing_from(&self, source: &str, until: Date) -> Date {
        let window = until
            .checked_sub(jiff::Span::new().days(MISSING_WINDOW_DAYS - 1))
            .unwrap_or(until);
        match self.days(source).last() {
            Some((newest, _)) => newest.tomorrow().unwrap_or(newest).min(window),
            None => window,
        }
    }

    /// Whether an empty answer for `day` means the day has no list (not a failure): a Saturday
    /// or Sunday (Hugging Face lists Monday to Friday), or a weekday when a later day already
    /// has papers in the ledger (a holiday: the source is alive and has moved past it; a source
    /// that answers nothing for every day never gets there).
    pub(crate) fn empty_means_no_list(&self, source: &str, day: Date) -> bool {
        is_weekend(day)
            || self
                .days(source)
                .any(|(later, entry)| later > day && entry.outcome == Outcome::Listed)
    }
}

/// Saturday or Sunday.
pub(crate) fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Every day from `from` to `until`, both included (none when `from` is later).
pub(crate) fn days_between(from: Date, until: Date) -> Vec<Date> {
    let mut days = Vec::new();
    let mut day = from;
    while day <= until {
        days.push(day);
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    days
}

/// The fingerprint of an answer: FNV-1a (64 bits) of its text, written `fnv1a64:` and 16 hex
/// digits. FNV is fixed by its definition, so the same answer gives the same fingerprint on
/// every machine and in every version (a `RandomState` hash would not). The caller normalizes
/// the text first (the JSON re-serialized), so spacing does not count.
pub(crate) fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

/// `name` as a TOML key: bare when it may be, else quoted.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        name.to_string()
    } else {
        toml::Value::String(name.to_string()).to_string()
    }
}

/// A day key, `"2025-02-06"`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct DayKey(Date);

impl<'de> Deserialize<'de> for DayKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<Date>().map(DayKey).map_err(|e| {
            serde::de::Error::custom(format!("`{text}` is not a listing day (YYYY-MM-DD): {e}"))
        })
    }
}

/// An entry as the file spells it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    papers: usize,
    fetched: UtcTime,
    fingerprint: String,
    outcome: RawOutcome,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RawOutcome {
    Listed,
    NoList,
}

impl From<RawOutcome> for Outcome {
    fn from(raw: RawOutcome) -> Outcome {
        match raw {
            RawOutcome::Listed => Outcome::Listed,
            RawOutcome::NoList => Outcome::NoList,
        }
    }
}

#[cfg(test)]
mod tests;
