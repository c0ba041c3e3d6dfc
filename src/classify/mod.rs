//! Which car is charging: power-curve features, a trained model with an open-set "unknown",
//! and a fallback on per-vehicle statistics before any model exists.

pub mod features;
pub mod model;

use chrono::NaiveDate;
use serde::Serialize;

use crate::store::records::{ClassifierSummary, SessionFile, UNKNOWN_VEHICLE, VehicleConfig};
use features::{Features, Source};
use model::Loaded;

/// Default smallest confidence that names a car; below it the answer is `unknown`.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.6;
/// Classifier labels at or above this confidence are used for training (manual labels always).
pub const TRAINING_MIN_CONFIDENCE: f64 = 0.9;

/// What the classifier can work with.
pub enum Classifier {
    /// A trained model.
    Model(Box<Loaded>),
    /// Per-vehicle steady power statistics (`classifier_summary.json`), before any training.
    Statistics(Vec<(String, f64, f64)>),
    /// Nothing yet: every answer is `unknown`.
    Nothing,
}

impl Classifier {
    /// The fallback from `classifier_summary.json`'s per-vehicle statistics.
    pub fn from_summary(summary: Option<&ClassifierSummary>) -> Self {
        let stats: Vec<(String, f64, f64)> = summary
            .map(|s| {
                s.vehicles
                    .iter()
                    .map(|(id, v)| (id.clone(), v.mean_power_kw.0, v.std_power_kw.0))
                    .collect()
            })
            .unwrap_or_default();
        if stats.is_empty() {
            Self::Nothing
        } else {
            Self::Statistics(stats)
        }
    }

    /// Names the car of a curve charged on `date` (local), among the vehicles valid that day.
    pub fn identify(
        &self,
        features: &Features,
        date: Option<NaiveDate>,
        config: &VehicleConfig,
        min_confidence: f64,
    ) -> Answer {
        let valid = |id: &str| match (date, config.vehicles.get(id)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(d), Some(v)) => v.valid_periods.as_ref().is_none_or(|periods| {
                periods
                    .iter()
                    .any(|p| p.start.0 <= d && p.end.is_none_or(|e| d <= e.0))
            }),
        };
        match self {
            Self::Model(m) => from_model(m, features, &valid, min_confidence),
            Self::Statistics(stats) => from_statistics(stats, features, &valid, min_confidence),
            Self::Nothing => Answer::unknown(
                0.0,
                "none",
                "no trained model and no per-vehicle statistics yet",
            ),
        }
    }
}

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
    /// RMS distance to the best guess in standardized feature space (model only).
    pub distance: Option<f64>,
}

impl Answer {
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

fn from_model(m: &Loaded, f: &Features, valid: &dyn Fn(&str) -> bool, min: f64) -> Answer {
    let classes = &m.file.classes;
    let Some(score) = m.score(f) else {
        return Answer::unknown(0.0, &m.file.kind, "the model could not score this curve");
    };
    // probabilities over the cars valid that day only
    let mut probs: Vec<f64> = score
        .probabilities
        .iter()
        .zip(classes)
        .map(|(p, c)| if valid(c) { *p } else { 0.0 })
        .collect();
    let total: f64 = probs.iter().sum();
    if total <= 0.0 {
        return Answer::unknown(
            0.0,
            &m.file.kind,
            "no known vehicle was in the household on that date",
        );
    }
    probs.iter_mut().for_each(|p| *p /= total);
    let pick = if valid(&classes[score.predicted]) {
        score.predicted
    } else {
        (0..probs.len())
            .max_by(|a, b| probs[*a].total_cmp(&probs[*b]))
            .unwrap_or(0)
    };
    let (confidence, distance, bound) = (probs[pick], score.distances[pick], score.bounds[pick]);
    let guess = classes[pick].clone();
    let mut answer = Answer {
        vehicle_id: guess.clone(),
        confidence: round2(confidence),
        method: m.file.kind.clone(),
        reason: format!("{} {guess}", m.file.kind.replace('_', " ")),
        best_guess: Some(guess.clone()),
        distance: Some(round2(distance)),
    };
    if distance > bound {
        answer.vehicle_id = UNKNOWN_VEHICLE.into();
        answer.reason = format!(
            "outside every known car: {distance:.1} from {guess}, whose sessions lie within {bound:.1}"
        );
    } else if confidence < min {
        answer.vehicle_id = UNKNOWN_VEHICLE.into();
        answer.reason = format!("confidence {confidence:.2} for {guess} is under {min:.2}");
    }
    answer
}

/// Before training: nearest steady power among the per-vehicle statistics.
fn from_statistics(
    stats: &[(String, f64, f64)],
    f: &Features,
    valid: &dyn Fn(&str) -> bool,
    min: f64,
) -> Answer {
    let level = f.median_kw;
    // a session's median moves far less than single readings: a tenth of the reading spread
    let scored: Vec<(String, f64)> = stats
        .iter()
        .filter(|(id, _, _)| valid(id))
        .map(|(id, mean, sd)| (id.clone(), (level - mean) / (sd / 3.0).max(0.05)))
        .collect();
    let ll: Vec<f64> = scored.iter().map(|(_, z)| -0.5 * z * z).collect();
    let probs = model::softmax(&ll, 1.0);
    let Some(best) = (0..scored.len()).max_by(|a, b| probs[*a].total_cmp(&probs[*b])) else {
        return Answer::unknown(0.0, "statistics", "no vehicle statistics for that date");
    };
    let (id, z) = &scored[best];
    let mut answer = Answer {
        vehicle_id: id.clone(),
        confidence: round2(probs[best]),
        method: "statistics".into(),
        reason: format!("steady power {level:.2} kW is nearest to {id}"),
        best_guess: Some(id.clone()),
        distance: Some(round2(z.abs())),
    };
    if z.abs() > 4.0 {
        answer.vehicle_id = UNKNOWN_VEHICLE.into();
        answer.reason = format!("steady power {level:.2} kW is far from every known car");
    } else if probs[best] < min {
        answer.vehicle_id = UNKNOWN_VEHICLE.into();
        answer.reason = format!("confidence {:.2} for {id} is under {min:.2}", probs[best]);
    }
    answer
}

/// The `(seconds, kW)` points of a session file's samples (failed readings left out).
pub fn session_points(s: &SessionFile) -> Vec<(f64, f64)> {
    let t0 = s.collection_start.to_utc();
    s.samples
        .iter()
        .filter_map(|x| {
            let p = x.power_kw?.0;
            let t = (x.timestamp.to_utc() - t0).num_milliseconds() as f64 / 1000.0;
            Some((t.max(0.0), p))
        })
        .collect()
}

/// Features of a session file's samples.
pub fn session_features(s: &SessionFile) -> Result<Features, features::FeatureError> {
    features::extract(&session_points(s), Source::Samples)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
