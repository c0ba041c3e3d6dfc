//! The training set and `cph50 train`: labelled sessions of the data folder in, the model
//! file (`classifier_model.json`) and the summary (`classifier_summary.json`) out.

use std::collections::BTreeMap;

use super::features::Feature;
use super::model::{self, Example, TrainReport};
use super::{Curve, TRAINING_MIN_CONFIDENCE, vehicle_config};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{
    ClassifierSummary, LabelSource, UNKNOWN_VEHICLE, VehicleConfig, VehicleMap, VehicleStats,
};
use crate::store::values::{NonNeg, Timestamp};

/// The labelled training set, in session-id order: each session's label is its manual label,
/// else the legacy `session_vehicle_map.json`, else its classifier label at or above
/// [`TRAINING_MIN_CONFIDENCE`]; sessions labelled `unknown` or with a car `config` does not know
/// are not examples, nor is a session its amperage limit held under its car's usual power (see
/// `leave_out_held_down`). Returns the examples (the features of each session's samples) and
/// the sessions left out, with the reason (an unreadable file, a curve that cannot be
/// described, a limit that held the car down), and the highest amperage limit recorded on the
/// examples (`None` when none recorded one): the reference limit the cars' levels were learned
/// under (see [`super::limit`]).
///
/// # Errors
///
/// The store's error when `session_vehicle_map.json` exists but does not decode.
pub fn training_set(
    store: &Store,
    clock: &Clock,
    config: &VehicleConfig,
) -> Result<(Vec<Example>, Vec<String>, Option<u32>)> {
    let legacy: VehicleMap = store
        .load_file(layout::SESSION_VEHICLE_MAP)?
        .unwrap_or_default();
    let (mut sessions, problems) = store.load_sessions();
    for p in &problems {
        tracing::warn!("left out of training: {p}");
    }
    sessions.sort_by(|a, b| a.1.session_id.cmp(&b.1.session_id));
    let mut candidates = Vec::new();
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
        let curve = Curve::from_session(&s, clock);
        match curve.features() {
            Ok(features) => candidates.push((
                s.session_id.to_string(),
                curve.amperage_limit(),
                Example {
                    vehicle_id: label,
                    features,
                },
            )),
            Err(e) => skipped.push(format!("session {}: {e}", s.session_id)),
        }
    }
    let (examples, held, reference) = leave_out_held_down(candidates);
    skipped.extend(held);
    Ok((examples, skipped, reference))
}

/// The examples that show their car's own level, a reason for each left out, and the highest
/// limit recorded on those kept: a session whose recorded amperage limit cannot deliver its
/// car's usual level (amps × 252 V, see [`super::limit`]) shows the limit, not the car. A car's
/// usual level is the median `median_kw` of its sessions under its highest limit: those with no
/// limit recorded when it has any (older files: the household's usual limit), else those at the
/// highest limit recorded for it.
fn leave_out_held_down(
    candidates: Vec<(String, Option<u32>, Example)>,
) -> (Vec<Example>, Vec<String>, Option<u32>) {
    // per car, the highest limit of its sessions: `None` (not recorded) above any number
    let mut top: BTreeMap<&str, Option<u32>> = BTreeMap::new();
    for (_, amps, e) in &candidates {
        let t = top.entry(e.vehicle_id.as_str()).or_insert(*amps);
        *t = match (*t, *amps) {
            (None, _) | (_, None) => None,
            (Some(x), Some(y)) => Some(x.max(y)),
        };
    }
    let mut at_top: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (_, amps, e) in &candidates {
        if top.get(e.vehicle_id.as_str()) == Some(amps) {
            at_top
                .entry(e.vehicle_id.as_str())
                .or_default()
                .push(e.features.median_kw);
        }
    }
    let usual: BTreeMap<String, f64> = at_top
        .into_iter()
        .map(|(id, mut kw)| {
            kw.sort_by(f64::total_cmp);
            (id.to_owned(), kw[kw.len() / 2])
        })
        .collect();
    let mut kept = Vec::new();
    let mut held = Vec::new();
    let mut reference = None;
    for (id, amps, e) in candidates {
        match (amps, usual.get(&e.vehicle_id)) {
            (Some(a), Some(level)) if *level > super::limit::cap_band_kw(a).1 => {
                held.push(format!(
                    "session {id}: its {a} A amperage limit held {} under its usual {level:.2} kW",
                    e.vehicle_id
                ))
            }
            _ => {
                reference = reference.max(amps);
                kept.push(e);
            }
        }
    }
    (kept, held, reference)
}

/// `cph50 train`: trains on [`training_set`] (see [`model::train`]), writes the model file
/// and updates `classifier_summary.json` (training time, kind, k-fold accuracy, confusion and
/// per-vehicle statistics; other keys kept). Returns the report and how many sessions were left
/// out.
///
/// # Errors
///
/// [`Error::Data`] without a readable `vehicle_config.json`, [`Error::Usage`] (`train: ...`)
/// when there is too little to learn or smartcore refuses the data, and the store's errors.
pub fn train(store: &Store, clock: &Clock) -> Result<(TrainReport, usize)> {
    let config = vehicle_config(store)?;
    let (examples, skipped, reference) = training_set(store, clock, &config)?;
    let (mut model, report) =
        model::train(&examples).map_err(|e| Error::Usage(format!("train: {e}")))?;
    model.amperage_limit_amps = reference.map(u64::from);
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
    summary.amperage_limit_amps = reference.map(u64::from);
    store.save_file(layout::CLASSIFIER_SUMMARY, &summary)?;
    Ok((report, skipped.len()))
}

/// Per-vehicle statistics of the training set for `classifier_summary.json`: the mean of each
/// feature over the car's sessions, and the steady power statistics the fallback classifier
/// uses before any model exists (rounded to 4 places).
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

/// `x` rounded to `places` decimal places.
fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::features::{self, Source};

    fn example(id: &str, kw: f64) -> Example {
        let points: Vec<(f64, f64)> = (0..30)
            .map(|i| (f64::from(i) * 10.0, kw + 0.01 * f64::from(i % 3)))
            .collect();
        Example {
            vehicle_id: id.into(),
            features: features::extract(&points, Source::Samples).unwrap(),
        }
    }

    #[test]
    fn sessions_a_low_limit_held_down_do_not_teach_their_car() {
        let candidates = vec![
            ("1".into(), None, example("equinox", 9.03)),
            ("2".into(), Some(40), example("equinox", 9.05)),
            ("3".into(), Some(16), example("equinox", 3.84)),
            // a car seen only at 40 and 32 A: its usual level is its 40 A sessions'
            ("6".into(), Some(40), example("volvo", 8.70)),
            ("7".into(), Some(32), example("volvo", 7.60)),
            // a car seen only under the limit keeps its sessions: nothing says it was held
            ("4".into(), Some(16), example("guest", 3.80)),
            ("5".into(), Some(16), example("guest", 3.79)),
        ];
        let (kept, held, reference) = leave_out_held_down(candidates);
        assert_eq!(
            reference,
            Some(40),
            "the highest limit of the sessions kept"
        );
        assert_eq!(
            kept.iter()
                .map(|e| (e.vehicle_id.as_str(), (e.features.median_kw * 10.0).round()))
                .collect::<Vec<_>>(),
            [
                ("equinox", 90.0),
                ("equinox", 91.0),
                ("volvo", 87.0),
                ("guest", 38.0),
                ("guest", 38.0)
            ]
        );
        assert_eq!(
            held,
            // the usual level is session 1's: session 2's 40 A limit could have bound it
            [
                "session 3: its 16 A amperage limit held equinox under its usual 9.04 kW",
                "session 7: its 32 A amperage limit held volvo under its usual 8.71 kW"
            ]
        );
    }
}
