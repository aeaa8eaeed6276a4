//! Content hashes of values, for deciding what to render again (page fingerprints, card and
//! template hashes). Nothing hashed here is persisted: a hash is only compared with hashes of the
//! same process run.

use std::hash::{BuildHasher, Hash, Hasher};

/// The hasher of fingerprints: aHash with fixed keys, so equal inputs hash equal across runs
/// too (nothing is persisted, but a fixed key keeps runs comparable); several times faster
/// than the standard library's SipHash on the many small strings of cards.
pub(crate) type FingerprintHasher = ahash::AHasher;

/// A new [`FingerprintHasher`].
pub(crate) fn hasher() -> FingerprintHasher {
    ahash::RandomState::with_seeds(0x6469_6765, 0x7374_2d66, 0x696e_6765, 0x7270_7269)
        .build_hasher()
}

/// Hash of a value, stable within a process run (never persisted).
pub(crate) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = hasher();
    value.hash(&mut hasher);
    hasher.finish()
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
