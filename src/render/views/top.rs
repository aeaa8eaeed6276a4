//! The top page (`/top/`): the most upvoted papers of the last 7 and 30 days of listings, a
//! snapshot at build time like Hugging Face's weekly and monthly views, with when the upvotes
//! were fetched (the fetch ledger's newest successful fetch), since a count is only as fresh
//! as the last fetch of its day.

use serde::Serialize;

use super::SiteData;
use super::cards::Coins;
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
        let month = self.recent_top(30, MONTH_LIMIT);
        let week = self.recent_top(7, WEEK_LIMIT);
        // Each paper's COinS once on the page: in the 30 days' list, and in the 7 days' list
        // only for a paper the other leaves out.
        for (key, period, days, ids, coins_elsewhere) in [
            ("top_week", "week_papers", 7, &week, &month[..]),
            ("top_month", "month_papers", 30, &month, &[][..]),
        ] {
            sink.view(key, || {
                newest.map(|to| PeriodView {
                    from: display_date(recent_start(to, days)),
                    to: display_date(to),
                })
            });
            let inputs = (Each(self.compact_hashes, ids), coins_elsewhere);
            sink.made_of(period, inputs, || {
                let entries = ids.iter().map(|&id| {
                    let coins = if coins_elsewhere.contains(&id) {
                        Coins::Without
                    } else {
                        Coins::With
                    };
                    self.compact_card(id, coins)
                });
                tera::Value::from(entries.collect::<Vec<_>>())
            });
        }
        sink.view("signals", || SignalsView {
            upvotes_fetched_at: self
                .ledger
                .and_then(|sources| sources.iter().map(|s| s.fetched_at.clone()).max()),
        });
    }
}
