//! Helpers for the `digest serve --watch` tests: the server as a child process (killed on drop),
//! the live-reload websocket, raw HTTP requests, and comparing the served output folder with a
//! clean build.
//!
//! Use it as `crate::common::serve`.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;

use crate::common::{Site, tree};

mod ws;
pub use ws::{Signal, Ws, wait_for_error, wait_for_reload};

/// How long to wait for a rebuild to be announced.
pub const REBUILD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may take to build and start listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub use crate::common::Lines;

/// A running `digest serve --watch`; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    /// The `--output` folder.
    pub out: PathBuf,
    pub stdout: Lines,
    pub stderr: Lines,
}

impl Server {
    /// `digest serve --root <root> --watch --json-events --port 0 --output <tmp>/served`.
    pub fn start(site: &Site) -> Server {
        Server::start_with_output(site, &site.tmp.path().join("served"))
    }

    pub fn start_with_output(site: &Site, out: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_digest"))
            .args(["serve", "--root"])
            .arg(&site.root)
            .args(["--watch", "--json-events", "--port", "0", "--output"])
            .arg(out)
            .current_dir(site.tmp.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start digest serve");
        let stdout = Lines::collect(child.stdout.take().unwrap());
        let stderr = Lines::collect(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            port: 0,
            out: out.to_path_buf(),
            stdout,
            stderr,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(line) = server.stdout.find(|l| l.starts_with("serving http://")) {
                assert!(
                    line.contains("watching for changes"),
                    "serve line without watching: {line}"
                );
                let port = line
                    .trim_start_matches("serving http://127.0.0.1:")
                    .split('/')
                    .next()
                    .unwrap();
                server.port = port
                    .parse()
                    .unwrap_or_else(|_| panic!("no port in {line:?}"));
                break;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "digest serve exited with {status}\nstdout:\n{}\nstderr:\n{}",
                    server.stdout.text(),
                    server.stderr.text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "digest serve did not start\nstdout:\n{}\nstderr:\n{}",
                server.stdout.text(),
                server.stderr.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server.wait_until_watching(site);
        server
    }

    /// digest prints "watching for changes" before its file watcher is set up (the watcher
    /// starts on another thread afterwards), so a change made right away can be missed (a
    /// digest bug, reported). Touches a record until a rebuild line shows the watcher works;
    /// a touch changes no output and sends no reload.
    fn wait_until_watching(&mut self, site: &Site) {
        let record = crate::common::files(&site.root.join("content"))
            .into_iter()
            .find(|p| p.ends_with(".md"))
            .map(|p| site.root.join("content").join(p))
            .expect("a record to touch");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let lines = self.stdout.len();
            std::fs::File::options()
                .write(true)
                .open(&record)
                .and_then(|f| f.set_modified(std::time::SystemTime::now()))
                .expect("touch a record");
            if self
                .wait_for_event(lines, Duration::from_millis(250), |e| e.event == "rebuild")
                .is_some()
            {
                return;
            }
            self.assert_alive();
            assert!(
                Instant::now() < deadline,
                "digest serve never rebuilt after touching {}\n{}",
                record.display(),
                self.logs()
            );
        }
    }

    /// Waits until an event (printed after the first `skip` lines of stdout) satisfies
    /// `wanted`; returns it, or `None` after `timeout`.
    pub fn wait_for_event(
        &self,
        skip: usize,
        timeout: Duration,
        wanted: impl Fn(&Event) -> bool,
    ) -> Option<Event> {
        self.stdout
            .wait_for(skip, timeout, |l| {
                Event::parse(l).is_some_and(|e| wanted(&e))
            })
            .and_then(|l| Event::parse(&l))
    }

    /// `http://127.0.0.1:PORT<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `127.0.0.1:PORT`, the Host of requests.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A connected live-reload websocket (no Origin header, like a non-browser client).
    pub fn ws(&self) -> Ws {
        self.ws_with_origin(None)
            .unwrap_or_else(|status| panic!("websocket handshake answered {status}"))
    }

    /// A live-reload websocket handshake with an optional Origin; the HTTP status on refusal.
    pub fn ws_with_origin(&self, origin: Option<&str>) -> Result<Ws, u16> {
        let url = format!("ws://{}/__digest/livereload", self.host());
        let mut request = url.into_client_request().unwrap();
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("Origin", origin.parse().unwrap());
        }
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        match tungstenite::client::client(request, stream) {
            Ok((socket, response)) => {
                assert_eq!(response.status().as_u16(), 101);
                socket
                    .get_ref()
                    .set_read_timeout(Some(Duration::from_millis(100)))
                    .unwrap();
                Ok(Ws {
                    socket,
                    seen: Vec::new(),
                    last_generation: 0,
                    pending: std::collections::VecDeque::new(),
                    logs: (self.stdout.clone(), self.stderr.clone()),
                })
            }
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
                Err(response.status().as_u16())
            }
            Err(err) => panic!("websocket handshake failed: {err}"),
        }
    }

    /// A raw HTTP/1.1 GET of exactly `target` (no normalization).
    pub fn get(&self, target: &str) -> HttpResponse {
        raw_request(
            self.port,
            &format!(
                "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.host()
            ),
        )
    }

    /// Panics unless the server process is still running.
    pub fn assert_alive(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "digest serve exited with {status}\nstdout:\n{}\nstderr:\n{}",
                self.stdout.text(),
                self.stderr.text()
            );
        }
    }

    /// Both outputs, for failure messages.
    pub fn logs(&self) -> String {
        format!(
            "--- serve stdout:\n{}\n--- serve stderr:\n{}",
            self.stdout.text(),
            self.stderr.text()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One line of `digest serve --json-events`: a rebuild (`event` "rebuild", `changes` the
/// terminal's summary such as "content/a.md changed", `catch_up` what the catch-up right after
/// it wrote: related papers, search, pages left for later) or a catch-up alone (`event`
/// "catch_up"), with the report's counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Event {
    pub event: String,
    pub changes: String,
    #[serde(flatten)]
    pub counts: Counts,
    pub catch_up: Option<Counts>,
    /// Nothing is left for a later catch-up: the output matches the records.
    pub settled: bool,
}

/// The counts of a rebuild or catch-up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub records_read: usize,
    pub records_removed: usize,
    pub pages_written: usize,
    pub files_changed: usize,
    pub files_removed: usize,
    pub millis: u64,
}

impl Event {
    /// Pages the rebuild and the catch-up right after it wrote.
    pub fn all_pages_written(&self) -> usize {
        self.counts.pages_written + self.catch_up.as_ref().map_or(0, |c| c.pages_written)
    }

    /// The event of a stdout line, `None` for the lines meant for people. A line that starts
    /// like an event but does not parse is a failure, not something to skip.
    pub fn parse(line: &str) -> Option<Event> {
        if !line.starts_with("{\"event\":") {
            return None;
        }
        Some(serde_json::from_str(line).unwrap_or_else(|e| panic!("bad event line {line}: {e}")))
    }
}

/// A response read off the wire.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub status_line: String,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` as is and reads the whole response (the request must ask for
/// `Connection: close`; the body is read to EOF).
pub fn raw_request(port: u16, request: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    // A reset after the response (the server closing first) still leaves what was read.
    let _ = stream.read_to_end(&mut bytes);
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "no complete response head for {request:?}: {:?}",
                String::from_utf8_lossy(&bytes)
            )
        });
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let body = bytes[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap().to_string();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    HttpResponse {
        status,
        status_line,
        headers,
        body,
    }
}

/// Removes the injected live-reload script from a served HTML page; panics if it is missing or
/// not right before the last `</body>`.
pub fn strip_livereload(html: &str) -> String {
    let start = html
        .find("<script>(() => {\n  const url = ")
        .unwrap_or_else(|| panic!("no live-reload script in:\n{html}"));
    let end = start
        + html[start..]
            .find("})();</script>\n")
            .expect("end of the live-reload script")
        + "})();</script>\n".len();
    assert!(
        html[start..end].contains("/__digest/livereload"),
        "the injected script does not use the live-reload websocket"
    );
    let rest = &html[end..];
    if html.to_ascii_lowercase().contains("</body>") {
        assert!(
            rest.to_ascii_lowercase().starts_with("</body>"),
            "script not injected right before </body>"
        );
    }
    format!("{}{rest}", &html[..start])
}

/// `digest build --root <root> --base-url / --output <tmp>/clean --force --accept-shrink`; panics (with its
/// stderr and `context`) unless it succeeds. Returns the output folder.
pub fn clean_build(site: &Site, context: &str) -> PathBuf {
    let out = site.tmp.path().join("clean");
    let run = crate::common::digest(
        &[
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "--base-url",
            "/",
            "--output",
            out.to_str().unwrap(),
            "--force",
            // A reference to compare with, not a publish: edits remove records.
            "--accept-shrink",
        ],
        site.tmp.path(),
    );
    assert_eq!(
        run.code,
        Some(0),
        "the clean build failed\n{context}\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    out
}

/// Every folder under `dir`, relative, with `/`.
fn folders(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    fn walk(base: &Path, dir: &Path, found: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                let path = entry.path();
                found.insert(
                    path.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
                walk(base, &path, found);
            }
        }
    }
    walk(dir, dir, &mut found);
    found
}

/// How two output folders differ (files, bytes, folders); empty when identical.
pub fn tree_diff(served: &Path, clean: &Path) -> Vec<String> {
    let (a, b) = (tree(served), tree(clean));
    let mut diff = Vec::new();
    for (path, bytes) in &a {
        match b.get(path) {
            None => diff.push(format!("only in the served output: {path}")),
            Some(other) if other != bytes => diff.push(format!(
                "differs: {path}\n    served: {:.300}\n    clean:  {:.300}",
                first_difference(bytes, other).0,
                first_difference(bytes, other).1
            )),
            Some(_) => {}
        }
    }
    for path in b.keys() {
        if !a.contains_key(path) {
            diff.push(format!("missing from the served output: {path}"));
        }
    }
    let (fa, fb) = (folders(served), folders(clean));
    for extra in fa.difference(&fb) {
        diff.push(format!("folder only in the served output: {extra}/"));
    }
    for missing in fb.difference(&fa) {
        diff.push(format!("folder missing from the served output: {missing}/"));
    }
    diff
}

/// The two texts from a little before their first difference.
fn first_difference(a: &[u8], b: &[u8]) -> (String, String) {
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(60);
    (
        String::from_utf8_lossy(&a[from..]).replace('\n', "⏎"),
        String::from_utf8_lossy(&b[from..]).replace('\n', "⏎"),
    )
}

/// Waits until the served output equals a clean build of the site as it is now, reading
/// live-reload messages meanwhile (a change may take more than one rebuild); panics with the
/// difference, `context` and the server's logs after [`REBUILD_TIMEOUT`].
pub fn assert_matches_clean_build(server: &mut Server, ws: &mut Ws, site: &Site, context: &str) {
    assert_matches_clean_build_within(server, ws, site, context, REBUILD_TIMEOUT);
}

/// [`assert_matches_clean_build`] with another wait (a large site's catch-up takes longer).
pub fn assert_matches_clean_build_within(
    server: &mut Server,
    ws: &mut Ws,
    site: &Site,
    context: &str,
    timeout: Duration,
) {
    let clean = clean_build(site, context);
    let deadline = Instant::now() + timeout;
    loop {
        let diff = tree_diff(&server.out, &clean);
        if diff.is_empty() {
            return;
        }
        if Instant::now() >= deadline {
            server.assert_alive();
            panic!(
                "the served output differs from a clean build\n{context}\n{}\nwebsocket messages: {:?}\n{}",
                diff.join("\n"),
                ws.seen,
                server.logs()
            );
        }
        // Another rebuild may still be on its way.
        ws.next(Duration::from_millis(200));
    }
}

/// Waits until `path` answers `status` (a rebuild may still be moving files in).
pub fn wait_for_status(server: &Server, path: &str, status: u16) -> HttpResponse {
    let deadline = Instant::now() + REBUILD_TIMEOUT;
    loop {
        let response = server.get(path);
        if response.status == status {
            return response;
        }
        assert!(
            Instant::now() < deadline,
            "GET {path} answered {} instead of {status}\n{}",
            response.status_line,
            server.logs()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Replaces (or adds, right after the opening `+++`) a top-level front-matter key.
pub fn set_key(text: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key} = ");
    let mut found = false;
    let mut lines: Vec<String> = Vec::new();
    let mut in_front = false;
    let mut fences = 0;
    for line in text.lines() {
        if line == "+++" {
            fences += 1;
            in_front = fences == 1;
        } else if line.starts_with('[') {
            in_front = false;
        }
        if in_front && !found && line.starts_with(&prefix) {
            lines.push(format!("{prefix}{value}"));
            found = true;
        } else {
            lines.push(line.to_string());
        }
    }
    if !found {
        lines.insert(1, format!("{prefix}{value}"));
    }
    let mut joined = lines.join("\n");
    joined.push('\n');
    joined
}

/// The value text of a top-level front-matter key.
pub fn get_key(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key} = ");
    text.lines()
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
}
