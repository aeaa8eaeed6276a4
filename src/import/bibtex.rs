//! Reads `.bib` files as written by arXiv ("Export BibTeX citation"), Zotero / Better BibTeX
//! and Google Scholar.
//!
//! A small tolerant parser of our own (the `biblatex` crate stops at the first syntax error of
//! the whole file). Every entry is bounded by the next `@type{` that starts a line, so an entry
//! with unbalanced braces becomes one [`EntryProblem`] and parsing resumes at the next entry.
mod fields;
mod latex;

use std::collections::HashMap;

use jiff::civil::Date;

use super::parsed::{EntryProblem, Parsed, check_size};
use crate::diagnostic::LineIndex;
use fields::build;
#[cfg(test)]
use latex::decode_latex;

/// Parses a `.bib` file. `default_date` is used for entries with neither `date` nor `year`;
/// without it such entries become problems.
pub fn parse(input: &str, default_date: Option<Date>) -> Result<Parsed, String> {
    check_size(input.len() as u64, "the BibTeX input")?;
    let index = LineIndex::new(input);
    let starts = line_start_entries(input);
    let mut macros: HashMap<String, String> = super::plain_text::MONTHS
        .iter()
        .map(|m| (m[..3].to_string(), capitalize(m)))
        .collect();
    let mut out = Parsed::default();
    let mut pos = 0;
    while let Some(i) = input[pos..].find('@') {
        let at = pos + i;
        let end = starts
            .get(starts.partition_point(|&s| s <= at))
            .copied()
            .unwrap_or(input.len());
        let mut p = Parser {
            src: input,
            pos: at + 1,
            end,
            index: &index,
        };
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

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.' | b'+' | b'/' | b'\'')
}

/// Offsets of `@` signs that begin a line (after optional blanks) and open an entry `@type{`/`@type(`.
fn line_start_entries(input: &str) -> Vec<usize> {
    let b = input.as_bytes();
    let mut found = Vec::new();
    let mut line_start = 0;
    while line_start < b.len() {
        let mut i = line_start;
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i < b.len() && b[i] == b'@' {
            let mut j = i + 1;
            while j < b.len() && b[j].is_ascii_alphabetic() {
                j += 1;
            }
            let ident_end = j;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if ident_end > i + 1 && j < b.len() && (b[j] == b'{' || b[j] == b'(') {
                found.push(i);
            }
        }
        line_start = match input[i..].find('\n') {
            Some(n) => i + n + 1,
            None => b.len(),
        };
    }
    found
}

/// One entry's fields as raw (undecoded, macro-expanded) strings, in file order.
struct RawEntry {
    key: String,
    fields: Vec<(String, String)>,
}

impl RawEntry {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    /// Where the next line-start entry begins: this entry may not run past it.
    end: usize,
    index: &'a LineIndex<'a>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.src.as_bytes()[self.pos])
    }

    fn here(&self, offset: usize) -> String {
        let (line, column) = self.index.line_col(offset);
        format!("line {line}, column {column}")
    }

    fn what_ends(&self) -> &'static str {
        if self.end < self.src.len() {
            "before the next entry starts"
        } else {
            "before the end of the file"
        }
    }

    fn found(&self) -> String {
        match self.src[self.pos.min(self.end)..self.end].chars().next() {
            Some(c) => format!("`{c}`"),
            None => "the end of the entry".to_string(),
        }
    }

    /// Skips whitespace and `%` line comments.
    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn ident(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(is_ident_byte) {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    /// Skips a `@comment{…}` / `@preamble{…}` body up to and including its closing delimiter.
    fn skip_group(&mut self, close: u8) -> Result<(), String> {
        let open_at = self.pos - 1;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                _ if b == close && depth == 0 => return Ok(()),
                _ => {}
            }
        }
        Err(format!(
            "unbalanced braces: the group opened at {} is not closed {}",
            self.here(open_at),
            self.what_ends()
        ))
    }

    /// `@string{name = value}`.
    fn string_def(
        &mut self,
        close: u8,
        macros: &HashMap<String, String>,
    ) -> Result<(String, String), String> {
        self.skip_ws();
        let name = self.ident().to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!(
                "expected a macro name at {}, found {}",
                self.here(self.pos),
                self.found()
            ));
        }
        self.skip_ws();
        if self.peek() != Some(b'=') {
            return Err(format!(
                "expected `=` after macro name `{name}` at {}",
                self.here(self.pos)
            ));
        }
        self.pos += 1;
        let value = self.value(&name, macros)?;
        self.skip_ws();
        if self.peek() == Some(b',') {
            self.pos += 1;
            self.skip_ws();
        }
        if self.peek() != Some(close) {
            return Err(format!(
                "expected `{}` to close the @string at {}, found {}",
                close as char,
                self.here(self.pos),
                self.found()
            ));
        }
        self.pos += 1;
        Ok((name, value))
    }

    fn entry(
        &mut self,
        kind: &str,
        close: u8,
        macros: &HashMap<String, String>,
    ) -> Result<RawEntry, String> {
        self.skip_ws();
        let key_start = self.pos;
        while self.peek().is_some_and(|b| {
            !b.is_ascii_whitespace() && b != b',' && b != close && b != b'{' && b != b'}'
        }) {
            self.pos += 1;
        }
        let key = self.src[key_start..self.pos].to_string();
        let ctx = |msg: String| {
            if key.is_empty() {
                format!("@{kind} entry: {msg}")
            } else {
                format!("entry `{key}`: {msg}")
            }
        };
        let mut entry = RawEntry {
            key: key.clone(),
            fields: Vec::new(),
        };
        let mut value_starts: Vec<usize> = Vec::new();
        self.skip_ws();
        match self.peek() {
            Some(b',') => self.pos += 1,
            Some(b) if b == close => {
                self.pos += 1;
                return Ok(entry);
            }
            _ => {
                return Err(ctx(format!(
                    "expected `,` after the citation key at {}, found {}",
                    self.here(self.pos),
                    self.found()
                )));
            }
        }
        loop {
            self.skip_ws();
            match self.peek() {
                None => {
                    let culprit = entry.fields.iter().zip(&value_starts).find(|((_, v), _)| {
                        v.lines().skip(1).any(|l| {
                            let l = l.trim_start();
                            let n = l.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
                            n > 0 && l[n..].trim_start().starts_with('=')
                        })
                    });
                    let hint = match culprit {
                        Some(((name, _), &at)) => format!(
                            "; the value of field `{name}` opened at {} runs into the next fields, so it probably lacks a closing `}}`",
                            self.here(at)
                        ),
                        None => String::new(),
                    };
                    return Err(ctx(format!(
                        "unbalanced braces: the entry is not closed with `{}` {}{hint}",
                        close as char,
                        self.what_ends()
                    )));
                }
                Some(b) if b == close => {
                    self.pos += 1;
                    return Ok(entry);
                }
                _ => {}
            }
            let name_at = self.pos;
            let name = self.ident().to_ascii_lowercase();
            if name.is_empty() {
                return Err(ctx(format!(
                    "expected a field name at {}, found {}",
                    self.here(name_at),
                    self.found()
                )));
            }
            self.skip_ws();
            if self.peek() != Some(b'=') {
                return Err(ctx(format!(
                    "expected `=` after field `{name}` at {}, found {}",
                    self.here(self.pos),
                    self.found()
                )));
            }
            self.pos += 1;
            self.skip_ws();
            value_starts.push(self.pos);
            let value = self.value(&name, macros).map_err(&ctx)?;
            entry.fields.push((name.clone(), value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b) if b == close => {}
                None => {}
                _ => {
                    return Err(ctx(format!(
                        "expected `,` or `{}` after the value of field `{name}` at {}, found {}",
                        close as char,
                        self.here(self.pos),
                        self.found()
                    )));
                }
            }
        }
    }

    /// A field value: `{…}`, `"…"`, a number or a macro name, joined with `#`.
    fn value(&mut self, field: &str, macros: &HashMap<String, String>) -> Result<String, String> {
        let mut out = String::new();
        loop {
            self.skip_ws();
            let start = self.pos;
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    let mut depth = 0usize;
                    loop {
                        match self.peek() {
                            None => {
                                return Err(format!(
                                    "unbalanced braces: the `{{` opening field `{field}` at {} is never closed {}",
                                    self.here(start),
                                    self.what_ends()
                                ));
                            }
                            Some(b'{') => depth += 1,
                            Some(b'}') if depth == 0 => break,
                            Some(b'}') => depth -= 1,
                            Some(b'\\') if self.pos + 1 < self.end => self.pos += 1,
                            _ => {}
                        }
                        self.pos += 1;
                    }
                    out.push_str(&self.src[start + 1..self.pos]);
                    self.pos += 1;
                }
                Some(b'"') => {
                    self.pos += 1;
                    let mut depth = 0usize;
                    loop {
                        match self.peek() {
                            None => {
                                return Err(format!(
                                    "unbalanced quotes or braces: the `\"` opening field `{field}` at {} is never closed {}",
                                    self.here(start),
                                    self.what_ends()
                                ));
                            }
                            Some(b'"') if depth == 0 => break,
                            Some(b'{') => depth += 1,
                            Some(b'}') if depth == 0 => {
                                return Err(format!(
                                    "unbalanced braces: a `}}` at {} has no matching `{{` in field `{field}`",
                                    self.here(self.pos)
                                ));
                            }
                            Some(b'}') => depth -= 1,
                            Some(b'\\') if self.pos + 1 < self.end => self.pos += 1,
                            _ => {}
                        }
                        self.pos += 1;
                    }
                    out.push_str(&self.src[start + 1..self.pos]);
                    self.pos += 1;
                }
                Some(b) if is_ident_byte(b) => {
                    let word = self.ident();
                    if word.bytes().all(|b| b.is_ascii_digit()) {
                        out.push_str(word);
                    } else {
                        let key = word.to_ascii_lowercase();
                        // An undefined macro keeps its name as text, as BibTeX does with a warning.
                        out.push_str(macros.get(&key).map_or(word, String::as_str));
                    }
                }
                _ => {
                    return Err(format!(
                        "expected a value for field `{field}` at {}, found {}",
                        self.here(start),
                        self.found()
                    ));
                }
            }
            self.skip_ws();
            if self.peek() == Some(b'#') {
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
mod tests;
