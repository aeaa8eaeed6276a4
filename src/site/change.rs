//! What a batch of records changed in the [`PaperTable`](super::papers::PaperTable), in the
//! terms the site needs to redo only what depends on it: how far the change reaches (cards,
//! tag lists, feeds, listing order, page paths), which papers were read, whether citation keys
//! must be made again and how paper ids moved.

use crate::index::PaperId;

/// How far a batch reaches into what is derived from all papers, least first: each level
/// redoes the work of the levels below it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reach {
    /// Only the cards and pages of the papers read (an abstract or a link edited): the index
    /// and the plan stay as they are.
    Cards,
    /// Some papers' tags changed, nothing that orders papers or feeds: the tag lists are
    /// mended in place when the set of tags stays the same.
    Tags,
    /// Papers moved between keyword feeds: the index is made again in the same listing order.
    Feeds,
    /// The listing order may change (a date, upvote count or title edited): the index is made
    /// again and sorted; the paper pages of the plan stay.
    Order,
    /// Paper pages come, go or move (papers added or removed, a slug changed): everything is
    /// derived again.
    Paths,
}

/// Which citation keys a batch changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rekey {
    /// Every key stays.
    Keep,
    /// No base key changed, but what orders the papers sharing the base key of these papers
    /// (ids) did: each such group hands its keys out again in its new order.
    Reorder(Vec<PaperId>),
    /// Papers came or went, or a base key changed: every paper is keyed again.
    All,
}

/// What a batch changed in the papers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// How far it reaches.
    pub(crate) reach: Reach,
    /// Ids (after the batch) of the papers whose records were read, in id order.
    pub(crate) read: Vec<PaperId>,
    /// Which citation keys must be made again (an abstract edit keeps every key).
    pub(crate) rekey: Rekey,
    /// When papers came or went: the new id of each old id, `None` for papers gone.
    pub(crate) moved: Option<Vec<Option<PaperId>>>,
    /// Some paper's words (title, abstract, author names, tags) changed, or papers came or
    /// went: related papers must be found again. A date or link edit keeps them.
    pub(crate) words: bool,
    /// Some read paper's tags, keyword feeds or authors changed, or papers came or went: the
    /// lists of papers by tag, feed and author are made again. Without it an order change
    /// (a date, upvote count or title edited) only moves the papers read within their lists.
    pub(crate) lists: bool,
}

impl Change {
    /// A change that derives everything again (a site's first derive).
    pub(crate) fn everything() -> Change {
        Change {
            reach: Reach::Paths,
            read: Vec::new(),
            rekey: Rekey::All,
            moved: None,
            words: true,
            lists: true,
        }
    }
}
