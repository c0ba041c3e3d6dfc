//! A model file, refitted and ready to score curves.

use super::fitted::Fitted;
use super::gaussian::{distance, log_likelihoods, softmax};
use super::pick;
use super::scale::standardize;
use super::train::TrainError;
use crate::classify::features::{Feature, Features, LEVEL_FEATURES, Source};
use crate::store::records::{ClassifierModel, FeatureModel};

/// A model file, loaded and fitted, ready to classify.
pub struct Loaded {
    /// The file's content.
    pub file: ClassifierModel,
    samples: Fitted,
    update_data: Fitted,
}

impl Loaded {
    /// Refits the stored training sets (deterministic, milliseconds).
    ///
    /// # Errors
    ///
    /// [`TrainError::Fit`] when smartcore refuses a stored training set (an empty or
    /// hand-edited file).
    pub fn new(file: ClassifierModel) -> Result<Self, TrainError> {
        let samples = Fitted::fit(&file.kind, &file.samples.x, &file.samples.y)?;
        let update_data = Fitted::fit(&file.kind, &file.update_data.x, &file.update_data.y)?;
        Ok(Self {
            file,
            samples,
            update_data,
        })
    }

    /// The model's decision for a curve: predicted class, calibrated probabilities per class
    /// and the RMS distance to each class. Sample curves use every feature, `update_data`
    /// curves the [`LEVEL_FEATURES`]. `None` when the model cannot predict the row.
    pub fn score(&self, features: &Features) -> Option<Score> {
        let (fm, fitted, columns): (&FeatureModel, &Fitted, &[Feature]) = match features.source {
            Source::Samples => (&self.file.samples, &self.samples, &Feature::ALL),
            Source::UpdateData => (&self.file.update_data, &self.update_data, &LEVEL_FEATURES),
        };
        let z = standardize(&features.select(columns), &fm.mean, &fm.std);
        let predicted = fitted.predict(&z)? as usize;
        let zg = pick(&z, &fm.gauss);
        let ll = log_likelihoods(&fm.class_stats, &zg);
        Some(Score {
            predicted,
            probabilities: softmax(&ll, fm.temperature),
            distances: fm.class_stats.iter().map(|s| distance(s, &zg)).collect(),
            bounds: fm.class_stats.iter().map(|s| s.bound).collect(),
        })
    }
}

/// What the model says about one curve; the vectors are indexed by class number.
#[derive(Debug, Clone)]
pub struct Score {
    /// Class number the smartcore model chose.
    pub predicted: usize,
    /// Calibrated probability of each class, 0..1, summing to 1.
    pub probabilities: Vec<f64>,
    /// RMS z-distance to each class centroid (see [`super::distance`]).
    pub distances: Vec<f64>,
    /// Each class's open-set bound, in the same units.
    pub bounds: Vec<f64>,
}
