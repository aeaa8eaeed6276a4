//! An author's page (`/authors/<slug>/`, paginated like a tag): the name, how many papers per
//! year (each year linking to the page where it starts), the feeds, and the papers newest first
//! under a heading per year. Which authors have a page is the index's business
//! (`index::authors`); the feeds are the tag feeds' code with `FeedScope::Author`.

use std::sync::OnceLock;

use serde::Serialize;
use tera::Value;

use super::SiteData;
use super::cards::Coins;
use super::lists::pager_view;
use super::pages::{Each, PageSink};
use crate::index::PaperId;
use crate::index::paginate::Pager;
use crate::routes;

/// What `author.html` sees as `author`.
#[derive(Serialize, Hash)]
struct AuthorView<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    atom_url: String,
    json_url: String,
    /// All the author's papers.
    count: usize,
    /// Papers per year, newest year first.
    years: Vec<YearCount>,
}

/// The year of each of the papers `.1` (by id), in order: what an author's years are made of.
struct Years<'a>(&'a [crate::record::Paper], &'a [PaperId]);

impl std::hash::Hash for Years<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.1.len().hash(state);
        for &id in self.1 {
            self.0[id].date.year().hash(state);
        }
    }
}

/// A hash of each author's [`Years`], by author, each made when a page of the author first
/// needs it: an author with hundreds of papers has dozens of pages, and each page's
/// fingerprint read every paper's date (44 ms of a 100,000-paper site's fingerprints).
#[derive(Default)]
pub(crate) struct AuthorYears(OnceLock<Box<[OnceLock<u64>]>>);

/// A year of an author's papers.
#[derive(Serialize, Hash)]
struct YearCount {
    year: i16,
    count: usize,
    /// The page where the year's papers start, at its heading.
    url: String,
}

impl SiteData<'_> {
    /// What page `pager` of author `a`'s list is made of: `author`, `pager` and `years` (the
    /// page's papers under a heading per year: `year` and `papers`, cards on the first page
    /// and title-list entries on the others, as tag pages have).
    pub(super) fn describe_author(&self, a: usize, pager: &Pager, sink: &mut impl PageSink) {
        let config = self.config;
        let author = &self.index.authors.authors[a];
        let base = routes::author(&author.slug);
        // Made of the name, the slug and each paper's year (with the settings, which every
        // fingerprint holds): the links and the years' counts and pages follow from them.
        // Hashed as such, every page of an author with hundreds of papers is no longer a
        // view of all its years and links made for its fingerprint alone.
        let inputs = (&author.name, &author.slug, self.years_hash(a));
        sink.made_of("author", inputs, || {
            Value::from_serializable(&AuthorView {
                name: &author.name,
                slug: &author.slug,
                url: config.link(&base),
                atom_url: config.link(&routes::atom(&base)),
                json_url: config.link(&routes::json_feed(&base)),
                count: author.papers.len(),
                years: self.years_of(&author.papers, &base),
            })
        });
        sink.made_of("pager", ("author", &author.slug, pager), || {
            Value::from_serializable(&pager_view(config, &base, pager))
        });
        let ids = &author.papers[pager.items.clone()];
        // Years come from the dates, which both card hashes cover.
        if pager.number == 1 {
            sink.made_of("groups", (1u8, Each(self.card_hashes, ids)), || {
                self.year_groups(ids, false)
            });
        } else {
            sink.made_of("groups", (2u8, Each(self.compact_hashes, ids)), || {
                self.year_groups(ids, true)
            });
        }
    }

    /// The hash of author `a`'s [`Years`] (see [`AuthorYears`]).
    fn years_hash(&self, a: usize) -> u64 {
        let authors = &self.index.authors.authors;
        let slots = self
            .author_years
            .0
            .get_or_init(|| authors.iter().map(|_| OnceLock::new()).collect());
        *slots[a].get_or_init(|| crate::hash::hash_of(&Years(self.papers, &authors[a].papers)))
    }

    /// Papers per year of `ids` (newest first), each with the page of the list at `base` where
    /// the year starts.
    fn years_of(&self, ids: &[PaperId], base: &str) -> Vec<YearCount> {
        let mut years: Vec<YearCount> = Vec::new();
        for (at, &id) in ids.iter().enumerate() {
            let year = self.papers[id].date.year();
            match years.last_mut() {
                Some(last) if last.year == year => last.count += 1,
                _ => {
                    let page = at / self.config.paginate_by.max(1) + 1;
                    let url = format!("{}#y{year}", self.config.link(&routes::page(base, page)));
                    years.push(YearCount {
                        year,
                        count: 1,
                        url,
                    });
                }
            }
        }
        years
    }

    /// `ids` (newest first) under a heading per year: cards or, when `compact`, title-list
    /// entries.
    fn year_groups(&self, ids: &[PaperId], compact: bool) -> Value {
        let mut groups: Vec<Value> = Vec::new();
        for run in ids.chunk_by(|&a, &b| self.papers[a].date.year() == self.papers[b].date.year()) {
            let mut group = tera::Map::default();
            group.insert(
                "year".into(),
                Value::from(i64::from(self.papers[run[0]].date.year())),
            );
            let papers = if compact {
                self.compact_cards_of(run, Coins::With)
            } else {
                self.cards_of(run)
            };
            group.insert("papers".into(), papers);
            groups.push(Value::from(group));
        }
        Value::from(groups)
    }
}
