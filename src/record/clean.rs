//! A parsed record cleaned of the characters XML feeds and HTML pages may not contain (see
//! [`crate::text_clean`]), and the warning saying where the file had them. TOML only lets them
//! in as escapes (`\f`, `\u0001`) or, for noncharacters, raw; the body can hold any of them raw.

use std::sync::Arc;

use super::front_matter;
use super::{Paper, StrList};
use crate::diagnostic::Problem;
use crate::text_clean::{self, clean_all};

/// Replaces forbidden characters in every text of `paper`; whether there were any.
pub(crate) fn clean_paper(paper: &mut Paper) -> bool {
    // Every field named (no `..`): a field added to `Paper` must be listed here, cleaned or
    // not, so that no text escapes cleaning unnoticed.
    let Paper {
        path: _,
        date: _,
        published: _,
        author_count: _,
        upvotes: _,
        slug_span: _,
        draft: _,
        title,
        authors,
        tags,
        arxiv,
        doi,
        links,
        tldr,
        slug,
        extra,
        body,
    } = paper;
    let mut changed = clean_all([title, slug, body]);
    for list in [authors, tags] {
        let mut strings = list.to_vec();
        if clean_all(strings.iter_mut()) {
            *list = StrList::from(strings);
            changed = true;
        }
    }
    changed |= clean_all(arxiv.iter_mut().chain(doi).chain(tldr));
    if links.keys().any(|k| text_clean::has_forbidden(k)) {
        *links = std::mem::take(links)
            .into_iter()
            .map(|(k, v)| (text_clean::cleaned(&k).into_owned(), v))
            .collect();
        changed = true;
    }
    changed |= clean_all(links.values_mut());
    changed | text_clean::clean_table(extra)
}

/// The warning for a record file whose text holds forbidden characters, naming the first one's
/// line and column and listing the others. `None` for a clean file.
pub(crate) fn warning(text: &str, path: &str) -> Option<Problem> {
    let split = front_matter::split(text).ok()?;
    let fm = split.front_matter;
    let mut findings = text_clean::toml_findings(&text[fm.clone()], fm.start, &[]);
    findings.extend(text_clean::text_finding(text, split.body, "the body"));
    text_clean::warning(path, &Arc::from(text), &findings)
}
