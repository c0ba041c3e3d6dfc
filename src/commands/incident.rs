//! `cph50 incident`: report, resolve and sync incident issues on GitHub, and find workflows
//! whose scheduled runs have been failing for a day.

use serde::Serialize;

use crate::cli::{IncidentAction, IncidentArgs, ReportArgs, RunsArgs, StepOutcome, SyncArgs};
use crate::error::{Error, Result, SettingsError};
use crate::github::GitHub;
use crate::incident::tracker::{self, Outcome, RunContext};
use crate::incident::{Kind, runs};
use crate::output::Output;
use crate::settings::Settings;

/// What `incident --json` prints.
#[derive(Debug, Serialize)]
pub struct IncidentAnswer {
    /// One outcome per kind touched.
    pub outcomes: Vec<Outcome>,
    /// Requests made to GitHub.
    pub requests: u32,
}

/// Runs `cph50 incident`.
///
/// # Errors
/// [`SettingsError`] (exit 2) for a missing `GITHUB_TOKEN` or `GITHUB_REPOSITORY` or a
/// `--trouble` that is no kind; [`Error::GitHub`] (exit 1) naming the call GitHub refused;
/// [`Error::Cannot`] (exit 1) when `sync` sees a step that failed with no known trouble.
pub fn run(settings: &Settings, out: &Output, args: &IncidentArgs) -> Result<()> {
    let mut gh = GitHub::new(settings.github_config()?)?;
    let clock = settings.clock()?;
    let now = clock.now();
    let (local, zone) = clock.local(now);
    let ctx = RunContext {
        now,
        local: format!("{} {zone}", local.format("%Y-%m-%d %H:%M")),
        run_url: settings.run_url(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime for", "the GitHub client", e))?;
    let json = match &args.action {
        IncidentAction::Report(a) | IncidentAction::Resolve(a) => a.json,
        IncidentAction::Sync(a) => a.json,
        IncidentAction::Runs(a) => a.json,
    };
    let result = runtime.block_on(async {
        match &args.action {
            IncidentAction::Report(a) => one(&mut gh, a, &ctx, true).await,
            IncidentAction::Resolve(a) => one(&mut gh, a, &ctx, false).await,
            IncidentAction::Sync(a) => sync(&mut gh, a, &ctx).await,
            IncidentAction::Runs(a) => failing_runs(&mut gh, a, &ctx).await,
        }
    });
    let (outcomes, failure) = result?;
    let answer = IncidentAnswer {
        outcomes,
        requests: gh.requests(),
    };
    if json {
        super::print_json(out, &answer)?;
    } else {
        for o in &answer.outcomes {
            out.result(&o.describe());
        }
    }
    let lines: Vec<String> = answer.outcomes.iter().map(Outcome::describe).collect();
    if !lines.is_empty() {
        out.step_summary(&format!("### cph50 incident\n\n- {}\n", lines.join("\n- ")));
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Outcomes, and an error to exit with after printing them.
type Done = (Vec<Outcome>, Option<Error>);

async fn one(gh: &mut GitHub, a: &ReportArgs, ctx: &RunContext, report: bool) -> Result<Done> {
    let outcome = if report {
        tracker::report(gh, a.kind, a.details.as_deref().unwrap_or_default(), ctx).await?
    } else {
        tracker::resolve(gh, a.kind, a.details.as_deref(), ctx).await?
    };
    Ok((vec![outcome], None))
}

async fn sync(gh: &mut GitHub, a: &SyncArgs, ctx: &RunContext) -> Result<Done> {
    let trouble = match a.trouble.as_deref().unwrap_or_default().trim() {
        "" => None,
        name => Some(Kind::from_name(name).ok_or_else(|| {
            SettingsError::Flags(format!(
                "--trouble {name:?} is not a kind of trouble (expected one of: {})",
                Kind::ALL.map(Kind::name).join(", ")
            ))
        })?),
    };
    let mut outcomes = Vec::new();
    match (trouble, a.outcome) {
        (Some(kind), _) => {
            let details = a.details.as_deref().unwrap_or_default();
            outcomes.push(tracker::report(gh, kind, details, ctx).await?);
            for check in a.checks.iter().filter(|c| c.cleared_by(kind)) {
                outcomes.push(tracker::resolve(gh, *check, None, ctx).await?);
            }
        }
        (None, StepOutcome::Success) => {
            let mut checks = a.checks.clone();
            checks.sort();
            checks.dedup();
            for check in checks {
                outcomes.push(tracker::resolve(gh, check, None, ctx).await?);
            }
        }
        (None, StepOutcome::Failure) => {
            let e = Error::Cannot(
                "incident sync: the observed step failed, and not with a known kind of trouble (offline, login, runs-failing, data-invalid); its log has the error line; no incident was changed".into(),
            );
            return Ok((outcomes, Some(e)));
        }
        (None, StepOutcome::Cancelled | StepOutcome::Skipped) => {}
    }
    Ok((outcomes, None))
}

async fn failing_runs(gh: &mut GitHub, a: &RunsArgs, ctx: &RunContext) -> Result<Done> {
    let window = chrono::TimeDelta::from_std(a.window).map_err(|_| {
        SettingsError::Flags(format!(
            "--window {} is too long",
            humantime::format_duration(a.window)
        ))
    })?;
    let since = (ctx.now - window).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let all = gh.runs_since("schedule", &since).await?;
    let failing = runs::failing(&all);
    let outcome = if failing.is_empty() {
        tracker::resolve(gh, Kind::RunsFailing, None, ctx).await?
    } else {
        let details = runs::describe(&failing, window.num_hours());
        tracker::report(gh, Kind::RunsFailing, &details, ctx).await?
    };
    Ok((vec![outcome], None))
}
