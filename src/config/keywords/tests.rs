//! Topic rules as `site.toml` writes them: both forms read, and every mistake reported at its
//! line and column with a hint.

use super::*;
use crate::config::Config;

fn rules(table: &str, body: &str) -> Result<BTreeMap<String, TopicRule>, String> {
    Config::parse(
        &format!("base_url = \"https://x/\"\n[{table}]\n{body}\n"),
        "site.toml",
        None,
    )
    .map(|c| match table {
        "keyword_feeds" => c.keyword_feeds,
        _ => c.keyword_tags,
    })
    .map_err(|p| p.render())
}

fn texts(phrases: &[Phrase]) -> Vec<(&str, bool)> {
    phrases
        .iter()
        .map(|p| (p.text.as_str(), p.case_sensitive))
        .collect()
}

#[test]
fn a_list_is_the_plain_rule_it_always_was() {
    let tags = rules("keyword_tags", "icl = [\"in-context learning\", \"ICL\"]").unwrap();
    assert_eq!(
        tags["icl"],
        TopicRule::phrases("icl", &["in-context learning", "ICL"])
    );
    assert_eq!(tags["icl"].fields, Fields::DEFAULT);
}

#[test]
fn a_table_gives_every_part() {
    for table in ["keyword_tags", "keyword_feeds"] {
        let found = rules(
            table,
            "\"Robot SLAM\" = { any = [\"SLAM\", \"visual odometry\"], all = [[\"localization\", \"mapping\", \"robot\"]], exclude = [\"watermark\"], case_sensitive = [\"SLAM\"], fields = [\"title\", \"abstract\", \"tags\"], authors = [\"Ada Lovelace\"] }",
        )
        .unwrap();
        let rule = &found["Robot SLAM"];
        assert_eq!(rule.slug, "robot-slam");
        assert_eq!(
            texts(&rule.any),
            [("SLAM", true), ("visual odometry", false)]
        );
        assert_eq!(rule.all.len(), 1);
        assert_eq!(
            texts(&rule.all[0]),
            [
                ("localization", false),
                ("mapping", false),
                ("robot", false)
            ]
        );
        assert_eq!(texts(&rule.exclude), [("watermark", false)]);
        let fields: Vec<Field> = rule.fields.iter().collect();
        assert_eq!(fields, [Field::Title, Field::Abstract, Field::Tags]);
        assert_eq!(rule.authors, ["Ada Lovelace"]);
        assert!(!rule.plain);
    }
}

#[test]
fn following_authors_alone_is_a_rule() {
    let found = rules(
        "keyword_feeds",
        "[keyword_feeds.ada]\nauthors = [\"Ada Lovelace\", \"Lovelace, Ada\"]\nexclude = [\"erratum\"]",
    )
    .unwrap();
    assert!(found["ada"].any.is_empty());
    assert_eq!(found["ada"].authors.len(), 2);
}

#[test]
fn mistakes_are_reported_at_their_place_with_a_hint() {
    // The rule starts on line 3 (after base_url and the table header).
    for (body, place, message) in [
        (
            "x = { anyy = [\"a\"] }",
            "site.toml:3:7",
            "unknown field `anyy`",
        ),
        ("x = { any = \"a\" }", "site.toml:3:13", "invalid type"),
        ("x = \"a\"", "site.toml:3:5", "a list of phrases"),
        ("x = 3", "site.toml:3:5", "a list of phrases"),
        ("x = [1]", "site.toml:3:6", "invalid type"),
        (
            "x = { any = [\"a\", \" \"] }",
            "site.toml:3:19",
            "empty phrase",
        ),
        ("x = [\"a\", \"\"]", "site.toml:3:11", "empty phrase"),
        ("x = []", "site.toml:3:5", "no phrases"),
        (
            "x = { any = [] }",
            "site.toml:3:13",
            "`any` of keyword tag `x` is an empty list",
        ),
        ("x = { any = [\"a\"], all = [] }", "site.toml:3:26", "`all`"),
        (
            "x = { any = [\"a\"], all = [[]] }",
            "site.toml:3:27",
            "`all`",
        ),
        (
            "x = { any = [\"a\"], all = [[\"\"]] }",
            "site.toml:3:28",
            "empty phrase",
        ),
        (
            "x = { all = [[\"a\"]] }",
            "site.toml:3:13",
            "has `all` but no `any`",
        ),
        (
            "x = { exclude = [\"a\"] }",
            "site.toml:3:5",
            "can match no paper",
        ),
        ("x = {}", "site.toml:3:5", "can match no paper"),
        (
            "x = { any = [\"SLAM\"], case_sensitive = [\"slam\"] }",
            "site.toml:3:41",
            "`slam` in case_sensitive",
        ),
        (
            "x = { any = [\"a\"], fields = [\"body\"] }",
            "site.toml:3:30",
            "the field `body`",
        ),
        (
            "x = { any = [\"a\"], fields = [] }",
            "site.toml:3:29",
            "`fields`",
        ),
        (
            "x = { authors = [\" , \"] }",
            "site.toml:3:18",
            "has no name",
        ),
        (
            "[keyword_tags.x]\nany = [\"a\"]\nexcluded = [\"b\"]",
            "site.toml:5:1",
            "unknown field `excluded`",
        ),
    ] {
        let err = rules("keyword_tags", body).unwrap_err();
        assert!(err.contains(place), "{body}: not at {place}: {err}");
        assert!(err.contains(message), "{body}: lacks {message}: {err}");
        assert!(
            err.contains("help") || err.contains("hint"),
            "{body}: no hint: {err}"
        );
    }
}

#[test]
fn hints_of_rule_errors_show_a_rule() {
    for body in [
        "x = { anyy = [\"a\"] }",
        "x = { any = \"a\" }",
        "x = { any = [1] }",
        "x = { all = [\"a\"] }",
        "x = { any = [\"a\"], all = [\n  [\"b\"],\n  [2],\n] }",
        "[keyword_feeds.x]\nany = [\"a\"]\nexclude = [false]",
        "x.any = 5",
    ] {
        let err = rules("keyword_feeds", body).unwrap_err();
        assert!(err.contains("case_sensitive"), "{body}: {err}");
        assert!(!err.contains("[extra]"), "{body}: {err}");
        assert!(!err.contains("check quotes"), "{body}: {err}");
    }
    // Elsewhere in site.toml the hint is still the general one.
    let err = Config::parse("base_url = \"https://x/\"\ntitel = 1\n", "site.toml", None)
        .unwrap_err()
        .render();
    assert!(err.contains("[extra]"), "{err}");
}
