//! Issues, their comments and labels.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{GitHub, GitHubError};

/// An issue as the REST API gives it (the fields cph50 reads).
#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    /// The issue number.
    pub number: u64,
    /// Its page.
    pub html_url: String,
    /// `open` or `closed`.
    pub state: String,
    /// RFC 3339 UTC, e.g. `2026-01-10T14:05:00Z`.
    pub created_at: String,
    /// Its labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Present when the "issue" is a pull request (the issues list holds both).
    #[serde(default)]
    pub pull_request: Option<serde_json::Value>,
}

/// A label of an issue.
#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    /// The label's name.
    pub name: String,
}

/// A comment of an issue.
#[derive(Debug, Clone, Deserialize)]
pub struct Comment {
    /// The comment's id.
    pub id: u64,
    /// Its Markdown text.
    #[serde(default)]
    pub body: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
}

#[derive(Serialize)]
struct NewIssue<'a> {
    title: &'a str,
    body: &'a str,
    labels: &'a [&'a str],
}

impl GitHub {
    /// The open issues (not pull requests) that carry every label of `labels`, oldest first;
    /// at most 100.
    ///
    /// # Errors
    /// [`GitHubError`] naming the call.
    pub async fn open_issues(&mut self, labels: &[&str]) -> Result<Vec<Issue>, GitHubError> {
        let path = self.repo_path(&format!(
            "/issues?state=open&labels={}&sort=created&direction=asc&per_page=100",
            labels.join(",")
        ));
        let issues: Vec<Issue> = self.call(Method::GET, &path, None::<&()>, &[200]).await?;
        Ok(issues
            .into_iter()
            .filter(|i| i.pull_request.is_none())
            .collect())
    }

    /// Makes sure a label exists (a 422 "already exists" is fine).
    ///
    /// # Errors
    /// [`GitHubError`] naming the call.
    pub async fn ensure_label(
        &mut self,
        name: &str,
        color: &str,
        description: &str,
    ) -> Result<(), GitHubError> {
        let path = self.repo_path("/labels");
        let body = json!({"name": name, "color": color, "description": description});
        let answer = self.send(Method::POST, &path, Some(&body)).await?;
        match answer.status {
            200 | 201 | 422 => Ok(()),
            _ => Err(super::http_error(&Method::POST, &path, &answer)),
        }
    }

    /// Opens an issue with `labels`, and checks that GitHub kept them (it drops labels
    /// silently for a token that may not set them, and an unlabelled incident could not be
    /// found again).
    ///
    /// # Errors
    /// [`GitHubError`] naming the call; [`GitHubError::Unexpected`] when a label was dropped.
    pub async fn create_issue(
        &mut self,
        title: &str,
        body: &str,
        labels: &[&str],
    ) -> Result<Issue, GitHubError> {
        let path = self.repo_path("/issues");
        let new = NewIssue {
            title,
            body,
            labels,
        };
        let issue: Issue = self.call(Method::POST, &path, Some(&new), &[201]).await?;
        let kept = |l: &&str| issue.labels.iter().any(|x| x.name == *l);
        if !labels.iter().all(kept) {
            return Err(GitHubError::Unexpected {
                method: "POST".into(),
                path,
                message: format!(
                    "issue #{} was opened without its labels {}; the token needs issues: write",
                    issue.number,
                    labels.join(", ")
                ),
            });
        }
        Ok(issue)
    }

    /// The comments of issue `number` created or updated at or after `since` (RFC 3339);
    /// at most 100.
    ///
    /// # Errors
    /// [`GitHubError`] naming the call.
    pub async fn comments_since(
        &mut self,
        number: u64,
        since: &str,
    ) -> Result<Vec<Comment>, GitHubError> {
        let path = self.repo_path(&format!(
            "/issues/{number}/comments?since={since}&per_page=100"
        ));
        self.call(Method::GET, &path, None::<&()>, &[200]).await
    }

    /// Adds a comment to issue `number`.
    ///
    /// # Errors
    /// [`GitHubError`] naming the call.
    pub async fn comment(&mut self, number: u64, body: &str) -> Result<Comment, GitHubError> {
        let path = self.repo_path(&format!("/issues/{number}/comments"));
        self.call(Method::POST, &path, Some(&json!({"body": body})), &[201])
            .await
    }

    /// Closes issue `number` as completed.
    ///
    /// # Errors
    /// [`GitHubError`] naming the call.
    pub async fn close(&mut self, number: u64) -> Result<Issue, GitHubError> {
        let path = self.repo_path(&format!("/issues/{number}"));
        let body = json!({"state": "closed", "state_reason": "completed"});
        self.call(Method::PATCH, &path, Some(&body), &[200]).await
    }
}
