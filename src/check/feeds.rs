//! The machine files of a built site: Atom feeds (well-formed, with RFC 4287's required
//! elements), JSON feeds (JSON Feed 1.1's required keys) and the sitemap's URLs. Each returns
//! what is wrong as a message and a byte offset into the file.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// A problem in a machine file: what, and where (byte offset).
pub(crate) type FileProblem = (String, usize);

/// What an Atom element needs, as RFC 4287 §4.1.1 (feed) and §4.1.2 (entry) require.
#[derive(Default)]
struct Required {
    id: bool,
    title: bool,
    updated: bool,
    author: bool,
    at: usize,
}

impl Required {
    fn see(&mut self, name: &str) {
        match name {
            "id" => self.id = true,
            "title" => self.title = true,
            "updated" => self.updated = true,
            "author" => self.author = true,
            _ => {}
        }
    }

    fn missing(&self, author_needed: bool) -> Vec<&'static str> {
        let mut missing = Vec::new();
        for (has, name) in [
            (self.id, "id"),
            (self.title, "title"),
            (self.updated, "updated"),
        ] {
            if !has {
                missing.push(name);
            }
        }
        if author_needed && !self.author {
            missing.push("author");
        }
        missing
    }
}

/// Checks an XML file: well-formed, and when its root is an Atom `<feed>`, the feed's and
/// each entry's required elements (an author on the feed or on every entry).
pub(crate) fn atom(text: &str) -> Vec<FileProblem> {
    let mut reader = Reader::from_str(text);
    let mut problems = Vec::new();
    let mut depth = 0usize;
    let mut is_feed = false;
    let mut feed = Required::default();
    let mut entries: Vec<Required> = Vec::new();
    let mut in_entry = false;
    loop {
        let at = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                problems.push((
                    format!("the feed is not well-formed XML: {err}"),
                    reader.error_position() as usize,
                ));
                return problems;
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.local_name();
                let name = name.as_ref();
                let empty = matches!(event, Event::Empty(_));
                if depth == 0 {
                    is_feed = name == "feed";
                    feed.at = at;
                } else if depth == 1 && is_feed {
                    if name == "entry" {
                        in_entry = !empty;
                        entries.push(Required {
                            at,
                            ..Required::default()
                        });
                    } else {
                        feed.see(name);
                    }
                } else if depth == 2
                    && in_entry
                    && let Some(entry) = entries.last_mut()
                {
                    entry.see(name);
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    in_entry = false;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth > 0 {
        problems.push((
            "the feed ends before its elements are closed (truncated?)".to_string(),
            text.len(),
        ));
    }
    if !is_feed {
        return problems;
    }
    let missing = feed.missing(false);
    if !missing.is_empty() {
        problems.push((
            format!(
                "the Atom feed has no {} (RFC 4287 requires them)",
                missing.join(", ")
            ),
            feed.at,
        ));
    }
    for (i, entry) in entries.iter().enumerate() {
        let missing = entry.missing(!feed.author);
        if !missing.is_empty() {
            problems.push((
                format!(
                    "entry {} of the Atom feed has no {} (RFC 4287 requires them{})",
                    i + 1,
                    missing.join(", "),
                    if feed.author {
                        ""
                    } else {
                        "; an author on the feed or on every entry"
                    }
                ),
                entry.at,
            ));
        }
    }
    problems
}

/// Checks a JSON file: it parses, and when it declares a JSON Feed version, the keys JSON
/// Feed 1.1 requires (`version`, `title`, `items`; each item's `id` and content).
pub(crate) fn json(text: &str) -> Vec<FileProblem> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            let offset = offset_of(text, err.line(), err.column());
            return vec![(format!("the JSON does not parse: {err}"), offset)];
        }
    };
    let is_feed = value
        .get("version")
        .and_then(|v| v.as_str())
        .is_some_and(|v| v.starts_with("https://jsonfeed.org/version/"));
    if !is_feed {
        return Vec::new();
    }
    let mut problems = Vec::new();
    if !value.get("title").is_some_and(|t| t.is_string()) {
        problems.push((
            "the JSON feed has no `title` (JSON Feed 1.1 requires it)".to_string(),
            0,
        ));
    }
    let Some(items) = value.get("items").and_then(|i| i.as_array()) else {
        problems.push((
            "the JSON feed has no `items` array (JSON Feed 1.1 requires it)".to_string(),
            0,
        ));
        return problems;
    };
    for (i, item) in items.iter().enumerate() {
        if !item.get("id").is_some_and(|id| id.is_string()) {
            problems.push((
                format!("item {} of the JSON feed has no string `id`", i + 1),
                0,
            ));
        }
        if item.get("content_html").is_none() && item.get("content_text").is_none() {
            problems.push((
                format!(
                    "item {} of the JSON feed has neither `content_html` nor `content_text`",
                    i + 1
                ),
                0,
            ));
        }
    }
    problems
}

/// The `<loc>` URLs of a sitemap with their offsets, or what keeps it from being read.
pub(crate) fn sitemap(text: &str) -> Result<Vec<(String, usize)>, FileProblem> {
    let mut reader = Reader::from_str(text);
    let mut locs = Vec::new();
    let mut loc: Option<(String, usize)> = None;
    loop {
        let at = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "loc" => {
                loc = Some((String::new(), at));
            }
            Ok(Event::Text(t)) => {
                if let Some((url, _)) = &mut loc {
                    url.push_str(t.as_ref());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((url, _)) = &mut loc {
                    // The five XML entities; a sitemap's URLs hold `&amp;` at most.
                    url.push_str(match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(Event::End(_)) => {
                if let Some((url, at)) = loc.take() {
                    locs.push((url.trim().to_string(), at));
                }
            }
            Ok(Event::Eof) => return Ok(locs),
            Ok(_) => {}
            Err(err) => {
                return Err((
                    format!("the sitemap is not well-formed XML: {err}"),
                    reader.error_position() as usize,
                ));
            }
        }
    }
}

/// The byte offset of a 1-based line and column (serde_json's) in `text`.
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>T</title><updated>2025-01-01T00:00:00Z</updated>
<entry><id>a</id><title>A</title><updated>2025-01-01T00:00:00Z</updated></entry></feed>"#;

    #[test]
    fn atom_requires_ids_titles_dates_and_an_author() {
        let problems = atom(FEED);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].0.contains("entry 1") && problems[0].0.contains("author"));
        let with_author = FEED.replace(
            "<updated>2025-01-01T00:00:00Z</updated>\n",
            "<updated>2025-01-01T00:00:00Z</updated><author><name>N</name></author>\n",
        );
        assert_eq!(atom(&with_author), Vec::<FileProblem>::new());
        let broken = &with_author[..with_author.len() - 10];
        assert!(atom(broken)[0].0.contains("closed") || atom(broken)[0].0.contains("well-formed"));
        let bad_end = with_author.replace("</title><updated>", "</titel><updated>");
        assert!(
            atom(&bad_end)[0].0.contains("well-formed"),
            "{:?}",
            atom(&bad_end)
        );
    }

    #[test]
    fn json_feeds_need_their_keys() {
        assert!(json("{").len() == 1);
        assert!(json(r#"{"not": "a feed"}"#).is_empty());
        let feed = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "content_html": "x"}, {"content_text": "y"}]}"#;
        let problems = json(feed);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].0.contains("item 2"));
    }

    #[test]
    fn sitemap_lists_its_urls() {
        let text = "<urlset><url><loc>https://a/b/</loc></url><url><loc> https://a/c/ </loc></url></urlset>";
        let locs: Vec<String> = sitemap(text).unwrap().into_iter().map(|(l, _)| l).collect();
        assert_eq!(locs, ["https://a/b/", "https://a/c/"]);
    }
}
