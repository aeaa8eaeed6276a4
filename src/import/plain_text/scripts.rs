//! Unicode superscript and subscript forms, for the importers that meet `<sup>`/`<sub>`
//! (CSL-JSON rich text) or `\textsuperscript`/`\textsubscript` (BibTeX) in plain-text fields.

/// `text` in Unicode superscripts when every character has one (`2` → `²`, `-1` → `⁻¹`).
pub(crate) fn superscript(text: &str) -> Option<String> {
    text.chars().map(superscript_char).collect()
}

/// `text` in Unicode subscripts when every character has one (`2` → `₂`).
pub(crate) fn subscript(text: &str) -> Option<String> {
    text.chars().map(subscript_char).collect()
}

fn superscript_char(c: char) -> Option<char> {
    Some(match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4'..='9' => char::from_u32(0x2070 + (c as u32 - '0' as u32))?,
        '+' => '⁺',
        '-' | '−' => '⁻',
        '=' => '⁼',
        '(' => '⁽',
        ')' => '⁾',
        'n' => 'ⁿ',
        'i' => 'ⁱ',
        _ => return None,
    })
}

fn subscript_char(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' => char::from_u32(0x2080 + (c as u32 - '0' as u32))?,
        '+' => '₊',
        '-' | '−' => '₋',
        '=' => '₌',
        '(' => '₍',
        ')' => '₎',
        'a' => 'ₐ',
        'e' => 'ₑ',
        'h' => 'ₕ',
        'i' => 'ᵢ',
        'j' => 'ⱼ',
        'k' => 'ₖ',
        'l' => 'ₗ',
        'm' => 'ₘ',
        'n' => 'ₙ',
        'o' => 'ₒ',
        'p' => 'ₚ',
        'r' => 'ᵣ',
        's' => 'ₛ',
        't' => 'ₜ',
        'u' => 'ᵤ',
        'v' => 'ᵥ',
        'x' => 'ₓ',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_only_when_every_character_has_one() {
        assert_eq!(superscript("-12").as_deref(), Some("⁻¹²"));
        assert_eq!(superscript("4567890").as_deref(), Some("⁴⁵⁶⁷⁸⁹⁰"));
        assert_eq!(subscript("2").as_deref(), Some("₂"));
        assert_eq!(subscript("i+1").as_deref(), Some("ᵢ₊₁"));
        assert_eq!(superscript("th"), None);
        assert_eq!(subscript("CO"), None);
    }
}
