//! The live-reload websocket as a test sees it: the documented JSON messages, checked as they
//! come (reload generations increase), and the `open <page>` message browsers send.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use tungstenite::WebSocket;
use tungstenite::protocol::Message;

use super::{Lines, REBUILD_TIMEOUT};

/// A message of the live-reload websocket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    Reload(u64),
    Error(String),
    Ok,
}

/// The live-reload websocket client; remembers every message it received.
pub struct Ws {
    pub socket: WebSocket<TcpStream>,
    pub seen: Vec<Signal>,
    pub(super) last_generation: u64,
    /// Messages read while waiting for something else ([`Ws::open`]), for [`Ws::next`].
    pub(super) pending: std::collections::VecDeque<String>,
    /// The server's stdout and stderr, for failure messages.
    pub(super) logs: (Lines, Lines),
}

impl Ws {
    /// The next message, or `None` after `timeout`. Panics on anything that is not one of the
    /// three documented JSON messages, and on reload generations that do not increase.
    pub fn next(&mut self, timeout: Duration) -> Option<Signal> {
        let deadline = Instant::now() + timeout;
        loop {
            let read = match self.pending.pop_front() {
                Some(text) => Ok(Message::Text(text.into())),
                None => self.socket.read(),
            };
            match read {
                Ok(Message::Text(text)) => {
                    let signal = parse_signal(&text);
                    if let Signal::Reload(generation) = signal {
                        assert!(
                            generation > self.last_generation,
                            "reload generation {generation} after {}",
                            self.last_generation
                        );
                        self.last_generation = generation;
                    }
                    self.seen.push(signal.clone());
                    return Some(signal);
                }
                Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {}
                Ok(other) => panic!("unexpected websocket message {other:?}"),
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(err) => panic!(
                    "websocket: {err}; messages so far: {:?}\n{}",
                    self.seen,
                    self.logs()
                ),
            }
            if Instant::now() >= deadline {
                return None;
            }
        }
    }

    /// Reads messages until one satisfies `wanted` (skipping others); panics after `timeout`.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        wanted: impl Fn(&Signal) -> bool,
    ) -> Signal {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left) {
                Some(signal) if wanted(&signal) => return signal,
                Some(_) => {}
                None => panic!(
                    "no {what} message within {timeout:?}; messages so far: {:?}\n{}",
                    self.seen,
                    self.logs()
                ),
            }
        }
    }

    /// The server's output so far.
    pub fn logs(&self) -> String {
        format!(
            "--- serve stdout:\n{}\n--- serve stderr:\n{}",
            self.logs.0.text(),
            self.logs.1.text()
        )
    }

    /// Drops messages already waiting (returns them).
    pub fn drain(&mut self) -> Vec<Signal> {
        let mut drained = Vec::new();
        while let Some(signal) = self.next(Duration::ZERO) {
            drained.push(signal);
        }
        drained
    }

    pub fn send(&mut self, message: Message) {
        self.socket.send(message).expect("websocket send");
    }

    /// Says which page this "browser" shows (`open <path>`, as the live-reload script does)
    /// and waits until the server has taken it in: it handles one message at a time and
    /// answers a ping sent after it only once it has read that ping, so the pong comes back
    /// after the page was recorded.
    pub fn open(&mut self, path: &str) {
        self.send(Message::Text(format!("open {path}").into()));
        let token = format!("open {path}");
        self.send(Message::Ping(token.clone().into_bytes().into()));
        let deadline = Instant::now() + REBUILD_TIMEOUT;
        loop {
            match self.socket.read() {
                Ok(Message::Pong(data)) if data.as_ref() == token.as_bytes() => return,
                Ok(Message::Text(text)) => self.pending.push_back(text.to_string()),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(err) => panic!("websocket: {err}\n{}", self.logs()),
            }
            assert!(
                Instant::now() < deadline,
                "no pong for `open {path}` within {REBUILD_TIMEOUT:?}\n{}",
                self.logs()
            );
        }
    }
}

/// Waits for the next `reload` message (skipping others); returns its generation.
pub fn wait_for_reload(ws: &mut Ws) -> u64 {
    match ws.wait_for("reload", REBUILD_TIMEOUT, |s| {
        matches!(s, Signal::Reload(_))
    }) {
        Signal::Reload(generation) => generation,
        _ => unreachable!(),
    }
}

/// Waits for the next `error` message (skipping others); returns its text.
pub fn wait_for_error(ws: &mut Ws) -> String {
    match ws.wait_for("error", REBUILD_TIMEOUT, |s| matches!(s, Signal::Error(_))) {
        Signal::Error(message) => message,
        _ => unreachable!(),
    }
}

fn parse_signal(text: &str) -> Signal {
    let value: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    match value["type"].as_str() {
        Some("reload") => Signal::Reload(
            value["generation"]
                .as_u64()
                .unwrap_or_else(|| panic!("reload without generation: {text}")),
        ),
        Some("error") => Signal::Error(
            value["message"]
                .as_str()
                .unwrap_or_else(|| panic!("error without message: {text}"))
                .to_string(),
        ),
        Some("ok") => Signal::Ok,
        _ => panic!("unknown live-reload message: {text}"),
    }
}
