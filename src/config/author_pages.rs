//! `author_pages` of `[output]`: which authors get a page and feeds (`/authors/<slug>/`).
//! `true`, `false`, or `"min:N"` (only authors of at least N papers).

use crate::diagnostic::{Location, Problem};

/// The default: authors of at least this many papers get a page. Most authors of a large
/// bibliography appear once (Lotka's law), and their page would only repeat that paper's card.
pub(super) const DEFAULT_MIN_PAPERS: usize = 2;

/// The largest `min:N` accepted (a larger threshold is a typo or `false`).
const MAX_MIN_PAPERS: i64 = 1_000_000;

/// Resolves `author_pages`: the fewest papers an author needs for a page, `None` for no author
/// pages. Problems point at the value in `site.toml`.
pub(super) fn resolve(
    value: Option<toml::Spanned<toml::Value>>,
    at: &dyn Fn(std::ops::Range<usize>) -> Location,
) -> Result<Option<usize>, Problem> {
    let Some(value) = value else {
        return Ok(Some(DEFAULT_MIN_PAPERS));
    };
    let span = value.span();
    let min = match value.get_ref() {
        toml::Value::Boolean(true) => Some(1),
        toml::Value::Boolean(false) => None,
        toml::Value::String(text) => Some(min_papers(text).ok_or_else(|| bad(at(span.clone())))?),
        _ => return Err(bad(at(span))),
    };
    Ok(min)
}

/// `N` of `"min:N"` (spaces allowed around the parts), 1 to [`MAX_MIN_PAPERS`].
fn min_papers(text: &str) -> Option<usize> {
    let (word, number) = text.split_once(':')?;
    if !word.trim().eq_ignore_ascii_case("min") {
        return None;
    }
    let n: i64 = number.trim().parse().ok()?;
    (1..=MAX_MIN_PAPERS).contains(&n).then_some(n as usize)
}

fn bad(location: Location) -> Problem {
    Problem::at(
        location,
        "author_pages must be true, false or \"min:N\" (only authors of at least N papers, N from 1)",
    )
    .with_hint(format!(
        "write author_pages = \"min:{DEFAULT_MIN_PAPERS}\" (the default), true (every author), or false (no author pages)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_papers_table() {
        for (text, expected) in [
            ("min:2", Some(2)),
            ("min:1", Some(1)),
            (" MIN : 10 ", Some(10)),
            ("min:0", None),
            ("min:-3", None),
            ("min:", None),
            ("min:two", None),
            ("max:2", None),
            ("2", None),
            ("min:1000001", None),
        ] {
            assert_eq!(min_papers(text), expected, "{text:?}");
        }
    }
}
