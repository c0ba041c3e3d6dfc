//! `cph50 stop`: stops the session in progress at the home charger and waits for the charger's
//! confirmation (the ack), for a person or (`--json`) a script.

use serde::Serialize;

use crate::api::{AckPolicy, ApiError, Client, Stats};
use crate::cli::StopArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::pipeline::live::{self, Seen};
use crate::settings::Settings;

/// What `stop --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct StopReport {
    /// `stopped` (the charger confirmed the stop) or `none` (no session was in progress;
    /// nothing was sent).
    pub outcome: &'static str,
    /// The session stopped; null with `none`.
    pub session_id: Option<u64>,
    /// Its energy when it was stopped, kWh (null when unknown).
    pub energy_kwh: Option<f64>,
    /// Whether the charger still reports energy flowing after the confirmed stop (null with
    /// `none`, or when the status could not be read again).
    pub charging_after: Option<bool>,
    /// Requests and logins this command made.
    pub api: Stats,
}

/// What stopping came to, before the API counts.
enum Stopped {
    /// Nothing in progress.
    None,
    /// Confirmed.
    Done {
        id: u64,
        energy_kwh: Option<f64>,
        charging_after: Option<bool>,
    },
}

/// Runs `cph50 stop`.
///
/// # Errors
/// [`Error::Offline`] (exit 3) when the charger is offline, before anything is sent;
/// [`Error::Cannot`] (exit 1) when `--session` is not the session in progress, or the charger
/// charges a session ChargePoint lists no id for yet (nothing is sent); [`Error::Api`]
/// (exit 1) naming the endpoint when a request fails, the charger refuses the stop
/// ([`ApiError::Refused`], with ChargePoint's reason) or does not confirm it in time; a
/// settings error (exit 2).
pub fn run(settings: &Settings, out: &Output, args: &StopArgs) -> Result<()> {
    let mut config = settings.client_config()?;
    config.ack = AckPolicy {
        attempts: args.ack_polls,
        interval: args.ack_interval,
    };
    let report = super::with_client_config(settings, config, async |client, _| {
        let stopped = stop(client, args.session).await?;
        Ok(report_of(stopped, client))
    })?;
    if args.json {
        return super::print_json(out, &report);
    }
    match report.session_id {
        None => out.result("no session in progress; nothing to stop"),
        Some(id) => {
            let kwh = report
                .energy_kwh
                .map(|e| format!(" after {e:.2} kWh"))
                .unwrap_or_default();
            let after = match report.charging_after {
                Some(false) => "; the charger reports no energy flowing",
                Some(true) => "; the charger still reports CHARGING (it may take a moment)",
                None => "",
            };
            out.result(&format!(
                "stopped session {id}{kwh} (confirmed by the charger){after}"
            ));
        }
    }
    Ok(())
}

fn report_of(stopped: Stopped, client: &Client) -> StopReport {
    match stopped {
        Stopped::None => StopReport {
            outcome: "none",
            session_id: None,
            energy_kwh: None,
            charging_after: None,
            api: client.stats(),
        },
        Stopped::Done {
            id,
            energy_kwh,
            charging_after,
        } => StopReport {
            outcome: "stopped",
            session_id: Some(id),
            energy_kwh,
            charging_after,
            api: client.stats(),
        },
    }
}

/// Finds the session in progress ([`live::read`]), checks it against `wanted`, stops it and
/// reads the charger status again.
async fn stop(client: &mut Client, wanted: Option<u64>) -> Result<Stopped> {
    let reading = live::read(client).await?;
    if !reading.status.is_connected {
        return Err(Error::Offline {
            charger: reading.home,
            last_connected: None,
        });
    }
    let (id, energy_kwh) = match &reading.session {
        Seen::None => {
            if let Some(note) = &reading.note {
                tracing::info!("{note}");
            }
            return Ok(Stopped::None);
        }
        Seen::Pending => {
            return Err(Error::Cannot(
                "stop: the charger is charging, but ChargePoint lists no session id for it yet; nothing was sent (try again in a minute)".into(),
            ));
        }
        Seen::Live { id, details, .. } => (*id, details.as_ref().and_then(|d| d.energy_kwh)),
    };
    if let Some(w) = wanted.filter(|w| *w != id) {
        return Err(Error::Cannot(format!(
            "stop: session {w} is not the session in progress (session {id} is); nothing was sent"
        )));
    }
    client.stop(id).await?;
    let charging_after = match client.charger_status().await {
        Ok(s) => Some(s.is_charging()),
        Err(e) => {
            tracing::warn!("after the confirmed stop: {e}");
            None
        }
    };
    let energy_kwh = match client.session_details(id).await {
        Ok(d) => d.energy_kwh.or(energy_kwh),
        Err(ApiError::Reported { .. }) => energy_kwh,
        Err(e) => {
            tracing::warn!("after the confirmed stop: {e}");
            energy_kwh
        }
    };
    Ok(Stopped::Done {
        id,
        energy_kwh,
        charging_after,
    })
}
