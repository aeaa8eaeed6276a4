//! What an importer returns: the papers it could read and one problem per entry it could not,
//! so one bad entry never stops the others.

use super::ImportedPaper;

/// What an importer read: the papers it could read and one problem per entry it could not.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Papers read, in input order.
    pub papers: Vec<ImportedPaper>,
    /// Entries that could not be read.
    pub problems: Vec<EntryProblem>,
}

/// One entry that could not be read: where (1-based line and column in the input) and why,
/// phrased so a user can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryProblem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Inputs larger than this are refused with a clear error (not parsed).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
