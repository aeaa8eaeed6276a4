//! Output: the plan of pages ([`plan`]), the machine files ([`machine`]) and where a build may
//! write ([`guard`]), and the publisher that swaps a complete build in place of the previous
//! one ([`publish`], one writer at a time by [`lock`]); `serve`'s rebuilds write through [`write`].

pub mod emit;
pub mod guard;
pub mod lock;
pub mod machine;
pub mod plan;
pub mod publish;
pub mod write;
