//! Search in Chinese, Japanese and Korean: the built index and the site's own `search.js`.
//!
//! - Recall: 30 CJK queries run through the built `search.js` (in Node, reading the built index
//!   files) must each find their papers among the first eight suggestions.
//! - Agreement: the words the build indexed for each paper are exactly the words `search.js`
//!   cuts from its title and abstract (CJK bigrams, width forms, mixed scripts).
//! - Chromium: typing a Chinese, a Japanese and a Korean title fragment in the box suggests the
//!   paper; the results page shows snippets with the matched words marked.
//!
//! Needs `node` and `/usr/bin/chromium` (or `CHROMIUM`); `.ci/run` installs both.

mod papers;

use crate::common;
use crate::common::browser;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use browser::Chromium;
use common::Site;
use papers::{PAPERS, QUERIES};

const WAIT: Duration = Duration::from_secs(20);

/// Suggestions the search box shows: a query must find its papers among these.
const SUGGESTIONS: usize = 8;

/// The repository's sample papers (English) with the CJK papers added, on a site with no
/// keyword tags (so each CJK paper's indexed words are those of its title and abstract).
fn cjk_site() -> Site {
    let site = Site::repo_site();
    site.write(
        "site.toml",
        "title = \"Papers in every script\"\nbase_url = \"https://example.org/\"\nlanguage = \"zh\"\n",
    );
    for (i, (slug, title, text)) in PAPERS.iter().enumerate() {
        let title = serde_json::to_string(title).unwrap();
        site.write(
            &format!("content/cjk/{slug}.md"),
            &format!(
                "+++\ntitle = {title}\ndate = 2025-03-{:02}\n+++\n\n{text}\n",
                1 + i % 28
            ),
        );
    }
    site
}

/// Runs the built site's `search.js` in Node with `fetch` reading the output folder: the
/// slugs of the first `limit` results of each query, and the tokens of each text.
fn run_search_js(out: &Path, queries: &[&str], texts: &[&str], limit: usize) -> Value {
    const HARNESS: &str = r#"
const fs = require('fs'), path = require('path');
const [out, job] = process.argv.slice(2);
globalThis.fetch = async (url) => {
  let text = null;
  try { text = fs.readFileSync(url, 'utf8'); } catch (e) { /* a missing file: 404 */ }
  return { ok: text !== null, status: text === null ? 404 : 200, json: async () => JSON.parse(text) };
};
const search = require(path.join(out, 'search.js'));
search.setBase(out + '/');
const { queries, texts, limit } = JSON.parse(fs.readFileSync(job, 'utf8'));
(async () => {
  const meta = JSON.parse(fs.readFileSync(path.join(out, 'search/meta.json'), 'utf8'));
  const found = [];
  for (const q of queries) {
    const res = await search.search(q, limit);
    found.push(res ? res.items.map((it) => it.row[0]) : []);
  }
  const tokens = texts.map((t) => search.tokens(t, meta).map((x) => x[0]));
  process.stdout.write(JSON.stringify({ found, tokens }));
})().catch((e) => { console.error(e); process.exit(1); });
"#;
    let dir = tempfile::tempdir().unwrap();
    let harness = dir.path().join("harness.js");
    let job = dir.path().join("job.json");
    std::fs::write(&harness, HARNESS).unwrap();
    std::fs::write(
        &job,
        json!({ "queries": queries, "texts": texts, "limit": limit }).to_string(),
    )
    .unwrap();
    let run = Command::new("node")
        .arg(&harness)
        .arg(out)
        .arg(&job)
        .output()
        .expect("node runs (install Node.js: apt-get install nodejs)");
    assert!(
        run.status.success(),
        "search.js failed in node: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("the harness prints JSON")
}

#[test]
fn thirty_cjk_queries_find_their_papers_through_search_js() {
    let site = cjk_site();
    let out = site.build_ok(&[]);
    let queries: Vec<&str> = QUERIES.iter().map(|q| q.0).collect();
    let result = run_search_js(&out, &queries, &[], SUGGESTIONS);
    let mut missed = Vec::new();
    let (mut wanted, mut found) = (0, 0);
    for ((query, expected), got) in QUERIES.iter().zip(result["found"].as_array().unwrap()) {
        let got: Vec<&str> = got
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        for slug in *expected {
            wanted += 1;
            if got.contains(slug) {
                found += 1;
            } else {
                missed.push(format!("{query} → {slug} (got {got:?})"));
            }
        }
    }
    assert_eq!(QUERIES.len(), 30);
    eprintln!("CJK recall: {found}/{wanted} papers in the first {SUGGESTIONS} suggestions");
    assert!(
        missed.is_empty(),
        "recall {found}/{wanted}; missed:\n{}",
        missed.join("\n")
    );

    // A query in one script finds no paper of another that shares none of its characters, and
    // the Japanese 拡散 is not the Chinese 扩散.
    let result = run_search_js(&out, &["拡散モデル", "扩散模型的高"], &[], 50);
    assert_eq!(result["found"][0], json!(["ja-illustration"]));
    assert_eq!(result["found"][1], json!(["zh-diffusion-image"]));
}

/// Every paper's terms in the built index, from the term shards and document chunks.
fn indexed_terms(out: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let read = |p: PathBuf| -> Value {
        serde_json::from_str(&common::read(out, p.to_str().unwrap())).unwrap()
    };
    let meta = read("search/meta.json".into());
    let chunk = meta["chunk"].as_u64().unwrap();
    let mut slugs: HashMap<u64, String> = HashMap::new();
    for n in 0..meta["n"].as_u64().unwrap().div_ceil(chunk) {
        for (i, row) in read(format!("search/d/{n}.json").into())
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            slugs.insert(n * chunk + i as u64, row[0].as_str().unwrap().to_string());
        }
    }
    let mut terms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(out.join("search/t")).unwrap() {
        let shard = read(
            entry
                .unwrap()
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_path_buf(),
        );
        for (term, postings) in shard["t"].as_object().unwrap() {
            let p: Vec<u64> = postings
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            let mut i = 1;
            while i + 1 < p.len() {
                let count = p[i + 1] as usize;
                let mut doc = 0;
                for j in 0..count {
                    doc = if j == 0 { p[i + 2] } else { doc - p[i + 2 + j] };
                    terms
                        .entry(slugs[&doc].clone())
                        .or_default()
                        .insert(term.clone());
                }
                i += 2 + count;
            }
        }
    }
    terms
}

#[test]
fn the_build_and_search_js_cut_text_into_the_same_words() {
    let site = cjk_site();
    let out = site.build_ok(&[]);
    let texts: Vec<&str> = PAPERS.iter().flat_map(|p| [p.1, p.2]).collect();
    let result = run_search_js(&out, &[], &texts, 0);
    let meta: Value = serde_json::from_str(&common::read(&out, "search/meta.json")).unwrap();
    let stop: BTreeSet<&str> = meta["stop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let indexed = indexed_terms(&out);
    let tokens = result["tokens"].as_array().unwrap();
    for (k, (slug, title, _)) in PAPERS.iter().enumerate() {
        let js: BTreeSet<String> = tokens[2 * k]
            .as_array()
            .unwrap()
            .iter()
            .chain(tokens[2 * k + 1].as_array().unwrap())
            .map(|t| t.as_str().unwrap().to_string())
            .filter(|t| !stop.contains(t.as_str()))
            .collect();
        assert_eq!(
            indexed.get(*slug),
            Some(&js),
            "{slug} ({title}): the build's words (left) and search.js's (right) differ"
        );
    }

    // Forms that only match once normalized, in both directions.
    let width = &indexed["mixed-width-forms"];
    for word in [
        "bert",
        "ascii",
        "デー",
        "ータ",
        "人工",
        "株式",
        "x²",
        "lora",
        "微调",
        "qwen2",
        "schrodinger",
        "猫",
    ] {
        assert!(width.contains(word), "{word} in {width:?}");
    }
    let hangul = &indexed["mixed-decomposed-hangul"];
    for word in ["한국", "국어", "형태", "태소", "분석", "六도"] {
        assert!(hangul.contains(word), "{word} in {hangul:?}");
    }
    let queries = [
        "ＢＥＲＴ",
        "人工知能",
        "한국어 형태소",
        "\u{f9d1}",
        "ﾃﾞｰﾀｾｯﾄ",
    ];
    let result = run_search_js(&out, &queries, &[], SUGGESTIONS);
    let found = result["found"].as_array().unwrap();
    for (query, want) in queries.iter().zip([
        "mixed-width-forms",
        "mixed-width-forms",
        "mixed-decomposed-hangul",
        "mixed-decomposed-hangul",
        "mixed-width-forms",
    ]) {
        let got = &found[queries.iter().position(|q| q == query).unwrap()];
        assert!(
            got.as_array().unwrap().iter().any(|s| s == want),
            "{query}: {got}"
        );
    }
}

#[test]
fn typing_chinese_japanese_and_korean_fragments_suggests_the_paper() {
    let site = cjk_site();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!(
        "http://127.0.0.1:{}/repo/",
        listener.local_addr().unwrap().port()
    );
    let out = site.build_ok(&["--base-url", &base]);
    browser::serve_static(listener, out, "/repo/");
    let chromium = Chromium::start();
    let mut page = chromium.page();
    page.navigate(&format!("{base}archive/"));
    page.wait_loaded(WAIT);

    for (fragment, title) in [
        ("知识图谱问答", "面向知识图谱问答的检索增强生成框架"),
        ("機械翻訳の評", "大規模言語モデルを用いた日英機械翻訳の評価"),
        (
            "감성 분석",
            "소셜 미디어 텍스트의 감성 분석을 위한 데이터셋",
        ),
    ] {
        page.focus_selector("#search-q");
        page.eval("document.querySelector('#search-q').value = ''");
        // As an input method commits text: one input event with the whole fragment.
        page.insert_text(fragment);
        let first = format!(
            "(document.querySelector('#search-list .search-title') || {{}}).textContent === {}",
            json!(title)
        );
        page.wait_for_js(
            &format!("`{title}` suggested for `{fragment}`"),
            &first,
            WAIT,
        );
        // The typed words are marked in the title.
        let marked = page.eval(
            "[...document.querySelectorAll('#search-list [role=option]')][0].querySelector('mark').textContent",
        );
        assert!(
            fragment
                .split(' ')
                .any(|w| marked.as_str().unwrap().contains(w)),
            "{fragment}: {marked}"
        );
    }

    // The results page: each result with a snippet of its abstract, the query's words marked,
    // in CJK and in English.
    for (query, first_title, marked_word) in [
        (
            "检索增强生成",
            Some("面向知识图谱问答的检索增强生成框架"),
            "检索增强生成",
        ),
        (
            "종단간 음성",
            Some("한국어 음성 인식을 위한 종단간 모델"),
            "종단간",
        ),
        ("style transfer", None, "style"),
    ] {
        let mut page = chromium.page();
        page.navigate(&format!(
            "{base}search/?q={}",
            utf8_percent_encode(query, NON_ALPHANUMERIC)
        ));
        page.wait_loaded(WAIT);
        page.wait_for_js(
            &format!("snippets for `{query}`"),
            "document.querySelector('#search-results .card .search-snippet mark') !== null",
            WAIT,
        );
        let card = page.eval(
            "(() => { const c = document.querySelector('#search-results .card'); return [c.querySelector('.card-title').textContent, [...c.querySelectorAll('.search-snippet mark')].map(m => m.textContent)]; })()",
        );
        if let Some(title) = first_title {
            assert_eq!(card[0], json!(title), "{card}");
        }
        assert!(
            card[1].as_array().unwrap().iter().any(|m| m == marked_word),
            "{query}: {card}"
        );
    }
}
