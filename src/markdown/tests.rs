//! Rendering tests: escaping, links, math, code, plain text, and random bodies.

use super::*;
use proptest::prelude::*;

/// The hand-written escaper `escape_html` was before it became quick-xml's: the reference
/// its bytes must keep matching (code blocks, math fallbacks and charts stay byte-identical).
fn former_escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

proptest! {
    #![proptest_config(crate::record::mutations::config(2000))]
    #[test]
    fn escape_html_writes_the_bytes_it_always_wrote(
        text in crate::render::machine::tests::markup_texts()
    ) {
        prop_assert_eq!(escape_html(&text), former_escape_html(&text));
    }
}

#[test]
fn escape_html_table() {
    for (text, escaped) in [
        (
            "a < b && c > \"d\" 'e'",
            "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;",
        ),
        ("&apos; and '", "&amp;apos; and &#39;"),
        ("\u{c}é", "\u{c}é"),
        // quick-xml would write `&#13;`: code with CRLF line ends keeps its bytes.
        ("a\r\nb", "a\r\nb"),
        ("", ""),
    ] {
        assert_eq!(escape_html(text), escaped, "{text:?}");
    }
}

fn html(src: &str) -> String {
    MarkdownRenderer::new().render(src).html
}

#[test]
fn renderer_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<MarkdownRenderer>();
}

#[test]
fn tables_footnotes_and_smart_quotes() {
    let out =
        html("| a | b |\n|---|---|\n| 1 | 2 |\n\nSee[^1] \"quoted\" -- it's.\n\n[^1]: The note.\n");
    assert!(
        out.contains("<table>") && out.contains("<td>1</td>"),
        "{out}"
    );
    assert!(
        out.contains("footnote-reference") && out.contains("footnote-definition"),
        "{out}"
    );
    assert!(
        out.contains("“quoted”") && out.contains("–") && out.contains("it’s"),
        "{out}"
    );
}

#[test]
fn heading_ids_are_slugged_and_deduplicated() {
    let out =
        html("# Intro\n\n## Intro\n\n### Intro\n\n## Überblick: *Zürich* & `Code`!\n\n# ?!\n");
    assert!(out.contains(r#"<h1 id="intro">"#), "{out}");
    assert!(out.contains(r#"<h2 id="intro-1">"#), "{out}");
    assert!(out.contains(r#"<h3 id="intro-2">"#), "{out}");
    assert!(out.contains(r#"<h2 id="uberblick-zurich-code">"#), "{out}");
    assert!(out.contains(r#"<h1 id="section">"#), "{out}");
}

#[test]
fn heading_attributes_are_not_parsed() {
    let out = html("# Title {#custom .cls}\n");
    assert!(!out.contains(r#"id="custom""#), "{out}");
    assert!(out.contains(r#"id="title-custom-cls""#), "{out}");
}

#[test]
fn explicit_suffix_does_not_collide() {
    let out = html("# A\n\n# A 1\n\n# A\n");
    assert!(
        out.contains(r#"id="a""#) && out.contains(r#"id="a-1""#),
        "{out}"
    );
    assert!(out.contains(r#"id="a-2""#), "{out}");
}

#[test]
fn raw_html_is_escaped() {
    let src = "<div onclick=\"x\">block</div>\n\nInline <b>bold</b> and </script><script>alert(1)</script>\n\nAttr \"><img src=x onerror=alert(1)>\n";
    let out = html(src);
    assert!(
        out.contains("&lt;script") && !out.contains("<script"),
        "{out}"
    );
    assert!(
        !out.contains("<img") && !out.contains("<div") && !out.contains("<b>"),
        "{out}"
    );
    assert!(out.contains("&lt;div onclick"), "{out}");
    // Escaped block HTML is still wrapped in a paragraph.
    assert!(out.starts_with("<p>&lt;div"), "{out}");
}

#[test]
fn xss_strings_alone_are_inert() {
    for src in [
        "</script><script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
    ] {
        let out = html(src);
        assert!(!out.contains("<script") && !out.contains("<img"), "{out}");
        assert!(out.contains("&lt;"), "{out}");
    }
}

#[test]
fn dangerous_link_schemes_are_neutralised() {
    let out = html(
        "[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](<\tjava\tscript:x>) \
         ![d](data:text/html,x) [e](vbscript:x) <javascript:alert(1)>",
    );
    // Every destination was replaced; the autolink's *text* may still show the URL.
    assert_eq!(out.matches("href=").count(), 5, "{out}");
    assert_eq!(out.matches(r##"href="#""##).count(), 5, "{out}");
    assert!(!out.contains("data:"), "{out}");
    assert!(out.contains(r##"src="#""##), "{out}");
}

#[test]
fn safe_links_are_kept() {
    let out = html(
        "[a](https://x.org/p?q=1) [b](http://x) [c](mailto:a@b.c) [d](../rel/x.html) [e](#frag) [f](a/b:c)",
    );
    for href in [
        "https://x.org/p?q=1",
        "http://x",
        "mailto:a@b.c",
        "../rel/x.html",
        "#frag",
        "a/b:c",
    ] {
        assert!(out.contains(&format!("href=\"{href}\"")), "{href}: {out}");
    }
}

#[test]
fn inline_and_block_math() {
    let out = html("Energy $x^2$ and $$\\frac{a}{b}$$ end.");
    assert!(out.contains("<math") && out.contains("<msup>"), "{out}");
    assert!(
        out.contains(r#"display="block""#) && out.contains("<mfrac>"),
        "{out}"
    );
    assert!(out.contains(" end."), "{out}");
}

#[test]
fn math_cannot_inject_markup() {
    let out = html("Before $\\operatorname{</math><script>alert(1)</script>}$ after text.");
    assert!(!out.contains("<script"), "{out}");
    assert!(out.contains("after text."), "{out}");
    assert!(out.starts_with("<p>Before "), "{out}");
    // math-core 0.7 emits the argument unescaped; the validator must have caught it.
    assert!(out.contains(r#"<code class="math-error""#), "{out}");
}

#[test]
fn math_in_image_alt_stays_source() {
    let out = html("![area $\\pi r^2$](fig.png) and $x$");
    assert!(out.contains(r#"alt="area $\pi r^2$""#), "{out}");
    assert_eq!(out.matches("<math").count(), 1, "{out}");
}

#[test]
fn invalid_math_falls_back_to_source() {
    // Balanced braces, so pulldown-cmark sees math, but `\frac` lacks an argument.
    let out = html("Broken $\\frac{a}$ but the rest *renders*.");
    assert!(out.contains(r#"<code class="math-error" title=""#), "{out}");
    assert!(out.contains(r"$\frac{a}$</code>"), "{out}");
    assert!(out.contains("<em>renders</em>"), "{out}");
}

#[test]
fn unbalanced_braces_are_not_math_but_still_render() {
    // pulldown-cmark only closes `$…$` when braces inside are balanced, so this stays
    // literal (escaped) text rather than reaching the converter.
    let out = html("Broken $\\frac{a$ but the rest *renders*.");
    assert_eq!(
        out,
        "<p>Broken $\\frac{a$ but the rest <em>renders</em>.</p>\n"
    );
}

#[test]
fn fenced_code_is_highlighted_lazily() {
    let r = MarkdownRenderer::new();
    r.render("# Plain\n\nNo code here, just `inline`.\n\n    indented\n");
    assert!(
        !r.highlighter.is_loaded(),
        "syntax set loaded without fenced code"
    );
    let out = r.render("```rust\nfn main() {}\n```\n").html;
    assert!(
        out.contains(r#"<pre class="code" data-lang="rust"><code>"#),
        "{out}"
    );
    assert!(out.contains(r#"<span class="hl-"#), "{out}");
}

#[test]
fn unknown_language_is_plain() {
    let out = html("```nosuchlang\n<x> & y\n```\n");
    assert_eq!(
        out,
        "<pre class=\"code\"><code>&lt;x&gt; &amp; y\n</code></pre>\n"
    );
}

#[test]
fn plain_text_keeps_sources_and_drops_markdown_markup() {
    let r = MarkdownRenderer::new();
    assert_eq!(r.render("A *b* $x$ `c`").text, "A b $x$ c");
    let text = r
        .render("# Title\n\nLine one\nline <b>two</b>.\n\n- item\n\n$$y$$\n")
        .text;
    // Raw HTML is shown as text on the page, so the plain text keeps it too.
    assert_eq!(text, "Title\nLine one line <b>two</b>.\nitem\n$$y$$");
}

#[test]
fn slugify_examples() {
    assert_eq!(slugify("Intro to $\\alpha$-Nets!"), "intro-to-alpha-nets");
    assert_eq!(slugify("  --Résumé--  "), "resume");
    assert_eq!(slugify("数学"), "shu-xue");
}

/// Property: random mixes of Markdown, math and HTML never panic and never produce a live
/// `<script>`, an event handler attribute or a `javascript:` link.
#[test]
fn random_bodies_are_safe() {
    const PIECES: &[&str] = &[
        "$",
        "$$",
        "\\frac{",
        "}",
        "{",
        "\\operatorname{",
        "</math>",
        "<script>",
        "alert(1)",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "[a](",
        "javascript:x",
        ")",
        "`",
        "```",
        "\n",
        "\n\n",
        "# ",
        "| a | b |\n|---|---|\n",
        "[^1]",
        "[^1]: n",
        "*",
        "_",
        "é",
        "&",
        "\"",
        "x^2",
        "\\text{<b>}",
        "\\",
        "<",
        ">",
        "## Notes\n",
        "<!-- notes -->\n",
    ];
    let renderer = MarkdownRenderer::new();
    let bodies = crate::record::mutations::texts_of(PIECES, 12);
    crate::record::mutations::check(1500, bodies, |body| {
        let rendered = renderer.render(&body);
        // The notes are checked like the abstract; the split point never shows.
        let html = format!("{}{}", rendered.html, rendered.notes).to_ascii_lowercase();
        assert!(!html.contains(NOTES_START), "{body:?} -> {html}");
        assert!(!html.contains("<script"), "{body:?} -> {html}");
        assert!(!html.contains("<img src=x"), "{body:?} -> {html}");
        assert!(!html.contains("href=\"javascript:"), "{body:?} -> {html}");
        Ok(())
    });
}

/// A body's notes are rendered apart from its abstract: not in its HTML or plain text, the
/// marker not shown, footnotes numbered once across both, heading ids unique on the page.
#[test]
fn notes_are_rendered_apart_from_the_abstract() {
    let body = "The abstract[^a] with $x^2$.\n\n## Notes\n\nMy *reading*[^b].\n\n### Notes\n\n### Cite\n\n[^a]: First.\n[^b]: Second.\n";
    let out = MarkdownRenderer::new().render(body);
    assert_eq!(out.text, "The abstract with $x^2$.");
    assert!(out.html.starts_with("<p>The abstract"), "{}", out.html);
    assert!(!out.html.contains("reading"), "{}", out.html);
    assert!(!out.html.contains("Notes"), "{}", out.html);
    assert!(
        out.notes.starts_with("<p>My <em>reading</em>"),
        "{}",
        out.notes
    );
    assert!(
        !out.notes.contains("<h2"),
        "the marker is not shown: {}",
        out.notes
    );
    // Ids the page gives its own sections are not reused by headings of the notes.
    assert!(out.notes.contains(r#"<h3 id="notes-1">"#), "{}", out.notes);
    assert!(out.notes.contains(r#"<h3 id="cite-1">"#), "{}", out.notes);
    // One numbering: the notes' footnote is the second.
    assert!(out.html.contains(">1</a></sup>"), "{}", out.html);
    assert!(out.notes.contains(">2</a></sup>"), "{}", out.notes);
    // The abstract's source is the body before the marker.
    assert_eq!(
        &body[..out.notes_at.unwrap()],
        "The abstract[^a] with $x^2$.\n\n"
    );
    // A body without a marker has no notes, and its text is the whole body.
    let plain = MarkdownRenderer::new().render("Only an abstract.\n\n## Method\n\nMore.\n");
    assert_eq!(plain.notes, "");
    assert_eq!(plain.notes_at, None);
    assert_eq!(plain.text, "Only an abstract.\nMethod\nMore.");
}

/// Warnings about math in the notes still point into the body's source.
#[test]
fn warnings_in_notes_point_into_the_body() {
    let deep = format!("{}x{}", "{".repeat(60), "}".repeat(60));
    let body = format!("Abstract.\n\n<!-- notes -->\n\nDeep ${deep}$ here.\n");
    let (out, warnings) = MarkdownRenderer::new().render_with_warnings(&body);
    assert_eq!(out.text, "Abstract.");
    assert_eq!(&body[out.notes_at.unwrap()..][..14], "<!-- notes -->");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let span = warnings[0].span.clone();
    assert_eq!(&body[span], format!("${deep}$"));
    assert!(out.notes.contains("Deep"), "{}", out.notes);
}
