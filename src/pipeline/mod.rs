//! The scheduled jobs: one module per stage. Stages take the API client, the store and the
//! clock; they never call each other (they meet through store records), and `app.rs` runs them.
//! [`label`] is the on-request labelling of one session (`cph50 label`, `cph50 classify`),
//! which needs no client. The classifier itself is [`crate::classify`]; this layer turns API
//! answers into its curves ([`update_data_curve`]).

pub mod cache;
pub mod charge_control;
pub mod charge_stop;
pub mod checks;
pub mod collect;
pub mod daily;
pub mod label;
pub mod live;
pub mod monitor;
pub mod reason;

use chrono::{DateTime, Utc};

use crate::api::Client;
use crate::api::models::SessionDetails;
use crate::classify::Curve;
use crate::clock::Clock;
use crate::store::Store;

/// What every stage works with.
pub struct StageContext<'a> {
    /// The ChargePoint client.
    pub client: &'a mut Client,
    /// The data folder.
    pub store: &'a Store,
    /// Now, and the local zone.
    pub clock: &'a Clock,
}

/// The classifier's curve of a session's details: its `update_data` as `(time, kW)` points,
/// counted from the session's start (see [`Curve::from_update_data`]).
pub fn update_data_curve(details: &SessionDetails, clock: &Clock) -> Curve {
    let points: Vec<(DateTime<Utc>, f64)> = details
        .update_data
        .iter()
        .map(|p| (p.timestamp, p.power_kw))
        .collect();
    Curve::from_update_data(details.start_time, &points, clock)
}

/// Whether a session ran at the home charger `home` (its device id): the session's
/// `device_id` decides when it has one; without it, only `is_home_charger: true` makes it a
/// home session. A workplace or public station's answer may lack the flag, so the flag alone
/// never outweighs a device id.
pub fn is_home_session(device_id: Option<u64>, is_home_charger: Option<bool>, home: u64) -> bool {
    match device_id {
        Some(device) => device == home,
        None => is_home_charger == Some(true),
    }
}

#[cfg(test)]
mod tests {
    use super::is_home_session;

    #[test]
    fn the_device_id_decides_and_the_flag_only_stands_in_for_it() {
        let home = 100_000_001;
        assert!(is_home_session(Some(home), None, home));
        assert!(is_home_session(Some(home), Some(false), home));
        assert!(!is_home_session(Some(100_000_777), None, home));
        assert!(!is_home_session(Some(100_000_777), Some(true), home));
        assert!(is_home_session(None, Some(true), home));
        assert!(!is_home_session(None, None, home));
        assert!(!is_home_session(None, Some(false), home));
    }
}
