//! Session tokens: the `coulomb_sess` values the sim hands out, each valid for two sim hours.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::mix;

/// Lifetime of a session token, sim seconds.
pub(crate) const TOKEN_S: i64 = 7200;

/// The tokens issued so far and when each expires.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tokens {
    seed: u64,
    issued: u64,
    live: BTreeMap<String, DateTime<Utc>>,
}

impl Tokens {
    /// No tokens yet; their values derive from `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

    /// A fresh session token valid for [`TOKEN_S`] sim seconds from `at`.
    pub(crate) fn issue(&mut self, at: DateTime<Utc>) -> String {
        self.live.retain(|_, until| *until > at);
        self.issued += 1;
        let token = format!(
            "{:016x}{:016x}",
            mix(self.seed ^ 0x70CE, self.issued),
            mix(self.issued, self.seed)
        );
        self.live
            .insert(token.clone(), at + Duration::seconds(TOKEN_S));
        token
    }

    /// Whether `token` was issued here and has not expired at `at`.
    pub(crate) fn valid(&self, token: &str, at: DateTime<Utc>) -> bool {
        self.live.get(token).is_some_and(|until| at < *until)
    }

    /// Forgets `token` (logout).
    pub(crate) fn revoke(&mut self, token: &str) {
        self.live.remove(token);
    }

    /// Every token stops working (the `expire` fault).
    pub(crate) fn expire_all(&mut self) {
        self.live.clear();
    }
}
