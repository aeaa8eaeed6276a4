//! Per-date indexes: the days that have papers, and the months that group them.

use jiff::civil::Date;

use super::PaperId;
use crate::record::Paper;

/// A day with papers: the papers in reading order (most upvoted first, then by title).
#[derive(Debug, Clone)]
pub struct Day {
    /// The date.
    pub date: Date,
    /// The papers listed under it.
    pub papers: Vec<PaperId>,
}

/// A month with papers: its days, newest first.
#[derive(Debug, Clone)]
pub struct Month {
    /// Year.
    pub year: i16,
    /// Month, 1–12.
    pub month: i8,
    /// Indices into the day list, newest first.
    pub days: Vec<usize>,
    /// Papers in the month.
    pub paper_count: usize,
}

/// The site path of a day page: `2025/02/06/`.
pub fn day_path(date: Date) -> String {
    format!("{:04}/{:02}/{:02}/", date.year(), date.month(), date.day())
}

/// The site path of a month page: `2025/02/`.
pub fn month_path(year: i16, month: i8) -> String {
    format!("{year:04}/{month:02}/")
}

/// Groups `order` (papers in listing order, newest day first) into days, then days into months.
pub fn days_and_months(papers: &[Paper], order: &[PaperId]) -> (Vec<Day>, Vec<Month>) {
    let mut days: Vec<Day> = Vec::new();
    for &id in order {
        let date = papers[id].date;
        match days.last_mut() {
            Some(day) if day.date == date => day.papers.push(id),
            _ => days.push(Day {
                date,
                papers: vec![id],
            }),
        }
    }
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
    (days, months)
}

/// English month name, for page titles.
pub fn month_name(month: i8) -> &'static str {
    const NAMES: [&str; 12] = [
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
    NAMES[(month.clamp(1, 12) - 1) as usize]
}
