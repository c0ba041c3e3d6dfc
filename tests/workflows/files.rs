//! What the workflow files say: schedules, permissions, concurrency groups, triggers.

use super::*;

#[test]
fn workflows_exist_with_their_schedules() {
    // what `cph50 init` writes for the defaults: 06:00 Los Angeles, 90 minutes of grace
    let daily = cph50::cron::DailyStart {
        tz: cph50::clock::DEFAULT_TZ,
        at: chrono::NaiveTime::from_hms_opt(6, 0, 0).unwrap(),
        grace: chrono::Duration::minutes(90),
    };
    let jan1 = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    assert_eq!(crons(&workflow("charge.yml")), daily.crons(jan1));
    assert_eq!(
        crons(&workflow("charge.yml")),
        ["7 13,14,15 * * *", "37 13,14 * * *"]
    );
    assert_eq!(crons(&workflow("check.yml")), ["23 4 * * *"]);
    assert_eq!(crons(&workflow("monitor.yml")).len(), 1);
    assert_eq!(crons(&workflow("cache.yml")).len(), 1);
    for name in [
        "charge.yml",
        "cache.yml",
        "label.yml",
        "pages.yml",
        "monitor.yml",
        "control.yml",
    ] {
        assert!(
            workflow(name)["on"].get("workflow_dispatch").is_some(),
            "{name} can be run by hand"
        );
    }
    let label = workflow("label.yml");
    for input in ["session_id", "vehicle_id"] {
        assert!(
            label["on"]["workflow_dispatch"]["inputs"]
                .get(input)
                .is_some()
        );
    }
    let control = &workflow("control.yml")["on"]["workflow_dispatch"]["inputs"];
    let commands: Vec<&str> = control["command"]["options"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        ["schedule", "schedule-set", "schedule-off", "limit", "stop"]
    );
    for input in ["session_id", "amps", "weekday", "weekend"] {
        assert!(control.get(input).is_some(), "control.yml input {input}");
    }
    let charge = &workflow("charge.yml")["on"]["workflow_dispatch"]["inputs"];
    for input in ["stop_for", "stop_until", "max_kwh"] {
        assert!(charge.get(input).is_some(), "charge.yml input {input}");
    }
    let modes = &workflow("cache.yml")["on"]["workflow_dispatch"]["inputs"]["mode"]["options"];
    let modes: Vec<&str> = modes
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(modes, ["current", "previous", "month", "since", "all"]);
    let pages = workflow("pages.yml");
    assert!(pages["on"].get("workflow_call").is_some());
    assert!(pages["on"].get("push").is_some());
    assert!(workflow("ci.yml")["on"].get("pull_request").is_some());
}

#[test]
fn workflows_grant_least_privilege_per_job() {
    let w = |s: &str| s.to_owned();
    let perms = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (w(k), w(v))).collect()
    };
    let contents_read = perms(&[("contents", "read")]);
    let contents_write = perms(&[("contents", "write")]);
    // a data job that reports incidents (cph50 incident) also writes issues
    let writes_and_reports = perms(&[("contents", "write"), ("issues", "write")]);
    let health = perms(&[
        ("contents", "read"),
        ("issues", "write"),
        ("actions", "read"),
    ]);
    // configure-pages reads the Pages settings: without pages: read it fails in a private
    // repository
    let build = perms(&[("contents", "write"), ("pages", "read")]);
    let deploy = perms(&[("pages", "write"), ("id-token", "write")]);
    let caller = perms(&[
        ("contents", "write"),
        ("pages", "write"),
        ("id-token", "write"),
    ]);
    let keepalive = perms(&[("actions", "write")]);
    let expected: BTreeMap<(&str, &str), &BTreeMap<String, String>> = BTreeMap::from([
        (("monitor.yml", "monitor"), &writes_and_reports),
        (("monitor.yml", "pages"), &caller),
        (("cache.yml", "cache"), &writes_and_reports),
        (("cache.yml", "pages"), &caller),
        (("label.yml", "label"), &contents_write),
        (("label.yml", "pages"), &caller),
        (("charge.yml", "charge"), &contents_write),
        (("control.yml", "control"), &contents_read),
        (("check.yml", "check"), &health),
        (("pages.yml", "build"), &build),
        (("pages.yml", "deploy"), &deploy),
        (("keepalive.yml", "keepalive"), &keepalive),
        (("ci.yml", "test"), &contents_read),
    ]);
    let mut seen = BTreeSet::new();
    for entry in fs::read_dir(root().join(".github/workflows")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let wf = workflow(&name);
        // nothing granted at the top: each job says what it needs
        let top = &wf["permissions"];
        let top_ok =
            top.as_mapping().is_some_and(|m| m.is_empty()) || permissions(&wf) == contents_read;
        assert!(
            top_ok,
            "{name}: top-level permissions must be {{}} or contents: read"
        );
        for (job_name, job) in jobs(&wf) {
            if let Some(want) = expected.get(&(name.as_str(), job_name.as_str())) {
                assert_eq!(&&permissions(&job), want, "{name} job {job_name}");
                seen.insert((name.clone(), job_name.clone()));
            } else {
                assert_eq!(
                    name, "ci.yml",
                    "{name} job {job_name} has no expected permissions"
                );
            }
            check_credentials(&name, &job_name, &job);
        }
    }
    assert_eq!(seen.len(), expected.len(), "jobs found: {seen:?}");
}

/// A job that pushes runs commit-data.sh and keeps its checkout's credentials; one that does
/// not keeps none; `issues: write` only where incidents are reported.
fn check_credentials(name: &str, job_name: &str, job: &Value) {
    // a job that pushes runs commit-data.sh; one that does not keeps no credentials
    let pushes = job_steps(job).iter().any(|s| {
        s["run"]
            .as_str()
            .is_some_and(|r| r.contains(".github/scripts/commit-data.sh"))
    });
    let writes = permissions(job).get("contents").map(String::as_str) == Some("write");
    // issues: write only where incidents are reported
    let reports = job_steps(job).iter().any(|s| {
        s["run"]
            .as_str()
            .is_some_and(|r| r.contains("cph50 incident "))
    });
    if job.get("uses").is_none() {
        assert_eq!(
            permissions(job).get("issues").map(String::as_str) == Some("write"),
            reports,
            "{name} job {job_name}: issues: write iff it runs cph50 incident"
        );
        assert_eq!(
            pushes, writes,
            "{name} job {job_name}: contents: write iff it commits"
        );
    }
    for step in job_steps(job) {
        let uses = step["uses"].as_str().unwrap_or_default();
        if uses.starts_with("actions/checkout@") {
            let persist = step["with"]["persist-credentials"].as_bool();
            if pushes {
                assert_eq!(persist, Some(true), "{name} job {job_name}");
            } else {
                assert_eq!(persist, Some(false), "{name} job {job_name}");
            }
        }
    }
}

/// A job's concurrency group as Actions evaluates it for a run started by `event` with id
/// `run_id` (only the expressions the workflows use; anything else panics).
fn group_of(job: &Value, event: &str, run_id: u64) -> Option<String> {
    let raw = job["concurrency"]["group"].as_str()?;
    let mut s = raw.to_owned();
    while let Some(start) = s.find("${{") {
        let end = start + s[start..].find("}}").expect("closed expression") + 2;
        let expr = s[start + 3..end - 2].trim();
        let value = match expr {
            "github.run_id" => run_id.to_string(),
            "github.ref" => "refs/heads/main".to_owned(),
            _ => {
                let fallback = expr
                    .strip_prefix("github.event_name == 'workflow_dispatch' && github.run_id || '")
                    .and_then(|r| r.strip_suffix('\''))
                    .unwrap_or_else(|| panic!("unsupported group expression: {expr}"));
                if event == "workflow_dispatch" {
                    run_id.to_string()
                } else {
                    fallback.to_owned()
                }
            }
        };
        s.replace_range(start..end, &value);
    }
    Some(s)
}

/// GitHub keeps one running and one pending run per concurrency group, and a newly queued run
/// cancels the pending one. So no two workflows share a group; a data job started by hand (a
/// label, a backfill, a start now) has a group of its own (control.yml's runs, which commit
/// nothing, take turns in one: see its header); and the groups a scheduled run may wait in
/// are only those where the run that replaces it does the same work (the next poll, the next
/// build of the branch tip).
#[test]
fn concurrency_groups_never_drop_a_queued_data_job() {
    let mut by_group: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut scheduled_groups = BTreeSet::new();
    let mut run_id = 1000;
    let mut queued: Vec<(String, String, Option<String>)> = Vec::new(); // (workflow/job, event, group)
    for entry in fs::read_dir(root().join(".github/workflows")).unwrap() {
        let name = entry.unwrap().file_name().to_str().unwrap().to_owned();
        let wf = workflow(&name);
        for (job_name, job) in jobs(&wf) {
            let cancel = job["concurrency"]["cancel-in-progress"].as_bool();
            if job.get("concurrency").is_some() {
                assert_eq!(cancel, Some(false), "{name} job {job_name}");
            }
            // "schedule" stands for any trigger but a person's; a workflow run only by hand
            // (control.yml) has none, and its group is checked as a run by hand's
            let by_hand_only = wf["on"]
                .as_mapping()
                .is_some_and(|on| on.keys().all(|k| k.as_str() == Some("workflow_dispatch")));
            for event in ["schedule", "workflow_dispatch", "workflow_dispatch"] {
                if by_hand_only && event == "schedule" {
                    continue;
                }
                run_id += 1;
                let group = group_of(&job, event, run_id);
                if let Some(g) = &group {
                    by_group.entry(g.clone()).or_default().insert(name.clone());
                    if event == "schedule" {
                        scheduled_groups.insert(g.clone());
                    }
                }
                queued.push((format!("{name}/{job_name}"), event.to_owned(), group));
            }
        }
    }
    for (group, workflows) in &by_group {
        assert_eq!(
            workflows.len(),
            1,
            "group {group} is shared by {workflows:?}"
        );
    }
    // the groups where a waiting run may be replaced, and why that loses nothing
    let superseding = BTreeSet::from(
        [
            "cph50-monitor",          // the next poll does the same poll
            "cph50-cache-daily",      // one daily run; the next one fetches the same month
            "cph50-charge-scheduled", // the next scheduled run acts the same way (runs.json)
            "cph50-check",            // the next check checks the same
            "cph50-keepalive",        // monthly
            "cph50-pages-build",      // each build is of the branch tip
            "cph50-pages-deploy",     // each deploys a newer build
            "ci-refs/heads/main",     // CI of an older commit
        ]
        .map(str::to_owned),
    );
    assert_eq!(
        scheduled_groups.difference(&superseding).count(),
        0,
        "{scheduled_groups:?}"
    );
    // runs by hand of the data jobs: a group per run (or none), never replaced by anything
    for (job, event, group) in &queued {
        let by_hand = event == "workflow_dispatch";
        let data_job =
            ["cache.yml/cache", "label.yml/label", "charge.yml/charge"].contains(&job.as_str());
        if by_hand && data_job {
            let shared = queued
                .iter()
                .filter(|(_, _, g)| g.is_some() && g == group)
                .count();
            assert!(
                group.is_none() || shared == 1,
                "{job} by hand waits in a shared group {group:?}"
            );
        }
    }
}

/// The case replayed through GitHub's queue (one running and one waiting run per
/// group; a new run cancels the waiting one): while a monitor run holds its group, a label by
/// hand, a daily and a manual cache run, a Pages build, a start now, two more polls and a
/// second label queue up. Only the older of the two waiting polls is dropped.
#[test]
fn the_queue_drops_nothing_but_an_older_poll() {
    // the case, queued in this order while a monitor run holds its group
    let order = [
        ("monitor.yml", "monitor", "schedule"),
        ("label.yml", "label", "workflow_dispatch"),
        ("cache.yml", "cache", "schedule"),
        ("cache.yml", "cache", "workflow_dispatch"),
        ("pages.yml", "build", "workflow_dispatch"),
        ("charge.yml", "charge", "workflow_dispatch"),
        ("monitor.yml", "monitor", "schedule"),
        ("label.yml", "label", "workflow_dispatch"),
        ("monitor.yml", "monitor", "schedule"),
    ];
    let mut running: BTreeSet<String> = BTreeSet::new();
    let mut pending: BTreeMap<String, String> = BTreeMap::new();
    let mut dropped = Vec::new();
    for (n, (file, job, event)) in order.iter().enumerate() {
        let who = format!("{file}/{job} #{n} ({event})");
        let Some(group) = group_of(&workflow(file)["jobs"][*job], event, 5000 + n as u64) else {
            continue; // no group: starts at once
        };
        if running.insert(group.clone()) {
            continue;
        }
        if let Some(old) = pending.insert(group, who) {
            dropped.push(old);
        }
    }
    assert_eq!(dropped, ["monitor.yml/monitor #6 (schedule)"]);
}

/// `paths` glob as Actions reads it, for the patterns ci.yml uses (`dir/**`, a file name).
fn path_matches(pattern: &str, file: &str) -> bool {
    match pattern.strip_suffix("/**") {
        Some(dir) => file.starts_with(&format!("{dir}/")),
        None => pattern == file,
    }
}

/// CI runs when code changes (sources, tests, templates, build files, CI scripts, workflows),
/// and a data job's commit (data/, site/) never starts it; its build is cached by a pinned
/// Swatinem/rust-cache that only main saves.
#[test]
fn ci_runs_on_code_changes_only_with_a_cached_build() {
    let ci = workflow("ci.yml");
    for trigger in ["push", "pull_request"] {
        let paths: Vec<&str> = ci["on"][trigger]["paths"]
            .as_sequence()
            .unwrap_or_else(|| panic!("ci.yml {trigger} has no paths filter"))
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let runs = |file: &str| paths.iter().any(|p| path_matches(p, file));
        for code in [
            "src/main.rs",
            "tests/main.rs",
            "templates/index.html",
            "Cargo.toml",
            "Cargo.lock",
            ".ci/run",
            ".github/workflows/monitor.yml",
            ".github/scripts/commit-data.sh",
        ] {
            assert!(runs(code), "{trigger}: a change to {code} must run CI");
        }
        for data in [
            "data/runs.json",
            "data/sessions/2026/01/10/1.json",
            "site/index.html",
            "blog/_posts/2026-01-10-x.md",
        ] {
            assert!(!runs(data), "{trigger}: a change to {data} must not run CI");
        }
    }
    let cache = steps(&ci)
        .into_iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("Swatinem/rust-cache@"))
        })
        .expect("ci.yml caches the build with Swatinem/rust-cache");
    assert_eq!(
        cache["with"]["save-if"].as_str(),
        Some("${{ github.ref == 'refs/heads/main' }}")
    );
}
