//! Phase timings for finding where a build's time goes: printed to standard error when the
//! environment variable `DIGEST_TIMINGS` is set. Costs one clock read per phase otherwise.

use std::time::Instant;

/// Measures consecutive phases of one operation.
pub(crate) struct PhaseTimer {
    enabled: bool,
    last: Instant,
}

impl PhaseTimer {
    /// Starts timing; prints only if `DIGEST_TIMINGS` is set.
    pub(crate) fn start() -> Self {
        PhaseTimer {
            enabled: std::env::var_os("DIGEST_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Whether phases are printed (`DIGEST_TIMINGS` is set).
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Ends the current phase, naming it.
    pub(crate) fn phase(&mut self, name: &str) {
        if self.enabled {
            let now = Instant::now();
            eprintln!(
                "  {name:<24} {:>8.1} ms {:>7} MB resident",
                (now - self.last).as_secs_f64() * 1000.0,
                resident_mb().map_or_else(|| "?".to_string(), |mb| mb.to_string())
            );
            self.last = now;
        }
    }
}

/// The process's resident memory in MB, where the system says it (Linux's `/proc`).
fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / 1_000_000)
}

/// Time spent per kind of page, in up to three steps, summed over threads: printed by
/// [`KindCosts::print`] when `DIGEST_TIMINGS` is set, and free otherwise (no clock is read).
pub(crate) struct KindCosts {
    totals: Option<std::sync::Mutex<Totals>>,
}

/// Per kind of page: pages seen, and seconds per step.
type Totals = std::collections::BTreeMap<&'static str, (u32, [f64; 3])>;

/// The steps of one page: each [`Clock::lap`] ends a step.
pub(crate) struct Clock {
    last: Option<Instant>,
    steps: [f64; 3],
}

impl Clock {
    /// Ends step `step` (0 to 2): the time since the previous lap is added to it.
    pub(crate) fn lap(&mut self, step: usize) {
        if let Some(last) = self.last {
            let now = Instant::now();
            self.steps[step.min(2)] += (now - last).as_secs_f64();
            self.last = Some(now);
        }
    }
}

impl KindCosts {
    /// Starts collecting when `DIGEST_TIMINGS` is set.
    pub(crate) fn start() -> Self {
        KindCosts {
            totals: std::env::var_os("DIGEST_TIMINGS").map(|_| Default::default()),
        }
    }

    /// A clock for one page (reads no time when not collecting).
    pub(crate) fn clock(&self) -> Clock {
        Clock {
            last: self.totals.as_ref().map(|_| Instant::now()),
            steps: [0.0; 3],
        }
    }

    /// Adds a page's steps to its kind.
    pub(crate) fn add(&self, kind: &'static str, clock: &Clock) {
        if let Some(totals) = &self.totals
            && let Ok(mut totals) = totals.lock()
        {
            let entry = totals.entry(kind).or_default();
            entry.0 += 1;
            for (sum, step) in entry.1.iter_mut().zip(clock.steps) {
                *sum += step;
            }
        }
    }

    /// Prints each kind's page count and thread-milliseconds per step, most costly first.
    pub(crate) fn print(&self, steps: [&str; 3]) {
        let Some(totals) = &self.totals else {
            return;
        };
        let Ok(totals) = totals.lock() else {
            return;
        };
        let mut rows: Vec<_> = totals.iter().collect();
        rows.sort_by(|a, b| {
            b.1.1
                .iter()
                .sum::<f64>()
                .total_cmp(&a.1.1.iter().sum::<f64>())
        });
        for (kind, (count, sums)) in rows {
            let parts: Vec<String> = steps
                .iter()
                .zip(sums)
                .map(|(name, s)| format!("{name} {:.0}", s * 1000.0))
                .collect();
            eprintln!(
                "      {kind:<10} {count:>7} pages, thread-ms: {}",
                parts.join(", ")
            );
        }
    }
}
