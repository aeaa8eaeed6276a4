//! Text helpers the readers share: whitespace folding, the English month names listings spell
//! dates with, and Unicode super- and subscripts.

pub(crate) mod scripts;

/// English month names, lowercase, January first: for the listings that spell dates out
/// (BibTeX's `month` macros, Hugging Face's "Feb 6"). Reading only; the site's own display
/// names are the calendar's.
pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Collapses every run of whitespace (including line breaks) into one space and trims.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Folds whitespace inside paragraphs; paragraphs (separated by blank lines) are joined by "\n\n".
pub(crate) fn paragraphs(s: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                out.push(collapse_whitespace(&current));
            }
            current.clear();
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        out.push(collapse_whitespace(&current));
    }
    out.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_and_paragraphs() {
        assert_eq!(paragraphs("  a\n  b  \n\n\n c "), "a b\n\nc");
        assert_eq!(paragraphs("  a \n b\n\n \r\n c\td  "), "a b\n\nc d");
        assert_eq!(collapse_whitespace(" a \n\t b "), "a b");
    }
}
