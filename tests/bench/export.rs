//! `cargo bench --bench export`: wall time and size of `cph50 export` in each format on the
//! 10-year demo (`cph50 demo-data --months 120`), release build. Each export includes reading
//! and validating the whole data folder, as the command does; `validate` alone is timed too.
//! Not a test: it asserts only that the runs succeed, and measures.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

const MONTHS: &str = "120";
const RUNS: usize = 3;

fn cph50(dir: &Path, args: &[&str]) -> (Value, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cph50"))
        .current_dir(dir)
        .args(args)
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

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    cph50(
        dir.path(),
        &["-q", "demo-data", "--months", MONTHS, "--out", "data"],
    );
    let validate = median(
        (0..RUNS)
            .map(|_| cph50(dir.path(), &["-q", "validate"]).1)
            .collect(),
    );
    println!("cph50 export on the {MONTHS}-month demo, release build, median of {RUNS} runs\n");
    println!(
        "{:<8} {:>9} {:>9} {:>6} {:>10} {:>9}",
        "format", "sessions", "samples", "files", "size", "wall"
    );
    for (format, out) in [
        ("sqlite", "cph50.sqlite"),
        ("parquet", "parquet"),
        ("csv", "csv"),
    ] {
        let mut times = Vec::new();
        let mut last = Value::Null;
        for _ in 0..RUNS {
            let (json, wall) = cph50(
                dir.path(),
                &["export", "--format", format, "--out", out, "--json"],
            );
            times.push(wall);
            last = json;
        }
        let rows = |table: &str| {
            last["rows"]
                .as_array()
                .and_then(|r| r.iter().find(|p| p[0] == table))
                .and_then(|p| p[1].as_u64())
                .unwrap_or(0)
        };
        println!(
            "{format:<8} {:>9} {:>9} {:>6} {:>7.1} MB {:>7} ms",
            rows("sessions"),
            rows("samples"),
            last["files"].as_u64().unwrap_or(0),
            last["bytes"].as_f64().unwrap_or(0.0) / 1e6,
            median(times).as_millis()
        );
    }
    println!(
        "\n(each export first validates the data folder, as `build` does: `cph50 validate` alone takes {} ms)",
        validate.as_millis()
    );
}
