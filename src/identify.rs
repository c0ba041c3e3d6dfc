//! `cph50 train`, `cph50 classify` and `cph50 label`: the vehicle classifier applied to the
//! data folder (labels in, model and labels out), through the store.

use std::collections::BTreeMap;
use std::path::Path;

use crate::api::models::SessionAnswer;
use crate::classify::features::Feature;
use crate::classify::model::{self, Example, TrainReport};
use crate::classify::{
    Answer, Classifier, Curve, Identifier, TRAINING_MIN_CONFIDENCE, vehicle_config,
};
use crate::clock::Clock;
use crate::error::{Error, Problem, Result};
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{
    ClassifierSummary, LabelSource, SessionFile, UNKNOWN_VEHICLE, VehicleConfig, VehicleMap,
    VehicleStats,
};
use crate::store::values::{Confidence, NonNeg, SessionId, Timestamp};

/// The labelled training set: manual labels first, then the legacy map, then classifier labels
/// at or above [`TRAINING_MIN_CONFIDENCE`]. Returns the examples and the sessions left out, with
/// the reason.
pub fn training_set(
    store: &Store,
    clock: &Clock,
    config: &VehicleConfig,
) -> Result<(Vec<Example>, Vec<String>)> {
    let legacy: VehicleMap = store
        .load_file(layout::SESSION_VEHICLE_MAP)?
        .unwrap_or_default();
    let (mut sessions, problems) = store.load_sessions();
    for p in &problems {
        tracing::warn!("left out of training: {p}");
    }
    sessions.sort_by(|a, b| a.1.session_id.cmp(&b.1.session_id));
    let mut examples = Vec::new();
    let mut skipped: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for (_, s) in sessions {
        let label = match (&s.labeled_by, &s.vehicle_id) {
            (Some(LabelSource::Manual), Some(id)) => Some(id.clone()),
            _ => legacy
                .get(s.session_id.as_str())
                .map(|e| e.vehicle_id().to_owned())
                .or_else(|| {
                    let confident = s
                        .vehicle_confidence
                        .is_some_and(|c| c.0 >= TRAINING_MIN_CONFIDENCE);
                    s.vehicle_id.clone().filter(|_| confident)
                }),
        };
        let Some(label) = label.filter(|l| l != UNKNOWN_VEHICLE && config.vehicles.contains_key(l))
        else {
            continue;
        };
        match Curve::from_session(&s, clock).features() {
            Ok(features) => examples.push(Example {
                vehicle_id: label,
                features,
            }),
            Err(e) => skipped.push(format!("session {}: {e}", s.session_id)),
        }
    }
    Ok((examples, skipped))
}

/// `cph50 train`: trains, writes the model file and `classifier_summary.json`.
pub fn train(store: &Store, clock: &Clock) -> Result<(TrainReport, usize)> {
    let config = vehicle_config(store)?;
    let (examples, skipped) = training_set(store, clock, &config)?;
    let (model, report) =
        model::train(&examples).map_err(|e| Error::Usage(format!("train: {e}")))?;
    store.save_file(layout::CLASSIFIER_MODEL, &model)?;
    let mut summary: ClassifierSummary = store
        .load_file(layout::CLASSIFIER_SUMMARY)?
        .unwrap_or_default();
    summary.trained_at = Some(Timestamp::utc(clock.now()));
    summary.model_kind = Some(report.kind.clone());
    summary.n_sessions = report.n as u32;
    summary.accuracy = Some(NonNeg(report.accuracy));
    summary.folds = Some(report.folds as u32);
    summary.kinds = Some(report.kinds.iter().cloned().collect());
    summary.classes = Some(report.classes.clone());
    summary.confusion = Some(report.confusion.clone());
    summary.update_data_accuracy = Some(report.update_data_accuracy);
    summary.vehicles = vehicle_stats(&examples);
    store.save_file(layout::CLASSIFIER_SUMMARY, &summary)?;
    Ok((report, skipped.len()))
}

fn vehicle_stats(examples: &[Example]) -> BTreeMap<String, VehicleStats> {
    let mut by: BTreeMap<String, Vec<&Example>> = BTreeMap::new();
    for e in examples {
        by.entry(e.vehicle_id.clone()).or_default().push(e);
    }
    by.into_iter()
        .map(|(id, ex)| {
            let n = ex.len() as f64;
            let mean_of = |f: Feature| ex.iter().map(|e| e.features.get(f)).sum::<f64>() / n;
            let features = Feature::ALL
                .iter()
                .map(|f| (f.name().to_owned(), round(mean_of(*f), 4)))
                .collect();
            // the mean of the sessions' mean steady power, and a spread of single readings
            // around it: that mean times the sessions' mean coefficient of variation
            let (mean_kw, cv) = (mean_of(Feature::MeanKw), mean_of(Feature::Cv));
            let stats = VehicleStats {
                n: ex.len() as u32,
                mean_power_kw: NonNeg(round(mean_kw, 4)),
                std_power_kw: NonNeg(round(mean_kw * cv, 4)),
                cv: NonNeg(round(cv, 4)),
                features: Some(features),
                extra: Default::default(),
            };
            (id, stats)
        })
        .collect()
}

/// `cph50 classify <SESSION_ID>`: classifies a stored session and writes the label into its
/// file, unless a person labelled it. Returns the answer and whether the file changed.
pub fn classify_session(
    store: &Store,
    clock: &Clock,
    id: &SessionId,
    min_confidence: f64,
) -> Result<(Answer, bool)> {
    let config = vehicle_config(store)?;
    let (path, mut session) = store.find_session(id)?.ok_or_else(|| {
        Error::Usage(format!(
            "session {id} has no file under {}/",
            layout::SESSIONS
        ))
    })?;
    let curve = Curve::from_session(&session, clock);
    let answer = Identifier::new(Classifier::load(store), config).identify(&curve, min_confidence);
    if session.labeled_by == Some(LabelSource::Manual) {
        return Ok((answer, false));
    }
    session.vehicle_id = Some(answer.vehicle_id.clone());
    session.vehicle_confidence = Some(Confidence(answer.confidence.clamp(0.0, 1.0)));
    session.labeled_by = Some(LabelSource::Classifier);
    session.labeled_at = Some(Timestamp::utc(clock.now()));
    let changed = store.rewrite_session(&path, &session)?;
    Ok((answer, changed))
}

/// `cph50 classify --file PATH`: a session file or a saved session-details answer. Writes nothing.
pub fn classify_file(
    store: &Store,
    clock: &Clock,
    path: &Path,
    min_confidence: f64,
) -> Result<Answer> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let config = vehicle_config(store)?;
    let curve = if let Ok(s) = crate::decode::decode::<SessionFile>(&bytes) {
        Curve::from_session(&s, clock)
    } else {
        let answer: SessionAnswer = crate::store::json::decode(path, &bytes).map_err(|p| {
                Error::Data(Problem {
                    message: format!(
                        "{} (expected a session file or a session-details answer {{\"charging_status\": {{... \"update_data\": [...]}}}})",
                        p.message
                    ),
                    ..p
                })
            })?;
        crate::pipeline::update_data_curve(&answer.charging_status, clock)
    };
    Ok(Identifier::new(Classifier::load(store), config).identify(&curve, min_confidence))
}

/// `cph50 label <SESSION_ID> <VEHICLE_ID>`: a manual label in the session file and every cache
/// entry of the session. Returns the files changed.
pub fn label(store: &Store, clock: &Clock, id: &SessionId, vehicle: &str) -> Result<usize> {
    let config = vehicle_config(store)?;
    if !config.knows(vehicle) {
        return Err(Error::Usage(format!(
            "unknown vehicle {vehicle:?}; {} knows: {} (or \"unknown\")",
            layout::VEHICLE_CONFIG,
            config.known_ids()
        )));
    }
    let now = Timestamp::utc(clock.now());
    let mut changed = 0;
    let mut found = false;
    if let Some((path, mut s)) = store.find_session(id)? {
        found = true;
        s.vehicle_id = Some(vehicle.to_owned());
        s.vehicle_confidence = Some(Confidence(1.0));
        s.labeled_by = Some(LabelSource::Manual);
        s.labeled_at = Some(now);
        changed += usize::from(store.rewrite_session(&path, &s)?);
    }
    let (caches, problems) = store.load_caches();
    if let Some(p) = problems.first() {
        return Err(Error::Data(p.clone()));
    }
    let car = config.vehicles.get(vehicle);
    for (where_, mut entries) in caches {
        let mut touched = false;
        for e in entries.iter_mut().filter(|e| e.session_id == *id) {
            found = true;
            touched = true;
            e.vehicle_id = Some(vehicle.to_owned());
            e.vehicle_confidence = Some(Confidence(1.0));
            e.vehicle.vehicle_id = Some(vehicle.to_owned());
            e.vehicle.vehicle_name = car.and_then(|v| v.nickname.clone());
            e.vehicle.model = car.and_then(|v| v.model.clone());
            e.vehicle.make = car.and_then(|v| v.make.clone());
        }
        if touched {
            changed += usize::from(store.rewrite_cache(&where_, &mut entries)?);
        }
    }
    if !found {
        return Err(Error::Usage(format!(
            "session {id} is in neither {}/ nor {}/",
            layout::SESSIONS,
            layout::SESSION_CACHE
        )));
    }
    Ok(changed)
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
