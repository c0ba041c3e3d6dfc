use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::store::values::{NonNeg, Timestamp};

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
    #[serde(default)]
    pub vehicles: BTreeMap<String, VehicleStats>,
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
    /// Keys this version does not know, kept on rewrite.
    #[serde(flatten)]
    pub extra: Extra,
}
