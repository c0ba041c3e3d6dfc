//! The GitHub Actions side of the tests: a bare "origin" and its clones, and the `run:` steps
//! of a workflow's job run the way a runner would, against `cph50 sim` (used by
//! `tests/workflows.rs` and `tests/init_zones.rs`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_norway::Value;

/// The worktree: the repository under test.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bare "origin" with one commit (data/a.json, data/b.json, README.md) and clones of it.
pub struct Origin {
    pub dir: tempfile::TempDir,
}

/// Runs git in `dir` with no user or system configuration; panics with its stderr on failure.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// [`git`]'s trimmed stdout.
pub fn git_text(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(git(dir, args).stdout)
        .unwrap()
        .trim()
        .to_owned()
}

impl Origin {
    /// A bare origin cloned from the repository at `src` (its `main`).
    pub fn of_repo(src: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        git(
            dir.path(),
            &[
                "clone",
                "-q",
                "--bare",
                &src.display().to_string(),
                "origin.git",
            ],
        );
        Origin { dir }
    }

    /// An origin seeded with data/a.json, data/b.json and README.md.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let seed = dir.path().join("seed");
        fs::create_dir_all(seed.join("data")).unwrap();
        fs::write(seed.join("data/a.json"), "{\"a\": 1}\n").unwrap();
        fs::write(seed.join("data/b.json"), "{\"b\": 1}\n").unwrap();
        fs::write(seed.join("README.md"), "readme\n").unwrap();
        git(&seed, &["init", "-q", "-b", "main"]);
        Self::identity(&seed, "seed");
        git(&seed, &["add", "-A"]);
        git(&seed, &["commit", "-q", "-m", "seed"]);
        git(dir.path(), &["clone", "-q", "--bare", "seed", "origin.git"]);
        Origin { dir }
    }

    /// Sets a committer identity in `repo`.
    pub fn identity(repo: &Path, name: &str) {
        git(repo, &["config", "user.name", name]);
        git(repo, &["config", "user.email", "test@example.invalid"]);
    }

    /// The bare repository.
    pub fn bare(&self) -> PathBuf {
        self.dir.path().join("origin.git")
    }

    /// A clone of origin named `name`, with an identity.
    pub fn clone(&self, name: &str) -> PathBuf {
        git(self.dir.path(), &["clone", "-q", "origin.git", name]);
        let path = self.dir.path().join(name);
        Self::identity(&path, name);
        path
    }

    /// Subjects of origin/main, newest first.
    pub fn log(&self) -> Vec<String> {
        git_text(&self.bare(), &["log", "--format=%s", "main"])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Files changed by origin/main's newest commit.
    pub fn head_files(&self) -> Vec<String> {
        git_text(&self.bare(), &["show", "--name-only", "--format=", "main"])
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// stdout and stderr of a finished process, for messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A workflow of the worktree, parsed.
pub fn workflow(name: &str) -> Value {
    let path = root().join(".github/workflows").join(name);
    serde_norway::from_str(&fs::read_to_string(&path).expect(name)).expect(name)
}

/// The steps of a job.
pub fn job_steps(job: &Value) -> Vec<Value> {
    job["steps"].as_sequence().cloned().unwrap_or_default()
}

/// What a job's run did: each step that ran (name and output) and whether the job failed.
pub struct JobRun {
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

    /// The names of the steps that ran, in order.
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
pub fn run_job_full(
    workflow_file: &str,
    job: &str,
    clone: &Path,
    values: &BTreeMap<String, String>,
    env: &[(&str, String)],
) -> JobRun {
    run_job_full_of(&workflow(workflow_file), job, clone, values, env)
}

/// [`run_job_full`] for a workflow already parsed (e.g. the one a test's repository holds).
pub fn run_job_full_of(
    wf: &Value,
    job: &str,
    clone: &Path,
    values: &BTreeMap<String, String>,
    env: &[(&str, String)],
) -> JobRun {
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
pub fn run_job(
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

/// [`run_job_full_of`]'s steps: every step that ran, by name and output (a failed job is
/// for the caller to judge from the outputs).
pub fn run_job_of(
    wf: &Value,
    job: &str,
    clone: &Path,
    values: &BTreeMap<String, String>,
    env: &[(&str, String)],
) -> Vec<(String, Output)> {
    run_job_full_of(wf, job, clone, values, env).steps
}

/// A repository like a user's fork: the demo data folder, committed, with a bare origin.
pub fn fork_with_demo_data() -> (Origin, PathBuf) {
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

/// The secrets and environment of the workflows' steps, pointing at `sim`.
pub fn secrets(
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

/// A git repository (branch `main`, one commit) holding every file `git ls-files` tracks in the
/// worktree, as the worktree has it: the repository a user creates from this one. Made once
/// per test run and shared (clone it; never change it).
pub fn tracked_copy() -> &'static Path {
    static COPY: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    COPY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let listed = git(&root(), &["ls-files", "-z"]).stdout;
        for name in listed.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            let rel = Path::new(std::str::from_utf8(name).unwrap());
            let from = root().join(rel);
            if !from.exists() {
                continue; // deleted in the worktree, not yet committed
            }
            let to = dir.path().join(rel);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(&from, &to).unwrap();
        }
        git(dir.path(), &["init", "-q", "-b", "main"]);
        Origin::identity(dir.path(), "template");
        git(dir.path(), &["add", "-A"]);
        git(
            dir.path(),
            &[
                "commit",
                "-q",
                "-m",
                "the repository as the template ships it",
            ],
        );
        dir
    })
    .path()
}

/// A clone of the repository as the template ships it (demo data, workflows), without `.git`
/// in the way of snapshots.
pub struct Scratch {
    _dir: tempfile::TempDir,
    /// The clone.
    pub root: PathBuf,
}

impl Scratch {
    /// A fresh clone of [`tracked_copy`].
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        git(
            dir.path(),
            &["clone", "-q", &tracked_copy().display().to_string(), "repo"],
        );
        let root = dir.path().join("repo");
        Self { _dir: dir, root }
    }

    /// `cph50 init` in the clone, without credentials or `TZ` from the test's environment.
    pub fn init(&self) -> assert_cmd::Command {
        let mut cmd = crate::common::cph50(&self.root);
        cmd.arg("init")
            .env_remove("CP_USERNAME")
            .env_remove("TZ")
            .env("CP_TOKEN_FILE", self.root.join("../token.json"));
        cmd
    }

    /// Every file but those under `.git/` and cph50's lock files (which `.gitignore` keeps
    /// out of commits).
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        crate::common::snapshot(&self.root)
            .into_iter()
            .filter(|(p, _)| !p.starts_with(".git/") && !p.to_string_lossy().starts_with(".cph50-"))
            .collect()
    }

    /// The names in `data/`, sorted.
    pub fn data_names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.root.join("data"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A file of the clone as text.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// The `cron:` values of the clone's charge.yml.
    pub fn crons(&self) -> Vec<String> {
        let wf: serde_norway::Value =
            serde_norway::from_str(&self.read(".github/workflows/charge.yml")).unwrap();
        wf["on"]["schedule"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|c| c["cron"].as_str().unwrap().to_owned())
            .collect()
    }
}
