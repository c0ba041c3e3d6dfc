//! `cph50 schedule [show | set --weekday .. --weekend .. | off]`: the charger's own charging
//! schedule, read or written, with the utility and rate plan it follows.

use serde::Serialize;

use crate::api::models::{HcmPlan, Schedule, Utility, WeekSchedule, Window};
use crate::api::{Client, Stats};
use crate::cli::{ScheduleAction, ScheduleArgs, parse::TimeWindow};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::settings::Settings;

/// What `schedule --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleReport {
    /// `show`, `set` or `off`.
    pub action: &'static str,
    /// The charger is connected to ChargePoint (its status's `isConnected`). When false `show`
    /// gives the schedule ChargePoint last had, and `set` and `off` are refused (exit 3).
    pub connected: bool,
    /// The user's schedule is on: the charger charges only inside its windows.
    pub enabled: bool,
    /// Monday to Friday window (local `HH:MM`), null when the schedule is off.
    pub weekday: Option<WindowReport>,
    /// Saturday and Sunday window, null when the schedule is off.
    pub weekend: Option<WindowReport>,
    /// The zone the windows are in: the charger's, which is the configured `tz`.
    pub zone: String,
    /// The utility and rate plan the schedule follows, null when ChargePoint has none on file.
    pub utility: Option<UtilityReport>,
    /// Where the utility came from: `schedule` (its `basedOnUtility`) or `configuration`
    /// (the charger configuration's `utility`); null with no utility.
    pub utility_from: Option<&'static str>,
    /// Requests and logins this command made.
    pub api: Stats,
}

/// One daily window.
#[derive(Debug, Clone, Serialize)]
pub struct WindowReport {
    /// Local start, `HH:MM`.
    pub start: String,
    /// Local end, `HH:MM` (at or before the start: the next day).
    pub end: String,
}

/// A utility and its rate plan.
#[derive(Debug, Clone, Serialize)]
pub struct UtilityReport {
    /// The utility's name.
    pub name: Option<String>,
    /// The rate plan's name (the first electric-vehicle plan, else the first plan).
    pub plan_name: Option<String>,
    /// The rate plan's code (`EV-TOU-5-NEM3`).
    pub plan_code: Option<String>,
}

/// Runs `cph50 schedule`.
///
/// # Errors
/// [`Error::Offline`] (exit 3) when `set` or `off` finds the charger status saying it is not
/// connected (nothing is sent; `show` reports it and exits 0); [`Error::Api`] (exit 1) naming
/// the endpoint when a request fails or the charger refuses the schedule (with ChargePoint's
/// reason); a settings error (exit 2). Bad windows never get here: clap refuses them (exit 2).
pub fn run(settings: &Settings, out: &Output, args: &ScheduleArgs) -> Result<()> {
    let zone = settings.tz.name().to_owned();
    let action = args.action.clone().unwrap_or(ScheduleAction::Show);
    let report = super::with_client(settings, async |client, _| {
        schedule(client, &action, zone).await
    })?;
    if args.json {
        return super::print_json(out, &report);
    }
    for line in describe(&report) {
        out.result(&line);
    }
    Ok(())
}

async fn schedule(
    client: &mut Client,
    action: &ScheduleAction,
    zone: String,
) -> Result<ScheduleReport> {
    // the status first: a schedule sent to an offline charger would be reported as set while
    // the charger never got it
    let connected = client.charger_status().await?.is_connected;
    if !connected && !matches!(action, ScheduleAction::Show) {
        return Err(Error::Offline {
            charger: client.station_id().await?,
            last_connected: None,
        });
    }
    let (word, answer) = match action {
        ScheduleAction::Show => ("show", client.schedule().await?),
        ScheduleAction::Set { weekday, weekend } => {
            let week = WeekSchedule {
                weekdays: window(weekday),
                weekends: window(weekend),
            };
            ("set", client.set_schedule(Some(week)).await?)
        }
        ScheduleAction::Off => ("off", client.set_schedule(None).await?),
    };
    let (utility, from) = match answer.based_on_utility.clone() {
        Some(u) => (Some(u), Some("schedule")),
        None => match client.charger_config().await {
            Ok(c) => {
                let u = c.settings.utility;
                let from = u.is_some().then_some("configuration");
                (u, from)
            }
            Err(e) => {
                tracing::warn!("the utility from the charger configuration: {e}");
                (None, None)
            }
        },
    };
    Ok(report_of(
        word,
        connected,
        &answer,
        zone,
        utility,
        from,
        client.stats(),
    ))
}

/// The request's window: times only.
fn window(w: &TimeWindow) -> Window {
    Window {
        start_weekday: None,
        start_time: w.start.format("%H:%M").to_string(),
        end_weekday: None,
        end_time: w.end.format("%H:%M").to_string(),
    }
}

fn report_of(
    action: &'static str,
    connected: bool,
    s: &Schedule,
    zone: String,
    utility: Option<Utility<HcmPlan>>,
    utility_from: Option<&'static str>,
    api: Stats,
) -> ScheduleReport {
    let shown = |w: &Window| WindowReport {
        start: w.start_time.clone(),
        end: w.end_time.clone(),
    };
    let user = s.user_schedule.as_ref().filter(|_| s.schedule_enabled);
    let utility = utility.map(|u| {
        let plan = u.plans.as_ref().and_then(|p| {
            p.iter()
                .find(|x| x.is_ev_plan)
                .or_else(|| p.first())
                .cloned()
        });
        UtilityReport {
            name: u.name,
            plan_name: plan.as_ref().map(|p| p.name.clone()),
            plan_code: plan.map(|p| p.code),
        }
    });
    ScheduleReport {
        action,
        connected,
        enabled: s.schedule_enabled,
        weekday: user.map(|u| shown(&u.weekdays)),
        weekend: user.map(|u| shown(&u.weekends)),
        zone,
        utility_from: utility_from.filter(|_| utility.is_some()),
        utility,
        api,
    }
}

/// The human form: enabled or not, the windows, the utility.
pub fn describe(r: &ScheduleReport) -> Vec<String> {
    let said = match r.action {
        "set" => "schedule set; the charger answers: ",
        "off" => "schedule turned off; the charger answers: ",
        _ => "",
    };
    let mut lines = Vec::new();
    match (&r.weekday, &r.weekend) {
        (Some(d), Some(e)) if r.enabled => {
            lines.push(format!(
                "{said}schedule enabled: the charger charges only inside its windows ({})",
                r.zone
            ));
            lines.push(format!("  weekdays (Mon-Fri): {}-{}", d.start, d.end));
            lines.push(format!("  weekends (Sat-Sun): {}-{}", e.start, e.end));
        }
        _ if r.enabled => lines.push(format!(
            "{said}schedule enabled, but ChargePoint gave no windows"
        )),
        _ => lines.push(format!(
            "{said}schedule disabled: a plugged-in car charges at once"
        )),
    }
    if !r.connected {
        lines.push(
            "the charger is offline (not connected to ChargePoint): this is the schedule ChargePoint last had; it cannot be changed until the charger is back".into(),
        );
    }
    match &r.utility {
        Some(u) => lines.push(format!(
            "utility: {}; rate plan: {}{}",
            u.name.as_deref().unwrap_or("(no name)"),
            u.plan_name.as_deref().unwrap_or("(none on file)"),
            u.plan_code
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        )),
        None => lines.push("utility: none on file at ChargePoint".into()),
    }
    lines
}
