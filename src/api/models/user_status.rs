//! `POST {mapcache}v2`: the request that names one query, and the user's charging status.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Empty;
use super::activity::ActivityQuery;
use super::wire::{epoch_s_opt, lenient_opt_u64, lenient_u64, ser_epoch_s_opt, tolerant};

/// `POST {mapcache}v2` body: one key names what is asked (the session-details call of
/// driver-bff sends the same `charging_status` body).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct MapcacheRequest {
    /// A page of the monthly activity list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charging_activity_monthly: Option<ActivityQuery>,
    /// One session's details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charging_status: Option<SessionQuery>,
    /// The user's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_status: Option<UserStatusQuery>,
}

impl MapcacheRequest {
    /// `{"user_status": {"mfhs": {}}}`.
    pub fn user_status() -> Self {
        Self {
            user_status: Some(UserStatusQuery::default()),
            ..Self::default()
        }
    }

    /// `{"charging_status": {"mfhs": [], "session_id": id}}`.
    pub fn session(session_id: u64) -> Self {
        Self {
            charging_status: Some(SessionQuery {
                mfhs: Vec::new(),
                session_id,
            }),
            ..Self::default()
        }
    }

    /// `{"charging_activity_monthly": {"page_offset"?: cursor, "page_size": 25,
    /// "show_address_for_home_sessions": true}}`.
    pub fn activity(page_offset: Option<String>) -> Self {
        Self {
            charging_activity_monthly: Some(ActivityQuery {
                page_offset,
                page_size: 25,
                show_address_for_home_sessions: true,
            }),
            ..Self::default()
        }
    }
}

/// The `user_status` query: `{"mfhs": {}}`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct UserStatusQuery {
    /// Multi-family home stations: always `{}` (ignored when read).
    #[serde(default, skip_deserializing)]
    pub mfhs: Empty,
}

/// The `charging_status` query: `{"mfhs": [], "session_id": id}`.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionQuery {
    /// Multi-family home stations: always `[]` (ignored when read).
    #[serde(default, skip_deserializing)]
    pub mfhs: Vec<u64>,
    /// The session (a number, or a numeric string when read).
    #[serde(deserialize_with = "lenient_u64")]
    pub session_id: u64,
}

/// The user's status: `{"user_status": {}}` when nothing is charging.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserStatusAnswer {
    /// The status.
    pub user_status: UserStatus,
}

/// The user's status.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UserStatus {
    /// The session in progress, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charging: Option<UserCharging>,
}

/// A session in progress as the user status reports it. Right after a start, `sessionId` and
/// `state` may be missing for a while (eventual consistency).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserCharging {
    /// Session id.
    #[serde(
        rename = "sessionId",
        default,
        deserialize_with = "lenient_opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_id: Option<u64>,
    /// `in_use`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Session start (float epoch seconds on the wire: `1767944361.0`).
    #[serde(
        rename = "startTimeUTC",
        default,
        deserialize_with = "epoch_s_opt",
        serialize_with = "ser_epoch_s_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<DateTime<Utc>>,
    /// The station it runs on (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub stations: Option<Vec<ChargingStation>>,
}

/// A station of the user status.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargingStation {
    /// Device id (a number).
    pub device_id: u64,
    /// Station name (`CP HOME`).
    pub name: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}
