//! One pass over an HTML page: its links (`href`, `src`), the ids a fragment can name (`id`,
//! `<a name>`), its JSON-LD blocks and its `citation_*` meta tags. A byte scan for the
//! attributes rather than a DOM: digest's own pages are well-formed, and the scan reads a
//! page in one pass (see the check's figures in the README).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// What a page holds that the checks need.
#[derive(Debug, Default)]
pub(crate) struct PageScan {
    /// Each `href`/`src` value (entities decoded) and its byte offset in the page.
    pub links: Vec<(String, usize)>,
    /// Every `id` and `name` value: what `#fragment` may name.
    pub ids: Vec<String>,
    /// Each `application/ld+json` block's text and offset.
    pub json_ld: Vec<(String, usize)>,
    /// Each `<meta name="citation_…" content="…">`: name and content.
    pub citation: Vec<(String, String)>,
    /// Whether `<meta name="robots">` says `noindex` (such a page stays out of the sitemap).
    pub noindex: bool,
}

const ATTRIBUTES: [&str; 5] = ["href=", "src=", "id=", "name=", "<script"];

static FINDER: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(ATTRIBUTES).expect("fixed patterns"));

/// Scans `html` once.
pub(crate) fn scan(html: &str) -> PageScan {
    let mut page = PageScan::default();
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(found) = FINDER.find(&html[at..]) {
        let start = at + found.start();
        let end = at + found.end();
        at = end;
        let pattern = found.pattern().as_usize();
        if pattern == 4 {
            // A script's text is not markup: skip it, keeping JSON-LD.
            let Some(close) = html[end..].find("</script>") else {
                break;
            };
            let tag_end = html[end..].find('>').map_or(end, |i| end + i + 1);
            if html[end..tag_end].contains("application/ld+json") && tag_end <= end + close {
                page.json_ld
                    .push((html[tag_end..end + close].to_string(), tag_end));
            }
            at = end + close + "</script>".len();
            continue;
        }
        // An attribute starts after whitespace (`data-href=` or `aria-hidden=` are others).
        if start == 0 || !bytes[start - 1].is_ascii_whitespace() {
            continue;
        }
        let Some((value, value_start, value_end)) = quoted(html, end) else {
            continue;
        };
        at = value_end;
        let value = decode_entities(value);
        match pattern {
            0 | 1 => page.links.push((value, value_start)),
            2 => page.ids.push(value),
            _ => {
                page.ids.push(value.clone());
                if value.starts_with("citation_") || value == "robots" {
                    let tag_end = html[value_end..]
                        .find('>')
                        .map_or(html.len(), |i| value_end + i);
                    let tag = &html[value_end..tag_end];
                    if let Some(i) = tag.find(" content=")
                        && let Some((content, _, _)) = quoted(tag, i + " content=".len())
                    {
                        if value == "robots" {
                            page.noindex |= content.to_ascii_lowercase().contains("noindex");
                        } else {
                            page.citation.push((value, decode_entities(content)));
                        }
                    }
                }
            }
        }
    }
    page
}

/// The quoted value at `at` (`"…"` or `'…'`): the text, and where the value and the closing
/// quote are.
fn quoted(html: &str, at: usize) -> Option<(&str, usize, usize)> {
    let quote = *html.as_bytes().get(at)?;
    if quote != b'"' && quote != b'\'' {
        // An unquoted value runs to the next space or the tag's end.
        let len = html[at..].find(|c: char| c.is_ascii_whitespace() || c == '>')?;
        return (len > 0).then(|| (&html[at..at + len], at, at + len));
    }
    let len = html[at + 1..].find(quote as char)?;
    Some((&html[at + 1..at + 1 + len], at + 1, at + 2 + len))
}

/// The few entities an attribute value holds in practice (`&amp;` in a query string).
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_ids_json_ld_and_citation_tags() {
        let html = r#"<html><head><meta name="citation_title" content="A &amp; B">
<script type="application/ld+json">{"a": 1}</script><script>var s = '<a href="x">';</script>
</head><body id="top"><a data-href="no" href="/p/?a=1&amp;b=2#x">t</a><img src='i.png'>
<meta name="robots" content="noindex"><h2 id=bare>no quotes</h2><a name="old"></a></body></html>"#;
        let page = scan(html);
        let links: Vec<&str> = page.links.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(links, ["/p/?a=1&b=2#x", "i.png"]);
        assert_eq!(page.ids, ["citation_title", "top", "robots", "bare", "old"]);
        assert!(page.noindex);
        assert_eq!(page.json_ld.len(), 1);
        assert_eq!(page.json_ld[0].0, "{\"a\": 1}");
        assert_eq!(
            page.citation,
            [("citation_title".to_string(), "A & B".to_string())]
        );
        let (link, offset) = &page.links[0];
        assert!(html[*offset..].starts_with("/p/?a=1&amp;b=2"), "{link}");
    }
}
