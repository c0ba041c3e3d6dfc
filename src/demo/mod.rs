//! `cph50 demo-data`: a deterministic, realistic charging history for the demo site and tests.
//!
//! Day by day it plays the household the data dictionary describes: the charger's own schedule
//! charges overnight from 00:00 to 06:00 local time, cph50's daily start runs at 06:00 and
//! continues a charge the schedule left unfinished, cars are also plugged in in the evening
//! (sessions across midnight and across both DST changes) and topped up during the day, and
//! now and then a guest car charges that the classifier must call `unknown`.
//! The same seed gives byte-identical files.

mod derived;
mod household;
pub mod profiles;
pub mod rng;
mod session;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::store::layout::Month;
use crate::store::records::{
    ClassifierSummary, LastSession, LastSessionId, MonthlyCache, Runs, SessionFile, VehicleConfig,
    VehicleMap,
};
use crate::tariff::Tariff;

pub use household::generate;

/// The documented default seed; `data/` in the repository is `demo-data --seed 42 --months 15`.
pub const DEFAULT_SEED: u64 = 42;
/// Default length of the history in months.
pub const DEFAULT_MONTHS: u32 = 15;
/// Default last month of the history (fixed, so the output never depends on today's date).
pub const DEFAULT_UNTIL: Month = Month {
    year: 2026,
    month: 10,
};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Params {
    /// Random seed.
    pub seed: u64,
    /// Months of history, ending with `until`.
    pub months: u32,
    /// The last month of the history.
    pub until: Month,
    /// The local zone of the household.
    pub clock: Clock,
    /// The rate plan, if any: each cache entry then carries its split by time-of-use period,
    /// computed from the session's whole demo curve sampled every 5 minutes as ChargePoint's
    /// `update_data` would be (no random draws, so the rest of the data is the same).
    pub tariff: Option<Tariff>,
}

impl Params {
    /// The first and last local day of the history.
    pub fn days(&self) -> Option<(NaiveDate, NaiveDate)> {
        let mut first = self.until;
        for _ in 1..self.months {
            first = if first.month == 1 {
                Month {
                    year: first.year - 1,
                    month: 12,
                }
            } else {
                Month {
                    year: first.year,
                    month: first.month - 1,
                }
            };
        }
        let last = self.until.next().first_day()?.pred_opt()?;
        Some((first.first_day()?, last))
    }
}

/// A complete demo data folder, as records; the caller writes it through the store.
#[derive(Debug, Clone)]
pub struct DemoData {
    /// `vehicle_config.json`.
    pub vehicle_config: VehicleConfig,
    /// Every session file with its local start date (its folder).
    pub sessions: Vec<(NaiveDate, SessionFile)>,
    /// Monthly caches by local month.
    pub caches: BTreeMap<Month, MonthlyCache>,
    /// `runs.json`.
    pub runs: Runs,
    /// `last_session.json`.
    pub last_session: Option<LastSession>,
    /// `.last_session_id.json`.
    pub last_session_id: Option<LastSessionId>,
    /// `classifier_summary.json` (per-vehicle statistics; no model trained yet).
    pub classifier_summary: ClassifierSummary,
    /// `session_vehicle_map.json` (legacy manual labels of the first sessions).
    pub vehicle_map: VehicleMap,
}

/// `x` rounded to `places` decimals, as the demo writes its numbers.
fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
