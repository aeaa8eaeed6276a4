//! Per-date indexes: the days that have papers, and the months that group them.

use jiff::civil::Date;

use super::PaperId;
use crate::record::Paper;

/// A day with papers: the papers in reading order (most upvoted first, then by title).
#[derive(Debug, Clone)]
pub(crate) struct Day {
    /// The date.
    pub date: Date,
    /// The papers listed under it.
    pub papers: Vec<PaperId>,
}

/// A month with papers: its days, newest first.
#[derive(Debug, Clone)]
pub(crate) struct Month {
    /// Year.
    pub year: i16,
    /// Month, 1–12.
    pub month: i8,
    /// Indices into the day list, newest first.
    pub days: Vec<usize>,
    /// Papers in the month.
    pub paper_count: usize,
}

/// An ISO week with papers: its days, newest first.
#[derive(Debug, Clone)]
pub(crate) struct Week {
    /// ISO week-numbering year (the year of the week's Thursday).
    pub year: i16,
    /// ISO week, 1–53.
    pub week: i8,
    /// Indices into the day list, newest first.
    pub days: Vec<usize>,
    /// Papers in the week.
    pub paper_count: usize,
}

/// The ISO week of a date: (week-numbering year, week).
pub(crate) fn iso_week(date: Date) -> (i16, i8) {
    let week = date.iso_week_date();
    (week.year(), week.week())
}

/// Groups days (newest first) into ISO weeks, newest first.
pub(crate) fn weeks(days: &[Day]) -> Vec<Week> {
    let mut weeks: Vec<Week> = Vec::new();
    for (index, day) in days.iter().enumerate() {
        let (year, week) = iso_week(day.date);
        match weeks.last_mut() {
            Some(w) if (w.year, w.week) == (year, week) => {
                w.days.push(index);
                w.paper_count += day.papers.len();
            }
            _ => weeks.push(Week {
                year,
                week,
                days: vec![index],
                paper_count: day.papers.len(),
            }),
        }
    }
    weeks
}

/// Groups `order` (papers in listing order, newest day first) into days, then days into months.
/// `same_day(id)` is a cheap stand-in for a paper's date, equal exactly when dates are (records
/// are looked at only where a day begins).
pub(crate) fn days_and_months<K: PartialEq>(
    papers: &[Paper],
    order: &[PaperId],
    same_day: &dyn Fn(PaperId) -> K,
) -> (Vec<Day>, Vec<Month>) {
    let mut days: Vec<Day> = Vec::new();
    let mut current: Option<K> = None;
    for &id in order {
        let key = same_day(id);
        match days.last_mut() {
            Some(day) if current.as_ref() == Some(&key) => day.papers.push(id),
            _ => {
                days.push(Day {
                    date: papers[id].date,
                    papers: vec![id],
                });
                current = Some(key);
            }
        }
    }
    let months = months(&days);
    (days, months)
}

/// Groups `days` (newest first) into months.
pub(crate) fn months(days: &[Day]) -> Vec<Month> {
    let mut months: Vec<Month> = Vec::new();
    for (index, day) in days.iter().enumerate() {
        let (year, month) = (day.date.year(), day.date.month());
        match months.last_mut() {
            Some(m) if m.year == year && m.month == month => {
                m.days.push(index);
                m.paper_count += day.papers.len();
            }
            _ => months.push(Month {
                year,
                month,
                days: vec![index],
                paper_count: day.papers.len(),
            }),
        }
    }
    months
}

#[cfg(test)]
mod week_tests {
    use super::*;

    #[test]
    fn iso_weeks_cross_year_ends() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        // Dec 29, 2025 is a Monday in week 1 of 2026; Jan 1, 2021 is in week 53 of 2020.
        assert_eq!(iso_week(d("2025-12-29")), (2026, 1));
        assert_eq!(iso_week(d("2021-01-01")), (2020, 53));
        assert_eq!(iso_week(d("2025-02-06")), (2025, 6));
        let days: Vec<Day> = ["2026-01-01", "2025-12-29", "2025-12-28"]
            .iter()
            .map(|s| Day {
                date: d(s),
                papers: vec![0, 1],
            })
            .collect();
        let weeks = weeks(&days);
        assert_eq!(weeks.len(), 2);
        assert_eq!(
            (weeks[0].year, weeks[0].week, weeks[0].paper_count),
            (2026, 1, 4)
        );
        assert_eq!(weeks[0].days, [0, 1]);
        assert_eq!((weeks[1].year, weeks[1].week), (2025, 52));
    }
}
