//! `cargo bench --bench backfill`: what a 10-year `cph50 cache --all` costs against the local
//! simulator (release binary, empty data folder with the demo's vehicle_config.json and
//! classifier_summary.json), then what the second, idempotent run costs. Not a test: it
//! asserts only that the runs succeed, and measures.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use serde_json::Value;

use cph50::sim::{self, SimConfig};

const HISTORY_DAYS: u32 = 3650;

fn cph50(dir: &Path, args: &[&str], discovery: &str) -> (Value, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cph50"))
        .current_dir(dir)
        .args(args)
        .env("CP_DISCOVERY_URL", discovery)
        .env("CP_USERNAME", "driver@example.com")
        .env("CP_PASSWORD", sim::DEFAULT_PASSWORD)
        .env("CP_TOKEN_FILE", dir.join("token/token.json"))
        .env_remove("CP_SESSION_TOKEN")
        .env_remove("CP_TOKEN_KEY")
        .env_remove("CP_STATION_ID")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("cph50 runs");
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "cph50 {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (json, elapsed)
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let start = Utc
        .with_ymd_and_hms(2026, 1, 9, 18, 0, 0)
        .single()
        .expect("valid time");
    let mut cfg = SimConfig::new(start);
    cfg.seed = 42;
    cfg.speed = 0.0;
    cfg.history_days = HISTORY_DAYS;
    let handle = runtime.block_on(sim::start(cfg, 0)).expect("sim starts");

    let dir = tempfile::tempdir().expect("temp dir");
    let demo = dir.path().join("demo");
    cph50(
        dir.path(),
        &[
            "-q",
            "demo-data",
            "--months",
            "3",
            "--out",
            demo.to_str().unwrap(),
        ],
        &handle.discovery_url,
    );
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for f in ["vehicle_config.json", "classifier_summary.json"] {
        std::fs::copy(demo.join(f), data.join(f)).unwrap();
    }

    println!(
        "cph50 cache --all against cph50 sim (seed 42, {HISTORY_DAYS} days of history), release build\n"
    );
    println!(
        "{:<18} {:>8} {:>6} {:>9} {:>8} {:>7} {:>8} {:>10}",
        "run", "sessions", "months", "requests", "details", "logins", "written", "wall"
    );
    for run in ["backfill (empty)", "second run"] {
        let (json, wall) = cph50(
            dir.path(),
            &["cache", "--all", "--json"],
            &handle.discovery_url,
        );
        let n = |k: &str| json[k].as_u64().unwrap_or(0);
        println!(
            "{run:<18} {:>8} {:>6} {:>9} {:>8} {:>7} {:>8} {:>9.2}s",
            n("sessions"),
            n("months"),
            n("requests"),
            n("details_fetched"),
            n("logins"),
            n("files_written"),
            wall.as_secs_f64()
        );
    }
    let entries: usize = std::fs::read_dir(data.join("session_cache"))
        .unwrap()
        .map(|e| {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            serde_json::from_str::<Vec<Value>>(&text).unwrap().len()
        })
        .sum();
    println!("\ncache entries written: {entries}");
}
