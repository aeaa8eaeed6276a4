//! A deterministic pseudo-random sequence of edits to a served site: after each one, the served
//! folder must end up byte-identical to a clean build. The seed is fixed (set
//! `DIGEST_SERVE_SEED` to try another); the step list is printed on failure.

mod common;
#[path = "common/serve.rs"]
mod serve;

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::Path;
use std::time::Duration;

use common::{Site, tree};
use serve::{Server, assert_matches_clean_build, clean_build, set_key, wait_for_reload};

const STEPS: usize = 25;
const DEFAULT_SEED: u64 = 0x2545_F491_4F6C_DD1D;

const DATES: &[&str] = &[
    "2025-01-30",
    "2025-01-31",
    "2025-02-05",
    "2025-02-06",
    "2025-03-10",
    "2024-12-24",
];
const TAGS: &[&str] = &[
    "music",
    "retrieval",
    "motion",
    "diffusion",
    "new-tag",
    "image-generation",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The record files under `content/`, relative to the site root, sorted.
fn records(root: &Path) -> Vec<String> {
    common::files(&root.join("content"))
        .into_iter()
        .filter(|p| p.ends_with(".md"))
        .map(|p| format!("content/{p}"))
        .collect()
}

/// Applies one random operation; returns its description.
fn random_operation(site: &Site, rng: &mut Rng, step: usize) -> String {
    let all = records(&site.root);
    let record = all[rng.below(all.len())].clone();
    let text = site.read(&record);
    let (dir, stem) = {
        let path = Path::new(&record);
        (
            path.parent().unwrap().to_str().unwrap().to_string(),
            path.file_stem().unwrap().to_str().unwrap().to_string(),
        )
    };
    let template = site.path("templates/paper.html");
    let batches: Vec<String> = common::files(&site.path("content"))
        .into_iter()
        .filter_map(|p| p.split_once('/').map(|(d, _)| d.to_string()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    match rng.below(16) {
        0 => {
            site.write(
                &record,
                &format!("{text}\nEdited abstract at step {step}.\n"),
            );
            format!("edit the abstract of {record}")
        }
        1 => {
            let title = format!("\"Title {step} of {stem}\"");
            site.write(&record, &set_key(&text, "title", &title));
            format!("set the title of {record} to {title}")
        }
        2 => {
            let date = DATES[rng.below(DATES.len())];
            site.write(&record, &set_key(&text, "date", date));
            format!("set the date of {record} to {date}")
        }
        3 => {
            let mut tags: Vec<&str> = (0..rng.below(3))
                .map(|_| TAGS[rng.below(TAGS.len())])
                .collect();
            tags.sort();
            tags.dedup();
            let value = format!(
                "[{}]",
                tags.iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            site.write(&record, &set_key(&text, "tags", &value));
            format!("set the tags of {record} to {value}")
        }
        4 => {
            let to = format!("{dir}/renamed-{step}.md");
            std::fs::rename(site.path(&record), site.path(&to)).unwrap();
            format!("rename {record} to {to}")
        }
        5 if all.len() > 3 => {
            std::fs::remove_file(site.path(&record)).unwrap();
            format!("delete {record}")
        }
        6 => {
            let folder = format!("content/batch-{step}");
            for (name, day) in [("a", DATES[rng.below(DATES.len())]), ("b", "2025-02-06")] {
                site.write(
                    &format!("{folder}/{name}-{step}.md"),
                    &format!(
                        "+++\ntitle = \"Batch {step} paper {name}\"\ndate = {day}\ntags = [\"music\"]\n+++\n\nAbstract {name} of batch {step}.\n"
                    ),
                );
            }
            format!("add {folder}/ with two records")
        }
        7 if !batches.is_empty() && all.len() > 4 => {
            let folder = &batches[rng.below(batches.len())];
            std::fs::remove_dir_all(site.path(&format!("content/{folder}"))).unwrap();
            format!("delete the folder content/{folder}/")
        }
        8 if template.exists() && rng.below(2) == 0 => {
            std::fs::remove_file(&template).unwrap();
            "remove templates/paper.html".to_string()
        }
        8 => {
            site.write(
                "templates/paper.html",
                &format!(
                    "{{% extends \"base.html\" %}}\n{{% block content %}}\n<article class=\"custom\"><h1>{{{{ paper.title }}}}</h1><p>site template, step {step}</p>{{{{ content }}}}</article>\n{{% endblock content %}}\n"
                ),
            );
            "write templates/paper.html".to_string()
        }
        9 => {
            let tmp = format!("{record}.tmp");
            site.write(&tmp, &set_key(&text, "title", &format!("\"Saved {step}\"")));
            std::fs::rename(site.path(&tmp), site.path(&record)).unwrap();
            format!("editor-style save of {record} (title \"Saved {step}\")")
        }
        10 => {
            let file = std::fs::File::options()
                .write(true)
                .open(site.path(&record))
                .unwrap();
            file.set_modified(std::time::SystemTime::now() + Duration::from_secs(step as u64))
                .unwrap();
            format!("touch {record}")
        }
        11 if !batches.is_empty() => {
            let folder = &batches[rng.below(batches.len())];
            let to = format!("content/moved-{step}");
            std::fs::rename(site.path(&format!("content/{folder}")), site.path(&to)).unwrap();
            format!("rename the folder content/{folder}/ to {to}/")
        }
        12 => {
            let file = [
                "static/files/notes.txt",
                "static/style.css",
                "static/extra.css",
            ][rng.below(3)];
            if site.path(file).exists() && rng.below(2) == 0 {
                std::fs::remove_file(site.path(file)).unwrap();
                format!("remove {file}")
            } else {
                site.write(file, &format!("/* static file, step {step} */\n"));
                format!("write {file}")
            }
        }
        13 => {
            let config = site.read("site.toml");
            let (key, value) = if rng.below(2) == 0 {
                ("paginate_by", format!("{}", 1 + rng.below(4)))
            } else {
                ("title", format!("\"Digest of step {step}\""))
            };
            let prefix = format!("{key} = ");
            let changed: Vec<String> = config
                .lines()
                .map(|l| {
                    if l.starts_with(&prefix) {
                        format!("{prefix}{value}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            site.write("site.toml", &(changed.join("\n") + "\n"));
            format!("set {key} = {value} in site.toml")
        }
        _ => {
            site.write(&record, &text);
            format!("rewrite {record} unchanged")
        }
    }
}

#[test]
fn random_edits_end_in_a_clean_build() {
    let seed = std::env::var("DIGEST_SERVE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let site = Site::fixture("small");
    let mut server = Server::start(&site);
    let mut ws = server.ws();
    let mut rng = Rng(seed);
    let mut log: Vec<String> = Vec::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        assert_matches_clean_build(&mut server, &mut ws, &site, "right after startup");
        for step in 1..=STEPS {
            let before = tree(&clean_build(&site, &log.join("\n")));
            ws.drain();
            let what = random_operation(&site, &mut rng, step);
            log.push(format!("{step:2}. {what}"));
            let context = format!("seed {seed}, steps:\n{}", log.join("\n"));
            let after = tree(&clean_build(&site, &context));
            if after != before {
                let generation = wait_for_reload(&mut ws);
                log.last_mut()
                    .unwrap()
                    .push_str(&format!(" (reload {generation})"));
            } else {
                log.last_mut().unwrap().push_str(" (no change)");
            }
            assert_matches_clean_build(&mut server, &mut ws, &site, &context);
        }
        server.assert_alive();
    }));
    eprintln!("seed {seed}, steps:\n{}", log.join("\n"));
    if let Err(panic) = result {
        resume_unwind(panic);
    }
}
