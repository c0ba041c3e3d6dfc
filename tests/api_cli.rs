//! The API commands' environment contract, checked on the real binary (no server needed).

use predicates::prelude::*;

use crate::common::cph50;

fn api_cmd(dir: &std::path::Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = cph50(dir);
    cmd.args(args)
        .env_remove("CP_USERNAME")
        .env_remove("CP_PASSWORD")
        .env_remove("CP_SESSION_TOKEN")
        .env_remove("CP_STATION_ID")
        .env_remove("CP_TOKEN_KEY")
        .env("CP_TOKEN_FILE", dir.join("cache/token.json"))
        .env(
            "CP_DISCOVERY_URL",
            "http://127.0.0.1:1/discovery/v3/globalconfig",
        );
    cmd
}

#[test]
fn missing_username_is_named_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    api_cmd(dir.path(), &["status"])
        .assert()
        .code(2)
        .stderr("error: CP_USERNAME is not set; every command that calls the ChargePoint API needs the account name\n");
}

#[test]
fn an_empty_variable_counts_as_unset() {
    let dir = tempfile::tempdir().unwrap();
    api_cmd(dir.path(), &["check"])
        .env("CP_USERNAME", "  ")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: CP_USERNAME is not set"));
}

#[test]
fn a_bad_station_id_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    api_cmd(dir.path(), &["status"])
        .env("CP_USERNAME", "driver")
        .env("CP_STATION_ID", "../1")
        .assert()
        .code(2)
        .stderr("error: CP_STATION_ID \"../1\" is not a charger id (digits only)\n");
}

#[test]
fn a_token_file_inside_the_data_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    api_cmd(dir.path(), &["status"])
        .env("CP_USERNAME", "driver")
        .env("CP_TOKEN_FILE", "data/token.json")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "CP_TOKEN_FILE data/token.json is inside ",
        ))
        .stderr(predicate::str::contains(
            "/data, which is committed (or holds cph50's own files)",
        ));
    assert!(!dir.path().join("data/token.json").exists());
}

#[test]
fn an_unreachable_server_names_the_endpoint_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    api_cmd(dir.path(), &["status"])
        .env("CP_USERNAME", "driver")
        .env("CP_PASSWORD", "pw")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "connection failed on attempt 1 of 3; retrying in",
        ))
        .stderr(predicate::function(|err: &str| {
            err.lines().last().is_some_and(|l| {
                l.starts_with("error: discovery (POST http://127.0.0.1:1/discovery/v3/globalconfig): cannot connect")
            })
        }));
}
