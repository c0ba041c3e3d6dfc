//! The session the client keeps between runs: the `coulomb_sess` cookie plus what discovery
//! and the profile told us, so a later run needs no login and no discovery. Where and how it is
//! kept is not the client's business: it goes through a [`SessionStore`] the caller provides
//! (the command layer's `token_file`, in production).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s = SavedSession {
            version: 1,
            discovery_url: "http://127.0.0.1:1/discovery".into(),
            account: account_id("driver"),
            cookie: Secret::new("COOKIE-VALUE-123"),
            region: "NA-US".into(),
            endpoints: BTreeMap::new(),
            user_id: Some(200000001),
            station_id: Some(100000001),
        };
        assert!(!format!("{s:?}").contains("COOKIE-VALUE-123"));
        assert!(format!("{s:?}").contains("***"));
    }
}
