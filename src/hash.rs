//! Content hashes of values, for deciding what to render again (page fingerprints, card and
//! template hashes). The build cache keeps some of these hashes between runs, but only with a
//! hash of the program that made them: a hash is only ever compared with hashes of the same
//! program (aHash's output may differ between builds of it).

use std::hash::{BuildHasher, Hash, Hasher};

/// The hasher of fingerprints: aHash with fixed keys, so equal inputs hash equal across runs
/// too (what the build cache keeps is compared in a later run); several times faster
/// than the standard library's SipHash on the many small strings of cards.
pub(crate) type FingerprintHasher = ahash::AHasher;

/// A new [`FingerprintHasher`].
pub(crate) fn hasher() -> FingerprintHasher {
    ahash::RandomState::with_seeds(0x6469_6765, 0x7374_2d66, 0x696e_6765, 0x7270_7269)
        .build_hasher()
}

/// Hash of a value, stable across runs of the same program.
pub(crate) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = hasher();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A map keyed by hashes made with [`hasher`] (a page's path hash), which it uses as they are.
pub(crate) type ByHash<V> =
    std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<PassThrough>>;

/// A hasher that passes a `u64` hash on (see [`ByHash`]).
#[derive(Debug, Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64`s are hashed; anything else is folded in byte by byte.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Hash of what tells, without reading it, that a file is no longer the one it was: size,
/// modification time and, where the system has them, inode and change time (which no tool
/// that restores modification times can set back, and which a rename over the file changes).
/// For the build cache, which compares it only with hashes made by the same program.
pub(crate) fn file_identity(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    let id = {
        use std::os::unix::fs::MetadataExt;
        (meta.ino(), meta.ctime(), meta.ctime_nsec())
    };
    #[cfg(not(unix))]
    let id = ();
    hash_of(&(meta.len(), meta.modified().ok(), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_hash_equal_and_different_ones_differ() {
        assert_eq!(hash_of("paper"), hash_of(&"paper".to_string()));
        assert_ne!(hash_of(&("a", "bc")), hash_of(&("ab", "c")));
        let mut h = hasher();
        "paper".hash(&mut h);
        assert_eq!(h.finish(), hash_of("paper"));
    }
}
