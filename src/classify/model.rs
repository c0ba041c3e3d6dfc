//! Training and applying the vehicle classifier.
//!
//! Features are standardized; three smartcore model kinds (k-nearest neighbours, Gaussian
//! naive Bayes, random forest) are compared by stratified k-fold and the best is kept. On top of
//! the model's decision, a per-class diagonal Gaussian in standardized space gives (a) a
//! confidence, calibrated by a softmax temperature fitted on out-of-fold predictions, and (b) an
//! open-set bound: a curve farther from its predicted class than that class's own sessions ever
//! were is a car the model does not know.

use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::naive_bayes::gaussian::{GaussianNB, GaussianNBParameters};
use smartcore::neighbors::knn_classifier::{KNNClassifier, KNNClassifierParameters};

use super::features::{Feature, Features, LEVEL_FEATURES, ROBUST_FEATURES, Source, positions};
use crate::store::records::{CLASSIFIER_MODEL_VERSION, ClassStats, ClassifierModel, FeatureModel};

/// The model kinds compared, in order of preference on a tie (simplest first).
pub const KINDS: [&str; 3] = ["knn", "naive_bayes", "random_forest"];

/// Neighbours of the k-NN model.
const K: usize = 5;
/// Smallest per-feature variance of a class, in standardized units (keeps one flat feature from
/// dominating).
const VAR_FLOOR: f64 = 1e-4;
/// Margin over the 98th percentile of a class's training distances that still counts as
/// "this car".
const BOUND_MARGIN: f64 = 1.2;
/// Decimal places kept in the model file (keeps it small and byte-stable).
const PLACES: i32 = 6;

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

/// Trains on `examples` (in a stable order, e.g. by session id).
pub fn train(examples: &[Example]) -> Result<(ClassifierModel, TrainReport), TrainError> {
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
    let y: Vec<u32> = examples
        .iter()
        .map(|e| classes.iter().position(|c| *c == e.vehicle_id).unwrap_or(0) as u32)
        .collect();
    let folds = counts.iter().copied().min().unwrap_or(2).clamp(2, 5);
    let fold_of = stratified_folds(&y, folds);

    let dense_rows: Vec<Vec<f64>> = examples
        .iter()
        .map(|e| e.features.select(&Feature::ALL))
        .collect();
    let level_rows: Vec<Vec<f64>> = examples
        .iter()
        .map(|e| e.features.select(&LEVEL_FEATURES))
        .collect();

    let mut kinds = Vec::new();
    let mut best: Option<(&'static str, f64, Vec<u32>)> = None;
    for kind in KINDS {
        let started = std::time::Instant::now();
        let predicted = cross_validate(kind, &dense_rows, &y, &fold_of, folds)?;
        tracing::debug!(
            "{kind}: {folds}-fold in {} ms",
            started.elapsed().as_millis()
        );
        let acc = accuracy(&predicted, &y);
        kinds.push((kind.to_owned(), round(acc, 4)));
        if best.as_ref().is_none_or(|(_, a, _)| acc > *a) {
            best = Some((kind, acc, predicted));
        }
    }
    let Some((kind, acc, predicted)) = best else {
        return Err(TrainError::TooFew("no model kind".into()));
    };
    let level_predicted = cross_validate(kind, &level_rows, &y, &fold_of, folds)?;
    let mut confusion = vec![vec![0u32; classes.len()]; classes.len()];
    for (t, p) in y.iter().zip(&predicted) {
        confusion[*t as usize][*p as usize] += 1;
    }
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
            &fold_of,
            folds,
        ),
        update_data: feature_model(
            &LEVEL_FEATURES,
            &LEVEL_FEATURES,
            &level_rows,
            &y,
            classes.len(),
            &fold_of,
            folds,
        ),
        extra: Default::default(),
    };
    let report = TrainReport {
        kind: kind.to_owned(),
        accuracy: round(acc, 4),
        kinds,
        folds,
        classes,
        confusion,
        n: examples.len(),
        update_data_accuracy: round(accuracy(&level_predicted, &y), 4),
    };
    Ok((model, report))
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

/// Scaler, class statistics, calibrated temperature and the standardized training set.
fn feature_model(
    columns: &[Feature],
    gauss: &[Feature],
    rows: &[Vec<f64>],
    y: &[u32],
    n_classes: usize,
    fold_of: &[usize],
    folds: usize,
) -> FeatureModel {
    let gauss = positions(gauss, columns);
    let (mean, std) = scaler(rows);
    let z: Vec<Vec<f64>> = rows.iter().map(|r| standardize(r, &mean, &std)).collect();
    let zg: Vec<Vec<f64>> = z.iter().map(|r| pick(r, &gauss)).collect();
    let class_stats = class_stats(&zg, y, n_classes);
    // out-of-fold log-likelihoods, to calibrate the softmax temperature
    let mut oof = Vec::new();
    for f in 0..folds {
        let train: Vec<usize> = (0..y.len()).filter(|&i| fold_of[i] != f).collect();
        let tz: Vec<Vec<f64>> = train.iter().map(|&i| zg[i].clone()).collect();
        let ty: Vec<u32> = train.iter().map(|&i| y[i]).collect();
        let stats = class_stats_of(&tz, &ty, n_classes);
        for i in (0..y.len()).filter(|&i| fold_of[i] == f) {
            oof.push((log_likelihoods(&stats, &zg[i]), y[i] as usize));
        }
    }
    // Each example's loss is capped, so a few curves far off their class (a taper caught by a
    // late window) cannot drive the temperature up and flatten every other answer.
    let temperature = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0]
        .into_iter()
        .map(|t| {
            let loss: f64 = oof
                .iter()
                .map(|(ll, truth)| -softmax(ll, t)[*truth].max(0.02).ln())
                .sum();
            (t, loss)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(1.0, |(t, _)| t);
    FeatureModel {
        features: columns.iter().map(|f| f.name().to_owned()).collect(),
        mean: mean.iter().map(|v| round(*v, PLACES)).collect(),
        std: std.iter().map(|v| round(*v, PLACES)).collect(),
        gauss,
        class_stats,
        temperature,
        x: z.iter()
            .map(|r| r.iter().map(|v| round(*v, PLACES)).collect())
            .collect(),
        y: y.to_vec(),
    }
}

fn class_stats(z: &[Vec<f64>], y: &[u32], n_classes: usize) -> Vec<ClassStats> {
    let mut stats = class_stats_of(z, y, n_classes);
    for (c, s) in stats.iter_mut().enumerate() {
        let mut d: Vec<f64> = z
            .iter()
            .zip(y)
            .filter(|(_, yy)| **yy as usize == c)
            .map(|(row, _)| distance(s, row))
            .collect();
        d.sort_by(f64::total_cmp);
        let q = d
            .get(((d.len() as f64) * 0.995) as usize)
            .or(d.last())
            .copied()
            .unwrap_or(1.0);
        s.bound = round((q * BOUND_MARGIN).max(3.0), PLACES);
        s.mean = s.mean.iter().map(|v| round(*v, PLACES)).collect();
        s.var = s.var.iter().map(|v| round(*v, PLACES + 2)).collect();
    }
    stats
}

/// Per-class centre and spread, robustly: the median and the scaled median absolute
/// deviation, so a few odd sessions (a taper caught by a late window) do not widen a class
/// until it overlaps its neighbour.
fn class_stats_of(z: &[Vec<f64>], y: &[u32], n_classes: usize) -> Vec<ClassStats> {
    let dim = z.first().map_or(0, Vec::len);
    (0..n_classes)
        .map(|c| {
            let rows: Vec<&Vec<f64>> = z
                .iter()
                .zip(y)
                .filter(|(_, yy)| **yy as usize == c)
                .map(|(r, _)| r)
                .collect();
            let (mut mean, mut var) = (Vec::with_capacity(dim), Vec::with_capacity(dim));
            for j in 0..dim {
                let mut col: Vec<f64> = rows.iter().map(|r| r[j]).collect();
                let centre = median(&mut col);
                let mut dev: Vec<f64> = col.iter().map(|v| (v - centre).abs()).collect();
                let spread = 1.4826 * median(&mut dev);
                mean.push(centre);
                var.push((spread * spread).max(VAR_FLOOR));
            }
            ClassStats {
                mean,
                var,
                bound: f64::INFINITY,
            }
        })
        .collect()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// RMS z-distance of a standardized row to a class centroid.
pub fn distance(s: &ClassStats, z: &[f64]) -> f64 {
    let sum: f64 = z
        .iter()
        .zip(&s.mean)
        .zip(&s.var)
        .map(|((x, m), v)| (x - m).powi(2) / v)
        .sum();
    (sum / z.len().max(1) as f64).sqrt()
}

/// Diagonal-Gaussian log-likelihood of a row under each class.
pub fn log_likelihoods(stats: &[ClassStats], z: &[f64]) -> Vec<f64> {
    stats
        .iter()
        .map(|s| {
            -0.5 * z
                .iter()
                .zip(&s.mean)
                .zip(&s.var)
                .map(|((x, m), v)| (x - m).powi(2) / v + v.ln())
                .sum::<f64>()
        })
        .collect()
}

/// Softmax of `ll / t`.
pub fn softmax(ll: &[f64], t: f64) -> Vec<f64> {
    let max = ll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = ll.iter().map(|l| ((l - max) / t).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}

fn scaler(rows: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let dim = rows.first().map_or(0, Vec::len);
    let n = rows.len().max(1) as f64;
    let mean: Vec<f64> = (0..dim)
        .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n)
        .collect();
    let std: Vec<f64> = (0..dim)
        .map(|j| {
            let sd = (rows.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt();
            if sd > 1e-9 { sd } else { 1.0 }
        })
        .collect();
    (mean, std)
}

/// `(x - mean) / std`, feature by feature.
pub fn standardize(row: &[f64], mean: &[f64], std: &[f64]) -> Vec<f64> {
    row.iter()
        .zip(mean)
        .zip(std)
        .map(|((x, m), s)| (x - m) / s)
        .collect()
}

/// The entries `indices` of a feature vector.
pub fn pick(values: &[f64], indices: &[usize]) -> Vec<f64> {
    indices.iter().map(|&i| values[i]).collect()
}

fn accuracy(predicted: &[u32], y: &[u32]) -> f64 {
    let right = predicted.iter().zip(y).filter(|(p, t)| p == t).count();
    right as f64 / y.len().max(1) as f64
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

type Matrix = DenseMatrix<f64>;

/// A fitted smartcore model of one of the [`KINDS`].
pub enum Fitted {
    /// k-nearest neighbours.
    Knn(
        KNNClassifier<
            f64,
            u32,
            Matrix,
            Vec<u32>,
            smartcore::metrics::distance::euclidian::Euclidian<f64>,
        >,
    ),
    /// Gaussian naive Bayes.
    Bayes(GaussianNB<f64, u32, Matrix, Vec<u32>>),
    /// Random forest (seeded, so deterministic).
    Forest(RandomForestClassifier<f64, u32, Matrix, Vec<u32>>),
}

impl Fitted {
    /// Fits `kind` on standardized rows.
    pub fn fit(kind: &str, x: &[Vec<f64>], y: &[u32]) -> Result<Self, TrainError> {
        let kind_name: &'static str = KINDS.iter().find(|k| **k == kind).copied().unwrap_or("knn");
        let err = |e: smartcore::error::Failed| TrainError::Fit {
            kind: kind_name,
            message: e.to_string(),
        };
        let m = DenseMatrix::from_2d_vec(&x.to_vec()).map_err(err)?;
        let y = y.to_vec();
        Ok(match kind_name {
            "naive_bayes" => {
                Self::Bayes(GaussianNB::fit(&m, &y, GaussianNBParameters::default()).map_err(err)?)
            }
            "random_forest" => Self::Forest(
                RandomForestClassifier::fit(
                    &m,
                    &y,
                    RandomForestClassifierParameters::default()
                        .with_n_trees(15)
                        .with_max_depth(8)
                        .with_seed(42),
                )
                .map_err(err)?,
            ),
            _ => Self::Knn(
                KNNClassifier::fit(
                    &m,
                    &y,
                    KNNClassifierParameters::default().with_k(K.min(x.len())),
                )
                .map_err(err)?,
            ),
        })
    }

    /// The class number predicted for one standardized row.
    pub fn predict(&self, z: &[f64]) -> Option<u32> {
        let m = DenseMatrix::from_2d_vec(&vec![z.to_vec()]).ok()?;
        let out = match self {
            Self::Knn(k) => k.predict(&m),
            Self::Bayes(b) => b.predict(&m),
            Self::Forest(f) => f.predict(&m),
        };
        out.ok()?.first().copied()
    }
}

/// A model file, loaded and fitted, ready to classify.
pub struct Loaded {
    /// The file's content.
    pub file: ClassifierModel,
    samples: Fitted,
    update_data: Fitted,
}

impl Loaded {
    /// Refits the stored training sets (deterministic, milliseconds).
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
    /// and the RMS distance to each class.
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

/// What the model says about one curve.
#[derive(Debug, Clone)]
pub struct Score {
    /// Class number the smartcore model chose.
    pub predicted: usize,
    /// Calibrated probability of each class.
    pub probabilities: Vec<f64>,
    /// RMS z-distance to each class centroid.
    pub distances: Vec<f64>,
    /// Each class's open-set bound.
    pub bounds: Vec<f64>,
}
