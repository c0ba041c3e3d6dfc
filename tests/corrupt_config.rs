//! A configuration file that does not read must not silently change results: with a corrupt
//! `vehicle_config.json` or `classifier_summary.json`, `monitor --collect` used to exit 0 and
//! write `vehicle unknown (confidence 0.00)` with no warning; `label` with a corrupt cache
//! month relabelled the session file, then failed (half applied). The real binary against
//! `cph50 sim`.

use std::fs;

use serde_json::Value;

use crate::common::sim::SimProcess;
use crate::common::{Demo, snapshot};

/// With a corrupt `vehicle_config.json` or `classifier_summary.json`, `monitor --collect`
/// writes the samples with the label left for later, and a warning names the file, the
/// field and why.
#[test]
fn a_corrupt_config_leaves_the_label_for_later_and_says_why() {
    for (file, text, pointer) in [
        ("vehicle_config.json", "{\"vehicles\": 7}", "/vehicles"),
        ("classifier_summary.json", "{\"vehicles\": 7}", "/vehicles"),
    ] {
        // 23:50 PST: the Equinox has been charging for about 20 minutes
        let now = "2026-03-08T07:50:00Z";
        let demo = Demo::new(2);
        fs::write(demo.data().join(file), text).unwrap();
        let sim = SimProcess::start(&[
            "--scenario",
            "default",
            "--speed",
            "0",
            "--start",
            now,
            "--history-days",
            "3",
        ]);
        let out = sim
            .cph50(demo.root())
            .env("CPH50_NOW", now)
            .args(["monitor", "--collect", "--interval", "1ms", "--json"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{file}: {err}");
        let warning = err
            .lines()
            .find(|l| l.contains("WARN") && l.contains(file))
            .unwrap_or_else(|| panic!("{file}: no warning names it: {err}"));
        assert!(
            warning.contains(pointer) && warning.contains("left for later"),
            "{file}: {warning}"
        );
        let poll: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(poll["collected"]["samples"], 30, "{file}: {poll}");
        assert_eq!(
            poll["collected"]["vehicle_id"],
            Value::Null,
            "{file}: {poll}"
        );
        let id = poll["session_id"].as_str().unwrap();
        let session: Value = serde_json::from_slice(
            &fs::read(demo.data().join(format!("sessions/2026/03/07/{id}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(session["vehicle_id"], Value::Null, "{file}: {session}");
    }
}

/// `label` with a corrupt cache month fails (exit 1, naming the file) before it writes
/// anything: the session file keeps its label.
#[test]
fn label_with_a_corrupt_cache_month_changes_nothing() {
    let demo = Demo::new(2);
    let session = walkdir::WalkDir::new(demo.data().join("sessions"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file())
        .unwrap();
    let id = session
        .path()
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let month = walkdir::WalkDir::new(demo.data().join("session_cache"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file())
        .unwrap();
    fs::write(month.path(), "[{\"session_id\": ").unwrap();
    let before = snapshot(&demo.data());
    let out = crate::common::cph50(demo.root())
        .args(["label", &id, "unknown"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    let name = month.file_name().to_string_lossy().into_owned();
    assert!(err.contains(&name), "{err}");
    assert_eq!(
        snapshot(&demo.data()),
        before,
        "label wrote part of its change"
    );
}
