//! `cph50 status` and `cph50 check`, the real binary against `cph50 sim` (also the real binary),
//! in every scenario. The sim's clock is frozen (`--speed 0`) so the answers are exact.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::sim::SimProcess;

/// 10:00 PST on 2026-01-09: outside the charger's own 00:00-06:00 window.
const START: &str = "2026-01-09T18:00:00Z";

fn sim(scenario: &str, extra: &[&str]) -> SimProcess {
    let mut args = vec![
        "--scenario",
        scenario,
        "--speed",
        "0",
        "--start",
        START,
        "--history-days",
        "5",
    ];
    args.extend_from_slice(extra);
    SimProcess::start(&args)
}

fn status_json(sim: &SimProcess, dir: &std::path::Path) -> Value {
    let out = sim
        .cph50(dir)
        .args(["status", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn default_scenario_shows_a_charging_session_and_a_stored_cookie_means_no_login() {
    let sim = sim("default", &[]);
    let dir = tempfile::tempdir().unwrap();
    let first = status_json(&sim, dir.path());
    assert_eq!(first["charger_id"], 100000001);
    assert_eq!(
        (
            first["connected"].clone(),
            first["plugged_in"].clone(),
            first["charging"].clone()
        ),
        (true.into(), true.into(), true.into())
    );
    let session = &first["session"];
    assert!(session["session_id"].as_u64().unwrap() > 4_000_000_000);
    let power = session["power_kw"].as_f64().unwrap();
    assert!((8.5..9.6).contains(&power), "Equinox power {power}");
    assert!(session["energy_kwh"].as_f64().unwrap() > 0.5);
    assert_eq!(first["api"]["logins"], 1);
    // discovery, login, profile, chargers, status, user status, session details
    assert_eq!(first["api"]["requests"], 7);
    let second = status_json(&sim, dir.path());
    assert_eq!(second["api"]["logins"], 0);
    assert_eq!(
        second["api"]["requests"], 3,
        "status, user status and session details only"
    );
    assert_eq!(
        second["session"], first["session"],
        "frozen clock, same answer"
    );
}

#[test]
fn human_status_reads_as_sentences() {
    let sim = sim("default", &[]);
    let dir = tempfile::tempdir().unwrap();
    sim.cph50(dir.path())
        .arg("status")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("charger 100000001: online, vehicle plugged in, charging (own schedule window inactive)\nsession "))
        .stdout(predicate::str::is_match(r"session \d+: \d+\.\d\d kW, \d+\.\d\d kWh so far, \d+ min since 2026-01-09 \d\d:\d\d PST\n$").unwrap());
}

#[test]
fn idle_scenario_has_no_session_and_an_idle_poll_costs_two_requests() {
    let sim = sim("idle", &[]);
    let dir = tempfile::tempdir().unwrap();
    let first = status_json(&sim, dir.path());
    assert_eq!(
        (
            first["plugged_in"].clone(),
            first["charging"].clone(),
            first["session"].clone()
        ),
        (false.into(), false.into(), Value::Null)
    );
    let second = status_json(&sim, dir.path());
    assert_eq!(
        (
            second["api"]["requests"].clone(),
            second["api"]["logins"].clone()
        ),
        (2.into(), 0.into())
    );
    sim.cph50(dir.path())
        .arg("check")
        .assert()
        .success()
        .stdout("charger 100000001 is online (no vehicle plugged in)\n");
}

#[test]
fn offline_scenario_fails_the_check_with_exit_3_and_the_last_connection() {
    let sim = sim("offline", &[]);
    let dir = tempfile::tempdir().unwrap();
    sim.cph50(dir.path())
        .arg("check")
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::is_match(r"^error: charger 100000001 is offline \(not connected to ChargePoint\); last connected 2026-01-09 \d\d:\d\d PST \(\d+ (min|h|days) ago\)\n$").unwrap());
    let s = status_json(&sim, dir.path());
    assert_eq!(s["connected"], false);
}

#[test]
fn captcha_scenario_is_named_as_bot_protection() {
    let sim = sim("captcha", &[]);
    let dir = tempfile::tempdir().unwrap();
    sim.cph50(dir.path())
        .arg("status")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: login (POST http://127.0.0.1:",
        ))
        .stderr(predicate::str::contains(
            "blocked by bot protection (HTTP 403, DataDome captcha",
        ))
        .stderr(predicate::str::contains("set CP_SESSION_TOKEN"));
}

#[test]
fn server_errors_are_retried_and_an_expired_session_logs_in_again() {
    let sim = sim("idle", &["--fault", "status=503x2"]);
    let dir = tempfile::tempdir().unwrap();
    let s = status_json(&sim, dir.path());
    assert_eq!(
        s["api"]["requests"],
        2 + 6,
        "two failed tries, then the usual six"
    );

    // the first status call answers 401 and kills every token: one more login, one retry
    let sim = self::sim("idle", &["--fault", "status=expire"]);
    let dir = tempfile::tempdir().unwrap();
    let s = status_json(&sim, dir.path());
    assert_eq!(
        s["api"]["logins"], 2,
        "the first login and one after the 401"
    );
    assert_eq!(s["connected"], true);
}

#[test]
fn encrypted_token_file_is_reused_and_a_wrong_key_is_named() {
    let sim = sim("idle", &[]);
    let dir = tempfile::tempdir().unwrap();
    let run = |key: &str| {
        sim.cph50(dir.path())
            .env("CP_TOKEN_KEY", key)
            .args(["status", "--json"])
            .assert()
    };
    run("first-key").success();
    let stored = std::fs::read_to_string(dir.path().join("cache/token.json")).unwrap();
    assert!(
        stored.contains("xchacha20poly1305") && !stored.contains("coulomb"),
        "{stored}"
    );
    let again: Value =
        serde_json::from_slice(&run("first-key").success().get_output().stdout).unwrap();
    assert_eq!(again["api"]["logins"], 0);
    run("other-key").code(1).stderr(predicate::str::contains(
        "cannot be decrypted with CP_TOKEN_KEY",
    ));
}
