//! `site.toml`: the raw file as written (unknown keys rejected) resolved into a validated [`Config`].
//!
//! Only reads and checks configuration; it knows nothing of records or pages.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::{Location, Problem};

mod author_pages;
mod email;
mod guard;
mod keywords;

pub use email::{DigestPeriod, EmailOptions, Unsubscribe};
pub use guard::{GuardOptions, PaperDrop};
pub use keywords::{Field, Fields, Phrase, TopicRule};

/// `site.toml` exactly as written. Every key is optional here; [`Config::parse`] fills in the defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    author: Option<String>,
    theme: Option<String>,
    output_dir: Option<String>,
    logo: Option<toml::Spanned<String>>,
    extra_css: Vec<toml::Spanned<String>>,
    paginate_by: Option<toml::Spanned<i64>>,
    home_pages: Option<toml::Spanned<i64>>,
    feed_limit: Option<toml::Spanned<i64>>,
    summary_length: Option<toml::Spanned<i64>>,
    keyword_tags: BTreeMap<toml::Spanned<String>, toml::Spanned<keywords::RawRule>>,
    keyword_feeds: BTreeMap<toml::Spanned<String>, toml::Spanned<keywords::RawRule>>,
    output: RawOutput,
    guard: guard::RawGuard,
    email: email::RawEmail,
    extra: toml::Table,
}

/// `[output]` of `site.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawOutput {
    related_papers: Option<toml::Spanned<i64>>,
    sorted_views: Option<bool>,
    week_pages: Option<bool>,
    bibtex_files: Option<bool>,
    author_pages: Option<toml::Spanned<toml::Value>>,
    coins: Option<bool>,
    api: Option<bool>,
}

/// Which optional pages a site has (`[output]` of `site.toml`): a very large archive can leave
/// some out to stay within its host's size limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputOptions {
    /// Related papers listed on each paper page; 0 for none. Default 5.
    pub related_papers: usize,
    /// Days by title, months most upvoted and by title. Default on.
    pub sorted_views: bool,
    /// ISO week pages. Default on.
    pub week_pages: bool,
    /// `papers.bib` of every day and tag. Default on.
    pub bibtex_files: bool,
    /// Authors of at least this many papers get a page and feeds (`/authors/<slug>/`); `None`
    /// for no author pages. Default 2 (`author_pages = "min:2"`).
    pub author_pages: Option<usize>,
    /// A COinS span on each entry of a list page, for reference managers (about 450 bytes per
    /// entry with 8 authors). Default on.
    pub coins: bool,
    /// The static JSON API: each day's and tag page's `papers.json`, each paper's
    /// `index.json`, `api/index.json`, `llms.txt`. Default on. Keeps each record's Markdown
    /// and plain text in memory for the papers' `index.json`.
    pub api: bool,
}

/// The site's settings, validated, with every default filled in.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title, shown in headers and feeds.
    pub title: String,
    /// One-line description for the home page, feeds and metadata.
    pub description: String,
    /// Absolute URL of the site root, always ending in `/` (may carry a path, `/repo/`); or,
    /// when given on the command line, just a path such as `/` (for previews).
    pub base_url: String,
    /// The language code of the pages (`<html lang>`).
    pub language: String,
    /// Author named in feeds; the title when unset.
    pub author: String,
    /// Name of the theme folder under `themes/`.
    pub theme: String,
    /// The output folder, relative to the site root unless absolute.
    pub output_dir: String,
    /// The site's logo as written (`static/logo.svg`, a file under `static/`), shown in the
    /// header instead of the theme's mark.
    pub logo: Option<String>,
    /// Stylesheets as written (files under `static/`), linked after the theme's, in order.
    pub extra_css: Vec<String>,
    /// Papers per page on the home page and on tag pages.
    pub paginate_by: usize,
    /// How many pages the home list has at most; older papers are reached through the
    /// archive (every day's page lists them). Keeps a large site's home pages from repeating
    /// the whole corpus.
    pub home_pages: usize,
    /// Entries in each Atom feed.
    pub feed_limit: usize,
    /// Characters of abstract shown on list pages.
    pub summary_length: usize,
    /// Feeds (a page and Atom and JSON feeds each) of the papers each rule matches: `name ->
    /// rule`. Unlike keyword tags, papers are not tagged.
    pub keyword_feeds: BTreeMap<String, TopicRule>,
    /// Which optional pages the site has.
    pub output: OutputOptions,
    /// Tags given to the papers each rule matches: `name -> rule`.
    pub keyword_tags: BTreeMap<String, TopicRule>,
    /// Free-form data handed to templates as `site.extra`.
    pub extra: toml::Table,
    /// When refusing to publish a build that lost papers or days (`[guard]`).
    pub guard: GuardOptions,
    /// Email digests and the digest feed (`[email]`).
    pub email: EmailOptions,
    /// The time of the build as `SOURCE_DATE_EPOCH` gives it (the reproducible-builds
    /// convention; the daily workflow sets it), for the status page and `digest.json`; `None`
    /// when unset, so that two builds of the same files are byte-identical.
    pub built_at: Option<jiff::Timestamp>,
}

impl Config {
    /// Reads and resolves `site.toml`. `base_url_override` (from `--base-url`) wins over the file.
    pub fn load(
        path: &Path,
        display: &str,
        base_url_override: Option<&str>,
    ) -> Result<Config, Problem> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            Problem::in_file(
                display,
                format!("cannot read the site configuration: {err}"),
            )
            .with_hint("run digest in a site folder (one with site.toml), or pass --root DIR")
        })?;
        let (mut config, site_files) = Config::parse_spanned(&text, display, base_url_override)?;
        config.built_at = source_date_epoch(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())?;
        let root = path.parent().unwrap_or(Path::new("."));
        for (key, written, location) in site_files {
            crate::site_file::check(root, key, &written, location)?;
        }
        let findings = crate::text_clean::toml_findings(&text, 0, NOT_TEXT);
        if let Some(warning) = crate::text_clean::warning(display, &Arc::from(text), &findings) {
            eprintln!("{}", crate::text_clean::render_warning(&warning));
        }
        Ok(config)
    }

    /// Parses and resolves the text of `site.toml`.
    pub fn parse(
        text: &str,
        display: &str,
        base_url_override: Option<&str>,
    ) -> Result<Config, Problem> {
        Config::parse_spanned(text, display, base_url_override).map(|(config, _)| config)
    }

    /// [`Config::parse`], with the site files named (`logo`, `extra_css`): key, path as
    /// written, and where, for [`Config::load`] to check that they exist.
    fn parse_spanned(
        text: &str,
        display: &str,
        base_url_override: Option<&str>,
    ) -> Result<(Config, Vec<SiteFileKey>), Problem> {
        let source: Arc<str> = Arc::from(text);
        let at = |span: std::ops::Range<usize>| Location {
            path: display.to_string(),
            source: source.clone(),
            span,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            let message = err.message().trim().to_string();
            let hint = if let Some(hint) = keywords::hint(&message, text, span.start) {
                hint
            } else if message.contains("unknown field") {
                "remove the key or fix its spelling; free data for templates goes under [extra]"
                    .into()
            } else {
                "site.toml must be valid TOML: check quotes, brackets and `key = value` lines"
                    .into()
            };
            Problem::at(at(span), format!("invalid site.toml: {message}")).with_hint(hint)
        })?;
        let raw = clean_text(raw);

        let base_url = match base_url_override.or(raw.base_url.as_deref()) {
            // A path such as "/" (from `serve` or `--base-url /`): links relative to the host.
            Some(url)
                if base_url_override.is_some()
                    && url.starts_with('/')
                    && !url.starts_with("//") =>
            {
                format!("{}/", url.trim_end_matches('/'))
            }
            Some(url) => normalize_base_url(url).map_err(|why| {
                Problem::in_file(display, format!("invalid base_url `{url}`: {why}"))
                    .with_hint("use an absolute URL such as \"https://user.github.io/papers/\"")
            })?,
            None => {
                return Err(Problem::in_file(display, "site.toml has no base_url").with_hint(
                    "add base_url = \"https://user.github.io/repo/\" to site.toml, or pass --base-url",
                ));
            }
        };
        let positive = |value: Option<toml::Spanned<i64>>, default: usize, key: &str| match value {
            None => Ok(default),
            Some(v) if *v.get_ref() >= 1 => Ok(*v.get_ref() as usize),
            Some(v) => Err(
                Problem::at(at(v.span()), format!("{key} must be at least 1")).with_hint(format!(
                    "set {key} to a positive number, e.g. {key} = {default}"
                )),
            ),
        };
        let keyword_tags = keywords::resolve(raw.keyword_tags, "keyword tag", "tags/", &at)?;
        let keyword_feeds = keywords::resolve(raw.keyword_feeds, "keyword feed", "feeds/", &at)?;
        let site_files: Vec<SiteFileKey> = (raw.logo.iter().map(|p| ("logo", p)))
            .chain(raw.extra_css.iter().map(|p| ("extra_css", p)))
            .map(|(key, p)| (key, p.get_ref().clone(), at(p.span())))
            .collect();
        for (key, written, location) in &site_files {
            crate::site_file::output_path(written).map_err(|why| {
                Problem::at(location.clone(), format!("{key} `{written}`: {why}")).with_hint(
                    "name a file under the site's static/ folder, e.g. \"static/logo.svg\"",
                )
            })?;
        }
        let title = raw.title.unwrap_or_else(|| "Paper digest".to_string());
        let email = email::resolve(raw.email, &title, &at)?;
        let config = Config {
            author: raw.author.unwrap_or_else(|| title.clone()),
            title,
            description: raw.description.unwrap_or_default(),
            base_url,
            language: raw.language.unwrap_or_else(|| "en".to_string()),
            theme: raw.theme.unwrap_or_else(|| "default".to_string()),
            output_dir: raw.output_dir.unwrap_or_else(|| "public".to_string()),
            logo: raw.logo.map(toml::Spanned::into_inner),
            extra_css: raw
                .extra_css
                .into_iter()
                .map(toml::Spanned::into_inner)
                .collect(),
            paginate_by: positive(raw.paginate_by, 20, "paginate_by")?,
            home_pages: positive(raw.home_pages, 10, "home_pages")?,
            feed_limit: positive(raw.feed_limit, 20, "feed_limit")?,
            summary_length: positive(raw.summary_length, 280, "summary_length")?,
            keyword_tags,
            keyword_feeds,
            output: OutputOptions {
                related_papers: match raw.output.related_papers {
                    None => 5,
                    Some(v) if (0..=50).contains(v.get_ref()) => *v.get_ref() as usize,
                    Some(v) => {
                        return Err(Problem::at(
                            at(v.span()),
                            "related_papers must be between 0 and 50",
                        )
                        .with_hint("set related_papers = 5, or 0 for no related papers"));
                    }
                },
                sorted_views: raw.output.sorted_views.unwrap_or(true),
                week_pages: raw.output.week_pages.unwrap_or(true),
                bibtex_files: raw.output.bibtex_files.unwrap_or(true),
                author_pages: author_pages::resolve(raw.output.author_pages, &at)?,
                coins: raw.output.coins.unwrap_or(true),
                api: raw.output.api.unwrap_or(true),
            },
            extra: raw.extra,
            guard: guard::resolve(raw.guard, &at)?,
            email,
            built_at: None,
        };
        Ok((config, site_files))
    }

    /// The path part of `base_url` (`/` or `/repo/`), for links that must not carry the host.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.find("://").map_or(0, |i| i + 3);
        match self.base_url[after_scheme..].find('/') {
            Some(i) => &self.base_url[after_scheme + i..],
            None => "/",
        }
    }

    /// The link to a site path from the site's own pages: root-relative, with the base path
    /// (`/repo/papers/x/`). Shorter than an absolute URL on every one of the many links of a
    /// page, and right on any host the output is served from.
    pub fn link(&self, path: &str) -> String {
        joined(self.base_path(), path)
    }

    /// The absolute URL of a site path such as `papers/x/` (no leading slash).
    pub fn url(&self, path: &str) -> String {
        joined(&self.base_url, path)
    }
}

/// `base` then `path` without its leading slashes, in one allocation of the right size (a
/// `format!` of two arguments starts empty and grows: lists make several links per paper).
fn joined(base: &str, path: &str) -> String {
    let path = path.trim_start_matches('/');
    let mut out = String::with_capacity(base.len() + path.len());
    out.push_str(base);
    out.push_str(path);
    out
}

/// The build time `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) gives, if set.
fn source_date_epoch(value: Option<&str>) -> Result<Option<jiff::Timestamp>, Problem> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    text.parse::<i64>()
        .ok()
        .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok())
        .map(Some)
        .ok_or_else(|| {
            Problem::in_file(
                "SOURCE_DATE_EPOCH",
                format!("SOURCE_DATE_EPOCH = `{text}` is not a number of seconds since 1970"),
            )
            .with_hint("set it to `date +%s` (the build time), or unset it")
        })
}

/// A site file named in `site.toml`: the key, the path as written, where.
type SiteFileKey = (&'static str, String, Location);

/// Keys of `site.toml` that name a URL or a folder rather than hold text, left as written:
/// a control character makes `base_url` an error, and a theme or folder name not found.
const NOT_TEXT: &[&str] = &["base_url", "theme", "output_dir", "logo", "extra_css"];

/// `raw` with the characters no XML feed or HTML page may hold replaced in every text shown on
/// a page (see [`crate::text_clean`]); [`Config::load`] warns where they were.
fn clean_text(mut raw: RawConfig) -> RawConfig {
    use crate::text_clean::{clean_all, clean_table};
    let texts = [
        &mut raw.title,
        &mut raw.description,
        &mut raw.language,
        &mut raw.author,
    ];
    clean_all(texts.into_iter().flatten());
    // Keyword rules are cleaned as they are resolved (`keywords::resolve`).
    clean_table(&mut raw.extra);
    raw
}

/// Checks that a base URL is absolute http(s) and makes it end with exactly one `/`.
fn normalize_base_url(url: &str) -> Result<String, &'static str> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it must start with https:// or http://")?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err("it has no host");
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>' || c == '?' || c == '#')
    {
        return Err("it contains spaces, quotes, angle brackets, a query or a fragment");
    }
    if url.contains(crate::text_clean::is_forbidden) {
        return Err("it contains a control character");
    }
    Ok(format!("{}/", url.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Problem> {
        Config::parse(text, "site.toml", None)
    }

    #[test]
    fn defaults_are_filled_and_base_url_gets_a_slash() {
        let config = parse("base_url = \"https://u.github.io/papers\"").unwrap();
        assert_eq!(config.base_url, "https://u.github.io/papers/");
        assert_eq!(config.base_path(), "/papers/");
        assert_eq!(config.paginate_by, 20);
        assert_eq!(config.theme, "default");
        assert_eq!(config.url("tags/x/"), "https://u.github.io/papers/tags/x/");
        // A path given with its leading slash is the same path, not the host's root.
        assert_eq!(config.url("/tags/x/"), "https://u.github.io/papers/tags/x/");
        assert_eq!(config.link("//papers/a/"), "/papers/papers/a/");
        assert_eq!(config.link(""), "/papers/");
    }

    #[test]
    fn base_url_without_path_has_root_base_path() {
        let config = parse("base_url = \"https://example.org\"").unwrap();
        assert_eq!(config.base_path(), "/");
    }

    #[test]
    fn unknown_key_names_the_key_the_allowed_ones_and_the_line() {
        let err = parse("base_url = \"https://e.org/\"\ntitel = \"x\"\n").unwrap_err();
        let text = err.render();
        assert!(text.contains("unknown field `titel`"), "{text}");
        assert!(text.contains("`title`"), "{text}");
        assert!(text.contains("site.toml:2:1"), "{text}");
    }

    #[test]
    fn override_wins_and_missing_base_url_is_an_error() {
        assert!(
            parse("title = \"x\"")
                .unwrap_err()
                .render()
                .contains("no base_url")
        );
        let config = Config::parse("", "site.toml", Some("http://127.0.0.1:1111")).unwrap();
        assert_eq!(config.base_url, "http://127.0.0.1:1111/");
        let config = Config::parse("base_url = \"https://x/\"", "site.toml", Some("/")).unwrap();
        assert_eq!((config.base_url.as_str(), config.base_path()), ("/", "/"));
        assert_eq!(config.url("tags/"), "/tags/");
        assert!(
            parse("base_url = \"/\"").is_err(),
            "site.toml itself needs an absolute URL"
        );
    }

    #[test]
    fn bad_values_are_rejected() {
        assert!(parse("base_url = \"ftp://x/\"").is_err());
        assert!(
            parse("base_url = \"https://x/\"\npaginate_by = 0")
                .unwrap_err()
                .render()
                .contains("site.toml:2:15")
        );
        assert!(parse("base_url = \"https://x/\"\n[keyword_tags]\nicl = [\"\"]").is_err());
    }

    #[test]
    fn keyword_names_that_cannot_be_folders_are_refused_at_the_name() {
        let long = "x".repeat(300);
        for (table, name, expected) in [
            ("keyword_tags", "..", "site.toml:3:1"),
            ("keyword_tags", "!!!", "site.toml:3:1"),
            ("keyword_feeds", "..", "site.toml:3:1"),
            ("keyword_feeds", ".", "site.toml:3:1"),
            ("keyword_feeds", long.as_str(), "200 bytes"),
        ] {
            let text = parse(&format!(
                "base_url = \"https://x/\"\n[{table}]\n\"{name}\" = [\"phrase\"]\n"
            ))
            .unwrap_err()
            .render();
            assert!(text.contains(expected), "{table} {name}: {text}");
            assert!(text.contains("is not allowed"), "{text}");
        }
    }

    #[test]
    fn keyword_names_sharing_a_folder_are_both_named() {
        for (table, folder) in [("keyword_feeds", "feeds/"), ("keyword_tags", "tags/")] {
            let text = parse(&format!(
                "base_url = \"https://x/\"\n[{table}]\n\"LLM agents\" = [\"a\"]\n\"llm-agents\" = [\"b\"]\n"
            ))
            .unwrap_err()
            .render();
            for needle in [
                "`LLM agents` and `llm-agents`",
                &format!("{folder}llm-agents/"),
                "site.toml:4:1",
                "line 3, column 1",
            ] {
                assert!(text.contains(needle), "{table}: lacks {needle}: {text}");
            }
        }
    }

    #[test]
    fn text_loses_the_characters_xml_forbids() {
        let config = parse(
            "base_url = \"https://x/\"\ntitle = \"a\\fb\"\nauthor = \"c\\u0001\"\n[keyword_feeds]\n\"f\\u0002\" = [\"p\\b\"]\n[extra]\nk = [\"\\uFFFE\"]",
        )
        .unwrap();
        assert_eq!(
            (config.title.as_str(), config.author.as_str()),
            ("a b", "c\u{fffd}")
        );
        assert_eq!(config.keyword_feeds["f\u{fffd}"].any[0].text, "p\u{fffd}");
        assert_eq!(config.extra["k"][0].as_str(), Some("\u{fffd}"));
        assert!(parse("base_url = \"https://x/\\u0001\"").is_err());
    }
}
