//! The home charger: list, status, technical info, configuration, schedule, amperage limit.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::wire::{epoch_ms_opt, lenient_f64, lenient_opt_u64, lenient_u64};

/// `GET {hcpo}api/v1/configuration/users/{userId}/chargers`.
#[derive(Debug, Clone, Deserialize)]
pub struct HomeChargers {
    /// The account's home chargers.
    pub data: Vec<HomeChargerRef>,
}

/// One home charger of the list (`id` is a string in the real answer).
#[derive(Debug, Clone, Deserialize)]
pub struct HomeChargerRef {
    /// Device id.
    #[serde(deserialize_with = "lenient_u64")]
    pub id: u64,
}

/// `GET .../chargers/{chargerId}/status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargerStatus {
    /// A vehicle's plug is in.
    pub is_plugged_in: bool,
    /// The charger is reachable by ChargePoint (false = offline, not "unplugged").
    pub is_connected: bool,
    /// `CHARGING`, `AVAILABLE`, ...
    pub charging_status: String,
    /// The charger's own schedule window is active now.
    #[serde(default)]
    pub is_during_scheduled_time: bool,
    /// Model name (`HOME FLEX`).
    #[serde(default)]
    pub model: Option<String>,
    /// Amperage limit settings.
    #[serde(default)]
    pub charge_amperage_settings: Option<AmperageSettings>,
}

impl ChargerStatus {
    /// Energy is flowing.
    pub fn is_charging(&self) -> bool {
        self.charging_status.eq_ignore_ascii_case("CHARGING")
    }
}

/// Current and possible amperage limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmperageSettings {
    /// Limit in force, amperes.
    #[serde(deserialize_with = "lenient_f64")]
    pub charge_limit: f64,
    /// Limits the charger accepts.
    #[serde(default)]
    pub possible_charge_limit: Vec<f64>,
}

/// `GET .../chargers/{chargerId}/technical-info` (serial, MAC and IP are not read).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TechnicalInfo {
    /// Model number (`CPH50-...`).
    pub model_number: Option<String>,
    /// Firmware version.
    pub software_version: Option<String>,
    /// Last firmware update.
    #[serde(default, deserialize_with = "epoch_ms_opt")]
    pub last_ota_update: Option<DateTime<Utc>>,
    /// When the charger was last connected to ChargePoint.
    #[serde(default, deserialize_with = "epoch_ms_opt")]
    pub last_connected_at: Option<DateTime<Utc>>,
    /// The charger can be stopped remotely.
    #[serde(default)]
    pub stop_charge_supported: Option<bool>,
}

/// `GET .../chargers/{chargerId}/configurations` (the street address is not read).
#[derive(Debug, Clone, Deserialize)]
pub struct ChargerConfig {
    /// Settings.
    pub settings: ChargerSettings,
}

/// The parts of the charger settings cph50 uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargerSettings {
    /// Nickname set in the app.
    pub station_nickname: Option<String>,
    /// The utility on file.
    pub utility: Option<Utility>,
}

/// A utility and its plans.
#[derive(Debug, Clone, Deserialize)]
pub struct Utility {
    /// Utility name.
    pub name: Option<String>,
    /// Utility id.
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub id: Option<u64>,
}

/// `GET/PUT {hcpo}api/v1/schedule/charger/{chargerId}/schedule`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// The user's schedule is on.
    pub schedule_enabled: bool,
    /// The user's windows (present when enabled).
    pub user_schedule: Option<WeekSchedule>,
    /// The default windows (present when disabled).
    pub default_schedule: Option<WeekSchedule>,
}

/// Weekday and weekend windows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeekSchedule {
    /// Monday to Friday.
    pub weekdays: Window,
    /// Saturday and Sunday.
    pub weekends: Window,
}

/// One daily window, local `HH:MM`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    /// Start, `HH:MM`.
    pub start_time: String,
    /// End, `HH:MM`.
    pub end_time: String,
}

/// `PUT .../schedule` body: `Some` sets the windows, `None` (`{}`) disables the schedule.
#[derive(Debug, Serialize)]
pub struct ScheduleRequest {
    /// The windows to set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<WeekSchedule>,
}

/// `PUT .../charge-amperage-limit` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AmperageRequest {
    /// New limit, amperes.
    pub charge_amperage_limit: u32,
}

/// `PUT .../charge-amperage-limit` answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmperageAnswer {
    /// The value being applied (a string in the real answer).
    #[serde(deserialize_with = "lenient_f64")]
    pub desired_value: f64,
    /// `APPLYING`, ...
    pub status: Option<String>,
}
