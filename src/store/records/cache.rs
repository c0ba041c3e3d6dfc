use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{Confidence, NonNeg, SessionId, Timestamp, limits};

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
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub vehicle_id: Option<String>,
    /// Confidence of `vehicle_id`, 0..1.
    pub vehicle_confidence: Option<Confidence>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CacheEntry {
    /// The field and a sentence when the entry ends more than
    /// [`limits::MAX_SESSION_DAYS`] after it starts: no session lasts that long, and the site
    /// would split it into years of days. `validate` and `build` both ask.
    pub fn span_problem(&self) -> Option<(&'static str, String)> {
        let end = self.session_end_time?;
        limits::span_problem(self.session_start_time.to_utc(), end.to_utc())
            .map(|e| ("session_end_time", e))
    }
}

/// `vehicle` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheVehicle {
    /// Key into `vehicle_config.json`, or `"unknown"`.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub vehicle_id: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub vehicle_name: Option<String>,
    /// Model name.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub model: Option<String>,
    /// VIN; `null` unless personal data is kept on purpose.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub vin: Option<String>,
    /// Manufacturer.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub make: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `location` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheLocation {
    /// ChargePoint's location id.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub location_id: Option<String>,
    /// Display name ("Home").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub name: Option<String>,
    /// Street address; generic unless personal data is kept on purpose.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub address: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub city: Option<String>,
    /// State.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub state: Option<String>,
    /// ZIP code; `null` unless personal data is kept on purpose.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub zip_code: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `charger` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheCharger {
    /// ChargePoint device id.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub charger_id: Option<String>,
    /// Plug type ("J1772").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub connector_type: Option<String>,
    /// Charger model ("CPH50").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
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
    #[serde(deserialize_with = "limits::non_neg::<_, limits::Energy>")]
    pub energy_kwh: NonNeg,
    /// Plugged-in time, seconds.
    #[serde(deserialize_with = "limits::whole::<_, limits::Seconds>")]
    pub duration_seconds: u64,
    /// ChargePoint's amount for the session, in the account's currency.
    #[serde(default, deserialize_with = "limits::opt_number::<_, limits::Cost>")]
    pub cost: Option<f64>,
    /// Highest power seen, kW.
    #[serde(default, deserialize_with = "limits::opt_non_neg::<_, limits::Power>")]
    pub peak_power_kw: Option<NonNeg>,
    /// Session state ("completed", "in_use").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Id>")]
    pub status: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `utility` of a cache entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheUtility {
    /// Utility or energy provider name.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub utility_name: Option<String>,
    /// Company behind it.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub utility_company: Option<String>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}
