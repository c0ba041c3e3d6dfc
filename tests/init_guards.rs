//! What `cph50 init` refuses before it writes anything: a folder that is not a cph50
//! repository, a data folder holding files that are not cph50's, a zone change that would
//! leave the user's sessions in the wrong local dates, a charge.yml it cannot rewrite.

use std::fs;

use predicates::prelude::*;

use crate::common::gha::Scratch;
use crate::common::{cph50, snapshot};

#[test]
fn init_refuses_a_folder_that_is_not_a_cph50_repository() {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("data");
    fs::create_dir_all(&photos).unwrap();
    fs::write(photos.join("holiday.jpg"), b"\xff\xd8 a photo").unwrap();
    let before = snapshot(dir.path());
    cph50(dir.path())
        .args([
            "init",
            "--repo",
            ".",
            "--yes",
            "--replace-data",
            "--offline",
        ])
        .env_remove("CP_USERNAME")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --repo .: not a cph50 repository",
        ))
        .stderr(predicate::str::contains(".github/workflows/charge.yml"));
    assert_eq!(
        snapshot(dir.path()),
        before,
        "init wrote or deleted something"
    );
}

#[test]
fn replace_data_never_deletes_files_that_are_not_cph50_data() {
    for foreign in ["data/photos/cat.jpg", "data/sessions/2025/08/notes.txt"] {
        let s = Scratch::new();
        let path = s.root.join(foreign);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, b"mine").unwrap();
        let before = s.files();
        s.init()
            .args(["--yes", "--replace-data", "--tz", "UTC"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "--replace-data: {foreign} is not a cph50 data file"
            )));
        assert_eq!(s.files(), before, "{foreign}: init changed something");
        // moved out, the folder is replaced
        fs::remove_file(&path).unwrap();
        s.init()
            .args(["--yes", "--replace-data", "--tz", "UTC"])
            .assert()
            .success();
        assert_eq!(s.data_names(), ["vehicle_config.json"]);
    }
}

#[test]
fn a_charge_yml_without_a_schedule_leaves_everything_as_it_was() {
    let s = Scratch::new();
    let path = s.root.join(".github/workflows/charge.yml");
    let text = fs::read_to_string(&path).unwrap();
    let start = text.find("  schedule:").unwrap();
    let end = text.find("  workflow_dispatch:").unwrap();
    fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let before = s.files();
    s.init()
        .args(["--yes", "--tz", "Europe/Berlin"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: .github/workflows/charge.yml: no `schedule:` list under `on:`",
        ))
        .stderr(predicate::str::contains("nothing was changed"));
    assert_eq!(s.files(), before, "init wrote or deleted something");
}

#[test]
fn a_zone_change_is_refused_while_the_data_holds_your_sessions() {
    const NOW: &str = "2026-01-09T18:00:00Z";
    let s = Scratch::new();
    s.init()
        .args(["--tz", "America/New_York", "--yes"])
        .assert()
        .success();
    // no sessions of yours yet: the zone may change
    s.init()
        .args(["--tz", "Europe/Paris", "--yes"])
        .assert()
        .success();
    let sim = crate::common::sim::SimProcess::start(&[
        "--speed",
        "0",
        "--start",
        NOW,
        "--history-days",
        "20",
    ]);
    sim.cph50(&s.root)
        .env("CP_TOKEN_FILE", s.root.join("../token.json"))
        .env("CPH50_NOW", NOW)
        .args(["cache", "--current"])
        .assert()
        .success();
    cph50(&s.root).arg("validate").assert().success();
    let before = s.files();
    s.init()
        .args(["--tz", "Asia/Tokyo", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cph50.toml: tz is Europe/Paris, and data/ holds",
        ))
        .stderr(predicate::str::contains("--replace-data"))
        .stderr(predicate::str::contains("nothing was changed"));
    assert_eq!(s.files(), before, "init changed something");
    cph50(&s.root).arg("validate").assert().success();
    // starting over in the new zone is allowed
    s.init()
        .args(["--tz", "Asia/Tokyo", "--yes", "--replace-data"])
        .assert()
        .success();
    assert_eq!(s.data_names(), ["vehicle_config.json"]);
}

#[test]
fn init_leaves_no_comment_that_names_another_start_time() {
    let s = Scratch::new();
    s.init()
        .args(["--tz", "Asia/Tokyo", "--start", "07:15", "--yes"])
        .assert()
        .success();
    let text = s.read(".github/workflows/charge.yml");
    let stale: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with('#') && l.contains("06:00"))
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
    assert!(text.contains("# Written by `cph50 init` for the daily start at 07:15 Asia/Tokyo"));
}

// `--data` naming a file turned the user's file into a data folder, and the config never
// pointed at it.
#[test]
fn init_refuses_a_data_flag_that_is_not_the_repository_s_data_folder() {
    let s = Scratch::new();
    let before = s.files();
    s.init()
        .args(["--data", "LICENSE", "--yes", "--offline"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --data LICENSE: the workflows keep the data in data/",
        ));
    assert_eq!(s.files(), before, "init changed something");
}

// The demo data is filed in Los Angeles time: kept under another zone it fails validate and
// build; init said nothing and exited 0. The ways out are named, and nothing is written.
#[test]
fn keeping_the_demo_data_under_another_zone_is_refused() {
    let s = Scratch::new();
    let before = s.files();
    s.init()
        .args(["--yes", "--keep-data", "--offline", "--tz", "Asia/Tokyo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "data/ is filed by the local dates of America/Los_Angeles; under Asia/Tokyo `cph50 validate` would find",
        ))
        .stderr(predicate::str::contains("let init remove the demo data"));
    assert_eq!(s.files(), before, "init changed something");
    // a file of the user's among the demo data: moving it out is the way, not --replace-data
    fs::write(s.root.join("data/NOTES.md"), "mine").unwrap();
    s.init()
        .env("TZ", "Europe/Paris")
        .args(["--yes", "--offline"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "move ./data/NOTES.md out of data/",
        ));
    // the demo's own zone keeps it
    s.init()
        .args([
            "--yes",
            "--keep-data",
            "--offline",
            "--tz",
            "America/Los_Angeles",
        ])
        .assert()
        .success();
}

// A tz changed in cph50.toml by hand is no zone change init can see: it warns that the kept
// data does not validate there.
#[test]
fn a_tz_changed_by_hand_over_kept_data_is_warned_about() {
    let s = Scratch::new();
    s.init()
        .args([
            "--yes",
            "--keep-data",
            "--offline",
            "--tz",
            "America/Los_Angeles",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("does not validate").not());
    let config = s
        .read("cph50.toml")
        .replace("America/Los_Angeles", "Asia/Tokyo");
    fs::write(s.root.join("cph50.toml"), config).unwrap();
    s.init()
        .args(["--yes", "--keep-data", "--offline"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: data/ does not validate in Asia/Tokyo",
        ))
        .stderr(predicate::str::contains(
            "if you changed tz in cph50.toml by hand, put it back",
        ));
}
