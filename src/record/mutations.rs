//! Random inputs for the property tests of the crate's readers and writers (records, every
//! importer, Markdown, BibTeX export): random edits of a valid input and texts of random
//! pieces, as proptest strategies, so a failure shrinks to the fewest edits or pieces before
//! it is reported; and [`check`], for properties that share an expensive value between cases
//! or run on a thread of their own.

use proptest::prelude::*;

/// One edit at a position given as any number (taken modulo the text's length, then moved
/// back to a character boundary, so every edit applies to every text).
#[derive(Debug, Clone)]
pub(crate) enum Edit {
    /// Inserts piece number `.1` of the alphabet.
    Insert(usize, usize),
    /// Deletes the character there.
    Delete(usize),
    /// Replaces the character there with piece number `.1` of the alphabet.
    Replace(usize, usize),
}

/// The pieces the importers' inputs are mutated with: the characters their syntaxes give a
/// meaning to (XML, JSON, BibTeX, Markdown), a letter, a digit, a line break, a non-ASCII one.
pub(crate) const LISTING_PIECES: &[&str] = &[
    "<", ">", "&", ";", "\"", "'", "{", "}", "@", "=", ",", "#", "\\", "a", "Z", "x", "0", "7",
    "\n", "é", " ", "/",
];

/// 1 to `max` edits.
pub(crate) fn edits(max: usize) -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(at, piece)| Edit::Insert(at, piece)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), any::<usize>()).prop_map(|(at, piece)| Edit::Replace(at, piece)),
    ];
    prop::collection::vec(edit, 1..=max)
}

/// Texts of 1 to `max` pieces of `pieces` in any order; a failure shrinks to fewer pieces,
/// earlier in the list.
pub(crate) fn texts_of(
    pieces: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 1..=max).prop_map(|v| v.concat())
}

/// `input` with `edits` applied in order, the pieces taken from `pieces`; always valid UTF-8.
pub(crate) fn apply(input: &str, edits: &[Edit], pieces: &[&str]) -> String {
    let mut s = input.to_string();
    for edit in edits {
        let (at, piece) = match *edit {
            Edit::Insert(at, p) | Edit::Replace(at, p) => (at, pieces[p % pieces.len()]),
            Edit::Delete(at) => (at, ""),
        };
        let mut at = at % (s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let here = s[at..].chars().next().map_or(0, char::len_utf8);
        match edit {
            Edit::Insert(..) => s.insert_str(at, piece),
            Edit::Delete(_) | Edit::Replace(..) => s.replace_range(at..at + here, piece),
        }
    }
    s
}

/// Settings of the never-panics properties: `cases` inputs, no regression files written into
/// the source tree (a failure prints its shrunk input, to be added as a named test).
pub(crate) fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Runs `test` on `cases` values of `strategy`; panics with the shrunk failing value.
pub(crate) fn check<S: Strategy>(
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let mut runner = proptest::test_runner::TestRunner::new(config(cases));
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{failure}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_at_character_boundaries() {
        let pieces = ["<", "é"];
        assert_eq!(apply("aé", &[Edit::Insert(2, 0)], &pieces), "a<é");
        assert_eq!(apply("aé", &[Edit::Delete(2)], &pieces), "a");
        assert_eq!(apply("aé", &[Edit::Replace(0, 1)], &pieces), "éé");
        // Positions wrap around the length (3 bytes + the end = 4 places).
        assert_eq!(apply("aé", &[Edit::Insert(4, 0)], &pieces), "<aé");
        assert_eq!(
            apply("", &[Edit::Delete(7), Edit::Replace(9, 0)], &pieces),
            "<"
        );
    }
}
