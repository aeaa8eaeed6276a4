//! Pages served before the catch-up writes them. After an edit, `serve` writes the edited
//! papers' pages and the pages open in browsers, then catches up on the rest (every later page
//! of a tag whose list shifted, related papers, the search index) in steps. A request for a page
//! the catch-up has not written yet waits for it instead of getting the old file: the rebuild
//! thread writes the pages asked for between two steps ([`Behind::take_waiting`]), so every page
//! a reader opens after the first write matches the records, however long the catch-up takes.
//!
//! The rebuild thread says what is stale ([`Behind::publish`]) after every write; the server's
//! handlers ask before reading a file ([`Behind::wait_for`]). Both under one lock, so a request
//! is never left waiting once nothing is stale.

use std::collections::HashSet;
use std::sync::Mutex;

use tokio::sync::oneshot;

use crate::hash::hash_of;

/// What the files being served do not show yet, as the rebuild thread last said.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Stale {
    /// Any paper's page may be stale: related papers are not found again yet, and which
    /// papers' lists change is not known until they are.
    pub papers: bool,
    /// The search index's files are stale.
    pub search: bool,
    /// Hashes of the output paths of the pages known to be stale.
    pub pages: HashSet<u64>,
}

impl Stale {
    /// Nothing stale: the files served are the site as it is.
    pub(crate) fn none() -> Stale {
        Stale::default()
    }

    /// Whether the file at `path` (relative to the output, `tags/x/page/2/index.html`) may be
    /// stale.
    pub(crate) fn covers(&self, path: &str) -> bool {
        (self.papers && path.starts_with(crate::routes::PAPERS))
            || (self.search && is_search_file(path))
            || (!self.pages.is_empty() && self.pages.contains(&hash_of(path)))
    }

    fn is_none(&self) -> bool {
        !self.papers && !self.search && self.pages.is_empty()
    }
}

/// Whether `path` is one of the search index's files (not the search page).
pub(crate) fn is_search_file(path: &str) -> bool {
    path.strip_prefix(crate::routes::SEARCH_DIR)
        .is_some_and(|file| file != "index.html")
}

/// A request waiting for its page: answered (from the file, then written) when dropped.
pub(crate) struct Waiter {
    /// The output path asked for.
    pub page: String,
    _answer: oneshot::Sender<()>,
}

/// What is stale and who waits for it, shared by the server's handlers and the rebuild thread.
#[derive(Default)]
pub(crate) struct Behind {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    stale: Stale,
    waiting: Vec<Waiter>,
}

impl Behind {
    /// When the file at `path` may be stale, a receiver that completes (or fails) once it has
    /// been written; `None` when it can be read now.
    pub(crate) fn wait_for(&self, path: &str) -> Option<oneshot::Receiver<()>> {
        let mut state = self.state.lock().ok()?;
        if !state.stale.covers(path) {
            return None;
        }
        let (answer, answered) = oneshot::channel();
        state.waiting.push(Waiter {
            page: path.to_string(),
            _answer: answer,
        });
        Some(answered)
    }

    /// Says what is stale now. Requests for pages that no longer are are answered.
    pub(crate) fn publish(&self, stale: Stale) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let waiting = std::mem::take(&mut state.waiting);
        let (still, answered): (Vec<Waiter>, Vec<Waiter>) = if stale.is_none() {
            (Vec::new(), waiting)
        } else {
            waiting.into_iter().partition(|w| stale.covers(&w.page))
        };
        state.waiting = still;
        state.stale = stale;
        drop(state);
        drop(answered);
    }

    /// The requests waiting now, for the rebuild thread to write their pages and then drop.
    pub(crate) fn take_waiting(&self) -> Vec<Waiter> {
        self.state
            .lock()
            .map(|mut state| std::mem::take(&mut state.waiting))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stale_pages(paths: &[&str]) -> Stale {
        Stale {
            pages: paths.iter().map(|p| hash_of(*p)).collect(),
            ..Stale::none()
        }
    }

    #[test]
    fn only_stale_pages_wait() {
        let behind = Behind::default();
        assert!(behind.wait_for("tags/x/page/2/index.html").is_none());
        behind.publish(stale_pages(&["tags/x/page/2/index.html"]));
        assert!(behind.wait_for("tags/x/index.html").is_none());
        assert!(behind.wait_for("style.css").is_none());
        assert!(behind.wait_for("tags/x/page/2/index.html").is_some());
        let papers = Stale {
            papers: true,
            search: true,
            ..Stale::none()
        };
        behind.publish(papers);
        assert!(behind.wait_for("papers/a/index.html").is_some());
        assert!(behind.wait_for("search/t/ab.json").is_some());
        assert!(behind.wait_for("search/meta.json").is_some());
        // The search page itself is a page like any other.
        assert!(behind.wait_for("search/index.html").is_none());
        assert!(behind.wait_for("tags/x/page/2/index.html").is_none());
    }

    #[test]
    fn waiters_are_answered_once_their_page_is_no_longer_stale() {
        let behind = Behind::default();
        behind.publish(stale_pages(&["a/index.html", "b/index.html"]));
        let mut a = behind.wait_for("a/index.html").unwrap();
        let mut b = behind.wait_for("b/index.html").unwrap();
        // b was written: only a still waits.
        behind.publish(stale_pages(&["a/index.html"]));
        assert!(
            b.try_recv()
                .is_err_and(|e| e == oneshot::error::TryRecvError::Closed)
        );
        assert_eq!(a.try_recv(), Err(oneshot::error::TryRecvError::Empty));
        // The rebuild thread takes it, writes it, and drops it.
        let taken = behind.take_waiting();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].page, "a/index.html");
        drop(taken);
        assert_eq!(a.try_recv(), Err(oneshot::error::TryRecvError::Closed));
        // Nothing stale: nobody waits, and nothing is left waiting.
        let mut c = behind.wait_for("a/index.html").unwrap();
        behind.publish(Stale::none());
        assert_eq!(c.try_recv(), Err(oneshot::error::TryRecvError::Closed));
        assert!(behind.wait_for("a/index.html").is_none());
        assert!(behind.take_waiting().is_empty());
    }
}
