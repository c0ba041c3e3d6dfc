//! `cph50 status`: the charger's state and the session in progress, read live from
//! ChargePoint, for a person or (`--json`) a script.

use serde::Serialize;

use crate::api::{Client, Stats};
use crate::cli::StatusArgs;
use crate::clock::Clock;
use crate::error::Result;
use crate::output::Output;
use crate::pipeline::live::{self, Seen};
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
    /// The session in progress (null also while the charger charges a session ChargePoint
    /// lists no id for yet; `note` says so).
    pub session: Option<SessionNow>,
    /// What the reading set aside or could not tell: a finished session ChargePoint still
    /// lists, one at another station, or a charge whose session id is pending.
    pub note: Option<String>,
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
    /// Why the figures are null: the session's details were empty or answered an error
    /// while the charger charges.
    pub details_unavailable: Option<String>,
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

/// Reads charger status, the user status and, for a session the charger does not contradict,
/// its details ([`live::read`]).
///
/// # Errors
/// The API error of the first request that failed; session details that are empty or answer
/// an error inside a 200 are not one (the report notes them as unavailable).
pub async fn status(client: &mut Client, clock: &Clock) -> Result<StatusReport> {
    let reading = live::read(client).await?;
    let mut note = reading.note.clone();
    let session = match &reading.session {
        Seen::Live {
            id,
            listed_start,
            details,
            unavailable,
        } => {
            let started_at = details
                .as_ref()
                .and_then(|d| d.start_time)
                .or(*listed_start);
            Some(SessionNow {
                session_id: *id,
                started_at: started_at.map(Timestamp::utc),
                power_kw: details.as_ref().and_then(|d| d.power_kw),
                energy_kwh: details.as_ref().and_then(|d| d.energy_kwh),
                duration_minutes: started_at.map(|s| (clock.now() - s).num_minutes().max(0)),
                details_unavailable: unavailable.clone(),
            })
        }
        Seen::Pending => {
            note.get_or_insert_with(|| {
                "the charger is charging; ChargePoint lists no session id for it yet".into()
            });
            None
        }
        Seen::None => None,
    };
    let status = &reading.status;
    Ok(StatusReport {
        charger_id: reading.home,
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
        note,
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
        if let Some(why) = &s.details_unavailable {
            lines.push(format!(
                "session {}: details unavailable ({why}){}",
                s.session_id,
                since.unwrap_or_default()
            ));
            return with_note(lines, report);
        }
        lines.push(format!(
            "session {}: {}, {} so far, {} min{}",
            s.session_id,
            fmt(s.power_kw, "kW"),
            fmt(s.energy_kwh, "kWh"),
            s.duration_minutes.map_or("?".into(), |m| m.to_string()),
            since.unwrap_or_default()
        ));
    }
    with_note(lines, report)
}

fn with_note(mut lines: Vec<String>, report: &StatusReport) -> Vec<String> {
    if let Some(note) = &report.note {
        lines.push(format!("note: {note}"));
    }
    lines
}
