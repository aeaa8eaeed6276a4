//! The rule table: each case is a rule as `site.toml` writes it and a paper, with whether the
//! paper matches and why (`phrase@field`, `name@followed` for a followed author).

use std::collections::BTreeMap;

use super::*;
use crate::config::Config;

/// A paper's parts: title, abstract, authors, tags.
type Paper<'a> = (&'a str, &'a str, &'a [&'a str], &'a [&'a str]);

/// The reasons of the one rule `rule` (a TOML value) on `paper`, as `phrase@place` joined by
/// "; ", or `None` when it does not match.
fn judge(rule: &str, paper: Paper<'_>) -> Option<String> {
    let text = format!("base_url = \"https://x/\"\n[keyword_tags]\nrule = {rule}\n");
    let config = Config::parse(&text, "site.toml", None)
        .unwrap_or_else(|p| panic!("{rule}: {}", p.render()));
    let matcher = TopicMatcher::new(&config.keyword_tags, &BTreeMap::new());
    let (title, abstract_text, authors, tags) = paper;
    let authors: Vec<String> = authors.iter().map(|a| a.to_string()).collect();
    let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    let found = matcher.matches(&PaperText {
        title,
        abstract_text,
        authors: &crate::record::StrList::from(authors.clone()),
        tags: &crate::record::StrList::from(tags.clone()),
    });
    assert!(found.len() <= 1, "{rule}: {found:?}");
    found.first().map(|m| {
        assert_eq!(m.topic, Topic::Tag(0));
        m.reasons
            .iter()
            .map(|r| match r.place {
                Place::Field(field) => format!("{}@{}", r.text, field.name()),
                Place::FollowedAuthor => format!("{}@followed", r.text),
            })
            .collect::<Vec<_>>()
            .join("; ")
    })
}

const SLAM: &str = r#"{ any = ["SLAM"], all = [["localization", "mapping", "robot"]], exclude = ["watermark"], case_sensitive = ["SLAM"] }"#;

#[test]
fn the_rule_table() {
    let none: &[&str] = &[];
    let cases: Vec<(&str, Paper<'_>, Option<&str>)> = vec![
        // 1-3. The daily-arXiv mistake: an acronym shared by two fields. The language-model
        // paper is kept out of robot SLAM, the robotics paper is in.
        (
            SLAM,
            (
                "SLAM: Structural Linguistic Activation Marking for Language Models",
                "We mark activations of large language models to trace their outputs.",
                none,
                none,
            ),
            None,
        ),
        (
            SLAM,
            (
                "Visual SLAM for Legged Robots in Dark Mines",
                "A robot builds a map while tracking its pose: localization and mapping at once.",
                none,
                none,
            ),
            Some("SLAM@title; localization@abstract; mapping@abstract; robot@abstract"),
        ),
        (
            SLAM,
            (
                "Robust SLAM with watermark-free maps",
                "Mapping for a robot.",
                none,
                none,
            ),
            None,
        ),
        // 4-5. Case-sensitive: "slam" in prose, and the acronym inside a longer word.
        (
            SLAM,
            ("A slam dunk for robot mapping", "", none, none),
            None,
        ),
        (SLAM, ("SLAMMING robot doors", "mapping", none, none), None),
        // 6-9. "RL" as an acronym: not "rl", not inside "CURL" or "RLHF", but in parentheses.
        (
            r#"{ any = ["RL"], case_sensitive = ["RL"] }"#,
            ("Policies", "We train with RL.", none, none),
            Some("RL@abstract"),
        ),
        (
            r#"{ any = ["RL"], case_sensitive = ["RL"] }"#,
            ("Policies", "the url path is rl-free", none, none),
            None,
        ),
        (
            r#"{ any = ["RL"], case_sensitive = ["RL"] }"#,
            ("CURL and RLHF", "", none, none),
            None,
        ),
        (
            r#"{ any = ["RL"], case_sensitive = ["RL"] }"#,
            ("Offline (RL) agents", "", none, none),
            Some("RL@title"),
        ),
        // 10-12. Plain lists as before: any case, whole words, across line breaks.
        (
            r#"["in-context learning", "ICL"]"#,
            ("Prompt-Based In-Context Learning", "", none, none),
            Some("in-context learning@title"),
        ),
        (
            r#"["ICL"]"#,
            ("CICLE is a method; icling", "", none, none),
            None,
        ),
        (
            r#"["mixture of experts"]"#,
            (
                "Routing",
                "A sparse Mixture\n  of\tExperts layer.",
                none,
                none,
            ),
            Some("mixture of experts@abstract"),
        ),
        // 13-14. A phrase in title and abstract is one reason per field; `any` of several.
        (
            r#"["agents", "tool use"]"#,
            ("Agents", "agents with tool use", none, none),
            Some("agents@title; agents@abstract; tool use@abstract"),
        ),
        (
            r#"["agents"]"#,
            ("Agentic search", "agent", none, none),
            None,
        ),
        // 15-17. `all`: every group needs one of its phrases.
        (
            r#"{ any = ["diffusion"], all = [["audio", "music"], ["real-time", "streaming"]] }"#,
            ("Streaming diffusion", "for music", none, none),
            Some("diffusion@title; music@abstract; streaming@title"),
        ),
        (
            r#"{ any = ["diffusion"], all = [["audio", "music"], ["real-time", "streaming"]] }"#,
            ("Streaming diffusion", "for images", none, none),
            None,
        ),
        (
            r#"{ any = ["diffusion"], all = [["audio"]] }"#,
            ("Audio", "no match of the any phrase", none, none),
            None,
        ),
        // 18-19. `exclude`: anywhere in the fields, any case.
        (
            r#"{ any = ["watermarking"], exclude = ["survey"] }"#,
            ("Watermarking text: a SURVEY", "", none, none),
            None,
        ),
        (
            r#"{ any = ["watermarking"], exclude = ["survey"] }"#,
            ("Watermarking text", "surveys are elsewhere", none, none),
            Some("watermarking@title"),
        ),
        // 20-22. `fields`: only where the rule looks.
        (
            r#"{ any = ["graph"], fields = ["title"] }"#,
            ("Trees", "a graph", none, none),
            None,
        ),
        (
            r#"{ any = ["graph"], fields = ["tags"] }"#,
            ("Trees", "", none, &["graph", "trees"]),
            Some("graph@tags"),
        ),
        (
            r#"{ any = ["Berg"], fields = ["authors"] }"#,
            ("T", "", &["van der Berg, Jan"], none),
            Some("Berg@authors"),
        ),
        // 23-26. `authors`: a paper by a followed person matches, whatever it says, however
        // the record writes the name; `exclude` still applies.
        (
            r#"{ authors = ["Ada Lovelace"] }"#,
            (
                "Notes on the engine",
                "",
                &["Charles Babbage", "Lovelace, Ada"],
                none,
            ),
            Some("Ada Lovelace@followed"),
        ),
        (
            r#"{ authors = ["José Núñez"] }"#,
            ("T", "", &["Jose Nunez"], none),
            Some("José Núñez@followed"),
        ),
        (
            r#"{ authors = ["Ada Lovelace"] }"#,
            ("T", "", &["A. Lovelace"], none),
            None,
        ),
        (
            r#"{ authors = ["Ada Lovelace"], exclude = ["erratum"] }"#,
            ("Erratum", "", &["Ada Lovelace"], none),
            None,
        ),
        // 27. A followed author matches without `any` and `all`; phrases that match too are
        // reasons as well.
        (
            r#"{ any = ["engine"], all = [["steam"]], authors = ["Ada Lovelace"] }"#,
            ("The analytical engine", "", &["Ada Lovelace"], none),
            Some("Ada Lovelace@followed"),
        ),
        // 28-31. Accented letters are letters; case folds beyond ASCII.
        (
            r#"["café"]"#,
            ("Le Café des sciences", "", none, none),
            Some("café@title"),
        ),
        (r#"["café"]"#, ("Cafés", "", none, none), None),
        (r#"["cafe"]"#, ("Un cafe\u{301}", "", none, none), None),
        (
            r#"["ärger"]"#,
            ("ÄRGER im Labor", "", none, none),
            Some("ärger@title"),
        ),
        (
            r#"["straße"]"#,
            ("STRASSE und Weg", "", none, none),
            Some("straße@title"),
        ),
        (
            r#"["σοφία"]"#,
            ("ΣΟΦΊΑ", "", none, none),
            Some("σοφία@title"),
        ),
        (r#"["naïve"]"#, ("Naïveté", "", none, none), None),
        // 35-38. Chinese, Japanese and Korean: matched inside words (no spaces between
        // them), never a crash.
        (
            r#"["强化学习"]"#,
            ("基于深度强化学习的机器人导航", "", none, none),
            Some("强化学习@title"),
        ),
        (
            r#"["トランスフォーマー"]"#,
            ("", "トランスフォーマーを用いた翻訳", none, none),
            Some("トランスフォーマー@abstract"),
        ),
        (
            r#"["모델"]"#,
            ("언어 모델은", "", none, none),
            Some("모델@title"),
        ),
        (
            r#"["ICL"]"#,
            ("大模型ICL方法", "", none, none),
            Some("ICL@title"),
        ),
        (
            r#"["gpt"]"#,
            ("日本語のテキスト", "한국어 😀 emoji", none, none),
            None,
        ),
        // 40. Case-sensitive phrases with accents.
        (
            r#"{ any = ["École"], case_sensitive = ["École"] }"#,
            ("école", "ÉCOLE", none, none),
            None,
        ),
    ];
    assert!(cases.len() >= 30);
    for (rule, paper, expected) in cases {
        assert_eq!(
            judge(rule, paper).as_deref(),
            expected,
            "{rule} on {paper:?}"
        );
    }
}

#[test]
fn tags_and_feeds_share_one_matcher_in_config_order() {
    let config = Config::parse(
        "base_url = \"https://x/\"\n[keyword_tags]\nb = [\"beta\"]\na = [\"alpha\"]\n[keyword_feeds]\nf = [\"alpha\"]\n",
        "site.toml",
        None,
    )
    .unwrap();
    let matcher = TopicMatcher::new(&config.keyword_tags, &config.keyword_feeds);
    let found = matcher.matches(&PaperText {
        title: "alpha and beta",
        abstract_text: "",
        authors: &crate::record::StrList::default(),
        tags: &crate::record::StrList::default(),
    });
    let topics: Vec<Topic> = found.iter().map(|m| m.topic).collect();
    assert_eq!(topics, [Topic::Tag(0), Topic::Tag(1), Topic::Feed(0)]);
    assert_eq!(matcher.tag_names(&found), ["a", "b"]);
}

#[test]
fn no_rules_match_nothing() {
    let matcher = TopicMatcher::new(&BTreeMap::new(), &BTreeMap::new());
    assert!(
        matcher
            .matches(&PaperText {
                title: "ICL",
                abstract_text: "",
                authors: &crate::record::StrList::default(),
                tags: &crate::record::StrList::default(),
            })
            .is_empty()
    );
}

/// Text of any script, with the characters that make words and boundaries likely.
fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z ÄäßΣς é\u{301}İ强化学习모델トラ\n\t,.-]{0,40}").unwrap()
}

proptest::proptest! {
    #![proptest_config(crate::record::mutations::config(256))]

    /// On any text of any script matching never panics; a phrase put between spaces into a
    /// text is always found, and every reason is a phrase that occurs in the folded field.
    #[test]
    fn a_phrase_between_spaces_is_always_found(
        phrase in any_text(),
        before in any_text(),
        after in any_text(),
        other in any_text(),
    ) {
        proptest::prop_assume!(!phrase.trim().is_empty());
        let mut tags = BTreeMap::new();
        tags.insert("t".to_string(), TopicRule::phrases("t", &[phrase.as_str()]));
        let matcher = TopicMatcher::new(&tags, &BTreeMap::new());
        let title = format!("{before} {phrase} {after}");
        let found = matcher.matches(&PaperText {
            title: &title,
            abstract_text: &other,
            authors: &crate::record::StrList::default(),
            tags: &crate::record::StrList::default(),
        });
        proptest::prop_assert_eq!(found.len(), 1, "{:?} in {:?}", phrase, title);
        for reason in &found[0].reasons {
            let field = match reason.place {
                Place::Field(Field::Title) => &title,
                Place::Field(Field::Abstract) => &other,
                place => panic!("{place:?}"),
            };
            proptest::prop_assert!(text::fold(field).contains(&text::fold(&reason.text)));
        }
    }
}
