//! The GitHub Actions side, checked without GitHub: `.github/scripts/commit-data.sh` against a
//! local bare repository (`commit_data`); every workflow parsed and checked (`files`: schedules,
//! permissions, concurrency groups, CI triggers, Pages; `lint`: SHA pins, no expression
//! injection, every `cph50` invocation naming a subcommand and flags that exist, actionlint,
//! dependabot), so a renamed flag breaks the build here, not the schedule in a user's fork; and
//! the jobs' steps run for real against `cph50 sim` and a fake GitHub in a scratch fork with a
//! bare origin (`jobs`, `incident_jobs`).

mod commit_data;
mod files;
mod incident_jobs;
mod jobs;
mod lint;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_norway::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// commit-data.sh

/// A bare "origin" with one commit (data/a.json, data/b.json, README.md) and clones of it.
struct Origin {
    dir: tempfile::TempDir,
}

fn git(dir: &Path, args: &[&str]) -> Output {
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

fn git_text(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(git(dir, args).stdout)
        .unwrap()
        .trim()
        .to_owned()
}

impl Origin {
    fn new() -> Self {
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

    fn identity(repo: &Path, name: &str) {
        git(repo, &["config", "user.name", name]);
        git(repo, &["config", "user.email", "test@example.invalid"]);
    }

    fn bare(&self) -> PathBuf {
        self.dir.path().join("origin.git")
    }

    fn clone(&self, name: &str) -> PathBuf {
        git(self.dir.path(), &["clone", "-q", "origin.git", name]);
        let path = self.dir.path().join(name);
        Self::identity(&path, name);
        path
    }

    /// Subjects of origin/main, newest first.
    fn log(&self) -> Vec<String> {
        git_text(&self.bare(), &["log", "--format=%s", "main"])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Files changed by origin/main's newest commit.
    fn head_files(&self) -> Vec<String> {
        git_text(&self.bare(), &["show", "--name-only", "--format=", "main"])
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
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

fn workflow(name: &str) -> Value {
    let path = root().join(".github/workflows").join(name);
    serde_norway::from_str(&fs::read_to_string(&path).expect(name)).expect(name)
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

fn job_steps(job: &Value) -> Vec<Value> {
    job["steps"].as_sequence().cloned().unwrap_or_default()
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
