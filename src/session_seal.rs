//! `CP_SESSION_SEALED`: a ChargePoint session made by `cph50 login` on the user's own machine
//! (where bot protection lets a person through), sealed with `CP_TOKEN_KEY` exactly as the
//! token file is (see [`crate::session_file`]), and handed to the runners as a secret.
//!
//! With the variable set, the session store of every command is a [`SeededStore`]: the token
//! file (`CP_TOKEN_FILE`) as before, except that a sealed session the stored one did not come
//! from replaces it. So a newly stored secret wins once, and afterwards the stored session,
//! whose cookie each answer refreshes, is kept. The stored session remembers which sealed
//! value it came from by [`pasted_token_id`] of that value, in the field that remembers a
//! pasted `CP_SESSION_TOKEN` (a cookie is never such a value, so the two cannot be confused).

use std::path::Path;

use crate::api::ApiError;
use crate::api::session::{SavedSession, Secret, SessionStore, pasted_token_id};
use crate::session_file::TokenFile;

/// The environment variable (and secret) that holds a sealed session.
pub const SEALED_VARIABLE: &str = "CP_SESSION_SEALED";

fn token_error(message: impl Into<String>) -> ApiError {
    ApiError::Token {
        path: SEALED_VARIABLE.into(),
        message: message.into(),
    }
}

/// Seals `session` with `key`: the text of a token file holding it (one line of JSON).
///
/// # Errors
/// [`ApiError::Token`] when the temporary file it is sealed in cannot be written or read.
pub fn seal(session: &SavedSession, key: &Secret) -> Result<String, ApiError> {
    let dir = private_temp_dir()?;
    let file = TokenFile {
        path: dir.path().join("sealed.json"),
        key: Some(key.clone()),
    };
    file.save(session)?;
    std::fs::read_to_string(&file.path)
        .map(|s| s.trim().to_owned())
        .map_err(|e| token_error(format!("cannot read the sealed session back: {e}")))
}

/// The session sealed in `value` with `key`.
///
/// # Errors
/// [`ApiError::Token`] naming `CP_SESSION_SEALED` when `value` is not a sealed session or
/// `key` does not open it (the message says to store the pair `cph50 login` printed).
pub fn unseal(value: &str, key: &Secret) -> Result<SavedSession, ApiError> {
    let dir = private_temp_dir()?;
    let path = dir.path().join("sealed.json");
    crate::fsio::write_private(&path, value.trim().as_bytes())
        .map_err(|e| token_error(e.to_string()))?;
    let file = TokenFile {
        path,
        key: Some(key.clone()),
    };
    let looks_sealed = serde_json::from_str::<serde_json::Value>(value.trim())
        .is_ok_and(|v| v.get("cipher").is_some() && v.get("data").is_some());
    match file.load() {
        Ok(Some(s)) => Ok(s),
        _ if !looks_sealed => Err(token_error(
            "is not a sealed session: store the whole CP_SESSION_SEALED value `cph50 login` printed",
        )),
        _ => Err(token_error(
            "cannot be opened with CP_TOKEN_KEY: store the CP_TOKEN_KEY and CP_SESSION_SEALED that one `cph50 login` printed",
        )),
    }
}

fn private_temp_dir() -> Result<tempfile::TempDir, ApiError> {
    let dir = tempfile::Builder::new()
        .prefix("cph50-seal-")
        .tempdir()
        .map_err(|e| token_error(format!("cannot create a temporary folder: {e}")))?;
    restrict(dir.path());
    Ok(dir)
}

fn restrict(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The token file, seeded from a sealed session (see the module docs).
#[derive(Debug)]
pub struct SeededStore {
    file: TokenFile,
    sealed: Secret,
}

impl SeededStore {
    /// The token file `file`, seeded from `sealed` (the value of `CP_SESSION_SEALED`).
    pub fn new(file: TokenFile, sealed: Secret) -> Self {
        Self { file, sealed }
    }

    fn seed_id(&self) -> String {
        pasted_token_id(&Secret::new(format!(
            "sealed:{}",
            self.sealed.expose().trim()
        )))
    }
}

impl SessionStore for SeededStore {
    fn load(&self) -> Result<Option<SavedSession>, ApiError> {
        let id = self.seed_id();
        match self.file.load() {
            Ok(Some(stored)) if stored.pasted_token.as_deref() == Some(id.as_str()) => {
                return Ok(Some(stored));
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("{e}; using {SEALED_VARIABLE} instead"),
        }
        let key = self.file.key.as_ref().ok_or(ApiError::MissingCredential {
            variable: "CP_TOKEN_KEY",
            why: "CP_SESSION_SEALED is sealed with it: store the key `cph50 login` printed",
        })?;
        let mut session = unseal(self.sealed.expose(), key)?;
        session.pasted_token = Some(id);
        tracing::info!("using the session of {SEALED_VARIABLE} (new since the stored one)");
        self.file.save(&session)?;
        Ok(Some(session))
    }

    fn save(&self, session: &SavedSession) -> Result<(), ApiError> {
        self.file.save(session)
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn session(cookie: &str) -> SavedSession {
        crate::api::session::test_session(cookie)
    }

    #[test]
    fn a_sealed_session_opens_with_its_key_only() {
        let key = Secret::new("k".repeat(64));
        let sealed = seal(&session("COOKIE-1"), &key).unwrap();
        assert!(
            !sealed.contains("COOKIE-1") && !sealed.contains('\n'),
            "{sealed}"
        );
        assert_eq!(unseal(&sealed, &key).unwrap(), session("COOKIE-1"));
        let e = unseal(&sealed, &Secret::new("other"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("CP_SESSION_SEALED") && e.contains("CP_TOKEN_KEY"),
            "{e}"
        );
        let e = unseal("not a session", &key).unwrap_err().to_string();
        assert!(e.contains("CP_SESSION_SEALED"), "{e}");
    }

    /// A new sealed value wins once; the stored session, refreshed since, is kept afterwards;
    /// another sealed value wins again.
    #[test]
    fn a_new_sealed_session_replaces_the_stored_one_once() {
        let dir = tempfile::tempdir().unwrap();
        let key = Secret::new("key");
        let file = || TokenFile {
            path: dir.path().join("token.json"),
            key: Some(key.clone()),
        };
        file().save(&session("OLD")).unwrap();
        let first = seal(&session("SEALED-1"), &key).unwrap();
        let store = SeededStore::new(file(), Secret::new(first.clone()));
        let loaded = store.load().unwrap().unwrap();
        assert_eq!(loaded.cookie, Secret::new("SEALED-1"));
        // the client refreshes the cookie and saves it
        let mut refreshed = loaded.clone();
        refreshed.cookie = Secret::new("REFRESHED");
        store.save(&refreshed).unwrap();
        let again = SeededStore::new(file(), Secret::new(first))
            .load()
            .unwrap()
            .unwrap();
        assert_eq!(again.cookie, Secret::new("REFRESHED"));
        let second = seal(&session("SEALED-2"), &key).unwrap();
        let newer = SeededStore::new(file(), Secret::new(second))
            .load()
            .unwrap()
            .unwrap();
        assert_eq!(newer.cookie, Secret::new("SEALED-2"));
        // without the key it says which key is missing
        let keyless = SeededStore::new(
            TokenFile {
                path: dir.path().join("none.json"),
                key: None,
            },
            Secret::new("x"),
        );
        assert!(
            keyless
                .load()
                .unwrap_err()
                .to_string()
                .contains("CP_TOKEN_KEY")
        );
    }
}
