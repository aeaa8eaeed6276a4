//! Which templates a template uses (through `extends` and `include`, transitively), so a change
//! to one template re-renders exactly the pages whose template uses it.
//!
//! Pure: reads template text, never the disk.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

use super::theme::TemplateSource;

/// The templates named by `{% extends %}` and `{% include %}` tags in `text`. `None` when the
/// text uses something this scan does not follow (components, dynamic names), in which case a
/// caller must assume the template may use every other one.
pub(crate) fn direct_dependencies(text: &str) -> Option<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("%}") else { break };
        let tag = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let keyword = tag.split_whitespace().next().unwrap_or("");
        match keyword {
            "extends" | "include" => {
                let names = quoted_strings(tag);
                if names.is_empty() {
                    return None;
                }
                found.extend(names);
            }
            "component" | "import" | "from" => return None,
            _ => {}
        }
        rest = &after[end + 2..];
    }
    Some(found)
}

fn quoted_strings(tag: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = tag.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '"' || c == '\'' || c == '`' {
            let rest = &tag[i + 1..];
            if let Some(len) = rest.find(c) {
                names.push(rest[..len].to_string());
                for _ in 0..=rest[..len].chars().count() {
                    chars.next();
                }
            }
        }
    }
    names
}

/// For every template, a hash of its own text and the text of every template it uses,
/// transitively. Templates whose dependencies cannot be followed hash all templates.
pub(crate) fn closure_hashes(templates: &[TemplateSource]) -> BTreeMap<String, u64> {
    // Later sources override earlier ones of the same name, as in the renderer.
    let mut by_name: BTreeMap<&str, &str> = BTreeMap::new();
    for t in templates {
        by_name.insert(&t.name, &t.text);
    }
    let direct: BTreeMap<&str, Option<BTreeSet<String>>> = by_name
        .iter()
        .map(|(name, text)| (*name, direct_dependencies(text)))
        .collect();
    let mut hashes = BTreeMap::new();
    for name in by_name.keys() {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack = vec![*name];
        let mut everything = false;
        while let Some(current) = stack.pop() {
            if !seen.insert(current) {
                continue;
            }
            match direct.get(current) {
                Some(Some(deps)) => stack.extend(
                    deps.iter()
                        .filter_map(|d| by_name.get_key_value(d.as_str()).map(|(k, _)| *k)),
                ),
                Some(None) => everything = true,
                None => {}
            }
        }
        let mut hasher = crate::hash::hasher();
        let members: Vec<&str> = if everything {
            by_name.keys().copied().collect()
        } else {
            seen.into_iter().collect()
        };
        for member in members {
            (member, by_name[member]).hash(&mut hasher);
        }
        hashes.insert(name.to_string(), hasher.finish());
    }
    hashes
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn set(names: &[&str]) -> Option<BTreeSet<String>> {
        Some(names.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn direct_dependencies_table() {
        for (text, expected) in [
            (
                "{% extends \"base.html\" %}{% block a %}{% include 'partials/x.html' %}{% endblock %}",
                set(&["base.html", "partials/x.html"]),
            ),
            ("{%- include \"a.html\" -%}", set(&["a.html"])),
            ("plain {{ x }}", set(&[])),
            ("{% include name %}", None),
            ("{% component Foo() %}{% endcomponent %}", None),
            ("{% if x %}{% endif %}", set(&[])),
        ] {
            assert_eq!(direct_dependencies(text), expected, "{text}");
        }
    }

    fn source(name: &str, text: &str) -> TemplateSource {
        TemplateSource {
            name: name.into(),
            origin: name.into(),
            text: Arc::from(text),
        }
    }

    #[test]
    fn closure_changes_only_for_templates_that_use_the_edit() {
        let before = vec![
            source("base.html", "{% block c %}{% endblock %}"),
            source("card.html", "card"),
            source(
                "day.html",
                "{% extends \"base.html\" %}{% block c %}{% include \"card.html\" %}{% endblock %}",
            ),
            source("tags.html", "{% extends \"base.html\" %}"),
        ];
        let mut after = before.clone();
        after.push(source("card.html", "new card")); // an override of the same name
        let (a, b) = (closure_hashes(&before), closure_hashes(&after));
        assert_ne!(a["day.html"], b["day.html"], "day.html includes card.html");
        assert_eq!(
            a["tags.html"], b["tags.html"],
            "tags.html does not use card.html"
        );
        assert_eq!(a["base.html"], b["base.html"]);
        let mut base_edit = before.clone();
        base_edit[0] = source("base.html", "{% block c %}x{% endblock %}");
        let c = closure_hashes(&base_edit);
        assert_ne!(
            a["tags.html"], c["tags.html"],
            "every page extends base.html"
        );
    }
}
