//! Scheduled runs failing for a day: a workflow whose completed scheduled runs of the last
//! day all failed (at least one). A daily workflow then fails once, an hourly one 24 times;
//! either way nothing it was scheduled for has worked for a day. Cancelled and skipped runs
//! do not count either way, and a run still in progress (this one) is not looked at.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::github::WorkflowRun;

/// A workflow whose scheduled runs all failed in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failing {
    /// The workflow's name (or its file when the name is missing).
    pub workflow: String,
    /// Failed runs in the window.
    pub failed: usize,
    /// The newest failed run's page.
    pub latest: Option<String>,
}

/// Per workflow: failures, successes, and the newest failure (`created_at`, page).
type Tally = (usize, usize, Option<(String, Option<String>)>);

/// Whether a conclusion is a failure of the run itself.
fn failed(conclusion: &str) -> bool {
    matches!(conclusion, "failure" | "timed_out" | "startup_failure")
}

/// The failing workflows among `runs` (all of one window), by name.
pub fn failing(runs: &[WorkflowRun]) -> Vec<Failing> {
    let mut by: BTreeMap<String, Tally> = BTreeMap::new();
    for run in runs {
        if run.status.as_deref() != Some("completed") {
            continue;
        }
        let Some(conclusion) = run.conclusion.as_deref() else {
            continue;
        };
        let name = run
            .name
            .clone()
            .or_else(|| run.path.clone())
            .unwrap_or_else(|| "(unnamed workflow)".to_owned());
        let entry = by.entry(name).or_default();
        if failed(conclusion) {
            entry.0 += 1;
            let newer = entry.2.as_ref().is_none_or(|(at, _)| run.created_at > *at);
            if newer {
                entry.2 = Some((run.created_at.clone(), run.html_url.clone()));
            }
        } else if conclusion == "success" {
            entry.1 += 1;
        }
    }
    by.into_iter()
        .filter(|(_, (f, s, _))| *f > 0 && *s == 0)
        .map(|(workflow, (failed, _, latest))| Failing {
            workflow,
            failed,
            latest: latest.and_then(|(_, url)| url),
        })
        .collect()
}

/// One line about the failing workflows, for the issue.
pub fn describe(failing: &[Failing], hours: i64) -> String {
    failing
        .iter()
        .map(|f| {
            let latest = f
                .latest
                .as_deref()
                .map(|u| format!(", latest {u}"))
                .unwrap_or_default();
            format!(
                "{}: all {} scheduled run(s) of the last {hours} h failed{latest}",
                f.workflow, f.failed
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, status: &str, conclusion: Option<&str>, at: &str) -> WorkflowRun {
        WorkflowRun {
            id: 1,
            name: Some(name.into()),
            path: None,
            event: Some("schedule".into()),
            status: Some(status.into()),
            conclusion: conclusion.map(str::to_owned),
            created_at: at.into(),
            html_url: Some(format!("https://github.example/runs/{name}/{at}")),
        }
    }

    #[test]
    fn only_workflows_without_a_success_are_failing() {
        let runs = [
            run(
                "monitor",
                "completed",
                Some("failure"),
                "2026-01-10T10:17:00Z",
            ),
            run(
                "monitor",
                "completed",
                Some("success"),
                "2026-01-10T09:17:00Z",
            ),
            run(
                "check",
                "completed",
                Some("failure"),
                "2026-01-10T04:00:00Z",
            ),
            run(
                "check",
                "completed",
                Some("timed_out"),
                "2026-01-10T05:00:00Z",
            ),
            run(
                "check",
                "completed",
                Some("cancelled"),
                "2026-01-10T06:00:00Z",
            ),
            run(
                "cache",
                "completed",
                Some("cancelled"),
                "2026-01-10T10:40:00Z",
            ),
            run("charge", "in_progress", None, "2026-01-10T14:00:00Z"),
        ];
        let f = failing(&runs);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].workflow, "check");
        assert_eq!(f[0].failed, 2);
        assert!(f[0].latest.as_deref().unwrap().ends_with("05:00:00Z"));
        assert!(describe(&f, 24).starts_with("check: all 2 scheduled run(s) of the last 24 h"));
    }
}
