//! Remote start and stop, their acks, and the accounts API's error body.

use serde::{Deserialize, Serialize};

use super::wire::lenient_u64;

/// `POST {accounts}v1/driver/station/startsession` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    /// Charger device id.
    pub device_id: u64,
}

/// `POST {accounts}v1/driver/station/stopSession` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StopRequest {
    /// Charger device id.
    pub device_id: u64,
    /// Port (1 on a home charger).
    pub port_number: u32,
    /// The session to stop.
    pub session_id: u64,
}

/// Start/stop answer: the command's ack id (not a session id).
#[derive(Debug, Clone, Deserialize)]
pub struct AckIdAnswer {
    /// Id to poll the ack with.
    #[serde(rename = "ackId", deserialize_with = "lenient_u64")]
    pub ack_id: u64,
}

/// `POST {accounts}v1/driver/station/session/ack` body.
#[derive(Debug, Serialize)]
pub struct AckRequest<'a> {
    /// From the start/stop answer.
    #[serde(rename = "ackId")]
    pub ack_id: u64,
    /// `start_session` or `stop_session`.
    pub action: &'a str,
}

/// An error body of the accounts API (also the pending ack).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountsError {
    /// `STATION_NOT_YET_CONFIRMED`, `AUTHENTICATION`, ...
    #[serde(rename = "errorCategory")]
    pub category: Option<String>,
    /// Human text.
    #[serde(rename = "errorMessage")]
    pub message: Option<String>,
}
