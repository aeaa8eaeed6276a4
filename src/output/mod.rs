//! Output: the plan of pages ([`plan`]), the machine files ([`machine`]) and the writer that
//! puts a complete build in place of the previous one ([`write`]).

pub mod emit;
pub mod machine;
pub mod plan;
pub mod write;
