//! What `monitor`, `status`, `cache` and `collect` decide from ChargePoint's answers: the real
//! binary against a scripted ChargePoint (`common::mock`), replaying the failing cases'
//! answers (`tests/fixtures/cases/`): a finished session still listed after unplug, a charge
//! whose session id is not listed yet, a workplace session without `is_home_charger`.

use std::fs;

use serde_json::{Value, json};

use crate::common::mock::{MockChargePoint, fixture, fixtures};
use crate::common::snapshot;

/// A temp folder whose `data/` is a copy of a case's data folder.
fn data_from(case_data: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for e in fs::read_dir(fixtures().join(case_data)).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), data.join(e.file_name())).unwrap();
    }
    dir
}

fn stdout_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The morning after a charge: user_status still names yesterday's session (no state) while
/// the charger is unplugged and available; its details answer `{}` or an in-200 error.
#[test]
fn monitor_ignores_a_session_listed_after_unplug() {
    for scenario in ["scenario.json", "scenario_status_error.json"] {
        let mock = MockChargePoint::with_scenario(&format!("cases/stale-session/{scenario}"));
        let dir = data_from("cases/stale-session/data");
        let before = snapshot(&dir.path().join("data"));
        let out = mock
            .cph50(dir.path())
            .env("CPH50_NOW", "2026-01-10T15:17:00Z")
            .args(["monitor", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{scenario}: {}", text(&out.stderr));
        let poll = stdout_json(&out);
        assert_eq!(poll["event"], "idle", "{scenario}: {poll}");
        assert_eq!(poll["changed"], json!([]));
        assert!(
            poll["note"]
                .as_str()
                .unwrap()
                .contains("session 4754846071"),
            "{poll}"
        );
        assert_eq!(
            snapshot(&dir.path().join("data")),
            before,
            "{scenario}: the poll rewrote a file"
        );
        assert_eq!(
            mock.requests("/sessions/4754846071", None),
            0,
            "an unplugged charger's listed session needs no details"
        );
        let status = mock
            .cph50(dir.path())
            .env("CPH50_NOW", "2026-01-10T15:17:00Z")
            .arg("status")
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", text(&status.stderr));
        let lines = text(&status.stdout);
        assert!(
            lines.starts_with("charger 100000001: online, no vehicle plugged in, not charging"),
            "{lines}"
        );
        assert!(
            lines.contains("note: ChargePoint still lists session 4754846071"),
            "{lines}"
        );
    }
}

/// The charger reports a car plugged in but not charging, the user status a session whose
/// details answer an error: the listing is set aside (plugged in), `status` notes it (exit 0).
#[test]
fn a_listed_session_whose_details_fail_is_set_aside_unless_the_charger_charges() {
    let mut plugged = fixture("home_charger_status_idle.json");
    plugged["isPluggedIn"] = json!(true);
    let error = fixture("charging_status_error.json");
    let listed = json!({"user_status": {"charging": {"sessionId": 4754846071u64}}});
    let mock = MockChargePoint::start(&json!({
        "status": [{"body": plugged}],
        "user_status": [{"body": listed}],
        "session": [{"body": error}],
    }));
    let dir = data_from("cases/stale-session/data");
    let poll = stdout_json(
        &mock
            .cph50(dir.path())
            .env("CPH50_NOW", "2026-01-10T15:17:00Z")
            .args(["monitor", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(poll["event"], "plugged_in", "{poll}");
    assert!(
        poll["note"]
            .as_str()
            .unwrap()
            .contains("java.lang.NullPointerException")
    );
    let snap: Value =
        serde_json::from_slice(&fs::read(dir.path().join("data/last_session.json")).unwrap())
            .unwrap();
    assert_eq!(
        (snap["charging"].clone(), snap["connected"].clone()),
        (json!(false), json!(true))
    );

    // the same answers while the charger charges: the session is real (the one the data
    // folder tracks), its figures unknown
    let charging = MockChargePoint::start(&json!({
        "status": [{"body": fixture("home_charger_status_charging.json")}],
        "user_status": [{"body": fixture("user_status_charging.json")}],
        "session": [{"body": fixture("charging_status_error.json")}],
    }));
    let dir = data_from("cases/stale-session/data");
    let out = charging
        .cph50(dir.path())
        .env("CPH50_NOW", "2026-01-10T15:17:00Z")
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let status = stdout_json(&out);
    assert_eq!(status["session"]["session_id"], 4754846071u64);
    assert_eq!(status["session"]["power_kw"], Value::Null);
    assert!(
        status["session"]["details_unavailable"]
            .as_str()
            .unwrap()
            .contains("error"),
        "{status}"
    );
    let poll = stdout_json(
        &charging
            .cph50(dir.path())
            .env("CPH50_NOW", "2026-01-10T15:17:00Z")
            .args(["monitor", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        (poll["event"].clone(), poll["session_id"].clone()),
        (json!("charging"), json!("4754846071"))
    );
    assert_eq!(poll["power_kw"], Value::Null);
    assert_eq!(poll["changed"], json!(["last_session.json"]));
}

/// Right after plug-in the charger says CHARGING while user_status has no sessionId yet.
#[test]
fn monitor_reports_charging_before_the_session_id_is_listed() {
    let mock = MockChargePoint::with_scenario("cases/plugged-no-session-id/scenario.json");
    let dir = data_from("cases/stale-session/data");
    let tracking = dir.path().join("data/.last_session_id.json");
    let tracked = fs::read(&tracking).unwrap();
    let run = |now: &str| {
        let out = mock
            .cph50(dir.path())
            .env("CPH50_NOW", now)
            .args(["monitor", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        stdout_json(&out)
    };
    let poll = run("2026-01-10T08:17:00Z");
    assert_eq!(
        (poll["event"].clone(), poll["session_id"].clone()),
        (json!("charging"), Value::Null),
        "{poll}"
    );
    let snap: Value =
        serde_json::from_slice(&fs::read(dir.path().join("data/last_session.json")).unwrap())
            .unwrap();
    assert_eq!(snap["charging"], true, "{snap}");
    assert_eq!(snap["connected"], true);
    for figure in ["power_kw", "energy_kwh", "duration_minutes", "vehicle_id"] {
        assert_eq!(
            snap[figure],
            Value::Null,
            "{figure}: the previous session's figure was carried over: {snap}"
        );
    }
    assert_eq!(
        fs::read(&tracking).unwrap(),
        tracked,
        "no new tracking without an id"
    );
    let again = run("2026-01-10T08:27:00Z");
    assert_eq!(
        again["changed"],
        json!([]),
        "a second pending poll rewrote: {again}"
    );
    let status = mock.cph50(dir.path()).arg("status").output().unwrap();
    assert!(
        text(&status.stdout)
            .contains("note: the charger is charging; ChargePoint lists no session id for it yet"),
        "{}",
        text(&status.stdout)
    );
}

/// A user status whose session runs at another station (a workplace charger) is not the home
/// charger's: the idle home charger stays idle and no details are asked.
#[test]
fn monitor_ignores_a_session_at_another_station() {
    let elsewhere = json!({"user_status": {"charging": {
        "sessionId": 4761000001u64, "state": "in_use", "startTimeUTC": 1767944361.0,
        "stations": [{"deviceId": 100000777, "name": "EXAMPLE CORP / RW06 6", "lat": 37.3, "lon": -122.0}]
    }}});
    let mock = MockChargePoint::start(&json!({"user_status": [{"body": elsewhere}]}));
    let dir = data_from("cases/stale-session/data");
    let poll = stdout_json(
        &mock
            .cph50(dir.path())
            .env("CPH50_NOW", "2026-01-10T15:17:00Z")
            .args(["monitor", "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(poll["event"], "idle", "{poll}");
    assert!(
        poll["note"].as_str().unwrap().contains("station 100000777"),
        "{poll}"
    );
    assert_eq!(mock.requests("/sessions/4761000001", None), 0);
}

/// The monthly activity list holds a home session and one at a company station whose payload
/// lacks `is_home_charger` (python-chargepoint#2).
#[test]
fn cache_leaves_out_a_workplace_session_without_the_home_flag() {
    let mock =
        MockChargePoint::with_scenario("cases/workplace-session-cached-as-home/scenario.json");
    let dir = data_from("cases/stale-session/data");
    let out = mock
        .cph50(dir.path())
        .env("CPH50_NOW", "2025-11-05T18:00:00Z")
        .args(["cache", "--all", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = stdout_json(&out);
    assert_eq!(
        (report["sessions"].clone(), report["skipped_public"].clone()),
        (json!(1), json!(1)),
        "{report}"
    );
    let cached: Vec<Value> = serde_json::from_slice(
        &fs::read(dir.path().join("data/session_cache/2025-10.json")).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = cached
        .iter()
        .map(|e| e["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["4560920631"]);

    // and the workplace session is not sampled as the home charger's either
    let out = mock
        .cph50(dir.path())
        .env("CPH50_NOW", "2025-11-05T18:00:00Z")
        .args([
            "collect",
            "4561000001",
            "--samples",
            "1",
            "--interval",
            "1ms",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.trim_end().ends_with(
            "error: session 4561000001 ran at station 100000777 (EXAMPLE CORP / RW06 6), not at the home charger 100000001; not sampled, nothing written"
        ),
        "{err}"
    );
    assert!(!dir.path().join("data/sessions").exists());
}

/// An empty details answer (`{}`) for a listed session keeps what the activity list said.
#[test]
fn cache_keeps_the_listed_session_when_its_details_are_empty() {
    let mut scenario = crate::common::mock::read_json(
        &fixtures().join("cases/workplace-session-cached-as-home/scenario.json"),
    );
    scenario["sessions_by_id"] = json!({"4560920631": {"charging_status": {}}});
    let mock = MockChargePoint::start(&scenario);
    let dir = data_from("cases/stale-session/data");
    let out = mock
        .cph50(dir.path())
        .env("CPH50_NOW", "2025-11-05T18:00:00Z")
        .args(["cache", "--all", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cached: Vec<Value> = serde_json::from_slice(
        &fs::read(dir.path().join("data/session_cache/2025-10.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!(cached[0]["session"]["energy_kwh"], 7.4938, "{}", cached[0]);
}

/// What ChargePoint sends is fitted into the data limits before it is written: a 500-character
/// city and a 300-character utility are clipped, and do not make a cache file that every later
/// `validate` and `build` would refuse (an absurd figure leaves the session out instead:
/// `out_of_limits`).
#[test]
fn cache_fits_outsized_answers_into_the_data_limits() {
    let mut scenario = crate::common::mock::read_json(
        &fixtures().join("cases/workplace-session-cached-as-home/scenario.json"),
    );
    let outsized = |session: &mut Value| {
        session["city"] = json!("A".repeat(500));
        session["utility"]["name"] = json!("U".repeat(300));
    };
    outsized(
        &mut scenario["activity"][0]["body"]["charging_activity_monthly"]["month_info"][0]["sessions"]
            [0],
    );
    outsized(&mut scenario["sessions_by_id"]["4560920631"]["charging_status"]);
    let mock = MockChargePoint::start(&scenario);
    let dir = data_from("cases/stale-session/data");
    let out = mock
        .cph50(dir.path())
        .env("CPH50_NOW", "2025-11-05T18:00:00Z")
        .args(["cache", "--all"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cached: Vec<Value> = serde_json::from_slice(
        &fs::read(dir.path().join("data/session_cache/2025-10.json")).unwrap(),
    )
    .unwrap();
    let city = cached[0]["location"]["city"].as_str().unwrap();
    assert_eq!(city.chars().count(), 200, "{city}");
    assert!(city.ends_with('…'));
    let utility = cached[0]["utility"]["utility_name"].as_str().unwrap();
    assert_eq!(utility.chars().count(), 200);
    crate::common::cph50(dir.path())
        .arg("validate")
        .assert()
        .success();
}
