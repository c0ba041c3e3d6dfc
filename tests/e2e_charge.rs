//! `cph50 charge` against `cph50 sim` (frozen clock): one start a day however late GitHub
//! delivers the crons, and a failed start recorded in words that hold no URL, then exit 1.

use std::fs;

use serde_json::{Value, json};

use crate::common::Demo;
use crate::common::sim::SimProcess;

pub(crate) fn sim_at(scenario: &str, start: &str, extra: &[&str]) -> SimProcess {
    let mut args = vec![
        "--scenario",
        scenario,
        "--speed",
        "0",
        "--start",
        start,
        "--history-days",
        "2",
    ];
    args.extend_from_slice(extra);
    SimProcess::start(&args)
}

pub(crate) fn post(sim: &SimProcess, path: &str, body: Value) -> Value {
    let url = format!(
        "{}/_sim/{path}",
        sim.discovery_url.split("/discovery").next().unwrap()
    );
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

pub(crate) fn runs(demo: &Demo) -> Vec<Value> {
    let v: Value =
        serde_json::from_slice(&fs::read(demo.data().join("runs.json")).unwrap()).unwrap();
    v["runs"].as_array().unwrap().clone()
}

/// `charge` at `now` (sim clock and cph50's), with quick polls; returns exit code and stdout.
pub(crate) fn charge(
    sim: &SimProcess,
    demo: &Demo,
    now: &str,
    args: &[&str],
) -> (Option<i32>, String, String) {
    let out = sim
        .cph50(demo.root())
        .env("CPH50_NOW", now)
        .env("GITHUB_RUN_ID", format!("run-{}", &now[..16]))
        .args([
            "charge",
            "--ack-interval",
            "1ms",
            "--backoff",
            "1ms",
            "--poll",
            "1ms",
            "--max-wait",
            "1ms",
        ])
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// The charge-late-cron case: winter, the 13:00 UTC run arrives at 14:02 (06:02 PST) and the
/// 14:00 run at 14:10; summer, they arrive 95 and 140 minutes after 06:00 PDT (past the default
/// 90-minute window; a 3-hour `--grace` takes the first). The charge_delayed_cron case: 14:02
/// and 14:20 UTC in winter, 14:03 and 14:15 in summer. A fresh sim per run (the car waits
/// plugged in); one record per local day, the later runs say why they do nothing.
#[test]
fn charge_acts_once_per_local_day_when_cron_runs_late() {
    let demo = Demo::new(2);
    let before = runs(&demo).len();
    let days: [(&[&str], &[&str], &str); 5] = [
        (
            &["2026-01-10T14:02:00Z", "2026-01-10T14:10:00Z"],
            &[],
            "06:02",
        ),
        (&["2026-07-10T14:35:00Z", "2026-07-10T15:20:00Z"], &[], ""),
        (
            &["2026-07-11T14:35:00Z", "2026-07-11T15:20:00Z"],
            &["--grace", "3h"],
            "07:35",
        ),
        (
            &["2027-01-12T14:02:00Z", "2027-01-12T14:20:00Z"],
            &[],
            "06:02",
        ),
        (
            &["2027-07-12T14:03:00Z", "2027-07-12T14:15:00Z"],
            &[],
            "07:03",
        ),
    ];
    let mut expected = 0;
    for (instants, flags, acting) in days {
        for (n, now) in instants.iter().enumerate() {
            let sim = sim_at("idle", now, &[]);
            post(
                &sim,
                "plug",
                json!({"vehicle": "volvo_xc40_2021", "soc_kwh_needed": 20}),
            );
            let (code, out, err) = charge(&sim, &demo, now, flags);
            assert_eq!(code, Some(0), "{now}: {out}{err}");
            if !acting.is_empty() && n == 0 {
                assert!(
                    out.starts_with("success: Charging started and confirmed"),
                    "{now}: {out}"
                );
                expected += 1;
            } else if !acting.is_empty() {
                assert!(
                    out.starts_with(&format!(
                        "already started today (run run-{} at {acting} ",
                        &instants[0][..16]
                    )),
                    "{now}: {out}"
                );
            } else {
                assert!(
                    out.starts_with("past the grace window: it is "),
                    "{now}: {out}"
                );
            }
        }
    }
    let all = runs(&demo);
    assert_eq!(all.len(), before + expected, "{:?}", &all[before..]);
    let times: Vec<(String, String)> = all[before..]
        .iter()
        .map(|r| {
            (
                r["time_pt"].as_str().unwrap()[..5].to_owned(),
                r["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let success = |t: &str| (t.to_owned(), "success".to_owned());
    assert_eq!(
        times,
        [
            success("06:02"),
            success("07:35"),
            success("06:02"),
            success("07:03")
        ]
    );
}

/// Another zone: Berlin's 06:00 is 05:00 UTC in winter. Runs 20 minutes late after 04:00,
/// 05:00 and 06:00 UTC: one record, and the reasons of the others in Berlin's time.
#[test]
fn charge_follows_the_configured_zone() {
    let demo = Demo::new(2);
    let before = runs(&demo).len();
    let mut said = Vec::new();
    for now in [
        "2026-01-12T04:20:00Z",
        "2026-01-12T05:20:00Z",
        "2026-01-12T06:20:00Z",
    ] {
        let sim = sim_at("idle", now, &[]);
        let out = sim
            .cph50(demo.root())
            .env("CPH50_NOW", now)
            .env("GITHUB_RUN_ID", "777")
            .args(["--tz", "Europe/Berlin", "charge"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{now}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        said.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    assert_eq!(
        said,
        [
            "before the start time: it is 05:20 CET, the daily start is at 06:00 CET; nothing to do\n",
            "other: No vehicle plugged in\n",
            "already started today (run 777 at 06:20 CET, other); nothing to do\n",
        ]
    );
    assert_eq!(runs(&demo).len(), before + 1);
}

/// The charge_failure_exit0 case: every start answers 503, or bot protection, or the charger
/// status cannot be read. The run is recorded with a short reason (no URL, no body, no ids),
/// then `charge` exits 1 with one error line naming the endpoint; bot protection is not
/// retried.
#[test]
fn charge_failure_is_recorded_then_exits_1() {
    for (fault, reason, starts) in [
        (
            "start=503x0",
            "Start failed after 3 attempts: start session: HTTP 503",
            3,
        ),
        (
            "start=captcha_jsonx0",
            "start session: blocked by bot protection",
            1,
        ),
        ("status=503x0", "Start failed: charger status: HTTP 503", 0),
    ] {
        let demo = Demo::new(1);
        let now = "2026-01-10T18:00:00Z";
        let sim = sim_at("idle", now, &[]);
        post(
            &sim,
            "plug",
            json!({"vehicle": "volvo_xc40_2021", "soc_kwh_needed": 20}),
        );
        post(&sim, "fault", json!({"spec": fault}));
        let (code, out, err) = charge(&sim, &demo, now, &["--now"]);
        assert_eq!(code, Some(1), "{fault}: {out}{err}");
        assert_eq!(out, format!("failure: {reason}\n"), "{fault}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{fault}: {err}");
        let endpoint = if starts == 0 {
            "error: charger status (GET http://"
        } else {
            "error: start session (POST http://"
        };
        assert!(errors[0].starts_with(endpoint), "{fault}: {err}");
        let r = runs(&demo).last().unwrap().clone();
        assert_eq!(
            (r["result"].clone(), r["reason"].clone()),
            (json!("failure"), json!(reason))
        );
        let text = fs::read_to_string(demo.data().join("runs.json")).unwrap();
        for secret in [
            "http",
            "127.0.0.1",
            "200000001",
            "captcha-delivery",
            "errorMessage",
        ] {
            assert!(
                !text.contains(secret),
                "{fault}: runs.json holds {secret:?}"
            );
        }
        let state = sim.state();
        let made = state["requests"]["start"].as_u64().unwrap_or(0);
        assert!(
            if starts == 3 {
                made >= 3
            } else {
                made == starts
            },
            "{fault}: {made} start requests"
        );
    }
}

/// A charge someone else started outside the charger's own schedule window needs no waiting:
/// `charge` says so at once instead of waiting out `--max-wait`.
#[test]
fn charging_outside_the_schedule_window_is_reported_without_waiting() {
    // 10:00 PST: the Equinox has been charging for 20 minutes; the window is 00:00-06:00
    let now = "2026-01-09T18:00:00Z";
    let sim = sim_at("default", now, &[]);
    let demo = Demo::new(1);
    let started = std::time::Instant::now();
    let out = sim
        .cph50(demo.root())
        .env("CPH50_NOW", now)
        .env("GITHUB_RUN_ID", "outside-window")
        .args([
            "charge",
            "--at",
            "09:50",
            "--max-wait",
            "20s",
            "--poll",
            "1s",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "waited {:?}",
        started.elapsed()
    );
    let last = runs(&demo).pop().unwrap();
    assert_eq!(last["reason"], "Already charging", "{last}");
}

/// However short `--poll` is, the charger's status is asked a bounded number of times while
/// `charge` waits for the charger's own schedule window to end.
#[test]
fn a_zero_poll_interval_cannot_hammer_the_charger() {
    // 05:00 PST: inside the charger's own 00:00-06:00 window, the car plugged in
    let now = "2026-01-09T13:00:00Z";
    let sim = sim_at("idle", now, &[]);
    post(&sim, "plug", json!({"vehicle": "volvo_xc40_2021"}));
    let demo = Demo::new(1);
    let out = sim
        .cph50(demo.root())
        .env("CPH50_NOW", now)
        .env("GITHUB_RUN_ID", "zero-poll")
        .args([
            "charge",
            "--at",
            "04:50",
            "--max-wait",
            "2s",
            "--poll",
            "0s",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let state = sim.state();
    let asked = state["requests"]["status"].as_u64().unwrap();
    assert!(asked <= 122, "{asked} status requests in 2 s");
    let last = runs(&demo).pop().unwrap();
    assert_eq!(
        last["reason"], "The charger's own schedule window did not end in time",
        "{last}"
    );
}
