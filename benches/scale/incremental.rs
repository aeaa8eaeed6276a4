//! The incremental figures: a warm `digest serve --watch`, one record edited at a time,
//! save-to-reload milliseconds seen by a live-reload websocket client.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use tungstenite::{Message, WebSocket};

use crate::corpus::{tag_names, toml_array};
use crate::measure::files;

/// One kind of edit and what it cost.
#[derive(Debug, Default)]
pub struct EditSeries {
    /// Save (write + close returned) to the reload message, ms.
    pub reload_ms: Vec<f64>,
    /// The server's own "… in M ms" figure of each rebuild (up to its first reload).
    pub server_ms: Vec<u64>,
    /// The server's figure for the catch-up after the first reload ("; then … in M ms"):
    /// related papers, the search index and pages left for later.
    pub catch_up_ms: Vec<u64>,
    /// The server's rebuild lines, as printed.
    pub lines: Vec<String>,
}

#[derive(Debug)]
pub struct Incremental {
    pub papers: usize,
    /// From spawning `digest serve` to its "serving …" line.
    pub startup_s: f64,
    pub abstract_edits: EditSeries,
    pub tag_edits: EditSeries,
    pub rss_mib: Option<f64>,
    pub hwm_mib: Option<f64>,
}

/// Kills the server and puts the edited records back, whatever happens.
struct Guard {
    child: Child,
    originals: Vec<(PathBuf, Vec<u8>)>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for (path, bytes) in self.originals.drain(..) {
            let _ = std::fs::write(path, bytes);
        }
    }
}

const REBUILD_TIMEOUT: Duration = Duration::from_secs(60);

pub fn measure(
    digest: &Path,
    site: &Path,
    papers: usize,
    output: &Path,
    edits: usize,
) -> Result<Incremental, String> {
    let records = files(&site.join("content")).map_err(|e| e.to_string())?;
    if records.len() < 2 * edits.max(1) {
        return Err("too few records to edit".into());
    }
    let started = Instant::now();
    let child = Command::new(digest)
        .arg("serve")
        .arg("--root")
        .arg(site)
        .args(["--watch", "--port", "0", "--output"])
        .arg(output)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {} serve: {e}", digest.display()))?;
    let mut guard = Guard {
        child,
        originals: Vec::new(),
    };
    let lines = stdout_lines(&mut guard.child)?;
    let port = wait_for_port(&lines, &mut guard.child)?;
    let startup_s = started.elapsed().as_secs_f64();
    println!("  serve: ready on port {port} after {startup_s:.1} s");

    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    let url = format!("ws://127.0.0.1:{port}/__digest/livereload");
    let (mut ws, _) = tungstenite::client(url.as_str(), stream)
        .map_err(|e| format!("live-reload websocket: {e}"))?;
    ws.get_ref()
        .set_read_timeout(Some(Duration::from_millis(50)))
        .map_err(|e| e.to_string())?;
    settle(&mut ws, &lines);

    let step = records.len() / (2 * edits);
    let tags = tag_names();
    let mut abstract_edits = EditSeries::default();
    let mut tag_edits = EditSeries::default();
    for k in 0..2 * edits {
        let path = &records[k * step + step / 2];
        let original = std::fs::read(path).map_err(|e| e.to_string())?;
        guard.originals.push((path.clone(), original.clone()));
        let text = String::from_utf8_lossy(&original);
        let (edited, series) = if k < edits {
            (edit_abstract(&text, k), &mut abstract_edits)
        } else {
            let new_tags = vec![
                tags[(k * 7) % tags.len()].clone(),
                tags[(k * 31 + 3) % tags.len()].clone(),
            ];
            (edit_tags(&text, &new_tags), &mut tag_edits)
        };
        std::fs::write(path, edited).map_err(|e| e.to_string())?;
        let saved = Instant::now();
        wait_for_reload(&mut ws)?;
        series
            .reload_ms
            .push(saved.elapsed().as_secs_f64() * 1000.0);
        // The server prints its line before it signals the reload.
        let mut line = next_rebuild_line(&lines)?;
        let (first, catch_up) = line.split_once("; then").unwrap_or((&line, ""));
        if let Some(ms) = server_ms(first) {
            series.server_ms.push(ms);
        }
        let mut catch_up_ms = server_ms(catch_up);
        // A catch-up that gave way goes on in lines of its own: the next edit waits for its end.
        let mut last = line.clone();
        while last.ends_with(DEFERRED) {
            last = next_rebuild_line(&lines)?;
            catch_up_ms = catch_up_ms.zip(server_ms(&last)).map(|(a, b)| a + b);
            line.push_str("\n    ");
            line.push_str(&last);
        }
        if let Some(ms) = catch_up_ms {
            series.catch_up_ms.push(ms);
        }
        series.lines.push(line);
        settle(&mut ws, &lines);
    }
    let (rss_mib, hwm_mib) = memory(guard.child.id());
    Ok(Incremental {
        papers,
        startup_s,
        abstract_edits,
        tag_edits,
        rss_mib,
        hwm_mib,
    })
}

/// The record with a new abstract: same front matter, a changed first sentence.
fn edit_abstract(record: &str, k: usize) -> String {
    match split_record(record) {
        Some((front, body)) => format!("{front}Revised abstract, edit {k}: {body}"),
        None => format!("{record}\nEdit {k}.\n"),
    }
}

/// The record with its `tags = [...]` line replaced (the abstract unchanged).
fn edit_tags(record: &str, tags: &[String]) -> String {
    let line = format!("tags = {}", toml_array(tags));
    let mut out: Vec<String> = Vec::new();
    let mut replaced = false;
    for l in record.lines() {
        if !replaced && l.starts_with("tags = ") {
            out.push(line.clone());
            replaced = true;
        } else {
            out.push(l.to_string());
        }
    }
    if !replaced {
        // No tags yet: add them after the date.
        if let Some(i) = out.iter().position(|l| l.starts_with("date = ")) {
            out.insert(i + 1, line);
        }
    }
    out.join("\n") + "\n"
}

/// `(front matter with both +++ lines, body)`.
fn split_record(record: &str) -> Option<(&str, &str)> {
    let rest = record.strip_prefix("+++\n")?;
    let end = rest.find("\n+++\n")? + 4 + "\n+++\n".len();
    Some((&record[..end], &record[end..]))
}

fn stdout_lines(child: &mut Child) -> Result<Receiver<String>, String> {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Ok(rx)
}

/// Waits for "serving http://127.0.0.1:PORT/…" (the initial build may take a while).
fn wait_for_port(lines: &Receiver<String>, child: &mut Child) -> Result<u16, String> {
    let deadline = Instant::now() + Duration::from_secs(900);
    while Instant::now() < deadline {
        match lines.recv_timeout(Duration::from_secs(1)) {
            Ok(line) => {
                println!("  serve: {line}");
                if let Some(rest) = line.strip_prefix("serving http://") {
                    let port = rest
                        .split('/')
                        .next()
                        .and_then(|hp| hp.rsplit(':').next())
                        .and_then(|p| p.parse().ok());
                    return port.ok_or_else(|| format!("cannot read the port in {line:?}"));
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(format!("digest serve exited early ({status})"));
                }
            }
            Err(_) => return Err("digest serve closed its output before serving".into()),
        }
    }
    Err("digest serve did not start within 15 minutes".into())
}

/// Lets the server go quiet: drops websocket messages and server lines for 300 ms.
fn settle(ws: &mut WebSocket<TcpStream>, lines: &Receiver<String>) {
    let until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < until {
        let _ = ws.read();
    }
    while lines.try_recv().is_ok() {}
}

fn wait_for_reload(ws: &mut WebSocket<TcpStream>) -> Result<(), String> {
    let deadline = Instant::now() + REBUILD_TIMEOUT;
    while Instant::now() < deadline {
        match ws.read() {
            Ok(Message::Text(text)) => {
                let text = text.as_str();
                if text.contains("\"type\":\"reload\"") {
                    return Ok(());
                }
                if text.contains("\"type\":\"error\"") {
                    return Err(format!("the server reported a build error: {text}"));
                }
            }
            Ok(Message::Close(_)) => return Err("the live-reload socket was closed".into()),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(format!("live-reload socket: {e}")),
        }
    }
    Err(format!("no reload within {} s", REBUILD_TIMEOUT.as_secs()))
}

/// The server's next "…: K pages written, F files removed in M ms" line.
fn next_rebuild_line(lines: &Receiver<String>) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match lines.recv_timeout(Duration::from_millis(100)) {
            Ok(line) if line.contains(" written") => return Ok(line),
            Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(_) => break,
        }
    }
    Ok(String::from("(no rebuild line)"))
}

/// The end of a server line whose catch-up gave way to a change and goes on after it.
const DEFERRED: &str = " (the rest after the next change)";

/// M from "… in M ms" (also before [`DEFERRED`]).
fn server_ms(line: &str) -> Option<u64> {
    let line = line.strip_suffix(DEFERRED).unwrap_or(line);
    let rest = &line[line.rfind(" in ")? + 4..];
    rest.strip_suffix(" ms")?.trim().parse().ok()
}

/// Current and peak resident set size of a process, from /proc.
fn memory(pid: u32) -> (Option<f64>, Option<f64>) {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return (None, None);
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map(|kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
