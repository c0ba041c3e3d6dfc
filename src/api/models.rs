//! Request and response bodies of the ChargePoint driver API, as the real (sanitized) answers in
//! `tests/fixtures/chargepoint/` show them. Unknown fields are ignored; fields some answers lack
//! are `Option`. Numbers the API sometimes sends as strings are accepted either way, and epoch
//! milliseconds become UTC timestamps at this edge.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, de};

// ---- lenient number and time decoding -------------------------------------------------------

/// A number that may arrive as a JSON number or as a numeric string.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Num(f64),
    Str(String),
}

impl NumOrStr {
    fn value<E: de::Error>(self) -> Result<f64, E> {
        match self {
            Self::Num(n) => Ok(n),
            Self::Str(s) => s
                .trim()
                .parse()
                .map_err(|_| E::custom(format!("expected a number, got {s:?}"))),
        }
    }
}

/// `f64` from a number or a numeric string.
pub fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    NumOrStr::deserialize(d)?.value()
}

/// Optional `f64` from a number, a numeric string or `null`.
pub fn lenient_opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Option::<NumOrStr>::deserialize(d)?
        .map(NumOrStr::value)
        .transpose()
}

/// `u64` id from a number or a numeric string (`"100000001"` and `100000001` are the same).
pub fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = NumOrStr::deserialize(d)?.value::<D::Error>()?;
    if v >= 0.0 && v.fract() == 0.0 && v < 2f64.powi(53) {
        Ok(v as u64)
    } else {
        Err(de::Error::custom(format!(
            "expected a whole number id, got {v}"
        )))
    }
}

/// Optional `u64` id.
pub fn lenient_opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "lenient_u64")] u64);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

/// Epoch milliseconds (number or string) as a UTC time.
pub fn epoch_ms<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let ms = lenient_f64(d)?;
    DateTime::from_timestamp_millis(ms as i64)
        .ok_or_else(|| de::Error::custom(format!("{ms} is not a time in epoch milliseconds")))
}

/// Optional epoch milliseconds.
pub fn epoch_ms_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "epoch_ms")] DateTime<Utc>);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

/// Optional epoch seconds (a float in `user_status.startTimeUTC`).
pub fn epoch_s_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match lenient_opt_f64(d)? {
        None => Ok(None),
        Some(s) => DateTime::from_timestamp_millis((s * 1000.0).round() as i64)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("{s} is not a time in epoch seconds"))),
    }
}

// ---- discovery, login, account --------------------------------------------------------------

/// `POST <discovery>` body.
#[derive(Debug, Serialize)]
pub struct DiscoveryRequest<'a> {
    /// Account name; the answer depends on the account's region.
    pub username: &'a str,
}

/// The discovery answer: where every other call goes.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    /// Base URLs by endpoint key (`sso_endpoint`, `accounts_endpoint`, ...).
    #[serde(rename = "endPoints")]
    pub end_points: BTreeMap<String, EndPoint>,
    /// Region code, sent back as `cp-region` (e.g. `NA-US`).
    pub region: String,
}

/// One endpoint of the discovery answer.
#[derive(Debug, Clone, Deserialize)]
pub struct EndPoint {
    /// Base URL; most end with `/`, `internal_api_gateway_endpoint` does not.
    pub value: String,
}

/// `POST {sso}v1/user/login` body.
#[derive(Serialize)]
pub struct LoginRequest<'a> {
    /// Account name.
    pub username: &'a str,
    /// Password (never logged: this type has no `Debug`).
    pub password: &'a str,
}

/// `GET {accounts}v1/driver/profile/user`.
#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    /// The account.
    pub user: ProfileUser,
}

/// The account part of the profile (only the id is used; personal fields are not read).
#[derive(Debug, Clone, Deserialize)]
pub struct ProfileUser {
    /// Account id, part of the charger-management paths.
    #[serde(rename = "userId", deserialize_with = "lenient_u64")]
    pub user_id: u64,
}

// ---- home charger ---------------------------------------------------------------------------

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

// ---- the user's charging status, sessions, activity -----------------------------------------

/// `POST {mapcache}v2` body asking for the user's status.
#[derive(Debug, Serialize)]
pub struct UserStatusRequest {
    /// `{"mfhs": {}}`.
    pub user_status: serde_json::Value,
}

/// The user's status: `charging` is absent when nothing is charging.
#[derive(Debug, Clone, Deserialize)]
pub struct UserStatusAnswer {
    /// The status.
    pub user_status: UserStatus,
}

/// The user's status.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserStatus {
    /// The session in progress, if any.
    pub charging: Option<UserCharging>,
}

/// A session in progress as the user status reports it. Right after a start, `sessionId` and
/// `state` may be missing for a while (eventual consistency).
#[derive(Debug, Clone, Deserialize)]
pub struct UserCharging {
    /// Session id.
    #[serde(rename = "sessionId", default, deserialize_with = "lenient_opt_u64")]
    pub session_id: Option<u64>,
    /// `in_use`, ...
    pub state: Option<String>,
    /// Session start.
    #[serde(rename = "startTimeUTC", default, deserialize_with = "epoch_s_opt")]
    pub start_time: Option<DateTime<Utc>>,
}

/// `POST {gateway}/driver-bff/v1/sessions/{id}` body.
#[derive(Debug, Serialize)]
pub struct SessionRequest {
    /// `{"session_id": id, "mfhs": []}`.
    pub charging_status: serde_json::Value,
}

/// The session-details answer.
#[derive(Debug, Clone, Deserialize)]
pub struct SessionAnswer {
    /// The session, or an error the API reports inside a 200.
    pub charging_status: SessionDetails,
}

/// One session's details. `vehicle_info` is deliberately not modelled: it always names the
/// account's primary vehicle, not the car that charged, and must never be used as a label.
#[derive(Debug, Clone, Deserialize)]
pub struct SessionDetails {
    /// Session id.
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub session_id: Option<u64>,
    /// Plug-in time.
    #[serde(default, deserialize_with = "epoch_ms_opt")]
    pub start_time: Option<DateTime<Utc>>,
    /// End time; absent while charging.
    #[serde(default, deserialize_with = "epoch_ms_opt")]
    pub end_time: Option<DateTime<Utc>>,
    /// `in_use`, `done`, ...
    pub current_charging: Option<String>,
    /// Energy so far, kWh.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub energy_kwh: Option<f64>,
    /// Power now, kW (0 when done).
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub power_kw: Option<f64>,
    /// Plugged-in time, ms.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub session_time: Option<f64>,
    /// Time with energy flowing, ms.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub charging_time: Option<f64>,
    /// ChargePoint's amount (an estimated energy cost at home).
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub total_amount: Option<f64>,
    /// Miles added, by the primary vehicle's range.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub miles_added: Option<f64>,
    /// Charger device id.
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub device_id: Option<u64>,
    /// Charging level.
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    pub port_level: Option<u64>,
    /// A home charger (false for public stations).
    pub is_home_charger: Option<bool>,
    /// Utility of the session.
    pub utility: Option<Utility>,
    /// City of the charger (kept in caches; a coarse location).
    #[serde(default)]
    pub city: Option<String>,
    /// State of the charger, spelled out (`California`).
    #[serde(default)]
    pub state_name: Option<String>,
    /// Personal: postal code. Written to caches only with `keep_personal_data`.
    #[serde(default)]
    pub zipcode: Option<String>,
    /// Personal: street address. Written to caches only with `keep_personal_data`.
    #[serde(default)]
    pub address1: Option<String>,
    /// Personal: latitude. Written to caches only with `keep_personal_data`.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub lat: Option<f64>,
    /// Personal: longitude. Written to caches only with `keep_personal_data`.
    #[serde(default, deserialize_with = "lenient_opt_f64")]
    pub lon: Option<f64>,
    /// Power samples: dense in the first minute, then every 5-15 minutes.
    #[serde(default)]
    pub update_data: Vec<UpdatePoint>,
    /// An error reported inside a 200 answer.
    pub error: Option<String>,
    /// An error reported inside a 200 answer (other spelling).
    pub error_message: Option<String>,
}

/// One server-side power sample of a session.
#[derive(Debug, Clone, Deserialize)]
pub struct UpdatePoint {
    /// When.
    #[serde(deserialize_with = "epoch_ms")]
    pub timestamp: DateTime<Utc>,
    /// Power, kW.
    #[serde(deserialize_with = "lenient_f64")]
    pub power_kw: f64,
    /// Energy since plug-in, kWh.
    #[serde(deserialize_with = "lenient_f64")]
    pub energy_kwh: f64,
}

/// `POST {mapcache}v2` body asking for a page of monthly activity.
#[derive(Debug, Serialize)]
pub struct ActivityRequest {
    /// `{"page_size": n, "show_address_for_home_sessions": true, "page_offset"?: cursor}`.
    pub charging_activity_monthly: serde_json::Value,
}

/// One page of monthly charging activity.
#[derive(Debug, Clone, Deserialize)]
pub struct ActivityAnswer {
    /// The page.
    pub charging_activity_monthly: ActivityPage,
}

/// A page: months (newest first) with their sessions, and the cursor of the next page.
#[derive(Debug, Clone, Deserialize)]
pub struct ActivityPage {
    /// Months on this page.
    #[serde(default)]
    pub month_info: Vec<ActivityMonth>,
    /// Cursor to send back for the next page; `last_page` (or absent) at the end.
    pub page_offset: Option<String>,
}

/// One month of the activity list.
#[derive(Debug, Clone, Deserialize)]
pub struct ActivityMonth {
    /// Year.
    pub year: i32,
    /// Month, 1..=12.
    pub month: u32,
    /// The month's sessions on this page, newest first.
    #[serde(default)]
    pub sessions: Vec<SessionDetails>,
}

/// `POST {accounts}v1/driver/station/startsession` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    /// Charger device id.
    pub device_id: u64,
}

/// `POST {accounts}v1/driver/station/stopSession` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StopRequest {
    /// Charger device id.
    pub device_id: u64,
    /// Port (1 on a home charger).
    pub port_number: u32,
    /// The session to stop.
    pub session_id: u64,
}

/// Start/stop answer: the command's ack id (not a session id).
#[derive(Debug, Clone, Deserialize)]
pub struct AckIdAnswer {
    /// Id to poll the ack with.
    #[serde(rename = "ackId", deserialize_with = "lenient_u64")]
    pub ack_id: u64,
}

/// `POST {accounts}v1/driver/station/session/ack` body.
#[derive(Debug, Serialize)]
pub struct AckRequest<'a> {
    /// From the start/stop answer.
    #[serde(rename = "ackId")]
    pub ack_id: u64,
    /// `start_session` or `stop_session`.
    pub action: &'a str,
}

/// An error body of the accounts API (also the pending ack).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountsError {
    /// `STATION_NOT_YET_CONFIRMED`, `AUTHENTICATION`, ...
    #[serde(rename = "errorCategory")]
    pub category: Option<String>,
    /// Human text.
    #[serde(rename = "errorMessage")]
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_numbers_are_accepted_as_strings() {
        let c: HomeChargers = serde_json::from_str(r#"{"data": [{"id": "100000001"}]}"#).unwrap();
        assert_eq!(c.data[0].id, 100000001);
        let a: AmperageAnswer =
            serde_json::from_str(r#"{"desiredValue": "40", "status": "APPLYING"}"#).unwrap();
        assert_eq!(a.desired_value, 40.0);
        assert!(serde_json::from_str::<HomeChargerRef>(r#"{"id": "abc"}"#).is_err());
    }

    #[test]
    fn epoch_units_become_utc_times() {
        let u: UserStatusAnswer = serde_json::from_str(
            r#"{"user_status": {"charging": {"sessionId": 4754846071, "state": "in_use", "startTimeUTC": 1767944361.0}}}"#,
        )
        .unwrap();
        let c = u.user_status.charging.unwrap();
        assert_eq!(
            c.start_time.unwrap().to_rfc3339(),
            "2026-01-09T07:39:21+00:00"
        );
        let p: UpdatePoint = serde_json::from_str(
            r#"{"energy_kwh": 5e-05, "power_kw": 0.16375, "timestamp": 1767944369000}"#,
        )
        .unwrap();
        assert_eq!(p.timestamp.to_rfc3339(), "2026-01-09T07:39:29+00:00");
    }
}
