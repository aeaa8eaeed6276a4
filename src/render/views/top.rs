//! The top page (`/top/`): the most upvoted papers of the last 7 and 30 days of listings, a
//! snapshot at build time like Hugging Face's weekly and monthly views, with when the upvotes
//! were fetched (the fetch ledger's newest successful fetch), since a count is only as fresh
//! as the last fetch of its day.

use serde::Serialize;

use super::SiteData;
use super::lists::recent_start;
use super::pages::{Each, PageSink};
use crate::calendar::display_date;

/// Papers listed for the last 7 days, and for the last 30.
const WEEK_LIMIT: usize = 20;
const MONTH_LIMIT: usize = 30;

/// A period of the top page.
#[derive(Debug, Serialize, Hash)]
struct PeriodView {
    /// The first day, as shown.
    from: String,
    /// The newest listing day, as shown.
    to: String,
}

/// When the upvotes were fetched, as far as the site knows.
#[derive(Debug, Serialize, Hash)]
struct SignalsView {
    /// The newest successful fetch of the fetch ledger (RFC 3339), if the site keeps one.
    upvotes_fetched_at: Option<String>,
}

impl SiteData<'_> {
    /// What the top page is made of.
    pub(super) fn describe_top(&self, sink: &mut impl PageSink) {
        let newest = self.index.days.first().map(|d| d.date);
        for (key, period, days, limit) in [
            ("week", "week_papers", 7, WEEK_LIMIT),
            ("month", "month_papers", 30, MONTH_LIMIT),
        ] {
            sink.view(key, || {
                newest.map(|to| PeriodView {
                    from: display_date(recent_start(to, days)),
                    to: display_date(to),
                })
            });
            let ids = self.recent_top(days, limit);
            sink.made_of(period, Each(self.compact_hashes, &ids), || {
                self.compact_cards_of(&ids)
            });
        }
        sink.view("signals", || SignalsView {
            upvotes_fetched_at: self
                .ledger
                .and_then(|sources| sources.iter().map(|s| s.fetched_at.clone()).max()),
        });
    }
}
