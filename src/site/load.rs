//! Finds record files under `content/` and reads them; the site parses them in parallel.
//!
//! Reads files; never renders or writes anything.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Location, Problem};
use crate::record::{self, Paper};

use crate::hash::hash_of;

/// Lists the record files (`*.md`, at any depth, hidden files and folders and editors'
/// temporaries skipped) under `content`, sorted by path so that every build sees them in the
/// same order. A symbolic link to a record that does not exist is skipped with a warning on
/// stderr (the build goes on); see [`find_record_files`].
pub(crate) fn record_files(content: &Path) -> Result<Vec<PathBuf>, Problem> {
    let found = find_record_files(content)?;
    let shown_from = content.parent().unwrap_or(content);
    for link in &found.dangling {
        let target = std::fs::read_link(link)
            .map(|t| format!(" to {}", t.display()))
            .unwrap_or_default();
        eprintln!(
            "warning: {} is a symbolic link{target} that leads nowhere; skipped it (restore its target or remove the link)",
            display_path(shown_from, link)
        );
    }
    Ok(found.records)
}

/// What [`find_record_files`] found under a content folder.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ContentFiles {
    /// Record files, sorted by path.
    pub records: Vec<PathBuf>,
    /// Symbolic links named like records (`*.md`) whose target does not exist.
    pub dangling: Vec<PathBuf>,
}

/// Walks `content` (following symbolic links) for record files: files passing
/// [`is_record_file`] in folders that are not hidden. A link that leads nowhere is no reason to
/// stop: editors leave such links (Emacs locks a buffer with unsaved changes as `.#name.md`,
/// a link to `user@host.pid`), so one not named like a record is skipped silently and one named
/// like a record is listed in [`ContentFiles::dangling`]. Other errors (an unreadable folder, a
/// link loop) fail, since the site could not be read whole.
pub(crate) fn find_record_files(content: &Path) -> Result<ContentFiles, Problem> {
    // The folders at the top are walked side by side: reading folders is the kernel's work, and
    // both cores do it (a 100,000-record site's walk is a tenth of an edit's build).
    let (mut found, folders) = walk(content, Some(1))?;
    let below: Vec<Result<(ContentFiles, Vec<PathBuf>), Problem>> = folders
        .par_iter()
        .map(|folder| walk(folder, None))
        .collect();
    for walked in below {
        let (files, _) = walked?;
        found.records.extend(files.records);
        found.dangling.extend(files.dangling);
    }
    // Sorted once at the end rather than folder by folder as walked: a path's order is its
    // components', which is the order of a walk sorted by name (walkdir's sort parses both
    // names at every comparison, 3-4% of a one-edit build of 100,000 records).
    found
        .records
        .par_sort_unstable_by(|a, b| by_components(a, b));
    found.dangling.sort_unstable();
    Ok(found)
}

/// `a.cmp(b)` for paths as a walk makes them (no `.` or empty components): their bytes
/// compared with `/` below every other byte, which orders them by component ("a/x" before
/// "a-b", as "a" comes before "a-b") without reading them into components (`Path`'s order
/// does: sorting 100,000 record files that way took a fifth of an edit's build).
fn by_components(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let next = |path: &[u8]| path.get(same).map(|&c| if c == b'/' { 0 } else { c });
    next(a).cmp(&next(b))
}

/// The record files under `folder` (following links, skipping hidden folders) down to
/// `depth` below it (all the way without one), and the folders found at that depth, in the
/// order walked.
fn walk(folder: &Path, depth: Option<usize>) -> Result<(ContentFiles, Vec<PathBuf>), Problem> {
    let mut found = ContentFiles::default();
    let mut folders = Vec::new();
    let mut walker = WalkDir::new(folder).follow_links(true);
    if let Some(depth) = depth {
        walker = walker.max_depth(depth);
    }
    let walker = walker
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => match err.path() {
                Some(path) if leads_nowhere(path) => {
                    if is_record_file(path) {
                        found.dangling.push(path.to_path_buf());
                    }
                    continue;
                }
                path => {
                    let path = path.map(|p| p.display().to_string()).unwrap_or_default();
                    return Err(Problem::in_file(
                        path,
                        format!("cannot read the content folder: {err}"),
                    ));
                }
            },
        };
        if entry.file_type().is_file() && is_record_file(entry.path()) {
            found.records.push(entry.into_path());
        } else if entry.file_type().is_dir() && Some(entry.depth()) == depth && depth != Some(0) {
            folders.push(entry.into_path());
        }
    }
    Ok((found, folders))
}

/// Whether `path` is a symbolic link that cannot be followed: its target does not exist, or
/// the chain of links ends nowhere or goes round in a circle. A target that exists but may not
/// be read is not this: that is reported as an error.
fn leads_nowhere(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(path).is_err_and(|e| e.kind() != std::io::ErrorKind::PermissionDenied)
}

/// Whether a file is a record by its name: `*.md` and not a temporary (see [`is_temporary`]).
/// `digest serve` classifies changed files by the same rule.
pub(crate) fn is_record_file(path: &Path) -> bool {
    !is_temporary(path) && path.extension().is_some_and(|e| e == "md")
}

/// Editor and tool droppings that never count as content: hidden files, vim swap and backup
/// files, emacs locks and autosaves, JetBrains safe-write temporaries, our own temporaries.
pub(crate) fn is_temporary(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".digest-tmp")
        || name.contains("___jb_")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// Reads and parses one record file.
pub(crate) fn load_one(root: &Path, file: &Path) -> Result<Paper, Vec<Problem>> {
    load_stamped(root, file).0
}

/// Reads and parses one record file, with the stamp of what was read (see
/// `site::snapshot`; `None` when it could not be read).
pub(crate) fn load_stamped(
    root: &Path,
    file: &Path,
) -> (Result<Paper, Vec<Problem>>, Option<Stamp>) {
    let shown = display_path(root, file);
    let read = std::fs::metadata(file).and_then(|meta| Ok((std::fs::read(file)?, meta)));
    match read {
        Ok((bytes, meta)) => {
            let stamp = Stamp::of(&meta, &bytes);
            (parse_bytes(&shown, file, bytes), Some(stamp))
        }
        Err(err) => (
            Err(vec![Problem::in_file(
                &shown,
                format!("cannot read the record: {err}"),
            )]),
            None,
        ),
    }
}

/// Parses the bytes of the record file `file` (shown to the user as `shown`).
fn parse_bytes(shown: &str, file: &Path, bytes: Vec<u8>) -> Result<Paper, Vec<Problem>> {
    let shown = shown.to_string();
    let text = String::from_utf8(bytes)
        .map_err(|err| vec![not_utf8(&shown, err.as_bytes(), err.utf8_error())])?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let (paper, warning) = record::parse_with_warning(&text, &shown, &stem)?;
    if let Some(warning) = warning {
        eprintln!("{}", crate::text_clean::render_warning(&warning));
    }
    Ok(paper)
}

/// The problem of a record that is not UTF-8, pointing at the line and column of its first
/// invalid byte (the bytes before it are valid, so lines and columns count as in an editor).
fn not_utf8(shown: &str, bytes: &[u8], err: std::str::Utf8Error) -> Problem {
    let at = err.valid_up_to();
    let bad_len = err.error_len().unwrap_or(bytes.len() - at);
    let bad: Vec<String> = bytes[at..at + bad_len]
        .iter()
        .map(|b| format!("0x{b:02X}"))
        .collect();
    // The snippet shows the text with U+FFFD for what cannot be read; up to `at` it is the
    // file's own text, so the offset is the same.
    let source = String::from_utf8_lossy(bytes);
    let location = Location {
        path: shown.to_string(),
        span: at..at + '\u{FFFD}'.len_utf8(),
        source: Arc::from(source.as_ref()),
    };
    Problem::at(
        location,
        format!(
            "the record is not valid UTF-8: {} cannot be read as text",
            bad.join(" ")
        ),
    )
    .with_hint(
        "save the file as UTF-8 (a file saved as Latin-1 or Windows-1252 reads like this: \
         reopen it in that encoding, then save it as UTF-8)",
    )
}

/// A path as shown to the user: relative to the site root when inside it.
pub(crate) fn display_path(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// The problem of several records (at least two, with their files) sharing `slug`, listing
/// every file. The first record's file is read again to show where its slug comes from.
pub(crate) fn slug_collision(slug: &str, papers: &[(&Path, &Paper)]) -> Problem {
    let (file, first) = papers[0];
    let source = std::fs::read(file)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let (start, end) = (first.slug_span.start as usize, first.slug_span.end as usize);
    // A file edited (or gone) since it was read points at its start rather than past its end.
    let span = if start <= end && source.is_char_boundary(start) && source.is_char_boundary(end) {
        start..end
    } else {
        0..0
    };
    let mut problem = Problem::at(
        crate::diagnostic::Location {
            path: first.path.clone(),
            source: source.into(),
            span,
        },
        format!(
            "{} records have the slug `{slug}`, so they would share /papers/{slug}/",
            papers.len()
        ),
    )
    .with_hint("give all but one of them a different `slug = \"…\"` or rename the file");
    for (_, paper) in papers {
        problem = problem.with_note(format!("used by {}", paper.path));
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::changes::{self, Layout, OnDisk};

    /// Names that are records or not, by the one rule.
    const NAMES: &[(&str, bool)] = &[
        ("paper.md", true),
        ("2025-02-06-paper.md", true),
        (".#paper.md", false),
        ("#paper.md#", false),
        ("paper.md~", false),
        (".paper.md.swp", false),
        ("paper.md.swx", false),
        ("paper.md.tmp", false),
        ("paper.md.digest-tmp", false),
        ("paper.md___jb_tmp___", false),
        ("paper___jb_old___.md", false),
        ("4913", false),
        ("paper.markdown", false),
        ("notes.txt", false),
        (".hidden.md", false),
    ];

    #[test]
    fn the_loader_and_the_watcher_agree_on_what_is_a_record() {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        std::fs::create_dir(&content).unwrap();
        for (name, _) in NAMES {
            std::fs::write(content.join(name), "x").unwrap();
        }
        let found = find_record_files(&content).unwrap();
        let layout = Layout {
            root: tmp.path().to_path_buf(),
            content: content.clone(),
            theme: tmp.path().join("themes/default"),
            ignored: Vec::new(),
        };
        for (name, record) in NAMES {
            let path = content.join(name);
            let planned = changes::plan(
                &layout,
                std::slice::from_ref(&path),
                &|_| OnDisk::File,
                &|_| Vec::new(),
                &|_, _| false,
            );
            assert_eq!(is_record_file(&path), *record, "{name}");
            assert_eq!(found.records.contains(&path), *record, "walk: {name}");
            assert_eq!(planned.records.contains(&path), *record, "serve: {name}");
        }
        assert!(found.dangling.is_empty());
    }

    #[test]
    fn record_files_come_in_the_order_of_a_walk_sorted_by_name() {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        // A folder sorts by its own name, before a file whose name it begins ("a" < "a-b.md",
        // though '-' comes before '/' in bytes), upper case before lower.
        let names = [
            "B.md",
            "a/x.md",
            "a/y/z.md",
            "a-b.md",
            "a.md",
            "b/2024/01/p.md",
            "b/2024/10/p.md",
            "b/2024/9/p.md",
            "b0.md",
        ];
        for name in names.iter().rev() {
            let path = content.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let found = find_record_files(&content).unwrap();
        let expected: Vec<PathBuf> = names.iter().map(|n| content.join(n)).collect();
        assert_eq!(found.records, expected);
    }

    /// Record files are ordered as `Path` orders them, by component, whatever their names.
    #[test]
    fn paths_compare_by_their_components() {
        let parts = [
            "a", "a-b", "a.md", "A", "b", "ab", "a b", "é", "0", "10", "9",
        ];
        let mut paths = Vec::new();
        for x in parts {
            paths.push(PathBuf::from("content").join(x));
            for y in parts {
                paths.push(PathBuf::from("content").join(x).join(y));
                paths.push(PathBuf::from("/site/content").join(x).join(y).join("p.md"));
            }
        }
        for a in &paths {
            for b in &paths {
                assert_eq!(by_components(a, b), a.cmp(b), "{a:?} against {b:?}");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_that_lead_nowhere_are_skipped_and_those_named_like_records_listed() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        std::fs::create_dir_all(content.join(".hidden")).unwrap();
        std::fs::write(content.join("a.md"), "x").unwrap();
        symlink("someone@host.1:2", content.join(".#a.md")).unwrap();
        symlink("missing.md", content.join(".hidden/b.md")).unwrap();
        symlink("missing", content.join("image.png")).unwrap();
        symlink("missing.md", content.join("gone.md")).unwrap();
        symlink("loop.md", content.join("loop.md")).unwrap();
        symlink("a.md", content.join("alias.md")).unwrap();
        let found = find_record_files(&content).unwrap();
        assert_eq!(
            found,
            ContentFiles {
                records: vec![content.join("a.md"), content.join("alias.md")],
                dangling: vec![content.join("gone.md"), content.join("loop.md")],
            }
        );
    }
}

/// A file modified this recently may be modified again within the clock's granularity without
/// its time changing: its stamp is then checked by content on the next build.
const RACY: Duration = Duration::from_secs(2);

/// What a record file was when it was read: its metadata (size, times, inode) as one hash, and
/// a hash of its bytes. A file whose metadata is unchanged is taken as unchanged; otherwise its
/// bytes decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Stamp {
    /// Hash of the file's metadata; 0 when it cannot be trusted (modified too recently).
    pub(super) meta: u64,
    /// Hash of the file's bytes.
    pub(super) content: u64,
}

impl Stamp {
    /// The stamp of a file whose metadata `meta` was read before its `bytes`.
    pub(crate) fn of(meta: &std::fs::Metadata, bytes: &[u8]) -> Stamp {
        Stamp {
            meta: meta_hash(meta),
            content: hash_of(bytes),
        }
    }
}

/// Hash of what tells a file changed without reading it; 0 (never equal to a fresh hash) for a
/// file changed less than [`RACY`] ago.
pub(super) fn meta_hash(meta: &std::fs::Metadata) -> u64 {
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        u64::try_from(meta.ctime())
            .map(|secs| SystemTime::UNIX_EPOCH + Duration::new(secs, meta.ctime_nsec() as u32))
            .unwrap_or(SystemTime::UNIX_EPOCH)
    };
    #[cfg(not(unix))]
    let changed = modified;
    let now = SystemTime::now();
    let recent = |time: SystemTime| now.duration_since(time).map_or(true, |age| age < RACY);
    if recent(modified) || recent(changed) {
        return 0;
    }
    crate::hash::file_identity(meta).max(1)
}
