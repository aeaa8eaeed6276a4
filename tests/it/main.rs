//! digest's integration tests, in one binary (one link instead of one per file): each module
//! drives the real `digest` binary (`env!("CARGO_BIN_EXE_digest")`) on sites copied from
//! `tests/fixtures/` into temporary folders.
//!
//! Run one area with `cargo test --test it serve::`, one file with `cargo test --test it
//! build::feeds::`. Tests share this process: none changes its environment or current
//! folder (children get theirs through `Command::env`/`current_dir`), so they can run in
//! parallel threads.

mod browser;
mod build;
mod check;
mod cli;
mod common;
mod email;
mod import;
mod serve;
mod spec;
