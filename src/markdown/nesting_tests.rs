//! Deeply nested bodies: whatever the nesting, rendering never overflows the stack of a rayon
//! worker (2 MiB, where records are rendered), and math too deep to convert is reported at its
//! place in the body.

use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};

use super::MarkdownRenderer;

/// Runs `f` on a thread with the stack of a rayon worker; an overflow aborts the test process.
pub(super) fn on_worker_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic")
}

#[test]
fn too_deep_math_is_source_and_a_warning_at_its_place() {
    let formula = format!("${}x{}$", "{".repeat(1500), "}".repeat(1500));
    let formula_len = formula.len();
    let body = format!("Intro.\n\nSome text {formula} and *the rest*.\n");
    let (out, warnings) = on_worker_stack(move || {
        let (out, warnings) = MarkdownRenderer::new().render_with_warnings(&body);
        (out, warnings)
    });
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].span.start, "Intro.\n\nSome text ".len());
    assert_eq!(warnings[0].span.len(), formula_len);
    assert!(warnings[0].message.contains("nested more than 40"));
    assert!(out.html.contains(r#"<code class="math-error""#));
    assert!(
        out.html
            .contains(&format!("{}x{}", "{".repeat(1500), "}".repeat(1500)))
    );
    assert!(out.html.contains("<em>the rest</em>"), "{}", out.html);
}

#[test]
fn ordinary_and_broken_math_give_no_warning() {
    let (_, warnings) = MarkdownRenderer::new()
        .render_with_warnings("$x^2$ and $$\\frac{a}{b}$$ and $\\frac{a}$ and $\\nosuchcommand$");
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// Property: Markdown nested 10,000 deep in every way it nests (quotes, lists, emphasis,
/// links, images, footnotes), alone and mixed, with deep math inside, renders on a worker's
/// stack; each deep formula is one warning.
#[test]
fn deeply_nested_markdown_renders_on_a_worker_stack() {
    let n = 10_000;
    let deep_math = format!("${}x{}$", "{".repeat(n), "}".repeat(n));
    let mut bodies = vec![
        "> ".repeat(n) + "x " + &deep_math,
        // List items nest on one line too (`- - x`); indented ones cost the square in bytes.
        "- ".repeat(n) + "x",
        "1. ".repeat(n) + "x",
        (0..1000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect(),
        "- > ".repeat(n) + "x",
        format!("{}x{}", "*".repeat(n), "*".repeat(n)),
        format!("{}x{}", "*a _b ".repeat(n), " b_ a*".repeat(n)),
        format!("{}x{}", "[".repeat(n), "](u)".repeat(n)),
        format!("{}x{}", "![".repeat(n), "](u)".repeat(n)),
        (0..n).map(|i| format!("[^{i}]: [^{}]\n", i + 1)).collect(),
        format!("{}x{}", "`".repeat(n), "`".repeat(n)),
        format!("{}{deep_math}{}", "[".repeat(n), "](u)".repeat(n)),
        format!("| a |\n|---|\n| {} |\n", deep_math),
    ];
    // Random mixes of the openers, 10,000 of them, then the closers in reverse.
    let pieces: &[(&str, &str)] = &[
        ("> ", ""),
        ("- ", ""),
        ("*", "*"),
        ("_", "_"),
        ("[", "](u)"),
        ("![", "](u)"),
        ("$", "$"),
        ("{", "}"),
        ("\\frac{", "}{x}"),
        ("`", "`"),
        ("<", ">"),
    ];
    // Six fixed random mixes (proptest's generator with its fixed seed): each body is 10,000
    // levels deep, too large to shrink usefully, so this is a fixture rather than a property.
    let mut rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    for _ in 0..6 {
        let mut open = String::new();
        let mut close = Vec::new();
        for _ in 0..n {
            let (o, c) = pieces[(rng.next_u64() % pieces.len() as u64) as usize];
            open.push_str(o);
            close.push(c);
        }
        close.reverse();
        bodies.push(open + "x" + &close.concat());
    }
    let warned = on_worker_stack(move || {
        let renderer = MarkdownRenderer::new();
        bodies
            .iter()
            .map(|body| {
                let (out, warnings) = renderer.render_with_warnings(body);
                assert!(!out.html.is_empty());
                warnings.len()
            })
            .collect::<Vec<_>>()
    });
    // The quote, the link and the table each hold one deep formula that Markdown reads as math.
    assert_eq!(warned[0], 1);
    assert_eq!(warned[11], 1);
    assert_eq!(warned[12], 1);
}
