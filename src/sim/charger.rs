//! The home charger endpoints of `hcpo_hcm_endpoint`: the chargers list, status, technical
//! info, configuration, restart, schedule and amperage limit.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::http::{Auth, Reply, Sim, decode_body, serve, serve_read};
use super::schedule::{Schedule, Window};
use super::world::World;
use super::{CHARGER_ID, USER_ID, bodies};
use crate::api::Ep;
use crate::api::models::{AmperageRequest, Empty, Window as WindowBody, tolerant};

/// Checks the path's user and charger ids.
fn ours(user: Option<&str>, charger: Option<&str>) -> Result<(), Reply> {
    if let Some(u) = user.filter(|u| *u != USER_ID.to_string()) {
        return Err(Reply::not_found(format!(
            "user {u} is not the logged-in user ({USER_ID})"
        )));
    }
    if let Some(c) = charger.filter(|c| *c != CHARGER_ID.to_string()) {
        return Err(Reply::not_found(format!(
            "charger {c} is not on this account (it has {CHARGER_ID})"
        )));
    }
    Ok(())
}

/// The `errorMessage` of a refused amperage limit `PUT` (the `refuse` fault). No real
/// refusal was captured: the status (422), the `errorCategory` and the words are the sim's.
pub(crate) const LIMIT_REFUSED: &str =
    "The charger did not accept the new charge amperage limit. Try again later.";
/// The `errorMessage` of a refused schedule `PUT` (the `refuse` fault); the sim's words too.
pub(crate) const SCHEDULE_REFUSED: &str =
    "The charging schedule could not be saved to the charger. Try again later.";

/// A `PUT` the charger refused (the `refuse` fault): 422 with ChargePoint's error body.
fn refused(message: &str) -> Reply {
    Reply::with(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        &bodies::error(422, "CHARGER_CONFIGURATION", message),
    )
}

/// Serves a charger call after checking the path's ids.
pub(crate) async fn charger_call<F>(
    sim: &Sim,
    ep: Ep,
    headers: &HeaderMap,
    ids: (Option<&str>, Option<&str>),
    f: F,
) -> Response
where
    F: FnOnce(&mut World, DateTime<Utc>) -> Reply,
{
    let checked = ours(ids.0, ids.1);
    serve(sim, ep, headers, Auth::Required, |w, now| match checked {
        Ok(()) => f(w, now),
        Err(r) => r,
    })
    .await
}

pub(crate) async fn chargers(
    State(sim): State<Sim>,
    Path(user): Path<String>,
    headers: HeaderMap,
) -> Response {
    charger_call(&sim, Ep::Chargers, &headers, (Some(&user), None), |_, _| {
        Reply::ok(&bodies::chargers())
    })
    .await
}

pub(crate) async fn status(
    State(sim): State<Sim>,
    Path((u, c)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    charger_call(
        &sim,
        Ep::Status,
        &headers,
        (Some(&u), Some(&c)),
        |w, now| Reply::ok(&bodies::status(w, now)),
    )
    .await
}

pub(crate) async fn technical_info(
    State(sim): State<Sim>,
    Path((u, c)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let start = sim.start;
    charger_call(
        &sim,
        Ep::TechnicalInfo,
        &headers,
        (Some(&u), Some(&c)),
        |w, now| Reply::ok(&bodies::technical_info(w, now, start)),
    )
    .await
}

pub(crate) async fn config(
    State(sim): State<Sim>,
    Path((u, c)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    charger_call(&sim, Ep::Config, &headers, (Some(&u), Some(&c)), |_, _| {
        Reply::ok(&bodies::config())
    })
    .await
}

pub(crate) async fn restart(
    State(sim): State<Sim>,
    Path((u, c)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    charger_call(&sim, Ep::Restart, &headers, (Some(&u), Some(&c)), |_, _| {
        Reply::ok(&Empty {})
    })
    .await
}

pub(crate) async fn schedule_get(
    State(sim): State<Sim>,
    Path(c): Path<String>,
    headers: HeaderMap,
) -> Response {
    let checked = ours(None, Some(&c));
    serve_read(
        &sim,
        Ep::Schedule,
        &headers,
        Auth::Required,
        |w, _| match checked {
            Ok(()) => Reply::ok(&bodies::schedule(w.schedule)),
            Err(r) => r,
        },
    )
    .await
}

pub(crate) async fn schedule_put(
    State(sim): State<Sim>,
    Path(c): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    charger_call(&sim, Ep::Schedule, &headers, (None, Some(&c)), |w, now| {
        let what = "PUT api/v1/schedule/charger/{chargerId}/schedule";
        let parsed = parse_schedule(&body, what);
        match parsed {
            Ok(_) if w.faults.take_refusing() => refused(SCHEDULE_REFUSED),
            Ok(s) => {
                w.set_schedule(s, now);
                Reply::ok(&bodies::schedule(w.schedule))
            }
            Err(r) => r,
        }
    })
    .await
}

/// The `PUT .../schedule` body as the sim reads it: the windows of
/// [`ScheduleRequest`](crate::api::models::ScheduleRequest), each checked on its own so the
/// answer names the first bad one. No `schedule` (or `null`, or `{}`) disables.
#[derive(Deserialize)]
struct SchedulePut {
    #[serde(default)]
    schedule: Option<WeekPut>,
}

/// `{"weekdays": {"startTime", "endTime"}, "weekends": {...}}`; a window that is not one reads
/// as missing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WeekPut {
    #[serde(default, deserialize_with = "tolerant")]
    weekdays: Option<WindowBody>,
    #[serde(default, deserialize_with = "tolerant")]
    weekends: Option<WindowBody>,
}

/// The schedule a `PUT` body sets: `None` disables.
fn parse_schedule(body: &[u8], what: &str) -> Result<Option<Schedule>, Reply> {
    let week = match decode_body::<SchedulePut>(body, what)?.schedule {
        None
        | Some(WeekPut {
            weekdays: None,
            weekends: None,
        }) => return Ok(None),
        Some(week) => week,
    };
    let window = |part: &str, w: Option<WindowBody>| match w {
        Some(w) => Window::parse(&w.start_time, &w.end_time)
            .map_err(|e| Reply::bad_request(format!("body of {what}: `schedule.{part}`: {e}"))),
        None => Err(Reply::bad_request(format!(
            "body of {what}: `schedule.{part}` needs `startTime` and `endTime` (\"HH:MM\")"
        ))),
    };
    Ok(Some(Schedule {
        weekdays: window("weekdays", week.weekdays)?,
        weekends: window("weekends", week.weekends)?,
    }))
}

pub(crate) async fn amperage(
    State(sim): State<Sim>,
    Path(c): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    charger_call(&sim, Ep::Amperage, &headers, (None, Some(&c)), |w, now| {
        let what = "PUT .../charge-amperage-limit";
        let amps = decode_body::<AmperageRequest>(&body, what).map(|b| b.charge_amperage_limit);
        match amps {
            Ok(a) if (20..=40).contains(&a) && w.faults.take_refusing() => refused(LIMIT_REFUSED),
            Ok(a) if (20..=40).contains(&a) => {
                w.set_amperage(a, now);
                Reply::ok(&bodies::amperage_put(a))
            }
            Ok(a) => Reply::bad_request(format!("chargeAmperageLimit {a} is outside 20..=40")),
            Err(r) => r,
        }
    })
    .await
}
