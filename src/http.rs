//! What digest's HTTP clients (`fetch`, `enrich`, `check --external`, the build's guard) share:
//! reading a `Retry-After` header.

use std::time::Duration;

/// A `Retry-After` value (RFC 9110 §10.2.3): delay seconds (`120`) or an HTTP date (`Wed, 21
/// Oct 2026 07:28:00 GMT`), as the time to wait from `now`; a date in the past is no wait.
/// `None` when it is neither.
pub(crate) fn retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let seconds = when.as_second().saturating_sub(now.as_second());
    Some(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The union of the cases of the three readers this one replaced.
    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now: jiff::Timestamp = "2026-10-21T07:27:00Z".parse().unwrap();
        for (value, wait) in [
            ("2", Some(2)),
            (" 120 ", Some(120)),
            ("0", Some(0)),
            ("Wed, 21 Oct 2026 07:28:00 GMT", Some(60)),
            ("Wed, 21 Oct 2026 07:00:00 GMT", Some(0)),
            ("Wed, 21 Oct 2026 08:27:00 +0000", Some(3600)),
            ("soon", None),
            ("-1", None),
            ("", None),
            ("1.5", None),
        ] {
            assert_eq!(
                retry_after(value, now),
                wait.map(Duration::from_secs),
                "{value:?}"
            );
        }
    }
}
