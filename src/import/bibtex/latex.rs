//! LaTeX text (as BibTeX fields hold it) → plain Unicode text.
//!
//! What is known is decoded: accents, special letters and symbols, escaped specials
//! (`\$`, `\{`, `{\textbackslash}`, `\^{}` as Zotero and Better BibTeX write a literal `$`,
//! `{`, `\`, `^`), quotes, dashes, super- and subscripts. Of a command that is not known,
//! the markup is dropped and its text kept (`\foo{bar}` → `bar`). Math (`$…$`) is kept
//! exactly as written. Never recursive: a group a command opens is closed by a stack entry,
//! so deeply nested braces cost no stack.

use crate::import::plain_text::scripts::{subscript, superscript};
use crate::import::record_file::emphasis::{
    EM_CLOSE, EM_OPEN, STRONG_CLOSE, STRONG_OPEN, strip_marks,
};

/// Precomposed letters per accent command, as (base, accented) pairs; other bases get a
/// combining mark.
fn accent(cmd: char, base: &str) -> String {
    let (table, combining) = match cmd {
        '`' => ("aàeèiìoòuùAÀEÈIÌOÒUÙ", '\u{300}'),
        '\'' => (
            "aáeéiíoóuúyýAÁEÉIÍOÓUÚYÝcćCĆnńNŃsśSŚzźZŹlĺLĹrŕRŔgǵ",
            '\u{301}',
        ),
        '^' => ("aâeêiîoôuûAÂEÊIÎOÔUÛcĉgĝhĥjĵsŝwŵyŷ", '\u{302}'),
        '~' => ("aãnñoõAÃNÑOÕiĩuũ", '\u{303}'),
        '=' => ("aāeēiīoōuūAĀEĒIĪOŌUŪ", '\u{304}'),
        'u' => ("aăAĂgğGĞuŭUŬ", '\u{306}'),
        '.' => ("zżZŻeėEĖcċCĊgġGĠIİ", '\u{307}'),
        '"' => ("aäeëiïoöuüyÿAÄEËIÏOÖUÜYŸ", '\u{308}'),
        'r' => ("aåAÅuůUŮ", '\u{30A}'),
        'H' => ("oőOŐuűUŰ", '\u{30B}'),
        'v' => ("cčCČsšSŠzžZŽrřRŘeěEĚnňNŇdďDĎtťTŤ", '\u{30C}'),
        'd' => ("", '\u{323}'),
        'c' => ("cçCÇsşSŞtţTŢgģkķlļnņrŗ", '\u{327}'),
        'k' => ("aąAĄeęEĘ", '\u{328}'),
        'b' => ("", '\u{331}'),
        _ => ("", '\u{301}'),
    };
    let base = match base {
        "\\i" | "i" if cmd != '.' => "i",
        "\\j" => "j",
        b => b,
    };
    let mut chars = base.chars();
    if let (Some(b), None) = (chars.next(), chars.next()) {
        let t: Vec<char> = table.chars().collect();
        if let Some(pair) = t.chunks(2).find(|p| p[0] == b) {
            return pair[1].to_string();
        }
    }
    if base.is_empty() {
        // `\^{}`, `\~{}`: the accent on its own, as LaTeX prints it.
        return match cmd {
            '^' | '~' | '\'' | '`' | '"' | '=' | '.' => cmd.to_string(),
            _ => String::new(),
        };
    }
    let mut out = base.to_string();
    out.push(combining);
    out
}

/// A letter or symbol written as a command (`\ss`, `\textbackslash`, `\alpha`).
fn special_letter(name: &str) -> Option<&'static str> {
    Some(match name {
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "aa" => "å",
        "AA" => "Å",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "textendash" => "–",
        "textemdash" => "—",
        "textbackslash" | "backslash" => "\\",
        "textasciitilde" => "~",
        "textasciicircum" => "^",
        "textasciigrave" => "`",
        "textunderscore" => "_",
        "textbraceleft" | "lbrace" => "{",
        "textbraceright" | "rbrace" => "}",
        "textless" => "<",
        "textgreater" => ">",
        "textbar" => "|",
        "textdollar" => "$",
        "textquotesingle" => "'",
        "textquotedbl" => "\"",
        "textquoteright" => "’",
        "textquoteleft" => "‘",
        "textquotedblleft" => "“",
        "textquotedblright" => "”",
        "guillemotleft" | "guillemetleft" => "«",
        "guillemotright" | "guillemetright" => "»",
        "dag" | "textdagger" => "†",
        "ddag" | "textdaggerdbl" => "‡",
        "S" | "textsection" => "§",
        "P" | "textparagraph" => "¶",
        "copyright" | "textcopyright" => "©",
        "textregistered" => "®",
        "texttrademark" => "™",
        "textdegree" | "degree" => "°",
        "textbullet" => "•",
        "textperiodcentered" => "·",
        "pounds" | "textsterling" => "£",
        "euro" | "texteuro" => "€",
        "LaTeX" => "LaTeX",
        "TeX" => "TeX",
        "BibTeX" => "BibTeX",
        "ldots" | "dots" | "textellipsis" => "…",
        // biblatex's breakable hyphen and slash, and spaces.
        "hyphen" | "hyphenation" => "-",
        "slash" => "/",
        "nobreakspace" | "space" | "quad" | "qquad" | "enspace" | "thinspace" => " ",
        // Symbols met outside math in titles.
        "times" => "×",
        "pm" => "±",
        "mp" => "∓",
        "infty" => "∞",
        "leq" | "le" => "≤",
        "geq" | "ge" => "≥",
        "neq" | "ne" => "≠",
        "approx" => "≈",
        "sim" => "∼",
        "cdot" => "·",
        "to" | "rightarrow" => "→",
        "leftarrow" => "←",
        "Rightarrow" => "⇒",
        "leftrightarrow" => "↔",
        "ell" => "ℓ",
        "partial" => "∂",
        "nabla" => "∇",
        _ => return greek(name),
    })
}

fn greek(name: &str) -> Option<&'static str> {
    const LETTERS: &[(&str, &str)] = &[
        ("alpha", "α"),
        ("beta", "β"),
        ("gamma", "γ"),
        ("delta", "δ"),
        ("epsilon", "ϵ"),
        ("varepsilon", "ε"),
        ("zeta", "ζ"),
        ("eta", "η"),
        ("theta", "θ"),
        ("vartheta", "ϑ"),
        ("iota", "ι"),
        ("kappa", "κ"),
        ("lambda", "λ"),
        ("mu", "μ"),
        ("nu", "ν"),
        ("xi", "ξ"),
        ("pi", "π"),
        ("rho", "ρ"),
        ("sigma", "σ"),
        ("tau", "τ"),
        ("upsilon", "υ"),
        ("phi", "ϕ"),
        ("varphi", "φ"),
        ("chi", "χ"),
        ("psi", "ψ"),
        ("omega", "ω"),
        ("Gamma", "Γ"),
        ("Delta", "Δ"),
        ("Theta", "Θ"),
        ("Lambda", "Λ"),
        ("Xi", "Ξ"),
        ("Pi", "Π"),
        ("Sigma", "Σ"),
        ("Upsilon", "Υ"),
        ("Phi", "Φ"),
        ("Psi", "Ψ"),
        ("Omega", "Ω"),
    ];
    LETTERS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
}

/// What the closing brace of a group a command opened does.
#[derive(Clone, Copy)]
enum Closer {
    /// A plain group: nothing.
    Plain,
    /// `\mkbibquote{…}`, `\enquote{…}`: a closing quote.
    Quote,
    /// `\textsuperscript{…}` whose text started at this byte of the output.
    Superscript(usize),
    /// `\textsubscript{…}`, likewise.
    Subscript(usize),
    /// The first argument of `\href{url}{text}`: the URL is dropped, up to this output length.
    Drop(usize),
    /// `\emph{…}`, `\textbf{…}` in an abstract: this closing emphasis mark.
    Mark(char),
}

/// LaTeX text → plain Unicode; see the module documentation.
pub(crate) fn decode_latex(s: &str) -> String {
    decode(s, false)
}

/// [`decode_latex`] for an abstract, whose emphasis (`\emph`, `\textit`, `\textbf`,
/// `\mkbibemph`, …) is wrapped in the marks of [`abstract_with_emphasis`], which turns them
/// into the record's Markdown.
///
/// [`abstract_with_emphasis`]: crate::import::record_file::emphasis::abstract_with_emphasis
pub(crate) fn decode_latex_marked(s: &str) -> String {
    decode(&strip_marks(s), true)
}

fn decode(s: &str, marks: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut groups: Vec<Closer> = Vec::new();
    // The closer the next `{` takes (set by a command that reads an argument).
    let mut next_group = Closer::Plain;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '$' => {
                let close = chars[i + 1..].iter().position(|&c| c == '$');
                match close {
                    Some(n) => {
                        out.extend(&chars[i..=i + 1 + n]);
                        i += n + 2;
                    }
                    None => {
                        out.push('$');
                        i += 1;
                    }
                }
            }
            '{' => {
                groups.push(std::mem::replace(&mut next_group, Closer::Plain));
                i += 1;
            }
            '}' => {
                close_group(groups.pop().unwrap_or(Closer::Plain), &mut out);
                i += 1;
            }
            '~' => {
                out.push(' ');
                i += 1;
            }
            '-' => {
                let run = chars[i..].iter().take_while(|&&c| c == '-').count();
                match run {
                    2 => out.push('–'),
                    3 => out.push('—'),
                    n => out.extend(std::iter::repeat_n('-', n)),
                }
                i += run;
            }
            '`' if chars.get(i + 1) == Some(&'`') => {
                out.push('“');
                i += 2;
            }
            '\'' if chars.get(i + 1) == Some(&'\'') => {
                out.push('”');
                i += 2;
            }
            '\\' if matches!(chars.get(i + 1), Some('(' | '[')) => {
                i = latex_math(&chars, i, &mut out);
            }
            '\\' => {
                let (next, opens) = command(&chars, i + 1, marks, &mut out);
                i = next;
                if let Some(closer) = opens {
                    next_group = closer;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The longest `\(…\)` formula looked for.
const MAX_FORMULA_CHARS: usize = 4096;

/// `\(…\)` and `\[…\]` at `i`: written as `$…$` and `$$…$$` (the forms a record's
/// Markdown knows), the formula as it is. Without its closing delimiter, the `(` or `[` is
/// text. Returns the index after it.
fn latex_math(chars: &[char], i: usize, out: &mut String) -> usize {
    let display = chars[i + 1] == '[';
    let close = if display { ']' } else { ')' };
    let body = i + 2;
    // A formula is short: a bounded search keeps many unclosed `\(` linear.
    let limit = chars.len().saturating_sub(1).min(body + MAX_FORMULA_CHARS);
    let end = (body..limit).find(|&j| chars[j] == '\\' && chars[j + 1] == close);
    match end {
        Some(end) if chars[body..end].iter().any(|c| !c.is_whitespace()) => {
            let delimiter = if display { "$$" } else { "$" };
            out.push_str(delimiter);
            out.extend(
                chars[body..end]
                    .iter()
                    .map(|c| if c.is_whitespace() { ' ' } else { *c }),
            );
            out.push_str(delimiter);
            end + 2
        }
        _ => {
            out.push(chars[i + 1]);
            i + 2
        }
    }
}

fn close_group(closer: Closer, out: &mut String) {
    match closer {
        Closer::Plain => {}
        Closer::Quote => out.push('”'),
        Closer::Superscript(at) | Closer::Subscript(at) => {
            let inner = out.split_off(at.min(out.len()));
            let scripted = match closer {
                Closer::Superscript(_) => superscript(&inner),
                _ => subscript(&inner),
            };
            out.push_str(scripted.as_deref().unwrap_or(&inner));
        }
        Closer::Drop(at) => out.truncate(at.min(out.len())),
        Closer::Mark(mark) => out.push(mark),
    }
}

/// Decodes the command after a backslash at `i`; returns the index after it, and the closer
/// for the group that follows when the command takes it as its argument.
fn command(chars: &[char], mut i: usize, marks: bool, out: &mut String) -> (usize, Option<Closer>) {
    let Some(&c) = chars.get(i) else {
        return (i, None);
    };
    if !c.is_ascii_alphabetic() {
        i += 1;
        match c {
            '\'' | '`' | '^' | '"' | '~' | '=' | '.' => {
                let (arg, next) = accent_arg(chars, i);
                out.push_str(&accent(c, &arg));
                return (next, None);
            }
            '\\' | ' ' | ',' | ';' | ':' => out.push(' '),
            '-' | '/' | '@' | '!' => {}
            _ => out.push(c), // \& \% \$ \# \_ \{ \}
        }
        return (i, None);
    }
    let start = i;
    while chars.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
        i += 1;
    }
    let name: String = chars[start..i].iter().collect();
    if name.len() == 1 && "uvHckrdb".contains(name.as_str()) {
        let (arg, next) = accent_arg(chars, i);
        if !arg.is_empty() {
            out.push_str(&accent(name.chars().next().unwrap_or('\''), &arg));
            return (next, None);
        }
    }
    // A control word swallows the spaces after it.
    let mut after = i;
    while chars.get(after).is_some_and(|c| *c == ' ') {
        after += 1;
    }
    if let Some(letter) = special_letter(&name) {
        out.push_str(letter);
        // `\ss{}`: drop an empty group.
        if chars.get(after) == Some(&'{') && chars.get(after + 1) == Some(&'}') {
            return (after + 2, None);
        }
        return (after, None);
    }
    let takes_group = chars.get(after) == Some(&'{');
    if name == "url" && takes_group {
        return (verbatim_group(chars, after, out), None);
    }
    let closer = match name.as_str() {
        "mkbibquote" | "enquote" | "textquote" | "mkbibquotes" if takes_group => {
            out.push('“');
            Closer::Quote
        }
        "textsuperscript" | "mkbibsuperscript" if takes_group => Closer::Superscript(out.len()),
        "textsubscript" | "mkbibsubscript" if takes_group => Closer::Subscript(out.len()),
        "href" if takes_group => Closer::Drop(out.len()),
        "emph" | "textit" | "textsl" | "mkbibemph" | "mkbibitalic" if marks && takes_group => {
            out.push(EM_OPEN);
            Closer::Mark(EM_CLOSE)
        }
        "textbf" | "mkbibbold" if marks && takes_group => {
            out.push(STRONG_OPEN);
            Closer::Mark(STRONG_CLOSE)
        }
        // Anything else, known formatting (`\emph`, `\textbf`, `\mkbibemph`) or not: the
        // markup goes, its text stays (the group's braces are dropped by the caller).
        _ => Closer::Plain,
    };
    (after, Some(closer))
}

/// Copies the group opening at `open` as written (a URL: `~` and `%` are themselves),
/// only `\_ \% \& \# \~ \$` unescaped; returns the index after its closing brace.
fn verbatim_group(chars: &[char], open: usize, out: &mut String) -> usize {
    let mut depth = 0usize;
    let mut i = open + 1;
    while let Some(&c) = chars.get(i) {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i + 1,
            '}' => depth -= 1,
            '\\' if chars.get(i + 1).is_some_and(|n| "_%&#~$".contains(*n)) => {
                i += 1;
                out.push(chars[i]);
                i += 1;
                continue;
            }
            _ => {}
        }
        if c != '{' && c != '}' {
            out.push(c);
        }
        i += 1;
    }
    i
}

/// The argument of an accent: `{x}`, `{\i}`, a single char, or `\i`; empty for `{}` and for
/// none at all (then the accent stands for itself: `\^{}` is a circumflex).
fn accent_arg(chars: &[char], mut i: usize) -> (String, usize) {
    while chars.get(i) == Some(&' ') {
        i += 1;
    }
    match chars.get(i) {
        Some('{') => {
            let close = chars[i + 1..].iter().position(|&c| c == '}');
            match close {
                Some(n) => (
                    chars[i + 1..i + 1 + n]
                        .iter()
                        .collect::<String>()
                        .trim()
                        .to_string(),
                    i + 2 + n,
                ),
                None => (String::new(), i + 1),
            }
        }
        Some('\\')
            if matches!(chars.get(i + 1), Some('i' | 'j'))
                && !chars.get(i + 2).is_some_and(|c| c.is_ascii_alphabetic()) =>
        {
            (chars[i..i + 2].iter().collect(), i + 2)
        }
        Some(&c) if c.is_alphabetic() => (c.to_string(), i + 1),
        _ => (String::new(), i),
    }
}
