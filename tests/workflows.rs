//! The GitHub Actions side: `.github/scripts/commit-data.sh` against a local bare repository, and
//! every workflow parsed and checked (schedules, permissions, SHA pins, no expression injection,
//! and every `cph50` invocation naming a subcommand and flags that exist), so a renamed flag
//! breaks the build here, not the schedule in a user's fork.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_norway::Value;

use crate::common::gha::{
    Origin, fork_with_demo_data, git, git_text, job_steps, root, run_job, secrets, text, workflow,
};

// ---------------------------------------------------------------------------------------------
// commit-data.sh

fn commit_data(clone: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join(".github/scripts/commit-data.sh"))
        .args(args)
        .current_dir(clone)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("COMMIT_RETRY_DELAY", "0")
        .env_remove("GITHUB_OUTPUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

#[test]
fn commit_data_commits_only_data_changes() {
    let origin = Origin::new();
    let a = origin.clone("a");
    fs::write(a.join("data/a.json"), "{\"a\": 2}\n").unwrap();
    fs::create_dir_all(a.join("data/sessions")).unwrap();
    fs::write(a.join("data/sessions/1.json"), "{}\n").unwrap();
    // changes outside data/, one of them already staged: none may land
    fs::write(a.join("README.md"), "changed\n").unwrap();
    fs::write(a.join("stray.txt"), "x\n").unwrap();
    git(&a, &["add", "README.md"]);

    let out = commit_data(&a, &["data: session 1 started"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(origin.log(), ["data: session 1 started", "seed"]);
    assert_eq!(origin.head_files(), ["data/a.json", "data/sessions/1.json"]);
    // what was outside data/ is still there, uncommitted
    let status = git_text(&a, &["status", "--porcelain"]);
    assert!(
        status.contains("README.md") && status.contains("stray.txt"),
        "{status}"
    );
}

#[test]
fn commit_data_commits_nothing_when_nothing_changed() {
    let origin = Origin::new();
    let a = origin.clone("a");
    fs::write(a.join("README.md"), "changed outside data\n").unwrap();
    let out = commit_data(&a, &["data: monitor"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("nothing to commit"), "{}", text(&out));
    assert_eq!(origin.log(), ["seed"]);
}

#[test]
fn commit_data_rebases_after_a_concurrent_push() {
    let origin = Origin::new();
    let a = origin.clone("a");
    let b = origin.clone("b");
    // b pushes first (another data job)
    fs::write(b.join("data/b.json"), "{\"b\": 2}\n").unwrap();
    let out = commit_data(&b, &["data: cache 2026-01"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    // a's first push is rejected; it rebases and retries
    fs::write(a.join("data/a.json"), "{\"a\": 2}\n").unwrap();
    let out = commit_data(&a, &["data: monitor (charging)"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("rebasing"), "{}", text(&out));
    assert_eq!(
        origin.log(),
        ["data: monitor (charging)", "data: cache 2026-01", "seed"]
    );
    // linear history holding both changes
    let b_json = git_text(&origin.bare(), &["show", "main:data/b.json"]);
    let a_json = git_text(&origin.bare(), &["show", "main:data/a.json"]);
    assert_eq!(
        (a_json.as_str(), b_json.as_str()),
        ("{\"a\": 2}", "{\"b\": 2}")
    );
}

#[test]
fn commit_data_gives_up_after_bounded_retries() {
    let origin = Origin::new();
    let hook = origin.bare().join("hooks/pre-receive");
    fs::write(&hook, "#!/bin/sh\necho rejected by test >&2\nexit 1\n").unwrap();
    Command::new("chmod")
        .args(["+x"])
        .arg(&hook)
        .status()
        .unwrap();
    let a = origin.clone("a");
    fs::write(a.join("data/a.json"), "{\"a\": 3}\n").unwrap();
    let out = commit_data(&a, &["data: monitor"], &[("COMMIT_RETRIES", "3")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("rejected 3 times"), "{}", text(&out));
    assert_eq!(origin.log(), ["seed"]);
}

#[test]
fn commit_data_refuses_other_paths_and_token_files() {
    let origin = Origin::new();
    let a = origin.clone("a");
    for bad in [
        &["msg", "src"][..],
        &["msg", "."],
        &["msg", "data/../src"],
        &[""],
    ] {
        let out = commit_data(&a, bad, &[]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out));
    }
    fs::write(a.join("data/token.json"), "secret").unwrap();
    let out = commit_data(&a, &["data: monitor"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("token"), "{}", text(&out));
    assert_eq!(origin.log(), ["seed"]);
}

// ---------------------------------------------------------------------------------------------
// the workflow files

/// `(file name, parsed YAML, raw text)` of every workflow and local composite action.
fn yaml_files() -> Vec<(String, Value, String)> {
    let mut files = Vec::new();
    for dir in [".github/workflows", ".github/actions"] {
        for entry in walkdir::WalkDir::new(root().join(dir)) {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                let raw = fs::read_to_string(path).unwrap();
                let value: Value = serde_norway::from_str(&raw)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let name = path.strip_prefix(root()).unwrap().display().to_string();
                files.push((name, value, raw));
            }
        }
    }
    assert!(
        files.len() >= 9,
        "workflows and actions found: {}",
        files.len()
    );
    files
}

fn jobs(wf: &Value) -> Vec<(String, Value)> {
    wf["jobs"]
        .as_mapping()
        .expect("jobs")
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_owned(), v.clone()))
        .collect()
}

/// Every step of a workflow's jobs or a composite action.
fn steps(doc: &Value) -> Vec<Value> {
    let mut all = Vec::new();
    if let Some(jobs) = doc["jobs"].as_mapping() {
        for job in jobs.values() {
            if let Some(s) = job["steps"].as_sequence() {
                all.extend(s.iter().cloned());
            }
        }
    }
    if let Some(s) = doc["runs"]["steps"].as_sequence() {
        all.extend(s.iter().cloned());
    }
    all
}

fn permissions(job: &Value) -> BTreeMap<String, String> {
    job["permissions"]
        .as_mapping()
        .unwrap_or_else(|| panic!("permissions as a map: {job:?}"))
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().unwrap().to_owned(),
                v.as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn crons(wf: &Value) -> Vec<String> {
    wf["on"]["schedule"]
        .as_sequence()
        .map(|s| {
            s.iter()
                .map(|c| c["cron"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

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
    assert_eq!(crons(&workflow("check.yml")), ["0 4 * * *"]);
    assert_eq!(crons(&workflow("monitor.yml")).len(), 1);
    assert_eq!(crons(&workflow("cache.yml")).len(), 1);
    for name in [
        "charge.yml",
        "cache.yml",
        "label.yml",
        "pages.yml",
        "monitor.yml",
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
    let contents_read = BTreeMap::from([(w("contents"), w("read"))]);
    let contents_write = BTreeMap::from([(w("contents"), w("write"))]);
    let deploy = BTreeMap::from([(w("pages"), w("write")), (w("id-token"), w("write"))]);
    let caller = BTreeMap::from([
        (w("contents"), w("write")),
        (w("pages"), w("write")),
        (w("id-token"), w("write")),
    ]);
    let expected: BTreeMap<(&str, &str), &BTreeMap<String, String>> = BTreeMap::from([
        (("monitor.yml", "monitor"), &contents_write),
        (("monitor.yml", "pages"), &caller),
        (("cache.yml", "cache"), &contents_write),
        (("cache.yml", "pages"), &caller),
        (("label.yml", "label"), &contents_write),
        (("label.yml", "pages"), &caller),
        (("charge.yml", "charge"), &contents_write),
        (("check.yml", "check"), &contents_read),
        (("pages.yml", "build"), &contents_write),
        (("pages.yml", "deploy"), &deploy),
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
            // a job that pushes runs commit-data.sh; one that does not keeps no credentials
            let pushes = job_steps(&job).iter().any(|s| {
                s["run"]
                    .as_str()
                    .is_some_and(|r| r.contains(".github/scripts/commit-data.sh"))
            });
            let writes = permissions(&job).get("contents").map(String::as_str) == Some("write");
            if job.get("uses").is_none() {
                assert_eq!(
                    pushes, writes,
                    "{name} job {job_name}: contents: write iff it commits"
                );
            }
            for step in job_steps(&job) {
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
    }
    assert_eq!(seen.len(), expected.len(), "jobs found: {seen:?}");
}

#[test]
fn data_jobs_queue_and_never_cancel() {
    for (name, job) in [
        ("monitor.yml", "monitor"),
        ("cache.yml", "cache"),
        ("label.yml", "label"),
        ("pages.yml", "build"),
    ] {
        let wf = workflow(name);
        let job = jobs(&wf).into_iter().find(|(n, _)| n == job).unwrap().1;
        assert_eq!(
            job["concurrency"]["group"].as_str(),
            Some("cph50-data"),
            "{name}"
        );
        assert_eq!(
            job["concurrency"]["cancel-in-progress"].as_bool(),
            Some(false)
        );
    }
    for (name, _, _) in yaml_files() {
        let raw = fs::read_to_string(root().join(&name)).unwrap();
        if !name.ends_with("ci.yml") {
            assert!(!raw.contains("cancel-in-progress: true"), "{name}");
        }
    }
}

#[test]
fn every_action_is_pinned_by_commit_sha() {
    let pinned = |u: &str| {
        u.split_once('@').is_some_and(|(_, sha)| {
            sha.len() == 40
                && sha
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_uppercase())
        })
    };
    let mut count = 0;
    for (name, doc, raw) in yaml_files() {
        let mut uses: Vec<String> = steps(&doc)
            .iter()
            .filter_map(|s| s["uses"].as_str().map(str::to_owned))
            .collect();
        if let Some(jobs) = doc["jobs"].as_mapping() {
            uses.extend(
                jobs.values()
                    .filter_map(|j| j["uses"].as_str().map(str::to_owned)),
            );
        }
        for u in uses {
            count += 1;
            if u.starts_with("./.github/") {
                continue;
            }
            assert!(
                pinned(&u),
                "{name}: {u} is not pinned by a 40-hex commit SHA"
            );
            // the version is written beside the pin
            let line = raw.lines().find(|l| l.contains(&u)).unwrap();
            assert!(
                line.contains("# v"),
                "{name}: `{line}` lacks a version comment"
            );
        }
    }
    assert!(count > 20, "uses: found {count}");
}

#[test]
fn no_expressions_from_inputs_events_or_secrets_inside_run() {
    for (name, doc, _) in yaml_files() {
        for step in steps(&doc) {
            if let Some(run) = step["run"].as_str() {
                for bad in ["${{ inputs", "${{ github.event", "${{ secrets", "${{ steps"] {
                    assert!(!run.contains(bad), "{name}: `{bad}` inside run:\n{run}");
                }
            }
            // secrets only where the API is called (never in a step's `with:` or elsewhere)
            let text = serde_norway::to_string(&step).unwrap();
            if text.contains("secrets.") {
                let env = serde_norway::to_string(&step["env"]).unwrap();
                assert!(
                    env.contains("secrets."),
                    "{name}: secrets outside env: {text}"
                );
                let run = step["run"].as_str().unwrap_or_default();
                assert!(
                    run.contains("cph50 "),
                    "{name}: secrets in a step without cph50"
                );
            }
        }
        if let Some(jobs) = doc["jobs"].as_mapping() {
            for job in jobs.values() {
                let env = serde_norway::to_string(&job["env"]).unwrap();
                assert!(
                    !env.contains("secrets."),
                    "{name}: secrets in a job-wide env"
                );
            }
        }
        let env = serde_norway::to_string(&doc["env"]).unwrap();
        assert!(
            !env.contains("secrets."),
            "{name}: secrets in a workflow-wide env"
        );
    }
}

/// `(subcommand or top-level flag, long flags)` of each `cph50` call in a run: script.
fn invocations(run: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for line in run.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        // split on shell operators so `a && cph50 x` and `cph50 x; y` are seen
        for part in line.split(['|', ';', '&', '(', ')']) {
            let words: Vec<&str> = part.split_whitespace().collect();
            let Some(pos) = words.iter().position(|w| *w == "cph50") else {
                continue;
            };
            // a command position only: first word, or after `then`/`else`/`do`/`if`/`!`
            if pos > 0 && !["then", "else", "do", "if", "!", "exec"].contains(&words[pos - 1]) {
                continue;
            }
            let rest = &words[pos + 1..];
            let Some(cmd) = rest.first() else { continue };
            let flags = rest
                .iter()
                .filter(|w| w.starts_with("--"))
                .map(|w| w.split('=').next().unwrap().to_owned())
                .collect();
            found.push(((*cmd).to_owned(), flags));
        }
    }
    found
}

#[test]
fn invocation_parser_sees_commands_and_flags() {
    let run = "set -e\nif x; then\n  cph50 charge --now\nelse\n  cph50 charge\nfi\n\
               cph50 monitor --collect --json > \"$out\"\n# cph50 nothing\n\
               echo cph50 not-a-call\ncph50 build --out site --base-url \"/$R/\"";
    assert_eq!(
        invocations(run),
        [
            ("charge".into(), vec!["--now".into()]),
            ("charge".into(), vec![]),
            ("monitor".into(), vec!["--collect".into(), "--json".into()]),
            ("build".into(), vec!["--out".into(), "--base-url".into()]),
        ]
    );
}

#[test]
fn every_cph50_call_in_a_workflow_exists() {
    let help = |args: &[&str]| {
        let out = crate::common::cph50(&root()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "cph50 {args:?} failed: {}",
            text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = help(&["--help"]);
    let mut calls = BTreeSet::new();
    for (name, doc, _) in yaml_files() {
        for step in steps(&doc) {
            for (cmd, flags) in invocations(step["run"].as_str().unwrap_or_default()) {
                calls.insert((name.clone(), cmd, flags));
            }
        }
    }
    let commands: BTreeSet<&str> = calls.iter().map(|(_, c, _)| c.as_str()).collect();
    for needed in [
        "monitor", "cache", "charge", "check", "label", "train", "build",
    ] {
        assert!(
            commands.contains(needed),
            "no workflow runs cph50 {needed}: {commands:?}"
        );
    }
    for (name, cmd, flags) in calls {
        let text = if cmd.starts_with("--") {
            assert!(
                top.contains(&cmd),
                "{name}: cph50 {cmd} is not a top-level flag"
            );
            continue;
        } else {
            assert!(
                !cmd.starts_with('-') && !cmd.starts_with('$') && !cmd.starts_with('"'),
                "{name}: cph50 called without a subcommand"
            );
            help(&[&cmd, "--help"])
        };
        for flag in flags {
            let spelled = text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .any(|w| w == flag);
            assert!(
                spelled,
                "{name}: `cph50 {cmd} {flag}`: no such flag in `cph50 {cmd} --help`"
            );
        }
    }
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
    let (values, mut env) = secrets(&sim, tokens.path());
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
