//! Discovery, login, the account profile and the account's vehicles.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::wire::{lenient_u64, tolerant};

/// `POST <discovery>` body.
#[derive(Debug, Serialize)]
pub struct DiscoveryRequest<'a> {
    /// Account name; the answer depends on the account's region.
    pub username: &'a str,
}

/// The discovery answer: where every other call goes, and the rest of the region's
/// configuration, passed through as it came.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Discovery {
    /// Base URLs by endpoint key (`sso_endpoint`, `accounts_endpoint`, ...).
    #[serde(rename = "endPoints")]
    pub end_points: BTreeMap<String, EndPoint>,
    /// Region code, sent back as `cp-region` (e.g. `NA-US`).
    pub region: String,
    /// Everything else (`homeChargerConfig`, currencies, countries, analytics, ...): not read,
    /// kept so the answer serializes back whole.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// One endpoint of the discovery answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndPoint {
    /// Base URL; most end with `/`, `internal_api_gateway_endpoint` does not.
    pub value: String,
    /// Behind DataDome bot protection (`dataDome`; not read).
    #[serde(
        rename = "dataDome",
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub data_dome: Option<bool>,
}

/// `POST {sso}v1/user/login` body. A missing field reads as empty.
#[derive(Serialize, Deserialize)]
pub struct LoginRequest<'a> {
    /// Account name.
    #[serde(default)]
    pub username: Cow<'a, str>,
    /// Password (never logged: this type has no `Debug`).
    #[serde(default)]
    pub password: Cow<'a, str>,
}

/// `GET {accounts}v1/driver/profile/user`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The account.
    pub user: ProfileUser,
    /// The account's balance (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_balance: Option<AccountBalance>,
}

/// The account part of the profile. Only the id is read; the personal fields are modelled so
/// the answer's shape is written down once, and are never stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileUser {
    /// Personal: e-mail address.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// Avatar image URL.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub evatar_url: Option<String>,
    /// Personal: family name.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub family_name: Option<String>,
    /// Personal: full name.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub full_name: Option<String>,
    /// Personal: given name.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub given_name: Option<String>,
    /// Personal: phone number, digits.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Option<String>,
    /// Country of the phone number (ChargePoint's country id, `1` = US).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_country_id: Option<u32>,
    /// Account id, part of the charger-management paths.
    #[serde(deserialize_with = "lenient_u64")]
    pub user_id: u64,
    /// Personal: the login name.
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub username: Option<String>,
}

/// The profile's `accountBalance`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountBalance {
    /// Account number, digits.
    pub account_number: String,
    /// Account state (`test`, ...).
    pub account_state: String,
    /// The balance.
    pub balance: Money,
}

/// An amount of money as the accounts API writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Money {
    /// Decimal amount as a string (`"0.0"`).
    pub amount: String,
    /// ISO currency code (`USD`).
    pub currency: String,
}

/// `GET {accounts}v1/driver/vehicle`: the account's vehicles (a JSON array), read by
/// `cph50 init` to fill `vehicle_config.json`.
pub type Vehicles = Vec<Vehicle>;

/// One vehicle of the account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vehicle {
    /// Vehicle id (a number).
    pub id: u64,
    /// Make.
    pub make: VehicleMake,
    /// Model.
    pub model: VehicleModel,
    /// Model year and charging speeds.
    pub model_year: ModelYear,
    /// Colour and picture.
    pub model_year_color: ModelYearColor,
    /// The account's primary vehicle (the one every session answer's `vehicle_info` names).
    pub primary_vehicle: bool,
}

/// A vehicle's make.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VehicleMake {
    /// Make id.
    pub id: u64,
    /// `Volvo`, ...
    pub name: String,
}

/// A vehicle's model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VehicleModel {
    /// Preselected in the app.
    pub default_select: bool,
    /// Model id.
    pub id: u64,
    /// `XC40 Recharge`, ...
    pub name: String,
}

/// A vehicle's model year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelYear {
    /// AC charging speed, kW (a float: `11.0`).
    pub charging_speed: f64,
    /// DC charging speed, kW (a float: `150.0`).
    pub dc_charging_speed: f64,
    /// Model year.
    pub year: i32,
}

/// A vehicle's colour.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelYearColor {
    /// Colour id.
    pub color_id: u64,
    /// `Blue`, ...
    pub color_name: String,
    /// Preselected in the app.
    pub default_select: bool,
    /// Picture URL.
    pub image_url: String,
}
