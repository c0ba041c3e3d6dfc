//! What every API answer goes through: the request count, injected faults, the session-token
//! check and the fresh `coulomb_sess` cookie.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::header::{CONTENT_TYPE, COOKIE, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::bodies;
use super::cookies::TOKEN_S;
use super::fault::FaultKind;
use super::world::World;
use crate::api::Ep;
use crate::api::models::Discovery;

/// The answer when an answer cannot be written as JSON (never expected: every body is a model
/// of `crate::api::models` or of the control endpoints).
const UNWRITABLE: &str = r#"{"errorId":500,"errorCategory":"SERVER_ERROR","errorMessage":"cph50 sim could not write its answer as JSON"}"#;

/// State shared by all handlers.
pub(crate) struct Shared {
    /// The simulated household.
    pub(crate) world: Mutex<World>,
    /// The discovery answer, endpoints already pointing here.
    pub(crate) discovery: Discovery,
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
    /// The JSON text of the body.
    pub(crate) body: String,
    /// A token to hand out in `Set-Cookie` (login).
    pub(crate) token: Option<String>,
    /// Clear the cookie (logout).
    pub(crate) clear_cookie: bool,
}

impl Reply {
    /// 200 with `body`.
    pub(crate) fn ok<T: Serialize>(body: &T) -> Self {
        Self::with(StatusCode::OK, body)
    }

    /// `status` with `body` as JSON (a 500 if it cannot be written).
    pub(crate) fn with<T: Serialize>(status: StatusCode, body: &T) -> Self {
        let (status, body) = match serde_json::to_string(body) {
            Ok(text) => (status, text),
            Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, UNWRITABLE.to_owned()),
        };
        Self {
            status,
            body,
            token: None,
            clear_cookie: false,
        }
    }

    /// The answer as an HTTP response, without cookies.
    pub(crate) fn response(&self) -> Response {
        json_response(self.status, self.body.clone())
    }

    /// 400 naming what was wrong with the request.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::with(
            StatusCode::BAD_REQUEST,
            &bodies::error(400, "VALIDATION", &message.into()),
        )
    }

    /// 404 naming what was not found.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::with(
            StatusCode::NOT_FOUND,
            &bodies::error(404, "NOT_FOUND", &message.into()),
        )
    }
}

/// A JSON response with `body`, the JSON text.
pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    (status, headers, body).into_response()
}

/// A request body that does not fit the model a route reads.
#[derive(Debug)]
pub(crate) enum BadBody {
    /// Not JSON, or not a JSON object.
    Shape(String),
    /// A JSON object whose part at `pointer` (a JSON pointer; empty = the object) does not fit.
    Field {
        /// Where.
        pointer: String,
        /// Why.
        message: String,
    },
}

impl BadBody {
    /// The 400 answer for the body of `what`.
    pub(crate) fn reply(&self, what: &str) -> Reply {
        Reply::bad_request(match self {
            Self::Shape(why) => format!("body of {what}: {why}"),
            Self::Field { pointer, message } if pointer.is_empty() => {
                format!("body of {what}: {message}")
            }
            Self::Field { pointer, message } => format!("body of {what}: `{pointer}`: {message}"),
        })
    }
}

/// Reads a request body as `T` (a model of `crate::api::models` or of a control endpoint); an
/// empty body counts as `{}`.
pub(crate) fn read_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, BadBody> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    if let Err(e) = serde_json::from_slice::<IgnoredAny>(text) {
        return Err(BadBody::Shape(format!("not JSON: {e}")));
    }
    if text.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(BadBody::Shape("expected a JSON object".into()));
    }
    crate::decode::decode(text).map_err(|e| BadBody::Field {
        pointer: e.pointer,
        message: e.message,
    })
}

/// [`read_body`], refused with a 400 naming `what`.
pub(crate) fn decode_body<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, Reply> {
    read_body(body).map_err(|e| e.reply(what))
}

/// The cookie that carries a ChargePoint session.
const SESSION_COOKIE: &str = "coulomb_sess";

/// Every token the request presents: `coulomb_sess` cookies and `cp-session-token`.
pub(crate) fn presented_tokens(headers: &HeaderMap) -> Vec<String> {
    let mut tokens: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
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
    serve_as(sim, ep, headers, auth, true, handle).await
}

/// [`serve`] for a call that changes nothing although its endpoint takes commands (the
/// schedule's `GET`): a `refuse` fault waits for the next `PUT`.
pub(crate) async fn serve_read<F>(
    sim: &Shared,
    ep: Ep,
    headers: &HeaderMap,
    auth: Auth,
    handle: F,
) -> Response
where
    F: FnOnce(&mut World, DateTime<Utc>) -> Reply,
{
    serve_as(sim, ep, headers, auth, false, handle).await
}

async fn serve_as<F>(
    sim: &Shared,
    ep: Ep,
    headers: &HeaderMap,
    auth: Auth,
    refusable: bool,
    handle: F,
) -> Response
where
    F: FnOnce(&mut World, DateTime<Utc>) -> Reply,
{
    let fault = {
        let mut w = sim.lock();
        w.tick();
        w.count(ep.name());
        w.faults.take(ep, refusable)
    };
    match fault {
        Some(FaultKind::Delay(ms)) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        Some(FaultKind::Status(code)) => return status_fault(code),
        Some(FaultKind::Expire) => {
            sim.lock().tokens.expire_all();
            return Reply::with(StatusCode::UNAUTHORIZED, &bodies::invalid_session()).response();
        }
        Some(FaultKind::Unauthorized) => {
            return Reply::with(StatusCode::UNAUTHORIZED, &bodies::invalid_session()).response();
        }
        Some(FaultKind::Html) => {
            return html_response(StatusCode::OK, bodies::MAINTENANCE_HTML);
        }
        Some(FaultKind::CaptchaJson) => {
            return Reply::with(StatusCode::FORBIDDEN, &bodies::datadome()).response();
        }
        Some(FaultKind::CaptchaHtml) => {
            return html_response(StatusCode::FORBIDDEN, bodies::DATADOME_HTML);
        }
        Some(FaultKind::Truncated | FaultKind::Empty | FaultKind::Refuse) | None => {}
    }
    let reply = {
        let mut w = sim.lock();
        let now = w.tick();
        if auth == Auth::Required {
            let tokens = presented_tokens(headers);
            if !tokens.iter().any(|t| w.tokens.valid(t, now)) {
                return Reply::with(StatusCode::UNAUTHORIZED, &bodies::invalid_session())
                    .response();
            }
            w.faults.set_refusing(fault == Some(FaultKind::Refuse));
            let mut reply = handle(&mut w, now);
            w.faults.set_refusing(false);
            reply.token = Some(w.tokens.issue(now));
            reply
        } else {
            handle(&mut w, now)
        }
    };
    let mut response = match fault {
        Some(FaultKind::Empty) => (StatusCode::OK, String::new()).into_response(),
        Some(FaultKind::Truncated) => json_response(StatusCode::OK, first_half(&reply.body)),
        _ => reply.response(),
    };
    let cookie = match (&reply.token, reply.clear_cookie) {
        (Some(t), _) => Some(format!(
            "{SESSION_COOKIE}={t}; Max-Age={TOKEN_S}; Path=/; HttpOnly"
        )),
        (None, true) => Some(format!("{SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly")),
        (None, false) => None,
    };
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// A `text/html` page with `status`.
fn html_response(status: StatusCode, page: &'static str) -> Response {
    let mut h = HeaderMap::new();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    (status, h, page).into_response()
}

/// The first half of `text` (cut at a character boundary): a truncated answer.
fn first_half(text: &str) -> String {
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_owned()
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
    let mut response = Reply::with(status, &body).response();
    if code == 429 {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}
