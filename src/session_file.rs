//! `CP_TOKEN_FILE`: where the ChargePoint session is kept between runs, with mode 0600,
//! encrypted with XChaCha20-Poly1305 under a key derived from `CP_TOKEN_KEY` when it is set.
//! The command layer decides where the file is (see `settings`); the API client only sees the
//! [`SessionStore`] it implements.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::ApiError;
use crate::api::session::{SavedSession, Secret, SessionStore};

/// The encrypted form on disk.
#[derive(Serialize, Deserialize)]
struct Sealed {
    version: u32,
    cipher: String,
    nonce: String,
    data: String,
}

const CIPHER: &str = "xchacha20poly1305";

/// `CP_TOKEN_FILE` and, when set, the key that encrypts it.
#[derive(Debug, Clone)]
pub struct TokenFile {
    /// Where the session is kept.
    pub path: PathBuf,
    /// `CP_TOKEN_KEY`.
    pub key: Option<Secret>,
}

impl TokenFile {
    fn cipher(&self) -> Option<XChaCha20Poly1305> {
        self.key.as_ref().map(|k| {
            let mut h = Sha256::new();
            h.update(b"cph50 token file key v1\0");
            h.update(k.expose().as_bytes());
            XChaCha20Poly1305::new(&h.finalize())
        })
    }

    fn error(&self, message: impl Into<String>) -> ApiError {
        ApiError::Token {
            path: self.path.clone(),
            message: message.into(),
        }
    }

    /// The stored session, `None` when there is none yet. A file that cannot be decrypted
    /// or decoded is an error that says what to do, not a silent fresh login.
    fn read(&self) -> Result<Option<SavedSession>, ApiError> {
        let bytes = match crate::fsio::read_regular(&self.path, crate::fsio::MAX_INPUT_BYTES) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error(format!("cannot read: {e}"))),
        };
        let plain = match (serde_json::from_slice::<Sealed>(&bytes), self.cipher()) {
            (Ok(sealed), Some(cipher)) => self.open(&sealed, &cipher)?,
            (Ok(_), None) => {
                return Err(self.error(
                    "is encrypted but CP_TOKEN_KEY is not set; set it, or delete the file to log in again",
                ));
            }
            (Err(_), Some(_)) => {
                return Err(self.error(
                    "is not encrypted but CP_TOKEN_KEY is set; delete the file to log in again and store it encrypted",
                ));
            }
            (Err(_), None) => bytes,
        };
        serde_json::from_slice(&plain).map(Some).map_err(|e| {
            self.error(format!(
                "is not a cph50 session ({e}); delete it to log in again"
            ))
        })
    }

    fn open(&self, sealed: &Sealed, cipher: &XChaCha20Poly1305) -> Result<Vec<u8>, ApiError> {
        if sealed.cipher != CIPHER {
            return Err(self.error(format!("unknown cipher {:?}", sealed.cipher)));
        }
        let nonce = hex::decode(&sealed.nonce).ok().filter(|n| n.len() == 24);
        let data = hex::decode(&sealed.data).ok();
        let (Some(nonce), Some(data)) = (nonce, data) else {
            return Err(self.error("is damaged (bad nonce or data); delete it to log in again"));
        };
        cipher
            .decrypt(XNonce::from_slice(&nonce), data.as_slice())
            .map_err(|_| {
                self.error(
                    "cannot be decrypted with CP_TOKEN_KEY (wrong key, or written with another key); fix the key or delete the file to log in again",
                )
            })
    }

    /// Saves the session atomically with mode 0600, encrypted when a key is set.
    fn write(&self, session: &SavedSession) -> Result<(), ApiError> {
        let plain = serde_json::to_vec(session).map_err(|e| self.error(e.to_string()))?;
        let bytes = match self.cipher() {
            Some(cipher) => {
                let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
                let data = cipher
                    .encrypt(&nonce, plain.as_slice())
                    .map_err(|_| self.error("encryption failed"))?;
                serde_json::to_vec(&Sealed {
                    version: 1,
                    cipher: CIPHER.into(),
                    nonce: hex::encode(nonce),
                    data: hex::encode(data),
                })
                .map_err(|e| self.error(e.to_string()))?
            }
            None => plain,
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)
                .map_err(|e| self.error(format!("cannot create its folder: {e}")))?;
        }
        crate::fsio::write_private(&self.path, &bytes)
            .map(|_| ())
            .map_err(|e| self.error(e.to_string()))
    }
}

impl SessionStore for TokenFile {
    fn load(&self) -> Result<Option<SavedSession>, ApiError> {
        self.read()
    }

    fn save(&self, session: &SavedSession) -> Result<(), ApiError> {
        self.write(session)
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> SavedSession {
        crate::api::session::test_session("COOKIE-VALUE-123")
    }

    #[test]
    fn encrypted_token_round_trips_and_hides_the_cookie() {
        let dir = tempfile::tempdir().unwrap();
        let file = TokenFile {
            path: dir.path().join("t/token.json"),
            key: Some(Secret::new("k1")),
        };
        file.save(&session()).unwrap();
        let raw = std::fs::read_to_string(&file.path).unwrap();
        assert!(
            !raw.contains("COOKIE-VALUE-123") && raw.contains(CIPHER),
            "{raw}"
        );
        assert_eq!(file.load().unwrap(), Some(session()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file.path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn wrong_or_missing_key_gives_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        TokenFile {
            path: path.clone(),
            key: Some(Secret::new("right")),
        }
        .save(&session())
        .unwrap();
        let wrong = TokenFile {
            path: path.clone(),
            key: Some(Secret::new("wrong")),
        }
        .load()
        .unwrap_err();
        assert!(
            wrong
                .to_string()
                .contains("cannot be decrypted with CP_TOKEN_KEY"),
            "{wrong}"
        );
        let none = TokenFile { path, key: None }.load().unwrap_err();
        assert!(
            none.to_string().contains("CP_TOKEN_KEY is not set"),
            "{none}"
        );
    }

    #[test]
    fn plain_token_round_trips_and_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let file = TokenFile {
            path: dir.path().join("token.json"),
            key: None,
        };
        assert_eq!(file.load().unwrap(), None);
        file.save(&session()).unwrap();
        assert_eq!(file.load().unwrap(), Some(session()));
    }
}
