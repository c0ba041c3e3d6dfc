//! The rate plan (`[tariff]` in `cph50.toml`): each session's energy and cost by time-of-use
//! period, made by `demo-data` and `cache`, checked by `validate`, shown by `build`.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::sim::SimProcess;
use crate::common::{Demo, cph50};

/// The README's sample plan, as a `cph50.toml`.
pub(crate) fn readme_sample() -> String {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let (_, rest) = readme
        .split_once("<!-- tariff-sample -->")
        .expect("a tariff sample in the README");
    let open = rest.find("```toml\n").expect("its toml block") + "```toml\n".len();
    let close = open + rest[open..].find("```").expect("closed");
    rest[open..close].to_owned()
}

fn entries(data: &Path) -> Vec<Value> {
    let mut files: Vec<_> = fs::read_dir(data.join("session_cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| serde_json::from_str::<Vec<Value>>(&fs::read_to_string(f).unwrap()).unwrap())
        .collect()
}

/// The sum of a split's period energies, kWh.
fn split_sum(e: &Value) -> f64 {
    e["time_of_use"]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["energy_kwh"].as_f64().unwrap())
        .sum()
}

/// 13 demo months with the README's plan (both DST changes, both seasons, holidays): every
/// session has a split that adds up to its energy within 0.1 %, the rest of the data is what
/// the demo writes without a plan, `validate` accepts it and the site shows it.
#[test]
fn demo_data_with_a_rate_plan_splits_every_session_and_the_site_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("cph50.toml"), readme_sample()).unwrap();
    cph50(dir.path())
        .args(["demo-data", "--months", "13", "--out", "data"])
        .assert()
        .success();
    let with = entries(&dir.path().join("data"));
    assert!(with.len() > 200, "{} sessions", with.len());
    let mut after_cheap = 0.0;
    for e in &with {
        let total = e["session"]["energy_kwh"].as_f64().unwrap();
        let sum = split_sum(e);
        assert!(
            (sum - total).abs() <= total * 0.001 + 1e-9,
            "{}: {sum} vs {total}",
            e["session_id"]
        );
        for p in e["time_of_use"]["periods"].as_array().unwrap() {
            assert!(p["energy_kwh"].as_f64().unwrap() > 0.0, "{p}");
            assert!(p["cost"].as_f64().unwrap() >= 0.0, "{p}");
        }
        assert_eq!(e["time_of_use"]["curve"], "update_data");
        after_cheap += e["time_of_use"]["after_cheap_window"]["energy_kwh"]
            .as_f64()
            .unwrap();
    }
    // the daily start's 06:00 top-ups land after the cheap window
    assert!(
        after_cheap > 100.0,
        "{after_cheap} kWh after the cheap window"
    );
    let periods: std::collections::BTreeSet<String> = with
        .iter()
        .flat_map(|e| e["time_of_use"]["periods"].as_array().unwrap().clone())
        .map(|p| format!("{}/{}", p["season"], p["period"]))
        .collect();
    assert_eq!(periods.len(), 6, "both seasons, three periods: {periods:?}");

    // the same demo without a plan: the same entries, less the split
    let bare = tempfile::tempdir().unwrap();
    cph50(bare.path())
        .args(["demo-data", "--months", "13", "--out", "data"])
        .assert()
        .success();
    let without = entries(&bare.path().join("data"));
    let stripped: Vec<Value> = with
        .iter()
        .cloned()
        .map(|mut e| {
            e.as_object_mut().unwrap().remove("time_of_use");
            e
        })
        .collect();
    assert_eq!(stripped, without);
    assert!(without.iter().all(|e| e.get("time_of_use").is_none()));

    cph50(dir.path()).arg("validate").assert().success();
    cph50(dir.path())
        .args(["build", "--out", "site"])
        .assert()
        .success();
    let site = dir.path().join("site");
    let history = fs::read_to_string(site.join("history.html")).unwrap();
    assert!(history.contains("<h2 id=\"tou-h\">Cost by time-of-use period</h2>"));
    assert!(history.contains("super_off_peak"));
    let id = with[0]["session_id"].as_str().unwrap();
    let page = fs::read_to_string(site.join(format!("sessions/{id}.html"))).unwrap();
    assert!(
        page.contains("Energy and cost by time-of-use period"),
        "{id}"
    );
    assert!(page.contains("id=\"after-cheap\""), "{id}");
    // ChargePoint's cost and the plan's are labelled as such, side by side
    assert!(
        page.contains("<dt>Cost (ChargePoint)</dt>")
            && page.contains("<dt>Cost by the rate plan</dt><dd id=\"plan-cost\">"),
        "{id}"
    );
    // a session across midnight: with its whole curve kept (`power_curve`), its energy per
    // day and its split follow the same readings, so no note about a difference
    let (crossing_id, crossing) = with
        .iter()
        .map(|e| e["session_id"].as_str().unwrap())
        .map(|id| {
            let page = fs::read_to_string(site.join(format!("sessions/{id}.html"))).unwrap();
            (id.to_owned(), page)
        })
        .find(|(_, p)| p.contains("<h2>Energy per day</h2>"))
        .expect("a demo session across midnight");
    assert!(
        crossing.contains("Power over the whole session") && !crossing.contains("days-vs-tou"),
        "{crossing}"
    );
    // without the kept curve, the energy per day follows the first minutes' samples, the split
    // ChargePoint's update_data, and the page says why they may differ
    for file in fs::read_dir(dir.path().join("data/session_cache")).unwrap() {
        let path = file.unwrap().path();
        let mut month: Vec<Value> = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        for e in &mut month {
            if e["session_id"] == crossing_id.as_str() {
                e.as_object_mut().unwrap().remove("power_curve").unwrap();
            }
        }
        fs::write(&path, serde_json::to_vec_pretty(&month).unwrap()).unwrap();
    }
    cph50(dir.path())
        .args(["build", "--out", "site"])
        .assert()
        .success();
    let crossing = fs::read_to_string(site.join(format!("sessions/{crossing_id}.html"))).unwrap();
    assert!(
        crossing.contains("id=\"days-vs-tou\"") && crossing.contains("first minutes only"),
        "{crossing}"
    );
    // and the site of the bare demo has none of it
    cph50(bare.path())
        .args(["build", "--out", "site"])
        .assert()
        .success();
    let bare_history = fs::read_to_string(bare.path().join("site/history.html")).unwrap();
    assert!(!bare_history.contains("time-of-use"));
    let bare_page =
        fs::read_to_string(bare.path().join(format!("site/sessions/{id}.html"))).unwrap();
    assert!(
        bare_page.contains("<dt>Cost (ChargePoint)</dt>")
            && !bare_page.contains("rate plan")
            && !bare_page.contains("days-vs-tou"),
        "{id}"
    );
}

/// `cache` with a plan asks each session's details once, splits it from `update_data`, and
/// a second run asks nothing and writes nothing; `validate` names a split that no longer adds
/// up.
#[test]
fn cache_with_a_rate_plan_splits_from_update_data_once() {
    // the household's cars, as `tests/cache.rs` starts
    let demo = Demo::new(1);
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("data")).unwrap();
    for f in ["vehicle_config.json", "classifier_summary.json"] {
        fs::copy(demo.data().join(f), dir.path().join("data").join(f)).unwrap();
    }
    fs::write(dir.path().join("cph50.toml"), readme_sample()).unwrap();
    let sim = SimProcess::start(&[
        "--speed",
        "0",
        "--start",
        "2026-01-09T18:00:00Z",
        "--history-days",
        "20",
    ]);
    let run = || -> Value {
        let out = sim
            .cph50(dir.path())
            .args(["cache", "--all", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let first = run();
    let n = first["sessions"].as_u64().unwrap();
    assert!(n > 10, "{first}");
    assert_eq!(first["split"], n, "{first}");
    let cached = entries(&dir.path().join("data"));
    for e in &cached {
        let total = e["session"]["energy_kwh"].as_f64().unwrap();
        assert!((split_sum(e) - total).abs() <= total * 0.001 + 1e-9, "{e}");
        assert_eq!(e["time_of_use"]["curve"], "update_data", "{e}");
        assert_eq!(
            e["time_of_use"]["tariff"],
            "SDG&E EV-TOU-5 (illustrative prices)"
        );
    }
    let again = run();
    assert_eq!(again["details_fetched"], 0, "{again}");
    assert_eq!(again["files_written"], 0, "{again}");
    assert_eq!(again["split"], 0, "{again}");
    sim.cph50(dir.path()).arg("validate").assert().success();

    // a hand edit that breaks the sum is named with its field
    let file = fs::read_dir(dir.path().join("data/session_cache"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut month: Vec<Value> = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    let energy = month[0]["session"]["energy_kwh"].as_f64().unwrap();
    month[0]["session"]["energy_kwh"] = (energy + 1.0).into();
    fs::write(&file, serde_json::to_string_pretty(&month).unwrap()).unwrap();
    let out = sim.cph50(dir.path()).arg("validate").assert().failure();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("/0/time_of_use/periods"), "{all}");
    assert!(all.contains("0.1 % allowed"), "{all}");
}

/// A plan with a gap stops every command before it runs, naming the file, key, month and day
/// type (exit 2).
#[test]
fn a_rate_plan_with_a_gap_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let gap = readme_sample().replacen("hours = \"16:00-21:00\"", "hours = \"17:00-21:00\"", 1);
    fs::write(dir.path().join("cph50.toml"), gap).unwrap();
    let out = cph50(dir.path()).arg("validate").assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(
        stderr.lines().next().unwrap_or(""),
        "error: config file cph50.toml: tariff.period: June weekdays: 16:00-17:00 is in no period (a gap)",
        "{stderr}"
    );
    let unknown = readme_sample().replacen("currency = \"USD\"", "curency = \"USD\"", 1);
    fs::write(dir.path().join("cph50.toml"), unknown).unwrap();
    let out = cph50(dir.path()).arg("validate").assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with("error: config file cph50.toml: unknown field `curency`"),
        "{stderr}"
    );
}
