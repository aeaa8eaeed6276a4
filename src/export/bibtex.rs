//! BibTeX: the `.bib` files of days and tags, each paper page's entry and `digest export
//! bibtex`. Every entry parses in BibTeX 0.99, biber and pybtex whatever the record holds
//! (braces are balanced even when the text's are not), and is a type the standard styles do
//! not warn about: `@article` or `@inproceedings` only when the venue and authors are known,
//! else `@misc` (in arXiv's own style for arXiv papers). Dates are the publication date when the
//! record has one (`published`), else the day it is listed under, in `year` and in a biblatex
//! `date` field with the exact day.

use std::fmt::Write as _;

use super::ExportedPaper;
use super::venue::{Venue, cited_venue};
use crate::record::Paper;
use crate::record::author::{self, Author};

mod reuse;

pub(crate) use reuse::{BibLayouts, REUSE_FROM};

/// The papers as a `.bib` file, abstracts included, each under its site-wide key.
pub(crate) fn write(papers: &[ExportedPaper]) -> String {
    let mut out = String::new();
    for e in papers {
        write_entry(&mut out, e.paper, e.key, Some(&e.body.rendered.text));
        out.push('\n');
    }
    out
}

/// One paper's BibTeX under `key`, for citing it from its page (no abstract).
pub(crate) fn cite(paper: &Paper, key: &str) -> String {
    let mut out = String::new();
    write_entry(&mut out, paper, key, None);
    out
}

/// The BibTeX of several papers (a day's, a tag's), each under its key, no abstracts.
pub(crate) fn cite_all<'a>(papers: impl IntoIterator<Item = (&'a Paper, &'a str)>) -> String {
    let mut papers = papers.into_iter();
    let mut out = String::new();
    if let Some((paper, key)) = papers.next() {
        write_entry(&mut out, paper, key, None);
        out.push('\n');
        // Room for the rest at the first entry's size and a margin: a tag's file is megabytes,
        // and growing it by doubling copied it over and over.
        let (rest, _) = papers.size_hint();
        out.reserve(rest.saturating_mul(out.len() + out.len() / 8));
    }
    for (paper, key) in papers {
        write_entry(&mut out, paper, key, None);
        out.push('\n');
    }
    out
}

/// [`cite_all`] of a long list made in parts side by side: a large tag's file is tens of
/// megabytes, and one page is otherwise one thread's work while the other waits (the last
/// page of an edit's rebuild, often).
pub(crate) fn cite_all_parallel<'a, F>(count: usize, entry: F) -> String
where
    F: Fn(usize) -> (&'a Paper, &'a str) + Sync,
{
    use rayon::prelude::*;
    /// Entries of a part: enough that joining the parts is nothing beside making them.
    const PART: usize = 2048;
    if count <= PART {
        return cite_all((0..count).map(entry));
    }
    let parts: Vec<String> = (0..count.div_ceil(PART))
        .into_par_iter()
        .map(|part| cite_all((part * PART..((part + 1) * PART).min(count)).map(&entry)))
        .collect();
    parts.concat()
}

/// Appends one entry. Written straight into `out` (a tag's `.bib` holds thousands of entries;
/// building each field as its own string was most of the time of writing them).
fn write_entry(out: &mut String, p: &Paper, key: &str, abstract_text: Option<&str>) {
    let has_authors = p.authors.iter().any(|a| !a.trim().is_empty());
    // The standard styles require authors for articles and proceedings papers.
    let venue = cited_venue(p);
    let kind = match venue {
        Some(Venue::Journal(_)) => "article",
        Some(Venue::Proceedings(_)) => "inproceedings",
        _ => "misc",
    };
    out.push('@');
    out.push_str(kind);
    out.push('{');
    out.push_str(key);
    out.push_str(",\n");
    // Double braces keep the title's capitalisation as written.
    field(out, "title", |out| {
        out.push('{');
        escape_into(out, &p.title);
        out.push('}');
    });
    field(out, "author", |out| write_authors(out, &p.authors));
    if !has_authors {
        // What BibTeX sorts an entry without authors by (else it warns "to sort, need author
        // or key").
        field(out, "key", |out| escape_into(out, &p.title));
    }
    match venue {
        Some(Venue::Journal(v)) => field(out, "journal", |out| escape_into(out, v)),
        Some(Venue::Proceedings(v)) => field(out, "booktitle", |out| escape_into(out, v)),
        Some(Venue::Other(v)) => field(out, "howpublished", |out| escape_into(out, v)),
        None => {}
    }
    let cited = p.published.unwrap_or(p.date);
    field(out, "year", |out| {
        let _ = write!(out, "{}", cited.year());
    });
    field(out, "date", |out| {
        crate::calendar::push_iso_date(out, cited)
    });
    if let Some(id) = &p.arxiv {
        field(out, "eprint", |out| out.push_str(id));
        field(out, "archivePrefix", |out| out.push_str("arXiv"));
    }
    if let Some(doi) = &p.doi {
        field(out, "doi", |out| verbatim_into(out, doi));
    }
    if let Some(id) = &p.arxiv {
        field(out, "url", |out| {
            out.push_str("https://arxiv.org/abs/");
            out.push_str(id);
        });
    } else if let Some(url) = p.links.get("url") {
        field(out, "url", |out| verbatim_into(out, url));
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

/// Appends the `author` value: names joined by ` and `, each written so that BibTeX and biber
/// read the same parts as [`Author::parse`] (see [`write_name`]).
fn write_authors<'a>(out: &mut String, authors: impl IntoIterator<Item = &'a str>) {
    let mut first = true;
    for name in authors.into_iter().filter(|a| !a.trim().is_empty()) {
        if !first {
            out.push_str(" and ");
        }
        first = false;
        match plain_name(name) {
            Some((given, family)) => {
                out.push_str(family);
                out.push_str(", ");
                out.push_str(given);
            }
            None => write_parsed_name(out, name),
        }
    }
}

/// `(given, family)` of a name written the way most are (`Ada Lovelace`, `Jürgen Schölkopf`),
/// which BibTeX reads as `family, given` with nothing to escape or protect: two or more words
/// split by single spaces, no character BibTeX or [`Author::parse`] treats specially, no
/// lowercase word before the last (a particle), no suffix, no word `and`. `None` for any other
/// name, which [`write_parsed_name`] writes (the same text for these, as a test checks; this
/// path skips reading the name into parts, most of the time of a tag's `.bib`).
fn plain_name(name: &str) -> Option<(&str, &str)> {
    let name = name.trim();
    let bytes = name.as_bytes();
    let ascii = bytes.is_ascii();
    // Commas and every ASCII space but ' ' (line breaks are in `SPECIAL`).
    let special = |b: &u8| SPECIAL[usize::from(*b)] || matches!(b, b',' | 0x09..=0x0d);
    if bytes.iter().any(special) || (!ascii && name.chars().any(|c| c.is_whitespace() && c != ' '))
    {
        return None;
    }
    let family_start = name.rfind(' ')? + 1;
    let (given, family) = (&name[..family_start - 1], &name[family_start..]);
    let mut words = given.split(' ');
    let plain_word =
        |w: &str| !w.is_empty() && !w.eq_ignore_ascii_case("and") && !author::is_lowercase_word(w);
    (words.all(plain_word)
        && !family.eq_ignore_ascii_case("and")
        && !author::SUFFIXES.contains(&family))
    .then_some((given, family))
}

/// Appends one name read into its parts by [`Author::parse`] (see [`write_name`]).
fn write_parsed_name(out: &mut String, name: &str) {
    let author = match Author::parse(name) {
        // A comma inside a part (left by an unpaired brace) cannot be protected: biber decodes
        // `{,}` and the brace commands before it splits a name, then finds too many commas and
        // drops the entry. Such a name is cited as one literal name.
        Author::Person(p)
            if [p.given, p.particle, p.family, p.suffix]
                .iter()
                .any(|part| part.contains(',')) =>
        {
            Author::Literal(name.trim())
        }
        other => other,
    };
    write_name(out, &author);
}

/// One name: an organisation or unsplittable name in braces (`{The ATLAS Collaboration}`),
/// a person as `von Last, Jr, First` (the form no style misreads, as arXiv and Google Scholar
/// write it). A word `and` inside a name is braced, or BibTeX would split the name there.
fn write_name(out: &mut String, author: &Author) {
    match author {
        Author::Organisation(name) | Author::Literal(name) => {
            out.push('{');
            let start = out.len();
            escape_into(out, name);
            // `{\` opens a "special character" to BibTeX, whose commas would then split the
            // name: an empty group first keeps the braces an ordinary group.
            if out[start..].starts_with('\\') {
                out.insert_str(start, "{}");
            }
            out.push('}');
        }
        Author::Person(p) => {
            if p.family.eq_ignore_ascii_case("others") && p.given.is_empty() {
                // Alone, `others` means "et al.".
                out.push_str("{others}");
                return;
            }
            let part = |out: &mut String, text: &str| {
                // A part BibTeX would see as empty (`-` separates words to it) is braced.
                let empty = text.chars().all(|c| c == '-' || c.is_whitespace());
                if empty {
                    out.push('{');
                }
                let mut word_text = String::new();
                for (i, word) in text.split_whitespace().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    if word.eq_ignore_ascii_case("and") {
                        out.push('{');
                        out.push_str(word);
                        out.push('}');
                    } else {
                        // No part holds a comma here (see `write_authors`).
                        word_text.clear();
                        escape_into(&mut word_text, word);
                        out.push_str(&word_text);
                    }
                }
                if empty {
                    out.push('}');
                }
            };
            if !p.particle.is_empty() {
                part(out, p.particle);
                out.push(' ');
            }
            part(out, p.family);
            for extra in [p.suffix, p.given] {
                if !extra.is_empty() {
                    out.push_str(", ");
                    part(out, extra);
                }
            }
        }
    }
}

/// Appends a URL or DOI as biblatex's verbatim fields take it: as written, except braces,
/// backslashes and whitespace, percent-encoded (the same address), which BibTeX would count or
/// split on.
fn verbatim_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c if c.is_whitespace() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            c => out.push(c),
        }
    }
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

/// Appends `text` with the characters BibTeX and LaTeX treat specially escaped, so any text
/// survives; `--` and `''` (which LaTeX turns into a dash and a quote) are broken up with an
/// empty group, and line breaks become spaces.
///
/// BibTeX and biber count braces even after a backslash, so `\{` alone would leave the field
/// open and swallow the rest of the file: braces that pair up in `text` are written `\{`, `\}`,
/// and any other one as `\textbraceleft{}` or `\textbraceright{}`, which print the same.
fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // Every character that needs care is ASCII: runs of other bytes are copied whole.
    let Some(first) = bytes.iter().position(|&b| SPECIAL[usize::from(b)]) else {
        out.push_str(text);
        return;
    };
    let unpaired = unpaired_braces(text);
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        if !SPECIAL[usize::from(b)] {
            continue;
        }
        out.push_str(&text[run..i]);
        run = i + 1;
        // A doubled `-`, `'` or `` ` ``: the byte before is the same (a line break before one
        // is a space, which none of them is).
        if matches!(b, b'-' | b'\'' | b'`') && i > 0 && bytes[i - 1] == b {
            out.push_str("{}");
        }
        match b {
            b'\n' => out.push(' '),
            b'\\' => out.push_str("\\textbackslash{}"),
            b'{' if unpaired.binary_search(&i).is_ok() => out.push_str("\\textbraceleft{}"),
            b'}' if unpaired.binary_search(&i).is_ok() => out.push_str("\\textbraceright{}"),
            b'{' | b'}' | b'%' | b'&' | b'$' | b'#' | b'_' => {
                out.push('\\');
                out.push(char::from(b));
            }
            b'~' => out.push_str("\\textasciitilde{}"),
            b'^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(char::from(b)),
        }
    }
    out.push_str(&text[run..]);
}

/// The bytes [`escape_into`] writes otherwise than as they are (all ASCII).
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let special = b"\\{}%&$#_~^\n-'`";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

/// Byte offsets of the braces of `text` that have no partner (`}` before any open `{`, `{`
/// never closed), in increasing order; none for text without braces, the common case.
fn unpaired_braces(text: &str) -> Vec<usize> {
    let mut unpaired = Vec::new();
    if !text.bytes().any(|b| b == b'{' || b == b'}') {
        return unpaired;
    }
    let mut open = Vec::new();
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' => open.push(i),
            b'}' if open.pop().is_none() => unpaired.push(i),
            _ => {}
        }
    }
    unpaired.extend(open);
    unpaired.sort_unstable();
    unpaired
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record(front: &str) -> Paper {
        let text = format!("+++\ntitle = \"T\"\ndate = 2025-02-06\n{front}\n+++\nBody\n");
        crate::record::parse(&text, "content/p.md", "p").expect("valid record")
    }

    #[test]
    fn cites_in_arxiv_style() {
        let text = "+++\ntitle = \"Über 100% of {GPT}'s -- Scaling\"\ndate = 2025-02-06\n\
            authors = [\"Jürgen Schölkopf\", \"Ada Lovelace\"]\ntags = [\"a_b\"]\n\
            arxiv = \"2502.04522\"\n+++\nBody\n";
        let paper = crate::record::parse(text, "content/p.md", "p").expect("valid record");
        assert_eq!(
            cite(&paper, "scholkopf2025uber"),
            "@misc{scholkopf2025uber,\n  title = {{Über 100\\% of \\{GPT\\}'s -{}- Scaling}},\n  \
             author = {Schölkopf, Jürgen and Lovelace, Ada},\n  year = {2025},\n  \
             date = {2025-02-06},\n  eprint = {2502.04522},\n  archivePrefix = {arXiv},\n  \
             url = {https://arxiv.org/abs/2502.04522},\n  keywords = {a\\_b},\n}\n"
        );
    }

    #[test]
    fn unpaired_braces_are_written_as_commands_that_keep_the_field_closed() {
        let mut out = String::new();
        escape_into(&mut out, "} a {b} {c");
        assert_eq!(out, "\\textbraceright{} a \\{b\\} \\textbraceleft{}c");
    }

    #[test]
    fn entry_types_follow_what_is_known() {
        let kind = |front: &str| {
            let entry = cite(&record(front), "k");
            entry[1..entry.find('{').unwrap()].to_string()
        };
        let by = "authors = [\"Ann Lee\"]\n";
        assert_eq!(kind(""), "misc");
        assert_eq!(kind(by), "misc");
        assert_eq!(
            kind(&format!("{by}[extra]\nvenue = \"NeurIPS 2017\"")),
            "inproceedings"
        );
        assert_eq!(
            kind(&format!("{by}[extra]\njournal = \"Nature\"")),
            "article"
        );
        assert_eq!(
            kind(&format!(
                "{by}[extra]\nvenue = \"Nature\"\nbibtex_type = \"article\""
            )),
            "article"
        );
        assert_eq!(
            kind(&format!("{by}[extra]\nvenue = \"Journal of X\"")),
            "article"
        );
        // Articles need authors: without them, where it appeared is `howpublished`.
        let entry = cite(&record("[extra]\njournal = \"Nature\""), "k");
        assert!(entry.starts_with("@misc{k,"), "{entry}");
        assert!(entry.contains("howpublished = {Nature}"), "{entry}");
        assert!(entry.contains("key = {T}"), "{entry}");
        // Semantic Scholar and Google Scholar name arXiv as the journal of a preprint.
        assert_eq!(
            kind(&format!(
                "{by}arxiv = \"2401.01234\"\n[extra]\nvenue = \"ArXiv\""
            )),
            "misc"
        );
    }

    #[test]
    fn names_are_written_as_bibtex_reads_them() {
        let mut out = String::new();
        let names: Vec<String> = [
            "{The ATLAS Collaboration}",
            "van der Berg, Jan",
            "John Doe Jr.",
            "Tom and Jerry",
            "others",
            "Plato",
        ]
        .map(String::from)
        .to_vec();
        write_authors(&mut out, names.iter().map(String::as_str));
        assert_eq!(
            out,
            "{The ATLAS Collaboration} and van der Berg, Jan and Doe, Jr., John and \
             {and} Jerry, Tom and {others} and Plato"
        );
    }

    #[test]
    fn name_parts_bibtex_would_misread_are_protected() {
        for (name, written) in [
            // `-` separates words to BibTeX: alone, the given name would be empty.
            ("_, -", "\\_, {-}"),
            // The comma after an unpaired brace is not one the name was split at, and biber
            // would count it however it is braced: the name is one literal.
            ("{Unclosed, Org", "{{}\\textbraceleft{}Unclosed, Org}"),
            (
                "\\{,, {",
                "{{}\\textbackslash{}\\textbraceleft{},, \\textbraceleft{}}",
            ),
            // `{\` would make the whole name one "special character" whose commas count.
            ("{\\x, y}", "{{}\\textbackslash{}x, y}"),
        ] {
            let mut out = String::new();
            write_authors(&mut out, [name]);
            assert_eq!(out, written, "{name:?}");
        }
    }

    /// Braces as BibTeX counts them (a backslash does not stop it): never closing more than
    /// opened, all closed at the end.
    fn balanced(text: &str) -> bool {
        let mut depth = 0i64;
        for b in text.bytes() {
            match b {
                b'{' => depth += 1,
                b'}' if depth == 0 => return false,
                b'}' => depth -= 1,
                _ => {}
            }
        }
        depth == 0
    }

    proptest::proptest! {
        #![proptest_config(crate::record::mutations::config(20_000))]
        /// Property: whatever the text (made of the characters that need care), the field and
        /// the author list are written with balanced braces.
        #[test]
        fn any_text_is_written_with_balanced_braces(
            text in proptest::collection::vec(
                proptest::sample::select(&[
                    '{', '}', '{', '}', '\\', '$', '%', '&', '#', '_', '~', '^', '-', '\'', '`',
                    ',', '"', ' ', 'a', 'n', 'd', 'x', '\n', 'ä',
                ][..]),
                0..24,
            ).prop_map(|chars| chars.into_iter().collect::<String>())
        ) {
            let mut out = String::new();
            escape_into(&mut out, &text);
            assert!(balanced(&out), "{text:?} -> {out:?}");
            out.clear();
            write_authors(&mut out, [text.as_str(), text.as_str()]);
            assert!(balanced(&out), "{text:?} -> {out:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(crate::record::mutations::config(20_000))]
        /// Property: a name the plain path takes is written as reading it into parts writes it.
        #[test]
        fn plain_names_are_written_as_their_parts_are(
            words in proptest::collection::vec(
                proptest::sample::select(&[
                    "Ada", "Lovelace", "Jürgen", "Ádám", "van", "der", "de", "Jr", "Jr.", "III",
                    "and", "AND", "others", "O'Brien", "Smith-Jones", "{X}", "x,", "d'", "123",
                    "Ł", "ß", "A.", "", " ", "\u{a0}", "\t", "李", "Ünal", "é", "I",
                ][..]),
                1..6,
            ).prop_map(|words| words.join(" "))
        ) {
            let mut parsed = String::new();
            write_parsed_name(&mut parsed, &words);
            if let Some((given, family)) = plain_name(&words) {
                assert_eq!(format!("{family}, {given}"), parsed, "{words:?}");
            }
        }
    }

    #[test]
    fn most_names_take_the_plain_path() {
        for name in [
            "Ada Lovelace",
            " Jürgen Schölkopf ",
            "Maria Del Carmen Ruiz",
            "李 明",
        ] {
            assert!(plain_name(name).is_some(), "{name:?}");
        }
        for name in [
            "van der Berg, Jan",
            "Jan van der Berg",
            "John Doe Jr.",
            "Tom and Jerry",
            "Plato",
            "Aisha O'Brien",
            "Ada  Lovelace",
            "Ada\u{a0}Lovelace",
        ] {
            assert!(plain_name(name).is_none(), "{name:?}");
        }
    }

    #[test]
    fn a_long_list_made_in_parts_is_the_list_made_whole() {
        let papers: Vec<Paper> = (0..5000)
            .map(|i| {
                record(&format!(
                    "authors = [\"Ada Lovelace{i}\", \"van der Berg, Jan\"]"
                ))
            })
            .collect();
        let keys: Vec<String> = (0..5000).map(|i| format!("k{i}")).collect();
        let whole = cite_all(papers.iter().zip(&keys).map(|(p, k)| (p, k.as_str())));
        let parts = cite_all_parallel(papers.len(), |i| (&papers[i], keys[i].as_str()));
        assert_eq!(parts.matches("@misc{").count(), 5000);
        assert!(parts == whole, "the parts differ from the whole");
        let few = cite_all_parallel(3, |i| (&papers[i], keys[i].as_str()));
        assert_eq!(
            few,
            cite_all(
                papers
                    .iter()
                    .zip(&keys)
                    .take(3)
                    .map(|(p, k)| (p, k.as_str()))
            )
        );
    }

    #[test]
    fn the_publication_date_is_cited_when_known() {
        let entry = cite(&record("published = 2017-06-12"), "k");
        assert!(
            entry.contains("year = {2017},\n  date = {2017-06-12},"),
            "{entry}"
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
