//! The ChargePoint driver API client (unofficial API, async, reqwest + tokio).
//!
//! Every URL comes from the discovery answer, so `CP_DISCOVERY_URL` moves the whole client
//! (to `cph50 sim` or a mock server). The session cookie is stored in `CP_TOKEN_FILE` and reused,
//! unless `CP_SESSION_TOKEN` holds a newly pasted cookie; a 401 triggers one try of the pasted
//! cookie, then one new login, and one retry each; 5xx, 429 and timeouts of calls that change
//! nothing are retried by [`retry::RetryPolicy`] (commands are sent once); bot-protection answers
//! are named and never retried; start/stop confirmations are read by the table of [`ack`].

pub mod ack;
mod ep;
pub mod error;
pub mod models;
pub mod retry;
pub mod session;

mod auth;
mod calls;
mod transport;

use std::time::Duration;

use serde::Serialize;

pub use ep::Ep;
pub use error::ApiError;
use retry::RetryPolicy;
use session::{SavedSession, Secret, SessionStore};
pub(crate) use transport::expect_json;

/// ChargePoint's public discovery URL (`CP_DISCOVERY_URL` overrides it).
pub const DEFAULT_DISCOVERY_URL: &str =
    "https://discovery.chargepoint.com/discovery/v3/globalconfig";

/// How an account logs in.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// `CP_USERNAME`: the account name (discovery needs it).
    pub username: String,
    /// `CP_PASSWORD`.
    pub password: Option<Secret>,
    /// `CP_SESSION_TOKEN`: a `coulomb_sess` cookie pasted from a browser login.
    pub session_token: Option<Secret>,
}

/// How long to wait for a start/stop confirmation.
#[derive(Debug, Clone, Copy)]
pub struct AckPolicy {
    /// Polls of the ack endpoint before giving up.
    pub attempts: u32,
    /// Time between polls.
    pub interval: Duration,
}

impl Default for AckPolicy {
    fn default() -> Self {
        // what the reference library does: 20 polls, 3 s apart
        Self {
            attempts: 20,
            interval: Duration::from_secs(3),
        }
    }
}

/// Everything the client needs, from the environment and flags.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Where discovery is asked.
    pub discovery_url: String,
    /// The account.
    pub credentials: Credentials,
    /// Where the session is kept between runs.
    pub sessions: std::sync::Arc<dyn SessionStore>,
    /// `CP_STATION_ID`; the account's first home charger when `None`.
    pub station_id: Option<u64>,
    /// Per-request timeout (`CPH50_HTTP_TIMEOUT`, default 30 s).
    pub timeout: Duration,
    /// Retries of failed requests.
    pub retry: RetryPolicy,
    /// Start/stop confirmation polling.
    pub ack: AckPolicy,
}

/// Requests and logins of this run (for logs, benchmarks and the idle-poll budget).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// HTTP requests sent, retries included.
    pub requests: u32,
    /// Password logins made.
    pub logins: u32,
}

/// An HTTP answer the caller decides about (2xx, or a 4xx other than 401/403).
#[derive(Debug)]
pub struct Raw {
    /// HTTP status.
    pub status: u16,
    /// Body (already decompressed).
    pub body: Vec<u8>,
    /// `label (METHOD url)`, for messages.
    pub endpoint: String,
    /// The `Content-Type` header, if sent.
    pub content_type: Option<String>,
}

/// The ChargePoint client. One per run; not shared between threads.
///
/// # Errors of every call
/// Each endpoint method makes sure a session exists, then sends its request, so besides its
/// own errors any of them can return:
/// - [`ApiError::Token`] naming `CP_TOKEN_FILE` when the stored session cannot be read or kept;
/// - [`ApiError::MissingCredential`] (`CP_PASSWORD`) when a login is needed and neither
///   `CP_PASSWORD` nor `CP_SESSION_TOKEN` is set;
/// - [`ApiError::LoginRejected`] when the login answers a non-2xx status other than 403, or sets
///   no `coulomb_sess` cookie;
/// - [`ApiError::BotProtection`] when a 403 (or a 429 or 5xx) is DataDome's captcha; never
///   retried;
/// - [`ApiError::SessionExpired`] when a 401 persists after the pasted cookie was tried (once)
///   and one new login, or no password allows one;
/// - [`ApiError::Http`] with the status and a body excerpt for any other 403, a 5xx or 429
///   still failing after the retries, or another non-2xx answer where JSON was expected;
/// - [`ApiError::Timeout`] or [`ApiError::Network`] when no answer came after the retries
///   (`timeout` per try; a start, stop or `PUT` is tried once unless it never left);
/// - [`ApiError::Malformed`] with a JSON pointer when the discovery answer lacks an endpoint
///   (`/endPoints/<key>/value`) or an answer does not decode (empty body, wrong field);
/// - [`ApiError::NotJson`] with the content type and a short excerpt when a 2xx answer is not
///   JSON at all (an HTML maintenance or login page).
///
/// Those of a request name it as `label (METHOD url)`.
pub struct Client {
    http: reqwest::Client,
    cfg: ClientConfig,
    session: Option<SavedSession>,
    stats: Stats,
    /// `CP_SESSION_TOKEN` was sent in this run (it is tried at most once after a 401).
    pasted_tried: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("discovery_url", &self.cfg.discovery_url)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client; nothing is sent until the first call. `cfg.timeout` bounds each request; the
    /// connection itself gets at most 10 s of it.
    ///
    /// # Errors
    /// [`ApiError::Network`] (endpoint `client setup`) when the HTTP client cannot be built
    /// (e.g. the TLS backend fails to start).
    pub fn new(cfg: ClientConfig) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("cph50/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Network {
                endpoint: "client setup".into(),
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            cfg,
            session: None,
            stats: Stats::default(),
            pasted_tried: false,
        })
    }

    /// Requests and logins so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.cfg
    }
}
