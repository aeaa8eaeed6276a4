//! The mark on a `tldr` an import wrote: `tldr = "…" # as imported: 1f0e3dad`.
//!
//! An import fills a record's tldr when it has none and may update it later (a newer summary
//! from the same or another source) — but only while the text is still the one the import
//! wrote. The mark says so: it carries a check of that text (FNV-1a, 32 bits, in hex; fixed by
//! its specification, so the same on every machine and in every version). A person who edits
//! the text (the check no longer matches) or deletes the comment owns the tldr from then on,
//! and no import touches it again. The comment is ordinary TOML, so the build ignores it.

use toml_edit::{DocumentMut, Item, Value};

/// How the mark starts; the check follows.
const MARK: &str = "# as imported: ";

/// FNV-1a (32 bits) of `text`'s bytes, as 8 lowercase hex digits.
fn check(text: &str) -> String {
    let hash = text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    format!("{hash:08x}")
}

/// Marks the record's `tldr` string as written by an import (replacing a comment there). False
/// when the record has no `tldr` string.
pub(super) fn mark(doc: &mut DocumentMut) -> bool {
    match doc.get_mut("tldr").and_then(Item::as_value_mut) {
        Some(value @ Value::String(_)) => {
            let text = value.as_str().unwrap_or_default().to_string();
            value
                .decor_mut()
                .set_suffix(format!(" {MARK}{}", check(&text)));
            true
        }
        _ => false,
    }
}

/// Whether the record's `tldr` is still what an import wrote: marked, and its text the one the
/// mark's check was made from.
pub(super) fn unedited(doc: &DocumentMut) -> bool {
    let Some(value) = doc.get("tldr").and_then(Item::as_value) else {
        return false;
    };
    let (Some(text), Some(comment)) = (
        value.as_str(),
        value.decor().suffix().and_then(|s| s.as_str()),
    ) else {
        return false;
    };
    comment
        .trim()
        .strip_prefix(MARK.trim_end())
        .is_some_and(|rest| rest.trim() == check(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> DocumentMut {
        text.parse().unwrap()
    }

    /// The check is FNV-1a's published 32-bit values, so marks written by one build of digest
    /// read the same in every other.
    #[test]
    fn the_check_is_fnv_1a() {
        assert_eq!(check(""), "811c9dc5");
        assert_eq!(check("a"), "e40c292c");
        assert_eq!(check("foobar"), "bf9cf968");
    }

    #[test]
    fn a_marked_tldr_is_the_import_s_until_a_person_edits_it() {
        let mut d = doc("title = \"x\"\ntldr = \"One sentence.\"\n");
        assert!(!unedited(&d));
        assert!(mark(&mut d));
        let written = d.to_string();
        assert!(
            written.starts_with("title = \"x\"\ntldr = \"One sentence.\" # as imported: "),
            "{written}"
        );
        assert!(unedited(&doc(&written)));
        // The text edited, the mark left as it was: the tldr is the person's.
        let edited = written.replace("One sentence.", "My own sentence.");
        assert!(!unedited(&doc(&edited)));
        // The mark deleted: the person's.
        assert!(!unedited(&doc("tldr = \"One sentence.\"\n")));
        assert!(!unedited(&doc("tldr = \"One sentence.\" # my note\n")));
        assert!(!mark(&mut doc("tldr = 3\n")));
    }
}
