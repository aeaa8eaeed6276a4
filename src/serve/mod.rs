//! `serve`: builds the site into a preview folder, serves it over HTTP with live reload, and with
//! `--watch` rebuilds only what each change touches ([`live`]), from batches of file events
//! ([`watch`]) turned into rebuild plans by a pure function ([`changes`]).

pub(crate) mod changes;
pub(crate) mod hosts;
pub(crate) mod http;
pub(crate) mod listen;
pub(crate) mod live;
pub(crate) mod preview_folder;
pub(crate) mod stale;
pub(crate) mod watch;

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::diagnostic::{Failure, FailureKind, Problems};
use crate::site::LoadOptions;
use changes::{Layout, OnDisk, RebuildPlan};
use hosts::AllowedHosts;
use http::ServerState;
use listen::StopSignals;
use live::{LiveSite, RebuildReport};
use preview_folder::PreviewFolder;

/// How to serve.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port to listen on (0: any free port).
    pub port: u16,
    /// Rebuild on changes.
    pub watch: bool,
    /// Open the site in a browser.
    pub open: bool,
    /// Base URL of the preview; default `/` (links relative to the host, so they work on
    /// 127.0.0.1, from a phone on the LAN or behind a proxy alike).
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Where the preview is written; default a temporary folder removed on exit.
    pub output: Option<PathBuf>,
    /// Host names answered besides localhost and IP addresses (`--allowed-host`).
    pub allowed_hosts: Vec<String>,
    /// Also print one JSON line per rebuild and catch-up (`--json-events`), for scripts and
    /// tests: counts they can read without parsing the sentence meant for people.
    pub json_events: bool,
}

/// Runs the preview server until Ctrl+C (or SIGTERM, SIGHUP). Errors are already formatted for
/// the terminal; their kind says whether the site, the network or the output is at fault.
pub(crate) fn run(options: ServeOptions) -> Result<(), Failure> {
    // What is left (threads, signal handlers, the runtime) fails only when the system is short
    // of resources: reported like an output that cannot be written.
    let system = |e: std::io::Error| Failure::new(FailureKind::Output, format!("error: {e}"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(system)?;
    // Signals first: from here on, a stop at any moment removes the temporary folder.
    let mut signals = {
        let _inside = runtime.enter();
        StopSignals::install().map_err(|e| {
            Failure::new(
                FailureKind::Output,
                format!("error: cannot handle signals: {e}"),
            )
        })?
    };
    let listener = std::net::TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .map_err(|err| {
            Failure::new(
                FailureKind::Network,
                format!(
                    "error: cannot listen on {}:{}: {err}\n  = help: pick another port with --port",
                    options.bind, options.port
                ),
            )
        })?;
    listener.set_nonblocking(true).map_err(system)?;
    let address = listener.local_addr().map_err(system)?;

    // Preview folders that killed servers left behind, in the background: there may be
    // gigabytes of them.
    let temp = std::env::temp_dir();
    {
        let temp = temp.clone();
        let _ = std::thread::Builder::new()
            .name("digest-sweep".into())
            .spawn(move || {
                let removed = preview_folder::sweep_stale(&temp);
                if !removed.is_empty() {
                    println!(
                        "removed {} preview folder{} left in {} by digest serve processes that no longer run: {}",
                        removed.len(),
                        if removed.len() == 1 { "" } else { "s" },
                        temp.display(),
                        removed.join(", ")
                    );
                }
            });
    }
    let (out, preview) = match &options.output {
        Some(dir) => {
            let dir = crate::write::guard::check_output(&options.root, dir, false)
                .map_err(|p| Failure::new(FailureKind::Output, p.render()))?;
            (dir, None)
        }
        None => {
            let folder = PreviewFolder::create(&temp).map_err(|err| {
                Failure::new(
                    FailureKind::Output,
                    format!(
                        "error: cannot make a preview folder in {}: {err}\n  = help: pass --output DIR",
                        temp.display()
                    ),
                )
            })?;
            (folder.site(), Some(folder))
        }
    };
    // Watch before the first build, so an edit made while it runs is not missed.
    let watcher = if options.watch {
        Some(watch::SiteWatcher::start(&options.root).map_err(|err| {
            Failure::new(
                FailureKind::Output,
                format!("error: cannot watch {}: {err}", options.root.display()),
            )
        })?)
    } else {
        None
    };
    let load = LoadOptions {
        base_url: Some(options.base_url.clone().unwrap_or_else(|| "/".to_string())),
        drafts: options.drafts,
        keep_stamps: false,
    };
    let started = std::time::Instant::now();
    // The first build runs beside the signal handlers, so a stop during it (a large site takes
    // seconds) ends the process and removes the temporary folder.
    let (built, first_build) = tokio::sync::oneshot::channel();
    let builder = {
        let (root, out) = (options.root.clone(), out.clone());
        std::thread::Builder::new()
            .name("digest-first-build".into())
            .spawn(move || {
                let _ = built.send(LiveSite::start(&root, &load, &out));
            })
            .map_err(system)?
    };
    let first = runtime.block_on(async {
        tokio::select! {
            built = first_build => Some(built),
            () = signals.recv() => None,
        }
    });
    let live = match first {
        Some(Ok(Ok(live))) => live,
        Some(Ok(Err(problems))) => {
            return Err(Failure::new(
                problems.kind(),
                format!(
                    "{problems}\nthe site could not be built; fix the problems above and run digest serve again"
                ),
            ));
        }
        Some(Err(_)) => {
            return Err(Failure::new(
                FailureKind::Output,
                "error: the first build stopped unexpectedly",
            ));
        }
        None => {
            // The build goes on until its next write fails (the folder is moved away first).
            stop(runtime, &mut signals, preview, move || {
                !builder.is_finished()
            });
            return Ok(());
        }
    };
    // A `digest build` into the folder this serves would fight its rebuilds: hold the output's
    // lock (the first build took and released it) until the server stops.
    let _output_lock = match &options.output {
        Some(_) => Some(
            crate::write::lock::OutputLock::acquire(&out).map_err(|err| {
                Failure::new(
                    FailureKind::Output,
                    format!(
                        "error: {err}\n  = help: stop the other digest, or serve another --output"
                    ),
                )
            })?,
        ),
        None => None,
    };
    println!(
        "built {} papers in {} ms",
        live.site().paper_count(),
        started.elapsed().as_millis()
    );

    let (signal_sender, _) = broadcast::channel(64);
    let hosts = AllowedHosts::new(&options.allowed_hosts);
    let state = Arc::new(ServerState::new(out.clone(), signal_sender, hosts));
    let shown = if address.ip().is_unspecified() {
        SocketAddr::new([127, 0, 0, 1].into(), address.port())
    } else {
        address
    };
    let url = format!("http://{shown}/");
    println!(
        "serving {url}{} (Ctrl+C to stop)",
        if options.watch {
            ", watching for changes"
        } else {
            ""
        }
    );
    if address.ip().is_unspecified() {
        println!(
            "  listening on all interfaces: other devices can use this machine's address, port {}",
            address.port()
        );
    }

    if let Some(watcher) = watcher {
        let state = state.clone();
        let root = options.root.clone();
        let json = options.json_events;
        std::thread::Builder::new()
            .name("digest-rebuild".into())
            .spawn(move || rebuild_loop(&root, live, watcher, &state, json))
            .map_err(system)?;
    }
    if options.open {
        let _ = std::process::Command::new(if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        })
        .arg(&url)
        .spawn();
    }

    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        listen::serve(listener, http::router(state), &mut signals).await;
        Ok::<(), std::io::Error>(())
    });
    // A rebuild may be writing; it cannot be waited for, but its writes fail once the folder
    // is moved away.
    stop(runtime, &mut signals, preview, || false);
    served.map_err(|e| {
        Failure::new(
            FailureKind::Network,
            format!("error: the server stopped: {e}"),
        )
    })
}

/// Removes the temporary folder, unless another stop signal comes first (then it is left to the
/// next start, which removes it), and ends the runtime without waiting for its tasks.
fn stop(
    runtime: tokio::runtime::Runtime,
    signals: &mut StopSignals,
    preview: Option<PreviewFolder>,
    writing: impl Fn() -> bool + Send + 'static,
) {
    if let Some(preview) = preview {
        runtime.block_on(async {
            tokio::select! {
                _ = tokio::task::spawn_blocking(move || preview.remove(writing)) => {}
                () = signals.recv() => {}
            }
        });
    }
    // Dropping the runtime would wait for every task; live-reload websockets never end.
    runtime.shutdown_background();
}

/// Waits for changes and rebuilds, one batch at a time, telling browsers when done.
fn rebuild_loop(
    root: &Path,
    mut live: LiveSite,
    mut watcher: watch::SiteWatcher,
    state: &ServerState,
    json: bool,
) {
    let gitignore = gitignore(root);
    let mut generation = 0u64;
    while let Some(paths) = watcher.next_batch() {
        let layout = Layout {
            root: root.to_path_buf(),
            content: root.join("content"),
            theme: root.join("themes").join(&live.site().config.theme),
            ignored: vec![
                root.join(".git"),
                live.out().to_path_buf(),
                root.join(&live.site().config.output_dir),
                root.join("target"),
            ],
        };
        let known = |prefix: &Path| {
            live.site()
                .record_paths()
                .filter(|p| p.starts_with(prefix))
                .map(Path::to_path_buf)
                .collect()
        };
        let ignored = |path: &Path, is_dir: bool| {
            gitignore
                .matched_path_or_any_parents(path, is_dir)
                .is_ignore()
        };
        let plan = changes::plan(&layout, &paths, &on_disk, &known, &ignored);
        if plan.is_empty() {
            // Nothing to rebuild, but a catch-up this batch interrupted goes on.
            if let Some((line, report)) = catch_up(&mut live, &mut watcher, state, &mut generation)
            {
                println!("{}", line.trim_start_matches("; then "));
                print_event(json, "catch_up", "", &report, None, !live.behind());
            }
            continue;
        }
        let what = describe(root, &plan);
        // Pages as browsers name them; behind a proxy that serves the site under its base
        // path (`/repo/`), without it, as the plan names them.
        let prefix = live
            .site()
            .config
            .base_path()
            .trim_start_matches('/')
            .to_string();
        let open = state
            .open_pages()
            .into_iter()
            .map(|page| match page.strip_prefix(&prefix) {
                Some(rest) if !prefix.is_empty() => rest.to_string(),
                _ => page,
            })
            .collect();
        let first = live::FirstPages::open(open);
        match live.apply(&plan, first) {
            Ok(report) => {
                // From here on a reader asking for a page the catch-up has not written yet
                // gets it written first.
                state.behind.publish(live.stale());
                let was_broken = state
                    .error
                    .lock()
                    .map(|mut e| e.take().is_some())
                    .unwrap_or(false);
                if was_broken {
                    let _ = state.signals.send(http::ok_signal());
                }
                if report.files_changed + report.files_removed > 0 || was_broken || plan.statics {
                    generation += 1;
                    let _ = state.signals.send(http::reload_signal(generation));
                }
                // Then what depends on every record (related papers, the search index): the
                // edited pages are already served, this can take a second on a large site.
                let mut line = report_line(&what, &report);
                let more = catch_up(&mut live, &mut watcher, state, &mut generation);
                if let Some((text, _)) = &more {
                    line.push_str(text);
                }
                println!("{line}");
                print_event(
                    json,
                    "rebuild",
                    &what,
                    &report,
                    more.as_ref().map(|(_, caught_up)| caught_up),
                    !live.behind(),
                );
            }
            Err(problems) => {
                // The last good build is served as it is.
                state.behind.publish(stale::Stale::none());
                report_problems(&what, &problems, state);
            }
        }
    }
}

/// Brings related papers, the search index and pages left for later up to date, step by step,
/// until done or, after the first step, until something changes on disk (then the next batch
/// is served first and the catch-up goes on after it). One reload at the end. The terminal
/// line's second part, and the sum of the steps' reports.
fn catch_up(
    live: &mut LiveSite,
    watcher: &mut watch::SiteWatcher,
    state: &ServerState,
    generation: &mut u64,
) -> Option<(String, RebuildReport)> {
    if !live.behind() {
        return None;
    }
    let mut total = RebuildReport::default();
    let mut changed = 0;
    let mut add = |step: RebuildReport| {
        total.records_read += step.records_read;
        total.records_removed += step.records_removed;
        total.pages_written += step.pages_written;
        total.files_changed += step.files_changed;
        total.files_removed += step.files_removed;
        total.millis += step.millis;
        changed += step.files_changed + step.files_removed;
    };
    // Before each step, the pages readers asked for meanwhile. First related papers and the
    // search index (the pages whose related list changed are known only then, and a page
    // asked for meanwhile is written before the search index); then steps of pages. At least
    // one step, so that the trailing events of a save (an editor's temporary file) do not put
    // everything off.
    let mut first = true;
    let failed = loop {
        if let Err(problems) = write_waiting(live, state, &mut add) {
            break Some(problems);
        }
        if first {
            match live.write_requested(HashSet::new(), true) {
                Ok(step) => add(step),
                Err(problems) => break Some(problems),
            }
            state.behind.publish(live.stale());
            if let Err(problems) = write_waiting(live, state, &mut add) {
                break Some(problems);
            }
        }
        if !live.behind() {
            break None;
        }
        match live.catch_up() {
            Ok(step) => add(step),
            Err(problems) => break Some(problems),
        }
        state.behind.publish(live.stale());
        if !live.behind() || watcher.has_pending() {
            break None;
        }
        first = false;
    };
    if let Some(problems) = failed {
        // What is on disk is served as it is until the next change.
        state.behind.publish(stale::Stale::none());
        report_problems("catching up", &problems, state);
    }
    let (pages, millis) = (total.pages_written, total.millis);
    if changed > 0 {
        *generation += 1;
        let _ = state.signals.send(http::reload_signal(*generation));
    }
    let text = format!(
        "; then related papers, search and the other pages: {pages} page{} written in {millis} ms{}",
        if pages == 1 { "" } else { "s" },
        if live.behind() {
            " (the rest after the next change)"
        } else {
            ""
        }
    );
    Some((text, total))
}

/// Writes the pages readers are waiting for (see [`stale`]), then answers them: first the pages
/// (after related papers when stale), then the search index's files when asked for.
fn write_waiting(
    live: &mut LiveSite,
    state: &ServerState,
    add: &mut impl FnMut(RebuildReport),
) -> Result<(), Problems> {
    let (search_files, pages): (Vec<_>, Vec<_>) = state
        .behind
        .take_waiting()
        .into_iter()
        .partition(|w| stale::is_search_file(&w.page));
    for (waiting, search) in [(pages, false), (search_files, true)] {
        if waiting.is_empty() {
            continue;
        }
        let paths = waiting.iter().map(|w| w.page.clone()).collect();
        add(live.write_requested(paths, search)?);
        // Written and in place: the requests read their files now.
        drop(waiting);
        state.behind.publish(live.stale());
    }
    Ok(())
}

fn report_problems(what: &str, problems: &Problems, state: &ServerState) {
    let text = problems.to_string();
    eprintln!("{what}: the site could not be rebuilt; still serving the last good build\n{text}");
    if let Ok(mut error) = state.error.lock() {
        *error = Some(text.clone());
    }
    let _ = state.signals.send(http::error_signal(&text));
}

fn on_disk(path: &Path) -> OnDisk {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => OnDisk::Dir,
        Ok(_) => OnDisk::File,
        Err(_) => OnDisk::Missing,
    }
}

fn gitignore(root: &Path) -> ignore::gitignore::Gitignore {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(root);
    let _ = builder.add(root.join(".gitignore"));
    builder
        .build()
        .unwrap_or_else(|_| ignore::gitignore::Gitignore::empty())
}

/// "content/a.md changed", "3 records changed", "templates changed", …
fn describe(root: &Path, plan: &RebuildPlan) -> String {
    let mut parts = Vec::new();
    if plan.everything {
        parts.push("site.toml changed".to_string());
    }
    if plan.templates {
        parts.push("templates changed".to_string());
    }
    if plan.statics {
        parts.push("static files changed".to_string());
    }
    let shown = |p: &PathBuf| p.strip_prefix(root).unwrap_or(p).display().to_string();
    match plan.records.len() + plan.new_dirs.len() {
        0 => {}
        1 => parts.push(format!(
            "{} changed",
            plan.records
                .iter()
                .chain(&plan.new_dirs)
                .map(shown)
                .next()
                .unwrap_or_default()
        )),
        n => parts.push(format!("{n} records changed")),
    }
    match plan.removed.len() {
        0 => {}
        1 => parts.push(format!(
            "{} removed",
            plan.removed.iter().map(shown).next().unwrap_or_default()
        )),
        n => parts.push(format!("{n} records removed")),
    }
    parts.join(", ")
}

fn report_line(what: &str, report: &RebuildReport) -> String {
    format!(
        "{what}: {} page{} written, {} file{} removed in {} ms",
        report.pages_written,
        if report.pages_written == 1 { "" } else { "s" },
        report.files_removed,
        if report.files_removed == 1 { "" } else { "s" },
        report.millis
    )
}

/// With `--json-events`, one JSON line on stdout per rebuild, after the line for people:
/// `event` "rebuild" (what the change itself wrote, and in `catch_up` what the catch-up right
/// after it wrote, or null) or "catch_up" (a catch-up that went on by itself, `catch_up`
/// null). `changes` is the summary of the terminal line ("content/a.md changed"), empty for a
/// catch-up alone; the counts are the report's. `settled`: nothing is left for a later
/// catch-up, so every page, related list and search file now matches the records (a script
/// timing an edit waits for it).
fn print_event(
    json: bool,
    event: &str,
    changes: &str,
    report: &RebuildReport,
    more: Option<&RebuildReport>,
    settled: bool,
) {
    #[derive(serde::Serialize)]
    struct Counts {
        records_read: usize,
        records_removed: usize,
        pages_written: usize,
        files_changed: usize,
        files_removed: usize,
        millis: u128,
    }
    #[derive(serde::Serialize)]
    struct Event<'a> {
        event: &'a str,
        changes: &'a str,
        #[serde(flatten)]
        counts: Counts,
        catch_up: Option<Counts>,
        settled: bool,
    }
    let counts = |r: &RebuildReport| Counts {
        records_read: r.records_read,
        records_removed: r.records_removed,
        pages_written: r.pages_written,
        files_changed: r.files_changed,
        files_removed: r.files_removed,
        millis: r.millis,
    };
    if !json {
        return;
    }
    let line = serde_json::to_string(&Event {
        event,
        changes,
        counts: counts(report),
        catch_up: more.map(counts),
        settled,
    });
    if let Ok(line) = line {
        println!("{line}");
    }
}
