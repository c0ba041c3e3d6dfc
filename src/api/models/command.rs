//! Remote start and stop, their acks, and the error bodies of the API.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::wire::{lenient_opt_u64, lenient_u64, tolerant};

/// `POST {accounts}v1/driver/station/startsession` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    /// Charger device id (a number, or a numeric string when read).
    #[serde(deserialize_with = "lenient_u64")]
    pub device_id: u64,
}

/// `POST {accounts}v1/driver/station/stopSession` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopRequest {
    /// Charger device id (a number, or a numeric string when read).
    #[serde(deserialize_with = "lenient_u64")]
    pub device_id: u64,
    /// Port (1 on a home charger; absent reads as 1).
    #[serde(default = "port_one")]
    pub port_number: u32,
    /// The session to stop (a number, or a numeric string when read).
    #[serde(deserialize_with = "lenient_u64")]
    pub session_id: u64,
}

fn port_one() -> u32 {
    1
}

/// Start/stop answer: the command's ack id (not a session id).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AckIdAnswer {
    /// Id to poll the ack with.
    #[serde(rename = "ackId", deserialize_with = "lenient_u64")]
    pub ack_id: u64,
}

/// `POST {accounts}v1/driver/station/session/ack` body.
#[derive(Debug, Serialize, Deserialize)]
pub struct AckRequest<'a> {
    /// From the start/stop answer (a number, or a numeric string when read).
    #[serde(rename = "ackId", deserialize_with = "lenient_u64")]
    pub ack_id: u64,
    /// `start_session` or `stop_session` (absent reads as empty).
    #[serde(default)]
    pub action: Cow<'a, str>,
}

/// A confirmed ack (200): `{"sessionId": n}` for a start (`n` is not the session's id),
/// `{}` for a stop. Decoded to tell a real confirmation from a 2xx maintenance page, empty
/// body or half a document (none of which confirms anything); the number is not used.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AckAnswer {
    /// A start's confirmation number.
    #[serde(
        rename = "sessionId",
        default,
        deserialize_with = "lenient_opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_id: Option<u64>,
}

/// The API's error body: `{"errorId", "errorCategory", "errorMessage"}` (401, the pending
/// ack's 422, refusals).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountsError {
    /// Numeric id (`401`, `0`, ...; not read).
    #[serde(
        rename = "errorId",
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    /// `STATION_NOT_YET_CONFIRMED`, `AUTHENTICATION`, ...
    #[serde(
        rename = "errorCategory",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub category: Option<String>,
    /// Human text.
    #[serde(
        rename = "errorMessage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<String>,
}

/// DataDome's 403 JSON body: `{"url": "https://geo.captcha-delivery.com/captcha/?..."}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BotChallenge {
    /// The captcha page to solve in a browser.
    pub url: String,
}
