//! The identifiers a listing gives for a paper, read from any form the formats write them in:
//! arXiv identifiers (bare, `arXiv:`-prefixed, arxiv.org abs/pdf URLs, inside an arXiv DOI)
//! and DOIs (bare, `doi:`-prefixed, doi.org URLs). One reader of each kind for every importer,
//! so a paper gets the same id whichever format it comes from.
//!
//! What arXiv allows (<https://info.arxiv.org/help/arxiv_identifier.html>):
//! - new style, since April 2007: `YYMM.NNNN` up to December 2014 (`0704.0001`…`1412.9999`),
//!   `YYMM.NNNNN` from January 2015 on (`1501.00001`…), the month `01`–`12`;
//! - old style, August 1991 to March 2007: `archive/YYMMNNN` or `archive.SUBJECT/YYMMNNN`, the
//!   archive in lower case with at most one inner dash (`hep-th`, `math`, `cond-mat`), the
//!   subject class letters and dashes (`math.AG`, `physics.acc-ph`);
//! - either followed by a version `vN`, N from 1.
//!
//! Anything else is not an arXiv identifier: the importers then leave the paper's `arxiv`
//! empty rather than link a page that does not exist (an Atom entry keeps its `<id>` in
//! `extra.atom_id`; a URL stays among the links where the format has links).

/// An arXiv identifier without its version ("2502.04522"), and the version number when one
/// was written ("2").
pub(crate) type ArxivId = (String, Option<String>);

/// The arXiv identifier in `s`, without its version: see [`arxiv_with_version`].
pub(crate) fn arxiv(s: &str) -> Option<String> {
    arxiv_with_version(s).map(|(id, _)| id)
}

/// Splits an arXiv identifier (bare, `arXiv:`-prefixed, or an arxiv.org abs/pdf URL) into the
/// id without version and the version number: "2502.04522v2" → ("2502.04522", Some("2")).
/// None when the text is not an arXiv identifier.
pub(crate) fn arxiv_with_version(s: &str) -> Option<ArxivId> {
    let s = s.trim();
    let id = match find_ascii_ci(s, "arxiv.org/") {
        Some(at) => {
            let path = &s[at + "arxiv.org/".len()..];
            let id = strip_prefix_ci(path, "abs/").or_else(|| strip_prefix_ci(path, "pdf/"))?;
            let id = id.split(['?', '#']).next().unwrap_or(id);
            let id = id.strip_suffix(".pdf").unwrap_or(id);
            id.trim_end_matches('/')
        }
        None => strip_prefix_ci(s, "arxiv:").map_or(s, str::trim_start),
    };
    let (base, version) = match id.rsplit_once('v') {
        Some((base, n)) if is_version(n) => (base, Some(n.to_string())),
        _ => (id, None),
    };
    (is_new_style(base) || is_old_style(base)).then(|| (base.to_string(), version))
}

/// The arXiv identifier inside an arXiv DOI ("10.48550/arXiv.2502.04522").
pub(crate) fn arxiv_from_doi(doi: &str) -> Option<String> {
    strip_prefix_ci(doi, "10.48550/arxiv.").and_then(arxiv)
}

/// A bare DOI ("10.1000/xyz") from a DOI, a `doi:` form or a doi.org URL (prefixes in any
/// case); None when the rest does not start with "10.", holds no "/" or holds whitespace.
pub(crate) fn doi(s: &str) -> Option<String> {
    let mut s = s.trim();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi.org/",
        "doi:",
    ] {
        if let Some(rest) = strip_prefix_ci(s, prefix) {
            s = rest.trim_start();
            break;
        }
    }
    (s.starts_with("10.") && s.contains('/') && !s.contains(char::is_whitespace))
        .then(|| s.to_string())
}

/// "1", "12": a version number (from 1, no leading zero).
fn is_version(n: &str) -> bool {
    !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
}

/// "2502.04522", "0704.0001": YYMM.NNNN up to 1412, YYMM.NNNNN from 1501.
fn is_new_style(id: &str) -> bool {
    let Some((yymm, number)) = id.split_once('.') else {
        return false;
    };
    let Some((year, month)) = year_month(yymm) else {
        return false;
    };
    let digits = if (year, month) >= (15, 1) { 5 } else { 4 };
    (year, month) >= (7, 4) && number.len() == digits && all_digits(number)
}

/// "hep-th/9901001", "math.AG/0601001": archive(.SUBJECT)/YYMMNNN, August 1991 to March 2007.
fn is_old_style(id: &str) -> bool {
    let Some((archive, number)) = id.split_once('/') else {
        return false;
    };
    let (name, subject) = match archive.split_once('.') {
        Some((name, subject)) => (name, Some(subject)),
        None => (archive, None),
    };
    let lower_word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase());
    let name_ok = match name.split_once('-') {
        Some((a, b)) => lower_word(a) && lower_word(b),
        None => lower_word(name),
    };
    let subject_ok = subject.is_none_or(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-')
    });
    let dated = number.len() == 7
        && all_digits(number)
        && year_month(&number[..4]).is_some_and(|(y, m)| {
            ((91..=99).contains(&y) && (y, m) >= (91, 8)) || (y, m) <= (7, 3)
        });
    name_ok && subject_ok && dated
}

/// "2502" → (25, 2) when the month is 01–12.
fn year_month(yymm: &str) -> Option<(u8, u8)> {
    if yymm.len() != 4 || !all_digits(yymm) {
        return None;
    }
    let (year, month) = (yymm[..2].parse().ok()?, yymm[2..].parse().ok()?);
    (1..=12).contains(&month).then_some((year, month))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Strips an ASCII prefix, ignoring case.
fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Byte offset of the first occurrence of the ASCII `needle` in `s`, ignoring case.
fn find_ascii_ci(s: &str, needle: &str) -> Option<usize> {
    s.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests;
