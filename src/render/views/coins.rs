//! COinS (ContextObjects in Spans): a paper as an OpenURL 1.0 ContextObject in KEV form
//! (ANSI/NISO Z39.88-2004), the `title` of a `<span class="Z3988">` beside each entry of a list
//! page. Zotero's COinS translator reads every such span of a page, so one click in its browser
//! connector saves every paper listed; Mendeley and other resolvers read them too.
//!
//! Only what identifies a paper is written (a list page carries one per paper): the article
//! title, each author, the date, the venue when the record has one, and identifiers (the DOI as
//! `info:doi/…`, the arXiv abstract URL, else the record's `url` link), never the abstract.
//! Values are URL-encoded as `application/x-www-form-urlencoded` readers decode them (spaces
//! `+`, other bytes `%XX` of their UTF-8), except the characters a URL query may hold as they
//! are and that separate nothing in KEV (`:`, `/`, `,`: RFC 3986 section 3.4), which a list of
//! papers has in every identifier, date format and "Family, Given" name. The text then holds
//! nothing HTML must escape (no `<>"'`, no `;` to end a character reference).

use crate::export::venue::{Venue, venue};
use crate::record::Paper;
use crate::record::author::Author;

/// Authors given at most: a collaboration of thousands would make every list that shows its
/// paper that much longer; its own page names them all (`citation_author`).
const MAX_AUTHORS: usize = 100;

/// Appends the KEV ContextObject of `paper` to `out`: the journal format (`rft.genre` `article`
/// with a journal, `preprint` for an arXiv paper, else `article`), or the book format with
/// `rft.genre=proceeding` for a paper in proceedings, as Zotero maps them to a journal article
/// or a conference paper.
pub(super) fn write_kev(out: &mut String, paper: &Paper) {
    let venue = venue(paper);
    let venue_len = match venue {
        Some(Venue::Journal(name) | Venue::Proceedings(name)) => name.len(),
        _ => 0,
    };
    out.reserve(kev_len_hint(paper) + venue_len);
    out.push_str("ctx_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:");
    match venue {
        Some(Venue::Proceedings(_)) => out.push_str("book&rft.genre=proceeding"),
        Some(Venue::Journal(_)) => out.push_str("journal&rft.genre=article"),
        _ if paper.arxiv.is_some() => out.push_str("journal&rft.genre=preprint"),
        _ => out.push_str("journal&rft.genre=article"),
    }
    pair(out, "rft.atitle", &paper.title);
    match venue {
        Some(Venue::Journal(name)) => pair(out, "rft.jtitle", name),
        Some(Venue::Proceedings(name)) => pair(out, "rft.btitle", name),
        _ => {}
    }
    let mut name_first = String::new();
    for name in paper
        .authors
        .iter()
        .filter(|name| !name.trim().is_empty())
        .take(MAX_AUTHORS)
    {
        match Author::parse(name) {
            // `rft.aucorp`: an organisation is never split into given and family names.
            Author::Organisation(name) => pair(out, "rft.aucorp", name),
            // "Family, Given", as Zotero splits a name that has a comma.
            author => {
                name_first.clear();
                author.write_family_first(&mut name_first);
                pair(out, "rft.au", &name_first);
            }
        }
    }
    out.push_str("&rft.date=");
    crate::calendar::push_iso_date(out, paper.published.unwrap_or(paper.date));
    if let Some(doi) = &paper.doi {
        out.push_str("&rft_id=info:doi/");
        push_value(out, doi);
    }
    if let Some(id) = &paper.arxiv {
        out.push_str("&rft_id=https://arxiv.org/abs/");
        push_value(out, id);
    } else if let Some(url) = paper.links.get("url") {
        pair(out, "rft_id", url);
    }
}

/// About how long `paper`'s ContextObject is, so that it is written into one allocation: the
/// fixed keys, and the texts with room for a few encoded characters. A list page writes one per
/// paper, and growing the text step by step (four or five copies each) was a fifth of what a
/// title list's cards cost when catching up after an edit.
fn kev_len_hint(paper: &Paper) -> usize {
    let authors: usize = (paper.authors.iter().take(MAX_AUTHORS))
        .map(|name| name.len() + "&rft.au=".len())
        .sum();
    let ids = [&paper.doi, &paper.arxiv]
        .iter()
        .map(|id| id.as_ref().map_or(0, |id| id.len() + 32))
        .sum::<usize>();
    let text = paper.title.len() + authors + ids;
    160 + text + text / 4
}

/// Appends `&key=value`, the value encoded ([`push_value`]).
fn pair(out: &mut String, key: &str, value: &str) {
    out.push('&');
    out.push_str(key);
    out.push('=');
    push_value(out, value);
}

/// Appends `value` URL-encoded as the module doc says: the characters kept as they are a run
/// at a time.
fn push_value(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    const KEPT: [bool; 256] = {
        let mut kept = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            kept[b] = c.is_ascii_alphanumeric()
                || matches!(c, b'-' | b'.' | b'_' | b'~' | b':' | b'/' | b',');
            b += 1;
        }
        kept
    };
    let mut rest = value;
    while !rest.is_empty() {
        let run = rest
            .bytes()
            .position(|b| !KEPT[usize::from(b)])
            .unwrap_or(rest.len());
        out.push_str(&rest[..run]);
        let Some(c) = rest[run..].chars().next() else {
            break;
        };
        if c == ' ' {
            out.push('+');
        } else {
            let mut bytes = [0; 4];
            for &b in c.encode_utf8(&mut bytes).as_bytes() {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        rest = &rest[run + c.len_utf8()..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kev(front: &str) -> String {
        let text = format!("+++\ntitle = \"A Title: 50% & More\"\ndate = 2025-02-06\n{front}+++\n");
        let paper = crate::record::parse(&text, "p.md", "t").unwrap();
        let mut out = String::new();
        write_kev(&mut out, &paper);
        out
    }

    #[test]
    fn an_arxiv_preprint() {
        assert_eq!(
            kev(
                "authors = [\"Jan van der Berg\", \"{The ATLAS Collaboration}\", \"Zoë Ådahl\"]\npublished = 2025-02-03\narxiv = \"2502.04522\"\ndoi = \"10.1000/a&b=c;+d\"\n"
            ),
            "ctx_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal\
             &rft.genre=preprint&rft.atitle=A+Title:+50%25+%26+More\
             &rft.au=van+der+Berg,+Jan&rft.aucorp=The+ATLAS+Collaboration\
             &rft.au=%C3%85dahl,+Zo%C3%AB&rft.date=2025-02-03\
             &rft_id=info:doi/10.1000/a%26b%3Dc%3B%2Bd\
             &rft_id=https://arxiv.org/abs/2502.04522"
        );
    }

    #[test]
    fn venues_choose_the_format() {
        let journal = kev("authors = [\"Ann Lee\"]\n[extra]\njournal = \"Nature\"\n");
        assert!(
            journal.contains("mtx:journal&rft.genre=article&rft.atitle=")
                && journal.contains("&rft.jtitle=Nature&"),
            "{journal}"
        );
        let proceedings = kev("arxiv = \"2502.04522\"\n[extra]\nvenue = \"NeurIPS 2024\"\n");
        assert!(
            proceedings.contains("mtx:book&rft.genre=proceeding")
                && proceedings.contains("&rft.btitle=NeurIPS+2024&"),
            "{proceedings}"
        );
        let plain = kev("links = { url = \"https://x.org/p?q=1\" }\n");
        assert!(plain.contains("rft.genre=article"), "{plain}");
        assert!(
            plain.ends_with("&rft.date=2025-02-06&rft_id=https://x.org/p%3Fq%3D1"),
            "{plain}"
        );
    }

    /// The text can go into an attribute as it is: only URL-safe characters, no `&…;` that
    /// could read as a character reference.
    #[test]
    fn needs_no_html_escaping() {
        let text = kev("authors = [\"<b>\\\"Q\\\"</b>; &amp;\"]\ndoi = \"10.1/<x>;\"\n");
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%+=&:/,".contains(&b)),
            "{text}"
        );
    }

    #[test]
    fn authors_are_capped() {
        let names: Vec<String> = (0..150).map(|i| format!("\"Author{i} Name\"")).collect();
        let text = kev(&format!("authors = [{}]\n", names.join(", ")));
        assert_eq!(text.matches("&rft.au=").count(), MAX_AUTHORS);
    }
}
