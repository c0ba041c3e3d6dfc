use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{Confidence, NonNeg, SessionId, Timestamp};

/// `data/session_cache/YYYY-MM.json`: every session of one local month, oldest first.
pub type MonthlyCache = Vec<CacheEntry>;

/// One session of a monthly cache: ChargePoint's details plus our vehicle label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// ChargePoint session id.
    pub session_id: SessionId,
    /// Plug-in time (UTC).
    pub session_start_time: Timestamp,
    /// Unplug time (UTC); `null` while the session is open.
    pub session_end_time: Option<Timestamp>,
    /// The car as ChargePoint and our label describe it.
    pub vehicle: CacheVehicle,
    /// Where the charger is (generic values unless personal data is kept on purpose).
    pub location: CacheLocation,
    /// The charger.
    pub charger: CacheCharger,
    /// Energy, time and money.
    pub session: CacheSession,
    /// The utility that supplied the energy.
    pub utility: CacheUtility,
    /// Key into `vehicle_config.json`, or `"unknown"`.
    pub vehicle_id: Option<String>,
    /// Confidence of `vehicle_id`, 0..1.
    pub vehicle_confidence: Option<Confidence>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `vehicle` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheVehicle {
    /// Key into `vehicle_config.json`, or `"unknown"`.
    pub vehicle_id: Option<String>,
    /// Display name.
    pub vehicle_name: Option<String>,
    /// Model name.
    pub model: Option<String>,
    /// VIN; `null` unless personal data is kept on purpose.
    pub vin: Option<String>,
    /// Manufacturer.
    pub make: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `location` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheLocation {
    /// ChargePoint's location id.
    pub location_id: Option<String>,
    /// Display name ("Home").
    pub name: Option<String>,
    /// Street address; generic unless personal data is kept on purpose.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// ZIP code; `null` unless personal data is kept on purpose.
    pub zip_code: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `charger` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheCharger {
    /// ChargePoint device id.
    pub charger_id: Option<String>,
    /// Plug type ("J1772").
    pub connector_type: Option<String>,
    /// Charger model ("CPH50").
    pub charger_model: Option<String>,
    /// Charging level (2 for a home charger).
    pub level: Option<u8>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `session` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheSession {
    /// Energy delivered, kWh.
    pub energy_kwh: NonNeg,
    /// Plugged-in time, seconds.
    pub duration_seconds: u64,
    /// ChargePoint's amount for the session, in the account's currency.
    pub cost: Option<f64>,
    /// Highest power seen, kW.
    pub peak_power_kw: Option<NonNeg>,
    /// Session state ("completed", "in_use").
    pub status: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `utility` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheUtility {
    /// Utility or energy provider name.
    pub utility_name: Option<String>,
    /// Company behind it.
    pub utility_company: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}
