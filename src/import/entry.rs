//! The per-entry result type shared by the importers, plus small helpers they share.

pub(crate) mod json_support;
pub(crate) mod scripts;
use super::ImportedPaper;

/// What an importer read: the papers it could read and one problem per entry it could not.
#[derive(Debug, Default)]
pub struct Parsed {
    pub papers: Vec<ImportedPaper>,
    pub problems: Vec<EntryProblem>,
    /// Entries skipped on purpose because they hold no paper (a biblatex `@set`): told to
    /// the user, not a failure.
    pub notes: Vec<EntryProblem>,
}

/// One entry that could not be read: where (1-based line and column in the input) and why,
/// phrased so a user can fix it. One bad entry never stops the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Inputs larger than this are refused with a clear error (not parsed).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Refuses inputs over [`MAX_INPUT_BYTES`].
pub(crate) fn check_size(input: &str, what: &str) -> Result<(), String> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(format!(
            "the {what} input is {} bytes, more than the limit of {} bytes (64 MiB); split it into smaller files",
            input.len(),
            MAX_INPUT_BYTES
        ));
    }
    Ok(())
}

/// Maps byte offsets to 1-based line and column (column counted in characters).
pub(crate) struct LineIndex<'a> {
    input: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(input: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(input.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { input, starts }
    }

    /// 1-based (line, column) of the byte `offset` (clamped to the input).
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.input.len());
        while !self.input.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset); // >= 1
        let start = self.starts[line - 1];
        let column = self.input[start..offset].chars().count() + 1;
        (line, column)
    }

    pub(crate) fn problem(&self, offset: usize, message: impl Into<String>) -> EntryProblem {
        let (line, column) = self.position(offset);
        EntryProblem {
            line,
            column,
            message: message.into(),
        }
    }
}

/// English month names, lowercase, January first: for the listings that spell dates out.
pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Collapses every run of whitespace (including line breaks) into one space and trims.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Folds whitespace inside paragraphs; paragraphs (separated by blank lines) are joined by "\n\n".
pub(crate) fn paragraphs(s: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                out.push(collapse_whitespace(&current));
            }
            current.clear();
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        out.push(collapse_whitespace(&current));
    }
    out.join("\n\n")
}

/// A bare DOI ("10.1000/xyz") from a DOI, `doi:` form or doi.org URL; None if it is not a DOI.
pub(crate) fn normalize_doi(s: &str) -> Option<String> {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let mut rest = s;
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi.org/",
        "doi:",
    ] {
        if lower.starts_with(prefix) {
            rest = s[prefix.len()..].trim_start();
            break;
        }
    }
    if rest.starts_with("10.") && rest.contains('/') && !rest.chars().any(char::is_whitespace) {
        Some(rest.to_string())
    } else {
        None
    }
}

/// Splits an arXiv identifier (bare, `arXiv:`-prefixed, or an arxiv.org abs/pdf URL) into the
/// id without version and the version number, e.g. "2502.04522v2" → ("2502.04522", Some("2")).
/// Returns None when the text is not an arXiv identifier.
pub(crate) fn split_arxiv_id(s: &str) -> Option<(String, Option<String>)> {
    let s = s.trim();
    let mut id = s;
    if let Some(pos) = s.find("arxiv.org/") {
        let path = &s[pos + "arxiv.org/".len()..];
        id = ["abs/", "pdf/"].iter().find_map(|p| path.strip_prefix(p))?;
        id = id.split(['?', '#']).next().unwrap_or(id);
        id = id.strip_suffix(".pdf").unwrap_or(id);
        id = id.trim_end_matches('/');
    } else if s.len() >= 6 && s[..6].eq_ignore_ascii_case("arxiv:") {
        id = s[6..].trim_start();
    }
    let (base, version) = match id.rfind('v') {
        Some(i)
            if i + 1 < id.len()
                && id[i + 1..].bytes().all(|b| b.is_ascii_digit())
                && id[..i].ends_with(|c: char| c.is_ascii_digit()) =>
        {
            (&id[..i], Some(id[i + 1..].to_string()))
        }
        _ => (id, None),
    };
    if is_new_style(base) || is_old_style(base) {
        Some((base.to_string(), version))
    } else {
        None
    }
}

/// "2502.04522" or "0704.0001": YYMM.NNNN(N).
fn is_new_style(id: &str) -> bool {
    let Some((yymm, num)) = id.split_once('.') else {
        return false;
    };
    yymm.len() == 4
        && yymm.bytes().all(|b| b.is_ascii_digit())
        && (4..=5).contains(&num.len())
        && num.bytes().all(|b| b.is_ascii_digit())
}

/// "hep-th/9901001" or "math.AG/0601001": archive(.SUBJ)/YYMMNNN.
fn is_old_style(id: &str) -> bool {
    let Some((archive, num)) = id.split_once('/') else {
        return false;
    };
    let (name, subject) = match archive.split_once('.') {
        Some((n, s)) => (n, Some(s)),
        None => (archive, None),
    };
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && subject.is_none_or(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic()))
        && num.len() == 7
        && num.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arxiv_ids() {
        let v = |s: &str| split_arxiv_id(s);
        assert_eq!(
            v("2502.04522v2"),
            Some(("2502.04522".into(), Some("2".into())))
        );
        assert_eq!(
            v("http://arxiv.org/abs/hep-th/9901001v1"),
            Some(("hep-th/9901001".into(), Some("1".into())))
        );
        assert_eq!(
            v("https://arxiv.org/pdf/2502.04522v3.pdf"),
            Some(("2502.04522".into(), Some("3".into())))
        );
        assert_eq!(v("arXiv:2301.00001"), Some(("2301.00001".into(), None)));
        assert_eq!(v("math.AG/0601001"), Some(("math.AG/0601001".into(), None)));
        assert_eq!(v("https://example.org/abs/2502.04522"), None);
        assert_eq!(v("hello"), None);
        assert_eq!(v("v2"), None);
    }

    #[test]
    fn dois() {
        assert_eq!(
            normalize_doi("https://doi.org/10.1000/xyz").as_deref(),
            Some("10.1000/xyz")
        );
        assert_eq!(
            normalize_doi("http://dx.doi.org/10.1103/PhysRevD.1.1").as_deref(),
            Some("10.1103/PhysRevD.1.1")
        );
        assert_eq!(normalize_doi("doi:10.1/a").as_deref(), Some("10.1/a"));
        assert_eq!(normalize_doi("not a doi"), None);
    }

    #[test]
    fn positions_and_paragraphs() {
        let idx = LineIndex::new("ab\né x\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(6), (2, 3)); // after 'é' (2 bytes) and ' '
        assert_eq!(idx.position(999), (3, 1));
        assert_eq!(paragraphs("  a\n  b  \n\n\n c "), "a b\n\nc");
        assert_eq!(collapse_whitespace(" a \n\t b "), "a b");
    }
}

/// Helpers for the importers' property tests (no proptest crate: a tiny xorshift).
#[cfg(test)]
pub(crate) mod test_support {
    pub(crate) struct XorShift(pub u64);

    const ALPHABET: &[&str] = &[
        "<", ">", "&", ";", "\"", "'", "{", "}", "@", "=", ",", "#", "\\", "a", "Z", "x", "0", "7",
        "\n", "é", " ", "/",
    ];

    impl XorShift {
        pub(crate) fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// 1–8 random byte-level edits (insert, delete, replace) that keep the text valid UTF-8.
        pub(crate) fn mutate(&mut self, input: &str) -> String {
            let mut s = input.to_string();
            for _ in 0..1 + self.below(8) {
                let mut at = self.below(s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                let piece = ALPHABET[self.below(ALPHABET.len())];
                let op = self.below(3);
                if op != 0 && at < s.len() {
                    let len = s[at..].chars().next().map_or(0, char::len_utf8);
                    s.replace_range(at..at + len, if op == 1 { "" } else { piece });
                } else {
                    s.insert_str(at, piece);
                }
            }
            s
        }
    }
}
