//! Dates as pages spell them: English month names and the short "Feb 6, 2025" form, the same
//! on cards, page titles and chart labels; and the one reading of a month's name that listings
//! write (BibTeX's `month = feb`, Hugging Face's "Feb 6"). Which days and months exist is the
//! index's business (`index::dates`).

use std::fmt::Write as _;

use jiff::civil::Date;

/// Appends `date` as `2025-02-06`, as it displays, without the formatting machinery for the
/// four-digit years every listing has (BibTeX files and sitemaps write one per paper).
pub(crate) fn push_iso_date(out: &mut String, date: Date) {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        let _ = write!(out, "{date}");
        return;
    }
    let digit = |n: i16| char::from(b'0' + (n % 10) as u8);
    for n in [year / 1000, year / 100, year / 10, year] {
        out.push(digit(n));
    }
    for n in [date.month(), date.day()] {
        out.push('-');
        out.push(digit(i16::from(n / 10)));
        out.push(digit(i16::from(n)));
    }
}

/// English month names, January first.
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English name of month 1–12 ("February"); out-of-range months are clamped into 1–12.
pub(crate) fn month_name(month: i8) -> &'static str {
    MONTH_NAMES[(month.clamp(1, 12) - 1) as usize]
}

/// The three-letter English abbreviation of month 1–12 ("Feb"), clamped like [`month_name`].
pub(crate) fn month_abbr(month: i8) -> &'static str {
    &month_name(month)[..3]
}

/// The month (1–12) a listing names: the English name or a prefix of it of at least three
/// letters, in any case ("Feb", "feb", "Sept", "SEPTEMBER"). `None` for anything else.
pub(crate) fn month_number(word: &str) -> Option<i8> {
    let word = word.to_lowercase();
    if word.len() < 3 {
        return None;
    }
    let found = MONTH_NAMES
        .iter()
        .position(|name| name.to_lowercase().starts_with(&word))?;
    i8::try_from(found + 1).ok()
}

/// "Feb 6, 2025".
pub(crate) fn display_date(date: Date) -> String {
    let mut out = String::new();
    write_display_date(&mut out, date);
    out
}

/// Appends [`display_date`] to `out` (lists write many dates into one scratch string).
pub(crate) fn write_display_date(out: &mut String, date: Date) {
    // Without the formatting machinery: every card of every list writes a date.
    out.push_str(month_abbr(date.month()));
    out.push(' ');
    push_small(out, i16::from(date.day()));
    out.push_str(", ");
    push_small(out, date.year());
}

/// Appends `n`, a day or a year (at most four digits, as every date has), in decimal.
fn push_small(out: &mut String, n: i16) {
    if n < 0 {
        out.push('-');
    }
    let n = n.unsigned_abs();
    let mut started = false;
    for place in [1000, 100, 10, 1] {
        let digit = n / place % 10;
        started |= digit != 0 || place == 1;
        if started {
            out.push(char::from(b'0' + digit as u8));
        }
    }
}

/// Atom/RFC 3339 timestamp of the start of a day, in UTC: `2025-02-06T00:00:00Z`.
pub(crate) fn rfc3339(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// A TOML offset date-time (`2025-02-07T03:17:00Z`) read into a timestamp, for the ledgers
/// (`data/fetch-ledger.toml`, `data/email-ledger.toml`); anything else is an error saying how
/// to write it.
pub(crate) struct UtcTime(pub jiff::Timestamp);

impl<'de> serde::Deserialize<'de> for UtcTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        let text = value.to_string();
        text.parse::<jiff::Timestamp>().map(UtcTime).map_err(|_| {
            serde::de::Error::custom(format!(
                "`{text}` is not a time with its offset: write it as 2025-02-07T03:17:00Z"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_written_as_jiff_displays_them() {
        for (y, m, d) in [
            (2025, 2, 6),
            (999, 12, 31),
            (1970, 1, 1),
            (9999, 12, 31),
            (-1, 3, 4),
        ] {
            let date = jiff::civil::date(y, m, d);
            let mut out = String::from("x");
            push_iso_date(&mut out, date);
            assert_eq!(out, format!("x{date}"));
        }
    }

    /// The union of what BibTeX's month field (any prefix of three letters or more) and the
    /// Hugging Face listing (the name or its three letters) took.
    #[test]
    fn month_names_read_from_listings() {
        for (word, month) in [
            ("jan", Some(1)),
            ("Feb", Some(2)),
            ("february", Some(2)),
            ("FEBRUARY", Some(2)),
            ("Sept", Some(9)),
            ("sep", Some(9)),
            ("dec", Some(12)),
            ("Decem", Some(12)),
            ("ma", None),
            ("", None),
            ("marc", Some(3)),
            ("mayday", None),
            ("augment", None),
            ("juli", None),
            ("13", None),
        ] {
            assert_eq!(month_number(word), month, "{word:?}");
        }
    }

    /// The cases of the former `index::dates::month_name`, `render::charts::month_name`,
    /// `render::views::display_date` and `render::charts::long_date`, together.
    #[test]
    fn month_names_and_dates_table() {
        let names = [
            (1, "January", "Jan"),
            (2, "February", "Feb"),
            (5, "May", "May"),
            (9, "September", "Sep"),
            (10, "October", "Oct"),
            (12, "December", "Dec"),
            // Clamped, never a panic.
            (0, "January", "Jan"),
            (13, "December", "Dec"),
            (-3, "January", "Jan"),
        ];
        for (month, name, abbr) in names {
            assert_eq!(month_name(month), name, "month {month}");
            assert_eq!(month_abbr(month), abbr, "month {month}");
        }
        let abbrs: Vec<&str> = (1..=12).map(month_abbr).collect();
        assert_eq!(
            abbrs,
            [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
            ]
        );
        let dates = [
            ("2025-02-06", "Feb 6, 2025", "2025-02-06T00:00:00Z"),
            ("2024-12-31", "Dec 31, 2024", "2024-12-31T00:00:00Z"),
            ("2021-01-01", "Jan 1, 2021", "2021-01-01T00:00:00Z"),
            ("2024-02-29", "Feb 29, 2024", "2024-02-29T00:00:00Z"),
            ("0999-09-09", "Sep 9, 999", "0999-09-09T00:00:00Z"),
        ];
        for (text, shown, stamp) in dates {
            let date: Date = text.parse().unwrap();
            assert_eq!(display_date(date), shown);
            assert_eq!(rfc3339(date), stamp);
            let mut out = String::from("on ");
            write_display_date(&mut out, date);
            assert_eq!(out, format!("on {shown}"));
        }
        // Years before the common era are written as the formatter writes them.
        let date = jiff::civil::date(-44, 3, 15);
        assert_eq!(display_date(date), "Mar 15, -44");
    }
}
