//! `digest enrich`: completes records that lack an arXiv id and a DOI (a pasted Hugging Face
//! listing gives neither, nor names nor links) by looking their titles up on arXiv, Hugging Face
//! and Semantic Scholar.
//!
//! A candidate is the record's paper only when its title is the same up to punctuation, case,
//! spacing, LaTeX markup and accents and its publication date fits ([`matching`]); two
//! different papers that both fit leave the record alone (ambiguous). A match fills only what
//! a source owns and the record lacks, through the import merge ([`fill`]). Requests are polite
//! ([`http`]) and their answers kept on disk ([`cache`]); [`sources`] builds each source's URL
//! and reads its answer with the importers' readers; [`diff`] shows a change for `--dry-run`.
//! This module decides per record; it reads and writes no record file (the command line does,
//! through the merge's atomic writer).

pub(crate) mod cache;
pub(crate) mod diff;
mod fill;
pub(crate) mod http;
mod matching;
pub(crate) mod sources;

use std::collections::BTreeMap;

use jiff::civil::Date;

use self::cache::Cache;
use self::http::Client;
use self::matching::{date_fits, title_key};
use self::sources::{Candidate, Source};
use crate::import::merge::strip_version;

/// A record to complete, as read from its file.
#[derive(Debug, Clone)]
pub(crate) struct Wanted {
    /// Its title.
    pub title: String,
    /// Its listing day.
    pub date: Date,
    /// The day a candidate's publication is compared with: its `published`, else `date`.
    pub reference: Date,
    /// Its links (a link it has is never replaced).
    pub links: BTreeMap<String, String>,
    /// The whole text of its file.
    pub text: String,
}

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Matched; `text` is the completed record, `fields` what changed.
    Completed {
        /// Where the match came from.
        source: Source,
        /// The fields filled.
        fields: Vec<String>,
        /// The record's new text.
        text: String,
    },
    /// Matched, but the record already has everything the source gives.
    NothingToAdd {
        /// Where the match came from.
        source: Source,
    },
    /// No source has a paper that fits; one note per source tried.
    Unmatched {
        /// Why not, per source.
        notes: Vec<String>,
    },
    /// Several different papers fit; the record is left alone.
    Ambiguous {
        /// Where.
        source: Source,
        /// The papers that fit (arXiv ids, DOIs or titles).
        papers: Vec<String>,
    },
    /// A lookup failed (network, server) and no other source matched.
    Failed {
        /// What failed, then what the other sources said.
        reasons: Vec<String>,
    },
}

/// Looks titles up, from the cache when it has the answer, else over the network.
pub(crate) struct Lookup {
    /// The client, which counts the requests sent.
    pub client: Client,
    /// The answers of earlier runs.
    pub cache: Cache,
    /// A server replacing every source's public one (`--endpoint`).
    pub endpoint: Option<String>,
    /// Answers taken from the cache.
    pub from_cache: usize,
}

impl Lookup {
    /// The candidates `source` gives for `title`. A 200 answer (or a "none" status) is kept in
    /// the cache; any other status fails this lookup.
    fn candidates(&mut self, source: Source, title: &str) -> Result<Vec<Candidate>, String> {
        let key = title_key(title);
        let answer = match self.cache.get(source, &key) {
            Some(answer) => {
                self.from_cache += 1;
                answer
            }
            None => {
                let base = self.endpoint.as_deref().unwrap_or(source.base());
                let url = source.url(base, title);
                let answer = self.client.get(source, &url)?;
                if answer.status != 200 && !source.status_means_none(answer.status) {
                    let excerpt: String = answer.body.chars().take(200).collect();
                    return Err(format!(
                        "{url}: the server answered {}: {}",
                        answer.status,
                        excerpt.trim()
                    ));
                }
                // Checked before it is kept: an answer that cannot be read is asked again.
                source
                    .candidates(answer.status, &answer.body)
                    .map_err(|e| format!("{url}: {e}"))?;
                if let Err(err) = self.cache.put(source, &key, title, &answer) {
                    eprintln!("warning: could not keep the answer in the cache: {err}");
                }
                answer
            }
        };
        source.candidates(answer.status, &answer.body)
    }

    /// Tries `sources` in order until one has the record's paper.
    pub(crate) fn enrich(&mut self, wanted: &Wanted, sources: &[Source]) -> Verdict {
        // A title of punctuation alone would match every other such title.
        if title_key(&wanted.title).is_empty() {
            return Verdict::Unmatched {
                notes: vec!["its title has no letters or digits to look up".to_string()],
            };
        }
        let mut notes = Vec::new();
        let mut failures = Vec::new();
        for &source in sources {
            let found = match self.candidates(source, &wanted.title) {
                Ok(found) => found,
                Err(why) => {
                    failures.push(format!("{}: {why}", source.label()));
                    continue;
                }
            };
            match choose(wanted, &found) {
                Choice::One(candidate) => {
                    let (text, fields) =
                        fill::complete(&wanted.text, wanted.date, &wanted.links, source, candidate);
                    return if fields.is_empty() {
                        Verdict::NothingToAdd { source }
                    } else {
                        Verdict::Completed {
                            source,
                            fields,
                            text,
                        }
                    };
                }
                Choice::Several(papers) => return Verdict::Ambiguous { source, papers },
                Choice::None(why) => notes.push(format!("{}: {why}", source.label())),
            }
        }
        if failures.is_empty() {
            Verdict::Unmatched { notes }
        } else {
            failures.extend(notes);
            Verdict::Failed { reasons: failures }
        }
    }
}

/// Which candidate is the record's paper.
enum Choice<'a> {
    One(&'a Candidate),
    Several(Vec<String>),
    None(String),
}

/// The one candidate with the record's title and a publication date that fits; candidates that
/// are the same paper (one arXiv id or DOI) count once.
fn choose<'a>(wanted: &Wanted, found: &'a [Candidate]) -> Choice<'a> {
    let key = title_key(&wanted.title);
    let same_title: Vec<&Candidate> = found
        .iter()
        .filter(|c| title_key(&c.paper.title) == key)
        .collect();
    if same_title.is_empty() {
        return Choice::None(match found.first() {
            None => "no paper found".to_string(),
            Some(c) => format!(
                "no paper of this title ({} found, the first: {:?})",
                found.len(),
                c.paper.title
            ),
        });
    }
    let mut fitting: Vec<(&Candidate, String)> = Vec::new();
    let mut first_misfit = None;
    for candidate in same_title {
        match date_fits(wanted.reference, candidate.published) {
            Ok(()) => {
                let identity = identity(candidate);
                if !fitting.iter().any(|(_, id)| *id == identity) {
                    fitting.push((candidate, identity));
                }
            }
            Err(why) => {
                first_misfit.get_or_insert(why);
            }
        }
    }
    match fitting.len() {
        0 => Choice::None(format!(
            "a paper of this title, but its date does not fit: {}",
            first_misfit.unwrap_or_default()
        )),
        1 => Choice::One(fitting[0].0),
        _ => Choice::Several(fitting.into_iter().map(|(_, id)| id).collect()),
    }
}

/// What tells a candidate from another: its arXiv id, else its DOI, else title and date.
fn identity(candidate: &Candidate) -> String {
    let paper = &candidate.paper;
    match (&paper.arxiv, &paper.doi) {
        (Some(id), _) => format!("arXiv {}", strip_version(id)),
        (None, Some(doi)) => format!("DOI {}", doi.to_lowercase()),
        (None, None) => format!("{:?} ({})", paper.title, candidate.published),
    }
}

#[cfg(test)]
mod tests {
    use super::matching::Published;
    use super::*;
    use crate::import::ImportedPaper;

    fn wanted(title: &str) -> Wanted {
        Wanted {
            title: title.into(),
            date: "2025-02-06".parse().unwrap(),
            reference: "2025-02-06".parse().unwrap(),
            links: BTreeMap::new(),
            text: format!("+++\ntitle = {title:?}\ndate = 2025-02-06\n+++\n"),
        }
    }

    fn candidate(title: &str, arxiv: Option<&str>, day: &str) -> Candidate {
        Candidate {
            paper: ImportedPaper {
                title: title.into(),
                arxiv: arxiv.map(str::to_string),
                ..Default::default()
            },
            published: Published::Day(day.parse().unwrap()),
        }
    }

    #[test]
    fn one_paper_listed_twice_is_one_candidate_two_papers_are_ambiguous() {
        let w = wanted("Book A");
        let twice = [
            candidate("Book A", Some("2502.00001v1"), "2025-02-05"),
            candidate("Book A.", Some("2502.00001v2"), "2025-02-05"),
            candidate("Book B", Some("2502.00009"), "2025-02-05"),
        ];
        assert!(matches!(choose(&w, &twice), Choice::One(c) if c.paper.title == "Book A"));
        let two = [
            candidate("Book A", Some("2502.00001"), "2025-02-05"),
            candidate("book a", Some("2502.00002"), "2025-02-04"),
        ];
        match choose(&w, &two) {
            Choice::Several(ids) => assert_eq!(ids, ["arXiv 2502.00001", "arXiv 2502.00002"]),
            _ => panic!("two papers fit"),
        }
        // The one whose date does not fit is not counted: no ambiguity.
        let one_fits = [
            candidate("Book A", Some("2502.00001"), "2025-02-05"),
            candidate("Book A", Some("1001.00002"), "2010-01-04"),
        ];
        assert!(
            matches!(choose(&w, &one_fits), Choice::One(c) if c.paper.arxiv.as_deref() == Some("2502.00001"))
        );
        match choose(&w, &[candidate("Book B", None, "2025-02-05")]) {
            Choice::None(why) => assert!(why.contains("no paper of this title"), "{why}"),
            _ => panic!("another title"),
        }
    }

    #[test]
    fn a_title_without_letters_or_digits_is_not_looked_up() {
        let tmp = tempfile::tempdir().unwrap();
        let mut lookup = Lookup {
            client: Client::new(None, std::time::Duration::from_millis(1)),
            cache: Cache::new(tmp.path().into(), jiff::Timestamp::now()),
            // Nothing listens there: a request would fail the record.
            endpoint: Some("http://127.0.0.1:9".into()),
            from_cache: 0,
        };
        assert_eq!(
            lookup.enrich(&wanted("?!"), &Source::ALL),
            Verdict::Unmatched {
                notes: vec!["its title has no letters or digits to look up".into()]
            }
        );
        assert_eq!(lookup.client.sent, 0);
    }
}
