//! The site's size against GitHub Pages' limits: the published site may be at most 1 GB, and
//! the artifact the workflow uploads is the site as a gzipped tar. The tar+gzip size is
//! computed, not guessed: the files are compressed in chunks (in parallel) as tar entries,
//! each chunk one gzip stream, which comes within a few headers of one stream of the whole.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

/// GitHub Pages' limit on a published site, and (as the design counts it) on the artifact.
pub(crate) const PAGES_LIMIT: u64 = 1_000_000_000;

/// The share of a limit past which `digest check` warns.
pub(crate) const WARN_SHARE: f64 = 0.8;

/// The size of an output and where it goes.
#[derive(Debug, Default, Clone)]
pub(crate) struct SizeSummary {
    /// Bytes of every file.
    pub bytes: u64,
    /// Number of files.
    pub files: u64,
    /// The gzipped tar the Pages workflow would upload, in bytes.
    pub artifact: u64,
    /// Whether `artifact` was extrapolated from a sample of the files (large sites).
    pub artifact_sampled: bool,
    /// Bytes and files per kind of page, largest first.
    pub by_kind: Vec<(&'static str, u64, u64)>,
}

/// A gzip stream of tar entries whose compressed length is all that is kept.
pub(crate) struct TarGzCounter {
    encoder: GzEncoder<Counter>,
}

struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl TarGzCounter {
    /// An empty stream, compressed as fast as gzip goes (level 1: a little larger than the
    /// default level, so the estimate errs on the safe side).
    pub(crate) fn new() -> Self {
        TarGzCounter {
            encoder: GzEncoder::new(Counter(0), Compression::fast()),
        }
    }

    /// Adds one file as a tar entry: a 512-byte header (its name, then zeros where the
    /// numbers go) and the content padded to 512 bytes.
    pub(crate) fn add(&mut self, name: &str, content: &[u8]) {
        let mut header = [0u8; 512];
        let n = name.len().min(100);
        header[..n].copy_from_slice(&name.as_bytes()[..n]);
        let padding = (512 - content.len() % 512) % 512;
        // Writing into a counter cannot fail.
        let _ = self.encoder.write_all(&header);
        let _ = self.encoder.write_all(content);
        let _ = self.encoder.write_all(&[0u8; 512][..padding]);
    }

    /// The compressed length of everything added.
    pub(crate) fn finish(self) -> u64 {
        self.encoder.finish().map_or(0, |c| c.0)
    }
}

/// The kind of page an output file is, by its path: what the size report groups by.
pub(crate) fn kind_of(path: &str) -> &'static str {
    let first = path.split('/').next().unwrap_or("");
    let is_page = path.ends_with(".html");
    match first {
        "papers" if is_page => "paper pages",
        "papers" => "paper files",
        "tags" if is_page => "tag pages",
        "tags" if path.ends_with(".xml") || path.ends_with(".json") => "tag feeds",
        "tags" => "tag files",
        "page" => "home pages",
        "search" => "search index",
        y if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) => {
            if is_page {
                "date pages"
            } else {
                "date files"
            }
        }
        _ if is_page => "other pages",
        _ if path.ends_with(".xml") || path.ends_with(".json") => "feeds and machine files",
        _ => "static files",
    }
}

/// Totals per kind, largest first.
pub(crate) fn by_kind(files: &[(String, u64)]) -> Vec<(&'static str, u64, u64)> {
    let mut kinds: std::collections::HashMap<&'static str, (u64, u64)> = Default::default();
    for (path, bytes) in files {
        let entry = kinds.entry(kind_of(path)).or_default();
        entry.0 += bytes;
        entry.1 += 1;
    }
    let mut kinds: Vec<_> = kinds.into_iter().map(|(k, (b, n))| (k, b, n)).collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    kinds
}

/// A size in the units a person reads: "1.23 MB".
pub(crate) fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.2} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repetitive_pages_compress_and_empty_streams_are_small() {
        let page = "<p>the same paragraph again</p>".repeat(200);
        let mut counter = TarGzCounter::new();
        for i in 0..10 {
            counter.add(&format!("papers/{i}/index.html"), page.as_bytes());
        }
        let compressed = counter.finish();
        assert!(
            compressed > 20 && compressed < (page.len() as u64),
            "{compressed}"
        );
    }

    #[test]
    fn kinds_follow_the_url_layout() {
        for (path, kind) in [
            ("papers/x/index.html", "paper pages"),
            ("2025/02/06/index.html", "date pages"),
            ("tags/music/atom.xml", "tag feeds"),
            ("index.html", "other pages"),
            ("atom.xml", "feeds and machine files"),
            ("style.css", "static files"),
        ] {
            assert_eq!(kind_of(path), kind, "{path}");
        }
    }
}
