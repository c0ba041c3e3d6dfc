//! The charger's schedule and its amperage limit: the answers and the bodies that change them.

use serde::{Deserialize, Serialize};

use super::charger::{HcmPlan, Utility};
use super::wire::{lenient_f64, lenient_u32, ser_whole_string, tolerant};

/// `GET/PUT {hcpo}api/v1/schedule/charger/{chargerId}/schedule`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// The utility has time-of-use pricing (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_tou_pricing: Option<bool>,
    /// The user's windows (present when enabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_schedule: Option<WeekSchedule>,
    /// The default windows (present when disabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_schedule: Option<WeekSchedule>,
    /// The utility's suggested windows (present when enabled; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub utility_schedule: Option<WeekSchedule>,
    /// The utility the windows are based on (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub based_on_utility: Option<Utility<HcmPlan>>,
    /// A utility is on file (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_utility_info: Option<bool>,
    /// The user's schedule is on.
    pub schedule_enabled: bool,
}

/// Weekday and weekend windows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeekSchedule {
    /// Monday to Friday.
    pub weekdays: Window,
    /// Saturday and Sunday.
    pub weekends: Window,
}

impl WeekSchedule {
    /// The same windows without the weekday numbers of an answer: what a `PUT` sends.
    pub fn times_only(self) -> Self {
        Self {
            weekdays: self.weekdays.times_only(),
            weekends: self.weekends.times_only(),
        }
    }
}

/// One daily window, local `HH:MM`. Answers also name the days it spans (1 = Monday ... 7 =
/// Sunday); requests leave them out.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    /// First day, 1 = Monday (answers only; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_weekday: Option<u32>,
    /// Start, `HH:MM`.
    pub start_time: String,
    /// Last day, 7 = Sunday (answers only; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_weekday: Option<u32>,
    /// End, `HH:MM`.
    pub end_time: String,
}

impl Window {
    /// The window with `start_time`/`end_time` only.
    pub fn times_only(self) -> Self {
        Self {
            start_weekday: None,
            end_weekday: None,
            ..self
        }
    }
}

/// `PUT .../schedule` body: `Some` sets the windows, `None` (`{}`) disables the schedule.
#[derive(Debug, Serialize)]
pub struct ScheduleRequest {
    /// The windows to set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<WeekSchedule>,
}

/// `PUT .../charge-amperage-limit` body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmperageRequest {
    /// New limit, whole amperes (a number or a numeric string when read).
    #[serde(deserialize_with = "lenient_u32")]
    pub charge_amperage_limit: u32,
}

/// `PUT .../charge-amperage-limit` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmperageAnswer {
    /// The setting's name (`Charge Amperage Limit`; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// The value being applied, amperes (a string on the wire: `"40"`).
    #[serde(deserialize_with = "lenient_f64", serialize_with = "ser_whole_string")]
    pub desired_value: f64,
    /// `APPLYING`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}
