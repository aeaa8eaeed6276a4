//! BibTeX export: `@misc` in arXiv's own style for arXiv papers, `@article` otherwise, with
//! the exact day in a biblatex `date` field so an import gives the same date back.

use std::fmt::Write as _;

use ahash::AHashSet;

use super::{ExportedPaper, split_name};
use crate::record::Paper;

/// The papers as a `.bib` file, abstracts included.
pub fn write(papers: &[ExportedPaper]) -> String {
    let mut keys = AHashSet::new();
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
    let mut keys = AHashSet::new();
    let mut out = String::new();
    for paper in papers {
        let key = unique_key(&mut keys, &base_key(paper));
        write_entry(&mut out, paper, &key, None);
        out.push('\n');
    }
    out
}

/// Appends one entry: `@misc` in arXiv's style for arXiv papers, `@article` otherwise.
///
/// Written straight into `out` (a tag's `.bib` holds thousands of entries; building each
/// field as its own string was most of the time of writing them).
fn write_entry(out: &mut String, p: &Paper, key: &str, abstract_text: Option<&str>) {
    let kind = if p.arxiv.is_some() { "misc" } else { "article" };
    let _ = writeln!(out, "@{kind}{{{key},");
    // Double braces keep the title's capitalisation as written.
    field(out, "title", |out| {
        out.push('{');
        escape_into(out, &p.title);
        out.push('}');
    });
    field(out, "author", |out| {
        for (i, author) in p.authors.iter().enumerate() {
            if i > 0 {
                out.push_str(" and ");
            }
            escape_into(out, author);
        }
    });
    field(out, "year", |out| {
        let _ = write!(out, "{}", p.date.year());
    });
    field(out, "date", |out| {
        let _ = write!(out, "{}", p.date);
    });
    if let Some(id) = &p.arxiv {
        field(out, "eprint", |out| out.push_str(id));
        field(out, "archivePrefix", |out| out.push_str("arXiv"));
    }
    if let Some(doi) = &p.doi {
        field(out, "doi", |out| escape_into(out, doi));
    }
    if let Some(id) = &p.arxiv {
        field(out, "url", |out| {
            out.push_str("https://arxiv.org/abs/");
            out.push_str(id);
        });
    } else if let Some(url) = p.links.get("url") {
        field(out, "url", |out| out.push_str(url));
    }
    field(out, "keywords", |out| {
        for (i, tag) in p.tags.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            escape_into(out, tag);
        }
    });
    if let Some(text) = abstract_text {
        field(out, "abstract", |out| escape_into(out, text));
    }
    out.push_str("}\n");
}

/// Appends `  name = {value},` with the value `write` appends, or nothing when that value is
/// blank.
fn field(out: &mut String, name: &str, write: impl FnOnce(&mut String)) {
    let start = out.len();
    out.push_str("  ");
    out.push_str(name);
    out.push_str(" = {");
    let value = out.len();
    write(out);
    if out[value..].trim().is_empty() {
        out.truncate(start);
    } else {
        out.push_str("},\n");
    }
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
    let mut key = String::with_capacity(32);
    push_ascii_key(&mut key, &family);
    let _ = write!(key, "{}", p.date.year());
    push_ascii_key(&mut key, word);
    key
}

/// Appends the ASCII letters and digits of `text` (transliterated first when it is not ASCII:
/// `Schölkopf` → `scholkopf`), lowercased.
fn push_ascii_key(key: &mut String, text: &str) {
    let transliterated;
    let text = if text.is_ascii() {
        text
    } else {
        transliterated = deunicode::deunicode(text);
        &transliterated
    };
    key.extend(
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase()),
    );
}

fn unique_key(taken: &mut AHashSet<String>, base: &str) -> String {
    if taken.insert(base.to_string()) {
        return base.to_string();
    }
    // `base` + a, b, … z, aa, ab, …: never runs out, however many papers share a base key.
    (0u64..)
        .map(|n| format!("{base}{}", letters(n)))
        .find(|key| taken.insert(key.clone()))
        .unwrap_or_default()
}

/// The `n`th (from 0) of `a`, `b`, … `z`, `aa`, `ab`, … (bijective base 26).
fn letters(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `text` with the characters BibTeX and LaTeX treat specially escaped, so any text
/// survives; `--` and `''` (which LaTeX turns into a dash and a quote) are broken up with an
/// empty group, and line breaks become spaces.
fn escape_into(out: &mut String, text: &str) {
    // Every character that needs care is ASCII: runs of other bytes are copied whole.
    let mut previous = 0u8;
    let mut run = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if !matches!(
            b,
            b'\\'
                | b'{'
                | b'}'
                | b'%'
                | b'&'
                | b'$'
                | b'#'
                | b'_'
                | b'~'
                | b'^'
                | b'\n'
                | b'-'
                | b'\''
                | b'`'
        ) {
            previous = b;
            continue;
        }
        out.push_str(&text[run..i]);
        run = i + 1;
        let c = if b == b'\n' { b' ' } else { b };
        if matches!(c, b'-' | b'\'' | b'`') && previous == c {
            out.push_str("{}");
        }
        previous = c;
        match c {
            b'\\' => out.push_str("\\textbackslash{}"),
            b'{' | b'}' | b'%' | b'&' | b'$' | b'#' | b'_' => {
                out.push('\\');
                out.push(char::from(c));
            }
            b'~' => out.push_str("\\textasciitilde{}"),
            b'^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(char::from(c)),
        }
    }
    out.push_str(&text[run..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_letters_never_run_out() {
        let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(letters)
            .collect();
        assert_eq!(names, ["a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]);
        // Before, the suffix stopped growing past 'z' + 132 and the 160-odd-th paper sharing
        // a base key looped forever.
        let mut taken = AHashSet::new();
        let keys: Vec<String> = (0..1000)
            .map(|_| unique_key(&mut taken, "wang2024learning"))
            .collect();
        assert_eq!(keys[0], "wang2024learning");
        assert_eq!(keys[1], "wang2024learninga");
        assert_eq!(keys[27], "wang2024learningaa");
        assert_eq!(taken.len(), 1000);
        assert!(keys.iter().all(|k| k.is_ascii()));
    }

    #[test]
    fn cites_in_arxiv_style_with_a_transliterated_key() {
        let text = "+++\ntitle = \"Über 100% of {GPT}'s -- Scaling\"\ndate = 2025-02-06\n\
            authors = [\"Jürgen Schölkopf\", \"Ada Lovelace\"]\ntags = [\"a_b\"]\n\
            arxiv = \"2502.04522\"\n+++\nBody\n";
        let paper = crate::record::parse(text, "content/p.md", "p").expect("valid record");
        let (key, entry) = cite(&paper);
        assert_eq!(key, "scholkopf2025uber");
        assert_eq!(
            entry,
            "@misc{scholkopf2025uber,\n  title = {{Über 100\\% of \\{GPT\\}'s -{}- Scaling}},\n  \
             author = {Jürgen Schölkopf and Ada Lovelace},\n  year = {2025},\n  \
             date = {2025-02-06},\n  eprint = {2502.04522},\n  archivePrefix = {arXiv},\n  \
             url = {https://arxiv.org/abs/2502.04522},\n  keywords = {a\\_b},\n}\n"
        );
    }

    #[test]
    fn escapes_specials_and_skips_blank_fields() {
        let mut out = String::new();
        escape_into(&mut out, "50% of {x}_1 -- a\\b ~ ^ ''q''\nnext");
        assert_eq!(
            out,
            "50\\% of \\{x\\}\\_1 -{}- a\\textbackslash{}b \\textasciitilde{} \\textasciicircum{} '{}'q'{}' next"
        );
        let mut out = String::from("@misc{k,\n");
        field(&mut out, "author", |out| out.push_str("  "));
        field(&mut out, "year", |out| out.push_str("2025"));
        assert_eq!(out, "@misc{k,\n  year = {2025},\n");
    }
}
