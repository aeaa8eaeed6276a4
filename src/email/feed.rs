//! The digest feed, for RSS-to-email services (Buttondown, Mailchimp, Kit read a feed and mail
//! each new entry): `digest.xml` (Atom, RFC 4287) and `digest-feed.json` (JSON Feed 1.1), one
//! entry per recent listing day (or ISO week, `[email] feed = "week"`) whose content is that
//! day's email — the body of the same HTML `digest email` writes, CSS inlined. The email
//! previews (`/<yyyy>/<mm>/<dd>/email/`) are the entries' pages.

use serde::Serialize;

use super::{Composed, compose_chosen, select};
use crate::diagnostic::Problem;
use crate::plan::{EmailScope, PageKind, PlannedPage};
use crate::render::Renderer;
use crate::render::views::{SiteData, rfc3339};
use crate::routes;
use crate::text_clean::escape_markup;

/// The text of an email preview page or a digest feed; `None` for other pages.
pub(crate) fn render_page(
    data: &SiteData<'_>,
    renderer: &Renderer,
    page: &PlannedPage,
) -> Option<Result<String, Problem>> {
    match page.kind {
        PageKind::Email(scope) => Some(email_of(data, renderer, scope).map(|e| e.html)),
        PageKind::DigestAtom => Some(atom(data, renderer)),
        PageKind::DigestJson => Some(json(data, renderer)),
        _ => None,
    }
}

/// The email of a day or week of the site, as `digest email` makes it.
fn email_of(
    data: &SiteData<'_>,
    renderer: &Renderer,
    scope: EmailScope,
) -> Result<Composed, Problem> {
    let chosen = select::of_scope(data.index, data.papers, data.config, scope);
    compose_chosen(data, renderer, &chosen, data.config.email.top)
}

/// One entry of the digest feed.
struct Entry {
    title: String,
    /// The email preview's URL: the entry's id and link.
    url: String,
    /// The list page's URL.
    list_url: String,
    /// The newest listing day covered, as an RFC 3339 time.
    updated: String,
    /// The email's body.
    content: String,
    summary: String,
}

fn entries(data: &SiteData<'_>, renderer: &Renderer) -> Result<Vec<Entry>, Problem> {
    let config = data.config;
    data.digest_feed_scopes()
        .into_iter()
        .map(|scope| {
            let email = email_of(data, renderer, scope)?;
            let (date, base) = match scope {
                EmailScope::Day(i) => {
                    let date = data.index.days[i].date;
                    (date, routes::day(date))
                }
                EmailScope::Week(w) => {
                    let week = &data.index.weeks[w];
                    let newest = data.index.days[week.days[0]].date;
                    (newest, routes::week(week.year, week.week))
                }
            };
            Ok(Entry {
                title: email.subject.clone(),
                url: config.url(&routes::email(&base)),
                list_url: email.url.clone(),
                updated: rfc3339(date),
                content: body(&email.html).to_string(),
                summary: email.preheader.clone(),
            })
        })
        .collect()
}

/// What is inside `<body>` (the whole text when there is no body element).
fn body(html: &str) -> &str {
    let Some(open) = html.find("<body") else {
        return html;
    };
    let Some(start) = html[open..].find('>').map(|i| open + i + 1) else {
        return html;
    };
    let end = html
        .rfind("</body>")
        .filter(|&e| e >= start)
        .unwrap_or(html.len());
    html[start..end].trim()
}

fn atom(data: &SiteData<'_>, renderer: &Renderer) -> Result<String, Problem> {
    let config = data.config;
    let entries = entries(data, renderer)?;
    let x = |text: &str| escape_markup(text, "&apos;");
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
    let mut out = String::with_capacity(entries.iter().map(|e| e.content.len() + 600).sum());
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    // A browser that opens the feed shows a page saying what it is (`feed.xsl`).
    out.push_str(&format!(
        "<?xml-stylesheet type=\"text/xsl\" href=\"{}\"?>\n",
        x(&config.link(routes::FEED_STYLESHEET))
    ));
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        x(&config.language)
    ));
    out.push_str(&format!(
        "  <title>{}</title>\n",
        x(&config.email.list_name)
    ));
    if !config.description.is_empty() {
        out.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            x(&config.description)
        ));
    }
    let self_url = config.url(routes::DIGEST_ATOM);
    out.push_str(&format!("  <id>{}</id>\n", x(&self_url)));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        x(&self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        x(&config.url(routes::HOME))
    ));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        x(&data.feed_author())
    ));
    out.push_str(&format!(
        "  <generator>digest {}</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for entry in &entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", x(&entry.title)));
        out.push_str(&format!("    <id>{}</id>\n", x(&entry.url)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            x(&entry.url)
        ));
        out.push_str(&format!(
            "    <link rel=\"related\" type=\"text/html\" href=\"{}\"/>\n",
            x(&entry.list_url)
        ));
        out.push_str(&format!("    <published>{}</published>\n", entry.updated));
        out.push_str(&format!("    <updated>{}</updated>\n", entry.updated));
        out.push_str(&format!("    <summary>{}</summary>\n", x(&entry.summary)));
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            x(&entry.content)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    crate::text_clean::clean(&mut out);
    Ok(out)
}

/// JSON Feed 1.1: `version` first, as the spec asks.
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    authors: [JsonAuthor<'a>; 1],
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    external_url: &'a str,
    title: &'a str,
    summary: &'a str,
    content_html: &'a str,
    date_published: &'a str,
}

fn json(data: &SiteData<'_>, renderer: &Renderer) -> Result<String, Problem> {
    let config = data.config;
    let entries = entries(data, renderer)?;
    let author = data.feed_author();
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &config.email.list_name,
        home_page_url: config.url(routes::HOME),
        feed_url: config.url(routes::DIGEST_JSON),
        description: &config.description,
        language: &config.language,
        authors: [JsonAuthor { name: &author }],
        items: entries
            .iter()
            .map(|e| JsonItem {
                id: &e.url,
                url: &e.url,
                external_url: &e.list_url,
                title: &e.title,
                summary: &e.summary,
                content_html: &e.content,
                date_published: &e.updated,
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&feed).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_body_is_what_is_between_the_body_tags() {
        assert_eq!(
            super::body("<html><body style=\"x\">\n<p>a</p>\n</body></html>"),
            "<p>a</p>"
        );
        assert_eq!(super::body("<p>no body</p>"), "<p>no body</p>");
    }
}
