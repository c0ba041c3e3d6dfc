//! Sending: one request with the retry policy, the session headers, the cookie refresh, and
//! the mapping of HTTP answers to [`ApiError`]s that name the endpoint.

use std::time::Instant;

use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER, SET_COOKIE};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::retry::{self, Attempt};
use super::session::Secret;
use super::{ApiError, Client, Ep, Raw, error};

/// The cookie that carries a ChargePoint session.
pub(super) const SESSION_COOKIE: &str = "coulomb_sess";

impl Client {
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

    /// An authenticated call: session ensured; on 401 one try of the pasted cookie (once per
    /// run) and one new login, each followed by one retry; cookie refresh.
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
    pub(super) async fn request_in_session<B: Serialize>(
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
                Err(ApiError::SessionExpired { endpoint, .. }) => {
                    if self.switch_to_pasted()? {
                        tracing::info!("{endpoint}: session expired; trying CP_SESSION_TOKEN");
                    } else if relogged {
                        return Err(ApiError::SessionExpired {
                            endpoint,
                            hint: "still refused right after a fresh login".into(),
                        });
                    } else {
                        tracing::info!("{endpoint}: session expired; logging in again");
                        self.relogin(&endpoint).await?;
                        relogged = true;
                    }
                }
                other => return other,
            }
        }
    }

    /// Sends with retries; 401 becomes `SessionExpired`, bot protection `BotProtection`, other
    /// failures after the retries `Http`/`Timeout`/`Network`. Refreshes the stored cookie.
    pub(super) async fn send<B: Serialize>(
        &mut self,
        ep: Ep,
        method: Method,
        url: &str,
        body: Option<&B>,
        auth: bool,
    ) -> Result<Raw, ApiError> {
        let (status, headers, bytes, endpoint) = self.send_raw(ep, method, url, body, auth).await?;
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if auth {
            if let (Some(cookie), Some(s)) = (session_cookie(&headers), self.session.as_mut()) {
                if s.cookie != cookie {
                    s.cookie = cookie;
                    self.save_session()?;
                }
            }
        }
        match status {
            // only a call that sent a session can find it expired: a 401 to discovery (no
            // session yet) is an HTTP error like any other
            401 if auth => Err(ApiError::SessionExpired {
                endpoint,
                hint: String::new(),
            }),
            403 => Err(forbidden(endpoint, &bytes)),
            s if (s >= 500 || s == 429) && is_bot_challenge(&bytes) => {
                Err(forbidden_by_bot(endpoint, &bytes))
            }
            s if s >= 500 || s == 429 => Err(ApiError::Http {
                endpoint,
                status,
                excerpt: error::excerpt(&bytes, 200),
            }),
            _ => Ok(Raw {
                status,
                body: bytes,
                endpoint,
                content_type,
            }),
        }
    }

    /// The request, with the session's cookie and headers when `auth`.
    fn build<B: Serialize>(
        &self,
        method: &Method,
        url: &str,
        body: Option<&B>,
        auth: bool,
    ) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method.clone(), url);
        if let Some(b) = body {
            req = req.json(b);
        }
        if let (true, Some(s)) = (auth, &self.session) {
            req = req
                .header("cookie", format!("{SESSION_COOKIE}={}", s.cookie.expose()))
                .header("cp-session-type", "CP_SESSION_TOKEN")
                .header("cp-session-token", s.cookie.expose())
                .header("cp-region", &s.region);
        }
        req
    }

    /// One request with the retry policy (a command that is not [`Ep::idempotent`] is sent again
    /// only when it never left; a bot-protection answer never is); returns the last answer
    /// whatever its status.
    pub(super) async fn send_raw<B: Serialize>(
        &mut self,
        ep: Ep,
        method: Method,
        url: &str,
        body: Option<&B>,
        auth: bool,
    ) -> Result<(u16, HeaderMap, Vec<u8>, String), ApiError> {
        let endpoint = describe(ep, &method, url);
        let idempotent = ep.idempotent(&method);
        let mut attempt = 1;
        loop {
            let req = self.build(&method, url, body, auth);
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
            let outcome = outcome_of(&result);
            if let Attempt::Status(status, _) = outcome {
                tracing::debug!(
                    "{endpoint} -> {status} in {} ms",
                    started.elapsed().as_millis()
                );
            }
            let bot = matches!(&result, Ok((_, _, bytes)) if is_bot_challenge(bytes));
            let retry = if bot {
                None
            } else {
                let jitter = retry::jitter();
                self.cfg
                    .retry
                    .next_delay(attempt, outcome, idempotent, jitter)
            };
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
                        timeout: self.cfg.timeout,
                        attempts: attempt,
                    });
                }
                (None, Err(e)) => {
                    // reqwest's message repeats the URL, user id and all
                    return Err(ApiError::Network {
                        endpoint,
                        message: error_chain(&e.without_url()),
                    });
                }
            }
        }
    }
}

/// How messages name a call: `label (METHOD URL)`, with the account's user id replaced by
/// `{user}` (`.../users/{user}/chargers/...`): errors, warnings and Actions annotations reach
/// logs that may be public, and the rest of the URL still tells which call failed.
pub(super) fn describe(ep: Ep, method: &Method, url: &str) -> String {
    let mut after_users = false;
    let shown: Vec<&str> = url
        .split('/')
        .map(|segment| {
            let hide =
                after_users && !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
            after_users = segment == "users";
            if hide { "{user}" } else { segment }
        })
        .collect();
    format!("{} ({method} {})", ep.label(), shown.join("/"))
}

/// What one attempt came to, for the retry policy: the status and `Retry-After`, a timeout,
/// or a failed connection.
fn outcome_of(result: &Result<(u16, HeaderMap, Vec<u8>), reqwest::Error>) -> Attempt {
    match result {
        Ok((status, headers, _)) => {
            let after = headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(retry::parse_retry_after);
            Attempt::Status(*status, after)
        }
        Err(e) if e.is_timeout() => Attempt::Timeout,
        Err(e) if e.is_connect() => Attempt::Connect,
        Err(_) => Attempt::Network,
    }
}

/// Decodes a 2xx answer; any other status is an `Http` error with a body excerpt. A body that
/// is not JSON at all (an HTML page, plain text) is [`ApiError::NotJson`] naming its content
/// type; JSON that does not fit is [`ApiError::Malformed`] naming the field.
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
    crate::decode::decode(&raw.body).map_err(|e| {
        let first = raw.body.iter().find(|b| !b.is_ascii_whitespace());
        let html = raw
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
        if html || !matches!(first, Some(b'{' | b'[')) {
            return ApiError::NotJson {
                endpoint: raw.endpoint.clone(),
                status: raw.status,
                content_type: raw
                    .content_type
                    .as_deref()
                    .map_or_else(|| "no content type".to_owned(), crate::text::printable),
                excerpt: error::excerpt(&raw.body, 60),
            };
        }
        ApiError::Malformed {
            endpoint: raw.endpoint.clone(),
            pointer: if e.pointer.is_empty() {
                "(whole document)".into()
            } else {
                e.pointer
            },
            message: e.message,
        }
    })
}

/// Whether a body is DataDome's challenge: its JSON with a captcha `url`, or its HTML page.
fn is_bot_challenge(body: &[u8]) -> bool {
    if let Ok(c) = serde_json::from_slice::<super::models::BotChallenge>(body) {
        return c.url.contains("captcha");
    }
    let text = String::from_utf8_lossy(body);
    text.contains("var dd=") || text.contains("captcha-delivery") || text.contains("datadome")
}

/// [`ApiError::BotProtection`] for a DataDome answer, with its captcha page when it names one.
fn forbidden_by_bot(endpoint: String, body: &[u8]) -> ApiError {
    let captcha_url = serde_json::from_slice::<super::models::BotChallenge>(body)
        .ok()
        .map(|c| c.url.split('?').next().unwrap_or_default().to_owned());
    ApiError::BotProtection {
        endpoint,
        captcha_url,
    }
}

/// A 403: DataDome's captcha (JSON with a captcha `url`, or its HTML page) or a plain refusal.
pub(super) fn forbidden(endpoint: String, body: &[u8]) -> ApiError {
    if is_bot_challenge(body) {
        return forbidden_by_bot(endpoint, body);
    }
    ApiError::Http {
        endpoint,
        status: 403,
        excerpt: error::excerpt(body, 200),
    }
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

/// The `coulomb_sess` value of a `Set-Cookie` header, if any.
pub(super) fn session_cookie(headers: &HeaderMap) -> Option<Secret> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| Secret::new(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_described_without_the_account_s_user_id() {
        let url = "https://hcpo.example.test/api/v1/configuration/users/200000001/chargers/100000001/status";
        assert_eq!(
            describe(Ep::Status, &Method::GET, url),
            "charger status (GET https://hcpo.example.test/api/v1/configuration/users/{user}/chargers/100000001/status)"
        );
        let list = "https://hcpo.example.test/api/v1/configuration/users/200000001/chargers";
        assert!(describe(Ep::Chargers, &Method::GET, list).ends_with("/users/{user}/chargers)"));
        let other = "https://x.test/v1/driver/profile/user";
        assert_eq!(
            describe(Ep::Profile, &Method::GET, other),
            format!("account profile (GET {other})")
        );
    }
}
