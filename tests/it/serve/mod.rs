//! `digest serve`: HTTP, incremental rebuilds, errors while watching, safety of the output.

mod errors;
mod events;
mod http;
mod incremental;
mod random_edits;
mod safety;
