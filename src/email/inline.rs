//! Moves the CSS of an email's `<style>` blocks into each element's `style` attribute: Gmail and
//! Outlook drop or mangle `<style>`, so a message styled only there arrives unstyled. Rules a
//! `style` attribute cannot hold (media queries, `:hover`) are dropped with the blocks: the
//! email must read well without them.

use std::sync::LazyLock;

/// The inliner: no stylesheets fetched from the network or read from disk (a template that
/// links one gets an error, not a silent fetch), `<style>` and `<link>` removed once inlined,
/// and `width` attributes on tables and cells for Outlook, which ignores CSS widths.
static INLINER: LazyLock<css_inline::CSSInliner<'static>> = LazyLock::new(|| {
    css_inline::CSSInliner::options()
        .keep_style_tags(false)
        .keep_link_tags(false)
        .load_remote_stylesheets(false)
        .apply_width_attributes(true)
        .build()
});

/// `html` with its CSS inlined.
pub(crate) fn inline(html: &str) -> Result<String, String> {
    INLINER.inline(html).map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rules_move_into_style_attributes_and_the_block_goes() {
        let html = "<html><head><style>td.card { color: #123456; padding: 8px }\n@media (max-width: 400px) { td { padding: 0 } }</style></head><body><table><tr><td class=\"card\" style=\"margin:0\">x</td></tr></table></body></html>";
        let out = super::inline(html).unwrap();
        assert!(!out.contains("<style"), "{out}");
        assert!(out.contains("color: #123456"), "{out}");
        assert!(
            out.contains("margin:0") || out.contains("margin: 0"),
            "{out}"
        );
    }
}
