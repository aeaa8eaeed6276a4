//! The status page (`/status/`), `status.json` and the build's manifest `digest.json`: how
//! current the site is. Made from the index and the config only (the build time is
//! `SOURCE_DATE_EPOCH`, never the clock), so `serve` and a clean build write the same bytes and
//! a rebuild with nothing changed writes nothing.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use super::SiteData;
use crate::calendar::display_date;

/// The version of `digest.json`'s format; a reader refuses a newer one it does not know.
pub(crate) const MANIFEST_VERSION: u32 = 1;

/// Listing days shown on the status page's chart and in `status.json`.
pub(crate) const STATUS_DAYS: usize = 60;

/// `digest.json`: what the next `digest build` compares itself with (see `build::guard`). Small
/// and stable: new fields may come, none will change meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    /// The format's version ([`MANIFEST_VERSION`]).
    pub digest: u32,
    /// The digest that built it (`digest 0.1.0`).
    #[serde(default)]
    pub generator: String,
    /// When it was built (RFC 3339, UTC), if the build was told (`SOURCE_DATE_EPOCH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub built_at: Option<String>,
    /// Papers published.
    pub papers: usize,
    /// The newest listing day with papers (`2025-02-07`), if any.
    pub newest_day: Option<String>,
    /// Files of the plan (pages, feeds, BibTeX and these machine files).
    #[serde(default)]
    pub pages: usize,
}

/// One listing day of the chart: its date and paper count; a gap is a weekday without papers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ListingDay {
    /// The day.
    pub date: Date,
    /// Its papers.
    pub papers: usize,
}

impl ListingDay {
    /// A weekday (when Hugging Face and arXiv list papers) with no papers.
    pub(crate) fn is_gap(&self) -> bool {
        self.papers == 0
    }
}

/// The last [`STATUS_DAYS`] listing days up to the newest day with papers, oldest first: every
/// weekday (Hugging Face and arXiv list Monday to Friday), and a weekend day only when it has
/// papers. Starts no earlier than the site's first day: before it, no day is missing.
pub(crate) fn listing_days(days_newest_first: &[(Date, usize)]) -> Vec<ListingDay> {
    let (Some(&(newest, _)), Some(&(oldest, _))) =
        (days_newest_first.first(), days_newest_first.last())
    else {
        return Vec::new();
    };
    let mut counts = days_newest_first.iter().peekable();
    let mut shown = Vec::with_capacity(STATUS_DAYS);
    let mut day = newest;
    while shown.len() < STATUS_DAYS && day >= oldest {
        let mut papers = 0;
        while let Some(&&(date, count)) = counts.peek() {
            if date < day {
                break;
            }
            if date == day {
                papers += count;
            }
            counts.next();
        }
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        if papers > 0 || !weekend {
            shown.push(ListingDay { date: day, papers });
        }
        match day.yesterday() {
            Ok(before) => day = before,
            Err(_) => break,
        }
    }
    shown.reverse();
    shown
}

/// What the status page shows (`status` in `status.html`). Optional parts stay out of the page
/// until their data exists.
#[derive(Serialize, Hash)]
pub(super) struct StatusView {
    /// When the site was built (`SOURCE_DATE_EPOCH`), as shown and as RFC 3339.
    built_at: Option<(String, String)>,
    /// The newest day with papers, as a day reference (display text, link, count).
    newest_day: Option<super::lists::DayRef>,
    /// Papers published.
    pub papers: usize,
    /// Days with papers.
    pub days: usize,
    /// The chart's first and last day as shown.
    pub range: Option<(String, String)>,
    /// Weekdays of the chart without papers, as shown.
    pub gaps: Vec<String>,
    /// The fetch ledger's last success per source (`data/fetch-ledger.toml`); `None` (no
    /// ledger) keeps the section out of the page.
    pub ledger: Option<Vec<LedgerSource>>,
    /// The summary of `digest check` (filled once the check is merged); `None` keeps the
    /// section out of the page.
    pub check: Option<CheckSummary>,
}

/// One source's last successful fetch, as the status page shows it.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct LedgerSource {
    /// The source's name (`hf`, `arxiv`).
    pub source: String,
    /// The last listing day fetched with success.
    pub last_day: String,
    /// When that fetch ran (RFC 3339).
    pub fetched_at: String,
}

/// The counts of `digest check`, as the status page shows them.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct CheckSummary {
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
}

impl SiteData<'_> {
    /// Every day with papers and its count, newest first.
    pub(crate) fn day_counts(&self) -> Vec<(Date, usize)> {
        self.index
            .days
            .iter()
            .map(|d| (d.date, d.papers.len()))
            .collect()
    }

    /// The build time as RFC 3339, if known.
    fn built_at(&self) -> Option<String> {
        self.config
            .built_at
            .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
    }

    /// The status page's view, from the listing days of [`listing_days`].
    pub(super) fn status_view(&self, shown: &[ListingDay]) -> StatusView {
        let newest = self.index.days.first();
        StatusView {
            built_at: self.config.built_at.map(|t| {
                (
                    t.strftime("%b %-d, %Y, %H:%M UTC").to_string(),
                    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                )
            }),
            newest_day: newest.map(|d| super::lists::day_ref(self.config, d.date, d.papers.len())),
            papers: self.papers.len(),
            days: self.index.days.len(),
            range: shown
                .first()
                .zip(shown.last())
                .map(|(a, b)| (display_date(a.date), display_date(b.date))),
            gaps: shown
                .iter()
                .filter(|d| d.is_gap())
                .map(|d| display_date(d.date))
                .collect(),
            ledger: self.ledger.map(<[LedgerSource]>::to_vec),
            check: None,
        }
    }

    /// `status.json`: the status page's data for scripts and monitors.
    pub(crate) fn status_json(&self) -> String {
        let shown = listing_days(&self.day_counts());
        #[derive(Serialize)]
        struct Day {
            date: String,
            papers: usize,
        }
        #[derive(Serialize)]
        struct Status {
            digest: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            built_at: Option<String>,
            newest_day: Option<String>,
            papers: usize,
            days_with_papers: usize,
            listing_days: Vec<Day>,
            gaps: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            ledger: Option<Vec<LedgerSource>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            check: Option<CheckSummary>,
        }
        let status = Status {
            digest: MANIFEST_VERSION,
            built_at: self.built_at(),
            newest_day: self.index.days.first().map(|d| d.date.to_string()),
            papers: self.papers.len(),
            days_with_papers: self.index.days.len(),
            gaps: shown
                .iter()
                .filter(|d| d.is_gap())
                .map(|d| d.date.to_string())
                .collect(),
            listing_days: shown
                .iter()
                .map(|d| Day {
                    date: d.date.to_string(),
                    papers: d.papers,
                })
                .collect(),
            ledger: self.ledger.map(<[LedgerSource]>::to_vec),
            check: None,
        };
        let mut text = serde_json::to_string_pretty(&status).unwrap_or_default();
        text.push('\n');
        text
    }

    /// `digest.json` of a site of `pages` planned files.
    pub(crate) fn manifest(&self, pages: usize) -> Manifest {
        Manifest {
            digest: MANIFEST_VERSION,
            generator: concat!("digest ", env!("CARGO_PKG_VERSION")).to_string(),
            built_at: self.built_at(),
            papers: self.papers.len(),
            newest_day: self.index.days.first().map(|d| d.date.to_string()),
            pages,
        }
    }
}

/// The text of `digest.json`.
pub(crate) fn manifest_text(manifest: &Manifest) -> String {
    let mut text = serde_json::to_string_pretty(manifest).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn listing_days_are_weekdays_and_busy_weekend_days_with_gaps_kept() {
        // Thu 6 Feb 2025 .. Tue 11 Feb: Friday 7 missing, Sunday 9 has papers.
        let days = [
            (d("2025-02-11"), 4),
            (d("2025-02-10"), 3),
            (d("2025-02-09"), 1),
            (d("2025-02-06"), 2),
        ];
        let shown = listing_days(&days);
        let got: Vec<(String, usize)> = shown
            .iter()
            .map(|l| (l.date.to_string(), l.papers))
            .collect();
        assert_eq!(
            got,
            [
                ("2025-02-06".to_string(), 2),
                ("2025-02-07".to_string(), 0),
                ("2025-02-09".to_string(), 1),
                ("2025-02-10".to_string(), 3),
                ("2025-02-11".to_string(), 4),
            ]
        );
        assert_eq!(shown.iter().filter(|l| l.is_gap()).count(), 1);
    }

    #[test]
    fn at_most_sixty_listing_days_and_none_without_papers() {
        assert!(listing_days(&[]).is_empty());
        let days = [(d("2025-06-30"), 1), (d("2024-01-01"), 1)];
        let shown = listing_days(&days);
        assert_eq!(shown.len(), STATUS_DAYS);
        assert_eq!(shown.last().unwrap().date, d("2025-06-30"));
        assert!(shown.iter().all(|l| l.date.weekday() != Weekday::Saturday));
    }
}
