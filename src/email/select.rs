//! Which papers a digest email lists: a day, an ISO week or every day since a date, narrowed to
//! a tag or keyword feed, most upvoted first. Pure: from the site's index to paper ids.

use jiff::civil::Date;

use crate::calendar::display_date;
use crate::config::Config;
use crate::diagnostic::Problem;
use crate::index::tags::Tag;
use crate::index::{PaperId, SiteIndex};
use crate::plan::EmailScope;
use crate::record::Paper;
use crate::routes;

/// The days a digest covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Period {
    /// One listing day.
    Day(Date),
    /// An ISO week (ISO week-numbering year and week).
    Week {
        /// The ISO week-numbering year.
        year: i16,
        /// The week, 1 to 53.
        week: i8,
    },
    /// Every listing day from this one on.
    Since(Date),
}

/// A part of the site a digest is narrowed to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Filter {
    /// A tag (own or keyword), by name or slug.
    Tag(String),
    /// A keyword feed of `site.toml`, by name or slug.
    Feed(String),
}

/// What a digest email is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Selection {
    /// The days it covers.
    pub period: Period,
    /// The tag or feed it is narrowed to, if any.
    pub filter: Option<Filter>,
}

/// The papers of a selection and how to name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chosen {
    /// The papers, most upvoted first (a day: as on the day's page).
    pub ids: Vec<PaperId>,
    /// "Thursday 6 February 2025", "Week 6 of 2025", "Since 1 February 2025".
    pub heading: String,
    /// The tag's or feed's name, when narrowed.
    pub filter_name: Option<String>,
    /// The site path of the page listing them all (the day, week, tag or feed page).
    pub path: String,
    /// Which digest this is, for the send ledger: `day/2025-02-06`, `week/2025-W06`,
    /// `since/2025-02-01`, with `/tag/<slug>` or `/feed/<slug>` when narrowed.
    pub key: String,
    /// The listing day, for a day's digest.
    pub day: Option<Date>,
}

/// The papers `selection` lists, or `None` when it lists none. An unknown tag or feed is a
/// problem naming the ones there are.
pub(crate) fn choose(
    config: &Config,
    papers: &[Paper],
    index: &SiteIndex,
    selection: &Selection,
) -> Result<Option<Chosen>, Problem> {
    let (mut ids, heading, mut path, mut key, day) = match selection.period {
        Period::Day(date) => {
            let Some(day) = index.days.iter().find(|d| d.date == date) else {
                return Ok(None);
            };
            let heading = format!("{} {}", weekday_name(date), display_date(date));
            (
                day.papers.clone(),
                heading,
                routes::day(date),
                format!("day/{date}"),
                Some(date),
            )
        }
        Period::Week { year, week } => {
            let Some(found) = index
                .weeks
                .iter()
                .find(|w| w.year == year && w.week == week)
            else {
                return Ok(None);
            };
            let mut ids: Vec<PaperId> = found
                .days
                .iter()
                .flat_map(|&d| index.days[d].papers.iter().copied())
                .collect();
            by_upvotes(papers, &mut ids);
            let path = if config.output.week_pages {
                routes::week(year, week)
            } else {
                routes::ARCHIVE.to_string()
            };
            (
                ids,
                format!("Week {week} of {year}"),
                path,
                format!("week/{year:04}-W{week:02}"),
                None,
            )
        }
        Period::Since(date) => {
            let mut ids: Vec<PaperId> = index
                .order
                .iter()
                .copied()
                .take_while(|&id| papers[id].date >= date)
                .collect();
            by_upvotes(papers, &mut ids);
            let heading = format!("Since {}", display_date(date));
            (
                ids,
                heading,
                routes::HOME.to_string(),
                format!("since/{date}"),
                None,
            )
        }
    };
    let mut filter_name = None;
    if let Some(filter) = &selection.filter {
        let (kind, name, list, page) = match filter {
            Filter::Tag(name) => ("tag", name, &index.tags, routes::tag as fn(&str) -> String),
            Filter::Feed(name) => (
                "feed",
                name,
                &index.keyword_feeds,
                routes::keyword_feed as fn(&str) -> String,
            ),
        };
        let tag = find(list, name).ok_or_else(|| unknown(kind, name, list))?;
        let mut member = vec![false; papers.len()];
        for &id in &tag.papers {
            member[id] = true;
        }
        ids.retain(|&id| member[id]);
        filter_name = Some(tag.name.clone());
        key = format!("{key}/{kind}/{}", tag.slug);
        // A day's papers of a tag are on the day's page; longer periods on the tag's.
        if day.is_none() {
            path = page(&tag.slug);
        }
    }
    if ids.is_empty() {
        return Ok(None);
    }
    Ok(Some(Chosen {
        ids,
        heading,
        filter_name,
        path,
        key,
        day,
    }))
}

/// Most upvoted first; papers with as many upvotes keep their listing order (newest day
/// first, then by title).
fn by_upvotes(papers: &[Paper], ids: &mut [PaperId]) {
    ids.sort_by_key(|&id| std::cmp::Reverse(papers[id].upvotes.unwrap_or(0)));
}

/// The tag or feed named `name` (its name, case-insensitive, or its slug).
fn find<'a>(list: &'a [Tag], name: &str) -> Option<&'a Tag> {
    let wanted = name.trim();
    let slug = crate::slug::tag_slug(wanted);
    list.iter()
        .find(|t| t.name.eq_ignore_ascii_case(wanted))
        .or_else(|| list.iter().find(|t| t.slug == wanted || t.slug == slug))
}

fn unknown(kind: &str, name: &str, list: &[Tag]) -> Problem {
    let names: Vec<&str> = list.iter().take(12).map(|t| t.name.as_str()).collect();
    let hint = if names.is_empty() {
        format!("the site has no {kind}s")
    } else {
        let more = if list.len() > names.len() {
            ", …"
        } else {
            ""
        };
        format!("the site's {kind}s: {}{more}", names.join(", "))
    };
    Problem::in_file("command line", format!("no {kind} named `{name}`"))
        .with_hint(hint)
        .with_kind(crate::diagnostic::FailureKind::Usage)
}

/// "Thursday".
fn weekday_name(date: Date) -> &'static str {
    use jiff::civil::Weekday::*;
    match date.weekday() {
        Monday => "Monday",
        Tuesday => "Tuesday",
        Wednesday => "Wednesday",
        Thursday => "Thursday",
        Friday => "Friday",
        Saturday => "Saturday",
        Sunday => "Sunday",
    }
}

/// The papers of a day or week of the site (its email preview, a digest-feed entry).
pub(crate) fn of_scope(
    index: &SiteIndex,
    papers: &[Paper],
    config: &Config,
    scope: EmailScope,
) -> Chosen {
    let period = match scope {
        EmailScope::Day(i) => Period::Day(index.days[i].date),
        EmailScope::Week(w) => Period::Week {
            year: index.weeks[w].year,
            week: index.weeks[w].week,
        },
    };
    let selection = Selection {
        period,
        filter: None,
    };
    // A day or week of the index has papers, and no filter can be unknown.
    choose(config, papers, index, &selection)
        .ok()
        .flatten()
        .unwrap_or_else(|| Chosen {
            ids: Vec::new(),
            heading: String::new(),
            filter_name: None,
            path: routes::HOME.to_string(),
            key: String::new(),
            day: None,
        })
}
