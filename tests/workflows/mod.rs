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
mod inputs;
mod jobs;
mod lint;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_norway::Value;

use crate::common::gha::{
    JobRun, Origin, fork_with_demo_data, git, git_text, job_steps, root, run_job, run_job_full,
    secrets, text, workflow,
};

// ---------------------------------------------------------------------------------------------
// commit-data.sh

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
