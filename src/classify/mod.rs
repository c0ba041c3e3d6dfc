//! Which car is charging: power-curve features, a trained model with an open-set "unknown",
//! and a fallback on per-vehicle statistics before any model exists.
//!
//! The entry point is [`Identifier`]: `Identifier::load(store)?.identify(&curve, min)` names
//! the car of a [`Curve`] (a session file's samples or a session's `update_data`). Training is
//! [`training::train`]. This module reads the data folder through the store; it never talks
//! to ChargePoint (callers turn API answers into [`Curve`]s).

pub mod curve;
pub mod features;
pub mod identifier;
pub mod limit;
pub mod model;
pub mod training;

use serde::Serialize;

use crate::store::records::UNKNOWN_VEHICLE;

pub use curve::Curve;
pub use identifier::{Classifier, Identifier, vehicle_config};

/// Default smallest confidence that names a car; below it the answer is `unknown`.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.6;
/// Classifier labels at or above this confidence are used for training (manual labels always).
pub const TRAINING_MIN_CONFIDENCE: f64 = 0.9;

/// The classifier's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// A vehicle id of `vehicle_config.json`, or `unknown`.
    pub vehicle_id: String,
    /// Calibrated confidence, 0..1 (of the named car; of the best guess when unknown).
    pub confidence: f64,
    /// `knn`, `naive_bayes`, `random_forest`, `statistics` or `none`.
    pub method: String,
    /// Why the answer is what it is.
    pub reason: String,
    /// The most likely known car, even when the answer is `unknown`.
    pub best_guess: Option<String>,
    /// RMS distance to the best guess in standardized feature space (model), or the z-score
    /// of the steady power against the best guess (statistics).
    pub distance: Option<f64>,
}

impl Answer {
    /// `unknown` with confidence 0 and method `none`: nothing could be asked (no usable curve,
    /// no household vehicles).
    pub fn none(reason: impl Into<String>) -> Self {
        Self {
            vehicle_id: UNKNOWN_VEHICLE.into(),
            confidence: 0.0,
            method: "none".into(),
            reason: reason.into(),
            best_guess: None,
            distance: None,
        }
    }

    /// `unknown` with no best guess; `confidence` rounded to 2 places.
    fn unknown(confidence: f64, method: &str, reason: &str) -> Self {
        Self {
            vehicle_id: UNKNOWN_VEHICLE.into(),
            confidence: round2(confidence),
            method: method.into(),
            reason: reason.into(),
            best_guess: None,
            distance: None,
        }
    }
}

/// `x` rounded to 2 decimal places.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
