//! `cph50 collect`: samples a session's power and cumulative energy (30 × 10 s by default),
//! classifies the curve and writes `sessions/YYYY/MM/DD/<id>.json`, dated by the session's
//! local start. A session already collected is not sampled again; a session of another
//! station is not sampled at all; a collection without one valid sample writes nothing, so a
//! later run can try again.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::{StageContext, checks, is_home_session, reason};
use crate::api::ApiError;
use crate::classify::{Answer, Classifier, Curve, DEFAULT_MIN_CONFIDENCE, Identifier};
use crate::error::{Error, Result};
use crate::store::layout;
use crate::store::records::{ClassifierSummary, LabelSource, Sample, SessionFile, VehicleConfig};
use crate::store::values::{Confidence, LocalDisplayTime, NonNeg, SessionId, Timestamp, limits};
use crate::text::printable;

/// How to sample.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Readings to take.
    pub samples: u32,
    /// Time between readings.
    pub interval: Duration,
    /// Longest the whole collection may take, from its first request (see
    /// [`Plan::default_deadline`]).
    pub deadline: Duration,
}

/// The most a collection may run past `samples × interval` by default: readings that time out
/// cost up to 2 × 3 tries × `CPH50_HTTP_TIMEOUT` each, which would otherwise run past the
/// monitor workflow's 15-minute limit.
pub const DEADLINE_MARGIN: Duration = Duration::from_secs(4 * 60);

impl Plan {
    /// `samples × interval` plus [`DEADLINE_MARGIN`] (the defaults, 30 × 10 s: 9 minutes).
    pub fn default_deadline(samples: u32, interval: Duration) -> Duration {
        interval
            .saturating_mul(samples.saturating_sub(1))
            .saturating_add(DEADLINE_MARGIN)
    }
}

/// What `collect` did.
#[derive(Debug, Clone, Serialize)]
pub struct Collected {
    /// The session.
    pub session_id: String,
    /// Readings taken now (0 when the session was already collected).
    pub samples: u32,
    /// Readings that returned a value.
    pub valid: u32,
    /// The label written (or kept).
    pub vehicle_id: Option<String>,
    /// Its confidence.
    pub confidence: Option<f64>,
    /// The file was written.
    pub written: bool,
}

/// Samples session `id` and writes its file (unless it exists): `plan.samples` readings of
/// the session details, `plan.interval` apart, the first one right away.
///
/// # Errors
/// [`Error::Data`] naming a `sessions/.../<id>.json` that does not decode; [`Error::Api`]
/// when the first session-details call fails, when the session ran at another station than
/// the home charger ([`ApiError::NoCharger`] naming both), when a reading fails on the login
/// or the session (bot protection, a refused login, a 401 a new login did not mend: the
/// sampling stops at once), and when no reading succeeded (the last reading's error); a
/// reading that fails otherwise, twice, becomes a sample with every figure null. Nothing is
/// written on any error. [`Error::Io`] naming the session file or its folder when it cannot
/// be written, or the data folder's lock file when another run holds it too long.
///
/// [`Error::Data`]: crate::error::Error::Data
/// [`Error::Api`]: crate::error::Error::Api
/// [`Error::Io`]: crate::error::Error::Io
pub async fn collect(ctx: &mut StageContext<'_>, id: &SessionId, plan: Plan) -> Result<Collected> {
    let until = Instant::now() + plan.deadline;
    if let Some((_, existing)) = ctx.store.find_session(id)? {
        tracing::info!("session {id} was already collected; not sampling it again");
        return Ok(Collected {
            session_id: id.to_string(),
            samples: 0,
            valid: existing.valid_sample_count,
            vehicle_id: existing.vehicle_id,
            confidence: existing.vehicle_confidence.map(|c| c.0),
            written: false,
        });
    }
    let number: u64 = id.as_str().parse().unwrap_or_default();
    let start_details = ctx.client.session_details(number).await?;
    let home = ctx.client.station_id().await?;
    if !is_home_session(start_details.device_id, start_details.is_home_charger, home) {
        return Err(Error::Cannot(format!(
            "session {id} ran at station {} ({}), not at the home charger {home}; not sampled, nothing written",
            start_details
                .device_id
                .map_or("unknown".into(), |d| d.to_string()),
            printable(start_details.device_name.as_deref().unwrap_or("no name"))
        )));
    }
    // the file is dated by the session's start: a start outside 2000..2100 would make a file
    // every later read refuses
    if let Err(e) = checks::instant("start_time", start_details.start_time) {
        return Err(Error::Cannot(format!(
            "session {id}: ChargePoint's answer is outside the data limits: {e}; not sampled, nothing written"
        )));
    }
    if let (Some(end), false) = (
        start_details.end_time,
        start_details.current_charging.as_deref() == Some("in_use"),
    ) {
        return Err(Error::Cannot(format!(
            "session {id} ended at {}; there is nothing left to sample (its whole power curve is in its details: cph50 cache --session {id}); nothing written",
            Timestamp::utc(end)
        )));
    }
    let amperage_limit = amperage_limit(ctx, id).await?;
    let collection_start = ctx.clock.now();
    let session_start = start_details.start_time.unwrap_or(collection_start);
    let Sampled {
        samples,
        valid,
        cut,
    } = sample_all(ctx, id, number, plan, until).await?;
    let cut = cut.map(|taken| past_deadline(id, plan, taken, valid));
    if let Some((false, why)) = cut {
        return Err(Error::Cannot(why));
    }
    let collection_end = ctx.clock.now();
    let mut file = SessionFile {
        session_id: id.clone(),
        collection_start: Timestamp::utc(collection_start),
        collection_end: Timestamp::utc(collection_end),
        duration_seconds: NonNeg(
            ((collection_end - collection_start).num_milliseconds() as f64 / 1000.0).max(0.0),
        ),
        sample_count: u32::try_from(samples.len()).unwrap_or(plan.samples),
        valid_sample_count: valid,
        // whole seconds, as the data dictionary has it; a sub-second interval counts as 1
        interval_seconds: u32::try_from(plan.interval.as_millis().div_ceil(1000))
            .unwrap_or(u32::MAX),
        amperage_limit_amps: amperage_limit,
        vehicle_id: None,
        vehicle_confidence: None,
        labeled_by: None,
        labeled_at: None,
        samples,
        extra: Default::default(),
    };
    let answer = classify_file(ctx, id, &file);
    if let Some(answer) = &answer {
        file.vehicle_id = Some(answer.vehicle_id.clone());
        file.vehicle_confidence = Some(Confidence(answer.confidence.clamp(0.0, 1.0)));
        file.labeled_by = Some(LabelSource::Classifier);
        file.labeled_at = Some(Timestamp::utc(ctx.clock.now()));
    }
    let local_start = ctx.clock.local_date(session_start);
    let _lock = ctx.store.lock()?;
    // another run (a `monitor --collect`) may have written it meanwhile: keep the first
    let written =
        ctx.store.find_session(id)?.is_none() && ctx.store.save_session(local_start, &file)?;
    if let Some((_, why)) = cut {
        return Err(Error::Cannot(why));
    }
    Ok(Collected {
        session_id: id.to_string(),
        samples: plan.samples,
        valid,
        vehicle_id: file.vehicle_id,
        confidence: answer.map(|a| a.confidence),
        written,
    })
}

/// Whether the readings a collection stopped at its deadline had taken (`taken`, `valid` of
/// them) are enough to keep (at least half the planned ones valid), and the error that says
/// so.
fn past_deadline(id: &SessionId, plan: Plan, taken: u32, valid: u32) -> (bool, String) {
    let enough = valid > 0 && valid.saturating_mul(2) >= plan.samples;
    let said = format!(
        "session {id}: collection stopped at its deadline ({}) after {taken} of {} readings, {valid} valid (ChargePoint too slow: see CPH50_HTTP_TIMEOUT, --deadline); ",
        humantime::format_duration(plan.deadline),
        plan.samples
    );
    let tail = if enough {
        "the readings taken are written"
    } else {
        "too few to keep, nothing written"
    };
    (enough, said + tail)
}

/// What sampling came to: the readings, how many succeeded, and, when the deadline stopped it,
/// how many were taken.
struct Sampled {
    samples: Vec<Sample>,
    valid: u32,
    cut: Option<u32>,
}

/// Takes `plan.samples` readings, stopping at `until` (a reading under way is abandoned);
/// returns them and how many succeeded.
///
/// # Errors
/// The [`ApiError`] of a reading that failed on the login or the session (sampling stops
/// there), or of the last reading when none succeeded.
async fn sample_all(
    ctx: &mut StageContext<'_>,
    id: &SessionId,
    number: u64,
    plan: Plan,
    until: Instant,
) -> Result<Sampled, ApiError> {
    let mut samples = Vec::new();
    let mut valid = 0;
    let mut last_error = None;
    for n in 1..=plan.samples {
        if n > 1 {
            tokio::time::sleep(plan.interval).await;
        }
        let left = until.saturating_duration_since(Instant::now());
        let Ok(reading) = tokio::time::timeout(left, read_sample(ctx, id, number, n)).await else {
            return Ok(Sampled {
                samples,
                valid,
                cut: Some(n - 1),
            });
        };
        let (sample, failed) = reading?;
        valid += u32::from(failed.is_none());
        last_error = failed.or(last_error);
        samples.push(sample);
    }
    match last_error {
        Some(e) if valid == 0 => {
            tracing::warn!(
                "session {id}: none of {} readings succeeded; nothing written",
                plan.samples
            );
            Err(e)
        }
        _ => Ok(Sampled {
            samples,
            valid,
            cut: None,
        }),
    }
}

/// One reading of the session's details as a sample; a failed reading is tried once more,
/// then recorded as missing (every figure null). Returns the sample and the reading's error,
/// if it failed.
///
/// # Errors
/// The reading's [`ApiError`] when it failed on the login or the session (see
/// [`reason::is_auth_failure`]): no second try, and the caller stops sampling.
async fn read_sample(
    ctx: &mut StageContext<'_>,
    id: &SessionId,
    number: u64,
    n: u32,
) -> Result<(Sample, Option<ApiError>), ApiError> {
    let reading = match ctx.client.session_details(number).await {
        Ok(d) => Ok(d),
        Err(first) if reason::is_auth_failure(&first) => return Err(first),
        Err(first) => {
            tracing::warn!("sample {n} of session {id}: {first}; trying once more");
            ctx.client.session_details(number).await
        }
    };
    let at = ctx.clock.now();
    let (naive, zone) = ctx.clock.local(at);
    let (power, energy, minutes, status, failed) = match reading {
        Ok(d) => (
            d.power_kw.map(|p| NonNeg(p.max(0.0))),
            d.energy_kwh.map(|e| NonNeg(e.max(0.0))),
            d.session_time.map(|ms| NonNeg((ms / 60_000.0).max(0.0))),
            d.current_charging,
            None,
        ),
        Err(e) if reason::is_auth_failure(&e) => return Err(e),
        Err(e) => {
            tracing::warn!("sample {n} of session {id} failed: {e}");
            (None, None, None, None, Some(e))
        }
    };
    let sample = Sample {
        sample_number: n,
        timestamp: Timestamp::utc(at),
        timestamp_pt: LocalDisplayTime { naive, zone },
        session_id: id.clone(),
        power_kw: power,
        energy_kwh: energy,
        duration_minutes: minutes,
        status,
        extra: Default::default(),
    };
    Ok((sample, failed))
}

/// The charger's amperage limit in force (`charge_amperage_settings.chargeLimit` of the charger
/// status), whole amperes, for the session file: `None` when the status does not carry one, is
/// outside SAE J1772's 6..=80 A, or the call fails otherwise (a warning; the curve is then
/// classified as before limits were recorded).
///
/// # Errors
/// The call's error when it fails on the login (bot protection, a refused login, a 401 a new
/// login did not mend): sampling would fail the same way.
async fn amperage_limit(ctx: &mut StageContext<'_>, id: &SessionId) -> Result<Option<u64>> {
    match ctx.client.charger_status().await {
        Ok(status) => Ok(status.charge_amperage_settings.and_then(|a| {
            limits::check_number::<limits::Amperage>(a.charge_limit.round())
                .ok()
                .map(|amps| amps as u64)
        })),
        Err(e) if reason::is_auth_failure(&e) => Err(e.into()),
        Err(e) => {
            tracing::warn!("session {id}: amperage limit not recorded: {e}");
            Ok(None)
        }
    }
}

/// The classifier's answer for a freshly sampled curve; `unknown` when it cannot tell or the
/// data folder has no `vehicle_config.json`. `None` (the label left for later, with a warning
/// naming the file and field) when `vehicle_config.json` or `classifier_summary.json` is there
/// but does not read: an `unknown` then would be the broken file's answer, not the curve's.
fn classify_file(ctx: &StageContext<'_>, id: &SessionId, file: &SessionFile) -> Option<Answer> {
    let later = |e: &dyn std::fmt::Display| {
        tracing::warn!(
            "session {id}: written without a vehicle label, left for later (`cph50 classify {id}` once the file is fixed): {e}"
        );
    };
    let config = match ctx.store.load_file::<VehicleConfig>(layout::VEHICLE_CONFIG) {
        Ok(Some(config)) => config,
        Ok(None) => return Some(Answer::none("no vehicle_config.json")),
        Err(e) => {
            later(&e);
            return None;
        }
    };
    if let Err(e) = ctx
        .store
        .load_file::<ClassifierSummary>(layout::CLASSIFIER_SUMMARY)
    {
        later(&e);
        return None;
    }
    let identifier = Identifier::new(Classifier::load(ctx.store), config);
    Some(identifier.identify(
        &Curve::from_session(file, ctx.clock),
        DEFAULT_MIN_CONFIDENCE,
    ))
}
