//! One parsed BibTeX entry → an [`ImportedPaper`]: which field fills what.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::latex::{decode_latex, decode_latex_marked};
use super::syntax::RawEntry;
use crate::import::ImportedPaper;
use crate::import::ids;
use crate::import::plain_text::{collapse_whitespace, paragraphs};
use crate::import::record_file::emphasis::abstract_with_emphasis;
use crate::record::link_url::http_url;

/// Fields copied (LaTeX-decoded) into `extra` under their own name.
const EXTRA_FIELDS: &[&str] = &[
    "pages",
    "volume",
    "number",
    "publisher",
    "note",
    "series",
    "edition",
    "address",
    "organization",
    "institution",
    "school",
    "issn",
    "isbn",
];

pub(super) fn build(
    kind: &str,
    raw: RawEntry,
    default_date: Option<Date>,
) -> Result<ImportedPaper, String> {
    let key = &raw.key;
    let label = if key.is_empty() {
        format!("@{kind} entry")
    } else {
        format!("entry `{key}`")
    };
    let text = |name: &str| {
        raw.get(name)
            .map(|v| collapse_whitespace(&decode_latex(v)))
            .filter(|v| !v.is_empty())
    };
    let verbatim = |name: &str| raw.get(name).map(verbatim).filter(|v| !v.is_empty());

    let title =
        text("title").ok_or_else(|| format!("{label} has no title; add `title = {{…}}`"))?;
    let date = match entry_date(&raw)? {
        Some(d) => d,
        None => default_date.ok_or_else(|| {
            format!("{label} has no date; add `year = {{2025}}` (and `month`) or `date = {{2025-02-06}}`")
        })?,
    };

    let mut extra = BTreeMap::new();
    let mut links = BTreeMap::new();
    if !key.is_empty() {
        extra.insert("bibtex_key".to_string(), key.clone());
    }
    extra.insert("bibtex_type".to_string(), kind.to_string());

    let (authors, complete) = raw.get("author").map(split_authors).unwrap_or_default();
    let url = verbatim("url");
    let archive = verbatim("archiveprefix").or_else(|| verbatim("eprinttype"));
    let mut arxiv = None;
    if let Some(eprint) = verbatim("eprint")
        && archive
            .as_deref()
            .is_none_or(|a| a.eq_ignore_ascii_case("arxiv"))
    {
        arxiv = ids::arxiv_with_version(&eprint);
    }
    if arxiv.is_none() {
        arxiv = url
            .as_deref()
            .filter(|u| u.to_ascii_lowercase().contains("arxiv.org/abs/"))
            .and_then(ids::arxiv_with_version);
    }
    let venue = text("journaltitle")
        .or_else(|| text("journal"))
        .or_else(|| text("booktitle"));
    if arxiv.is_none() {
        // Google Scholar: journal={arXiv preprint arXiv:1810.04805}
        arxiv = venue
            .as_deref()
            .and_then(|v| v.strip_prefix("arXiv preprint "))
            .and_then(ids::arxiv_with_version);
    }
    // Semantic Scholar: journal={ArXiv}, volume={abs/2401.01234}; the volume is then the id,
    // not a volume.
    let mut volume_is_id = false;
    if arxiv.is_none()
        && venue
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("arxiv"))
    {
        arxiv = verbatim("volume")
            .as_deref()
            .and_then(|v| v.strip_prefix("abs/"))
            .and_then(ids::arxiv_with_version);
        volume_is_id = arxiv.is_some();
    }
    let arxiv = arxiv.map(|(id, version)| {
        if let Some(v) = version {
            extra.insert("arxiv_version".to_string(), v);
        }
        id
    });
    if let Some(u) = url {
        match http_url(&u) {
            Ok(u) => {
                let kind = if u.to_ascii_lowercase().ends_with(".pdf") {
                    "pdf"
                } else {
                    "url"
                };
                links.insert(kind.to_string(), u);
            }
            // Not a link a record accepts (`www.x.org`, `ftp://…`): kept as data, not dropped.
            Err(_) => {
                extra.insert("url".to_string(), u);
            }
        }
    }
    if let Some(v) = venue {
        extra.insert("venue".to_string(), v);
    }
    if let Some(c) = verbatim("primaryclass") {
        extra.insert("primary_category".to_string(), c);
    }
    for name in EXTRA_FIELDS {
        if *name == "volume" && volume_is_id {
            continue;
        }
        if let Some(v) = text(name) {
            extra.insert(name.to_string(), v);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    if let Some(k) = raw.get("keywords") {
        for t in decode_latex(k).split([',', ';']) {
            let t = collapse_whitespace(t);
            if !t.is_empty() && !tags.contains(&t) {
                tags.push(t);
            }
        }
    }
    let marked = raw
        .get("abstract")
        .map(|a| paragraphs(&decode_latex_marked(a)))
        .unwrap_or_default();
    let (abstract_text, body_markdown) = abstract_with_emphasis(&marked);
    Ok(ImportedPaper {
        title,
        date,
        published: None,
        author_count: u32::try_from(authors.len())
            .ok()
            .filter(|&n| complete && n > 0),
        authors,
        upvotes: None,
        arxiv,
        doi: verbatim("doi").as_deref().and_then(ids::doi),
        tags,
        links,
        abstract_text,
        body_markdown,
        extra,
        ..Default::default()
    })
}

/// `date` (YYYY, YYYY-MM, YYYY-MM-DD, or a range `start/end`), else `year` + `month` (+ `day`).
fn entry_date(raw: &RawEntry) -> Result<Option<Date>, String> {
    if let Some(d) = raw.get("date").map(verbatim).filter(|d| !d.is_empty()) {
        let start = d.split('/').next().unwrap_or("").trim();
        let mut parts = start.split('-');
        let y = parts.next().and_then(|y| y.parse::<i16>().ok());
        let m = parts.next().map_or(Some(1), |m| m.parse::<i8>().ok());
        let day = parts.next().map_or(Some(1), |d| d.parse::<i8>().ok());
        return match (y, m, day) {
            (Some(y), Some(m), Some(day)) => Date::new(y, m, day).map(Some).map_err(|_| ()),
            _ => Err(()),
        }
        .map_err(|()| {
            format!(
                "entry `{}`: the date `{d}` is not a valid date; write it as YYYY-MM-DD",
                raw.key
            )
        });
    }
    let Some(year) = raw.get("year").map(verbatim).filter(|y| !y.is_empty()) else {
        return Ok(None);
    };
    let bad = |what: &str, v: &str| {
        format!(
            "entry `{}`: the {what} `{v}` is not valid; write e.g. year = {{2025}}, month = {{2}} or month = feb",
            raw.key
        )
    };
    let y: i16 = year.trim().parse().map_err(|_| bad("year", &year))?;
    let m: i8 = match raw.get("month").map(verbatim).filter(|m| !m.is_empty()) {
        None => 1,
        Some(m) => {
            let lower = m.trim().trim_end_matches('.').to_lowercase();
            match lower.parse::<i8>() {
                Ok(n) => n,
                Err(_) => crate::calendar::month_number(&lower).ok_or_else(|| bad("month", &m))?,
            }
        }
    };
    let d: i8 = raw
        .get("day")
        .map(verbatim)
        .and_then(|d| d.trim().parse().ok())
        .unwrap_or(1);
    Date::new(y, m, d)
        .or_else(|_| Date::new(y, m, 1))
        .map(Some)
        .map_err(|_| bad("year/month", &format!("{year}/{m}")))
}

/// URL-like fields: braces removed and `\_ \% \& \# \~` unescaped, nothing else touched.
fn verbatim(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' => {}
            '\\' if chars.peek().is_some_and(|n| "_%&#~$".contains(*n)) => {
                out.extend(chars.next());
            }
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

/// Splits `A and B and others` at top-level ` and `; "Last, First" becomes "First Last" when
/// the family name is one word.
/// The flag is false when the list ends with `and others` (the full count is unknown).
fn split_authors(raw: &str) -> (Vec<String>, bool) {
    let mut names: Vec<Vec<&str>> = vec![Vec::new()];
    for word in top_level_split(raw, |c| c.is_whitespace()) {
        if word.eq_ignore_ascii_case("and") {
            names.push(Vec::new());
        } else if !word.is_empty() {
            names.last_mut().expect("non-empty").push(word);
        }
    }
    let mut complete = true;
    let mut out = Vec::new();
    for words in names.into_iter().filter(|w| !w.is_empty()) {
        let name = words.join(" ");
        if name.eq_ignore_ascii_case("others") {
            complete = false;
            continue;
        }
        // `{The ATLAS Collaboration}`: an organisation, kept braced as the record format reads
        // it (see crate::record::author), so no writer splits it into given and family names.
        if let Some(inner) = crate::record::author::wholly_braced(&name) {
            let inner = collapse_whitespace(&decode_latex(inner));
            if !inner.is_empty() {
                out.push(format!("{{{inner}}}"));
            }
            continue;
        }
        let parts: Vec<String> = top_level_split(&name, |c| c == ',')
            .into_iter()
            .map(|p| collapse_whitespace(&decode_latex(p)))
            .collect();
        // Reading order when it reads back as the same parts ("Mei Lin"); family first, as
        // written, when the family name has several words ("García Márquez, Gabriel",
        // "van der Berg, Jan"), which reading order would split wrongly.
        let full = match parts.as_slice() {
            [last, first] if last.contains(char::is_whitespace) => format!("{last}, {first}"),
            [last, first] => format!("{first} {last}"),
            [last, jr, first, ..] if last.contains(char::is_whitespace) => {
                format!("{last}, {jr}, {first}")
            }
            [last, jr, first, ..] => format!("{first} {last} {jr}"),
            _ => parts.join(" "),
        };
        let full = collapse_whitespace(&full);
        if !full.is_empty() {
            out.push(full);
        }
    }
    (out, complete)
}

/// Splits at characters matching `sep` that are outside braces.
fn top_level_split(s: &str, sep: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 && sep(c) => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}
