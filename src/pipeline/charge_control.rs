//! `cph50 charge`: the daily start. Scheduled twice (13:00 and 14:00 UTC), it acts only in the
//! run whose local hour is the start hour, so it starts at 06:00 in Los Angeles in both winter
//! (14:00 UTC) and summer (13:00 UTC). It waits, within a bound, for the charger's own schedule
//! window to end, starts, confirms, retries, and appends one record to `runs.json`.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::StageContext;
use crate::api::ApiError;
use crate::error::Result;
use crate::store::layout;
use crate::store::records::{Run, RunResult, RunType, Runs};
use crate::store::values::{ClockTime, Date, NonNeg};

/// How the start is attempted.
#[derive(Debug, Clone)]
pub struct ChargePlan {
    /// Local start time; only its hour gates scheduled runs.
    pub at: NaiveTime,
    /// Start at once, whatever the hour (`--now`).
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

/// Whether a scheduled run at `now` is the one that acts: its local hour is the start hour.
pub fn is_start_hour(now: DateTime<Utc>, tz: Tz, at: NaiveTime) -> bool {
    now.with_timezone(&tz).hour() == at.hour()
}

/// What `charge` did (the record appended, or why none was).
#[derive(Debug, Clone, Serialize)]
pub struct ChargeOutcome {
    /// The record appended to `runs.json`; `None` when this run was not the start hour's.
    pub record: Option<Run>,
    /// One line for a person.
    pub summary: String,
    /// The charger was offline (exit 3).
    pub offline: bool,
}

/// The daily start. API failures do not fail it: each becomes the `reason` of a `failure` or
/// `other` record (the charger offline sets [`ChargeOutcome::offline`]).
///
/// # Errors
/// [`Error::Data`] naming `runs.json` when it does not decode; [`Error::Io`] naming it when it
/// cannot be written. Either way the run's record is lost.
///
/// [`Error::Data`]: crate::error::Error::Data
/// [`Error::Io`]: crate::error::Error::Io
pub async fn charge(ctx: &mut StageContext<'_>, plan: &ChargePlan) -> Result<ChargeOutcome> {
    let started = Instant::now();
    let run_at = ctx.clock.now();
    if !plan.now && !is_start_hour(run_at, ctx.clock.tz(), plan.at) {
        let (local, zone) = ctx.clock.local(run_at);
        return Ok(ChargeOutcome {
            record: None,
            summary: format!(
                "not the start hour: it is {} {zone}, the start is at {} local; nothing to do",
                local.format("%H:%M"),
                plan.at.format("%H:%M")
            ),
            offline: false,
        });
    }
    let (result, reason) = attempt(ctx, plan).await;
    let offline = reason == OFFLINE;
    let (local, _) = ctx.clock.local(run_at);
    let record = Run {
        run_id: plan.run_id.clone(),
        date: Date(run_at.date_naive()),
        time_utc: ClockTime(run_at.time().with_nanosecond(0).unwrap_or(run_at.time())),
        time_pt: ClockTime(local.time().with_nanosecond(0).unwrap_or(local.time())),
        result,
        reason: reason.clone(),
        run_type: if plan.now {
            RunType::ManualStart
        } else {
            RunType::Scheduled
        },
        polling_duration_sec: Some(NonNeg(
            (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        )),
        extra: Default::default(),
    };
    let _lock = ctx.store.lock()?;
    let mut runs: Runs = ctx.store.load_file(layout::RUNS)?.unwrap_or_default();
    runs.runs.push(record.clone());
    ctx.store.save_file(layout::RUNS, &runs)?;
    Ok(ChargeOutcome {
        summary: format!("{}: {reason}", result_word(result)),
        record: Some(record),
        offline,
    })
}

const OFFLINE: &str = "Charger offline";

fn result_word(r: RunResult) -> &'static str {
    match r {
        RunResult::Success => "success",
        RunResult::Failure => "failure",
        RunResult::Other => "other",
    }
}

/// Checks, waits, starts and confirms; never fails: every outcome becomes a record.
async fn attempt(ctx: &mut StageContext<'_>, plan: &ChargePlan) -> (RunResult, String) {
    let waited = Instant::now();
    let status = loop {
        let status = match ctx.client.charger_status().await {
            Ok(s) => s,
            Err(e) => {
                return (
                    RunResult::Failure,
                    format!("Cannot read the charger status: {e}"),
                );
            }
        };
        if !status.is_connected {
            return (RunResult::Failure, OFFLINE.into());
        }
        if !status.is_plugged_in {
            return (RunResult::Other, "No vehicle plugged in".into());
        }
        // the charger's own schedule is still running (or charging under it): wait, bounded
        if !(status.is_during_scheduled_time || status.is_charging()) || plan.now {
            break status;
        }
        if waited.elapsed() + plan.poll > plan.max_wait {
            return if status.is_charging() {
                (
                    RunResult::Other,
                    "Already charging under the charger's own schedule".into(),
                )
            } else {
                (
                    RunResult::Other,
                    "The charger's own schedule window did not end in time".into(),
                )
            };
        }
        tokio::time::sleep(plan.poll).await;
    };
    if status.is_charging() {
        return (RunResult::Other, "Already charging".into());
    }
    let mut delay = plan.backoff;
    let mut last = String::new();
    for n in 1..=plan.attempts.max(1) {
        if n > 1 {
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        match ctx.client.start().await {
            Ok(started) => return confirm(ctx, started.session_id).await,
            Err(ApiError::AckTimeout { .. }) => {
                // the ack may be slow while the charger already charges: ask the charger
                if matches!(ctx.client.charger_status().await, Ok(s) if s.is_charging()) {
                    return (
                        RunResult::Success,
                        "Charging started (confirmed by the charger status)".into(),
                    );
                }
                last = "the start was not confirmed".into();
            }
            Err(e) => last = e.to_string(),
        }
        tracing::warn!("start attempt {n} of {}: {last}", plan.attempts);
    }
    (
        RunResult::Failure,
        format!(
            "Start failed after {} attempts: {last}",
            plan.attempts.max(1)
        ),
    )
}

/// After a confirmed start: a new session (or power flowing) is a success; a start the charger
/// accepted without a session or power means the car is full, which is not a failure.
async fn confirm(ctx: &mut StageContext<'_>, session: Option<u64>) -> (RunResult, String) {
    match ctx.client.charger_status().await {
        Ok(s) if s.is_charging() || session.is_some() => (
            RunResult::Success,
            match session {
                Some(id) => format!("Charging started and confirmed (session {id})"),
                None => "Charging started and confirmed".into(),
            },
        ),
        Ok(_) => (
            RunResult::Other,
            "Vehicle already fully charged (start accepted, no power drawn)".into(),
        ),
        Err(e) => (
            RunResult::Success,
            format!("Charging started (ack confirmed; status unreadable: {e})"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_start_hour_follows_daylight_saving_time() {
        let la = chrono_tz::America::Los_Angeles;
        let six = NaiveTime::from_hms_opt(6, 0, 0).unwrap();
        let at = |y, m, d, h| Utc.with_ymd_and_hms(y, m, d, h, 5, 0).unwrap();
        // winter (PST, UTC-8): the 14:00 UTC run acts
        assert!(!is_start_hour(at(2026, 1, 10, 13), la, six));
        assert!(is_start_hour(at(2026, 1, 10, 14), la, six));
        // summer (PDT, UTC-7): the 13:00 UTC run acts
        assert!(is_start_hour(at(2026, 7, 10, 13), la, six));
        assert!(!is_start_hour(at(2026, 7, 10, 14), la, six));
        // the day clocks spring forward (2026-03-08) and fall back (2026-11-01)
        assert!(is_start_hour(at(2026, 3, 8, 13), la, six));
        assert!(!is_start_hour(at(2026, 3, 8, 14), la, six));
        assert!(!is_start_hour(at(2026, 11, 1, 13), la, six));
        assert!(is_start_hour(at(2026, 11, 1, 14), la, six));
    }
}
