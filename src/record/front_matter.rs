//! Splits a record file into its TOML front matter (between `+++` lines) and its body.

use std::ops::Range;

/// The two parts of a record file, as byte ranges into the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    /// The TOML between the `+++` lines.
    pub front_matter: Range<usize>,
    /// Everything after the closing `+++` line.
    pub body: Range<usize>,
}

/// Why a file could not be split, with the byte range to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SplitError {
    /// The file does not start with a `+++` line.
    MissingOpening(Range<usize>),
    /// The `+++` line at this range is never closed.
    Unclosed(Range<usize>),
}

/// Finds the front matter. The opening `+++` must be the first line (a UTF-8 byte order mark and
/// blank lines before it are tolerated); the closing one is the next line that is exactly `+++`
/// (trailing spaces and `\r` allowed).
pub(crate) fn split(text: &str) -> Result<Split, SplitError> {
    let mut lines = LineIter::new(text);
    let opening = loop {
        match lines.next() {
            Some((range, line)) if line.trim().is_empty() => {
                let _ = range;
                continue;
            }
            Some((range, line)) if is_fence(line) => break range,
            Some((range, _)) => return Err(SplitError::MissingOpening(range)),
            None => return Err(SplitError::MissingOpening(0..0)),
        }
    };
    let fm_start = lines.position;
    for (range, line) in lines.by_ref() {
        if is_fence(line) {
            let body_start = lines_end(text, range.end);
            return Ok(Split {
                front_matter: fm_start..range.start,
                body: body_start..text.len(),
            });
        }
    }
    Err(SplitError::Unclosed(opening))
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "+++"
}

/// The offset just after the line break that ends a line ending at `end`.
fn lines_end(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    if rest.starts_with("\r\n") {
        end + 2
    } else if rest.starts_with('\n') {
        end + 1
    } else {
        end
    }
}

/// Lines with their byte ranges (excluding the line break); skips a leading BOM.
struct LineIter<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> LineIter<'a> {
    fn new(text: &'a str) -> Self {
        let position = if text.starts_with('\u{feff}') { 3 } else { 0 };
        LineIter { text, position }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (Range<usize>, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.position >= self.text.len() {
            return None;
        }
        let start = self.position;
        let rest = &self.text[start..];
        let (len, next) = match rest.find('\n') {
            Some(i) => (i, start + i + 1),
            None => (rest.len(), self.text.len()),
        };
        let line = rest[..len].strip_suffix('\r').unwrap_or(&rest[..len]);
        self.position = next;
        Some((start..start + line.len(), line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"x\"\n+++\nBody\n";
        let split = split(text).unwrap();
        assert_eq!(&text[split.front_matter.clone()], "title = \"x\"\n");
        assert_eq!(&text[split.body.clone()], "Body\n");
    }

    #[test]
    fn windows_line_endings_and_bom() {
        let text = "\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\nBody";
        let split = split(text).unwrap();
        assert_eq!(&text[split.front_matter.clone()], "title = \"x\"\r\n");
        assert_eq!(&text[split.body.clone()], "Body");
    }

    #[test]
    fn errors_point_at_the_right_line() {
        assert_eq!(split("title = 1\n"), Err(SplitError::MissingOpening(0..9)));
        assert_eq!(split(""), Err(SplitError::MissingOpening(0..0)));
        assert_eq!(split("\n+++\ntitle = 1\n"), Err(SplitError::Unclosed(1..4)));
        // "++++" is not a fence
        assert!(matches!(
            split("+++\na = 1\n++++\n"),
            Err(SplitError::Unclosed(_))
        ));
    }

    #[test]
    fn empty_body_and_no_final_newline() {
        let text = "+++\ntitle = \"x\"\n+++";
        let split = split(text).unwrap();
        assert_eq!(split.body, text.len()..text.len());
    }
}
