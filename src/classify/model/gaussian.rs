//! The per-class diagonal Gaussian in standardized feature space, on top of the smartcore
//! model's decision: class centres and spreads, a softmax temperature that calibrates the
//! confidence, and each class's open-set bound.

use super::scale::{pick, round, scaler, standardize};
use crate::classify::features::{Feature, positions};
use crate::store::records::{ClassStats, FeatureModel};

/// Smallest per-feature variance of a class, in standardized units (keeps one flat feature from
/// dominating).
const VAR_FLOOR: f64 = 1e-4;
/// Margin over the 99.5th percentile of a class's training distances that still counts as
/// "this car".
const BOUND_MARGIN: f64 = 1.2;
/// Smallest open-set bound, in RMS standardized units.
const MIN_BOUND: f64 = 3.0;
/// Softmax temperatures tried when calibrating.
const TEMPERATURES: [f64; 10] = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0];
/// Smallest probability of the true class counted in the calibration loss (caps each curve's
/// loss at -ln 0.02).
const LOSS_FLOOR: f64 = 0.02;
/// Decimal places kept in the model file (keeps it small and byte-stable).
const PLACES: i32 = 6;

/// One feature set's part of the model file: the scaler of `rows` (one per example, with the
/// values of `columns`), the class statistics over the `gauss` features, the calibrated
/// temperature and the standardized training set. `y` are the class numbers, `fold_of` each
/// example's fold out of `folds`.
pub(super) fn feature_model(
    columns: &[Feature],
    gauss: &[Feature],
    rows: &[Vec<f64>],
    y: &[u32],
    n_classes: usize,
    (fold_of, folds): (&[usize], usize),
) -> FeatureModel {
    let gauss = positions(gauss, columns);
    let (mean, std) = scaler(rows);
    let z: Vec<Vec<f64>> = rows.iter().map(|r| standardize(r, &mean, &std)).collect();
    let zg: Vec<Vec<f64>> = z.iter().map(|r| pick(r, &gauss)).collect();
    let class_stats = class_stats(&zg, y, n_classes);
    let temperature = calibrate(&zg, y, n_classes, fold_of, folds);
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

/// The softmax temperature, among [`TEMPERATURES`], with the least out-of-fold log loss of the
/// Gaussians' probabilities (1 when there is nothing to calibrate on).
fn calibrate(zg: &[Vec<f64>], y: &[u32], n_classes: usize, fold_of: &[usize], folds: usize) -> f64 {
    // out-of-fold log-likelihoods
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
    TEMPERATURES
        .into_iter()
        .map(|t| {
            let loss: f64 = oof
                .iter()
                .map(|(ll, truth)| -softmax(ll, t)[*truth].max(LOSS_FLOOR).ln())
                .sum();
            (t, loss)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(1.0, |(t, _)| t)
}

/// Class statistics of the standardized rows `z`, with each class's open-set bound: its
/// 99.5th-percentile training distance times [`BOUND_MARGIN`], at least [`MIN_BOUND`]; rounded
/// for the model file.
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
        s.bound = round((q * BOUND_MARGIN).max(MIN_BOUND), PLACES);
        s.mean = s.mean.iter().map(|v| round(*v, PLACES)).collect();
        s.var = s.var.iter().map(|v| round(*v, PLACES + 2)).collect();
    }
    stats
}

/// Per-class centre and spread, robustly: the median and the scaled median absolute
/// deviation (1.4826 × MAD, which estimates the standard deviation of a normal distribution),
/// so a few odd sessions (a taper caught by a late window) do not widen a class until it
/// overlaps its neighbour. Variances are floored at [`VAR_FLOOR`]; bounds are left infinite.
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

/// Median of `values` (sorts them; 0 for none).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// RMS z-distance of a standardized row to a class centroid:
/// `sqrt(mean_j((z_j - mean_j)² / var_j))`, in standardized units.
pub fn distance(s: &ClassStats, z: &[f64]) -> f64 {
    let sum: f64 = z
        .iter()
        .zip(&s.mean)
        .zip(&s.var)
        .map(|((x, m), v)| (x - m).powi(2) / v)
        .sum();
    (sum / z.len().max(1) as f64).sqrt()
}

/// Diagonal-Gaussian log-likelihood of a standardized row under each class, up to a constant:
/// `-½ Σ_j ((z_j - mean_j)² / var_j + ln var_j)`.
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

/// Softmax of `ll / t`: probabilities (summing to 1) from log-likelihoods `ll` at temperature
/// `t` (shifted by the largest, so large values do not overflow).
pub fn softmax(ll: &[f64], t: f64) -> Vec<f64> {
    let max = ll.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = ll.iter().map(|l| ((l - max) / t).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}
