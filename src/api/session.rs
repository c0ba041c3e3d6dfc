//! The session the client keeps between runs: the `coulomb_sess` cookie plus what discovery
//! and the profile told us, so a later run needs no login and no discovery. Where and how it is
//! kept is not the client's business: it goes through a [`SessionStore`] the caller provides
//! (the command layer's `session_file`, in production).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::ApiError;

/// A credential: printed and debugged as `***`, never as its value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What a run needs to call the API without logging in again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSession {
    /// File format version.
    pub version: u32,
    /// The discovery URL the session belongs to (a session of the simulator is useless for the
    /// real service and the other way round).
    pub discovery_url: String,
    /// SHA-256 of the username, so another account's session is never reused.
    pub account: String,
    /// The `coulomb_sess` cookie.
    pub cookie: Secret,
    /// `cp-region` header value.
    pub region: String,
    /// Base URLs by endpoint key, from discovery.
    pub endpoints: BTreeMap<String, String>,
    /// Account id from the profile.
    pub user_id: Option<u64>,
    /// The home charger acted on.
    pub station_id: Option<u64>,
    /// [`pasted_token_id`] of the `CP_SESSION_TOKEN` this session was made from (or last
    /// switched to), so a newly pasted cookie is told from the one already used; the token
    /// itself is never kept apart from the cookie. `None` after a password login, and in files
    /// of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pasted_token: Option<String>,
}

impl SavedSession {
    /// Whether `token` (`CP_SESSION_TOKEN`) is another cookie than the one this session came
    /// from: then the user pasted it since, and it wins over the stored cookie.
    pub fn is_new_paste(&self, token: &Secret) -> bool {
        self.pasted_token.as_deref() != Some(pasted_token_id(token).as_str())
    }

    /// Switches to a pasted cookie, remembering which one it was (by its hash).
    pub fn use_pasted(&mut self, token: &Secret) {
        self.cookie = token.clone();
        self.pasted_token = Some(pasted_token_id(token));
    }
}

/// Where the client keeps its session between runs.
pub trait SessionStore: fmt::Debug + Send + Sync {
    /// The stored session, `None` when there is none yet.
    ///
    /// # Errors
    /// [`ApiError::Token`] when a stored session exists but cannot be read; the message says
    /// what to do (never a silent fresh login).
    fn load(&self) -> Result<Option<SavedSession>, ApiError>;

    /// Keeps `session` for the next run.
    ///
    /// # Errors
    /// [`ApiError::Token`] when it cannot be kept.
    fn save(&self, session: &SavedSession) -> Result<(), ApiError>;
}

/// A [`SessionStore`] that keeps nothing: every run logs in (tests, one-off commands).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSessionStore;

impl SessionStore for NoSessionStore {
    fn load(&self) -> Result<Option<SavedSession>, ApiError> {
        Ok(None)
    }

    fn save(&self, _session: &SavedSession) -> Result<(), ApiError> {
        Ok(())
    }
}

/// SHA-256 of an account name, hex.
pub fn account_id(username: &str) -> String {
    hex::encode(Sha256::digest(username.as_bytes()))
}

/// SHA-256 of a pasted session cookie (with a cph50 prefix), hex: it tells whether
/// `CP_SESSION_TOKEN` changed between runs, and cannot be sent as a cookie.
pub fn pasted_token_id(token: &Secret) -> String {
    let mut h = Sha256::new();
    h.update(b"cph50 pasted session token v1\0");
    h.update(token.expose().as_bytes());
    hex::encode(h.finalize())
}

/// A saved session of the sim's account with `cookie`, for the tests of the modules that keep
/// one (the token file, the sealed secret).
#[cfg(test)]
pub(crate) fn test_session(cookie: &str) -> SavedSession {
    SavedSession {
        version: 1,
        discovery_url: "http://127.0.0.1:1/discovery".into(),
        account: account_id("driver"),
        cookie: Secret::new(cookie),
        region: "NA-US".into(),
        endpoints: BTreeMap::new(),
        user_id: Some(200000001),
        station_id: Some(100000001),
        pasted_token: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s = test_session("COOKIE-VALUE-123");
        assert!(!format!("{s:?}").contains("COOKIE-VALUE-123"));
        assert!(format!("{s:?}").contains("***"));
    }

    #[test]
    fn a_pasted_token_is_new_until_the_session_switches_to_it() {
        let mut s: SavedSession = serde_json::from_value(serde_json::json!({
            "version": 1, "discovery_url": "http://127.0.0.1:1/discovery",
            "account": account_id("driver"), "cookie": "OLD", "region": "NA-US",
            "endpoints": {}, "user_id": 1, "station_id": 2
        }))
        .unwrap();
        assert_eq!(s.pasted_token, None, "a file of an older version reads");
        let fresh = Secret::new("FRESH");
        assert!(s.is_new_paste(&fresh));
        s.use_pasted(&fresh);
        assert!(!s.is_new_paste(&fresh) && s.is_new_paste(&Secret::new("OTHER")));
        assert_eq!(s.cookie, fresh);
        // the refreshed cookie of a later answer does not make the paste new again
        s.cookie = Secret::new("ROTATED");
        assert!(!s.is_new_paste(&fresh));
        let text = serde_json::to_string(&s).unwrap();
        assert!(
            !text.contains("FRESH") && text.contains(&pasted_token_id(&fresh)),
            "{text}"
        );
        assert_ne!(
            pasted_token_id(&fresh),
            hex::encode(Sha256::digest(b"FRESH"))
        );
    }
}
