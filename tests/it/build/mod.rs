//! `digest build`: the pages, feeds and files it writes, its errors, and how it writes them.

mod api;
mod authors;
mod citations;
mod content_walk;
mod errors;
mod escaping;
mod feeds;
mod guard;
mod links;
mod names;
mod nesting;
mod notes;
mod page_weight;
mod pages;
mod reader;
mod record_input;
mod reference_managers;
mod safety;
mod status;
mod subscribe;
mod themes;
mod tldr;
mod top;
mod topic_rules;
mod validity;
mod xml_wellformed;
