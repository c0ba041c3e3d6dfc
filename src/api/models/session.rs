//! The user's charging status and one session's details.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::charger::Utility;
use super::wire::{
    epoch_ms, epoch_ms_opt, epoch_s_opt, lenient_f64, lenient_opt_f64, lenient_opt_u64,
};

/// `POST {mapcache}v2` body asking for the user's status.
#[derive(Debug, Serialize)]
pub struct UserStatusRequest {
    /// `{"mfhs": {}}`.
    pub user_status: serde_json::Value,
}

/// The user's status: `charging` is absent when nothing is charging.
#[derive(Debug, Clone, Deserialize)]
pub struct UserStatusAnswer {
    /// The status.
    pub user_status: UserStatus,
}

/// The user's status.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserStatus {
    /// The session in progress, if any.
    pub charging: Option<UserCharging>,
}

/// A session in progress as the user status reports it. Right after a start, `sessionId` and
/// `state` may be missing for a while (eventual consistency).
#[derive(Debug, Clone, Deserialize)]
pub struct UserCharging {
    /// Session id.
    #[serde(rename = "sessionId", default, deserialize_with = "lenient_opt_u64")]
    pub session_id: Option<u64>,
    /// `in_use`, ...
    pub state: Option<String>,
    /// Session start.
    #[serde(rename = "startTimeUTC", default, deserialize_with = "epoch_s_opt")]
    pub start_time: Option<DateTime<Utc>>,
}

/// `POST {gateway}/driver-bff/v1/sessions/{id}` body.
#[derive(Debug, Serialize)]
pub struct SessionRequest {
    /// `{"session_id": id, "mfhs": []}`.
    pub charging_status: serde_json::Value,
}

/// The session-details answer.
#[derive(Debug, Clone, Deserialize)]
pub struct SessionAnswer {
    /// The session, or an error the API reports inside a 200.
    pub charging_status: SessionDetails,
}

/// One session's details. `vehicle_info` is deliberately not modelled: it always names the
/// account's primary vehicle, not the car that charged, and must never be used as a label.
#[derive(Debug, Clone, Deserialize)]
pub struct SessionDetails {
    /// Session id.
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub session_id: Option<u64>,
    /// Plug-in time.
    #[serde(default, deserialize_with = "epoch_ms_opt")]
    pub start_time: Option<DateTime<Utc>>,
    /// End time; absent while charging.
    #[serde(default, deserialize_with = "epoch_ms_opt")]
    pub end_time: Option<DateTime<Utc>>,
    /// `in_use`, `done`, ...
    pub current_charging: Option<String>,
    /// Energy so far, kWh.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub energy_kwh: Option<f64>,
    /// Power now, kW (0 when done).
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub power_kw: Option<f64>,
    /// Plugged-in time, ms.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub session_time: Option<f64>,
    /// Time with energy flowing, ms.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub charging_time: Option<f64>,
    /// ChargePoint's amount (an estimated energy cost at home).
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub total_amount: Option<f64>,
    /// Miles added, by the primary vehicle's range.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub miles_added: Option<f64>,
    /// Charger device id.
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub device_id: Option<u64>,
    /// Charging level.
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub port_level: Option<u64>,
    /// A home charger (false for public stations).
    pub is_home_charger: Option<bool>,
    /// Utility of the session.
    pub utility: Option<Utility>,
    /// City of the charger (kept in caches; a coarse location).
    #[serde(default)]
    pub city: Option<String>,
    /// State of the charger, spelled out (`California`).
    #[serde(default)]
    pub state_name: Option<String>,
    /// Personal: postal code. Written to caches only with `keep_personal_data`.
    #[serde(default)]
    pub zipcode: Option<String>,
    /// Personal: street address. Written to caches only with `keep_personal_data`.
    #[serde(default)]
    pub address1: Option<String>,
    /// Personal: latitude. Written to caches only with `keep_personal_data`.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub lat: Option<f64>,
    /// Personal: longitude. Written to caches only with `keep_personal_data`.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub lon: Option<f64>,
    /// Power samples: dense in the first minute, then every 5-15 minutes.
    #[serde(default)]
    pub update_data: Vec<UpdatePoint>,
    /// An error reported inside a 200 answer.
    pub error: Option<String>,
    /// An error reported inside a 200 answer (other spelling).
    pub error_message: Option<String>,
}

/// One server-side power sample of a session.
#[derive(Debug, Clone, Deserialize)]
pub struct UpdatePoint {
    /// When.
    #[serde(deserialize_with = "epoch_ms")]
    pub timestamp: DateTime<Utc>,
    /// Power, kW.
    #[serde(deserialize_with = "lenient_f64")]
    pub power_kw: f64,
    /// Energy since plug-in, kWh.
    #[serde(deserialize_with = "lenient_f64")]
    pub energy_kwh: f64,
}
