//! The charger control commands end to end against `cph50 sim`: `stop`, `limit`, `schedule`,
//! and `charge --for/--until/--max-kwh`, which stops the session it started and records the
//! stop in `runs.json`. The sim's charger obeys them (a stopped session ends, a limit caps the
//! car's power, a schedule holds a plugged-in car until its window), and what must be refused
//! before any request reaches it is checked on its request counts.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::Demo;
use crate::common::sim::SimProcess;
use crate::e2e_charge::{post, runs};

/// 10:00 PST on a Friday: outside the sim's 00:00-06:00 schedule; the default scenario's
/// Equinox is charging.
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
        "2",
    ];
    args.extend_from_slice(extra);
    SimProcess::start(&args)
}

/// Requests the sim counted for the endpoint `name`.
fn requests(sim: &SimProcess, name: &str) -> u64 {
    sim.state()["requests"][name].as_u64().unwrap_or(0)
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout, self.stderr))
    }

    /// The one `error:` line.
    fn error_line(&self) -> String {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert_eq!(lines.len(), 1, "{}", self.stderr);
        lines[0].to_owned()
    }
}

fn run(sim: &SimProcess, demo: &Demo, args: &[&str]) -> Ran {
    let out = sim
        .cph50(demo.root())
        .env_remove("GITHUB_RUN_ID")
        .args(args)
        .output()
        .unwrap();
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn stop_ends_the_session_in_progress_and_status_shows_it() {
    let sim = sim("default", &[]);
    let demo = Demo::new(1);
    let running = sim.state()["current_session_id"].as_u64().unwrap();
    let stopped = run(&sim, &demo, &["stop", "--json", "--ack-interval", "1ms"]);
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);
    let report = stopped.json();
    assert_eq!(report["outcome"], "stopped");
    assert_eq!(report["session_id"].as_u64(), Some(running));
    assert_eq!(report["charging_after"], false);
    assert!(report["energy_kwh"].as_f64().unwrap() > 0.0);
    let after = sim.state();
    assert!(after["current_session_id"].is_null() && after["charging"] == false);
    let status = run(&sim, &demo, &["status", "--json"]).json();
    assert_eq!(
        (status["charging"].clone(), status["session"].clone()),
        (json!(false), Value::Null)
    );
    // nothing left to stop: a clear no-op a scheduled job can read, and no stop sent
    let again = run(&sim, &demo, &["stop", "--json"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(again.json()["outcome"], "none");
    let text = run(&sim, &demo, &["stop"]);
    assert!(
        text.stdout.contains("no session in progress"),
        "{}",
        text.stdout
    );
    assert_eq!(requests(&sim, "stop"), 1);
    demo.validate().success();
}

#[test]
fn a_refused_stop_prints_chargepoints_reason_and_the_session_runs_on() {
    let sim = sim("default", &["--fault", "stop=refusex2"]);
    let demo = Demo::new(1);
    let running = sim.state()["current_session_id"].as_u64().unwrap();
    let ran = run(&sim, &demo, &["stop", "--ack-interval", "1ms"]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    let line = ran.error_line();
    assert!(
        line.contains("stop_session refused")
            && line.contains(
                "Failed to stop charging. Try again, or stop the session at the charger."
            ),
        "{line}"
    );
    assert_eq!(sim.state()["current_session_id"].as_u64(), Some(running));
    // the `error:` line is the first thing printed at default verbosity (no warning before it)
    assert!(ran.stderr.starts_with("error: "), "{}", ran.stderr);
    // with every detail (-vv), still no Rust debug text
    let ran = run(&sim, &demo, &["-vv", "stop", "--ack-interval", "1ms"]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("refused on poll")
            && !ran.stderr.contains("Some(")
            && !ran.stderr.contains("None"),
        "{}",
        ran.stderr
    );
}

#[test]
fn stopping_another_session_than_the_one_in_progress_sends_nothing() {
    let sim = sim("default", &[]);
    let demo = Demo::new(1);
    let running = sim.state()["current_session_id"].as_u64().unwrap();
    let ran = run(&sim, &demo, &["stop", "--session", "4700000001"]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    let line = ran.error_line();
    assert!(
        line.contains("session 4700000001 is not the session in progress")
            && line.contains(&running.to_string())
            && line.contains("nothing was sent"),
        "{line}"
    );
    assert_eq!(requests(&sim, "stop"), 0);
    assert_eq!(sim.state()["current_session_id"].as_u64(), Some(running));
    // the right id stops it
    let id = running.to_string();
    let ran = run(
        &sim,
        &demo,
        &["stop", "--session", &id, "--ack-interval", "1ms"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.contains(&format!("stopped session {id}")),
        "{}",
        ran.stdout
    );
}

/// The session's energy over `seconds` of sim time, kWh.
fn energy_over(sim: &SimProcess, seconds: u64) -> f64 {
    let before = sim.state()["session_energy_kwh"].as_f64().unwrap();
    post(sim, "advance", json!({"seconds": seconds}));
    sim.state()["session_energy_kwh"].as_f64().unwrap() - before
}

#[test]
fn limit_shows_the_range_and_a_new_limit_caps_the_cars_power() {
    let sim = sim("default", &[]);
    let demo = Demo::new(1);
    let shown = run(&sim, &demo, &["limit", "--json"]).json();
    assert_eq!(shown["limit_a"], 40);
    let allowed: Vec<u32> = (20..=40).collect();
    assert_eq!(shown["allowed_a"], json!(allowed));
    assert!(shown["set"].is_null());
    let text = run(&sim, &demo, &["limit"]);
    assert!(
        text.stdout.contains("amperage limit 40 A") && text.stdout.contains("20-40 A"),
        "{}",
        text.stdout
    );
    // the Equinox draws about 9 kW at 40 A: 1.5 kWh in 10 minutes
    let full = energy_over(&sim, 600);
    assert!((1.4..1.6).contains(&full), "{full}");
    let set = run(&sim, &demo, &["limit", "20", "--json"]);
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let set = set.json();
    assert_eq!(set["set"]["desired_a"], 20);
    assert_eq!(set["set"]["status"], "APPLYING");
    assert_eq!(sim.state()["amperage_limit"], 20);
    // 20 A x 240 V = 4.8 kW: 0.8 kWh in 10 minutes
    let capped = energy_over(&sim, 600);
    assert!((capped - 0.8).abs() < 0.01, "{capped}");
    let status = run(&sim, &demo, &["status", "--json"]).json();
    let power = status["session"]["power_kw"].as_f64().unwrap();
    assert!(power < 5.5, "power {power} kW above the 4.8 kW limit");
    assert_eq!(status["amperage_limit"], 20.0);
}

#[test]
fn a_limit_outside_the_chargers_range_is_refused_before_any_put() {
    let sim = sim("default", &[]);
    let demo = Demo::new(1);
    for amps in ["99", "10"] {
        let ran = run(&sim, &demo, &["limit", amps]);
        assert_eq!(ran.code, Some(2), "{}", ran.stderr);
        let line = ran.error_line();
        assert!(
            line.contains(&format!("limit {amps} A")) && line.contains("20-40 A"),
            "{line}"
        );
    }
    let ran = run(&sim, &demo, &["limit", "lots"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert_eq!(requests(&sim, "amperage"), 0);
    assert_eq!(sim.state()["amperage_limit"], 40);
}

#[test]
fn a_refused_limit_prints_the_reason_and_changes_nothing() {
    let sim = sim("default", &["--fault", "amperage=refuse"]);
    let demo = Demo::new(1);
    let ran = run(&sim, &demo, &["limit", "32"]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    let line = ran.error_line();
    assert!(
        line.starts_with("error: amperage limit")
            && line.contains("set_amperage_limit refused")
            && line.contains("The charger did not accept the new charge amperage limit."),
        "{line}"
    );
    assert_eq!(sim.state()["amperage_limit"], 40);
    assert_eq!(requests(&sim, "amperage"), 1, "sent once, never retried");
}

#[test]
fn schedule_show_set_off_round_trip_and_the_window_holds_a_plugged_car() {
    let sim = sim("idle", &[]);
    let demo = Demo::new(1);
    let shown = run(&sim, &demo, &["schedule", "--json"]).json();
    assert_eq!(shown["action"], "show");
    assert_eq!(shown["enabled"], true);
    assert_eq!(shown["weekday"], json!({"start": "00:00", "end": "06:00"}));
    assert_eq!(shown["zone"], "America/Los_Angeles");
    assert_eq!(shown["utility"]["name"], "Clean Energy Alliance");
    assert_eq!(shown["utility"]["plan_code"], "EV-TOU-5-NEM3");
    assert_eq!(shown["utility_from"], "schedule");
    let text = run(&sim, &demo, &["schedule"]);
    assert!(
        text.stdout.contains("weekdays (Mon-Fri): 00:00-06:00")
            && text.stdout.contains("Clean Energy Alliance")
            && text.stdout.contains("EV-TOU-5-NEM3"),
        "{}",
        text.stdout
    );
    // noon to two on weekdays (the sim's day is a Friday); printed as the charger answers it
    let set = run(
        &sim,
        &demo,
        &[
            "schedule",
            "set",
            "--weekday",
            "12:00-14:00",
            "--weekend",
            "23:00-07:00",
            "--json",
        ],
    );
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let set = set.json();
    assert_eq!(
        (set["action"].clone(), set["enabled"].clone()),
        (json!("set"), json!(true))
    );
    assert_eq!(set["weekday"], json!({"start": "12:00", "end": "14:00"}));
    assert_eq!(set["weekend"], json!({"start": "23:00", "end": "07:00"}));
    assert_eq!(
        run(&sim, &demo, &["schedule", "--json"]).json()["weekday"],
        set["weekday"]
    );
    // a car plugged in at 10:00 waits for the window, charges inside it, stops at its end
    post(
        &sim,
        "plug",
        json!({"vehicle": "serenity_equinox_2024", "soc_kwh_needed": 40.0}),
    );
    assert_eq!(sim.state()["charging"], false);
    post(&sim, "advance", json!({"seconds": 7140}));
    assert_eq!(sim.state()["charging"], false, "11:59: not yet");
    post(&sim, "advance", json!({"seconds": 120}));
    assert_eq!(sim.state()["charging"], true, "12:01: inside the window");
    post(&sim, "advance", json!({"seconds": 7200}));
    assert_eq!(sim.state()["charging"], false, "14:01: the window closed");
    // off: the plugged-in car charges at once
    let off = run(&sim, &demo, &["schedule", "off", "--json"]);
    assert_eq!(off.code, Some(0), "{}", off.stderr);
    let off = off.json();
    assert_eq!(off["enabled"], false);
    assert!(off["weekday"].is_null());
    post(&sim, "advance", json!({"seconds": 10}));
    assert_eq!(sim.state()["charging"], true);
    let text = run(&sim, &demo, &["schedule"]);
    assert!(text.stdout.contains("schedule disabled"), "{}", text.stdout);
    // a bad window: exit 2, no PUT
    let puts = requests(&sim, "schedule");
    for bad in [
        "12:00-12:00",
        "7:0-09:00",
        "25:00-06:00",
        "00:00-24:00",
        "noon",
    ] {
        let ran = run(
            &sim,
            &demo,
            &[
                "schedule",
                "set",
                "--weekday",
                bad,
                "--weekend",
                "00:00-06:00",
            ],
        );
        assert_eq!(ran.code, Some(2), "{bad}: {}", ran.stderr);
        assert!(ran.stderr.contains("HH:MM-HH:MM"), "{bad}: {}", ran.stderr);
    }
    let ran = run(
        &sim,
        &demo,
        &["schedule", "set", "--weekday", "12:00-14:00"],
    );
    assert_eq!(ran.code, Some(2), "--weekend is required: {}", ran.stderr);
    assert_eq!(requests(&sim, "schedule"), puts);
    // 24:00 is no time of the charger's day: the message says what to use
    let ran = run(
        &sim,
        &demo,
        &[
            "schedule",
            "set",
            "--weekday",
            "00:00-06:00",
            "--weekend",
            "00:00-24:00",
        ],
    );
    assert!(
        ran.error_line().contains("end it at 23:59"),
        "{}",
        ran.stderr
    );
    // a one-digit hour, as `charge --until` takes it, is sent as HH:MM
    let set = run(
        &sim,
        &demo,
        &[
            "schedule",
            "set",
            "--weekday",
            "6:00-7:30",
            "--weekend",
            "0:00-23:59",
            "--json",
        ],
    );
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let set = set.json();
    assert_eq!(set["weekday"], json!({"start": "06:00", "end": "07:30"}));
    assert_eq!(set["weekend"], json!({"start": "00:00", "end": "23:59"}));
}

/// A charger that is not connected to ChargePoint takes no command: `limit AMPS`,
/// `schedule set` and `schedule off` exit 3 like `stop`, with the offline `error:` line and
/// nothing sent; `limit` and `schedule show` show what ChargePoint last had and say the
/// charger is offline (`connected` false).
fn offline_charger_takes_no_command(sim: &SimProcess) {
    let demo = Demo::new(1);
    let limit_before = sim.state()["amperage_limit"].clone();
    let schedule_before = sim.state()["schedule_enabled"].clone();
    let window = ["--weekday", "6:00-07:00", "--weekend", "00:00-06:00"];
    for args in [
        &["limit", "25", "--json"][..],
        &["limit", "25"],
        &[
            "schedule", "set", window[0], window[1], window[2], window[3],
        ],
        &[
            "schedule", "set", "--json", window[0], window[1], window[2], window[3],
        ],
        &["schedule", "off"],
        &["stop"],
    ] {
        let ran = run(sim, &demo, args);
        assert_eq!(ran.code, Some(3), "{args:?}: {}", ran.stderr);
        let line = ran.error_line();
        assert!(
            line.contains("is offline (not connected to ChargePoint)")
                && ran.stderr.starts_with("error: "),
            "{args:?}: {}",
            ran.stderr
        );
        assert!(ran.stdout.trim().is_empty(), "{args:?}: {}", ran.stdout);
    }
    assert_eq!(requests(sim, "amperage"), 0);
    assert_eq!(requests(sim, "schedule"), 0);
    assert_eq!(requests(sim, "stop"), 0);
    assert_eq!(sim.state()["amperage_limit"], limit_before);
    assert_eq!(sim.state()["schedule_enabled"], schedule_before);
    // shown, exit 0, with the charger's state said
    let shown = run(sim, &demo, &["limit", "--json"]);
    assert_eq!(shown.code, Some(0), "{}", shown.stderr);
    let shown = shown.json();
    assert_eq!(shown["connected"], false);
    assert_eq!(shown["limit_a"], 40);
    let text = run(sim, &demo, &["limit"]);
    assert!(
        text.stdout.contains("amperage limit 40 A")
            && text.stdout.contains("the charger is offline"),
        "{}",
        text.stdout
    );
    let shown = run(sim, &demo, &["schedule", "--json"]);
    assert_eq!(shown.code, Some(0), "{}", shown.stderr);
    let shown = shown.json();
    assert_eq!(
        (shown["connected"].clone(), shown["enabled"].clone()),
        (json!(false), json!(true))
    );
    let text = run(sim, &demo, &["schedule"]);
    assert!(
        text.stdout.contains("the charger is offline"),
        "{}",
        text.stdout
    );
}

#[test]
fn limit_and_schedule_changes_are_refused_while_the_charger_is_offline() {
    offline_charger_takes_no_command(&sim("offline", &[]));
    // a charger that drops off while the sim runs, and comes back
    let sim = sim("idle", &[]);
    post(&sim, "connect", json!({"connected": false}));
    offline_charger_takes_no_command(&sim);
    post(&sim, "connect", json!({"connected": true}));
    let demo = Demo::new(1);
    let shown = run(&sim, &demo, &["limit", "--json"]).json();
    assert_eq!(shown["connected"], true);
    let set = run(&sim, &demo, &["limit", "25", "--json"]);
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    assert_eq!(requests(&sim, "amperage"), 1);
}

#[test]
fn a_refused_schedule_prints_the_reason_and_changes_nothing() {
    let sim = sim("idle", &["--fault", "schedule=refuse"]);
    let demo = Demo::new(1);
    // a GET is not refused: the fault waits for the PUT
    let shown = run(&sim, &demo, &["schedule"]);
    assert_eq!(shown.code, Some(0), "{}", shown.stderr);
    let ran = run(&sim, &demo, &["schedule", "off"]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    let line = ran.error_line();
    assert!(
        line.starts_with("error: charger schedule")
            && line.contains("set_schedule refused")
            && line.contains("The charging schedule could not be saved to the charger."),
        "{line}"
    );
    assert_eq!(sim.state()["schedule_enabled"], true);
}

/// `charge --now` with quick start polls and `extra`; the car waits outside the schedule
/// window, so the start is the run's own.
fn charge(sim: &SimProcess, demo: &Demo, now: Option<&str>, extra: &[&str]) -> Ran {
    let mut cmd = sim.cph50(demo.root());
    if let Some(now) = now {
        cmd.env("CPH50_NOW", now);
    }
    let out = cmd
        .env("GITHUB_RUN_ID", "4242")
        .args([
            "charge",
            "--now",
            "--ack-interval",
            "1ms",
            "--poll",
            "100ms",
        ])
        .args(extra)
        .output()
        .unwrap();
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The idle sim with the Equinox plugged in (outside the window: not charging).
fn plugged(extra: &[&str]) -> SimProcess {
    let sim = sim("idle", extra);
    post(
        &sim,
        "plug",
        json!({"vehicle": "serenity_equinox_2024", "soc_kwh_needed": 40.0}),
    );
    assert_eq!(sim.state()["charging"], false);
    sim
}

/// The run's two records: the start and the stop, same run id.
fn start_and_stop(demo: &Demo, before: usize) -> (Value, Value) {
    let all = runs(demo);
    assert_eq!(all.len(), before + 2, "{all:#?}");
    let (start, stop) = (all[before].clone(), all[before + 1].clone());
    assert_eq!(start["run_id"], "4242");
    assert_eq!(stop["run_id"], "4242");
    assert!(start.get("stop").is_none());
    (start, stop)
}

#[test]
fn charge_for_stops_the_session_it_started_and_records_the_stop() {
    let sim = plugged(&[]);
    let demo = Demo::new(1);
    let before = runs(&demo).len();
    let ran = charge(&sim, &demo, Some(START), &["--for", "1s"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let (start, stop) = start_and_stop(&demo, before);
    assert_eq!(start["result"], "success");
    let id = stop["stop"]["session_id"].as_str().unwrap().to_owned();
    assert!(start["reason"].as_str().unwrap().contains(&id), "{start}");
    assert_eq!(stop["result"], "success");
    assert_eq!(stop["run_type"], "manual-start");
    assert_eq!(stop["stop"]["condition"], "for");
    assert_eq!(stop["stop"]["value"], "1s");
    assert_eq!(stop["stop"]["outcome"], "stopped");
    assert!(stop["polling_duration_sec"].as_f64().unwrap() >= 1.0);
    assert!(
        ran.stdout.contains(&format!("Stopped session {id}")),
        "{}",
        ran.stdout
    );
    let s = sim.state();
    assert!(
        s["current_session_id"].is_null() && s["charging"] == false,
        "{s}"
    );
    assert_eq!(requests(&sim, "stop"), 1);
    demo.validate().success();
}

#[test]
fn charge_until_stops_at_the_local_time() {
    let sim = plugged(&[]);
    let demo = Demo::new(1);
    let before = runs(&demo).len();
    // 09:59:58 PST: --until 10:00 is two seconds away
    let started = std::time::Instant::now();
    let ran = charge(
        &sim,
        &demo,
        Some("2026-01-09T17:59:58Z"),
        &["--until", "10:00"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(started.elapsed() >= Duration::from_secs(2));
    let (_, stop) = start_and_stop(&demo, before);
    assert_eq!(stop["stop"]["condition"], "until");
    assert_eq!(stop["stop"]["value"], "10:00");
    assert_eq!(stop["stop"]["outcome"], "stopped");
    assert!(stop["time_pt"].as_str().unwrap() >= "10:00:00", "{stop}");
    assert!(sim.state()["current_session_id"].is_null());
    demo.validate().success();
}

#[test]
fn charge_max_kwh_stops_once_the_session_has_delivered_it() {
    // ten sim minutes per second: 2 kWh at 9 kW in under 1.5 s
    let sim = SimProcess::start(&[
        "--scenario",
        "idle",
        "--speed",
        "600",
        "--start",
        START,
        "--history-days",
        "2",
    ]);
    post(
        &sim,
        "plug",
        json!({"vehicle": "serenity_equinox_2024", "soc_kwh_needed": 40.0}),
    );
    let demo = Demo::new(1);
    let before = runs(&demo).len();
    let ran = charge(&sim, &demo, None, &["--max-kwh", "2"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let (_, stop) = start_and_stop(&demo, before);
    assert_eq!(stop["stop"]["condition"], "max-kwh");
    assert_eq!(stop["stop"]["outcome"], "stopped");
    let kwh = stop["stop"]["energy_kwh"].as_f64().unwrap();
    // a 100 ms poll is 60 sim seconds, 0.15 kWh at 9 kW
    assert!((2.0..2.6).contains(&kwh), "{kwh}");
    assert!(sim.state()["current_session_id"].is_null());
    demo.validate().success();
}

#[test]
fn a_session_that_ends_on_its_own_is_recorded_and_not_stopped() {
    let sim = plugged(&[]);
    let demo = Demo::new(1);
    let before = runs(&demo).len();
    std::thread::scope(|s| {
        let job = s.spawn(|| charge(&sim, &demo, Some(START), &["--for", "30s"]));
        // the start is confirmed within a second; then the car leaves
        let waited = std::time::Instant::now();
        while sim.state()["current_session_id"].is_null() {
            assert!(
                waited.elapsed() < Duration::from_secs(20),
                "no session started"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        post(&sim, "unplug", json!({}));
        let ran = job.join().unwrap();
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    });
    let (_, stop) = start_and_stop(&demo, before);
    assert_eq!(stop["result"], "other");
    assert_eq!(stop["stop"]["outcome"], "ended");
    // the poll that sees it reads the charger (unplugged) or, if the car left between its two
    // requests, the listing (no session)
    let reason = stop["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("No stop sent: session ")
            && (reason.contains("the vehicle was unplugged")
                || reason.contains("ChargePoint lists no session in progress")),
        "{stop}"
    );
    assert_eq!(requests(&sim, "stop"), 0);
    demo.validate().success();
}

#[test]
fn a_refused_stop_of_charge_is_recorded_then_exit_1() {
    let sim = plugged(&["--fault", "stop=refuse"]);
    let demo = Demo::new(1);
    let before = runs(&demo).len();
    let ran = charge(&sim, &demo, Some(START), &["--for", "1s"]);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(
        ran.error_line().contains("Failed to stop charging"),
        "{}",
        ran.stderr
    );
    let (_, stop) = start_and_stop(&demo, before);
    assert_eq!(stop["result"], "failure");
    assert_eq!(stop["stop"]["outcome"], "failed");
    assert!(
        stop["reason"]
            .as_str()
            .unwrap()
            .starts_with("Stop failed: Stop refused by the charger"),
        "{stop}"
    );
    assert!(
        !sim.state()["current_session_id"].is_null(),
        "the session runs on"
    );
    demo.validate().success();
}

#[test]
fn stop_waits_beyond_the_bound_are_refused_before_any_request() {
    let sim = plugged(&[]);
    let demo = Demo::new(1);
    let before = std::fs::read(demo.data().join("runs.json")).unwrap();
    for args in [
        &["--for", "6h"][..],
        &["--for", "0s"],
        &["--until", "16:00"],
        &["--max-kwh", "0"],
        &["--for", "1h", "--max-kwh", "3"],
        &["--for", "1h", "--until", "10:30"],
    ] {
        let ran = charge(&sim, &demo, Some(START), args);
        assert_eq!(ran.code, Some(2), "{args:?}: {}", ran.stderr);
    }
    let ran = charge(&sim, &demo, Some(START), &["--until", "16:00"]);
    assert!(
        ran.error_line()
            .contains("--until 16:00 is 6h away, more than the 5h a run waits at most"),
        "{}",
        ran.stderr
    );
    // a whole sentence: longer than what
    let ran = charge(&sim, &demo, Some(START), &["--for", "6h"]);
    assert!(
        ran.error_line()
            .contains("--for 6h is longer than the 5h a run waits at most for its stop"),
        "{}",
        ran.stderr
    );
    // a one-digit hour is taken as in `schedule set`; one-digit minutes nowhere
    let ran = charge(&sim, &demo, Some(START), &["--until", "6:3"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("is not HH:MM"), "{}", ran.stderr);
    assert_eq!(
        std::fs::read(demo.data().join("runs.json")).unwrap(),
        before
    );
    assert_eq!(sim.state()["requests_total"], 0);
}

#[test]
fn validate_accepts_stop_records_and_names_bad_ones() {
    let demo = Demo::new(1);
    let path = demo.data().join("runs.json");
    let record = |result: &str, stop: Value| {
        json!({"runs": [{
            "run_id": "1", "date": "2026-01-09", "time_utc": "18:00:00", "time_pt": "10:00:00",
            "result": "success", "reason": "Charging started and confirmed", "run_type": "manual-start"
        }, {
            "run_id": "1", "date": "2026-01-09", "time_utc": "20:00:00", "time_pt": "12:00:00",
            "result": result, "reason": "Stopped session 4754846071 (--for 2h)",
            "run_type": "manual-start", "polling_duration_sec": 7200.0, "stop": stop
        }]})
    };
    let good = json!({"session_id": "4754846071", "condition": "for", "value": "2h",
                      "outcome": "stopped", "energy_kwh": 18.2});
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&record("success", good.clone())).unwrap(),
    )
    .unwrap();
    demo.validate().success();
    let bad = |stop: Value, result: &str, needle: &str| {
        std::fs::write(
            &path,
            serde_json::to_vec_pretty(&record(result, stop)).unwrap(),
        )
        .unwrap();
        let out = demo.validate().failure().get_output().clone();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            text.contains("runs.json") && text.contains(needle),
            "{needle}: {text}"
        );
    };
    bad(good.clone(), "failure", "/runs/1/result");
    let mut v = good.clone();
    v["session_id"] = json!("47548x");
    bad(v, "success", "/runs/1/stop/session_id");
    let mut v = good.clone();
    v["condition"] = json!("whenever");
    bad(v, "success", "/runs/1/stop/condition");
    let mut v = good;
    v["energy_kwh"] = json!(-1.0);
    bad(v, "success", "/runs/1/stop/energy_kwh");
}
