//! What an email digest shows of each paper: the same card as the lists (said once, in
//! [`super::cards`]), with absolute links, since a mail client has no base URL to resolve a
//! path against, and without tags, whose pages a reader reaches from the paper's page.

use tera::Value;

use super::SiteData;
use super::cards::{CARD_FIELDS, CardSource, Coins, MapSink, describe_card};
use super::pages::{Each, PageSink};
use crate::config::DigestPeriod;
use crate::index::PaperId;
use crate::plan::EmailScope;

impl SiteData<'_> {
    /// The cards of papers `ids`, in order, with absolute links. What they are made of is
    /// `Each(card_hashes, ids)`: a card hash covers every field of the card.
    pub(crate) fn email_cards(&self, ids: &[PaperId]) -> Value {
        let base = self.config.base_url.as_str();
        Value::from(
            ids.iter()
                .map(|&id| {
                    let mut sink = MapSink::new(CARD_FIELDS, &[]);
                    let source = CardSource::new(&self.card_rows(), self.index, id);
                    // No COinS: no reference manager reads a mail.
                    describe_card(&source, base, 0, Coins::Without, &mut sink);
                    sink.into_value()
                })
                .collect::<Vec<_>>(),
        )
    }
}

impl SiteData<'_> {
    /// The days of an email's scope, as indices into [`crate::index::SiteIndex::days`].
    pub(crate) fn email_days(&self, scope: EmailScope) -> Vec<usize> {
        match scope {
            EmailScope::Day(i) => vec![i],
            EmailScope::Week(w) => self.index.weeks[w].days.clone(),
        }
    }

    /// What an email preview is made of: the cards of its days' papers, in their listing
    /// order (which, with the upvotes in the cards, decides the email's order).
    pub(super) fn describe_email(&self, scope: EmailScope, sink: &mut impl PageSink) {
        // Each day by its date, not its place in the index: a new day moves every day's place,
        // and the other days' emails stay as they are.
        for day in self.email_days(scope) {
            let day = &self.index.days[day];
            sink.generated((day.date, Each(self.card_hashes, &day.papers)));
        }
    }

    /// The scopes of the digest feed's entries, newest first (`[email] feed` and `recent`).
    pub(crate) fn digest_feed_scopes(&self) -> Vec<EmailScope> {
        let email = &self.config.email;
        match email.feed {
            Some(DigestPeriod::Week) => (0..self.index.weeks.len().min(email.recent))
                .map(EmailScope::Week)
                .collect(),
            Some(DigestPeriod::Day) => (0..self.index.days.len().min(email.recent))
                .map(EmailScope::Day)
                .collect(),
            None => Vec::new(),
        }
    }

    /// What the digest feed is made of: each entry's email.
    pub(super) fn describe_digest_feed(&self, sink: &mut impl PageSink) {
        for scope in self.digest_feed_scopes() {
            sink.generated(scope);
            self.describe_email(scope, sink);
        }
    }
}
