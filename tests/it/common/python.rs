//! Python packages from PyPI that tests read digest's output with (rispy), pinned in
//! `tests/tools/requirements.txt` and installed with pip into a virtual environment under
//! Cargo's target folder, made again when the pins change. One process runs every test, so the
//! check and the install hold one lock.
//!
//! Use it as `crate::common::python`.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use crate::common::repo;

/// The Python of a virtual environment with the pinned packages installed (made when needed,
/// with `$PYTHON` or `python3`). `needs` says, for the error when it cannot be made, what the
/// test needs and how to skip it knowingly.
pub fn venv_python(needs: &str) -> PathBuf {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let requirements = repo().join("tests/tools/requirements.txt");
    let pins = std::fs::read_to_string(&requirements).expect("tests/tools/requirements.txt");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("python-tools");
    let python = dir.join("bin/python");
    let marker = dir.join("requirements.txt");
    if python.is_file() && std::fs::read_to_string(&marker).is_ok_and(|m| m == pins) {
        return python;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let run = |command: &mut Command, what: &str| {
        let output = command.output().unwrap_or_else(|e| {
            panic!(
                "cannot run {what}: {e}\n{needs} (Debian: `apt-get install -y python3-venv`; or \
                 set PYTHON to a Python 3.9+ with venv)."
            )
        });
        assert!(
            output.status.success(),
            "{what} failed ({}):\n{}\n{}\n{needs}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(
        Command::new(&system).args(["-m", "venv"]).arg(&dir),
        &format!("`{system} -m venv`"),
    );
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        "`pip install -r tests/tools/requirements.txt`",
    );
    std::fs::write(&marker, &pins).expect("write the venv's requirements marker");
    python
}
