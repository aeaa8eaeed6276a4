//! One link's check over HTTP: HEAD first, GET when the HEAD answer is not a success or a
//! redirect; redirects followed by hand (each hop waits its host's turn, a loop is caught);
//! one wait for a `Retry-After`. Every request goes through [`HostGate`], the per-host rate
//! limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::LinkState;
use super::url::{NormalUrl, resolve};

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;

/// The longest `Retry-After` waited for; a server asking for more is reported as failing.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The per-host rate limit: requests to one host never overlap, and each starts at least the
/// host's delay after the previous one *ended* (stricter than counting from its start, and
/// what arXiv's "one request every 3 seconds" means for a slow answer).
#[derive(Debug)]
pub(super) struct HostGate {
    delays: Vec<(String, Duration)>,
    default_delay: Duration,
    /// When the last request to each host ended; the mutex of a host is held during its
    /// request, so another thread's request to the same host (a redirect) waits its turn.
    hosts: Mutex<HashMap<String, Arc<Mutex<Option<Instant>>>>>,
}

impl HostGate {
    /// A gate with a delay for some hosts (matched exactly, case-insensitively) and one for
    /// every other host.
    pub(super) fn new(delays: &[(String, Duration)], default_delay: Duration) -> HostGate {
        HostGate {
            delays: delays
                .iter()
                .map(|(host, delay)| (host.to_ascii_lowercase(), *delay))
                .collect(),
            default_delay,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The delay between two requests to `host`.
    pub(super) fn delay_of(&self, host: &str) -> Duration {
        self.delays
            .iter()
            .find(|(h, _)| h == host)
            .map_or(self.default_delay, |(_, delay)| *delay)
    }

    /// Runs `request` on `host` when its turn comes.
    fn run<T>(&self, host: &str, request: impl FnOnce() -> T) -> T {
        let slot = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(hosts.entry(host.to_string()).or_default())
        };
        let mut last_end = slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(end) = *last_end {
            let ready = end + self.delay_of(host);
            let now = Instant::now();
            if ready > now {
                std::thread::sleep(ready - now);
            }
        }
        let result = request();
        *last_end = Some(Instant::now());
        result
    }
}

/// What one request brought back.
enum Answer {
    Status {
        status: u16,
        location: Option<String>,
        retry_after: Option<String>,
    },
    Slow,
    Failed(String),
}

/// Checks one link (already normalized), following its redirects.
pub(super) fn check(agent: &ureq::Agent, gate: &HostGate, link: &NormalUrl) -> LinkState {
    let mut current = link.clone();
    let mut chain = vec![current.url.clone()];
    let mut use_get = false;
    let mut waited = false;
    loop {
        let answer = gate.run(&current.host, || request(agent, &current.url, use_get));
        let (status, location, retry_after) = match answer {
            Answer::Slow => return LinkState::Slow,
            Answer::Failed(reason) => return LinkState::Failed { reason },
            Answer::Status {
                status,
                location,
                retry_after,
            } => (status, location, retry_after),
        };
        match status {
            200..=299 => return LinkState::Ok,
            301 | 302 | 303 | 307 | 308 => {
                let Some(location) = location else {
                    return failed(format!(
                        "{} answered {status} with no Location",
                        current.url
                    ));
                };
                let next = match resolve(&current, &location) {
                    Ok(next) => next,
                    Err(why) => {
                        return failed(format!("{} redirects to `{location}`: {why}", current.url));
                    }
                };
                if chain.contains(&next.url) {
                    chain.push(next.url);
                    return failed(format!("redirect loop: {}", chain.join(" → ")));
                }
                if chain.len() > MAX_REDIRECTS {
                    return failed(format!(
                        "more than {MAX_REDIRECTS} redirects ({} → … → {})",
                        chain[0], next.url
                    ));
                }
                chain.push(next.url.clone());
                current = next;
            }
            // Busy, not broken: wait once if the server says how long.
            429 | 503 => {
                let wait = retry_after
                    .as_deref()
                    .and_then(|value| crate::http::retry_after(value, jiff::Timestamp::now()));
                match wait {
                    Some(wait) if !waited && wait <= MAX_RETRY_AFTER => {
                        waited = true;
                        std::thread::sleep(wait);
                    }
                    Some(wait) if !waited => {
                        return failed(format!(
                            "{} answered {status} and asks to wait {} s (more than {} s)",
                            current.url,
                            wait.as_secs(),
                            MAX_RETRY_AFTER.as_secs()
                        ));
                    }
                    _ => {
                        let again = if waited {
                            " again after its Retry-After"
                        } else {
                            ""
                        };
                        return failed(format!("{} answered {status}{again}", current.url));
                    }
                }
            }
            // Many servers answer HEAD wrongly (405, 501, but also 400, 403, 404, 500…), as
            // link-check and lychee found: any other answer to HEAD is asked again with GET,
            // whose answer is final.
            _ if !use_get => use_get = true,
            404 | 410 => return LinkState::Dead { status },
            _ => return failed(format!("{} answered {status}", current.url)),
        }
    }
}

fn failed(reason: String) -> LinkState {
    LinkState::Failed { reason }
}

/// One request, redirects not followed. A GET's body is never read: the status line decides,
/// and dropping the response closes the connection after at most ureq's first buffer.
fn request(agent: &ureq::Agent, url: &str, use_get: bool) -> Answer {
    let result = if use_get {
        agent.get(url).call()
    } else {
        agent.head(url).call()
    };
    match result {
        Ok(response) => {
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_string)
            };
            Answer::Status {
                status: response.status().as_u16(),
                location: header("location"),
                retry_after: header("retry-after"),
            }
        }
        Err(ureq::Error::Timeout(_)) => Answer::Slow,
        Err(ureq::Error::Io(err)) if err.kind() == std::io::ErrorKind::TimedOut => Answer::Slow,
        Err(err) => Answer::Failed(format!("{url}: {err}")),
    }
}
