//! The options of `cph50 incident`.

use clap::{Args, Subcommand, ValueEnum};

use super::parse::parse_duration;
use crate::incident::Kind;

/// Options of `incident`.
#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: IncidentAction,
}

/// The actions of `incident`.
#[derive(Debug, Subcommand)]
pub enum IncidentAction {
    /// Open the incident issue of a kind, or comment on the open one (at most once a day).
    Report(ReportArgs),
    /// Close the open incident issue of a kind with a note (nothing when none is open).
    Resolve(ReportArgs),
    /// Report or resolve after an observing step, from its outcome and its `trouble` output.
    ///
    /// A known trouble is reported and the command exits 0, so the run stays green (the issue
    /// is the signal); the kinds in --checks that the step showed to be fine are resolved (all
    /// of them after a success; `login` after `offline`, which needed a login). A failed step
    /// with no known trouble resolves nothing and exits 1, so an unknown failure stays red.
    #[command(after_help = SYNC_AFTER_HELP)]
    Sync(SyncArgs),
    /// Report or resolve `runs-failing` from the scheduled runs of the last --window.
    ///
    /// A workflow is failing when its completed scheduled runs in the window all failed (at
    /// least one; cancelled and skipped runs do not count). Needs `actions: read` and
    /// `issues: write`.
    Runs(RunsArgs),
}

const SYNC_AFTER_HELP: &str = "\
In a workflow (the observing step has `continue-on-error: true` and an id):
  - name: Report incidents
    if: always()
    env:
      GITHUB_TOKEN: ${{ github.token }}
      OUTCOME: ${{ steps.poll.outcome }}
      TROUBLE: ${{ steps.poll.outputs.trouble }}
      DETAILS: ${{ steps.poll.outputs.trouble_details }}
    run: cph50 incident sync --checks login,offline --outcome \"$OUTCOME\" --trouble \"$TROUBLE\" --details \"$DETAILS\"

Examples:
  cph50 incident sync --checks login,offline --outcome success
  cph50 incident sync --checks login,offline --outcome failure --trouble login --details \"Login blocked by bot protection.\"";

/// Options of `incident report` and `incident resolve`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The kind of trouble.
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// One line about it, for the issue (never a secret: it is public in a public repository).
    #[arg(long)]
    pub details: Option<String>,
    /// Print one JSON object ({"kind", "action", "issue", "url"}) instead of a line.
    #[arg(long)]
    pub json: bool,
}

/// How an observed step ended (the `steps.<id>.outcome` of Actions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StepOutcome {
    /// It succeeded.
    Success,
    /// It failed.
    Failure,
    /// It was cancelled.
    Cancelled,
    /// It did not run.
    Skipped,
}

/// Options of `incident sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The kinds the observed step looks at (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', required = true)]
    pub checks: Vec<Kind>,
    /// How the observed step ended.
    #[arg(long, value_enum, default_value = "success")]
    pub outcome: StepOutcome,
    /// The step's `trouble` output: a kind, or empty for none.
    #[arg(long)]
    pub trouble: Option<String>,
    /// The step's `trouble_details` output.
    #[arg(long)]
    pub details: Option<String>,
    /// Print one JSON object ({"outcomes": [...]}) instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// Options of `incident runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// How far back to look (e.g. 24h, 36h).
    #[arg(long, default_value = "24h", value_parser = parse_duration)]
    pub window: std::time::Duration,
    /// Print one JSON object instead of a line.
    #[arg(long)]
    pub json: bool,
}
