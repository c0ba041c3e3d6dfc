//! `cph50 status`: the charger's state and the session in progress, read live from
//! ChargePoint, for a person or (`--json`) a script.

use serde::Serialize;

use crate::api::{Client, Stats};
use crate::cli::StatusArgs;
use crate::clock::Clock;
use crate::error::Result;
use crate::output::Output;
use crate::settings::Settings;
use crate::store::values::Timestamp;

/// What `status --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// Charger device id.
    pub charger_id: u64,
    /// Reachable by ChargePoint.
    pub connected: bool,
    /// A vehicle is plugged in.
    pub plugged_in: bool,
    /// Energy is flowing.
    pub charging: bool,
    /// The charger's own word (`CHARGING`, `AVAILABLE`, ...).
    pub charging_status: String,
    /// The charger's own schedule window is active.
    pub during_schedule: bool,
    /// Amperage limit, A.
    pub amperage_limit: Option<f64>,
    /// The session in progress.
    pub session: Option<SessionNow>,
    /// Requests and logins this command made.
    pub api: Stats,
}

/// The session in progress.
#[derive(Debug, Clone, Serialize)]
pub struct SessionNow {
    /// Session id.
    pub session_id: u64,
    /// Plug-in time (UTC).
    pub started_at: Option<Timestamp>,
    /// Power now, kW.
    pub power_kw: Option<f64>,
    /// Energy so far, kWh.
    pub energy_kwh: Option<f64>,
    /// Minutes since plug-in.
    pub duration_minutes: Option<i64>,
}

/// Runs `cph50 status`.
///
/// # Errors
/// The API error of the first request that failed (exit 1), or a settings error (exit 2).
pub fn run(settings: &Settings, out: &Output, args: &StatusArgs) -> Result<()> {
    let clock = settings.clock()?;
    let report = super::with_client(settings, async |client, clock| status(client, clock).await)?;
    if args.json {
        return super::print_json(out, &report);
    }
    for line in describe(&report, &clock) {
        out.result(&line);
    }
    Ok(())
}

/// Reads charger status, the user's status and, while charging, the session's details.
///
/// # Errors
/// The API error of the first request that failed.
pub async fn status(client: &mut Client, clock: &Clock) -> Result<StatusReport> {
    let charger_id = client.station_id().await?;
    let status = client.charger_status().await?;
    let charging = client.user_status().await?.charging;
    let session = match charging.and_then(|c| c.session_id.map(|id| (id, c.start_time))) {
        Some((id, start)) => {
            let details = client.session_details(id).await?;
            let started_at = details.start_time.or(start);
            Some(SessionNow {
                session_id: id,
                started_at: started_at.map(Timestamp::utc),
                power_kw: details.power_kw,
                energy_kwh: details.energy_kwh,
                duration_minutes: started_at.map(|s| (clock.now() - s).num_minutes().max(0)),
            })
        }
        None => None,
    };
    Ok(StatusReport {
        charger_id,
        connected: status.is_connected,
        plugged_in: status.is_plugged_in,
        charging: status.is_charging(),
        charging_status: status.charging_status.clone(),
        during_schedule: status.is_during_scheduled_time,
        amperage_limit: status
            .charge_amperage_settings
            .as_ref()
            .map(|a| a.charge_limit),
        session,
        api: client.stats(),
    })
}

fn yes_no(flag: bool, yes: &'static str, no: &'static str) -> &'static str {
    if flag { yes } else { no }
}

/// The human form of a status report, one line per fact.
pub fn describe(report: &StatusReport, clock: &Clock) -> Vec<String> {
    let mut lines = vec![format!(
        "charger {}: {}, {}, {} (own schedule window {})",
        report.charger_id,
        yes_no(report.connected, "online", "OFFLINE"),
        yes_no(
            report.plugged_in,
            "vehicle plugged in",
            "no vehicle plugged in"
        ),
        yes_no(report.charging, "charging", "not charging"),
        yes_no(report.during_schedule, "active", "inactive"),
    )];
    if let Some(s) = &report.session {
        let fmt =
            |v: Option<f64>, unit: &str| v.map_or("?".to_owned(), |v| format!("{v:.2} {unit}"));
        let since = s.started_at.map(|t| {
            let (local, zone) = clock.local(t.to_utc());
            format!(" since {} {zone}", local.format("%Y-%m-%d %H:%M"))
        });
        lines.push(format!(
            "session {}: {}, {} so far, {} min{}",
            s.session_id,
            fmt(s.power_kw, "kW"),
            fmt(s.energy_kwh, "kWh"),
            s.duration_minutes.map_or("?".into(), |m| m.to_string()),
            since.unwrap_or_default()
        ));
    }
    lines
}
