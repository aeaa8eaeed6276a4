//! Sending a digest email: the message ([`message`]: headers, parts, the `.eml` file), the
//! recipients file ([`recipients`]), the SMTP connection configured from the environment
//! ([`smtp`]), the ledger of who got which digest ([`ledger`]), and the run that sends one
//! digest to a list in messages or Bcc batches ([`deliver`]).
//!
//! What a digest says (its subject, HTML and text) comes from `crate::email`; this module only
//! wraps it into messages and hands them to a server. It never reads SMTP credentials from
//! `site.toml`, and never stores or prints a password.

pub(crate) mod deliver;
pub(crate) mod ledger;
pub(crate) mod message;
pub(crate) mod recipients;
pub(crate) mod smtp;
