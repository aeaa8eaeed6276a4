//! Page fingerprints: a hash of everything a page's context is made of, without building it.
//!
//! A rebuild renders exactly the pages whose fingerprint changed (DESIGN §6): the same code path
//! serves a cold build (no previous fingerprints) and a warm one. The fingerprint reads the same
//! description of the page as its context ([`SiteData::describe_page`]), hashing small views as
//! built and larger values by what they are made of (card, body and citation hashes), so it
//! covers every field of the context; `views::guard_tests` checks it on edited sites, and the
//! incremental tests compare rebuilt output with clean builds.

use std::hash::{Hash, Hasher};

use serde::Serialize;
use tera::Value;

use super::views::{PageSink, SiteData};
use crate::hash::{FingerprintHasher, hasher};
use crate::plan::PlannedPage;

/// Feeds a page's description ([`SiteData::describe_page`]) to a hash: small views as built,
/// values by what they are made of.
struct FingerprintSink(FingerprintHasher);

impl PageSink for FingerprintSink {
    fn view<T: Serialize + Hash>(&mut self, key: &'static str, view: impl FnOnce() -> T) {
        (key, view()).hash(&mut self.0);
    }

    fn made_of(&mut self, key: &'static str, inputs: impl Hash, _: impl FnOnce() -> Value) {
        (key, inputs).hash(&mut self.0);
    }

    fn generated(&mut self, inputs: impl Hash) {
        inputs.hash(&mut self.0);
    }
}

impl SiteData<'_> {
    /// The fingerprint of a page: equal fingerprints mean equal output, given the same
    /// templates (`templates` is the hash of the page template and everything it uses) and
    /// config (`config` is its hash).
    pub(crate) fn fingerprint(&self, page: &PlannedPage, templates: u64, config: u64) -> u64 {
        let mut sink = FingerprintSink(hasher());
        (templates, config, page.template, &page.path).hash(&mut sink.0);
        self.describe_page(page, &mut sink);
        sink.0.finish()
    }
}
