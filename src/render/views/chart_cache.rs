//! The site's charts (archive heatmaps, each tag's monthly trend), kept between builds with what
//! they were drawn from, so a rebuild draws again only the charts whose data changed. Drawing
//! itself is `render::charts`.

use jiff::civil::Date;

use crate::config::Config;
use crate::index::SiteIndex;
use crate::routes;

/// The charts of a site, drawn when the index changes (inline SVG).
#[derive(Debug, Default, Clone)]
pub(crate) struct SiteCharts {
    /// A calendar heatmap per year with papers, newest first.
    pub heatmaps: Vec<(i16, String)>,
    /// Each tag's papers per month, by tag index.
    pub tag_trends: Vec<String>,
    /// What the heatmaps were drawn from: every day and its count.
    days: Vec<(Date, usize)>,
    /// What each trend was drawn from: the tag's name, its months and the last month shown.
    trend_inputs: Vec<TrendInput>,
}

type TrendInput = (String, Vec<(i16, i8, usize)>, (i16, i8));

/// Draws the archive heatmaps and every tag's monthly trend, reusing the drawings of `previous`
/// whose data did not change (an edit changes the charts of a tag or two).
pub(crate) fn site_charts(config: &Config, index: &SiteIndex, previous: &SiteCharts) -> SiteCharts {
    use rayon::prelude::*;
    let days: Vec<(Date, usize)> = index
        .days
        .iter()
        .map(|d| (d.date, d.papers.len()))
        .collect();
    let heatmaps = if days == previous.days {
        previous.heatmaps.clone()
    } else {
        crate::render::charts::calendar_heatmaps(&days, &|date| config.link(&routes::day(date)))
    };
    let until = index
        .months
        .first()
        .map_or((1970, 1), |m| (m.year, m.month));
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
    let drawn: std::collections::HashMap<&TrendInput, &String> = previous
        .trend_inputs
        .iter()
        .zip(&previous.tag_trends)
        .collect();
    let (trend_inputs, tag_trends): (Vec<TrendInput>, Vec<String>) = index
        .tags
        .par_iter()
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
            let input = (tag.name.clone(), months, until);
            let svg = match drawn.get(&input) {
                Some(svg) => (*svg).clone(),
                None => crate::render::charts::monthly_trend(&input.1, until, &tag.name),
            };
            (input, svg)
        })
        .unzip();
    SiteCharts {
        heatmaps,
        tag_trends,
        days,
        trend_inputs,
    }
}
