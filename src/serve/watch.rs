//! Watching the site folder: notify with a debouncer, batches merged until the file system has
//! been quiet for a moment (a `git checkout` of hundreds of files is one batch), and a polling
//! fallback when the OS watch limit is reached.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, FileIdCache, FileIdMap, RecommendedCache, new_debouncer_opt,
};

/// How long a path must be quiet before its events are delivered.
const DEBOUNCE: Duration = Duration::from_millis(25);
/// How long to wait for more batches after a large one (a checkout, a copied folder) before
/// rebuilding, so a burst is one rebuild. A small batch (an editor's save) is rebuilt at once:
/// waiting would only add to the save-to-reload time.
const SETTLE: Duration = Duration::from_millis(60);
/// Batches with more paths than this are treated as the start of a burst.
const BURST: usize = 4;

trait Watch: Send {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()>;
}

impl<T: Watcher + Send, C: FileIdCache + Send> Watch for Debouncer<T, C> {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        Debouncer::watch(self, path, mode)
    }
}

/// A watch on the parts of a site folder that a build reads.
pub(crate) struct SiteWatcher {
    root: PathBuf,
    watcher: Box<dyn Watch>,
    events: Receiver<DebounceEventResult>,
    /// An event taken by [`SiteWatcher::has_pending`], first in the next batch.
    peeked: Option<DebounceEventResult>,
    watched: BTreeSet<PathBuf>,
    /// Whether the OS watch limit forced polling.
    pub polling: bool,
}

impl SiteWatcher {
    /// Starts watching `root` (its top level) and the folders under it that builds read.
    pub(crate) fn start(root: &Path) -> notify::Result<SiteWatcher> {
        let (tx, events) = channel();
        let watcher = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
            DEBOUNCE,
            None,
            tx,
            RecommendedCache::new(),
            notify::Config::default(),
        )?;
        let mut site = SiteWatcher {
            root: root.to_path_buf(),
            watcher: Box::new(watcher),
            events,
            peeked: None,
            watched: BTreeSet::new(),
            polling: false,
        };
        if let Err(err) = site.watch_site_folders() {
            if !matches!(err.kind, notify::ErrorKind::MaxFilesWatch) {
                return Err(err);
            }
            eprintln!(
                "warning: the OS file-watch limit is reached (raise fs.inotify.max_user_watches); falling back to polling every 500 ms"
            );
            site.fall_back_to_polling()?;
        }
        Ok(site)
    }

    fn fall_back_to_polling(&mut self) -> notify::Result<()> {
        let (tx, events) = channel();
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
        let watcher = new_debouncer_opt::<_, PollWatcher, FileIdMap>(
            DEBOUNCE,
            None,
            tx,
            FileIdMap::new(),
            config,
        )?;
        self.watcher = Box::new(watcher);
        self.events = events;
        self.watched.clear();
        self.polling = true;
        self.watch_site_folders()
    }

    /// Watches the root's top level and every folder a build reads that exists now; folders
    /// created later (a first `templates/`) are picked up on the next batch.
    fn watch_site_folders(&mut self) -> notify::Result<()> {
        if self.watched.insert(self.root.clone()) {
            self.watcher
                .watch(&self.root, RecursiveMode::NonRecursive)?;
        }
        for name in ["content", "templates", "static", "themes", "data"] {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.watcher.watch(&dir, RecursiveMode::Recursive)?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }

    /// Whether something changed since the last batch (without waiting). Reads are not
    /// changes: the server's own read of a saved record (and the close after an editor's write)
    /// arrive as access events after the save's batch, and must not make the catch-up that
    /// follows the save give way (the batch collector ignores them too).
    pub(crate) fn has_pending(&mut self) -> bool {
        while self.peeked.is_none() {
            match self.events.try_recv() {
                Ok(Ok(events)) if events.iter().all(|e| e.kind.is_access()) => {}
                Ok(result) => self.peeked = Some(result),
                Err(_) => break,
            }
        }
        self.peeked.is_some()
    }

    /// Waits for the next batch of changed paths: blocks until something changes, then merges
    /// further batches until the file system has been quiet for a moment. `None` when the
    /// watcher stopped.
    pub(crate) fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        let mut paths = BTreeSet::new();
        let first = match self.peeked.take() {
            Some(event) => event,
            None => self.events.recv().ok()?,
        };
        collect(first, &self.root, &mut paths);
        while let Ok(more) = self.events.try_recv() {
            collect(more, &self.root, &mut paths);
        }
        if paths.len() > BURST {
            loop {
                match self.events.recv_timeout(SETTLE) {
                    Ok(more) => collect(more, &self.root, &mut paths),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
        }
        if let Err(err) = self.watch_site_folders() {
            if matches!(err.kind, notify::ErrorKind::MaxFilesWatch) && !self.polling {
                eprintln!(
                    "warning: the OS file-watch limit is reached; falling back to polling every 500 ms"
                );
                let _ = self.fall_back_to_polling();
            } else {
                eprintln!("warning: cannot watch a new folder: {err}");
            }
        }
        Some(paths.into_iter().collect())
    }
}

/// Adds the paths a batch of events changed. When the OS lost events (inotify's queue
/// overflowed during a large checkout or copy, and notify says the folders must be scanned
/// again), nobody knows what changed: the batch then names `site.toml`, which makes the rebuild
/// load the whole site again from disk, as a fresh `serve` would.
fn collect(result: DebounceEventResult, root: &Path, paths: &mut BTreeSet<PathBuf>) {
    match result {
        Ok(events) => {
            for event in events {
                if event.need_rescan() {
                    eprintln!(
                        "warning: the file watcher lost events (too many changes at once); reloading the whole site"
                    );
                    paths.insert(root.join("site.toml"));
                } else if !event.kind.is_access() {
                    paths.extend(event.event.paths);
                }
            }
        }
        Err(errors) => {
            for error in errors {
                eprintln!("warning: file watcher: {error}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// Whether `has_pending` becomes true within `wait`.
    fn pending_within(watcher: &mut SiteWatcher, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if watcher.has_pending() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn lost_events_reload_the_whole_site() {
        use notify::event::{Event, EventKind, Flag};
        use notify_debouncer_full::DebouncedEvent;
        let root = Path::new("/site");
        let rescan = DebouncedEvent::new(
            Event::new(EventKind::Other).set_flag(Flag::Rescan),
            Instant::now(),
        );
        let save = DebouncedEvent::new(
            Event::new(EventKind::Modify(notify::event::ModifyKind::Any))
                .add_path(root.join("content/a.md")),
            Instant::now(),
        );
        let mut paths = BTreeSet::new();
        collect(Ok(vec![save.clone()]), root, &mut paths);
        assert_eq!(paths, BTreeSet::from([root.join("content/a.md")]));
        collect(Ok(vec![rescan]), root, &mut paths);
        assert!(paths.contains(&root.join("site.toml")), "{paths:?}");

        // And what the rebuild makes of it: everything is loaded again.
        let layout = crate::serve::changes::Layout {
            root: root.to_path_buf(),
            content: root.join("content"),
            theme: root.join("themes/default"),
            ignored: Vec::new(),
        };
        let paths: Vec<PathBuf> = paths.into_iter().collect();
        let plan = crate::serve::changes::plan(
            &layout,
            &paths,
            &|_| crate::serve::changes::OnDisk::File,
            &|_| Vec::new(),
            &|_, _| false,
        );
        assert!(plan.everything, "{plan:?}");
    }

    #[test]
    fn reading_a_record_is_not_a_pending_change_and_writing_one_is() {
        let site = tempfile::tempdir().unwrap();
        let record = site.path().join("content").join("a.md");
        std::fs::create_dir_all(record.parent().unwrap()).unwrap();
        std::fs::write(&record, "+++\ntitle = \"A\"\n+++\n").unwrap();
        let mut watcher = SiteWatcher::start(site.path()).unwrap();

        // What `serve` does with a saved record: it reads it (open, read, close), which the
        // watcher sees as access events; they must not count as a change.
        for _ in 0..3 {
            std::fs::read(&record).unwrap();
        }
        assert!(
            !pending_within(&mut watcher, Duration::from_millis(500)),
            "reading a record counted as a change"
        );

        std::fs::write(&record, "+++\ntitle = \"B\"\n+++\n").unwrap();
        assert!(pending_within(&mut watcher, Duration::from_secs(2)));
        let batch = watcher.next_batch().unwrap();
        assert!(
            batch.iter().any(|p| p.ends_with("content/a.md")),
            "{batch:?}"
        );
    }
}
