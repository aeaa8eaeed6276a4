//! digest: a static site generator for paper digests.
//!
//! The modules are layers; each imports only from the layers below it (no module imports one
//! above it, and no two import each other):
//!
//! 1. [`cli`]: the command line, one file per subcommand.
//! 2. [`serve`]: the preview server; keeps one [`site::Site`] alive and rebuilds what an edit
//!    touched.
//! 3. [`build`]: one build: load a site, render every file ([`build::emit`]), publish it.
//! 4. [`site`]: a loaded site: reads the records ([`site::load`]), owns the per-paper data
//!    (`site::papers`), derives the index, cards and plan, and takes updates in place.
//! 5. [`render`]: what each page shows (`views`, said once for the template context and the
//!    fingerprint), Tera, charts, the machine files (sitemap, robots).
//! 6. [`plan`]: every page of a site, its template and what it lists.
//! 7. [`index`]: order, days, weeks, months, tags, keyword feeds, pagination. Beside it, from
//!    the same records: [`search`], [`related`] and their words ([`terms`]), [`export`]
//!    (BibTeX, CSL-JSON, JSON; citation keys), and the way in, [`import`], [`fetch`] and
//!    [`enrich`] (records completed by their titles). The way out by email: [`mail`] (a
//!    digest's message, SMTP, the ledger of who got which digest).
//! 8. [`record`], [`markdown`], [`config`], [`site_file`]: one record, one body, `site.toml`.
//! 9. [`write`](mod@write): where an output may go, the lock, the swap of a complete build, `serve`'s
//!    updates; it knows files, not pages.
//! 10. Leaves used everywhere: [`routes`] (the URL layout), [`calendar`], [`hash`], [`href`], [`http`],
//!     [`slug`], [`text_clean`], [`diagnostic`], [`timing`], [`memory`].

// Problems are returned by value on the cold path only; boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]
// The compiler lists what nothing uses: only what the binary and the tests need is public.
#![warn(unreachable_pub, missing_docs)]
// The module docs are the map of the code, read with `cargo doc --document-private-items`:
// they link to what is crate-private.
#![allow(rustdoc::private_intra_doc_links)]

#[cfg(not(any(feature = "onig", feature = "fancy")))]
compile_error!(
    "code highlighting needs a regex engine: build with the `onig` (default) or `fancy` feature"
);

pub(crate) mod build;
pub(crate) mod calendar;
pub(crate) mod check;
pub mod cli;
pub mod config;
pub(crate) mod diagnostic;
pub(crate) mod email;
pub(crate) mod enrich;
pub(crate) mod export;
pub(crate) mod fetch;
pub(crate) mod hash;
pub(crate) mod href;
pub(crate) mod http;
pub mod import;
pub(crate) mod index;
pub(crate) mod mail;
pub mod markdown;
pub(crate) mod memory;
pub(crate) mod plan;
pub mod record;
pub(crate) mod related;
pub(crate) mod render;
pub(crate) mod routes;
pub(crate) mod search;
pub(crate) mod serve;
pub(crate) mod site;
pub(crate) mod site_file;
pub(crate) mod slug;
pub(crate) mod terms;
pub(crate) mod text_clean;
pub(crate) mod timing;
pub mod write;
