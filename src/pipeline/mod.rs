//! The scheduled jobs: one module per stage. Stages take the API client, the store and the
//! clock; they never call each other (they meet through store records), and `app.rs` runs them.

pub mod cache;
pub mod charge_control;
pub mod collect;
pub mod monitor;

use crate::api::Client;
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
