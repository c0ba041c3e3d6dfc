//! `collect` (and `monitor --collect`) has an overall deadline: when ChargePoint starts timing
//! out part-way, each reading used to cost 2 × 3 tries × `CPH50_HTTP_TIMEOUT` (about 90
//! minutes at the defaults, past the workflow's 15-minute limit, which killed the job with
//! nothing said). Now it stops at `--deadline` with a clear error, keeping the readings taken
//! when at least half the planned ones are valid, else writing nothing.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Demo;
use crate::common::sim::SimProcess;

fn current_session(sim: &SimProcess) -> String {
    sim.state()["current_session_id"]
        .as_u64()
        .unwrap()
        .to_string()
}

#[test]
fn a_collection_that_starts_timing_out_stops_at_its_deadline() {
    // the session details answer at once three times (the first details and two readings),
    // then only after 3 s: past the 500 ms request timeout, every try
    for (samples, written) in [("4", true), ("10", false)] {
        let now = "2026-01-10T18:00:00Z";
        let demo = Demo::new(1);
        let sim = SimProcess::start(&[
            "--scenario",
            "default",
            "--speed",
            "0",
            "--start",
            now,
            "--history-days",
            "2",
            "--fault",
            "session=delay1x3",
            "--fault",
            "session=delay3000x0",
        ]);
        let id = current_session(&sim);
        let started = Instant::now();
        let out = sim
            .cph50(demo.root())
            .env("CPH50_NOW", now)
            .env("CPH50_HTTP_TIMEOUT", "500ms")
            .args([
                "collect",
                &id,
                "--samples",
                samples,
                "--interval",
                "1ms",
                "--deadline",
                "3s",
            ])
            .output()
            .unwrap();
        let elapsed = started.elapsed();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{samples}: {err}");
        assert!(
            elapsed < Duration::from_secs(8),
            "{samples}: took {elapsed:?}"
        );
        let last = err.lines().last().unwrap_or_default();
        assert!(
            last.contains(&format!(
                "collection stopped at its deadline (3s) after 2 of {samples} readings, 2 valid"
            )),
            "{samples}: {err}"
        );
        let files: Vec<_> = walkdir::WalkDir::new(demo.data().join("sessions"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy() == format!("{id}.json"))
            .collect();
        assert_eq!(files.len(), usize::from(written), "{samples}: {err}");
        if written {
            assert!(last.ends_with("the readings taken are written"), "{last}");
            let file: Value =
                serde_json::from_slice(&std::fs::read(files[0].path()).unwrap()).unwrap();
            assert_eq!(
                (
                    file["sample_count"].clone(),
                    file["valid_sample_count"].clone()
                ),
                (2.into(), 2.into()),
                "{file}"
            );
            crate::common::cph50(demo.root())
                .arg("validate")
                .assert()
                .success();
        } else {
            assert!(last.ends_with("too few to keep, nothing written"), "{last}");
        }
    }
}
