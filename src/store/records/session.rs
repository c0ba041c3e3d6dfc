use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{Confidence, LocalDisplayTime, NonNeg, SessionId, Timestamp, limits};

/// Who set a session's `vehicle_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelSource {
    /// The vehicle classifier.
    Classifier,
    /// A person, with `cph50 label`; wins over the classifier everywhere.
    Manual,
}

/// `data/sessions/YYYY/MM/DD/<session_id>.json`: the first minutes of one session's power
/// curve and its vehicle label. The folder is the session's local start date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFile {
    /// ChargePoint session id; equals the file name.
    pub session_id: SessionId,
    /// When sampling began (UTC).
    pub collection_start: Timestamp,
    /// When sampling ended (UTC).
    pub collection_end: Timestamp,
    /// Length of the sampling window in seconds.
    #[serde(deserialize_with = "limits::non_neg::<_, limits::Seconds>")]
    pub duration_seconds: NonNeg,
    /// Samples attempted.
    pub sample_count: u32,
    /// Samples that returned a reading.
    pub valid_sample_count: u32,
    /// Planned seconds between samples.
    pub interval_seconds: u32,
    /// The charger's amperage limit when sampling began, whole amperes (SAE J1772 range, 6 to
    /// 80); absent when it was not read (files written before cph50 recorded it). The
    /// classifier answers `unknown` for a curve the limit held down to a power another car
    /// could have been held down to.
    #[serde(
        default,
        deserialize_with = "limits::opt_whole::<_, limits::Amperage>",
        skip_serializing_if = "Option::is_none"
    )]
    pub amperage_limit_amps: Option<u64>,
    /// Key into `vehicle_config.json`, or `"unknown"`.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub vehicle_id: Option<String>,
    /// Confidence of `vehicle_id`, 0..1.
    pub vehicle_confidence: Option<Confidence>,
    /// Who set `vehicle_id`.
    pub labeled_by: Option<LabelSource>,
    /// When `vehicle_id` was set (UTC).
    pub labeled_at: Option<Timestamp>,
    /// The readings, in order.
    #[serde(deserialize_with = "limits::samples")]
    pub samples: Vec<Sample>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

impl SessionFile {
    /// The field and a sentence when sampling ends more than [`limits::MAX_SESSION_DAYS`]
    /// after it starts (see [`super::CacheEntry::span_problem`]).
    pub fn span_problem(&self) -> Option<(&'static str, String)> {
        limits::span_problem(self.collection_start.to_utc(), self.collection_end.to_utc())
            .map(|e| ("collection_end", e))
    }
}

/// One reading of a session's power and cumulative energy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// 1-based position in the collection window.
    pub sample_number: u32,
    /// When the reading was taken (UTC).
    pub timestamp: Timestamp,
    /// The same moment in local time, with zone abbreviation.
    pub timestamp_pt: LocalDisplayTime,
    /// Session the reading belongs to.
    pub session_id: SessionId,
    /// Power at that moment, kW; `null` when the reading failed.
    #[serde(default, deserialize_with = "limits::opt_non_neg::<_, limits::Power>")]
    pub power_kw: Option<NonNeg>,
    /// Energy delivered since the session started, kWh; `null` when the reading failed.
    #[serde(default, deserialize_with = "limits::opt_non_neg::<_, limits::Energy>")]
    pub energy_kwh: Option<NonNeg>,
    /// Session duration in minutes as reported by the API, when it reports one.
    #[serde(
        default,
        deserialize_with = "limits::opt_non_neg::<_, limits::Minutes>"
    )]
    pub duration_minutes: Option<NonNeg>,
    /// Charging state word as reported by the API, when it reports one.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub status: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}
