//! digest: a static site generator for paper digests.
//!
//! The pipeline, one module per phase: [`config`] and [`load`] read the site, [`index`] groups the
//! papers, [`output::plan`] lists the pages, [`render`] fills the templates, [`output::write`]
//! puts the result on disk. [`build`] runs them in order; [`cli`] is the command line.

// Problems are returned by value on the cold path only; boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]

#[cfg(not(any(feature = "onig", feature = "fancy")))]
compile_error!(
    "code highlighting needs a regex engine: build with the `onig` (default) or `fancy` feature"
);

pub mod build;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod export;
pub mod fetch;
pub mod hash;
pub mod href;
pub mod import;
pub mod index;
pub mod load;
pub mod markdown;
pub mod output;
pub mod record;
pub mod related;
pub mod render;
pub mod routes;
pub mod search;
pub mod serve;
pub mod site;
pub mod site_file;
pub mod slug;
pub mod terms;
pub mod text_clean;
pub mod timing;
