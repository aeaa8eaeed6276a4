//! View structs: what each template sees, built for the page at hand from borrowed site data.
//!
//! A page's context costs what the page shows and never copies corpus-wide data: cards are
//! built per list from one description ([`cards`]) that also gives the hashes page fingerprints
//! are made of; tags are template values shared by every card that shows them.
//!
//! - [`cards`]: paper cards and title-list entries, their template values and hashes;
//! - [`authors`]: an author's page;
//! - [`coins`]: the COinS ContextObject of each entry of a list, for reference managers;
//! - [`lists`]: days, months, weeks, tags, orders and pagers as pages refer to them;
//! - [`meta`]: a paper page's head metadata (Highwire, OpenGraph, JSON-LD);
//! - [`feeds`]: Atom and JSON feeds;
//! - [`chart_cache`]: the site's charts, redrawn only where their data changed;
//! - [`pages`]: each kind of page's context, and the pages made without a template;
//! - [`status`]: the status page, `status.json` and the manifest `digest.json`;
//! - [`text`]: plain text helpers (shortening, authors as shown).
//!
//! `guard_tests` edits whole sites and checks that every page whose context changes gets a new
//! fingerprint.

mod api;
mod authors;
mod cards;
mod chart_cache;
mod coins;
mod email;
mod feeds;
#[cfg(test)]
mod guard_tests;
mod lists;
mod meta;
mod pages;
mod status;
mod subscribe;
mod text;
mod top;

use tera::Value;

pub(crate) use self::cards::{CardRows, card_hash, cite_hash, compact_hash, tag_values};
pub(crate) use self::chart_cache::{SiteCharts, TrendMove, site_charts};
pub(crate) use self::pages::{PageSink, page_inputs};
pub(crate) use self::status::LedgerSource;
pub(crate) use self::status::{MANIFEST_VERSION, Manifest};
pub(crate) use self::text::{authors_display, shorten, write_authors_display};
pub(crate) use crate::calendar::rfc3339;
use crate::config::Config;
use crate::index::{PaperId, SiteIndex};
use crate::markdown::store::{Body, BodyRef, BodyStore};
use crate::record::Paper;

/// Everything a page's context may be built from, borrowed from the build.
pub(crate) struct SiteData<'a> {
    /// The site's settings.
    pub config: &'a Config,
    /// The papers, by id.
    pub papers: &'a [Paper],
    /// Where the rendered bodies are kept (read with [`SiteData::body`]).
    pub bodies: &'a BodyStore,
    /// Where each paper's body is kept, by id.
    pub body_refs: &'a [BodyRef],
    /// Each paper's abstract shortened for lists and feeds, by id.
    pub summaries: &'a [String],
    /// The groupings of the papers.
    pub index: &'a SiteIndex,
    /// Each tag as a template value, shared by every card that shows it (see [`tag_values`]).
    pub tag_values: &'a [Value],
    /// A hash of each tag's name, by tag (see [`tag_name_hashes`]): what fingerprints hash
    /// for a paper's tags.
    pub tag_name_hashes: Vec<u64>,
    /// A hash of each paper's card, by id: what lists show of it.
    pub card_hashes: &'a [u64],
    /// A hash of each paper's rendered body and `extra`, by id: what its own page adds.
    pub body_hashes: &'a [u64],
    /// A hash of what title lists show of each paper ([`compact_hash`]), by id.
    pub compact_hashes: &'a [u64],
    /// Each paper's authors' person numbers (see `index::authors`), by id.
    pub author_numbers: &'a [Vec<u32>],
    /// The keyword tags and feeds each paper matched, with why, by id.
    pub topics: &'a [Vec<crate::index::TopicMatch>],
    /// A hash of what each paper's BibTeX is made of ([`cite_hash`]), by id.
    pub cite_hashes: &'a [u64],
    /// Each paper's citation key, unique in the site (see [`crate::export::cite_key`]), by id.
    pub cite_keys: &'a [String],
    /// The site's charts.
    pub charts: &'a SiteCharts,
    /// Each paper's related papers, by id, best first.
    pub related: &'a [Vec<PaperId>],
    /// Files of the plan (for `digest.json`).
    pub page_count: usize,
    /// The fetch ledger's last success per source (`data/fetch-ledger.toml`), when the site
    /// has a ledger.
    pub ledger: Option<&'a [status::LedgerSource]>,
    /// Where the entries of the tags' `.bib` files as last written lie, when `serve` keeps
    /// them: a large tag's file is then made from the one written.
    pub bib_layouts: Option<&'a crate::export::bibtex::BibLayouts>,
    /// A hash of each author's papers' years, made when first needed (see `authors`).
    pub author_years: authors::AuthorYears,
}

/// A hash of the name of each tag of `index`, by tag.
pub(crate) fn tag_name_hashes(index: &SiteIndex) -> Vec<u64> {
    index
        .tags
        .iter()
        .map(|tag| crate::hash::hash_of(tag.name.as_str()))
        .collect()
}

impl SiteData<'_> {
    /// Paper `id`'s body, read from where it is kept: empty if it cannot be read back, which
    /// the store remembers, so that a build publishes nothing made with it (see
    /// `markdown::store`).
    pub(crate) fn body(&self, id: PaperId) -> Body {
        self.bodies.get(self.body_refs[id])
    }
}
