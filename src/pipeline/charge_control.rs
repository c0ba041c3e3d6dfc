//! `cph50 charge`: the daily start. Scheduled twice (13:00 and 14:00 UTC), a scheduled run acts
//! when it is the first at or after the local start time within the grace window that finds
//! no scheduled record of the day in `runs.json` ([`super::daily`]); GitHub's late or dropped
//! crons then still give one start a day, in winter and in summer. It waits, within a bound,
//! for the charger's own schedule window to end, starts, confirms, retries, and appends one
//! record to `runs.json`.

use std::time::{Duration, Instant};

use chrono::{NaiveTime, Timelike};
use serde::Serialize;

use super::StageContext;
use super::daily::{self, Decision};
use super::reason;
use crate::api::ApiError;
use crate::error::Result;
use crate::store::layout;
use crate::store::records::{Run, RunResult, RunType, Runs};
use crate::store::values::{ClockTime, Date, NonNeg};

/// How the start is attempted.
#[derive(Debug, Clone)]
pub struct ChargePlan {
    /// Local start time of scheduled runs.
    pub at: NaiveTime,
    /// How long after `at` a late scheduled run may still start.
    pub grace: Duration,
    /// Start at once, whatever the time (`--now`).
    pub now: bool,
    /// Longest wait for the charger's own schedule window to end.
    pub max_wait: Duration,
    /// Time between status checks while waiting.
    pub poll: Duration,
    /// Start attempts in all.
    pub attempts: u32,
    /// Wait before the second attempt; doubled each time.
    pub backoff: Duration,
    /// `GITHUB_RUN_ID`, or a local id.
    pub run_id: String,
}

/// What `charge` did (the record appended, or why none was).
#[derive(Debug, Serialize)]
pub struct ChargeOutcome {
    /// The record appended to `runs.json`; `None` when this run was not the day's start.
    pub record: Option<Run>,
    /// This run started charging (result `success`): the session it may stop.
    #[serde(skip)]
    pub started: Option<Started>,
    /// One line for a person.
    pub summary: String,
    /// The charger was offline (exit 3).
    pub offline: bool,
    /// The API failure behind a `failure` record (exit 1); its text names the endpoint and
    /// stays out of `runs.json`.
    #[serde(skip)]
    pub error: Option<ApiError>,
}

/// The daily start. A scheduled run that is not the day's start records nothing and says why
/// (before the start time, past the grace window, already started today). API failures do
/// not fail it: each becomes the `reason` of a `failure` or `other` record, in words from
/// [`reason`] (no URL, no server body); the error itself is kept in
/// [`ChargeOutcome::error`] (the charger offline sets [`ChargeOutcome::offline`] instead).
///
/// The whole run, from reading `runs.json` to appending its record, holds the data folder's
/// `charge` lock ([`crate::store::Store::job_lock`]), so two runs at once act once.
///
/// # Errors
/// [`Error::Io`] naming the charge lock when another run holds it past [`lock_wait`];
/// [`Error::Data`] naming `runs.json` when it does not decode: checked before anything is sent,
/// so no start happens; [`Error::Io`] naming it when it cannot be written after the start (the
/// run's record is lost).
///
/// [`Error::Data`]: crate::error::Error::Data
/// [`Error::Io`]: crate::error::Error::Io
pub async fn charge(ctx: &mut StageContext<'_>, plan: &ChargePlan) -> Result<ChargeOutcome> {
    // the decision, the start and the record are one critical section: a second run at once
    // waits, then finds this run's record
    let _charging = ctx.store.job_lock("charge", lock_wait(plan))?;
    let started = Instant::now();
    let run_at = ctx.clock.now();
    // read (and check) the file the run is recorded in before anything is sent: a start that
    // cannot be recorded must not happen, `--now` or scheduled
    let runs: Runs = ctx.store.load_file(layout::RUNS)?.unwrap_or_default();
    if !plan.now {
        let grace = chrono::Duration::from_std(plan.grace).unwrap_or(chrono::Duration::MAX);
        let decision = daily::decide(ctx.clock, run_at, plan.at, grace, &runs);
        if let Some(summary) = daily::explain(&decision, ctx.clock, run_at, grace) {
            return Ok(ChargeOutcome {
                record: None,
                started: None,
                summary,
                offline: false,
                error: None,
            });
        }
        debug_assert!(matches!(decision, Decision::Act { .. }));
    }
    let tried = attempt(ctx, plan).await;
    let offline = tried.reason == OFFLINE;
    let (local, _) = ctx.clock.local(run_at);
    let record = Run {
        run_id: plan.run_id.clone(),
        date: Date(run_at.date_naive()),
        time_utc: ClockTime(run_at.time().with_nanosecond(0).unwrap_or(run_at.time())),
        time_pt: ClockTime(local.time().with_nanosecond(0).unwrap_or(local.time())),
        result: tried.result,
        reason: tried.reason.clone(),
        run_type: if plan.now {
            RunType::ManualStart
        } else {
            RunType::Scheduled
        },
        polling_duration_sec: Some(NonNeg(
            (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        )),
        stop: None,
        extra: Default::default(),
    };
    let _lock = ctx.store.lock()?;
    let mut runs: Runs = ctx.store.load_file(layout::RUNS)?.unwrap_or_default();
    runs.runs.push(record.clone());
    ctx.store.save_file(layout::RUNS, &runs)?;
    let started_charging = (tried.result == RunResult::Success).then_some(Started {
        session_id: tried.session,
        at: run_at,
        began: started,
        run_type: record.run_type,
    });
    Ok(ChargeOutcome {
        summary: format!("{}: {}", result_word(tried.result), tried.reason),
        record: Some(record),
        started: started_charging,
        offline,
        error: tried
            .error
            .filter(|_| tried.result == RunResult::Failure && !offline),
    })
}

/// The most status checks while waiting for the charger's own schedule window to end: a
/// `--poll` shorter than `--max-wait / MAX_WAIT_POLLS` is stretched to it (the default 30 s
/// over 15 min makes 30).
const MAX_WAIT_POLLS: u32 = 120;

const OFFLINE: &str = "Charger offline";

/// Time beyond `--max-wait` a run may hold the charge lock: the starts, their confirmations
/// and backoff.
const LOCK_MARGIN: Duration = Duration::from_secs(15 * 60);

/// How long a run waits for another run's critical section: `--max-wait` plus
/// [`LOCK_MARGIN`], or `CPH50_LOCK_WAIT` when longer.
fn lock_wait(plan: &ChargePlan) -> Duration {
    crate::fsio::lock::wait().max(plan.max_wait.saturating_add(LOCK_MARGIN))
}

fn result_word(r: RunResult) -> &'static str {
    match r {
        RunResult::Success => "success",
        RunResult::Failure => "failure",
        RunResult::Other => "other",
    }
}

/// The charging a run started, for a stop that ends it (`charge --until/--for/--max-kwh`).
#[derive(Debug, Clone, Copy)]
pub struct Started {
    /// The new session's id; `None` when ChargePoint had not listed it yet.
    pub session_id: Option<u64>,
    /// When the run began (its start record's time).
    pub at: chrono::DateTime<chrono::Utc>,
    /// The same moment on the monotonic clock.
    pub began: Instant,
    /// The start record's `run_type`, which the stop record repeats.
    pub run_type: RunType,
}

/// How an attempt ended: the record's result and reason, and the API error behind a failure.
struct Tried {
    result: RunResult,
    reason: String,
    error: Option<ApiError>,
    /// The session a confirmed start made, when known.
    session: Option<u64>,
}

impl Tried {
    fn done(result: RunResult, reason: impl Into<String>) -> Self {
        Self {
            result,
            reason: reason.into(),
            error: None,
            session: None,
        }
    }

    /// A failure before any start was sent (the charger status could not be read).
    fn unreadable(e: ApiError) -> Self {
        let reason = if reason::is_auth_failure(&e) {
            reason::failure(&e)
        } else {
            format!("Start failed: {}", reason::failure(&e))
        };
        Self {
            result: RunResult::Failure,
            reason,
            error: Some(e),
            session: None,
        }
    }
}

/// Checks, waits, starts and confirms; never fails: every outcome becomes a record.
async fn attempt(ctx: &mut StageContext<'_>, plan: &ChargePlan) -> Tried {
    let waited = Instant::now();
    // however short `--poll` is, the charger is asked at most MAX_WAIT_POLLS times while waiting
    let poll = plan.poll.max(plan.max_wait / MAX_WAIT_POLLS);
    let status = loop {
        let status = match ctx.client.charger_status().await {
            Ok(s) => s,
            Err(e) => return Tried::unreadable(e),
        };
        if !status.is_connected {
            return Tried::done(RunResult::Failure, OFFLINE);
        }
        if !status.is_plugged_in {
            return Tried::done(RunResult::Other, "No vehicle plugged in");
        }
        // the charger's own schedule window is still open: wait for its end, bounded. Charging
        // outside the window was started by someone else: nothing to wait for.
        if !status.is_during_scheduled_time || plan.now {
            break status;
        }
        if waited.elapsed() + poll > plan.max_wait {
            return Tried::done(
                RunResult::Other,
                if status.is_charging() {
                    "Already charging under the charger's own schedule"
                } else {
                    "The charger's own schedule window did not end in time"
                },
            );
        }
        tokio::time::sleep(poll).await;
    };
    if status.is_charging() {
        return Tried::done(RunResult::Other, "Already charging");
    }
    start(ctx, plan).await
}

/// Up to `plan.attempts` starts with doubling backoff; a blocked or refused login ends them at
/// once (no retry can mend it).
async fn start(ctx: &mut StageContext<'_>, plan: &ChargePlan) -> Tried {
    let attempts = plan.attempts.max(1);
    let mut delay = plan.backoff;
    let mut made = 0;
    let mut last = None;
    for n in 1..=attempts {
        if n > 1 {
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        made = n;
        let e = match ctx.client.start().await {
            Ok(started) => return confirm(ctx, started.session_id).await,
            Err(e) => e,
        };
        // the ack may be slow while the charger already charges: ask the charger
        if matches!(e, ApiError::AckTimeout { .. })
            && matches!(ctx.client.charger_status().await, Ok(s) if s.is_charging())
        {
            return Tried::done(
                RunResult::Success,
                "Charging started (confirmed by the charger status)",
            );
        }
        tracing::warn!("start attempt {n} of {attempts}: {e}");
        let stop = reason::is_auth_failure(&e);
        last = Some(e);
        if stop {
            break;
        }
    }
    let reason = match &last {
        Some(e @ ApiError::Refused { .. }) => reason::failure(e),
        Some(e) if reason::is_auth_failure(e) => reason::failure(e),
        Some(e) => format!("Start failed after {made} attempts: {}", reason::failure(e)),
        None => format!("Start failed after {made} attempts"),
    };
    Tried {
        result: RunResult::Failure,
        reason,
        error: last,
        session: None,
    }
}

/// After a confirmed start: a new session (or power flowing) is a success; a start the charger
/// accepted without a session or power means the car is full, which is not a failure.
async fn confirm(ctx: &mut StageContext<'_>, session: Option<u64>) -> Tried {
    match ctx.client.charger_status().await {
        Ok(s) if s.is_charging() || session.is_some() => Tried {
            session,
            ..Tried::done(
                RunResult::Success,
                match session {
                    Some(id) => format!("Charging started and confirmed (session {id})"),
                    None => "Charging started and confirmed".into(),
                },
            )
        },
        Ok(_) => Tried::done(
            RunResult::Other,
            "Vehicle already fully charged (start accepted, no power drawn)",
        ),
        Err(e) => {
            tracing::warn!("after the confirmed start: {e}");
            Tried {
                session,
                ..Tried::done(
                    RunResult::Success,
                    format!("Charging started (ack confirmed; {})", reason::failure(&e)),
                )
            }
        }
    }
}
