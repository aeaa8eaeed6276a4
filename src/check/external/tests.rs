//! The link checker against a real HTTP server on 127.0.0.1 (std `TcpListener`, one thread
//! per connection) that logs every request with its host and time and answers by path.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::*;

/// One request the server received.
#[derive(Debug, Clone)]
struct Hit {
    method: String,
    path: String,
    /// The Host header without its port.
    host: String,
    user_agent: String,
    /// When the request's head had been read.
    at: Instant,
}

/// A test server and its log.
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<Hit>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let server_log = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&server_log);
                std::thread::spawn(move || answer(stream, &log));
            }
        });
        Server { port, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }

    /// `METHOD path` of every request, in order.
    fn requests(&self) -> Vec<String> {
        self.hits()
            .iter()
            .map(|hit| format!("{} {}", hit.method, hit.path))
            .collect()
    }
}

/// Reads one request's head, logs it, answers as [`route`] says and closes the connection.
fn answer(stream: TcpStream, log: &Mutex<Vec<Hit>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let (mut host, mut user_agent) = (String::new(), String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "host" => host = value.trim().rsplit_once(':').unwrap().0.to_string(),
                "user-agent" => user_agent = value.trim().to_string(),
                _ => {}
            }
        }
    }
    let mut words = request_line.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let hit = Hit {
        method: method.to_string(),
        path: path.to_string(),
        host,
        user_agent,
        at: Instant::now(),
    };
    let earlier = {
        let mut log = log.lock().unwrap();
        let earlier = log.iter().filter(|h| h.path == hit.path).count();
        log.push(hit.clone());
        earlier
    };
    let (status, headers, pause) = route(&hit.method, &hit.path, earlier);
    std::thread::sleep(pause);
    let body = "<!doctype html><title>page</title>";
    let mut response = format!(
        "HTTP/1.1 {status} Status\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    if hit.method != "HEAD" {
        response.push_str(body);
    }
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

/// The server's answer to `method path` seen `earlier` times before: status, extra headers
/// and a pause before answering.
fn route(method: &str, path: &str, earlier: usize) -> (u16, Vec<(&'static str, String)>, Duration) {
    let now = Duration::ZERO;
    let to = |location: &str| vec![("Location", location.to_string())];
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    match path {
        "/ok" | "/paper" => (200, vec![], now),
        // A chain of 301s whose Locations are an absolute path, a relative one and one with
        // `..` (absolute URLs are resolved in url.rs's tests).
        "/moved/1" => (301, to("/moved/2"), now),
        "/moved/2" => (301, to("3"), now),
        "/moved/3" => (301, to("../ok"), now),
        "/loop/a" => (302, to("/loop/b"), now),
        "/loop/b" => (307, to("/loop/a"), now),
        p if p.starts_with("/hop/") => {
            let n: u32 = p["/hop/".len()..].parse().unwrap();
            (308, to(&format!("/hop/{}", n + 1)), now)
        }
        "/not-found" => (404, vec![], now),
        "/gone" => (410, vec![], now),
        "/head-refused" if method == "HEAD" => (405, vec![("Allow", "GET".into())], now),
        "/head-refused" => (200, vec![], now),
        "/head-404" if method == "HEAD" => (404, vec![], now),
        "/head-404" => (200, vec![], now),
        "/busy" if earlier == 0 => (429, vec![("Retry-After", "1".into())], now),
        "/busy" => (200, vec![], now),
        "/always-busy" => (429, vec![("Retry-After", "1".into())], now),
        "/very-busy" => (429, vec![("Retry-After", "3600".into())], now),
        "/unavailable" => (503, vec![], now),
        "/forbidden" => (403, vec![], now),
        "/slow" => (200, vec![], Duration::from_millis(1500)),
        _ => (500, vec![], now),
    }
}

/// Options for tests: a cache in `dir`, no delay between requests unless a test sets one.
fn options(dir: &tempfile::TempDir) -> ExternalOptions {
    ExternalOptions {
        cache_dir: dir.path().join("links"),
        cache_days: 7,
        timeout: Duration::from_secs(5),
        host_delays: vec![],
        default_delay: Duration::ZERO,
    }
}

fn link(url: &str) -> ExternalLink {
    ExternalLink {
        url: url.to_string(),
        origins: vec!["content/paper.md".to_string()],
    }
}

/// Checks one path of `server` and returns its state.
fn state_of(server: &Server, path: &str, options: &ExternalOptions) -> LinkState {
    let reports = check_links(vec![link(&server.url(path))], options);
    assert_eq!(reports.len(), 1);
    assert!(!reports[0].from_cache);
    reports[0].state.clone()
}

fn reason(state: &LinkState) -> &str {
    match state {
        LinkState::Failed { reason } => reason,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_live_link_is_ok_after_one_head_with_digests_user_agent() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    assert_eq!(state_of(&server, "/ok", &options(&dir)), LinkState::Ok);
    assert_eq!(server.requests(), ["HEAD /ok"]);
    let agent = &server.hits()[0].user_agent;
    assert!(
        agent.starts_with(concat!("digest/", env!("CARGO_PKG_VERSION"), " ")),
        "{agent}"
    );
}

#[test]
fn a_chain_of_301s_is_followed_to_its_end() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    assert_eq!(state_of(&server, "/moved/1", &options(&dir)), LinkState::Ok);
    assert_eq!(
        server.requests(),
        [
            "HEAD /moved/1",
            "HEAD /moved/2",
            "HEAD /moved/3",
            "HEAD /ok"
        ]
    );
}

#[test]
fn a_redirect_loop_fails_and_names_the_loop() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let state = state_of(&server, "/loop/a", &options(&dir));
    let a = server.url("/loop/a");
    assert_eq!(
        reason(&state),
        format!("redirect loop: {a} → {} → {a}", server.url("/loop/b"))
    );
    assert_eq!(server.requests(), ["HEAD /loop/a", "HEAD /loop/b"]);
}

#[test]
fn more_than_ten_redirects_fail() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let state = state_of(&server, "/hop/0", &options(&dir));
    assert!(
        reason(&state).starts_with("more than 10 redirects"),
        "{state:?}"
    );
    assert_eq!(server.hits().len(), 11);
}

#[test]
fn not_found_and_gone_are_dead_once_get_agrees() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let options = options(&dir);
    assert_eq!(
        state_of(&server, "/not-found", &options),
        LinkState::Dead { status: 404 }
    );
    assert_eq!(
        state_of(&server, "/gone", &options),
        LinkState::Dead { status: 410 }
    );
    assert_eq!(
        server.requests(),
        [
            "HEAD /not-found",
            "GET /not-found",
            "HEAD /gone",
            "GET /gone"
        ]
    );
}

#[test]
fn a_head_refused_is_asked_again_with_get() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let options = options(&dir);
    assert_eq!(state_of(&server, "/head-refused", &options), LinkState::Ok);
    // Some servers answer 404 to HEAD only: GET decides.
    assert_eq!(state_of(&server, "/head-404", &options), LinkState::Ok);
    assert_eq!(
        server.requests(),
        [
            "HEAD /head-refused",
            "GET /head-refused",
            "HEAD /head-404",
            "GET /head-404"
        ]
    );
}

#[test]
fn too_many_requests_with_retry_after_is_waited_for_once() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let options = options(&dir);
    assert_eq!(state_of(&server, "/busy", &options), LinkState::Ok);
    let hits = server.hits();
    assert_eq!(server.requests(), ["HEAD /busy", "HEAD /busy"]);
    assert!(hits[1].at - hits[0].at >= Duration::from_secs(1));
    // Still busy after the wait: a failure, not a second wait.
    let state = state_of(&server, "/always-busy", &options);
    assert!(
        reason(&state).ends_with("answered 429 again after its Retry-After"),
        "{state:?}"
    );
    assert_eq!(server.hits().len(), 4);
}

#[test]
fn a_retry_after_past_the_cap_is_not_waited_for() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let state = state_of(&server, "/very-busy", &options(&dir));
    assert!(reason(&state).contains("asks to wait 3600 s"), "{state:?}");
    assert_eq!(server.requests(), ["HEAD /very-busy"]);
}

#[test]
fn unavailable_without_retry_after_fails_at_once() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let state = state_of(&server, "/unavailable", &options(&dir));
    assert_eq!(
        reason(&state),
        format!("{} answered 503", server.url("/unavailable"))
    );
    assert_eq!(server.requests(), ["HEAD /unavailable"]);
}

#[test]
fn other_error_statuses_fail_with_the_status() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let state = state_of(&server, "/forbidden", &options(&dir));
    assert_eq!(
        reason(&state),
        format!("{} answered 403", server.url("/forbidden"))
    );
    assert_eq!(server.requests(), ["HEAD /forbidden", "GET /forbidden"]);
}

#[test]
fn a_slow_host_is_slow_not_failed() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let options = ExternalOptions {
        timeout: Duration::from_millis(300),
        ..options(&dir)
    };
    assert_eq!(state_of(&server, "/slow", &options), LinkState::Slow);
    assert_eq!(server.requests(), ["HEAD /slow"]);
}

#[test]
fn network_errors_and_unsupported_links_fail_with_a_reason() {
    // A port nothing listens on any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let reports = check_links(
        vec![
            link(&format!("http://127.0.0.1:{port}/")),
            link("mailto:editor@example.com"),
        ],
        &options(&dir),
    );
    assert!(
        reason(&reports[0].state).starts_with(&format!("http://127.0.0.1:{port}/: ")),
        "{:?}",
        reports[0].state
    );
    assert_eq!(
        reason(&reports[1].state),
        "only http and https links are checked, not mailto:"
    );
}

#[test]
fn each_url_is_asked_once_and_reports_keep_the_input_order() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let gone = server.url("/gone");
    let same_ok = format!("HTTP://127.0.0.1:{}/ok#abstract", server.port);
    let links = vec![link(&server.url("/ok")), link(&gone), link(&same_ok)];
    let reports = check_links(links.clone(), &options(&dir));
    let got: Vec<_> = reports.iter().map(|r| (&r.link, &r.state)).collect();
    let dead = LinkState::Dead { status: 410 };
    assert_eq!(
        got,
        [
            (&links[0], &LinkState::Ok),
            (&links[1], &dead),
            (&links[2], &LinkState::Ok)
        ]
    );
    assert_eq!(server.requests(), ["HEAD /ok", "HEAD /gone", "GET /gone"]);
}

#[test]
fn a_second_check_within_the_cache_period_makes_no_request() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let options = options(&dir);
    let links = vec![link(&server.url("/ok")), link(&server.url("/not-found"))];
    let first = check_links(links.clone(), &options);
    let asked = server.hits().len();
    assert_eq!(asked, 3);
    let second = check_links(links, &options);
    assert_eq!(server.hits().len(), asked, "{:?}", server.requests());
    for (first, second) in first.iter().zip(&second) {
        assert_eq!((&first.state, first.from_cache), (&second.state, false));
        assert!(second.from_cache);
    }
    assert_eq!(second[1].state, LinkState::Dead { status: 404 });
}

#[test]
fn slow_and_failed_links_are_asked_again_and_old_answers_expire() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let options = options(&dir);
    let unavailable = vec![link(&server.url("/unavailable"))];
    check_links(unavailable.clone(), &options);
    check_links(unavailable, &options);
    assert_eq!(server.hits().len(), 2);

    // Answers older than their lifetime: live 8 days ago (cache of 7), dead 2 days ago.
    let cache = Cache::new(&options.cache_dir, options.cache_days);
    let now = unix_now();
    let (ok, gone) = (server.url("/ok"), server.url("/gone"));
    cache.put(&ok, &LinkState::Ok, now - 8 * 24 * 3600);
    cache.put(&gone, &LinkState::Dead { status: 410 }, now - 2 * 24 * 3600);
    let reports = check_links(vec![link(&ok), link(&gone)], &options);
    assert!(reports.iter().all(|r| !r.from_cache));
    assert_eq!(server.hits().len(), 2 + 3);
    // A dead answer of a few hours ago is still trusted.
    cache.put(&gone, &LinkState::Dead { status: 410 }, now - 5 * 3600);
    let reports = check_links(vec![link(&gone)], &options);
    assert!(reports[0].from_cache);
    assert_eq!(server.hits().len(), 5);
}

#[test]
fn one_request_per_delay_to_a_host_while_hosts_proceed_in_parallel() {
    let (server, dir) = (Server::start(), tempfile::tempdir().unwrap());
    let delay = Duration::from_millis(300);
    let options = ExternalOptions {
        host_delays: vec![("LOCALHOST".to_string(), delay)],
        default_delay: delay,
        ..options(&dir)
    };
    // Three links on each of two host names of this machine; the last redirects, and its
    // second request waits its turn too.
    let on = |host: &str, path: &str| link(&format!("http://{host}:{}{path}", server.port));
    let links = ["localhost", "127.0.0.1"]
        .iter()
        .flat_map(|host| {
            [
                on(host, "/paper?id=1"),
                on(host, "/paper?id=2"),
                on(host, "/moved/3"),
            ]
        })
        .collect();
    let reports = check_links(links, &options);
    assert!(
        reports.iter().all(|r| r.state == LinkState::Ok),
        "{reports:?}"
    );

    let hits = server.hits();
    let of = |host: &str| -> Vec<Instant> {
        hits.iter()
            .filter(|h| h.host == host)
            .map(|h| h.at)
            .collect()
    };
    let (local, numeric) = (of("localhost"), of("127.0.0.1"));
    assert_eq!((local.len(), numeric.len()), (4, 4), "{hits:?}");
    for times in [&local, &numeric] {
        for pair in times.windows(2) {
            // The server logs a request before answering it, and the next one may start only
            // `delay` after that answer arrived: strictly more than `delay` apart.
            assert!(pair[1] - pair[0] > delay, "{:?}", pair[1] - pair[0]);
        }
    }
    // Sequential hosts would finish one before starting the other; here they interleave.
    assert!(local[0] < numeric[1] && numeric[0] < local[1], "{hits:?}");
}

#[test]
fn retry_after_is_seconds_or_an_http_date() {
    let now: jiff::Timestamp = "2015-10-21T07:27:00Z".parse().unwrap();
    let parse = |value| crate::http::retry_after(value, now);
    assert_eq!(parse("120"), Some(Duration::from_secs(120)));
    assert_eq!(parse(" 0 "), Some(Duration::ZERO));
    assert_eq!(
        parse("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::from_secs(60))
    );
    // A date already past: no wait.
    assert_eq!(parse("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO));
    assert_eq!(parse("soon"), None);
    assert_eq!(parse("-5"), None);
}

#[test]
fn default_options_follow_the_issue() {
    let options = ExternalOptions::default();
    assert_eq!(options.cache_dir, PathBuf::from(".digest-cache/links"));
    assert_eq!(
        (options.cache_days, options.timeout),
        (7, Duration::from_secs(10))
    );
    let gate = HostGate::new(&options.host_delays, options.default_delay);
    assert_eq!(gate.delay_of("arxiv.org"), Duration::from_secs(3));
    assert_eq!(gate.delay_of("export.arxiv.org"), Duration::from_secs(3));
    assert_eq!(gate.delay_of("doi.org"), Duration::from_secs(1));
}
