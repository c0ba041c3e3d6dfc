//! The fake ChargePoint endpoints. Each path is `<discovery endpoint key> + <real path>`, so a
//! client that joins discovery values with paths lands here unchanged. Request bodies are read
//! as the client's own request models; answers are its answer models.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post, put};

use super::ack::{AckAnswer, Action};
use super::charger::{
    amperage, chargers, config, restart, schedule_get, schedule_put, status, technical_info,
};
use super::http::{Auth, Reply, Sim, decode_body, presented_tokens, serve};
use super::{CHARGER_ID, Scenario, bodies, control, mapcache};
use crate::api::Ep;
use crate::api::models::{
    AckAnswer as AckBody, AckIdAnswer, AckRequest, Empty, LoginRequest, StartRequest, StopRequest,
};

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
        .route("/mapcache_endpoint/v2", post(mapcache::mapcache))
        .route("/gw/driver-bff/v1/sessions/{id}", post(mapcache::session))
        .route(
            "/driver_bff_endpoint/v1/sessions/{id}",
            post(mapcache::session),
        )
        .merge(control::routes())
        .fallback(unknown)
        .with_state(sim)
}

async fn unknown(method: Method, uri: Uri) -> Response {
    let message = format!("cph50 sim has no route for {method} {}", uri.path());
    Reply::not_found(message).response()
}

async fn discovery(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    serve(&sim, Ep::Discovery, &headers, Auth::Open, |_, _| {
        Reply::ok(&sim.discovery)
    })
    .await
}

async fn login(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    serve(&sim, Ep::Login, &headers, Auth::Open, |w, now| {
        let what = "POST v1/user/login";
        let body: LoginRequest = match decode_body(&body, what) {
            Ok(b) => b,
            Err(r) => return r,
        };
        if w.scenario == Scenario::Captcha {
            w.failed_logins += 1;
            return Reply::with(StatusCode::FORBIDDEN, &bodies::datadome());
        }
        if body.username.is_empty() {
            return Reply::bad_request(format!("body of {what}: field `username` is missing"));
        }
        if body.password != w.password {
            w.failed_logins += 1;
            return Reply::with(
                StatusCode::UNAUTHORIZED,
                &bodies::error(9, "AUTHENTICATION", "Invalid username or password"),
            );
        }
        w.logins += 1;
        let mut reply = Reply::ok(&Empty {});
        reply.token = Some(w.tokens.issue(now));
        reply
    })
    .await
}

async fn logout(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    let tokens = presented_tokens(&headers);
    serve(&sim, Ep::Logout, &headers, Auth::Open, |w, _| {
        tokens.iter().for_each(|t| w.tokens.revoke(t));
        let mut reply = Reply::ok(&Empty {});
        reply.clear_cookie = true;
        reply
    })
    .await
}

async fn profile(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    serve(&sim, Ep::Profile, &headers, Auth::Required, |_, _| {
        Reply::ok(&bodies::profile())
    })
    .await
}

async fn vehicles(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    serve(&sim, Ep::Vehicles, &headers, Auth::Required, |_, _| {
        Reply::ok(&bodies::vehicles())
    })
    .await
}

/// A command's `deviceId`, which must be the home charger.
fn device(id: u64) -> Result<(), Reply> {
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
        let checked = decode_body::<StartRequest>(&body, what).and_then(|b| device(b.device_id));
        match checked {
            Ok(()) => Reply::ok(&AckIdAnswer {
                ack_id: w.command(Action::Start, None, now),
            }),
            Err(r) => r,
        }
    })
    .await
}

async fn stop(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    serve(&sim, Ep::Stop, &headers, Auth::Required, |w, now| {
        let what = "POST v1/driver/station/stopSession";
        let session = decode_body::<StopRequest>(&body, what)
            .and_then(|b| device(b.device_id).map(|()| b.session_id));
        match session {
            Ok(id) => Reply::ok(&AckIdAnswer {
                ack_id: w.command(Action::Stop, Some(id), now),
            }),
            Err(r) => r,
        }
    })
    .await
}

async fn ack(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    serve(&sim, Ep::Ack, &headers, Auth::Required, |w, now| {
        let what = "POST v1/driver/station/session/ack";
        let parsed = decode_body::<AckRequest>(&body, what).and_then(|b| match b.action.as_ref() {
            "start_session" => Ok((b.ack_id, Action::Start)),
            "stop_session" => Ok((b.ack_id, Action::Stop)),
            _ => Err(Reply::bad_request(format!(
                "body of {what}: field `action` must be \"start_session\" or \"stop_session\""
            ))),
        });
        let (id, action) = match parsed {
            Ok(p) => p,
            Err(r) => return r,
        };
        match w.poll_ack(id, action, now) {
            AckAnswer::Pending => {
                Reply::with(StatusCode::UNPROCESSABLE_ENTITY, &bodies::ack_pending())
            }
            AckAnswer::Confirmed(shown) => Reply::ok(&AckBody { session_id: shown }),
            AckAnswer::Refused(reason) => Reply::with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &bodies::ack_refused(reason),
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
