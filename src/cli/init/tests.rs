use super::*;

fn parse(text: &str) -> Config {
    Config::parse(text, "site.toml", None).unwrap_or_else(|p| panic!("{}", p.render()))
}

/// The written `site.toml` is exactly the defaults: it resolves to the same settings as a file
/// holding only the (required) base_url. `Config` has no `PartialEq`; its `Debug` shows every
/// field.
#[test]
fn written_site_toml_resolves_to_the_defaults() {
    let written = parse(&site_toml(None, None));
    let minimal = parse("base_url = \"https://example.org/\"");
    assert_eq!(format!("{written:?}"), format!("{minimal:?}"));
}

#[test]
fn title_and_base_url_replace_their_defaults_only() {
    let title = "Lab \"reading\" list \\ 2026 — ünïcode";
    let written = parse(&site_toml(Some(title), Some("https://u.github.io/papers")));
    let expected = parse(&format!(
        "title = {}\nbase_url = \"https://u.github.io/papers\"",
        toml_string(title)
    ));
    assert_eq!(written.title, title);
    assert_eq!(written.base_url, "https://u.github.io/papers/");
    assert_eq!(format!("{written:?}"), format!("{expected:?}"));
}

/// The keys `site.toml` accepts at the top level and under `[output]`, as the parser itself
/// lists them when it meets an unknown one: a key added to `config.rs` shows up here.
fn accepted_keys(table: Option<&str>) -> Vec<String> {
    let text = match table {
        None => "not_a_setting = 1\n".to_string(),
        Some(table) => format!("base_url = \"https://e.org/\"\n[{table}]\nnot_a_setting = 1\n"),
    };
    let message = Config::parse(&text, "site.toml", None)
        .unwrap_err()
        .render();
    let expected = &message[message.find("expected").expect(&message)..];
    let keys: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(keys.len() >= 2, "{message}");
    keys
}

/// Every setting is in the template, set or (tables, and `author`, whose default is the title)
/// shown commented out: a setting added to `config.rs` fails this test until it is written here.
#[test]
fn site_toml_shows_every_setting() {
    let lines: Vec<&str> = SITE_TOML
        .lines()
        .map(|l| l.trim_start_matches('#').trim_start())
        .collect();
    let shown = |key: &str| {
        lines
            .iter()
            .any(|l| *l == format!("[{key}]") || l.starts_with(&format!("{key} = ")))
    };
    for key in accepted_keys(None) {
        assert!(shown(&key), "site.toml template lacks `{key}`");
    }
    for table in ["output", "guard", "email"] {
        for key in accepted_keys(Some(table)) {
            assert!(shown(&key), "site.toml template lacks `[{table}] {key}`");
        }
    }
}

#[test]
fn the_template_lines_the_options_replace_are_there() {
    assert_eq!(SITE_TOML.matches(TITLE_LINE).count(), 1);
    assert_eq!(SITE_TOML.matches(BASE_URL_LINE).count(), 1);
}

#[test]
fn daily_takes_hf_or_an_arxiv_query() {
    assert_eq!(parse_daily("hf"), Ok(Daily::Hf));
    assert_eq!(
        parse_daily("arxiv: cat:cs.LG AND ti:diffusion "),
        Ok(Daily::Arxiv("cat:cs.LG AND ti:diffusion".into()))
    );
    for bad in [
        "",
        "HF",
        "arxiv",
        "arxiv:",
        "arxiv:  ",
        "arxiv:a\nb",
        "arxiv:${{ secrets.X }}",
        "rss:x",
    ] {
        assert!(parse_daily(bad).is_err(), "{bad:?}");
    }
}

/// A query with quotes stays one YAML string, read back as written.
#[test]
fn arxiv_query_is_quoted_for_yaml() {
    let workflow = daily_workflow(&Daily::Arxiv("ti:'deep' AND abs:\"x\" #1".into()));
    assert!(
        workflow.contains("  ARXIV_QUERY: 'ti:''deep'' AND abs:\"x\" #1'\n"),
        "{workflow}"
    );
}

/// No placeholder is left in any file init writes.
#[test]
fn every_placeholder_is_filled() {
    let mut texts = vec![
        pages_workflow(),
        daily_workflow(&Daily::Hf),
        daily_workflow(&Daily::Arxiv("cat:cs.LG".into())),
        example_record(jiff::civil::date(2026, 1, 2)),
    ];
    texts.push(site_toml(Some("@TITLE@"), None).replace("@TITLE@", ""));
    for text in texts {
        let left: Vec<&str> = text
            .split('@')
            .skip(1)
            .step_by(2)
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        assert!(left.is_empty(), "placeholders {left:?} left in\n{text}");
    }
}

#[test]
fn release_repository_is_owner_and_name() {
    let repo = release_repository();
    assert_eq!(repo.split('/').count(), 2, "{repo}");
    assert!(!repo.contains(':'), "{repo}");
}

/// The daily workflow compares its build with the published site, stamps the build time, and
/// keeps itself enabled through the API in a job of its own (so a failed update does not skip
/// it), with only the permission that needs.
#[test]
fn the_daily_workflow_guards_its_build_and_keeps_itself_alive() {
    let workflow = daily_workflow(&Daily::Hf);
    assert!(workflow.contains("digest build --guard-url --output public"));
    assert!(workflow.contains("export SOURCE_DATE_EPOCH=\"$(date +%s)\""));
    let keepalive = &workflow[workflow.find("\n  keepalive:\n").expect("a keepalive job")..];
    for line in [
        "if: github.event_name == 'schedule'",
        "permissions:\n      actions: write",
        "gh api --method PUT \"repos/${{ github.repository }}/actions/workflows/daily.yml/enable\"",
    ] {
        assert!(keepalive.contains(line), "lacks {line:?}:\n{keepalive}");
    }
    assert!(
        !keepalive.contains("needs:"),
        "it runs whatever the update did"
    );
}

/// The email job runs after the deploy only when the repository has an SMTP_URL secret,
/// reads the recipients from a secret through standard input (never a file in the
/// repository), installs digest like the other jobs, and commits the ledger even when a
/// recipient failed.
#[test]
fn the_daily_workflow_emails_only_with_an_smtp_secret() {
    let workflow = daily_workflow(&Daily::Hf);
    assert!(workflow.contains("      email: ${{ steps.email.outputs.configured }}"));
    assert!(
        workflow
            .contains("SMTP_URL: ${{ secrets.SMTP_URL }}\n        run: if [ -n \"$SMTP_URL\" ]")
    );
    let start = workflow.find("\n  email:\n").expect("an email job");
    let end = workflow.find("\n  keepalive:\n").unwrap();
    let job = &workflow[start..end];
    for line in [
        "needs: [update, deploy]",
        "if: needs.update.outputs.email == 'true'",
        "ref: ${{ github.ref }}",
        "- name: Install digest ${{ env.DIGEST_VERSION }}",
        "printf '%s\\n' \"$DIGEST_RECIPIENTS\" | digest send --date latest --recipients - --list readers --base-url \"${{ steps.pages.outputs.base_url }}/\"",
        "SMTP_PASSWORD: ${{ secrets.SMTP_PASSWORD }}",
        "if: ${{ !cancelled() }}",
        "git add data/email-ledger.toml",
    ] {
        assert!(job.contains(line), "lacks {line:?}:\n{job}");
    }
}
