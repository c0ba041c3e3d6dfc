//! `monitor`, `collect` and `charge`: the real binary against `cph50 sim` (also the real
//! binary) with a frozen clock, and cph50's own clock set to the same instant (`CPH50_NOW`).

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::common::sim::SimProcess;
use crate::common::{Demo, snapshot};

/// A data folder (2 months of demo history) and a frozen sim that starts at `start`.
fn setup(scenario: &str, start: &str) -> (Demo, SimProcess) {
    let demo = Demo::new(2);
    let sim = SimProcess::start(&[
        "--scenario",
        scenario,
        "--speed",
        "0",
        "--start",
        start,
        "--history-days",
        "3",
    ]);
    (demo, sim)
}

fn run(sim: &SimProcess, demo: &Demo, now: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    sim.cph50(demo.root())
        .env("CPH50_NOW", now)
        .env_remove("GITHUB_RUN_ID")
        .args(args)
        .assert()
}

fn json_out(a: assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&a.success().get_output().stdout).unwrap()
}

/// POSTs to one of the sim's control endpoints.
fn control(sim: &SimProcess, path: &str, body: Value) {
    sim.post_control(path, body);
}

fn runs(demo: &Demo) -> Vec<Value> {
    let v: Value =
        serde_json::from_slice(&fs::read(demo.data().join("runs.json")).unwrap()).unwrap();
    v["runs"].as_array().unwrap().clone()
}

#[test]
fn an_idle_poll_costs_two_requests_and_writes_nothing_twice() {
    let now = "2026-01-10T18:00:00Z";
    let (demo, sim) = setup("idle", now);
    let first = json_out(run(&sim, &demo, now, &["monitor", "--json"]));
    assert_eq!(first["event"], "idle");
    let snap = fs::read_to_string(demo.data().join("last_session.json")).unwrap();
    assert!(
        snap.contains("\"power_kw\": null") && snap.contains("\"charging\": false"),
        "{snap}"
    );
    let before = snapshot(&demo.data());
    let second = json_out(run(
        &sim,
        &demo,
        "2026-01-10T18:10:00Z",
        &["monitor", "--json"],
    ));
    assert_eq!(second["event"], "idle");
    assert_eq!(
        (
            second["api"]["requests"].clone(),
            second["api"]["logins"].clone()
        ),
        (json!(2), json!(0))
    );
    assert_eq!(second["changed"], json!([]));
    assert_eq!(
        snapshot(&demo.data()),
        before,
        "an idle poll with nothing new changed a file"
    );
}

#[test]
fn a_new_session_is_detected_collected_and_filed_under_its_local_start_date() {
    // 23:50 PST on 7 March 2026, the night the clocks spring forward; the Equinox has been
    // charging for about 20 minutes, so its session started on the 7th, local time
    let now = "2026-03-08T07:50:00Z";
    let (demo, sim) = setup("default", now);
    let out = json_out(run(
        &sim,
        &demo,
        now,
        &["monitor", "--collect", "--interval", "1ms", "--json"],
    ));
    assert_eq!(out["event"], "new_session", "{out}");
    let id = out["session_id"].as_str().unwrap().to_owned();
    assert_eq!(out["collected"]["samples"], 30);
    assert_eq!(out["collected"]["valid"], 30);
    let file = demo.data().join(format!("sessions/2026/03/07/{id}.json"));
    let s: Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    assert_eq!(s["samples"].as_array().unwrap().len(), 30);
    assert!(
        s["samples"][0]["timestamp_pt"]
            .as_str()
            .unwrap()
            .ends_with(" PST")
    );
    assert_eq!(
        s["amperage_limit_amps"], 40,
        "the charger's amperage limit while it sampled"
    );
    let power = s["samples"][5]["power_kw"].as_f64().unwrap();
    assert!((8.5..9.6).contains(&power), "{power}");
    assert_eq!(
        s["vehicle_id"], "serenity_equinox_2024",
        "classified from the summary statistics"
    );
    let tracking = fs::read_to_string(demo.data().join(".last_session_id.json")).unwrap();
    assert!(tracking.contains(&id));
    let snap: Value =
        serde_json::from_slice(&fs::read(demo.data().join("last_session.json")).unwrap()).unwrap();
    assert_eq!(
        (snap["charging"].clone(), snap["vehicle_id"].clone()),
        (json!(true), json!("serenity_equinox_2024"))
    );
    assert_eq!(snap["detected_at"], "2026-03-07 23:50:00 PST");
    // the next poll sees the same session: no new tracking write, no second collection
    let again = json_out(run(
        &sim,
        &demo,
        "2026-03-08T08:00:00Z",
        &["monitor", "--collect", "--json"],
    ));
    assert_eq!(
        (again["event"].clone(), again["collected"].clone()),
        (json!("charging"), Value::Null)
    );
    assert!(
        !again["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == ".last_session_id.json")
    );
    let before = fs::read(&file).unwrap();
    run(&sim, &demo, now, &["collect", &id, "--interval", "1ms"])
        .success()
        .stdout(format!(
            "session {id} was already collected; nothing sampled\n"
        ));
    assert_eq!(fs::read(&file).unwrap(), before);
    demo.validate().success();
}

/// A session sampled under a low amperage limit: the limit is recorded with it, and the curve
/// the limit held at 4.8 kW (both household cars usually charge near 9 kW) is `unknown`, with
/// the trained model as with the summary statistics.
#[test]
fn a_session_under_a_low_amperage_limit_records_it_and_names_no_car() {
    let now = "2026-03-08T07:50:00Z";
    for trained in [false, true] {
        let (demo, sim) = setup("default", now);
        if trained {
            run(&sim, &demo, now, &["-q", "train"]).success();
        }
        run(&sim, &demo, now, &["limit", "20"]).success();
        // a minute on: the car draws what the new limit lets it
        control(&sim, "advance", json!({"seconds": 60}));
        let later = "2026-03-08T07:51:00Z";
        let out = json_out(run(
            &sim,
            &demo,
            later,
            &["monitor", "--collect", "--interval", "1ms", "--json"],
        ));
        assert_eq!(out["event"], "new_session", "{out}");
        let id = out["session_id"].as_str().unwrap();
        let file = demo.data().join(format!("sessions/2026/03/07/{id}.json"));
        let s: Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
        assert_eq!(s["amperage_limit_amps"], 20);
        let power = s["samples"][10]["power_kw"].as_f64().unwrap();
        assert!((4.0..=5.0).contains(&power), "{power} kW under 20 A");
        assert_eq!(s["vehicle_id"], "unknown", "trained {trained}: {s}");
        demo.validate().success();
    }
}

/// Both crons of a winter and of a summer day on the same data folder: the first run at or
/// after 06:00 local acts, the other says why it does not and records nothing.
#[test]
fn charge_acts_in_the_first_run_after_the_local_start_time_on_both_sides_of_dst() {
    let demo = Demo::new(2);
    for (now, acts) in [
        ("2026-01-10T13:05:00Z", false), // 05:05 PST: before the start time
        ("2026-01-10T14:05:00Z", true),  // 06:05 PST
        ("2026-07-10T13:05:00Z", true),  // 06:05 PDT
        ("2026-07-10T14:05:00Z", false), // 07:05 PDT: already started today
    ] {
        let sim = SimProcess::start(&["--scenario", "idle", "--speed", "0", "--start", now]);
        let before = runs(&demo).len();
        let a = run(&sim, &demo, now, &["charge"]).success();
        let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
        let after = runs(&demo);
        if acts {
            assert_eq!(out, "other: No vehicle plugged in\n", "{now}");
            assert_eq!(after.len(), before + 1, "{now}");
            let r = after.last().unwrap();
            assert_eq!(
                (r["result"].clone(), r["run_type"].clone()),
                (json!("other"), json!("scheduled"))
            );
            assert!(r["time_pt"].as_str().unwrap().starts_with("06:05"), "{r}");
            assert!(r["run_id"].as_str().unwrap().starts_with("local-"));
        } else {
            let why = if now.starts_with("2026-01") {
                "before the start time: it is 05:05 PST"
            } else {
                "already started today (run local-"
            };
            assert!(out.starts_with(why), "{now}: {out}");
            assert_eq!(
                after.len(),
                before,
                "{now}: a run that is not the day's start recorded something"
            );
        }
    }
}

#[test]
fn charge_starts_a_plugged_in_car_and_records_the_session() {
    let now = "2026-01-10T14:05:00Z";
    let (demo, sim) = setup("idle", now);
    control(&sim, "plug", json!({"vehicle": "volvo_xc40_2021"}));
    sim.cph50(demo.root())
        .env("CPH50_NOW", now)
        .env("GITHUB_RUN_ID", "123456789")
        .args(["charge", "--ack-interval", "1ms", "--backoff", "1ms"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "success: Charging started and confirmed (session ",
        ));
    let r = runs(&demo).last().unwrap().clone();
    assert_eq!(
        (r["result"].clone(), r["run_id"].clone()),
        (json!("success"), json!("123456789"))
    );
}

#[test]
fn charge_on_an_offline_charger_records_a_failure_and_exits_3() {
    let now = "2026-01-10T14:05:00Z";
    let (demo, sim) = setup("offline", now);
    run(&sim, &demo, now, &["charge"])
        .code(3)
        .stderr(predicate::str::starts_with(
            "error: charger 100000001 is offline",
        ));
    let r = runs(&demo).last().unwrap().clone();
    assert_eq!(
        (r["result"].clone(), r["reason"].clone()),
        (json!("failure"), json!("Charger offline"))
    );
}

#[test]
fn a_failed_poll_names_the_endpoint_and_leaves_every_file_as_it_was() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(1);
    let sim = SimProcess::start(&[
        "--scenario",
        "idle",
        "--speed",
        "0",
        "--start",
        now,
        "--fault",
        "user_status=503x0",
    ]);
    let before = snapshot(&demo.data());
    run(&sim, &demo, now, &["monitor"])
        .code(1)
        .stderr(predicate::str::contains(
            "error: user status (POST http://127.0.0.1:",
        ))
        .stderr(predicate::str::contains("HTTP 503"));
    assert_eq!(snapshot(&demo.data()), before);
}

/// A simulated week of the schedule across a month boundary: monitor every 10 minutes, the
/// daily start at 13:00 and 14:00 UTC, `cache --current` every night and `cache --previous` on
/// the 2nd; the two cars take turns. Every session ends up exactly once in the caches with the
/// car that charged, every day has one charge record, and an idle poll never rewrites a file.
#[test]
fn a_simulated_week_captures_every_session_exactly_once() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-28T02:00:00Z")
        .unwrap()
        .to_utc(); // 27 Jan, 18:00 PST
    let (demo, sim) = setup("idle", &start.to_rfc3339());
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    let mut plugged: Option<&str> = None;
    let steps = 7 * 144;
    for step in 0..steps {
        let now = start + chrono::Duration::minutes(10 * step);
        if step > 0 {
            control(&sim, "advance", json!({"seconds": 600}));
        }
        let local = now.with_timezone(&chrono_tz::America::Los_Angeles);
        let hhmm = local.format("%H:%M").to_string();
        let car = if local.format("%d").to_string().parse::<u32>().unwrap() % 2 == 0 {
            "serenity_equinox_2024"
        } else {
            "volvo_xc40_2021"
        };
        match hhmm.as_str() {
            "19:00" if plugged.is_none() => {
                control(
                    &sim,
                    "plug",
                    json!({"vehicle": car, "soc_kwh_needed": 30.0}),
                );
                plugged = Some(car);
            }
            "08:00" if plugged.is_some() => {
                control(&sim, "unplug", json!({}));
                plugged = None;
            }
            _ => {}
        }
        let stamp = now.to_rfc3339();
        let before = snapshot(&demo.data());
        // no --collect here: the sim's clock stands still while a job runs, so 30 samples would
        // all fall on one instant; the sessions are labelled by the cache runs from their
        // update_data instead (collection is tested above)
        let poll = json_out(run(&sim, &demo, &stamp, &["monitor", "--json"]));
        if poll["event"] == "new_session" {
            seen.insert(
                poll["session_id"].as_str().unwrap().to_owned(),
                plugged.unwrap_or("?"),
            );
        }
        if poll["changed"] == json!([]) {
            assert_eq!(
                snapshot(&demo.data()),
                before,
                "a poll that changed nothing rewrote a file at {stamp}"
            );
        }
        let utc = now.format("%H:%M").to_string();
        if utc == "13:00" || utc == "14:00" {
            run(
                &sim,
                &demo,
                &stamp,
                &[
                    "charge",
                    "--ack-interval",
                    "1ms",
                    "--backoff",
                    "1ms",
                    "--poll",
                    "1ms",
                    "--max-wait",
                    "1ms",
                ],
            )
            .success();
        }
        if hhmm == "00:30" {
            run(&sim, &demo, &stamp, &["-q", "cache", "--current"]).success();
        }
        if hhmm == "00:40" && local.format("%d").to_string() == "02" {
            run(&sim, &demo, &stamp, &["-q", "cache", "--previous"]).success();
        }
    }
    let last = (start + chrono::Duration::minutes(10 * (steps - 1))).to_rfc3339();
    run(&sim, &demo, &last, &["-q", "cache", "--current"]).success();
    assert!(
        seen.len() >= 7,
        "sessions seen: {seen:?} (sim: {})",
        sim.state()
    );
    let cached: Vec<Value> = demo
        .cache_files()
        .iter()
        .flat_map(|c| {
            serde_json::from_slice::<Value>(&fs::read(c).unwrap())
                .unwrap()
                .as_array()
                .unwrap()
                .clone()
        })
        .collect();
    for (id, car) in &seen {
        let hits: Vec<&Value> = cached
            .iter()
            .filter(|e| e["session_id"] == id.as_str())
            .collect();
        assert_eq!(hits.len(), 1, "session {id} cached {} times", hits.len());
        // a start after the car filled up overnight draws (almost) nothing: no curve to judge
        let energy = hits[0]["session"]["energy_kwh"].as_f64().unwrap();
        let expected = if energy < 0.5 { "unknown" } else { car };
        assert_eq!(hits[0]["vehicle_id"], expected, "session {id}: {}", hits[0]);
    }
    let days: Vec<String> = runs(&demo)
        .iter()
        .filter(|r| r["run_id"].as_str().unwrap().starts_with("local-"))
        .map(|r| r["date"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = (28..=31)
        .map(|d| format!("2026-01-{d}"))
        .chain((1..=3).map(|d| format!("2026-02-0{d}")))
        .collect();
    assert_eq!(days, expected, "one charge record per day");
    demo.validate().success();
}

/// A data folder holding only the household's vehicles and their statistics.
fn bare_data(demo: &Demo, name: &str) -> std::path::PathBuf {
    let dir = demo.root().join(name);
    fs::create_dir_all(&dir).unwrap();
    for f in ["vehicle_config.json", "classifier_summary.json"] {
        fs::copy(demo.data().join(f), dir.join(f)).unwrap();
    }
    dir
}

#[test]
fn a_backfill_equals_month_by_month_caching() {
    let now = "2026-03-20T18:00:00Z";
    let demo = Demo::new(1);
    let sim = SimProcess::start(&[
        "--scenario",
        "idle",
        "--speed",
        "0",
        "--start",
        now,
        "--history-days",
        "75",
    ]);
    let all = bare_data(&demo, "all");
    let monthly = bare_data(&demo, "monthly");
    let cph = |data: &Path, args: &[&str]| {
        sim.cph50(demo.root())
            .env("CPH50_NOW", now)
            .arg("--data")
            .arg(data)
            .args(args)
            .assert()
            .success();
    };
    cph(&all, &["-q", "cache", "--all"]);
    for month in ["2026-01", "2026-02", "2026-03"] {
        cph(&monthly, &["-q", "cache", "--month", month]);
    }
    let caches = |d: &Path| snapshot(&d.join("session_cache"));
    assert!(!caches(&all).is_empty());
    assert_eq!(
        caches(&all),
        caches(&monthly),
        "a backfill and month-by-month runs disagree"
    );
}

#[test]
fn api_faults_fail_with_the_endpoint_named_and_change_nothing() {
    let now = "2026-01-10T18:00:00Z";
    for (fault, expect) in [
        ("status=captcha_json", "charger status (GET http://"),
        ("status=captcha_html", "blocked by bot protection"),
        ("user_status=truncated", "user status (POST http://"),
        (
            "user_status=empty",
            "malformed answer: field (whole document): empty body; expected JSON",
        ),
        ("session=empty", "session details (POST http://"),
        ("status=502x0", "HTTP 502"),
    ] {
        let demo = Demo::new(1);
        let sim = SimProcess::start(&[
            "--scenario",
            "default",
            "--speed",
            "0",
            "--start",
            now,
            "--fault",
            fault,
        ]);
        let before = snapshot(&demo.data());
        let out = run(&sim, &demo, now, &["monitor"])
            .code(1)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        let last = err.lines().last().unwrap_or("");
        assert!(
            last.starts_with("error: ") && last.contains(expect),
            "{fault}: {err}"
        );
        assert_eq!(
            snapshot(&demo.data()),
            before,
            "{fault}: a failed poll changed a file"
        );
    }
}

#[test]
fn a_401_in_the_middle_of_a_run_logs_in_again_and_the_run_succeeds() {
    let now = "2026-01-10T18:00:00Z";
    let demo = Demo::new(1);
    // the session-details call answers 401 once and kills every token
    let sim2 = SimProcess::start(&[
        "--scenario",
        "default",
        "--speed",
        "0",
        "--start",
        now,
        "--fault",
        "session=expire",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out: Value = serde_json::from_slice(
        &sim2
            .cph50(dir.path())
            .env("CPH50_NOW", now)
            .arg("--data")
            .arg(demo.data())
            .args(["monitor", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(out["api"]["logins"], 2, "{out}");
    assert_eq!(out["event"], "new_session");
}
