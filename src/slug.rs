//! URL slugs for papers and tags: ASCII, lowercase, words joined by `-`.

/// Turns any text into a URL slug: transliterated to ASCII, lowercase, runs of anything that is
/// not a letter or digit folded into one `-`, no leading or trailing `-`. May return "".
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Whether a user-given slug is one safe path segment: no separators, no `.`/`..`, no leading
/// dot, no spaces or control characters. Returns why not.
pub fn check_slug(slug: &str) -> Result<(), &'static str> {
    if slug.is_empty() {
        return Err("it is empty");
    }
    if slug.contains(['/', '\\']) || slug.contains("..") {
        return Err("it would escape the output folder (it contains a path separator or `..`)");
    }
    if slug.starts_with('.') {
        return Err("it starts with a dot, which would make a hidden folder");
    }
    if slug
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "?#%\"'<>`".contains(c))
    {
        return Err("it contains spaces, quotes or URL-special characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_table() {
        for (input, expected) in [
            ("In-Context Learning", "in-context-learning"),
            ("  Diffusion  models!! ", "diffusion-models"),
            ("Théorie de l'Information", "theorie-de-l-information"),
            ("RL/HF", "rl-hf"),
            ("!!!", ""),
            ("C++ & Rust", "c-rust"),
        ] {
            assert_eq!(slugify(input), expected, "{input}");
        }
    }

    #[test]
    fn check_slug_table() {
        assert!(check_slug("improvnet").is_ok());
        assert!(check_slug("v2.1-model_x").is_ok());
        for bad in ["", "../etc", "a/b", "a\\b", ".hidden", "a b", "..", "x?y"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
