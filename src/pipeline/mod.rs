//! The scheduled jobs: one module per stage. Stages take the API client, the store and the
//! clock; they never call each other (they meet through store records), and `app.rs` runs them.
//! [`label`] is the on-request labelling of one session (`cph50 label`, `cph50 classify`),
//! which needs no client. The classifier itself is [`crate::classify`]; this layer turns API
//! answers into its curves ([`update_data_curve`]).

pub mod cache;
pub mod charge_control;
pub mod collect;
pub mod label;
pub mod monitor;

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
