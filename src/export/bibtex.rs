//! BibTeX export: `@misc` in arXiv's own style for arXiv papers, `@article` otherwise, with
//! the exact day in a biblatex `date` field so an import gives the same date back.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{ExportedPaper, split_name};
use crate::record::Paper;

/// The papers as a `.bib` file, abstracts included.
pub fn write(papers: &[ExportedPaper]) -> String {
    let mut keys = HashSet::new();
    let mut out = String::new();
    for e in papers {
        let key = unique_key(&mut keys, &base_key(e.paper));
        write_entry(&mut out, e.paper, &key, Some(&e.body.text));
        out.push('\n');
    }
    out
}

/// One paper's BibTeX for citing it from its page (no abstract): `(key, entry)`.
pub fn cite(paper: &Paper) -> (String, String) {
    let key = base_key(paper);
    let mut out = String::new();
    write_entry(&mut out, paper, &key, None);
    (key, out)
}

/// The BibTeX of several papers (a day's, a tag's), keys made unique, no abstracts.
pub fn cite_all<'a>(papers: impl IntoIterator<Item = &'a Paper>) -> String {
    let mut keys = HashSet::new();
    let mut out = String::new();
    for paper in papers {
        let key = unique_key(&mut keys, &base_key(paper));
        write_entry(&mut out, paper, &key, None);
        out.push('\n');
    }
    out
}

/// Appends one entry: `@misc` in arXiv's style for arXiv papers, `@article` otherwise.
fn write_entry(out: &mut String, p: &Paper, key: &str, abstract_text: Option<&str>) {
    let kind = if p.arxiv.is_some() { "misc" } else { "article" };
    let _ = writeln!(out, "@{kind}{{{key},");
    let mut field = |name: &str, value: &str| {
        if !value.trim().is_empty() {
            let _ = writeln!(out, "  {name} = {{{value}}},");
        }
    };
    // Double braces keep the title's capitalisation as written.
    field("title", &format!("{{{}}}", escape(&p.title)));
    field(
        "author",
        &p.authors
            .iter()
            .map(|a| escape(a))
            .collect::<Vec<_>>()
            .join(" and "),
    );
    field("year", &p.date.year().to_string());
    field("date", &p.date.to_string());
    if let Some(id) = &p.arxiv {
        field("eprint", id);
        field("archivePrefix", "arXiv");
    }
    if let Some(doi) = &p.doi {
        field("doi", &escape(doi));
    }
    let url = p
        .arxiv
        .as_ref()
        .map(|id| format!("https://arxiv.org/abs/{id}"))
        .or_else(|| p.links.get("url").cloned());
    if let Some(url) = url {
        field("url", &url);
    }
    field(
        "keywords",
        &p.tags
            .iter()
            .map(|t| escape(t))
            .collect::<Vec<_>>()
            .join(", "),
    );
    if let Some(text) = abstract_text {
        field("abstract", &escape(&text.replace('\n', " ")));
    }
    out.push_str("}\n");
}

/// `bhandari2025improvnet`: first author's family name, year, first word of the title.
fn base_key(p: &Paper) -> String {
    let family = p
        .authors
        .first()
        .map(|a| split_name(a).1)
        .unwrap_or_default();
    let word = p
        .title
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.len() > 3)
        .unwrap_or("paper");
    let ascii = |s: &str| {
        deunicode::deunicode(s)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    format!("{}{}{}", ascii(&family), p.date.year(), ascii(word))
}

fn unique_key(taken: &mut HashSet<String>, base: &str) -> String {
    let mut key = base.to_string();
    let mut suffix = b'a';
    while !taken.insert(key.clone()) {
        key = format!("{base}{}", suffix as char);
        suffix = suffix.saturating_add(1);
    }
    key
}

/// Escapes the characters BibTeX and LaTeX treat specially, so any text survives, and breaks
/// up `--` and `''` (which LaTeX turns into a dash and a quote) with an empty group.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = None;
    for c in text.chars() {
        if (c == '-' || c == '\'' || c == '`') && previous == Some(c) {
            out.push_str("{}");
        }
        previous = Some(c);
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out
}
