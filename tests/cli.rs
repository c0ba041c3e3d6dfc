//! The command line itself: help that teaches, exit codes a workflow can act on.

use std::fs;

use predicates::prelude::*;

use crate::common::{Demo, cph50};

#[test]
fn help_lists_the_commands_and_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    cph50(dir.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("validate"))
        .stdout(predicate::str::contains("demo-data"))
        .stdout(predicate::str::contains("--data <DIR>"))
        .stdout(predicate::str::contains("--tz <ZONE>"))
        .stdout(predicate::str::contains("Exit codes: 0 success"));
}

#[test]
fn command_help_explains_what_it_checks() {
    let dir = tempfile::tempdir().unwrap();
    cph50(dir.path())
        .args(["validate", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("path:line:col"))
        .stdout(predicate::str::contains("Writes nothing"));
}

#[test]
fn unknown_command_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    cph50(dir.path())
        .arg("explode")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unrecognized subcommand 'explode'",
        ));
}

#[test]
fn unknown_time_zone_is_a_usage_error_that_says_what_is_expected() {
    let demo = Demo::new(1);
    cph50(demo.root())
        .args(["--tz", "Mars/Olympus", "validate"])
        .assert()
        .code(2)
        .stderr("error: --tz: unknown time zone \"Mars/Olympus\"; expected an IANA name such as \"America/Los_Angeles\"\n");
}

#[test]
fn config_file_sets_the_zone_and_flags_win() {
    let demo = Demo::new(1);
    // In UTC some evening sessions start on the next day: their folders look wrong.
    fs::write(demo.root().join("cph50.toml"), "tz = \"UTC\"\n").unwrap();
    cph50(demo.root())
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("in the wrong date folder"));
    cph50(demo.root())
        .args(["--tz", "America/Los_Angeles", "validate"])
        .assert()
        .success();
}

#[test]
fn config_file_with_an_unknown_key_is_named() {
    let demo = Demo::new(1);
    fs::write(demo.root().join("cph50.toml"), "timezone = \"UTC\"\n").unwrap();
    cph50(demo.root())
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: config file cph50.toml: ",
        ))
        .stderr(predicate::str::contains("unknown field `timezone`"));
}

#[test]
fn quiet_success_prints_nothing() {
    let demo = Demo::new(1);
    cph50(demo.root())
        .args(["-q", "validate"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn a_bad_zone_names_the_flag_or_the_config_file_it_came_from() {
    let demo = Demo::new(1);
    cph50(demo.root())
        .args(["--tz", "Mars/Base", "validate"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: --tz: unknown time zone \"Mars/Base\"",
        ));
    fs::write(demo.root().join("cph50.toml"), "tz = \"Mars/Base\"\n").unwrap();
    cph50(demo.root())
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cph50.toml: tz: unknown time zone \"Mars/Base\"",
        ));
}

#[test]
fn build_takes_its_one_timestamp_from_source_date_epoch_when_set() {
    let demo = Demo::new(1);
    cph50(demo.root())
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SOURCE_DATE_EPOCH \"yesterday\""));
    assert!(!demo.root().join("site").exists(), "nothing built");
    cph50(demo.root())
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("CPH50_NOW", "2020-01-02T03:04:05Z")
        .arg("build")
        .assert()
        .success();
    let stamp = fs::read_to_string(demo.root().join("site/build.json")).unwrap();
    assert!(
        stamp.contains(r#""generated_at":"2026-01-01T00:00:00Z""#),
        "{stamp}"
    );
}

#[test]
fn build_never_replaces_a_folder_that_is_not_a_site() {
    let demo = Demo::new(1);
    let root = demo.root();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::create_dir_all(root.join("notes")).unwrap();
    fs::write(root.join("notes/todo.txt"), "keep me").unwrap();
    let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let before = crate::common::snapshot(root);
    for (out, why) in [
        (".", "working folder"),
        ("data", "data folder"),
        ("data/site", "data folder"),
        ("notes", "not empty and not a folder this command wrote"),
    ] {
        cph50(root)
            .args(["build", "--out", out, "--templates"])
            .arg(&templates)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "--out {out} would be deleted"
            )))
            .stderr(predicate::str::contains(why));
    }
    // a folder above the repository holds the working folder too
    cph50(&root.join("data"))
        .args(["--data", ".", "build", "--out", "..", "--templates"])
        .arg(&templates)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("working folder"));
    assert_eq!(before, crate::common::snapshot(root), "nothing was touched");
    // its own site is replaced as before
    for _ in 0..2 {
        cph50(root)
            .args(["build", "--out", "site", "--templates"])
            .arg(&templates)
            .assert()
            .success();
    }
}

#[test]
fn demo_data_force_never_replaces_a_repository_or_the_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("repo/.git")).unwrap();
    fs::write(dir.path().join("repo/README.md"), "mine").unwrap();
    cph50(dir.path())
        .args(["demo-data", "--months", "1", "--out", "repo", "--force"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("it is a git repository"));
    assert!(dir.path().join("repo/README.md").exists());
    cph50(&dir.path().join("repo"))
        .args(["demo-data", "--months", "1", "--out", ".", "--force"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("working folder"));
    // nor the repository's .git, a folder that is not a data folder, or one inside the data
    let repo = dir.path().join("repo");
    fs::create_dir_all(repo.join("blog/_posts")).unwrap();
    fs::write(repo.join("blog/_posts/2026-01-01-a.md"), "---\n---\nhi").unwrap();
    cph50(&repo)
        .args(["demo-data", "--months", "1", "--out", "data", "--force"])
        .assert()
        .success();
    for (out, why) in [
        (".git", "inside one's .git folder"),
        ("blog", "not a folder this command wrote"),
        ("data/sessions", "the data folder"),
    ] {
        cph50(&repo)
            .args(["demo-data", "--months", "1", "--out", out, "--force"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(why));
    }
    assert!(repo.join(".git").is_dir() && repo.join("blog/_posts/2026-01-01-a.md").exists());
    // the data folder itself is replaced as before
    cph50(&repo)
        .args(["demo-data", "--months", "1", "--out", "data", "--force"])
        .assert()
        .success();
}

// A demo history past the data's years used to fail late, naming a temporary file; it is bad
// usage, told before anything is written.
#[test]
fn demo_data_until_outside_the_data_years_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    for until in ["9999-12", "2100-01"] {
        cph50(dir.path())
            .args(["demo-data", "--months", "1", "--out", "d", "--until", until])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("--until {until}")).and(
                predicate::str::contains("out of range: the data holds dates from 2000 to 2099"),
            ));
    }
    cph50(dir.path())
        .args([
            "demo-data",
            "--months",
            "3",
            "--out",
            "d",
            "--until",
            "2000-02",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--months 3 is out of range"));
    assert!(!dir.path().join("d").exists());
}

// A lock wait that is not a duration used to be warned about and replaced by 30 s.
#[test]
fn a_lock_wait_that_is_not_a_duration_is_bad_usage() {
    let demo = Demo::new(1);
    cph50(demo.root())
        .env("CPH50_LOCK_WAIT", "abc")
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "CPH50_LOCK_WAIT \"abc\" is not a duration such as 30s or 2m",
        ));
}
