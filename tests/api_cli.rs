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

/// On Actions the token file's default place, `$RUNNER_TEMP/cph50/`, is saved to an Actions
/// cache that pull requests can restore: without `CP_TOKEN_KEY` nothing is written there and
/// no login is tried (exit 2, naming the variable and how to make a key). With the key the
/// same run logs in and the file is sealed; a token file kept elsewhere may stay in clear.
#[test]
fn actions_refuse_a_clear_token_file_in_the_cached_place() {
    let dir = tempfile::tempdir().unwrap();
    let runner_temp = dir.path().join("runner-temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let cached = runner_temp.join("cph50/token.json");
    for explicit in [false, true] {
        let mut cmd = api_cmd(dir.path(), &["status"]);
        cmd.env("CP_USERNAME", "driver")
            .env("CP_PASSWORD", "pw")
            .env("GITHUB_ACTIONS", "true")
            .env("RUNNER_TEMP", &runner_temp)
            .env_remove("GITHUB_OUTPUT");
        if explicit {
            cmd.env("CP_TOKEN_FILE", &cached);
        } else {
            cmd.env_remove("CP_TOKEN_FILE");
        }
        let out = cmd.assert().code(2).get_output().clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error: CP_TOKEN_KEY is not set")
                && err.contains("openssl rand -hex 32")
                && err.contains("cph50 login")
                && !err.contains("discovery"),
            "{err}"
        );
        assert!(!cached.exists());
    }

    let sim = crate::common::sim::SimProcess::start(&["--scenario", "idle", "--speed", "0"]);
    sim.cph50(dir.path())
        .arg("status")
        .env("GITHUB_ACTIONS", "true")
        .env("RUNNER_TEMP", &runner_temp)
        .env_remove("GITHUB_OUTPUT")
        .env_remove("CP_TOKEN_FILE")
        .env("CP_TOKEN_KEY", "a-long-random-key")
        .assert()
        .success();
    let sealed = std::fs::read_to_string(&cached).unwrap();
    assert!(sealed.contains("xchacha20poly1305"), "{sealed}");
    // elsewhere (a developer's own runner folder, not the cached one) it is the owner's choice
    sim.cph50(dir.path())
        .arg("status")
        .env("GITHUB_ACTIONS", "true")
        .env("RUNNER_TEMP", &runner_temp)
        .env_remove("GITHUB_OUTPUT")
        .assert()
        .success();
    assert!(dir.path().join("cache/token.json").exists());
}
