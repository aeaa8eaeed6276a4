//! A day's email in headless Chromium, as a phone (320 px) and a desktop mail client (600 px)
//! show it, in light and dark mode: nothing wider than the window (no sideways scrolling),
//! the one column at most 600 px wide, and the text readable against its background.
//!
//! Needs Chromium (`/usr/bin/chromium` or `$CHROMIUM`; Debian: `apt-get install -y chromium`).

use std::time::Duration;

use crate::common::browser::Chromium;
use crate::common::{self, Site};
use crate::email::day_of_papers;

const WAIT: Duration = Duration::from_secs(30);

/// The widths checked: a small phone and the width desktop clients give a message.
const WIDTHS: [u32; 2] = [320, 600];

/// Measures, in the page: the page's scroll width and the window's width, the column's width,
/// and the lowest contrast ratio between an element's text colour and the background behind it.
const MEASURE: &str = r#"(() => {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c;
    }
    return [255, 255, 255];
  };
  let lowest = 21;
  for (const el of document.querySelectorAll('body *')) {
    if (!el.childNodes.length || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.opacity === '0') continue;
    const a = lum(rgb(style.color)), b = lum(background(el));
    lowest = Math.min(lowest, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
  }
  const sheet = document.querySelector('table.sheet').getBoundingClientRect();
  return [document.documentElement.scrollWidth, window.innerWidth, sheet.width, lowest];
})()"#;

/// The 300-paper day, all of them listed up to the size guard, with a title and a link that
/// cannot be broken at spaces, at both widths and in both colour schemes.
#[test]
fn a_day_s_email_fits_phone_and_desktop_widths_in_light_and_dark() {
    let site = Site::fixture("small");
    day_of_papers(&site, 300, "2025-03-03");
    let long = "Supercalifragilisticexpialidociousnessofunbreakablewordsinatitle".repeat(3);
    site.write(
        "content/long.md",
        &format!(
            "+++\ntitle = \"{long}\"\ndate = 2025-03-03\nupvotes = 100000\nlinks = {{ project = \"https://example.com/{long}\" }}\n+++\n{long} {long}\n"
        ),
    );
    let dir = site.tmp.path().join("mail");
    let run = common::digest(
        &[
            "email",
            "--root",
            site.root.to_str().unwrap(),
            "--date",
            "2025-03-03",
            "--top",
            "1000",
            "--output",
            dir.to_str().unwrap(),
        ],
        site.tmp.path(),
    );
    run.assert_success();
    let file = dir.join("day-2025-03-03.html");
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains(&long[..60])
    );

    let chromium = Chromium::start();
    let mut page = chromium.page();
    for scheme in ["light", "dark"] {
        for width in WIDTHS {
            page.emulate_color_scheme(scheme);
            page.emulate_viewport(width, 900, width < 400);
            page.navigate(&format!("file://{}", file.display()));
            page.wait_loaded(WAIT);
            let measured = page.eval(MEASURE);
            let [scroll, window, sheet, contrast] =
                [0, 1, 2, 3].map(|i| measured[i].as_f64().unwrap());
            assert!(
                scroll <= window,
                "{scheme}, {width} px: the email is {scroll} px wide, scrolls sideways"
            );
            assert!(
                sheet <= 600.0 && sheet <= window,
                "{scheme}, {width} px: column {sheet} px"
            );
            assert!(
                contrast >= 4.5,
                "{scheme}, {width} px: text with a contrast of {contrast:.2} to its background"
            );
        }
    }
    page.close();
}
