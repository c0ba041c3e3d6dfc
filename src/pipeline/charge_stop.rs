//! `cph50 charge --until HH:MM | --for DURATION | --max-kwh X`: after the start is confirmed,
//! the run keeps watching the session it started and stops it when the condition is met, then
//! appends a stop record to `runs.json` (a [`Run`] with its `stop` object).
//!
//! Only that session is ever stopped: a run stops the session id its start produced (read
//! back from the user status, or from the first poll that lists one while the charger
//! charges), never "whatever runs now". A session that ended on its own (the car unplugged or
//! full and unplugged, stopped at the charger or by its schedule, or another session took its
//! place) is recorded as `ended` and no stop is sent. Polls are `--poll` apart (30 s by
//! default), 2 requests each (3 with `--max-kwh`, which reads the session's energy). A poll
//! that fails is logged and the watch goes on; a login that fails for good ends it.

use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike, Utc};

use super::StageContext;
use super::charge_control::Started;
use super::reason;
use crate::api::ApiError;
use crate::error::Result;
use crate::store::layout;
use crate::store::records::{Run, RunStop, Runs, StopCondition, StopOutcome};
use crate::store::values::{ClockTime, Date, NonNeg, SessionId};

/// The longest a run waits for its stop condition: 5 hours. GitHub ends a job after 6 hours;
/// `charge.yml` allows 345 minutes, which holds this wait, the `--max-wait` before the start
/// (15 min by default), the starts, the stop's confirmation and the commit.
pub const MAX_STOP_WAIT: Duration = Duration::from_secs(5 * 3600);

/// The condition that ends the charging a run started.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StopWhen {
    /// At this instant (`--until`, the next such local time).
    At(DateTime<Utc>),
    /// This long after the start was confirmed (`--for`).
    After(Duration),
    /// When the session's energy reaches this many kWh (`--max-kwh`), within [`MAX_STOP_WAIT`].
    Energy(f64),
}

/// How the stop is watched for.
#[derive(Debug, Clone)]
pub struct StopPlan {
    /// The condition.
    pub when: StopWhen,
    /// The condition as the user gave it, for the record: `07:30`, `2h`, `10`.
    pub value: String,
    /// Time between polls (`--poll`).
    pub poll: Duration,
    /// The run id the stop record carries (the start record's).
    pub run_id: String,
}

impl StopPlan {
    fn condition(&self) -> StopCondition {
        match self.when {
            StopWhen::At(_) => StopCondition::Until,
            StopWhen::After(_) => StopCondition::For,
            StopWhen::Energy(_) => StopCondition::MaxKwh,
        }
    }

    /// `--until 07:30`, `--for 2h`, `--max-kwh 10`.
    fn flag(&self) -> String {
        let name = match self.when {
            StopWhen::At(_) => "until",
            StopWhen::After(_) => "for",
            StopWhen::Energy(_) => "max-kwh",
        };
        format!("--{name} {}", self.value)
    }
}

/// What the stop came to: the record appended, a line for a person, and the error behind a
/// `failed` stop (exit 1).
#[derive(Debug)]
pub struct StopReport {
    /// The stop record appended to `runs.json`.
    pub record: Run,
    /// One line for a person.
    pub summary: String,
    /// Why the stop failed, when it did.
    pub error: Option<ApiError>,
}

/// What a poll saw of the session.
enum Seen {
    /// Still in progress, with its energy when it was read.
    Running(Option<f64>),
    /// Over, and why.
    Ended(&'static str),
}

/// Watches the session `started` made until `plan`'s condition, stops it (only it), and
/// appends the stop record (under the data folder's lock; the charge lock was released when
/// the start was recorded, so other runs are not held up for hours).
///
/// # Errors
/// [`Error::Data`] naming `runs.json` when it no longer decodes, [`Error::Io`] when it cannot
/// be written (the stop itself happened or not as the summary says; the record is lost). API
/// failures are not errors here: they become the record's outcome and
/// [`StopReport::error`].
///
/// [`Error::Data`]: crate::error::Error::Data
/// [`Error::Io`]: crate::error::Error::Io
pub async fn watch_and_stop(
    ctx: &mut StageContext<'_>,
    started: &Started,
    plan: &StopPlan,
) -> Result<StopReport> {
    let waiting = Instant::now();
    let deadline = match plan.when {
        StopWhen::At(t) => waiting + (t - ctx.clock.now()).to_std().unwrap_or(Duration::ZERO),
        StopWhen::After(d) => waiting + d,
        StopWhen::Energy(_) => waiting + MAX_STOP_WAIT,
    };
    let mut session = started.session_id;
    let mut energy = None;
    let (outcome, why, error) = loop {
        let seen = match observe(ctx, &mut session, plan).await {
            Ok(seen) => Some(seen),
            Err(e) if reason::is_auth_failure(&e) => {
                break (
                    StopOutcome::Failed,
                    format!("Stop not sent: {}", reason::failure(&e)),
                    Some(e),
                );
            }
            Err(e) => {
                tracing::warn!("while waiting to stop: {e}");
                None
            }
        };
        match seen {
            Some(Seen::Ended(why)) => break (StopOutcome::Ended, why.to_owned(), None),
            Some(Seen::Running(kwh)) => {
                energy = kwh.or(energy);
                if let (StopWhen::Energy(max), Some(kwh)) = (plan.when, kwh) {
                    if kwh >= max {
                        break stop(ctx, session, plan).await;
                    }
                }
            }
            None => {}
        }
        let now = Instant::now();
        if now >= deadline {
            if matches!(plan.when, StopWhen::Energy(_)) {
                break (
                    StopOutcome::NotReached,
                    format!(
                        "not reached within {}; the session was left running",
                        humantime::format_duration(MAX_STOP_WAIT)
                    ),
                    None,
                );
            }
            break stop(ctx, session, plan).await;
        }
        tokio::time::sleep(plan.poll.min(deadline - now)).await;
    };
    let waited = waiting.elapsed();
    if let Some(id) = session {
        // the energy the session ended with: best effort, the record says nothing without it
        match ctx.client.session_details(id).await {
            Ok(d) => energy = d.energy_kwh.or(energy),
            Err(e) => tracing::warn!("the stopped session's energy: {e}"),
        }
    }
    let energy = energy.filter(|e| e.is_finite() && *e >= 0.0);
    let label = match session {
        Some(id) => format!("session {id}"),
        None => "the session".to_owned(),
    };
    let kwh = energy.map(|e| format!(", {e:.2} kWh")).unwrap_or_default();
    let reason = match outcome {
        StopOutcome::Stopped => format!("Stopped {label} ({}{kwh})", plan.flag()),
        StopOutcome::Ended => format!("No stop sent: {label} had ended ({why}{kwh})"),
        StopOutcome::NotReached => format!("{} {why}{kwh}", plan.flag()),
        StopOutcome::Failed => format!("{why} ({label}, {})", plan.flag()),
    };
    // the clock's own time when it runs; when it is fixed (`CPH50_NOW`), the run's time plus
    // the real time since, so a stop record never comes before its start record
    let since = chrono::Duration::from_std(started.began.elapsed()).unwrap_or_default();
    let at = ctx.clock.now().max(started.at + since);
    let (local, _) = ctx.clock.local(at);
    let record = Run {
        run_id: plan.run_id.clone(),
        date: Date(at.date_naive()),
        time_utc: ClockTime(at.time().with_nanosecond(0).unwrap_or(at.time())),
        time_pt: ClockTime(local.time().with_nanosecond(0).unwrap_or(local.time())),
        result: outcome.result(),
        reason: crate::store::values::limits::clip(
            &reason,
            crate::store::values::limits::MAX_TEXT_CHARS,
        ),
        run_type: started.run_type,
        polling_duration_sec: Some(NonNeg((waited.as_secs_f64() * 10.0).round() / 10.0)),
        stop: Some(RunStop {
            session_id: session.map(SessionId::from_number),
            condition: plan.condition(),
            value: plan.value.clone(),
            outcome,
            energy_kwh: energy.map(|e| NonNeg((e * 1000.0).round() / 1000.0)),
            extra: Default::default(),
        }),
        extra: Default::default(),
    };
    let _lock = ctx.store.lock()?;
    let mut runs: Runs = ctx.store.load_file(layout::RUNS)?.unwrap_or_default();
    runs.runs.push(record.clone());
    ctx.store.save_file(layout::RUNS, &runs)?;
    Ok(StopReport {
        summary: format!("stop: {}", record.reason),
        record,
        error,
    })
}

/// One poll: the charger's status (unplugged ends the session), the user status (the session
/// listed, learning its id if the start did not give it), and with `--max-kwh` its energy.
async fn observe(
    ctx: &mut StageContext<'_>,
    session: &mut Option<u64>,
    plan: &StopPlan,
) -> Result<Seen, ApiError> {
    let status = ctx.client.charger_status().await?;
    if status.is_connected && !status.is_plugged_in {
        return Ok(Seen::Ended("the vehicle was unplugged"));
    }
    let listed = ctx
        .client
        .user_status()
        .await?
        .charging
        .and_then(|c| c.session_id);
    match (*session, listed) {
        (Some(ours), Some(id)) if id != ours => {
            return Ok(Seen::Ended("another session is in progress"));
        }
        (Some(_), None) if !status.is_charging() => {
            return Ok(Seen::Ended("ChargePoint lists no session in progress"));
        }
        (None, Some(id)) if status.is_charging() => *session = Some(id),
        _ => {}
    }
    let (Some(id), StopWhen::Energy(_)) = (*session, plan.when) else {
        return Ok(Seen::Running(None));
    };
    let details = ctx.client.session_details(id).await?;
    if details.end_time.is_some() {
        return Ok(Seen::Ended("ChargePoint reports it finished"));
    }
    Ok(Seen::Running(details.energy_kwh))
}

/// Sends the stop for `session` and waits for its confirmation.
async fn stop(
    ctx: &mut StageContext<'_>,
    session: Option<u64>,
    plan: &StopPlan,
) -> (StopOutcome, String, Option<ApiError>) {
    let Some(id) = session else {
        return (
            StopOutcome::Failed,
            "Stop not sent: ChargePoint never listed the session's id".to_owned(),
            None,
        );
    };
    tracing::info!("{}: stopping session {id}", plan.flag());
    match ctx.client.stop(id).await {
        Ok(()) => (StopOutcome::Stopped, String::new(), None),
        Err(e) => (
            StopOutcome::Failed,
            format!("Stop failed: {}", reason::failure(&e)),
            Some(e),
        ),
    }
}
