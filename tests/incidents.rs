//! `cph50 incident` end to end: the real binary against a stateful fake of GitHub's issues API
//! (`common::github`). Each kind of trouble opens one issue, is commented on at most once a
//! day while it lasts, is closed with a note when it ends, and never gets a second issue; a
//! known trouble keeps the run green, an unknown failure keeps it red; a report GitHub refuses
//! fails the run naming the call. Also: the `trouble` outputs the observing commands write.

use std::path::Path;

use serde_json::{Value, json};

use crate::common::cph50;
use crate::common::github::{FakeGitHub, TOKEN};

const T0: &str = "2026-01-10T14:05:00Z";

fn incident(gh: &FakeGitHub, now: &str, args: &[&str]) -> std::process::Output {
    gh.set_now(now);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = cph50(dir.path());
    cmd.arg("incident")
        .args(args)
        .env("CPH50_NOW", now)
        .env("GITHUB_RUN_ID", "4242")
        .env_remove("GITHUB_OUTPUT");
    for (k, v) in gh.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains(TOKEN), "the token was printed: {text}");
    out
}

fn answer(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn actions(v: &Value) -> Vec<String> {
    v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!(
                "{}:{}",
                o["kind"].as_str().unwrap(),
                o["action"].as_str().unwrap()
            )
        })
        .collect()
}

fn at(hours: i64) -> String {
    let t0 = chrono::DateTime::parse_from_rfc3339(T0).unwrap();
    (t0 + chrono::TimeDelta::hours(hours))
        .with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[test]
fn each_kind_opens_one_issue_comments_daily_and_closes_with_a_note() {
    let gh = FakeGitHub::start(T0);
    for kind in ["offline", "login", "runs-failing", "data-invalid"] {
        let label = format!("incident:{kind}");
        let report = |hours: i64| {
            answer(&incident(
                &gh,
                &at(hours),
                &[
                    "report",
                    "--kind",
                    kind,
                    "--details",
                    "seen `here` @someone",
                    "--json",
                ],
            ))
        };
        assert_eq!(actions(&report(0)), [format!("{kind}:opened")]);
        let open = gh.open_with(&label);
        assert_eq!(open.len(), 1, "{kind}");
        let issue = &open[0];
        assert!(issue.labels.contains(&"cph50-incident".to_owned()));
        assert!(
            issue
                .body
                .contains(&format!("<!-- cph50-incident:{kind} -->"))
                && issue.body.contains("What to do")
                && issue
                    .body
                    .contains("https://github.example/owner/logbook/actions/runs/4242")
                && issue.body.contains("`seen 'here' @someone`"),
            "{}",
            issue.body
        );
        // while it lasts: quiet for a day, then one comment, then quiet again
        assert_eq!(actions(&report(1)), [format!("{kind}:already_reported")]);
        assert_eq!(actions(&report(23)), [format!("{kind}:already_reported")]);
        assert_eq!(actions(&report(25)), [format!("{kind}:commented")]);
        assert_eq!(actions(&report(30)), [format!("{kind}:already_reported")]);
        assert_eq!(actions(&report(50)), [format!("{kind}:commented")]);
        let open = gh.open_with(&label);
        assert_eq!(open.len(), 1, "never a second issue for {kind}");
        assert_eq!(open[0].comments.len(), 2, "{:?}", open[0].comments);
        assert!(open[0].comments[0].0.contains("Still happening"));
        // it ends: closed with a note; resolving again touches nothing
        let closed = answer(&incident(
            &gh,
            &at(51),
            &["resolve", "--kind", kind, "--json"],
        ));
        assert_eq!(actions(&closed), [format!("{kind}:closed")]);
        assert!(gh.open_with(&label).is_empty());
        let last = gh
            .issues()
            .into_iter()
            .find(|i| i.number == issue.number)
            .unwrap();
        assert!(!last.open && last.comments.len() == 3);
        let note = &last.comments[2].0;
        assert!(
            note.contains("again") && note.contains("runs/4242"),
            "{note}"
        );
        let again = answer(&incident(
            &gh,
            &at(52),
            &["resolve", "--kind", kind, "--json"],
        ));
        assert_eq!(actions(&again), [format!("{kind}:none_open")]);
        // a new bout of the same trouble is a new incident
        assert_eq!(actions(&report(53)), [format!("{kind}:opened")]);
        assert_eq!(gh.open_with(&label).len(), 1);
    }
    // four kinds, each opened twice; other kinds' issues were never touched
    assert_eq!(gh.issues().len(), 8);
    assert_eq!(gh.open_with("cph50-incident").len(), 4);
}

#[test]
fn sync_reports_known_trouble_green_and_leaves_unknown_failures_red() {
    let gh = FakeGitHub::start(T0);
    let sync = |hours: i64, extra: &[&str]| {
        let mut args = vec!["sync", "--checks", "login,offline", "--json"];
        args.extend_from_slice(extra);
        incident(&gh, &at(hours), &args)
    };
    // bot protection: the login incident opens, the run stays green
    let v = answer(&sync(
        0,
        &[
            "--outcome",
            "failure",
            "--trouble",
            "login",
            "--details",
            "Login blocked by bot protection.",
        ],
    ));
    assert_eq!(actions(&v), ["login:opened"]);
    // the charger found offline needed a login: login closes, offline opens
    let v = answer(&sync(1, &["--outcome", "success", "--trouble", "offline"]));
    assert_eq!(actions(&v), ["offline:opened", "login:closed"]);
    // a clean run resolves what it checks
    let v = answer(&sync(2, &["--outcome", "success", "--trouble", ""]));
    assert_eq!(actions(&v), ["offline:closed", "login:none_open"]);
    // an unknown failure changes nothing and fails the run
    let before = gh.issues().len();
    let out = sync(
        3,
        &["--outcome", "failure", "--trouble", "", "--details", ""],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: incident sync: the observed step failed"),
        "{err}"
    );
    assert_eq!(gh.issues().len(), before);
    assert!(gh.open_with("cph50-incident").is_empty());
    // a cancelled step says nothing either way
    assert_eq!(
        actions(&answer(&sync(4, &["--outcome", "cancelled"]))),
        Vec::<String>::new()
    );
    // a word that is no kind is bad usage
    let out = sync(5, &["--trouble", "meltdown"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_pull_request_with_the_labels_is_not_the_open_incident() {
    let gh = FakeGitHub::start(T0);
    gh.state
        .lock()
        .unwrap()
        .issues
        .push(crate::common::github::FakeIssue {
            number: 1,
            title: "a pull request".into(),
            body: String::new(),
            labels: vec!["cph50-incident".into(), "incident:offline".into()],
            open: true,
            created_at: "2026-01-01T00:00:00Z".into(),
            pull_request: true,
            comments: Vec::new(),
        });
    let v = answer(&incident(
        &gh,
        T0,
        &["report", "--kind", "offline", "--json"],
    ));
    assert_eq!(actions(&v), ["offline:opened"]);
    assert_eq!(v["outcomes"][0]["issue"], json!(2));
    assert!(gh.issues()[0].comments.is_empty());
}

#[test]
fn a_report_github_refuses_fails_the_run_naming_the_call() {
    let gh = FakeGitHub::start(T0);
    gh.state.lock().unwrap().issues_disabled = true;
    let out = incident(&gh, T0, &["report", "--kind", "offline"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(
            "error: GitHub API POST /repos/owner/logbook/issues: HTTP 410: Issues are disabled"
        ),
        "{err}"
    );
    // labels dropped: an issue nobody could find again is an error, not a success
    {
        let mut s = gh.state.lock().unwrap();
        s.issues_disabled = false;
        s.drop_labels = true;
    }
    let out = incident(&gh, T0, &["report", "--kind", "login"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("without its labels") && err.contains("issues: write"),
        "{err}"
    );
    // no token, no repository: bad usage naming the variable
    let dir = tempfile::tempdir().unwrap();
    for (missing, name) in [
        ("GITHUB_TOKEN", "GITHUB_TOKEN"),
        ("GITHUB_REPOSITORY", "GITHUB_REPOSITORY"),
    ] {
        let mut cmd = cph50(dir.path());
        cmd.args(["incident", "resolve", "--kind", "offline"]);
        for (k, v) in gh.env() {
            if k != missing {
                cmd.env(k, v);
            }
        }
        cmd.env_remove(missing);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with(&format!("error: {name} is not set")),
            "{err}"
        );
    }
    // a wrong token is named as such (401), the token itself never
    let mut cmd = cph50(dir.path());
    cmd.args(["incident", "resolve", "--kind", "offline"]);
    for (k, v) in gh.env() {
        cmd.env(k, v);
    }
    let out = cmd
        .env("GITHUB_TOKEN", "ghs_wrong-secret")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("HTTP 401: Bad credentials") && !err.contains("ghs_wrong"),
        "{err}"
    );
}

fn run(name: &str, conclusion: Option<&str>, created: &str) -> Value {
    json!({
        "id": created.len(),
        "name": name,
        "path": format!(".github/workflows/{name}.yml"),
        "event": "schedule",
        "status": if conclusion.is_some() { "completed" } else { "in_progress" },
        "conclusion": conclusion,
        "created_at": created,
        "html_url": format!("https://github.example/owner/logbook/actions/runs/{name}-{created}"),
    })
}

#[test]
fn runs_failing_for_a_day_opens_its_incident_and_a_success_closes_it() {
    let gh = FakeGitHub::start(T0);
    {
        let mut s = gh.state.lock().unwrap();
        // monitor failed all day; check succeeded; an old monitor success is outside the day
        for h in 0..24 {
            s.runs.push(run("monitor", Some("failure"), &at(-h)));
        }
        s.runs.push(run("monitor", Some("success"), &at(-30)));
        s.runs.push(run("check", Some("success"), &at(-10)));
        s.runs.push(run("charge", None, &at(0)));
    }
    let v = answer(&incident(&gh, &at(0), &["runs", "--json"]));
    assert_eq!(actions(&v), ["runs-failing:opened"]);
    let issue = &gh.open_with("incident:runs-failing")[0];
    assert!(
        issue
            .body
            .contains("monitor: all 24 scheduled run(s) of the last 24 h failed")
            && !issue.body.contains("check:"),
        "{}",
        issue.body
    );
    let asked = gh.state.lock().unwrap().requests.clone();
    assert!(
        asked.iter().any(|r| r.starts_with("GET /repos/owner/logbook/actions/runs?event=schedule&created=%3E%3D2026-01-09T14:05:00Z")),
        "{asked:?}"
    );
    // the next hour's monitor run succeeds: the incident ends
    gh.state
        .lock()
        .unwrap()
        .runs
        .push(run("monitor", Some("success"), &at(1)));
    let v = answer(&incident(&gh, &at(1), &["runs", "--json"]));
    assert_eq!(actions(&v), ["runs-failing:closed"]);
}

/// The observing commands name known trouble in `$GITHUB_OUTPUT` on Actions (an unknown
/// failure names none): `check` offline, `status` blocked by bot protection, `validate` on a
/// broken data folder, `monitor` finding the charger offline (exit 0).
#[test]
fn observing_commands_name_their_trouble_in_the_step_outputs() {
    let outputs = |dir: &Path, cmd: &mut assert_cmd::Command| -> (Option<i32>, String) {
        let file = dir.join("github-output");
        std::fs::write(&file, "").unwrap();
        let out = cmd
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_OUTPUT", &file)
            .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
            .env("CP_TOKEN_KEY", "k")
            .output()
            .unwrap();
        (out.status.code(), std::fs::read_to_string(&file).unwrap())
    };
    let demo = crate::common::Demo::new(1);
    let offline = crate::common::sim::SimProcess::start(&["--scenario", "offline", "--speed", "0"]);
    let (code, out) = outputs(demo.root(), offline.cph50(demo.root()).arg("check"));
    assert_eq!(code, Some(3));
    assert!(
        out.starts_with("trouble=offline\ntrouble_details=The charger is offline"),
        "{out}"
    );
    let (code, out) = outputs(
        demo.root(),
        offline.cph50(demo.root()).args(["monitor", "--json"]),
    );
    assert_eq!(code, Some(0));
    assert!(out.contains("trouble=offline\n"), "{out}");

    let captcha = crate::common::sim::SimProcess::start(&["--scenario", "captcha", "--speed", "0"]);
    let fresh = tempfile::tempdir().unwrap();
    let (code, out) = outputs(fresh.path(), captcha.cph50(fresh.path()).arg("status"));
    assert_eq!(code, Some(1));
    assert!(out.starts_with("trouble=login\n"), "{out}");
    assert!(!out.contains("http"), "no URL in the details: {out}");

    let cache = demo.cache_files()[0].clone();
    demo.edit(&cache, "\"energy_kwh\": ", "\"energy_kwh\": -");
    let (code, out) = outputs(demo.root(), cph50(demo.root()).arg("validate"));
    assert_eq!(code, Some(1));
    assert!(out.starts_with("trouble=data-invalid\n"), "{out}");

    // an unknown failure (nobody answers) names no trouble
    let (code, out) = outputs(
        fresh.path(),
        cph50(fresh.path())
            .arg("status")
            .env("CP_USERNAME", "driver")
            .env("CP_PASSWORD", "pw")
            .env("CP_TOKEN_FILE", fresh.path().join("t.json"))
            .env("CPH50_HTTP_TIMEOUT", "200ms")
            .env("CP_DISCOVERY_URL", "http://127.0.0.1:1/discovery"),
    );
    assert_eq!(code, Some(1));
    assert_eq!(out, "");
}
