//! `cph50 charge`: the daily start (see `pipeline::charge_control`).

use crate::api::AckPolicy;
use crate::cli::ChargeArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::pipeline::StageContext;
use crate::pipeline::charge_control::{self, ChargePlan};
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
}

impl ChargeSettings {
    /// The plan of the flags (`--at` and `--grace` default to the config file's `start` and
    /// `grace`, then to 06:00 and 90 minutes); the run id is [`Settings::run_id`].
    ///
    /// # Errors
    /// A settings error when `CPH50_NOW` is set but not a time.
    pub fn new(settings: &Settings, args: &ChargeArgs) -> Result<Self> {
        let run_id = settings.run_id()?;
        Ok(Self {
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

/// Runs `cph50 charge`.
///
/// # Errors
/// [`Error::Offline`] (exit 3) when the charger is offline; [`Error::Api`] (exit 1) naming the
/// endpoint when the start failed (either way the run is recorded first, and the summary line
/// printed); a data error when `runs.json` cannot be read or written.
pub fn run(settings: &Settings, out: &Output, args: &ChargeArgs) -> Result<()> {
    let s = ChargeSettings::new(settings, args)?;
    let store = Store::new(&settings.data);
    let mut config = settings.client_config()?;
    config.ack = s.ack;
    let (outcome, charger) = super::with_client_config(settings, config, async |client, clock| {
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
        Ok((outcome, charger))
    })?;
    out.step_summary(&format!("### cph50 charge\n\n{}\n", outcome.summary));
    if outcome.offline {
        return Err(Error::Offline {
            charger,
            last_connected: None,
        });
    }
    out.result(&outcome.summary);
    match outcome.error {
        Some(e) => Err(Error::Api(e)),
        None => Ok(()),
    }
}
