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
