//! Problems found in a user's files, reported with file, line, column, a source snippet and a hint.
//!
//! Every phase that reads user input turns what is wrong into a [`Problem`]; the CLI prints them
//! all together. This module only formats: it never decides whether a build goes on.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

/// Where in a user's file a problem is: the file as shown to the user, its text, a byte range.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The path as the user should see it (relative to the site root when possible).
    pub path: String,
    /// The whole text of the file, so that the snippet and line/column can be computed.
    pub source: Arc<str>,
    /// Byte range of the offending text within `source`.
    pub span: Range<usize>,
}

impl Location {
    /// The same location holding only the text of its own line (earlier lines become empty),
    /// so line numbers and the snippet stay right while the rest of the file is not kept in
    /// memory. Records keep their slug's location for collision reports; a whole copy of every
    /// record file would cost more than the records themselves on a large site.
    pub fn detached(&self) -> Location {
        let start = floor_char_boundary(&self.source, self.span.start.min(self.source.len()));
        let line_start = self.source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.source[start..]
            .find('\n')
            .map_or(self.source.len(), |i| start + i);
        let newlines = self.source[..line_start].matches('\n').count();
        let mut text = "\n".repeat(newlines);
        text.push_str(&self.source[line_start..line_end]);
        let shift = line_start - newlines;
        let end = self.span.end.clamp(start, line_end);
        Location {
            path: self.path.clone(),
            source: Arc::from(text),
            span: start - shift..end - shift,
        }
    }

    /// 1-based line and column (in characters) of the start of the span.
    pub fn line_col(&self) -> (usize, usize) {
        line_col(&self.source, self.span.start)
    }
}

/// 1-based line and column of byte `offset` in `text` (clamped to the text; an offset inside
/// a character counts as that character). Columns count characters, not bytes, and a leading
/// byte-order mark is not counted: editors do not show one. For many offsets into one text,
/// [`LineIndex`] finds the line without rescanning.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        column(text, line_start, offset),
    )
}

/// The line starts of one text, so that many byte offsets (every entry of an imported
/// listing) become lines and columns by a binary search; the same rule as [`line_col`].
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line and column of byte `offset`, as [`line_col`] counts them.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset); // >= 1: starts[0] == 0
        (line, column(self.text, self.starts[line - 1], offset))
    }
}

/// The 1-based column of `offset` on the line starting at `line_start`.
fn column(text: &str, line_start: usize, offset: usize) -> usize {
    let before = &text[line_start..offset];
    let before = match line_start {
        0 => before.strip_prefix('\u{feff}').unwrap_or(before),
        _ => before,
    };
    before.chars().count() + 1
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// What kind of thing stopped a command. The command line turns it into the exit status, so a
/// scheduled job can tell a bad record from a server that is down or a disk that is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailureKind {
    /// The user's files or listing are wrong: a record, a template, `site.toml`, an entry.
    #[default]
    Input,
    /// The command line asks for something that cannot be done as written.
    Usage,
    /// A server did not answer in time, answered an error status, or answered something that
    /// is not the listing it should be.
    Network,
    /// The output cannot be written: a refused or locked output folder, a full disk, a folder
    /// that cannot be made.
    Output,
}

/// A command's failure: its kind and the message, already formatted for the terminal.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct Failure {
    /// What went wrong, which decides the exit status.
    pub kind: FailureKind,
    /// What to print.
    pub message: String,
}

impl Failure {
    /// A failure of `kind` saying `message`.
    pub(crate) fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl From<Problems> for Failure {
    fn from(problems: Problems) -> Self {
        Failure::new(problems.kind(), problems.to_string())
    }
}

/// One thing wrong with the user's input, with enough context to fix it.
#[derive(Debug, Clone)]
pub struct Problem {
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where, when it can be pinned to a place in a file.
    pub location: Option<Location>,
    /// A file the problem concerns when there is no precise location (e.g. an I/O error).
    pub path: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
    /// Further lines, e.g. every file involved in a collision.
    pub notes: Vec<String>,
    /// Whether the input is at fault or the output could not be written.
    pub kind: FailureKind,
}

impl Problem {
    /// A problem at a place in a file.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            location: Some(location),
            path: None,
            hint: None,
            notes: Vec::new(),
            kind: FailureKind::Input,
        }
    }

    /// A problem concerning a file as a whole.
    pub fn in_file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            location: None,
            path: Some(path.into()),
            hint: None,
            notes: Vec::new(),
            kind: FailureKind::Input,
        }
    }

    /// Adds the hint saying how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Marks what the problem is about (input unless said otherwise).
    pub fn with_kind(mut self, kind: FailureKind) -> Self {
        self.kind = kind;
        self
    }

    /// Adds a note line.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The file the problem is in, if any.
    pub fn file(&self) -> Option<&str> {
        self.location
            .as_ref()
            .map(|l| l.path.as_str())
            .or(self.path.as_deref())
    }

    /// Formats the problem for a terminal: `error: …`, `path:line:col`, snippet, hint.
    pub fn render(&self) -> String {
        self.render_as(Severity::Error)
    }

    /// Formats the problem like [`Problem::render`], as a `warning: …` that did not stop the build.
    pub fn render_warning(&self) -> String {
        self.render_as(Severity::Warning)
    }

    fn render_as(&self, severity: Severity) -> String {
        let label = if severity == Severity::Warning {
            "warning"
        } else {
            "error"
        };
        let mut notes = Vec::new();
        if let Some(hint) = &self.hint {
            notes.push(format!("help: {hint}"));
        }
        notes.extend(self.notes.iter().cloned());
        match &self.location {
            Some(location) => {
                let file = SimpleFile::new(location.path.as_str(), location.source.as_ref());
                let mut span = location.span.clone();
                span.start = floor_char_boundary(&location.source, span.start);
                span.end = floor_char_boundary(&location.source, span.end.max(span.start));
                let diagnostic = Diagnostic::new(severity)
                    .with_message(&self.message)
                    .with_labels(vec![Label::primary((), span)])
                    .with_notes(notes);
                let config = term::Config::default();
                match term::emit_into_string(&config, &file, &diagnostic) {
                    Ok(text) => text,
                    Err(_) => {
                        let (line, column) = location.line_col();
                        format!(
                            "{label}: {}\n  --> {}:{line}:{column}\n",
                            self.message, location.path
                        )
                    }
                }
            }
            None => {
                let mut text = format!("{label}: {}\n", self.message);
                if let Some(path) = &self.path {
                    text.push_str(&format!("  --> {path}\n"));
                }
                for note in &notes {
                    text.push_str(&format!("  = {note}\n"));
                }
                text
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// The problems that stopped a build, all of them, in a stable order.
#[derive(Debug)]
pub(crate) struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.0 {
            writeln!(f, "{problem}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Problems {}

impl Problems {
    /// The kind of the whole failure: an output that cannot be written outranks problems in
    /// the input (the job cannot succeed until the disk or the folder is fixed).
    pub(crate) fn kind(&self) -> FailureKind {
        [
            FailureKind::Output,
            FailureKind::Network,
            FailureKind::Usage,
        ]
        .into_iter()
        .find(|kind| self.0.iter().any(|p| p.kind == *kind))
        .unwrap_or(FailureKind::Input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The union of the cases of the three line/column helpers that became [`line_col`] and
    /// [`LineIndex`] (the diagnostic's, the importers' index, the JSON importers' BOM rule).
    #[test]
    fn line_col_counts_characters_not_bytes_nor_a_byte_order_mark() {
        let cases: &[(&str, usize, (usize, usize))] = &[
            ("a\nbé c\n", 0, (1, 1)),
            ("a\nbé c\n", 2, (2, 1)),
            // 'c' is after "bé " = 4 bytes, 3 characters.
            ("a\nbé c\n", 6, (2, 4)),
            ("ab\né x\n", 3, (2, 1)),
            ("ab\né x\n", 6, (2, 3)),
            // Past the end: clamped to the end.
            ("ab\né x\n", 999, (3, 1)),
            // Inside 'é' (bytes 3..5): the character's own column.
            ("ab\né x\n", 4, (2, 1)),
            ("", 0, (1, 1)),
            ("\r\nx", 2, (2, 1)),
            // A leading byte-order mark is not a column; one later in the text is a character.
            ("\u{feff} [1,\n  null]", 4, (1, 2)),
            ("\u{feff} [1,\n  null]", 10, (2, 3)),
            ("\u{feff}", 3, (1, 1)),
            ("x\n\u{feff}y", 5, (2, 2)),
        ];
        for &(text, offset, expected) in cases {
            assert_eq!(line_col(text, offset), expected, "{text:?} at {offset}");
            let index = LineIndex::new(text);
            assert_eq!(index.line_col(offset), expected, "{text:?} at {offset}");
        }
    }

    #[test]
    fn detached_location_keeps_line_column_and_snippet() {
        let source: Arc<str> = Arc::from("+++\ntitle = \"x\"\nslug = \"a\"\n+++\nLong body…\n");
        let location = Location {
            path: "c/a.md".into(),
            source,
            span: 23..26,
        };
        let detached = location.detached();
        assert_eq!(detached.line_col(), location.line_col());
        assert_eq!(&detached.source[detached.span.clone()], "\"a\"");
        assert!(!detached.source.contains("body"));
    }

    /// A build with broken records and an unwritable output reports the output: the job
    /// cannot succeed until it is fixed, whatever the records say.
    #[test]
    fn problems_take_the_kind_that_blocks_the_most() {
        let input = || Problem::in_file("content/a.md", "bad");
        let output = || Problem::in_file("public", "disk full").with_kind(FailureKind::Output);
        for (problems, kind) in [
            (vec![input()], FailureKind::Input),
            (vec![input(), input()], FailureKind::Input),
            (vec![output()], FailureKind::Output),
            (vec![input(), output(), input()], FailureKind::Output),
            (vec![], FailureKind::Input),
        ] {
            assert_eq!(Problems(problems).kind(), kind);
        }
        let failure = Failure::from(Problems(vec![input(), output()]));
        assert_eq!(failure.kind, FailureKind::Output);
        assert!(
            failure.message.contains("2 problems found"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn rendered_problem_names_file_line_column_and_hint() {
        let source: Arc<str> = Arc::from("+++\ntitle = 1\n+++\n");
        let problem = Problem::at(
            Location {
                path: "content/a.md".into(),
                source,
                span: 12..13,
            },
            "title must be a string",
        )
        .with_hint("write title = \"…\"");
        let text = problem.render();
        assert!(text.contains("content/a.md:2:9"), "{text}");
        assert!(text.contains("help: write title"), "{text}");
        assert!(text.contains("title must be a string"), "{text}");
    }
}
