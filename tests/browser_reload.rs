//! A real headless Chromium, driven over the Chrome DevTools Protocol, reloads a page of the
//! preview by itself when a record is edited, and shows (then hides) the error overlay when the
//! record is broken (then fixed).
//!
//! Needs `/usr/bin/chromium` (Debian: `apt-get install chromium`; or set `CHROMIUM` to another
//! path). Without it the test fails: CI installs it.

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::WebSocket;
use tungstenite::protocol::Message;

use common::Site;
use serve::{Lines, Server, set_key};

const POLL: Duration = Duration::from_millis(50);

/// Chromium in its own process group; the whole group is killed on drop.
struct Chromium {
    child: Child,
    stderr: Lines,
}

impl Chromium {
    fn start(profile: &Path) -> Chromium {
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        assert!(
            Path::new(&binary).exists(),
            "{binary} does not exist: install Chromium (Debian: `apt-get install -y chromium`) to run the browser live-reload test"
        );
        let mut child = Command::new(&binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(["--remote-debugging-port=0", "about:blank"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let stderr = Lines::collect(child.stderr.take().unwrap());
        Chromium { child, stderr }
    }

    /// The browser's DevTools websocket URL, from its `DevTools listening on ws://…` line.
    fn devtools_url(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(line) = self
                .stderr
                .wait_for(0, POLL, |l| l.contains("DevTools listening on ws://"))
            {
                let at = line.find("ws://").unwrap();
                return line[at..].trim().to_string();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromium exited with {status}:\n{}", self.stderr.text());
            }
            assert!(
                Instant::now() < deadline,
                "chromium did not print its DevTools address:\n{}",
                self.stderr.text()
            );
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // The process group of the browser (renderers, zygote …), by its id.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A DevTools Protocol connection to the browser, with one page session.
struct Cdp {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    events: Vec<Value>,
    session: Option<String>,
}

impl Cdp {
    fn connect(url: &str) -> Cdp {
        let rest = url.strip_prefix("ws://").unwrap();
        let host = rest.split('/').next().unwrap();
        let stream = TcpStream::connect(host).expect("connect to DevTools");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let (socket, _) = tungstenite::client::client(url, stream).expect("DevTools handshake");
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        Cdp {
            socket,
            next_id: 0,
            events: Vec::new(),
            session: None,
        }
    }

    /// Reads one message (an event is stored), `None` on a read timeout.
    fn read(&mut self) -> Option<Value> {
        match self.socket.read() {
            Ok(Message::Text(text)) => {
                let value: Value = serde_json::from_str(&text).expect("DevTools JSON");
                if value.get("id").is_none() {
                    self.events.push(value.clone());
                }
                Some(value)
            }
            Ok(_) => None,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                None
            }
            Err(err) => panic!("DevTools connection: {err}"),
        }
    }

    /// Calls a method (in the page session once attached); the result or the protocol error.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::Text(message.to_string().into()))
            .expect("DevTools send");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(reply) = self.read()
                && reply["id"] == json!(id)
            {
                return match reply.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(reply["result"].clone()),
                };
            }
            assert!(Instant::now() < deadline, "no DevTools reply to {method}");
        }
    }

    /// Evaluates an expression in the page; `None` while the page is between documents.
    fn eval(&mut self, expression: &str) -> Option<Value> {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true }),
            )
            .ok()?;
        if result.get("exceptionDetails").is_some() {
            return None;
        }
        Some(result["result"]["value"].clone())
    }

    /// Waits for an event of the page session satisfying `wanted`.
    fn wait_event(&mut self, what: &str, timeout: Duration, wanted: impl Fn(&Value) -> bool) {
        let deadline = Instant::now() + timeout;
        let mut seen = 0;
        loop {
            if self.events[seen..].iter().any(&wanted) {
                return;
            }
            seen = self.events.len();
            assert!(Instant::now() < deadline, "no {what} within {timeout:?}");
            self.read();
        }
    }
}

/// The page's `<h1>` text, whether `window.__marker` is set, and the overlay's text.
fn page_state(cdp: &mut Cdp) -> Option<(String, bool, Option<String>)> {
    let value = cdp.eval(
        r#"JSON.stringify({
            h1: document.querySelector("h1") ? document.querySelector("h1").textContent.trim() : null,
            marker: typeof window.__marker !== "undefined",
            overlay: document.getElementById("digest-error-overlay") ? document.getElementById("digest-error-overlay").textContent : null,
            ready: document.readyState
        })"#,
    )?;
    let state: Value = serde_json::from_str(value.as_str()?).ok()?;
    if state["ready"] != json!("complete") {
        return None;
    }
    Some((
        state["h1"].as_str()?.to_string(),
        state["marker"].as_bool()?,
        state["overlay"].as_str().map(str::to_string),
    ))
}

/// Polls the page until `done` holds; panics with the last state after `timeout`.
fn wait_page(
    cdp: &mut Cdp,
    server: &Server,
    what: &str,
    timeout: Duration,
    done: impl Fn(&(String, bool, Option<String>)) -> bool,
) -> (String, bool, Option<String>) {
    let deadline = Instant::now() + timeout;
    let mut last = None;
    loop {
        if let Some(state) = page_state(cdp) {
            if done(&state) {
                return state;
            }
            last = Some(state);
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {timeout:?}; last page state (h1, marker set, overlay): {last:?}\n{}",
            server.logs()
        );
        std::thread::sleep(POLL);
    }
}

/// Waits until the page's live-reload websocket is connected (its handshake answered 101): a
/// change made before that would be missed.
fn wait_livereload_connected(cdp: &mut Cdp) {
    cdp.wait_event(
        "live-reload websocket connection",
        Duration::from_secs(15),
        |e| {
            e["method"] == json!("Network.webSocketHandshakeResponseReceived")
                && e["params"]["response"]["status"] == json!(101)
        },
    );
}

#[test]
fn chromium_reloads_by_itself_and_shows_build_errors() {
    let profile = tempfile::tempdir().unwrap();
    let mut chromium = Chromium::start(profile.path());
    let site = Site::fixture("small");
    let server = Server::start(&site);

    let mut cdp = Cdp::connect(&chromium.devtools_url());
    let target = cdp
        .call("Target.createTarget", json!({ "url": "about:blank" }))
        .expect("Target.createTarget");
    let attached = cdp
        .call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        )
        .expect("Target.attachToTarget");
    cdp.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    cdp.call("Network.enable", json!({}))
        .expect("Network.enable");
    cdp.call("Runtime.enable", json!({}))
        .expect("Runtime.enable");

    let url = server.url("/papers/jukebox/");
    cdp.call("Page.navigate", json!({ "url": url }))
        .expect("Page.navigate");
    wait_page(
        &mut cdp,
        &server,
        "the first load",
        Duration::from_secs(30),
        |s| s.0 == "Jukebox: A Generative Model for Music",
    );
    wait_livereload_connected(&mut cdp);
    cdp.events.clear();
    assert_eq!(cdp.eval("window.__marker = 1"), Some(json!(1)));

    // An edit: the page reloads by itself (the marker is gone) and shows the new title.
    let original = site.read("content/jukebox.md");
    site.write(
        "content/jukebox.md",
        &set_key(&original, "title", "\"Jukebox Reloaded In The Browser\""),
    );
    wait_page(
        &mut cdp,
        &server,
        "reload after an edit",
        Duration::from_secs(10),
        |s| s.0 == "Jukebox Reloaded In The Browser" && !s.1,
    );

    // A broken record: the overlay shows the problem as text; the page is not reloaded.
    wait_livereload_connected(&mut cdp);
    cdp.events.clear();
    assert_eq!(cdp.eval("window.__marker = 2"), Some(json!(2)));
    // Invalid TOML (an unterminated string) on a line with markup, which the problem text quotes.
    let broken = "+++\ntitle = \"<img src=x onerror=window.__xss=1> Broken\ndate = 2025-01-31\n+++\n\nAbstract.\n";
    site.write("content/jukebox.md", broken);
    let state = wait_page(
        &mut cdp,
        &server,
        "error overlay",
        Duration::from_secs(10),
        |s| s.2.is_some(),
    );
    let overlay = state.2.unwrap();
    assert!(
        overlay.contains("content/jukebox.md"),
        "the overlay does not name the file:\n{overlay}"
    );
    eprintln!("overlay text:\n{overlay}");
    assert!(state.1, "the page reloaded on an error");
    assert_eq!(state.0, "Jukebox Reloaded In The Browser");
    assert_eq!(
        cdp.eval("typeof window.__xss"),
        Some(json!("undefined")),
        "the overlay ran markup from the problem text"
    );

    // Fixed: the overlay goes and the page reloads with the fixed title.
    site.write(
        "content/jukebox.md",
        &set_key(&original, "title", "\"Jukebox Fixed In The Browser\""),
    );
    wait_page(
        &mut cdp,
        &server,
        "reload after the fix",
        Duration::from_secs(10),
        |s| s.0 == "Jukebox Fixed In The Browser" && !s.1 && s.2.is_none(),
    );

    cdp.session = None;
    let _ = cdp.call("Browser.close", json!({}));
    drop(chromium);
}
