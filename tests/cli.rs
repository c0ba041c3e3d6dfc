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
        .stderr("error: unknown time zone \"Mars/Olympus\"; expected an IANA name such as \"America/Los_Angeles\"\n");
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
