//! Discovery, login and the account profile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::wire::lenient_u64;

/// `POST <discovery>` body.
#[derive(Debug, Serialize)]
pub struct DiscoveryRequest<'a> {
    /// Account name; the answer depends on the account's region.
    pub username: &'a str,
}

/// The discovery answer: where every other call goes.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    /// Base URLs by endpoint key (`sso_endpoint`, `accounts_endpoint`, ...).
    #[serde(rename = "endPoints")]
    pub end_points: BTreeMap<String, EndPoint>,
    /// Region code, sent back as `cp-region` (e.g. `NA-US`).
    pub region: String,
}

/// One endpoint of the discovery answer.
#[derive(Debug, Clone, Deserialize)]
pub struct EndPoint {
    /// Base URL; most end with `/`, `internal_api_gateway_endpoint` does not.
    pub value: String,
}

/// `POST {sso}v1/user/login` body.
#[derive(Serialize)]
pub struct LoginRequest<'a> {
    /// Account name.
    pub username: &'a str,
    /// Password (never logged: this type has no `Debug`).
    pub password: &'a str,
}

/// `GET {accounts}v1/driver/profile/user`.
#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    /// The account.
    pub user: ProfileUser,
}

/// The account part of the profile (only the id is used; personal fields are not read).
#[derive(Debug, Clone, Deserialize)]
pub struct ProfileUser {
    /// Account id, part of the charger-management paths.
    #[serde(rename = "userId", deserialize_with = "lenient_u64")]
    pub user_id: u64,
}
