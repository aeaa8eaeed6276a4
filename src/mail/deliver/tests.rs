use std::collections::HashSet;

use lettre::address::Envelope;

use super::*;
use crate::diagnostic::FailureKind;

/// A server stand-in: refuses a transaction naming a refused address (as a real server's 550
/// at RCPT makes lettre give up the whole message), or fails every connection after some
/// messages.
#[derive(Default)]
struct FakeOutbox {
    refused: HashSet<String>,
    connection_fails_after: Option<usize>,
    /// Each accepted message's envelope recipients and bytes.
    accepted: Vec<(Vec<String>, Vec<u8>)>,
    attempts: usize,
}

impl Outbox for FakeOutbox {
    fn send(&mut self, envelope: &Envelope, bytes: &[u8]) -> Result<(), SendError> {
        self.attempts += 1;
        if self
            .connection_fails_after
            .is_some_and(|n| self.accepted.len() >= n)
        {
            return Err(SendError::Connection("connection reset".into()));
        }
        let to: Vec<String> = envelope.to().iter().map(|a| a.to_string()).collect();
        if let Some(bad) = to.iter().find(|a| self.refused.contains(*a)) {
            return Err(SendError::Refused(format!(
                "permanent error (550): no such user <{bad}>"
            )));
        }
        self.accepted.push((to, bytes.to_vec()));
        Ok(())
    }
}

fn options(bcc_batch: usize) -> EmailOptions {
    let text = "title = \"Lab\"\nbase_url = \"https://u.github.io/p/\"\n[email]\nfrom = \"digest@lab.example.org\"\n";
    let mut options = crate::config::Config::parse(text, "site.toml", None)
        .unwrap()
        .email;
    options.bcc_batch = bcc_batch;
    options
}

fn letter() -> Letter {
    Letter {
        subject: "Lab: 6 Feb".into(),
        html: "<p>x</p>".into(),
        text: "x".into(),
        key: "day/2025-02-06".into(),
        url: "https://u.github.io/p/2025/02/06/".into(),
    }
}

fn readers(n: usize) -> Vec<Mailbox> {
    (1..=n)
        .map(|i| format!("reader{i}@example.org").parse().unwrap())
        .collect()
}

/// Runs [`deliver`] and counts the saves.
fn run(
    options: &EmailOptions,
    to: &[Mailbox],
    outbox: &mut FakeOutbox,
    ledger: &mut Ledger,
) -> (Outcome, usize) {
    let letter = letter();
    let mailing = Mailing {
        letter: &letter,
        options,
        list: "readers",
        resend: None,
    };
    let mut saves = 0;
    let outcome = deliver(&mailing, to, outbox, ledger, &mut |_| {
        saves += 1;
        Ok(())
    })
    .unwrap();
    (outcome, saves)
}

#[test]
fn one_message_each_saved_after_each() {
    let to = readers(3);
    let (mut outbox, mut ledger) = (FakeOutbox::default(), Ledger::new().unwrap());
    let (outcome, saves) = run(&options(0), &to, &mut outbox, &mut ledger);
    assert_eq!(
        (outcome.messages, saves, outcome.delivered.len()),
        (3, 3, 3)
    );
    assert!(outcome.failed.is_empty());
    for (i, (envelope, _)) in outbox.accepted.iter().enumerate() {
        assert_eq!(envelope, &[format!("reader{}@example.org", i + 1)]);
    }
    // The ledger knows them all: nothing is pending, unless resent.
    assert!(pending(&ledger, "day/2025-02-06", "readers", &to, false).is_empty());
    assert_eq!(
        pending(&ledger, "day/2025-02-06", "readers", &to, true).len(),
        3
    );
    assert_eq!(
        pending(&ledger, "day/2025-02-06", "others", &to, false).len(),
        3
    );
    assert_eq!(
        pending(&ledger, "day/2025-02-07", "readers", &to, false).len(),
        3
    );
}

#[test]
fn bcc_batches_are_one_message_each() {
    let to = readers(5);
    let (mut outbox, mut ledger) = (FakeOutbox::default(), Ledger::new().unwrap());
    let (outcome, saves) = run(&options(2), &to, &mut outbox, &mut ledger);
    assert_eq!(
        (outcome.messages, saves, outcome.delivered.len()),
        (3, 3, 5)
    );
    let sizes: Vec<usize> = outbox.accepted.iter().map(|(e, _)| e.len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(ledger.served("day/2025-02-06", "readers"), 5);
}

/// One refused address in a batch: the batch is sent again one by one, the others get it.
#[test]
fn a_refused_recipient_does_not_cost_the_rest_of_its_batch() {
    let to = readers(5);
    let mut outbox = FakeOutbox {
        refused: HashSet::from(["reader2@example.org".to_string()]),
        ..FakeOutbox::default()
    };
    let mut ledger = Ledger::new().unwrap();
    let (outcome, _) = run(&options(3), &to, &mut outbox, &mut ledger);
    let failed: Vec<String> = outcome.failed.iter().map(|(m, _)| m.to_string()).collect();
    assert_eq!(failed, ["reader2@example.org"]);
    assert!(outcome.failed[0].1.contains("550"), "{:?}", outcome.failed);
    assert_eq!(outcome.delivered.len(), 4);
    let envelopes: Vec<Vec<String>> = outbox.accepted.iter().map(|(e, _)| e.clone()).collect();
    assert_eq!(
        envelopes,
        [
            vec!["reader1@example.org".to_string()],
            vec!["reader3@example.org".to_string()],
            vec![
                "reader4@example.org".to_string(),
                "reader5@example.org".to_string()
            ],
        ]
    );
    let left = pending(&ledger, "day/2025-02-06", "readers", &to, false);
    assert_eq!(left, [to[1].clone()]);
}

#[test]
fn a_refused_single_recipient_is_reported_and_the_run_goes_on() {
    let to = readers(3);
    let mut outbox = FakeOutbox {
        refused: HashSet::from(["reader1@example.org".to_string()]),
        ..FakeOutbox::default()
    };
    let mut ledger = Ledger::new().unwrap();
    let (outcome, saves) = run(&options(0), &to, &mut outbox, &mut ledger);
    assert_eq!(
        (outcome.delivered.len(), outcome.failed.len(), saves),
        (2, 1, 2)
    );
}

/// A connection that fails twice in a row stops the sending: the rest are failed with that
/// reason and not tried.
#[test]
fn a_dead_connection_fails_the_rest_without_trying() {
    let to = readers(6);
    let mut outbox = FakeOutbox {
        connection_fails_after: Some(2),
        ..FakeOutbox::default()
    };
    let mut ledger = Ledger::new().unwrap();
    let (outcome, _) = run(&options(0), &to, &mut outbox, &mut ledger);
    assert_eq!(outcome.delivered.len(), 2);
    assert_eq!(outcome.failed.len(), 4);
    assert!(
        outcome
            .failed
            .iter()
            .all(|(_, why)| why == "connection reset")
    );
    assert_eq!(
        outbox.attempts, 4,
        "two accepted, two failed, then none tried"
    );
}

/// A ledger that cannot be saved stops the run after the message it could not keep.
#[test]
fn a_ledger_that_cannot_be_saved_stops_the_run() {
    let to = readers(3);
    let letter = letter();
    let options = options(0);
    let mailing = Mailing {
        letter: &letter,
        options: &options,
        list: "readers",
        resend: None,
    };
    let mut outbox = FakeOutbox::default();
    let mut ledger = Ledger::new().unwrap();
    let err = deliver(&mailing, &to, &mut outbox, &mut ledger, &mut |_| {
        Err(Failure::new(FailureKind::Output, "disk full"))
    })
    .unwrap_err();
    assert_eq!(
        (err.kind, err.message.as_str()),
        (FailureKind::Output, "disk full")
    );
    assert_eq!(outbox.attempts, 1);
}
