//! A value from ChargePoint outside the data limits (a start in 1970, `1e300` kWh, a cost of
//! `1e9`) is never stored, nor clamped into a figure that looks real: `cache` leaves that
//! session out with a warning naming it and the field and writes the rest; `collect` refuses
//! the session and writes nothing; `monitor` keeps the figures out. The real binary against a
//! scripted ChargePoint (`common::mock`).

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use crate::common::mock::{MockChargePoint, fixture, fixtures, read_json};

fn data_from_stale_session() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for e in fs::read_dir(fixtures().join("cases/stale-session/data")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), data.join(e.file_name())).unwrap();
    }
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `data/session_cache/`, with its bytes.
fn cache_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let root = dir.join("data/session_cache");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e.path().strip_prefix(&root).unwrap().display().to_string();
            (name, fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Three home sessions in August, September and October 2025 (the home session of the
/// workplace case, moved), the October one with `field` set to `value` in the listing and in
/// its details.
fn three_months(field: &str, value: Value) -> Value {
    let case = read_json(&fixtures().join("cases/workplace-session-cached-as-home/scenario.json"));
    let home = case["sessions_by_id"]["4560920631"]["charging_status"].clone();
    let mut listed = Vec::new();
    let mut by_id = serde_json::Map::new();
    for (n, start) in [1_755_000_000_000u64, 1_758_000_000_000, 1_761_000_000_000]
        .into_iter()
        .enumerate()
    {
        let id = 4_560_920_701u64 + n as u64;
        let mut s = home.clone();
        s["session_id"] = json!(id);
        s["start_time"] = json!(start);
        s["end_time"] = json!(start + 3_600_000);
        if n == 2 {
            s[field] = value.clone();
        }
        listed.push(s.clone());
        by_id.insert(id.to_string(), json!({"charging_status": s}));
    }
    let mut activity = case["activity"].clone();
    activity[0]["body"]["charging_activity_monthly"]["month_info"][0]["sessions"] = json!(listed);
    json!({"activity": activity, "sessions_by_id": by_id})
}

/// The cache_out_of_range case: a cost of 1e9 or a start of 0 used to write some month files,
/// then fail on a later one ("not written, it would not read back"), and every later run the
/// same; an energy of 1e300 was stored as the 168,652.8 kWh limit. Now the session is left out
/// with a warning naming it and the field, counted as `skipped_invalid`, the rest is written,
/// and a second run does the same.
#[test]
fn cache_leaves_out_a_session_with_a_value_outside_the_data_limits() {
    for (field, value) in [
        ("total_amount", json!(1e9)),
        ("start_time", json!(0)),
        ("energy_kwh", json!(1e300)),
    ] {
        let mock = MockChargePoint::start(&three_months(field, value));
        let dir = data_from_stale_session();
        for run in 1..=2 {
            let out = mock
                .cph50(dir.path())
                .env("CPH50_NOW", "2025-11-05T18:00:00Z")
                .args(["cache", "--all", "--json"])
                .output()
                .unwrap();
            let err = text(&out.stderr);
            assert!(out.status.success(), "{field}, run {run}: {err}");
            assert!(
                err.contains("session 4560920703") && err.contains(field),
                "{field}: {err}"
            );
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(
                (
                    report["sessions"].clone(),
                    report["skipped_invalid"].clone()
                ),
                (json!(2), json!(1)),
                "{field}: {report}"
            );
        }
        let files = cache_files(dir.path());
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["2025-08.json", "2025-09.json"], "{field}");
        assert!(
            files
                .iter()
                .all(|(_, b)| !text(b).contains("4560920703") && !text(b).contains("168652")),
            "{field}"
        );
        crate::common::cph50(dir.path())
            .arg("validate")
            .assert()
            .success();
    }
}

/// The collect_1969 case: a session whose reported start is 0 (1970) used to be written as
/// `sessions/1969/12/31/<id>.json`, which `validate` refuses. Now it is refused at once, with
/// the field named, and nothing is written.
#[test]
fn collect_refuses_a_session_started_outside_the_data_years() {
    let mut details = fixture("charging_status_session_in_progress.json");
    details["charging_status"]["start_time"] = json!(0);
    let mock = MockChargePoint::start(&json!({"session": [{"body": details}]}));
    let dir = data_from_stale_session();
    let out = mock
        .cph50(dir.path())
        .env("CPH50_NOW", "2026-01-09T08:00:00Z")
        .args([
            "collect",
            "4754846071",
            "--samples",
            "1",
            "--interval",
            "1ms",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("session 4754846071") && err.contains("start_time") && err.contains("1970"),
        "{err}"
    );
    assert!(!dir.path().join("data/sessions").exists());
}

/// A charging session whose details hold a start of 0 and 1e300 kWh: `monitor` keeps those
/// figures out of `last_session.json` (with a warning naming the field) instead of failing
/// to write it or showing a made-up figure.
#[test]
fn monitor_keeps_out_figures_outside_the_data_limits() {
    let mut details = fixture("charging_status_session_in_progress.json");
    details["charging_status"]["start_time"] = json!(0);
    details["charging_status"]["energy_kwh"] = json!(1e300);
    let mock = MockChargePoint::start(&json!({
        "status": [{"body": fixture("home_charger_status_charging.json")}],
        "user_status": [{"body": fixture("user_status_charging.json")}],
        "session": [{"body": details}],
    }));
    let dir = data_from_stale_session();
    let out = mock
        .cph50(dir.path())
        .env("CPH50_NOW", "2026-01-09T08:00:00Z")
        .args(["monitor", "--json"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("start_time"), "{err}");
    let snap: Value =
        serde_json::from_slice(&fs::read(dir.path().join("data/last_session.json")).unwrap())
            .unwrap();
    assert_eq!(snap["charging"], true, "{snap}");
    assert_eq!(snap["energy_kwh"], Value::Null, "{snap}");
    crate::common::cph50(dir.path())
        .arg("validate")
        .assert()
        .success();
}
