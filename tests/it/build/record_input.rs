//! What a record's bytes and fields may hold: a record that is not UTF-8 is reported at the line
//! and column of its first bad byte; `links` take http(s) URLs in any case of scheme and refuse
//! ones with no host, at the link's line and column.

use crate::common;

use common::Site;

#[test]
fn a_record_that_is_not_utf8_is_reported_at_the_line_and_column_of_the_first_bad_byte() {
    let site = Site::fixture("small");
    // "Café" saved as Latin-1: é is the single byte 0xE9.
    std::fs::write(
        site.path("content/latin1.md"),
        b"+++\ntitle = \"Caf\xe9 au lait\"\ndate = 2025-02-06\n+++\nBody.\n",
    )
    .unwrap();
    let run = site.build(&[]);
    let stderr = run.assert_problems();
    assert!(stderr.contains("content/latin1.md:2:13"), "{stderr}");
    assert!(
        stderr.contains("the record is not valid UTF-8: 0xE9 cannot be read as text"),
        "{stderr}"
    );
    assert!(stderr.contains("help: save the file as UTF-8"), "{stderr}");
    assert!(!stderr.contains("(byte"), "{stderr}");
}

#[test]
fn a_link_with_an_upper_case_scheme_is_accepted_and_written_lowercase() {
    let site = Site::fixture("small");
    let record = site.read("content/improvnet.md").replace(
        "code = \"https://github.com/keshavbhandari/improvnet\"",
        "code = \"HTTPS://GitHub.com/keshavbhandari/improvnet\"",
    );
    site.write("content/improvnet.md", &record);
    let out = site.build_ok(&[]);
    let page = std::fs::read_to_string(out.join("papers/improvnet/index.html")).unwrap();
    assert!(
        page.contains("href=\"https://GitHub.com/keshavbhandari/improvnet\""),
        "the link, its scheme lowercased, is on the page"
    );
    assert!(!page.contains("HTTPS://"));
}

#[test]
fn a_link_with_no_host_is_refused_at_its_line_and_column() {
    for (url, column) in [
        ("https://", 18),
        ("https:///path", 18),
        ("http://:80", 18),
        ("https://?q=1", 18),
    ] {
        let site = Site::fixture("small");
        site.write(
            "content/nohost.md",
            &format!("+++\ntitle = \"No host\"\ndate = 2025-02-06\nlinks = {{ code = \"{url}\" }}\n+++\nBody.\n"),
        );
        let run = site.build(&[]);
        let stderr = run.assert_problems();
        assert!(
            stderr.contains(&format!("content/nohost.md:4:{column}")),
            "{url}: {stderr}"
        );
        assert!(
            stderr.contains("link `code` has no host after `://`"),
            "{url}: {stderr}"
        );
    }
}
