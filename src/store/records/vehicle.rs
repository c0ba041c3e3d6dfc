use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{Date, NonNeg, Timestamp, limits};

/// The `vehicle_id` used when the classifier cannot tell which car charged.
pub const UNKNOWN_VEHICLE: &str = "unknown";

/// `data/vehicle_config.json`: the household's vehicles, edited by the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VehicleConfig {
    /// Vehicles by id (the id is what sessions and caches store in `vehicle_id`).
    #[serde(deserialize_with = "limits::vehicles")]
    pub vehicles: BTreeMap<String, Vehicle>,
    /// When the user last edited the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<Timestamp>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One vehicle of `vehicle_config.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    /// Display name, used when set.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub nickname: Option<String>,
    /// Model year.
    #[serde(default, deserialize_with = "limits::opt_model_year")]
    pub year: Option<i32>,
    /// Manufacturer.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub make: Option<String>,
    /// Model name.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub model: Option<String>,
    /// Trim level.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub trim: Option<String>,
    /// Usable battery size, kWh.
    #[serde(
        default,
        deserialize_with = "limits::opt_non_neg::<_, limits::Battery>"
    )]
    pub battery_capacity_kwh: Option<NonNeg>,
    /// Most the car accepts on AC, kW.
    #[serde(
        default,
        deserialize_with = "limits::opt_non_neg::<_, limits::CarPower>"
    )]
    pub max_charge_rate_kw: Option<NonNeg>,
    /// Paint colour as the maker names it.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub paint_color: Option<String>,
    /// Paint colour as `#RRGGBB`, for the swatch on the dashboard.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub paint_color_hex: Option<String>,
    /// A plain colour word to tell cars apart ("Blue").
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Name>")]
    pub display_color: Option<String>,
    /// Miles per kWh, to turn energy into miles added.
    #[serde(
        default,
        deserialize_with = "limits::opt_non_neg::<_, limits::Efficiency>"
    )]
    pub efficiency_mi_per_kwh: Option<NonNeg>,
    /// Notes on how the car charges.
    #[serde(default, deserialize_with = "limits::opt_text::<_, limits::Note>")]
    pub characteristics: Option<String>,
    /// Dates the car belonged to the household; outside them it is never a classifier answer.
    /// Absent means "always".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_periods: Option<Vec<ValidPeriod>>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A span of dates a vehicle was in the household; `end: null` means "still is".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidPeriod {
    /// First day, inclusive.
    pub start: Date,
    /// Last day, inclusive; `null` while the car is still in the household.
    pub end: Option<Date>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data/session_vehicle_map.json` (legacy): manual labels by session id, read as a label
/// source. Values are either a vehicle id or an object with a `vehicle_id`.
pub type VehicleMap = BTreeMap<String, VehicleMapEntry>;

/// One label of the legacy map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VehicleMapEntry {
    /// `"4751613101": "volvo_xc40_2021"`
    Id(#[serde(deserialize_with = "limits::text::<_, limits::Id>")] String),
    /// `"4751613101": {"vehicle_id": "volvo_xc40_2021", ...}`
    Detailed {
        /// The labelled vehicle.
        #[serde(deserialize_with = "limits::text::<_, limits::Id>")]
        vehicle_id: String,
        /// Anything else the legacy scripts wrote.
        #[serde(flatten)]
        extra: Extra,
    },
}

impl VehicleMapEntry {
    /// The labelled vehicle id, whichever form the entry has.
    pub fn vehicle_id(&self) -> &str {
        match self {
            Self::Id(id) => id,
            Self::Detailed { vehicle_id, .. } => vehicle_id,
        }
    }
}

impl VehicleConfig {
    /// Whether `id` names a configured vehicle or is the `"unknown"` answer.
    pub fn knows(&self, id: &str) -> bool {
        id == UNKNOWN_VEHICLE || self.vehicles.contains_key(id)
    }

    /// The configured ids, comma-separated, for error messages.
    pub fn known_ids(&self) -> String {
        self.vehicles.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}
