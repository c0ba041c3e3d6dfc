use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{NonNeg, Timestamp, limits};

/// `data/classifier_summary.json`: what the vehicle classifier was trained on and how well it
/// does. Also the per-vehicle statistics the classifier falls back on before a model exists.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClassifierSummary {
    /// When the summary was computed (UTC).
    #[serde(default)]
    pub trained_at: Option<Timestamp>,
    /// Kind of model kept ("random_forest", "knn", ...); `null` for statistics only.
    #[serde(default)]
    pub model_kind: Option<String>,
    /// Labelled sessions used.
    #[serde(default)]
    pub n_sessions: u32,
    /// Mean k-fold accuracy, 0..1; `null` when no model was evaluated.
    #[serde(default)]
    pub accuracy: Option<NonNeg>,
    /// Steady-state power statistics per vehicle id.
    #[serde(default, deserialize_with = "limits::vehicles")]
    pub vehicles: BTreeMap<String, VehicleStats>,
    /// The highest amperage limit recorded on the sessions the statistics were learned from,
    /// whole amperes; absent when none recorded one. A session charged under at least this
    /// limit cannot have been held below a car's learned level.
    #[serde(
        default,
        deserialize_with = "limits::opt_whole::<_, limits::Amperage>",
        skip_serializing_if = "Option::is_none"
    )]
    pub amperage_limit_amps: Option<u64>,
    /// Folds of the stratified k-fold evaluation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folds: Option<u32>,
    /// Out-of-fold accuracy of every model kind compared, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<BTreeMap<String, f64>>,
    /// Vehicle ids, the rows (true) and columns (predicted) of `confusion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// Out-of-fold confusion matrix of the kept model, `confusion[true][predicted]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confusion: Option<Vec<Vec<u32>>>,
    /// Out-of-fold accuracy of the level-only model for sparse `update_data` curves, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_data_accuracy: Option<f64>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Steady-state power statistics of one vehicle's labelled sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VehicleStats {
    /// Sessions that contributed.
    pub n: u32,
    /// Mean steady-state power, kW.
    pub mean_power_kw: NonNeg,
    /// Standard deviation of steady-state power across samples, kW.
    pub std_power_kw: NonNeg,
    /// Coefficient of variation (std / mean) within a session, averaged over sessions.
    pub cv: NonNeg,
    /// Mean of every curve feature over the vehicle's sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<BTreeMap<String, f64>>,
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}
