//! The per-paper data of a site: one row per record, in path order, stored as one column per
//! field (a struct of arrays, so the index and the views borrow plain slices). [`PaperTable`] is
//! the only owner of these columns: it applies a batch of new, edited and removed records in one
//! pass and returns what the batch changed as a [`Change`], for the site to redo only what
//! depends on it. It never parses, renders or indexes anything.
//!
//! Adding a per-paper field: one line in the `table!` list below (the field of [`Entry`] and its
//! column are both made from it), its value computed where entries are made
//! (`site/entry.rs`), and, if editing it can move a paper between pages, a word in
//! [`Row::edit_reach`]. A new record field (a field of [`Paper`], such as `tldr`) needs none of
//! this: it travels in the `paper` column; what shows it is said in the views (a card field in
//! `render::views::cards`, which page fingerprints follow).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Problem;
use crate::index::tags::PaperTag;
use crate::index::{PaperId, TopicMatch};
use crate::markdown::store::BodyRef;
use crate::record::Paper;
use crate::site::load;

use super::change::{Change, Reach, Rekey};

/// Declares the fields of a row once and makes from that list the row ([`Entry`]), the columns
/// ([`Columns`]), a row seen through references ([`Row`]) and the moves between them, so that
/// no column can be forgotten by one of the operations (a forgotten column would shift every
/// later paper).
macro_rules! table {
    ($( $(#[$doc:meta])* $field:ident / $column:ident : $ty:ty, )*) => {
        /// One record with what is derived from it alone: a row of the [`PaperTable`]. The
        /// build cache keeps entries as they are (see `site::snapshot`).
        #[derive(serde::Deserialize)]
        pub(crate) struct Entry {
            $( $(#[$doc])* pub(crate) $field: $ty, )*
        }

        /// The rows of a [`PaperTable`], one vector per field of [`Entry`]; element `i` of each
        /// vector belongs to paper `i`.
        #[derive(Default)]
        pub(crate) struct Columns {
            $(
                #[doc = concat!("Column of [`Entry::", stringify!($field), "`].")]
                pub(crate) $column: Vec<$ty>,
            )*
        }

        /// One row, borrowed: an [`Entry`] or a row of the [`Columns`]. Written to the build
        /// cache in the form an [`Entry`] is read from.
        #[derive(serde::Serialize)]
        pub(crate) struct Row<'a> {
            $( #[allow(dead_code)] pub(crate) $field: &'a $ty, )*
        }

        impl Entry {
            fn row(&self) -> Row<'_> {
                Row { $( $field: &self.$field, )* }
            }
        }

        impl Columns {
            fn with_capacity(n: usize) -> Columns {
                Columns { $( $column: Vec::with_capacity(n), )* }
            }

            fn push(&mut self, entry: Entry) {
                $( self.$column.push(entry.$field); )*
            }

            pub(crate) fn row(&self, id: PaperId) -> Row<'_> {
                Row { $( $field: &self.$column[id], )* }
            }

            fn replace(&mut self, id: PaperId, entry: Entry) {
                $( self.$column[id] = entry.$field; )*
            }

            /// The rows of `self` and `fresh` interleaved by `steps` (see [`merge_column`]).
            fn merge(self, fresh: Columns, steps: &[Step]) -> Columns {
                Columns { $( $column: merge_column(self.$column, fresh.$column, steps), )* }
            }
        }
    };
}

table! {
    /// The record file; the table is sorted by it, and a paper's id is its row.
    path / paths: PathBuf,
    /// The record (its Markdown source emptied: it is kept with the rendered body).
    paper / papers: Paper,
    /// Where the body (Markdown source, HTML, plain text, notes) is kept (see
    /// `markdown::store`).
    body / bodies: BodyRef,
    /// The abstract shortened for lists and feeds.
    summary / summaries: String,
    /// Hash of everything the record says and its rendered body (see `entry::record_hash`).
    body_hash / body_hashes: u64,
    /// Hash of what title lists show of the paper (see `views::compact_hash`).
    compact_hash / compact_hashes: u64,
    /// Hash of what the paper's BibTeX is made of (see `views::cite_hash`).
    cite_hash / cite_hashes: u64,
    /// The citation key before it is made unique (see `export::cite_key`).
    cite_base / cite_bases: crate::export::cite_key::CiteBase,
    /// Tags, own and keyword (slugs computed once per record).
    tags / tags: Vec<PaperTag>,
    /// Each authors entry's person number (see `index::authors::AuthorKeys`); empty when the
    /// site has no author pages.
    author_numbers / author_numbers: Vec<u32>,
    /// Keyword feeds, as indices into `config.keyword_feeds` (in its order).
    feeds / feeds: Vec<u16>,
    /// The keyword tags' and feeds' rules the paper matched, with why (shown on their pages).
    topics / topics: Vec<TopicMatch>,
    /// Weighted words (title, abstract, authors, tags) for search and related papers, as ids
    /// into the site's vocabulary.
    terms / terms: crate::terms::Terms,
    /// What the card was last built from besides its record (its tags' names and slugs); 0
    /// when it must be built, as in every entry read anew. Set by the site when it derives
    /// cards.
    card_key / card_keys: u64,
    /// Hash of the card as last built. Set by the site, 0 in a new entry.
    card_hash / card_hashes: u64,
}

/// One step of a merge of the old rows with new ones, in row order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The next old rows stay.
    Keep(usize),
    /// The next old rows go (removed, or replaced by the new rows that follow).
    Drop(usize),
    /// The next new rows come in.
    Fresh(usize),
}

/// Adds a step, joined with the last one when it is of the same kind.
fn push_step(steps: &mut Vec<Step>, step: Step) {
    match (steps.last_mut(), step) {
        (_, Step::Keep(0) | Step::Drop(0) | Step::Fresh(0)) => {}
        (Some(Step::Keep(n)), Step::Keep(m))
        | (Some(Step::Drop(n)), Step::Drop(m))
        | (Some(Step::Fresh(n)), Step::Fresh(m)) => *n += m,
        _ => steps.push(step),
    }
}

/// One column of a merge: `old` and `fresh` interleaved by `steps`, each element moved once
/// (runs of kept rows are moved together, not row by row).
fn merge_column<T>(old: Vec<T>, fresh: Vec<T>, steps: &[Step]) -> Vec<T> {
    let mut merged = Vec::with_capacity(old.len() + fresh.len());
    let (mut old, mut fresh) = (old.into_iter(), fresh.into_iter());
    for step in steps {
        match *step {
            Step::Keep(n) => merged.extend(old.by_ref().take(n)),
            Step::Drop(n) => old.by_ref().take(n).for_each(drop),
            Step::Fresh(n) => merged.extend(fresh.by_ref().take(n)),
        }
    }
    merged
}

/// The steps of a merge and the ids they give, made from row numbers alone.
#[derive(Debug, Default)]
struct MergePlan {
    steps: Vec<Step>,
    /// The new id of each old row dealt with so far (`None` for a row removed).
    moved: Vec<Option<PaperId>>,
    /// The ids of the new rows.
    read: Vec<PaperId>,
    /// Rows in the result so far.
    rows: usize,
}

impl MergePlan {
    /// Keeps the old rows up to `old_id` (excluded).
    fn keep_until(&mut self, old_id: PaperId) {
        let n = old_id - self.moved.len();
        push_step(&mut self.steps, Step::Keep(n));
        self.moved.extend((self.rows..self.rows + n).map(Some));
        self.rows += n;
    }

    /// Takes the next new row, in place of the next old row when `replaces`.
    fn fresh(&mut self, replaces: bool) {
        if replaces {
            push_step(&mut self.steps, Step::Drop(1));
            self.moved.push(Some(self.rows));
        }
        push_step(&mut self.steps, Step::Fresh(1));
        self.read.push(self.rows);
        self.rows += 1;
    }

    /// Leaves out the next old row.
    fn remove(&mut self) {
        push_step(&mut self.steps, Step::Drop(1));
        self.moved.push(None);
    }
}

/// The per-paper data of a site (see the module doc).
#[derive(Default)]
pub(crate) struct PaperTable {
    columns: Columns,
    /// Which record has each slug (slugs are unique in a site that loaded), as the hash of the
    /// slug to the hash of the record's path: two words a paper instead of a copy of its slug
    /// and path (about 200 bytes a paper). A hash only says where to look: a collision is
    /// reported only after the rows are compared (see [`PaperTable::slug_collisions`]).
    slug_owners: ahash::AHashMap<u64, u64>,
    /// The record files whose rows changed (read, removed, card rebuilt) since the table was
    /// taken from the build cache; `None` when it was not (every row is new).
    touched: Option<ahash::AHashSet<PathBuf>>,
    /// How many papers have each citation base key (by its hash), once an edit needed it: kept
    /// until a base changes or papers come or go, so that a date edit does not count them all
    /// again (see [`PaperTable::replace`]).
    base_counts: Option<ahash::AHashMap<u64, u32>>,
}

impl PaperTable {
    /// The rows, one column per field.
    pub(crate) fn columns(&self) -> &Columns {
        &self.columns
    }

    /// The table of `entries`, which are in path order with no path twice (a snapshot of a
    /// table: see `site::snapshot`), made without comparing paths; the rows are tracked from
    /// now on (see [`PaperTable::touched`]).
    pub(crate) fn from_sorted(entries: Vec<Entry>) -> PaperTable {
        let keys: Vec<(u64, u64)> = entries
            .par_iter()
            .map(|entry| (slug_key(&entry.paper.slug), path_key(&entry.path)))
            .collect();
        let mut columns = Columns::with_capacity(entries.len());
        let mut slug_owners = ahash::AHashMap::with_capacity(entries.len());
        slug_owners.extend(keys);
        for entry in entries {
            columns.push(entry);
        }
        PaperTable {
            columns,
            slug_owners,
            touched: Some(ahash::AHashSet::new()),
            base_counts: None,
        }
    }

    /// The record files whose rows changed since the table was made by
    /// [`PaperTable::from_sorted`]; `None` for a table made otherwise (every row is new).
    pub(crate) fn touched(&self) -> Option<&ahash::AHashSet<PathBuf>> {
        self.touched.as_ref()
    }

    /// Number of papers.
    pub(crate) fn len(&self) -> usize {
        self.columns.paths.len()
    }

    /// The id of the paper made from the record file `path`.
    pub(crate) fn find(&self, path: &Path) -> Option<PaperId> {
        self.columns
            .paths
            .binary_search_by(|p| p.as_path().cmp(path))
            .ok()
    }

    /// Problems with slugs shared by several records once `fresh` replace or join the rows and
    /// `gone` leave them.
    pub(crate) fn slug_collisions(&self, fresh: &[Entry], gone: &[PathBuf]) -> Vec<Problem> {
        let replaced: std::collections::HashSet<&Path> = gone
            .iter()
            .chain(fresh.iter().map(|e| &e.path))
            .map(PathBuf::as_path)
            .collect();
        // Only the slugs the fresh records claim can collide: look those up in the slug index
        // instead of going through every record.
        let mut by_slug: HashMap<&str, Vec<(&Path, &Paper)>> = HashMap::new();
        for entry in fresh {
            by_slug
                .entry(&entry.paper.slug)
                .or_default()
                .push((&entry.path, &entry.paper));
        }
        let replaced_keys: std::collections::HashSet<u64> =
            replaced.iter().map(|path| path_key(path)).collect();
        for (slug, papers) in by_slug.iter_mut() {
            // The index says whether a row that stays claims this slug; that row is looked for
            // only then (a record taking a slug in use: rare, and worth one pass).
            if let Some(owner) = self.slug_owners.get(&slug_key(slug))
                && !replaced_keys.contains(owner)
                && let Some(id) = (0..self.len()).find(|&id| {
                    self.columns.papers[id].slug == *slug
                        && !replaced.contains(self.columns.paths[id].as_path())
                })
            {
                papers.push((&self.columns.paths[id], &self.columns.papers[id]));
            }
        }
        let mut shared: Vec<(&str, Vec<(&Path, &Paper)>)> = by_slug
            .into_iter()
            .filter(|(_, papers)| papers.len() > 1)
            .collect();
        shared.sort_by(|a, b| a.0.cmp(b.0));
        shared
            .into_iter()
            .map(|(slug, mut papers)| {
                papers.sort_by(|a, b| a.1.path.cmp(&b.1.path));
                load::slug_collision(slug, &papers)
            })
            .collect()
    }

    /// Applies a batch: `entries` (records read again, new or edited) replace or join the
    /// rows, and the records at `removed` leave (a path in both is kept, as read). Returns what
    /// changed. When no paper comes or goes the rows are replaced in place; otherwise the new
    /// columns are made in one merge of the old rows and the new ones, so that removing or
    /// adding k records costs one pass over the rows, not k.
    pub(crate) fn apply(&mut self, mut entries: Vec<Entry>, removed: &[PathBuf]) -> Change {
        if let Some(touched) = &mut self.touched {
            touched.extend(entries.iter().map(|e| e.path.clone()));
            touched.extend(removed.iter().cloned());
        }
        // Records come in path order on a load: the sort then makes one comparison per record.
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        // Of one path read twice, the later read counts.
        entries.dedup_by(|later, earlier| {
            let same = later.path == earlier.path;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        let places: Vec<Result<PaperId, PaperId>> = entries
            .iter()
            .map(|e| self.columns.paths.binary_search(&e.path))
            .collect();
        let mut gone: Vec<PaperId> = removed
            .iter()
            .filter(|path| {
                entries
                    .binary_search_by(|e| e.path.as_path().cmp(path))
                    .is_err()
            })
            .filter_map(|path| self.find(path))
            .collect();
        gone.sort_unstable();
        gone.dedup();
        if gone.is_empty() && places.iter().all(Result::is_ok) {
            let ids = places.into_iter().flatten().collect();
            self.replace(entries, ids)
        } else {
            self.merge(entries, &places, &gone)
        }
    }

    /// Counts how many papers have each citation base, if not counted since papers last came
    /// or went or a base changed: the first date edit after that needs the counts (250 ms at a
    /// million papers), and `serve` counts them ahead of it, once the pages are written.
    pub(crate) fn count_bases_ahead(&mut self) {
        if self.base_counts.is_none() {
            self.base_counts = Some(count_bases(&self.columns.cite_bases));
        }
    }

    /// Whether the citation bases are counted (see [`PaperTable::count_bases_ahead`]).
    #[cfg(test)]
    pub(crate) fn bases_counted(&self) -> bool {
        self.base_counts.is_some()
    }

    /// Replaces the rows `ids` by `entries` (same paths, so no id moves).
    fn replace(&mut self, entries: Vec<Entry>, ids: Vec<PaperId>) -> Change {
        let mut reach = Reach::Cards;
        let mut rekey = Rekey::Keep;
        // How many papers have each base key (by its hash), counted once an edit needs it and
        // kept. No base changes while it is used (a change makes every paper keyed again, and
        // forgets the counts), and two bases sharing a hash only make a lone paper's group
        // handed out again, to the same key.
        let mut base_counts = self.base_counts.take();
        let mut words = false;
        let mut lists = false;
        // Slugs of replaced records are released before new ones are claimed, so records that
        // swap slugs in one batch keep the slug index right.
        for &id in &ids {
            self.release_slug(id);
        }
        for (entry, &id) in entries.into_iter().zip(&ids) {
            let (row_reach, row_rekey, row_lists) = self.columns.row(id).edit_reach(&entry.row());
            reach = reach.max(row_reach);
            lists |= row_lists;
            // A paper alone with its base key has that key whatever its dates and slug, and
            // papers sharing one only hand their keys out in another order: keying every paper
            // again (~0.3 s at 100,000 papers) is needed only when a base changes.
            if row_rekey {
                let base = &self.columns.cite_bases[id];
                if base != entry.row().cite_base {
                    rekey = Rekey::All;
                } else if rekey != Rekey::All
                    && base_counts
                        .get_or_insert_with(|| count_bases(&self.columns.cite_bases))
                        .get(&base.hash())
                        .is_some_and(|&n| n > 1)
                {
                    match &mut rekey {
                        Rekey::Reorder(ids) => ids.push(id),
                        _ => rekey = Rekey::Reorder(vec![id]),
                    }
                }
            }
            // Ids of words never change, so equal lists are equal words.
            words |= self.columns.terms[id] != entry.terms;
            self.slug_owners
                .insert(slug_key(&entry.paper.slug), path_key(&entry.path));
            self.columns.replace(id, entry);
        }
        if rekey != Rekey::All {
            self.base_counts = base_counts;
        }
        Change {
            reach,
            read: ids,
            rekey,
            moved: None,
            words,
            lists,
        }
    }

    /// Makes the new columns in one merge of the old rows with `entries` (whose places among
    /// the old rows are `places`: `Ok` replaces that row, `Err` goes before it), leaving out the
    /// rows `gone`. Both `entries` and `gone` are in path order.
    fn merge(
        &mut self,
        entries: Vec<Entry>,
        places: &[Result<PaperId, PaperId>],
        gone: &[PaperId],
    ) -> Change {
        // Bases come and go with their papers.
        self.base_counts = None;
        let mut plan = MergePlan::default();
        let (mut places, mut gone) = (places.iter().peekable(), gone.iter().peekable());
        loop {
            let at = places.peek().map(|place| match place {
                Ok(id) | Err(id) => *id,
            });
            // At a tie a new row goes before the row removed (a re-read row is never removed).
            let new_first = match (at, gone.peek()) {
                (None, None) => break,
                (Some(at), Some(&&removal)) => at <= removal,
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            if new_first {
                let Some(&place) = places.next() else { break };
                let (Ok(at) | Err(at)) = place;
                plan.keep_until(at);
                if place.is_ok() {
                    self.release_slug(at);
                }
                plan.fresh(place.is_ok());
            } else {
                let Some(&removal) = gone.next() else { break };
                plan.keep_until(removal);
                self.release_slug(removal);
                plan.remove();
            }
        }
        plan.keep_until(self.len());
        let mut fresh = Columns::with_capacity(entries.len());
        for entry in entries {
            self.slug_owners
                .insert(slug_key(&entry.paper.slug), path_key(&entry.path));
            fresh.push(entry);
        }
        self.columns = match plan.steps[..] {
            // A first load: the new rows are the table.
            [] | [Step::Fresh(_)] => fresh,
            _ => std::mem::take(&mut self.columns).merge(fresh, &plan.steps),
        };
        Change {
            reach: Reach::Paths,
            read: plan.read,
            rekey: Rekey::All,
            moved: Some(plan.moved),
            words: true,
            lists: true,
        }
    }

    /// Forgets the slug of row `id` unless another record already claimed it.
    fn release_slug(&mut self, id: PaperId) {
        let slug = slug_key(&self.columns.papers[id].slug);
        if self.slug_owners.get(&slug) == Some(&path_key(&self.columns.paths[id])) {
            self.slug_owners.remove(&slug);
        }
    }

    /// Records the cards built by the site: `keys` for every paper (what each card is built
    /// from) and the hashes of the cards built again.
    pub(crate) fn set_cards(
        &mut self,
        keys: Vec<u64>,
        built: impl IntoIterator<Item = (PaperId, u64)>,
    ) {
        debug_assert_eq!(keys.len(), self.len());
        for (id, hash) in built {
            self.columns.card_hashes[id] = hash;
            if let Some(touched) = &mut self.touched {
                touched.insert(self.columns.paths[id].clone());
            }
        }
        self.columns.card_keys = keys;
    }

    /// Records the card of `id` built again outside a derive (nothing moved between pages); the
    /// next derive builds it again.
    pub(crate) fn set_card(&mut self, id: PaperId, hash: u64) {
        if let Some(touched) = &mut self.touched {
            touched.insert(self.columns.paths[id].clone());
        }
        self.columns.card_hashes[id] = hash;
        self.columns.card_keys[id] = 0;
    }
}

/// The key of `slug` in [`PaperTable`]'s slug index.
fn slug_key(slug: &str) -> u64 {
    crate::hash::hash_of(slug)
}

/// How many papers have each base key, by the key's hash.
fn count_bases(bases: &[crate::export::cite_key::CiteBase]) -> ahash::AHashMap<u64, u32> {
    let mut counts = ahash::AHashMap::with_capacity(bases.len());
    for base in bases {
        *counts.entry(base.hash()).or_default() += 1;
    }
    counts
}

/// The key of a record file's path in [`PaperTable`]'s slug index.
fn path_key(path: &Path) -> u64 {
    crate::hash::hash_of(path.as_os_str().as_encoded_bytes())
}

impl Columns {
    /// What cards are made of besides the index.
    pub(crate) fn card_source(&self) -> crate::render::views::CardRows<'_> {
        crate::render::views::CardRows {
            papers: &self.papers,
            summaries: &self.summaries,
            author_numbers: &self.author_numbers,
        }
    }
}

impl Row<'_> {
    /// A hash of everything in the row (for the build cache: a shard whose rows' digests are
    /// unchanged is not written again). Names every column, so a column added does not
    /// compile until it is decided here.
    pub(crate) fn digest(&self) -> u64 {
        let Row {
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
            card_key,
            card_hash,
        } = self;
        // `body_hash` covers every field of the record but the slug's place, and the rendered
        // abstract and notes (see `entry::record_hash`); the body's ref hashes what is kept
        // (source and plain text too), not where.
        crate::hash::hash_of(&(
            (path, body_hash, &paper.slug_span),
            (body, summary, compact_hash, cite_hash, cite_base),
            (
                tags,
                author_numbers,
                feeds,
                topics,
                terms,
                card_key,
                card_hash,
            ),
        ))
    }

    /// How far replacing this row by `new` (same record file) reaches, whether it changes
    /// citation keys, and whether it changes the paper's tags, keyword feeds or authors (see
    /// [`Change::lists`]).
    pub(crate) fn edit_reach(&self, new: &Row<'_>) -> (Reach, bool, bool) {
        let old = self;
        let (was, is) = (old.paper, new.paper);
        let reach = if was.slug != is.slug {
            Reach::Paths
        } else if (was.date, was.upvotes, &was.title) != (is.date, is.upvotes, &is.title) {
            Reach::Order
        } else if old.feeds != new.feeds || was.authors != is.authors {
            // Authors' pages list papers by person: made again with the index.
            Reach::Feeds
        } else if old.tags != new.tags {
            Reach::Tags
        } else {
            Reach::Cards
        };
        // Papers sharing a base key are ordered by these (see `unique_keys`).
        let rekey = old.cite_base != new.cite_base
            || (was.published, was.date, &was.slug) != (is.published, is.date, &is.slug);
        let lists = old.tags != new.tags || old.feeds != new.feeds || was.authors != is.authors;
        (reach, rekey, lists)
    }
}

#[cfg(test)]
mod tests;
