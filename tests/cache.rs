//! `cph50 cache`, the real binary against `cph50 sim` (also the real binary, frozen clock):
//! backfill, idempotence, single-session updates, labels, personal data and failures.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike};
use chrono_tz::America::Los_Angeles;
use serde_json::Value;

use crate::common::sim::SimProcess;
use crate::common::{Demo, snapshot};

/// 10:00 PST on 2026-01-09.
const START: &str = "2026-01-09T18:00:00Z";
const EQUINOX: &str = "serenity_equinox_2024";
const XC40: &str = "volvo_xc40_2021";

fn sim(history_days: u32, extra: &[&str]) -> SimProcess {
    let days = history_days.to_string();
    let mut args = vec!["--speed", "0", "--start", START, "--history-days", &days];
    args.extend_from_slice(extra);
    SimProcess::start(&args)
}

/// A temp folder whose `data/` holds only the demo's vehicle_config.json and
/// classifier_summary.json (the statistics fallback of the classifier).
fn empty_data(demo: &Demo) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for f in ["vehicle_config.json", "classifier_summary.json"] {
        fs::copy(demo.data().join(f), data.join(f)).unwrap();
    }
    dir
}

fn cache_json(sim: &SimProcess, dir: &Path, args: &[&str]) -> Value {
    let out = sim
        .cph50(dir)
        .arg("cache")
        .args(args)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir.join("data/session_cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Vec<Value> {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn all_entries(dir: &Path) -> Vec<Value> {
    cache_files(dir).iter().flat_map(|f| read(f)).collect()
}

fn entry(dir: &Path, id: &str) -> Value {
    all_entries(dir)
        .into_iter()
        .find(|e| e["session_id"] == id)
        .unwrap_or_else(|| panic!("session {id} is not cached"))
}

fn mtimes(dir: &Path) -> Vec<std::time::SystemTime> {
    cache_files(dir)
        .iter()
        .map(|f| fs::metadata(f).unwrap().modified().unwrap())
        .collect()
}

#[test]
fn all_fills_every_local_month_once_labels_every_session_and_a_second_run_changes_nothing() {
    let demo = Demo::new(2);
    let dir = empty_data(&demo);
    let sim = sim(60, &[]);
    let report = cache_json(&sim, dir.path(), &["--all"]);
    let n = report["sessions"].as_u64().unwrap() as usize;
    assert!(n > 40, "60 days of history: {report}");
    assert_eq!(report["new"], n);
    assert_eq!(report["classified"], n, "no session files: all classified");

    let files = cache_files(dir.path());
    assert_eq!(files.len(), 3, "{files:?}"); // Nov, Dec, Jan
    assert_eq!(report["months"], 3);
    let mut ids = BTreeSet::new();
    for f in &files {
        let name = f.file_stem().unwrap().to_str().unwrap().to_owned();
        let entries = read(f);
        let mut starts = Vec::new();
        for e in &entries {
            assert!(ids.insert(e["session_id"].as_str().unwrap().to_owned()));
            let start = e["session_start_time"].as_str().unwrap();
            assert!(start.ends_with("+00:00"), "{start}");
            let local = DateTime::parse_from_rfc3339(start)
                .unwrap()
                .with_timezone(&Los_Angeles);
            assert_eq!(
                format!("{:04}-{:02}", local.year(), local.month()),
                name,
                "{start}"
            );
            starts.push(start.to_owned());
        }
        let mut sorted = starts.clone();
        sorted.sort();
        assert_eq!(starts, sorted, "{name} sorted by start time");
    }
    assert_eq!(ids.len(), n);

    // labels come from update_data: both household cars are recognised
    let entries = all_entries(dir.path());
    let count = |v: &str| entries.iter().filter(|e| e["vehicle_id"] == v).count();
    assert!(count(EQUINOX) > 5 && count(XC40) > 5, "{entries:?}");
    let e = entries.iter().find(|e| e["vehicle_id"] == EQUINOX).unwrap();
    assert_eq!(e["vehicle"]["vehicle_name"], "Serenity");
    assert_eq!(e["vehicle"]["make"], "Chevrolet");
    assert_eq!(e["charger"]["charger_model"], "CPH50");
    assert!(e["session"]["peak_power_kw"].as_f64().unwrap() > 5.0);
    assert!(e["session"]["cost"].as_f64().unwrap() > 0.0);
    assert_eq!(e["session"]["status"], "completed");

    // a second run: same bytes, same mtimes, no session details asked again
    let before = snapshot(&dir.path().join("data"));
    let times = mtimes(dir.path());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = cache_json(&sim, dir.path(), &["--all"]);
    assert_eq!(again["new"], 0);
    assert_eq!(again["updated"], 0);
    assert_eq!(again["unchanged"], n);
    assert_eq!(again["files_written"], 0);
    assert_eq!(again["details_fetched"], 0);
    assert_eq!(snapshot(&dir.path().join("data")), before);
    assert_eq!(mtimes(dir.path()), times);
    sim.cph50(dir.path()).arg("validate").assert().success();
}

#[test]
fn session_adds_one_entry_then_an_update_replaces_only_it_and_keeps_unknown_fields() {
    let demo = Demo::new(2);
    let dir = empty_data(&demo);
    let sim = sim(10, &[]);
    cache_json(&sim, dir.path(), &["--month", "2026-01"]);
    let files = cache_files(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("2026-01.json"));
    let entries = read(&files[0]);
    let id = entries[0]["session_id"].as_str().unwrap().to_owned();
    let other = entries[1].clone();

    // damage one entry, add a key this version does not know
    let text = fs::read_to_string(&files[0]).unwrap();
    let mut v: Vec<Value> = serde_json::from_str(&text).unwrap();
    v[0]["session"]["energy_kwh"] = 0.5.into();
    v[0]["note"] = "kept".into();
    v[0]["session"]["meter"] = "kept too".into();
    fs::write(&files[0], serde_json::to_string_pretty(&v).unwrap()).unwrap();

    let report = cache_json(&sim, dir.path(), &["--session", &id]);
    assert_eq!(report["sessions"], 1);
    assert_eq!(report["updated"], 1);
    let e = entry(dir.path(), &id);
    assert!(e["session"]["energy_kwh"].as_f64().unwrap() > 1.0);
    assert_eq!(e["note"], "kept");
    assert_eq!(e["session"]["meter"], "kept too");
    assert_eq!(
        entry(dir.path(), other["session_id"].as_str().unwrap()),
        other
    );
    assert_eq!(all_entries(dir.path()).len(), entries.len());

    // a session of an uncached month is added to its own month
    let dec = DemoIds::of(&sim, dir.path(), "2025-12");
    let report = cache_json(&sim, dir.path(), &["--session", &dec]);
    assert_eq!(report["new"], 1);
    let files = cache_files(dir.path());
    assert_eq!(files.len(), 2);
    assert_eq!(read(&files[0]).len(), 1);
    assert_eq!(read(&files[0])[0]["session_id"], dec.as_str());
}

/// Finds a session id of a month through a throwaway data folder.
struct DemoIds;

impl DemoIds {
    fn of(sim: &SimProcess, _dir: &Path, month: &str) -> String {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("data")).unwrap();
        cache_json(sim, tmp.path(), &["--month", month]);
        let f = tmp.path().join(format!("data/session_cache/{month}.json"));
        read(&f)[0]["session_id"].as_str().unwrap().to_owned()
    }
}

#[test]
fn a_session_file_or_legacy_label_wins_over_classification_and_a_manual_cache_label_stays() {
    let demo = Demo::new(2);
    let dir = empty_data(&demo);
    let sim = sim(10, &[]);
    cache_json(&sim, dir.path(), &["--month", "2026-01"]);
    let entries = all_entries(dir.path());
    let pick = |car: &str, skip: usize| {
        entries
            .iter()
            .filter(|e| e["vehicle_id"] == car)
            .nth(skip)
            .unwrap_or_else(|| panic!("no {car} session: {entries:?}"))["session_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (by_file, by_map, by_hand) = (pick(EQUINOX, 0), pick(EQUINOX, 1), pick(XC40, 0));

    // a session file with a manual label, copied from the demo and renamed
    let demo_file = demo.session_files().into_iter().next().unwrap();
    let demo_id = demo_file.file_stem().unwrap().to_str().unwrap().to_owned();
    let text = fs::read_to_string(&demo_file)
        .unwrap()
        .replace(&demo_id, &by_file);
    let mut s: Value = serde_json::from_str(&text).unwrap();
    s["vehicle_id"] = XC40.into();
    s["vehicle_confidence"] = 1.0.into();
    s["labeled_by"] = "manual".into();
    let folder = dir.path().join("data/sessions/2026/01/05");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join(format!("{by_file}.json")),
        serde_json::to_string_pretty(&s).unwrap(),
    )
    .unwrap();
    // the legacy map
    fs::write(
        dir.path().join("data/session_vehicle_map.json"),
        format!("{{\"{by_map}\": \"{XC40}\"}}"),
    )
    .unwrap();
    // a manual label in the cache only
    sim.cph50(dir.path())
        .args(["label", &by_hand, EQUINOX])
        .assert()
        .success();

    let report = cache_json(&sim, dir.path(), &["--since", "2026-01-01"]);
    assert_eq!(report["updated"], 2, "{report}");
    assert_eq!(report["classified"], 0);
    for (id, car) in [(&by_file, XC40), (&by_map, XC40), (&by_hand, EQUINOX)] {
        let e = entry(dir.path(), id);
        assert_eq!(e["vehicle_id"], car, "{id}");
        assert_eq!(e["vehicle"]["vehicle_id"], car, "{id}");
        assert_eq!(e["vehicle_confidence"], 1.0, "{id}");
    }
    assert_eq!(entry(dir.path(), &by_file)["vehicle"]["make"], "Volvo");
}

#[test]
fn personal_data_is_left_out_unless_the_config_switch_keeps_it() {
    let demo = Demo::new(2);
    let dir = empty_data(&demo);
    let sim = sim(5, &[]);
    cache_json(&sim, dir.path(), &["--all"]);
    let text: String = cache_files(dir.path())
        .iter()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect();
    for secret in [
        "123 Example St",
        "90000",
        "\"lat\"",
        "\"lon\"",
        "34.0",
        "-118",
    ] {
        assert!(!text.contains(secret), "{secret} written");
    }
    let e = &all_entries(dir.path())[0];
    assert_eq!(e["vehicle"]["vin"], Value::Null);
    assert_eq!(e["location"]["zip_code"], Value::Null);
    assert_eq!(e["location"]["address"], "Home");
    assert_eq!(e["location"]["name"], "Home");

    fs::write(dir.path().join("cph50.toml"), "keep_personal_data = true\n").unwrap();
    let report = cache_json(&sim, dir.path(), &["--all"]);
    assert!(report["updated"].as_u64().unwrap() > 0);
    let e = &all_entries(dir.path())[0];
    assert_eq!(e["location"]["address"], "123 Example St");
    assert_eq!(e["location"]["zip_code"], "90000");
    assert_eq!(e["location"]["lat"], 34.0);

    // switching it off again removes them
    fs::write(
        dir.path().join("cph50.toml"),
        "keep_personal_data = false\n",
    )
    .unwrap();
    cache_json(&sim, dir.path(), &["--all"]);
    let text: String = cache_files(dir.path())
        .iter()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect();
    assert!(!text.contains("123 Example St") && !text.contains("\"lat\""));
}

#[test]
fn a_503_burst_is_retried_and_an_unrecoverable_failure_names_the_endpoint_and_writes_nothing() {
    let demo = Demo::new(2);
    let dir = empty_data(&demo);
    let flaky = sim(5, &["--fault", "activity=503x2"]);
    let report = cache_json(&flaky, dir.path(), &["--all"]);
    assert!(report["sessions"].as_u64().unwrap() > 3, "{report}");
    let before = snapshot(&dir.path().join("data"));

    let broken = sim(5, &["--fault", "session=500x0"]);
    let id = all_entries(dir.path())[0]["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = broken
        .cph50(dir.path())
        .args(["cache", "--session", &id])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("session") && stderr.contains("500"),
        "{stderr}"
    );
    assert_eq!(snapshot(&dir.path().join("data")), before);

    let down = sim(5, &["--fault", "activity=500x0"]);
    let out = down
        .cph50(dir.path())
        .args(["cache", "--all"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("activity"), "{stderr}");
    assert_eq!(snapshot(&dir.path().join("data")), before);
}

#[test]
fn exactly_one_selection_is_required() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::cph50(dir.path())
        .args(["cache"])
        .assert()
        .code(2);
    crate::common::cph50(dir.path())
        .args(["cache", "--all", "--current"])
        .assert()
        .code(2);
    crate::common::cph50(dir.path())
        .args(["cache", "--month", "2026-13"])
        .env("CP_USERNAME", "x")
        .assert()
        .code(2);
}
