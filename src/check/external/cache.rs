//! The on-disk cache of external link results: one small JSON file per URL, named by a stable
//! hash of its normalized form, holding the result and when it was found. Only definite
//! answers are kept (a live link, a dead one); a slow or failed check is asked again next time.
//! The cache is an optimisation: a file that cannot be read or written is a miss, never an
//! error.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::LinkState;

/// Seconds in a day.
const DAY: u64 = 24 * 60 * 60;

/// How long a dead link's answer is trusted: a day, so a link fixed upstream stops being
/// reported the next morning.
const DEAD_DAYS: u64 = 1;

/// One cache file.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The normalized URL, checked on reading: a hash collision is a miss, not a wrong answer.
    url: String,
    /// When it was checked, in seconds since the Unix epoch.
    checked_at: u64,
    #[serde(flatten)]
    result: Stored,
}

/// The results worth keeping.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
enum Stored {
    Ok,
    Dead { status: u16 },
}

/// The cache folder and how long its answers are trusted.
#[derive(Debug)]
pub(super) struct Cache {
    dir: PathBuf,
    ok_days: u64,
}

impl Cache {
    /// The cache in `dir`, trusting a live link for `ok_days` (0: never read the cache).
    pub(super) fn new(dir: &Path, ok_days: u32) -> Cache {
        Cache {
            dir: dir.to_path_buf(),
            ok_days: u64::from(ok_days),
        }
    }

    /// The answer for `url` found less than its lifetime before `now` (Unix seconds): a live
    /// link within `ok_days`, a dead one within a day (and never longer than `ok_days`).
    pub(super) fn get(&self, url: &str, now: u64) -> Option<LinkState> {
        let text = std::fs::read_to_string(self.path_of(url)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        if entry.url != url || entry.checked_at > now {
            return None;
        }
        let (state, days) = match entry.result {
            Stored::Ok => (LinkState::Ok, self.ok_days),
            Stored::Dead { status } => (LinkState::Dead { status }, DEAD_DAYS.min(self.ok_days)),
        };
        (now - entry.checked_at < days * DAY).then_some(state)
    }

    /// Keeps `state` for `url` as found at `now` if it is a definite answer. Written to a
    /// temporary file and renamed, so a reader never sees half a file.
    pub(super) fn put(&self, url: &str, state: &LinkState, now: u64) {
        let result = match state {
            LinkState::Ok => Stored::Ok,
            LinkState::Dead { status } => Stored::Dead { status: *status },
            LinkState::Slow | LinkState::Failed { .. } => return,
        };
        let entry = Entry {
            url: url.to_string(),
            checked_at: now,
            result,
        };
        let Ok(json) = serde_json::to_string_pretty(&entry) else {
            return;
        };
        static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);
        let path = self.path_of(url);
        let temp = path.with_extension(format!(
            "tmp-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(&temp, json))
            .and_then(|()| std::fs::rename(&temp, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }

    /// The file of `url`: the FNV-1a hash of its normalized form, in hex.
    pub(super) fn path_of(&self, url: &str) -> PathBuf {
        self.dir
            .join(format!("{:016x}.json", fnv1a(url.as_bytes())))
    }
}

/// 64-bit FNV-1a: tiny, and the same in every run and on every machine (the standard
/// library's and aHash's hashers are seeded per process or per build), so a cache file is
/// found again next time.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv, section 8 / fnv_test.c).
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn answers_live_as_long_as_their_kind_allows() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 7);
        let (ok, dead) = ("https://a.test/live", "https://a.test/dead");
        let t = 1_750_000_000;
        cache.put(ok, &LinkState::Ok, t);
        cache.put(dead, &LinkState::Dead { status: 410 }, t);
        assert_eq!(cache.get(ok, t + 7 * DAY - 1), Some(LinkState::Ok));
        assert_eq!(cache.get(ok, t + 7 * DAY), None);
        assert_eq!(
            cache.get(dead, t + DAY - 1),
            Some(LinkState::Dead { status: 410 })
        );
        assert_eq!(cache.get(dead, t + DAY), None);
        // Written in the future (a clock set back): not trusted.
        assert_eq!(cache.get(ok, t - 1), None);
        // A cache of 0 days is never read.
        assert_eq!(Cache::new(dir.path(), 0).get(ok, t), None);
    }

    #[test]
    fn slow_and_failed_checks_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 7);
        cache.put("https://a.test/slow", &LinkState::Slow, 1);
        let failed = LinkState::Failed {
            reason: "connection refused".into(),
        };
        cache.put("https://a.test/failed", &failed, 1);
        assert!(!dir.path().join(".").read_dir().unwrap().any(|_| true));
    }

    #[test]
    fn a_damaged_or_colliding_file_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 7);
        let url = "https://a.test/x";
        std::fs::write(cache.path_of(url), "{ not json").unwrap();
        assert_eq!(cache.get(url, 10), None);
        // Another URL's answer under this URL's name.
        std::fs::write(
            cache.path_of(url),
            r#"{"url": "https://a.test/y", "checked_at": 5, "state": "ok"}"#,
        )
        .unwrap();
        assert_eq!(cache.get(url, 10), None);
        cache.put(url, &LinkState::Ok, 5);
        assert_eq!(cache.get(url, 10), Some(LinkState::Ok));
    }
}
