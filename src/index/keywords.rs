//! Topic rules (`[keyword_tags]`, `[keyword_feeds]`; see `config::keywords`) matched against
//! papers, with the reasons each paper matched: which phrase, in which field.
//!
//! Every phrase of every rule is compiled into one automaton (two: one for the phrases matched
//! in any case, run on case-folded text, one for the case-sensitive ones), so a paper's fields
//! are read once whatever the number of rules: the cost is linear in text size. Only the rules
//! whose phrases or authors were found are then looked at. Nothing here reads files.

#[cfg(test)]
mod tests;
pub(crate) mod text;

use std::collections::BTreeMap;
use std::sync::Arc;

use ahash::AHashMap;
use aho_corasick::{AhoCorasick, MatchKind};

use crate::config::{Field, Phrase, TopicRule};
use crate::record::author::display_name;

/// What a rule makes of the papers it matches.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum Topic {
    /// The keyword tag of `site.toml` at this place in `[keyword_tags]` (in name order).
    Tag(u16),
    /// The keyword feed at this place in `[keyword_feeds]`.
    Feed(u16),
}

/// Where a reason was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) enum Place {
    /// A phrase occurs in this field.
    Field(Field),
    /// The paper is by a person the rule follows.
    FollowedAuthor,
}

/// Why a paper matched: a phrase of the rule (or a followed author's name), as written in
/// `site.toml`, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) struct Reason {
    /// The phrase or name as written in the rule.
    pub text: Arc<str>,
    /// Where it was found.
    pub place: Place,
}

/// A rule a paper matched, with every reason it matched.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) struct TopicMatch {
    /// The tag or feed.
    pub topic: Topic,
    /// The phrases of `any`, then of `all`, then followed authors, each in every field it
    /// occurs in (fields in the order title, abstract, authors, tags).
    pub reasons: Vec<Reason>,
}

/// The parts of a paper rules look at.
pub(crate) struct PaperText<'a> {
    /// The title.
    pub title: &'a str,
    /// The abstract as plain text.
    pub abstract_text: &'a str,
    /// The authors as written in the record.
    pub authors: &'a crate::record::StrList,
    /// The tags written in the record.
    pub tags: &'a crate::record::StrList,
}

/// A phrase of a rule: its pattern and its text as written.
#[derive(Debug)]
struct RulePhrase {
    pattern: u32,
    text: Arc<str>,
}

/// One rule, compiled.
#[derive(Debug)]
struct CompiledRule {
    topic: Topic,
    any: Vec<RulePhrase>,
    all: Vec<Vec<RulePhrase>>,
    exclude: Vec<RulePhrase>,
    /// The rule's fields as a bit mask (see [`crate::config::Fields::bits`]).
    fields: u8,
}

/// All topic rules of a site, compiled once per load.
pub(crate) struct TopicMatcher {
    /// The phrases matched in any case, folded; pattern `i` is `folded_ids[i]`.
    folded: Option<AhoCorasick>,
    folded_ids: Vec<u32>,
    /// The case-sensitive phrases, as written.
    exact: Option<AhoCorasick>,
    exact_ids: Vec<u32>,
    /// For each pattern, the rules in which it is an `any` phrase.
    pattern_rules: Vec<Vec<u32>>,
    rules: Vec<CompiledRule>,
    /// Followed authors: a person's key (see [`text::person_key`]) to the rules following
    /// them, with the name as each rule writes it.
    authors: AHashMap<String, Vec<(u32, Arc<str>)>>,
    /// The fields some rule looks in, as a bit mask.
    fields: u8,
    /// The keyword tags' names, by [`Topic::Tag`] number.
    tag_names: Vec<String>,
}

/// Collects the distinct patterns of the rules.
#[derive(Default)]
struct Patterns {
    ids: AHashMap<(String, bool), u32>,
    folded: (Vec<String>, Vec<u32>),
    exact: (Vec<String>, Vec<u32>),
}

impl Patterns {
    fn phrase(&mut self, phrase: &Phrase) -> RulePhrase {
        let key = if phrase.case_sensitive {
            (text::squash(&phrase.text), true)
        } else {
            (text::fold(&phrase.text), false)
        };
        let next = self.ids.len() as u32;
        let pattern = *self.ids.entry(key.clone()).or_insert_with(|| {
            let (patterns, ids) = if key.1 {
                &mut self.exact
            } else {
                &mut self.folded
            };
            patterns.push(key.0);
            ids.push(next);
            next
        });
        RulePhrase {
            pattern,
            text: Arc::from(phrase.text.as_str()),
        }
    }
}

fn automaton(patterns: &[String]) -> Option<AhoCorasick> {
    if patterns.is_empty() {
        return None;
    }
    // Overlapping matches need the standard match kind: "diffusion model" and "diffusion
    // models" both count, and a match cut in the middle of a word must not hide a whole one.
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(patterns)
        .ok()
}

impl TopicMatcher {
    /// Compiles the keyword tags' and keyword feeds' rules of `site.toml`.
    pub(crate) fn new(
        tags: &BTreeMap<String, TopicRule>,
        feeds: &BTreeMap<String, TopicRule>,
    ) -> Self {
        let mut patterns = Patterns::default();
        let mut rules = Vec::new();
        let mut authors: AHashMap<String, Vec<(u32, Arc<str>)>> = AHashMap::new();
        let mut fields = 0;
        let topics = (tags.values().enumerate())
            .map(|(i, rule)| (Topic::Tag(i as u16), rule))
            .chain(
                feeds
                    .values()
                    .enumerate()
                    .map(|(i, rule)| (Topic::Feed(i as u16), rule)),
            );
        for (topic, rule) in topics {
            let r = rules.len() as u32;
            let mut phrases =
                |list: &[Phrase]| list.iter().map(|p| patterns.phrase(p)).collect::<Vec<_>>();
            let compiled = CompiledRule {
                topic,
                any: phrases(&rule.any),
                all: rule.all.iter().map(|group| phrases(group)).collect(),
                exclude: phrases(&rule.exclude),
                fields: rule.fields.bits(),
            };
            fields |= compiled.fields;
            for name in &rule.authors {
                authors
                    .entry(text::person_key(name))
                    .or_default()
                    .push((r, Arc::from(name.as_str())));
            }
            rules.push(compiled);
        }
        let mut pattern_rules = vec![Vec::new(); patterns.ids.len()];
        for (r, rule) in rules.iter().enumerate() {
            for phrase in &rule.any {
                pattern_rules[phrase.pattern as usize].push(r as u32);
            }
        }
        TopicMatcher {
            folded: automaton(&patterns.folded.0),
            folded_ids: patterns.folded.1,
            exact: automaton(&patterns.exact.0),
            exact_ids: patterns.exact.1,
            pattern_rules,
            rules,
            authors,
            fields,
            tag_names: tags.keys().cloned().collect(),
        }
    }

    /// The names of the keyword tags among `matches`.
    pub(crate) fn tag_names(&self, matches: &[TopicMatch]) -> Vec<&str> {
        matches
            .iter()
            .filter_map(|m| match m.topic {
                Topic::Tag(k) => self.tag_names.get(usize::from(k)).map(String::as_str),
                Topic::Feed(_) => None,
            })
            .collect()
    }

    /// The rules `paper` matches, in `site.toml` order (tags, then feeds), with why.
    pub(crate) fn matches(&self, paper: &PaperText<'_>) -> Vec<TopicMatch> {
        if self.rules.is_empty() {
            return Vec::new();
        }
        // (pattern, the fields it occurs in) for every pattern found.
        let mut hits: Vec<(u32, u8)> = Vec::new();
        for field in Field::ALL {
            let bit = 1u8 << field as u8;
            if self.fields & bit == 0 {
                continue;
            }
            match field {
                Field::Title => self.scan(paper.title, bit, &mut hits),
                Field::Abstract => self.scan(paper.abstract_text, bit, &mut hits),
                Field::Authors => {
                    for name in paper.authors {
                        self.scan(&display_name(name), bit, &mut hits);
                    }
                }
                Field::Tags => {
                    for tag in paper.tags {
                        self.scan(tag, bit, &mut hits);
                    }
                }
            }
        }
        hits.sort_unstable();
        hits.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.1 |= later.1;
            }
            same
        });
        let mut followed: Vec<(u32, Arc<str>)> = Vec::new();
        if !self.authors.is_empty() {
            for name in paper.authors {
                if let Some(rules) = self.authors.get(&text::person_key(name)) {
                    followed.extend(rules.iter().cloned());
                }
            }
        }
        let mut candidates: Vec<u32> = hits
            .iter()
            .flat_map(|&(p, _)| self.pattern_rules[p as usize].iter().copied())
            .chain(followed.iter().map(|(r, _)| *r))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|r| self.judge(r, &hits, &followed))
            .collect()
    }

    /// Rule `r` on a paper whose patterns `hits` (sorted by pattern) and followed authors were
    /// found: the match and its reasons, or `None`.
    fn judge(
        &self,
        r: u32,
        hits: &[(u32, u8)],
        followed: &[(u32, Arc<str>)],
    ) -> Option<TopicMatch> {
        let rule = &self.rules[r as usize];
        let found = |phrase: &RulePhrase| -> u8 {
            hits.binary_search_by_key(&phrase.pattern, |h| h.0)
                .map_or(0, |i| hits[i].1 & rule.fields)
        };
        if rule.exclude.iter().any(|p| found(p) != 0) {
            return None;
        }
        let mut reasons = Vec::new();
        let because = |phrases: &[RulePhrase], reasons: &mut Vec<Reason>| -> bool {
            let mut any = false;
            for phrase in phrases {
                let mask = found(phrase);
                for field in Field::ALL {
                    if mask & (1 << field as u8) != 0 {
                        any = true;
                        reasons.push(Reason {
                            text: phrase.text.clone(),
                            place: Place::Field(field),
                        });
                    }
                }
            }
            any
        };
        let mut by_phrases = because(&rule.any, &mut reasons);
        for group in &rule.all {
            by_phrases &= because(group, &mut reasons);
        }
        if !by_phrases {
            reasons.clear();
        }
        for (_, name) in followed.iter().filter(|(fr, _)| *fr == r) {
            reasons.push(Reason {
                text: name.clone(),
                place: Place::FollowedAuthor,
            });
        }
        if reasons.is_empty() {
            return None;
        }
        // A phrase written twice in a rule (in `any` and a group of `all`) is one reason.
        let mut unique: Vec<Reason> = Vec::with_capacity(reasons.len());
        for reason in reasons {
            if !unique.contains(&reason) {
                unique.push(reason);
            }
        }
        Some(TopicMatch {
            topic: rule.topic,
            reasons: unique,
        })
    }

    /// Adds to `hits` the patterns that occur as whole words in `text`, with the field `bit`.
    fn scan(&self, text: &str, bit: u8, hits: &mut Vec<(u32, u8)>) {
        for (automaton, ids, haystack) in [
            (
                &self.folded,
                &self.folded_ids,
                self.folded.as_ref().map(|_| text::fold(text)),
            ),
            (
                &self.exact,
                &self.exact_ids,
                self.exact.as_ref().map(|_| text::squash(text)),
            ),
        ] {
            let (Some(automaton), Some(haystack)) = (automaton, haystack) else {
                continue;
            };
            for m in automaton.find_overlapping_iter(&haystack) {
                if text::whole_words(&haystack, m.start(), m.end()) {
                    hits.push((ids[m.pattern().as_usize()], bit));
                }
            }
        }
    }
}
