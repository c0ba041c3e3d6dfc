//! One typed model per JSON file under `data/`, field for field as in the data dictionary.
//!
//! Every record keeps the keys it does not know in `extra`, so a file written by a newer
//! version (or by hand) loses nothing when this version rewrites it. Known fields are written
//! first in the order below, unknown ones after them in sorted order, which keeps output stable.

mod cache;
mod classifier;
mod classifier_model;
mod last_session;
mod runs;
mod session;
mod vehicle;

pub use cache::{
    CacheCharger, CacheEntry, CacheLocation, CacheSession, CacheUtility, CacheVehicle, CurvePoint,
    EnergyCost, MonthlyCache, PeriodUse, TimeOfUse, power_curve_problem,
};
pub use classifier::{ClassifierSummary, VehicleStats};
pub use classifier_model::{ClassStats, ClassifierModel, FeatureModel};

/// Format version of `classifier_model.json` this build writes and reads.
pub const CLASSIFIER_MODEL_VERSION: u32 = 1;
pub use last_session::{LastSession, LastSessionId};
pub use runs::{Run, RunResult, RunStop, RunType, Runs, StopCondition, StopOutcome};
pub use session::{LabelSource, Sample, SessionFile};
pub use vehicle::{
    UNKNOWN_VEHICLE, ValidPeriod, Vehicle, VehicleConfig, VehicleMap, VehicleMapEntry,
};

/// Keys a record does not model, kept verbatim and in sorted order.
pub type Extra = std::collections::BTreeMap<String, serde_json::Value>;
