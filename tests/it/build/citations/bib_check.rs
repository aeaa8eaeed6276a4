//! Reading the `.bib` files a build writes: a reader that follows BibTeX's own rules (braces
//! are counted even after a backslash, as BibTeX 0.99 and biber count them), and the real tools
//! — BibTeX 0.99 with `plain.bst`, biber and pybtex — run on each file.
//!
//! The real tools are required: without them the check fails, naming what to install, unless
//! `DIGEST_SKIP_BIBTEX_TOOLS` is set (CI installs them in `.ci/run`).

use std::path::Path;
use std::process::Command;

/// One entry as BibTeX reads it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: String,
    pub key: String,
    /// Field names lowercased, values without their outer braces.
    pub fields: Vec<(String, String)>,
}

impl Entry {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a `.bib` file as BibTeX does; `Err` says where it stops making sense.
pub fn read(text: &str) -> Result<Vec<Entry>, String> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut entries = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    let ident = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && !b[*i].is_ascii_whitespace() && !b"{}(),=\"#%".contains(&b[*i]) {
            *i += 1;
        }
        text[start..*i].to_string()
    };
    loop {
        // Text between entries is a comment to BibTeX.
        match text[i..].find('@') {
            Some(at) => i += at + 1,
            None => return Ok(entries),
        }
        let kind = ident(&mut i).to_lowercase();
        skip_ws(&mut i);
        if b.get(i) != Some(&b'{') {
            return Err(format!("byte {i}: `{{` expected after @{kind}"));
        }
        i += 1;
        skip_ws(&mut i);
        let key = ident(&mut i);
        skip_ws(&mut i);
        let mut fields = Vec::new();
        loop {
            match b.get(i) {
                Some(b'}') => {
                    i += 1;
                    break;
                }
                Some(b',') => {
                    i += 1;
                    skip_ws(&mut i);
                    if b.get(i) == Some(&b'}') {
                        i += 1;
                        break;
                    }
                }
                other => {
                    return Err(format!(
                        "entry {key}: byte {i}: `,` or `}}` expected, found {:?} in {:?}",
                        other.map(|&c| c as char),
                        &text[i.saturating_sub(80)..(i + 40).min(text.len())]
                    ));
                }
            }
            let name = ident(&mut i).to_lowercase();
            skip_ws(&mut i);
            if b.get(i) != Some(&b'=') {
                return Err(format!("entry {key}: `=` expected after field {name:?}"));
            }
            i += 1;
            skip_ws(&mut i);
            if b.get(i) != Some(&b'{') {
                return Err(format!("entry {key}: field {name}: `{{` expected"));
            }
            let start = i + 1;
            let mut depth = 0usize;
            loop {
                match b.get(i) {
                    None => return Err(format!("entry {key}: field {name} never closes")),
                    Some(b'{') => depth += 1,
                    Some(b'}') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            fields.push((name, text[start..i].to_string()));
            i += 1;
            skip_ws(&mut i);
        }
        entries.push(Entry { kind, key, fields });
    }
}

/// The entries of `file`, read by [`read`]; panics naming the file when it cannot be read.
pub fn read_file(file: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(file).unwrap();
    read(&text).unwrap_or_else(|why| panic!("{}: {why}", file.display()))
}

/// Whether the real tools are to be skipped (`DIGEST_SKIP_BIBTEX_TOOLS` set).
fn skip_tools() -> bool {
    std::env::var_os("DIGEST_SKIP_BIBTEX_TOOLS").is_some()
}

fn missing(tool: &str, package: &str) -> ! {
    panic!(
        "`{tool}` is not installed: install Debian's {package} (as .ci/run does), or set \
         DIGEST_SKIP_BIBTEX_TOOLS=1 to skip the checks with the real BibTeX tools"
    )
}

/// Runs BibTeX 0.99 (`plain.bst`, every entry cited), biber (`--tool`) and pybtex (strict) on
/// `file` in `work` (a temporary folder): each must read all `entries` entries with no error
/// and no warning.
pub fn check_with_tools(file: &Path, entries: usize, work: &Path) {
    if skip_tools() {
        eprintln!(
            "DIGEST_SKIP_BIBTEX_TOOLS is set: {} not checked with bibtex, biber, pybtex",
            file.display()
        );
        return;
    }
    std::fs::create_dir_all(work).unwrap();
    std::fs::copy(file, work.join("refs.bib")).unwrap();
    let what = file.display();

    // BibTeX 0.99: warnings ("empty journal", "to sort, need author or key") and errors go
    // to its standard output; the .bbl has one \bibitem per entry it read.
    std::fs::write(
        work.join("refs.aux"),
        "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n",
    )
    .unwrap();
    let out = Command::new("bibtex")
        .arg("refs")
        .current_dir(work)
        .output()
        .unwrap_or_else(|_| missing("bibtex", "texlive-binaries and texlive-base"));
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && !log.contains("Warning--")
            && !log.contains("error message")
            && !log.contains("I'm skipping"),
        "bibtex on {what}:\n{log}\n{}",
        entries_named_in(&log, file)
    );
    let bbl = std::fs::read_to_string(work.join("refs.bbl")).unwrap();
    assert_eq!(
        bbl.matches("\\bibitem").count(),
        entries,
        "bibtex read another number of entries from {what}:\n{log}"
    );

    // biber: reads the file with its own parser (btparse) and names.
    let out = Command::new("biber")
        .args(["--tool", "--nolog", "--output-file", "tool.bib", "refs.bib"])
        .current_dir(work)
        .output()
        .unwrap_or_else(|_| missing("biber", "biber"));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && !log.contains("WARN") && !log.contains("ERROR"),
        "biber on {what}:\n{log}"
    );
    let written = std::fs::read_to_string(work.join("tool.bib")).unwrap();
    assert_eq!(
        written.matches("\n@").count() + usize::from(written.starts_with('@')),
        entries,
        "biber read another number of entries from {what}:\n{log}"
    );

    // pybtex, strict: any syntax error, duplicate key or bad name raises.
    let script = "import sys\nimport pybtex.errors\nfrom pybtex.database import parse_file\n\
        pybtex.errors.set_strict_mode(True)\nprint(len(parse_file(sys.argv[1]).entries))\n";
    let python = ["python3", "/usr/bin/python3"]
        .into_iter()
        .find(|python| {
            Command::new(python)
                .args(["-c", "import pybtex"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .unwrap_or_else(|| missing("pybtex", "python3-pybtex"));
    let out = Command::new(python)
        .args(["-c", script, "refs.bib"])
        .current_dir(work)
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "pybtex on {what}:\n{log}");
    assert_eq!(log.trim(), entries.to_string(), "pybtex on {what}");
}

/// The entries of `file` whose keys a tool's log names ("for entry KEY", "in KEY"), as
/// written, so a failure shows the text that caused it.
fn entries_named_in(log: &str, file: &Path) -> String {
    let Ok(entries) = read(&std::fs::read_to_string(file).unwrap_or_default()) else {
        return String::new();
    };
    entries
        .into_iter()
        .filter(|e| {
            log.contains(&format!("entry {}", e.key)) || log.contains(&format!("in {}", e.key))
        })
        .map(|e| format!("{e:#?}\n"))
        .collect()
}
