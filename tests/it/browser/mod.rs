//! The built pages in headless Chromium: accessibility, sort orders, live reload, search.

mod a11y;
mod email;
mod feeds;
mod orders;
mod reload;
mod search;
