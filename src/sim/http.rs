//! What every API answer goes through: the request count, injected faults, the session-token
//! check and the fresh `coulomb_sess` cookie.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::http::header::{CONTENT_TYPE, COOKIE, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::bodies;
use super::fault::FaultKind;
use super::tokens::TOKEN_S;
use super::world::World;
use crate::api::Ep;

/// State shared by all handlers.
pub(crate) struct Shared {
    /// The simulated household.
    pub(crate) world: Mutex<World>,
    /// The discovery answer, endpoints already pointing here.
    pub(crate) discovery: Value,
    /// The sim clock's start.
    pub(crate) start: DateTime<Utc>,
}

/// The handlers' view of [`Shared`].
pub(crate) type Sim = Arc<Shared>;

impl Shared {
    /// The world, even after a handler panicked while holding it (its state is still usable).
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether an endpoint needs a session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// Open (discovery, login, logout).
    Open,
    /// Needs a live `coulomb_sess` token; the answer carries a fresh one.
    Required,
}

/// One answer before faults and cookies are applied.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
    /// A token to hand out in `Set-Cookie` (login).
    pub(crate) token: Option<String>,
    /// Clear the cookie (logout).
    pub(crate) clear_cookie: bool,
}

impl Reply {
    /// 200 with `body`.
    pub(crate) fn ok(body: Value) -> Self {
        Self::with(StatusCode::OK, body)
    }

    /// `status` with `body`.
    pub(crate) fn with(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            token: None,
            clear_cookie: false,
        }
    }

    /// 400 naming what was wrong with the request.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::with(
            StatusCode::BAD_REQUEST,
            bodies::error(400, "VALIDATION", &message.into()),
        )
    }

    /// 404 naming what was not found.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::with(
            StatusCode::NOT_FOUND,
            bodies::error(404, "NOT_FOUND", &message.into()),
        )
    }
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    (status, headers, body.to_string()).into_response()
}

/// The JSON object of a request body; an empty body counts as `{}`.
pub(crate) fn body_object(body: &Bytes, what: &str) -> Result<Value, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => Ok(v),
        Ok(_) => Err(Reply::bad_request(format!(
            "body of {what}: expected a JSON object"
        ))),
        Err(e) => Err(Reply::bad_request(format!("body of {what}: not JSON: {e}"))),
    }
}

/// An integer field of a body: a JSON number or a string of digits.
pub(crate) fn id_field(body: &Value, key: &str, what: &str) -> Result<u64, Reply> {
    match body.get(key) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        Reply::bad_request(format!(
            "body of {what}: field `{key}` must be a whole number"
        ))
    })
}

/// Every token the request presents: `coulomb_sess` cookies and `cp-session-token`.
pub(crate) fn presented_tokens(headers: &HeaderMap) -> Vec<String> {
    let mut tokens: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix("coulomb_sess="))
        .map(str::to_owned)
        .collect();
    tokens.extend(
        headers
            .get_all("cp-session-token")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.trim().to_owned()),
    );
    tokens
}

/// Runs one API call: counts it, applies an armed fault, checks the token, calls `handle`
/// with the world at the current sim time, and sets a fresh cookie on authenticated answers.
pub(crate) async fn serve<F>(
    sim: &Shared,
    ep: Ep,
    headers: &HeaderMap,
    auth: Auth,
    handle: F,
) -> Response
where
    F: FnOnce(&mut World, DateTime<Utc>) -> Reply,
{
    let fault = {
        let mut w = sim.lock();
        w.tick();
        w.count(ep.name());
        w.faults.take(ep)
    };
    match fault {
        Some(FaultKind::Delay(ms)) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        Some(FaultKind::Status(code)) => return status_fault(code),
        Some(FaultKind::Expire) => {
            sim.lock().tokens.expire_all();
            return json_response(StatusCode::UNAUTHORIZED, &bodies::invalid_session());
        }
        Some(FaultKind::CaptchaJson) => {
            return json_response(StatusCode::FORBIDDEN, &bodies::datadome());
        }
        Some(FaultKind::CaptchaHtml) => {
            let mut h = HeaderMap::new();
            h.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            return (StatusCode::FORBIDDEN, h, bodies::DATADOME_HTML).into_response();
        }
        Some(FaultKind::Truncated | FaultKind::Empty) | None => {}
    }
    let reply = {
        let mut w = sim.lock();
        let now = w.tick();
        if auth == Auth::Required {
            let tokens = presented_tokens(headers);
            if !tokens.iter().any(|t| w.tokens.valid(t, now)) {
                return json_response(StatusCode::UNAUTHORIZED, &bodies::invalid_session());
            }
            let mut reply = handle(&mut w, now);
            reply.token = Some(w.tokens.issue(now));
            reply
        } else {
            handle(&mut w, now)
        }
    };
    let mut response = match fault {
        Some(FaultKind::Empty) => (StatusCode::OK, String::new()).into_response(),
        Some(FaultKind::Truncated) => {
            let text = reply.body.to_string();
            let mut cut = text.len() / 2;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let mut h = HeaderMap::new();
            h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            (StatusCode::OK, h, text[..cut].to_owned()).into_response()
        }
        _ => json_response(reply.status, &reply.body),
    };
    let cookie = match (&reply.token, reply.clear_cookie) {
        (Some(t), _) => Some(format!(
            "coulomb_sess={t}; Max-Age={TOKEN_S}; Path=/; HttpOnly"
        )),
        (None, true) => Some("coulomb_sess=; Max-Age=0; Path=/; HttpOnly".to_owned()),
        (None, false) => None,
    };
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// A 5xx or 429 answer (429 with `Retry-After: 1`).
fn status_fault(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = bodies::error(
        i64::from(code),
        if code == 429 {
            "RATE_LIMITED"
        } else {
            "SERVER_ERROR"
        },
        &format!("Simulated {status} (cph50 sim fault)"),
    );
    let mut response = json_response(status, &body);
    if code == 429 {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}
