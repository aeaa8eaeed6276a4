//! The lists pages are made of: days, months and weeks as pages refer to them, papers grouped
//! by day, the orders a list can be read in, tags and keyword feeds, pagers. Views only.

use jiff::civil::Date;
use serde::Serialize;
use tera::Value;

use super::SiteData;
use super::cards::Coins;
use crate::calendar::{display_date, month_name};
use crate::config::Config;
use crate::config::{Field, TopicRule};
use crate::index::PaperId;
use crate::index::keywords::{Place, Reason, Topic, TopicMatch};
use crate::index::paginate::Pager;
use crate::plan::Sort;
use crate::routes;

#[derive(Serialize, Hash)]
pub(super) struct PagerView {
    pub(super) number: usize,
    pub(super) total: usize,
    pub(super) prev_url: Option<String>,
    pub(super) next_url: Option<String>,
}

pub(super) fn pager_view(config: &Config, base: &str, pager: &Pager) -> PagerView {
    let url = |n: usize| config.link(&routes::page(base, n));
    PagerView {
        number: pager.number,
        total: pager.total,
        prev_url: (pager.number > 1).then(|| url(pager.number - 1)),
        next_url: (pager.number < pager.total).then(|| url(pager.number + 1)),
    }
}

#[derive(Serialize, Hash)]
pub(super) struct DayRef {
    pub(super) date: String,
    pub(super) date_display: String,
    pub(super) url: String,
    pub(super) count: usize,
}

pub(super) fn day_ref(config: &Config, date: Date, count: usize) -> DayRef {
    DayRef {
        date: date.to_string(),
        date_display: display_date(date),
        url: config.link(&routes::day(date)),
        count,
    }
}

#[derive(Serialize, Hash)]
pub(super) struct MonthRef {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) count: usize,
}

pub(super) fn month_ref(config: &Config, year: i16, month: i8, count: usize) -> MonthRef {
    MonthRef {
        title: format!("{} {year}", month_name(month)),
        url: config.link(&routes::month(year, month)),
        count,
    }
}

impl SiteData<'_> {
    /// Papers grouped by day, in the order given (which is newest day first), as cards or, when
    /// `compact`, as title-list entries.
    pub(super) fn day_groups(
        &self,
        ids: &[PaperId],
        compact: bool,
        orders: Option<&[String]>,
    ) -> Value {
        let mut groups: Vec<Value> = Vec::new();
        let mut start = 0;
        while start < ids.len() {
            let date = self.papers[ids[start]].date;
            let end = start
                + ids[start..]
                    .iter()
                    .take_while(|&&id| self.papers[id].date == date)
                    .count();
            let mut group = tera::Map::default();
            group.insert(
                "day".into(),
                Value::from_serializable(&day_ref(self.config, date, end - start)),
            );
            let papers = if compact {
                self.compact_cards_of(&ids[start..end], Coins::With)
            } else {
                self.cards_of(&ids[start..end])
            };
            group.insert("papers".into(), papers);
            if let Some(orders) = orders {
                let orders = orders.get(start..end).unwrap_or_default();
                group.insert("orders".into(), Value::from_serializable(&orders));
            }
            groups.push(Value::from(group));
            start = end;
        }
        Value::from(groups)
    }

    /// The papers of days (indices into the day list), in listing order.
    pub(super) fn papers_of_days(&self, days: &[usize]) -> Vec<PaperId> {
        days.iter()
            .flat_map(|&d| self.index.days[d].papers.iter().copied())
            .collect()
    }

    /// Paper `id`'s related papers.
    pub(crate) fn related_of(&self, id: PaperId) -> &[PaperId] {
        self.related.get(id).map_or(&[], Vec::as_slice)
    }

    /// The upvoted papers of the last `days` calendar days of listings (the newest listing day
    /// and the `days - 1` before it: a snapshot at build time, like Hugging Face's weekly and
    /// monthly views), most upvoted first, ties in listing order (newer day, then title), at
    /// most `limit`.
    pub(crate) fn recent_top(&self, days: i16, limit: usize) -> Vec<PaperId> {
        let Some(newest) = self.index.days.first().map(|d| d.date) else {
            return Vec::new();
        };
        let first = recent_start(newest, days);
        let within: Vec<usize> = (0..self.index.days.len())
            .take_while(|&d| self.index.days[d].date >= first)
            .collect();
        let mut ids = self.papers_of_days(&within);
        ids.retain(|&id| self.papers[id].upvotes.unwrap_or(0) > 0);
        let mut top = self.sorted(ids, Sort::Upvotes);
        top.truncate(limit);
        top
    }

    /// `ids` (in listing order) in the order `sort`; ties keep the listing order.
    pub(super) fn sorted(&self, mut ids: Vec<PaperId>, sort: Sort) -> Vec<PaperId> {
        let papers = self.papers;
        match sort {
            Sort::Upvotes => {
                ids.sort_by_key(|&id| std::cmp::Reverse(papers[id].upvotes.unwrap_or(0)))
            }
            Sort::Title => ids.sort_by_cached_key(|&id| {
                (papers[id].title.to_lowercase(), papers[id].slug.clone())
            }),
        }
        ids
    }

    pub(super) fn week_ref(&self, i: usize) -> WeekRef {
        let week = &self.index.weeks[i];
        let days = &self.index.days;
        let first = week.days.last().map(|&d| days[d].date);
        // The whole Monday-to-Sunday range, not just the days with papers.
        let monday = first.and_then(|d| {
            d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset())))
                .ok()
        });
        let sunday = monday.and_then(|m| m.checked_add(jiff::Span::new().days(6)).ok());
        let range = match (monday, sunday) {
            (Some(m), Some(s)) => format!("{} – {}", display_date(m), display_date(s)),
            _ => String::new(),
        };
        WeekRef {
            title: format!("Week {}, {}", week.week, week.year),
            range,
            url: self.config.link(&routes::week(week.year, week.week)),
            count: week.paper_count,
        }
    }

    /// Where each of `ids` goes in the order `sort`, from 1.
    pub(super) fn ranks(&self, ids: &[PaperId], sort: Sort) -> Vec<usize> {
        let position: std::collections::HashMap<PaperId, usize> =
            ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let mut ranks = vec![0; ids.len()];
        for (rank, id) in self.sorted(ids.to_vec(), sort).into_iter().enumerate() {
            ranks[position[&id]] = rank + 1;
        }
        ranks
    }

    /// The orders a day page offers: the page is most upvoted first; by title is a CSS order.
    pub(super) fn day_sorts(&self) -> Vec<SortLink> {
        if !self.config.output.sorted_views {
            return Vec::new();
        }
        vec![
            SortLink::new("Most upvoted", MOST_UPVOTED, true),
            SortLink::new("Title", BY_TITLE, false),
        ]
    }

    /// The orders a month page offers: by day, most upvoted first, by title.
    pub(super) fn month_sorts(&self) -> Vec<SortLink> {
        if !self.config.output.sorted_views {
            return Vec::new();
        }
        vec![
            SortLink::new("By day", BY_DAY, true),
            SortLink::new("Most upvoted", MOST_UPVOTED, false),
            SortLink::new("Title", BY_TITLE, false),
        ]
    }

    /// The keyword tag whose page is tag `t`'s, if it is one.
    pub(super) fn tag_topic(&self, t: usize) -> Option<Topic> {
        let slug = &self.index.tags[t].slug;
        (self.config.keyword_tags.values())
            .position(|rule| &rule.slug == slug)
            .and_then(|k| u16::try_from(k).ok())
            .map(Topic::Tag)
    }

    /// The cards of `ids`, each with why it matched `topic` (`matched`: `phrase`, `place`)
    /// when it did.
    pub(super) fn cards_with_reasons(&self, ids: &[PaperId], topic: Option<Topic>) -> Value {
        let Some(topic) = topic else {
            return self.cards_of(ids);
        };
        let cards = ids.iter().map(|&id| {
            let card = self.card(id);
            let Some(reasons) = self.topics.get(id).and_then(|m| reasons_of(m, topic)) else {
                return card;
            };
            // A card is always a map (see `cards::MapSink`).
            let mut map = card.into_map().unwrap_or_default();
            map.insert(
                "matched".into(),
                Value::from_serializable(&matched_views(reasons)),
            );
            Value::from(map)
        });
        Value::from(cards.collect::<Vec<_>>())
    }

    pub(super) fn tag_view(&self, t: usize) -> TagView<'_> {
        let tag = &self.index.tags[t];
        let base = routes::tag(&tag.slug);
        TagView {
            name: &tag.name,
            slug: &tag.slug,
            url: self.config.link(&base),
            feed_url: self.config.link(&routes::atom(&base)),
            json_feed_url: self.config.link(&routes::json_feed(&base)),
            bib_url: (self.config.output.bibtex_files)
                .then(|| self.config.link(&routes::bib(&base))),
            count: tag.papers.len(),
            trend: self.charts.tag_trends.get(t).map_or("", |trend| &**trend),
        }
    }
}

/// A keyword feed's page.
#[derive(Serialize, Hash)]
pub(super) struct KeywordFeedView<'a> {
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    pub(super) url: String,
    pub(super) atom_url: String,
    pub(super) json_url: String,
    /// The phrases at least one of which puts a paper in the feed (`any`).
    pub(super) phrases: Vec<&'a str>,
    /// The rule in words, beyond `phrases` (see [`RuleText`]).
    pub(super) rule: RuleText,
    pub(super) count: usize,
}

/// A topic rule in words, for its page: each part ready to follow "Papers whose … mentions".
#[derive(Serialize, Hash, Default)]
pub(super) struct RuleText {
    /// Where phrases are looked for: "title or abstract".
    pub(super) fields: String,
    /// Each group of `all`: "“localization”, “mapping” or “robot”".
    pub(super) also: Vec<String>,
    /// The phrases that keep a paper out: "“watermark”"; empty when none.
    pub(super) unless: String,
    /// The people followed: "Ada Lovelace or Alan Turing"; empty when none.
    pub(super) by: String,
    /// The phrases matched with case: "“SLAM”"; empty when none.
    pub(super) exact: String,
}

/// "“a”", "“a” or “b”", "“a”, “b” or “c”" (or the names without quotes, `quote` false).
fn either<'a>(texts: impl ExactSizeIterator<Item = &'a str>, quote: bool) -> String {
    let n = texts.len();
    let mut out = String::new();
    for (i, text) in texts.enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == n { " or " } else { ", " });
        }
        if quote {
            out.push('“');
        }
        out.push_str(text);
        if quote {
            out.push('”');
        }
    }
    out
}

impl RuleText {
    /// `rule` in words.
    pub(super) fn new(rule: &TopicRule) -> RuleText {
        let fields: Vec<&str> = rule.fields.iter().map(Field::name).collect();
        let exact: Vec<&str> = (rule.any.iter())
            .chain(rule.all.iter().flatten())
            .chain(&rule.exclude)
            .filter(|p| p.case_sensitive)
            .map(|p| p.text.as_str())
            .collect();
        RuleText {
            fields: either(fields.into_iter(), false),
            also: (rule.all.iter())
                .map(|g| either(g.iter().map(|p| p.text.as_str()), true))
                .collect(),
            unless: either(rule.exclude.iter().map(|p| p.text.as_str()), true),
            by: either(rule.authors.iter().map(String::as_str), false),
            exact: either(exact.into_iter(), true),
        }
    }
}

/// Why a paper is on a tag's or feed's page, as its card shows it ("matched: *SLAM* in title").
#[derive(Serialize)]
struct MatchedView<'a> {
    /// The phrase or author's name as the rule writes it.
    phrase: &'a str,
    /// "in title and abstract", or "(followed author)".
    place: String,
}

/// The reasons of `topic` among a paper's matches.
fn reasons_of(matches: &[TopicMatch], topic: Topic) -> Option<&[Reason]> {
    matches
        .iter()
        .find(|m| m.topic == topic)
        .map(|m| m.reasons.as_slice())
}

/// The reasons of `topic` of the papers `ids`, in order: what the "matched:" lines of their
/// cards are made of, for the page's fingerprint.
pub(super) struct ReasonsOf<'a>(
    pub &'a [Vec<TopicMatch>],
    pub &'a [PaperId],
    pub Option<Topic>,
);

impl std::hash::Hash for ReasonsOf<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let Some(topic) = self.2 else {
            return;
        };
        self.1.len().hash(state);
        for &id in self.1 {
            self.0
                .get(id)
                .and_then(|m| reasons_of(m, topic))
                .hash(state);
        }
    }
}

/// The reasons grouped by phrase, in order: one entry per phrase with every field it was
/// found in.
fn matched_views(reasons: &[Reason]) -> Vec<MatchedView<'_>> {
    let mut views: Vec<(&str, Vec<&'static str>, bool)> = Vec::new();
    for reason in reasons {
        let (field, followed) = match reason.place {
            Place::Field(field) => (Some(field.name()), false),
            Place::FollowedAuthor => (None, true),
        };
        match views
            .iter_mut()
            .find(|(text, _, f)| *text == &*reason.text && *f == followed)
        {
            Some((_, fields, _)) => fields.extend(field),
            None => views.push((&reason.text, field.into_iter().collect(), followed)),
        }
    }
    views
        .into_iter()
        .map(|(phrase, fields, followed)| MatchedView {
            phrase,
            place: if followed {
                "(followed author)".to_string()
            } else {
                let n = fields.len();
                let mut place = "in ".to_string();
                for (i, field) in fields.into_iter().enumerate() {
                    if i > 0 {
                        place.push_str(if i + 1 == n { " and " } else { ", " });
                    }
                    place.push_str(field);
                }
                place
            },
        })
        .collect()
}

/// A week as pages refer to it.
#[derive(Serialize, Hash)]
pub(super) struct WeekRef {
    /// "Week 6, 2025".
    pub(super) title: String,
    /// "Feb 3, 2025 – Feb 9, 2025".
    pub(super) range: String,
    pub(super) url: String,
    pub(super) count: usize,
}

/// The fragments that pick an order of a day's or month's list, without a page per order:
/// `/2025/02/#most-upvoted`. The list's items carry their place in each order (`--u`, `--t`)
/// and the theme's CSS orders them by the targeted fragment; `site.js` then moves them in the
/// document too, so reading order follows.
pub(crate) const MOST_UPVOTED: &str = "most-upvoted";
pub(crate) const BY_TITLE: &str = "by-title";
pub(crate) const BY_DAY: &str = "by-day";

/// One of the orders a list can be read in.
#[derive(Serialize, Hash)]
pub(super) struct SortLink {
    pub(super) label: &'static str,
    /// The fragment (and the id of its anchor).
    pub(super) id: &'static str,
    /// The order of the page as sent.
    pub(super) default: bool,
}

impl SortLink {
    fn new(label: &'static str, id: &'static str, default: bool) -> Self {
        SortLink { label, id, default }
    }
}

#[derive(Serialize, Hash)]
pub(super) struct TagView<'a> {
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    pub(super) url: String,
    pub(super) feed_url: String,
    pub(super) json_feed_url: String,
    /// `papers.bib` of the tag, unless `[output] bibtex_files = false`.
    pub(super) bib_url: Option<String>,
    pub(super) count: usize,
    /// Papers per month as an inline SVG (use with `| safe`).
    pub(super) trend: &'a str,
}

/// The first day of the `days` calendar days ending on `newest`.
pub(crate) fn recent_start(newest: jiff::civil::Date, days: i16) -> jiff::civil::Date {
    newest
        .checked_sub(jiff::Span::new().days(i64::from(days.max(1) - 1)))
        .unwrap_or(newest)
}
