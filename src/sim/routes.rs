//! The fake ChargePoint endpoints. Each path is `<discovery endpoint key> + <real path>`, so a
//! client that joins discovery values with paths lands here unchanged.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use super::charger::{
    amperage, chargers, config, restart, schedule_get, schedule_put, status, technical_info,
};
use super::command::{AckAnswer, Action};
use super::http::{
    Auth, Reply, Sim, body_object, id_field, json_response, presented_tokens, serve,
};
use super::world::World;
use super::{CHARGER_ID, Scenario, activity, bodies, control};
use crate::api::Ep;

const HCM: &str = "/hcpo_hcm_endpoint/api/v1";

/// Every route of the simulator, control endpoints included.
pub(crate) fn router(sim: Sim) -> Router {
    let charger =
        |tail: &str| format!("{HCM}/configuration/users/{{user}}/chargers/{{charger}}{tail}");
    Router::new()
        .route("/discovery/v3/globalconfig", post(discovery))
        .route("/sso_endpoint/v1/user/login", post(login))
        .route("/sso_endpoint/v1/user/logout", post(logout))
        .route("/accounts_endpoint/v1/driver/profile/user", get(profile))
        .route("/accounts_endpoint/v1/driver/vehicle", get(vehicles))
        .route(
            "/accounts_endpoint/v1/driver/station/startsession",
            post(start),
        )
        .route(
            "/accounts_endpoint/v1/driver/station/stopSession",
            post(stop),
        )
        .route(
            "/accounts_endpoint/v1/driver/station/session/ack",
            post(ack),
        )
        .route(
            &format!("{HCM}/configuration/users/{{user}}/chargers"),
            get(chargers),
        )
        .route(&charger("/status"), get(status))
        .route(&charger("/technical-info"), get(technical_info))
        .route(&charger("/configurations"), get(config))
        .route(&charger("/restart"), post(restart))
        .route(
            &format!("{HCM}/schedule/charger/{{charger}}/schedule"),
            get(schedule_get).put(schedule_put),
        )
        .route(
            &format!("{HCM}/configuration/chargers/{{charger}}/charge-amperage-limit"),
            put(amperage),
        )
        .route("/mapcache_endpoint/v2", post(mapcache))
        .route("/gw/driver-bff/v1/sessions/{id}", post(session))
        .route("/driver_bff_endpoint/v1/sessions/{id}", post(session))
        .merge(control::routes())
        .fallback(unknown)
        .with_state(sim)
}

async fn unknown(method: Method, uri: Uri) -> Response {
    let message = format!("cph50 sim has no route for {method} {}", uri.path());
    json_response(
        StatusCode::NOT_FOUND,
        &bodies::error(404, "NOT_FOUND", &message),
    )
}

async fn discovery(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    let answer = sim.discovery.clone();
    serve(&sim, Ep::Discovery, &headers, Auth::Open, |_, _| {
        Reply::ok(answer)
    })
    .await
}

async fn login(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    serve(&sim, Ep::Login, &headers, Auth::Open, |w, now| {
        let what = "POST v1/user/login";
        let body = match body_object(&body, what) {
            Ok(b) => b,
            Err(r) => return r,
        };
        if w.scenario == Scenario::Captcha {
            w.failed_logins += 1;
            return Reply::with(StatusCode::FORBIDDEN, bodies::datadome());
        }
        let field = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (user, password) = (field("username"), field("password"));
        if user.is_empty() {
            return Reply::bad_request(format!("body of {what}: field `username` is missing"));
        }
        if password != w.password {
            w.failed_logins += 1;
            return Reply::with(
                StatusCode::UNAUTHORIZED,
                bodies::error(9, "AUTHENTICATION", "Invalid username or password"),
            );
        }
        w.logins += 1;
        let mut reply = Reply::ok(json!({}));
        reply.token = Some(w.tokens.issue(now));
        reply
    })
    .await
}

async fn logout(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    let tokens = presented_tokens(&headers);
    serve(&sim, Ep::Logout, &headers, Auth::Open, |w, _| {
        tokens.iter().for_each(|t| w.tokens.revoke(t));
        let mut reply = Reply::ok(json!({}));
        reply.clear_cookie = true;
        reply
    })
    .await
}

async fn profile(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    serve(&sim, Ep::Profile, &headers, Auth::Required, |_, _| {
        Reply::ok(bodies::profile())
    })
    .await
}

async fn vehicles(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    serve(&sim, Ep::Vehicles, &headers, Auth::Required, |_, _| {
        Reply::ok(bodies::vehicles())
    })
    .await
}

/// `deviceId` of a command body, which must be the home charger.
fn device(body: &Value, what: &str) -> Result<(), Reply> {
    let id = id_field(body, "deviceId", what)?;
    if id == CHARGER_ID {
        Ok(())
    } else {
        Err(Reply::not_found(format!(
            "station {id} is not on this account (it has {CHARGER_ID})"
        )))
    }
}

async fn start(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    serve(&sim, Ep::Start, &headers, Auth::Required, |w, now| {
        let what = "POST v1/driver/station/startsession";
        let checked = body_object(&body, what).and_then(|b| device(&b, what));
        match checked {
            Ok(()) => Reply::ok(json!({"ackId": w.command(Action::Start, None, now)})),
            Err(r) => r,
        }
    })
    .await
}

async fn stop(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    serve(&sim, Ep::Stop, &headers, Auth::Required, |w, now| {
        let what = "POST v1/driver/station/stopSession";
        let session = body_object(&body, what)
            .and_then(|b| device(&b, what).and_then(|()| id_field(&b, "sessionId", what)));
        match session {
            Ok(id) => Reply::ok(json!({"ackId": w.command(Action::Stop, Some(id), now)})),
            Err(r) => r,
        }
    })
    .await
}

async fn ack(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    serve(&sim, Ep::Ack, &headers, Auth::Required, |w, now| {
        let what = "POST v1/driver/station/session/ack";
        let parsed = body_object(&body, what).and_then(|b| {
            let id = id_field(&b, "ackId", what)?;
            match b.get("action").and_then(Value::as_str) {
                Some("start_session") => Ok((id, Action::Start)),
                Some("stop_session") => Ok((id, Action::Stop)),
                _ => Err(Reply::bad_request(format!(
                    "body of {what}: field `action` must be \"start_session\" or \"stop_session\""
                ))),
            }
        });
        let (id, action) = match parsed {
            Ok(p) => p,
            Err(r) => return r,
        };
        match w.poll_ack(id, action, now) {
            AckAnswer::Pending => {
                Reply::with(StatusCode::UNPROCESSABLE_ENTITY, bodies::ack_pending())
            }
            AckAnswer::Confirmed(Some(shown)) => Reply::ok(json!({"sessionId": shown})),
            AckAnswer::Confirmed(None) => Reply::ok(json!({})),
            AckAnswer::Refused(reason) => Reply::with(
                StatusCode::CONFLICT,
                bodies::error(2, "STATION_REFUSED", reason),
            ),
            AckAnswer::Unknown => Reply::not_found(format!("ackId {id} is unknown")),
            AckAnswer::WrongAction(a) => Reply::bad_request(format!(
                "ackId {id} belongs to action {:?}, not {:?}",
                a.word(),
                action.word()
            )),
        }
    })
    .await
}

/// `POST mapcache v2`: the body's one key says what is asked.
async fn mapcache(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    let what = "POST mapcache v2";
    let parsed = match body_object(&body, what) {
        Ok(b) => b,
        Err(r) => return json_response(r.status, &r.body),
    };
    if let Some(q) = parsed.get("charging_activity_monthly") {
        let size = q
            .get("page_size")
            .map_or(Some(25), Value::as_u64)
            .filter(|n| (1..=500).contains(n));
        let offset = q
            .get("page_offset")
            .and_then(Value::as_str)
            .map(str::to_owned);
        return serve(&sim, Ep::Activity, &headers, Auth::Required, |w, now| {
            let Some(size) = size else {
                return Reply::bad_request("charging_activity_monthly.page_size must be 1 to 500");
            };
            match activity::page(w, now, size as usize, offset.as_deref()) {
                Ok(page) => Reply::ok(page),
                Err(e) => Reply::bad_request(e),
            }
        })
        .await;
    }
    if let Some(q) = parsed.get("charging_status") {
        let id = id_field(q, "session_id", "charging_status");
        return serve(
            &sim,
            Ep::Session,
            &headers,
            Auth::Required,
            |w, now| match id {
                Ok(id) => session_answer(w, id, now),
                Err(r) => r,
            },
        )
        .await;
    }
    if parsed.get("user_status").is_some() {
        return serve(&sim, Ep::UserStatus, &headers, Auth::Required, |w, _| {
            Reply::ok(bodies::user_status(w))
        })
        .await;
    }
    let r = Reply::bad_request(format!(
        "body of {what}: expected one of the keys user_status, charging_activity_monthly, charging_status"
    ));
    json_response(r.status, &r.body)
}

async fn session(State(sim): State<Sim>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    serve(
        &sim,
        Ep::Session,
        &headers,
        Auth::Required,
        |w, now| match id.parse::<u64>() {
            Ok(id) => session_answer(w, id, now),
            Err(_) => Reply::ok(
                json!({"charging_status": {"error": format!("invalid session id {id:?}")}}),
            ),
        },
    )
    .await
}

/// `{"charging_status": {...}}`; an unknown id is a 200 whose `charging_status` holds `error`.
fn session_answer(w: &World, id: u64, now: chrono::DateTime<chrono::Utc>) -> Reply {
    match w.sessions.get(&id) {
        Some(s) => Reply::ok(json!({"charging_status": s.charging_status(now, w.tz)})),
        None => Reply::ok(json!({"charging_status": {"error": format!("session {id} not found")}})),
    }
}
