//! After `cph50 init` in each of the five zones of `init_zones`, the scheduled steps of every
//! other workflow that runs on a schedule or after a push (monitor, cache, check, the Pages
//! build, keepalive) run as a runner would, against `cph50 sim` and a fake GitHub, in a clone
//! of the repository init left: none fails, monitor and cache push the user's data, the Pages
//! build pushes a site dated in the zone, and a healthy charger opens no incident. (The charge
//! workflow's days are `init_zones`' test.)

use std::path::Path;

use crate::common::gha::{JobRun, Origin, git, git_text, run_job_full_of, secrets, tracked_copy};
use crate::common::github::{self, FakeGitHub};
use crate::common::sim::SimProcess;

/// The zones and start times of `init_zones`.
const ZONES: [(&str, &str); 5] = [
    ("America/Los_Angeles", "06:00"),
    ("America/New_York", "05:30"),
    ("Europe/London", "07:15"),
    ("Europe/Berlin", "06:00"),
    ("Australia/Sydney", "06:45"),
];

/// A winter evening in the northern hemisphere (a summer morning in Sydney); the sim's
/// scenario has a session in progress.
const NOW: &str = "2026-01-10T18:17:00Z";

/// Runs `job` of the clone's own `workflow` with the sim's secrets and the fake GitHub.
fn job(
    clone: &Path,
    workflow: &str,
    name: &str,
    sim: &SimProcess,
    gh: &FakeGitHub,
    extra: &[(&str, &str)],
) -> JobRun {
    let raw = std::fs::read_to_string(clone.join(".github/workflows").join(workflow)).unwrap();
    let wf: serde_norway::Value = serde_norway::from_str(&raw).unwrap();
    let tokens = tempfile::tempdir().unwrap();
    let (mut values, mut env) = secrets(sim, tokens.path());
    values.insert("github.token".to_owned(), github::TOKEN.to_owned());
    for (k, v) in extra {
        values.insert((*k).to_owned(), (*v).to_owned());
    }
    env.extend(gh.env());
    env.push(("GITHUB_RUN_ID", "555".to_owned()));
    env.push(("CPH50_NOW", NOW.to_owned()));
    env.push(("SOURCE_DATE_EPOCH", "1768069020".to_owned()));
    // monitor's 30 × 10 s collection, squeezed (the sim's clock stands still anyway)
    env.push(("CPH50_SAMPLE_INTERVAL", "1ms".to_owned()));
    run_job_full_of(&wf, name, clone, &values, &env)
}

/// One zone: init (with the sim's account), push, then each workflow's job once.
fn zone_run(zone: &str, start: &str, sim: &SimProcess) {
    let origin = Origin::of_repo(tracked_copy());
    let user = origin.clone("user");
    let tokens = tempfile::tempdir().unwrap();
    sim.cph50(&user)
        .env("CP_TOKEN_FILE", tokens.path().join("init.json"))
        .args(["init", "--tz", zone, "--start", start, "--yes"])
        .assert()
        .success();
    git(&user, &["add", "-A"]);
    git(&user, &["commit", "-q", "-m", "cph50 init"]);
    git(&user, &["push", "-q", "origin", "HEAD:main"]);

    let runner = origin.clone("runner");
    let gh = FakeGitHub::start(NOW);
    let pages_up = [
        ("steps.pages.outcome", "success"),
        (
            "steps.pages.outputs.base_url",
            "https://owner.github.io/logbook",
        ),
    ];
    for (workflow, name, extra) in [
        ("monitor.yml", "monitor", &[][..]),
        ("cache.yml", "cache", &[][..]),
        ("check.yml", "check", &[][..]),
        ("pages.yml", "build", &pages_up[..]),
        ("keepalive.yml", "keepalive", &[][..]),
    ] {
        git(&runner, &["pull", "-q", "--rebase", "origin", "main"]);
        let run = job(&runner, workflow, name, sim, &gh, extra);
        assert!(!run.failed, "{zone}: {workflow} failed:\n{}", run.log());
    }
    assert!(
        gh.open_with("cph50-incident").is_empty(),
        "{zone}: incidents {:?}",
        gh.issues()
    );
    let log = git_text(&origin.bare(), &["log", "--format=%s", "main"]);
    for prefix in ["data: ", "site: "] {
        assert!(
            log.lines().any(|l| l.starts_with(prefix)),
            "{zone}: no '{prefix}' commit was pushed:\n{log}"
        );
    }
    let sessions = git_text(
        &origin.bare(),
        &["ls-tree", "-r", "--name-only", "main", "data/"],
    );
    assert!(
        sessions
            .lines()
            .any(|l| l.starts_with("data/session_cache/")),
        "{zone}: cache pushed no month:\n{sessions}"
    );
    let config = git_text(&origin.bare(), &["show", "main:cph50.toml"]);
    assert!(config.contains(zone), "{zone}: {config}");
}

#[test]
fn after_init_every_scheduled_workflow_runs_green_in_five_zones() {
    let sim = SimProcess::start(&["--scenario", "default", "--speed", "0", "--start", NOW]);
    std::thread::scope(|s| {
        let handles: Vec<_> = ZONES
            .iter()
            .map(|(zone, start)| s.spawn(|| zone_run(zone, start, &sim)))
            .collect();
        let failed: Vec<String> = handles
            .into_iter()
            .filter_map(|h| h.join().err())
            .map(|e| {
                e.downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "panic".into())
            })
            .collect();
        assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    });
}
