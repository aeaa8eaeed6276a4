//! TeX math → MathML, converted at build time with `math-core`.
//!
//! The converter's output is not trusted blindly: every fragment is run through a small
//! tag scanner ([`validate_mathml`]) that only accepts whitelisted MathML elements and
//! attributes. A bug or an odd corner case in the converter (e.g. a `\operatorname{…}`
//! whose argument contains markup) must never let a paper body inject HTML into the site.
//!
//! `math-core` recurses as deep as the formula nests, and a stack overflow aborts the process:
//! formulas deeper than [`MAX_NESTING`] are never handed to it (see [`super::tex_depth`]).

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

use super::escape_html;
use super::tex_depth::{MAX_NESTING, nesting_depth};

/// A formula as it goes on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RenderedMath {
    /// MathML, or the escaped source when the formula could not be converted.
    pub html: String,
    /// Why the author should look at the formula: it was too deeply nested to convert safely.
    pub warning: Option<String>,
}

/// MathML elements the validator accepts (space-separated). Anything else (notably
/// `script`, `a`, `img` or any HTML element) makes the formula fall back to its source.
const ALLOWED_ELEMENTS: &str = "\
    math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom \
    msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr \
    mtd semantics annotation annotation-xml menclose";

/// Attributes the validator accepts (space-separated). Deliberately excludes `on*`
/// handlers, `href`, `src` and `style` (the latter could smuggle `url(…)` requests).
const ALLOWED_ATTRIBUTES: &str = "\
    display xmlns mathvariant stretchy fence separator lspace rspace minsize maxsize \
    movablelimits accent accentunder linethickness columnalign rowalign columnspacing \
    rowspacing width height depth scriptlevel displaystyle form largeop symmetric class \
    notation voffset align columnlines rowlines frame framespacing equalrows \
    equalcolumns side minlabelspacing mathsize mathcolor mathbackground dir encoding \
    intent arg";

/// Converts TeX snippets to MathML, falling back to escaped source on any problem.
///
/// Holds one `math-core` converter; it is `Send + Sync` and conversion uses local state
/// only, so a single instance can be shared by all rendering threads.
pub(super) struct MathRenderer {
    converter: LatexToMathML,
}

impl MathRenderer {
    /// Creates a converter with `math-core`'s default configuration (no custom macros).
    pub(super) fn new() -> Self {
        // The default config defines no macros, so construction cannot fail in practice;
        // `LatexToMathML::default()` is the equivalent empty converter if it ever did.
        let converter = LatexToMathML::new(MathCoreConfig::default()).unwrap_or_default();
        Self { converter }
    }

    /// Renders `latex` as inline (`$…$`) or block (`$$…$$`) MathML.
    ///
    /// Never fails: on a conversion error, a validation rejection or a formula nested deeper
    /// than [`MAX_NESTING`] the escaped source is returned as
    /// `<code class="math-error" title="reason">$…$</code>`. The last case also comes with a
    /// warning: the build goes on, but the author should hear of it.
    pub(super) fn render(&self, latex: &str, block: bool) -> RenderedMath {
        let depth = nesting_depth(latex, MAX_NESTING);
        if depth > MAX_NESTING {
            let reason = format!(
                "math nested more than {MAX_NESTING} levels deep is not converted (it could \
                 overflow the stack); it is shown as its source"
            );
            return RenderedMath {
                html: fallback(latex, block, &reason),
                warning: Some(reason),
            };
        }
        let display = if block {
            MathDisplay::Block
        } else {
            MathDisplay::Inline
        };
        let result = self
            .converter
            .convert_with_local_state(latex, display)
            .map_err(|e| e.to_string())
            .and_then(|r| validate_mathml(&r.mathml).map(|()| r.mathml));
        let html = match result {
            Ok(mathml) => mathml,
            Err(reason) => fallback(latex, block, &reason),
        };
        RenderedMath {
            html,
            warning: None,
        }
    }
}

/// The escaped source of a formula that is not converted, with the reason as a tooltip.
fn fallback(latex: &str, block: bool, reason: &str) -> String {
    let delim = if block { "$$" } else { "$" };
    format!(
        "<code class=\"math-error\" title=\"{}\">{}</code>",
        escape_html(reason),
        escape_html(&format!("{delim}{latex}{delim}")),
    )
}

impl Default for MathRenderer {
    fn default() -> Self {
        Self::new()
    }
}

/// Checks that `s` is a single, balanced `<math>` element made only of whitelisted
/// elements and attributes, with no raw `<` in text or attribute values.
///
/// Returns a human-readable reason on rejection. This is a scanner, not a full XML parser:
/// it accepts only the narrow serialisation `math-core` produces (double-quoted attributes,
/// well-formed entities) and rejects everything else, which is the safe direction to err.
pub(super) fn validate_mathml(s: &str) -> Result<(), String> {
    let bytes = s.as_bytes();
    let mut stack: Vec<&str> = Vec::new();
    let mut seen_root = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let (next, tag) = scan_tag(s, i)?;
                match tag {
                    Tag::Open { name, self_closing } => {
                        if stack.is_empty() {
                            // Exactly one root element, and it must be <math>.
                            if seen_root || name != "math" {
                                return Err(format!("unexpected top-level <{name}>"));
                            }
                            seen_root = true;
                        }
                        if !self_closing {
                            stack.push(name);
                        }
                    }
                    Tag::Close { name } => match stack.pop() {
                        Some(open) if open == name => {}
                        _ => return Err(format!("unbalanced </{name}>")),
                    },
                }
                i = next;
            }
            b'&' => i = scan_entity(bytes, i)?,
            _ if stack.is_empty() && !bytes[i].is_ascii_whitespace() => {
                return Err("text outside <math>".into());
            }
            _ => i += 1,
        }
    }
    if !seen_root || !stack.is_empty() {
        return Err("unterminated MathML".into());
    }
    Ok(())
}

enum Tag<'a> {
    Open { name: &'a str, self_closing: bool },
    Close { name: &'a str },
}

/// Scans the tag starting at `s[start] == '<'`; returns the index after `>` and the tag.
fn scan_tag(s: &str, start: usize) -> Result<(usize, Tag<'_>), String> {
    let bytes = s.as_bytes();
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name = take_name(s, &mut i);
    if !is_listed(ALLOWED_ELEMENTS, name) {
        return Err(format!("element <{name}> not allowed"));
    }
    if closing {
        return match bytes.get(i) {
            Some(b'>') => Ok((i + 1, Tag::Close { name })),
            _ => Err(format!("malformed </{name}>")),
        };
    }
    loop {
        let ws_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'>') => {
                return Ok((
                    i + 1,
                    Tag::Open {
                        name,
                        self_closing: false,
                    },
                ));
            }
            Some(b'/') if bytes.get(i + 1) == Some(&b'>') => {
                return Ok((
                    i + 2,
                    Tag::Open {
                        name,
                        self_closing: true,
                    },
                ));
            }
            // Attributes must be separated from the name / previous value by whitespace.
            Some(_) if i > ws_start => {}
            _ => return Err(format!("malformed <{name}>")),
        }
        let attr = take_name(s, &mut i);
        if !is_listed(ALLOWED_ATTRIBUTES, attr) {
            return Err(format!("attribute {attr:?} not allowed"));
        }
        if bytes.get(i) != Some(&b'=') || bytes.get(i + 1) != Some(&b'"') {
            return Err(format!("attribute {attr:?} is not double-quoted"));
        }
        i += 2;
        let value_start = i;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => break,
                b'<' => return Err(format!("raw '<' in attribute {attr:?}")),
                b'&' => i = scan_entity(bytes, i)?,
                _ => i += 1,
            }
        }
        if i >= bytes.len() {
            return Err("unterminated attribute value".into());
        }
        // Belt and braces: even whitelisted attributes may not reference URLs or scripts.
        let value = s[value_start..i].to_ascii_lowercase();
        if value.contains("url(") || value.contains("javascript:") {
            return Err(format!("suspicious value in attribute {attr:?}"));
        }
        i += 1;
    }
}

/// Whether `name` is one of the space-separated words of `list` (the empty name never is).
fn is_listed(list: &str, name: &str) -> bool {
    list.split_ascii_whitespace().any(|w| w == name)
}

/// Consumes `[a-z0-9-]*` at `*i` (MathML names are lowercase ASCII) and returns it.
fn take_name<'a>(s: &'a str, i: &mut usize) -> &'a str {
    let start = *i;
    let bytes = s.as_bytes();
    while bytes
        .get(*i)
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    {
        *i += 1;
    }
    &s[start..*i]
}

/// Accepts `&name;` or `&#digits;` / `&#xhex;` at `bytes[start] == '&'`.
fn scan_entity(bytes: &[u8], start: usize) -> Result<usize, String> {
    let mut i = start + 1;
    if bytes.get(i) == Some(&b'#') {
        i += 1;
    }
    let body = i;
    while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    if i == body || bytes.get(i) != Some(&b';') {
        return Err("malformed character reference".into());
    }
    Ok(i + 1)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use proptest::prelude::*;

    use super::*;
    use crate::markdown::nesting_tests::on_worker_stack;
    use crate::record::mutations::check;

    #[test]
    fn validator_accepts_plain_mathml() {
        let ok = r#"<math display="block"><mfrac><mi>a</mi><mi>b</mi></mfrac><mo>&lt;</mo><mspace width="1em"/></math>"#;
        assert_eq!(validate_mathml(ok), Ok(()));
    }

    #[test]
    fn validator_rejects_injection() {
        for bad in [
            // What math-core 0.7.0 really emits for `\operatorname{</math><script>…}`.
            r#"<math><mo lspace="0" rspace="0"></math><script>alert(1)</script></mo></math>"#,
            "<math><mi>x</mi></math><script>alert(1)</script>",
            "<math><script>alert(1)</script></math>",
            r#"<math><mi onclick="alert(1)">x</mi></math>"#,
            r#"<math><mi class="a<b">x</mi></math>"#,
            r#"<math><mi class="x"onclick="y">x</mi></math>"#,
            r#"<math><mi mathbackground="url(http://x)">x</mi></math>"#,
            "<math><mi>x</mo></math>",
            "<math><mi>x</mi>",
            "<math><mi>a & b</mi></math>",
            "<mi>x</mi>",
            "x<math></math>",
        ] {
            assert!(validate_mathml(bad).is_err(), "accepted: {bad}");
        }
    }

    #[test]
    fn renders_inline_and_block() {
        let m = MathRenderer::new();
        let inline = m.render("x^2", false).html;
        assert!(
            inline.starts_with("<math") && inline.contains("<msup>"),
            "{inline}"
        );
        let block = m.render(r"\frac{a}{b}", true).html;
        assert!(block.contains(r#"display="block""#), "{block}");
    }

    #[test]
    fn invalid_formula_falls_back_to_escaped_source() {
        let out = MathRenderer::new().render(r"\frac{a<b", true);
        assert_eq!(out.warning, None);
        let out = out.html;
        assert!(
            out.starts_with(r#"<code class="math-error" title=""#),
            "{out}"
        );
        assert!(out.ends_with(r"$$\frac{a&lt;b$$</code>"), "{out}");
    }

    /// One level of nesting each, every way `math-core` recurses: `(opening, closing)`.
    const LEVELS: &[(&str, &str)] = &[
        ("{", "}"),
        (r"\frac{", "}{x}"),
        (r"\frac{x}{", "}"),
        (r"\frac a{", "}"),
        (r"\sqrt", ""),
        (r"\sqrt[", "]{x}"),
        (r"\left(", r"\right)"),
        (r"\begin{matrix}", r"\end{matrix}"),
        ("x^{", "}"),
        ("x_{y^{", "}}"),
        (r"{\displaystyle ", "}"),
        (r"\color{red}{", "}"),
        (r"\displaystyle ", ""),
        (r"\hat", ""),
        (r"\overset a", ""),
        (r"\mathbf{", "}"),
        (r"\overbrace{x}^{", "}"),
        (r"\xrightarrow[", "]{x}"),
        (r"\binom{x}{", "}"),
        (r"\genfrac(){0pt}{0}{x}{", "}"),
    ];

    fn nested(levels: impl Iterator<Item = usize>) -> String {
        let picked: Vec<_> = levels.map(|i| LEVELS[i % LEVELS.len()]).collect();
        let mut latex: String = picked.iter().map(|(open, _)| *open).collect();
        latex.push('x');
        latex.extend(picked.iter().rev().map(|(_, close)| *close));
        latex
    }

    #[test]
    fn deepest_formulas_under_the_bound_convert() {
        on_worker_stack(|| {
            let m = MathRenderer::new();
            for (i, (open, close)) in LEVELS.iter().enumerate() {
                // The deepest nesting of this kind the bound lets through, and one more.
                let mut n = 1;
                while nesting_depth(&nested(std::iter::repeat_n(i, n + 1)), usize::MAX)
                    <= MAX_NESTING
                {
                    n += 1;
                }
                let ok = m.render(&nested(std::iter::repeat_n(i, n)), false);
                assert_eq!(ok.warning, None, "{open}…{close} ×{n}");
                let deep = m.render(&nested(std::iter::repeat_n(i, n + 1)), true);
                assert!(deep.warning.is_some(), "{open}…{close} ×{}", n + 1);
                assert!(deep.html.starts_with(r#"<code class="math-error""#));
            }
        });
    }

    /// Property: random mixes of every kind of nesting, at random depths, either convert (on a
    /// worker's stack, without overflowing it) or fall back to their source with a warning.
    #[test]
    fn random_deep_nesting_never_overflows() {
        on_worker_stack(|| {
            let m = MathRenderer::new();
            let (converted, refused) = (Cell::new(0), Cell::new(0));
            let formulas = (
                prop::collection::vec(any::<usize>(), 1..=120),
                any::<bool>(),
            );
            check(400, formulas, |(picks, display)| {
                let depth = picks.len();
                let latex = nested(picks.into_iter());
                let estimate = nesting_depth(&latex, usize::MAX);
                assert!(estimate >= depth, "{estimate} < {depth}: {latex}");
                let out = m.render(&latex, display);
                if estimate > MAX_NESTING {
                    assert!(out.warning.is_some(), "{latex}");
                    assert!(out.html.contains(&escape_html(&latex)), "{latex}");
                    refused.set(refused.get() + 1);
                } else {
                    assert_eq!(out.warning, None, "{latex}");
                    converted.set(converted.get() + 1);
                }
                Ok(())
            });
            // Both outcomes were exercised (depths are uniform in 1..=120, the bound is 40).
            let (converted, refused) = (converted.get(), refused.get());
            assert!(converted > 50 && refused > 50, "{converted} / {refused}");
        });
    }

    #[test]
    fn the_issue_formula_falls_back_with_a_warning() {
        let latex = format!("{}x{}", "{".repeat(1500), "}".repeat(1500));
        let out = on_worker_stack(move || MathRenderer::new().render(&latex, false));
        let warning = out.warning.expect("a warning");
        assert!(warning.contains("more than 40 levels"), "{warning}");
        assert!(
            out.html.ends_with(&format!(
                "${}x{}$</code>",
                "{".repeat(1500),
                "}".repeat(1500)
            )),
            "{}",
            &out.html[..200]
        );
    }
}
