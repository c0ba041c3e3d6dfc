//! The simulator's own control endpoints under `/_sim/` (JSON in, JSON out, no token, no
//! faults, not counted): move the clock, plug cars in and out, take the charger offline, arm
//! faults, hand out a browser login's cookie, and read the state, including the request counts
//! a benchmark needs.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use super::cookies::TOKEN_S;
use super::fault::FaultSpec;
use super::http::{Reply, Sim, decode_body};
use super::mix;
use super::quirks::add_workplace_session;
use super::session::Car;
use super::world::World;
use super::world::{Quirks, StaleDetails};

/// The longest single advance, seconds (366 days).
const MAX_ADVANCE_S: f64 = 366.0 * 86_400.0;

/// The `/_sim/...` routes.
pub(crate) fn routes() -> Router<Sim> {
    Router::new()
        .route("/_sim/state", get(state))
        .route("/_sim/advance", post(advance))
        .route("/_sim/plug", post(plug))
        .route("/_sim/unplug", post(unplug))
        .route("/_sim/connect", post(connect))
        .route("/_sim/fault", post(fault))
        .route("/_sim/cookie", post(cookie))
        .route("/_sim/stale", post(stale))
        .route("/_sim/id-delay", post(id_delay))
        .route("/_sim/workplace", post(workplace))
        .route("/_sim/no-curve", post(no_curve))
}

/// A field of a control body: a value of the expected type, or anything else (absent and
/// `null` are `None` around it), so each endpoint can say what it expected.
#[derive(Deserialize)]
#[serde(untagged)]
enum Field<T> {
    /// The expected type.
    Fits(T),
    /// Something else.
    Other(IgnoredAny),
}

impl<T> Field<T> {
    /// The value, if it has the expected type.
    fn fits(field: Option<Self>) -> Option<T> {
        match field {
            Some(Self::Fits(v)) => Some(v),
            _ => None,
        }
    }
}

/// `POST /_sim/advance` body.
#[derive(Deserialize)]
struct AdvanceBody {
    #[serde(default)]
    seconds: Option<Field<f64>>,
}

/// `POST /_sim/plug` body.
#[derive(Deserialize)]
struct PlugBody {
    #[serde(default)]
    vehicle: Option<Field<String>>,
    #[serde(default)]
    soc_kwh_needed: Option<Field<f64>>,
}

/// `POST /_sim/connect` body.
#[derive(Deserialize)]
struct ConnectBody {
    #[serde(default)]
    connected: Option<Field<bool>>,
}

/// `POST /_sim/fault` body.
#[derive(Deserialize)]
struct FaultBody {
    #[serde(default)]
    spec: Option<Field<String>>,
}

/// `POST /_sim/stale` body.
#[derive(Deserialize)]
struct StaleBody {
    #[serde(default)]
    details: Option<Field<String>>,
}

/// `POST /_sim/id-delay` body.
#[derive(Deserialize)]
struct IdDelayBody {
    #[serde(default)]
    polls: Option<Field<u32>>,
    #[serde(default)]
    seconds: Option<Field<u32>>,
}

/// `POST /_sim/workplace` body.
#[derive(Deserialize)]
struct WorkplaceBody {
    #[serde(default)]
    vehicle: Option<Field<String>>,
    #[serde(default)]
    hours_ago: Option<Field<f64>>,
    #[serde(default)]
    kwh: Option<Field<f64>>,
}

/// A body of the control endpoints that reads no field (`GET /_sim/state`, `POST /_sim/unplug`).
#[derive(Deserialize)]
struct NoFields {}

/// `POST /_sim/cookie` answer: what a browser login leaves in the `coulomb_sess` cookie.
#[derive(Serialize)]
struct BrowserCookie {
    /// The value to paste into `CP_SESSION_TOKEN`.
    coulomb_sess: String,
    /// Its lifetime, sim seconds.
    max_age_s: i64,
}

/// A refused control call: `{"error": message}` (409).
#[derive(Serialize)]
struct Conflict {
    error: String,
}

/// `GET /_sim/state` and the answer of every successful control call.
#[derive(Serialize)]
struct SimState {
    /// Sim time, RFC 3339 with milliseconds.
    now: String,
    /// Sim time, epoch ms.
    now_ms: i64,
    speed: f64,
    seed: u64,
    scenario: &'static str,
    connected: bool,
    plugged: Option<PluggedState>,
    current_session_id: Option<u64>,
    charging: bool,
    /// kWh.
    session_energy_kwh: Option<f64>,
    schedule_enabled: bool,
    during_scheduled_time: bool,
    /// Amperes.
    amperage_limit: u32,
    sessions: usize,
    history_sessions: usize,
    pending_acks: usize,
    /// The armed faults as `endpoint=kindxleft`.
    faults: Vec<String>,
    /// The real API's oddities in force (`/_sim/stale`, `/_sim/id-delay`).
    quirks: Quirks,
    /// Workplace sessions in the activity list (`/_sim/workplace`).
    workplace_sessions: Vec<u64>,
    /// Requests per endpoint name ([`crate::api::Ep::name`]).
    requests: BTreeMap<&'static str, u64>,
    requests_total: u64,
    logins: u64,
    failed_logins: u64,
}

/// The car at the charger in [`SimState`].
#[derive(Serialize)]
struct PluggedState {
    vehicle: &'static str,
    /// kWh.
    soc_kwh_needed: f64,
}

/// Runs `f` with the body read as `B` on the world at the current sim time and answers with
/// its error or the state.
fn control<B, F>(sim: &Sim, body: &Bytes, what: &str, f: F) -> Response
where
    B: DeserializeOwned,
    F: FnOnce(&mut World, B, DateTime<Utc>) -> Result<(), Reply>,
{
    let mut w = sim.lock();
    let now = w.tick();
    let result = decode_body::<B>(body, what).and_then(|b| f(&mut w, b, now));
    match result {
        Ok(()) => {
            let now = w.tick();
            Reply::ok(&snapshot(&w, now)).response()
        }
        Err(r) => r.response(),
    }
}

fn conflict(message: String) -> Reply {
    Reply::with(StatusCode::CONFLICT, &Conflict { error: message })
}

async fn state(State(sim): State<Sim>) -> Response {
    control(
        &sim,
        &Bytes::new(),
        "GET /_sim/state",
        |_, _: NoFields, _| Ok(()),
    )
}

/// `{"seconds": n}`: moves sim time forward, playing schedule edges and confirmations.
async fn advance(State(sim): State<Sim>, body: Bytes) -> Response {
    control(
        &sim,
        &body,
        "POST /_sim/advance",
        |w, b: AdvanceBody, _| match Field::fits(b.seconds) {
            Some(s) if (0.0..=MAX_ADVANCE_S).contains(&s) => {
                w.clock.advance(s);
                Ok(())
            }
            _ => Err(Reply::bad_request(
                "body of POST /_sim/advance: `seconds` must be a number from 0 to 31622400 (366 days)",
            )),
        },
    )
}

/// `{"vehicle": "serenity_equinox_2024" | "volvo_xc40_2021" | "guest", "soc_kwh_needed": x?}`.
async fn plug(State(sim): State<Sim>, body: Bytes) -> Response {
    control(&sim, &body, "POST /_sim/plug", |w, b: PlugBody, now| {
        let key = Field::fits(b.vehicle).unwrap_or_default();
        let Some(car) = Car::parse(&key) else {
            let names: Vec<&str> = Car::ALL.iter().map(|c| c.key()).collect();
            return Err(Reply::bad_request(format!(
                "body of POST /_sim/plug: unknown vehicle {key:?}; expected one of {}",
                names.join(", ")
            )));
        };
        let need = match b.soc_kwh_needed {
            None => {
                let pick = mix(w.seed ^ 0x9106, now.timestamp().unsigned_abs()) % 3000;
                (20.0 + pick as f64 / 100.0).min(car.profile().battery_kwh * 0.9)
            }
            Some(v) => match Field::fits(Some(v)) {
                Some(x) if x.is_finite() && x >= 0.0 => x,
                _ => {
                    return Err(Reply::bad_request(
                        "body of POST /_sim/plug: `soc_kwh_needed` must be a number >= 0 (kWh)",
                    ));
                }
            },
        };
        w.plug(car, need, now).map_err(conflict)
    })
}

async fn unplug(State(sim): State<Sim>, body: Bytes) -> Response {
    control(&sim, &body, "POST /_sim/unplug", |w, _: NoFields, now| {
        w.unplug(now)
            .map(|_| ())
            .ok_or_else(|| conflict("no car is plugged in".into()))
    })
}

/// `{"connected": bool}`.
async fn connect(State(sim): State<Sim>, body: Bytes) -> Response {
    control(
        &sim,
        &body,
        "POST /_sim/connect",
        |w, b: ConnectBody, now| match Field::fits(b.connected) {
            Some(c) => {
                w.set_connected(c, now);
                Ok(())
            }
            None => Err(Reply::bad_request(
                "body of POST /_sim/connect: `connected` must be true or false",
            )),
        },
    )
}

/// `{"spec": "status=503x2"}`.
async fn fault(State(sim): State<Sim>, body: Bytes) -> Response {
    control(&sim, &body, "POST /_sim/fault", |w, b: FaultBody, _| {
        let spec = Field::fits(b.spec).ok_or_else(|| {
            Reply::bad_request(
                "body of POST /_sim/fault: `spec` must be a string like \"status=503x2\"",
            )
        })?;
        let spec: FaultSpec = spec.parse().map_err(Reply::bad_request)?;
        w.faults.add(spec);
        Ok(())
    })
}

/// `{}`: a fresh session cookie, as if the user logged in at chargepoint.com in a browser (no
/// password login is counted); valid for two sim hours like every token.
async fn cookie(State(sim): State<Sim>, body: Bytes) -> Response {
    let mut w = sim.lock();
    let now = w.tick();
    if let Err(r) = decode_body::<NoFields>(&body, "POST /_sim/cookie") {
        return r.response();
    }
    Reply::ok(&BrowserCookie {
        coulomb_sess: w.tokens.issue(now),
        max_age_s: TOKEN_S,
    })
    .response()
}

/// `{"details": "empty" | "error" | "off"}`: while no session runs, the user status keeps
/// listing the last finished session, whose details answer `{}` or an error (`off` ends it).
async fn stale(State(sim): State<Sim>, body: Bytes) -> Response {
    control(&sim, &body, "POST /_sim/stale", |w, b: StaleBody, _| {
        let word = Field::fits(b.details).unwrap_or_default();
        w.quirks.stale_session = StaleDetails::parse(&word)
            .map_err(|e| Reply::bad_request(format!("body of POST /_sim/stale: {e}")))?;
        Ok(())
    })
}

/// `{"polls": n, "seconds": s}`: the user status leaves out a running session's id for its
/// first `n` answers and its first `s` sim seconds, while the charger reports `CHARGING`
/// (0 and 0 end it).
async fn id_delay(State(sim): State<Sim>, body: Bytes) -> Response {
    control(
        &sim,
        &body,
        "POST /_sim/id-delay",
        |w, b: IdDelayBody, _| {
            let bad = || {
                Reply::bad_request(
                    "body of POST /_sim/id-delay: `polls` and `seconds` must be whole numbers >= 0",
                )
            };
            let read = |f: Option<Field<u32>>| match f {
                None => Ok(0),
                Some(f) => Field::fits(Some(f)).ok_or_else(bad),
            };
            w.quirks.id_delay_polls = read(b.polls)?;
            w.quirks.id_delay_seconds = read(b.seconds)?;
            w.id_polls = (0, 0);
            Ok(())
        },
    )
}

/// `{"vehicle": ..., "hours_ago": h, "kwh": x}`: a finished session at a workplace station
/// (device 100000777, without `is_home_charger`) joins the activity list; defaults: the Volvo,
/// 26 hours ago, 9.74 kWh.
async fn workplace(State(sim): State<Sim>, body: Bytes) -> Response {
    control(
        &sim,
        &body,
        "POST /_sim/workplace",
        |w, b: WorkplaceBody, now| {
            let car = match Field::fits(b.vehicle) {
                None => Car::Xc40,
                Some(key) => Car::parse(&key).ok_or_else(|| {
                    Reply::bad_request(format!(
                        "body of POST /_sim/workplace: unknown vehicle {key:?}"
                    ))
                })?,
            };
            let number = |f: Option<Field<f64>>, default: f64, what: &str| match f {
                None => Ok(default),
                Some(f) => Field::fits(Some(f))
                    .filter(|x: &f64| x.is_finite() && *x > 0.0 && *x <= 24.0 * 366.0)
                    .ok_or_else(|| {
                        Reply::bad_request(format!(
                            "body of POST /_sim/workplace: `{what}` must be a number > 0"
                        ))
                    }),
            };
            let hours = number(b.hours_ago, 26.0, "hours_ago")?;
            let kwh = number(b.kwh, 9.74, "kwh")?;
            add_workplace_session(w, car, hours, kwh, now);
            Ok(())
        },
    )
}

/// `POST /_sim/no-curve` body.
#[derive(Deserialize)]
struct NoCurveBody {
    #[serde(default)]
    days_ago: Option<Field<f64>>,
}

/// `{"days_ago": d}`: the details of a session that ended more than `d` days ago come without
/// `update_data` from now on (`{"days_ago": null}` turns it off).
async fn no_curve(State(sim): State<Sim>, body: Bytes) -> Response {
    control(
        &sim,
        &body,
        "POST /_sim/no-curve",
        |w, b: NoCurveBody, _| {
            w.quirks.no_curve_after_days = b
                .days_ago
                .map(|f| {
                    Field::fits(Some(f))
                        .filter(|x: &f64| x.is_finite() && *x >= 0.0)
                        .ok_or_else(|| {
                            Reply::bad_request(
                                "body of POST /_sim/no-curve: `days_ago` must be a number >= 0"
                                    .to_owned(),
                            )
                        })
                })
                .transpose()?;
            Ok(())
        },
    )
}

/// `GET /_sim/state`.
fn snapshot(w: &World, now: DateTime<Utc>) -> SimState {
    let current = w.current.and_then(|id| w.sessions.get(&id));
    SimState {
        now: now.to_rfc3339_opts(SecondsFormat::Millis, true),
        now_ms: now.timestamp_millis(),
        speed: w.clock.speed(),
        seed: w.seed,
        scenario: w.scenario.name(),
        connected: w.connected,
        plugged: w.plugged.map(|p| PluggedState {
            vehicle: p.car.key(),
            soc_kwh_needed: p.need_kwh,
        }),
        current_session_id: w.current,
        charging: w.charging(now),
        session_energy_kwh: current.map(|s| s.energy(now)),
        schedule_enabled: w.schedule.is_some(),
        during_scheduled_time: w.during_schedule(now),
        amperage_limit: w.amperage,
        sessions: w.sessions.len(),
        history_sessions: w.history_sessions,
        pending_acks: w.pending_acks(),
        faults: w.faults.describe(),
        quirks: w.quirks,
        workplace_sessions: w
            .sessions
            .values()
            .filter(|s| s.away)
            .map(|s| s.id)
            .collect(),
        requests: w.requests.clone(),
        requests_total: w.requests.values().sum::<u64>(),
        logins: w.logins,
        failed_logins: w.failed_logins,
    }
}
