//! What an importer returns (the papers it read, one problem per entry it could not) and the
//! one size limit every importer and `digest import` apply to their input.

use super::ImportedPaper;

/// What an importer read: the papers it could read and one problem per entry it could not.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The papers read, in the listing's order.
    pub papers: Vec<ImportedPaper>,
    /// One problem per entry that could not be read.
    pub problems: Vec<EntryProblem>,
    /// Entries skipped on purpose because they hold no paper (a biblatex `@set`): told to
    /// the user, not a failure.
    pub notes: Vec<EntryProblem>,
}

/// One entry that could not be read: where (1-based line and column in the input) and why,
/// phrased so a user can fix it. One bad entry never stops the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryProblem {
    /// 1-based line in the input.
    pub line: usize,
    /// 1-based column in characters (a leading byte-order mark not counted).
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl EntryProblem {
    /// A problem at byte `offset` of the input `index` describes.
    pub(crate) fn at(
        index: &crate::diagnostic::LineIndex<'_>,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = index.line_col(offset);
        EntryProblem {
            line,
            column,
            message: message.into(),
        }
    }
}

/// Inputs larger than this are refused with a clear error (not parsed).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Refuses an input of `size` bytes over [`MAX_INPUT_BYTES`]; `what` names it in the message
/// ("the BibTeX input", "the file").
pub(crate) fn check_size(size: u64, what: &str) -> Result<(), String> {
    if size > MAX_INPUT_BYTES as u64 {
        return Err(format!(
            "{what} is {size} bytes, over the limit of {} MiB digest reads at once; split it \
             into smaller files",
            MAX_INPUT_BYTES >> 20
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_limit_is_inclusive_and_named() {
        let max = MAX_INPUT_BYTES as u64;
        assert_eq!(check_size(0, "x"), Ok(()));
        assert_eq!(check_size(max, "x"), Ok(()));
        let err = check_size(max + 1, "the BibTeX input").unwrap_err();
        assert_eq!(
            err,
            "the BibTeX input is 67108865 bytes, over the limit of 64 MiB digest reads at once; \
             split it into smaller files"
        );
    }
}
