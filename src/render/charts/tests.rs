//! Tests of the charts: well-formed SVG, labels, text alternatives, geometry.

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
    assert_eq!(month_label(month_number(2024, 12)), "Dec 2024");
    assert_eq!(month_label(month_number(2025, 1)), "Jan 2025");
    assert_eq!(
        escape("a&<>\"'\u{1}\u{ffff}\n"),
        "a&amp;&lt;&gt;&quot;&#39;\u{fffd}\u{fffd}\n"
    );
}

#[test]
fn listing_day_bars_scale_to_the_busiest_day_and_mark_each_gap() {
    let days = [
        (date(2025, 2, 3), 4),
        (date(2025, 2, 4), 0),
        (date(2025, 2, 5), 1),
        (date(2025, 2, 6), 0),
    ];
    let svg = listing_day_bars(&days);
    assert_eq!(
        svg,
        listing_day_bars(&days),
        "the same input, the same bytes"
    );
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let path = |class: &str| {
        doc.descendants()
            .find(|n| n.attribute("class") == Some(class))
            .and_then(|n| n.attribute("d"))
            .unwrap_or_default()
            .to_string()
    };
    // The busiest day is 40 px tall, a quarter of it 10 px; slots are 5 px wide.
    assert_eq!(path("bar"), "M0 41v-40h4v40zM10 41v-10h4v10z");
    assert_eq!(path("gap"), "M6 44h3v3h-3zM16 44h3v3h-3z");
    let label = doc.root_element().attribute("aria-label").unwrap();
    assert_eq!(
        label,
        "Papers per listing day, Feb 3, 2025 to Feb 6, 2025: 5 papers on 4 listing days; busiest Feb 3, 2025 with 4; no papers on 2 weekdays: Feb 4, 2025, Feb 6, 2025"
    );
    let empty = listing_day_bars(&[]);
    assert!(roxmltree::Document::parse(&empty).is_ok() && empty.contains("No papers yet"));
}
