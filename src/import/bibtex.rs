//! Reads `.bib` files as written by arXiv ("Export BibTeX citation"), Zotero / Better BibTeX
//! and Google Scholar.
//!
//! A small tolerant parser of our own (the `biblatex` crate stops at the first syntax error of
//! the whole file). Every entry is bounded by the next `@type{` that starts a line, so an entry
//! with unbalanced braces becomes one [`EntryProblem`] and parsing resumes at the next entry.
use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use super::ImportedPaper;
use super::entry::{
    LineIndex, Parsed, check_size, collapse_whitespace, normalize_doi, paragraphs, split_arxiv_id,
};
use crate::record::link_url::http_url;

/// Fields copied (LaTeX-decoded) into `extra` under their own name.
const EXTRA_FIELDS: &[&str] = &[
    "pages",
    "volume",
    "number",
    "publisher",
    "note",
    "series",
    "edition",
    "address",
    "organization",
    "institution",
    "school",
    "issn",
    "isbn",
];

/// Parses a `.bib` file. `default_date` is used for entries with neither `date` nor `year`;
/// without it such entries become problems.
pub fn parse(input: &str, default_date: Option<Date>) -> Result<Parsed, String> {
    check_size(input, "BibTeX")?;
    let index = LineIndex::new(input);
    let starts = line_start_entries(input);
    let mut macros: HashMap<String, String> = super::entry::MONTHS
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
                    match build(&kind, raw, default_date) {
                        Ok(paper) => out.papers.push(paper),
                        Err(msg) => out.problems.push(index.problem(at, msg)),
                    }
                }
            }
            Err(msg) => {
                out.problems.push(index.problem(at, msg));
                pos = end;
            }
        }
    }
    Ok(out)
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
        let (line, column) = self.index.position(offset);
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

fn build(kind: &str, raw: RawEntry, default_date: Option<Date>) -> Result<ImportedPaper, String> {
    let key = &raw.key;
    let label = if key.is_empty() {
        format!("@{kind} entry")
    } else {
        format!("entry `{key}`")
    };
    let text = |name: &str| {
        raw.get(name)
            .map(|v| collapse_whitespace(&decode_latex(v)))
            .filter(|v| !v.is_empty())
    };
    let verbatim = |name: &str| raw.get(name).map(verbatim).filter(|v| !v.is_empty());

    let title =
        text("title").ok_or_else(|| format!("{label} has no title; add `title = {{…}}`"))?;
    let date = match entry_date(&raw)? {
        Some(d) => d,
        None => default_date.ok_or_else(|| {
            format!("{label} has no date; add `year = {{2025}}` (and `month`) or `date = {{2025-02-06}}`")
        })?,
    };

    let mut extra = BTreeMap::new();
    let mut links = BTreeMap::new();
    if !key.is_empty() {
        extra.insert("bibtex_key".to_string(), key.clone());
    }
    extra.insert("bibtex_type".to_string(), kind.to_string());

    let (authors, complete) = raw.get("author").map(split_authors).unwrap_or_default();
    let url = verbatim("url");
    let archive = verbatim("archiveprefix").or_else(|| verbatim("eprinttype"));
    let mut arxiv = None;
    if let Some(eprint) = verbatim("eprint")
        && archive
            .as_deref()
            .is_none_or(|a| a.eq_ignore_ascii_case("arxiv"))
    {
        arxiv = split_arxiv_id(&eprint);
    }
    if arxiv.is_none() {
        arxiv = url
            .as_deref()
            .filter(|u| u.contains("arxiv.org/abs/"))
            .and_then(split_arxiv_id);
    }
    let venue = text("journaltitle")
        .or_else(|| text("journal"))
        .or_else(|| text("booktitle"));
    if arxiv.is_none() {
        // Google Scholar: journal={arXiv preprint arXiv:1810.04805}
        arxiv = venue
            .as_deref()
            .and_then(|v| v.strip_prefix("arXiv preprint "))
            .and_then(split_arxiv_id);
    }
    let arxiv = arxiv.map(|(id, version)| {
        if let Some(v) = version {
            extra.insert("arxiv_version".to_string(), v);
        }
        id
    });
    if let Some(u) = url {
        match http_url(&u) {
            Ok(u) => {
                let kind = if u.to_ascii_lowercase().ends_with(".pdf") {
                    "pdf"
                } else {
                    "url"
                };
                links.insert(kind.to_string(), u);
            }
            // Not a link a record accepts (`www.x.org`, `ftp://…`): kept as data, not dropped.
            Err(_) => {
                extra.insert("url".to_string(), u);
            }
        }
    }
    if let Some(v) = venue {
        extra.insert("venue".to_string(), v);
    }
    if let Some(c) = verbatim("primaryclass") {
        extra.insert("primary_category".to_string(), c);
    }
    for name in EXTRA_FIELDS {
        if let Some(v) = text(name) {
            extra.insert(name.to_string(), v);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    if let Some(k) = raw.get("keywords") {
        for t in decode_latex(k).split([',', ';']) {
            let t = collapse_whitespace(t);
            if !t.is_empty() && !tags.contains(&t) {
                tags.push(t);
            }
        }
    }
    Ok(ImportedPaper {
        title,
        date,
        published: None,
        author_count: u32::try_from(authors.len())
            .ok()
            .filter(|&n| complete && n > 0),
        authors,
        upvotes: None,
        arxiv,
        doi: verbatim("doi").as_deref().and_then(normalize_doi),
        tags,
        links,
        abstract_text: raw
            .get("abstract")
            .map(|a| paragraphs(&decode_latex(a)))
            .unwrap_or_default(),
        extra,
        ..Default::default()
    })
}

/// `date` (YYYY, YYYY-MM, YYYY-MM-DD, or a range `start/end`), else `year` + `month` (+ `day`).
fn entry_date(raw: &RawEntry) -> Result<Option<Date>, String> {
    if let Some(d) = raw.get("date").map(verbatim).filter(|d| !d.is_empty()) {
        let start = d.split('/').next().unwrap_or("").trim();
        let mut parts = start.split('-');
        let y = parts.next().and_then(|y| y.parse::<i16>().ok());
        let m = parts.next().map_or(Some(1), |m| m.parse::<i8>().ok());
        let day = parts.next().map_or(Some(1), |d| d.parse::<i8>().ok());
        return match (y, m, day) {
            (Some(y), Some(m), Some(day)) => Date::new(y, m, day).map(Some).map_err(|_| ()),
            _ => Err(()),
        }
        .map_err(|()| {
            format!(
                "entry `{}`: the date `{d}` is not a valid date; write it as YYYY-MM-DD",
                raw.key
            )
        });
    }
    let Some(year) = raw.get("year").map(verbatim).filter(|y| !y.is_empty()) else {
        return Ok(None);
    };
    let bad = |what: &str, v: &str| {
        format!(
            "entry `{}`: the {what} `{v}` is not valid; write e.g. year = {{2025}}, month = {{2}} or month = feb",
            raw.key
        )
    };
    let y: i16 = year.trim().parse().map_err(|_| bad("year", &year))?;
    let m: i8 = match raw.get("month").map(verbatim).filter(|m| !m.is_empty()) {
        None => 1,
        Some(m) => {
            let lower = m.trim().trim_end_matches('.').to_lowercase();
            match lower.parse::<i8>() {
                Ok(n) => n,
                Err(_) => super::entry::MONTHS
                    .iter()
                    .position(|name| lower.len() >= 3 && name.starts_with(&lower))
                    .map(|i| i as i8 + 1)
                    .ok_or_else(|| bad("month", &m))?,
            }
        }
    };
    let d: i8 = raw
        .get("day")
        .map(verbatim)
        .and_then(|d| d.trim().parse().ok())
        .unwrap_or(1);
    Date::new(y, m, d)
        .or_else(|_| Date::new(y, m, 1))
        .map(Some)
        .map_err(|_| bad("year/month", &format!("{year}/{m}")))
}

/// URL-like fields: braces removed and `\_ \% \& \# \~` unescaped, nothing else touched.
fn verbatim(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' => {}
            '\\' if chars.peek().is_some_and(|n| "_%&#~$".contains(*n)) => {
                out.extend(chars.next());
            }
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

/// Splits `A and B and others` at top-level ` and `; "Last, First" becomes "First Last".
/// The flag is false when the list ends with `and others` (the full count is unknown).
fn split_authors(raw: &str) -> (Vec<String>, bool) {
    let mut names: Vec<Vec<&str>> = vec![Vec::new()];
    for word in top_level_split(raw, |c| c.is_whitespace()) {
        if word.eq_ignore_ascii_case("and") {
            names.push(Vec::new());
        } else if !word.is_empty() {
            names.last_mut().expect("non-empty").push(word);
        }
    }
    let mut complete = true;
    let mut out = Vec::new();
    for words in names.into_iter().filter(|w| !w.is_empty()) {
        let name = words.join(" ");
        if name.eq_ignore_ascii_case("others") {
            complete = false;
            continue;
        }
        let parts: Vec<String> = top_level_split(&name, |c| c == ',')
            .into_iter()
            .map(|p| collapse_whitespace(&decode_latex(p)))
            .collect();
        let full = match parts.as_slice() {
            [last, first] => format!("{first} {last}"),
            [last, jr, first, ..] => format!("{first} {last} {jr}"),
            _ => parts.join(" "),
        };
        let full = collapse_whitespace(&full);
        if !full.is_empty() {
            out.push(full);
        }
    }
    (out, complete)
}

/// Splits at characters matching `sep` that are outside braces.
fn top_level_split(s: &str, sep: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 && sep(c) => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Precomposed letters per accent command, as (base, accented) pairs; other bases get a
/// combining mark.
fn accent(cmd: char, base: &str) -> String {
    let (table, combining) = match cmd {
        '`' => ("aàeèiìoòuùAÀEÈIÌOÒUÙ", '\u{300}'),
        '\'' => (
            "aáeéiíoóuúyýAÁEÉIÍOÓUÚYÝcćCĆnńNŃsśSŚzźZŹlĺLĹrŕRŔgǵ",
            '\u{301}',
        ),
        '^' => ("aâeêiîoôuûAÂEÊIÎOÔUÛcĉgĝhĥjĵsŝwŵyŷ", '\u{302}'),
        '~' => ("aãnñoõAÃNÑOÕiĩuũ", '\u{303}'),
        '=' => ("aāeēiīoōuūAĀEĒIĪOŌUŪ", '\u{304}'),
        'u' => ("aăAĂgğGĞuŭUŬ", '\u{306}'),
        '.' => ("zżZŻeėEĖcċCĊgġGĠIİ", '\u{307}'),
        '"' => ("aäeëiïoöuüyÿAÄEËIÏOÖUÜYŸ", '\u{308}'),
        'r' => ("aåAÅuůUŮ", '\u{30A}'),
        'H' => ("oőOŐuűUŰ", '\u{30B}'),
        'v' => ("cčCČsšSŠzžZŽrřRŘeěEĚnňNŇdďDĎtťTŤ", '\u{30C}'),
        'd' => ("", '\u{323}'),
        'c' => ("cçCÇsşSŞtţTŢgģkķlļnņrŗ", '\u{327}'),
        'k' => ("aąAĄeęEĘ", '\u{328}'),
        'b' => ("", '\u{331}'),
        _ => ("", '\u{301}'),
    };
    let base = match base {
        "\\i" | "i" if cmd != '.' => "i",
        "\\j" => "j",
        b => b,
    };
    let mut chars = base.chars();
    if let (Some(b), None) = (chars.next(), chars.next()) {
        let t: Vec<char> = table.chars().collect();
        if let Some(pair) = t.chunks(2).find(|p| p[0] == b) {
            return pair[1].to_string();
        }
    }
    let mut out = base.to_string();
    if out.is_empty() {
        out.push(' ');
    }
    out.push(combining);
    out
}

fn special_letter(name: &str) -> Option<&'static str> {
    Some(match name {
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "aa" => "å",
        "AA" => "Å",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "textendash" => "–",
        "textbackslash" => "\\",
        "textasciitilde" => "~",
        "textasciicircum" => "^",
        "textemdash" => "—",
        "textquoteright" => "’",
        "textquoteleft" => "‘",
        "textquotedblleft" => "“",
        "textquotedblright" => "”",
        "dag" => "†",
        "S" => "§",
        "P" => "¶",
        "copyright" => "©",
        "LaTeX" => "LaTeX",
        "TeX" => "TeX",
        "ldots" | "dots" | "textellipsis" => "…",
        _ => return None,
    })
}

/// Commands whose argument is kept and the command itself dropped.
const FORMATTING: &[&str] = &[
    "emph",
    "textit",
    "textbf",
    "textsc",
    "texttt",
    "textrm",
    "textsf",
    "textup",
    "textsl",
    "textnormal",
    "mbox",
    "text",
    "uppercase",
    "lowercase",
    "url",
    "bf",
    "it",
    "em",
    "sc",
    "tt",
    "rm",
    "sf",
    "sl",
    "noopsort",
    "nocase",
];

/// LaTeX text → plain Unicode: accents, special letters, `--`/`---`, `~`, escaped specials;
/// protective braces removed; `$…$` math kept verbatim.
pub(crate) fn decode_latex(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '$' => {
                let close = chars[i + 1..].iter().position(|&c| c == '$');
                match close {
                    Some(n) => {
                        out.extend(&chars[i..=i + 1 + n]);
                        i += n + 2;
                    }
                    None => {
                        out.push('$');
                        i += 1;
                    }
                }
            }
            '{' | '}' => i += 1,
            '~' => {
                out.push(' ');
                i += 1;
            }
            '-' => {
                let run = chars[i..].iter().take_while(|&&c| c == '-').count();
                match run {
                    2 => out.push('–'),
                    3 => out.push('—'),
                    n => out.extend(std::iter::repeat_n('-', n)),
                }
                i += run;
            }
            '`' if chars.get(i + 1) == Some(&'`') => {
                out.push('“');
                i += 2;
            }
            '\'' if chars.get(i + 1) == Some(&'\'') => {
                out.push('”');
                i += 2;
            }
            '\\' => i = command(&chars, i + 1, &mut out),
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decodes the command after a backslash at `i`; returns the index after it.
fn command(chars: &[char], mut i: usize, out: &mut String) -> usize {
    let Some(&c) = chars.get(i) else {
        return i;
    };
    if !c.is_ascii_alphabetic() {
        i += 1;
        match c {
            '\'' | '`' | '^' | '"' | '~' | '=' | '.' => {
                let (arg, next) = accent_arg(chars, i);
                out.push_str(&accent(c, &arg));
                return next;
            }
            '\\' => out.push(' '),
            ' ' | ',' | ';' => out.push(' '),
            '-' | '/' | '@' => {}
            _ => out.push(c), // \& \% \$ \# \_ \{ \}
        }
        return i;
    }
    let start = i;
    while chars.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
        i += 1;
    }
    let name: String = chars[start..i].iter().collect();
    if name.len() == 1 && "uvHckrdb".contains(name.as_str()) {
        let (arg, next) = accent_arg(chars, i);
        if !arg.is_empty() {
            out.push_str(&accent(name.chars().next().unwrap_or('\''), &arg));
            return next;
        }
    }
    // A control word swallows the spaces after it.
    let mut after = i;
    while chars.get(after).is_some_and(|c| *c == ' ') {
        after += 1;
    }
    if let Some(letter) = special_letter(&name) {
        out.push_str(letter);
        // `\ss{}`: drop an empty group.
        if chars.get(after) == Some(&'{') && chars.get(after + 1) == Some(&'}') {
            return after + 2;
        }
        return after;
    }
    if FORMATTING.contains(&name.as_str()) {
        return after;
    }
    out.push('\\');
    out.push_str(&name);
    i
}

/// The argument of an accent: `{x}`, `{\i}`, a single char, or `\i`.
fn accent_arg(chars: &[char], mut i: usize) -> (String, usize) {
    while chars.get(i) == Some(&' ') {
        i += 1;
    }
    match chars.get(i) {
        Some('{') => {
            let close = chars[i + 1..].iter().position(|&c| c == '}');
            match close {
                Some(n) => (
                    chars[i + 1..i + 1 + n]
                        .iter()
                        .collect::<String>()
                        .trim()
                        .to_string(),
                    i + 2 + n,
                ),
                None => (String::new(), i + 1),
            }
        }
        Some('\\')
            if matches!(chars.get(i + 1), Some('i' | 'j'))
                && !chars.get(i + 2).is_some_and(|c| c.is_ascii_alphabetic()) =>
        {
            (chars[i..i + 2].iter().collect(), i + 2)
        }
        Some(&c) if c != '\\' && c != '}' => (c.to_string(), i + 1),
        _ => (String::new(), i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/import/",
                $name
            ))
        };
    }
    const ARXIV: &str = fixture!("arxiv.bib");
    const ZOTERO: &str = fixture!("zotero.bib");
    const SCHOLAR: &str = fixture!("scholar.bib");
    const BROKEN: &str = fixture!("broken.bib");

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arxiv_exports() {
        let parsed = parse(ARXIV, None).unwrap();
        assert_eq!(parsed.problems, vec![]);
        assert_eq!(
            parsed.papers,
            vec![
                ImportedPaper {
                    title: "Diffusion Models Scale: A BERT-Style Study of $\\alpha$-Divergences"
                        .into(),
                    date: date(2025, 1, 1),
                    published: None,
                    authors: strings(&["Ada Lovelace", "Alan Turing"]),
                    author_count: Some(2),
                    upvotes: None,
                    arxiv: Some("2502.04522".into()),
                    doi: None,
                    tags: vec![],
                    links: map(&[("url", "https://arxiv.org/abs/2502.04522")]),
                    abstract_text: String::new(),
                    extra: map(&[
                        ("bibtex_key", "lovelace2025diffusion"),
                        ("bibtex_type", "misc"),
                        ("primary_category", "cs.LG"),
                    ]),
                    ..Default::default()
                },
                ImportedPaper {
                    title: "String Dualities Revisited".into(),
                    date: date(1999, 1, 1),
                    published: None,
                    authors: strings(&["Edward Witten"]),
                    author_count: Some(1),
                    upvotes: None,
                    arxiv: Some("hep-th/9901001".into()),
                    doi: None,
                    tags: vec![],
                    links: map(&[("url", "https://arxiv.org/abs/hep-th/9901001v2")]),
                    abstract_text: String::new(),
                    extra: map(&[
                        ("arxiv_version", "2"),
                        ("bibtex_key", "witten1999strings"),
                        ("bibtex_type", "misc"),
                        ("primary_category", "hep-th"),
                    ]),
                    ..Default::default()
                },
            ]
        );
    }

    #[test]
    fn zotero_article() {
        let parsed = parse(ZOTERO, None).unwrap();
        assert_eq!(parsed.problems, vec![]);
        assert_eq!(
            parsed.papers,
            vec![ImportedPaper {
                title: "Über die Schrödinger-Gleichung in BERT-Modellen".into(),
                date: date(2024, 6, 29),
                published: None,
                authors: strings(&[
                    "Jörg Müller",
                    "María García",
                    "François Straße",
                    "José Peña",
                    "Olô Bjørn"
                ]),
                author_count: Some(5),
                upvotes: None,
                arxiv: None,
                doi: Some("10.5555/jmlr.2024.0042".into()),
                tags: strings(&["physics", "machine learning", "Transformers"]),
                links: map(&[(
                    "pdf",
                    "https://www.jmlr.org/papers/volume25/muller24a/muller24a.pdf"
                )]),
                abstract_text: "We revisit the equation for BERT.\n\nSecond paragraph with 50% more emphasis – and a tilde space.".into(),
                extra: map(&[
                    ("bibtex_key", "muller_uber_2024"),
                    ("bibtex_type", "article"),
                    ("issn", "1532-4435"),
                    ("pages", "1–42"),
                    ("venue", "Journal of Machine Learning Research (Special Issue)"),
                    ("volume", "25"),
                ]),
                ..Default::default()
            }]
        );
    }

    #[test]
    fn google_scholar() {
        let parsed = parse(SCHOLAR, None).unwrap();
        assert_eq!(parsed.problems, vec![]);
        assert_eq!(parsed.papers.len(), 2);
        let a = &parsed.papers[0];
        assert_eq!(a.title, "Attention is all you need");
        assert_eq!(
            a.authors,
            strings(&["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"])
        );
        assert_eq!(a.author_count, None, "`and others`: full count unknown");
        assert_eq!(a.date, date(2017, 12, 1));
        assert_eq!(
            a.extra["venue"],
            "Advances in Neural Information Processing Systems"
        );
        assert_eq!(a.extra["pages"], "5998–6008");
        assert_eq!(a.extra["bibtex_key"], "vaswani2017attention");
        assert_eq!(a.extra["bibtex_type"], "inproceedings");
        assert_eq!(a.arxiv, None);
        let b = &parsed.papers[1];
        assert_eq!(
            b.authors,
            strings(&[
                "Jacob Devlin",
                "Ming-Wei Chang",
                "Kenton Lee",
                "Kristina Toutanova"
            ])
        );
        assert_eq!(b.author_count, Some(4));
        assert_eq!(b.date, date(2018, 1, 1));
        assert_eq!(b.arxiv.as_deref(), Some("1810.04805"));
        assert_eq!(b.extra["venue"], "arXiv preprint arXiv:1810.04805");
    }

    #[test]
    fn broken_entry_is_one_problem_between_good_ones() {
        let parsed = parse(BROKEN, None).unwrap();
        let titles: Vec<_> = parsed.papers.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, vec!["First Good Paper", "Second Good Paper"]);
        assert_eq!(parsed.papers[1].date, date(2022, 6, 1));
        assert_eq!(parsed.papers[1].authors, strings(&["Carol Coder"]));
        assert_eq!(parsed.problems.len(), 1);
        let p = &parsed.problems[0];
        assert_eq!((p.line, p.column), (7, 1));
        assert!(p.message.contains("entry `bad`"), "{p:?}");
        assert!(p.message.contains("unbalanced braces"), "{p:?}");
        assert!(p.message.contains("line 8, column 11"), "{p:?}");
    }

    #[test]
    fn missing_title_and_date() {
        let input = "@misc{a, author={X}, year={2020}}\n@misc{b, title={No date}}\n@misc{c, title={Bad}, date={2020-13-01}}\n";
        let parsed = parse(input, None).unwrap();
        assert_eq!(parsed.papers.len(), 0);
        let where_: Vec<_> = parsed.problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(where_, vec![(1, 1), (2, 1), (3, 1)]);
        assert!(parsed.problems[0].message.contains("has no title"));
        assert!(parsed.problems[1].message.contains("has no date"));
        assert!(parsed.problems[2].message.contains("`2020-13-01`"));
        let parsed = parse(input, Some(date(2025, 2, 6))).unwrap();
        assert_eq!(parsed.papers.len(), 1);
        assert_eq!(parsed.papers[0].date, date(2025, 2, 6));
    }

    #[test]
    fn syntax_variants() {
        let input = r#"
Some free text with an e-mail me@example.org between entries.
@STRING(conf = "Proc. " # "ICML")
@InProceedings(k1,
  Title = "A {"}quoted{"} \"Uber title",
  Author = "van der Berg, Jan and Doe, Jr., John",
  BookTitle = conf # " 2023",
  Month = "Sep",
  Year = 2023,
  Eprint = {2301.00001v3},
  DOI = {https://doi.org/10.48550/arXiv.2301.00001},
  URL = {https://example.org/paper\_1}
)
@article{k2, title={T\'{e}st {\`a} \^{o} \~{n} \c{c} \v{s} \H{o} \k{a} \={a} \.{z} \u{g} \r{a} {\aa} {\AE} \l{} \L},
  date={2021-05}, author={A B}}
"#;
        let parsed = parse(input, None).unwrap();
        assert_eq!(parsed.problems, vec![]);
        let a = &parsed.papers[0];
        assert_eq!(a.title, "A \"quoted\" Über title");
        assert_eq!(a.authors, strings(&["Jan van der Berg", "John Doe Jr."]));
        assert_eq!(a.extra["venue"], "Proc. ICML 2023");
        assert_eq!(a.date, date(2023, 9, 1));
        assert_eq!(a.arxiv.as_deref(), Some("2301.00001"));
        assert_eq!(a.extra["arxiv_version"], "3");
        assert_eq!(a.doi.as_deref(), Some("10.48550/arXiv.2301.00001"));
        assert_eq!(a.links["url"], "https://example.org/paper_1");
        let b = &parsed.papers[1];
        assert_eq!(b.title, "Tést à ô ñ ç š ő ą ā ż ğ å å Æ ł Ł");
        assert_eq!(b.date, date(2021, 5, 1));
    }

    #[test]
    fn urls_a_record_refuses_are_kept_as_data_and_upper_case_schemes_accepted() {
        let input = "@misc{a, title={A}, year={2024}, url={www.example.org/a}}\n\
                     @misc{b, title={B}, year={2024}, url={HTTPS://example.org/b.pdf}}\n\
                     @misc{c, title={C}, year={2024}, url={https:///c}}\n";
        let parsed = parse(input, None).unwrap();
        assert_eq!(parsed.problems, vec![]);
        let [a, b, c] = parsed.papers.as_slice() else {
            panic!("{parsed:?}")
        };
        assert!(a.links.is_empty());
        assert_eq!(a.extra["url"], "www.example.org/a");
        assert_eq!(b.links["pdf"], "https://example.org/b.pdf");
        assert!(c.links.is_empty());
        assert_eq!(c.extra["url"], "https:///c");
    }

    #[test]
    fn latex_decoding() {
        assert_eq!(
            decode_latex(r#"{\"u}\"u{\'e}\'e{\ss}\c{c}\~n\^o{\o}"#),
            "üüééßçñôø"
        );
        assert_eq!(decode_latex("a--b---c~d {BERT}"), "a–b—c d BERT");
        assert_eq!(
            decode_latex(r"\emph{x} \& 5\% $\mathcal{O}(n)$ \foo"),
            r"x & 5% $\mathcal{O}(n)$ \foo"
        );
        assert_eq!(decode_latex(r"``q'' \'{\i}"), "“q” í");
        assert_eq!(decode_latex(r"\'x \ss{}e"), "x\u{301} ße");
    }

    #[test]
    fn oversized_input_refused() {
        let big = " ".repeat(crate::import::entry::MAX_INPUT_BYTES + 1);
        assert!(parse(&big, None).unwrap_err().contains("limit"));
    }

    #[test]
    fn mutations_never_panic() {
        let mut rng = crate::import::entry::test_support::XorShift(0xD1B5_4A32_D192_ED03);
        let fixtures = [ARXIV, ZOTERO, SCHOLAR, BROKEN];
        for round in 0..4000 {
            let mutated = rng.mutate(fixtures[round % fixtures.len()]);
            if let Ok(parsed) = parse(&mutated, Some(date(2025, 1, 1))) {
                for p in &parsed.problems {
                    assert!(p.line >= 1 && p.column >= 1, "{p:?}");
                }
            }
        }
    }
}
