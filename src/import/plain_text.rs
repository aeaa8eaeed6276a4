//! Text helpers the readers share: whitespace folding and Unicode super- and subscripts (month
//! names are read by `calendar::month_number`).

pub(crate) mod scripts;

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
