//! `cph50 demo-data`: deterministic, realistic, and the repository's `data/` is its output.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};
use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Demo, cph50, snapshot};

fn json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn same_seed_same_bytes_other_seed_other_history() {
    let dir = tempfile::tempdir().unwrap();
    for (out, seed) in [("a", "7"), ("b", "7"), ("c", "8")] {
        cph50(dir.path())
            .args([
                "-q",
                "demo-data",
                "--months",
                "2",
                "--seed",
                seed,
                "--out",
                out,
            ])
            .assert()
            .success();
    }
    assert_eq!(
        snapshot(&dir.path().join("a")),
        snapshot(&dir.path().join("b"))
    );
    assert_ne!(
        snapshot(&dir.path().join("a")),
        snapshot(&dir.path().join("c"))
    );
}

#[test]
fn refuses_to_overwrite_a_folder_unless_forced() {
    let demo = Demo::new(1);
    let keep = demo.data().join("my_notes.txt");
    fs::write(&keep, "mine").unwrap();
    cph50(demo.root())
        .args(["demo-data", "--out", "data"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "data is not empty; demo-data writes a complete data folder",
        ));
    assert!(keep.exists(), "a refused run deleted a file");
    cph50(demo.root())
        .args([
            "-q",
            "demo-data",
            "--months",
            "1",
            "--out",
            "data",
            "--force",
        ])
        .assert()
        .success();
    assert!(!keep.exists());
    assert!(demo.data().join("vehicle_config.json").exists());
    let leftovers: Vec<_> = fs::read_dir(demo.root())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // the lock file stays: deleting it on release would let two runs hold the lock
        .filter(|n| n.starts_with(".cph50-") && !n.ends_with(".lock"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left behind: {leftovers:?}"
    );
}

#[test]
fn ten_years_of_history_work_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    cph50(dir.path())
        .args(["-q", "demo-data", "--months", "120", "--out", "data"])
        .assert()
        .success();
    let caches = fs::read_dir(dir.path().join("data/session_cache"))
        .unwrap()
        .count();
    assert_eq!(caches, 120);
    cph50(dir.path())
        .arg("validate")
        .assert()
        .success()
        .stdout(predicate::str::contains("120 cache months"));
}

/// Steady-state readings of one session file: past the ramp, above half the median.
fn steady(session: &Value) -> Vec<f64> {
    let mut p: Vec<f64> = session["samples"]
        .as_array()
        .unwrap()
        .iter()
        .skip(10)
        .filter_map(|s| s["power_kw"].as_f64())
        .collect();
    let mut sorted = p.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    p.retain(|x| *x >= median * 0.5 && *x > 0.5);
    p
}

#[test]
fn history_is_realistic() {
    let demo = Demo::new(15);
    let mut by_vehicle: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut days = std::collections::BTreeSet::new();
    let mut ramps = 0;
    for file in demo.session_files() {
        let s = json(&file);
        let vehicle = s["vehicle_id"].as_str().unwrap().to_owned();
        let first = s["samples"][0]["power_kw"].as_f64().unwrap_or(0.0);
        let readings = steady(&s);
        if readings.len() < 5 {
            continue;
        }
        let mean = readings.iter().sum::<f64>() / readings.len() as f64;
        let sd = (readings.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / readings.len() as f64)
            .sqrt();
        if first < mean * 0.8 {
            ramps += 1;
        }
        let e = by_vehicle.entry(vehicle).or_default();
        e.0.push(mean);
        e.1.push(sd / mean);
        days.insert(file.parent().unwrap().to_owned());
    }
    let avg = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (eq_mean, eq_cv) = (
        avg(&by_vehicle["serenity_equinox_2024"].0),
        avg(&by_vehicle["serenity_equinox_2024"].1),
    );
    let (xc_mean, xc_cv) = (
        avg(&by_vehicle["volvo_xc40_2021"].0),
        avg(&by_vehicle["volvo_xc40_2021"].1),
    );
    assert!((8.9..9.15).contains(&eq_mean), "Equinox mean {eq_mean}");
    assert!((0.008..0.02).contains(&eq_cv), "Equinox CV {eq_cv}");
    assert!((8.45..8.65).contains(&xc_mean), "XC40 mean {xc_mean}");
    assert!((0.05..0.09).contains(&xc_cv), "XC40 CV {xc_cv}");
    let unknown = by_vehicle.get("unknown").map_or(0, |v| v.0.len());
    assert!(
        (3..40).contains(&unknown),
        "unknown-car sessions: {unknown}"
    );
    assert!(
        ramps > 50,
        "only {ramps} sessions show a ramp in their first sample"
    );
    // about one session a day
    let sessions = demo.session_files().len();
    assert!(
        (380..520).contains(&sessions),
        "{sessions} sessions in 15 months"
    );
}

/// Cache entries by id, from every monthly cache.
fn cache_entries(demo: &Demo) -> BTreeMap<String, Value> {
    demo.cache_files()
        .iter()
        .flat_map(|f| json(f).as_array().unwrap().clone())
        .map(|e| (e["session_id"].as_str().unwrap().to_owned(), e))
        .collect()
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn caches_agree_with_session_files_and_cover_midnight_and_dst() {
    let demo = Demo::new(15);
    let entries = cache_entries(&demo);
    assert_eq!(
        entries.len(),
        demo.session_files().len(),
        "one cache entry per session file"
    );
    let tz = chrono_tz::America::Los_Angeles;
    let (mut across_midnight, mut across_fall_back, mut across_spring_forward) = (0, 0, 0);
    for file in demo.session_files() {
        let s = json(&file);
        let id = s["session_id"].as_str().unwrap();
        let e = &entries[id];
        assert_eq!(e["vehicle_id"], s["vehicle_id"], "{id}");
        let start = time(&e["session_start_time"]);
        let end = time(&e["session_end_time"]);
        assert_eq!(
            (end - start).num_seconds(),
            e["session"]["duration_seconds"].as_i64().unwrap(),
            "{id}"
        );
        let energy = e["session"]["energy_kwh"].as_f64().unwrap();
        let sampled = s["samples"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x["energy_kwh"].as_f64())
            .fold(0.0, f64::max);
        assert!(
            sampled <= energy + 1e-9,
            "{id}: sampled {sampled} > total {energy}"
        );
        let cost = e["session"]["cost"].as_f64().unwrap();
        assert!(
            cost > 0.0 && cost / energy < 0.5,
            "{id}: cost {cost} for {energy} kWh"
        );
        let (ls, le) = (start.with_timezone(&tz), end.with_timezone(&tz));
        // the folder is the local start date
        assert!(
            file.to_string_lossy()
                .contains(&ls.format("/%Y/%m/%d/").to_string()),
            "{}",
            file.display()
        );
        if ls.date_naive() != le.date_naive() {
            across_midnight += 1;
        }
        use chrono::Offset;
        let (so, eo) = (
            ls.offset().fix().local_minus_utc(),
            le.offset().fix().local_minus_utc(),
        );
        if so > eo {
            across_fall_back += 1;
        }
        if so < eo {
            across_spring_forward += 1;
        }
    }
    assert!(
        across_midnight > 20,
        "{across_midnight} sessions across midnight"
    );
    assert!(
        across_fall_back >= 1,
        "no session across the autumn DST change"
    );
    assert!(
        across_spring_forward >= 1,
        "no session across the spring DST change"
    );
}

#[test]
fn runs_are_daily_at_six_local_and_say_why() {
    let demo = Demo::new(3);
    let runs = json(&demo.data().join("runs.json"));
    let runs = runs["runs"].as_array().unwrap();
    let scheduled: Vec<&Value> = runs
        .iter()
        .filter(|r| r["run_type"] == "scheduled")
        .collect();
    assert!(
        (85..=93).contains(&scheduled.len()),
        "{} scheduled runs in 3 months",
        scheduled.len()
    );
    for r in &scheduled {
        assert!(r["time_pt"].as_str().unwrap().starts_with("06:"), "{r}");
        assert!(!r["reason"].as_str().unwrap().is_empty());
    }
    let results: std::collections::BTreeSet<&str> =
        runs.iter().map(|r| r["result"].as_str().unwrap()).collect();
    assert!(
        results.contains("success") && results.contains("other"),
        "{results:?}"
    );
}

/// Whatever data/ holds (the demo, or a user's own), it carries no e-mail, cookie or VIN; and
/// no coordinates, street or ZIP unless the repository's cph50.toml keeps them on purpose
/// (`keep_personal_data = true`, for private repositories).
#[test]
fn committed_data_carries_no_personal_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("data");
    let keeps_personal = fs::read_to_string(root.join("cph50.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("keep_personal_data").and_then(toml::Value::as_bool))
        .unwrap_or(false);
    let needles: &[&str] = if keeps_personal {
        &["@", "coulomb_sess"]
    } else {
        &["@", "\"lat\"", "\"lon\"", "coulomb_sess", "Example St"]
    };
    for (path, bytes) in snapshot(&data) {
        let text = String::from_utf8(bytes).unwrap();
        for needle in needles {
            assert!(
                !text.contains(needle),
                "{} contains {needle}",
                path.display()
            );
        }
        assert!(
            !predicate::str::is_match("\"vin\": \"[^\"]")
                .unwrap()
                .eval(&text),
            "{} has a VIN",
            path.display()
        );
        assert!(
            keeps_personal
                || !predicate::str::is_match("\"zip_code\": \"[^\"]")
                    .unwrap()
                    .eval(&text),
            "{} has a zip code",
            path.display()
        );
    }
}
