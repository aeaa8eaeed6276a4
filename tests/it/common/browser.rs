//! A headless Chromium driven over the Chrome DevTools Protocol (CDP), for the browser tests.
//!
//! Use it as `crate::common::browser`.
//!
//! ```ignore
//! let chromium = Chromium::start();
//! let mut page = chromium.page();
//! page.emulate_color_scheme("dark");
//! page.navigate("http://127.0.0.1:8080/");
//! let title = page.eval("document.title");
//! page.click_selector("input[type=search]");
//! page.insert_text("diffusion");
//! page.press_key("Enter");
//! page.wait_for_js("results", "document.querySelectorAll('.result').length > 0", WAIT);
//! ```
//!
//! The browser is `$CHROMIUM` or `/usr/bin/chromium`; without it the tests fail (never skip) and
//! say how to install it. The browser runs in its own process group, killed when [`Chromium`] is
//! dropped, with a temporary profile.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::WebSocket;
use tungstenite::protocol::Message;

/// How often the wait helpers look again.
pub const POLL: Duration = Duration::from_millis(50);
/// How long a DevTools command may take to answer (evaluations included).
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the browser may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// The window (and so the layout viewport) of every page.
pub const WINDOW: (u32, u32) = (1280, 900);

/// A headless Chromium in its own process group (the whole group is killed on drop), with a
/// temporary profile.
pub struct Chromium {
    child: Child,
    stderr: crate::common::Lines,
    devtools_url: String,
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts the browser and waits for its DevTools address. Panics, saying how to install it,
    /// when there is no browser.
    pub fn start() -> Chromium {
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        assert!(
            Path::new(&binary).exists(),
            "{binary} does not exist: the browser tests need Chromium. Install it (Debian/Ubuntu: \
             `apt-get install -y chromium`) or set CHROMIUM to the path of a Chromium or Chrome binary"
        );
        let profile = tempfile::tempdir().expect("temp dir for the Chromium profile");
        let mut child = Command::new(&binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--mute-audio",
            ])
            .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(["--remote-debugging-port=0", "about:blank"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let stderr = crate::common::Lines::collect(child.stderr.take().unwrap());
        let mut chromium = Chromium {
            child,
            stderr,
            devtools_url: String::new(),
            _profile: profile,
        };
        chromium.devtools_url = chromium.wait_devtools_url();
        chromium
    }

    /// The browser's DevTools websocket URL, from its `DevTools listening on ws://…` line.
    fn wait_devtools_url(&mut self) -> String {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(line) = self
                .stderr
                .find(|l| l.contains("DevTools listening on ws://"))
            {
                let at = line.find("ws://").unwrap();
                return line[at..].trim().to_string();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromium exited with {status}:\n{}", self.stderr.text());
            }
            assert!(
                Instant::now() < deadline,
                "chromium did not print its DevTools address within {START_TIMEOUT:?}:\n{}",
                self.stderr.text()
            );
            std::thread::sleep(POLL);
        }
    }

    /// The browser-level DevTools websocket URL.
    pub fn devtools_url(&self) -> &str {
        &self.devtools_url
    }

    /// What the browser printed on stderr so far.
    pub fn logs(&self) -> String {
        self.stderr.text()
    }

    /// A new tab (page target) showing `about:blank`, attached over its own connection, with the
    /// `Page` and `Runtime` domains enabled (so load events, console messages and exceptions are
    /// recorded).
    pub fn page(&self) -> Page {
        let mut cdp = Cdp::connect(&self.devtools_url);
        let target = cdp
            .call("Target.createTarget", json!({ "url": "about:blank" }))
            .unwrap_or_else(|e| panic!("Target.createTarget: {e}"));
        let target_id = target["targetId"].as_str().unwrap().to_string();
        let attached = cdp
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target_id, "flatten": true }),
            )
            .unwrap_or_else(|e| panic!("Target.attachToTarget: {e}"));
        cdp.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        let mut page = Page { cdp, target_id };
        page.send("Page.enable", json!({}));
        page.send("Runtime.enable", json!({}));
        page
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

/// A DevTools Protocol connection to the browser, optionally bound to one (flattened) session.
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
        let stream = TcpStream::connect(host)
            .unwrap_or_else(|e| panic!("cannot connect to DevTools at {host}: {e}"));
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let (socket, _) = tungstenite::client::client(url, stream)
            .unwrap_or_else(|e| panic!("DevTools websocket handshake with {url}: {e}"));
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

    /// Calls a method (in the session when there is one): the result, or the protocol error.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::Text(message.to_string().into()))
            .unwrap_or_else(|e| panic!("DevTools send of {method}: {e}"));
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            if let Some(reply) = self.read()
                && reply["id"] == json!(id)
            {
                return match reply.get("error") {
                    Some(error) => Err(format!("{method} failed: {error}")),
                    None => Ok(reply["result"].clone()),
                };
            }
            assert!(
                Instant::now() < deadline,
                "no DevTools reply to {method} within {CALL_TIMEOUT:?}"
            );
        }
    }
}

/// One tab of the browser, driven over its own DevTools session.
pub struct Page {
    cdp: Cdp,
    target_id: String,
}

impl Page {
    /// Calls a DevTools method in this page's session: the result or the protocol error.
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.cdp.call(method, params)
    }

    /// Calls a DevTools method in this page's session; panics on a protocol error.
    pub fn send(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("DevTools: {e}"))
    }

    /// Calls a browser-level DevTools method (outside the page session).
    pub fn call_browser(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let session = self.cdp.session.take();
        let result = self.cdp.call(method, params);
        self.cdp.session = session;
        result
    }

    /// The page's target id.
    pub fn target_id(&self) -> &str {
        &self.target_id
    }

    // Events

    /// Events received so far (since the last [`Page::clear_events`]), oldest first.
    pub fn events(&self) -> &[Value] {
        &self.cdp.events
    }

    /// Forgets the events received so far.
    pub fn clear_events(&mut self) {
        self.cdp.events.clear();
    }

    /// Reads what has arrived on the connection for up to `time` (events are stored).
    pub fn pump(&mut self, time: Duration) {
        let deadline = Instant::now() + time;
        while Instant::now() < deadline {
            self.cdp.read();
        }
    }

    /// Waits for an event (among the stored ones, then new ones) satisfying `wanted`; returns it.
    /// Panics after `timeout` with the names of the events seen.
    pub fn wait_event(
        &mut self,
        what: &str,
        timeout: Duration,
        wanted: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        let mut seen = 0;
        loop {
            if let Some(event) = self.cdp.events[seen..].iter().find(|e| wanted(e)) {
                return event.clone();
            }
            seen = self.cdp.events.len();
            if Instant::now() >= deadline {
                let names: Vec<&str> = self
                    .cdp
                    .events
                    .iter()
                    .filter_map(|e| e["method"].as_str())
                    .collect();
                panic!(
                    "no {what} within {timeout:?}; events seen: {names:?}\n{}",
                    self.console_text()
                );
            }
            self.cdp.read();
        }
    }

    /// The console messages and uncaught exceptions of the page so far (from the stored
    /// events), one a line, for failure messages.
    pub fn console_text(&self) -> String {
        let mut lines = Vec::new();
        for event in &self.cdp.events {
            match event["method"].as_str() {
                Some("Runtime.consoleAPICalled") => {
                    let args: Vec<String> = event["params"]["args"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|a| match &a["value"] {
                            Value::String(s) => s.clone(),
                            Value::Null => a["description"].as_str().unwrap_or("").to_string(),
                            other => other.to_string(),
                        })
                        .collect();
                    lines.push(format!(
                        "console.{}: {}",
                        event["params"]["type"].as_str().unwrap_or("log"),
                        args.join(" ")
                    ));
                }
                Some("Runtime.exceptionThrown") => {
                    let details = &event["params"]["exceptionDetails"];
                    let text = details["exception"]["description"]
                        .as_str()
                        .or(details["text"].as_str())
                        .unwrap_or("?");
                    lines.push(format!("uncaught exception: {text}"));
                }
                _ => {}
            }
        }
        if lines.is_empty() {
            "(no console messages)".into()
        } else {
            format!("console of the page:\n{}", lines.join("\n"))
        }
    }

    // Navigation and evaluation

    /// Navigates to `url` and waits (up to 30 s) for its load event. Panics when the navigation
    /// fails (an HTTP error status is not a failure: the error page loads).
    pub fn navigate(&mut self, url: &str) {
        self.navigate_timeout(url, Duration::from_secs(30));
    }

    pub fn navigate_timeout(&mut self, url: &str, timeout: Duration) {
        self.clear_events();
        let result = self.send("Page.navigate", json!({ "url": url }));
        if let Some(error) = result["errorText"].as_str() {
            panic!("navigation to {url} failed: {error}");
        }
        self.wait_event(&format!("load event of {url}"), timeout, |e| {
            e["method"] == json!("Page.loadEventFired")
        });
    }

    /// Navigates to `url` without waiting for anything.
    pub fn navigate_no_wait(&mut self, url: &str) {
        let result = self.send("Page.navigate", json!({ "url": url }));
        if let Some(error) = result["errorText"].as_str() {
            panic!("navigation to {url} failed: {error}");
        }
    }

    /// Adds a script run in every new document of the page before its own scripts.
    pub fn add_init_script(&mut self, source: &str) {
        self.send(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": source }),
        );
    }

    /// Evaluates a JavaScript expression in the page, awaiting it if it is a promise; its value
    /// (as JSON: `undefined` is `Null`), or the exception's description.
    pub fn try_eval(&mut self, expression: &str) -> Result<Value, String> {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            let text = details["exception"]["description"]
                .as_str()
                .or(details["text"].as_str())
                .unwrap_or("exception");
            return Err(format!("{text}\n(evaluating: {})", shorten(expression)));
        }
        Ok(result["result"]
            .get("value")
            .cloned()
            .unwrap_or(Value::Null))
    }

    /// Evaluates an expression (awaiting promises); panics with the exception and the page's
    /// console when it throws.
    pub fn eval(&mut self, expression: &str) -> Value {
        match self.try_eval(expression) {
            Ok(value) => value,
            Err(error) => panic!("JavaScript failed: {error}\n{}", self.console_text()),
        }
    }

    /// The page's current URL.
    pub fn url(&mut self) -> String {
        self.eval("location.href")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    // Waiting

    /// Calls `probe` until it returns `Ok`; panics after `timeout` with the last `Err` (a
    /// description of the state seen) and the page's console.
    pub fn wait_for<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        mut probe: impl FnMut(&mut Page) -> Result<T, String>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            let last = match probe(self) {
                Ok(value) => return value,
                Err(last) => last,
            };
            if Instant::now() >= deadline {
                panic!(
                    "{what}: not within {timeout:?}; last seen: {last}\n{}",
                    self.console_text()
                );
            }
            self.pump(POLL);
        }
    }

    /// Waits until the expression evaluates to a truthy value; returns that value. On a timeout
    /// the panic shows the last value or exception.
    pub fn wait_for_js(&mut self, what: &str, expression: &str, timeout: Duration) -> Value {
        self.wait_for(what, timeout, |page| match page.try_eval(expression) {
            Ok(value) if truthy(&value) => Ok(value),
            Ok(value) => Err(format!("`{}` was {value}", shorten(expression))),
            Err(error) => Err(error),
        })
    }

    /// Waits until the document is loaded (`document.readyState == "complete"`).
    pub fn wait_loaded(&mut self, timeout: Duration) {
        self.wait_for_js(
            "document loaded",
            "document.readyState === 'complete'",
            timeout,
        );
    }

    // Emulation

    /// Emulates `prefers-color-scheme: light` or `dark` (for this page, across navigations).
    pub fn emulate_color_scheme(&mut self, scheme: &str) {
        self.send(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
    }

    /// Emulates a viewport of `width`×`height` CSS pixels (`mobile` for a phone's meta viewport).
    pub fn emulate_viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.send(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        );
    }

    // Input

    /// Presses and releases a key: a printable character ("a", "/"), or a name: Enter, Tab,
    /// Escape, Backspace, Delete, Space, ArrowUp/Down/Left/Right, Home, End, PageUp, PageDown.
    pub fn press_key(&mut self, key: &str) {
        self.press_key_with(key, 0);
    }

    /// Like [`Page::press_key`] with modifiers: 1 Alt, 2 Ctrl, 4 Meta, 8 Shift (so Shift+Tab
    /// is `press_key_with("Tab", 8)`).
    pub fn press_key_with(&mut self, key: &str, modifiers: u32) {
        let (key_name, code, key_code, text) = key_info(key);
        let mut down = json!({
            "type": if text.is_empty() { "rawKeyDown" } else { "keyDown" },
            "key": key_name,
            "code": code,
            "windowsVirtualKeyCode": key_code,
            "nativeVirtualKeyCode": key_code,
            "modifiers": modifiers,
        });
        if !text.is_empty() {
            down["text"] = json!(text);
            down["unmodifiedText"] = json!(text);
        }
        self.send("Input.dispatchKeyEvent", down);
        self.send(
            "Input.dispatchKeyEvent",
            json!({
                "type": "keyUp",
                "key": key_name,
                "code": code,
                "windowsVirtualKeyCode": key_code,
                "nativeVirtualKeyCode": key_code,
                "modifiers": modifiers,
            }),
        );
    }

    /// Types text key by key (key events for each character, as a user typing).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press_key(&c.to_string());
        }
    }

    /// Inserts text into the focused element at once (like an IME or a paste: `input` events,
    /// no key events).
    pub fn insert_text(&mut self, text: &str) {
        self.send("Input.insertText", json!({ "text": text }));
    }

    /// Clicks (left button) at a point of the viewport, in CSS pixels.
    pub fn click_at(&mut self, x: f64, y: f64) {
        self.send(
            "Input.dispatchMouseEvent",
            json!({ "type": "mouseMoved", "x": x, "y": y }),
        );
        for kind in ["mousePressed", "mouseReleased"] {
            self.send(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1 }),
            );
        }
    }

    /// Scrolls the first element matching `selector` into view and clicks its centre. Panics
    /// when there is no such element or it has no size.
    pub fn click_selector(&mut self, selector: &str) {
        let selector_js = serde_json::to_string(selector).unwrap();
        let rect = self.eval(&format!(
            "(() => {{ const e = document.querySelector({selector_js}); if (!e) return null; \
             e.scrollIntoView({{ block: 'center', inline: 'center' }}); \
             const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2, r.width, r.height]; }})()"
        ));
        let Some(rect) = rect.as_array() else {
            panic!("click: no element matches {selector}")
        };
        let n = |i: usize| rect[i].as_f64().unwrap();
        assert!(
            n(2) > 0.0 && n(3) > 0.0,
            "click: {selector} has no size ({}×{})",
            n(2),
            n(3)
        );
        self.click_at(n(0), n(1));
    }

    /// Focuses the first element matching `selector` (panics when none).
    pub fn focus_selector(&mut self, selector: &str) {
        let selector_js = serde_json::to_string(selector).unwrap();
        let found = self.eval(&format!(
            "(() => {{ const e = document.querySelector({selector_js}); if (!e) return false; e.focus(); return true; }})()"
        ));
        assert_eq!(found, json!(true), "focus: no element matches {selector}");
    }

    /// Closes the tab.
    pub fn close(mut self) {
        let target = json!({ "targetId": self.target_id });
        let _ = self.call_browser("Target.closeTarget", target);
    }
}

/// JavaScript truthiness of a JSON value.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn shorten(expression: &str) -> String {
    let one_line = expression.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 200 {
        format!("{}…", one_line.chars().take(200).collect::<String>())
    } else {
        one_line
    }
}

/// The DOM key, the physical code, the Windows virtual key code and the text of a key.
fn key_info(key: &str) -> (String, String, u32, String) {
    let named = |k: &str, code: &str, vk: u32, text: &str| {
        (k.to_string(), code.to_string(), vk, text.to_string())
    };
    match key {
        "Enter" => named("Enter", "Enter", 13, "\r"),
        "Tab" => named("Tab", "Tab", 9, ""),
        "Escape" => named("Escape", "Escape", 27, ""),
        "Backspace" => named("Backspace", "Backspace", 8, ""),
        "Delete" => named("Delete", "Delete", 46, ""),
        "Space" | " " => named(" ", "Space", 32, " "),
        "ArrowLeft" => named("ArrowLeft", "ArrowLeft", 37, ""),
        "ArrowUp" => named("ArrowUp", "ArrowUp", 38, ""),
        "ArrowRight" => named("ArrowRight", "ArrowRight", 39, ""),
        "ArrowDown" => named("ArrowDown", "ArrowDown", 40, ""),
        "Home" => named("Home", "Home", 36, ""),
        "End" => named("End", "End", 35, ""),
        "PageUp" => named("PageUp", "PageUp", 33, ""),
        "PageDown" => named("PageDown", "PageDown", 34, ""),
        _ => {
            let mut chars = key.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                panic!("press_key: unknown key {key:?} (a single character or a key name)");
            };
            let (code, vk) = if c.is_ascii_alphabetic() {
                let upper = c.to_ascii_uppercase();
                (format!("Key{upper}"), upper as u32)
            } else if c.is_ascii_digit() {
                (format!("Digit{c}"), c as u32)
            } else {
                (String::new(), 0)
            };
            (c.to_string(), code, vk, c.to_string())
        }
    }
}

// A static file server for built sites

/// Serves `root` over HTTP on `listener` from a thread, under the URL path `prefix` (`/` or
/// `/repo/`, like a GitHub Pages project site): `GET <prefix>dir/` is `dir/index.html`, a
/// missing file is `404.html` with status 404.
pub fn serve_static(listener: TcpListener, root: PathBuf, prefix: &'static str) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &root, prefix);
            });
        }
    });
}

fn answer(mut stream: TcpStream, root: &Path, prefix: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(path) = path.strip_prefix(prefix).map(|p| format!("/{p}")) else {
        write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        return stream.flush();
    };
    let path = path.as_str();
    let mut file = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file.push("index.html");
    }
    let (status, file) = if !path.contains("..") && file.is_file() {
        ("200 OK", file)
    } else {
        ("404 Not Found", root.join("404.html"))
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        // GitHub Pages serves .xsl as XML too.
        Some("xml" | "xsl") => "application/xml; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}
