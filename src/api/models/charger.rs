//! The home charger: list, status, technical info and configuration, and the utility shapes
//! shared with the schedule and the session answers.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::wire::{
    epoch_ms_opt, lenient_f64, lenient_opt_u64, lenient_u64, ser_epoch_ms_opt, ser_u64_string,
    ser_whole, ser_whole_vec, tolerant,
};

/// `GET {hcpo}api/v1/configuration/users/{userId}/chargers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HomeChargers {
    /// The account's home chargers.
    pub data: Vec<HomeChargerRef>,
    /// The list's cursor (`nextCursor: "none"` on the only page; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub pagination: Option<Pagination>,
}

/// One home charger of the list. `label`, `protocolIdentifier`, `coordinates` and `location`
/// are `null` in every answer seen (and written as `null`); none is read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HomeChargerRef {
    /// Device id (a string on the wire: `"100000001"`).
    #[serde(deserialize_with = "lenient_u64", serialize_with = "ser_u64_string")]
    pub id: u64,
    /// The charger's label.
    #[serde(default, deserialize_with = "tolerant")]
    pub label: Option<String>,
    /// Protocol identifier.
    #[serde(default, deserialize_with = "tolerant")]
    pub protocol_identifier: Option<String>,
    /// Coordinates (shape unknown: always `null` so far).
    #[serde(default)]
    pub coordinates: Option<serde_json::Value>,
    /// Location (shape unknown: always `null` so far).
    #[serde(default)]
    pub location: Option<serde_json::Value>,
}

/// The cursor of a list answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// The next page's cursor; `none` on the last page.
    pub next_cursor: String,
}

/// `GET .../chargers/{chargerId}/status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargerStatus {
    /// Brand (`CP`; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub brand: Option<String>,
    /// A vehicle's plug is in.
    pub is_plugged_in: bool,
    /// The charger is reachable by ChargePoint (false = offline, not "unplugged").
    pub is_connected: bool,
    /// `CHARGING`, `AVAILABLE`, ...
    pub charging_status: String,
    /// The plug-in reminder is on (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_reminder_enabled: Option<bool>,
    /// Local time of the plug-in reminder, `H:MM` (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub plug_in_reminder_time: Option<String>,
    /// Model name (`HOME FLEX`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// MAC address, `00:00:00:00:00:01` (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub mac_address: Option<String>,
    /// A utility is on file (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_utility_info: Option<bool>,
    /// The charger's own schedule window is active now.
    #[serde(default)]
    pub is_during_scheduled_time: bool,
    /// Amperage limit settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_amperage_settings: Option<AmperageSettings>,
}

impl ChargerStatus {
    /// Energy is flowing.
    pub fn is_charging(&self) -> bool {
        self.charging_status.eq_ignore_ascii_case("CHARGING")
    }
}

/// Current and possible amperage limits (whole amperes, integers on the wire).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmperageSettings {
    /// Limit in force, amperes.
    #[serde(deserialize_with = "lenient_f64", serialize_with = "ser_whole")]
    pub charge_limit: f64,
    /// A new limit is being applied (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub in_progress: Option<bool>,
    /// Limits the charger accepts.
    #[serde(default, serialize_with = "ser_whole_vec")]
    pub possible_charge_limit: Vec<f64>,
}

/// `GET .../chargers/{chargerId}/technical-info` (serial, MAC and IP are not read).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TechnicalInfo {
    /// Model number (`CPH50-...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_number: Option<String>,
    /// Serial number.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub serial_number: Option<String>,
    /// Wi-Fi MAC address.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub wifi_mac: Option<String>,
    /// MAC address.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub mac_address: Option<String>,
    /// Firmware version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    /// Last firmware update (epoch ms on the wire).
    #[serde(
        default,
        deserialize_with = "epoch_ms_opt",
        serialize_with = "ser_epoch_ms_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_ota_update: Option<DateTime<Utc>>,
    /// IP address on the home network.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_ip: Option<String>,
    /// When the charger was last connected to ChargePoint (epoch ms on the wire).
    #[serde(
        default,
        deserialize_with = "epoch_ms_opt",
        serialize_with = "ser_epoch_ms_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_connected_at: Option<DateTime<Utc>>,
    /// The charger can be stopped remotely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_charge_supported: Option<bool>,
}

/// `GET .../chargers/{chargerId}/configurations`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChargerConfig {
    /// Settings.
    pub settings: ChargerSettings,
}

/// The charger settings. cph50 reads the nickname and the utility; the street address and the
/// rest are modelled for the wire shape only.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargerSettings {
    /// Serial number.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub serial_number: Option<String>,
    /// MAC address, 16 hex digits.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub mac_address: Option<String>,
    /// Nickname set in the app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub station_nickname: Option<String>,
    /// Personal: the installation's street address (never stored).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub street_address: Option<String>,
    /// A utility is on file.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_utility_info: Option<bool>,
    /// The utility on file (its plans in camelCase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utility: Option<Utility<HcmPlan>>,
    /// Indicator light eco mode (`OFF`, ...).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub indicator_light_eco_mode: Option<String>,
    /// A flashlight reset is pending.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub flashlight_reset: Option<bool>,
    /// Works with Google Nest.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub works_with_nest: Option<bool>,
    /// Paired with Google Nest.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_paired_with_nest: Option<bool>,
    /// Installed by an installer.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_installed_by_installer: Option<bool>,
    /// The LED settings.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub led: Option<Led>,
}

/// The charger's LED settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Led {
    /// Brightness.
    pub brightness: LedBrightness,
}

/// The LED brightness: levels are digit strings (`"0"` to `"5"`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LedBrightness {
    /// Level in force, a digit string.
    pub level: String,
    /// A new level is being applied.
    pub in_progress: bool,
    /// Levels the LED accepts.
    pub supported_levels: Vec<String>,
    /// The LED is on.
    pub is_enabled: bool,
}

/// A utility and its plans. `P` is the plan's spelling: [`Plan`] (snake_case) in the session
/// answers, [`HcmPlan`] (camelCase) in the charger-management answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "P: DeserializeOwned"))]
pub struct Utility<P = Plan> {
    /// The utility's rate plans (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub plans: Option<Vec<P>>,
    /// Utility name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Utility id.
    #[serde(
        default,
        deserialize_with = "lenient_opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<u64>,
}

/// A rate plan as the session answers spell it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// Plan code (`EV-TOU-5-NEM3`).
    pub code: String,
    /// Plan name.
    pub name: String,
    /// Plan id.
    pub id: u64,
    /// A plan for electric vehicles.
    pub is_ev_plan: bool,
}

/// A rate plan as the charger-management answers spell it (`isEvPlan`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HcmPlan {
    /// Plan id.
    pub id: u64,
    /// Plan name.
    pub name: String,
    /// Plan code (`EV-TOU-5-NEM3`).
    pub code: String,
    /// A plan for electric vehicles.
    pub is_ev_plan: bool,
}
