//! Email digests: the papers of a day, a week or a period ([`select`]) as a message any mail
//! client shows well — the theme's `email.html` with its CSS inlined into every element
//! ([`inline`]), one column of at most 600 px, and `email.txt` as the plain-text part — cut
//! to fit under Gmail's clipping size ([`HTML_LIMIT`]).
//!
//! Makes the message's content only: the MIME message and its sending are `crate::mail`'s.
//! Used by `digest email`, `digest send`, and the build (the email preview pages and the
//! digest feed).

pub(crate) mod feed;
pub(crate) mod inline;
pub(crate) mod select;

use serde::Serialize;
use tera::Context;

use crate::config::Unsubscribe;
use crate::diagnostic::Problem;
use crate::render::Renderer;
use crate::render::views::SiteData;
use crate::text_clean::one_line;
pub(crate) use select::{Chosen, Filter, Period, Selection, choose};

/// The most bytes of HTML an email digest has. Gmail shows the first ~102 KB of a message's
/// HTML and hides the rest behind "View entire message" — the unsubscribe link with it; the
/// margin leaves room for what a sending service adds.
pub(crate) const HTML_LIMIT: usize = 90_000;

/// The template of an email's HTML.
pub(crate) const HTML_TEMPLATE: &str = crate::plan::EMAIL_TEMPLATE;
/// The template of an email's plain-text part.
pub(crate) const TEXT_TEMPLATE: &str = "email.txt";

/// A digest email's content, ready to be put into a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Composed {
    /// The subject: one line, no control characters.
    pub subject: String,
    /// The line mail clients show after the subject in the inbox.
    pub preheader: String,
    /// The whole HTML document, CSS inlined, at most [`HTML_LIMIT`] bytes.
    pub html: String,
    /// The plain-text part: the same papers.
    pub text: String,
    /// Which digest this is (see [`Chosen::key`]).
    pub key: String,
    /// Papers listed in the message.
    pub shown: usize,
    /// Papers the selection has (the rest are behind "and N more papers").
    pub total: usize,
    /// The absolute URL of the page that lists them all.
    pub url: String,
    /// The listing day, for a day's digest.
    pub day: Option<jiff::civil::Date>,
}

/// What `email.html` and `email.txt` see as `email` (the papers are `papers`, cards with
/// absolute links; the site is `site`, as on every page).
#[derive(Debug, Serialize)]
struct EmailView<'a> {
    subject: &'a str,
    preheader: &'a str,
    /// "Thursday 6 February 2025", "Week 6 of 2025", "Since 1 February 2025".
    heading: &'a str,
    /// The tag's or feed's name, when narrowed.
    filter: Option<&'a str>,
    list_name: &'a str,
    /// The absolute URL of the list page (the day's, week's, tag's or feed's).
    url: &'a str,
    /// The absolute URL of the site.
    site_url: &'a str,
    total: usize,
    shown: usize,
    left_out: usize,
    /// Where to unsubscribe (`https://…` or `mailto:…`), when configured.
    unsubscribe_url: Option<&'a str>,
}

/// Composes the digest of `selection` with at most `top` papers (`[email] top` when `None`),
/// or `None` when the selection lists no paper.
pub(crate) fn compose(
    data: &SiteData<'_>,
    renderer: &Renderer,
    selection: &Selection,
    top: Option<usize>,
) -> Result<Option<Composed>, Problem> {
    let config = data.config;
    let Some(chosen) = choose(config, data.papers, data.index, selection)? else {
        return Ok(None);
    };
    compose_chosen(data, renderer, &chosen, top.unwrap_or(config.email.top)).map(Some)
}

/// Composes the digest of papers already chosen: the most that fit under [`HTML_LIMIT`],
/// up to `top`.
pub(crate) fn compose_chosen(
    data: &SiteData<'_>,
    renderer: &Renderer,
    chosen: &Chosen,
    top: usize,
) -> Result<Composed, Problem> {
    let config = data.config;
    let email = &config.email;
    let subject = one_line(&match &chosen.filter_name {
        Some(name) => format!("{} · {name}: {}", email.list_name, chosen.heading),
        None => format!("{}: {}", email.list_name, chosen.heading),
    });
    let url = config.url(&chosen.path);
    let total = chosen.ids.len();
    let preheader = preheader(data, &chosen.ids, total);
    let render = |shown: usize| -> Result<(String, String), Problem> {
        let ids = &chosen.ids[..shown];
        let view = EmailView {
            subject: &subject,
            preheader: &preheader,
            heading: &chosen.heading,
            filter: chosen.filter_name.as_deref(),
            list_name: &email.list_name,
            url: &url,
            site_url: &config.base_url,
            total,
            shown,
            left_out: total - shown,
            unsubscribe_url: email.unsubscribe.as_ref().map(Unsubscribe::url),
        };
        let mut context = Context::new();
        context.insert("email", &view);
        context.insert_value("papers", data.email_cards(ids));
        let page = format!("the email of {}", chosen.key);
        let html = renderer.render(HTML_TEMPLATE, &context, &page)?;
        let html = inline::inline(&html).map_err(|why| {
            Problem::in_file(
                HTML_TEMPLATE,
                format!("cannot inline the CSS of {page}: {why}"),
            )
            .with_hint("check the template's <style> block: it must be valid CSS")
        })?;
        let text = renderer.render(TEXT_TEMPLATE, &context, &page)?;
        Ok((html, text))
    };
    let mut shown = top.min(total);
    let (mut html, mut text) = render(shown)?;
    if html.len() > HTML_LIMIT {
        // The largest count that fits: cards differ in size, so search rather than divide.
        let (mut fits, mut too_many) = (0, shown);
        let mut best = None;
        while too_many - fits > 1 {
            let middle = fits + (too_many - fits) / 2;
            let (h, t) = render(middle)?;
            if h.len() <= HTML_LIMIT {
                fits = middle;
                best = Some((h, t));
            } else {
                too_many = middle;
            }
        }
        shown = fits;
        (html, text) = match best {
            Some(found) => found,
            None => render(0)?,
        };
    }
    Ok(Composed {
        preheader,
        subject,
        html,
        text,
        key: chosen.key.clone(),
        shown,
        total,
        url,
        day: chosen.day,
    })
}

/// The inbox line after the subject: how many papers, and the first titles.
fn preheader(data: &SiteData<'_>, ids: &[usize], total: usize) -> String {
    let mut line = if total == 1 {
        "1 paper".to_string()
    } else {
        format!("{total} papers")
    };
    line.push_str(": ");
    for (n, &id) in ids.iter().take(3).enumerate() {
        if n > 0 {
            line.push_str(" · ");
        }
        line.push_str(&data.papers[id].title);
    }
    one_line(&crate::render::views::shorten(&line, 150))
}
