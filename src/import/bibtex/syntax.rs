//! BibTeX syntax: entries, `@string` macros, braces and quotes, `#` concatenation, read into
//! raw (undecoded, macro-expanded) fields. Knows nothing of what a field means.

use std::collections::HashMap;

use crate::diagnostic::LineIndex;

/// BibTeX's predefined month macros (`jan` → "January", …).
pub(super) fn month_macros() -> HashMap<String, String> {
    crate::calendar::MONTH_NAMES
        .iter()
        .map(|m| (m[..3].to_lowercase(), (*m).to_string()))
        .collect()
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.' | b'+' | b'/' | b'\'')
}

/// Offsets of `@` signs that begin a line (after optional blanks) and open an entry `@type{`/`@type(`.
pub(super) fn line_start_entries(input: &str) -> Vec<usize> {
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
pub(super) struct RawEntry {
    /// The citation key.
    pub(super) key: String,
    /// (lower-case name, value) pairs.
    pub(super) fields: Vec<(String, String)>,
}

impl RawEntry {
    /// The last value of field `name` (as BibTeX tools read duplicates).
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one entry (or `@string`, `@comment`, `@preamble`) from `src` at `pos`.
pub(super) struct Parser<'a> {
    src: &'a str,
    /// The next byte to read.
    pub(super) pos: usize,
    /// Where the next line-start entry begins: this entry may not run past it.
    end: usize,
    index: &'a LineIndex<'a>,
}

impl<'a> Parser<'a> {
    /// A parser of the entry whose type starts at `pos` and that may not run past `end`.
    pub(super) fn new(src: &'a str, pos: usize, end: usize, index: &'a LineIndex<'a>) -> Self {
        Parser {
            src,
            pos,
            end,
            index,
        }
    }

    pub(super) fn peek(&self) -> Option<u8> {
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
    pub(super) fn skip_ws(&mut self) {
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

    pub(super) fn ident(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(is_ident_byte) {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    /// Skips a `@comment{…}` / `@preamble{…}` body up to and including its closing delimiter.
    pub(super) fn skip_group(&mut self, close: u8) -> Result<(), String> {
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
    pub(super) fn string_def(
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

    pub(super) fn entry(
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
