use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{Confidence, LocalDisplayTime, NonNeg, SessionId, Timestamp, limits};

/// `data/last_session.json`: the dashboard's snapshot of the current or latest session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastSession {
    /// UTC time of the poll that wrote this snapshot.
    pub timestamp: Timestamp,
    /// The same moment in local time for display, with the zone abbreviation (`PST`/`PDT`).
    pub detected_at: LocalDisplayTime,
    /// Current power draw in kW; `null` when not charging.
    #[serde(default, deserialize_with = "limits::opt_non_neg::<_, limits::Power>")]
    pub power_kw: Option<NonNeg>,
    /// Energy delivered in the current session, kWh; `null` when there is no session.
    #[serde(default, deserialize_with = "limits::opt_non_neg::<_, limits::Energy>")]
    pub energy_kwh: Option<NonNeg>,
    /// Session duration in minutes; `null` when there is no session.
    #[serde(default, deserialize_with = "limits::opt_whole::<_, limits::Minutes>")]
    pub duration_minutes: Option<u64>,
    /// Key into `vehicle_config.json`, or `"unknown"`.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub vehicle_id: Option<String>,
    /// Classifier confidence for `vehicle_id`, 0..1.
    pub vehicle_confidence: Option<Confidence>,
    /// The charger reports a vehicle connected.
    pub connected: bool,
    /// Energy is flowing.
    pub charging: bool,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data/.last_session_id.json`: the last session the monitor saw (internal, not displayed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastSessionId {
    /// Id of the most recent session detected.
    pub session_id: SessionId,
    /// When that session was detected (UTC).
    pub timestamp: Timestamp,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}
