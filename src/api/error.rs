//! What can go wrong talking to ChargePoint, each with its evidence (endpoint, status, field).
//! Nothing here ever holds a password or a cookie.

use std::path::PathBuf;

/// An API failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The SSO refused the username and password.
    #[error("{endpoint}: login rejected (HTTP {status}): {detail}")]
    LoginRejected {
        /// The call.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// What the server said, shortened.
        detail: String,
    },
    /// The session cookie is no longer accepted and a new login did not help or was not possible.
    #[error("{endpoint}: session expired (HTTP 401){}", hint_after(hint))]
    SessionExpired {
        /// The call.
        endpoint: String,
        /// What to do about it.
        hint: String,
    },
    /// DataDome bot protection answered instead of the API. Never retried.
    #[error(
        "{endpoint}: blocked by bot protection (HTTP 403, DataDome captcha{}); not retried. Password logins from CI runners are often blocked: log in at chargepoint.com in a browser and set CP_SESSION_TOKEN to the value of its coulomb_sess cookie",
        captcha_url.as_deref().map(|u| format!(" {u}")).unwrap_or_default()
    )]
    BotProtection {
        /// The call.
        endpoint: String,
        /// The captcha page, when the answer named one.
        captcha_url: Option<String>,
    },
    /// Any other unsuccessful HTTP status.
    #[error("{endpoint}: HTTP {status}: {excerpt}")]
    Http {
        /// The call.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// The start of the body, control characters escaped.
        excerpt: String,
    },
    /// No answer in time (after the retries).
    #[error(
        "{endpoint}: no answer within {} (timeout, {attempts} attempt(s))",
        humantime::format_duration(*timeout)
    )]
    Timeout {
        /// The call.
        endpoint: String,
        /// The per-request timeout.
        timeout: std::time::Duration,
        /// Attempts made.
        attempts: u32,
    },
    /// The connection failed (after the retries).
    #[error("{endpoint}: cannot connect: {message}")]
    Network {
        /// The call.
        endpoint: String,
        /// The transport's reason.
        message: String,
    },
    /// The answer did not have the expected shape.
    #[error("{endpoint}: malformed answer: field {pointer}: {message}")]
    Malformed {
        /// The call.
        endpoint: String,
        /// JSON pointer of the failing field (`(whole document)` for the body itself).
        pointer: String,
        /// What was expected.
        message: String,
    },
    /// A 2xx answer that is not JSON at all: an HTML maintenance or login page, plain text.
    #[error("{endpoint}: expected JSON, got {content_type} ({status}): \"{excerpt}\"")]
    NotJson {
        /// The call.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// The `Content-Type` header (`no content type` when absent).
        content_type: String,
        /// The start of the body, control characters escaped.
        excerpt: String,
    },
    /// A 200 answer that reports an error inside (`charging_status.error`).
    #[error("{endpoint}: the API reported an error: {message}")]
    Reported {
        /// The call.
        endpoint: String,
        /// The error text.
        message: String,
    },
    /// A required environment variable is missing.
    #[error("{variable} is not set; {why}")]
    MissingCredential {
        /// The variable.
        variable: &'static str,
        /// Why it is needed.
        why: &'static str,
    },
    /// The stored session could not be read or written.
    #[error("token file {}: {message}", path.display())]
    Token {
        /// `CP_TOKEN_FILE`.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The charger did not confirm a start or stop in time.
    #[error("{endpoint}: {action} not confirmed after {attempts} polls")]
    AckTimeout {
        /// The call.
        endpoint: String,
        /// `start_session` / `stop_session`.
        action: String,
        /// Polls made.
        attempts: u32,
    },
    /// The charger refused a start or stop, or a setting (amperage limit, schedule).
    #[error("{endpoint}: {action} refused: {message}")]
    Refused {
        /// The call.
        endpoint: String,
        /// `start_session` / `stop_session` / `set_amperage_limit` / `set_schedule`.
        action: String,
        /// The charger's reason.
        message: String,
    },
    /// The account has no home charger (or not the one named by `CP_STATION_ID`).
    #[error("{0}")]
    NoCharger(String),
}

impl ApiError {
    /// Exit code: 2 for what the user must fix in the environment, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::MissingCredential { .. } => 2,
            _ => 1,
        }
    }
}

/// The first `max` characters of a body, control characters escaped, for error messages.
pub fn excerpt(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".into();
    }
    let mut short: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        short.push('…');
    }
    crate::text::printable(&short)
}

/// `; <hint>` after a message, or nothing when there is no hint.
fn hint_after(hint: &str) -> String {
    if hint.trim().is_empty() {
        String::new()
    } else {
        format!("; {hint}")
    }
}
