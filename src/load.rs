//! Finds record files under `content/` and reads them; the site parses them in parallel.
//!
//! Reads files; never renders or writes anything.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Problem;
use crate::record::{self, Paper};

/// Lists the record files (`*.md`, at any depth, hidden files and folders skipped) under
/// `content`, sorted by path so that every build sees them in the same order.
pub fn record_files(content: &Path) -> Result<Vec<PathBuf>, Problem> {
    let mut files = Vec::new();
    let walker = WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|err| {
            let path = err
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            Problem::in_file(path, format!("cannot read the content folder: {err}"))
        })?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Reads and parses one record file.
pub fn load_one(root: &Path, file: &Path) -> Result<Paper, Vec<Problem>> {
    let shown = display_path(root, file);
    let bytes = std::fs::read(file).map_err(|err| {
        vec![Problem::in_file(
            &shown,
            format!("cannot read the record: {err}"),
        )]
    })?;
    let text = String::from_utf8(bytes).map_err(|err| {
        vec![
            Problem::in_file(
                &shown,
                format!(
                    "the record is not valid UTF-8 (byte {})",
                    err.utf8_error().valid_up_to()
                ),
            )
            .with_hint("save the file as UTF-8"),
        ]
    })?;
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

/// A path as shown to the user: relative to the site root when inside it.
pub fn display_path(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// The problem of several records (at least two) sharing `slug`, listing every file.
pub fn slug_collision(slug: &str, papers: &[&Paper]) -> Problem {
    let mut problem = Problem::at(
        papers[0].slug_location.clone(),
        format!(
            "{} records have the slug `{slug}`, so they would share /papers/{slug}/",
            papers.len()
        ),
    )
    .with_hint("give all but one of them a different `slug = \"…\"` or rename the file");
    for paper in papers {
        problem = problem.with_note(format!("used by {}", paper.path));
    }
    problem
}
