//! What the client decides when ChargePoint misbehaves: the real binary against `cph50 sim`
//! with faults armed (`--fault`), a browser cookie pasted (`POST /_sim/cookie`), and the
//! per-request timeout shortened (`CPH50_HTTP_TIMEOUT`). The sim's clock is frozen.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::sim::SimProcess;

/// 10:00 PST on 2026-01-09: outside the charger's own 00:00-06:00 window.
const START: &str = "2026-01-09T18:00:00Z";
/// ChargePoint's refusal of a start (mbillow/ha-chargepoint#52).
const CHARGE_89: &str =
    "Failed to start charging. May be in use by another user or return plug and try again.";

fn sim(scenario: &str, extra: &[&str]) -> SimProcess {
    let mut args = vec![
        "--scenario",
        scenario,
        "--speed",
        "0",
        "--start",
        START,
        "--history-days",
        "3",
    ];
    args.extend_from_slice(extra);
    SimProcess::start(&args)
}

/// A `/_sim/` control call (`GET state` when `body` is `None`); its JSON answer.
fn control(sim: &SimProcess, p: &str, body: Option<Value>) -> Value {
    let base = sim.discovery_url.split("/discovery").next().unwrap();
    let url = format!("{base}/_sim/{p}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let req = match body {
            Some(b) => c.post(url).json(&b),
            None => c.get(url),
        };
        let r = req.send().await.unwrap();
        assert!(r.status().is_success(), "/_sim/{p}: {}", r.status());
        r.json().await.unwrap()
    })
}

/// Runs `cph50 <args>` against `sim`; its exit code, stdout and stderr.
fn run(sim: &SimProcess, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let mut cmd = sim.cph50(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The one `error:` line of a failed run.
fn error_line(stderr: &str) -> &str {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    errors[0]
}

#[test]
fn a_call_that_is_always_unauthorized_fails_once_naming_the_endpoint() {
    let sim = sim("idle", &["--fault", "status=unauthorizedx0"]);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&sim, dir.path(), &[], &["status"]);
    assert_eq!(code, 1, "{err}");
    let line = error_line(&err);
    assert!(
        line.starts_with("error: charger status (GET http://127.0.0.1:")
            && line.contains("session expired (HTTP 401)"),
        "{line}"
    );
    let state = control(&sim, "state", None);
    assert_eq!(state["logins"], 2, "the first login and one after the 401");
    assert_eq!(state["requests"]["status"], 2, "no third try");
}

#[test]
fn an_html_page_where_json_was_expected_names_its_content_type() {
    let sim = sim("idle", &["--fault", "status=html"]);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&sim, dir.path(), &[], &["status"]);
    assert_eq!(code, 1, "{err}");
    let line = error_line(&err);
    assert!(
        line.starts_with("error: charger status (GET http://127.0.0.1:")
            && line.contains("/status): expected JSON, got text/html")
            && line.contains("(200): \"<html>"),
        "{line}"
    );
}

#[test]
fn cph50_http_timeout_bounds_each_request() {
    let sim = sim("idle", &["--fault", "status=delay5000x0"]);
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let (code, _, err) = run(
        &sim,
        dir.path(),
        &[("CPH50_HTTP_TIMEOUT", "500ms")],
        &["status"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let line = error_line(&err);
    assert!(
        line.starts_with("error: charger status (GET http://")
            && line.contains("no answer within 500ms (timeout, 3 attempt(s))"),
        "{line}"
    );
    let (code, _, err) = run(
        &sim,
        dir.path(),
        &[("CPH50_HTTP_TIMEOUT", "soon")],
        &["status"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(error_line(&err).contains("CPH50_HTTP_TIMEOUT"), "{err}");
}

#[test]
fn a_freshly_pasted_browser_cookie_replaces_an_expired_stored_session() {
    // session-token-ignored, against the sim: no password, only pasted cookies
    let sim = sim("idle", &[]);
    let dir = tempfile::tempdir().unwrap();
    let cookie = || {
        control(&sim, "cookie", Some(json!({})))["coulomb_sess"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let status = |token: &str| {
        let mut cmd = sim.cph50(dir.path());
        cmd.env_remove("CP_PASSWORD")
            .env("CP_SESSION_TOKEN", token)
            .arg("status");
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let old = cookie();
    let (code, out, err) = status(&old);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("charger 100000001: online"), "{out}");
    // three hours later every cookie of that login has expired
    control(&sim, "advance", Some(json!({"seconds": 3 * 3600})));
    let (code, _, err) = status(&old);
    assert_eq!(code, 1, "{err}");
    assert!(
        error_line(&err)
            .contains("CP_SESSION_TOKEN was not accepted: paste a fresh coulomb_sess cookie"),
        "{err}"
    );
    let fresh = cookie();
    let (code, out, err) = status(&fresh);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("charger 100000001: online"), "{out}");
    let stored = std::fs::read_to_string(dir.path().join("cache/token.json")).unwrap();
    assert!(!stored.contains(&old), "{stored}");
    assert_eq!(control(&sim, "state", None)["logins"], 0);
}

#[test]
fn a_refused_start_is_polled_once_and_chargepoints_message_is_kept() {
    // ack-422-refusal, against the sim: every ack poll answers 422 CHARGE/89
    let sim = sim("idle", &["--fault", "ack=refusex0"]);
    control(&sim, "plug", Some(json!({"vehicle": "volvo_xc40_2021"})));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cases/api/ack-422-refusal/data.orig/vehicle_config.json");
    std::fs::copy(case, data.join("vehicle_config.json")).unwrap();
    let args = [
        "charge",
        "--now",
        "--attempts",
        "2",
        "--backoff",
        "1s",
        "--ack-polls",
        "4",
        "--ack-interval",
        "1s",
    ];
    let (_, _, err) = run(&sim, dir.path(), &[("CPH50_NOW", START)], &args);
    let state = control(&sim, "state", None);
    assert_eq!(state["requests"]["start"], 2, "{err}");
    assert_eq!(
        state["requests"]["ack"], 2,
        "one poll per start, not 4: {err}"
    );
    let runs = std::fs::read_to_string(data.join("runs.json")).unwrap();
    assert!(runs.contains(CHARGE_89), "{runs}");
}

/// A cookie pasted with what a browser shows around it (the cookie's name, its attributes, a
/// trailing newline from the clipboard) still works; one that cannot be a cookie is refused
/// without echoing it.
#[test]
fn a_pasted_cookie_is_taken_as_people_paste_it() {
    let sim = sim("idle", &[]);
    let cookie = control(&sim, "cookie", Some(json!({})))["coulomb_sess"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let pasted = format!("  coulomb_sess={cookie}; Path=/; HttpOnly\n");
    let mut cmd = sim.cph50(dir.path());
    let out = cmd
        .env_remove("CP_PASSWORD")
        .env("CP_SESSION_TOKEN", &pasted)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut cmd = sim.cph50(dir.path());
    let out = cmd
        .env_remove("CP_PASSWORD")
        .env("CP_SESSION_TOKEN", "two words")
        .env("CP_TOKEN_FILE", dir.path().join("other.json"))
        .arg("check")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("CP_SESSION_TOKEN is not a cookie value"),
        "{err}"
    );
    assert!(!err.contains("two words"), "{err}");
}

/// Small ones of the new-user test: a 401 to discovery (no session was sent, so none expired)
/// is an HTTP error without a dangling `; `; an id of zeros is no session (exit 2, nothing
/// asked); `cache --session ID --json` counts the details it fetched.
#[test]
fn discovery_401_zero_session_id_and_details_fetched_are_reported_as_they_are() {
    let failing = sim("idle", &["--fault", "discovery=unauthorizedx1"]);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&failing, dir.path(), &[], &["check"]);
    assert_eq!(code, 1, "{err}");
    let line = error_line(&err);
    assert!(line.starts_with("error: discovery (POST http://"), "{line}");
    assert!(line.contains("HTTP 401"), "{line}");
    assert!(!line.contains("session expired"), "{line}");
    assert!(!line.trim_end().ends_with(';'), "{line}");

    let sim = sim("idle", &[]);
    let (code, _, err) = run(
        &sim,
        dir.path(),
        &[],
        &["cache", "--session", "00000000000000000000"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a session id"), "{err}");
    assert_eq!(
        control(&sim, "state", None)["requests"]["session"],
        Value::Null
    );

    let (code, _, err) = run(&sim, dir.path(), &[], &["cache", "--all"]);
    assert_eq!(code, 0, "{err}");
    let month = walkdir::WalkDir::new(dir.path().join("data/session_cache"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file())
        .unwrap();
    let cached: Value = serde_json::from_slice(&std::fs::read(month.path()).unwrap()).unwrap();
    let id = cached[0]["session_id"].as_str().unwrap().to_owned();
    let (code, out, err) = run(
        &sim,
        dir.path(),
        &[],
        &["cache", "--session", &id, "--json"],
    );
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["details_fetched"], 1, "{report}");
}
