//! `digest theme list` and `digest theme eject`: the default theme compiled into digest, which
//! of its files a site overrides, and copies of them to edit. Eject never overwrites a file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::exit;
use crate::build::site_root;
use crate::config::Config;
use crate::diagnostic::FailureKind;
use crate::render::theme::{DEFAULT_STATIC, DEFAULT_TEMPLATES};

/// What to do with the theme.
#[derive(Debug, Subcommand)]
pub(super) enum ThemeCommand {
    /// List the built-in templates and static files, and which ones the site overrides.
    #[command(after_help = exit::HELP)]
    List(ListArgs),
    /// Copy built-in templates and static files into the site to edit them (never overwriting).
    #[command(after_help = EJECT_HELP)]
    Eject(EjectArgs),
}

/// Arguments of `digest theme list`.
#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// The site folder (with site.toml).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Arguments of `digest theme eject`.
#[derive(Debug, Args)]
pub(super) struct EjectArgs {
    /// Files to copy, named as `digest theme list` shows them: base.html,
    /// partials/pager.html, style.css (a templates/ or static/ prefix is allowed).
    #[arg(
        value_name = "NAME",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    names: Vec<String>,
    /// Copy every built-in template and static file (skipping those that exist).
    #[arg(long)]
    all: bool,
    /// The folder that receives templates/ and static/ (default: the site folder, where they
    /// override the built-in ones; themes/NAME starts a theme of your own).
    #[arg(long, value_name = "DIR")]
    into: Option<PathBuf>,
    /// The site folder (with site.toml).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

const EJECT_HELP: &str = "\
Templates go to DIR/templates/, static files to DIR/static/. A file that already exists is
never overwritten: it is reported as skipped. A file named on the command line and skipped
makes the status 1; with --all, skipped files are only reported.

Exit status: 0 success; 1 a named file was skipped, or no site.toml; 2 usage error (an unknown
name); 4 a file or folder cannot be written.";

/// Runs a `digest theme` command.
pub(super) fn run(command: ThemeCommand) -> ExitCode {
    match command {
        ThemeCommand::List(args) => list(&args),
        ThemeCommand::Eject(args) => eject(&args),
    }
}

/// One built-in file: which folder of a theme it belongs in, its name there, its bytes.
struct BuiltIn {
    folder: &'static str,
    name: &'static str,
    bytes: &'static [u8],
}

/// Every built-in file, templates first, each group sorted by name.
fn built_ins() -> Vec<BuiltIn> {
    let mut templates: Vec<BuiltIn> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| BuiltIn {
            folder: "templates",
            name,
            bytes: text.as_bytes(),
        })
        .collect();
    templates.sort_by_key(|f| f.name);
    let mut statics: Vec<BuiltIn> = DEFAULT_STATIC
        .iter()
        .map(|(name, bytes)| BuiltIn {
            folder: "static",
            name,
            bytes,
        })
        .collect();
    statics.sort_by_key(|f| f.name);
    templates.extend(statics);
    templates
}

fn list(args: &ListArgs) -> ExitCode {
    let root = site_root(args.root.as_deref());
    let config_path = root.join("site.toml");
    // A base URL is not needed to list files: "/" stands in, so a site without one lists.
    let config = if config_path.is_file() {
        match Config::load(&config_path, "site.toml", Some("/")) {
            Ok(config) => Some(config),
            Err(problem) => {
                eprintln!("{problem}");
                return exit::status(FailureKind::Input);
            }
        }
    } else {
        eprintln!(
            "note: no site.toml in {}: listing the built-in theme with that folder's overrides",
            root.display()
        );
        None
    };
    let theme = config.as_ref().map_or("default", |c| c.theme.as_str());
    let theme_dir = Path::new("themes").join(theme);
    let has_theme_dir = root.join(&theme_dir).is_dir();
    let mut out = String::new();
    out.push_str(&if has_theme_dir {
        format!(
            "theme `{theme}`: {}/ over the built-in templates\n",
            theme_dir.display()
        )
    } else {
        format!("theme `{theme}`: built into digest\n")
    });
    let mut folder = "";
    for file in built_ins() {
        if file.folder != folder {
            folder = file.folder;
            out.push_str(match folder {
                "templates" => "\ntemplates (the site's templates/ overrides them by name):\n",
                _ => "\nstatic files (copied to the output; the site's static/ wins):\n",
            });
        }
        let site_file = Path::new(file.folder).join(file.name);
        let theme_file = theme_dir.join(&site_file);
        let status = if root.join(&site_file).is_file() {
            format!("overridden by {}", slashed(&site_file))
        } else if has_theme_dir && root.join(&theme_file).is_file() {
            format!("overridden by {}", slashed(&theme_file))
        } else if has_theme_dir && file.folder == "static" {
            // A theme folder brings its own static files instead of the built-in ones.
            format!("not used: {}/static/ replaces them", slashed(&theme_dir))
        } else {
            "built-in".to_string()
        };
        out.push_str(&format!("  {:<28} {status}\n", file.name));
    }
    let added = added_templates(&root, &theme_dir, has_theme_dir);
    if !added.is_empty() {
        out.push_str("\ntemplates the site adds:\n");
        for name in added {
            out.push_str(&format!("  {name}\n"));
        }
    }
    if let Some(config) = &config
        && (config.logo.is_some() || !config.extra_css.is_empty())
    {
        out.push_str("\nsite.toml:\n");
        if let Some(logo) = &config.logo {
            out.push_str(&format!(
                "  {:<28} {logo} (instead of the theme's mark)\n",
                "logo"
            ));
        }
        for css in &config.extra_css {
            out.push_str(&format!(
                "  {:<28} {css} (after the theme's)\n",
                "extra_css"
            ));
        }
    }
    print!("{out}");
    ExitCode::SUCCESS
}

/// Templates of the site's `templates/` and the theme folder that are not built-in names.
fn added_templates(root: &Path, theme_dir: &Path, has_theme_dir: bool) -> Vec<String> {
    let built_in: Vec<&str> = DEFAULT_TEMPLATES.iter().map(|(name, _)| *name).collect();
    let mut dirs = vec![PathBuf::from("templates")];
    if has_theme_dir {
        dirs.insert(0, theme_dir.join("templates"));
    }
    let mut added = Vec::new();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(root.join(&dir))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let Ok(relative) = entry.path().strip_prefix(root.join(&dir)) else {
                continue;
            };
            let name = slashed(relative);
            if entry.file_type().is_file() && !built_in.contains(&name.as_str()) {
                added.push(slashed(&dir.join(relative)));
            }
        }
    }
    added
}

/// A relative path with `/` between its parts, as the README and templates name files.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn eject(args: &EjectArgs) -> ExitCode {
    let all = built_ins();
    let chosen: Vec<&BuiltIn> = if args.all {
        all.iter().collect()
    } else {
        match resolve(&all, &args.names) {
            Ok(chosen) => chosen,
            Err(message) => {
                eprintln!("error: {message}");
                return exit::status(FailureKind::Usage);
            }
        }
    };
    let root = site_root(args.root.as_deref());
    let into = match &args.into {
        Some(into) => {
            if matches!(
                into.file_name().and_then(|n| n.to_str()),
                Some("templates" | "static")
            ) {
                eprintln!(
                    "error: --into names the folder that receives templates/ and static/ (the site folder, or themes/NAME), not {} itself",
                    into.display()
                );
                return exit::status(FailureKind::Usage);
            }
            into.clone()
        }
        None if root.join("site.toml").is_file() => root,
        None => {
            eprintln!(
                "error: no site.toml in {}: templates/ and static/ would not belong to a site\n  = help: run digest in the site folder, or pass --root DIR (or --into DIR)",
                root.display()
            );
            return exit::status(FailureKind::Input);
        }
    };
    let (mut written, mut skipped, mut failed) = (0, 0, 0);
    for file in &chosen {
        let target = into.join(file.folder).join(file.name);
        match super::write_new_file(&target, file.bytes) {
            Ok(true) => {
                written += 1;
                println!("wrote {}", target.display());
            }
            Ok(false) => {
                skipped += 1;
                println!(
                    "skipped {}: it exists (digest never overwrites; move it away to eject a fresh copy)",
                    target.display()
                );
            }
            Err(err) => {
                failed += 1;
                eprintln!("error: cannot write {}: {err}", target.display());
            }
        }
    }
    println!(
        "ejected {written} of {} files into {}{}",
        chosen.len(),
        into.display(),
        if skipped > 0 {
            format!(", skipped {skipped} that exist")
        } else {
            String::new()
        }
    );
    if failed > 0 {
        exit::status(FailureKind::Output)
    } else if skipped > 0 && !args.all {
        exit::status(FailureKind::Input)
    } else {
        ExitCode::SUCCESS
    }
}

/// The built-in files `names` ask for, in the order asked, each once; or the message naming
/// every unknown name and listing the known ones.
fn resolve<'a>(all: &'a [BuiltIn], names: &[String]) -> Result<Vec<&'a BuiltIn>, String> {
    let mut chosen: Vec<&BuiltIn> = Vec::new();
    let mut unknown = Vec::new();
    for asked in names {
        let found = all.iter().find(|f| {
            let bare = asked
                .strip_prefix(f.folder)
                .and_then(|rest| rest.strip_prefix('/'))
                .unwrap_or(asked);
            bare == f.name
        });
        match found {
            Some(file) if !chosen.iter().any(|c| std::ptr::eq(*c, file)) => chosen.push(file),
            Some(_) => {}
            None => unknown.push(format!("`{asked}`")),
        }
    }
    if unknown.is_empty() {
        return Ok(chosen);
    }
    let known = |folder: &str| {
        all.iter()
            .filter(|f| f.folder == folder)
            .map(|f| f.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(format!(
        "no built-in file named {}\n  templates: {}\n  static files: {}\n  = help: name files as `digest theme list` shows them, or pass --all",
        unknown.join(", "),
        known("templates"),
        known("static")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_with_or_without_their_folder_and_once() {
        let all = built_ins();
        let names = |asked: &[&str]| {
            let asked: Vec<String> = asked.iter().map(|s| s.to_string()).collect();
            resolve(&all, &asked).map(|files| {
                files
                    .iter()
                    .map(|f| format!("{}/{}", f.folder, f.name))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            names(&[
                "style.css",
                "templates/partials/pager.html",
                "base.html",
                "static/style.css"
            ])
            .unwrap(),
            [
                "static/style.css",
                "templates/partials/pager.html",
                "templates/base.html"
            ]
        );
        let message = names(&["base.html", "bse.html", "static/base.html"]).unwrap_err();
        assert!(
            message.contains("`bse.html`, `static/base.html`"),
            "{message}"
        );
        assert!(message.contains("partials/paper_card.html"), "{message}");
        assert!(message.contains("favicon.svg"), "{message}");
    }

    #[test]
    fn every_built_in_file_is_listed_once_templates_first() {
        let all = built_ins();
        assert_eq!(all.len(), DEFAULT_TEMPLATES.len() + DEFAULT_STATIC.len());
        let first_static = all.iter().position(|f| f.folder == "static").unwrap();
        assert!(all[first_static..].iter().all(|f| f.folder == "static"));
        let paths: std::collections::BTreeSet<String> = all
            .iter()
            .map(|f| format!("{}/{}", f.folder, f.name))
            .collect();
        assert_eq!(paths.len(), all.len());
    }
}
