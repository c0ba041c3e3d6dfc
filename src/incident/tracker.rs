//! Opening, updating and closing the one issue of each kind of trouble.
//!
//! The open issue of a kind is the oldest open issue carrying both [`LABEL`] and the kind's
//! own label. A report opens one when there is none, else comments on it when neither the
//! issue nor a cph50 comment on it is younger than [`QUIET`]; a resolution closes it with a
//! note. Issue texts carry a hidden marker (`<!-- cph50-incident:<kind> -->`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Kind, LABEL};
use crate::github::{GitHub, GitHubError, Issue};

/// How long an open incident stays quiet after its last word: one comment a day at most.
pub const QUIET: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Where and when this run is, for the texts.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// Now.
    pub now: DateTime<Utc>,
    /// Now, as the owner reads it (`2026-01-10 06:05 PST`).
    pub local: String,
    /// The run's page, when known.
    pub run_url: Option<String>,
}

/// What a report or a resolution did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new issue.
    Opened,
    /// A comment on the open issue.
    Commented,
    /// The open issue had word from cph50 within the last day: nothing added.
    AlreadyReported,
    /// The open issue was closed with a note.
    Closed,
    /// No open issue of this kind: nothing to close.
    NoneOpen,
}

/// The result for one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The kind.
    pub kind: Kind,
    /// What was done.
    pub action: Action,
    /// The issue's number, when there is one.
    pub issue: Option<u64>,
    /// The issue's page, when there is one.
    pub url: Option<String>,
}

impl Outcome {
    /// One line for a person: `offline: opened issue #3 (https://...)`.
    pub fn describe(&self) -> String {
        let issue = self.issue.map(|n| format!("#{n}")).unwrap_or_default();
        let url = self
            .url
            .as_deref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        let what = match self.action {
            Action::Opened => format!("opened issue {issue}{url}"),
            Action::Commented => format!("commented on issue {issue}{url}"),
            Action::AlreadyReported => format!("issue {issue} already has today's word{url}"),
            Action::Closed => format!("closed issue {issue}{url}"),
            Action::NoneOpen => "no open incident".to_owned(),
        };
        format!("{}: {what}", self.kind.name())
    }
}

fn marker(kind: Kind) -> String {
    format!("<!-- cph50-incident:{} -->", kind.name())
}

fn run_line(ctx: &RunContext) -> String {
    match &ctx.run_url {
        Some(u) => format!("Run: {u} ({})", ctx.local),
        None => format!("Seen at {}", ctx.local),
    }
}

/// `details` as Markdown that cannot mention anyone or break out of its block.
fn quoted(details: &str) -> String {
    let text = super::one_line(details).replace('`', "'");
    if text.is_empty() {
        "(no details)".to_owned()
    } else {
        format!("`{text}`")
    }
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The open issue of `kind`, the oldest when there are several.
///
/// # Errors
/// The GitHub API error.
pub async fn open_issue(gh: &mut GitHub, kind: Kind) -> Result<Option<Issue>, GitHubError> {
    let own = kind.label();
    let issues = gh.open_issues(&[LABEL, &own]).await?;
    Ok(issues.into_iter().min_by_key(|i| i.number))
}

/// Reports trouble of `kind`: opens its issue, or comments on the open one at most once a
/// day.
///
/// # Errors
/// The GitHub API error (the report did not reach the owner: the run must fail).
pub async fn report(
    gh: &mut GitHub,
    kind: Kind,
    details: &str,
    ctx: &RunContext,
) -> Result<Outcome, GitHubError> {
    let outcome = |action, issue: &Issue| Outcome {
        kind,
        action,
        issue: Some(issue.number),
        url: Some(issue.html_url.clone()),
    };
    if let Some(issue) = open_issue(gh, kind).await? {
        let since = ctx.now - QUIET;
        let young = parse_time(&issue.created_at).is_some_and(|t| t > since);
        let stamp = since.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let spoke = young || {
            let comments = gh.comments_since(issue.number, &stamp).await?;
            comments.iter().any(|c| {
                c.body.as_deref().is_some_and(|b| b.contains(&marker(kind)))
                    && parse_time(&c.created_at).is_some_and(|t| t > since)
            })
        };
        if spoke {
            return Ok(outcome(Action::AlreadyReported, &issue));
        }
        let body = format!(
            "{}\nStill happening: {}\n\n{}\n",
            marker(kind),
            quoted(details),
            run_line(ctx)
        );
        gh.comment(issue.number, &body).await?;
        return Ok(outcome(Action::Commented, &issue));
    }
    let own = kind.label();
    gh.ensure_label(LABEL, "b60205", "opened and closed by cph50's workflows")
        .await?;
    gh.ensure_label(&own, "e99695", kind.title()).await?;
    let body = format!(
        "{}\n**{}**, first seen {}.\n\n{}\n\n**What to do:** {}\n\n{}\n\n---\ncph50 keeps this issue open while the trouble lasts, adds a comment at most once a day, and closes it when a run finds things well again. It finds it by its labels `{LABEL}` and `{own}`: keep them.\n",
        marker(kind),
        kind.title(),
        ctx.local,
        quoted(details),
        kind.hint(),
        run_line(ctx)
    );
    let issue = gh.create_issue(kind.title(), &body, &[LABEL, &own]).await?;
    Ok(outcome(Action::Opened, &issue))
}

/// Ends trouble of `kind`: closes its open issue with a note; nothing when none is open.
///
/// # Errors
/// The GitHub API error.
pub async fn resolve(
    gh: &mut GitHub,
    kind: Kind,
    details: Option<&str>,
    ctx: &RunContext,
) -> Result<Outcome, GitHubError> {
    let Some(issue) = open_issue(gh, kind).await? else {
        return Ok(Outcome {
            kind,
            action: Action::NoneOpen,
            issue: None,
            url: None,
        });
    };
    let extra = details
        .filter(|d| !d.trim().is_empty())
        .map(|d| format!(" {}", quoted(d)))
        .unwrap_or_default();
    let body = format!(
        "{}\n{}{extra}\n\n{}\n",
        marker(kind),
        kind.resolved_note(),
        run_line(ctx)
    );
    gh.comment(issue.number, &body).await?;
    gh.close(issue.number).await?;
    Ok(Outcome {
        kind,
        action: Action::Closed,
        issue: Some(issue.number),
        url: Some(issue.html_url),
    })
}
