//! `cph50 login` against `cph50 sim`: the sealed session it prints is what a runner uses
//! without a login of its own; `--set-secrets` hands the values to gh unseen.

use std::fs;

use predicates::prelude::*;

use crate::common::fake_gh;
use crate::common::sim::SimProcess;

fn idle_sim() -> SimProcess {
    SimProcess::start(&["--scenario", "idle", "--speed", "0"])
}

/// `NAME=value` lines of stdout, by name.
fn values(stdout: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn status_json(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = cmd
        .args(["status", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn the_sealed_session_of_login_lets_a_runner_work_without_logging_in() {
    let sim = idle_sim();
    let laptop = tempfile::tempdir().unwrap();
    let out = sim
        .cph50(laptop.path())
        .arg("login")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "logged in to ChargePoint (home charger",
        ))
        .get_output()
        .stdout
        .clone();
    let printed = values(&out);
    let names: Vec<&str> = printed.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["CP_TOKEN_KEY", "CP_SESSION_SEALED"]);
    let (key, sealed) = (&printed[0].1, &printed[1].1);
    assert!(
        key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit()),
        "{key}"
    );
    assert!(sealed.contains("xchacha20poly1305"), "{sealed}");
    assert!(!sealed.contains(crate::common::sim::PASSWORD));
    // nothing kept on the laptop: no token file where the commands would keep one
    assert!(!laptop.path().join("cache/token.json").exists());

    // a runner: no password, a fresh token file, the two secrets
    let runner = tempfile::tempdir().unwrap();
    let run = || {
        let mut cmd = sim.cph50(runner.path());
        cmd.env_remove("CP_PASSWORD")
            .env("CP_TOKEN_KEY", key)
            .env("CP_SESSION_SEALED", sealed);
        cmd
    };
    let first = status_json(&mut run());
    assert_eq!(first["api"]["logins"], 0, "{first}");
    // discovery, profile and charger list come from the sealed session: 2 requests when idle
    assert_eq!(first["api"]["requests"], 2, "{first}");
    assert!(runner.path().join("cache/token.json").exists());
    let second = status_json(&mut run());
    assert_eq!(
        (
            second["api"]["logins"].clone(),
            second["api"]["requests"].clone()
        ),
        (0.into(), 2.into())
    );

    // another key cannot open it, and the error names both secrets
    let other = tempfile::tempdir().unwrap();
    sim.cph50(other.path())
        .env_remove("CP_PASSWORD")
        .env("CP_TOKEN_KEY", "0".repeat(64))
        .env("CP_SESSION_SEALED", sealed)
        .args(["status"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "CP_SESSION_SEALED: cannot be opened with CP_TOKEN_KEY",
        ));
}

#[test]
fn login_seals_with_the_key_of_the_environment_and_prints_only_the_session() {
    let sim = idle_sim();
    let dir = tempfile::tempdir().unwrap();
    let key = "a".repeat(64);
    let out = sim
        .cph50(dir.path())
        .env("CP_TOKEN_KEY", &key)
        .arg("login")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the CP_TOKEN_KEY of your environment",
        ))
        .get_output()
        .stdout
        .clone();
    let printed = values(&out);
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0].0, "CP_SESSION_SEALED");
    assert!(!String::from_utf8_lossy(&out).contains(&key));
}

#[test]
fn set_secrets_hands_the_values_to_gh_on_stdin_and_prints_none() {
    let sim = idle_sim();
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let log = dir.path().join("gh.log");
    fake_gh(
        &bin,
        &format!(
            "[ \"$1\" = auth ] && exit 0\necho \"$*\" >> {log}\ncat > {dir}/value-$3\n",
            log = log.display(),
            dir = dir.path().display()
        ),
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = sim
        .cph50(dir.path())
        .env("PATH", path)
        .args(["login", "--set-secrets", "--gh-repo", "me/charging"])
        .assert()
        .success()
        .stdout(
            "stored the secret CP_TOKEN_KEY with gh\nstored the secret CP_SESSION_SEALED with gh\n",
        )
        .get_output()
        .clone();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("xchacha"));
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        "secret set CP_TOKEN_KEY --repo me/charging\nsecret set CP_SESSION_SEALED --repo me/charging\n"
    );
    let key = fs::read_to_string(dir.path().join("value-CP_TOKEN_KEY")).unwrap();
    let sealed = fs::read_to_string(dir.path().join("value-CP_SESSION_SEALED")).unwrap();
    assert_eq!(key.len(), 64);
    assert!(sealed.contains("xchacha20poly1305"));
    // and the pair works
    let runner = tempfile::tempdir().unwrap();
    let s = status_json(
        sim.cph50(runner.path())
            .env_remove("CP_PASSWORD")
            .env("CP_TOKEN_KEY", &key)
            .env("CP_SESSION_SEALED", &sealed),
    );
    assert_eq!(s["api"]["logins"], 0);
}

#[test]
fn a_login_blocked_by_bot_protection_prints_no_values() {
    let sim = SimProcess::start(&["--scenario", "captcha", "--speed", "0"]);
    let dir = tempfile::tempdir().unwrap();
    sim.cph50(dir.path())
        .arg("login")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with("error: login (POST "))
        .stderr(predicate::str::contains("blocked by bot protection"));
}

/// A `bin` folder holding a fake gh running `body`, for PATH.
fn gh_path(dir: &std::path::Path, body: &str) -> String {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    fake_gh(&bin, body);
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn set_secrets_checks_gh_before_asking_chargepoint() {
    // a "ChargePoint" that records whether anyone called
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/discovery", listener.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let logged_out = gh_path(
        dir.path(),
        "echo 'You are not logged into any GitHub hosts. To log in, run: gh auth login' >&2; exit 1\n",
    );
    for (path, says) in [
        (
            logged_out.as_str(),
            "--set-secrets: gh is not logged in (You are not logged into any GitHub hosts.",
        ),
        (
            "/nonexistent",
            "--set-secrets needs GitHub's CLI gh, which cannot be run",
        ),
    ] {
        crate::common::cph50(dir.path())
            .env("PATH", path)
            .env("CP_DISCOVERY_URL", &url)
            .env("CP_USERNAME", "driver@example.com")
            .env("CP_PASSWORD", "secret")
            .args(["login", "--set-secrets"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with(format!("error: {says}")))
            .stderr(predicate::str::contains("ChargePoint was not asked"));
    }
    assert!(
        listener.accept().is_err(),
        "login called ChargePoint although gh could not store its values"
    );
}

#[test]
fn a_secret_gh_refuses_part_way_leaves_both_values_on_stdout() {
    let sim = idle_sim();
    let dir = tempfile::tempdir().unwrap();
    let path = gh_path(
        dir.path(),
        "case \"$*\" in\n  \"auth status\") exit 0 ;;\n  \"secret set CP_TOKEN_KEY\") cat > /dev/null ;;\n  *) echo 'HTTP 403: Resource not accessible' >&2; exit 1 ;;\nesac\n",
    );
    let a = sim
        .cph50(dir.path())
        .env("PATH", path)
        .args(["login", "--set-secrets"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "gh secret set CP_SESSION_SEALED failed",
        ))
        .stderr(predicate::str::contains(
            "CP_TOKEN_KEY was stored; store CP_TOKEN_KEY and CP_SESSION_SEALED by hand",
        ));
    let printed = values(&a.get_output().stdout);
    let names: Vec<&str> = printed.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["CP_TOKEN_KEY", "CP_SESSION_SEALED"]);
    assert_eq!(printed[0].1.len(), 64);
    assert!(printed[1].1.contains("xchacha20poly1305"));
}
