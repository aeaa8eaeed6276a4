//! `[keyword_tags]` and `[keyword_feeds]` of `site.toml`: each name is a topic rule, written as
//! a list of phrases (`icl = ["in-context learning", "ICL"]`) or as a table that says precisely
//! what a paper must and must not mention (`any`, `all`, `exclude`, `case_sensitive`, `fields`,
//! `authors`). Read here into checked [`TopicRule`]s; the matching itself is
//! `index::keywords`. Problems point at the key or value in `site.toml` and say how to fix it.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::diagnostic::{Location, Problem};

/// One rule of `[keyword_tags]` or `[keyword_feeds]`: which papers get the tag or join the
/// feed. A paper matches when it is by one of `authors`, or when one of `any` occurs in one of
/// its `fields` and so does a phrase of each group of `all`; and, either way, no phrase of
/// `exclude` occurs in those fields. Phrases are whole words (see the README, "Topic rules").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TopicRule {
    /// The URL segment of the rule's page (`tags/<slug>/`, `feeds/<slug>/`).
    pub slug: String,
    /// At least one of these must occur (unless the paper is by one of `authors`).
    pub any: Vec<Phrase>,
    /// Groups of phrases: one phrase of each group must occur too.
    pub all: Vec<Vec<Phrase>>,
    /// A paper where one of these occurs never matches.
    pub exclude: Vec<Phrase>,
    /// Where phrases are looked for; the title and the abstract unless the rule says.
    pub fields: Fields,
    /// People followed: any paper by one of them matches, as written in `site.toml`.
    pub authors: Vec<String>,
    /// Whether the rule was written as a plain list of phrases.
    pub plain: bool,
}

/// A phrase of a rule, as written in `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phrase {
    /// The phrase as written.
    pub text: String,
    /// Matched with its case as written (`case_sensitive`), rather than in any case.
    pub case_sensitive: bool,
}

/// A part of a paper where phrases are looked for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Field {
    /// The title.
    Title,
    /// The abstract (the record's body, as text).
    Abstract,
    /// The author names, each as pages show it.
    Authors,
    /// The tags written in the record (not keyword tags).
    Tags,
}

impl Field {
    /// Every field, in the order reasons name them.
    pub const ALL: [Field; 4] = [Field::Title, Field::Abstract, Field::Authors, Field::Tags];

    /// The field's name in `site.toml` and on pages.
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Abstract => "abstract",
            Field::Authors => "authors",
            Field::Tags => "tags",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of [`Field`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fields(u8);

impl Fields {
    /// The title and the abstract: where a rule looks unless it says otherwise.
    pub const DEFAULT: Fields = Fields(0b11);

    /// The empty set.
    pub const NONE: Fields = Fields(0);

    /// The set with `field` added.
    pub fn with(self, field: Field) -> Fields {
        Fields(self.0 | field.bit())
    }

    /// Whether `field` is in the set.
    pub fn contains(self, field: Field) -> bool {
        self.0 & field.bit() != 0
    }

    /// The fields of the set, in [`Field::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    /// The set as a bit mask (bit `n` for the `n`th field of [`Field::ALL`]).
    pub fn bits(self) -> u8 {
        self.0
    }
}

impl TopicRule {
    /// The rule of a plain list of phrases, each matched in any case in the title and abstract.
    pub fn phrases(slug: &str, phrases: &[&str]) -> TopicRule {
        TopicRule {
            slug: slug.to_string(),
            any: phrases
                .iter()
                .map(|p| Phrase {
                    text: p.to_string(),
                    case_sensitive: false,
                })
                .collect(),
            all: Vec::new(),
            exclude: Vec::new(),
            fields: Fields::DEFAULT,
            authors: Vec::new(),
            plain: true,
        }
    }
}

/// A rule as written: a list of phrases, or a table.
#[derive(Debug)]
pub(super) enum RawRule {
    /// `name = ["phrase", ...]`.
    Phrases(Vec<Spanned<String>>),
    /// `name = { any = [...], ... }` (boxed: a few per site, far larger than a list).
    Table(Box<RawRuleTable>),
}

type Texts = Spanned<Vec<Spanned<String>>>;

/// A rule's table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawRuleTable {
    any: Option<Texts>,
    all: Option<Spanned<Vec<Texts>>>,
    exclude: Option<Texts>,
    case_sensitive: Option<Texts>,
    fields: Option<Texts>,
    authors: Option<Texts>,
}

impl<'de> Deserialize<'de> for RawRule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RuleVisitor;
        impl<'de> Visitor<'de> for RuleVisitor {
            type Value = RawRule;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(RULE_SHAPE)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawRule, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(RawRule::Phrases)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRule, A::Error> {
                RawRuleTable::deserialize(MapAccessDeserializer::new(map))
                    .map(|table| RawRule::Table(Box::new(table)))
            }
        }
        deserializer.deserialize_any(RuleVisitor)
    }
}

/// What a rule may be, in the message of a value of the wrong type.
const RULE_SHAPE: &str = "a topic rule: a list of phrases, or a table of any, all, exclude, case_sensitive, fields, authors";

/// An example of a rule table, for hints.
const EXAMPLE: &str = "slam = { any = [\"SLAM\"], all = [[\"localization\", \"mapping\", \"robot\"]], exclude = [\"watermark\"], case_sensitive = [\"SLAM\"] }";

/// The hint for a TOML error inside a rule (an unknown key, a value of the wrong type), told
/// apart by what its message names or by where it is (`offset` in `text`, `site.toml`); `None`
/// for other errors.
pub(super) fn hint(message: &str, text: &str, offset: usize) -> Option<String> {
    let in_rule = message.contains(RULE_SHAPE)
        || message.contains("`case_sensitive`")
        || in_keyword_table(text, offset);
    in_rule.then(|| {
        format!(
            "a rule is a list of phrases, or a table whose keys are any, all, exclude, case_sensitive, fields (title, abstract, authors, tags) and authors, each a list of strings (all: a list of lists), e.g. {EXAMPLE}"
        )
    })
}

/// Whether byte `offset` of `site.toml` is in `[keyword_tags]` or `[keyword_feeds]`: its line,
/// or the nearest table header above it, names one of them. (A line of a multi-line array
/// may start with `[` too, but then with a quote, a digit or another bracket, never a bare
/// key: it is not taken for a header.)
fn in_keyword_table(text: &str, offset: usize) -> bool {
    let names = |line: &str| {
        let line = line.trim_start().trim_start_matches('[').trim_start();
        line.starts_with("keyword_tags") || line.starts_with("keyword_feeds")
    };
    let before = text.get(..offset.min(text.len())).unwrap_or_default();
    let line_end = text[before.len()..]
        .find('\n')
        .map_or(text.len(), |i| before.len() + i);
    let mut lines = text[..line_end].lines().rev();
    if lines.clone().next().is_some_and(names) {
        return true;
    }
    lines
        .find(|line| {
            let line = line.trim_start();
            line.starts_with('[')
                && line
                    .trim_start_matches('[')
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        })
        .is_some_and(names)
}

/// `[keyword_tags]` or `[keyword_feeds]` (`what`: "keyword tag", "keyword feed"; `folder`:
/// "tags/", "feeds/") resolved into checked rules, by name.
pub(super) fn resolve(
    table: BTreeMap<Spanned<String>, Spanned<RawRule>>,
    what: &str,
    folder: &str,
    at: &dyn Fn(Range<usize>) -> Location,
) -> Result<BTreeMap<String, TopicRule>, Problem> {
    // Matches name a rule by a 16-bit number (see `index::keywords::Topic`).
    if let Some((name, _)) = table.iter().nth(usize::from(u16::MAX)) {
        return Err(
            Problem::at(at(name.span()), format!("more than {} {what}s", u16::MAX))
                .with_hint(format!("keep at most {} {what}s", u16::MAX)),
        );
    }
    let mut rules = BTreeMap::new();
    for (name, (slug, raw)) in folder_names(table, what, folder, at)? {
        let span = raw.span();
        let rule = match raw.into_inner() {
            RawRule::Phrases(phrases) => {
                if phrases.is_empty() {
                    return Err(Problem::at(at(span), format!("{what} `{name}` has no phrases"))
                        .with_hint(format!("give each {what} non-empty phrases, e.g. \"in-context-learning\" = [\"in-context learning\", \"ICL\"]")));
                }
                let any = checked_phrases(phrases, &[], what, &name, at)?;
                TopicRule {
                    slug,
                    any,
                    all: Vec::new(),
                    exclude: Vec::new(),
                    fields: Fields::DEFAULT,
                    authors: Vec::new(),
                    plain: true,
                }
            }
            RawRule::Table(table) => rule_table(*table, span, slug, what, &name, at)?,
        };
        rules.insert(name, rule);
    }
    Ok(rules)
}

/// A rule table checked: every list non-empty where given, every phrase non-empty, each
/// `case_sensitive` phrase one of the rule's, each field known, and something that can match
/// (`any` or `authors`).
fn rule_table(
    table: RawRuleTable,
    span: Range<usize>,
    slug: String,
    what: &str,
    name: &str,
    at: &dyn Fn(Range<usize>) -> Location,
) -> Result<TopicRule, Problem> {
    let empty = |key: &str, span: Range<usize>| {
        Problem::at(
            at(span),
            format!("`{key}` of {what} `{name}` is an empty list"),
        )
        .with_hint(format!(
            "give `{key}` at least one string, or leave the key out; e.g. {EXAMPLE}"
        ))
    };
    let lists = [
        ("any", &table.any),
        ("exclude", &table.exclude),
        ("case_sensitive", &table.case_sensitive),
        ("fields", &table.fields),
        ("authors", &table.authors),
    ];
    for (key, list) in lists {
        if let Some(list) = list
            && list.get_ref().is_empty()
        {
            return Err(empty(key, list.span()));
        }
    }
    if let Some(all) = &table.all {
        if all.get_ref().is_empty() {
            return Err(empty("all", all.span()));
        }
        if let Some(group) = all.get_ref().iter().find(|g| g.get_ref().is_empty()) {
            return Err(empty("all", group.span()));
        }
    }
    // Every case-sensitive phrase must be one of the rule's phrases, as written.
    let case_sensitive: Vec<Spanned<String>> = table
        .case_sensitive
        .map(Spanned::into_inner)
        .unwrap_or_default();
    let written: Vec<&str> = [&table.any, &table.exclude]
        .into_iter()
        .flatten()
        .flat_map(|list| list.get_ref().iter())
        .chain(
            table
                .all
                .iter()
                .flat_map(|all| all.get_ref().iter().flat_map(|g| g.get_ref().iter())),
        )
        .map(|p| p.get_ref().as_str())
        .collect();
    for phrase in &case_sensitive {
        if !written.contains(&phrase.get_ref().as_str()) {
            return Err(Problem::at(
                at(phrase.span()),
                format!(
                    "`{}` in case_sensitive of {what} `{name}` is none of its phrases",
                    phrase.get_ref()
                ),
            )
            .with_hint(
                "case_sensitive names phrases of any, all or exclude, written exactly the same, e.g. any = [\"SLAM\"], case_sensitive = [\"SLAM\"]",
            ));
        }
    }
    let sensitive: Vec<&str> = case_sensitive
        .iter()
        .map(|p| p.get_ref().as_str())
        .collect();
    let phrases = |list: Option<Texts>| -> Result<Vec<Phrase>, Problem> {
        match list {
            Some(list) => checked_phrases(list.into_inner(), &sensitive, what, name, at),
            None => Ok(Vec::new()),
        }
    };
    let any = phrases(table.any)?;
    let exclude = phrases(table.exclude)?;
    let mut all = Vec::new();
    let all_span = table.all.as_ref().map(Spanned::span);
    for group in table.all.map(Spanned::into_inner).unwrap_or_default() {
        all.push(checked_phrases(
            group.into_inner(),
            &sensitive,
            what,
            name,
            at,
        )?);
    }
    let mut fields = Fields::NONE;
    for field in table.fields.map(Spanned::into_inner).unwrap_or_default() {
        let found = Field::ALL
            .into_iter()
            .find(|f| f.name() == field.get_ref().trim());
        match found {
            Some(f) => fields = fields.with(f),
            None => {
                return Err(Problem::at(
                    at(field.span()),
                    format!(
                        "{what} `{name}` looks in the field `{}`, which papers do not have",
                        field.get_ref()
                    ),
                )
                .with_hint("fields are \"title\", \"abstract\", \"authors\" and \"tags\"; without `fields` a rule looks in the title and the abstract"));
            }
        }
    }
    if fields == Fields::NONE {
        fields = Fields::DEFAULT;
    }
    let mut authors = Vec::new();
    for author in table.authors.map(Spanned::into_inner).unwrap_or_default() {
        let text = crate::text_clean::cleaned(author.get_ref())
            .trim()
            .to_string();
        if !text.chars().any(char::is_alphanumeric) {
            return Err(Problem::at(
                at(author.span()),
                format!("an author followed by {what} `{name}` has no name"),
            )
            .with_hint(
                "write each author's name as records do, e.g. authors = [\"Ada Lovelace\"]",
            ));
        }
        authors.push(text);
    }
    if any.is_empty() {
        if let Some(span) = all_span {
            return Err(Problem::at(
                at(span),
                format!("{what} `{name}` has `all` but no `any`"),
            )
            .with_hint("`all` narrows the papers `any` finds: add any = [...] with the phrases at least one of which must occur, e.g. any = [\"SLAM\"], all = [[\"robot\", \"mapping\"]]"));
        }
        if authors.is_empty() {
            return Err(Problem::at(
                at(span),
                format!("{what} `{name}` can match no paper: it has neither `any` nor `authors`"),
            )
            .with_hint(format!(
                "add the phrases that put a paper in it (any = [...]) or the people to follow (authors = [...]), e.g. {EXAMPLE}"
            )));
        }
    }
    Ok(TopicRule {
        slug,
        any,
        all,
        exclude,
        fields,
        authors,
        plain: false,
    })
}

/// Phrases checked (each with a letter, digit or sign, not only spaces) and cleaned of the
/// characters no page may hold; those in `sensitive` are matched with case.
fn checked_phrases(
    phrases: Vec<Spanned<String>>,
    sensitive: &[&str],
    what: &str,
    name: &str,
    at: &dyn Fn(Range<usize>) -> Location,
) -> Result<Vec<Phrase>, Problem> {
    phrases
        .into_iter()
        .map(|phrase| {
            if phrase.get_ref().trim().is_empty() {
                return Err(Problem::at(
                    at(phrase.span()),
                    format!("{what} `{name}` has an empty phrase"),
                )
                .with_hint(format!("give each {what} non-empty phrases, e.g. \"in-context-learning\" = [\"in-context learning\", \"ICL\"]")));
            }
            Ok(Phrase {
                case_sensitive: sensitive.contains(&phrase.get_ref().as_str()),
                text: crate::text_clean::cleaned(phrase.get_ref()).into_owned(),
            })
        })
        .collect()
}

/// The names of `[keyword_tags]` or `[keyword_feeds]` (`what`), each of which becomes a folder
/// under `folder`: each must pass the one rule for folder names, and no two may share a folder
/// (their pages would overwrite each other's). Problems point at the name in `site.toml`.
/// Names are cleaned of the characters no page may hold; each comes with its slug.
fn folder_names<V>(
    table: BTreeMap<Spanned<String>, V>,
    what: &str,
    folder: &str,
    at: &dyn Fn(Range<usize>) -> Location,
) -> Result<BTreeMap<String, (String, V)>, Problem> {
    let example = match folder {
        "feeds/" => "\"LLM agents\" = [\"agent\", \"tool use\"]",
        _ => "\"in-context-learning\" = [\"in-context learning\", \"ICL\"]",
    };
    let mut by_slug: BTreeMap<String, Spanned<String>> = BTreeMap::new();
    let mut names = BTreeMap::new();
    for (name, value) in table {
        let name = Spanned::new(
            name.span(),
            crate::text_clean::cleaned(name.get_ref()).into_owned(),
        );
        let slug = crate::slug::name_segment(name.get_ref()).map_err(|error| {
            crate::slug::segment_problem(at(name.span()), what, name.get_ref(), error, example)
        })?;
        if let Some(other) = by_slug.get(&slug) {
            let (line, column) = at(other.span()).line_col();
            return Err(Problem::at(
                at(name.span()),
                format!(
                    "{what}s `{}` and `{}` would share the folder {folder}{slug}/",
                    other.get_ref(),
                    name.get_ref()
                ),
            )
            .with_note(format!("`{}` is at line {line}, column {column}", other.get_ref()))
            .with_hint(format!(
                "merge the two into one {what} (with the phrases of both), or rename one so the names differ in letters or digits"
            )));
        }
        by_slug.insert(slug.clone(), name.clone());
        names.insert(name.into_inner(), (slug, value));
    }
    Ok(names)
}

#[cfg(test)]
mod tests;
