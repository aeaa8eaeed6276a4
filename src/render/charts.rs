//! Build-time charts as inline SVG: a calendar heatmap per year and a small per-tag monthly trend.
//!
//! Pure functions from counts to markup, meant to be inserted unescaped into HTML5 pages. The
//! output is well-formed XML, every piece of caller text is escaped, coordinates are integers or
//! one-decimal numbers computed in integer arithmetic (no float noise), and the same input always
//! gives byte-identical output.
//!
//! No colours are hard-coded: elements carry short CSS classes (`l0`..`l4` for heatmap cells,
//! `bar` and `axis` for the trend) and the root has `fill="currentColor"`, so text and unstyled
//! shapes follow the page's text colour and style.css decides the palette (light and dark).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;

use crate::calendar::{display_date, month_abbr};

/// Side of a heatmap cell, px.
const CELL: i32 = 10;
/// Distance from one cell to the next (cell plus a 2 px gap), px.
const PITCH: i32 = 12;
/// Room left of the grid for the weekday labels ("Wed" at 9 px is about 17 px wide).
const LEFT: i32 = 26;
/// Room above the grid for the month labels.
const TOP: i32 = 14;
/// Label font size, px (a presentation attribute, so style.css can override it).
const FONT: i32 = 9;

/// One calendar heatmap per year: columns are weeks (Monday first), rows weekdays; each day
/// with papers is a cell linking to `day_url(date)` with a `<title>` tooltip "Feb 6, 2025: 12 papers".
/// `days` is every day with papers (any order, counts > 0). Returns one SVG per year, newest year first: (year, svg).
///
/// Layout choices:
/// - Every year spans the full calendar, from the week of Jan 1 to the week of Dec 31 (53 or 54
///   columns), even the first and the current year: all years then have the same width and line
///   up when stacked, and a month label always sits over the same part of the grid. Days outside
///   the year in its first and last week are not drawn.
/// - Only years with at least one paper get a chart; a year without papers in between is skipped.
/// - The level of a cell is `ceil(4 * count / max)` where `max` is the busiest day over *all*
///   years, so a busier day is never lighter than a quieter one anywhere on the page.
/// - Repeated dates are summed; zero counts are treated as days without papers.
/// - Cells with papers are `<a>` elements in date order (so the tab order is chronological),
///   each with an `aria-label` and a `<title>`; empty days are a single `aria-hidden` path of
///   class `l0`, and the labels are `aria-hidden` too (the links and the summary say it all).
#[cfg(any(test, debug_assertions))]
pub(crate) fn calendar_heatmaps(
    days: &[(Date, usize)],
    day_url: &dyn Fn(Date) -> String,
) -> Vec<(i16, String)> {
    let (years, max) = heatmap_years(days);
    years
        .into_iter()
        .map(|(year, days)| (year, heatmap_year(year, &days, max, day_url)))
        .collect()
}

/// What [`calendar_heatmaps`] draws: each year with papers, newest first, with its days with
/// papers (sorted, counts > 0, a date given twice counted once with both counts), and the
/// largest count of a day, which every year's colours are scaled to.
pub(crate) type HeatmapYears = (Vec<(i16, Vec<(Date, usize)>)>, usize);

/// The years of [`calendar_heatmaps`] (see [`HeatmapYears`]).
pub(crate) fn heatmap_years(days: &[(Date, usize)]) -> HeatmapYears {
    let mut by_date: BTreeMap<Date, usize> = BTreeMap::new();
    for &(date, count) in days {
        if count > 0 {
            let total = by_date.entry(date).or_default();
            *total = total.saturating_add(count);
        }
    }
    let max = by_date.values().copied().max().unwrap_or(0);
    let mut years: BTreeMap<i16, Vec<(Date, usize)>> = BTreeMap::new();
    for (&date, &count) in &by_date {
        years.entry(date.year()).or_default().push((date, count));
    }
    (years.into_iter().rev().collect(), max)
}

/// The heatmap of one year; `days` are that year's days with papers, sorted, counts > 0.
pub(crate) fn heatmap_year(
    year: i16,
    days: &[(Date, usize)],
    max: usize,
    day_url: &dyn Fn(Date) -> String,
) -> String {
    let Some(&first) = days.first() else {
        return String::new();
    };
    let jan1 = first.0.first_of_year();
    // Cell index of Jan 1 in a Monday-first grid: 0 when the year starts on a Monday, 6 on Sunday.
    let offset = i32::from(jan1.weekday().to_monday_zero_offset());
    let day_count = i32::from(jan1.days_in_year());
    let columns = (offset + day_count - 1) / 7 + 1;
    let width = LEFT + columns * PITCH - (PITCH - CELL);
    let height = TOP + 7 * PITCH - (PITCH - CELL);
    // Top-left corner of the cell of a day of the year (1-based).
    let cell = |day_of_year: i32| {
        let index = offset + day_of_year - 1;
        (LEFT + index / 7 * PITCH, TOP + index % 7 * PITCH)
    };

    let total = days
        .iter()
        .fold(0usize, |sum, &(_, count)| sum.saturating_add(count));
    let (busiest, busiest_count) = days
        .iter()
        .copied()
        .fold(first, |best, day| if day.1 > best.1 { day } else { best });
    let summary = format!(
        "{year}: {} on {}; busiest {} {} with {}",
        plural(total, "paper", "papers"),
        plural(days.len(), "day", "days"),
        month_abbr(busiest.month()),
        busiest.day(),
        group_thousands(busiest_count),
    );

    let mut svg = String::with_capacity(400 + days.len() * 110 + 370 * 18);
    let summary = escape(&summary);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group" aria-label="{summary}" fill="currentColor"><title>{summary}</title>"#
    );

    // Labels, like GitHub's contribution graph: months along the top, Mon/Wed/Fri on the left.
    let _ = write!(svg, r#"<g font-size="{FONT}" aria-hidden="true">"#);
    for month in 1..=12i8 {
        let Ok(first) = Date::new(year, month, 1) else {
            continue;
        };
        let (mut x, _) = cell(i32::from(first.day_of_year()));
        // When the 1st is a Friday to Sunday its column is mostly the previous month: label the
        // next column instead, the first week that is mostly this month.
        if first.weekday().to_monday_zero_offset() >= 4 {
            x += PITCH;
        }
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{}">{}</text>"#,
            TOP - 4,
            month_abbr(month)
        );
    }
    for (row, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri")] {
        let _ = write!(
            svg,
            r#"<text x="0" y="{}">{name}</text>"#,
            TOP + row * PITCH + CELL - 1
        );
    }
    svg.push_str("</g>");

    // Empty days: one path, no links, hidden from assistive technology.
    let mut counts = vec![0usize; usize::try_from(day_count).unwrap_or(0)];
    for &(date, count) in days {
        if let Some(slot) = usize::try_from(date.day_of_year() - 1)
            .ok()
            .and_then(|i| counts.get_mut(i))
        {
            *slot = count;
        }
    }
    let mut empty = String::new();
    for (day_of_year, &count) in (1..).zip(&counts) {
        if count == 0 {
            let (x, y) = cell(day_of_year);
            let _ = write!(empty, "M{x} {y}h{CELL}v{CELL}h-{CELL}z");
        }
    }
    if !empty.is_empty() {
        let _ = write!(svg, r#"<path class="l0" aria-hidden="true" d="{empty}"/>"#);
    }

    // Days with papers, in date order so that keyboard focus moves forward in time.
    for &(date, count) in days {
        let (x, y) = cell(i32::from(date.day_of_year()));
        let label = escape(&format!(
            "{}: {}",
            display_date(date),
            plural(count, "paper", "papers")
        ));
        let _ = write!(
            svg,
            r#"<a href="{}" aria-label="{label}"><title>{label}</title><path class="l{}" d="M{x} {y}h{CELL}v{CELL}h-{CELL}z"/></a>"#,
            escape(&day_url(date)),
            level(count, max),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Heatmap level 1..=4 of a day with papers: `ceil(4 * count / max)`, so the busiest days are
/// level 4, any day with papers at least level 1, and the level never decreases with the count.
fn level(count: usize, max: usize) -> u8 {
    let max = max.max(count).max(1) as u128;
    let level = (count as u128 * 4).div_ceil(max);
    level.clamp(1, 4) as u8
}

/// Width of the trend chart, px.
const TREND_WIDTH: i64 = 144;
/// Height of the trend chart, px; the baseline is its last pixel row.
const TREND_HEIGHT: i64 = 30;
/// Height of the tallest bar, px (one pixel of headroom above, the baseline below).
const BAR_MAX: i64 = 28;
/// Widest a month's slot may get, px, so that a tag with few months does not get fat bars.
const SLOT_MAX: i64 = 12;
/// Most months shown: three years.
const MONTHS_SHOWN: i32 = 36;

/// A small bar chart of papers per month for one tag, from its first month to `until` (inclusive,
/// months with no papers shown as zero bars); `months` is (year, month, count) in any order.
///
/// Details:
/// - Fixed size 144×30 px. Bars are right-aligned so the latest month is always at the right
///   edge (trends of different tags line up); each month gets a whole number of pixels,
///   `144 / n` rounded down and at most 12, a quarter of it (at least 1 px) as gap. The baseline (class `axis`) spans the months shown.
/// - Bar heights are scaled to the busiest month shown; a month with papers is at least 1 px tall,
///   a month without papers has no bar (only the baseline).
/// - At most the last 36 months are shown; the label then says "last 36 months" and that earlier
///   months are not shown.
/// - Repeated months are summed; entries after `until` or with a month outside 1..=12 are ignored.
///   With no papers at all up to `until`, the chart is an empty baseline labelled so.
/// - All bars are one `<path>`: the chart is `role="img"`, so its parts are not exposed anyway,
///   and the `aria-label` (also the `<title>` tooltip) lists every month's count.
pub(crate) fn monthly_trend(months: &[(i16, i8, usize)], until: (i16, i8), label: &str) -> String {
    let last = month_number(until.0, until.1.clamp(1, 12));
    let mut by_month: BTreeMap<i32, usize> = BTreeMap::new();
    for &(year, month, count) in months {
        if (1..=12).contains(&month) && count > 0 {
            let number = month_number(year, month);
            if number <= last {
                let total = by_month.entry(number).or_default();
                *total = total.saturating_add(count);
            }
        }
    }

    let mut svg = String::with_capacity(1024);
    let open = |svg: &mut String, summary: &str| {
        let summary = escape(summary);
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {TREND_WIDTH} {TREND_HEIGHT}" width="{TREND_WIDTH}" height="{TREND_HEIGHT}" role="img" aria-label="{summary}" fill="currentColor"><title>{summary}</title>"#
        );
    };
    let Some(&first) = by_month.keys().next() else {
        open(&mut svg, &format!("No papers tagged {label}"));
        let _ = write!(
            svg,
            r#"<path class="axis" d="M0 {}h{TREND_WIDTH}v1H0z"/></svg>"#,
            TREND_HEIGHT - 1
        );
        return svg;
    };
    let start = first.max(last - (MONTHS_SHOWN - 1));
    let series: Vec<(i32, usize)> = (start..=last)
        .map(|number| (number, by_month.get(&number).copied().unwrap_or(0)))
        .collect();
    let max = series.iter().map(|&(_, count)| count).max().unwrap_or(0);

    // The text alternative: range, every month's count, then the peak (the earliest if tied).
    let mut summary = format!("Papers per month tagged {label}, ");
    if start > first {
        let _ = write!(summary, "last {} months, ", series.len());
    }
    summary.push_str(&month_label(start));
    if last > start {
        summary.push_str(" to ");
        summary.push_str(&month_label(last));
    }
    if start > first {
        summary.push_str(" (earlier months not shown)");
    }
    summary.push_str(": ");
    let counts: Vec<String> = series
        .iter()
        .map(|&(_, count)| group_thousands(count))
        .collect();
    summary.push_str(&counts.join(", "));
    if max == 0 {
        summary.push_str(", none in this period");
    } else if let Some(&(peak, _)) = series.iter().find(|&&(_, count)| count == max) {
        let _ = write!(
            summary,
            ", peak {} in {}",
            group_thousands(max),
            month_label(peak)
        );
    }
    open(&mut svg, &summary);

    // Horizontal geometry in whole pixels, so bar edges are crisp; heights in tenths of a pixel
    // (integers, printed with at most one decimal).
    let n = series.len() as i64;
    let slot = (TREND_WIDTH / n).clamp(1, SLOT_MAX);
    let gap = (slot / 4).max(1).min(slot - 1);
    let x0 = TREND_WIDTH - n * slot;
    let base = TREND_HEIGHT - 1;
    let _ = write!(
        svg,
        r#"<path class="axis" d="M{x0} {base}h{}v1H{x0}z"/>"#,
        n * slot
    );
    let mut bars = String::new();
    for (i, &(_, count)) in (0i64..).zip(&series) {
        if count == 0 || max == 0 {
            continue;
        }
        let scaled = (count as u128 * (BAR_MAX * 10) as u128 + max as u128 / 2) / max as u128;
        let h = i64::try_from(scaled)
            .unwrap_or(BAR_MAX * 10)
            .clamp(10, BAR_MAX * 10);
        let x = x0 + i * slot + gap / 2;
        let _ = write!(
            bars,
            "M{x} {base}v-{}h{}v{}z",
            tenths(h),
            slot - gap,
            tenths(h)
        );
    }
    if !bars.is_empty() {
        let _ = write!(svg, r#"<path class="bar" d="{bars}"/>"#);
    }
    svg.push_str("</svg>");
    svg
}

/// Width of one listing day's slot in [`listing_day_bars`], px.
const DAY_SLOT: i64 = 5;
/// Height of the tallest listing-day bar, px.
const DAY_BAR_MAX: i64 = 40;
/// Room under the baseline for the gap marks, px.
const DAY_MARK_ROOM: i64 = 6;

/// A bar chart of papers per listing day (`days`, oldest first, as the status page shows them),
/// one 5 px slot per day, the newest at the right; a day without papers (a gap) has no bar and
/// a mark under the baseline (class `gap`), so a missed day stands out.
///
/// Bars are one `<path class="bar">`, gap marks one `<path class="gap">`; heights are scaled to
/// the busiest day shown (a day with papers at least 1 px). The chart is `role="img"`; its
/// `aria-label` (also the `<title>` tooltip) gives the range, the total, the busiest day and
/// every gap, since the bars themselves say nothing to a screen reader.
pub(crate) fn listing_day_bars(days: &[(Date, usize)]) -> String {
    let n = days.len() as i64;
    let width = (n * DAY_SLOT).max(DAY_SLOT);
    let base = DAY_BAR_MAX + 1;
    let height = base + 1 + DAY_MARK_ROOM;
    let max = days.iter().map(|&(_, c)| c).max().unwrap_or(0);
    let total = days
        .iter()
        .fold(0usize, |sum, &(_, count)| sum.saturating_add(count));
    let gaps: Vec<String> = days
        .iter()
        .filter(|&&(_, c)| c == 0)
        .map(|&(date, _)| display_date(date))
        .collect();
    let mut summary = match (days.first(), days.last()) {
        (Some(&(first, _)), Some(&(last, _))) => format!(
            "Papers per listing day, {} to {}: {} on {}",
            display_date(first),
            display_date(last),
            plural(total, "paper", "papers"),
            plural(days.len(), "listing day", "listing days"),
        ),
        _ => "No papers yet".to_string(),
    };
    if let Some(&(busiest, count)) = days.iter().find(|&&(_, c)| c == max && c > 0) {
        let _ = write!(
            summary,
            "; busiest {} with {}",
            display_date(busiest),
            group_thousands(count)
        );
    }
    if gaps.is_empty() {
        summary.push_str("; no gaps");
    } else {
        let _ = write!(
            summary,
            "; no papers on {}: {}",
            plural(gaps.len(), "weekday", "weekdays"),
            gaps.join(", ")
        );
    }
    let summary = escape(&summary);
    let mut svg = String::with_capacity(600 + days.len() * 24);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="days-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{summary}" fill="currentColor"><title>{summary}</title>"#
    );
    let _ = write!(svg, r#"<path class="axis" d="M0 {base}h{width}v1H0z"/>"#);
    let (mut bars, mut marks) = (String::new(), String::new());
    for (i, &(_, count)) in (0i64..).zip(days) {
        let x = i * DAY_SLOT;
        if count == 0 {
            let _ = write!(marks, "M{} {}h3v3h-3z", x + 1, base + 3);
            continue;
        }
        let scaled = (count as u128 * (DAY_BAR_MAX * 10) as u128 + max as u128 / 2) / max as u128;
        let h = i64::try_from(scaled)
            .unwrap_or(DAY_BAR_MAX * 10)
            .clamp(10, DAY_BAR_MAX * 10);
        let _ = write!(bars, "M{} {base}v-{}h4v{}z", x, tenths(h), tenths(h));
    }
    if !bars.is_empty() {
        let _ = write!(svg, r#"<path class="bar" d="{bars}"/>"#);
    }
    if !marks.is_empty() {
        let _ = write!(svg, r#"<path class="gap" d="{marks}"/>"#);
    }
    svg.push_str("</svg>");
    svg
}

/// Months counted from year 0, so that consecutive months are consecutive integers.
fn month_number(year: i16, month: i8) -> i32 {
    i32::from(year) * 12 + i32::from(month) - 1
}

/// "Oct 2024" for a [`month_number`].
fn month_label(number: i32) -> String {
    // `rem_euclid(12)` is 0–11, so the month fits an i8.
    let month = number.rem_euclid(12) as i8 + 1;
    format!("{} {}", month_abbr(month), number.div_euclid(12))
}

/// "1 paper", "1,234 papers".
fn plural(count: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        group_thousands(count),
        if count == 1 { one } else { many }
    )
}

/// 1234567 → "1,234,567" (English grouping, matching the English labels).
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A non-negative length in tenths of a pixel, printed as "12" or "12.5".
fn tenths(v: i64) -> String {
    if v % 10 == 0 {
        (v / 10).to_string()
    } else {
        format!("{}.{}", v / 10, (v % 10).abs())
    }
}

/// Escapes text for an XML/HTML attribute value or text node. Characters XML or HTML do not
/// allow at all, which no escape could make valid, are replaced (see [`crate::text_clean`]).
fn escape(text: &str) -> String {
    crate::markdown::escape_html(&crate::text_clean::cleaned(text))
}

#[cfg(test)]
mod tests;
