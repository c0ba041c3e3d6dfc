//! Workflow runs.

use reqwest::Method;
use serde::Deserialize;

use super::{GitHub, GitHubError};

/// Pages of 100 runs read at most (a `*/10` monitor makes 144 runs a day).
const MAX_PAGES: u32 = 10;

/// A workflow run as the REST API gives it (the fields cph50 reads).
#[derive(Debug, Clone, Deserialize)]
pub struct WorkflowRun {
    /// The run's id.
    pub id: u64,
    /// The workflow's name (`monitor`).
    #[serde(default)]
    pub name: Option<String>,
    /// The workflow file (`.github/workflows/monitor.yml`).
    #[serde(default)]
    pub path: Option<String>,
    /// What started it: `schedule`, `push`, `workflow_dispatch`, ...
    #[serde(default)]
    pub event: Option<String>,
    /// `queued`, `in_progress`, `completed`, ...
    #[serde(default)]
    pub status: Option<String>,
    /// When completed: `success`, `failure`, `timed_out`, `cancelled`, `skipped`, ...
    #[serde(default)]
    pub conclusion: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Its page.
    #[serde(default)]
    pub html_url: Option<String>,
}

#[derive(Deserialize)]
struct RunsPage {
    #[serde(default)]
    total_count: u64,
    #[serde(default)]
    workflow_runs: Vec<WorkflowRun>,
}

impl GitHub {
    /// The runs started by `event` (e.g. `schedule`) created at or after `since` (RFC 3339
    /// UTC), newest first, at most 1,000.
    ///
    /// # Errors
    /// [`GitHubError`] naming the call.
    pub async fn runs_since(
        &mut self,
        event: &str,
        since: &str,
    ) -> Result<Vec<WorkflowRun>, GitHubError> {
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let path = self.repo_path(&format!(
                "/actions/runs?event={event}&created=%3E%3D{since}&per_page=100&page={page}"
            ));
            let got: RunsPage = self.call(Method::GET, &path, None::<&()>, &[200]).await?;
            let n = got.workflow_runs.len();
            all.extend(got.workflow_runs);
            if n < 100 || all.len() as u64 >= got.total_count {
                break;
            }
        }
        Ok(all)
    }
}
