//! How fast a structural edit settles in `digest serve --watch`: on a warm server of a large
//! corpus, records are edited one at a time (a tag change, then a date change, alternating) and
//! each edit is timed from the save to the last file the server wrote for it, when every page,
//! related list and search file matches the records again.
//!
//! ```sh
//! cargo bench --bench settle -- --corpus DIR [--work DIR] [--edits 50] [--quiet-ms 1500] [--served] [--keep]
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
//! With `--served`, the bench also times what a reader sees: from the save on, it asks the
//! server over HTTP, again and again, for pages the edit may change (the pages of each tag the
//! record had or has, spread over the list and always its last; for a date edit the old and
//! new day's pages and the tags' BibTeX files; the paper's page; the search index's header).
//! Once the edit has settled it asks once more for each, and a page was served current from
//! the first answer after which every answer had those final bytes. An edit is served current
//! when every page it probed is (the largest of those times). The probes load the server
//! (each asks every 30 ms, or after twice as long as its last answer took for large files), so
//! the settle figures of a run with them are not compared with a run without.
//!
//! The release `digest` built beside the bench is used, or `DIGEST_BIN`. `DIGEST_TIMINGS=1`
//! is passed on: the server's phases go to standard error.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo bench --bench settle -- --corpus DIR [--work DIR] [--edits 50] \
[--quiet-ms 1500] [--served] [--keep]";

/// A file in the work folder saying the bench made it, so that it may empty it.
const MARKER: &str = ".digest-settle-bench";

/// How long an edit may take to settle before the bench gives up.
const EDIT_TIMEOUT: Duration = Duration::from_secs(60);

struct Options {
    corpus: PathBuf,
    work: PathBuf,
    edits: usize,
    quiet: Duration,
    served: bool,
    keep: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut corpus = None;
    let mut o = Options {
        corpus: PathBuf::new(),
        work: std::env::temp_dir().join("digest-settle-bench"),
        edits: 50,
        quiet: Duration::from_millis(1500),
        served: false,
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
            "--served" => o.served = true,
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
    /// Save to every probed page served with its final bytes, ms (`--served`), and how many
    /// pages were probed.
    served: Option<(f64, usize)>,
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
    let address = wait_for_serving(&lines, &mut server.0)?;
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
        let probes = o
            .served
            .then(|| probe_paths(&out, path, &text, &edited, kind));
        std::fs::write(path, &edited).map_err(|e| format!("{}: {e}", path.display()))?;
        let saved = Instant::now();
        let probing = probes.map(|paths| Probes::start(&address, paths));
        let mut edit = wait_for_settle(&lines, saved, kind, o.quiet)?;
        if let Some(probing) = probing {
            edit.served = Some(probing.finish(saved)?);
        }
        let served = match edit.served {
            Some((ms, n)) => format!("served current {ms:>5.0} ms ({n} pages probed), "),
            None => String::new(),
        };
        println!(
            "  {:>2} {} {:>7.0} ms  ({served}server {} ms + catch-up {} ms, {} pages)  {}",
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
        let served: Vec<f64> = edits
            .iter()
            .filter(|e| kind.is_none_or(|k| e.kind == k))
            .filter_map(|e| e.served.map(|(ms, _)| ms))
            .collect();
        if let Some((median, max)) = median_max(&served) {
            println!(
                "served current ({label}, {} edits): median {median:.0} ms, max {max:.0} ms",
                served.len()
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

/// Waits for the server's "serving http://…/" line; returns the address it names.
fn wait_for_serving(
    lines: &Receiver<(Instant, String)>,
    child: &mut Child,
) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(900);
    while Instant::now() < deadline {
        match lines.recv_timeout(Duration::from_secs(1)) {
            Ok((_, line)) => {
                println!("  serve: {line}");
                if let Some(rest) = line.strip_prefix("serving http://") {
                    let address = rest.split('/').next().unwrap_or_default();
                    return Ok(address.to_string());
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
        served: None,
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

/// Most pages probed for one tag's list.
const PROBES_PER_TAG: usize = 4;

/// The output paths (as URL paths, `/tags/x/page/3/`) a reader may open that the edit of
/// `record` (its text before and after) may change.
fn probe_paths(out: &Path, record: &Path, before: &str, after: &str, kind: Kind) -> Vec<String> {
    let mut probes = Vec::new();
    let stem = record
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if out.join("papers").join(&stem).join("index.html").is_file() {
        probes.push(format!("/papers/{stem}/"));
    }
    let mut tags = tags_of(before);
    for tag in tags_of(after) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    for tag in &tags {
        let dir = out.join("tags").join(tag);
        match kind {
            // Every page of the list after the paper's place shifts: its last page, and some
            // spread over the list.
            Kind::Tags => {
                let mut pages: Vec<(usize, String)> = vec![(1, format!("/tags/{tag}/"))];
                if let Ok(entries) = std::fs::read_dir(dir.join("page")) {
                    for entry in entries.flatten() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if let Ok(n) = name.parse::<usize>() {
                            pages.push((n, format!("/tags/{tag}/page/{n}/")));
                        }
                    }
                }
                pages.sort();
                probes.extend(spread(&pages, PROBES_PER_TAG).into_iter().map(|(_, p)| p));
            }
            // The tags' BibTeX files order and key their papers by date.
            Kind::Date => {
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    for entry in entries.flatten() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if name.ends_with(".bib") {
                            probes.push(format!("/tags/{tag}/{name}"));
                        }
                    }
                }
            }
        }
    }
    if kind == Kind::Date {
        for text in [before, after] {
            if let Some(date) = text
                .lines()
                .find_map(|l| l.strip_prefix("date = "))
                .map(str::trim)
                && let [y, m, d] = date.split('-').collect::<Vec<_>>()[..]
            {
                probes.push(format!("/{y}/{m}/{d}/"));
                probes.push(format!("/{y}/{m}/"));
            }
        }
    }
    probes.push("/search/meta.json".to_string());
    probes.sort();
    probes.dedup();
    probes
}

/// At most `n` of `items`, spread evenly, the first and the last among them.
fn spread<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    if items.len() <= n {
        return items.to_vec();
    }
    (0..n)
        .map(|k| items[k * (items.len() - 1) / (n - 1)].clone())
        .collect()
}

/// The tags of a record's `tags = [...]` line (the generated corpus writes them on one line).
fn tags_of(record: &str) -> Vec<String> {
    record
        .lines()
        .find_map(|l| l.strip_prefix("tags = "))
        .map(|list| {
            list.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Threads asking the server for pages again and again until told to stop.
struct Probes {
    address: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    threads: Vec<(String, Probe)>,
}

/// A probe's thread: every answer it got.
type Probe = std::thread::JoinHandle<Result<Vec<Answer>, String>>;

/// One answer: when it arrived and a hash of its bytes.
struct Answer {
    at: Instant,
    hash: u64,
}

/// How long a probe waits between two requests.
const PROBE_EVERY: Duration = Duration::from_millis(30);

impl Probes {
    fn start(address: &str, paths: Vec<String>) -> Probes {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let threads = paths
            .into_iter()
            .map(|path| {
                let (address, stop, asked) = (address.to_string(), stop.clone(), path.clone());
                let thread = std::thread::spawn(move || {
                    let mut answers = Vec::new();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let asking = Instant::now();
                        let hash = get_hash(&address, &asked)?;
                        let at = Instant::now();
                        answers.push(Answer { at, hash });
                        // A large file (a tag's BibTeX, megabytes) is asked for less often, so
                        // that the probes take at most a third of a core each.
                        std::thread::sleep(PROBE_EVERY.max(2 * at.duration_since(asking)));
                    }
                    Ok(answers)
                });
                (path, thread)
            })
            .collect();
        Probes {
            address: address.to_string(),
            stop,
            threads,
        }
    }

    /// Stops the probes and asks each page once more: the time from `saved` to when every page
    /// was served with those final bytes, and how many pages were probed.
    fn finish(self, saved: Instant) -> Result<(f64, usize), String> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (mut latest, mut last_path) = (saved, String::new());
        let count = self.threads.len();
        for (path, thread) in self.threads {
            let answers = thread
                .join()
                .map_err(|_| format!("probe of {path} panicked"))??;
            let last = get_hash(&self.address, &path)?;
            let Some(first) = answers.first() else {
                continue;
            };
            // The first answer after the last one with other bytes.
            let current_from = match answers.iter().rposition(|a| a.hash != last) {
                None => first.at,
                Some(i) => answers.get(i + 1).map_or_else(Instant::now, |a| a.at),
            };
            if current_from > latest {
                latest = current_from;
                last_path = path;
            }
        }
        if std::env::var_os("SETTLE_SHOW_LAST").is_some() {
            eprintln!("settle: last served current: {last_path}");
        }
        Ok((latest.duration_since(saved).as_secs_f64() * 1000.0, count))
    }
}

/// Asks the server for `path` (a new connection each time); a hash of the status line and
/// body.
fn get_hash(address: &str, path: &str) -> Result<u64, String> {
    use std::hash::{BuildHasher, Hash, Hasher};
    use std::io::{Read, Write};
    let io = |e: std::io::Error| format!("GET {path}: {e}");
    let mut stream = std::net::TcpStream::connect(address).map_err(io)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .map_err(io)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(io)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(format!("GET {path}: no header end"))?;
    let status = response.split(|&b| b == b'\r').next().unwrap_or_default();
    // aHash with fixed keys: fast on megabytes, and the same bytes hash the same in every thread.
    let mut hasher = ahash::RandomState::with_seeds(1, 2, 3, 4).build_hasher();
    status.hash(&mut hasher);
    response[split + 4..].hash(&mut hasher);
    Ok(hasher.finish())
}
