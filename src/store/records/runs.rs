use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{ClockTime, Date, NonNeg, limits};

/// `data/runs.json`: one record per daily-start run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Runs {
    /// Records, oldest first.
    pub runs: Vec<Run>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Outcome of a daily-start run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunResult {
    /// Charging was started and confirmed.
    Success,
    /// The start failed (charger offline, API error, no confirmation).
    Failure,
    /// Nothing to do (no vehicle plugged in, already full, ...); `reason` says which.
    Other,
}

/// What triggered a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunType {
    /// The cron schedule.
    Scheduled,
    /// A person asked for a start (`charge --now` or a manual workflow run).
    ManualStart,
}

/// One record of `runs.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// `GITHUB_RUN_ID` of the run, or a local id.
    #[serde(deserialize_with = "limits::text::<_, limits::Id>")]
    pub run_id: String,
    /// UTC date of the run.
    pub date: Date,
    /// UTC time of the run.
    pub time_utc: ClockTime,
    /// Local time of the run, in the configured zone (`--tz`; `_pt` is the data dictionary's
    /// name, from its Pacific default). Paired with `date`, which is the UTC date.
    pub time_pt: ClockTime,
    /// Outcome.
    pub result: RunResult,
    /// One sentence saying why.
    #[serde(deserialize_with = "limits::text::<_, limits::Note>")]
    pub reason: String,
    /// What triggered the run.
    pub run_type: RunType,
    /// Seconds spent waiting for the charger's own schedule and the start confirmation.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "limits::opt_non_neg::<_, limits::Seconds>"
    )]
    pub polling_duration_sec: Option<NonNeg>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}
