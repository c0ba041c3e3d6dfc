use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{ClockTime, Date, NonNeg, SessionId, limits};

/// `data/runs.json`: one record per daily-start run, and one more per stop of a session such a
/// run started (`charge --until/--for/--max-kwh`; the record's [`Run::stop`]).
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
    /// Seconds spent waiting for the charger's own schedule and the start confirmation (a stop
    /// record: waiting for the stop condition and the stop confirmation).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "limits::opt_non_neg::<_, limits::Seconds>"
    )]
    pub polling_duration_sec: Option<NonNeg>,
    /// Present on a stop record only: how the run ended the session it had started. Absent on
    /// every start record (and on every record written before cph50 could stop), so older
    /// files read as they were; a reader that does not know the key keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<RunStop>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Run {
    /// Whether this is a stop record (its run's start has a record of its own).
    pub fn is_stop(&self) -> bool {
        self.stop.is_some()
    }
}

/// The condition a stop waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopCondition {
    /// `--until HH:MM`: a local time.
    Until,
    /// `--for DURATION`: a time after the start was confirmed.
    For,
    /// `--max-kwh X`: the session's energy.
    MaxKwh,
}

/// What came of a stop; it goes with the record's `result` (see [`StopOutcome::result`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopOutcome {
    /// The condition was met and the charger confirmed the stop (`success`).
    Stopped,
    /// The session had already ended (car full and unplugged, stopped at the charger or by the
    /// schedule): no stop was sent (`other`).
    Ended,
    /// `--max-kwh` was not reached within the longest wait; the session was left running
    /// (`other`).
    NotReached,
    /// The stop was sent and failed (refused, not confirmed), or could not be sent (`failure`).
    Failed,
}

impl StopOutcome {
    /// The `result` a record with this outcome has.
    pub fn result(self) -> RunResult {
        match self {
            Self::Stopped => RunResult::Success,
            Self::Ended | Self::NotReached => RunResult::Other,
            Self::Failed => RunResult::Failure,
        }
    }
}

/// The `stop` object of a stop record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunStop {
    /// The session the run started (and the only one it may stop); absent when ChargePoint
    /// never listed its id (outcome `failed`: no stop could be sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<SessionId>,
    /// What the stop waited for.
    pub condition: StopCondition,
    /// The condition's value as given: `07:30` (local), `2h`, `10` (kWh).
    #[serde(deserialize_with = "limits::text::<_, limits::Id>")]
    pub value: String,
    /// What came of it.
    pub outcome: StopOutcome,
    /// The session's energy when it was stopped or found ended, kWh (absent when it could
    /// not be read).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "limits::opt_non_neg::<_, limits::Energy>"
    )]
    pub energy_kwh: Option<NonNeg>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}
