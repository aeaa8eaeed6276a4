//! A loaded site: the settings, templates and records of a site folder and everything derived
//! from them before rendering (index, plan, cards, fingerprints).
//!
//! `build` loads one and renders every page; `serve` keeps one between edits and updates only
//! what a change touched. Updates are all-or-nothing: a change with problems leaves the site as
//! it was, so the last good build keeps being served.
//!
//! A load and an update go the same way: records are read and parsed, each becomes an `Entry`
//! (`entry.rs`), the `PaperTable` (`papers.rs`, the one owner of the per-paper data) applies
//! the batch and says what changed as a `Change` (`change.rs`), and
//! what depends on all papers is derived again as far as that change reaches (`derive.rs`). A
//! property test (`tests.rs`) checks that an updated site equals the same files loaded anew.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::Value;

use crate::config::Config;
use crate::diagnostic::{Problem, Problems};
use crate::hash::hash_of;
use crate::index::authors::AuthorKeys;
use crate::index::tags::TagKeys;
use crate::index::{PaperId, SiteIndex, TopicMatcher};
use crate::markdown::MarkdownRenderer;
use crate::markdown::store::BodyStore;
use crate::plan::PlannedPage;
use crate::record::Paper;
#[cfg(test)]
use crate::render::machine::MachineFile;
use crate::render::theme::{self, Theme};
use crate::render::views::{self, SiteData};
use crate::render::{Renderer, template_deps};
use crate::search::SearchDoc;
use crate::terms::Vocabulary;

mod change;
mod derive;
mod entry;
mod fingerprints;
pub(crate) mod load;
mod papers;
pub(crate) mod snapshot;
mod weight;

use change::{Change, Rekey};
use entry::EntryMaker;
pub(crate) use fingerprints::{PENDING, PageFingerprints};
use papers::PaperTable;

/// How a site is loaded.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoadOptions {
    /// Overrides `base_url` of `site.toml`.
    pub base_url: Option<String>,
    /// Includes records with `draft = true`.
    pub drafts: bool,
    /// Keeps each record file's stamp, for the build cache (about 150 bytes a paper: its
    /// path and two hashes); a build without the cache and `serve` never read them.
    pub keep_stamps: bool,
}

/// A site in memory, ready to render.
pub(crate) struct Site {
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
    /// The keyword tags' and feeds' rules, compiled.
    matcher: TopicMatcher,
    markdown: MarkdownRenderer,
    /// Where the rendered bodies are kept: the first 128 MB in memory (for sites of up to
    /// 250,000 records), the rest in files.
    bodies: BodyStore,
    /// Every paper's record and what is derived from it alone, in record path order; a
    /// paper's id is its row.
    papers: PaperTable,
    /// Every word of the site. Only grows: a word no paper uses any more keeps its id.
    vocabulary: Vocabulary,
    /// Numbers of tag slugs and names (see [`TagKeys`]).
    tag_keys: TagKeys,
    /// Numbers of authors, one per person (see [`AuthorKeys`]).
    people: AuthorKeys,
    // Derived from all records together by [`Site::derive`].
    index: SiteIndex,
    /// Each tag's value, shared by the cards that show it.
    tag_values: Vec<Value>,
    /// Each paper's citation key, unique in the site: derived from all base keys together.
    cite_keys: Vec<String>,
    charts: views::SiteCharts,
    /// The papers counted out of their tags' months since the charts were made, and those
    /// counted in (see [`views::site_charts`]), once charts were made; `None` when unknown
    /// (every tag's months are counted again).
    trend_moves: Option<Vec<views::TrendMove>>,
    /// Each paper's related papers, best first.
    related: crate::related::RelatedLists,
    /// The terms each paper kept when `related` was last made (see `related::changed_lists`);
    /// empty when papers came or went since.
    related_kept: crate::related::KeptLists,
    /// Records' words changed since `related` was computed.
    related_stale: bool,
    /// While `related` is stale: the words, when it was computed, of each paper edited since,
    /// so that only the lists an edit can reach are made again (`related::changed_lists`);
    /// `None` when papers came or went since (every list is made again).
    related_before: Option<ahash::AHashMap<PaperId, crate::terms::Terms>>,
    /// The words, when the search index was last made ([`Site::mark_searched`]), of each
    /// paper edited since: with them the index is updated from those papers alone (see
    /// [`crate::search::Edited`]); `None` when papers came or went since, or when no index
    /// was marked.
    search_before: Option<crate::search::Edited>,
    /// The records (see [`Site::records_identity`]) `search_before` starts from, when it
    /// started from a snapshot's: an index made from those records is updated from the edits.
    search_base: Option<u64>,
    pages: Vec<PlannedPage>,
    /// Which numbering of the papers their ids are in: new for each site loaded and whenever
    /// papers come or go (ids move). Lists of paper ids from two states compare equal only
    /// under one numbering (see [`Site::page_fingerprints`]).
    ids_numbering: u64,
    /// A stamp per paper, by id, renewed whenever something its page's inputs
    /// ([`SiteData::paper_inputs`]) read may have changed: its record read again, its card or
    /// citation key made again, its related papers found again. Fingerprints made from an
    /// earlier state's hash again only the papers whose stamp differs (at a million papers,
    /// hashing every paper's inputs after each edit took 40–130 ms). Stamps are never reused in
    /// a process; empty or of another length when not kept (every paper counts as changed).
    input_stamps: Vec<u64>,
    /// Hash of each page's output path, in plan order (made with the plan).
    path_hashes: std::sync::Arc<Vec<u64>>,
    /// What the plan of `pages` was made of besides the paper pages and the lists' lengths
    /// ([`plan::shape`]): an index of the same shape plans the same pages but the lists'.
    plan_shape: Option<u64>,
    /// A stamp of the plan's pages and their order, renewed when they change (see
    /// [`new_numbering`]).
    plan_stamp: u64,
    /// Each paper's page, by id: its index in the plan (its JSON file's is `papers.len()`
    /// after it when the site has an API).
    paper_pages: Vec<u32>,
    /// The lists' page counts of the plan ([`plan::page_counts`]).
    plan_counts: Vec<u32>,
    /// The lists' lengths the pages' pagers were made for ([`plan::list_lengths`]).
    plan_lengths: Option<u64>,
    /// The fetch ledger's last success per source, for the status page; `None` when the site
    /// has no ledger.
    ledger: Option<Vec<views::LedgerSource>>,
    /// What each record file (drafts too) was when it was read, for the build cache.
    stamps: snapshot::Stamps,
    /// Where the entries of the tags' `.bib` files last written lie, when they are kept (see
    /// [`Site::keep_bib_layouts`]).
    bib_layouts: Option<Box<crate::export::bibtex::BibLayouts>>,
}

/// A site before its records are read (see [`Site::unread`]).
pub(crate) struct Unread {
    site: Site,
    files: Vec<PathBuf>,
    /// The record files compared with the stamps of a snapshot, if they were.
    scan: Option<snapshot::Scan>,
}

impl Unread {
    /// The site so far: settings, templates, static sources, no records.
    pub(crate) fn site(&self) -> &Site {
        &self.site
    }

    /// A hash of everything pages are made of but the records: the settings (the build time
    /// too), the options, the templates and the fetch ledger.
    pub(crate) fn inputs_hash(&self) -> u64 {
        let site = &self.site;
        hash_of(&(
            site.snapshot_key(),
            &site.template_hashes,
            &site.ledger,
            format!("{:?}", site.config.built_at),
        ))
    }

    /// Whether no record file was added, changed or removed since `stamps` (the stamps of a
    /// snapshot, [`Site::snapshot_stamps`]) were made. What it found is kept for [`Unread::load`].
    pub(crate) fn records_unchanged(&mut self, stamps: &[u8]) -> bool {
        if !self.site.put_back_stamps(stamps) {
            return false;
        }
        let scan = self.site.changed_since_stamped(&self.files);
        let unchanged = scan.changed.is_empty() && scan.removed.is_empty();
        self.scan = Some(scan);
        unchanged
    }

    /// Record files touched without a change since the stamps (their stamps were renewed).
    pub(crate) fn touched(&self) -> usize {
        self.scan.as_ref().map_or(0, |scan| scan.renewed)
    }

    /// Record files of the site (drafts too).
    pub(crate) fn record_count(&self) -> usize {
        self.files.len()
    }

    /// The stamps of the record files, encoded (see [`Site::snapshot_stamps`]).
    pub(crate) fn stamps(&self) -> Result<Vec<u8>, postcard::Error> {
        self.site.snapshot_stamps()
    }

    /// Reads the records, like [`Site::load`]; from `snapshot` (an earlier load's, from the build
    /// cache) when it is of this site with these settings and its stamps were compared
    /// ([`Unread::records_unchanged`]): then only the record files that changed since are read,
    /// and those gone are forgotten. A snapshot that does not read back, or is of other
    /// settings, is not used (every record is read).
    pub(crate) fn load(
        self,
        snapshot: Option<&dyn snapshot::SnapshotSource>,
    ) -> Result<(Site, Loaded), Problems> {
        let Unread {
            mut site,
            files,
            scan,
        } = self;
        let mut loaded = Loaded {
            records_total: files.len(),
            ..Loaded::default()
        };
        let mut timer = crate::timing::PhaseTimer::start();
        let restored = snapshot.map(|source| {
            snapshot::decode(source).and_then(|restored| {
                if restored.key() != site.snapshot_key() {
                    Err(snapshot::Unusable::OtherSite)
                } else if scan.is_none() {
                    Err(snapshot::Unusable::Unreadable(
                        "its stamps do not read back".into(),
                    ))
                } else {
                    Ok(restored)
                }
            })
        });
        timer.phase("cache: decoded");
        match (restored, scan) {
            (Some(Ok(restored)), Some(scan)) => {
                site.put_back(restored);
                // An index made from the snapshot's records is updated from the papers
                // read again (see `SearchMemo::update`).
                site.mark_searched();
                site.search_base = Some(site.records_identity());
                timer.phase("cache: put back");
                loaded.from_snapshot = true;
                loaded.records_read = scan.changed.len();
                loaded.records_removed = scan.removed.len();
                loaded.records_touched = scan.renewed;
                if !scan.changed.is_empty() || !scan.removed.is_empty() {
                    site.read_records(&scan.changed, &scan.removed)?;
                }
            }
            (restored, _) => {
                if let Some(Err(why)) = restored {
                    loaded.snapshot_unused = Some(why.to_string());
                }
                site.stamps.clear();
                loaded.records_read = files.len();
                site.read_records(&files, &[])?;
            }
        }
        site.derive_and_relate(&Change::everything());
        timer.phase("derived");
        site.relate_if_stale();
        crate::memory::give_back();
        timer.phase("related papers");
        weight::print_if_timing(&site);
        Ok((site, loaded))
    }
}

/// Records read, parsed and rendered at a time (see [`Site::read_records`]): enough to keep two
/// cores busy, few enough that their sources weigh a few megabytes.
const READ_BATCH: usize = 4096;

/// A record file read: its path, what it says (or its problems) and its stamp.
type Parsed = (PathBuf, Result<Paper, Vec<Problem>>, Option<load::Stamp>);

/// How a site was loaded with a build cache (see [`Unread::load`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Loaded {
    /// Record files read and parsed (all of them without a usable snapshot).
    pub records_read: usize,
    /// Record files gone since the snapshot.
    pub records_removed: usize,
    /// Record files of the site (drafts too).
    pub records_total: usize,
    /// Record files touched without a change (their stamps renewed).
    pub records_touched: usize,
    /// Whether a snapshot was used.
    pub from_snapshot: bool,
    /// Why a snapshot given was not used.
    pub snapshot_unused: Option<String>,
}

impl Site {
    /// Loads the site at `root`: settings, templates and every record. Reports every problem.
    pub(crate) fn load(root: &Path, options: &LoadOptions) -> Result<Site, Problems> {
        let (mut site, files) = Site::without_records(root, options)?;
        site.read_records(&files, &[])?;
        site.derive_and_relate(&Change::everything());
        Ok(site)
    }

    /// The site at `root` with its settings and templates read and its record files found,
    /// before any record is read: a build with a cache first asks it whether anything
    /// changed at all ([`Unread::inputs_hash`], [`Unread::records_unchanged`]).
    pub(crate) fn unread(root: &Path, options: &LoadOptions) -> Result<Unread, Problems> {
        let (site, files) = Site::without_records(root, options)?;
        Ok(Unread {
            site,
            files,
            scan: None,
        })
    }

    /// The site at `root` with its settings and templates and no records yet; and its record
    /// files.
    fn without_records(
        root: &Path,
        options: &LoadOptions,
    ) -> Result<(Site, Vec<PathBuf>), Problems> {
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
        let bodies = BodyStore::for_records(files.len()).map_err(|e| one(no_temporary_file(&e)))?;
        let site = Site {
            root: root.to_path_buf(),
            options: options.clone(),
            config_hash: config_hash(&config),
            matcher: TopicMatcher::new(&config.keyword_tags, &config.keyword_feeds),
            config,
            template_hashes: template_deps::closure_hashes(&theme.templates),
            theme,
            renderer,
            markdown: MarkdownRenderer::new(),
            bodies,
            papers: PaperTable::default(),
            vocabulary: Vocabulary::default(),
            tag_keys: TagKeys::default(),
            people: AuthorKeys::default(),
            index: SiteIndex::build(&[], &[], &[], &[]),
            tag_values: Vec::new(),
            cite_keys: Vec::new(),
            charts: views::SiteCharts::default(),
            trend_moves: None,
            related: Default::default(),
            related_kept: Default::default(),
            related_stale: false,
            related_before: None,
            search_before: None,
            search_base: None,
            pages: Vec::new(),
            plan_shape: None,
            plan_stamp: 0,
            paper_pages: Vec::new(),
            plan_counts: Vec::new(),
            plan_lengths: None,
            ids_numbering: new_numbering(),
            input_stamps: Vec::new(),
            path_hashes: Default::default(),
            ledger: read_ledger(root),
            stamps: snapshot::Stamps::default(),
            bib_layouts: None,
        };
        Ok((site, files))
    }

    /// Re-reads `changed` record files (new or edited) and forgets `removed` ones, then derives
    /// the index and plan again. On any problem (including ones in records that did not change
    /// but collide with changed ones) the site is left as it was.
    pub(crate) fn update_records(
        &mut self,
        changed: &[PathBuf],
        removed: &[PathBuf],
    ) -> Result<(), Problems> {
        let change = self.read_records(changed, removed)?;
        self.derive(&change);
        Ok(())
    }

    /// Reads `changed` records and applies them and `removed` to the papers, with what depends
    /// on the papers' identity (citation keys, related lists); returns what changed, for
    /// [`Site::derive`]. On any problem nothing changes.
    fn read_records(
        &mut self,
        changed: &[PathBuf],
        removed: &[PathBuf],
    ) -> Result<Change, Problems> {
        let mut timer = crate::timing::PhaseTimer::start();
        let maker = EntryMaker {
            config: &self.config,
            matcher: &self.matcher,
            markdown: &self.markdown,
            bodies: &self.bodies,
        };
        let mut problems = Vec::new();
        let mut entries = Vec::with_capacity(changed.len());
        let mut gone: Vec<PathBuf> = removed.to_vec();
        let mut stamps = Vec::with_capacity(changed.len());
        // Records are read, parsed and made entries a batch at a time: a record's Markdown
        // source is in memory only until its body is rendered and kept, so a large site never
        // holds every abstract at once. (A batch that fails leaves the numberings grown by the
        // batches before it: they only grow anyway, see `Vocabulary`.)
        for batch in changed.chunks(READ_BATCH) {
            let parsed: Vec<Parsed> = batch
                .par_iter()
                .map(|path| {
                    let (paper, stamp) = load::load_stamped(&self.root, path);
                    (path.clone(), paper, stamp)
                })
                .collect();
            let mut fresh = Vec::new();
            for (path, result, stamp) in parsed {
                if let Some(stamp) = stamp.filter(|_| self.options.keep_stamps) {
                    stamps.push((path.as_os_str().to_owned(), stamp));
                }
                match result {
                    // A record that became a draft leaves the site like a removed one.
                    Ok(paper) if paper.draft && !self.options.drafts => gone.push(path),
                    Ok(paper) => fresh.push((path, paper)),
                    Err(found) => problems.extend(found),
                }
            }
            // After a problem, the rest is only read for its problems.
            if problems.is_empty() {
                let made = maker
                    .entries(
                        fresh,
                        &mut self.vocabulary,
                        &mut self.tag_keys,
                        &mut self.people,
                    )
                    .map_err(|e| Problems(vec![no_temporary_file(&e)]))?;
                entries.extend(made);
            }
        }
        if !problems.is_empty() {
            return Err(Problems(problems));
        }
        // Each batch's sources and rendered text were freed among the entries kept: many
        // batches leave that much resident unless it is handed back.
        let large = changed.len() > READ_BATCH;
        if large {
            crate::memory::give_back();
        }
        timer.phase("read, parse, render records");
        let collisions = self.papers.slug_collisions(&entries, &gone);
        if !collisions.is_empty() {
            return Err(Problems(collisions));
        }
        for path in removed {
            self.stamps.remove(path.as_os_str());
        }
        self.stamps.extend(stamps);
        self.keep_words_before(&entries, &gone);
        self.keep_trends_before(&entries, &gone);
        let change = self.papers.apply(entries, &gone);
        let rows = self.papers.columns();
        // Papers whose citation key changed, when no paper came or went.
        let rekeyed: Vec<PaperId> = match &change.rekey {
            Rekey::Keep => Vec::new(),
            Rekey::Reorder(edited) => crate::export::cite_key::reorder_groups(
                &mut self.cite_keys,
                &rows.papers,
                &rows.cite_bases,
                edited,
            ),
            Rekey::All => {
                let keys = crate::export::cite_key::unique_keys(&rows.papers, &rows.cite_bases);
                let before = std::mem::replace(&mut self.cite_keys, keys);
                if before.len() == self.cite_keys.len() {
                    (0..before.len())
                        .filter(|&id| before[id] != self.cite_keys[id])
                        .collect()
                } else {
                    Vec::new()
                }
            }
        };
        if large {
            // The entries were moved into the columns and freed.
            crate::memory::give_back();
        }
        timer.phase("store records");
        // Adding or removing records moves paper ids: the related lists are carried over to
        // the new ids instead of being computed again before the pages.
        if let Some(moved) = &change.moved {
            self.remap_related(moved);
            self.ids_numbering = new_numbering();
            // Stamps are by id: every paper's is renewed below.
            self.input_stamps.clear();
        }
        self.renew_stamps(change.read.iter().chain(&rekeyed).copied());
        // Any change of words can change which papers are related, anywhere in the site; on a
        // large site that takes a few hundred milliseconds, so a preview does it after serving
        // the edited pages (see `relate_if_stale`), and until then shows the lists as they were.
        // Related papers are made of words and paper ids alone: a date or link edit keeps them.
        self.related_stale |= change.words;
        Ok(change)
    }

    /// Reloads `site.toml`-independent template sources (theme and site `templates/`).
    pub(crate) fn reload_templates(&mut self) -> Result<(), Problems> {
        let one = |p: Problem| Problems(vec![p]);
        let theme = theme::load(&self.root, &self.config.theme).map_err(one)?;
        let renderer = Renderer::new(&self.config, &theme.templates).map_err(one)?;
        self.template_hashes = template_deps::closure_hashes(&theme.templates);
        self.theme = theme;
        self.renderer = renderer;
        Ok(())
    }

    /// The search index files (see [`crate::search`]), paths relative to the output.
    #[cfg(test)]
    pub(crate) fn search_files(&self) -> Vec<MachineFile> {
        self.with_search_docs(|docs, words| {
            crate::search::build_index(docs, words)
                .into_iter()
                .map(|(path, contents)| MachineFile { path, contents })
                .collect()
        })
    }

    /// Hands the search index's documents (one per paper, by paper id) and the words their
    /// term ids name to `f`, which makes the index from them (whole, or `serve`'s update).
    pub(crate) fn with_search_docs<R>(&self, f: impl FnOnce(&[SearchDoc], &[Box<str>]) -> R) -> R {
        let mut timer = crate::timing::PhaseTimer::start();
        let rows = self.papers.columns();
        // Authors lines are written when a row is (see `AuthorsLine`).
        let docs: Vec<SearchDoc> = rows
            .papers
            .iter()
            .enumerate()
            .map(|(id, paper)| SearchDoc {
                slug: &paper.slug,
                title: &paper.title,
                date: paper.date,
                authors: paper,
                upvotes: paper.upvotes,
                snippet: &rows.summaries[id],
                terms: (&rows.terms[id]).into(),
            })
            .collect();
        timer.phase("  search: documents");
        let made = f(&docs, self.vocabulary.words());
        timer.phase("  search: index");
        made
    }

    /// Why a kept body could not be read back, if one could not (see `markdown::store`).
    pub(crate) fn body_damage(&self) -> Option<&str> {
        self.bodies.damage()
    }

    /// The pages of the site.
    pub(crate) fn pages(&self) -> &[PlannedPage] {
        &self.pages
    }

    /// Number of papers published.
    pub(crate) fn paper_count(&self) -> usize {
        self.papers.len()
    }

    /// The record files the site was made from, in path order.
    pub(crate) fn record_paths(&self) -> impl Iterator<Item = &Path> {
        self.papers.columns().paths.iter().map(PathBuf::as_path)
    }

    /// The id of the paper made from the record file `path`, if it is part of the site.
    pub(crate) fn paper_id(&self, path: &Path) -> Option<PaperId> {
        self.papers.find(path)
    }

    /// Renews the stamps of papers `ids` (see `input_stamps`): every paper's when the stamps
    /// are not kept for every paper.
    pub(super) fn renew_stamps(&mut self, ids: impl IntoIterator<Item = PaperId>) {
        let stamp = new_numbering();
        if self.input_stamps.len() == self.papers.len() {
            for id in ids {
                self.input_stamps[id] = stamp;
            }
        } else {
            self.input_stamps = vec![stamp; self.papers.len()];
        }
    }

    /// Hash of each page's output path, in plan order.
    pub(crate) fn path_hashes(&self) -> &[u64] {
        debug_assert_eq!(self.path_hashes.len(), self.pages.len());
        &self.path_hashes
    }

    /// The data page contexts are built from.
    pub(crate) fn data(&self) -> SiteData<'_> {
        let rows = self.papers.columns();
        SiteData {
            config: &self.config,
            papers: &rows.papers,
            bodies: &self.bodies,
            body_refs: &rows.bodies,
            summaries: &rows.summaries,
            index: &self.index,
            tag_values: &self.tag_values,
            tag_name_hashes: views::tag_name_hashes(&self.index),
            card_hashes: &rows.card_hashes,
            body_hashes: &rows.body_hashes,
            compact_hashes: &rows.compact_hashes,
            author_numbers: &rows.author_numbers,
            topics: &rows.topics,
            cite_hashes: &rows.cite_hashes,
            cite_keys: &self.cite_keys,
            charts: &self.charts,
            related: &self.related,
            page_count: self.pages.len(),
            ledger: self.ledger.as_deref(),
            bib_layouts: self.bib_layouts.as_deref(),
            author_years: Default::default(),
        }
    }

    /// Keeps where the entries of each large tag `.bib` file written into `out` lie, so that
    /// the file is made again from the one written, copying the entries that did not change
    /// (see [`BibLayouts`](crate::export::bibtex::BibLayouts)). For `serve`, which writes the
    /// same folder again and again, and a build with the build cache; `layouts` carries those
    /// of a site this one replaces, or those the cache kept.
    pub(crate) fn keep_bib_layouts(
        &mut self,
        out: &Path,
        layouts: Option<Box<crate::export::bibtex::BibLayouts>>,
    ) {
        self.bib_layouts =
            Some(layouts.unwrap_or_else(|| Box::new(crate::export::bibtex::BibLayouts::new(out))));
    }

    /// The layouts kept by [`Site::keep_bib_layouts`], for the site that replaces this one.
    pub(crate) fn take_bib_layouts(&mut self) -> Option<Box<crate::export::bibtex::BibLayouts>> {
        self.bib_layouts.take()
    }
}

/// A numbering of papers no other has had in this process (see `Site::ids_numbering`).
fn new_numbering() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

#[cfg(test)]
mod tests;

/// The last successful fetch of each source in the site's fetch ledger
/// (`data/fetch-ledger.toml`), for the status page. A site without a ledger has none; a ledger
/// that cannot be read is reported as a warning (`digest fetch` refuses it and says how to fix
/// it) and left off the page: it does not stop the site from being published.
fn read_ledger(root: &Path) -> Option<Vec<views::LedgerSource>> {
    use crate::fetch::ledger::{LEDGER_FILE, Ledger};
    let path = root.join(LEDGER_FILE);
    if !path.is_file() {
        return None;
    }
    let ledger = match Ledger::read(&path) {
        Ok(ledger) => ledger,
        Err(message) => {
            eprintln!("warning: {message} (the status page leaves the ledger out)");
            return None;
        }
    };
    Some(
        ledger
            .sources()
            .filter_map(|source| {
                let (day, fetched) = ledger.last_success(source)?;
                Some(views::LedgerSource {
                    source: source.to_string(),
                    last_day: day.to_string(),
                    fetched_at: fetched.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                })
            })
            .collect(),
    )
}

/// Hash of the settings every page may depend on: all of them but the build time
/// (`SOURCE_DATE_EPOCH`), which changes with every build and which only the pages that show it
/// hash (the status pages), so that a daily build re-renders only what changed.
fn config_hash(config: &Config) -> u64 {
    let mut timeless = config.clone();
    timeless.built_at = None;
    hash_of(&format!("{timeless:?}"))
}

/// The problem of a temporary file for the rendered bodies that cannot be made or written.
fn no_temporary_file(err: &std::io::Error) -> Problem {
    Problem::in_file(
        std::env::temp_dir().display().to_string(),
        format!("cannot keep the rendered abstracts in a temporary file here: {err}"),
    )
    .with_hint("free some space there, or set TMPDIR to a folder with room that you can write")
}

/// A paper's authors line in the search index is its cards' (see [`views::write_authors_display`]).
impl crate::search::AuthorsLine for crate::record::Paper {
    fn write_line(&self, out: &mut String) {
        views::write_authors_display(out, self);
    }
}
