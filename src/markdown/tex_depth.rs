//! An upper estimate of how deep `math-core` will recurse on a TeX formula, computed before
//! conversion so that a formula nested too deeply falls back to its source instead of
//! overflowing the stack (a stack overflow aborts the whole process, `serve` included).
//!
//! `math-core` parses by recursive descent and renders by walking its tree recursively: every
//! group (`{…}`, `\left…\right`, `\begin…\end`, `\sqrt[…]`) is a level, every command waiting
//! for its argument (`\frac`, `\sqrt`, `\hat`, `^`, `_`, even without braces:
//! `\sqrt\sqrt\sqrt x`) is a level, and a style switch (`\displaystyle`, `\color{red}`) parses
//! the rest of its group one level deeper. This scanner counts those levels without knowing
//! which command takes arguments: every control word is assumed to wait for one, which can only
//! over-count. It never recurses and reads each byte once.

/// The deepest a formula may nest (in the units of [`nesting_depth`]) before it is shown as its
/// source. Measured on `math-core` 0.7 with thirty-odd ways of nesting (braces, `\frac`,
/// `\sqrt[…]`, `\left`, `\begin`, scripts, style switches, chains of commands without braces):
/// the cheapest overflow a fresh 2 MiB thread (the stack of rayon's workers, where records are
/// rendered) at 84 units in a debug build and 1,244 in a release build, and an 8 MiB main thread
/// at 334 and 4,989; inside `digest build`'s own workers (debug), plain braces overflow at 81
/// levels. 40 keeps a margin of two in the debug build (where the tests run) and thirty in
/// release, and is still several times deeper than a formula in a real abstract.
pub(crate) const MAX_NESTING: usize = 40;

/// Style switches parse the rest of their group as a nested sequence.
const STYLE_SWITCHES: &[&str] = &[
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "scriptscriptstyle",
    "color",
];

/// Commands that take more than one argument, with how many (a command not listed is assumed
/// to take one, which over-counts the ones that take none by a level until the next atom).
const ARITIES: &[(&str, usize)] = &[
    ("frac", 2),
    ("dfrac", 2),
    ("tfrac", 2),
    ("cfrac", 2),
    ("binom", 2),
    ("dbinom", 2),
    ("tbinom", 2),
    ("overset", 2),
    ("underset", 2),
    ("stackrel", 2),
    ("prescript", 3),
    ("sideset", 3),
    ("genfrac", 6),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Opener {
    /// The formula itself.
    Root,
    /// `{`.
    Brace,
    /// `[` right after a command (`\sqrt[3]`, `\xrightarrow[a]`): an optional argument.
    Bracket,
    /// `\left`.
    Left,
    /// `\begin`.
    Begin,
}

/// An open group and what inside it is still being parsed.
struct Group {
    opener: Opener,
    /// Style switches met in it so far: each parses the rest of the group one level deeper.
    styles: usize,
    /// The commands in it that still wait for arguments, innermost last, each with how many
    /// it still needs. Each is a level: `\sqrt\sqrt\sqrt x` recurses without a brace.
    waiting: Vec<usize>,
}

impl Group {
    fn new(opener: Opener) -> Self {
        Group {
            opener,
            styles: 0,
            waiting: Vec::new(),
        }
    }

    fn levels(&self) -> usize {
        1 + self.styles + self.waiting.len()
    }

    /// One argument is complete (an atom, a closed group): the innermost waiting command has
    /// one fewer to wait for, and a command with all its arguments is itself a complete
    /// argument of the one before it.
    fn argument_done(&mut self) {
        while let Some(left) = self.waiting.last_mut() {
            *left -= 1;
            if *left > 0 {
                return;
            }
            self.waiting.pop();
        }
    }
}

/// An upper estimate of the recursion depth `math-core` reaches on `latex`, in levels (a plain
/// `{…}` is one). Returns as soon as the running depth exceeds `limit`, so a huge formula costs
/// no more than the prefix that already proves it too deep.
pub(crate) fn nesting_depth(latex: &str, limit: usize) -> usize {
    let bytes = latex.as_bytes();
    let mut stack = vec![Group::new(Opener::Root)];
    // Sum of `levels()` over `stack`, kept up to date around each change.
    let mut total = 1;
    let mut deepest = total;
    // Whether the previous token was a command, so that a `[` opens its optional argument.
    let mut after_command = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        let top = stack.len() - 1;
        let before = stack[top].levels();
        let mut open = None;
        let mut close = None;
        let mut command = false;
        match b {
            b'\\' => {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                match &latex[start..i] {
                    // A control symbol (`\{`, `\,`, `\\`) is one atom.
                    "" => {
                        i = (i + 1).min(bytes.len());
                        stack[top].argument_done();
                    }
                    "left" => open = Some(Opener::Left),
                    "begin" => open = Some(Opener::Begin),
                    "right" => close = Some(Opener::Left),
                    "end" => close = Some(Opener::Begin),
                    word => {
                        if STYLE_SWITCHES.contains(&word) {
                            stack[top].styles += 1;
                        }
                        let arity = ARITIES
                            .iter()
                            .find(|(name, _)| *name == word)
                            .map_or(1, |&(_, n)| n);
                        stack[top].waiting.push(arity);
                        command = true;
                    }
                }
            }
            b'^' | b'_' => {
                stack[top].waiting.push(1);
                command = true;
            }
            b'{' => open = Some(Opener::Brace),
            b'[' if after_command => open = Some(Opener::Bracket),
            b'}' => close = Some(Opener::Brace),
            b']' if stack[top].opener == Opener::Bracket => close = Some(Opener::Bracket),
            b' ' | b'\t' | b'\n' | b'\r' => command = after_command,
            // Letters, digits, operators, non-ASCII: one complete atom.
            _ => stack[top].argument_done(),
        }
        after_command = command;
        total = total + stack[top].levels() - before;
        if let Some(opener) = open {
            stack.push(Group::new(opener));
            total += 1;
        }
        if let Some(opener) = close {
            // Unmatched, it is an error for math-core (no deeper than here) or a literal.
            match stack.iter().rposition(|g| g.opener == opener) {
                Some(at) if at > 0 => {
                    for g in stack.drain(at..) {
                        total -= g.levels();
                    }
                    // An optional argument does not count against the command's arguments.
                    if opener != Opener::Bracket {
                        let parent = stack.len() - 1;
                        let before = stack[parent].levels();
                        stack[parent].argument_done();
                        total = total + stack[parent].levels() - before;
                    }
                }
                _ => {
                    let before = stack[top].levels();
                    stack[top].argument_done();
                    total = total + stack[top].levels() - before;
                }
            }
        }
        deepest = deepest.max(total);
        if deepest > limit {
            return deepest;
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(latex: &str) -> usize {
        nesting_depth(latex, usize::MAX)
    }

    #[test]
    fn ordinary_formulas_are_shallow() {
        for (latex, expected) in [
            ("x", 1),
            ("x^2", 2),
            (r"\alpha + \beta", 2),
            (r"\frac{a}{b}", 3),
            (
                r"\frac{1}{\sqrt{2\pi\sigma^{2}}} e^{-\frac{(x-\mu)^{2}}{2\sigma^{2}}}",
                9,
            ),
            (r"\sum_{i=1}^{n} x_i", 4),
            (r"\left( \frac{a}{b} \right)", 4),
            (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", 3),
            (r"\sqrt[3]{x}", 3),
        ] {
            assert_eq!(depth(latex), expected, "{latex}");
        }
    }

    #[test]
    fn every_way_of_nesting_counts() {
        let n = 50;
        for latex in [
            format!("{}x{}", "{".repeat(n), "}".repeat(n)),
            format!("{}x{}", r"\frac{".repeat(n), "}{y}".repeat(n)),
            format!("{}x{}", r"\frac{x}{".repeat(n), "}".repeat(n)),
            format!("{}x{}", r"\frac a{".repeat(n), "}".repeat(n)),
            format!("{}x", r"\sqrt".repeat(n)),
            format!("{}x", r"\overset a".repeat(n)),
            format!("{}x", r"\prescript a b".repeat(n)),
            format!("{}x{}", r"\sqrt[".repeat(n), "]x".repeat(n)),
            format!("{}x{}", "x^{".repeat(n), "}".repeat(n)),
            format!("{}x", "^".repeat(n)),
            format!("{}x{}", r"\left(".repeat(n), r"\right)".repeat(n)),
            format!(
                "{}x{}",
                r"\begin{matrix}".repeat(n),
                r"\end{matrix}".repeat(n)
            ),
            format!("{}x", r"\displaystyle ".repeat(n)),
            format!("{}x", r"\color{red}".repeat(n)),
        ] {
            assert!(depth(&latex) >= n, "{} for {latex}", depth(&latex));
        }
    }

    #[test]
    fn closed_groups_and_atoms_end_a_level() {
        let flat = r"\frac{a}{b}".repeat(200);
        assert_eq!(depth(&flat), 3);
        let greek = r"\alpha x ".repeat(500);
        assert_eq!(depth(&greek), 2);
        let unbalanced = "}".repeat(100) + r"\right)\end{x}]";
        assert!(depth(&unbalanced) <= 3);
    }

    #[test]
    fn stops_early_past_the_limit() {
        let deep = "{".repeat(1_000_000);
        assert_eq!(nesting_depth(&deep, 40), 41);
    }
}
