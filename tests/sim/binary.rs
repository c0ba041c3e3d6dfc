//! The real binary: `cph50 sim` prints the discovery URL first and serves until killed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::json;

/// Kills the child even when an assertion fails.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn cph50_sim_prints_the_discovery_url_first_and_serves_it() {
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_cph50"))
        .args([
            "sim",
            "--port",
            "0",
            "--scenario",
            "idle",
            "--history-days",
            "3",
        ])
        .current_dir(dir.path())
        .env_remove("CP_PASSWORD")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim_end()
        .strip_prefix("CP_DISCOVERY_URL=")
        .unwrap_or_else(|| panic!("first line: {first:?}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.ends_with("/discovery/v3/globalconfig"), "{url}");
    let mut second = String::new();
    stdout.read_line(&mut second).unwrap();
    assert!(second.contains("scenario idle"), "{second:?}");

    let answer: serde_json::Value = reqwest::Client::new()
        .post(url)
        .json(&json!({"username": "testdriver"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let base = url.trim_end_matches("/discovery/v3/globalconfig");
    assert_eq!(
        answer["endPoints"]["sso_endpoint"]["value"],
        format!("{base}/sso_endpoint/")
    );
    assert!(
        child.0.try_wait().unwrap().is_none(),
        "the sim exited early"
    );
}

#[test]
fn cph50_sim_survives_a_closed_stdout_and_stops_cleanly_on_sigterm() {
    // SIGTERM is sent with procps' kill (absent from minimal images)
    if !crate::common::require_tool("kill") {
        return;
    }
    let child = Command::new(env!("CARGO_BIN_EXE_cph50"))
        .args(["sim", "--history-days", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let mut first = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(
        first.starts_with("CP_DISCOVERY_URL=http://127.0.0.1:"),
        "{first:?}"
    );
    let pid = child.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn cph50_sim_refuses_a_bad_start_time() {
    let out = Command::new(env!("CARGO_BIN_EXE_cph50"))
        .args(["sim", "--start", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--start") && err.contains("\"yesterday\" is not an RFC 3339 time"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
