//! `digest check`: everything that can be wrong with a site, found at once.

// Called by the `digest check` command, which lands with the rest of this module.
#[allow(dead_code)]
pub(crate) mod external;
