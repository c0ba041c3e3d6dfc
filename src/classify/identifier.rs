//! The one entry point that names the car of a curve: [`Identifier`], loaded from the data
//! folder (the household's vehicles and the trained model, or the per-vehicle statistics before
//! any training).

use chrono::NaiveDate;

use super::curve::Curve;
use super::features::{Feature, FeatureError, Features};
use super::model::{self, Loaded};
use super::{Answer, round2};
use crate::error::{Error, Problem, Result};
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{ClassifierModel, ClassifierSummary, UNKNOWN_VEHICLE, VehicleConfig};

/// The household's vehicles (`vehicle_config.json`); required by the classifier commands.
///
/// # Errors
///
/// [`Error::Data`] when the file is missing or does not decode.
pub fn vehicle_config(store: &Store) -> Result<VehicleConfig> {
    store.load_file(layout::VEHICLE_CONFIG)?.ok_or_else(|| {
        Error::Data(Problem::file(
            store
                .layout()
                .display(&store.layout().file(layout::VEHICLE_CONFIG)),
            "missing: the classifier needs the household's vehicles",
        ))
    })
}

/// Names the car of a curve among the household's vehicles.
pub struct Identifier {
    classifier: Classifier,
    config: VehicleConfig,
}

impl Identifier {
    /// The household's vehicles and the classifier of the data folder (see
    /// [`Classifier::load`]).
    ///
    /// # Errors
    ///
    /// As [`vehicle_config`]: without the household's vehicles there is nothing to name.
    pub fn load(store: &Store) -> Result<Self> {
        let config = vehicle_config(store)?;
        Ok(Self::new(Classifier::load(store), config))
    }

    /// An identifier of `classifier` among the vehicles of `config`.
    pub fn new(classifier: Classifier, config: VehicleConfig) -> Self {
        Self { classifier, config }
    }

    /// The household's vehicles it names.
    pub fn config(&self) -> &VehicleConfig {
        &self.config
    }

    /// Names the car of `curve` among the vehicles valid on its date. `unknown`, with the
    /// reason, when the curve cannot be described (method `none`), when no car is likely
    /// enough (`min_confidence`, 0..1), when the curve lies outside every known car, or when
    /// the curve's amperage limit held it at a power another car could have been held down to
    /// (see [`super::limit`]; the model's pick stays the `best_guess`).
    pub fn identify(&self, curve: &Curve, min_confidence: f64) -> Answer {
        let f = match curve.features() {
            Ok(f) => f,
            Err(e) => return undescribable(&e),
        };
        let mut answer = self
            .classifier
            .identify(&f, curve.date(), &self.config, min_confidence);
        let Some(amps) = curve.amperage_limit() else {
            return answer;
        };
        if answer.vehicle_id == UNKNOWN_VEHICLE {
            return answer;
        }
        let levels: Vec<(String, f64)> = self
            .classifier
            .levels()
            .into_iter()
            .filter(|(id, _)| valid_on(&self.config, curve.date(), id))
            .collect();
        let others = super::limit::held_down(
            f.median_kw,
            amps,
            self.classifier.reference_limit(),
            &answer.vehicle_id,
            &levels,
        );
        if !others.is_empty() {
            let (who, verb) = match others.split_last() {
                Some((last, [])) => ((*last).to_owned(), "charges"),
                Some((last, rest)) => (format!("{} and {last}", rest.join(", ")), "charge"),
                None => (String::new(), "charge"),
            };
            answer.reason = format!(
                "charged at the {amps} A amperage limit ({:.2} kW): {who} also {verb} faster without it and could have been held down to the same power",
                f.median_kw
            );
            answer.vehicle_id = UNKNOWN_VEHICLE.into();
        }
        answer
    }
}

/// Whether vehicle `id` of `config` was in the household on the local `date` (every vehicle of
/// `config` when `date` is `None`).
fn valid_on(config: &VehicleConfig, date: Option<NaiveDate>, id: &str) -> bool {
    match (date, config.vehicles.get(id)) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(d), Some(v)) => v.valid_periods.as_ref().is_none_or(|periods| {
            periods
                .iter()
                .any(|p| p.start.0 <= d && p.end.is_none_or(|e| d <= e.0))
        }),
    }
}

/// An answer for a curve that cannot even be described (idle, car full, broken samples).
fn undescribable(e: &FeatureError) -> Answer {
    Answer::none(format!("curve not usable: {e}"))
}

/// What the classifier can work with.
pub enum Classifier {
    /// A trained model.
    Model(Box<Loaded>),
    /// Per-vehicle `(vehicle id, mean steady power kW, standard deviation kW)` of
    /// `classifier_summary.json`, before any training, with the summary's
    /// `amperage_limit_amps`.
    Statistics(Vec<(String, f64, f64)>, Option<u32>),
    /// Nothing yet: every answer is `unknown`.
    Nothing,
}

impl Classifier {
    /// The trained model if there is a usable one, else the per-vehicle statistics, else
    /// nothing. A broken model or summary file is reported (a warning naming the file and
    /// field) and skipped: classification never fails a pipeline run.
    pub fn load(store: &Store) -> Self {
        match store.load_file::<ClassifierModel>(layout::CLASSIFIER_MODEL) {
            Ok(Some(file)) => match Loaded::new(file) {
                Ok(m) => return Self::Model(Box::new(m)),
                Err(e) => tracing::warn!("classifier model unusable, using statistics: {e}"),
            },
            Ok(None) => {}
            Err(e) => tracing::warn!("classifier model unreadable, using statistics: {e}"),
        }
        let summary = store
            .load_file::<ClassifierSummary>(layout::CLASSIFIER_SUMMARY)
            .unwrap_or_else(|e| {
                tracing::warn!("classifier statistics unreadable, not used: {e}");
                None
            });
        Self::from_summary(summary.as_ref())
    }

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
            Self::Statistics(
                stats,
                summary
                    .and_then(|s| s.amperage_limit_amps)
                    .and_then(|a| u32::try_from(a).ok()),
            )
        }
    }

    /// Each known car's learned steady level, kW, as `(vehicle id, level)`: with a model, the
    /// median over the car's training sessions of their median steady power (`median_kw` of
    /// the sample model's training rows, unstandardized); with statistics, the car's mean
    /// steady power; nothing before either exists.
    pub fn levels(&self) -> Vec<(String, f64)> {
        match self {
            Self::Model(m) => model_levels(&m.file),
            Self::Statistics(stats, _) => stats
                .iter()
                .map(|(id, mean, _)| (id.clone(), *mean))
                .collect(),
            Self::Nothing => Vec::new(),
        }
    }

    /// The highest amperage limit recorded on the sessions the classifier learned from (the
    /// model file's or the summary's `amperage_limit_amps`), when one was.
    pub fn reference_limit(&self) -> Option<u32> {
        let amps = match self {
            Self::Model(m) => m.file.amperage_limit_amps,
            Self::Statistics(_, amps) => amps.map(u64::from),
            Self::Nothing => None,
        };
        amps.and_then(|a| u32::try_from(a).ok())
    }

    /// Names the car of a curve's features charged on `date` (local), among the vehicles of
    /// `config` valid that day (every one of them when `date` is `None`).
    fn identify(
        &self,
        features: &Features,
        date: Option<NaiveDate>,
        config: &VehicleConfig,
        min_confidence: f64,
    ) -> Answer {
        let valid = |id: &str| valid_on(config, date, id);
        match self {
            Self::Model(m) => from_model(m, features, &valid, min_confidence),
            Self::Statistics(stats, _) => from_statistics(stats, features, &valid, min_confidence),
            Self::Nothing => Answer::unknown(
                0.0,
                "none",
                "no trained model and no per-vehicle statistics yet",
            ),
        }
    }
}

/// The learned steady level of each class of a model file (see [`Classifier::levels`]); a
/// class with no training row, or a file without `median_kw`, gives no level.
fn model_levels(file: &ClassifierModel) -> Vec<(String, f64)> {
    let fm = &file.samples;
    let Some(col) = fm
        .features
        .iter()
        .position(|n| n == Feature::MedianKw.name())
    else {
        return Vec::new();
    };
    let (Some(mean), Some(std)) = (fm.mean.get(col), fm.std.get(col)) else {
        return Vec::new();
    };
    file.classes
        .iter()
        .enumerate()
        .filter_map(|(class, id)| {
            let mut kw: Vec<f64> =
                fm.x.iter()
                    .zip(&fm.y)
                    .filter(|(_, y)| **y as usize == class)
                    .filter_map(|(row, _)| row.get(col).map(|z| z * std + mean))
                    .collect();
            if kw.is_empty() {
                return None;
            }
            kw.sort_by(f64::total_cmp);
            Some((id.clone(), kw[kw.len() / 2]))
        })
        .collect()
}

/// With a trained model: its pick among the cars valid that day, with the probabilities
/// renormalized over those cars; `unknown` when the curve is farther from that car than its
/// open-set bound or the confidence is under `min`.
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

/// Before training: nearest steady power among the per-vehicle statistics. Each car's score is
/// the z-score of the curve's median against its mean, over a third of its reading spread
/// (at least 0.05 kW); the confidence is the softmax of `-z²/2`. `unknown` beyond |z| = 4 or
/// under `min`.
fn from_statistics(
    stats: &[(String, f64, f64)],
    f: &Features,
    valid: &dyn Fn(&str) -> bool,
    min: f64,
) -> Answer {
    let level = f.median_kw;
    // a session's median moves far less than single readings: a third of the reading spread
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
