//! How fast a structural edit settles in `digest serve --watch`: on a warm server of a large
//! corpus, records are edited one at a time (a tag change, then a date change, alternating) and
//! each edit is timed from the save to the last file the server wrote for it, when every page,
//! related list and search file matches the records again.
//!
//! ```sh
//! cargo bench --bench settle -- --corpus DIR [--work DIR] [--edits 50] [--quiet-ms 1500] [--keep]
//! ```
//!
//! `--corpus` is a digest site (a corpus the scale bench generated, e.g.
//! `WORK/digest-100000`); it is only read. The bench makes its own site in `--work` (default
//! `$TMPDIR/digest-settle-bench`, emptied first and removed at the end unless `--keep`): a copy
//! of `site.toml`, and `content/` as one symbolic link per record except the records it edits,
//! which are copies. It serves that site with `--json-events` and reads the server's events: an
//! event is printed after the files it reports are in place, and its `settled` says whether
//! anything is left for later. An edit has settled at the last event that wrote something,
//! once an event said `settled` and the server stayed quiet for `--quiet-ms`.
//!
//! The release `digest` built beside the bench is used, or `DIGEST_BIN`. `DIGEST_TIMINGS=1`
//! is passed on: the server's phases go to standard error.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo bench --bench settle -- --corpus DIR [--work DIR] [--edits 50] \
[--quiet-ms 1500] [--keep]";

/// A file in the work folder saying the bench made it, so that it may empty it.
const MARKER: &str = ".digest-settle-bench";

/// How long an edit may take to settle before the bench gives up.
const EDIT_TIMEOUT: Duration = Duration::from_secs(60);

struct Options {
    corpus: PathBuf,
    work: PathBuf,
    edits: usize,
    quiet: Duration,
    keep: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut corpus = None;
    let mut o = Options {
        corpus: PathBuf::new(),
        work: std::env::temp_dir().join("digest-settle-bench"),
        edits: 50,
        quiet: Duration::from_millis(1500),
        keep: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--corpus" => corpus = Some(PathBuf::from(value("--corpus")?)),
            "--work" => o.work = PathBuf::from(value("--work")?),
            "--edits" => {
                o.edits = value("--edits")?
                    .parse()
                    .map_err(|e| format!("--edits: {e}"))?
            }
            "--quiet-ms" => {
                o.quiet = Duration::from_millis(
                    value("--quiet-ms")?
                        .parse()
                        .map_err(|e| format!("--quiet-ms: {e}"))?,
                )
            }
            "--keep" => o.keep = true,
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    o.corpus = corpus.ok_or(format!("--corpus is required\n{USAGE}"))?;
    if o.edits == 0 {
        return Err("--edits: at least 1".into());
    }
    Ok(o)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// The kind of an edit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tags,
    Date,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Tags => "tags",
            Kind::Date => "date",
        }
    }
}

/// What one edit cost.
struct Edit {
    kind: Kind,
    /// Save to the last event that wrote something, ms.
    settled_ms: f64,
    /// The server's own figures: the rebuild up to the first reload, and the catch-ups after.
    server_ms: u64,
    catch_up_ms: u64,
    pages: u64,
}

fn run() -> Result<(), String> {
    let o = parse_args()?;
    let digest = digest_binary()?;
    let targets = make_site(&o.corpus, &o.work, o.edits)?;
    let site = o.work.join("site");
    let out = o.work.join("out");
    println!(
        "settle: {} edits of {} (site in {}, digest {})",
        o.edits,
        o.corpus.display(),
        o.work.display(),
        digest.display()
    );
    let started = Instant::now();
    let mut server = Server(
        Command::new(&digest)
            .args(["serve", "--root"])
            .arg(&site)
            .args(["--watch", "--json-events", "--port", "0", "--output"])
            .arg(&out)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {} serve: {e}", digest.display()))?,
    );
    let lines = stdout_lines(&mut server.0)?;
    wait_for_serving(&lines, &mut server.0)?;
    println!("  ready after {:.1} s", started.elapsed().as_secs_f64());
    quiet(&lines, Duration::from_secs(2));

    let mut edits = Vec::new();
    for (k, path) in targets.iter().enumerate() {
        let kind = if k % 2 == 0 { Kind::Tags } else { Kind::Date };
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let donor = &targets[(k + 1) % targets.len()];
        let edited = match kind {
            Kind::Tags => {
                let other = std::fs::read_to_string(donor).map_err(|e| e.to_string())?;
                edit_tags(&text, &other, k)
            }
            Kind::Date => edit_date(&text, k)?,
        };
        std::fs::write(path, edited).map_err(|e| format!("{}: {e}", path.display()))?;
        let saved = Instant::now();
        let edit = wait_for_settle(&lines, saved, kind, o.quiet)?;
        println!(
            "  {:>2} {} {:>7.0} ms  (server {} ms + catch-up {} ms, {} pages)  {}",
            k + 1,
            kind.name(),
            edit.settled_ms,
            edit.server_ms,
            edit.catch_up_ms,
            edit.pages,
            path.strip_prefix(&site).unwrap_or(path).display()
        );
        edits.push(edit);
    }
    let peak = peak_memory_mib(server.0.id());
    drop(server);
    println!();
    for (label, kind) in [
        ("all", None),
        ("tags", Some(Kind::Tags)),
        ("date", Some(Kind::Date)),
    ] {
        let times: Vec<f64> = edits
            .iter()
            .filter(|e| kind.is_none_or(|k| e.kind == k))
            .map(|e| e.settled_ms)
            .collect();
        if let Some((median, max)) = median_max(&times) {
            println!(
                "settled ({label}, {} edits): median {median:.0} ms, max {max:.0} ms",
                times.len()
            );
        }
    }
    if let Some(peak) = peak {
        println!("server peak memory: {peak:.0} MiB");
    }
    if !o.keep {
        std::fs::remove_dir_all(&o.work).map_err(|e| format!("{}: {e}", o.work.display()))?;
    }
    Ok(())
}

/// Kills the server when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Makes `work/site` from `corpus`, with `content/` as links but for `edits` records spread
/// over the corpus, which are copies; returns those copies' paths.
fn make_site(corpus: &Path, work: &Path, edits: usize) -> Result<Vec<PathBuf>, String> {
    let io = |what: &Path| {
        let what = what.display().to_string();
        move |e: std::io::Error| format!("{what}: {e}")
    };
    if work.exists() {
        if !work.join(MARKER).is_file() {
            return Err(format!(
                "{} exists and was not made by this bench; pass another --work",
                work.display()
            ));
        }
        std::fs::remove_dir_all(work).map_err(io(work))?;
    }
    let corpus = corpus.canonicalize().map_err(io(corpus))?;
    let site = work.join("site");
    std::fs::create_dir_all(site.join("content")).map_err(io(&site))?;
    std::fs::write(work.join(MARKER), "").map_err(io(work))?;
    std::fs::copy(corpus.join("site.toml"), site.join("site.toml")).map_err(io(&corpus))?;
    let mut records = Vec::new();
    collect(&corpus.join("content"), Path::new(""), &mut records).map_err(io(&corpus))?;
    records.sort();
    let records: Vec<PathBuf> = records
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    if records.len() < 2 * edits {
        return Err(format!(
            "{} records: too few for {edits} edits",
            records.len()
        ));
    }
    let step = records.len() / edits;
    let edited: Vec<usize> = (0..edits).map(|k| k * step + step / 2).collect();
    let mut targets = Vec::new();
    for (i, relative) in records.iter().enumerate() {
        let from = corpus.join("content").join(relative);
        let to = site.join("content").join(relative);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        if edited.binary_search(&i).is_ok() {
            std::fs::copy(&from, &to).map_err(io(&from))?;
            targets.push(to);
        } else {
            std::os::unix::fs::symlink(&from, &to).map_err(io(&to))?;
        }
    }
    Ok(targets)
}

/// Every file under `dir`, relative to the walk's start.
fn collect(dir: &Path, relative: &Path, into: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = relative.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            collect(&entry.path(), &name, into)?;
        } else {
            into.push(name);
        }
    }
    Ok(())
}

/// The record with the `tags = [...]` line of `other` (another record), or with one more tag
/// when both have the same tags.
fn edit_tags(record: &str, other: &str, k: usize) -> String {
    let tags_line = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("tags = "))
            .map(str::to_string)
    };
    let mut line = tags_line(other).unwrap_or_else(|| "tags = []".to_string());
    if tags_line(record).as_deref() == Some(line.as_str()) {
        line = format!("tags = [\"settle-{k}\"]");
    }
    let mut replaced = false;
    let mut out: Vec<&str> = Vec::new();
    for l in record.lines() {
        if !replaced && l.starts_with("tags = ") {
            out.push(&line);
            replaced = true;
        } else {
            out.push(l);
        }
    }
    if !replaced && let Some(i) = out.iter().position(|l| l.starts_with("date = ")) {
        out.insert(i + 1, &line);
    }
    out.join("\n") + "\n"
}

/// The record listed `7 + k` days earlier: another day page, often another month.
fn edit_date(record: &str, k: usize) -> Result<String, String> {
    let mut out = Vec::new();
    let mut found = false;
    for l in record.lines() {
        if !found && let Some(value) = l.strip_prefix("date = ") {
            let date: jiff::civil::Date = value
                .trim()
                .parse()
                .map_err(|e| format!("date {value:?}: {e}"))?;
            let earlier = date
                .checked_sub(jiff::Span::new().days(7 + k as i64))
                .map_err(|e| e.to_string())?;
            out.push(format!("date = {earlier}"));
            found = true;
        } else {
            out.push(l.to_string());
        }
    }
    if !found {
        return Err("a record without a date line".into());
    }
    Ok(out.join("\n") + "\n")
}

fn stdout_lines(child: &mut Child) -> Result<Receiver<(Instant, String)>, String> {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    Ok(rx)
}

fn wait_for_serving(lines: &Receiver<(Instant, String)>, child: &mut Child) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(900);
    while Instant::now() < deadline {
        match lines.recv_timeout(Duration::from_secs(1)) {
            Ok((_, line)) => {
                println!("  serve: {line}");
                if line.starts_with("serving http://") {
                    return Ok(());
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(format!("digest serve exited early ({status})"));
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err("digest serve closed its output before serving".into());
            }
        }
    }
    Err("digest serve did not start within 15 minutes".into())
}

/// Drops the server's lines until it has been quiet for `quiet`.
fn quiet(lines: &Receiver<(Instant, String)>, quiet: Duration) {
    while lines.recv_timeout(quiet).is_ok() {}
}

/// One `--json-events` line's fields the bench reads.
#[derive(serde::Deserialize)]
struct Event {
    #[serde(flatten)]
    counts: Counts,
    catch_up: Option<Counts>,
    /// Absent from servers older than the field: then every event counts as settled.
    #[serde(default = "yes")]
    settled: bool,
}

fn yes() -> bool {
    true
}

#[derive(serde::Deserialize)]
struct Counts {
    pages_written: u64,
    files_changed: u64,
    files_removed: u64,
    millis: u64,
}

impl Counts {
    fn wrote(&self) -> bool {
        self.pages_written + self.files_changed + self.files_removed > 0
    }
}

/// Reads the server's events after a save until it has settled and stayed quiet.
fn wait_for_settle(
    lines: &Receiver<(Instant, String)>,
    saved: Instant,
    kind: Kind,
    quiet: Duration,
) -> Result<Edit, String> {
    let mut edit = Edit {
        kind,
        settled_ms: 0.0,
        server_ms: 0,
        catch_up_ms: 0,
        pages: 0,
    };
    let mut last_write = None;
    let mut settled = false;
    let deadline = saved + EDIT_TIMEOUT;
    loop {
        let wait = if settled {
            quiet
        } else {
            deadline.saturating_duration_since(Instant::now())
        };
        let (at, line) = match lines.recv_timeout(wait) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) if settled => break,
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!("no settled event within {:?}", EDIT_TIMEOUT));
            }
            Err(RecvTimeoutError::Disconnected) => return Err("the server stopped".into()),
        };
        if !line.starts_with("{\"event\":") {
            continue;
        }
        let event: Event =
            serde_json::from_str(&line).map_err(|e| format!("event {line:?}: {e}"))?;
        let first = line.starts_with("{\"event\":\"rebuild\"");
        if first {
            edit.server_ms += event.counts.millis;
        } else {
            edit.catch_up_ms += event.counts.millis;
        }
        edit.pages += event.counts.pages_written;
        let mut wrote = event.counts.wrote();
        if let Some(more) = &event.catch_up {
            edit.catch_up_ms += more.millis;
            edit.pages += more.pages_written;
            wrote |= more.wrote();
        }
        if wrote {
            last_write = Some(at);
        }
        settled = event.settled;
    }
    let last = last_write.ok_or("the edit wrote nothing")?;
    edit.settled_ms = last.duration_since(saved).as_secs_f64() * 1000.0;
    Ok(edit)
}

fn median_max(times: &[f64]) -> Option<(f64, f64)> {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    Some((median, sorted[n - 1]))
}

/// Peak resident set size of a process, from /proc.
fn peak_memory_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map(|kib| kib / 1024.0)
}

/// The release `digest` binary: `DIGEST_BIN`, else the one Cargo built beside this bench.
fn digest_binary() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("DIGEST_BIN") {
        return Ok(PathBuf::from(bin));
    }
    if let Some(bin) = option_env!("CARGO_BIN_EXE_digest") {
        return Ok(PathBuf::from(bin));
    }
    Err("set DIGEST_BIN to a release digest binary".into())
}
