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

/// The cache workflow on the 2nd of the month (the runner's `date` says so): after the fetch,
/// the archive step packs the months older than 6 months and pushes them in a commit of its
/// own; the data validates as before. On another day it does nothing.
#[test]
fn cache_workflow_archives_old_months_on_the_second_and_pushes_them() {
    let now = "2026-10-02T18:00:00Z";
    let sim = crate::common::sim::SimProcess::start(&[
        "--scenario",
        "idle",
        "--speed",
        "0",
        "--start",
        now,
    ]);
    let (origin, clone) = fork_with_demo_data();
    crate::common::cph50(&clone)
        .args([
            "-q",
            "demo-data",
            "--months",
            "9",
            "--out",
            "data",
            "--force",
        ])
        .assert()
        .success();
    git(&clone, &["add", "-A"]);
    git(&clone, &["commit", "-q", "-m", "nine months"]);
    git(&clone, &["push", "-q", "origin", "HEAD:main"]);
    let tokens = tempfile::tempdir().unwrap();
    let (mut values, mut env) = secrets(&sim, tokens.path());
    let gh = crate::common::github::FakeGitHub::start(now);
    github(&gh, &mut values, &mut env);
    env.push(("CPH50_NOW", now.to_owned()));
    let bin = tempfile::tempdir().unwrap();
    let path = env
        .iter()
        .find(|(k, _)| *k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| std::env::var("PATH").unwrap());
    let cph50_dir = Path::new(env!("CARGO_BIN_EXE_cph50")).parent().unwrap();
    env.push((
        "PATH",
        format!("{}:{}:{path}", bin.path().display(), cph50_dir.display()),
    ));
    let date = bin.path().join("date");
    for (day, archived) in [("03", false), ("02", true)] {
        fs::write(
            &date,
            format!(
                "#!/bin/sh\nif [ \"$1\" = +%d ]; then echo {day}; else exec /bin/date \"$@\"; fi\n"
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&date, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let run = run_job_full("cache.yml", "cache", &clone, &values, &env);
        assert!(!run.failed, "{}", run.log());
        assert_eq!(
            run.outcomes["steps.archive.outcome"],
            "success",
            "{}",
            run.log()
        );
        let log = origin.log();
        assert_eq!(
            log.iter().any(|m| m.starts_with("data: archive")),
            archived,
            "day {day}: {log:?}\n{}",
            run.log()
        );
    }
    // February and March 2026 are older than 6 months in October (the cut-off is April): the
    // commit adds their archives and removes their folders, nothing else
    let files = origin.head_files();
    for archive in [
        "data/sessions/2026/02.jsonl.gz",
        "data/sessions/2026/03.jsonl.gz",
    ] {
        assert!(files.iter().any(|f| f == archive), "{files:?}");
    }
    for f in &files {
        assert!(
            f.starts_with("data/sessions/2026/02") || f.starts_with("data/sessions/2026/03"),
            "{f} in the archive commit"
        );
    }
    crate::common::cph50(&clone)
        .arg("validate")
        .assert()
        .success();
}
