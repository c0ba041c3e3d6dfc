//! One session's details: the session-details answer, and the items of the activity list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::charger::Utility;
use super::wire::{
    epoch_ms, epoch_ms_opt, lenient_f64, lenient_opt_f64, lenient_opt_u64, ser_epoch_ms,
    ser_epoch_ms_opt, ser_whole_opt, tolerant, tolerant_epoch_ms,
};

/// The session-details answer (`POST {gateway}/driver-bff/v1/sessions/{id}`, or `{mapcache}v2`
/// with `charging_status`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionAnswer {
    /// The session, or an error the API reports inside a 200.
    pub charging_status: SessionDetails,
}

/// One session, as the details answer and the activity list write it (snake_case; the fields
/// marked "details only" or "activity list items" appear in one of them). The client reads
/// the fields without "not read"; the rest are modelled so `cph50 sim` serializes the same
/// shape. `vehicle_info` and `vehicle_id` always name the account's primary vehicle, whatever
/// car charged: never use them as a label.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SessionDetails {
    /// Country of the charger (`United States`; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub country: Option<String>,
    /// City of the charger (kept in caches; a coarse location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `PERSONAL`, ... (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub purpose: Option<String>,
    /// Power now as the app shows it, 2 decimals (`"9.02"`; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub power_kw_display: Option<String>,
    /// The purpose is final (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_purpose_finalized: Option<bool>,
    /// Milliseconds between samples while charging (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_period: Option<u64>,
    /// Utility of the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utility: Option<Utility>,
    /// Personal: longitude. Written to caches only with `keep_personal_data`.
    #[serde(
        default,
        deserialize_with = "lenient_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub lon: Option<f64>,
    /// Power now, kW (0 when done).
    #[serde(
        default,
        deserialize_with = "lenient_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub power_kw: Option<f64>,
    /// Plugged-in time, ms (an integer on the wire).
    #[serde(
        default,
        deserialize_with = "lenient_opt_f64",
        serialize_with = "ser_whole_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_time: Option<f64>,
    /// A receipt exists (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_charging_receipt: Option<bool>,
    /// Payment is complete (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub payment_completed: Option<bool>,
    /// Energy so far, kWh.
    #[serde(
        default,
        deserialize_with = "lenient_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub energy_kwh: Option<f64>,
    /// Amount charged to the user (a float; 0.0 at home; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_amount_to_user: Option<f64>,
    /// `CP HOME / <serial>` (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_name: Option<String>,
    /// An internal flag of the API (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub api_flag: Option<bool>,
    /// Outlet of the station, 1 on a home charger (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub outlet_number: Option<u32>,
    /// State of the charger, spelled out (`California`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_name: Option<String>,
    /// Currency of the station's organization (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub organization_currency: Option<String>,
    /// Pricing spec id, 0 at home (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub pricing_spec_id: Option<u64>,
    /// ISO currency of the amounts (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub currency_iso_code: Option<String>,
    /// `in_use`, `done`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_charging: Option<String>,
    /// Activity list items: the account's primary vehicle again, not the car that charged (not
    /// read; never a label).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub vehicle_id: Option<u64>,
    /// Personal: latitude. Written to caches only with `keep_personal_data`.
    #[serde(
        default,
        deserialize_with = "lenient_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub lat: Option<f64>,
    /// Session details: always the account's primary vehicle, not the car that charged. Modelled
    /// only for the wire shape; it must never be used as a label.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub vehicle_info: Option<PrimaryVehicleInfo>,
    /// Charging level (2 for a home charger, as in every fixture).
    #[serde(
        default,
        deserialize_with = "lenient_opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub port_level: Option<u64>,
    /// Time with energy flowing, ms (an integer on the wire).
    #[serde(
        default,
        deserialize_with = "lenient_opt_f64",
        serialize_with = "ser_whole_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub charging_time: Option<f64>,
    /// Charger device id.
    #[serde(
        default,
        deserialize_with = "lenient_opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_id: Option<u64>,
    /// Station owner's company id (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub company_id: Option<u64>,
    /// A home charger (false for public stations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_home_charger: Option<bool>,
    /// Personal: street address. Written to caches only with `keep_personal_data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    /// End time (epoch ms on the wire); absent while charging.
    #[serde(
        default,
        deserialize_with = "epoch_ms_opt",
        serialize_with = "ser_epoch_ms_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<DateTime<Utc>>,
    /// Energy as the app shows it, 4 decimals (`"4.8352"`; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub energy_kwh_display: Option<String>,
    /// Activity list items: the session id as a string (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_id_string: Option<String>,
    /// Session id.
    #[serde(
        default,
        deserialize_with = "lenient_opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_id: Option<u64>,
    /// Activity list items: multi-family home station (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_mfhs_enabled: Option<bool>,
    /// A utility is on file (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_utility_info: Option<bool>,
    /// Personal: postal code. Written to caches only with `keep_personal_data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zipcode: Option<String>,
    /// Time of the last sample (epoch ms on the wire; not read).
    #[serde(
        default,
        deserialize_with = "tolerant_epoch_ms",
        serialize_with = "ser_epoch_ms_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_update_data_timestamp: Option<DateTime<Utc>>,
    /// Plug-in time (epoch ms on the wire).
    #[serde(
        default,
        deserialize_with = "epoch_ms_opt",
        serialize_with = "ser_epoch_ms_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<DateTime<Utc>>,
    /// `none` at home (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub payment_type: Option<String>,
    /// ChargePoint's amount (an estimated energy cost at home), in `currency_iso_code`.
    #[serde(
        default,
        deserialize_with = "lenient_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_amount: Option<f64>,
    /// When the session was billed (epoch ms on the wire; not read).
    #[serde(
        default,
        deserialize_with = "tolerant_epoch_ms",
        serialize_with = "ser_epoch_ms_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub billing_time: Option<DateTime<Utc>>,
    /// `CP Home` (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub company_name: Option<String>,
    /// UTC offset of the charger at the start, seconds (`-28800`; not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_offset: Option<i32>,
    /// Miles added, by the primary vehicle's range.
    #[serde(
        default,
        deserialize_with = "lenient_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub miles_added: Option<f64>,
    /// The session can be stopped remotely (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub stop_charge_supported: Option<bool>,
    /// Power samples: dense in the first minute, then every 5-15 minutes (details only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub update_data: Vec<UpdatePoint>,
    /// An error reported inside a 200 answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// An error reported inside a 200 answer (other spelling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// One server-side power sample of a session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdatePoint {
    /// Energy since plug-in, kWh.
    #[serde(deserialize_with = "lenient_f64")]
    pub energy_kwh: f64,
    /// Power, kW.
    #[serde(deserialize_with = "lenient_f64")]
    pub power_kw: f64,
    /// When the server wrote the sample (epoch ms; one of a finished session's last three
    /// points has it; not read).
    #[serde(
        default,
        deserialize_with = "tolerant_epoch_ms",
        serialize_with = "ser_epoch_ms_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_date: Option<DateTime<Utc>>,
    /// When (epoch ms on the wire).
    #[serde(deserialize_with = "epoch_ms", serialize_with = "ser_epoch_ms")]
    pub timestamp: DateTime<Utc>,
}

/// The `vehicle_info` of the session answers: the account's primary vehicle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrimaryVehicleInfo {
    /// Model year.
    pub year: i32,
    /// Range, miles.
    pub ev_range: u32,
    /// Always true.
    pub is_primary_vehicle: bool,
    /// Model name.
    pub model: String,
    /// Battery capacity, kWh (a float: `78.0`).
    pub battery_capacity: f64,
    /// Vehicle id.
    pub vehicle_id: u64,
    /// Make.
    pub make: String,
}
