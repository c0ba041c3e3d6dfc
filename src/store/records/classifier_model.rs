use serde::{Deserialize, Serialize};

use super::Extra;

/// `data/classifier_model.json`: the trained vehicle classifier. Versioned; identical training
/// input gives an identical file. It keeps the standardized training set so the chosen model is
/// rebuilt exactly (and quickly) when loaded, independent of any library's own model format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierModel {
    /// File format version ([`crate::store::records::CLASSIFIER_MODEL_VERSION`]).
    pub version: u32,
    /// Model kind kept after the k-fold comparison (`knn`, `naive_bayes`, `random_forest`).
    pub kind: String,
    /// Vehicle ids, indexed by class number.
    pub classes: Vec<String>,
    /// Model for 10 s sample curves (every feature).
    pub samples: FeatureModel,
    /// Model for sparse `update_data` curves (level features only).
    pub update_data: FeatureModel,
    /// The highest amperage limit recorded on the training sessions, whole amperes; absent
    /// when none recorded one (see `classifier_summary.json`'s key of the same name).
    #[serde(
        default,
        deserialize_with = "crate::store::values::limits::opt_whole::<_, crate::store::values::limits::Amperage>",
        skip_serializing_if = "Option::is_none"
    )]
    pub amperage_limit_amps: Option<u64>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One feature set's scaler, class statistics and standardized training set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureModel {
    /// Feature names used, in order.
    pub features: Vec<String>,
    /// Per-feature mean of the training set (for standardizing).
    pub mean: Vec<f64>,
    /// Per-feature standard deviation of the training set.
    pub std: Vec<f64>,
    /// Positions (within `features`) of the features the confidence and the open-set distance
    /// use; the model's decision uses them all.
    pub gauss: Vec<usize>,
    /// Per-class mean, variance and distance bound over the `gauss` features, standardized.
    pub class_stats: Vec<ClassStats>,
    /// Softmax temperature that calibrates the confidence.
    pub temperature: f64,
    /// Standardized training rows.
    pub x: Vec<Vec<f64>>,
    /// Class number of each row.
    pub y: Vec<u32>,
}

/// Where a class sits in standardized feature space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassStats {
    /// Centroid.
    pub mean: Vec<f64>,
    /// Per-feature variance (floored).
    pub var: Vec<f64>,
    /// Largest RMS z-distance to the centroid still called this class (open-set bound).
    pub bound: f64,
}
