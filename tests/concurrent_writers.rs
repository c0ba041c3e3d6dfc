//! Two runs that write the same data files at the same time: each keeps the other's changes,
//! and a run that cannot get the data folder's lock in time says which lock it waited for.

use std::fs;
use std::time::Duration;

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::common::sim::SimProcess;
use crate::common::{Demo, cph50};

const NOW: &str = "2026-10-20T18:00:00Z";

fn month_file(demo: &Demo) -> std::path::PathBuf {
    demo.data().join("session_cache/2026-10.json")
}

fn entries(demo: &Demo) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&fs::read(month_file(demo)).unwrap()).unwrap();
    v.as_array().unwrap().clone()
}

fn label_of(demo: &Demo, id: &str) -> Vec<Value> {
    entries(demo)
        .iter()
        .filter(|e| e["session_id"] == id)
        .map(|e| e["vehicle_id"].clone())
        .collect()
}

/// Case `reliability/cache_label_race`: `label` while `cache --current` is between its read
/// and its write. The cache run used to write the month file from what it had read, undoing
/// the label; for a session without a session file the manual label was then lost for good.
/// Now it re-reads the file under the data folder's lock and keeps a label changed meanwhile.
#[test]
fn a_label_during_cache_survives() {
    let demo = Demo::new(2);
    let sim = SimProcess::start(&["--speed", "0", "--start", NOW, "--history-days", "20"]);
    let cache = || {
        sim.cph50(demo.root())
            .env("CPH50_NOW", NOW)
            .args(["cache", "--current"])
            .assert()
            .success();
    };
    let demo_ids: Vec<Value> = entries(&demo)
        .iter()
        .map(|e| e["session_id"].clone())
        .collect();
    cache();
    // sessions of the sim: they have no session file, so a cache entry is their only label
    let all = entries(&demo);
    let sim_sessions: Vec<&Value> = all
        .iter()
        .filter(|e| !demo_ids.contains(&e["session_id"]) && e["session"]["status"] == "completed")
        .collect();
    let sid = sim_sessions
        .iter()
        .find(|e| e["vehicle_id"] != "volvo_xc40_2021")
        .map(|e| e["session_id"].as_str().unwrap().to_owned())
        .unwrap();
    let sessions = walkdir::WalkDir::new(demo.data().join("sessions"));
    assert!(
        sessions
            .into_iter()
            .filter_map(Result::ok)
            .all(|e| !e.file_name().to_string_lossy().contains(&sid))
    );
    // leave the cache run something to write: drop another session from the month file
    let dropped = sim_sessions
        .iter()
        .map(|e| e["session_id"].clone())
        .find(|id| *id != sid)
        .unwrap();
    let rest: Vec<&Value> = all.iter().filter(|e| e["session_id"] != dropped).collect();
    fs::write(month_file(&demo), serde_json::to_vec_pretty(&rest).unwrap()).unwrap();

    sim.post_control("fault", json!({"spec": "activity=delay2000x1"}));
    let running = sim
        .std_command(demo.root())
        .env("CPH50_NOW", NOW)
        .args(["cache", "--current"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    cph50(demo.root())
        .args(["label", &sid, "volvo_xc40_2021"])
        .assert()
        .success();
    assert_eq!(label_of(&demo, &sid), [json!("volvo_xc40_2021")]);
    let out = running.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        label_of(&demo, &sid),
        [json!("volvo_xc40_2021")],
        "the concurrent cache run undid the manual label"
    );
    assert!(entries(&demo).iter().any(|e| e["session_id"] == dropped));
    demo.validate().success();
    cache();
    assert_eq!(label_of(&demo, &sid), [json!("volvo_xc40_2021")]);
}

/// A writer that cannot get the data folder's lock waits `CPH50_LOCK_WAIT`, then fails
/// (exit 1) naming the lock file; once the holder is gone, the same command works.
#[test]
fn a_second_writer_waits_for_the_lock_then_names_it() {
    let demo = Demo::new(1);
    let entry = fs::read_dir(demo.data().join("session_cache"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let first: Value = serde_json::from_slice(&fs::read(entry).unwrap()).unwrap();
    let sid = first[0]["session_id"].as_str().unwrap().to_owned();
    let held = cph50::fsio::lock::FolderLock::acquire_within(&demo.data(), Duration::ZERO).unwrap();
    let started = std::time::Instant::now();
    cph50(demo.root())
        .env("CPH50_LOCK_WAIT", "300ms")
        .args(["label", &sid, "volvo_xc40_2021"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(".cph50-data.lock")
                .and(predicate::str::contains("CPH50_LOCK_WAIT")),
        );
    assert!(started.elapsed() >= Duration::from_millis(300));
    drop(held);
    cph50(demo.root())
        .args(["label", &sid, "volvo_xc40_2021"])
        .assert()
        .success();
}
