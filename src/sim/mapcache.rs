//! `POST mapcache_endpoint v2` (the user status, the activity list, session details) and the
//! driver-bff session details.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::http::{Auth, BadBody, Reply, Sim, read_body, serve};
use super::world::World;
use super::{activity, quirks};
use crate::api::Ep;
use crate::api::models::{MapcacheRequest, SessionAnswer, SessionDetails};

/// The largest `page_size` of the activity list.
const MAX_PAGE_SIZE: u32 = 500;

/// `POST mapcache v2`: the body's one key says what is asked. A body whose query does not fit
/// is a 400 counted under that query's endpoint (after the token check, like any answer).
pub(crate) async fn mapcache(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    let what = "POST mapcache v2";
    let request: MapcacheRequest = match read_body(&body) {
        Ok(r) => r,
        Err(bad) => {
            let reply = bad.reply(what);
            return match query_of(&bad) {
                Some(ep) => serve(&sim, ep, &headers, Auth::Required, |_, _| reply).await,
                None => reply.response(),
            };
        }
    };
    if let Some(q) = request.charging_activity_monthly {
        return serve(&sim, Ep::Activity, &headers, Auth::Required, |w, now| {
            if !(1..=MAX_PAGE_SIZE).contains(&q.page_size) {
                return Reply::bad_request(format!(
                    "charging_activity_monthly.page_size must be 1 to {MAX_PAGE_SIZE}"
                ));
            }
            match activity::page(w, now, q.page_size as usize, q.page_offset.as_deref()) {
                Ok(page) => Reply::ok(&page),
                Err(e) => Reply::bad_request(e),
            }
        })
        .await;
    }
    if let Some(q) = request.charging_status {
        return serve(&sim, Ep::Session, &headers, Auth::Required, |w, now| {
            session_answer(w, q.session_id, now)
        })
        .await;
    }
    if request.user_status.is_some() {
        return serve(&sim, Ep::UserStatus, &headers, Auth::Required, |w, now| {
            Reply::ok(&quirks::user_status(w, now))
        })
        .await;
    }
    Reply::bad_request(format!(
        "body of {what}: expected one of the keys user_status, charging_activity_monthly, charging_status"
    ))
    .response()
}

/// The endpoint of the query whose part failed to read, from the error's JSON pointer.
fn query_of(bad: &BadBody) -> Option<Ep> {
    let BadBody::Field { pointer, .. } = bad else {
        return None;
    };
    let key = pointer.strip_prefix('/')?.split('/').next()?;
    match key {
        "charging_activity_monthly" => Some(Ep::Activity),
        "charging_status" => Some(Ep::Session),
        "user_status" => Some(Ep::UserStatus),
        _ => None,
    }
}

/// Session details through driver-bff: the id is in the path (the body is not read).
pub(crate) async fn session(
    State(sim): State<Sim>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(
        &sim,
        Ep::Session,
        &headers,
        Auth::Required,
        |w, now| match id.parse::<u64>() {
            Ok(id) => session_answer(w, id, now),
            Err(_) => reported(format!("invalid session id {id:?}")),
        },
    )
    .await
}

/// `{"charging_status": {...}}`; an unknown id is a 200 whose `charging_status` holds `error`.
fn session_answer(w: &World, id: u64, now: DateTime<Utc>) -> Reply {
    if let Some(stale) = quirks::stale_details(w, id) {
        return Reply::ok(&SessionAnswer {
            charging_status: stale,
        });
    }
    match w.sessions.get(&id) {
        Some(s) => {
            let mut charging_status = s.charging_status(now, w.tz);
            quirks::forget_old_curve(w, &mut charging_status, now);
            Reply::ok(&SessionAnswer { charging_status })
        }
        None => reported(format!("session {id} not found")),
    }
}

/// A 200 whose `charging_status` is only `{"error": message}`, like the real API's failures.
fn reported(message: String) -> Reply {
    Reply::ok(&SessionAnswer {
        charging_status: SessionDetails {
            error: Some(message),
            ..SessionDetails::default()
        },
    })
}
