//! The site's charts (archive heatmaps, each tag's monthly trend), kept between builds with what
//! they were drawn from, so a rebuild draws again only the charts whose data changed. Drawing
//! itself is `render::charts`.

use std::sync::Arc;

use jiff::civil::Date;

use crate::config::Config;
use crate::index::SiteIndex;
use crate::routes;

/// The charts of a site, drawn when the index changes (inline SVG).
#[derive(Debug, Default, Clone)]
pub(crate) struct SiteCharts {
    /// A calendar heatmap per year with papers, newest first (shared with the charts made
    /// after these, which keep most of them).
    pub heatmaps: Vec<(i16, Arc<str>)>,
    /// Each tag's papers per month, by tag index (shared likewise).
    pub tag_trends: Vec<Arc<str>>,
    /// What the heatmaps were drawn from: every day and its count, and each year's days.
    days: Vec<(Date, usize)>,
    years: crate::render::charts::HeatmapYears,
    /// What each trend was drawn from: the tag's name, its months and the last month shown.
    trend_inputs: Vec<TrendInput>,
}

type TrendInput = (String, Vec<(i16, i8, usize)>, (i16, i8));

/// A paper counted in (`+1`) or out of (`-1`) a tag's month, for mending the trends (see
/// [`site_charts`]): the tag's slug, the year and the month.
pub(crate) type TrendMove = (String, i16, i8, i32);

/// Draws the archive heatmaps and every tag's monthly trend, reusing the drawings of `previous`
/// whose data did not change (an edit changes the charts of a tag or two). With `moves`, every
/// paper counted in or out of a tag's month since `previous` was made, the tags' months are
/// mended from those of `previous` rather than counted again from every paper (at a million
/// papers that took 20–150 ms an edit); when they do not fit (tags came or went), they are
/// counted again.
pub(crate) fn site_charts(
    config: &Config,
    index: &SiteIndex,
    previous: SiteCharts,
    moves: Option<&[TrendMove]>,
) -> SiteCharts {
    use rayon::prelude::*;
    let mut timer = crate::timing::PhaseTimer::start();
    let days: Vec<(Date, usize)> = index
        .days
        .iter()
        .map(|d| (d.date, d.papers.len()))
        .collect();
    // A year's map is drawn again only when its days or the largest day changed (a date edit
    // changes one or two years of sixty at a million papers).
    let (heatmaps, years) = if days == previous.days {
        (previous.heatmaps, previous.years)
    } else {
        use crate::render::charts::{heatmap_year, heatmap_years};
        let years = heatmap_years(&days);
        let (before, before_max) = &previous.years;
        // Each year drawn before, with its days.
        type Drawn<'a> = (&'a Vec<(Date, usize)>, &'a Arc<str>);
        let drawn: std::collections::HashMap<i16, Drawn<'_>> = (before.iter())
            .zip(previous.heatmaps.iter().map(|(_, svg)| svg))
            .filter(|_| *before_max == years.1 && before.len() == previous.heatmaps.len())
            .map(|((year, days), svg)| (*year, (days, svg)))
            .collect();
        let url = |date| config.link(&routes::day(date));
        let heatmaps = (years.0.par_iter())
            .map(|(year, days)| match drawn.get(year) {
                Some((before, svg)) if *before == days => (*year, Arc::clone(svg)),
                _ => (*year, heatmap_year(*year, days, years.1, &url).into()),
            })
            .collect();
        (heatmaps, years)
    };
    // The same maps as drawn whole (checked in the debug builds the tests run).
    #[cfg(debug_assertions)]
    debug_assert!(
        heatmaps
            .iter()
            .map(|(year, svg)| (*year, svg.to_string()))
            .eq(crate::render::charts::calendar_heatmaps(&days, &|date| {
                config.link(&routes::day(date))
            })),
        "heatmaps reused wrong"
    );
    timer.phase("  charts: heatmaps");
    let until = index
        .months
        .first()
        .map_or((1970, 1), |m| (m.year, m.month));
    let (before_inputs, before_trends) = (previous.trend_inputs, previous.tag_trends);
    let mended = moves.and_then(|moves| mend_trend_inputs(index, &before_inputs, moves, until));
    #[cfg(debug_assertions)]
    if let Some(mended) = &mended {
        debug_assert!(*mended == trend_inputs(index, until), "trends mended wrong");
    }
    let trend_inputs = mended.unwrap_or_else(|| trend_inputs(index, until));
    timer.phase("  charts: trends' months");
    // A tag's trend is drawn again only when its months changed: compared with the same
    // tag's before (by place while the tags are the same ones, else by name).
    let same_places =
        before_inputs.len() == trend_inputs.len() && before_trends.len() == before_inputs.len();
    let by_name: std::collections::HashMap<&str, (&TrendInput, &Arc<str>)> = if same_places {
        Default::default()
    } else {
        (before_inputs.iter())
            .zip(&before_trends)
            .map(|(input, svg)| (input.0.as_str(), (input, svg)))
            .collect()
    };
    let tag_trends: Vec<Arc<str>> = (trend_inputs.par_iter().enumerate())
        .map(|(t, input)| {
            let before = match same_places {
                true => Some((&before_inputs[t], &before_trends[t])),
                false => by_name.get(input.0.as_str()).copied(),
            };
            match before {
                Some((before, svg)) if before == input => Arc::clone(svg),
                _ => crate::render::charts::monthly_trend(&input.1, until, &input.0).into(),
            }
        })
        .collect();
    timer.phase("  charts: trends");
    SiteCharts {
        heatmaps,
        tag_trends,
        days,
        years,
        trend_inputs,
    }
}

/// Each tag's name, papers per month (newest first) and the last month shown, counted from
/// every paper of every tag.
fn trend_inputs(index: &SiteIndex, until: (i16, i8)) -> Vec<TrendInput> {
    use rayon::prelude::*;
    // Each paper's month (index into `index.months`), found by walking the months' days.
    let paper_count = index.order.len();
    let mut month_of = vec![0u32; paper_count];
    for (m, month) in index.months.iter().enumerate() {
        for &d in &month.days {
            for &id in &index.days[d].papers {
                month_of[id] = m as u32;
            }
        }
    }
    (index.tags.par_iter())
        .map(|tag| {
            // Papers are in listing order, newest first: each month's papers are together.
            let mut months: Vec<(i16, i8, usize)> = Vec::new();
            let mut current = u32::MAX;
            for &id in &tag.papers {
                let m = month_of[id];
                if m == current
                    && let Some(last) = months.last_mut()
                {
                    last.2 += 1;
                } else {
                    current = m;
                    let month = &index.months[m as usize];
                    months.push((month.year, month.month, 1));
                }
            }
            (tag.name.clone(), months, until)
        })
        .collect()
}

/// The trends' inputs of `previous` with `moves` counted in, when the tags are the same (by
/// name, in the same order) and every move fits (a paper counted out of a month it was in);
/// `None` otherwise.
fn mend_trend_inputs(
    index: &SiteIndex,
    previous: &[TrendInput],
    moves: &[TrendMove],
    until: (i16, i8),
) -> Option<Vec<TrendInput>> {
    let same_tags = previous.len() == index.tags.len()
        && (index.tags.iter())
            .zip(previous)
            .all(|(tag, input)| tag.name == input.0);
    if !same_tags {
        return None;
    }
    let mut inputs = previous.to_vec();
    for (slug, year, month, count) in moves {
        let t = (index.tags)
            .binary_search_by(|tag| tag.slug.cmp(slug))
            .ok()?;
        let months = &mut inputs[t].1;
        // Newest first.
        let at = months.partition_point(|&(y, m, _)| (y, m) > (*year, *month));
        match months.get_mut(at) {
            Some(entry) if (entry.0, entry.1) == (*year, *month) => {
                let total = i64::try_from(entry.2).ok()? + i64::from(*count);
                match usize::try_from(total).ok()? {
                    0 => {
                        months.remove(at);
                    }
                    total => entry.2 = total,
                }
            }
            _ if *count > 0 => months.insert(at, (*year, *month, *count as usize)),
            _ => return None,
        }
    }
    for input in &mut inputs {
        input.2 = until;
    }
    Some(inputs)
}
