//! The simulator's own control endpoints under `/_sim/` (JSON in, JSON out, no token, no
//! faults, not counted): move the clock, plug cars in and out, take the charger offline, arm
//! faults, and read the state, including the request counts a benchmark needs.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::fault::FaultSpec;
use super::http::{Reply, Sim, body_object, json_response};
use super::mix;
use super::session::Car;
use super::world::World;

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
}

/// Runs `f` on the world at the current sim time and answers with its error or the state.
fn control<F>(sim: &Sim, body: &Bytes, what: &str, f: F) -> Response
where
    F: FnOnce(&mut World, &Value, DateTime<Utc>) -> Result<(), Reply>,
{
    let mut w = sim.lock();
    let now = w.tick();
    let result = body_object(body, what).and_then(|b| f(&mut w, &b, now));
    match result {
        Ok(()) => {
            let now = w.tick();
            json_response(StatusCode::OK, &snapshot(&w, now))
        }
        Err(r) => json_response(r.status, &r.body),
    }
}

fn conflict(message: String) -> Reply {
    Reply::with(StatusCode::CONFLICT, json!({"error": message}))
}

async fn state(State(sim): State<Sim>) -> Response {
    control(&sim, &Bytes::new(), "GET /_sim/state", |_, _, _| Ok(()))
}

/// `{"seconds": n}`: moves sim time forward, playing schedule edges and confirmations.
async fn advance(State(sim): State<Sim>, body: Bytes) -> Response {
    control(&sim, &body, "POST /_sim/advance", |w, b, _| {
        let seconds = b.get("seconds").and_then(Value::as_f64);
        match seconds {
            Some(s) if (0.0..=MAX_ADVANCE_S).contains(&s) => {
                w.clock.advance(s);
                Ok(())
            }
            _ => Err(Reply::bad_request(
                "body of POST /_sim/advance: `seconds` must be a number from 0 to 31622400 (366 days)",
            )),
        }
    })
}

/// `{"vehicle": "serenity_equinox_2024" | "volvo_xc40_2021" | "guest", "soc_kwh_needed": x?}`.
async fn plug(State(sim): State<Sim>, body: Bytes) -> Response {
    control(&sim, &body, "POST /_sim/plug", |w, b, now| {
        let key = b.get("vehicle").and_then(Value::as_str).unwrap_or_default();
        let Some(car) = Car::parse(key) else {
            let names: Vec<&str> = Car::ALL.iter().map(|c| c.key()).collect();
            return Err(Reply::bad_request(format!(
                "body of POST /_sim/plug: unknown vehicle {key:?}; expected one of {}",
                names.join(", ")
            )));
        };
        let need = match b.get("soc_kwh_needed") {
            None | Some(Value::Null) => {
                let pick = mix(w.seed ^ 0x9106, now.timestamp().unsigned_abs()) % 3000;
                (20.0 + pick as f64 / 100.0).min(car.profile().battery_kwh * 0.9)
            }
            Some(v) => match v.as_f64() {
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
    control(&sim, &body, "POST /_sim/unplug", |w, _, now| {
        w.unplug(now)
            .map(|_| ())
            .ok_or_else(|| conflict("no car is plugged in".into()))
    })
}

/// `{"connected": bool}`.
async fn connect(State(sim): State<Sim>, body: Bytes) -> Response {
    control(&sim, &body, "POST /_sim/connect", |w, b, now| {
        match b.get("connected").and_then(Value::as_bool) {
            Some(c) => {
                w.set_connected(c, now);
                Ok(())
            }
            None => Err(Reply::bad_request(
                "body of POST /_sim/connect: `connected` must be true or false",
            )),
        }
    })
}

/// `{"spec": "status=503x2"}`.
async fn fault(State(sim): State<Sim>, body: Bytes) -> Response {
    control(&sim, &body, "POST /_sim/fault", |w, b, _| {
        let spec = b.get("spec").and_then(Value::as_str).ok_or_else(|| {
            Reply::bad_request(
                "body of POST /_sim/fault: `spec` must be a string like \"status=503x2\"",
            )
        })?;
        let spec: FaultSpec = spec.parse().map_err(Reply::bad_request)?;
        w.faults.add(spec);
        Ok(())
    })
}

/// `GET /_sim/state`.
fn snapshot(w: &World, now: DateTime<Utc>) -> Value {
    let current = w.current.and_then(|id| w.sessions.get(&id));
    json!({
        "now": now.to_rfc3339_opts(SecondsFormat::Millis, true),
        "now_ms": now.timestamp_millis(),
        "speed": w.clock.speed(),
        "seed": w.seed,
        "scenario": w.scenario.name(),
        "connected": w.connected,
        "plugged": w.plugged.map(|p| json!({
            "vehicle": p.car.key(),
            "soc_kwh_needed": p.need_kwh,
        })),
        "current_session_id": w.current,
        "charging": w.charging(now),
        "session_energy_kwh": current.map(|s| s.energy(now)),
        "schedule_enabled": w.schedule.is_some(),
        "during_scheduled_time": w.during_schedule(now),
        "amperage_limit": w.amperage,
        "sessions": w.sessions.len(),
        "history_sessions": w.history_sessions,
        "pending_acks": w.pending_acks(),
        "faults": w.faults.describe(),
        "requests": w.requests,
        "requests_total": w.requests.values().sum::<u64>(),
        "logins": w.logins,
        "failed_logins": w.failed_logins,
    })
}
