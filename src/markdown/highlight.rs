//! Syntax highlighting of fenced code blocks with `syntect`, emitting CSS classes
//! (`hl-…`) rather than inline styles so that one stylesheet ([`syntax_css`]) can provide
//! both a light and a dark theme.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::escape_html;

/// Class prefix shared by the generated spans and the generated CSS; keeping them in one
/// constant guarantees the stylesheet matches the markup.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Light theme (used by default) and dark theme (used under `prefers-color-scheme: dark`).
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// Highlights code blocks; the syntax definitions are loaded on first use only.
///
/// Loading syntect's bundled syntaxes costs ~15 ms, which would be wasted on the many
/// abstracts that contain no code, hence the `OnceLock` rather than eager loading. The lock
/// lives in the instance (not a global static) so its lifetime follows the renderer.
#[derive(Default)]
pub(super) struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

impl Highlighter {
    /// Creates a highlighter without loading any syntax definitions yet.
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Whether the syntax set has been loaded (used by tests to check laziness).
    #[cfg(test)]
    pub(super) fn is_loaded(&self) -> bool {
        self.syntaxes.get().is_some()
    }

    /// Renders a complete `<pre class="code">` element for a code block.
    ///
    /// `info` is the fence's info string (e.g. `rust` or `rust,ignore`); only its first word
    /// is used. With a known language the code is highlighted and the element gets a
    /// `data-lang` attribute; otherwise the code is emitted as plain escaped text.
    pub(super) fn render_block(&self, info: &str, code: &str) -> String {
        let lang = info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or("");
        if !lang.is_empty()
            && let Some(body) = self.highlight(lang, code)
        {
            return format!(
                "<pre class=\"code\" data-lang=\"{}\"><code>{body}</code></pre>\n",
                escape_html(lang)
            );
        }
        format!(
            "<pre class=\"code\"><code>{}</code></pre>\n",
            escape_html(code)
        )
    }

    /// Returns the classed HTML for `code`, or `None` if `lang` is unknown or syntect fails
    /// (in which case the caller falls back to plain text rather than losing the code).
    fn highlight(&self, lang: &str, code: &str) -> Option<String> {
        // Newline-aware syntaxes are required by `parse_html_for_line_which_includes_newline`.
        let syntaxes = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let syntax = syntaxes.find_syntax_by_token(lang)?;
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

/// CSS for the `hl-` classes: the light theme by default and the dark theme inside
/// `@media (prefers-color-scheme: dark)`. Ship it as a static stylesheet.
pub fn syntax_css() -> String {
    let themes = ThemeSet::load_defaults();
    // Both themes are bundled with syntect's `default-themes`, so the lookups and the CSS
    // generation can only fail if the bundled dump is broken: a programming error.
    let css = |name: &str| {
        css_for_theme_with_class_style(&themes.themes[name], CLASS_STYLE)
            .expect("bundled syntect theme converts to CSS")
            // The theme's foreground/background rule targets `.hl-code`, but our blocks are
            // `<pre class="code">`; apply it there too, or dark-theme tokens (light colours)
            // would sit on the page's light background. Plain blocks get it as well.
            .replace(".hl-code {", "pre.code, .hl-code {")
    };
    // Each theme only applies in its own scheme: the two themes style different selectors, so
    // light rules left active in dark mode would paint dark-on-dark text.
    let mut out = String::new();
    for (label, name, scheme) in [
        ("Light", LIGHT_THEME, "light"),
        ("Dark", DARK_THEME, "dark"),
    ] {
        out.push_str(&format!(
            "/* {label} theme: {name} */\n@media (prefers-color-scheme: {scheme}) {{\n"
        ));
        for line in css(name).lines() {
            if !line.is_empty() {
                out.push_str("  ");
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_is_highlighted() {
        let h = Highlighter::new();
        let out = h.render_block("rust", "fn main() { let x = \"<b>\"; }\n");
        assert!(
            out.starts_with(r#"<pre class="code" data-lang="rust"><code><span class="hl-"#),
            "{out}"
        );
        assert!(out.contains("&lt;b&gt;") && !out.contains("<b>"), "{out}");
        assert!(h.is_loaded());
    }

    #[test]
    fn unknown_and_missing_language_are_plain() {
        let h = Highlighter::new();
        let plain = h.render_block("", "a < b\n");
        assert_eq!(plain, "<pre class=\"code\"><code>a &lt; b\n</code></pre>\n");
        // No language: the syntax set must not even be loaded.
        assert!(!h.is_loaded());
        let unknown = h.render_block("no-such-lang", "a < b\n");
        assert_eq!(unknown, plain);
    }

    #[test]
    fn css_has_light_and_dark_themes() {
        let css = syntax_css();
        let dark = css.find("@media (prefers-color-scheme: dark)").unwrap();
        assert!(css[..dark].contains(".hl-"), "no light rules");
        assert!(css[dark..].contains(".hl-"), "no dark rules");
        assert!(css.trim_end().ends_with('}'));
        // Both themes style the <pre class="code"> wrapper itself.
        assert_eq!(css.matches("pre.code, .hl-code {").count(), 2, "{css}");
    }

    /// The theme ships the generated CSS as a file; it must match what the highlighter emits.
    /// After a syntect upgrade, regenerate it with `DIGEST_WRITE_SYNTAX_CSS=1 cargo test`.
    #[test]
    fn shipped_syntax_css_is_current() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/syntax.css"
        );
        if std::env::var_os("DIGEST_WRITE_SYNTAX_CSS").is_some() {
            std::fs::write(path, syntax_css()).unwrap();
        }
        let shipped = std::fs::read_to_string(path).unwrap();
        assert!(
            shipped == syntax_css(),
            "{path} is stale: run DIGEST_WRITE_SYNTAX_CSS=1 cargo test"
        );
    }
}
