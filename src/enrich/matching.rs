//! When a candidate a source returns is the record's paper: the same title once LaTeX markup,
//! accents, case, punctuation and spacing are set aside, and a publication date that fits the
//! record's. Pure functions; no network, no files.

use jiff::civil::Date;

use crate::import::bibtex::latex::decode_latex;

/// The most days a candidate may be published after the record's reference day: time zones
/// and the day a listing was copied put a paper a day or two after the day it is listed under.
pub(crate) const DAYS_AFTER: i32 = 3;
/// The most days a candidate may be published before the record's reference day. Hugging Face
/// features papers at most 14 days after arXiv has them; a year covers that, a listing day
/// whose year was guessed one year too late, and a reading list's recent papers, while a paper
/// of the same title from years earlier (another paper, or a record that needs its `published`
/// written by hand) is refused.
pub(crate) const DAYS_BEFORE: i32 = 366;

/// A title reduced to what identifies it: math dollars dropped, LaTeX decoded (`\"{o}` → ö,
/// `\alpha` → α), then transliterated to ASCII (ö → o, α → a) and kept only letters and digits,
/// lowercase. "ImprovNet -- Generating…" and "ImprovNet: Generating…" have one key, and so do
/// "Self-Supervised" and "Self Supervised".
pub(crate) fn title_key(title: &str) -> String {
    let decoded = decode_latex(&title.replace('$', ""));
    deunicode::deunicode(&decoded)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// How precisely a source dates a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Published {
    /// The day (arXiv's first version, Hugging Face's `publishedAt`, Semantic Scholar's
    /// `publicationDate`).
    Day(Date),
    /// Only the year (Semantic Scholar's `year` without a `publicationDate`).
    Year(i16),
}

impl std::fmt::Display for Published {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Published::Day(d) => write!(f, "{d}"),
            Published::Year(y) => write!(f, "{y}"),
        }
    }
}

/// `Ok` when a paper published `candidate` may be the one a record dates `reference` (its
/// `published`, else its listing `date`); otherwise why not, for the report.
pub(crate) fn date_fits(reference: Date, candidate: Published) -> Result<(), String> {
    match candidate {
        Published::Day(day) => {
            let days = (day - reference).get_days();
            if days > DAYS_AFTER {
                Err(format!(
                    "published {day}, {days} days after the record's {reference}"
                ))
            } else if -days > DAYS_BEFORE {
                Err(format!(
                    "published {day}, {} days before the record's {reference}",
                    -days
                ))
            } else {
                Ok(())
            }
        }
        Published::Year(year) => {
            if year > reference.year() || year < reference.year() - 1 {
                Err(format!(
                    "published in {year}, the record's date is {reference}"
                ))
            } else {
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_equal_up_to_punctuation_case_spacing_markup_and_accents() {
        let same = [
            (
                "ImprovNet -- Generating Controllable Musical Improvisations",
                "ImprovNet: generating controllable  musical improvisations",
            ),
            ("Self-Supervised Learning", "Self Supervised Learning"),
            ("$\\alpha$-Flow: A Unified Model", "α-Flow: A Unified Model"),
            ("Schr\\\"{o}dinger Bridges", "Schrödinger Bridges"),
            (
                "\\textbf{RoHM}: Robust Human Motion",
                "RoHM: Robust Human Motion",
            ),
            ("Zürich {NLP}", "Zurich NLP"),
        ];
        for (a, b) in same {
            assert_eq!(title_key(a), title_key(b), "{a:?} vs {b:?}");
        }
        let different = [
            ("Attention Is All You Need", "Attention Is Not All You Need"),
            ("Book A", "Book B"),
        ];
        for (a, b) in different {
            assert_ne!(title_key(a), title_key(b), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn dates_fit_within_the_window() {
        let day = |s: &str| Published::Day(s.parse().unwrap());
        let reference: Date = "2025-02-06".parse().unwrap();
        for ok in ["2025-02-06", "2025-02-09", "2025-01-20", "2024-02-06"] {
            assert_eq!(date_fits(reference, day(ok)), Ok(()), "{ok}");
        }
        for late in ["2025-02-10", "2026-02-06"] {
            let why = date_fits(reference, day(late)).unwrap_err();
            assert!(why.contains("after the record's 2025-02-06"), "{why}");
        }
        let why = date_fits(reference, day("2017-06-12")).unwrap_err();
        assert!(why.contains("before the record's"), "{why}");
        assert_eq!(date_fits(reference, Published::Year(2025)), Ok(()));
        assert_eq!(date_fits(reference, Published::Year(2024)), Ok(()));
        assert!(date_fits(reference, Published::Year(2026)).is_err());
        assert!(date_fits(reference, Published::Year(2019)).is_err());
    }
}
