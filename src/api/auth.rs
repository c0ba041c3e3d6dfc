//! Getting and keeping a ChargePoint session: the stored one when it fits, else discovery,
//! a password login (or the pasted cookie) and the account profile. A newly pasted
//! `CP_SESSION_TOKEN` wins over the stored cookie; after a 401 the pasted cookie is tried once,
//! then one new login.

use reqwest::Method;

use super::models::{Discovery, DiscoveryRequest, LoginRequest, Profile};
use super::session::{SavedSession, Secret, account_id, pasted_token_id};
use super::transport::{expect_json, forbidden, session_cookie};
use super::{ApiError, Client, Ep, error};

impl Client {
    /// Makes sure a session exists: the stored one if it belongs to this account and
    /// discovery URL (switched to `CP_SESSION_TOKEN` when that is a newly pasted cookie), else
    /// discovery, login (or the pasted cookie) and the profile.
    pub(super) async fn ensure_session(&mut self) -> Result<(), ApiError> {
        if self.session.is_some() {
            return Ok(());
        }
        let account = account_id(&self.cfg.credentials.username);
        if let Some(saved) = self.cfg.sessions.load()? {
            if saved.discovery_url == self.cfg.discovery_url && saved.account == account {
                return self.adopt_stored(saved);
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
        let pasted = self.cfg.credentials.session_token.clone();
        let cookie = match &pasted {
            Some(token) => {
                self.pasted_tried = true;
                token.clone()
            }
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
            pasted_token: pasted.as_ref().map(pasted_token_id),
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

    /// Takes the stored session, switched to `CP_SESSION_TOKEN` when that is not the cookie
    /// the session came from (the user pasted a new one since).
    fn adopt_stored(&mut self, mut saved: SavedSession) -> Result<(), ApiError> {
        let pasted = self.cfg.credentials.session_token.clone();
        let Some(token) = pasted.filter(|t| saved.is_new_paste(t)) else {
            tracing::debug!("reusing the stored ChargePoint session");
            self.session = Some(saved);
            return Ok(());
        };
        tracing::info!("CP_SESSION_TOKEN is not the cookie the stored session came from; using it");
        saved.use_pasted(&token);
        self.pasted_tried = true;
        self.session = Some(saved);
        self.save_session()
    }

    /// After a 401: switches to `CP_SESSION_TOKEN` when it is set, was not sent yet in this run
    /// and is not the cookie that just failed (the stored cookie may be a refreshed one that
    /// died while the pasted one lives). Returns whether there is a new cookie to try.
    pub(super) fn switch_to_pasted(&mut self) -> Result<bool, ApiError> {
        if self.pasted_tried {
            return Ok(false);
        }
        let (Some(token), Some(session)) = (
            self.cfg.credentials.session_token.clone(),
            self.session.as_mut(),
        ) else {
            return Ok(false);
        };
        self.pasted_tried = true;
        if session.cookie == token {
            return Ok(false);
        }
        session.use_pasted(&token);
        self.save_session()?;
        Ok(true)
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
    pub(super) async fn relogin(&mut self, endpoint: &str) -> Result<(), ApiError> {
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

    pub(super) fn save_session(&self) -> Result<(), ApiError> {
        match &self.session {
            Some(s) => self.cfg.sessions.save(s),
            None => Ok(()),
        }
    }

    pub(super) fn endpoint_base(&self, key: &str) -> Result<String, ApiError> {
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
