//! The names of a record that become folders of the output — its slug and its tags — checked by
//! the one rule for such names ([`crate::slug::check_segment`]), and the cap on tags per record.
//!
//! Kept apart from the rest of the parser so each check is one call in [`super::parse`].

use std::ops::Range;

use toml::Spanned;

use crate::diagnostic::{Location, Problem};
use crate::slug::{check_segment, name_segment, segment_problem, stem_segment};

/// The most tags one record may have. Real papers carry a handful (arXiv lists a few
/// categories, journals ask for 3–10 keywords, MeSH indexing gives 10–30 terms): 100 is far
/// above any of them. Without a cap one record's share of the output grows with the square of
/// its tag count — each of its tags has pages listing it, each listing its tags — and 2,000
/// tags on one record made 483 MB.
pub(super) const MAX_TAGS: usize = 100;

/// A record's tags, trimmed. A tag whose folder name breaks the rule, or a list longer than
/// [`MAX_TAGS`], is reported at its place (`at` turns a span of the front matter into a place in
/// the file) and left out.
pub(super) fn checked_tags(
    tags: Vec<Spanned<String>>,
    at: impl Fn(Range<usize>) -> Location,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    if let Some(first_over) = tags.get(MAX_TAGS) {
        // One problem for the list, not one per tag past the limit.
        problems.push(
            Problem::at(
                at(first_over.span()),
                format!(
                    "this record has {} tags, more than the limit of {MAX_TAGS} per record (the first one over it is here)",
                    tags.len()
                ),
            )
            .with_hint(format!(
                "keep at most {MAX_TAGS} tags, the ones readers browse by; put other keywords under [extra], e.g. [extra] keywords = [\"…\"]"
            )),
        );
        return Vec::new();
    }
    let mut kept = Vec::with_capacity(tags.len());
    for tag in tags {
        match name_segment(tag.get_ref()) {
            Ok(_) => kept.push(tag.get_ref().trim().to_string()),
            Err(error) => problems.push(segment_problem(
                at(tag.span()),
                "tag",
                tag.get_ref(),
                error,
                "tags = [\"diffusion\"]",
            )),
        }
    }
    kept
}

/// A record's slug and where it comes from: the `slug` it gives, as written, or its file name
/// slugified. Either must pass the one rule for folder names; a problem is reported at the
/// `slug` value, or at the record's start (`opening`) for a file name.
pub(super) fn checked_slug(
    slug: Option<Spanned<String>>,
    file_stem: &str,
    opening: Location,
    at: impl Fn(Range<usize>) -> Location,
    problems: &mut Vec<Problem>,
) -> (String, Location) {
    match slug {
        Some(slug) => {
            let location = at(slug.span());
            if let Err(error) = check_segment(slug.get_ref()) {
                problems.push(segment_problem(
                    location.clone(),
                    "slug",
                    slug.get_ref(),
                    error,
                    "slug = \"improvnet\"",
                ));
            }
            (slug.into_inner(), location)
        }
        None => match stem_segment(file_stem) {
            Ok(slug) => (slug, opening),
            Err(error) => {
                problems.push(
                    segment_problem(
                        opening.clone(),
                        "file name",
                        file_stem,
                        error,
                        "",
                    )
                    .with_hint(
                        "add slug = \"…\" (e.g. slug = \"improvnet\") to the front matter, or rename the file",
                    ),
                );
                (String::new(), opening)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::MAX_TAGS;
    use crate::diagnostic::Problem;
    use crate::record::parse;

    fn record(extra_lines: &str) -> String {
        format!("+++\ntitle = \"x\"\ndate = 2025-01-01\n{extra_lines}\n+++\nBody\n")
    }

    fn errors(text: &str, stem: &str) -> String {
        parse(text, "content/p.md", stem)
            .unwrap_err()
            .iter()
            .map(Problem::render)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn names_that_cannot_be_folders_are_refused_where_written() {
        let long = "x".repeat(300);
        for (lines, stem, expected) in [
            ("tags = [\"ok\", \"!!!\"]", "p", "content/p.md:4:15"),
            ("tags = [\"..\"]", "p", "content/p.md:4:9"),
            (&*format!("tags = [\"{long}\"]"), "p", "content/p.md:4:9"),
            ("slug = \"..\"", "p", "content/p.md:4:8"),
            (&*format!("slug = \"{long}\""), "p", "content/p.md:4:8"),
            ("", "!!!", "content/p.md:1:1"),
            ("", &long[..250], "content/p.md:1:1"),
        ] {
            let text = errors(&record(lines), stem);
            assert!(text.contains(expected), "{lines:?} {stem:?}: {text}");
            if lines.contains(&long) || stem.len() > 200 {
                assert!(text.contains("200 bytes"), "{text}");
                assert!(!text.contains("disk"), "{text}");
            }
        }
    }

    #[test]
    fn tags_are_capped_per_record_with_one_problem() {
        let tags = |n: usize| {
            let list: Vec<String> = (0..n).map(|i| format!("\"t{i}\"")).collect();
            format!("tags = [{}]", list.join(", "))
        };
        let paper = parse(&record(&tags(MAX_TAGS)), "content/p.md", "p").unwrap();
        assert_eq!(paper.tags.len(), MAX_TAGS);
        let problems = parse(&record(&tags(2000)), "content/p.md", "p").unwrap_err();
        assert_eq!(problems.len(), 1, "one problem, not one per tag");
        let text = problems[0].render();
        assert!(text.contains("2000 tags"), "{text}");
        assert!(text.contains("limit of 100"), "{text}");
        // At the first tag over the limit: `tags = [` is 8 characters, each `"tN", ` 6 or 7.
        let column = record(&tags(2000))
            .lines()
            .nth(3)
            .unwrap()
            .find("\"t100\"")
            .unwrap()
            + 1;
        assert!(text.contains(&format!("content/p.md:4:{column}")), "{text}");
    }
}
