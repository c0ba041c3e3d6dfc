//! Features of a power curve that tell cars apart, robust to where the capture window falls.
//!
//! Input is a list of `(seconds, kW)` points: the 30 × 10 s samples of a session file, or the
//! sparse server-side `update_data` of a session's details (dense in the first minute, then
//! every 5-15 minutes). Points below the charging threshold are dropped, then the ramp (before
//! the curve first reaches 90 % of its median) and the taper (after it last does); what is
//! left is the steady state the features describe.

/// Power below this is "not charging" (kW).
pub const CHARGING_THRESHOLD_KW: f64 = 0.5;

/// Fewest steady points a sample curve needs to be described (sparse `update_data`: 1).
pub const MIN_STEADY_POINTS: usize = 2;

/// Names of the feature vector's entries, in order.
pub const NAMES: [&str; 11] = [
    "mean_kw",
    "median_kw",
    "p10_kw",
    "p25_kw",
    "p75_kw",
    "p90_kw",
    "cv",
    "iqr_rel",
    "dip_share",
    "ramp_s",
    "slope_kw_per_h",
];

/// The entry that means the same whatever the sampling: the steady median. Sparse
/// `update_data` curves are smoothed by the server and resolve the ramp differently, so their
/// spread, dips and ramp are not comparable with 10 s samples; their level is.
pub const LEVEL_FEATURES: [usize; 1] = [1];

/// Entries the confidence and the open-set distance of 10 s sample curves use: level and
/// spread, which are well-behaved in every capture window (ramp time and slope are not: a
/// window that starts late has no ramp at all).
pub const ROBUST_FEATURES: [usize; 3] = [1, 3, 4];

/// Which kind of curve the points came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 10 s samples of a session file.
    Samples,
    /// Sparse server-side `update_data`.
    UpdateData,
}

/// A curve that cannot be described, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeatureError {
    /// A point is NaN, infinite or negative.
    #[error("point {index} has power {value} kW; power must be a finite number >= 0")]
    BadValue {
        /// Position in the input.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A time is NaN or goes backwards.
    #[error("point {index} has time {value} s, before the point ahead of it")]
    BadTime {
        /// Position in the input.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Too few points above the charging threshold.
    #[error(
        "only {found} point(s) above {CHARGING_THRESHOLD_KW} kW in the steady part; at least {MIN_STEADY_POINTS} are needed"
    )]
    TooFew {
        /// Steady points found.
        found: usize,
    },
}

/// The feature vector of one curve (see [`NAMES`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// Values, in [`NAMES`] order.
    pub values: [f64; NAMES.len()],
    /// Steady points used.
    pub steady_points: usize,
    /// Where the points came from.
    pub source: Source,
}

/// Describes a curve of `(seconds since the first point, kW)` points.
pub fn extract(points: &[(f64, f64)], source: Source) -> Result<Features, FeatureError> {
    for (i, &(t, p)) in points.iter().enumerate() {
        if !p.is_finite() || p < 0.0 {
            return Err(FeatureError::BadValue { index: i, value: p });
        }
        if !t.is_finite() || (i > 0 && t < points[i - 1].0) {
            return Err(FeatureError::BadTime { index: i, value: t });
        }
    }
    let charging: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|&(_, p)| p >= CHARGING_THRESHOLD_KW)
        .collect();
    let mut levels: Vec<f64> = charging.iter().map(|&(_, p)| p).collect();
    levels.sort_by(f64::total_cmp);
    if levels.is_empty() {
        return Err(FeatureError::TooFew { found: 0 });
    }
    // The reference level is the 80th percentile, not the median, so a window that catches
    // much of a taper (a top-up of a nearly full car) still finds the car's own level.
    let reference = quantile(&levels, 0.8);
    let near = |p: f64| p >= 0.9 * reference;
    let first = charging.iter().position(|&(_, p)| near(p)).unwrap_or(0);
    let last = charging.iter().rposition(|&(_, p)| near(p)).unwrap_or(0);
    let steady = &charging[first..=last.max(first)];
    // sparse update_data of a short top-up may hold a single steady point; its level still
    // tells cars apart
    let min_points = if source == Source::UpdateData {
        1
    } else {
        MIN_STEADY_POINTS
    };
    if steady.len() < min_points {
        return Err(FeatureError::TooFew {
            found: steady.len(),
        });
    }
    let mut sorted: Vec<f64> = steady.iter().map(|&(_, p)| p).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / n;
    let sd = (sorted.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / n).sqrt();
    let q = |f: f64| quantile(&sorted, f);
    let median = q(0.5);
    let start = points.first().map_or(0.0, |&(t, _)| t);
    let ramp_s = (steady[0].0 - start).max(0.0);
    let dips = steady.iter().filter(|&&(_, p)| p < 0.95 * median).count() as f64;
    Ok(Features {
        values: [
            mean,
            median,
            q(0.1),
            q(0.25),
            q(0.75),
            q(0.9),
            sd / mean,
            (q(0.75) - q(0.25)) / median,
            dips / n,
            ramp_s,
            slope_per_hour(steady),
        ],
        steady_points: steady.len(),
        source,
    })
}

/// Linear-interpolated quantile of sorted values.
fn quantile(sorted: &[f64], f: f64) -> f64 {
    let pos = f * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Least-squares slope of power over time, kW per hour (0 for a single instant).
fn slope_per_hour(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (mt, mp) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), &(t, p)| (a + t / n, b + p / n));
    let (num, den) = points.iter().fold((0.0, 0.0), |(num, den), &(t, p)| {
        (num + (t - mt) * (p - mp), den + (t - mt).powi(2))
    });
    if den > 0.0 { num / den * 3600.0 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(powers: &[f64], step: f64) -> Vec<(f64, f64)> {
        powers
            .iter()
            .enumerate()
            .map(|(i, &p)| (i as f64 * step, p))
            .collect()
    }

    #[test]
    fn flat_curve_has_its_level_and_no_spread() {
        let f = extract(&curve(&[9.0; 30], 10.0), Source::Samples).unwrap();
        assert_eq!(f.values[0], 9.0);
        assert_eq!(f.values[1], 9.0);
        assert_eq!(f.values[6], 0.0);
        assert_eq!(f.values[9], 0.0);
        assert_eq!(f.values[10], 0.0);
        assert_eq!(f.steady_points, 30);
    }

    #[test]
    fn ramp_and_taper_are_left_out_of_the_steady_state() {
        let mut p = vec![0.0, 0.2, 3.0, 6.0];
        p.extend([8.6; 20]);
        p.extend([5.0, 2.0, 0.3]);
        let f = extract(&curve(&p, 10.0), Source::Samples).unwrap();
        assert_eq!(f.steady_points, 20);
        assert!((f.values[0] - 8.6).abs() < 1e-9);
        assert_eq!(
            f.values[9], 40.0,
            "ramp: steady from the 5th point, 40 s in"
        );
    }

    #[test]
    fn noisy_curve_has_spread_and_dips() {
        let p: Vec<f64> = (0..30)
            .map(|i| {
                if i % 10 == 3 {
                    7.0
                } else {
                    8.6 + if i % 2 == 0 { 0.1 } else { -0.1 }
                }
            })
            .collect();
        let f = extract(&curve(&p, 10.0), Source::Samples).unwrap();
        assert!(f.values[6] > 0.04, "cv {}", f.values[6]);
        assert!(
            (f.values[8] - 0.1).abs() < 1e-9,
            "dip share {}",
            f.values[8]
        );
    }

    #[test]
    fn ramp_only_and_taper_only_curves_are_described() {
        let ramp = extract(
            &curve(&[0.1, 1.0, 3.0, 6.0, 8.0, 9.0], 10.0),
            Source::Samples,
        )
        .unwrap();
        // a ramp that never levels off is described by its top (at least 90 % of the 80th
        // percentile of the charging points)
        assert_eq!((ramp.steady_points, ramp.values[1]), (2, 8.5));
        let taper = extract(
            &curve(&[9.0, 8.9, 7.0, 5.0, 2.0, 0.2], 10.0),
            Source::Samples,
        )
        .unwrap();
        assert!(taper.steady_points >= 2 && taper.values[0] > 8.0);
    }

    #[test]
    fn empty_idle_and_bad_curves_are_refused_with_reasons() {
        assert_eq!(
            extract(&[], Source::Samples),
            Err(FeatureError::TooFew { found: 0 })
        );
        assert_eq!(
            extract(&curve(&[0.0, 0.1, 0.0], 10.0), Source::Samples),
            Err(FeatureError::TooFew { found: 0 })
        );
        let nan = extract(&curve(&[9.0, f64::NAN, 9.0], 10.0), Source::Samples).unwrap_err();
        assert_eq!(
            nan.to_string(),
            "point 1 has power NaN kW; power must be a finite number >= 0"
        );
        assert!(matches!(
            extract(&curve(&[9.0, -1.0], 10.0), Source::Samples),
            Err(FeatureError::BadValue { index: 1, .. })
        ));
        assert!(matches!(
            extract(&[(10.0, 9.0), (5.0, 9.0)], Source::Samples),
            Err(FeatureError::BadTime { index: 1, .. })
        ));
    }

    #[test]
    fn sparse_update_data_is_described_by_its_levels() {
        let pts = [
            (0.0, 0.0),
            (8.0, 0.16),
            (23.0, 9.18),
            (95.0, 9.13),
            (602.0, 9.06),
            (1202.0, 9.03),
            (1802.0, 9.02),
        ];
        let f = extract(&pts, Source::UpdateData).unwrap();
        assert!((f.values[1] - 9.06).abs() < 0.01, "{:?}", f.values);
        assert_eq!(f.values[9], 23.0);
    }
}
