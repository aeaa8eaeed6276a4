//! Accessibility of the default theme, checked in a real headless Chromium on the repository's
//! sample site: one page of each kind (home, a home pager page, a paper, a day, a month, the
//! archive, the tag list, a tag, the subscribe and top pages, the 404 page), each in light and in dark
//! mode.
//!
//! - axe-core (WCAG 2.0/2.1/2.2 A and AA rules and axe's best practices) finds no violation of
//!   impact serious or critical, and every page scores at least [`SCORE_FLOOR`] (see [`score`]).
//!   Text axe cannot decide on (e.g. symbols such as the upvote ▲) is checked by a contrast
//!   computation of our own.
//! - The pages do not shift while loading: the cumulative layout shift is below [`CLS_LIMIT`].
//! - Keyboard: the first Tab reaches the skip link, which is then visible with a focus outline
//!   of at least 2px that contrasts with the page (3:1); Enter on it moves on to the content.
//!
//! The site is built with `--base-url http://127.0.0.1:<port>/` and served by a small static
//! file server in this test (the real output, without the live-reload script of `digest serve`).
//!
//! Needs Chromium (`/usr/bin/chromium` or `$CHROMIUM`; Debian: `apt-get install -y chromium`)
//! and npm: axe-core is pinned in `tests/tools/package.json` (and its lock file) and installed
//! by the test itself with `npm ci --prefix tests/tools` when missing. Without them the test
//! fails, saying what to install.

use crate::common;
use crate::common::browser;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use browser::{Chromium, Page};
use common::Site;

/// The lowest accepted axe score of a page: passed rules / (passed + violated rules), counting
/// rules of any impact (a rule that applies to no element on the page counts neither way).
/// Serious and critical violations fail the test by themselves, whatever the score.
const SCORE_FLOOR: f64 = 0.95;
/// The highest accepted cumulative layout shift of a page load ("good" is < 0.1 for Core Web
/// Vitals; a static page should not shift at all).
const CLS_LIMIT: f64 = 0.01;
/// The axe rule sets run.
const AXE_TAGS: &[&str] = &[
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];
const SCHEMES: [&str; 2] = ["light", "dark"];
const WAIT: Duration = Duration::from_secs(30);

// The site and its server

/// The sample site built for and served on a local port, and a browser.
struct Fixture {
    _site: Site,
    out: PathBuf,
    base: String,
    chromium: Chromium,
}

impl Fixture {
    fn start() -> Fixture {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let site = Site::repo_site();
        let out = site.build_ok(&["--base-url", &format!("{base}/")]);
        browser::serve_static(listener, out.clone(), "/");
        Fixture {
            _site: site,
            out,
            base,
            chromium: Chromium::start(),
        }
    }

    /// One page of each kind, as paths from the site root (the first of each kind in name
    /// order).
    fn pages(&self) -> Vec<String> {
        let first = |relative: &str, depth: usize, dates: bool| -> String {
            let mut dirs = page_dirs(&self.out.join(relative), depth, dates);
            dirs.sort();
            let dir = dirs.first().unwrap_or_else(|| {
                panic!(
                    "no page {depth} folders below {relative:?} in {}",
                    self.out.display()
                )
            });
            let relative = dir.strip_prefix(&self.out).unwrap();
            format!("/{}/", relative.to_str().unwrap())
        };
        let mut pages = vec!["/".to_string()];
        if self.out.join("page/2/index.html").is_file() {
            pages.push("/page/2/".into());
        }
        pages.push(first("papers", 1, false));
        let day = first("", 3, true); // a day: /YYYY/MM/DD/
        let month = first("", 2, true); // a month: /YYYY/MM/
        pages.push(day.clone());
        pages.push(format!("{day}?order#by-title"));
        pages.push(month.clone());
        pages.push(format!("{month}?order#most-upvoted"));
        // An ISO week of the same year: /YYYY/wWW/.
        let year = month
            .trim_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        let mut weeks: Vec<String> = std::fs::read_dir(self.out.join(year))
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| name.starts_with('w'))
                    .collect()
            })
            .unwrap_or_default();
        weeks.sort();
        let week = weeks
            .first()
            .unwrap_or_else(|| panic!("no week page in /{year}/"));
        pages.push(format!("/{year}/{week}/"));
        pages.push("/archive/".into());
        pages.push("/tags/".into());
        pages.push(first("tags", 1, false));
        pages.push("/subscribe/".into());
        pages.push("/top/".into());
        pages.push("/404.html".into());
        pages
    }

    /// A new tab with `scheme` emulated.
    fn page(&self, scheme: &str) -> Page {
        let mut page = self.chromium.page();
        page.emulate_color_scheme(scheme);
        page
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// The folders `depth` levels below `dir` that hold an `index.html` (with `dates`, only through
/// folders named by digits: the year/month/day tree).
fn page_dirs(dir: &Path, depth: usize, dates: bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_dir() || (dates && !name.chars().all(|c| c.is_ascii_digit())) {
            continue;
        }
        if depth == 1 {
            if path.join("index.html").is_file() {
                found.push(path);
            }
        } else {
            found.extend(page_dirs(&path, depth - 1, dates));
        }
    }
    found
}

// axe-core

/// The source of `axe.min.js`, the version pinned in `tests/tools/package.json`.
fn axe_source() -> String {
    let axe = common::npm::package(
        "axe-core",
        "axe.min.js",
        "The accessibility test needs Node.js and npm",
    );
    std::fs::read_to_string(axe.join("axe.min.js")).unwrap()
}

/// Runs axe on the loaded page (injecting it first): the violations and the passed rules, and
/// the nodes axe could not decide on for colour contrast.
fn run_axe(page: &mut Page, axe: &str) -> Value {
    if page.eval("typeof window.axe") != json!("object") {
        page.eval(axe);
    }
    let options = json!({
        "runOnly": { "type": "tag", "values": AXE_TAGS },
        "resultTypes": ["violations", "incomplete"],
    });
    page.eval(&format!(
        r#"(async () => {{
            const r = await axe.run(document, {options});
            const node = n => ({{
                target: n.target.join(" "),
                html: n.html.length > 200 ? n.html.slice(0, 200) + "…" : n.html,
                summary: n.failureSummary || "",
                data: (n.any.concat(n.all, n.none).find(c => c.data) || {{}}).data || null,
            }});
            const rule = v => ({{ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map(node) }});
            return {{
                version: axe.version,
                passes: r.passes.map(p => p.id),
                violations: r.violations.map(rule),
                contrastUndecided: r.incomplete.filter(v => v.id === "color-contrast").flatMap(v => v.nodes.map(node)),
            }};
        }})()"#
    ))
}

/// passed rules / (passed + violated rules).
fn score(result: &Value) -> f64 {
    let passed = result["passes"].as_array().map_or(0, Vec::len) as f64;
    let violated = result["violations"].as_array().map_or(0, Vec::len) as f64;
    if passed + violated == 0.0 {
        return 0.0;
    }
    passed / (passed + violated)
}

/// A violation, with every node, as text for the failure message.
fn describe_violation(violation: &Value) -> String {
    let mut text = format!(
        "  {} [{}] {} ({} nodes) {}\n",
        violation["id"].as_str().unwrap_or("?"),
        violation["impact"].as_str().unwrap_or("?"),
        violation["help"].as_str().unwrap_or(""),
        violation["nodes"].as_array().map_or(0, Vec::len),
        violation["helpUrl"].as_str().unwrap_or("")
    );
    for node in violation["nodes"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "    - {}\n      {}\n",
            node["target"].as_str().unwrap_or("?"),
            node["html"].as_str().unwrap_or("")
        ));
        if let Some(data) = node["data"].as_object()
            && data.contains_key("contrastRatio")
        {
            text.push_str(&format!(
                "      contrast {} (needs {}): {} on {}, {} {}\n",
                data["contrastRatio"],
                data["expectedContrastRatio"].as_str().unwrap_or("?"),
                data["fgColor"].as_str().unwrap_or("?"),
                data["bgColor"].as_str().unwrap_or("?"),
                data["fontSize"].as_str().unwrap_or("?"),
                data["fontWeight"].as_str().unwrap_or("?")
            ));
        }
        let summary = node["summary"].as_str().unwrap_or("").trim();
        if !summary.is_empty() {
            text.push_str(&format!("      {}\n", summary.replace('\n', "\n      ")));
        }
    }
    text
}

/// Shared JavaScript: the WCAG contrast ratio of two CSS colours, the effective background of
/// an element (the first opaque background up its ancestors), and whether its text is large.
const CONTRAST_JS: &str = r#"
window.__contrast = (() => {
  const rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const lum = ({ r, g, b }) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const background = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (rgb(c).a >= 1) return c; } return "rgb(255, 255, 255)"; };
  const large = e => { const s = getComputedStyle(e); const px = parseFloat(s.fontSize); return px >= 24 || (px >= 18.66 && Number(s.fontWeight) >= 700); };
  const foreground = e => { const s = getComputedStyle(e); return e instanceof SVGElement && s.fill.startsWith("rgb") ? s.fill : s.color; };
  return { ratio, background, large, foreground };
})();
"#;

/// Our own contrast check of the nodes axe left undecided (symbols such as ▲, SVG text):
/// the text colour (an SVG element's fill) against the first opaque background up the
/// ancestors. Returns a description of each failing node.
fn check_undecided_contrast(page: &mut Page, result: &Value) -> Vec<String> {
    let targets: Vec<&str> = result["contrastUndecided"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["target"].as_str())
        .collect();
    if targets.is_empty() {
        return Vec::new();
    }
    page.eval(CONTRAST_JS);
    let targets = serde_json::to_string(&targets).unwrap();
    let failing = page.eval(&format!(
        r#"{targets}.flatMap(sel => {{
            const e = document.querySelector(sel);
            if (!e) return [];
            const fg = __contrast.foreground(e), bg = __contrast.background(e);
            const r = __contrast.ratio(fg, bg), need = __contrast.large(e) ? 3 : 4.5;
            return r + 0.005 >= need ? [] : [`${{sel}}: contrast ${{r.toFixed(2)}} (needs ${{need}}:1): ${{fg}} on ${{bg}}, text ${{JSON.stringify(e.textContent.trim().slice(0, 40))}}`];
        }})"#
    ));
    failing
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_kind_of_page_passes_axe_in_light_and_dark_mode() {
    let fixture = Fixture::start();
    let axe = axe_source();
    let mut problems = Vec::new();
    let mut summary = Vec::new();
    for scheme in SCHEMES {
        let mut page = fixture.page(scheme);
        for path in fixture.pages() {
            let url = fixture.url(&path);
            page.navigate(&url);
            let dark = page.eval("matchMedia('(prefers-color-scheme: dark)').matches");
            assert_eq!(
                dark,
                json!(scheme == "dark"),
                "{url}: prefers-color-scheme: {scheme} is not emulated"
            );
            audit(&mut page, &axe, &url, scheme, &mut problems, &mut summary);
        }
        // Search as readers use it: suggestions open under the box, and the results page.
        let home = fixture.url("/");
        page.navigate(&home);
        page.focus_selector("#search-q");
        page.type_text("language");
        page.wait_for_js(
            "search suggestions",
            "document.querySelector('#search-list [role=option]') !== null",
            WAIT,
        );
        let label = format!("{home} (suggestions open)");
        audit(&mut page, &axe, &label, scheme, &mut problems, &mut summary);
        let results = fixture.url("/search/?q=language");
        page.navigate(&results);
        page.wait_for_js(
            "search results",
            "document.querySelectorAll('#search-results .card').length > 0",
            WAIT,
        );
        audit(
            &mut page,
            &axe,
            &results,
            scheme,
            &mut problems,
            &mut summary,
        );
        page.close();
    }
    eprintln!(
        "axe-core results (score = passed / (passed + violated) rules):\n{}",
        summary.join("\n")
    );
    assert!(
        problems.is_empty(),
        "accessibility problems (axe-core, rules {AXE_TAGS:?}; the scores of all pages are above):\n\n{}",
        problems.join("\n")
    );
}

/// Runs axe on the page as it is now and records its score, and a problem when it has a
/// serious or critical violation, scores under the floor or has text of too little contrast.
fn audit(
    page: &mut Page,
    axe: &str,
    url: &str,
    scheme: &str,
    problems: &mut Vec<String>,
    summary: &mut Vec<String>,
) {
    let result = run_axe(page, axe);
    let score = score(&result);
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    summary.push(format!(
        "{scheme:5} {url:80} score {score:.3} ({} passed, {} violated: {})",
        result["passes"].as_array().map_or(0, Vec::len),
        violations.len(),
        violations
            .iter()
            .map(|v| format!(
                "{} [{}]",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?")
            ))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let serious: Vec<&Value> = violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    if !serious.is_empty() || score < SCORE_FLOOR {
        let mut text = format!(
            "{url} ({scheme} mode): score {score:.3} (floor {SCORE_FLOOR}), {} serious or critical violations; all violations:\n",
            serious.len()
        );
        for violation in &violations {
            text.push_str(&describe_violation(violation));
        }
        problems.push(text);
    }
    for failing in check_undecided_contrast(page, &result) {
        problems.push(format!(
            "{url} ({scheme} mode): text axe could not check fails WCAG AA contrast: {failing}"
        ));
    }
}

/// Records layout shifts from the start of every document into `window.__cls`.
const LAYOUT_SHIFT_OBSERVER: &str = r#"
window.__cls = 0;
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__cls += entry.value;
    window.__shifts.push({ value: entry.value, sources: (entry.sources || []).map(s => s.node ? (s.node.nodeName + (s.node.className ? "." + s.node.className : "")) : "?") });
  }
}).observe({ type: "layout-shift", buffered: true });
"#;

/// Waits for the layout to settle after the load (two frames and a little time).
const SETTLE_JS: &str = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300))))";

#[test]
fn pages_do_not_shift_while_loading() {
    let fixture = Fixture::start();
    let mut problems = Vec::new();
    let mut summary = Vec::new();
    for scheme in SCHEMES {
        let mut page = fixture.page(scheme);
        page.add_init_script(LAYOUT_SHIFT_OBSERVER);
        for path in fixture.pages() {
            let url = fixture.url(&path);
            page.navigate(&url);
            page.eval(SETTLE_JS);
            let cls = page.eval("window.__cls").as_f64().unwrap_or(f64::NAN);
            summary.push(format!("{scheme:5} {path:60} CLS {cls:.4}"));
            if cls.is_nan() || cls >= CLS_LIMIT {
                problems.push(format!(
                    "{url} ({scheme} mode): cumulative layout shift {cls:.4} (limit {CLS_LIMIT}); shifts: {}",
                    page.eval("JSON.stringify(window.__shifts)")
                ));
            }
        }
        // The measurement itself works: a shift made on purpose is seen.
        page.eval(
            "(() => { const d = document.createElement('div'); d.style.height = '200px'; \
             document.body.prepend(d); })()",
        );
        page.eval(SETTLE_JS);
        let cls = page.eval("window.__cls").as_f64().unwrap_or(0.0);
        assert!(
            cls > 0.0,
            "({scheme} mode) a layout shift made on purpose was not observed: the CLS measurement does not work"
        );
        page.close();
    }
    eprintln!("cumulative layout shift on load:\n{}", summary.join("\n"));
    assert!(
        problems.is_empty(),
        "pages shift while loading:\n{}",
        problems.join("\n")
    );
}

#[test]
fn skip_link_comes_first_and_focus_is_visible() {
    let fixture = Fixture::start();
    let mut problems = Vec::new();
    for scheme in SCHEMES {
        let mut page = fixture.page(scheme);
        // A fragment (`#by-title`) starts Tab from its anchor, as browsers do for any fragment;
        // pages opened at one are checked by axe and for layout shift, not here.
        for path in fixture.pages().into_iter().filter(|p| !p.contains('#')) {
            let url = fixture.url(&path);
            page.navigate(&url);
            page.eval(CONTRAST_JS);
            page.press_key("Tab");
            let focused = page.eval(
                r#"(() => {
                    const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
                    const bg = __contrast.background(e.parentElement || document.body);
                    return {
                        html: e.outerHTML.slice(0, 120),
                        skip: e.matches("a.skip[href='#main']"),
                        focusVisible: e.matches(":focus-visible"),
                        outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
                        outlineStyle: s.outlineStyle,
                        outlineWidth: parseFloat(s.outlineWidth),
                        outlineContrast: s.outlineStyle === "none" ? 0 : __contrast.ratio(s.outlineColor, bg),
                        background: bg,
                        inViewport: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
                    };
                })()"#,
            );
            let what = format!("{url} ({scheme} mode)");
            if focused["skip"] != json!(true) {
                problems.push(format!(
                    "{what}: the first Tab focuses {} instead of the skip link",
                    focused["html"]
                ));
                continue;
            }
            if focused["focusVisible"] != json!(true)
                || focused["outlineStyle"] == json!("none")
                || focused["outlineWidth"].as_f64().unwrap_or(0.0) < 2.0
                || focused["outlineContrast"].as_f64().unwrap_or(0.0) < 3.0
                || focused["inViewport"] != json!(true)
            {
                problems.push(format!(
                    "{what}: the focused skip link is not clearly visible (needs :focus-visible, an outline of at least 2px with contrast 3:1 against the page, inside the viewport): {focused}"
                ));
            }
            page.press_key("Enter");
            page.wait_for_js(
                &format!("{what}: the skip link goes to #main"),
                "location.hash === '#main'",
                WAIT,
            );
            page.press_key("Tab");
            let inside = page.eval(
                "(() => { const m = document.getElementById('main'); \
                 return m.contains(document.activeElement) ? true : document.activeElement.outerHTML.slice(0, 120); })()",
            );
            if inside != json!(true) {
                problems.push(format!(
                    "{what}: Tab after the skip link focuses {inside}, not something in <main>"
                ));
            }
        }
        page.close();
    }
    assert!(
        problems.is_empty(),
        "keyboard navigation problems:\n{}",
        problems.join("\n")
    );
}
