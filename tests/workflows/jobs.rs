//! The jobs' steps, run for real in a scratch fork with a bare origin.

use super::*;

/// Points a job's incident steps at `gh`: the job's token and the Actions variables.
pub(super) fn github(
    gh: &crate::common::github::FakeGitHub,
    values: &mut BTreeMap<String, String>,
    env: &mut Vec<(&'static str, String)>,
) {
    values.insert(
        "github.token".to_owned(),
        crate::common::github::TOKEN.to_owned(),
    );
    env.extend(gh.env());
    env.push(("GITHUB_RUN_ID", "555".to_owned()));
}

/// The monitor workflow's steps, run for real against `cph50 sim`: the poll finds the session
/// in progress, the commit step pushes `data/` with a message naming it.
#[test]
fn monitor_workflow_steps_poll_the_sim_and_push_the_data() {
    let now = "2026-01-10T18:00:00Z";
    let sim = crate::common::sim::SimProcess::start(&[
        "--scenario",
        "default",
        "--speed",
        "0",
        "--start",
        now,
    ]);
    let (origin, clone) = fork_with_demo_data();
    let tokens = tempfile::tempdir().unwrap();
    let (mut values, mut env) = secrets(&sim, tokens.path());
    let gh = crate::common::github::FakeGitHub::start(now);
    github(&gh, &mut values, &mut env);
    env.push(("CPH50_NOW", now.to_owned()));
    // the workflow's 30 × 10 s collection, squeezed (the sim's clock stands still anyway)
    env.push(("CPH50_SAMPLE_INTERVAL", "1ms".to_owned()));
    let results = run_job("monitor.yml", "monitor", &clone, &values, &env);
    let names: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
    for (name, out) in &results {
        assert!(out.status.success(), "step {name} failed:\n{}", text(out));
    }
    assert!(names.len() >= 2, "steps run: {names:?}");
    let subject = origin.log()[0].clone();
    assert!(
        subject.starts_with("data: session ") && subject.ends_with(" started"),
        "{subject}"
    );
    let files = origin.head_files();
    assert!(
        files.iter().all(|f| f.starts_with("data/"))
            && files.iter().any(|f| f == "data/last_session.json"),
        "{files:?}"
    );
    // the token file stays outside the repository
    assert!(tokens.path().join("token.json").exists());
    assert!(!files.iter().any(|f| f.contains("token")));
    // all well: the incident step looked for open incidents and opened none
    assert!(gh.issues().is_empty());
    assert!(text(results.last().map(|(_, o)| o).unwrap()).contains("offline: no open incident"));
}

/// The charge workflow's steps at 06:05 PST against an idle sim: one run record, pushed.
#[test]
fn charge_workflow_steps_record_the_run_and_push_it() {
    let now = "2026-01-10T14:05:00Z";
    let sim = crate::common::sim::SimProcess::start(&[
        "--scenario",
        "idle",
        "--speed",
        "0",
        "--start",
        now,
    ]);
    let (origin, clone) = fork_with_demo_data();
    let tokens = tempfile::tempdir().unwrap();
    let (values, mut env) = secrets(&sim, tokens.path());
    env.push(("CPH50_NOW", now.to_owned()));
    env.push(("GITHUB_RUN_ID", "987654321".to_owned()));
    let results = run_job("charge.yml", "charge", &clone, &values, &env);
    for (name, out) in &results {
        assert!(out.status.success(), "step {name} failed:\n{}", text(out));
    }
    assert_eq!(origin.head_files(), ["data/runs.json"]);
    let runs = git_text(&origin.bare(), &["show", "main:data/runs.json"]);
    assert!(
        runs.contains("\"run_id\": \"987654321\"") && runs.contains("No vehicle plugged in"),
        "{runs}"
    );
}
