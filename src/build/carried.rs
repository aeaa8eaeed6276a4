//! What a build keeps, in the build cache's `machine.bin`, of the whole-site files it
//! published (the sitemap and the search index), so that the next build makes again only
//! those whose inputs changed: what the sitemap was made of ([`emit::sitemap_identity`]) and
//! the search index's memo ([`SearchMemo`]).
//!
//! The memo is valid for one output only: it starts with the hash of the output's marker as
//! published with it (see [`super::cache::marker_hash`]). Any other writer of the output (a
//! build without the cache, `serve`) renews the marker, and the memo is then not used: the
//! next build makes those files whole, as a clean build does.

use crate::search::SearchMemo;

use super::emit;

/// The sitemap's identity and the search index's memo, as a build made them.
pub(crate) struct Carried {
    /// What the sitemap was made of ([`emit::sitemap_identity`]).
    pub sitemap: u64,
    /// The records the search index was made from ([`crate::site::Site::records_identity`]).
    pub records: u64,
    /// What the search index was made of.
    pub search: SearchMemo,
}

/// What a build has to keep for the next one.
pub(crate) enum Kept {
    /// Nothing (the cache is not used).
    Nothing,
    /// A new memo.
    Made(Carried),
    /// The last build's memo, as read (the files it describes were not made again).
    AsRead(Vec<u8>),
}

impl Kept {
    /// The bytes of `machine.bin` for the output whose marker hash is `marker`.
    pub(crate) fn bytes(&self, marker: u64) -> Option<Vec<u8>> {
        let mut bytes = marker.to_le_bytes().to_vec();
        match self {
            Kept::Nothing => return None,
            Kept::Made(carried) => {
                bytes.extend(carried.sitemap.to_le_bytes());
                bytes.extend(carried.records.to_le_bytes());
                bytes.extend(postcard::to_stdvec(&carried.search).ok()?);
            }
            Kept::AsRead(read) => bytes.extend(read.get(8..)?),
        }
        Some(bytes)
    }
}

/// The memo in `bytes` (of `machine.bin`), if it was kept with the output whose marker hash is
/// `marker`.
pub(crate) fn read(bytes: &[u8], marker: u64) -> Option<Carried> {
    let (kept_for, rest) = bytes.split_first_chunk::<8>()?;
    let (sitemap, rest) = rest.split_first_chunk::<8>()?;
    let (records, rest) = rest.split_first_chunk::<8>()?;
    if u64::from_le_bytes(*kept_for) != marker {
        return None;
    }
    Some(Carried {
        sitemap: u64::from_le_bytes(*sitemap),
        records: u64::from_le_bytes(*records),
        search: postcard::from_bytes(rest).ok()?,
    })
}

/// Whether `bytes` (of `machine.bin`) were kept with the output whose marker hash is `marker`.
pub(crate) fn describes(bytes: &[u8], marker: u64) -> bool {
    bytes
        .first_chunk::<8>()
        .is_some_and(|kept_for| u64::from_le_bytes(*kept_for) == marker)
}

/// The sitemap's identity now, and the search index made whole with its memo, its files
/// written to `sink` as they are made (see [`SearchMemo::write`]).
pub(crate) fn write_whole(
    site: &crate::site::Site,
    sink: crate::search::Sink,
) -> std::io::Result<Carried> {
    let search = site.with_search_docs(|docs, words| SearchMemo::write(docs, words, sink))?;
    Ok(Carried {
        sitemap: emit::sitemap_identity(site),
        records: site.records_identity(),
        search,
    })
}

/// The sitemap's identity now, and the search index made whole with its memo and files.
pub(crate) fn made_whole(
    site: &crate::site::Site,
) -> (Carried, Vec<crate::render::machine::MachineFile>) {
    let (search, files) = site.with_search_docs(SearchMemo::build);
    let files = files
        .into_iter()
        .map(|(path, contents)| crate::render::machine::MachineFile { path, contents })
        .collect();
    let carried = Carried {
        sitemap: emit::sitemap_identity(site),
        records: site.records_identity(),
        search,
    };
    (carried, files)
}
