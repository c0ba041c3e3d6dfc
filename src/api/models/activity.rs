//! The monthly charging activity list.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::charger::Utility;
use super::session::{PrimaryVehicleInfo, SessionDetails};
use super::wire::tolerant;

/// The `charging_activity_monthly` query of `POST {mapcache}v2`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ActivityQuery {
    /// Cursor from the previous page; absent for the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_offset: Option<String>,
    /// Sessions per page (absent reads as 25, the app's page size).
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Include the home charger's address (always true).
    #[serde(default)]
    pub show_address_for_home_sessions: bool,
}

fn default_page_size() -> u32 {
    25
}

/// One page of monthly charging activity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivityAnswer {
    /// The page.
    pub charging_activity_monthly: ActivityPage,
}

/// A page: months (newest first) with their sessions, and the cursor of the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivityPage {
    /// The account's home charger (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub home_charger_id: Option<u64>,
    /// The account's primary vehicle (not read; never a label).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub primary_vehicle: Option<VehicleSummary>,
    /// Months on this page (`[]` past the last page).
    #[serde(default)]
    pub month_info: Vec<ActivityMonth>,
    /// The home utility (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub utility: Option<Utility>,
    /// Cursor to send back for the next page; `last_page` (or absent) at the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_offset: Option<String>,
}

/// One month of the activity list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivityMonth {
    /// The month's sessions on this page, newest first.
    #[serde(default)]
    pub sessions: Vec<SessionDetails>,
    /// The whole month's energy, kWh rounded (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub energy_kwh: Option<HomeTotal>,
    /// The whole month's amount, rounded (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub cost: Option<CostTotal>,
    /// Month, 1..=12.
    pub month: u32,
    /// Year.
    pub year: i32,
    /// The whole month's miles, rounded (not read).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub miles_added: Option<HomeTotal>,
    /// The primary vehicle by id (`"700000001"`; not read; never a label).
    #[serde(
        default,
        deserialize_with = "tolerant",
        skip_serializing_if = "Option::is_none"
    )]
    pub vehicle_info: Option<BTreeMap<String, PrimaryVehicleInfo>>,
}

/// A month total at home, rounded to an integer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HomeTotal {
    /// At the home charger.
    pub home: i64,
}

/// A month's amount at home, rounded to an integer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CostTotal {
    /// ISO currency.
    pub currency_iso_code: String,
    /// At the home charger.
    pub home: i64,
}

/// `primary_vehicle` of the activity page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VehicleSummary {
    /// Model year.
    pub year: i32,
    /// Model name.
    pub model: String,
    /// Make.
    pub make: String,
}
