//! Standardization of feature rows (z-scores against the training set) and column picking.

/// Per-column mean and population standard deviation of `rows` (a standard deviation under
/// 1e-9 becomes 1, so a constant column standardizes to 0 instead of NaN).
pub(super) fn scaler(rows: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
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

/// `(x - mean) / std`, feature by feature: a row in standardized units (z-scores).
pub fn standardize(row: &[f64], mean: &[f64], std: &[f64]) -> Vec<f64> {
    row.iter()
        .zip(mean)
        .zip(std)
        .map(|((x, m), s)| (x - m) / s)
        .collect()
}

/// The entries at `indices` of a row, in that order.
///
/// # Panics
///
/// When an index is past the end of `values`: a hand-edited model file whose `gauss` names a
/// position its `features` do not have does that (loading does not check it).
pub fn pick(values: &[f64], indices: &[usize]) -> Vec<f64> {
    indices.iter().map(|&i| values[i]).collect()
}

/// `x` rounded to `places` decimal places.
pub(super) fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
