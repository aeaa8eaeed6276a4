//! Machine files: `sitemap.xml` (a sitemap index with numbered parts past 50,000 URLs),
//! `robots.txt` and `.nojekyll`. Made from the plan; no templates involved.

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::text_clean::escape_markup;

/// Most URLs one sitemap file may hold (sitemaps.org protocol).
pub(crate) const SITEMAP_LIMIT: usize = 50_000;

/// A file of the output that is not a rendered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MachineFile {
    /// Path relative to the output folder.
    pub path: String,
    /// The file's bytes.
    pub contents: Vec<u8>,
}

/// Escapes text for XML character data and attribute values ([`escape_markup`], the
/// apostrophe as `&apos;`). Characters XML does not allow at all, which no escape could make
/// valid, are replaced first (see [`crate::text_clean`]).
pub(crate) fn xml_escape(text: &str) -> String {
    escape_markup(&crate::text_clean::cleaned(text), "&apos;")
}

/// The sitemap files for `urls`: each page's URL path relative to the base URL (`papers/x/`)
/// with an optional `lastmod` date. The absolute URLs are made as each file is written: a
/// million papers' URLs held at once weighed about 230 MB.
pub(crate) fn sitemaps(config: &Config, urls: &[(&str, Option<Date>)]) -> Vec<MachineFile> {
    // Escaping is character by character, so the base is escaped once and each path alone.
    let base = xml_escape(&config.url(""));
    let urlset = |urls: &[(&str, Option<Date>)]| {
        const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
        let mut xml = String::with_capacity(HEAD.len() + urls.len() * (base.len() + 80));
        xml.push_str(HEAD);
        for (path, lastmod) in urls {
            xml.push_str("  <url><loc>");
            xml.push_str(&base);
            let path = path.trim_start_matches('/');
            if path.contains(['&', '<', '>', '"', '\'']) || crate::text_clean::has_forbidden(path) {
                xml.push_str(&xml_escape(path));
            } else {
                xml.push_str(path);
            }
            xml.push_str("</loc>");
            if let Some(date) = lastmod {
                xml.push_str("<lastmod>");
                crate::calendar::push_iso_date(&mut xml, *date);
                xml.push_str("</lastmod>");
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        xml.into_bytes()
    };
    if urls.len() <= SITEMAP_LIMIT {
        return vec![MachineFile {
            path: crate::routes::SITEMAP.into(),
            contents: urlset(urls),
        }];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    // The parts are made side by side (a million papers are 20 of them).
    let parts: Vec<Vec<u8>> = urls.par_chunks(SITEMAP_LIMIT).map(urlset).collect();
    for (n, contents) in parts.into_iter().enumerate() {
        let path = crate::routes::sitemap_part(n + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            xml_escape(&config.url(&path))
        ));
        files.push(MachineFile { path, contents });
    }
    index.push_str("</sitemapindex>\n");
    files.push(MachineFile {
        path: crate::routes::SITEMAP.into(),
        contents: index.into_bytes(),
    });
    files
}

/// `robots.txt` allowing everything and pointing at the sitemap, and `.nojekyll` so GitHub Pages
/// serves the output as is.
pub(crate) fn robots_and_nojekyll(config: &Config) -> Vec<MachineFile> {
    vec![
        MachineFile {
            path: crate::routes::ROBOTS.into(),
            contents: format!(
                "User-agent: *\nAllow: /\nSitemap: {}\n",
                config.url(crate::routes::SITEMAP)
            )
            .into_bytes(),
        },
        MachineFile {
            path: crate::routes::NOJEKYLL.into(),
            contents: Vec::new(),
        },
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The hand-written escaper `xml_escape` was before it became quick-xml's: the reference
    /// its bytes must keep matching (sitemaps stay byte-identical).
    fn former_xml_escape(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                c if crate::text_clean::is_forbidden(c) => {
                    out.push(crate::text_clean::replacement(c));
                }
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                _ => out.push(c),
            }
        }
        out
    }

    /// Texts of the characters escaping treats specially (the five, forbidden ones, text that
    /// looks like an entity already) mixed with any others.
    pub(crate) fn markup_texts() -> impl Strategy<Value = String> {
        let special = prop::sample::select(
            &[
                "<", ">", "&", "\"", "'", "&amp;", "&apos;", "&#39;", "\u{0}", "\u{c}", "\u{85}",
                "\u{9f}", "\u{fffe}", "\u{fdd0}", "é", "😀", "\n", "\t",
            ][..],
        );
        let piece = prop_oneof![
            special.prop_map(str::to_string),
            any::<char>().prop_map(String::from)
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(crate::record::mutations::config(2000))]
        #[test]
        fn xml_escape_writes_the_bytes_it_always_wrote(text in markup_texts()) {
            prop_assert_eq!(xml_escape(&text), former_xml_escape(&text));
        }
    }

    #[test]
    fn xml_escape_table() {
        for (text, escaped) in [
            (
                "a < b && c > \"d\" 'e'",
                "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;",
            ),
            ("&apos;", "&amp;apos;"),
            (
                "form\u{c}feed \u{93}q\u{94} \u{0}",
                "form feed “q” \u{fffd}",
            ),
            ("a\r\nb", "a\r\nb"),
            ("", ""),
        ] {
            assert_eq!(xml_escape(text), escaped, "{text:?}");
        }
    }

    fn config() -> Config {
        Config::parse("base_url = \"https://u.github.io/p/\"", "site.toml", None).unwrap()
    }

    #[test]
    fn small_sites_have_one_sitemap() {
        let files = sitemaps(&config(), &[("a&b/", Some(jiff::civil::date(2025, 1, 1)))]);
        assert_eq!(files.len(), 1);
        let xml = String::from_utf8(files[0].contents.clone()).unwrap();
        assert!(
            xml.contains("<loc>https://u.github.io/p/a&amp;b/</loc><lastmod>2025-01-01</lastmod>"),
            "{xml}"
        );
    }

    #[test]
    fn each_url_is_escaped_as_a_whole_url_would_be() {
        let config = config();
        let paths = [
            "papers/plain/",
            "/lead/",
            "a<b>'\"/",
            "bad\u{1}\u{fffe}/",
            "ü/",
        ];
        let urls: Vec<(&str, Option<Date>)> = paths.iter().map(|p| (*p, None)).collect();
        let xml = String::from_utf8(sitemaps(&config, &urls).remove(0).contents).unwrap();
        for path in paths {
            let loc = format!("<url><loc>{}</loc></url>", xml_escape(&config.url(path)));
            assert!(xml.contains(&loc), "{loc} in {xml}");
        }
    }

    #[test]
    fn large_sites_get_a_sitemap_index() {
        let paths: Vec<String> = (0..SITEMAP_LIMIT + 1).map(|i| format!("{i}/")).collect();
        let urls: Vec<(&str, Option<Date>)> = paths.iter().map(|p| (p.as_str(), None)).collect();
        let files = sitemaps(&config(), &urls);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]);
        let index = String::from_utf8(files[2].contents.clone()).unwrap();
        assert!(
            index.contains("<sitemapindex")
                && index.contains("https://u.github.io/p/sitemap-2.xml")
        );
    }

    #[test]
    fn robots_points_at_sitemap() {
        let files = robots_and_nojekyll(&config());
        assert_eq!(
            String::from_utf8_lossy(&files[0].contents),
            "User-agent: *\nAllow: /\nSitemap: https://u.github.io/p/sitemap.xml\n"
        );
        assert_eq!(files[1].path, ".nojekyll");
    }
}
