//! The monthly charging activity list.

use serde::{Deserialize, Serialize};

use super::session::SessionDetails;

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
