//! `digest import`, `digest fetch` and `digest export`: listings in, records out and back.

mod enrich;
mod export_roundtrip;
mod fetch;
mod fidelity_safety;
mod formats;
mod hf;
mod merge_fidelity;
mod never_panics;
mod text_fidelity;
