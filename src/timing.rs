//! Phase timings for finding where a build's time goes: printed to standard error when the
//! environment variable `DIGEST_TIMINGS` is set. Costs one clock read per phase otherwise.

use std::time::Instant;

/// Measures consecutive phases of one operation.
pub struct PhaseTimer {
    enabled: bool,
    last: Instant,
}

impl PhaseTimer {
    /// Starts timing; prints only if `DIGEST_TIMINGS` is set.
    pub fn start() -> Self {
        PhaseTimer {
            enabled: std::env::var_os("DIGEST_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Ends the current phase, naming it.
    pub fn phase(&mut self, name: &str) {
        if self.enabled {
            let now = Instant::now();
            eprintln!(
                "  {name:<24} {:>8.1} ms",
                (now - self.last).as_secs_f64() * 1000.0
            );
            self.last = now;
        }
    }
}
