//! What a killed or concurrent run leaves behind: leftover temporary files, the moment of the
//! folder swap, two writers of one file, and where the session cookie may be kept.
//!
//! The swap tests widen the one dangerous instant with strace (`-e inject=...:delay_exit`): the
//! first rename that touches the target is held for seconds and the job is SIGKILLed inside
//! it. Without strace (`apt-get install strace`) they say SKIPPED and pass, unless
//! CPH50_REQUIRE_ALL=1 (tests/common/tools.rs).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use predicates::prelude::*;

use crate::common::sim::SimProcess;
use crate::common::{Demo, cph50, require, require_tool, snapshot};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `cph50 build` of `root/data` into `root/site` with a fixed timestamp (byte-identical builds).
fn build(root: &Path) -> assert_cmd::assert::Assert {
    cph50(root)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .args(["build", "--out", "site", "--templates"])
        .arg(repo("templates"))
        .arg("--blog")
        .arg(repo("tests/fixtures/blog_ok"))
        .assert()
}

/// The names beside `dir`'s entries that start with `.cph50-`, lock files left out.
fn leftovers_beside(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".cph50-") && !n.ends_with(".lock"))
        .collect();
    names.sort();
    names
}

fn set_age(path: &Path, age: Duration) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - age)
        .unwrap();
}

/// Case `reliability/cache_tmp_leftover`: a `cache` killed while writing leaves
/// `session_cache/.cph50-XXXXXX.tmp` (a torn write, `tests/fixtures/reliability/`). Every
/// reader skips such files wherever they are, and the next writing run deletes stale ones.
#[test]
fn validate_and_build_ignore_a_leftover_temp_file() {
    let now = "2026-10-20T18:00:00Z";
    let demo = Demo::new(2);
    let torn = fs::read(repo("tests/fixtures/reliability/torn_cache_write.txt")).unwrap();
    let data = demo.data();
    let session_dir = fs::read_dir(data.join("sessions/2026/10"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let leftovers = [
        data.join("session_cache/.cph50-Ab12Cd.tmp"),
        data.join("session_cache/2026/10/.cph50-Ef34Gh.tmp"),
        data.join(".cph50-Ij56Kl.tmp"),
        session_dir.join(".cph50-Mn78Op.tmp"),
    ];
    for path in &leftovers {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, &torn).unwrap();
        set_age(path, Duration::from_secs(3600));
    }
    demo.validate()
        .success()
        .stdout(predicate::str::contains("ok:"));
    build(demo.root()).success();

    let sim = SimProcess::start(&["--speed", "0", "--start", now, "--history-days", "20"]);
    sim.cph50(demo.root())
        .env("CPH50_NOW", now)
        .args(["cache", "--current"])
        .assert()
        .success();
    for path in &leftovers {
        assert!(!path.exists(), "{} was not cleaned up", path.display());
    }
    demo.validate().success();
}

/// Whether strace can trace here (and `kill` is there to SIGKILL the traced job); says
/// SKIPPED when not, or fails under CPH50_REQUIRE_ALL=1 (`.ci/run` installs both).
fn strace_works() -> bool {
    let traces = || {
        Command::new("strace")
            .args(["-f", "-qq", "-o", "/dev/null", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    require_tool("kill")
        && require_tool("strace")
        && require(
            "permission to trace (ptrace)",
            traces(),
            "strace cannot trace here: allow ptrace in the container",
        )
}

/// Runs cph50 `args` in `root` under strace, holds the first rename that touches `target`
/// for 30 s, and SIGKILLs cph50 inside that pause. Returns the syscall it was killed in.
fn kill_inside_the_swap(root: &Path, target: &str, args: &[&str]) -> String {
    let log = root.join("strace.log");
    let _ = fs::remove_file(&log);
    let mut strace = Command::new("strace")
        .current_dir(root)
        .args(["-f", "-qq", "-o"])
        .arg(&log)
        .args(["-e", "trace=rename,renameat,renameat2"])
        .args([
            "-e",
            "inject=rename,renameat,renameat2:delay_exit=30000000:when=1",
        ])
        .args(["-P", target])
        .arg(env!("CARGO_BIN_EXE_cph50"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let line = loop {
        let text = fs::read_to_string(&log).unwrap_or_default();
        if let Some(l) = text.lines().find(|l| l.contains("DELAYED")) {
            break l.to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "cph50 {args:?} never renamed {target}: {text}"
        );
        assert!(strace.try_wait().unwrap().is_none(), "ended early: {text}");
        std::thread::sleep(Duration::from_millis(20));
    };
    let pid = line.split_whitespace().next().unwrap();
    assert!(
        Command::new("kill")
            .args(["-KILL", pid])
            .status()
            .unwrap()
            .success()
    );
    strace.wait().unwrap();
    line
}

/// Case `reliability/build_swap_window`: a build killed between moving the old site aside and
/// putting the new one in place left no `site/`. Now the two folders are exchanged in one
/// step: whatever instant the kill comes at, `site/` is the old site or the new one, and the
/// next build removes what the killed one left beside it.
#[test]
fn a_kill_during_the_site_swap_leaves_old_or_new() {
    if !strace_works() {
        return;
    }
    let demo = Demo::new(1);
    build(demo.root()).success();
    let old = snapshot(&demo.root().join("site"));
    // new data, so that the new site differs from the old one
    cph50(demo.root())
        .args(["demo-data", "--months", "1", "--seed", "43"])
        .args(["--out", "data", "--force"])
        .assert()
        .success();
    let site = demo.root().join("site");
    let templates = repo("templates");
    let blog = repo("tests/fixtures/blog_ok");
    let call = kill_inside_the_swap(
        demo.root(),
        "site",
        &[
            "build",
            "--out",
            "site",
            "--templates",
            templates.to_str().unwrap(),
            "--blog",
            blog.to_str().unwrap(),
        ],
    );
    assert!(site.is_dir(), "site/ is missing after a kill in {call}");
    let after = snapshot(&site);
    build(demo.root()).success();
    let new = snapshot(&site);
    assert_ne!(old, new);
    assert!(
        after == old || after == new,
        "site/ is neither the old nor the new site after a kill in {call}"
    );
    assert_eq!(leftovers_beside(demo.root()), Vec::<String>::new());
}

/// Case `reliability/demo_swap_window`: the same for `demo-data --force`, which replaces a
/// whole data folder.
#[test]
fn a_kill_during_the_demo_data_swap_leaves_old_or_new() {
    if !strace_works() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let demo = |seed: &str, out: &str| {
        cph50(dir.path())
            .args(["demo-data", "--months", "1", "--seed", seed, "--out", out])
            .arg("--force")
            .assert()
            .success();
    };
    demo("42", "target");
    demo("43", "reference");
    let old = snapshot(&dir.path().join("target"));
    let new = snapshot(&dir.path().join("reference"));
    let call = kill_inside_the_swap(
        dir.path(),
        "target",
        &[
            "demo-data",
            "--months",
            "1",
            "--seed",
            "43",
            "--out",
            "target",
            "--force",
        ],
    );
    let target = dir.path().join("target");
    assert!(target.is_dir(), "target/ is missing after a kill in {call}");
    let after = snapshot(&target);
    assert!(
        after == old || after == new,
        "target/ is neither the old nor the new folder after a kill in {call}"
    );
    demo("43", "target");
    assert_eq!(snapshot(&target), new);
    assert_eq!(leftovers_beside(dir.path()), Vec::<String>::new());
}

/// Case `reliability/token_file_guard_bypass`: `CP_TOKEN_FILE` inside the data folder or
/// `site/` is refused (exit 2) however the path reaches there: directly, through `..`, or
/// through a symbolic link. Nothing is written there. A path outside is accepted (the run
/// then fails on the unreachable API instead: exit 1).
#[test]
fn token_file_inside_data_is_refused_through_dotdot_and_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in ["data", "other", "x"] {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("data", root.join("datalink")).unwrap();
    let abs = |rel: &str| root.join(rel).display().to_string();
    let check = |token: &str| {
        cph50(root)
            .env("CP_TOKEN_FILE", token)
            .env("CP_USERNAME", "driver@example.com")
            .env("CP_PASSWORD", "pw")
            .env(
                "CP_DISCOVERY_URL",
                "http://127.0.0.1:9/discovery/v3/globalconfig",
            )
            .env_remove("CP_SESSION_TOKEN")
            .env_remove("CP_TOKEN_KEY")
            .args(["--data", "data", "check"])
            .assert()
    };
    let mut refused = vec![
        abs("data/token.json"),
        "site/token.json".to_owned(),
        abs("other/../data/token.json"),
        "x/../site/token3.json".to_owned(),
        "nowhere/../data/sub/token4.json".to_owned(),
    ];
    if cfg!(unix) {
        refused.push(abs("datalink/token2.json"));
    }
    for token in &refused {
        check(token)
            .code(2)
            .stderr(predicate::str::contains("CP_TOKEN_FILE"));
    }
    check(&abs("other/token.json")).code(1);
    let written: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("token"))
        .map(|e| e.path().display().to_string())
        .collect();
    assert_eq!(written, Vec::<String>::new(), "a token file was written");
}

/// Seen from another folder, the repository's `site/` (and anything else in the repository
/// that holds the data folder) is still committed; cph50's own lock file is not a place for a
/// cookie either.
#[test]
fn token_file_inside_the_repository_is_refused_from_any_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    for d in [".git", "data", "site", "public"] {
        fs::create_dir_all(repo.join(d)).unwrap();
    }
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let check = |cwd: &std::path::Path, token: std::path::PathBuf| {
        cph50(cwd)
            .env("CP_TOKEN_FILE", token)
            .env("CP_USERNAME", "driver@example.com")
            .env("CP_PASSWORD", "pw")
            .env(
                "CP_DISCOVERY_URL",
                "http://127.0.0.1:9/discovery/v3/globalconfig",
            )
            .env_remove("CP_SESSION_TOKEN")
            .env_remove("CP_TOKEN_KEY")
            .arg("--data")
            .arg(repo.join("data"))
            .arg("check")
            .assert()
    };
    for token in [
        repo.join("site/token.json"),
        repo.join("public/token.json"),
        repo.join("token.json"),
        dir.path().join("elsewhere/.cph50-data.lock"),
    ] {
        check(&elsewhere, token.clone())
            .code(2)
            .stderr(predicate::str::contains("CP_TOKEN_FILE"));
        assert!(!token.exists() || token.is_dir(), "{}", token.display());
    }
    // outside the repository it is fine (the connection then fails: exit 1)
    check(&elsewhere, dir.path().join("elsewhere/cookie.json")).code(1);
}
