//! `cph50 sim` as a child process for end-to-end tests of the real binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running simulator; killed when dropped.
pub struct SimProcess {
    child: Child,
    /// The value to export as `CP_DISCOVERY_URL`.
    pub discovery_url: String,
}

impl SimProcess {
    /// Starts `cph50 sim --port 0 <args>` and waits for its first stdout line.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cph50"))
            .args(["sim", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cph50 sim starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("first line");
        let discovery_url = first
            .trim()
            .strip_prefix("CP_DISCOVERY_URL=")
            .unwrap_or_else(|| panic!("first line was {first:?}"))
            .to_owned();
        Self {
            child,
            discovery_url,
        }
    }

    /// `cph50 <args>` with the environment pointing at this sim and a token file in `dir`.
    pub fn cph50(&self, dir: &Path) -> assert_cmd::Command {
        let mut cmd = super::cph50(dir);
        cmd.env("CP_DISCOVERY_URL", &self.discovery_url)
            .env("CP_USERNAME", "driver@example.com")
            .env("CP_PASSWORD", crate::common::sim::PASSWORD)
            .env("CP_TOKEN_FILE", dir.join("cache/token.json"))
            .env_remove("CP_SESSION_TOKEN")
            .env_remove("CP_STATION_ID")
            .env_remove("CP_TOKEN_KEY");
        cmd
    }
}

impl SimProcess {
    /// The sim's base URL (the discovery URL without its path).
    pub fn base_url(&self) -> &str {
        self.discovery_url.split("/discovery").next().unwrap()
    }

    /// GETs the sim's state (`/_sim/state`): its clock, sessions and request counts.
    pub fn state(&self) -> serde_json::Value {
        let url = format!("{}/_sim/state", self.base_url());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() })
    }

    /// POSTs `body` to the sim's control endpoint `/_sim/<path>` (`fault`, `advance`, ...).
    pub fn post_control(&self, path: &str, body: serde_json::Value) {
        let base = self.base_url();
        let url = format!("{base}/_sim/{path}");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let status = rt.block_on(async {
            reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        });
        assert!(status.is_success(), "{path}: {status}");
    }

    /// The environment of [`Self::cph50`] for a child the test starts (and may kill) itself.
    pub fn std_command(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cph50"));
        cmd.current_dir(dir)
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("NO_COLOR", "1")
            .env("CP_DISCOVERY_URL", &self.discovery_url)
            .env("CP_USERNAME", "driver@example.com")
            .env("CP_PASSWORD", PASSWORD)
            .env("CP_TOKEN_FILE", dir.join("cache/token.json"))
            .env_remove("CP_SESSION_TOKEN")
            .env_remove("CP_STATION_ID")
            .env_remove("CP_TOKEN_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    }
}

/// The password `cph50 sim` accepts by default.
pub const PASSWORD: &str = "sim-password";

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
