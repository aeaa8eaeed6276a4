//! URLs from records made valid for an `href`: records keep links and DOIs as written
//! (`10.1002/(SICI)…<537::AID-ASI4>3.0.CO;2-G`, a link with a space), but a page may only link
//! to a valid URL (the WHATWG URL standard, which the W3C checker applies), so the characters
//! a URL cannot hold are percent-encoded here, once, for every page and feed.
//!
//! Used by the views (a paper's links) and by Markdown (links in abstracts). Encodes text only;
//! which links a paper has is decided by the views, which links are safe by Markdown.

use std::fmt::Write as _;

/// Bytes that no part of a URL after its host may hold as they are: C0 controls, space, DEL,
/// the characters RFC 3986 and WHATWG leave out (`"<>\^`{|}`) and every non-ASCII byte.
fn never_in_url(b: u8) -> bool {
    b <= b' ' || b >= 0x7f || b"\"<>\\^`{|}".contains(&b)
}

/// Whether `text[i..]` starts with `%` and two hex digits (a percent-encoding to keep).
fn is_escape(text: &[u8], i: usize) -> bool {
    text.get(i + 1..i + 3)
        .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
}

/// Appends `%XX` for byte `b`.
fn push_escaped(out: &mut String, b: u8) {
    let _ = write!(out, "%{b:02X}");
}

/// `url` (an absolute link checked by the record parser, or a relative one) with every
/// character it may not hold percent-encoded: spaces, quotes, `<>`, controls, non-ASCII, a `%`
/// that starts no escape, a second `#`, and `[`/`]` after the host. Escapes already there are
/// kept, so encoding twice changes nothing.
pub(crate) fn link_href(url: &str) -> String {
    let bytes = url.as_bytes();
    // The host (and an IPv6 literal's brackets) ends at the first `/`, `?` or `#` after `://`.
    let host_end = url.find("://").map_or(0, |s| {
        let rest = s + 3;
        url[rest..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |e| rest + e)
    });
    let mut out = String::with_capacity(url.len() + 8);
    out.push_str(&url[..host_end]);
    let mut in_fragment = false;
    for (i, &b) in bytes.iter().enumerate().skip(host_end) {
        let escape = never_in_url(b)
            || (b == b'%' && !is_escape(bytes, i))
            || (b == b'#' && in_fragment)
            || b == b'['
            || b == b']';
        in_fragment |= b == b'#';
        if escape {
            push_escaped(&mut out, b);
        } else {
            out.push(b as char);
        }
    }
    out
}

/// The `https://doi.org/` URL of `doi`, encoded as the DOI Handbook asks (section 2.5.2.3):
/// a DOI may hold `#`, `?`, `%` and `<>` that are part of the name, not of the URL, so they
/// are percent-encoded along with what no URL may hold.
pub(crate) fn doi_url(doi: &str) -> String {
    let mut out = String::with_capacity(doi.len() + 24);
    out.push_str("https://doi.org/");
    for &b in doi.as_bytes() {
        if never_in_url(b) || b"#?%[]".contains(&b) {
            push_escaped(&mut out, b);
        } else {
            out.push(b as char);
        }
    }
    out
}

/// `text` percent-encoded as one query value (RFC 3986 unreserved characters kept, spaces `+`):
/// for the search links of pages and the queries digest sends (`fetch`, `enrich`).
pub(crate) fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_href_encodes_what_a_url_cannot_hold() {
        for (url, expected) in [
            ("https://x.org/a/b?c=d#e", "https://x.org/a/b?c=d#e"),
            ("https://x.org/a b", "https://x.org/a%20b"),
            ("https://x.org/<script>", "https://x.org/%3Cscript%3E"),
            ("https://x.org/\"q\"", "https://x.org/%22q%22"),
            (
                "https://x.org/{a}|^`\\",
                "https://x.org/%7Ba%7D%7C%5E%60%5C",
            ),
            ("https://x.org/100%", "https://x.org/100%25"),
            ("https://x.org/a%2Fb", "https://x.org/a%2Fb"),
            ("https://x.org/%zz", "https://x.org/%25zz"),
            ("https://x.org/#a#b", "https://x.org/#a%23b"),
            ("https://x.org/a[1]", "https://x.org/a%5B1%5D"),
            ("http://[::1]:80/a[1]", "http://[::1]:80/a%5B1%5D"),
            ("https://x.org/é", "https://x.org/%C3%A9"),
            ("https://x.org/\t\u{7f}", "https://x.org/%09%7F"),
            ("https://x.org", "https://x.org"),
            ("../rel/a b%zz", "../rel/a%20b%25zz"),
            ("#frag#2", "#frag%232"),
            ("mailto:a@b.c", "mailto:a@b.c"),
        ] {
            assert_eq!(link_href(url), expected, "{url:?}");
            // Encoding is idempotent: a page never shows `%2520`.
            assert_eq!(link_href(expected), expected, "{url:?}");
        }
    }

    #[test]
    fn doi_url_encodes_the_name_as_the_doi_handbook_asks() {
        for (doi, expected) in [
            ("10.1000/xyz123", "https://doi.org/10.1000/xyz123"),
            (
                "10.1002/(SICI)1097-4571(199806)49:8<537::AID-ASI4>3.0.CO;2-G",
                "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C537::AID-ASI4%3E3.0.CO;2-G",
            ),
            ("10.1000/a#b?c%d", "https://doi.org/10.1000/a%23b%3Fc%25d"),
            ("10.1000/\"x\"", "https://doi.org/10.1000/%22x%22"),
        ] {
            assert_eq!(doi_url(doi), expected, "{doi:?}");
        }
    }

    #[test]
    fn query_values_keep_unreserved_characters() {
        assert_eq!(query_value("a b-c.d_e~f"), "a+b-c.d_e~f");
        assert_eq!(query_value("x&y=é"), "x%26y%3D%C3%A9");
    }
}
