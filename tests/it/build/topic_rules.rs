//! Precise topic rules (`[keyword_tags]`, `[keyword_feeds]` as tables) through the real binary:
//! an acronym shared by two fields stays in its own, case and whole words count, people are
//! followed, every listed paper says why it is there, and a mistake in a rule is reported at
//! its line and column.

use crate::common::{self, Site, html, read};

const SITE_TOML: &str = r#"title = "Topics"
base_url = "https://example.org/"

[keyword_tags]
"robot SLAM" = { any = ["SLAM"], all = [["localization", "mapping", "robot"]], exclude = ["watermark"], case_sensitive = ["SLAM"] }
"graph theory" = ["théorie des graphes", "graph theory"]
"强化学习" = ["强化学习", "reinforcement learning"]

[keyword_feeds]
"Mixture of experts" = ["mixture of experts", "MoE"]
"Ada Lovelace" = { authors = ["Ada Lovelace"], exclude = ["erratum"] }
"RL acronym" = { any = ["RL"], case_sensitive = ["RL"], fields = ["title"] }
"#;

/// Records as a digest of the day would have them: (file stem, date, authors, title, abstract).
const RECORDS: &[(&str, &str, &[&str], &str, &str)] = &[
    (
        "slam-activation-marking",
        "2025-03-03",
        &["Mei Chen", "Tomás Ruiz"],
        "SLAM: Structural Linguistic Activation Marking for Language Models",
        "We mark the activations of large language models so that text they write can be traced back to them, without changing what they write.",
    ),
    (
        "quadruped-visual-slam",
        "2025-03-03",
        &["Priya Raman"],
        "Visual SLAM for Quadruped Robots in Underground Mines",
        "A legged robot must keep track of where it is in dark, dusty tunnels. We combine visual odometry with loop closure for localization and mapping on board.",
    ),
    (
        "slam-poetry",
        "2025-03-04",
        &["Jo Park"],
        "Slam Poetry Generation with Language Models",
        "Performance poetry written by a model, judged by a slam audience; a robot reads it aloud.",
    ),
    (
        "slam-map-watermark",
        "2025-03-04",
        &["Priya Raman"],
        "Watermark Embedding in SLAM Maps",
        "We hide a watermark in the maps a robot builds, so that stolen maps can be recognised.",
    ),
    (
        "sparse-moe-routing",
        "2025-03-04",
        &["Kenji Sato"],
        "Routing Tokens Sparsely",
        "A sparse mixture of experts layer that routes each token to two of sixty-four experts.",
    ),
    (
        "notes-on-the-engine",
        "2025-03-05",
        &["Lovelace, Ada", "Charles Babbage"],
        "Notes on the Analytical Engine",
        "The engine weaves algebraical patterns just as the Jacquard loom weaves flowers and leaves.",
    ),
    (
        "engine-erratum",
        "2025-03-05",
        &["Ada Lovelace"],
        "Erratum: Notes on the Analytical Engine",
        "A table of Note G had two values swapped.",
    ),
    (
        "theorie-des-graphes",
        "2025-03-05",
        &["Élodie Marchand"],
        "Une introduction à la Théorie des Graphes",
        "Nous présentons les graphes, leurs chemins et leurs coloriages.",
    ),
    (
        "rl-robot-navigation",
        "2025-03-06",
        &["王伟"],
        "基于深度强化学习的机器人导航",
        "我们提出一种用于室内导航的方法。",
    ),
    (
        "curl-contrastive",
        "2025-03-06",
        &["Ana Souza"],
        "CURL: Contrastive Unsupervised Representations for rl",
        "Contrastive learning for reinforcement learning from pixels.",
    ),
    (
        "offline-rl",
        "2025-03-06",
        &["Ana Souza"],
        "Offline RL from Logged Data",
        "Policies learned from logs alone.",
    ),
];

fn topic_site() -> Site {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let site = Site { tmp, root };
    site.write("site.toml", SITE_TOML);
    for (stem, date, authors, title, body) in RECORDS {
        site.write(
            &format!("content/{stem}.md"),
            &format!("+++\ntitle = {title:?}\ndate = {date}\nauthors = {authors:?}\n+++\n{body}\n"),
        );
    }
    site
}

/// The papers listed on a tag's or feed's first page, by slug.
fn listed(out: &std::path::Path, page: &str) -> Vec<String> {
    let doc = html(out, page);
    common::hrefs(&doc, "main .card-title a")
        .into_iter()
        .map(|href| {
            href.trim_start_matches("/papers/")
                .trim_end_matches('/')
                .to_string()
        })
        .collect()
}

/// The "matched: …" line of each card of a page, by slug.
fn reasons(out: &std::path::Path, page: &str) -> Vec<(String, String)> {
    let doc = html(out, page);
    doc.select(&common::sel("main .card"))
        .map(|card| {
            let href = card
                .select(&common::sel(".card-title a"))
                .next()
                .and_then(|a| a.value().attr("href"))
                .unwrap_or_default();
            let slug = href.trim_start_matches("/papers/").trim_end_matches('/');
            let matched = card
                .select(&common::sel(".matched"))
                .next()
                .map(|p| p.text().collect::<String>())
                .unwrap_or_default();
            (slug.to_string(), matched)
        })
        .collect()
}

#[test]
fn the_slam_of_language_models_is_not_robot_slam() {
    let site = topic_site();
    let out = site.build_ok(&[]);
    // Only the robotics paper: not the language-model SLAM (no robot, mapping or
    // localization), not slam poetry ("Slam": the acronym is case-sensitive), not the
    // watermark paper (excluded).
    assert_eq!(
        listed(&out, "tags/robot-slam/index.html"),
        ["quadruped-visual-slam"]
    );
    let paper = html(&out, "papers/slam-activation-marking/index.html");
    assert!(
        !common::hrefs(&paper, "a").contains(&"/tags/robot-slam/".to_string()),
        "the language-model paper is not tagged robot SLAM"
    );
    let paper = html(&out, "papers/quadruped-visual-slam/index.html");
    assert!(common::hrefs(&paper, "a").contains(&"/tags/robot-slam/".to_string()));
}

#[test]
fn tag_and_feed_pages_say_why_each_paper_is_there() {
    let site = topic_site();
    let out = site.build_ok(&[]);
    assert_eq!(
        reasons(&out, "tags/robot-slam/index.html"),
        [(
            "quadruped-visual-slam".to_string(),
            "matched: SLAM in title; localization in abstract; mapping in abstract; robot in abstract"
                .to_string()
        )]
    );
    assert_eq!(
        reasons(&out, "feeds/mixture-of-experts/index.html"),
        [(
            "sparse-moe-routing".to_string(),
            "matched: mixture of experts in abstract".to_string()
        )]
    );
    // The phrase is emphasized, as on the page: "matched: <em>mixture of experts</em> in abstract".
    let page = read(&out, "feeds/mixture-of-experts/index.html");
    assert!(
        page.contains("matched: <em>mixture of experts</em> in abstract"),
        "{page}"
    );
    // A followed author, however the record writes the name; the erratum is excluded.
    assert_eq!(
        reasons(&out, "feeds/ada-lovelace/index.html"),
        [(
            "notes-on-the-engine".to_string(),
            "matched: Ada Lovelace (followed author)".to_string()
        )]
    );
    // Accents and Chinese.
    assert_eq!(
        reasons(&out, "tags/graph-theory/index.html"),
        [(
            "theorie-des-graphes".to_string(),
            "matched: théorie des graphes in title".to_string()
        )]
    );
    let cjk = common::files(&out)
        .into_iter()
        .find(|f| {
            f.starts_with("tags/") && f.ends_with("/index.html") && {
                let page = read(&out, f);
                page.contains("<h1><span class=\"hash\" aria-hidden=\"true\">#</span>强化学习</h1>")
            }
        })
        .expect("the Chinese keyword tag has a page");
    assert_eq!(
        reasons(&out, &cjk),
        [
            (
                "curl-contrastive".to_string(),
                "matched: reinforcement learning in abstract".to_string()
            ),
            (
                "rl-robot-navigation".to_string(),
                "matched: 强化学习 in title".to_string()
            ),
        ]
    );
    // "RL" in titles only, with its case, as a word: not "rl", not "CURL".
    assert_eq!(listed(&out, "feeds/rl-acronym/index.html"), ["offline-rl"]);
    // Cards elsewhere have no such line.
    let day = read(&out, "2025/03/04/index.html");
    assert!(!day.contains("class=\"matched\""), "{day}");
}

#[test]
fn a_feed_page_states_its_rule() {
    let site = topic_site();
    let out = site.build_ok(&[]);
    let sentence = |page: &str| {
        let doc = html(&out, page);
        doc.select(&common::sel("main .list-header p.muted"))
            .next()
            .map(|p| p.text().collect::<String>())
            .unwrap_or_default()
    };
    // A list of phrases reads as it always did.
    assert_eq!(
        sentence("feeds/mixture-of-experts/index.html"),
        "Papers whose title or abstract mentions “mixture of experts” or “MoE”."
    );
    assert_eq!(
        sentence("feeds/ada-lovelace/index.html"),
        "Papers by Ada Lovelace; never papers whose title or abstract mentions “erratum”."
    );
    assert_eq!(
        sentence("feeds/rl-acronym/index.html"),
        "Papers whose title mentions “RL”. Case counts in “RL”."
    );
}

#[test]
fn a_mistake_in_a_rule_is_reported_at_its_line_and_column() {
    let site = topic_site();
    for (rule, place, says) in [
        // An unknown key: `al` for `all`.
        (
            "\"robot SLAM\" = { any = [\"SLAM\"], al = [[\"robot\"]] }",
            "site.toml:5:34",
            "unknown field `al`",
        ),
        // A case-sensitive phrase that is none of the rule's.
        (
            "\"robot SLAM\" = { any = [\"SLAM\"], case_sensitive = [\"Slam\"] }",
            "site.toml:5:52",
            "`Slam` in case_sensitive",
        ),
        // An empty phrase.
        (
            "\"robot SLAM\" = { any = [\"SLAM\", \"  \"] }",
            "site.toml:5:33",
            "empty phrase",
        ),
        // A phrase that is not a string.
        (
            "\"robot SLAM\" = { any = [\"SLAM\"], exclude = \"watermark\" }",
            "site.toml:5:44",
            "invalid type",
        ),
    ] {
        let config = SITE_TOML
            .lines()
            .map(|line| {
                if line.starts_with("\"robot SLAM\"") {
                    rule
                } else {
                    line
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        site.write("site.toml", &config);
        let run = site.build(&[]);
        let problems = run.assert_problems();
        assert!(
            problems.contains(place),
            "{rule}: not at {place}: {problems}"
        );
        assert!(problems.contains(says), "{rule}: lacks {says}: {problems}");
        assert!(problems.contains("help:"), "{rule}: no hint: {problems}");
    }
}

/// `digest serve --watch` keeps the reasons right: an edit that changes why a paper is on a
/// keyword tag, then one that takes it out, each end in the pages a clean build makes.
#[test]
fn serve_follows_edits_of_why_a_paper_matched() {
    use crate::common::serve::{self, Server};
    let site = topic_site();
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    serve::assert_matches_clean_build(&mut server, &mut ws, &site, "right after startup");
    let matched = |server: &Server| {
        let page = server.get("/tags/robot-slam/");
        let doc = scraper::Html::parse_document(&serve::strip_livereload(&page.text()));
        common::text_of(&doc, "main .card .matched")
    };
    assert_eq!(
        matched(&server).as_deref(),
        Some(
            "matched: SLAM in title; localization in abstract; mapping in abstract; robot in abstract"
        )
    );

    // The same tag, for fewer reasons.
    let record = "content/quadruped-visual-slam.md";
    let text = site.read(record);
    site.write(
        record,
        &text.replace(
            "for localization and mapping on board",
            "for mapping on board",
        ),
    );
    serve::wait_for_reload(&mut ws);
    serve::assert_matches_clean_build(&mut server, &mut ws, &site, "fewer reasons");
    assert_eq!(
        matched(&server).as_deref(),
        Some("matched: SLAM in title; mapping in abstract; robot in abstract")
    );

    // No robot, mapping or localization left: the paper leaves the tag, whose page goes.
    site.write(
        record,
        &text.replace(
            "A legged robot must keep track of where it is in dark, dusty tunnels. We combine visual odometry with loop closure for localization and mapping on board.",
            "Dark, dusty tunnels.",
        ),
    );
    serve::wait_for_reload(&mut ws);
    serve::assert_matches_clean_build(&mut server, &mut ws, &site, "out of the tag");
    serve::wait_for_status(&server, "/tags/robot-slam/", 404);
}
