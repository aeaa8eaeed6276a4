//! Reads `.bib` files as written by arXiv ("Export BibTeX citation"), Zotero / Better BibTeX
//! and Google Scholar.
//!
//! This file is the entry point: it walks the file entry by entry and says what becomes of
//! each. The jobs are apart: [`syntax`] reads an entry's text into raw fields (a small
//! tolerant parser of our own: the `biblatex` crate stops at the first syntax error of the
//! whole file), [`fields`] decides which field fills what of a paper, [`latex`] decodes the
//! LaTeX in field values to plain text. Every entry is bounded by the next `@type{` that
//! starts a line, so an entry with unbalanced braces becomes one [`EntryProblem`] and parsing
//! resumes at the next entry.

mod fields;
pub(crate) mod latex;
mod syntax;

use jiff::civil::Date;

use super::parsed::{EntryProblem, Parsed, check_size};
use crate::diagnostic::LineIndex;
use fields::build;
#[cfg(test)]
use latex::decode_latex;
use syntax::{Parser, RawEntry, line_start_entries, month_macros};

/// Parses a `.bib` file. `default_date` is used for entries with neither `date` nor `year`;
/// without it such entries become problems.
pub fn parse(input: &str, default_date: Option<Date>) -> Result<Parsed, String> {
    check_size(input.len() as u64, "the BibTeX input")?;
    let index = LineIndex::new(input);
    let starts = line_start_entries(input);
    let mut macros = month_macros();
    let mut out = Parsed::default();
    let mut pos = 0;
    while let Some(i) = input[pos..].find('@') {
        let at = pos + i;
        let end = starts
            .get(starts.partition_point(|&s| s <= at))
            .copied()
            .unwrap_or(input.len());
        let mut p = Parser::new(input, at + 1, end, &index);
        let kind = p.ident().to_ascii_lowercase();
        p.skip_ws();
        let close = match p.peek() {
            Some(b'{') => b'}',
            Some(b'(') => b')',
            _ => {
                // A stray `@` (e.g. an e-mail address in text between entries) is a comment.
                pos = at + 1;
                continue;
            }
        };
        if kind.is_empty() {
            pos = at + 1;
            continue;
        }
        p.pos += 1;
        let result = match kind.as_str() {
            "comment" | "preamble" => p
                .skip_group(close)
                .map(|()| None)
                .map_err(|m| format!("@{kind}: {m}")),
            "string" => p
                .string_def(close, &macros)
                .map(|(name, value)| {
                    macros.insert(name, value);
                    None
                })
                .map_err(|m| format!("@string: {m}")),
            _ => p.entry(&kind, close, &macros).map(Some),
        };
        match result {
            Ok(raw) => {
                pos = p.pos;
                if let Some(raw) = raw {
                    if let Some(note) = holds_no_paper(&kind, &raw) {
                        out.notes.push(EntryProblem::at(&index, at, note));
                        continue;
                    }
                    match build(&kind, raw, default_date) {
                        Ok(paper) => out.papers.push(paper),
                        Err(msg) => out.problems.push(EntryProblem::at(&index, at, msg)),
                    }
                }
            }
            Err(msg) => {
                out.problems.push(EntryProblem::at(&index, at, msg));
                pos = end;
            }
        }
    }
    Ok(out)
}

/// Why an entry is skipped rather than imported: biblatex's `@set` (a group of other entries,
/// cited together) and `@xdata` (fields shared by other entries) describe no paper of their own.
fn holds_no_paper(kind: &str, raw: &RawEntry) -> Option<String> {
    let what = match kind {
        "set" => "a biblatex @set only groups other entries",
        "xdata" => "a biblatex @xdata only holds fields other entries share",
        _ => return None,
    };
    let members = raw
        .get("entryset")
        .map(|m| format!(" ({})", m.trim()))
        .unwrap_or_default();
    Some(format!(
        "entry `{}` skipped: {what}{members}; each paper in it is imported from its own entry",
        raw.key
    ))
}

#[cfg(test)]
mod tests;
