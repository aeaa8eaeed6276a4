//! Email digests: `digest email` and `digest send`.

mod send;
