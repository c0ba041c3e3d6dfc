//! Training: the k-fold comparison of the model kinds, and the model file of the best.

use super::fitted::{Fitted, KINDS};
use super::gaussian::feature_model;
use super::scale::{round, scaler, standardize};
use crate::classify::features::{Feature, Features, LEVEL_FEATURES, ROBUST_FEATURES};
use crate::store::records::{CLASSIFIER_MODEL_VERSION, ClassifierModel};

/// Most folds of the k-fold comparison (fewer when a car has fewer sessions; at least 2).
const MAX_FOLDS: usize = 5;

/// One labelled curve.
#[derive(Debug, Clone)]
pub struct Example {
    /// The car.
    pub vehicle_id: String,
    /// Its curve's features.
    pub features: Features,
}

/// Why training is impossible.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    /// Not enough labelled sessions.
    #[error("need labelled sessions of at least 2 vehicles with 2 or more each; have {0}")]
    TooFew(String),
    /// smartcore refused the data.
    #[error("{kind} could not be trained: {message}")]
    Fit {
        /// Model kind.
        kind: &'static str,
        /// smartcore's message.
        message: String,
    },
}

/// How training went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrainReport {
    /// The kind kept.
    pub kind: String,
    /// Its mean out-of-fold accuracy, 0..1.
    pub accuracy: f64,
    /// Out-of-fold accuracy of every kind compared.
    pub kinds: Vec<(String, f64)>,
    /// Folds used.
    pub folds: usize,
    /// Vehicle ids, the rows and columns of `confusion`.
    pub classes: Vec<String>,
    /// `confusion[true][predicted]`, out of fold, for the kind kept.
    pub confusion: Vec<Vec<u32>>,
    /// Labelled sessions used.
    pub n: usize,
    /// Out-of-fold accuracy of the level-only model used for `update_data` curves.
    pub update_data_accuracy: f64,
}

/// Trains on `examples` (in a stable order, e.g. by session id): compares the [`KINDS`] by
/// stratified k-fold on every feature, keeps the most accurate (the first on a tie), and
/// returns the model file (a sample-curve model on every feature and an `update_data` model on
/// the [`LEVEL_FEATURES`]) with the report.
///
/// # Errors
///
/// [`TrainError::TooFew`] with the count per car when there are fewer than 2 cars or a car has
/// fewer than 2 examples; [`TrainError::Fit`] when smartcore refuses the data.
pub fn train(examples: &[Example]) -> Result<(ClassifierModel, TrainReport), TrainError> {
    let (classes, counts) = classes_of(examples)?;
    let y: Vec<u32> = examples
        .iter()
        .map(|e| classes.iter().position(|c| *c == e.vehicle_id).unwrap_or(0) as u32)
        .collect();
    let folds = counts
        .iter()
        .copied()
        .min()
        .unwrap_or(2)
        .clamp(2, MAX_FOLDS);
    let fold_of = stratified_folds(&y, folds);
    let dense_rows: Vec<Vec<f64>> = examples
        .iter()
        .map(|e| e.features.select(&Feature::ALL))
        .collect();
    let level_rows: Vec<Vec<f64>> = examples
        .iter()
        .map(|e| e.features.select(&LEVEL_FEATURES))
        .collect();
    let (kind, acc, predicted, kinds) = best_kind(&dense_rows, &y, &fold_of, folds)?;
    let level_predicted = cross_validate(kind, &level_rows, &y, &fold_of, folds)?;
    let split = (fold_of.as_slice(), folds);
    let model = ClassifierModel {
        version: CLASSIFIER_MODEL_VERSION,
        kind: kind.to_owned(),
        classes: classes.clone(),
        samples: feature_model(
            &Feature::ALL,
            &ROBUST_FEATURES,
            &dense_rows,
            &y,
            classes.len(),
            split,
        ),
        update_data: feature_model(
            &LEVEL_FEATURES,
            &LEVEL_FEATURES,
            &level_rows,
            &y,
            classes.len(),
            split,
        ),
        amperage_limit_amps: None,
        extra: Default::default(),
    };
    let report = TrainReport {
        kind: kind.to_owned(),
        accuracy: round(acc, 4),
        kinds,
        folds,
        confusion: confusion(&y, &predicted, classes.len()),
        classes,
        n: examples.len(),
        update_data_accuracy: round(accuracy(&level_predicted, &y), 4),
    };
    Ok((model, report))
}

/// The cars, sorted, and the examples of each.
fn classes_of(examples: &[Example]) -> Result<(Vec<String>, Vec<usize>), TrainError> {
    let mut classes: Vec<String> = examples.iter().map(|e| e.vehicle_id.clone()).collect();
    classes.sort();
    classes.dedup();
    let counts: Vec<usize> = classes
        .iter()
        .map(|c| examples.iter().filter(|e| &e.vehicle_id == c).count())
        .collect();
    if classes.len() < 2 || counts.iter().any(|&n| n < 2) {
        let have = classes
            .iter()
            .zip(&counts)
            .map(|(c, n)| format!("{c}: {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(TrainError::TooFew(if have.is_empty() {
            "none".into()
        } else {
            have
        }));
    }
    Ok((classes, counts))
}

/// The kind kept, its accuracy and out-of-fold predictions, and every kind's accuracy
/// (rounded to 4 places).
type Comparison = (&'static str, f64, Vec<u32>, Vec<(String, f64)>);

/// Cross-validates every one of the [`KINDS`] and keeps the most accurate (the first on a tie).
fn best_kind(
    rows: &[Vec<f64>],
    y: &[u32],
    fold_of: &[usize],
    folds: usize,
) -> Result<Comparison, TrainError> {
    let mut kinds = Vec::new();
    let mut best: Option<(&'static str, f64, Vec<u32>)> = None;
    for kind in KINDS {
        let started = std::time::Instant::now();
        let predicted = cross_validate(kind, rows, y, fold_of, folds)?;
        tracing::debug!(
            "{kind}: {folds}-fold in {} ms",
            started.elapsed().as_millis()
        );
        let acc = accuracy(&predicted, y);
        kinds.push((kind.to_owned(), round(acc, 4)));
        if best.as_ref().is_none_or(|(_, a, _)| acc > *a) {
            best = Some((kind, acc, predicted));
        }
    }
    let Some((kind, acc, predicted)) = best else {
        return Err(TrainError::TooFew("no model kind".into()));
    };
    Ok((kind, acc, predicted, kinds))
}

/// Fold number of each example: within each class, examples go round-robin over the folds.
fn stratified_folds(y: &[u32], folds: usize) -> Vec<usize> {
    let mut seen = std::collections::BTreeMap::new();
    y.iter()
        .map(|c| {
            let n = seen.entry(*c).or_insert(0usize);
            *n += 1;
            (*n - 1) % folds
        })
        .collect()
}

/// Out-of-fold prediction of every example by `kind`, each fold standardized by its own
/// training part (`u32::MAX` where the model could not predict).
fn cross_validate(
    kind: &'static str,
    rows: &[Vec<f64>],
    y: &[u32],
    fold_of: &[usize],
    folds: usize,
) -> Result<Vec<u32>, TrainError> {
    let mut predicted = vec![0u32; y.len()];
    for f in 0..folds {
        let train: Vec<usize> = (0..y.len()).filter(|&i| fold_of[i] != f).collect();
        let test: Vec<usize> = (0..y.len()).filter(|&i| fold_of[i] == f).collect();
        let (mean, std) = scaler(&train.iter().map(|&i| rows[i].clone()).collect::<Vec<_>>());
        let x: Vec<Vec<f64>> = train
            .iter()
            .map(|&i| standardize(&rows[i], &mean, &std))
            .collect();
        let ty: Vec<u32> = train.iter().map(|&i| y[i]).collect();
        let fitted = Fitted::fit(kind, &x, &ty)?;
        for &i in &test {
            predicted[i] = fitted
                .predict(&standardize(&rows[i], &mean, &std))
                .unwrap_or(u32::MAX);
        }
    }
    Ok(predicted)
}

/// `confusion[true][predicted]` counts.
///
/// # Panics
///
/// When a prediction is no class number (`u32::MAX` from [`cross_validate`]).
fn confusion(y: &[u32], predicted: &[u32], n_classes: usize) -> Vec<Vec<u32>> {
    let mut confusion = vec![vec![0u32; n_classes]; n_classes];
    for (t, p) in y.iter().zip(predicted) {
        confusion[*t as usize][*p as usize] += 1;
    }
    confusion
}

/// Share of `predicted` equal to `y`, 0..1 (0 for none).
fn accuracy(predicted: &[u32], y: &[u32]) -> f64 {
    let right = predicted.iter().zip(y).filter(|(p, t)| p == t).count();
    right as f64 / y.len().max(1) as f64
}
