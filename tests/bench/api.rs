//! `cargo bench --bench api`: what `cph50 status` costs against the local simulator.
//!
//! Prints, for a charging and an idle charger, the requests and logins of `cph50 status` with a
//! fresh token file and with the stored session, then the wall time of the release binary over
//! repeated runs with a stored session. Not a test: it asserts nothing, it measures.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use serde_json::Value;

use cph50::sim::{self, Scenario, SimConfig};

const RUNS: usize = 30;

fn status(discovery: &str, token: &std::path::Path) -> (Value, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cph50"))
        .args(["-q", "status", "--json"])
        .env("CP_DISCOVERY_URL", discovery)
        .env("CP_USERNAME", "driver@example.com")
        .env("CP_PASSWORD", sim::DEFAULT_PASSWORD)
        .env("CP_TOKEN_FILE", token)
        .env_remove("CP_SESSION_TOKEN")
        .env_remove("CP_TOKEN_KEY")
        .env_remove("CP_STATION_ID")
        .output()
        .expect("cph50 runs");
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "cph50 status failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).expect("status --json prints JSON"),
        elapsed,
    )
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let start = Utc
        .with_ymd_and_hms(2026, 1, 9, 8, 0, 0)
        .single()
        .expect("valid time");
    println!("cph50 status against cph50 sim (seed 42), release build\n");
    println!(
        "{:<10} {:<14} {:>9} {:>7}",
        "charger", "token file", "requests", "logins"
    );
    let mut idle_url = String::new();
    let dir = tempfile::tempdir().expect("temp dir");
    for scenario in [Scenario::Default, Scenario::Idle] {
        let mut cfg = SimConfig::new(start);
        cfg.seed = 42;
        cfg.scenario = scenario;
        let handle = runtime.block_on(sim::start(cfg, 0)).expect("sim starts");
        let token = dir.path().join(format!("{}.json", scenario.name()));
        let label = if scenario == Scenario::Default {
            "charging"
        } else {
            "idle"
        };
        for kind in ["fresh", "stored cookie"] {
            let (json, _) = status(&handle.discovery_url, &token);
            let n = |k: &str| json["api"][k].as_u64().unwrap_or(0);
            println!(
                "{label:<10} {kind:<14} {:>9} {:>7}",
                n("requests"),
                n("logins")
            );
        }
        if scenario == Scenario::Idle {
            idle_url = handle.discovery_url.clone();
        }
        std::mem::forget(handle); // keep serving until the process ends
    }
    let token = dir.path().join("idle.json");
    // an idle `monitor` poll with the stored session, into a data folder of its own
    let data = dir.path().join("data");
    let monitor = |token: &std::path::Path| {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_cph50"))
            .args(["--data", data.to_str().unwrap(), "monitor", "--json"])
            .env("CP_DISCOVERY_URL", &idle_url)
            .env("CP_USERNAME", "driver@example.com")
            .env("CP_PASSWORD", sim::DEFAULT_PASSWORD)
            .env("CP_TOKEN_FILE", token)
            .output()
            .expect("cph50 runs");
        let json: Value = serde_json::from_slice(&out.stdout).expect("monitor --json prints JSON");
        (json, started.elapsed())
    };
    let (m, _) = monitor(&token);
    println!(
        "{:<10} {:<14} {:>9} {:>7}   (cph50 monitor, idle poll)",
        "idle",
        "stored cookie",
        m["api"]["requests"].as_u64().unwrap_or(0),
        m["api"]["logins"].as_u64().unwrap_or(0)
    );
    let mut monitor_times: Vec<Duration> = (0..RUNS).map(|_| monitor(&token).1).collect();
    monitor_times.sort();
    let mut times: Vec<Duration> = (0..RUNS).map(|_| status(&idle_url, &token).1).collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "\nwall time of `cph50 status` (idle, stored cookie, {RUNS} runs): median {:.1} ms, p95 {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(times[RUNS / 2]),
        ms(times[RUNS * 95 / 100]),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
    println!(
        "wall time of `cph50 monitor` (idle, stored cookie, {RUNS} runs): median {:.1} ms, p95 {:.1} ms",
        ms(monitor_times[RUNS / 2]),
        ms(monitor_times[RUNS * 95 / 100])
    );
}
