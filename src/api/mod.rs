//! The ChargePoint driver API client (unofficial API, async, reqwest + tokio).
//!
//! Every URL comes from the discovery answer, so `CP_DISCOVERY_URL` moves the whole client
//! (to `cph50 sim` or a mock server). The session cookie is stored in `CP_TOKEN_FILE` and reused;
//! a 401 triggers one new login and one retry; 5xx, 429 and timeouts are retried by
//! [`retry::RetryPolicy`]; bot-protection answers are named and never retried.

mod ep;
pub mod error;
pub mod models;
pub mod retry;
pub mod session;

mod calls;

use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{HeaderMap, RETRY_AFTER, SET_COOKIE};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use ep::Ep;
pub use error::ApiError;
use models::{Discovery, DiscoveryRequest, LoginRequest, Profile};
use retry::{Attempt, RetryPolicy};
use session::{SavedSession, Secret, SessionStore, account_id};

/// ChargePoint's public discovery URL (`CP_DISCOVERY_URL` overrides it).
pub const DEFAULT_DISCOVERY_URL: &str =
    "https://discovery.chargepoint.com/discovery/v3/globalconfig";

/// The cookie that carries a ChargePoint session.
const SESSION_COOKIE: &str = "coulomb_sess";

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
    /// Per-request timeout.
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
}

/// The ChargePoint client. One per run; not shared between threads.
pub struct Client {
    http: reqwest::Client,
    cfg: ClientConfig,
    session: Option<SavedSession>,
    stats: Stats,
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
    /// A client; nothing is sent until the first call.
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

    /// Makes sure a session exists: the stored one if it belongs to this account and
    /// discovery URL, else discovery, login (or the pasted cookie) and the profile.
    async fn ensure_session(&mut self) -> Result<(), ApiError> {
        if self.session.is_some() {
            return Ok(());
        }
        let account = account_id(&self.cfg.credentials.username);
        if let Some(saved) = self.cfg.sessions.load()? {
            if saved.discovery_url == self.cfg.discovery_url && saved.account == account {
                tracing::debug!("reusing the stored ChargePoint session");
                self.session = Some(saved);
                return Ok(());
            }
            tracing::info!("stored session belongs to another account or server; logging in");
        }
        let discovery: Discovery = {
            let username = self.cfg.credentials.username.clone();
            let body = DiscoveryRequest {
                username: &username,
            };
            let url = self.cfg.discovery_url.clone();
            let raw = self
                .send(Ep::Discovery, Method::POST, &url, Some(&body), false)
                .await?;
            expect_json(raw)?
        };
        let cookie = match &self.cfg.credentials.session_token {
            Some(token) => token.clone(),
            None => {
                self.login(&discovery_endpoint(&discovery, "sso_endpoint")?)
                    .await?
            }
        };
        self.session = Some(SavedSession {
            version: 1,
            discovery_url: self.cfg.discovery_url.clone(),
            account,
            cookie,
            region: discovery.region.clone(),
            endpoints: discovery
                .end_points
                .into_iter()
                .map(|(k, v)| (k, v.value))
                .collect(),
            user_id: None,
            station_id: None,
        });
        let raw = self
            .request_in_session(
                Ep::Profile,
                Method::GET,
                "accounts_endpoint",
                "v1/driver/profile/user",
                None::<&()>,
            )
            .await?;
        let profile: Profile = expect_json(raw)?;
        if let Some(s) = self.session.as_mut() {
            s.user_id = Some(profile.user.user_id);
        }
        self.save_session()
    }

    /// Password login; returns the session cookie.
    async fn login(&mut self, sso: &str) -> Result<Secret, ApiError> {
        let Some(password) = self.cfg.credentials.password.clone() else {
            return Err(ApiError::MissingCredential {
                variable: "CP_PASSWORD",
                why: "a login is needed (no stored session); set CP_PASSWORD, or CP_SESSION_TOKEN to the coulomb_sess cookie of a browser login",
            });
        };
        let url = format!("{sso}v1/user/login");
        let username = self.cfg.credentials.username.clone();
        let body = LoginRequest {
            username: username.as_str().into(),
            password: password.expose().into(),
        };
        let (status, headers, bytes, endpoint) = self
            .send_raw(Ep::Login, Method::POST, &url, Some(&body), false)
            .await?;
        self.stats.logins += 1;
        tracing::info!(
            "logged in to ChargePoint (login {} of this run)",
            self.stats.logins
        );
        if status == 403 {
            return Err(forbidden(endpoint, &bytes));
        }
        if !(200..300).contains(&status) {
            return Err(ApiError::LoginRejected {
                endpoint,
                status,
                detail: error::excerpt(&bytes, 160),
            });
        }
        session_cookie(&headers).ok_or(ApiError::LoginRejected {
            endpoint,
            status,
            detail: "the answer set no coulomb_sess cookie".into(),
        })
    }

    /// After a 401: log in again (once) with the password, keeping discovery and ids.
    async fn relogin(&mut self, endpoint: &str) -> Result<(), ApiError> {
        if self.cfg.credentials.password.is_none() {
            let hint = if self.cfg.credentials.session_token.is_some() {
                "CP_SESSION_TOKEN was not accepted: paste a fresh coulomb_sess cookie, or set CP_PASSWORD"
            } else {
                "set CP_PASSWORD so cph50 can log in again"
            };
            return Err(ApiError::SessionExpired {
                endpoint: endpoint.to_owned(),
                hint: hint.into(),
            });
        }
        let sso = self.endpoint_base("sso_endpoint")?;
        let cookie = self.login(&sso).await?;
        if let Some(s) = self.session.as_mut() {
            s.cookie = cookie;
        }
        self.save_session()
    }

    fn save_session(&self) -> Result<(), ApiError> {
        match &self.session {
            Some(s) => self.cfg.sessions.save(s),
            None => Ok(()),
        }
    }

    fn endpoint_base(&self, key: &str) -> Result<String, ApiError> {
        self.session
            .as_ref()
            .and_then(|s| s.endpoints.get(key))
            .cloned()
            .ok_or_else(|| ApiError::Malformed {
                endpoint: Ep::Discovery.label().into(),
                pointer: format!("/endPoints/{key}/value"),
                message: "missing from the discovery answer".into(),
            })
    }

    /// An authenticated call that decodes a 2xx answer into `T`.
    pub(crate) async fn call<T: DeserializeOwned, B: Serialize>(
        &mut self,
        ep: Ep,
        method: Method,
        key: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let raw = self.request(ep, method, key, path, body).await?;
        expect_json(raw)
    }

    /// An authenticated call: session ensured, one new login and retry on 401, cookie refresh.
    pub(crate) async fn request<B: Serialize>(
        &mut self,
        ep: Ep,
        method: Method,
        key: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<Raw, ApiError> {
        self.ensure_session().await?;
        self.request_in_session(ep, method, key, path, body).await
    }

    /// [`Self::request`] once a session exists.
    async fn request_in_session<B: Serialize>(
        &mut self,
        ep: Ep,
        method: Method,
        key: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<Raw, ApiError> {
        let url = format!("{}{path}", self.endpoint_base(key)?);
        let mut relogged = false;
        loop {
            match self.send(ep, method.clone(), &url, body, true).await {
                Err(ApiError::SessionExpired { endpoint, .. }) if !relogged => {
                    tracing::info!("{endpoint}: session expired; logging in again");
                    self.relogin(&endpoint).await?;
                    relogged = true;
                }
                Err(ApiError::SessionExpired { endpoint, .. }) => {
                    return Err(ApiError::SessionExpired {
                        endpoint,
                        hint: "a fresh login was rejected too".into(),
                    });
                }
                other => return other,
            }
        }
    }

    /// Sends with retries; 401 becomes `SessionExpired`, bot protection `BotProtection`, other
    /// failures after the retries `Http`/`Timeout`/`Network`. Refreshes the stored cookie.
    async fn send<B: Serialize>(
        &mut self,
        ep: Ep,
        method: Method,
        url: &str,
        body: Option<&B>,
        auth: bool,
    ) -> Result<Raw, ApiError> {
        let (status, headers, bytes, endpoint) = self.send_raw(ep, method, url, body, auth).await?;
        if auth {
            if let (Some(cookie), Some(s)) = (session_cookie(&headers), self.session.as_mut()) {
                if s.cookie != cookie {
                    s.cookie = cookie;
                    self.save_session()?;
                }
            }
        }
        match status {
            401 => Err(ApiError::SessionExpired {
                endpoint,
                hint: String::new(),
            }),
            403 => Err(forbidden(endpoint, &bytes)),
            s if s >= 500 || s == 429 => Err(ApiError::Http {
                endpoint,
                status,
                excerpt: error::excerpt(&bytes, 200),
            }),
            _ => Ok(Raw {
                status,
                body: bytes,
                endpoint,
            }),
        }
    }

    /// One request with the retry policy; returns the last answer whatever its status.
    async fn send_raw<B: Serialize>(
        &mut self,
        ep: Ep,
        method: Method,
        url: &str,
        body: Option<&B>,
        auth: bool,
    ) -> Result<(u16, HeaderMap, Vec<u8>, String), ApiError> {
        let endpoint = format!("{} ({method} {url})", ep.label());
        let mut attempt = 1;
        loop {
            let mut req = self.http.request(method.clone(), url);
            if let Some(b) = body {
                req = req.json(b);
            }
            if auth {
                if let Some(s) = &self.session {
                    req = req
                        .header("cookie", format!("{SESSION_COOKIE}={}", s.cookie.expose()))
                        .header("cp-session-type", "CP_SESSION_TOKEN")
                        .header("cp-session-token", s.cookie.expose())
                        .header("cp-region", &s.region);
                }
            }
            self.stats.requests += 1;
            let started = Instant::now();
            let result = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    resp.bytes().await.map(|b| (status, headers, b.to_vec()))
                }
                Err(e) => Err(e),
            };
            let outcome = match &result {
                Ok((status, headers, _)) => {
                    tracing::debug!(
                        "{endpoint} -> {status} in {} ms",
                        started.elapsed().as_millis()
                    );
                    let after = headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(retry::parse_retry_after);
                    Attempt::Status(*status, after)
                }
                Err(e) if e.is_timeout() => Attempt::Timeout,
                Err(_) => Attempt::Network,
            };
            let retry = RetryPolicy::retryable(outcome)
                .then(|| self.cfg.retry.next_delay(attempt, outcome, retry::jitter()))
                .flatten();
            match (retry, result) {
                (Some(delay), _) => {
                    tracing::warn!(
                        "{endpoint}: {outcome} on attempt {attempt} of {}; retrying in {} ms",
                        self.cfg.retry.max_attempts,
                        delay.as_millis()
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                (None, Ok((status, headers, bytes))) => {
                    return Ok((status, headers, bytes, endpoint));
                }
                (None, Err(e)) if e.is_timeout() => {
                    return Err(ApiError::Timeout {
                        endpoint,
                        seconds: self.cfg.timeout.as_secs().max(1),
                        attempts: attempt,
                    });
                }
                (None, Err(e)) => {
                    return Err(ApiError::Network {
                        endpoint,
                        message: error_chain(&e),
                    });
                }
            }
        }
    }
}

/// Decodes a 2xx answer; any other status is an `Http` error with a body excerpt.
pub(crate) fn expect_json<T: DeserializeOwned>(raw: Raw) -> Result<T, ApiError> {
    if !(200..300).contains(&raw.status) {
        return Err(ApiError::Http {
            endpoint: raw.endpoint,
            status: raw.status,
            excerpt: error::excerpt(&raw.body, 200),
        });
    }
    if raw.body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::Malformed {
            endpoint: raw.endpoint,
            pointer: "(whole document)".into(),
            message: "empty body; expected JSON".into(),
        });
    }
    crate::decode::decode(&raw.body).map_err(|e| ApiError::Malformed {
        endpoint: raw.endpoint,
        pointer: if e.pointer.is_empty() {
            "(whole document)".into()
        } else {
            e.pointer
        },
        message: e.message,
    })
}

/// A 403: DataDome's captcha (JSON with a captcha `url`, or its HTML page) or a plain refusal.
fn forbidden(endpoint: String, body: &[u8]) -> ApiError {
    let text = String::from_utf8_lossy(body);
    if let Ok(c) = serde_json::from_slice::<models::BotChallenge>(body) {
        if c.url.contains("captcha") {
            return ApiError::BotProtection {
                endpoint,
                captcha_url: Some(c.url.split('?').next().unwrap_or_default().to_owned()),
            };
        }
    }
    if text.contains("var dd=") || text.contains("captcha-delivery") || text.contains("datadome") {
        return ApiError::BotProtection {
            endpoint,
            captcha_url: None,
        };
    }
    ApiError::Http {
        endpoint,
        status: 403,
        excerpt: error::excerpt(body, 200),
    }
}

/// The `coulomb_sess` value of a `Set-Cookie` header, if any.
fn session_cookie(headers: &HeaderMap) -> Option<Secret> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| Secret::new(value))
}

fn discovery_endpoint(d: &Discovery, key: &str) -> Result<String, ApiError> {
    d.end_points
        .get(key)
        .map(|e| e.value.clone())
        .ok_or_else(|| ApiError::Malformed {
            endpoint: Ep::Discovery.label().into(),
            pointer: format!("/endPoints/{key}/value"),
            message: "missing from the discovery answer".into(),
        })
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
