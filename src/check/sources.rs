//! The record or template a finding in the built site comes from: a paper page's record, and
//! the place where a link's text is written in a record body or one of the site's templates.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::{Finding, Severity};
use crate::config::Config;
use crate::diagnostic::{Location, Problem};
use crate::record::Paper;

/// The record and template files a finding in the output may come from.
pub(super) struct Sources {
    root: std::path::PathBuf,
    /// Paper page slug → (record path, has authors).
    papers: HashMap<String, (String, bool)>,
    /// The site's own template files (overrides and themes on disk): path and text.
    templates: Vec<(String, Arc<str>)>,
}

impl Sources {
    pub(super) fn new(root: &Path, config: &Config, papers: &[Paper]) -> Sources {
        let mut templates = Vec::new();
        for dir in [
            root.join("templates"),
            root.join("themes").join(&config.theme).join("templates"),
        ] {
            for entry in walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                if entry.file_type().is_file()
                    && let Ok(text) = std::fs::read_to_string(entry.path())
                {
                    let shown = crate::site::load::display_path(root, entry.path());
                    templates.push((shown, Arc::from(text)));
                }
            }
        }
        Sources {
            root: root.to_path_buf(),
            papers: papers
                .iter()
                .map(|p| (p.slug.clone(), (p.path.clone(), !p.authors.is_empty())))
                .collect(),
            templates,
        }
    }

    /// Whether the record of the paper page `rel` has authors.
    pub(super) fn has_authors(&self, rel: &str) -> bool {
        self.record(rel).is_some_and(|(_, has)| *has)
    }

    fn record(&self, rel: &str) -> Option<&(String, bool)> {
        rel.strip_prefix("papers/")
            .and_then(|r| r.split('/').next())
            .and_then(|slug| self.papers.get(slug))
    }

    /// A finding at `offset` of the output file `rel`: placed in the record or template the
    /// text `raw` is written in when it can be found there, else in the output file, with
    /// the output place as a note.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn finding(
        &self,
        severity: Severity,
        code: &'static str,
        shown: &str,
        file: &Path,
        rel: &str,
        offset: usize,
        raw: &str,
        message: String,
        hint: String,
    ) -> Finding {
        let record = self.record(rel);
        let output_text = std::fs::read_to_string(file).unwrap_or_default();
        let output_location = Location {
            path: shown.to_string(),
            source: Arc::from(output_text),
            span: offset..offset,
        }
        .detached();
        let (line, column) = output_location.line_col();
        let mut source = None;
        if !raw.is_empty() {
            if let Some((path, _)) = record
                && let Ok(text) = std::fs::read_to_string(self.root.join(path))
                && let Some(at) = text.find(raw)
            {
                source = Some(
                    Location {
                        path: path.clone(),
                        source: Arc::from(text),
                        span: at..at + raw.len(),
                    }
                    .detached(),
                );
            }
            if source.is_none() {
                source = self.templates.iter().find_map(|(path, text)| {
                    text.find(raw).map(|at| {
                        Location {
                            path: path.clone(),
                            source: text.clone(),
                            span: at..at + raw.len(),
                        }
                        .detached()
                    })
                });
            }
        }
        let problem = match source {
            Some(location) => Problem::at(location, message)
                .with_note(format!("in the built site: {shown}:{line}:{column}")),
            None => {
                let mut problem = Problem::at(output_location, message);
                if let Some((path, _)) = record {
                    problem = problem.with_note(format!("the page of the record {path}"));
                }
                problem
            }
        };
        let problem = problem.with_hint(hint);
        let mut finding = match severity {
            Severity::Error => Finding::error(code, problem),
            Severity::Warning => Finding::warning(code, problem),
        };
        if let Some((path, _)) = record {
            finding.related.push(path.clone());
        }
        finding
    }
}
