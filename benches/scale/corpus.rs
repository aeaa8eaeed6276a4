//! The deterministic corpus generator: a stream of realistic paper records for a seed.
//!
//! About 40 papers a day going back from 2025-12-31, 150–250-word abstracts (~10% with math,
//! ~5% with a Python block), 2–15 authors, 1–5 tags out of ~300 with a Zipf-like spread, arXiv
//! ids, upvotes and some code/project links. The same seed and size always give the same papers.

use crate::words::*;

/// xorshift64* — small, fast and stable across platforms and Rust versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Spread small seeds over the state; never zero.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T: ?Sized>(&mut self, items: &'a [&'a T]) -> &'a T {
        items[self.range(0, items.len() - 1)]
    }
}

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Days since 1970-01-01 → date (Howard Hinnant's `civil_from_days`).
    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Date → days since 1970-01-01 (`days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// `2025-02-06`
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One generated paper: everything both site writers need.
#[derive(Clone, Debug)]
pub struct Paper {
    pub slug: String,
    pub title: String,
    pub date: Date,
    pub authors: Vec<String>,
    /// Tags written in the record's front matter.
    pub tags: Vec<String>,
    /// Tags digest derives from `[keyword_tags]` phrases in the abstract (listed explicitly in
    /// the Hugo corpus, which has no such feature).
    pub keyword_tags: Vec<String>,
    pub upvotes: Option<u32>,
    pub arxiv: String,
    pub code: Option<String>,
    pub project: Option<String>,
    /// The abstract, Markdown.
    pub body: String,
}

impl Paper {
    /// Front-matter tags and keyword tags, without duplicates.
    pub fn all_tags(&self) -> Vec<String> {
        let mut all = self.tags.clone();
        for t in &self.keyword_tags {
            if !all.contains(t) {
                all.push(t.clone());
            }
        }
        all
    }
}

/// The last day of the corpus; papers go back from here.
pub const LAST_DAY: Date = Date {
    year: 2025,
    month: 12,
    day: 31,
};

/// Every tag name in Zipf rank order (~300).
pub fn tag_names() -> Vec<String> {
    let mut names: Vec<String> = TOPICS.iter().map(|t| t.to_string()).collect();
    for m in TAG_MODIFIERS {
        names.extend(TOPICS.iter().map(|t| format!("{m}-{t}")));
    }
    names
}

/// Iterator over the papers of a corpus, newest day first.
pub struct Corpus {
    rng: Rng,
    remaining: usize,
    tags: Vec<String>,
    /// Cumulative Zipf weights of `tags`.
    cumulative: Vec<f64>,
    day: i64,
    left_today: usize,
    /// (year, month) of the arXiv counter and the counter.
    arxiv_seq: ((i32, u32), u32),
}

impl Corpus {
    pub fn new(seed: u64, papers: usize) -> Corpus {
        let tags = tag_names();
        let mut total = 0.0;
        let cumulative = (0..tags.len())
            .map(|r| {
                total += 1.0 / ((r + 1) as f64).powf(1.05);
                total
            })
            .collect();
        let mut rng = Rng::new(seed);
        let left_today = rng.range(30, 50);
        Corpus {
            rng,
            remaining: papers,
            tags,
            cumulative,
            day: LAST_DAY.to_days(),
            left_today,
            arxiv_seq: ((0, 0), 0),
        }
    }

    fn zipf_tag(&mut self) -> String {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = self.rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        self.tags[i.min(self.tags.len() - 1)].clone()
    }

    fn next_date(&mut self) -> Date {
        if self.left_today == 0 {
            self.day -= 1;
            self.left_today = self.rng.range(30, 50);
        }
        self.left_today -= 1;
        Date::from_days(self.day)
    }

    fn arxiv_id(&mut self, date: Date) -> String {
        let month = (date.year, date.month);
        if self.arxiv_seq.0 != month {
            self.arxiv_seq = (month, 0);
        }
        self.arxiv_seq.1 += self.rng.range(1, 7) as u32;
        format!(
            "{:02}{:02}.{:05}",
            date.year % 100,
            date.month,
            self.arxiv_seq.1
        )
    }

    fn title(&mut self) -> String {
        let r = &mut self.rng;
        match r.range(0, 3) {
            0 => {
                let name: String = (0..r.range(3, 6))
                    .map(|_| (b'A' + r.range(0, 25) as u8) as char)
                    .collect();
                format!(
                    "{name}: {} {} for {}",
                    r.pick(TITLE_ADJECTIVES),
                    r.pick(TITLE_NOUNS),
                    r.pick(TITLE_TASKS)
                )
            }
            1 => format!(
                "{} {} via {}",
                r.pick(TITLE_ADJECTIVES),
                r.pick(TITLE_TASKS),
                r.pick(TITLE_METHODS)
            ),
            2 => format!(
                "Do {} Need {}? A Study of {}",
                r.pick(TITLE_NOUNS),
                r.pick(TITLE_METHODS),
                r.pick(TITLE_TASKS)
            ),
            _ => format!(
                "{} {} with {} and {}",
                r.pick(TITLE_ADJECTIVES),
                r.pick(TITLE_NOUNS),
                r.pick(TITLE_METHODS),
                r.pick(TITLE_METHODS)
            ),
        }
    }

    fn sentence(&mut self, out: &mut String) -> usize {
        let n = self.rng.range(10, 24);
        for i in 0..n {
            let w = self.rng.pick(WORDS);
            if i == 0 {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(w);
                if i + 2 < n && self.rng.chance(0.06) {
                    out.push(',');
                }
            }
        }
        out.push_str(". ");
        n
    }

    /// The abstract and the keyword tags its phrases trigger.
    fn body(&mut self) -> (String, Vec<String>) {
        let target = self.rng.range(150, 250);
        let math = self.rng.chance(0.10);
        let code = self.rng.chance(0.05);
        let mut keyword_tags = Vec::new();
        let mut phrases = Vec::new();
        for (tag, phrase) in KEYWORD_TAGS {
            if self.rng.chance(0.03) {
                keyword_tags.push(tag.to_string());
                phrases.push(*phrase);
            }
        }
        let mut out = String::with_capacity(target * 8);
        let mut words = 0;
        let mut paragraph_break = false;
        while words < target {
            words += self.sentence(&mut out);
            if let Some(p) = phrases.pop() {
                out.push_str(&format!("Our design builds on {p} at scale. "));
                words += 7;
            }
            if math && words > target / 3 && !out.contains('$') {
                out.push_str(&format!(
                    "We show that {} holds for every {}. ",
                    self.rng.pick(FORMULAS),
                    self.rng.pick(FORMULAS)
                ));
                words += 7;
                if self.rng.chance(0.3) {
                    out.push_str(&format!("\n\n{}\n\n", self.rng.pick(DISPLAY_FORMULAS)));
                }
            }
            if !paragraph_break && words > target / 2 {
                paragraph_break = true;
                out.truncate(out.trim_end().len());
                out.push_str("\n\n");
                if code {
                    out.push_str(CODE_BLOCK);
                    out.push_str("\n\n");
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        (out, keyword_tags)
    }
}

impl Iterator for Corpus {
    type Item = Paper;

    fn next(&mut self) -> Option<Paper> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let date = self.next_date();
        let arxiv = self.arxiv_id(date);
        let title = self.title();
        let slug = format!("{}-{}", slugify(&title, 6), arxiv.replace('.', "-"));
        let authors = (0..self.rng.range(2, 15))
            .map(|_| {
                format!(
                    "{} {}",
                    self.rng.pick(FIRST_NAMES),
                    self.rng.pick(LAST_NAMES)
                )
            })
            .collect();
        let mut tags: Vec<String> = Vec::new();
        let want = self.rng.range(1, 5);
        for _ in 0..want * 4 {
            if tags.len() == want {
                break;
            }
            let t = self.zipf_tag();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let upvotes = if self.rng.chance(0.9) {
            Some((self.rng.unit().powi(3) * 400.0) as u32)
        } else {
            None
        };
        let short = slugify(&title, 2);
        let user: String = self
            .rng
            .pick(LAST_NAMES)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let code = self
            .rng
            .chance(0.35)
            .then(|| format!("https://github.com/{user}/{short}"));
        let project = self
            .rng
            .chance(0.12)
            .then(|| format!("https://{user}.github.io/{short}/"));
        let (body, keyword_tags) = self.body();
        Some(Paper {
            slug,
            title,
            date,
            authors,
            tags,
            keyword_tags,
            upvotes,
            arxiv,
            code,
            project,
            body,
        })
    }
}

/// Lower-case ASCII words joined by `-`, at most `max_words` of them.
pub fn slugify(text: &str, max_words: usize) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(max_words)
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// A TOML basic string, quoted and escaped.
pub fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML array of strings.
pub fn toml_array(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| toml_str(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// Sanity checks of the generator, run before generating: date arithmetic round-trips and a
/// seed always gives the same papers.
pub fn self_check() -> Result<(), String> {
    for d in [0i64, 59, 365, 11_000, 20_453, -1] {
        if Date::from_days(d).to_days() != d {
            return Err(format!("date arithmetic is wrong for day {d}"));
        }
    }
    if Date::from_days(LAST_DAY.to_days() + 1).iso() != "2026-01-01" {
        return Err("date arithmetic is wrong at the end of 2025".into());
    }
    let a: Vec<String> = Corpus::new(7, 50).map(|p| p.body).collect();
    let b: Vec<String> = Corpus::new(7, 50).map(|p| p.body).collect();
    if a != b {
        return Err("the corpus generator is not deterministic".into());
    }
    Ok(())
}
