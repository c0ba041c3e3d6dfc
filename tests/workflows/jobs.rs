//! The jobs' steps, run for real in a scratch fork with a bare origin.

use super::*;

/// What a job's run did: each step that ran (name and output) and whether the job failed.
pub(super) struct JobRun {
    pub steps: Vec<(String, Output)>,
    pub failed: bool,
    /// `steps.<id>.outcome` of every step, run or skipped.
    pub outcomes: BTreeMap<String, String>,
}

impl JobRun {
    /// The output of the step named `name`.
    pub fn step(&self, name: &str) -> &Output {
        &self
            .steps
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("step {name:?} did not run: {:?}", self.names()))
            .1
    }

    pub fn names(&self) -> Vec<&str> {
        self.steps.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Everything the steps printed.
    pub fn log(&self) -> String {
        self.steps
            .iter()
            .map(|(n, o)| format!("--- {n} ({:?})\n{}", o.status.code(), text(o)))
            .collect()
    }
}

/// Whether a step's `if:` holds, for the conditions the workflows use (anything else panics,
/// so a new condition is taught here before a test can pass on it).
fn condition(expr: Option<&str>, failed: bool, outcomes: &BTreeMap<String, String>) -> bool {
    let expr = expr.unwrap_or("success()").trim();
    let expr = expr
        .strip_prefix("${{")
        .and_then(|e| e.strip_suffix("}}"))
        .unwrap_or(expr)
        .trim();
    match expr {
        "always()" | "success() || failure()" => true,
        "success()" => !failed,
        "failure()" => failed,
        _ => {
            let (lhs, rhs) = expr
                .split_once("==")
                .unwrap_or_else(|| panic!("unsupported if: {expr}"));
            let key = lhs.trim();
            assert!(
                key.starts_with("steps.") && key.ends_with(".outcome"),
                "unsupported if: {expr}"
            );
            // without a status function Actions reads `success() && ...`
            !failed && outcomes.get(key).map(String::as_str) == Some(rhs.trim().trim_matches('\''))
        }
    }
}

/// `raw` with each `${{ ... }}` replaced: from the steps' outputs and outcomes so far, then
/// from `values`, else empty (as Actions does for a missing output).
fn resolve(
    raw: &str,
    outputs: &BTreeMap<String, String>,
    values: &BTreeMap<String, String>,
) -> String {
    let mut s = raw.to_owned();
    while let Some(start) = s.find("${{") {
        let end = s[start..]
            .find("}}")
            .map(|e| start + e + 2)
            .unwrap_or(s.len());
        let expr = s[start + 3..end - 2].trim().to_owned();
        let value = outputs
            .get(&expr)
            .or_else(|| values.get(&expr))
            .cloned()
            .unwrap_or_default();
        s.replace_range(start..end, &value);
    }
    s
}

/// A `run:` step's bash, in `clone`, with the variables a runner sets.
fn step_command(script: &str, clone: &Path, temp: &Path, path: &str, output: &Path) -> Command {
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(clone)
        .env("PATH", path)
        .env("RUNNER_TEMP", temp)
        .env("GITHUB_OUTPUT", output)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", temp.join("summary.md"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("COMMIT_RETRY_DELAY", "0");
    cmd
}

/// Runs the steps of one job of a workflow, in order, the way a runner would: `run:` steps in
/// bash -eo pipefail, in `clone`, with `${{ ... }}` expressions replaced from the steps'
/// outputs and outcomes so far (`$GITHUB_OUTPUT`) and then from `values`; `if:` and
/// `continue-on-error` as Actions reads them. `uses:` steps are not run (the binary is on PATH):
/// their outcome is `values["steps.<id>.outcome"]`, or success.
pub(super) fn run_job_full(
    workflow_file: &str,
    job: &str,
    clone: &Path,
    values: &BTreeMap<String, String>,
    env: &[(&str, String)],
) -> JobRun {
    let wf = workflow(workflow_file);
    let job = &wf["jobs"][job];
    let temp = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_cph50"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut outputs: BTreeMap<String, String> = BTreeMap::new();
    let mut run = JobRun {
        steps: Vec::new(),
        failed: false,
        outcomes: BTreeMap::new(),
    };
    for (n, step) in job_steps(job).iter().enumerate() {
        let id = step["id"].as_str().unwrap_or("").to_owned();
        if !condition(step["if"].as_str(), run.failed, &outputs) {
            outputs.insert(format!("steps.{id}.outcome"), "skipped".into());
            continue;
        }
        let Some(script) = step["run"].as_str() else {
            let outcome = values
                .get(&format!("steps.{id}.outcome"))
                .cloned()
                .unwrap_or_else(|| "success".into());
            outputs.insert(format!("steps.{id}.outcome"), outcome);
            continue;
        };
        let output_file = temp.path().join(format!("output-{n}"));
        fs::write(&output_file, "").unwrap();
        let resolve = |raw: &str| resolve(raw, &outputs, values);
        let mut cmd = step_command(script, clone, temp.path(), &path, &output_file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(vars) = step["env"].as_mapping() {
            for (k, v) in vars {
                cmd.env(k.as_str().unwrap(), resolve(v.as_str().unwrap_or("")));
            }
        }
        let out = cmd.output().expect("bash runs");
        for line in fs::read_to_string(&output_file).unwrap().lines() {
            if let Some((k, v)) = line.split_once('=') {
                outputs.insert(format!("steps.{id}.outputs.{k}"), v.to_owned());
            }
        }
        let ok = out.status.success();
        let outcome = if ok { "success" } else { "failure" };
        outputs.insert(format!("steps.{id}.outcome"), outcome.into());
        if !ok && step["continue-on-error"].as_bool() != Some(true) {
            run.failed = true;
        }
        run.steps
            .push((step["name"].as_str().unwrap_or(&id).to_owned(), out));
    }
    run.outcomes = outputs
        .into_iter()
        .filter(|(k, _)| k.ends_with(".outcome"))
        .collect();
    run
}

/// [`run_job_full`] for a job expected to pass: every step that ran, by name and output.
fn run_job(
    workflow_file: &str,
    job: &str,
    clone: &Path,
    values: &BTreeMap<String, String>,
    env: &[(&str, String)],
) -> Vec<(String, Output)> {
    let run = run_job_full(workflow_file, job, clone, values, env);
    assert!(
        !run.failed,
        "{workflow_file} job {job} failed:\n{}",
        run.log()
    );
    run.steps
}

/// A repository like a user's fork: the demo data folder, committed, with a bare origin.
pub(super) fn fork_with_demo_data() -> (Origin, PathBuf) {
    let origin = Origin::new();
    let clone = origin.clone("runner");
    // The seed's data/ holds two stand-in files, not a data folder: demo-data --force
    // refuses to replace such a folder, so the fork starts from no data folder at all.
    fs::remove_dir_all(clone.join("data")).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_cph50"))
        .args([
            "-q",
            "demo-data",
            "--months",
            "1",
            "--out",
            "data",
            "--force",
        ])
        .current_dir(&clone)
        .status()
        .unwrap();
    assert!(status.success());
    fs::create_dir_all(clone.join(".github/scripts")).unwrap();
    fs::copy(
        root().join(".github/scripts/commit-data.sh"),
        clone.join(".github/scripts/commit-data.sh"),
    )
    .unwrap();
    git(&clone, &["add", "-A"]);
    git(&clone, &["commit", "-q", "-m", "demo data"]);
    git(&clone, &["push", "-q", "origin", "HEAD:main"]);
    (origin, clone)
}

pub(super) fn secrets(
    sim: &crate::common::sim::SimProcess,
    token_dir: &Path,
) -> (BTreeMap<String, String>, Vec<(&'static str, String)>) {
    let mut values = BTreeMap::new();
    values.insert(
        "secrets.CP_USERNAME".to_owned(),
        "driver@example.com".to_owned(),
    );
    values.insert(
        "secrets.CP_PASSWORD".to_owned(),
        crate::common::sim::PASSWORD.to_owned(),
    );
    values.insert(
        "secrets.CP_TOKEN_KEY".to_owned(),
        "smoke-test-key".to_owned(),
    );
    values.insert("github.event_name".to_owned(), "schedule".to_owned());
    let env = vec![
        ("CP_DISCOVERY_URL", sim.discovery_url.clone()),
        (
            "CP_TOKEN_FILE",
            token_dir.join("token.json").display().to_string(),
        ),
    ];
    (values, env)
}

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
