//! `digest check --external`: whether the links a site points to outside itself still answer.
//! Each URL is asked once (HEAD, then GET when HEAD is refused), redirects followed, with a
//! per-host rate limit, a cache on disk, and a timeout that makes a link [`LinkState::Slow`]
//! (a warning for the caller), never an error. Hosts are checked in parallel, each host's
//! links one after another. This module finds links' states; it does not decide what fails
//! the check or print anything.

mod cache;
mod probe;
#[cfg(test)]
mod tests;
mod url;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cache::Cache;
use probe::HostGate;

/// Where the cache lives, relative to the site's folder.
pub(crate) const CACHE_DIR: &str = ".digest-cache/links";

/// How many hosts are checked at once: the work is waiting, not computing, but a few
/// connections at a time keep a check polite to the network it runs on.
const WORKERS: usize = 4;

/// One external link and where the site uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExternalLink {
    /// The absolute URL, as written.
    pub(crate) url: String,
    /// Where it appears (record files, pages), for the report of dead links by record.
    pub(crate) origins: Vec<String>,
}

/// How external links are checked.
#[derive(Debug, Clone)]
pub(crate) struct ExternalOptions {
    /// The cache folder (by default [`CACHE_DIR`], relative: join it to the site's folder).
    pub(crate) cache_dir: PathBuf,
    /// How many days a link found live is not asked again (0: the cache is not read). A dead
    /// link is asked again after a day.
    pub(crate) cache_days: u32,
    /// How long one request may take before the link is [`LinkState::Slow`].
    pub(crate) timeout: Duration,
    /// The delay between two requests to these hosts (exact host names).
    pub(crate) host_delays: Vec<(String, Duration)>,
    /// The delay between two requests to any other host.
    pub(crate) default_delay: Duration,
}

impl Default for ExternalOptions {
    /// A week of cache in the site's `.digest-cache/links/`, 10 s per request, one request
    /// every 3 s to arXiv (its API terms) and every second to any other host.
    fn default() -> ExternalOptions {
        let arxiv = Duration::from_secs(3);
        ExternalOptions {
            cache_dir: PathBuf::from(CACHE_DIR),
            cache_days: 7,
            timeout: Duration::from_secs(10),
            host_delays: vec![
                ("arxiv.org".to_string(), arxiv),
                ("export.arxiv.org".to_string(), arxiv),
            ],
            default_delay: Duration::from_secs(1),
        }
    }
}

/// What checking a link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkState {
    /// It answered with a success, perhaps after redirects.
    Ok,
    /// It answered 404 Not Found or 410 Gone (to GET, not only to HEAD).
    Dead {
        /// The status.
        status: u16,
    },
    /// No answer within the timeout: worth a warning, not a failure.
    Slow,
    /// Anything else: another error status, a redirect loop, a network error, a link that is
    /// not http(s).
    Failed {
        /// What went wrong, for a person.
        reason: String,
    },
}

/// One link's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkReport {
    /// The link as given.
    pub(crate) link: ExternalLink,
    /// What was found.
    pub(crate) state: LinkState,
    /// Whether the answer came from the cache (no request made).
    pub(crate) from_cache: bool,
}

/// Checks every link and returns one report per link, in the order given. Links equal once
/// normalized (scheme and host case, default port, fragment) are asked once and share a
/// result. Blocks until every link has an answer; the cache is updated as answers come.
pub(crate) fn check_links(links: Vec<ExternalLink>, options: &ExternalOptions) -> Vec<LinkReport> {
    // Each distinct normalized URL once, grouped by host in the order first seen.
    let mut unique: Vec<url::NormalUrl> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut hosts: Vec<Vec<usize>> = Vec::new();
    let mut host_index: HashMap<String, usize> = HashMap::new();
    let targets: Vec<Result<usize, String>> = links
        .iter()
        .map(|link| {
            let normal = url::normalize(&link.url)?;
            Ok(*index_of.entry(normal.url.clone()).or_insert_with(|| {
                let at = *host_index.entry(normal.host.clone()).or_insert_with(|| {
                    hosts.push(Vec::new());
                    hosts.len() - 1
                });
                hosts[at].push(unique.len());
                unique.push(normal);
                unique.len() - 1
            }))
        })
        .collect();

    let results = check_unique(&unique, &hosts, options);
    links
        .into_iter()
        .zip(targets)
        .map(|(link, target)| {
            let (state, from_cache) = match target {
                Ok(at) => results[at].clone(),
                Err(reason) => (LinkState::Failed { reason }, false),
            };
            LinkReport {
                link,
                state,
                from_cache,
            }
        })
        .collect()
}

/// Checks each URL of `unique`; `hosts` lists them by host. A few workers each take a whole
/// host at a time, so one host's links go one after another while hosts proceed in parallel.
fn check_unique(
    unique: &[url::NormalUrl],
    hosts: &[Vec<usize>],
    options: &ExternalOptions,
) -> Vec<(LinkState, bool)> {
    let cache = Cache::new(&options.cache_dir, options.cache_days);
    let gate = HostGate::new(&options.host_delays, options.default_delay);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        // Redirects are followed by hand: each hop waits its host's turn, loops are named.
        .max_redirects(0)
        .user_agent(concat!(
            "digest/",
            env!("CARGO_PKG_VERSION"),
            " (static site generator for paper digests; link check)"
        ))
        .build()
        .into();
    let next_host = AtomicUsize::new(0);
    let mut results: Vec<Option<(LinkState, bool)>> = vec![None; unique.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..WORKERS.min(hosts.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut found = Vec::new();
                    while let Some(urls) = hosts.get(next_host.fetch_add(1, Ordering::Relaxed)) {
                        for &at in urls {
                            let link = &unique[at];
                            if let Some(state) = cache.get(&link.url, unix_now()) {
                                found.push((at, (state, true)));
                                continue;
                            }
                            let state = probe::check(&agent, &gate, link);
                            cache.put(&link.url, &state, unix_now());
                            found.push((at, (state, false)));
                        }
                    }
                    found
                })
            })
            .collect();
        for worker in workers {
            // A worker only panics on a bug; its links are then reported as failed below.
            for (at, result) in worker.join().unwrap_or_default() {
                results[at] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|result| {
            result.unwrap_or_else(|| {
                let reason = "the check of this link stopped unexpectedly".to_string();
                (LinkState::Failed { reason }, false)
            })
        })
        .collect()
}

/// Seconds since the Unix epoch (0 if the clock is before it, which makes every cache entry
/// look written in the future, hence not trusted).
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
