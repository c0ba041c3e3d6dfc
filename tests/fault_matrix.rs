//! The fault matrix: every kind of failure ChargePoint really produces, against every command
//! that calls it, with the real binary and `cph50 sim`. Each cell must exit as docs/cli.md says,
//! print one `error:` line naming the endpoint that failed, and change no data file (`charge`
//! records its failed run in `runs.json`, and nothing else). A 401 that a new login mends is
//! not a failure. No run prints the account's user id (Actions logs of a public repository
//! are public), on stdout or stderr, not even in a retry warning.

use std::path::Path;

use serde_json::Value;

use crate::common::sim::SimProcess;
use crate::common::{Demo, snapshot};

/// The account's user id in `cph50 sim`: it is in the charger URLs, and must stay out of logs.
const USER_ID: &str = "200000001";

/// 10:00 PST: outside the charger's own 00:00-06:00 window; the Equinox is charging.
const START: &str = "2026-01-09T18:00:00Z";

/// One kind of failure: its name, the `--fault` kind (`{}` is the endpoint) and the phrase the
/// error line must carry.
struct Fault {
    name: &'static str,
    spec: &'static str,
    phrase: &'static str,
}

const FAULTS: &[Fault] = &[
    Fault {
        name: "5xx",
        spec: "503x0",
        phrase: "HTTP 503",
    },
    Fault {
        name: "timeout",
        spec: "delay3000x0",
        phrase: "no answer within",
    },
    Fault {
        name: "401 always",
        spec: "unauthorizedx0",
        phrase: "401",
    },
    Fault {
        name: "bot protection JSON",
        spec: "captcha_jsonx0",
        phrase: "bot protection",
    },
    Fault {
        name: "bot protection HTML",
        spec: "captcha_htmlx0",
        phrase: "bot protection",
    },
    Fault {
        name: "truncated JSON",
        spec: "truncatedx0",
        phrase: "truncated",
    },
    Fault {
        name: "empty 200",
        spec: "emptyx0",
        phrase: "empty",
    },
    Fault {
        name: "wrong content type",
        spec: "htmlx0",
        phrase: "text/html",
    },
];

/// A command, the sim endpoint it calls first once logged in, and the label its error names.
struct Cell {
    args: &'static [&'static str],
    endpoint: &'static str,
    label: &'static str,
}

const COMMANDS: &[Cell] = &[
    Cell {
        args: &["status"],
        endpoint: "status",
        label: "charger status",
    },
    Cell {
        args: &["check"],
        endpoint: "status",
        label: "charger status",
    },
    Cell {
        args: &["monitor"],
        endpoint: "status",
        label: "charger status",
    },
    Cell {
        args: &[
            "collect",
            "SESSION",
            "--samples",
            "2",
            "--interval",
            "100ms",
        ],
        endpoint: "session",
        label: "session details",
    },
    Cell {
        args: &["cache", "--current"],
        endpoint: "activity",
        label: "charging activity",
    },
    Cell {
        args: &["charge", "--now", "--attempts", "1"],
        endpoint: "status",
        label: "charger status",
    },
    // the control commands, each with the fault on the call that changes the charger (a
    // command: never retried) or, for schedule, the one it reads
    Cell {
        args: &["stop", "--ack-interval", "10ms"],
        endpoint: "stop",
        label: "stop session",
    },
    Cell {
        args: &["limit", "32"],
        endpoint: "amperage",
        label: "amperage limit",
    },
    Cell {
        args: &["schedule"],
        endpoint: "schedule",
        label: "charger schedule",
    },
];

/// What one run printed and left: exit code, stdout, stderr, the demo folder and its files
/// before the run.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    demo: Demo,
    before: Vec<(std::path::PathBuf, Vec<u8>)>,
}

impl Ran {
    /// A line about the user id, if the run printed it anywhere.
    fn leaked_user_id(&self, what: &str) -> Option<String> {
        (self.stdout.contains(USER_ID) || self.stderr.contains(USER_ID)).then(|| {
            format!(
                "{what}: the account's user id {USER_ID} was printed:\n{}{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs one command against a fresh sim with `spec` armed on its endpoint (`-vv`, so that
/// informational and debug lines are checked too).
fn run_cell(cell: &Cell, spec: &str) -> Ran {
    let fault = format!("{}={spec}", cell.endpoint);
    let sim = SimProcess::start(&[
        "--speed",
        "0",
        "--start",
        START,
        "--history-days",
        "3",
        "--fault",
        &fault,
    ]);
    let demo = Demo::new(1);
    let before = snapshot(&demo.data());
    let session = current_session(&sim);
    let args: Vec<String> = cell
        .args
        .iter()
        .map(|a| a.replace("SESSION", &session))
        .collect();
    let out = sim
        .cph50(demo.root())
        .env("CPH50_NOW", START)
        .env("CPH50_HTTP_TIMEOUT", "500ms")
        .env_remove("GITHUB_RUN_ID")
        .arg("-vv")
        .args(&args)
        .output()
        .unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        demo,
        before,
    }
}

/// The session the sim is charging now.
fn current_session(sim: &SimProcess) -> String {
    sim.state()["current_session_id"]
        .as_u64()
        .unwrap()
        .to_string()
}

/// Checks every command under one fault; returns the cells that broke the rule.
fn check_fault(fault: &Fault) -> Vec<String> {
    let mut broken = Vec::new();
    for cell in COMMANDS {
        let what = format!("{} under {}", cell.args[0], fault.name);
        let ran = run_cell(cell, fault.spec);
        broken.extend(ran.leaked_user_id(&what));
        let Ran {
            code,
            stderr,
            demo,
            before,
            ..
        } = ran;
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        if code != 1 {
            broken.push(format!("{what}: exit {code}, expected 1\n{stderr}"));
        }
        match errors.as_slice() {
            [line] if line.contains(cell.label) && line.contains(fault.phrase) => {}
            _ => broken.push(format!(
                "{what}: expected one error line naming {:?} and {:?}:\n{stderr}",
                cell.label, fault.phrase
            )),
        }
        let after = snapshot(&demo.data());
        if cell.args[0] == "charge" {
            check_one_failed_run(&what, &before, &after, &mut broken);
        } else if before != after {
            broken.push(format!("{what}: data files changed"));
        }
    }
    broken
}

/// `charge` appends exactly one `failure` record to `runs.json` and changes nothing else.
fn check_one_failed_run(
    what: &str,
    before: &[(std::path::PathBuf, Vec<u8>)],
    after: &[(std::path::PathBuf, Vec<u8>)],
    broken: &mut Vec<String>,
) {
    let runs = Path::new("runs.json");
    let others = |s: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        s.iter().filter(|(p, _)| p != runs).cloned().collect()
    };
    if others(before) != others(after) {
        broken.push(format!("{what}: a file other than runs.json changed"));
    }
    let count = |s: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<Value> {
        s.iter()
            .find(|(p, _)| p == runs)
            .map(|(_, b)| serde_json::from_slice::<Value>(b).unwrap()["runs"].clone())
            .and_then(|r| r.as_array().cloned())
            .unwrap_or_default()
    };
    let (was, now) = (count(before), count(after));
    if now.len() != was.len() + 1 || now.last().is_none_or(|r| r["result"] != "failure") {
        broken.push(format!(
            "{what}: expected one more run, a failure: {:?}",
            now.last()
        ));
    }
}

fn assert_fault(name: &str) {
    let fault = FAULTS.iter().find(|f| f.name == name).unwrap();
    let broken = check_fault(fault);
    assert!(broken.is_empty(), "{}", broken.join("\n\n"));
}

#[test]
fn every_command_fails_cleanly_on_a_server_error() {
    assert_fault("5xx");
}

#[test]
fn every_command_fails_cleanly_on_a_timeout() {
    assert_fault("timeout");
}

#[test]
fn every_command_fails_cleanly_when_a_call_is_always_unauthorized() {
    assert_fault("401 always");
}

#[test]
fn every_command_fails_cleanly_on_bot_protection_json() {
    assert_fault("bot protection JSON");
}

#[test]
fn every_command_fails_cleanly_on_bot_protection_html() {
    assert_fault("bot protection HTML");
}

#[test]
fn every_command_fails_cleanly_on_truncated_json() {
    assert_fault("truncated JSON");
}

#[test]
fn every_command_fails_cleanly_on_an_empty_200() {
    assert_fault("empty 200");
}

#[test]
fn every_command_fails_cleanly_on_the_wrong_content_type() {
    assert_fault("wrong content type");
}

#[test]
fn a_401_that_a_new_login_mends_fails_no_command() {
    let mut broken = Vec::new();
    for cell in COMMANDS {
        let ran = run_cell(cell, "expirex1");
        broken.extend(ran.leaked_user_id(&format!("{} after one 401", cell.args[0])));
        if ran.code != 0 || ran.stderr.lines().any(|l| l.starts_with("error: ")) {
            broken.push(format!(
                "{} after one 401: exit {}\n{}",
                cell.args[0], ran.code, ran.stderr
            ));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n\n"));
}
