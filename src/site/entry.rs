//! Makes the [`Entry`] of each record read: its rendered body and what is derived from one
//! record alone (hashes, summary, tags, feeds and why the paper matched them, words). Records
//! are handled in parallel; the site's word and tag numbering is shared between them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Problem;
use crate::hash::hash_of;
use crate::index::TopicMatcher;
use crate::index::authors::{AuthorKeys, author_keys};
use crate::index::keywords::{PaperText as TopicText, Topic};
use crate::index::tags::{TagKeys, paper_tags};
use crate::markdown::store::{Body, BodyStore};
use crate::markdown::{MarkdownRenderer, MarkdownWarning};
use crate::record::Paper;
use crate::render::views;
use crate::terms::{self, PaperText, Vocabulary};

use super::papers::Entry;

/// What entries are made with: the site's settings and the tools made from them.
pub(super) struct EntryMaker<'a> {
    pub(super) config: &'a Config,
    /// Keyword tags' and feeds' rules.
    pub(super) matcher: &'a TopicMatcher,
    pub(super) markdown: &'a MarkdownRenderer,
    /// Where the bodies go once rendered.
    pub(super) bodies: &'a BodyStore,
}

impl EntryMaker<'_> {
    /// The entries of `records`, in their order. New words, tags and authors get numbers in
    /// `vocabulary`, `tag_keys` and `people`. Fails only when a body cannot be kept (the
    /// temporary folder is full or cannot be written).
    pub(super) fn entries(
        &self,
        records: Vec<(PathBuf, Paper)>,
        vocabulary: &mut Vocabulary,
        tag_keys: &mut TagKeys,
        people: &mut AuthorKeys,
    ) -> std::io::Result<Vec<Entry>> {
        // Words are interned inside the parallel pass, one lock per record, so the words of the
        // whole corpus are never held as strings at once.
        let shared_vocabulary = Mutex::new(std::mem::take(vocabulary));
        let shared_tag_keys = Mutex::new(std::mem::take(tag_keys));
        let shared_people = Mutex::new(std::mem::take(people));
        let shared = Shared {
            vocabulary: &shared_vocabulary,
            tag_keys: &shared_tag_keys,
            people: &shared_people,
        };
        let entries = records
            .into_par_iter()
            .map(|(path, paper)| self.entry(path, paper, &shared))
            .collect::<std::io::Result<_>>();
        *people = shared_people
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        *vocabulary = shared_vocabulary
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        *tag_keys = shared_tag_keys
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        entries
    }

    fn entry(&self, path: PathBuf, paper: Paper, shared: &Shared<'_>) -> std::io::Result<Entry> {
        let Shared {
            vocabulary,
            tag_keys,
            people,
        } = *shared;
        let (body, warnings) = self.markdown.render_with_warnings(&paper.body);
        if !warnings.is_empty() {
            warn_about_body(&path, &paper, &warnings);
        }
        let body_hash = record_hash(&paper, &body.html, &body.notes);
        let topics = self.matcher.matches(&TopicText {
            title: &paper.title,
            abstract_text: &body.text,
            authors: &paper.authors,
            tags: &paper.tags,
        });
        let mut tags = paper_tags(&paper, &self.matcher.tag_names(&topics));
        match tag_keys.lock() {
            Ok(mut keys) => keys.key(&mut tags),
            Err(poisoned) => poisoned.into_inner().key(&mut tags),
        }
        // Keys are made here, in parallel; only their numbering takes the lock.
        let author_numbers = if self.config.output.author_pages.is_some() {
            let keys = author_keys(&paper);
            match people.lock() {
                Ok(mut people) => people.number(keys),
                Err(poisoned) => poisoned.into_inner().number(keys),
            }
        } else {
            Vec::new()
        };
        let mut summary = views::shorten(&body.text, self.config.summary_length);
        // Kept for every paper: without the room `format!` grew it to (half as much again).
        summary.shrink_to_fit();
        let feeds: Vec<u16> = topics
            .iter()
            .filter_map(|m| match m.topic {
                Topic::Feed(k) => Some(k),
                Topic::Tag(_) => None,
            })
            .collect();
        let tag_names: Vec<&str> = tags.iter().map(|t| &*t.name).collect();
        let words = terms::weighted_words(&PaperText {
            title: &paper.title,
            text: &body.text,
            authors: &paper.authors,
            tags: &tag_names,
        });
        let terms = match vocabulary.lock() {
            Ok(mut vocabulary) => terms::intern(&mut vocabulary, &words),
            Err(poisoned) => terms::intern(&mut poisoned.into_inner(), &words),
        };
        let compact_hash = views::compact_hash(&paper);
        let cite_hash = views::cite_hash(&paper);
        let cite_base = crate::export::cite_key::base_key(&paper);
        let mut paper = paper;
        // The body leaves the record (for a large site, memory): pages that show it read it back.
        let body = self.bodies.put(&Body {
            source: std::mem::take(&mut paper.body),
            rendered: body,
        })?;
        Ok(Entry {
            path,
            paper,
            body,
            summary,
            body_hash,
            compact_hash,
            cite_hash,
            cite_base,
            tags,
            author_numbers,
            feeds,
            topics,
            terms,
            card_key: 0,
            card_hash: 0,
        })
    }
}

/// The site's numberings, shared by the records read in parallel.
struct Shared<'a> {
    vocabulary: &'a Mutex<Vocabulary>,
    tag_keys: &'a Mutex<TagKeys>,
    people: &'a Mutex<AuthorKeys>,
}

/// Prints warnings about a record's body on stderr, each at its `file:line:column`. They do not
/// stop a build (the page shows the formula's source), and they are rare, so the file is read
/// again here rather than every record keeping where its body starts.
fn warn_about_body(file: &Path, paper: &Paper, warnings: &[MarkdownWarning]) {
    // The body is the end of the file (see `record::front_matter::split`).
    let text = std::fs::read_to_string(file)
        .ok()
        .filter(|text| text.ends_with(paper.body.as_str()));
    let mut out = String::new();
    for warning in warnings {
        let place = match &text {
            Some(text) => {
                let offset = text.len() - paper.body.len() + warning.span.start;
                let (line, column) = crate::diagnostic::line_col(text, offset);
                format!("{}:{line}:{column}", paper.path)
            }
            // Changed since it was read: the next rebuild reports it again, exactly.
            None => format!("{} (its body)", paper.path),
        };
        let problem = Problem::in_file(place, warning.message.as_str()).with_hint(warning.hint);
        out.push_str(&problem.render_warning());
    }
    // One write, so that warnings of records rendered at the same time do not interleave.
    eprint!("{out}");
}

/// Hash of everything a record says and its rendered body (abstract and notes): what the paper's own page is made
/// of besides the site around it. The destructuring names every field of [`Paper`], so a field
/// added to records does not compile until it is decided here (and then reaches the page's
/// fingerprint); cards and lists say what they show in `render::views`.
fn record_hash(paper: &Paper, html: &str, notes: &str) -> u64 {
    let Paper {
        path,
        title,
        date,
        published,
        authors,
        author_count,
        tags,
        upvotes,
        arxiv,
        doi,
        links,
        tldr,
        slug,
        // Where the slug is written: only for error messages.
        slug_span: _,
        draft,
        extra,
        // The Markdown source: `html` and `notes` are what the page shows of it.
        body: _,
    } = paper;
    hash_of(&(
        (html, notes),
        (path, title, date, published, authors, author_count, tags),
        (upvotes, arxiv, doi, links, tldr, slug, draft),
        format!("{extra:?}"),
    ))
}
