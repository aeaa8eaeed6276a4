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
pub fn calendar_heatmaps(
    days: &[(Date, usize)],
    day_url: &dyn Fn(Date) -> String,
) -> Vec<(i16, String)> {
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
    years
        .into_iter()
        .rev()
        .map(|(year, days)| (year, heatmap_year(year, &days, max, day_url)))
        .collect()
}

/// The heatmap of one year; `days` are that year's days with papers, sorted, counts > 0.
fn heatmap_year(
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
pub fn monthly_trend(months: &[(i16, i8, usize)], until: (i16, i8), label: &str) -> String {
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
    summary.push_str(&month_name(start));
    if last > start {
        summary.push_str(" to ");
        summary.push_str(&month_name(last));
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
            month_name(peak)
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

/// Months counted from year 0, so that consecutive months are consecutive integers.
fn month_number(year: i16, month: i8) -> i32 {
    i32::from(year) * 12 + i32::from(month) - 1
}

/// "Oct 2024" for a [`month_number`].
fn month_name(number: i32) -> String {
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
mod tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).expect("valid test date")
    }

    fn url(d: Date) -> String {
        format!("/days/{d}/")
    }

    /// The (x, y) of a cell path "M{x} {y}h10v10h-10z".
    fn cell_xy(d: &str) -> (i32, i32) {
        let rest = d.strip_prefix('M').expect("cell path starts with M");
        let end = rest.find('h').expect("cell path has h");
        let (x, y) = rest[..end].split_once(' ').expect("x y");
        (x.parse().expect("x"), y.parse().expect("y"))
    }

    /// A heatmap link: (href, aria-label, title text, level class, (x, y) of its cell).
    type Link = (String, String, String, String, (i32, i32));

    /// Links of a heatmap, in document order.
    fn links(svg: &str) -> Vec<Link> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        doc.descendants()
            .filter(|n| n.has_tag_name("a"))
            .map(|a| {
                let title = a
                    .children()
                    .find(|c| c.has_tag_name("title"))
                    .and_then(|t| t.text())
                    .unwrap_or_default()
                    .to_string();
                let path = a.children().find(|c| c.has_tag_name("path")).expect("cell");
                (
                    a.attribute("href").expect("href").to_string(),
                    a.attribute("aria-label").expect("aria-label").to_string(),
                    title,
                    path.attribute("class").expect("class").to_string(),
                    cell_xy(path.attribute("d").expect("d")),
                )
            })
            .collect()
    }

    /// Number of subpaths (cells) in the empty-day path.
    fn empty_cells(svg: &str) -> usize {
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        doc.descendants()
            .find(|n| n.has_tag_name("path") && n.attribute("class") == Some("l0"))
            .map(|p| p.attribute("d").unwrap_or_default().matches('M').count())
            .unwrap_or(0)
    }

    fn root_attr(svg: &str, name: &str) -> String {
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        doc.root_element()
            .attribute(name)
            .unwrap_or_default()
            .to_string()
    }

    fn sample_days() -> Vec<(Date, usize)> {
        vec![
            (date(2025, 2, 6), 12),
            (date(2024, 12, 31), 1),
            (date(2025, 1, 1), 40),
            (date(2023, 6, 15), 3),
            (date(2025, 2, 7), 1),
            (date(2024, 2, 29), 7),
        ]
    }

    #[test]
    fn heatmaps_are_well_formed_svg() {
        for (_, svg) in calendar_heatmaps(&sample_days(), &url) {
            let doc = roxmltree::Document::parse(&svg).expect("well-formed");
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg");
            assert_eq!(
                root.tag_name().namespace(),
                Some("http://www.w3.org/2000/svg")
            );
            assert_eq!(root.attribute("role"), Some("group"));
            let view_box = root.attribute("viewBox").expect("viewBox");
            let w = root.attribute("width").expect("width");
            let h = root.attribute("height").expect("height");
            assert_eq!(view_box, format!("0 0 {w} {h}"));
            // No colour is hard-coded: the only fill is currentColor.
            assert!(
                doc.descendants()
                    .all(|n| n.attribute("fill").is_none_or(|f| f == "currentColor"))
            );
            assert!(!svg.contains("style="));
        }
    }

    #[test]
    fn years_split_and_ordered_newest_first() {
        let charts = calendar_heatmaps(&sample_days(), &url);
        let years: Vec<i16> = charts.iter().map(|(y, _)| *y).collect();
        assert_eq!(years, [2025, 2024, 2023]);
        for (year, svg) in &charts {
            for (href, ..) in links(svg) {
                assert!(
                    href.starts_with(&format!("/days/{year}-")),
                    "{href} in {year}"
                );
            }
        }
        assert_eq!(links(&charts[0].1).len(), 3);
        assert_eq!(links(&charts[1].1).len(), 2);
        assert_eq!(links(&charts[2].1).len(), 1);
    }

    #[test]
    fn one_link_per_day_with_papers_with_href_label_and_tooltip() {
        let charts = calendar_heatmaps(&sample_days(), &url);
        let links_2025 = links(&charts[0].1);
        let expected = [
            ("/days/2025-01-01/", "Jan 1, 2025: 40 papers"),
            ("/days/2025-02-06/", "Feb 6, 2025: 12 papers"),
            ("/days/2025-02-07/", "Feb 7, 2025: 1 paper"),
        ];
        assert_eq!(links_2025.len(), expected.len());
        // Chronological order, which is also the keyboard order.
        for ((href, label, title, ..), (want_href, want_label)) in links_2025.iter().zip(expected) {
            assert_eq!(href, want_href);
            assert_eq!(label, want_label);
            assert_eq!(title, want_label);
        }
        // Every day of the year is drawn exactly once: linked or empty.
        assert_eq!(empty_cells(&charts[0].1) + links_2025.len(), 365);
    }

    #[test]
    fn repeated_dates_are_summed_and_zero_counts_ignored() {
        let days = [
            (date(2025, 3, 1), 2),
            (date(2025, 3, 1), 3),
            (date(2025, 3, 2), 0),
        ];
        let charts = calendar_heatmaps(&days, &url);
        let l = links(&charts[0].1);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].1, "Mar 1, 2025: 5 papers");
        assert!(calendar_heatmaps(&[(date(2025, 3, 2), 0)], &url).is_empty());
        assert!(calendar_heatmaps(&[], &url).is_empty());
    }

    #[test]
    fn year_summary_in_title_and_label() {
        let mut days: Vec<(Date, usize)> = (1..=28).map(|d| (date(2025, 2, d), 44)).collect();
        days[5].1 = 50; // Feb 6
        days.push((date(2025, 3, 1), 1));
        let charts = calendar_heatmaps(&days, &url);
        let svg = &charts[0].1;
        let want = "2025: 1,239 papers on 29 days; busiest Feb 6 with 50";
        assert_eq!(root_attr(svg, "aria-label"), want);
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        let title = doc.root_element().first_element_child().expect("title");
        assert!(title.has_tag_name("title"));
        assert_eq!(title.text(), Some(want));

        let single = calendar_heatmaps(&[(date(2020, 5, 4), 1)], &url);
        assert_eq!(
            root_attr(&single[0].1, "aria-label"),
            "2020: 1 paper on 1 day; busiest May 4 with 1"
        );
    }

    #[test]
    fn busier_day_is_never_lighter() {
        let days: Vec<(Date, usize)> = (1..=31)
            .map(|d| (date(2025, 1, d), usize::from(d.unsigned_abs()) * 3 % 37 + 1))
            .collect();
        let mut all: Vec<(usize, u8)> = Vec::new();
        for (_, svg) in calendar_heatmaps(&days, &url) {
            for (_, label, _, class, _) in links(&svg) {
                let count: usize = label
                    .split(": ")
                    .nth(1)
                    .and_then(|s| s.split(' ').next())
                    .and_then(|s| s.parse().ok())
                    .expect("count in label");
                let level: u8 = class
                    .strip_prefix('l')
                    .and_then(|s| s.parse().ok())
                    .expect("level");
                assert!(
                    (1..=4).contains(&level),
                    "day with papers is l1..l4, got {class}"
                );
                all.push((count, level));
            }
        }
        for &(c1, l1) in &all {
            for &(c2, l2) in &all {
                if c1 > c2 {
                    assert!(l1 >= l2, "{c1} papers at l{l1} lighter than {c2} at l{l2}");
                }
            }
        }
        let max = all.iter().map(|&(c, _)| c).max().expect("some");
        assert!(all.iter().filter(|&&(c, _)| c == max).all(|&(_, l)| l == 4));
        // The scale is shared across years: a quiet year is not stretched to l4.
        let charts = calendar_heatmaps(&[(date(2024, 1, 1), 100), (date(2025, 1, 1), 10)], &url);
        assert_eq!(links(&charts[0].1)[0].3, "l1");
        assert_eq!(links(&charts[1].1)[0].3, "l4");
        assert_eq!(level(1, usize::MAX), 1);
        assert_eq!(level(usize::MAX, usize::MAX), 4);
    }

    #[test]
    fn year_starting_on_sunday_is_laid_out_monday_first() {
        // Jan 1 2023 is a Sunday: alone in the last row of the first column.
        let days = [
            (date(2023, 1, 1), 1),
            (date(2023, 1, 2), 1),
            (date(2023, 12, 31), 1),
        ];
        let charts = calendar_heatmaps(&days, &url);
        let svg = &charts[0].1;
        let l = links(svg);
        assert_eq!(
            l[0].4,
            (LEFT, TOP + 6 * PITCH),
            "Jan 1: column 0, Sunday row"
        );
        assert_eq!(l[1].4, (LEFT + PITCH, TOP), "Jan 2: column 1, Monday row");
        // Dec 31 2023 is a Sunday too: (6 + 364) / 7 = column 52, the last of 53.
        assert_eq!(l[2].4, (LEFT + 52 * PITCH, TOP + 6 * PITCH));
        assert_eq!(root_attr(svg, "width"), (LEFT + 53 * PITCH - 2).to_string());
        assert_eq!(empty_cells(svg) + l.len(), 365);
        // The "Jan" label moves to the first week that is mostly January.
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        let jan = doc
            .descendants()
            .find(|n| n.has_tag_name("text") && n.text() == Some("Jan"))
            .expect("Jan label");
        assert_eq!(
            jan.attribute("x"),
            Some((LEFT + PITCH).to_string().as_str())
        );
    }

    #[test]
    fn leap_years_have_366_cells_and_feb_29() {
        // 2024 starts on a Monday and is a leap year: Dec 31 is day 366, a Tuesday, column 52.
        let days = [(date(2024, 2, 29), 2), (date(2024, 12, 31), 1)];
        let charts = calendar_heatmaps(&days, &url);
        let svg = &charts[0].1;
        let l = links(svg);
        assert_eq!(l[0].1, "Feb 29, 2024: 2 papers");
        // Feb 29 is day 60: index 59 → column 8, row 3 (a Thursday).
        assert_eq!(l[0].4, (LEFT + 8 * PITCH, TOP + 3 * PITCH));
        assert_eq!(l[1].4, (LEFT + 52 * PITCH, TOP + PITCH));
        assert_eq!(empty_cells(svg) + l.len(), 366);
        // 2012: a leap year starting on a Sunday needs 54 columns.
        let charts = calendar_heatmaps(&[(date(2012, 12, 31), 1)], &url);
        let l = links(&charts[0].1);
        assert_eq!(l[0].4, (LEFT + 53 * PITCH, TOP));
        assert_eq!(
            root_attr(&charts[0].1, "width"),
            (LEFT + 54 * PITCH - 2).to_string()
        );
    }

    #[test]
    fn labels_like_a_contribution_graph() {
        let charts = calendar_heatmaps(&[(date(2025, 6, 1), 1)], &url);
        let doc = roxmltree::Document::parse(&charts[0].1).expect("well-formed");
        let texts: Vec<(&str, i32)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| {
                (
                    n.text().unwrap_or_default(),
                    n.attribute("x").and_then(|x| x.parse().ok()).unwrap_or(-1),
                )
            })
            .collect();
        let names: Vec<&str> = texts.iter().map(|t| t.0).collect();
        assert_eq!(names[..12], crate::calendar::MONTH_NAMES.map(|n| &n[..3]));
        assert_eq!(names[12..], ["Mon", "Wed", "Fri"]);
        assert!(
            texts[..12].windows(2).all(|w| w[1].1 - w[0].1 >= 3 * PITCH),
            "month labels never crowd"
        );
        let labels = doc
            .descendants()
            .find(|n| n.has_tag_name("g"))
            .expect("label group");
        assert_eq!(labels.attribute("aria-hidden"), Some("true"));
    }

    #[test]
    fn heatmap_escapes_hostile_urls() {
        let hostile = |d: Date| format!("/x?a=1&b=\"><script>alert('{d}')</script>");
        let charts = calendar_heatmaps(&[(date(2025, 2, 6), 1)], &hostile);
        let svg = &charts[0].1;
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&amp;b=&quot;&gt;&lt;script&gt;alert(&#39;2025-02-06&#39;)"));
        assert_eq!(links(svg)[0].0, hostile(date(2025, 2, 6)));
    }

    #[test]
    fn trend_escapes_a_hostile_label() {
        let label = "<script>alert(\"x\")</script> & 'q'\u{0}";
        let svg = monthly_trend(&[(2025, 1, 3)], (2025, 2), label);
        assert!(!svg.contains("<script"));
        let doc = roxmltree::Document::parse(&svg).expect("well-formed");
        let aria = doc.root_element().attribute("aria-label").expect("label");
        assert!(aria.starts_with(
            "Papers per month tagged <script>alert(\"x\")</script> & 'q'\u{fffd}, Jan 2025"
        ));
        let empty = monthly_trend(&[], (2025, 2), label);
        assert!(!empty.contains("<script"));
        roxmltree::Document::parse(&empty).expect("well-formed");
    }

    /// Bars of a trend as (x, height) in px, from its single `bar` path.
    fn bars(svg: &str) -> Vec<(f64, f64)> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        let Some(path) = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("bar"))
        else {
            return Vec::new();
        };
        let d = path.attribute("d").expect("d");
        d.split('M')
            .filter(|s| !s.is_empty())
            .map(|s| {
                let (x, rest) = s.split_once(' ').expect("x");
                let h = rest
                    .split("v-")
                    .nth(1)
                    .and_then(|r| r.split('h').next())
                    .expect("h");
                (x.parse().expect("x"), h.parse().expect("h"))
            })
            .collect()
    }

    #[test]
    fn trend_fills_zero_month_gaps() {
        let months = [(2025, 2, 5), (2024, 11, 3), (2024, 12, 0)];
        let svg = monthly_trend(&months, (2025, 3), "diffusion");
        assert_eq!(
            root_attr(&svg, "aria-label"),
            "Papers per month tagged diffusion, Nov 2024 to Mar 2025: 3, 0, 0, 5, 0, peak 5 in Feb 2025"
        );
        let b = bars(&svg);
        assert_eq!(b.len(), 2, "zero months draw no bar");
        // Five 12 px slots right-aligned in 144 px: Nov starts at 84, Feb three slots later.
        assert_eq!(b[0].0, 84.0 + 1.0);
        assert_eq!(b[1].0 - b[0].0, 3.0 * 12.0);
        assert_eq!(b[1].1, 28.0, "the peak is full height");
        assert_eq!(b[0].1, 16.8, "3/5 of 28 px");
    }

    #[test]
    fn trend_crosses_years_and_has_fixed_size() {
        let months = [(2023, 12, 1), (2024, 1, 2), (2024, 2, 1)];
        let svg = monthly_trend(&months, (2024, 2), "x");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed");
        let root = doc.root_element();
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        assert_eq!(root.attribute("role"), Some("img"));
        assert_eq!(root.attribute("viewBox"), Some("0 0 144 30"));
        assert_eq!(root.attribute("width"), Some("144"));
        assert_eq!(root.attribute("height"), Some("30"));
        assert_eq!(
            root.attribute("aria-label"),
            Some("Papers per month tagged x, Dec 2023 to Feb 2024: 1, 2, 1, peak 2 in Jan 2024")
        );
        let title = root.first_element_child().expect("title");
        assert!(title.has_tag_name("title"));
        assert_eq!(title.text(), root.attribute("aria-label"));
        assert!(
            doc.descendants()
                .any(|n| n.attribute("class") == Some("axis"))
        );
        // A bar never shrinks to nothing: 1 paper against a peak of 1,000 is still 1 px.
        let b = bars(&monthly_trend(
            &[(2024, 1, 1000), (2024, 2, 1)],
            (2024, 2),
            "x",
        ));
        assert_eq!(b[1].1, 1.0);
    }

    #[test]
    fn trend_shows_at_most_36_months_and_says_so() {
        let months: Vec<(i16, i8, usize)> = (2020..=2024)
            .flat_map(|y| (1..=12).map(move |m| (y, m, 1)))
            .collect();
        let svg = monthly_trend(&months, (2024, 12), "llm");
        let label = root_attr(&svg, "aria-label");
        assert!(
            label.starts_with("Papers per month tagged llm, last 36 months, Jan 2022 to Dec 2024 (earlier months not shown): 1, 1,"),
            "{label}"
        );
        let counts = label
            .split("): ")
            .nth(1)
            .and_then(|s| s.split(", peak").next())
            .expect("counts");
        assert_eq!(counts.split(", ").filter(|c| *c == "1").count(), 36);
        let b = bars(&svg);
        assert_eq!(b.len(), 36);
        assert_eq!(b[0].0, 0.0, "36 slots of 4 px fill the width");
        // Months after `until` and invalid months are ignored.
        let svg = monthly_trend(
            &[(2024, 1, 2), (2024, 5, 9), (2024, 13, 9), (2024, 0, 9)],
            (2024, 2),
            "t",
        );
        assert_eq!(
            root_attr(&svg, "aria-label"),
            "Papers per month tagged t, Jan 2024 to Feb 2024: 2, 0, peak 2 in Jan 2024"
        );
    }

    #[test]
    fn trend_edge_cases() {
        let svg = monthly_trend(&[], (2025, 1), "none");
        assert_eq!(root_attr(&svg, "aria-label"), "No papers tagged none");
        assert!(bars(&svg).is_empty());
        let svg = monthly_trend(&[(2025, 1, 1234)], (2025, 1), "one");
        assert_eq!(
            root_attr(&svg, "aria-label"),
            "Papers per month tagged one, Jan 2025: 1,234, peak 1,234 in Jan 2025"
        );
        // Papers long ago only: the window shows 36 empty months.
        let svg = monthly_trend(&[(2010, 1, 4)], (2025, 1), "old");
        let label = root_attr(&svg, "aria-label");
        assert!(label.ends_with(", 0, none in this period"), "{label}");
        assert!(bars(&svg).is_empty());
    }

    #[test]
    fn numbers_are_integers_or_one_decimal() {
        let mut svgs: Vec<String> = calendar_heatmaps(&sample_days(), &url)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        for n in [1usize, 7, 11, 13, 29, 35] {
            let months: Vec<(i16, i8, usize)> = (0..n)
                .map(|i| (2024 + (i / 12) as i16, (i % 12 + 1) as i8, i * 7 % 10 + 1))
                .collect();
            svgs.push(monthly_trend(
                &months,
                (2024 + ((n - 1) / 12) as i16, ((n - 1) % 12 + 1) as i8),
                "t",
            ));
        }
        for svg in &svgs {
            let doc = roxmltree::Document::parse(svg).expect("well-formed");
            for node in doc.descendants().filter(|n| n.is_element()) {
                for attr in ["x", "y", "width", "height", "viewBox", "d"] {
                    let Some(value) = node.attribute(attr) else {
                        continue;
                    };
                    for number in value
                        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                        .filter(|s| !s.is_empty())
                    {
                        let decimals = number.split_once('.').map_or(0, |(_, f)| f.len());
                        assert!(decimals <= 1, "{attr}={value} has {number}");
                        let v: f64 = number.parse().expect("number");
                        assert!(v <= 1000.0, "{attr}={value}");
                    }
                }
            }
        }
    }

    #[test]
    fn output_is_deterministic_and_independent_of_input_order() {
        let days = sample_days();
        let mut reversed = days.clone();
        reversed.reverse();
        assert_eq!(
            calendar_heatmaps(&days, &url),
            calendar_heatmaps(&days, &url)
        );
        assert_eq!(
            calendar_heatmaps(&days, &url),
            calendar_heatmaps(&reversed, &url)
        );
        let months = [(2024, 3, 2), (2023, 12, 5), (2024, 1, 1)];
        let shuffled = [(2024, 1, 1), (2024, 3, 2), (2023, 12, 5)];
        assert_eq!(
            monthly_trend(&months, (2024, 6), "a"),
            monthly_trend(&shuffled, (2024, 6), "a")
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1234567), "1,234,567");
        assert_eq!(tenths(0), "0");
        assert_eq!(tenths(15), "1.5");
        assert_eq!(tenths(1440), "144");
        assert_eq!(month_name(month_number(2024, 12)), "Dec 2024");
        assert_eq!(month_name(month_number(2025, 1)), "Jan 2025");
        assert_eq!(
            escape("a&<>\"'\u{1}\u{ffff}\n"),
            "a&amp;&lt;&gt;&quot;&#39;\u{fffd}\u{fffd}\n"
        );
    }
}
