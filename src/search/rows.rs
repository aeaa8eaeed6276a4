//! The document rows (`d/`) and snippets (`s/`) of the search index, in chunks of
//! consecutive document numbers.

use rayon::prelude::*;

use super::{Params, SearchDoc, Sink, push_num};

/// The `d/` files of the documents numbered by `order`, those whose chunk number `wanted`.
pub(super) fn doc_files(
    docs: &[SearchDoc],
    order: &[usize],
    chunk: usize,
    wanted: impl Fn(usize) -> bool + Sync,
) -> Vec<(String, Vec<u8>)> {
    chunk_files(
        docs,
        order,
        chunk,
        wanted,
        crate::routes::search_docs,
        doc_file,
    )
}

/// The `s/` files of the documents numbered by `order`, those whose chunk number `wanted`.
pub(super) fn snippet_files(
    docs: &[SearchDoc],
    order: &[usize],
    snippets: usize,
    wanted: impl Fn(usize) -> bool + Sync,
) -> Vec<(String, Vec<u8>)> {
    chunk_files(
        docs,
        order,
        snippets,
        wanted,
        crate::routes::search_snippets,
        snippet_file,
    )
}

/// The files of `order` cut in chunks of `size` documents, those whose chunk number `wanted`:
/// chunk n is at `path(n)`, made by `file`.
fn chunk_files(
    docs: &[SearchDoc],
    order: &[usize],
    size: usize,
    wanted: impl Fn(usize) -> bool + Sync,
    path: fn(usize) -> String,
    file: fn(&[SearchDoc], &[usize]) -> Vec<u8>,
) -> Vec<(String, Vec<u8>)> {
    order
        .par_chunks(size.max(1))
        .enumerate()
        .filter(|(n, _)| wanted(*n))
        .map(|(n, chunk)| (path(n), file(docs, chunk)))
        .collect()
}

/// Writes every `d/` and `s/` file of the documents numbered by `order` to `sink` as it is
/// made.
pub(super) fn write_doc_files(
    docs: &[SearchDoc],
    order: &[usize],
    p: Params,
    sink: Sink,
) -> std::io::Result<()> {
    order
        .par_chunks(p.chunk.max(1))
        .enumerate()
        .try_for_each(|(n, chunk)| sink(&crate::routes::search_docs(n), &doc_file(docs, chunk)))?;
    order
        .par_chunks(p.snippets.max(1))
        .enumerate()
        .try_for_each(|(n, chunk)| {
            sink(
                &crate::routes::search_snippets(n),
                &snippet_file(docs, chunk),
            )
        })
}

/// The bytes of one `d/` file: the rows of the documents at `chunk`.
fn doc_file(docs: &[SearchDoc], chunk: &[usize]) -> Vec<u8> {
    let mut out = Vec::with_capacity(chunk.len() * 256);
    let (mut date, mut authors) = (String::new(), String::new());
    out.push(b'[');
    for (j, &i) in chunk.iter().enumerate() {
        let d = &docs[i];
        out.extend_from_slice(if j > 0 { b",\n[" } else { b"[" });
        date.clear();
        crate::calendar::push_iso_date(&mut date, d.date);
        authors.clear();
        d.authors.write_line(&mut authors);
        for text in [d.slug, d.title, &date, &authors] {
            // Writing a string to a Vec cannot fail.
            let _ = serde_json::to_writer(&mut out, text);
            out.push(b',');
        }
        match d.upvotes {
            Some(v) => push_num(&mut out, v),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b']');
    }
    out.extend_from_slice(b"]\n");
    out
}

/// The bytes of one `s/` file: the snippets of the documents at `chunk`.
fn snippet_file(docs: &[SearchDoc], chunk: &[usize]) -> Vec<u8> {
    let mut out = Vec::with_capacity(chunk.len() * 300);
    out.push(b'[');
    for (j, &i) in chunk.iter().enumerate() {
        if j > 0 {
            out.extend_from_slice(b",\n");
        }
        // Writing a string to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, docs[i].snippet);
    }
    out.extend_from_slice(b"]\n");
    out
}
