//! The scheduled jobs against `cph50 sim` (the real binary, frozen clock) where ChargePoint
//! misbehaves as it does in the real world, each oddity turned on with a scenario or a control
//! endpoint: a finished session still listed, a session id that comes late, a workplace
//! session, late crons, failed starts and failed samples.

use std::fs;

use serde_json::{Value, json};

use crate::common::sim::SimProcess;
use crate::common::{Demo, snapshot};

fn start_sim(scenario: &str, start: &str, extra: &[&str]) -> SimProcess {
    let mut args = vec![
        "--scenario",
        scenario,
        "--speed",
        "0",
        "--start",
        start,
        "--history-days",
        "3",
    ];
    args.extend_from_slice(extra);
    SimProcess::start(&args)
}

fn base(sim: &SimProcess) -> String {
    sim.discovery_url
        .split("/discovery")
        .next()
        .unwrap()
        .to_owned()
}

/// POSTs to a control endpoint; returns the sim's state.
fn control(sim: &SimProcess, path: &str, body: Value) -> Value {
    let url = format!("{}/_sim/{path}", base(sim));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let r = reqwest::Client::new()
            .post(url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    })
}

fn state(sim: &SimProcess) -> Value {
    let url = format!("{}/_sim/state", base(sim));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() })
}

fn run(sim: &SimProcess, demo: &Demo, now: &str, args: &[&str]) -> std::process::Output {
    sim.cph50(demo.root())
        .env("CPH50_NOW", now)
        .env_remove("GITHUB_RUN_ID")
        .args(args)
        .output()
        .unwrap()
}

fn ok_json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn last_session(demo: &Demo) -> Value {
    serde_json::from_slice(&fs::read(demo.data().join("last_session.json")).unwrap()).unwrap()
}

/// A charge ends, the car is unplugged, and ChargePoint keeps listing the session with
/// details that answer an error (`/_sim/stale`): the poll says the session ended, the next
/// one idle, and neither asks for the stale session's details or fails.
#[test]
fn monitor_ignores_a_session_listed_after_unplug_in_the_sim() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    let sim = start_sim("default", now, &[]);
    let first = ok_json(&run(&sim, &demo, now, &["monitor", "--json"]));
    assert_eq!(first["event"], "new_session");
    control(&sim, "stale", json!({"details": "error"}));
    control(&sim, "unplug", json!({}));
    let ended = ok_json(&run(&sim, &demo, now, &["monitor", "--json"]));
    assert_eq!(ended["event"], "ended", "{ended}");
    assert!(
        ended["note"]
            .as_str()
            .unwrap()
            .contains(first["session_id"].as_str().unwrap())
    );
    assert_eq!(last_session(&demo)["charging"], false);
    let before = snapshot(&demo.data());
    let sessions_asked = state(&sim)["requests"]["session"].clone();
    let idle = ok_json(&run(&sim, &demo, now, &["monitor", "--json"]));
    assert_eq!(
        (idle["event"].clone(), idle["changed"].clone()),
        (json!("idle"), json!([]))
    );
    assert_eq!(
        idle["api"]["requests"], 2,
        "a stale listing costs nothing extra"
    );
    assert_eq!(snapshot(&demo.data()), before);
    assert_eq!(state(&sim)["requests"]["session"], sessions_asked);
    let status = run(&sim, &demo, now, &["status"]);
    assert!(status.status.success(), "{}", stderr(&status));
    assert!(stdout(&status).contains("note: ChargePoint still lists session"));
}

/// The stale-session scenario, the car plugged back in after the overnight charge ended:
/// details `{}` while the charger is plugged in and not charging is not a live session.
#[test]
fn a_stale_listing_with_empty_details_is_not_a_live_session() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    let sim = start_sim("stale-session", now, &[]);
    assert_eq!(state(&sim)["quirks"]["stale_session"], "empty");
    control(&sim, "plug", json!({"vehicle": "volvo_xc40_2021"}));
    let poll = ok_json(&run(&sim, &demo, now, &["monitor", "--json"]));
    assert_eq!(poll["event"], "plugged_in", "{poll}");
    assert!(
        poll["note"]
            .as_str()
            .unwrap()
            .contains("its details are empty"),
        "{poll}"
    );
    let status = ok_json(&run(&sim, &demo, now, &["status", "--json"]));
    assert_eq!(status["session"], Value::Null, "{status}");
    assert!(
        status["note"].as_str().unwrap().contains("set aside"),
        "{status}"
    );
}

/// The id-pending scenario: the charger reports CHARGING for three polls before the user
/// status names the session; `monitor --collect` waits for the id, then collects once.
#[test]
fn monitor_waits_for_the_session_id_then_collects_in_the_sim() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    let sim = start_sim("id-pending", now, &[]);
    for n in 1..=3 {
        let poll = ok_json(&run(
            &sim,
            &demo,
            now,
            &["monitor", "--collect", "--interval", "1ms", "--json"],
        ));
        assert_eq!(
            (
                poll["event"].clone(),
                poll["session_id"].clone(),
                poll["collected"].clone()
            ),
            (json!("charging"), Value::Null, Value::Null),
            "poll {n}: {poll}"
        );
        let snap = last_session(&demo);
        assert_eq!(
            (snap["charging"].clone(), snap["energy_kwh"].clone()),
            (json!(true), Value::Null)
        );
    }
    let poll = ok_json(&run(
        &sim,
        &demo,
        now,
        &["monitor", "--collect", "--interval", "1ms", "--json"],
    ));
    assert_eq!(poll["event"], "new_session", "{poll}");
    assert_eq!(poll["collected"]["valid"], 30);
    assert!(last_session(&demo)["energy_kwh"].as_f64().unwrap() > 0.5);
    demo.validate().success();
}

/// A workplace session (`/_sim/workplace`) in the activity list, without `is_home_charger`:
/// `cache` leaves it out, `collect` refuses it.
#[test]
fn a_workplace_session_is_neither_cached_nor_collected_in_the_sim() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    let sim = start_sim("idle", now, &[]);
    let s = control(&sim, "workplace", json!({"hours_ago": 30, "kwh": 9.74}));
    let id = s["workplace_sessions"][0].as_u64().unwrap().to_string();
    let report = ok_json(&run(&sim, &demo, now, &["cache", "--current", "--json"]));
    assert_eq!(report["skipped_public"], 1, "{report}");
    let cached = fs::read_to_string(demo.data().join("session_cache/2026-01.json")).unwrap();
    assert!(
        !cached.contains(&id),
        "the workplace session {id} was cached"
    );
    let out = run(
        &sim,
        &demo,
        now,
        &["collect", &id, "--samples", "1", "--interval", "1ms"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("ran at station 100000777"),
        "{}",
        stderr(&out)
    );
    demo.validate().success();
}

/// Every sample after the first details call fails with 503 (`session=delay1`, then
/// `session=503x0`): no file, exit 1 naming the endpoint, and a later collect tries again.
// case collect_zero_samples (found failing in the field)
#[test]
fn collect_writes_nothing_when_no_sample_came() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    let sim = start_sim(
        "default",
        now,
        &["--fault", "session=delay1", "--fault", "session=503x0"],
    );
    let id = state(&sim)["current_session_id"]
        .as_u64()
        .unwrap()
        .to_string();
    for attempt in 1..=2 {
        let before = snapshot(&demo.data());
        let out = run(
            &sim,
            &demo,
            now,
            &["collect", &id, "--samples", "2", "--interval", "1ms"],
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "collect {attempt}: {}",
            stdout(&out)
        );
        let err = stderr(&out);
        let last = err.lines().last().unwrap();
        assert!(
            last.starts_with("error: session details (POST http://") && last.contains("HTTP 503"),
            "collect {attempt}: {err}"
        );
        assert_eq!(err.matches("error:").count(), 1, "{err}");
        assert_eq!(
            snapshot(&demo.data()),
            before,
            "collect {attempt} wrote a file"
        );
    }
}

/// A persistent 401 on the session details: one new login, then the sampling stops (it used
/// to log in twice per sample and write a file of missing samples).
#[test]
fn collect_stops_at_once_when_the_session_cannot_be_renewed() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    let sim = start_sim(
        "default",
        now,
        &["--fault", "session=delay1", "--fault", "session=expirex0"],
    );
    let id = state(&sim)["current_session_id"]
        .as_u64()
        .unwrap()
        .to_string();
    let before = snapshot(&demo.data());
    let out = run(
        &sim,
        &demo,
        now,
        &["collect", &id, "--samples", "5", "--interval", "1ms"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("session details (POST"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("session expired (HTTP 401)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&demo.data()), before);
    let s = state(&sim);
    assert_eq!(s["logins"], 2, "the first login and one renewal: {s}");
    assert_eq!(
        s["requests"]["session"], 3,
        "the start, one reading, its retry after login: {s}"
    );
}

/// `monitor --collect` whose collection fails writes no session file and fails; the next poll
/// (the same session, no longer new) collects it.
#[test]
fn monitor_collect_retries_a_session_whose_collection_failed() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    // the poll's details call passes, the collection's first call fails 3 times
    let sim = start_sim(
        "default",
        now,
        &["--fault", "session=delay1", "--fault", "session=503x3"],
    );
    let out = run(
        &sim,
        &demo,
        now,
        &["monitor", "--collect", "--interval", "1ms", "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        demo.session_files()
            .iter()
            .all(|f| !f.starts_with(demo.data().join("sessions/2026/01")))
    );
    let poll = ok_json(&run(
        &sim,
        &demo,
        now,
        &["monitor", "--collect", "--interval", "1ms", "--json"],
    ));
    assert_eq!(poll["event"], "charging", "{poll}");
    assert_eq!(poll["collected"]["valid"], 30, "{poll}");
}

/// `/_sim/id-delay` by time: a session younger than an hour is not listed by id; until then
/// `monitor` says charging with the id pending, then a new session.
#[test]
fn a_session_shows_its_id_only_after_the_delay() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    let sim = start_sim("default", now, &[]);
    control(&sim, "id-delay", json!({"seconds": 3600}));
    let pending = ok_json(&run(&sim, &demo, now, &["monitor", "--json"]));
    assert_eq!(
        (pending["event"].clone(), pending["session_id"].clone()),
        (json!("charging"), Value::Null),
        "{pending}"
    );
    control(&sim, "advance", json!({"seconds": 3600}));
    let later = "2026-01-10T19:00:00Z";
    let listed = ok_json(&run(&sim, &demo, later, &["monitor", "--json"]));
    assert_eq!(listed["event"], "new_session", "{listed}");
    assert_eq!(
        listed["session_id"].as_str().unwrap(),
        state(&sim)["current_session_id"]
            .as_u64()
            .unwrap()
            .to_string()
    );
    assert_eq!(state(&sim)["quirks"]["id_delay_seconds"], 3600);
}

/// `collect` of a session that has ended samples nothing and writes nothing: its whole curve is
/// in its details, which `cache` reads.
#[test]
fn collect_refuses_a_session_that_has_ended() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(1);
    let sim = start_sim("default", now, &[]);
    let id = state(&sim)["current_session_id"]
        .as_u64()
        .unwrap()
        .to_string();
    control(&sim, "unplug", json!({}));
    let before = snapshot(&demo.data());
    let out = run(&sim, &demo, now, &["collect", &id, "--interval", "1ms"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("session {id} ended at"))
            && stderr(&out).contains("nothing written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(before, snapshot(&demo.data()));
}

/// A session file the classifier could only call `unknown` (a curve too short to read) does
/// not hide the car `cache` finds in the session's whole `update_data` curve.
#[test]
fn an_unknown_label_in_a_session_file_does_not_hide_the_car_cache_finds() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(2);
    let sim = start_sim("default", now, &[]);
    let id = state(&sim)["current_session_id"]
        .as_u64()
        .unwrap()
        .to_string();
    let collected = run(
        &sim,
        &demo,
        now,
        &["collect", &id, "--samples", "1", "--interval", "1ms"],
    );
    assert!(collected.status.success(), "{}", stderr(&collected));
    assert!(
        stdout(&collected).contains("vehicle unknown"),
        "{}",
        stdout(&collected)
    );
    let later = "2026-01-10T20:00:00Z";
    control(&sim, "advance", json!({"seconds": 7200}));
    control(&sim, "unplug", json!({}));
    let out = run(&sim, &demo, later, &["cache", "--current", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let month: Value =
        serde_json::from_slice(&fs::read(demo.data().join("session_cache/2026-01.json")).unwrap())
            .unwrap();
    let entry = month
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["session_id"] == id.as_str())
        .unwrap();
    assert_eq!(entry["vehicle_id"], "serenity_equinox_2024", "{entry}");
}
