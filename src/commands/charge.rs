//! `cph50 charge`: the daily start (see `pipeline::charge_control`).

use crate::api::AckPolicy;
use crate::cli::ChargeArgs;
use crate::error::{Error, Result, SettingsError};
use crate::output::Output;
use crate::pipeline::StageContext;
use crate::pipeline::charge_control::{self, ChargePlan};
use crate::pipeline::charge_stop::{self, MAX_STOP_WAIT, StopPlan, StopWhen};
use crate::settings::Settings;
use crate::store::Store;

/// The daily start's local time when neither `--at` nor `start` in the config file sets it.
pub const DEFAULT_START: chrono::NaiveTime = match chrono::NaiveTime::from_hms_opt(6, 0, 0) {
    Some(t) => t,
    None => chrono::NaiveTime::MIN,
};

/// The grace window when neither `--grace` nor `grace` in the config file sets it.
pub const DEFAULT_GRACE: std::time::Duration = std::time::Duration::from_secs(90 * 60);

/// Validated settings of `charge`.
#[derive(Debug, Clone)]
pub struct ChargeSettings {
    /// How the start is attempted.
    pub plan: ChargePlan,
    /// How the start confirmation is polled.
    pub ack: AckPolicy,
    /// How the session the run starts is stopped (`--until`, `--for`, `--max-kwh`).
    pub stop: Option<StopPlan>,
}

impl ChargeSettings {
    /// The plan of the flags (`--at` and `--grace` default to the config file's `start` and
    /// `grace`, then to 06:00 and 90 minutes); the run id is [`Settings::run_id`].
    ///
    /// # Errors
    /// A settings error when `CPH50_NOW` is set but not a time; [`SettingsError::Flags`]
    /// (exit 2) when `--for` is zero or longer than [`MAX_STOP_WAIT`], or `--until` is further
    /// away than that.
    pub fn new(settings: &Settings, args: &ChargeArgs) -> Result<Self> {
        let run_id = settings.run_id()?;
        let stop = stop_plan(settings, args, &run_id)?;
        Ok(Self {
            stop,
            plan: ChargePlan {
                at: args.at.or(settings.start).unwrap_or(DEFAULT_START),
                grace: args.grace.or(settings.grace).unwrap_or(DEFAULT_GRACE),
                now: args.now,
                max_wait: args.max_wait,
                poll: args.poll,
                attempts: args.attempts,
                backoff: args.backoff,
                run_id,
            },
            ack: AckPolicy {
                attempts: args.ack_polls,
                interval: args.ack_interval,
            },
        })
    }
}

/// The stop of `--until`, `--for` or `--max-kwh`, checked against [`MAX_STOP_WAIT`].
fn stop_plan(settings: &Settings, args: &ChargeArgs, run_id: &str) -> Result<Option<StopPlan>> {
    let bound = humantime::format_duration(MAX_STOP_WAIT);
    let too_far = |what: String| -> Result<Option<StopPlan>> {
        Err(SettingsError::Flags(format!(
            "{what} the {bound} a run waits at most for its stop (GitHub ends a job after 6 hours)"
        ))
        .into())
    };
    let (when, value) = if let Some(at) = args.until {
        let clock = settings.clock()?;
        let now = clock.now();
        let today = clock.local_date(now);
        let mut target = clock.local_to_utc(today.and_time(at));
        if target <= now {
            let tomorrow = today.succ_opt().unwrap_or(today);
            target = clock.local_to_utc(tomorrow.and_time(at));
        }
        let away = (target - now).to_std().unwrap_or_default();
        if away > MAX_STOP_WAIT {
            return too_far(format!(
                "--until {} is {} away, more than",
                at.format("%H:%M"),
                humantime::format_duration(away)
            ));
        }
        (StopWhen::At(target), at.format("%H:%M").to_string())
    } else if let Some(d) = args.stop_for {
        if d.is_zero() {
            return Err(SettingsError::Flags("--for must be longer than zero".into()).into());
        }
        if d > MAX_STOP_WAIT {
            return too_far(format!(
                "--for {} is longer than",
                humantime::format_duration(d)
            ));
        }
        (
            StopWhen::After(d),
            humantime::format_duration(d).to_string(),
        )
    } else if let Some(kwh) = args.max_kwh {
        (StopWhen::Energy(kwh), format!("{kwh}"))
    } else {
        return Ok(None);
    };
    Ok(Some(StopPlan {
        when,
        value,
        poll: args.poll,
        run_id: run_id.to_owned(),
    }))
}

/// Runs `cph50 charge`.
///
/// # Errors
/// [`Error::Offline`] (exit 3) when the charger is offline; [`Error::Api`] (exit 1) naming the
/// endpoint when the start failed, or when the stop of `--until`/`--for`/`--max-kwh` failed
/// (either way the run is recorded first, and the summary line printed); [`Error::Cannot`]
/// (exit 1) when that stop could not be sent (no session id); a data error when `runs.json`
/// cannot be read or written.
pub fn run(settings: &Settings, out: &Output, args: &ChargeArgs) -> Result<()> {
    let s = ChargeSettings::new(settings, args)?;
    let store = Store::new(&settings.data);
    let mut config = settings.client_config()?;
    config.ack = s.ack;
    let (outcome, charger, stopped) =
        super::with_client_config(settings, config, async |client, clock| {
            let mut ctx = StageContext {
                client,
                store: &store,
                clock,
            };
            let outcome = charge_control::charge(&mut ctx, &s.plan).await?;
            let charger = if outcome.offline {
                ctx.client.station_id().await.unwrap_or(0)
            } else {
                0
            };
            let stopped = match (&outcome.started, &s.stop) {
                (Some(started), Some(plan)) if outcome.error.is_none() => {
                    Some(charge_stop::watch_and_stop(&mut ctx, started, plan).await?)
                }
                _ => None,
            };
            Ok((outcome, charger, stopped))
        })?;
    let mut summary = format!("### cph50 charge\n\n{}\n", outcome.summary);
    if let Some(st) = &stopped {
        summary.push_str(&format!("\n{}\n", st.summary));
    }
    out.step_summary(&summary);
    if outcome.offline {
        return Err(Error::Offline {
            charger,
            last_connected: None,
        });
    }
    out.result(&outcome.summary);
    if let Some(e) = outcome.error {
        return Err(Error::Api(e));
    }
    let Some(st) = stopped else {
        return Ok(());
    };
    out.result(&st.summary);
    match (st.error, st.record.result) {
        (Some(e), _) => Err(Error::Api(e)),
        (None, crate::store::records::RunResult::Failure) => {
            Err(Error::Cannot(format!("charge: {}", st.record.reason)))
        }
        _ => Ok(()),
    }
}
