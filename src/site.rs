//! A loaded site: the settings, templates and records of a site folder and everything derived
//! from them before rendering (index, plan, cards, fingerprints).
//!
//! `build` loads one and renders every page; `serve` keeps one between edits and updates only
//! what a change touched. Updates are all-or-nothing: a change with problems leaves the site as
//! it was, so the last good build keeps being served.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use tera::Value;

use crate::config::Config;
use crate::diagnostic::{Problem, Problems};
use crate::index::tags::{PaperTag, TagKeys, paper_tags};
use crate::index::{KeywordMatcher, PaperId, SiteIndex};
use crate::load;
use crate::markdown::{MarkdownRenderer, MarkdownWarning, RenderedMarkdown};
use crate::output::machine::MachineFile;
use crate::output::plan::{self, PageKind, PlannedPage};
use crate::record::Paper;
use crate::render::fingerprint::hash_of;
use crate::render::theme::{self, Theme};
use crate::render::views::{self, SiteData};
use crate::render::{Renderer, template_deps};
use crate::search::SearchDoc;
use crate::terms::{self, PaperText, Vocabulary};

/// How a site is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Overrides `base_url` of `site.toml`.
    pub base_url: Option<String>,
    /// Includes records with `draft = true`.
    pub drafts: bool,
    /// Keeps each record's Markdown source and full plain text in memory (for export). A build
    /// does not need them once the body is rendered, and dropping them saves a third of the
    /// memory of a large site.
    pub keep_sources: bool,
}

/// One record with what is derived from it alone.
struct Entry {
    path: PathBuf,
    paper: Paper,
    body: RenderedMarkdown,
    summary: String,
    body_hash: u64,
    card_input_hash: u64,
    compact_hash: u64,
    cite_hash: u64,
    cite_base: String,
    tags: Vec<PaperTag>,
    feeds: Vec<u16>,
    terms: Vec<(u32, u16)>,
}

/// A site in memory, ready to render.
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// How it was loaded.
    pub options: LoadOptions,
    /// `site.toml`, resolved.
    pub config: Config,
    config_hash: u64,
    /// Templates and static sources.
    pub theme: Theme,
    /// The compiled templates.
    pub renderer: Renderer,
    template_hashes: BTreeMap<String, u64>,
    matcher: KeywordMatcher,
    feed_matcher: KeywordMatcher,
    markdown: MarkdownRenderer,
    /// Which record has each slug (slugs are unique in a site that loaded).
    slug_owners: HashMap<String, PathBuf>,
    // Records in path order, one element per record in each vector; a paper's id is its
    // position. Parallel vectors (not a vector of records) so the index and views borrow
    // plain slices without copying.
    paths: Vec<PathBuf>,
    papers: Vec<Paper>,
    bodies: Vec<RenderedMarkdown>,
    /// Each paper's abstract shortened for lists and feeds.
    summaries: Vec<String>,
    body_hashes: Vec<u64>,
    /// Hash of what a paper's card shows that comes from the record alone.
    card_input_hashes: Vec<u64>,
    /// Hash of what title lists show of a paper (see `views::compact_hash`).
    compact_hashes: Vec<u64>,
    /// Hash of what a paper's BibTeX is made of (see `views::cite_hash`).
    cite_hashes: Vec<u64>,
    /// Each paper's citation key before it is made unique (see `export::cite_key`).
    cite_bases: Vec<String>,
    /// Each paper's citation key, unique in the site: derived from all `cite_bases` together.
    cite_keys: Vec<String>,
    /// Each paper's tags, own and keyword (slugs computed once per record).
    tags: Vec<Vec<PaperTag>>,
    /// What each card was last built from (record and tag names); 0 when it must be built.
    card_keys: Vec<u64>,
    /// Each paper's keyword feeds, as indices into `config.keyword_feeds` (in its order).
    feeds: Vec<Vec<u16>>,
    /// Each paper's weighted words (title, abstract, authors, tags) for search and related
    /// papers, as ids into `vocabulary`.
    terms: Vec<Vec<(u32, u16)>>,
    /// Every word of the site. Only grows: a word no paper uses any more keeps its id.
    vocabulary: Vocabulary,
    /// Numbers of tag slugs and names (see [`TagKeys`]).
    tag_keys: TagKeys,
    // Derived from all records together by [`Site::derive`].
    index: SiteIndex,
    /// Each tag's value, shared by the cards that show it.
    tag_values: Vec<Value>,
    card_hashes: Vec<u64>,
    charts: views::SiteCharts,
    /// Each paper's related papers, best first.
    related: Vec<Vec<PaperId>>,
    /// Records' words changed since `related` was computed.
    related_stale: bool,
    pages: Vec<PlannedPage>,
}

impl Site {
    /// Loads the site at `root`: settings, templates and every record. Reports every problem.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<Site, Problems> {
        let one = |p: Problem| Problems(vec![p]);
        let config = Config::load(
            &root.join("site.toml"),
            "site.toml",
            options.base_url.as_deref(),
        )
        .map_err(one)?;
        let content = root.join("content");
        if !content.is_dir() {
            return Err(one(Problem::in_file("content/", "the site has no content/ folder")
                .with_hint("create content/ and put one .md record per paper in it (digest import hf-text FILE can make them)")));
        }
        let theme = theme::load(root, &config.theme).map_err(one)?;
        let renderer = Renderer::new(&config, &theme.templates).map_err(one)?;
        let files = load::record_files(&content).map_err(one)?;
        let mut site = Site {
            root: root.to_path_buf(),
            options: options.clone(),
            config_hash: hash_of(&format!("{config:?}")),
            matcher: KeywordMatcher::new(&config.keyword_tags),
            feed_matcher: KeywordMatcher::new(&config.keyword_feeds),
            config,
            template_hashes: template_deps::closure_hashes(&theme.templates),
            theme,
            renderer,
            markdown: MarkdownRenderer::new(),
            slug_owners: HashMap::new(),
            paths: Vec::new(),
            papers: Vec::new(),
            bodies: Vec::new(),
            summaries: Vec::new(),
            body_hashes: Vec::new(),
            card_input_hashes: Vec::new(),
            compact_hashes: Vec::new(),
            cite_hashes: Vec::new(),
            cite_bases: Vec::new(),
            cite_keys: Vec::new(),
            tags: Vec::new(),
            card_keys: Vec::new(),
            terms: Vec::new(),
            feeds: Vec::new(),
            vocabulary: Vocabulary::default(),
            tag_keys: TagKeys::default(),
            index: SiteIndex::build(&[], &[], &[], &[]),
            tag_values: Vec::new(),
            card_hashes: Vec::new(),
            charts: views::SiteCharts::default(),
            related: Vec::new(),
            related_stale: false,
            pages: Vec::new(),
        };
        site.update_records(&files, &[])?;
        if files.is_empty() {
            // No record made the update structural: derive the (empty) site's pages here.
            site.derive(true, true, None);
        }
        site.relate_if_stale();
        Ok(site)
    }

    /// Re-reads `changed` record files (new or edited) and forgets `removed` ones, then derives
    /// the index and plan again. On any problem (including ones in records that did not change
    /// but collide with changed ones) the site is left as it was.
    pub fn update_records(
        &mut self,
        changed: &[PathBuf],
        removed: &[PathBuf],
    ) -> Result<(), Problems> {
        let mut timer = crate::timing::PhaseTimer::start();
        let parsed: Vec<(PathBuf, Result<Paper, Vec<Problem>>)> = changed
            .par_iter()
            .map(|path| (path.clone(), load::load_one(&self.root, path)))
            .collect();
        let mut problems = Vec::new();
        let mut fresh = Vec::new();
        let mut gone: Vec<PathBuf> = removed.to_vec();
        for (path, result) in parsed {
            match result {
                // A record that became a draft leaves the site like a removed one.
                Ok(paper) if paper.draft && !self.options.drafts => gone.push(path),
                Ok(paper) => fresh.push((path, paper)),
                Err(found) => problems.extend(found),
            }
        }
        if !problems.is_empty() {
            return Err(Problems(problems));
        }
        timer.phase("read + parse records");
        let collisions = self.slug_collisions(&fresh, &gone);
        if !collisions.is_empty() {
            return Err(Problems(collisions));
        }
        // Words are interned inside the parallel pass, one lock per record, so the words of the
        // whole corpus are never held as strings at once.
        let vocabulary = Mutex::new(std::mem::take(&mut self.vocabulary));
        let tag_keys = Mutex::new(std::mem::take(&mut self.tag_keys));
        let entries: Vec<Entry> = fresh
            .into_par_iter()
            .map(|(path, paper)| {
                let (body, warnings) = self.markdown.render_with_warnings(&paper.body);
                if !warnings.is_empty() {
                    warn_about_body(&path, &paper, &warnings);
                }
                // What the paper's own page shows besides its card.
                let body_hash = hash_of(&(
                    &body.html,
                    format!("{:?}", paper.extra),
                    paper.published,
                    &paper.tags,
                ));
                let card_input_hash = hash_of(&(
                    (
                        &paper.title,
                        &paper.slug,
                        paper.date,
                        &paper.authors,
                        paper.author_count,
                    ),
                    (
                        paper.upvotes,
                        &paper.arxiv,
                        &paper.doi,
                        &paper.links,
                        &body.text,
                    ),
                ));
                let mut tags =
                    paper_tags(&paper, &self.matcher.tags_for(&[&paper.title, &body.text]));
                match tag_keys.lock() {
                    Ok(mut keys) => keys.key(&mut tags),
                    Err(poisoned) => poisoned.into_inner().key(&mut tags),
                }
                let summary = views::shorten(&body.text, self.config.summary_length);
                let feeds: Vec<u16> = self
                    .feed_matcher
                    .tags_for(&[&paper.title, &body.text])
                    .into_iter()
                    .filter_map(|name| self.config.keyword_feeds.keys().position(|k| k == name))
                    .filter_map(|i| u16::try_from(i).ok())
                    .collect();
                let tag_names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
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
                let (mut paper, mut body) = (paper, body);
                if !self.options.keep_sources {
                    paper.body = String::new();
                    body.text = String::new();
                }
                Entry {
                    path,
                    paper,
                    body,
                    summary,
                    body_hash,
                    card_input_hash,
                    compact_hash,
                    cite_hash,
                    cite_base,
                    tags,
                    feeds,
                    terms,
                }
            })
            .collect();
        self.vocabulary = vocabulary.into_inner().unwrap_or_else(|e| e.into_inner());
        self.tag_keys = tag_keys.into_inner().unwrap_or_else(|e| e.into_inner());
        timer.phase("markdown + keywords");
        // Adding or removing records moves paper ids: the related lists are carried over to
        // the new ids (see `remap_related`) instead of being computed again before the pages.
        let ids_move = !gone.is_empty()
            || entries
                .iter()
                .any(|e| self.paths.binary_search(&e.path).is_err());
        let old_paths = ids_move.then(|| self.paths.clone());
        for path in &gone {
            if let Ok(i) = self.paths.binary_search(path) {
                self.slug_owners.remove(&self.papers[i].slug);
                self.paths.remove(i);
                self.papers.remove(i);
                self.bodies.remove(i);
                self.summaries.remove(i);
                self.body_hashes.remove(i);
                self.card_input_hashes.remove(i);
                self.compact_hashes.remove(i);
                self.cite_hashes.remove(i);
                self.cite_bases.remove(i);
                self.tags.remove(i);
                self.card_keys.remove(i);
                self.card_hashes.remove(i);
                self.terms.remove(i);
                self.feeds.remove(i);
            }
        }
        // Slugs of replaced records are released before new ones are claimed, so records that
        // swap slugs in one batch keep the index right.
        for e in &entries {
            if let Ok(i) = self.paths.binary_search(&e.path)
                && self.slug_owners.get(&self.papers[i].slug) == Some(&e.path)
            {
                self.slug_owners.remove(&self.papers[i].slug);
            }
        }
        // Whether the change can move anything between pages: papers added or removed, or a
        // paper's date, upvotes, title, slug or tags changed. Otherwise (an abstract or a link
        // edited) the index and plan stay as they are and only the changed cards are rebuilt.
        let mut structural = !gone.is_empty();
        // Whether the listing order or the paper pages' paths may have changed (otherwise the
        // index and plan take them over: a tag edit keeps both).
        let mut reorder = ids_move;
        let mut repath = ids_move;
        let mut feeds_changed = false;
        // Whether citation keys must be made unique again (papers came or went, or one's base
        // key changed); an abstract edit keeps every key.
        let mut rekey = ids_move;
        let mut changed_ids = Vec::new();
        for e in entries {
            self.slug_owners
                .insert(e.paper.slug.clone(), e.path.clone());
            // Records come in path order on a first load: each goes after the last one, found
            // with one comparison instead of a binary search over paths (component-wise
            // comparisons, 0.4 s for 100,000 records).
            let place = match self.paths.last() {
                Some(last) if *last < e.path => Err(self.paths.len()),
                None => Err(0),
                Some(_) => self.paths.binary_search(&e.path),
            };
            match place {
                Ok(i) => {
                    let (old, new) = (&self.papers[i], &e.paper);
                    if (old.date, old.upvotes, &old.title, &old.slug)
                        != (new.date, new.upvotes, &new.title, &new.slug)
                    {
                        reorder = true;
                        repath |= old.slug != new.slug;
                    }
                    feeds_changed |= self.feeds[i] != e.feeds;
                    // Papers sharing a base key are ordered by these (see `unique_keys`).
                    rekey |= (old.published, old.date, &old.slug)
                        != (new.published, new.date, &new.slug);
                    if reorder || feeds_changed || self.tags[i] != e.tags {
                        structural = true;
                    }
                    changed_ids.push(i);
                    self.papers[i] = e.paper;
                    self.bodies[i] = e.body;
                    self.summaries[i] = e.summary;
                    self.body_hashes[i] = e.body_hash;
                    self.card_input_hashes[i] = e.card_input_hash;
                    self.compact_hashes[i] = e.compact_hash;
                    self.cite_hashes[i] = e.cite_hash;
                    rekey |= self.cite_bases[i] != e.cite_base;
                    self.cite_bases[i] = e.cite_base;
                    self.tags[i] = e.tags;
                    self.terms[i] = e.terms;
                    self.feeds[i] = e.feeds;
                    self.card_keys[i] = 0;
                }
                Err(i) => {
                    structural = true;
                    self.paths.insert(i, e.path);
                    self.papers.insert(i, e.paper);
                    self.bodies.insert(i, e.body);
                    self.summaries.insert(i, e.summary);
                    self.body_hashes.insert(i, e.body_hash);
                    self.card_input_hashes.insert(i, e.card_input_hash);
                    self.compact_hashes.insert(i, e.compact_hash);
                    self.cite_hashes.insert(i, e.cite_hash);
                    self.cite_bases.insert(i, e.cite_base);
                    self.tags.insert(i, e.tags);
                    self.card_keys.insert(i, 0);
                    self.card_hashes.insert(i, 0);
                    self.terms.insert(i, e.terms);
                    self.feeds.insert(i, e.feeds);
                }
            }
        }
        if rekey {
            self.cite_keys = crate::export::cite_key::unique_keys(&self.papers, &self.cite_bases);
        }
        timer.phase("store records");
        if let Some(old_paths) = old_paths {
            self.remap_related(&old_paths);
        }
        // Any change of words can change which papers are related, anywhere in the site; on a
        // large site that takes a few hundred milliseconds, so a preview does it after serving
        // the edited pages (see `relate_if_stale`), and until then shows the lists as they were.
        self.related_stale = true;
        if structural {
            // Only tags changed: the tag lists can be mended instead of built again.
            let retag = (!reorder && !feeds_changed).then_some(changed_ids.as_slice());
            self.derive(reorder, repath, retag);
        } else {
            self.rebuild_cards(&changed_ids);
        }
        Ok(())
    }

    /// Carries the related lists over to new paper ids after records were added or removed
    /// (`old_paths` are the record paths before): removed papers drop out of the lists, new
    /// papers get none until related papers are found again.
    fn remap_related(&mut self, old_paths: &[PathBuf]) {
        const GONE: PaperId = PaperId::MAX;
        // Both path lists are sorted: one walk pairs the papers that stayed.
        let mut new_id = vec![GONE; old_paths.len()];
        let (mut o, mut n) = (0, 0);
        while o < old_paths.len() && n < self.paths.len() {
            match old_paths[o].cmp(&self.paths[n]) {
                std::cmp::Ordering::Equal => {
                    new_id[o] = n;
                    o += 1;
                    n += 1;
                }
                std::cmp::Ordering::Less => o += 1,
                std::cmp::Ordering::Greater => n += 1,
            }
        }
        let mut related = vec![Vec::new(); self.paths.len()];
        for (o, list) in std::mem::take(&mut self.related).into_iter().enumerate() {
            if let Some(&n) = new_id.get(o)
                && n != GONE
            {
                related[n] = list
                    .into_iter()
                    .filter_map(|r| new_id.get(r).copied().filter(|&id| id != GONE))
                    .collect();
            }
        }
        self.related = related;
    }

    /// Problems with slugs shared by several records once `fresh` replace or join the site's
    /// records and `gone` leave it.
    fn slug_collisions(&self, fresh: &[(PathBuf, Paper)], gone: &[PathBuf]) -> Vec<Problem> {
        let replaced: HashSet<&Path> = gone
            .iter()
            .chain(fresh.iter().map(|(p, _)| p))
            .map(PathBuf::as_path)
            .collect();
        // Only the slugs the fresh records claim can collide: look those up in the slug index
        // instead of going through every record.
        let mut by_slug: HashMap<&str, Vec<&Paper>> = HashMap::new();
        for (_, paper) in fresh {
            by_slug.entry(&paper.slug).or_default().push(paper);
        }
        for (slug, papers) in by_slug.iter_mut() {
            if let Some(owner) = self.slug_owners.get(*slug)
                && !replaced.contains(owner.as_path())
                && let Ok(i) = self.paths.binary_search(owner)
            {
                papers.push(&self.papers[i]);
            }
        }
        let mut shared: Vec<(&str, Vec<&Paper>)> = by_slug
            .into_iter()
            .filter(|(_, papers)| papers.len() > 1)
            .collect();
        shared.sort_by(|a, b| a.0.cmp(b.0));
        shared
            .into_iter()
            .map(|(slug, mut papers)| {
                papers.sort_by(|a, b| a.path.cmp(&b.path));
                load::slug_collision(slug, &papers)
            })
            .collect()
    }

    /// Reloads `site.toml`-independent template sources (theme and site `templates/`).
    pub fn reload_templates(&mut self) -> Result<(), Problems> {
        let one = |p: Problem| Problems(vec![p]);
        let theme = theme::load(&self.root, &self.config.theme).map_err(one)?;
        let renderer = Renderer::new(&self.config, &theme.templates).map_err(one)?;
        self.template_hashes = template_deps::closure_hashes(&theme.templates);
        self.theme = theme;
        self.renderer = renderer;
        Ok(())
    }

    /// Recomputes what depends on all records together: index, cards, plan. Unless `reorder`,
    /// the listing order is taken over; unless `repath`, the paper pages of the plan. With
    /// `retag` (papers whose only change that matters to the index is their tags), the tag lists
    /// are mended when the set of tags stays the same.
    fn derive(&mut self, reorder: bool, repath: bool, retag: Option<&[PaperId]>) {
        let mut timer = crate::timing::PhaseTimer::start();
        let feed_names: Vec<&str> = self
            .config
            .keyword_feeds
            .keys()
            .map(String::as_str)
            .collect();
        let mended = !reorder && retag.is_some_and(|changed| self.index.retag(&self.tags, changed));
        if !mended {
            let order = (!reorder).then(|| std::mem::take(&mut self.index.order));
            self.index = SiteIndex::build_with_order(
                &self.papers,
                &self.tags,
                &feed_names,
                &self.feeds,
                order,
            );
        }
        timer.phase("index");
        // A card is rebuilt only when its record or the names of its tags changed.
        let index = &self.index;
        let keys: Vec<u64> = (0..self.papers.len())
            .into_par_iter()
            .map(|id| {
                let tags: Vec<(&str, &str)> = index.paper_tags[id]
                    .iter()
                    .map(|&t| (index.tags[t].name.as_str(), index.tags[t].slug.as_str()))
                    .collect();
                hash_of(&(self.card_input_hashes[id], tags)).max(1)
            })
            .collect();
        let stale: Vec<usize> = (0..keys.len())
            .filter(|&id| keys[id] != self.card_keys[id])
            .collect();
        let built: Vec<u64> = stale
            .par_iter()
            .map(|&id| views::card_hash(&self.config, &self.papers, &self.summaries, index, id))
            .collect();
        for (&id, hash) in stale.iter().zip(built) {
            self.card_hashes[id] = hash;
        }
        self.tag_values = views::tag_values(&self.config, index);
        self.card_keys = keys;
        timer.phase("cards");
        self.charts = views::site_charts(&self.config, &self.index, &self.charts);
        timer.phase("charts");
        let paper_pages = (!repath).then(|| {
            let start = self
                .pages
                .iter()
                .position(|p| matches!(p.kind, PageKind::Paper(_)))
                .unwrap_or(0);
            let len = self.pages[start..]
                .iter()
                .take_while(|p| matches!(p.kind, PageKind::Paper(_)))
                .count();
            self.pages.drain(start..start + len).collect()
        });
        self.pages = plan::plan_reusing(&self.config, &self.papers, &self.index, paper_pages);
        timer.phase("plan");
    }

    /// Whether related papers are older than the records (after an edit that moved nothing).
    pub fn related_stale(&self) -> bool {
        self.related_stale
    }

    /// Finds related papers again if an edit made them stale; returns whether it did.
    pub fn relate_if_stale(&mut self) -> bool {
        let stale = self.related_stale;
        if stale {
            self.relate();
        }
        stale
    }

    /// Finds every paper's related papers from the words of all papers.
    fn relate(&mut self) {
        self.related_stale = false;
        let docs: Vec<&[(u32, u16)]> = self.terms.iter().map(Vec::as_slice).collect();
        let k = self.config.output.related_papers;
        self.related = if k == 0 {
            vec![Vec::new(); docs.len()]
        } else {
            crate::related::related(&docs, self.vocabulary.len(), k)
                .into_iter()
                .map(|ids| ids.into_iter().map(|r| r as PaperId).collect())
                .collect()
        };
    }

    /// The search index files (see [`crate::search`]), paths relative to the output.
    pub fn search_files(&self) -> Vec<MachineFile> {
        let dates: Vec<String> = self.papers.iter().map(|p| p.date.to_string()).collect();
        let authors: Vec<String> = self.papers.iter().map(views::authors_display).collect();
        let docs: Vec<SearchDoc> = self
            .papers
            .iter()
            .enumerate()
            .map(|(id, paper)| SearchDoc {
                slug: &paper.slug,
                title: &paper.title,
                date: &dates[id],
                authors: &authors[id],
                upvotes: paper.upvotes,
                terms: &self.terms[id],
            })
            .collect();
        crate::search::build_index(&docs, self.vocabulary.words())
            .into_iter()
            .map(|(path, contents)| MachineFile { path, contents })
            .collect()
    }

    /// Rebuilds the cards of `ids` when nothing moved between pages.
    fn rebuild_cards(&mut self, ids: &[usize]) {
        for &id in ids {
            self.card_hashes[id] =
                views::card_hash(&self.config, &self.papers, &self.summaries, &self.index, id);
            self.card_keys[id] = 0;
        }
    }

    /// The pages of the site.
    pub fn pages(&self) -> &[PlannedPage] {
        &self.pages
    }

    /// Number of papers published.
    pub fn paper_count(&self) -> usize {
        self.papers.len()
    }

    /// The record files the site was made from, in path order.
    pub fn record_paths(&self) -> impl Iterator<Item = &Path> {
        self.paths.iter().map(PathBuf::as_path)
    }

    /// The id of the paper made from the record file `path`, if it is part of the site.
    pub fn paper_id(&self, path: &Path) -> Option<PaperId> {
        self.paths.binary_search_by(|p| p.as_path().cmp(path)).ok()
    }

    /// The data page contexts are built from.
    pub fn data(&self) -> SiteData<'_> {
        SiteData {
            config: &self.config,
            papers: &self.papers,
            bodies: &self.bodies,
            summaries: &self.summaries,
            index: &self.index,
            tag_values: &self.tag_values,
            card_hashes: &self.card_hashes,
            body_hashes: &self.body_hashes,
            compact_hashes: &self.compact_hashes,
            cite_hashes: &self.cite_hashes,
            cite_keys: &self.cite_keys,
            charts: &self.charts,
            related: &self.related,
        }
    }

    /// Each page's fingerprint, by output path: pages whose fingerprint is unchanged since the
    /// last render need not be rendered again.
    pub fn fingerprints(&self) -> Vec<u64> {
        let data = self.data();
        self.pages
            .par_iter()
            .map(|page| {
                let templates = self
                    .template_hashes
                    .get(page.template)
                    .copied()
                    .unwrap_or(0);
                data.fingerprint(page, templates, self.config_hash)
            })
            .collect()
    }
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
