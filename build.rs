//! Build script: puts the git commit digest was built from into `digest --version`.
//!
//! `DIGEST_COMMIT` in the environment wins (the release workflow sets it, also inside cross's
//! container, which has no git); in a package from crates.io (no `.git`) it reads the commit
//! `cargo package` recorded in `.cargo_vcs_info.json`; in a git checkout it asks
//! `git rev-parse`; otherwise the version stands alone. It only reads: nothing here may fail a
//! build.

use std::path::Path;
use std::process::Command;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&dir);
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    // The package's record first: inside `target/package/` (cargo package's check) a git
    // command would answer for the enclosing repository instead.
    println!("cargo:rerun-if-env-changed=DIGEST_COMMIT");
    let commit = std::env::var("DIGEST_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| packaged_commit(dir))
        .or_else(|| git_commit(dir));
    let full = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=DIGEST_VERSION={full}");
    println!("cargo:rerun-if-changed=build.rs");
    watch(Some(dir.join(".cargo_vcs_info.json").display().to_string()));
}

/// The commit of a crates.io package, abbreviated like `git rev-parse --short`.
fn packaged_commit(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    // {"git": {"sha1": "<40 hex digits>", "dirty": true}, "path_in_vcs": ""}: one field, so no
    // JSON parser is pulled into the build for it.
    let after = &text[text.find("\"sha1\"")? + 6..];
    let start = after.find('"')? + 1;
    let sha: String = after[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() >= 7).then(|| sha[..9.min(sha.len())].to_string())
}

/// The commit checked out in the git work tree at `dir`, when `git` runs and `dir` is one. Asks
/// cargo to run this script again when the commit changes (the files git keeps HEAD and the
/// branch in), and only then: uncommitted edits are not marked, since noticing them would mean
/// rerunning on every edit.
fn git_commit(dir: &Path) -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    // Only a checkout of digest itself: not a repository that happens to hold the sources.
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(dir).ok()? {
        return None;
    }
    let commit = git(&["rev-parse", "--short=9", "HEAD"])?;
    for path in ["HEAD", "packed-refs"] {
        watch(git(&[
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            path,
        ]));
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch(git(&[
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            &branch,
        ]));
    }
    Some(commit)
}

/// Reruns the script when `path` changes; a path that does not exist would rerun it on every
/// build (and so recompile digest), so only existing files are named.
fn watch(path: Option<String>) {
    if let Some(path) = path.filter(|p| Path::new(p).exists()) {
        println!("cargo:rerun-if-changed={path}");
    }
}
