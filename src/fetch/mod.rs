//! `digest fetch`: downloads listings from the public APIs (Hugging Face daily papers, arXiv)
//! and hands them to the importers. Only this module talks to the network, and only to the
//! endpoint it is given: nothing in a listing makes it fetch anything else.

use std::io::Read;
use std::time::Duration;

use jiff::civil::Date;

use crate::import::{MAX_INPUT_BYTES, Parsed};
use crate::import::{arxiv_atom, hf_json};

pub(crate) mod ledger;

/// The public Hugging Face API root.
pub(crate) const HF_ENDPOINT: &str = "https://huggingface.co/api/daily_papers";
/// The public arXiv API.
pub(crate) const ARXIV_ENDPOINT: &str = "https://export.arxiv.org/api/query";

/// How requests are made.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Client {
    /// A client whose every request gives up after `timeout`.
    pub(crate) fn new(timeout: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!(
                "digest/",
                env!("CARGO_PKG_VERSION"),
                " (static site generator for paper digests)"
            ))
            .build();
        Client {
            agent: config.into(),
            timeout,
        }
    }

    /// GETs `url` and returns its body as text, with errors a user can act on. A 429 or 503
    /// that says when to come back (`Retry-After` in seconds, at most [`MAX_RETRY_AFTER`]) is
    /// asked once more after that wait; a second refusal is the error.
    pub(crate) fn get(&self, url: &str) -> Result<String, String> {
        match self.get_once(url)? {
            Answer::Body(text) => Ok(text),
            Answer::Refused {
                message,
                retry_after: Some(wait),
            } => {
                std::thread::sleep(wait);
                match self.get_once(url)? {
                    Answer::Body(text) => Ok(text),
                    Answer::Refused { message: again, .. } => Err(format!(
                        "{again} (asked again after the {} s its first answer said to wait: {message})",
                        wait.as_secs()
                    )),
                }
            }
            Answer::Refused { message, .. } => Err(message),
        }
    }

    /// One GET: the body of a success, or why not (and when to try again, if the server said).
    fn get_once(&self, url: &str) -> Result<Answer, String> {
        let mut response = self.agent.get(url).call().map_err(|err| match err {
            ureq::Error::Timeout(_) => format!(
                "{url}: no complete answer within {} s (pass --timeout to wait longer)",
                self.timeout.as_secs_f64()
            ),
            other => format!("{url}: {other}"),
        })?;
        let status = response.status();
        let asked_wait = match status.as_u16() {
            429 | 503 => response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| crate::http::retry_after(v, jiff::Timestamp::now()))
                .map(|wait| wait.as_secs()),
            _ => None,
        };
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_INPUT_BYTES as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|err| match err.kind() {
                std::io::ErrorKind::TimedOut => format!(
                    "{url}: no complete answer within {} s (pass --timeout to wait longer)",
                    self.timeout.as_secs_f64()
                ),
                _ => format!("{url}: reading the answer: {err}"),
            })?;
        if body.len() > MAX_INPUT_BYTES {
            return Err(format!(
                "{url}: the answer is larger than {} MiB; ask for less at once",
                MAX_INPUT_BYTES >> 20
            ));
        }
        let text = String::from_utf8_lossy(&body).into_owned();
        if !status.is_success() {
            let excerpt: String = text.chars().take(200).collect();
            let mut message = format!("{url}: the server answered {status}: {}", excerpt.trim());
            let retry_after = match asked_wait {
                Some(s) if s <= MAX_RETRY_AFTER.as_secs() => Some(Duration::from_secs(s)),
                Some(s) => {
                    message.push_str(&format!(
                        " (it asks to come back in {s} s, longer than a fetch waits)"
                    ));
                    None
                }
                None => None,
            };
            return Ok(Answer::Refused {
                message,
                retry_after,
            });
        }
        Ok(Answer::Body(text))
    }
}

/// The longest `Retry-After` a fetch waits for before asking once more; a longer one fails the
/// day at once (the next run asks again).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// What one request gave.
enum Answer {
    Body(String),
    Refused {
        message: String,
        retry_after: Option<Duration>,
    },
}

/// One day of Hugging Face's daily papers, as fetched.
pub(crate) struct HfDay {
    /// The papers read (and entries that could not be read).
    pub(crate) parsed: Parsed,
    /// [`ledger::fingerprint`] of the answer, its JSON re-serialized (spacing does not count).
    pub(crate) fingerprint: String,
}

/// Fetches and reads the list of one day; an HTTP error or an answer that is not the listing is
/// the error. An empty list is returned as such: whether it is a failure is the caller's call.
pub(crate) fn hf_day(client: &Client, endpoint: &str, day: Date) -> Result<HfDay, String> {
    let url = format!("{endpoint}?date={day}");
    let text = client.get(&url)?;
    let parsed = hf_json::parse(&text).map_err(|e| format!("{url}: {e}"))?;
    let normalized = serde_json::from_str::<serde_json::Value>(&text)
        .map_or_else(|_| text.clone(), |value| value.to_string());
    Ok(HfDay {
        parsed,
        fingerprint: ledger::fingerprint(&normalized),
    })
}

/// Which days of Hugging Face's daily papers to fetch.
pub(crate) fn days_of(
    date: Option<Date>,
    week: Option<Date>,
    month: Option<(i16, i8)>,
) -> Result<Vec<Date>, String> {
    match (date, week, month) {
        (Some(d), None, None) => Ok(vec![d]),
        (None, Some(d), None) => {
            // The ISO week (Monday to Sunday) containing `d`.
            let monday = d
                .checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset())))
                .map_err(|e| e.to_string())?;
            (0..7)
                .map(|i| {
                    monday
                        .checked_add(jiff::Span::new().days(i))
                        .map_err(|e| e.to_string())
                })
                .collect()
        }
        (None, None, Some((year, month))) => {
            let first = Date::new(year, month, 1).map_err(|e| e.to_string())?;
            Ok((1..=first.days_in_month())
                .filter_map(|day| Date::new(year, month, day).ok())
                .collect())
        }
        _ => Err("give exactly one of --date, --week or --month".to_string()),
    }
}

/// Fetches up to `max` results of an arXiv query, `page` at a time, waiting `pause` between
/// requests (arXiv asks for 3 s).
pub(crate) fn arxiv(
    client: &Client,
    endpoint: &str,
    query: &str,
    max: usize,
    page: usize,
    pause: Duration,
) -> Result<Parsed, String> {
    let mut all = Parsed::default();
    let mut start = 0;
    while start < max {
        if start > 0 {
            std::thread::sleep(pause);
        }
        let count = page.min(max - start);
        let url = format!(
            "{endpoint}?search_query={}&start={start}&max_results={count}&sortBy=submittedDate&sortOrder=descending",
            crate::href::query_value(query)
        );
        let parsed = arxiv_atom::parse(&client.get(&url)?).map_err(|e| format!("{url}: {e}"))?;
        let got = parsed.papers.len() + parsed.problems.len();
        all.papers.extend(parsed.papers);
        all.problems.extend(parsed.problems);
        if got < count {
            break;
        }
        start += count;
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_of_a_week_and_a_month() {
        let d: Date = "2025-02-06".parse().unwrap();
        let week = days_of(None, Some(d), None).unwrap();
        assert_eq!(
            (week[0].to_string(), week[6].to_string()),
            ("2025-02-03".into(), "2025-02-09".into())
        );
        assert_eq!(days_of(None, None, Some((2024, 2))).unwrap().len(), 29);
        assert!(days_of(Some(d), Some(d), None).is_err());
    }

    #[test]
    fn queries_are_encoded() {
        assert_eq!(
            crate::href::query_value("cat:cs.LG AND ti:\"diffusion\""),
            "cat%3Acs.LG+AND+ti%3A%22diffusion%22"
        );
    }
}
