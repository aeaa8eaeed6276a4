use super::*;

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

fn entry(papers: usize, fingerprint: &str, outcome: Outcome) -> DayEntry {
    DayEntry {
        papers,
        fetched: "2025-02-08T03:17:00Z".parse().unwrap(),
        fingerprint: fingerprint.to_string(),
        outcome,
    }
}

#[test]
fn text_reads_back_to_the_same_ledger_sorted() {
    let mut ledger = Ledger::default();
    ledger.record(
        "hf",
        day("2025-02-07"),
        entry(3, "fnv1a64:b", Outcome::Listed),
    );
    ledger.record(
        "hf",
        day("2025-02-08"),
        entry(0, "fnv1a64:c", Outcome::NoList),
    );
    ledger.record(
        "hf",
        day("2025-02-03"),
        entry(12, "fnv1a64:a", Outcome::Listed),
    );
    ledger.record(
        "a mirror",
        day("2025-02-03"),
        entry(1, "fnv1a64:d", Outcome::Listed),
    );
    let text = ledger.to_text();
    assert_eq!(Ledger::parse(&text).unwrap(), ledger);
    let order: Vec<usize> = [
        "[\"a mirror\".\"2025-02-03\"]",
        "[hf.\"2025-02-03\"]",
        "[hf.\"2025-02-07\"]",
        "[hf.\"2025-02-08\"]",
    ]
    .iter()
    .map(|t| text.find(t).unwrap_or_else(|| panic!("{t} in\n{text}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("fetched = 2025-02-08T03:17:00Z\n"), "{text}");
    assert_eq!(
        ledger.last_success("hf"),
        Some((day("2025-02-07"), "2025-02-08T03:17:00Z".parse().unwrap()))
    );
    assert_eq!(ledger.days("hf").count(), 3);
    assert_eq!(ledger.last_success("arxiv"), None);
}

#[test]
fn an_unchanged_answer_keeps_its_entry_and_a_changed_one_replaces_it() {
    let mut ledger = Ledger::default();
    ledger.record(
        "hf",
        day("2025-02-07"),
        entry(3, "fnv1a64:b", Outcome::Listed),
    );
    let mut later = entry(3, "fnv1a64:b", Outcome::Listed);
    later.fetched = "2025-02-09T03:17:00Z".parse().unwrap();
    ledger.record("hf", day("2025-02-07"), later.clone());
    assert_eq!(
        ledger.days("hf").next().unwrap().1.fetched.to_string(),
        "2025-02-08T03:17:00Z"
    );
    later.fingerprint = "fnv1a64:e".into();
    later.papers = 4;
    ledger.record("hf", day("2025-02-07"), later.clone());
    assert_eq!(ledger.days("hf").next().unwrap().1, &later);
}

/// A broken ledger is an error at the line and column of the mistake.
#[test]
fn errors_name_line_and_column() {
    let good = "[hf.\"2025-02-07\"]\npapers = 3\nfetched = 2025-02-08T03:17:00Z\nfingerprint = \"fnv1a64:b\"\noutcome = \"listed\"\n";
    assert!(Ledger::parse(good).is_ok());
    for (bad, line, what) in [
        (
            good.replace("2025-02-07", "2025-02-30"),
            1,
            "not a listing day",
        ),
        (good.replace("papers = 3", "papers = -3"), 2, ""),
        (
            good.replace("2025-02-08T03:17:00Z", "2025-02-08"),
            3,
            "2025-02-07T03:17:00Z",
        ),
        (good.replace("\"listed\"", "\"fine\""), 5, "listed"),
        (good.replace("outcome", "outcom"), 5, "outcom"),
        (good.replace("papers = 3\n", "papers = 3\n[x\n"), 3, ""),
    ] {
        let (offset, message) = Ledger::parse(&bad).unwrap_err();
        let (l, _) = crate::diagnostic::line_col(&bad, offset);
        assert_eq!(l, line, "{message}\n{bad}");
        assert!(message.contains(what), "{message}");
    }
}

#[test]
fn missing_days_weekends_and_holidays() {
    let mut ledger = Ledger::default();
    let until = day("2025-02-09");
    assert_eq!(ledger.missing_from("hf", until), day("2025-01-27"));
    ledger.record("hf", day("2025-01-02"), entry(3, "x", Outcome::Listed));
    assert_eq!(
        ledger.missing_from("hf", until),
        day("2025-01-03"),
        "catches up"
    );
    ledger.record("hf", day("2025-02-07"), entry(3, "x", Outcome::Listed));
    assert_eq!(
        ledger.missing_from("hf", until),
        day("2025-01-27"),
        "the window"
    );
    assert_eq!(
        ledger.unrecorded("hf", day("2025-02-06"), until),
        [day("2025-02-06"), day("2025-02-08"), day("2025-02-09")]
    );
    // A Saturday is a day without a list; a Wednesday before a listed Friday, a holiday; a
    // Monday after the newest listed day is a failure.
    assert!(ledger.empty_means_no_list("hf", day("2025-02-08")));
    assert!(ledger.empty_means_no_list("hf", day("2025-02-05")));
    assert!(!ledger.empty_means_no_list("hf", day("2025-02-10")));
    assert!(!ledger.empty_means_no_list("other", day("2025-02-05")));
    assert_eq!(days_between(day("2025-02-28"), day("2025-03-01")).len(), 2);
    assert!(days_between(until, day("2025-02-01")).is_empty());
}

/// FNV-1a's published test vectors: the fingerprint is the same everywhere, forever.
#[test]
fn fingerprint_is_fnv1a_64() {
    assert_eq!(fingerprint(""), "fnv1a64:cbf29ce484222325");
    assert_eq!(fingerprint("a"), "fnv1a64:af63dc4c8601ec8c");
    assert_eq!(fingerprint("foobar"), "fnv1a64:85944171f73967e8");
}
