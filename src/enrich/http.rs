//! Polite requests: one at a time, a pause between two requests to one source, `Retry-After`
//! honoured on 429 and 503 (up to a cap), connect and read timeouts, a User-Agent naming
//! digest. Only this module of `enrich` talks to the network.

use std::collections::HashMap;
use std::io::Read;
use std::time::{Duration, Instant};

use super::sources::Source;
use crate::import::MAX_INPUT_BYTES;

/// The longest `Retry-After` waited for; a server asking for more fails the record (the run
/// goes on with the next one).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Attempts of one request when the server keeps answering 429 or 503 with a `Retry-After`.
const ATTEMPTS: usize = 3;

/// An answer: its status and body.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

/// Sends the requests of one run.
pub(crate) struct Client {
    agent: ureq::Agent,
    read_timeout: Duration,
    delays: HashMap<Source, Duration>,
    last: HashMap<Source, Instant>,
    /// Requests sent so far (each attempt counts).
    pub sent: usize,
}

impl Client {
    /// A client that waits `delay` between two requests to a source (each source's default
    /// when `None`), gives up connecting after 10 s (or `read_timeout` if shorter) and waits
    /// `read_timeout` for an answer and again for its body.
    pub(crate) fn new(delay: Option<Duration>, read_timeout: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(read_timeout.min(Duration::from_secs(10))))
            .timeout_recv_response(Some(read_timeout))
            .timeout_recv_body(Some(read_timeout))
            .user_agent(concat!(
                "digest/",
                env!("CARGO_PKG_VERSION"),
                " (static site generator for paper digests; enrich)"
            ))
            .build();
        let delays = Source::ALL
            .into_iter()
            .map(|s| {
                (
                    s,
                    delay.unwrap_or(Duration::from_secs_f64(s.default_delay())),
                )
            })
            .collect();
        Client {
            agent: config.into(),
            read_timeout,
            delays,
            last: HashMap::new(),
            sent: 0,
        }
    }

    /// GETs `url` from `source`, after the source's pause; a 429 or 503 with a `Retry-After`
    /// of at most [`MAX_RETRY_AFTER`] is tried again after that wait. `Err` says why no usable
    /// answer came (a status other than 200 is returned as an answer for the caller to judge).
    pub(crate) fn get(&mut self, source: Source, url: &str) -> Result<Answer, String> {
        for attempt in 1..=ATTEMPTS {
            self.pause(source);
            self.sent += 1;
            self.last.insert(source, Instant::now());
            let answer = self.once(url)?;
            if !matches!(answer.status, 429 | 503) {
                return Ok(answer.into());
            }
            let status = answer.status;
            let Some(wait) = answer.retry_after else {
                return Err(format!(
                    "{url}: the server answered {status} without saying when to come back"
                ));
            };
            if wait > MAX_RETRY_AFTER {
                return Err(format!(
                    "{url}: the server answered {status} and asked to wait {} s, longer than the {} s digest waits; run enrich again later",
                    wait.as_secs(),
                    MAX_RETRY_AFTER.as_secs()
                ));
            }
            if attempt == ATTEMPTS {
                return Err(format!(
                    "{url}: the server still answered {status} after {ATTEMPTS} attempts; run enrich again later"
                ));
            }
            std::thread::sleep(wait);
        }
        unreachable!("the last attempt returns")
    }

    /// Sleeps what is left of the source's pause since its last request.
    fn pause(&self, source: Source) {
        if let (Some(last), Some(delay)) = (self.last.get(&source), self.delays.get(&source)) {
            let since = last.elapsed();
            if since < *delay {
                std::thread::sleep(*delay - since);
            }
        }
    }

    fn once(&self, url: &str) -> Result<Raw, String> {
        let timed_out = || {
            format!(
                "{url}: no complete answer within {} s (pass --timeout to wait longer)",
                self.read_timeout.as_secs_f64()
            )
        };
        let mut response = self.agent.get(url).call().map_err(|err| match err {
            ureq::Error::Timeout(_) => timed_out(),
            other => format!("{url}: {other}"),
        })?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| crate::http::retry_after(v, jiff::Timestamp::now()));
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_INPUT_BYTES as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|err| match err.kind() {
                std::io::ErrorKind::TimedOut => timed_out(),
                _ => format!("{url}: reading the answer: {err}"),
            })?;
        if body.len() > MAX_INPUT_BYTES {
            return Err(format!(
                "{url}: the answer is larger than {} MiB",
                MAX_INPUT_BYTES >> 20
            ));
        }
        Ok(Raw {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
            retry_after,
        })
    }
}

/// An answer with its `Retry-After`, before the retry decision.
struct Raw {
    status: u16,
    body: String,
    retry_after: Option<Duration>,
}

impl From<Raw> for Answer {
    fn from(raw: Raw) -> Answer {
        Answer {
            status: raw.status,
            body: raw.body,
        }
    }
}
