//! `[guard]` of `site.toml`: how far a new build may fall behind the output it replaces
//! before `digest build` refuses to publish it (the check itself is `build::guard`).

use serde::Deserialize;

use crate::diagnostic::{Location, Problem};

/// `[guard]` as written: each key a number, a string (`"5%"`) or `false`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawGuard {
    max_paper_drop: Option<toml::Spanned<toml::Value>>,
    max_stale_days: Option<toml::Spanned<toml::Value>>,
}

/// How many papers a build may lose against the output it replaces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PaperDrop {
    /// At most this share of the previous count, in percent (`"5%"`).
    Percent(f64),
    /// At most this many papers (`max_paper_drop = 50`).
    Papers(u64),
    /// Any drop (`false`).
    Off,
}

/// The guard's limits, resolved (`[guard]` of `site.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct GuardOptions {
    /// The largest paper drop published without `--accept-shrink`. Default 5%.
    pub max_paper_drop: PaperDrop,
    /// A build whose newest listing day went back to more than this many days before today is
    /// refused; `None` when off (`false` or 0). Default 3.
    pub max_stale_days: Option<u32>,
}

impl Default for GuardOptions {
    fn default() -> Self {
        GuardOptions {
            max_paper_drop: PaperDrop::Percent(5.0),
            max_stale_days: Some(3),
        }
    }
}

/// Resolves `[guard]`; problems point at the value in `site.toml`.
pub(super) fn resolve(
    raw: RawGuard,
    at: &dyn Fn(std::ops::Range<usize>) -> Location,
) -> Result<GuardOptions, Problem> {
    let mut guard = GuardOptions::default();
    if let Some(value) = raw.max_paper_drop {
        let span = value.span();
        guard.max_paper_drop = paper_drop(value.get_ref()).ok_or_else(|| {
            Problem::at(
                at(span),
                "max_paper_drop must be a percentage such as \"5%\", a number of papers, or false",
            )
            .with_hint("write max_paper_drop = \"5%\" (a share of the published papers), max_paper_drop = 50 (papers), or false to turn the check off")
        })?;
    }
    if let Some(value) = raw.max_stale_days {
        let span = value.span();
        guard.max_stale_days = match value.get_ref() {
            toml::Value::Boolean(false) | toml::Value::Integer(0) => None,
            toml::Value::Integer(n) if (1..=3650).contains(n) => Some(*n as u32),
            _ => {
                return Err(Problem::at(
                    at(span),
                    "max_stale_days must be a number of days (1 to 3650), 0 or false",
                )
                .with_hint("write max_stale_days = 3, or false to turn the check off"));
            }
        };
    }
    Ok(guard)
}

/// `"5%"`, `"5.5 %"`, `50` or `false`; `None` when none of those.
fn paper_drop(value: &toml::Value) -> Option<PaperDrop> {
    match value {
        toml::Value::Boolean(false) => Some(PaperDrop::Off),
        toml::Value::Integer(n) => u64::try_from(*n).ok().map(PaperDrop::Papers),
        toml::Value::String(text) => {
            let number = text.trim().strip_suffix('%')?.trim();
            let percent: f64 = number.parse().ok()?;
            (percent.is_finite() && (0.0..=100.0).contains(&percent))
                .then_some(PaperDrop::Percent(percent))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    use super::*;

    fn parse(guard: &str) -> Result<GuardOptions, String> {
        Config::parse(
            &format!("base_url = \"https://x/\"\n[guard]\n{guard}\n"),
            "site.toml",
            None,
        )
        .map(|c| c.guard)
        .map_err(|p| p.render())
    }

    #[test]
    fn guard_table() {
        let on = GuardOptions::default();
        assert_eq!(
            Config::parse("base_url = \"https://x/\"", "site.toml", None)
                .unwrap()
                .guard,
            on
        );
        for (text, drop, stale) in [
            ("", PaperDrop::Percent(5.0), Some(3)),
            (
                "max_paper_drop = \"10%\"",
                PaperDrop::Percent(10.0),
                Some(3),
            ),
            (
                "max_paper_drop = \" 2.5 %\"",
                PaperDrop::Percent(2.5),
                Some(3),
            ),
            ("max_paper_drop = 40", PaperDrop::Papers(40), Some(3)),
            ("max_paper_drop = 0", PaperDrop::Papers(0), Some(3)),
            ("max_paper_drop = false", PaperDrop::Off, Some(3)),
            ("max_stale_days = 7", PaperDrop::Percent(5.0), Some(7)),
            ("max_stale_days = 0", PaperDrop::Percent(5.0), None),
            ("max_stale_days = false", PaperDrop::Percent(5.0), None),
        ] {
            let got = parse(text).unwrap();
            assert_eq!(
                (got.max_paper_drop, got.max_stale_days),
                (drop, stale),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_guard_values_are_refused_at_their_place() {
        for (text, needle) in [
            ("max_paper_drop = \"5\"", "site.toml:3:18"),
            ("max_paper_drop = \"150%\"", "site.toml:3:18"),
            ("max_paper_drop = -1", "site.toml:3:18"),
            ("max_paper_drop = true", "site.toml:3:18"),
            ("max_stale_days = -2", "site.toml:3:18"),
            ("max_stale_days = \"3\"", "site.toml:3:18"),
            ("max_stale_days = true", "site.toml:3:18"),
            ("max_stale_day = 3", "site.toml:3:1"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
