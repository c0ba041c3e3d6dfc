//! Features of a power curve that tell cars apart, robust to where the capture window falls.
//!
//! Input is a list of `(seconds, kW)` points: the 30 × 10 s samples of a session file, or the
//! sparse server-side `update_data` of a session's details (dense in the first minute, then
//! every 5-15 minutes). Points below the charging threshold are dropped, then the ramp (before
//! the curve first reaches 90 % of its reference level) and the taper (after it last does); what
//! is left is the steady state the features describe.

/// Power below this is "not charging" (kW).
pub const CHARGING_THRESHOLD_KW: f64 = 0.5;

/// Fewest steady points a sample curve needs to be described (sparse `update_data`: 1).
pub const MIN_STEADY_POINTS: usize = 2;

/// Names of the feature vector's entries, in order: the keys of `classifier_model.json`'s
/// `features` and of `classifier_summary.json`'s per-vehicle `features`.
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

/// One entry of the feature vector. `Feature as usize` is its position in [`NAMES`] and in the
/// vectors of the model file; the fields of [`Features`] carry the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// Mean steady power, kW.
    MeanKw,
    /// Median steady power, kW.
    MedianKw,
    /// 10th percentile of steady power, kW.
    P10Kw,
    /// 25th percentile of steady power, kW.
    P25Kw,
    /// 75th percentile of steady power, kW.
    P75Kw,
    /// 90th percentile of steady power, kW.
    P90Kw,
    /// Coefficient of variation of steady power (population sd / mean), no unit.
    Cv,
    /// Interquartile range over the median, no unit.
    IqrRel,
    /// Share of steady points below 95 % of the median, 0..1.
    DipShare,
    /// Seconds from the first point to the first steady point.
    RampS,
    /// Least-squares slope of steady power over time, kW per hour.
    SlopeKwPerH,
}

impl Feature {
    /// Every feature, in vector order.
    pub const ALL: [Self; 11] = [
        Self::MeanKw,
        Self::MedianKw,
        Self::P10Kw,
        Self::P25Kw,
        Self::P75Kw,
        Self::P90Kw,
        Self::Cv,
        Self::IqrRel,
        Self::DipShare,
        Self::RampS,
        Self::SlopeKwPerH,
    ];

    /// Position in the feature vector (and in [`NAMES`]).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name in [`NAMES`], as written in the model and summary files.
    pub const fn name(self) -> &'static str {
        NAMES[self as usize]
    }
}

/// The entry that means the same whatever the sampling: the steady median. Sparse
/// `update_data` curves are smoothed by the server and resolve the ramp differently, so their
/// spread, dips and ramp are not comparable with 10 s samples; their level is.
pub const LEVEL_FEATURES: [Feature; 1] = [Feature::MedianKw];

/// Entries the confidence and the open-set distance of 10 s sample curves use: level and
/// spread, which are well-behaved in every capture window (ramp time and slope are not: a
/// window that starts late has no ramp at all).
pub const ROBUST_FEATURES: [Feature; 3] = [Feature::MedianKw, Feature::P25Kw, Feature::P75Kw];

/// Positions of `subset` within `columns` (features missing from `columns` are left out).
pub fn positions(subset: &[Feature], columns: &[Feature]) -> Vec<usize> {
    subset
        .iter()
        .filter_map(|f| columns.iter().position(|c| c == f))
        .collect()
}

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

/// The feature vector of one curve: the steady state's level, spread and shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// Mean steady power, kW.
    pub mean_kw: f64,
    /// Median steady power, kW.
    pub median_kw: f64,
    /// 10th percentile of steady power (linear interpolation), kW.
    pub p10_kw: f64,
    /// 25th percentile of steady power, kW.
    pub p25_kw: f64,
    /// 75th percentile of steady power, kW.
    pub p75_kw: f64,
    /// 90th percentile of steady power, kW.
    pub p90_kw: f64,
    /// Coefficient of variation: population standard deviation / mean of steady power.
    pub cv: f64,
    /// `(p75_kw - p25_kw) / median_kw`.
    pub iqr_rel: f64,
    /// Share of steady points below 95 % of the median, 0..1.
    pub dip_share: f64,
    /// Seconds from the first point to the first steady point (0 when the window missed the
    /// ramp).
    pub ramp_s: f64,
    /// Least-squares slope of steady power over time, kW per hour (0 for a single instant).
    pub slope_kw_per_h: f64,
    /// Steady points used.
    pub steady_points: usize,
    /// Where the points came from.
    pub source: Source,
}

impl Features {
    /// The value of one feature (its unit is the feature's, see [`Feature`]).
    pub fn get(&self, feature: Feature) -> f64 {
        match feature {
            Feature::MeanKw => self.mean_kw,
            Feature::MedianKw => self.median_kw,
            Feature::P10Kw => self.p10_kw,
            Feature::P25Kw => self.p25_kw,
            Feature::P75Kw => self.p75_kw,
            Feature::P90Kw => self.p90_kw,
            Feature::Cv => self.cv,
            Feature::IqrRel => self.iqr_rel,
            Feature::DipShare => self.dip_share,
            Feature::RampS => self.ramp_s,
            Feature::SlopeKwPerH => self.slope_kw_per_h,
        }
    }

    /// The values of `columns`, in that order: one row of a model's input.
    pub fn select(&self, columns: &[Feature]) -> Vec<f64> {
        columns.iter().map(|f| self.get(*f)).collect()
    }
}

/// Describes a curve of `(seconds since the first point, kW)` points.
///
/// # Errors
///
/// [`FeatureError::BadValue`] for a power that is NaN, infinite or negative,
/// [`FeatureError::BadTime`] for a time that is not finite or goes backwards, and
/// [`FeatureError::TooFew`] when fewer than [`MIN_STEADY_POINTS`] (1 for `update_data`)
/// steady points are left.
pub fn extract(points: &[(f64, f64)], source: Source) -> Result<Features, FeatureError> {
    check(points)?;
    let charging: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|&(_, p)| p >= CHARGING_THRESHOLD_KW)
        .collect();
    let steady = steady_part(&charging).ok_or(FeatureError::TooFew { found: 0 })?;
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
    let dips = steady.iter().filter(|&&(_, p)| p < 0.95 * median).count() as f64;
    Ok(Features {
        mean_kw: mean,
        median_kw: median,
        p10_kw: q(0.1),
        p25_kw: q(0.25),
        p75_kw: q(0.75),
        p90_kw: q(0.9),
        cv: sd / mean,
        iqr_rel: (q(0.75) - q(0.25)) / median,
        dip_share: dips / n,
        ramp_s: (steady[0].0 - start).max(0.0),
        slope_kw_per_h: slope_per_hour(steady),
        steady_points: steady.len(),
        source,
    })
}

/// Refuses non-finite or negative power and times that are not finite or go backwards.
fn check(points: &[(f64, f64)]) -> Result<(), FeatureError> {
    for (i, &(t, p)) in points.iter().enumerate() {
        if !p.is_finite() || p < 0.0 {
            return Err(FeatureError::BadValue { index: i, value: p });
        }
        if !t.is_finite() || (i > 0 && t < points[i - 1].0) {
            return Err(FeatureError::BadTime { index: i, value: t });
        }
    }
    Ok(())
}

/// The charging points from the first to the last that reach 90 % of the reference level;
/// `None` when there are no charging points.
fn steady_part(charging: &[(f64, f64)]) -> Option<&[(f64, f64)]> {
    let mut levels: Vec<f64> = charging.iter().map(|&(_, p)| p).collect();
    levels.sort_by(f64::total_cmp);
    if levels.is_empty() {
        return None;
    }
    // The reference level is the 80th percentile, not the median, so a window that catches
    // much of a taper (a top-up of a nearly full car) still finds the car's own level.
    let reference = quantile(&levels, 0.8);
    let near = |p: f64| p >= 0.9 * reference;
    let first = charging.iter().position(|&(_, p)| near(p)).unwrap_or(0);
    let last = charging.iter().rposition(|&(_, p)| near(p)).unwrap_or(0);
    Some(&charging[first..=last.max(first)])
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
    fn every_feature_has_its_name_and_its_place() {
        for (i, f) in Feature::ALL.iter().enumerate() {
            assert_eq!((f.index(), f.name()), (i, NAMES[i]));
        }
        assert_eq!(positions(&ROBUST_FEATURES, &Feature::ALL), [1, 3, 4]);
        assert_eq!(positions(&LEVEL_FEATURES, &LEVEL_FEATURES), [0]);
    }

    #[test]
    fn flat_curve_has_its_level_and_no_spread() {
        let f = extract(&curve(&[9.0; 30], 10.0), Source::Samples).unwrap();
        assert_eq!(f.mean_kw, 9.0);
        assert_eq!(f.median_kw, 9.0);
        assert_eq!(f.cv, 0.0);
        assert_eq!(f.ramp_s, 0.0);
        assert_eq!(f.slope_kw_per_h, 0.0);
        assert_eq!(f.steady_points, 30);
    }

    #[test]
    fn ramp_and_taper_are_left_out_of_the_steady_state() {
        let mut p = vec![0.0, 0.2, 3.0, 6.0];
        p.extend([8.6; 20]);
        p.extend([5.0, 2.0, 0.3]);
        let f = extract(&curve(&p, 10.0), Source::Samples).unwrap();
        assert_eq!(f.steady_points, 20);
        assert!((f.mean_kw - 8.6).abs() < 1e-9);
        assert_eq!(f.ramp_s, 40.0, "ramp: steady from the 5th point, 40 s in");
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
        assert!(f.cv > 0.04, "cv {}", f.cv);
        assert!(
            (f.dip_share - 0.1).abs() < 1e-9,
            "dip share {}",
            f.dip_share
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
        assert_eq!((ramp.steady_points, ramp.median_kw), (2, 8.5));
        let taper = extract(
            &curve(&[9.0, 8.9, 7.0, 5.0, 2.0, 0.2], 10.0),
            Source::Samples,
        )
        .unwrap();
        assert!(taper.steady_points >= 2 && taper.mean_kw > 8.0);
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
        assert!((f.median_kw - 9.06).abs() < 0.01, "{f:?}");
        assert_eq!(f.ramp_s, 23.0);
    }
}
