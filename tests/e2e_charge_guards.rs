//! `cph50 charge` guards against starts nobody can account for: a confirmation that is not
//! ChargePoint's JSON, a `runs.json` that cannot record the start, two runs at once. The real
//! binary against `cph50 sim` (frozen clock).

use std::fs;

use serde_json::{Value, json};

use crate::common::Demo;
use crate::common::sim::SimProcess;
use crate::e2e_charge::{charge, post, runs, sim_at};

/// A start confirmation (ack) answered 200 with a maintenance page, an empty body or half a
/// JSON document is no confirmation: the start failed (recorded `failure`, exit 1), and the
/// charger showing no power is not taken for a full car.
#[test]
fn a_start_confirmation_that_is_not_the_apis_json_is_not_a_confirmation() {
    for (fault, reason) in [
        (
            "ack=htmlx0",
            "Start failed after 3 attempts: session ack: not JSON (a web page or text)",
        ),
        (
            "ack=emptyx0",
            "Start failed after 3 attempts: session ack: malformed answer",
        ),
        (
            "ack=truncatedx0",
            "Start failed after 3 attempts: session ack: malformed answer",
        ),
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
        assert_eq!(out, format!("failure: {reason}\n"), "{fault}: {err}");
        assert!(!out.contains("fully charged"), "{fault}: {out}");
        let r = runs(&demo).last().unwrap().clone();
        assert_eq!(
            (r["result"].clone(), r["reason"].clone()),
            (json!("failure"), json!(reason)),
            "{fault}"
        );
    }
}

fn start_requests(sim: &SimProcess) -> u64 {
    let url = format!(
        "{}/_sim/state",
        sim.discovery_url.split("/discovery").next().unwrap()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let state: Value =
        rt.block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() });
    state["requests"]["start"].as_u64().unwrap_or(0)
}

/// A `runs.json` that does not read stops `charge`, `--now` or scheduled, naming the file,
/// before it sends any start: a start it could not record would be a charge nobody logged.
#[test]
fn a_bad_runs_file_stops_charge_before_any_start() {
    for flags in [&["--now"][..], &[]] {
        let demo = Demo::new(1);
        fs::write(demo.data().join("runs.json"), "{\"runs\": [").unwrap();
        let now = "2026-01-10T14:02:00Z";
        let sim = sim_at("idle", now, &[]);
        post(
            &sim,
            "plug",
            json!({"vehicle": "volvo_xc40_2021", "soc_kwh_needed": 20}),
        );
        let (code, out, err) = charge(&sim, &demo, now, flags);
        assert_eq!(code, Some(1), "{flags:?}: {out}{err}");
        assert!(err.contains("runs.json"), "{flags:?}: {err}");
        assert_eq!(start_requests(&sim), 0, "{flags:?}: a start was sent");
    }
}

/// Two scheduled runs at once (a late cron and the next one, or a manual run beside one): the
/// decision, the start and its record are one critical section, so the second waits, then
/// finds the first one's record and does nothing.
#[test]
fn two_scheduled_runs_at_once_start_once() {
    let demo = Demo::new(1);
    let before = runs(&demo).len();
    let now = "2026-01-10T14:02:00Z";
    let sim = sim_at("idle", now, &[]);
    post(
        &sim,
        "plug",
        json!({"vehicle": "volvo_xc40_2021", "soc_kwh_needed": 20}),
    );
    post(&sim, "fault", json!({"spec": "ack=delay400x0"}));
    let spawn = |id: &str| {
        sim.std_command(demo.root())
            .env("CPH50_NOW", now)
            .env("GITHUB_RUN_ID", id)
            .args(["charge", "--ack-interval", "1ms", "--max-wait", "1ms"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("first"), spawn("second"));
    let mut said = Vec::new();
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        said.push(stdout);
    }
    said.sort();
    assert!(
        said[0].starts_with("already started today (run "),
        "{said:?}"
    );
    assert!(said[1].starts_with("success: Charging started"), "{said:?}");
    assert_eq!(runs(&demo).len(), before + 1);
    assert_eq!(start_requests(&sim), 1);
}
