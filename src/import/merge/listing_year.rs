//! The mark on a `date` whose year the listing did not give (`Feb 6` in a Hugging Face page).
//!
//! Such a date's year came from `--year` or was assumed (the current year), so it may be wrong.
//! The record says so in a comment on the date line, which also makes the date source-owned:
//! a later import with a corrected `--year` may re-date the record as long as the date still has
//! the year the mark names. A person who edits the date (or deletes the mark) owns it from then
//! on. The comment is ordinary TOML, so the build ignores it.

use toml_edit::{DocumentMut, Item, Value};

use crate::import::YearOrigin;

/// How the mark starts; the year follows.
pub(super) const MARK: &str = "# year not in the listing: ";

/// The comment for a year and where it came from.
fn mark_text(year: i16, origin: YearOrigin) -> String {
    match origin {
        YearOrigin::Assumed => format!("{MARK}{year} assumed"),
        YearOrigin::Given => format!("{MARK}{year} from --year"),
    }
}

/// Puts the mark after the record's `date` value (replacing a comment there). False when the
/// record has no `date` date value.
pub(super) fn mark(doc: &mut DocumentMut, year: i16, origin: YearOrigin) -> bool {
    match doc.get_mut("date").and_then(Item::as_value_mut) {
        Some(value @ Value::Datetime(_)) => {
            value
                .decor_mut()
                .set_suffix(format!(" {}", mark_text(year, origin)));
            true
        }
        _ => false,
    }
}

/// The record's `date` when it carries the mark and still has the year the mark names, that is
/// when no person has changed it since the import wrote it.
pub(super) fn marked_date(doc: &DocumentMut) -> Option<jiff::civil::Date> {
    let value = doc.get("date")?.as_value()?;
    let date = value.as_datetime()?.date?;
    let comment = value.decor().suffix()?.as_str()?.trim();
    let rest = comment.strip_prefix(MARK.trim_end())?.trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let year: i16 = rest[..digits].parse().ok()?;
    let date = jiff::civil::Date::new(
        i16::try_from(date.year).ok()?,
        i8::try_from(date.month).ok()?,
        i8::try_from(date.day).ok()?,
    )
    .ok()?;
    (date.year() == year).then_some(date)
}

/// Whether `text` may hold a mark (a cheap test before parsing the front matter for it).
pub(super) fn may_be_marked(text: &str) -> bool {
    text.contains(MARK.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> DocumentMut {
        text.parse().unwrap()
    }

    #[test]
    fn a_marked_date_is_found_until_a_person_changes_it() {
        let mut d = doc("title = \"x\"\ndate = 2026-02-06\n");
        assert_eq!(marked_date(&d), None);
        assert!(mark(&mut d, 2026, YearOrigin::Assumed));
        assert_eq!(
            d.to_string(),
            "title = \"x\"\ndate = 2026-02-06 # year not in the listing: 2026 assumed\n"
        );
        assert_eq!(marked_date(&d), Some(jiff::civil::date(2026, 2, 6)));
        // The year changed by hand (the mark left as it was): the date is the person's.
        let edited = doc("date = 2025-02-06 # year not in the listing: 2026 assumed\n");
        assert_eq!(marked_date(&edited), None);
        let given = doc("date = 2024-02-06 # year not in the listing: 2024 from --year\n");
        assert_eq!(marked_date(&given), Some(jiff::civil::date(2024, 2, 6)));
        assert_eq!(marked_date(&doc("date = 2024-02-06 # my note\n")), None);
        assert!(!mark(
            &mut doc("date = \"soon\"\n"),
            2024,
            YearOrigin::Given
        ));
    }
}
