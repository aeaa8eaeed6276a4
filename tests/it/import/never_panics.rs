//! Property test: thousands of random byte mutations of each fixture never make an
//! importer panic (they may return Err or problems).

use digest::import::{csl_json, hf_json, s2_json};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[u8] = b"{}[]\",:\\ \n0123456789-.eEtfnulTZ/v";

fn mutate(rng: &mut XorShift, base: &[u8]) -> String {
    let mut bytes = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        let byte = if rng.below(4) == 0 {
            rng.next() as u8
        } else {
            INTERESTING[rng.below(INTERESTING.len())]
        };
        match rng.below(4) {
            0 => bytes.insert(at, byte),
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            2 if at < bytes.len() => {
                // delete a short run, often cutting a string or a bracket pair
                let end = (at + 1 + rng.below(12)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ if at < bytes.len() => bytes[at] = byte,
            _ => bytes.push(byte),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn hammer(seed: u64, fixture: &str, parse: impl Fn(&str)) {
    let mut rng = XorShift(seed);
    let mut input = fixture.to_string();
    for round in 0..3000 {
        // every 50 rounds restart from the fixture, otherwise keep mutating the last input
        if round % 50 == 0 {
            input = fixture.to_string();
        }
        input = mutate(&mut rng, input.as_bytes());
        parse(&input);
    }
}

#[test]
fn hf_never_panics() {
    hammer(
        0x9E37_79B9_7F4A_7C15,
        include_str!("../../fixtures/import/hf-daily.json"),
        |s| {
            let _ = hf_json::parse(s);
        },
    );
}

#[test]
fn csl_never_panics() {
    hammer(
        0xD1B5_4A32_D192_ED03,
        include_str!("../../fixtures/import/zotero.csl.json"),
        |s| {
            let _ = csl_json::parse(s);
        },
    );
}

#[test]
fn s2_never_panics() {
    for (seed, fixture) in [
        (
            0x2545_F491_4F6C_DD1D,
            include_str!("../../fixtures/import/s2-batch.json"),
        ),
        (
            0xBF58_476D_1CE4_E5B9,
            include_str!("../../fixtures/import/s2-single.json"),
        ),
    ] {
        hammer(seed, fixture, |s| {
            let _ = s2_json::parse(s, None);
            let _ = s2_json::parse(s, Some(jiff::civil::date(2025, 1, 1)));
        });
    }
}

#[test]
fn parses_still_succeed_on_most_mutations() {
    // Guards against the fuzz loop only ever exercising the syntax-error path.
    let mut rng = XorShift(7);
    let fixture = include_str!("../../fixtures/import/hf-daily.json");
    let ok = (0..500)
        .filter(|_| hf_json::parse(&mutate(&mut rng, fixture.as_bytes())).is_ok())
        .count();
    assert!(ok > 25, "only {ok} of 500 mutations parsed");
}

#[test]
fn hf_text_never_panics() {
    let listing = include_str!("../../fixtures/hf-daily-papers.txt");
    // The whole listing is long; its first part has every kind of line.
    let fixture: String = listing.chars().take(6000).collect();
    hammer(0xD1B5_4A32_D192_ED03, &fixture, |text| {
        let (papers, errors) = digest::import::hf_text::parse_entries(text, 2025);
        for error in errors {
            assert!(error.position().0 >= 1);
        }
        drop(papers);
    });
}

#[test]
fn digest_json_never_panics() {
    let fixture = r#"[{"title": "A", "date": "2025-02-06", "authors": ["X Y"], "tags": ["t"], "links": {"code": "https://g/x"}, "slug": "a", "extra": {"n": 1}, "body": "Body $x$."}]"#;
    hammer(0x94D0_49BB_1331_11EB, fixture, |text| {
        let _ = digest::export::json::parse(text);
    });
}
