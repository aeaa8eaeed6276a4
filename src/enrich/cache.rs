//! The answers of earlier runs, on disk: one JSON file per source and normalized title under
//! `<site>/.digest-cache/enrich/<source>/`, holding the answer and when it came. A lookup
//! answered within [`MAX_AGE_DAYS`] is not asked again, whether it found the paper or not.
//!
//! The cache lives beside the site rather than in `$XDG_CACHE_HOME`: it belongs to that site's
//! records, goes away with it, and a CI job (the daily workflow) can keep it between runs with
//! the site's own cache step. Answers that failed (a timeout, a 429, a server error) are never
//! kept.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::http::Answer;
use super::sources::Source;

/// Days an answer is reused before it is asked for again (a paper not found today may be
/// indexed next month).
pub(crate) const MAX_AGE_DAYS: i64 = 30;

/// The folder of the cache under a site root.
pub(crate) fn folder(root: &Path) -> PathBuf {
    root.join(".digest-cache").join("enrich")
}

/// One kept answer.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    source: String,
    title: String,
    /// Seconds since the Unix epoch when the answer came.
    fetched_at: i64,
    status: u16,
    body: String,
}

/// The cache of one run.
pub(crate) struct Cache {
    dir: PathBuf,
    now: jiff::Timestamp,
}

impl Cache {
    /// The cache in `dir`, as of `now`.
    pub(crate) fn new(dir: PathBuf, now: jiff::Timestamp) -> Cache {
        Cache { dir, now }
    }

    fn path(&self, source: Source, key: &str) -> PathBuf {
        // The key is ASCII letters and digits; a long one is cut and told apart by a hash of
        // the whole (FNV-1a: stable across runs and versions, unlike the std hasher).
        let name = if key.len() <= 120 {
            key.to_string()
        } else {
            let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            format!("{}-{hash:016x}", &key[..120])
        };
        let name = if name.is_empty() { "_".into() } else { name };
        self.dir.join(source.name()).join(format!("{name}.json"))
    }

    /// The answer kept for `key` from `source`, unless older than [`MAX_AGE_DAYS`] or
    /// unreadable (then it is asked again).
    pub(crate) fn get(&self, source: Source, key: &str) -> Option<Answer> {
        let text = std::fs::read_to_string(self.path(source, key)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        let age = self.now.as_second() - entry.fetched_at;
        (0..MAX_AGE_DAYS * 86_400).contains(&age).then_some(Answer {
            status: entry.status,
            body: entry.body,
        })
    }

    /// Keeps `answer` for `key`, written beside and renamed so a reader never sees half a file.
    pub(crate) fn put(
        &self,
        source: Source,
        key: &str,
        title: &str,
        answer: &Answer,
    ) -> std::io::Result<()> {
        let path = self.path(source, key);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let entry = Entry {
            source: source.name().to_string(),
            title: title.to_string(),
            fetched_at: self.now.as_second(),
            status: answer.status,
            body: answer.body.clone(),
        };
        let text = serde_json::to_string_pretty(&entry).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("json.digest-tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_kept_for_a_while_then_asked_again() {
        let tmp = tempfile::tempdir().unwrap();
        let then: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let answer = Answer {
            status: 200,
            body: "<feed/>".into(),
        };
        Cache::new(tmp.path().into(), then)
            .put(Source::Arxiv, "abc", "ABC", &answer)
            .unwrap();
        let later = |days: i64| {
            Cache::new(
                tmp.path().into(),
                then + jiff::SignedDuration::from_hours(24 * days),
            )
        };
        assert_eq!(
            later(29).get(Source::Arxiv, "abc").map(|a| a.body),
            Some("<feed/>".into())
        );
        assert!(later(30).get(Source::Arxiv, "abc").is_none());
        assert!(later(1).get(Source::Hf, "abc").is_none());
        let long = "x".repeat(300);
        let cache = later(0);
        cache.put(Source::S2, &long, "X", &answer).unwrap();
        assert!(cache.get(Source::S2, &long).is_some());
        assert!(cache.get(Source::S2, &"x".repeat(299)).is_none());
    }
}
