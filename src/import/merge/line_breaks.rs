//! Gives toml_edit's output back the record's own bytes wherever toml_edit did not change a line.
//!
//! toml_edit keeps comments, order and spacing, but writes every line break it owns as `\n`: a
//! record saved with CRLF line endings would have every front-matter line rewritten by an import
//! that changed one field. Here the edited text is aligned with the original line by line
//! (ignoring line breaks); lines that are equal get their original bytes back, and changed or new
//! lines end like the line they replace, or the line before them. Nothing here parses TOML.

use std::collections::VecDeque;

/// Largest middle part (original lines × edited lines, after the common start and end) aligned
/// line by line. Imports change a few lines of a front matter of a few dozen, so this is only
/// reached by a pathological file; past it the middle lines are all treated as changed, which
/// still gives them the record's line breaks.
const MAX_ALIGN_CELLS: usize = 4_000_000;

/// `edited` (toml_edit's rewrite of `original`) with every line that toml_edit left unchanged
/// given back its original bytes, line break included. Changed and added lines end with the
/// line break of the original line they replace, else of the original line before them, else
/// `default_break` (the break of the line just before `original`).
pub(super) fn restore_line_breaks(original: &str, edited: &str, default_break: &str) -> String {
    let old: Vec<&str> = original.split_inclusive('\n').collect();
    let new: Vec<&str> = edited.split_inclusive('\n').collect();
    let mut out = String::with_capacity(edited.len() + old.len());
    let mut last_break = default_break;
    // Breaks of original lines dropped since the last kept one, handed in order to the lines
    // that replace them.
    let mut replaced: VecDeque<&str> = VecDeque::new();
    for step in align(&old, &new) {
        match step {
            Step::Keep(i) => {
                out.push_str(old[i]);
                last_break = line_break(old[i]);
                replaced.clear();
            }
            Step::Drop(i) => {
                last_break = line_break(old[i]);
                replaced.push_back(last_break);
            }
            Step::Add(j) => {
                let line = new[j];
                out.push_str(content(line));
                if line.ends_with('\n') {
                    out.push_str(replaced.pop_front().unwrap_or(last_break));
                }
            }
        }
    }
    out
}

/// One step of turning the original lines into the edited ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Original line `i` stays.
    Keep(usize),
    /// Original line `i` goes (replaced by the `Add`s that follow, if any).
    Drop(usize),
    /// Edited line `j` is new or changed.
    Add(usize),
}

/// A shortest edit from `old` to `new`, comparing lines without their line breaks: the common
/// start and end are kept, the middle is aligned by longest common subsequence.
fn align(old: &[&str], new: &[&str]) -> Vec<Step> {
    let same = |i: usize, j: usize| content(old[i]) == content(new[j]);
    let mut start = 0;
    while start < old.len() && start < new.len() && same(start, start) {
        start += 1;
    }
    let mut end = 0;
    while end < old.len() - start
        && end < new.len() - start
        && same(old.len() - 1 - end, new.len() - 1 - end)
    {
        end += 1;
    }
    let (n, m) = (old.len() - start - end, new.len() - start - end);
    let mut steps: Vec<Step> = (0..start).map(Step::Keep).collect();
    if n.saturating_mul(m) <= MAX_ALIGN_CELLS {
        // lcs[i][j]: length of the longest common subsequence of the middles from i and j on.
        let width = m + 1;
        let mut lcs = vec![0u32; (n + 1) * width];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * width + j] = if same(start + i, start + j) {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && same(start + i, start + j) {
                steps.push(Step::Keep(start + i));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
                // Drops before adds, so a changed line inherits the break of the one it replaces.
                steps.push(Step::Drop(start + i));
                i += 1;
            } else {
                steps.push(Step::Add(start + j));
                j += 1;
            }
        }
    } else {
        steps.extend((start..start + n).map(Step::Drop));
        steps.extend((start..start + m).map(Step::Add));
    }
    steps.extend((old.len() - end..old.len()).map(Step::Keep));
    steps
}

/// A line without its line break (`\n` or `\r\n`).
fn content(line: &str) -> &str {
    line.strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(line)
}

/// A line's line break: `"\r\n"`, `"\n"`, or `""` for a last line without one.
fn line_break(line: &str) -> &str {
    &line[content(line).len()..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_lines_keep_their_bytes_and_changed_ones_their_break() {
        let cases: &[(&str, &str, &str, &str)] = &[
            // (original, toml_edit's output, default break, expected)
            ("a\r\nb\r\nc\r\n", "a\nB\nc\n", "\r\n", "a\r\nB\r\nc\r\n"),
            ("a\r\nb\r\n", "a\nb\nnew\n", "\r\n", "a\r\nb\r\nnew\r\n"),
            ("a\r\nb\n", "a\nB\n", "\r\n", "a\r\nB\n"),
            ("", "new\n", "\r\n", "new\r\n"),
            ("", "new\n", "\n", "new\n"),
            (
                "x\r\n\r\n[t]\r\n",
                "x\ny\n\n[t]\nz\n",
                "\r\n",
                "x\r\ny\r\n\r\n[t]\r\nz\r\n",
            ),
            (
                "s = \"\"\"a\r\nb\"\"\"\r\n",
                "s = \"\"\"a\r\nb\"\"\"\nk = 1\n",
                "\n",
                "s = \"\"\"a\r\nb\"\"\"\r\nk = 1\r\n",
            ),
            (
                "a\r\nb\r\nc\r\nd\r\n",
                "A\nb\nc\nD\nE\n",
                "\n",
                "A\r\nb\r\nc\r\nD\r\nE\r\n",
            ),
        ];
        for (original, edited, default_break, expected) in cases {
            assert_eq!(
                restore_line_breaks(original, edited, default_break),
                *expected,
                "{original:?} → {edited:?}"
            );
        }
    }

    #[test]
    fn the_alignment_is_a_shortest_edit() {
        let old = ["a\n", "b\n", "c\n"];
        let new = ["a\n", "x\n", "c\n", "d\n"];
        assert_eq!(
            align(&old, &new),
            [
                Step::Keep(0),
                Step::Drop(1),
                Step::Add(1),
                Step::Keep(2),
                Step::Add(3)
            ]
        );
    }
}
