//! The three places a title is looked up: what to ask each (the URL) and how to read its answer
//! into candidates, through the importers' own readers (arXiv Atom, Hugging Face JSON, Semantic
//! Scholar JSON). No network here: [`super::http`] sends, this module builds and reads.

use crate::href::query_value;
use serde_json::{Map, Value};

use super::matching::Published;
use crate::import::{ImportedPaper, arxiv_atom, hf_json, s2_json};

/// A service that finds a paper by its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Source {
    /// The arXiv API (`/api/query?search_query=ti:"…"`), an Atom feed.
    Arxiv,
    /// Hugging Face paper search (`/api/papers/search?q=…`), JSON.
    Hf,
    /// Semantic Scholar's title match (`/graph/v1/paper/search/match?query=…`), JSON.
    S2,
}

/// What a source returned for a title, read as a paper.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// The paper as the importer read it.
    pub paper: ImportedPaper,
    /// When it was published, as precisely as the source says.
    pub published: Published,
}

impl Source {
    /// Every source, in the order `--source all` tries them.
    pub(crate) const ALL: [Source; 3] = [Source::Arxiv, Source::Hf, Source::S2];

    /// Its name in the report, the cache and `--source`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Source::Arxiv => "arxiv",
            Source::Hf => "hf",
            Source::S2 => "s2",
        }
    }

    /// Its name for people.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Source::Arxiv => "arXiv",
            Source::Hf => "Hugging Face",
            Source::S2 => "Semantic Scholar",
        }
    }

    /// The public server (`--endpoint` replaces it).
    pub(crate) fn base(self) -> &'static str {
        match self {
            Source::Arxiv => "https://export.arxiv.org",
            Source::Hf => "https://huggingface.co",
            Source::S2 => "https://api.semanticscholar.org",
        }
    }

    /// The seconds between two requests to it by default: arXiv asks for 3; Semantic Scholar
    /// shares one request a second among all clients without a key; Hugging Face states no
    /// figure, so it gets the same second.
    pub(crate) fn default_delay(self) -> f64 {
        match self {
            Source::Arxiv => 3.0,
            Source::Hf | Source::S2 => 1.0,
        }
    }

    /// The URL that looks `title` up, on the server `base`.
    pub(crate) fn url(self, base: &str, title: &str) -> String {
        let base = base.trim_end_matches('/');
        match self {
            // A phrase of the title's words: punctuation inside the quotes (a colon, a dash)
            // would be read as query syntax.
            Source::Arxiv => {
                let words: Vec<&str> = title
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                format!(
                    "{base}/api/query?search_query={}&max_results=5",
                    query_value(&format!("ti:\"{}\"", words.join(" ")))
                )
            }
            Source::Hf => format!("{base}/api/papers/search?q={}", query_value(title)),
            Source::S2 => format!(
                "{base}/graph/v1/paper/search/match?query={}&fields=title,externalIds,authors,year,publicationDate,tldr,url,openAccessPdf",
                query_value(title)
            ),
        }
    }

    /// Whether an HTTP status means "no such paper" rather than a failure: Semantic Scholar's
    /// title match answers 404 when nothing matches.
    pub(crate) fn status_means_none(self, status: u16) -> bool {
        self == Source::S2 && status == 404
    }

    /// Reads an answer into candidates; `Err` when it is not the answer this source gives.
    /// Entries that cannot be read (no title, no date) are left out: they cannot be matched.
    pub(crate) fn candidates(self, status: u16, body: &str) -> Result<Vec<Candidate>, String> {
        if self.status_means_none(status) {
            return Ok(Vec::new());
        }
        match self {
            Source::Arxiv => Ok(arxiv_atom::parse(body)?
                .papers
                .into_iter()
                .map(|paper| Candidate {
                    published: Published::Day(paper.date),
                    paper,
                })
                .collect()),
            Source::Hf => hf_candidates(body),
            Source::S2 => s2_candidates(body),
        }
    }
}

/// Hugging Face's search answers an array of items, each a daily-papers item (the paper in
/// its `paper` member) or a paper itself; fields may sit on either level. Each is read by the
/// daily-papers importer as an item whose day is the paper's `publishedAt`.
fn hf_candidates(body: &str) -> Result<Vec<Candidate>, String> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| format!("the Hugging Face answer is not JSON: {e}"))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut obj) => match obj.remove("papers") {
            Some(Value::Array(items)) => items,
            _ => return Err("the Hugging Face answer is not an array of papers".into()),
        },
        _ => return Err("the Hugging Face answer is not an array of papers".into()),
    };
    let mut out = Vec::new();
    for item in items {
        let Value::Object(outer) = item else { continue };
        let mut paper: Map<String, Value> = match outer.get("paper") {
            Some(Value::Object(p)) => p.clone(),
            _ => outer.clone(),
        };
        for key in [
            "id",
            "title",
            "authors",
            "summary",
            "publishedAt",
            "ai_summary",
            "ai_keywords",
            "githubRepo",
            "projectPage",
        ] {
            if !paper.contains_key(key)
                && let Some(v) = outer.get(key)
            {
                paper.insert(key.to_string(), v.clone());
            }
        }
        let Some(published_at) = paper.get("publishedAt").cloned() else {
            continue;
        };
        let mut wrapped = Map::new();
        wrapped.insert("paper".into(), Value::Object(paper));
        wrapped.insert("publishedAt".into(), published_at);
        let Ok(parsed) = hf_json::parse(&Value::Object(wrapped).to_string()) else {
            continue;
        };
        for paper in parsed.papers {
            out.push(Candidate {
                published: Published::Day(paper.published.unwrap_or(paper.date)),
                paper,
            });
        }
    }
    Ok(out)
}

/// Semantic Scholar's title match answers `{"data": [papers]}` (the best match first), each
/// read by the Semantic Scholar importer.
fn s2_candidates(body: &str) -> Result<Vec<Candidate>, String> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| format!("the Semantic Scholar answer is not JSON: {e}"))?;
    let items = match value {
        Value::Object(mut obj) => match obj.remove("data") {
            Some(Value::Array(items)) => items,
            _ => vec![Value::Object(obj)],
        },
        Value::Array(items) => items,
        _ => return Err("the Semantic Scholar answer is not a paper".into()),
    };
    let mut out = Vec::new();
    for item in items {
        let day = item
            .get("publicationDate")
            .and_then(Value::as_str)
            .and_then(|s| s.get(..10)?.parse().ok());
        let year = item
            .get("year")
            .and_then(Value::as_i64)
            .and_then(|y| i16::try_from(y).ok());
        let published = match (day, year) {
            (Some(day), _) => Published::Day(day),
            (None, Some(year)) => Published::Year(year),
            (None, None) => continue,
        };
        let Ok(parsed) = s2_json::parse(&item.to_string(), None) else {
            continue;
        };
        for paper in parsed.papers {
            out.push(Candidate { paper, published });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_the_title_encoded() {
        assert_eq!(
            Source::Arxiv.url("http://x/", "RoHM: Robust (3D) Motion"),
            "http://x/api/query?search_query=ti%3A%22RoHM+Robust+3D+Motion%22&max_results=5"
        );
        assert_eq!(
            Source::Hf.url("http://x", "A & B?"),
            "http://x/api/papers/search?q=A+%26+B%3F"
        );
        assert!(
            Source::S2
                .url("http://x", "A")
                .starts_with("http://x/graph/v1/paper/search/match?query=A&fields=title,")
        );
    }

    #[test]
    fn hugging_face_items_flat_or_nested_are_read() {
        let body = r#"[
          {"id": "2502.04522", "title": "ImprovNet", "publishedAt": "2025-02-06T18:59:59.000Z",
           "authors": [{"name": "A B"}], "ai_summary": " Short  summary. ",
           "ai_keywords": ["music"], "githubRepo": "https://github.com/a/b"},
          {"paper": {"id": "2401.00001", "title": "Other", "publishedAt": "2024-01-01T00:00:00.000Z",
                     "authors": []},
           "publishedAt": "2024-01-03T00:00:00.000Z", "ai_summary": "Outer."},
          {"paper": {"id": "2401.00002", "title": "No date"}}
        ]"#;
        let found = hf_candidates(body).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].paper.arxiv.as_deref(), Some("2502.04522"));
        assert_eq!(found[0].paper.tldr.as_deref(), Some("Short summary."));
        assert_eq!(found[0].paper.tags, ["music"]);
        assert_eq!(
            found[0].paper.links.get("code").map(String::as_str),
            Some("https://github.com/a/b")
        );
        assert_eq!(
            found[1].published,
            Published::Day("2024-01-01".parse().unwrap())
        );
        assert_eq!(found[1].paper.tldr.as_deref(), Some("Outer."));
    }

    #[test]
    fn semantic_scholar_match_and_no_match() {
        let body = r#"{"data": [{"paperId": "abc", "title": "T", "year": 2024,
            "externalIds": {"ArXiv": "2401.00001", "DOI": "10.1/x"},
            "authors": [{"name": "A"}], "tldr": {"model": "tldr@v2", "text": "It works."}}]}"#;
        let found = Source::S2.candidates(200, body).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].published, Published::Year(2024));
        assert_eq!(found[0].paper.tldr.as_deref(), Some("It works."));
        assert_eq!(found[0].paper.doi.as_deref(), Some("10.1/x"));
        let none = Source::S2
            .candidates(404, r#"{"error": "Title match not found"}"#)
            .unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn an_empty_arxiv_feed_is_no_candidate_and_an_error_feed_fails() {
        let empty = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
                     <title>q</title></feed>";
        assert!(Source::Arxiv.candidates(200, empty).unwrap().is_empty());
        let error = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
                     <entry><id>http://arxiv.org/api/errors#incorrect_id_format</id>\
                     <title>Error</title><summary>malformed query</summary></entry></feed>";
        let why = Source::Arxiv.candidates(200, error).unwrap_err();
        assert!(why.contains("malformed query"), "{why}");
        assert!(Source::Hf.candidates(200, "<html>").is_err());
    }
}
