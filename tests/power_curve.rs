//! Issue 14, item 2: a session's page plots its whole power curve. `cph50 cache` keeps
//! ChargePoint's `update_data` of each ended session in its cache entry (`power_curve`), at
//! most `CURVES_PER_RUN` (50) sessions' details per run for entries cached without one, and the
//! session page draws it from plug-in to unplug, with the first minutes' samples.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::Demo;
use crate::common::sim::SimProcess;

/// Every cache entry of `data/`, oldest month first.
fn entries(data: &Path) -> Vec<(std::path::PathBuf, Value)> {
    let mut files: Vec<_> = fs::read_dir(data.join("session_cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            serde_json::from_str::<Vec<Value>>(&fs::read_to_string(f).unwrap())
                .unwrap()
                .into_iter()
                .map(move |e| (f.clone(), e))
        })
        .collect()
}

/// Removes `power_curve` from every entry, as caches written before it existed have none.
fn strip_curves(data: &Path) {
    for file in fs::read_dir(data.join("session_cache")).unwrap() {
        let path = file.unwrap().path();
        let mut month: Vec<Value> = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        for e in &mut month {
            e.as_object_mut().unwrap().remove("power_curve");
        }
        fs::write(&path, serde_json::to_vec_pretty(&month).unwrap()).unwrap();
    }
}

/// A household folder (the demo's cars and classifier summary, no sessions yet) and
/// `cph50 sim` with `days` of history.
fn household_and_sim(days: &str) -> (tempfile::TempDir, SimProcess) {
    let demo = Demo::new(1);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for f in ["vehicle_config.json", "classifier_summary.json"] {
        fs::copy(demo.data().join(f), data.join(f)).unwrap();
    }
    let sim = SimProcess::start(&[
        "--speed",
        "0",
        "--start",
        "2026-01-09T18:00:00Z",
        "--history-days",
        days,
    ]);
    (dir, sim)
}

/// `cph50 cache --all --json` in `dir` against `sim`: its report.
fn cache_all(sim: &SimProcess, dir: &Path) -> Value {
    let out = sim
        .cph50(dir)
        .args(["cache", "--all", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn cache_keeps_each_ended_sessions_whole_curve_and_fills_old_caches_50_a_run() {
    let (dir, sim) = household_and_sim("90");
    let data = dir.path().join("data");
    let run = || cache_all(&sim, dir.path());
    let first = run();
    let n = first["sessions"].as_u64().unwrap();
    assert!(n > 50, "more sessions than one run fills: {first}");
    assert_eq!(first["curves_left"], 0, "{first}");
    let ended: Vec<Value> = entries(&data)
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| !e["session_end_time"].is_null())
        .collect();
    assert!(!ended.is_empty());
    for e in &ended {
        let curve = e["power_curve"]
            .as_array()
            .expect("every ended session has its curve");
        let duration = e["session"]["duration_seconds"].as_u64().unwrap();
        let offsets: Vec<u64> = curve.iter().map(|p| p[0].as_u64().unwrap()).collect();
        assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "{e}");
        // from the first minutes to the unplug
        assert!(offsets[0] <= 60, "{e}");
        let last = *offsets.last().unwrap();
        assert!(
            last <= duration + 60 && last * 10 >= duration * 9,
            "{last} of {duration}: {e}"
        );
        // the energy of the last reading is the session's
        let kwh = curve.last().unwrap()[2].as_f64().unwrap();
        let total = e["session"]["energy_kwh"].as_f64().unwrap();
        assert!(
            (kwh - total).abs() <= total * 0.01 + 0.001,
            "{kwh} vs {total}"
        );
    }
    sim.cph50(dir.path()).arg("validate").assert().success();

    // caches of an older version: no curves. Each run fetches the newest 50 missing, then the
    // rest, then nothing
    strip_curves(&data);
    let second = run();
    let missing = ended.len() as u64;
    assert_eq!(second["details_fetched"], 50, "{second}");
    assert_eq!(second["curves_left"], missing - 50, "{second}");
    let with: Vec<Value> = entries(&data)
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e.get("power_curve").is_some())
        .collect();
    assert_eq!(with.len(), 50);
    let newest_without = entries(&data)
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e.get("power_curve").is_none() && !e["session_end_time"].is_null())
        .map(|e| e["session_start_time"].as_str().unwrap().to_owned())
        .max()
        .unwrap();
    let oldest_with = with
        .iter()
        .map(|e| e["session_start_time"].as_str().unwrap().to_owned())
        .min()
        .unwrap();
    assert!(newest_without < oldest_with, "newest first");
    let third = run();
    assert_eq!(third["details_fetched"], missing - 50, "{third}");
    assert_eq!(third["curves_left"], 0, "{third}");
    let fourth = run();
    assert_eq!(fourth["details_fetched"], 0, "{fourth}");
    assert_eq!(fourth["files_written"], 0, "{fourth}");

    // the site draws the whole session
    sim.cph50(dir.path())
        .args(["build", "--out", "site"])
        .assert()
        .success();
    let e = &ended[ended.len() / 2];
    let id = e["session_id"].as_str().unwrap();
    let page = fs::read_to_string(dir.path().join(format!("site/sessions/{id}.html"))).unwrap();
    assert!(page.contains("Power over the whole session"), "{page}");
    let axis = format!(
        "data-axis-s=\"{}\"",
        e["session"]["duration_seconds"].as_u64().unwrap()
    );
    assert!(page.contains(&axis), "{axis}: {page}");
    assert!(page.contains("time since plug-in"));
}

#[test]
fn cache_reports_the_sessions_still_without_a_curve_in_its_summary() {
    let (dir, sim) = household_and_sim("90");
    let data = dir.path().join("data");
    sim.cph50(dir.path())
        .args(["cache", "--all"])
        .assert()
        .success();
    strip_curves(&data);
    let out = sim
        .cph50(dir.path())
        .args(["cache", "--all"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("still without their whole power curve (at most 50 are fetched per run"),
        "{text}"
    );
}

/// ChargePoint's details of an old session may come without `update_data`: the entry keeps an
/// empty curve, so the session is not asked again, and its page says it has the first minutes
/// only.
#[test]
fn a_session_whose_details_have_no_curve_is_asked_once() {
    let (dir, sim) = household_and_sim("20");
    let data = dir.path().join("data");
    sim.post_control("no-curve", serde_json::json!({"days_ago": 10}));
    let run = || cache_all(&sim, dir.path());
    let first = run();
    let all = entries(&data);
    let bare: Vec<&Value> = all
        .iter()
        .map(|(_, e)| e)
        .filter(|e| e["power_curve"].as_array().is_some_and(|c| c.is_empty()))
        .collect();
    let whole = all
        .iter()
        .filter(|(_, e)| e["power_curve"].as_array().is_some_and(|c| !c.is_empty()))
        .count();
    assert!(
        !bare.is_empty() && whole > 0,
        "{first}: {} bare, {whole} whole",
        bare.len()
    );
    let again = run();
    assert_eq!(again["details_fetched"], 0, "{again}");
    assert_eq!(again["files_written"], 0, "{again}");
    assert_eq!(again["curves_left"], 0, "{again}");
    sim.cph50(dir.path()).arg("validate").assert().success();
    sim.cph50(dir.path())
        .args(["build", "--out", "site"])
        .assert()
        .success();
    let id = bare[0]["session_id"].as_str().unwrap();
    let page = fs::read_to_string(dir.path().join(format!("site/sessions/{id}.html"))).unwrap();
    assert!(
        page.contains("came without its curve") || page.contains("came without its whole curve"),
        "{page}"
    );
    assert!(!page.contains("not in the cache yet"), "{page}");
}

/// A hand-broken curve is refused by `validate` (exit 1) naming the file, the reading and
/// what a reading must be; the same file is refused by `build`, which then builds nothing.
#[test]
fn validate_names_a_broken_reading_of_the_curve() {
    let demo = Demo::new(1);
    let cache = fs::read_dir(demo.data().join("session_cache"))
        .unwrap()
        .map(|f| f.unwrap().path())
        .next()
        .unwrap();
    let good = fs::read(&cache).unwrap();
    let cases: [(&str, Value, &str); 3] = [
        (
            "a short reading",
            serde_json::json!([95, 9.0]),
            "3 numbers, not 2",
        ),
        (
            "a negative time",
            serde_json::json!([-5, 9.0, 1.0]),
            "0 or more, not -5",
        ),
        (
            "too much power",
            serde_json::json!([95, 25.0, 1.0]),
            "power 25 kW is out of range",
        ),
    ];
    for (what, reading, says) in cases {
        let mut month: Vec<Value> = serde_json::from_slice(&good).unwrap();
        month[0]["power_curve"][3] = reading;
        fs::write(&cache, serde_json::to_vec_pretty(&month).unwrap()).unwrap();
        let out = demo.validate().failure().code(1).get_output().clone();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let name = cache.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            text.contains(&name) && text.contains("/0/power_curve/3") && text.contains(says),
            "{what}: {text}"
        );
    }
    // readings out of order: the reading named
    let mut month: Vec<Value> = serde_json::from_slice(&good).unwrap();
    let curve = month[0]["power_curve"].as_array_mut().unwrap();
    curve.swap(2, 3);
    fs::write(&cache, serde_json::to_vec_pretty(&month).unwrap()).unwrap();
    let out = demo.validate().failure().code(1).get_output().clone();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("/0/power_curve/3") && text.contains("forward in time"),
        "{text}"
    );
    crate::common::cph50(demo.root())
        .args(["build", "--out", "site"])
        .assert()
        .failure()
        .code(1);
    assert!(!demo.root().join("site").exists());
}
