//! One digest sent to one list: the recipients the ledger has not seen get it, one message
//! each or in Bcc batches; a batch the server refuses (one refused recipient fails the whole
//! transaction) is sent again recipient by recipient, so the others still get it. The ledger
//! is saved after every accepted message. What failed is returned, per recipient; nothing here
//! prints.

use jiff::Timestamp;
use lettre::message::Mailbox;

use super::ledger::{Delivery, Ledger};
use super::message::{self, Letter, Recipients};
use super::recipients::normalized;
use super::smtp::{Outbox, SendError};
use crate::config::EmailOptions;
use crate::diagnostic::Failure;

/// One digest for one list.
pub(crate) struct Mailing<'a> {
    /// What the messages say.
    pub letter: &'a Letter,
    /// `[email]`: the sender, the list's address, the batch size.
    pub options: &'a EmailOptions,
    /// The list's name in the ledger.
    pub list: &'a str,
    /// The time of a `--resend` run (new Message-IDs), or `None`.
    pub resend: Option<Timestamp>,
}

/// What a run did.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// The recipients whose message the server accepted.
    pub delivered: Vec<Mailbox>,
    /// Messages the server accepted (a Bcc batch is one).
    pub messages: usize,
    /// The recipients not reached, each with why.
    pub failed: Vec<(Mailbox, String)>,
}

/// The recipients of `all` who have not got digest `key` in `list` by the ledger (all of them
/// with `resend`).
pub(crate) fn pending(
    ledger: &Ledger,
    key: &str,
    list: &str,
    all: &[Mailbox],
    resend: bool,
) -> Vec<Mailbox> {
    all.iter()
        .filter(|m| resend || ledger.delivery(key, list, &normalized(m)).is_none())
        .cloned()
        .collect()
}

/// The groups `recipients` are sent in: one each, or batches of `bcc_batch`.
pub(crate) fn groups(recipients: &[Mailbox], bcc_batch: usize) -> Vec<Recipients<'_>> {
    match bcc_batch {
        0 => recipients.iter().map(Recipients::One).collect(),
        n => recipients.chunks(n).map(Recipients::Bcc).collect(),
    }
}

/// Sends the mailing to `recipients` through `outbox`, recording each accepted message in
/// `ledger` and calling `save` right after. A `save` that fails stops the run with its error:
/// going on would send again, next time, what the ledger could not keep. Two connection
/// failures in a row stop the sending too: the rest are failed with that reason.
pub(crate) fn deliver(
    mailing: &Mailing<'_>,
    recipients: &[Mailbox],
    outbox: &mut dyn Outbox,
    ledger: &mut Ledger,
    save: &mut dyn FnMut(&Ledger) -> Result<(), Failure>,
) -> Result<Outcome, Failure> {
    let mut run = Run {
        mailing,
        outbox,
        ledger,
        save,
        outcome: Outcome::default(),
        connection_failures: 0,
        broken: None,
    };
    for group in groups(recipients, mailing.options.bcc_batch) {
        match run.attempt(group)? {
            Ok(()) => {}
            // One refused recipient fails the whole transaction: each on their own, the
            // others still get it.
            Err(SendError::Refused(_)) if group.mailboxes().len() > 1 => {
                for one in group.mailboxes() {
                    let single = Recipients::Bcc(std::slice::from_ref(one));
                    if let Err(error) = run.attempt(single)? {
                        run.fail(single, &error);
                    }
                }
            }
            Err(error) => run.fail(group, &error),
        }
    }
    Ok(run.outcome)
}

/// The state of one [`deliver`].
struct Run<'r, 'a> {
    mailing: &'r Mailing<'a>,
    outbox: &'r mut dyn Outbox,
    ledger: &'r mut Ledger,
    save: &'r mut dyn FnMut(&Ledger) -> Result<(), Failure>,
    outcome: Outcome,
    /// Connection failures since the last accepted or refused message.
    connection_failures: usize,
    /// Why the connection failed twice in a row: nothing more is tried.
    broken: Option<String>,
}

impl Run<'_, '_> {
    /// Sends one message to `group`: `Ok(Ok(()))` when the server accepted it (then it is in
    /// the ledger, saved), `Ok(Err(why))` when not; `Err` when the ledger cannot be saved.
    fn attempt(&mut self, group: Recipients<'_>) -> Result<Result<(), SendError>, Failure> {
        if let Some(why) = &self.broken {
            return Ok(Err(SendError::Connection(why.clone())));
        }
        let mailing = self.mailing;
        let outgoing = message::build(mailing.letter, mailing.options, group, mailing.resend)
            .map_err(|p| Failure::new(p.kind, p.render()))?;
        match self.outbox.send(&outgoing.envelope, &outgoing.bytes) {
            Ok(()) => {
                self.connection_failures = 0;
                let at = Timestamp::now();
                for mailbox in group.mailboxes() {
                    let delivery = Delivery {
                        at,
                        message_id: outgoing.message_id.clone(),
                    };
                    self.ledger.record(
                        &mailing.letter.key,
                        mailing.list,
                        &normalized(mailbox),
                        delivery,
                    );
                }
                (self.save)(self.ledger)?;
                self.outcome.delivered.extend_from_slice(group.mailboxes());
                self.outcome.messages += 1;
                Ok(Ok(()))
            }
            Err(error) => {
                match &error {
                    SendError::Connection(why) => {
                        self.connection_failures += 1;
                        if self.connection_failures >= 2 {
                            self.broken = Some(why.clone());
                        }
                    }
                    SendError::Refused(_) => self.connection_failures = 0,
                }
                Ok(Err(error))
            }
        }
    }

    /// Counts every recipient of `group` as failed for `error`.
    fn fail(&mut self, group: Recipients<'_>, error: &SendError) {
        for mailbox in group.mailboxes() {
            self.outcome
                .failed
                .push((mailbox.clone(), error.to_string()));
        }
    }
}

#[cfg(test)]
mod tests;
