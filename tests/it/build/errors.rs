//! Problems in a site's files: exit code 1, a message that names the file, line and column with a
//! hint, and the previous good output left byte-for-byte untouched. Also output folders a build
//! must refuse.

use crate::common;

use common::{Site, assert_fails_keeping_output, tree};

fn assert_contains(stderr: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
    }
}

/// A valid record, for tests that break one thing of it.
const GOOD: &str = "+++\ntitle = \"A Broken Record\"\ndate = 2025-02-06\n+++\n\nAn abstract.\n";

#[test]
fn missing_front_matter() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/broken.md",
            "title = \"A Broken Record\"\ndate = 2025-02-06\n\nAn abstract.\n",
        )
    });
    assert_contains(
        &stderr,
        &["content/broken.md:1:1", "missing front matter", "+++"],
    );
}

#[test]
fn unclosed_front_matter() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/broken.md",
            "+++\ntitle = \"A Broken Record\"\ndate = 2025-02-06\n\nAn abstract.\n",
        )
    });
    assert_contains(&stderr, &["content/broken.md:1:1", "never closed"]);
}

#[test]
fn invalid_toml() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/broken.md",
            "+++\ntitle = \"A Broken Record\ndate = 2025-02-06\n+++\n\nAn abstract.\n",
        )
    });
    assert_contains(&stderr, &["content/broken.md:2:", "invalid front matter"]);
}

#[test]
fn unknown_key_names_the_key_and_the_allowed_keys() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/broken.md",
            "+++\ntitle = \"A Broken Record\"\ndate = 2025-02-06\nvenue = \"NeurIPS\"\n+++\n\nAn abstract.\n",
        )
    });
    assert_contains(
        &stderr,
        &[
            "content/broken.md:4:1",
            "venue",
            digest::record::ALLOWED_KEYS,
            "[extra]",
        ],
    );
}

#[test]
fn missing_title() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/broken.md",
            &GOOD.replace("title = \"A Broken Record\"\n", ""),
        )
    });
    assert_contains(
        &stderr,
        &["content/broken.md:1:1", "missing title", "title ="],
    );
}

#[test]
fn missing_date() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/broken.md",
            &GOOD.replace("date = 2025-02-06\n", ""),
        )
    });
    assert_contains(
        &stderr,
        &["content/broken.md:1:1", "missing date", "date = "],
    );
}

#[test]
fn invalid_date_names_the_date_line() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/broken.md",
            "+++\ntitle = \"A Broken Record\"\ndate = 2023-02-010\n+++\n\nAn abstract.\n",
        )
    });
    assert_contains(&stderr, &["content/broken.md:3:", "YYYY-MM-DD"]);
}

#[test]
fn two_records_with_one_slug_are_all_listed() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/improvnet-again.md",
            &GOOD.replace("+++\n\n", "slug = \"improvnet\"\n+++\n\n"),
        );
        s.write(
            "content/nested/improvnet.md",
            &GOOD.replace("A Broken Record", "Another"),
        );
    });
    assert_contains(
        &stderr,
        &[
            "improvnet",
            "content/improvnet.md",
            "content/improvnet-again.md",
            "content/nested/improvnet.md",
        ],
    );
}

#[test]
fn a_slug_that_escapes_the_output_is_refused() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/broken.md",
            &GOOD.replace("+++\n\n", "slug = \"../x\"\n+++\n\n"),
        )
    });
    assert_contains(&stderr, &["content/broken.md:4:", "../x"]);
    assert!(!site.tmp.path().join("x").exists());
    assert!(!site.out().join("x").exists());
}

#[test]
fn two_bad_records_are_both_reported() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "content/a-no-title.md",
            &GOOD.replace("title = \"A Broken Record\"\n", ""),
        );
        s.write(
            "content/b-bad-date.md",
            &GOOD.replace("date = 2025-02-06", "date = 2025-13-45"),
        );
    });
    assert_contains(
        &stderr,
        &[
            "content/a-no-title.md:1:1",
            "missing title",
            "content/b-bad-date.md:3:",
            "2 problems",
        ],
    );
}

#[test]
fn a_template_including_a_missing_template() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "templates/paper.html",
            "{% extends \"base.html\" %}{% block content %}{% include \"partials/nope.html\" %}{% endblock content %}",
        )
    });
    assert_contains(&stderr, &["partials/nope.html"]);
}

#[test]
fn a_template_extending_a_missing_template() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "templates/paper.html",
            "{% extends \"nope.html\" %}{% block content %}x{% endblock content %}",
        )
    });
    assert_contains(&stderr, &["nope.html"]);
}

#[test]
fn a_template_runtime_error_names_the_template() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "templates/paper.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ paper.nope.deeper }}</h1>\n{% endblock content %}\n",
        )
    });
    assert_contains(&stderr, &["templates/paper.html:3:", "nope"]);
}

#[test]
fn a_template_piping_json_ld_through_json_script_is_pointed_at() {
    // `meta.jsonld` used to be an object printed with `| json_script`; it is JSON text now.
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "templates/paper.html",
            "{% extends \"base.html\" %}\n{% block head %}\n<script type=\"application/ld+json\">{{ meta.jsonld | json_script }}</script>\n{% endblock head %}\n",
        )
    });
    assert_contains(
        &stderr,
        &[
            "templates/paper.html:3:",
            "meta.jsonld",
            "{{ meta.jsonld }}",
        ],
    );
}

#[test]
fn a_template_syntax_error_names_the_template() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| {
        s.write(
            "templates/tag.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% if tag.name %}\n{% endblock content %}\n",
        )
    });
    assert_contains(&stderr, &["templates/tag.html:"]);
}

#[test]
fn an_invalid_site_toml_names_the_key() {
    let site = Site::fixture("small");
    let stderr = assert_fails_keeping_output(&site, |s| s.prepend_config("titel = \"x\""));
    assert_contains(&stderr, &["site.toml:1:1", "titel"]);
}

#[test]
fn usage_errors_exit_with_2() {
    let site = Site::fixture("small");
    let run = site.build(&["--no-such-flag"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(!site.out().exists());
}

// --- output folders a build must refuse ---

#[test]
fn output_at_the_site_root_is_refused() {
    let site = Site::fixture("small");
    let before = tree(&site.root);
    let run = common::digest(
        &[
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            site.root.to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    let stderr = run.assert_output_error();
    assert!(stderr.contains("refusing"), "{stderr}");
    assert_eq!(tree(&site.root), before, "files of the site changed");
    // Also with --force, and for a parent of the site root.
    let parent = site.tmp.path().to_str().unwrap().to_string();
    for output in [site.root.to_str().unwrap(), parent.as_str()] {
        let run = common::digest(
            &[
                "build",
                "--root",
                site.root.to_str().unwrap(),
                "--output",
                output,
                "--force",
            ],
            site.tmp.path(),
        );
        run.assert_output_error();
        assert_eq!(tree(&site.root), before, "files of the site changed");
    }
}

#[test]
fn output_inside_content_is_refused() {
    let site = Site::fixture("small");
    let before = tree(&site.root);
    let inside = site.path("content/public");
    for args in [&[][..], &["--force"][..]] {
        let mut all = vec![
            "build",
            "--root",
            site.root.to_str().unwrap(),
            "--output",
            inside.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        let run = common::digest(&all, site.tmp.path());
        let stderr = run.assert_output_error();
        assert!(stderr.contains("content"), "{stderr}");
        assert_eq!(tree(&site.root), before, "files of the site changed");
        assert!(!inside.exists());
    }
}

#[test]
fn a_folder_not_made_by_digest_is_kept_unless_forced() {
    let site = Site::fixture("small");
    let out = site.out();
    common::write(&out.join("my-thesis.tex"), "\\documentclass{article}\n");
    let run = site.build(&[]);
    let stderr = run.assert_output_error();
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        common::files(&out),
        ["my-thesis.tex"],
        "the folder was changed"
    );
    // --force writes the site into it and keeps the file digest did not write.
    site.build(&["--force"]).assert_success();
    assert!(out.join("index.html").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("my-thesis.tex")).unwrap(),
        "\\documentclass{article}\n"
    );
    // The folder is now digest's, so a later build needs no --force, and still keeps it.
    site.build(&[]).assert_success();
    assert!(out.join("my-thesis.tex").is_file());
}

#[test]
fn an_empty_output_folder_is_fine() {
    let site = Site::fixture("small");
    std::fs::create_dir_all(site.out()).unwrap();
    site.build(&[]).assert_success();
    assert!(site.out().join("index.html").is_file());
}

#[test]
fn a_rebuild_replaces_removed_pages() {
    // Not an error, but the other side of leaving output alone: a successful rebuild does not
    // keep pages of records that are gone.
    let site = Site::fixture("small");
    let out = site.build_ok(&[]);
    assert!(out.join("papers/realm/index.html").is_file());
    std::fs::remove_file(site.path("content/realm.md")).unwrap();
    site.build_ok(&[]);
    assert!(!out.join("papers/realm/index.html").exists());
    assert!(!out.join("2025/01/30/index.html").exists());
    assert!(!out.join("tags/retrieval/index.html").exists());
}
