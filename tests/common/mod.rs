//! Helpers shared by the integration tests: run the real binary in a clean environment, make
//! small demo data folders, edit files in them.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `cph50` binary with an environment that cannot leak into the test (no Actions vars,
/// no config file from the developer's folder).
pub fn cph50(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cph50").expect("binary built by cargo test");
    cmd.current_dir(cwd)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    cmd
}

/// A temporary folder holding `data/`: a small demo history of `months` months.
pub struct Demo {
    pub dir: tempfile::TempDir,
}

impl Demo {
    pub fn new(months: u32) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        cph50(dir.path())
            .args([
                "demo-data",
                "--months",
                &months.to_string(),
                "--out",
                "data",
            ])
            .assert()
            .success();
        Self { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs `cph50 validate` on this folder.
    pub fn validate(&self) -> assert_cmd::assert::Assert {
        cph50(self.root()).arg("validate").assert()
    }

    /// Every session file, sorted.
    pub fn session_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(self.data().join("sessions"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        files
    }

    /// Every monthly cache file, sorted.
    pub fn cache_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = fs::read_dir(self.data().join("session_cache"))
            .expect("cache folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        files
    }

    /// Replaces the first occurrence of `from` by `to` in `path` (which must contain it).
    pub fn edit(&self, path: &Path, from: &str, to: &str) {
        let text = fs::read_to_string(path).expect("readable");
        assert!(text.contains(from), "{} has no {from:?}", path.display());
        fs::write(path, text.replacen(from, to, 1)).expect("writable");
    }

    /// `path` relative to the temp root, as cph50 prints it (`data/...`).
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(self.root())
            .expect("inside the demo")
            .display()
            .to_string()
    }
}

/// Content of every file under `dir`, by relative path.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_owned();
            (rel, fs::read(e.path()).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

pub mod gha;
pub mod github;
pub mod kill_rng;
pub mod mock;
pub mod sim;
pub mod tools;

pub use tools::{require, require_tool};

/// An executable `gh` (GitHub's CLI) in `bin` that runs `body` as sh, for tests of what
/// cph50 asks or hands to gh.
pub fn fake_gh(bin: &Path, body: &str) {
    let gh = bin.join("gh");
    fs::write(&gh, format!("#!/bin/sh\n{body}")).expect("writable");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&gh, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}
