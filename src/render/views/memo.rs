//! What lists show of each paper, kept between writes of the same site (`serve`): a title
//! list's entry as a template value and an API list's entry as JSON text. An edit that moves a
//! paper in a large tag makes every page of the tag again (each shows the tag's count), and
//! building the twenty entries of each page was most of a page's cost; kept, a page takes
//! them from here.
//!
//! Entries are found by a hash of everything they are made of (the columns of hashes the page
//! fingerprints are made of, and the site's address), so an edited paper's old entry is never
//! found again. Kept entries are bounded: past [`MAX_ENTRIES`] one of the memo's shards is
//! emptied, so that about a sixteenth of the entries, taken at random, go.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ahash::AHashMap;
use serde_json::value::RawValue;
use tera::Value;

/// Entries kept at most (title-list entries and JSON entries together): 1.35 kB each with the
/// maps (measured at 100,000 papers: 200,000 entries took 270 MB), so at most ~215 MB, which
/// keeps `serve` of 100,000 papers under DESIGN's 1 GiB. Past it, entries go at random, and an
/// edit of a tag larger than that finds some of its entries.
const MAX_ENTRIES: usize = 160_000;

/// Papers up to which `serve` keeps a memo: past them the largest tags hold more entries than
/// the memo does, and memory is what such a site is short of (DESIGN: 4 GiB at a million).
pub(crate) const MAX_PAPERS: usize = 250_000;

/// Shards of the maps, so that the threads making pages seldom wait for each other.
const SHARDS: usize = 16;

#[derive(Default)]
struct Shard {
    cards: AHashMap<u64, Value>,
    items: AHashMap<u64, Arc<RawValue>>,
}

/// Entries of lists by what they are made of (see the module's documentation).
pub(crate) struct ListMemo {
    shards: Vec<Mutex<Shard>>,
    entries: AtomicUsize,
    /// Entries kept at most.
    max_entries: usize,
}

impl Default for ListMemo {
    fn default() -> Self {
        ListMemo::with_room(MAX_ENTRIES)
    }
}

impl ListMemo {
    fn with_room(max_entries: usize) -> Self {
        ListMemo {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            entries: AtomicUsize::new(0),
            max_entries,
        }
    }

    fn shard(&self, key: u64) -> std::sync::MutexGuard<'_, Shard> {
        // The low bits pick the map's bucket: the shard comes from the high ones.
        let i = (key >> 58) as usize % SHARDS;
        self.shards[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The title-list entry kept as `key`, or the one `make` makes, kept.
    pub(super) fn card(&self, key: u64, make: impl FnOnce() -> Value) -> Value {
        if let Some(card) = self.shard(key).cards.get(&key) {
            return card.clone();
        }
        let card = make();
        self.keep(key, |shard| {
            shard.cards.insert(key, card.clone());
        });
        card
    }

    /// The JSON entry kept as `key`, or the one `make` makes, kept.
    pub(super) fn item(&self, key: u64, make: impl FnOnce() -> Arc<RawValue>) -> Arc<RawValue> {
        if let Some(item) = self.shard(key).items.get(&key) {
            return item.clone();
        }
        let item = make();
        self.keep(key, |shard| {
            shard.items.insert(key, item.clone());
        });
        item
    }

    fn keep(&self, key: u64, put: impl FnOnce(&mut Shard)) {
        let mut shard = self.shard(key);
        if self.entries.fetch_add(1, Ordering::Relaxed) >= self.max_entries {
            // Full: this shard's entries go (keys are hashes, so they are any papers'; those
            // of papers edited since would never be asked for again).
            let gone = shard.cards.len() + shard.items.len();
            shard.cards = AHashMap::new();
            shard.items = AHashMap::new();
            self.entries.fetch_sub(gone, Ordering::Relaxed);
        }
        put(&mut shard);
    }

    /// Entries kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        (self.shards.iter())
            .map(|s| {
                let s = s.lock().unwrap_or_else(PoisonError::into_inner);
                s.cards.len() + s.items.len()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries are kept and found by key, each kind apart; a full memo empties the shard of
    /// the entry it takes.
    #[test]
    fn entries_are_kept_by_key_up_to_the_bound() {
        let memo = ListMemo::with_room(3);
        // Keys 1, 2 and 3 fall in the same shard (the top bits pick it).
        let made = std::cell::Cell::new(0);
        let card = |key: u64, text: &str| {
            memo.card(key, || {
                made.set(made.get() + 1);
                Value::from(text)
            })
        };
        assert_eq!(card(1, "one"), Value::from("one"));
        assert_eq!(card(1, "other"), Value::from("one"), "kept");
        assert_eq!(made.get(), 1);
        let item = memo.item(1, || {
            Arc::from(RawValue::from_string("[1]".into()).unwrap())
        });
        assert_eq!(
            item.get(),
            "[1]",
            "a JSON entry of the same key is another entry"
        );
        card(2, "two");
        assert_eq!(memo.len(), 3);
        // A fourth entry finds the memo full: the shard is emptied and takes it alone.
        card(3, "three");
        assert_eq!(memo.len(), 1);
        assert_eq!(card(1, "one again"), Value::from("one again"));
        assert_eq!(made.get(), 4);
        // An entry of another shard leaves these.
        memo.card(u64::MAX, || Value::from("far"));
        assert_eq!(memo.len(), 3);
        assert_eq!(card(3, "three again"), Value::from("three"));
    }
}
