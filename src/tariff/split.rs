//! A session's energy and cost split among the rate plan's time-of-use periods.
//!
//! # The curve
//!
//! The session's cumulative energy curve is built from what is known of it, best first:
//!
//! 1. `update_data` (ChargePoint's samples over the whole session) together with the collected
//!    samples (the first minutes, dense), as `(time, kWh since plug-in)` points after a first
//!    point of 0 kWh at plug-in; a reading lower than an earlier one counts as the earlier
//!    (energy never goes down);
//! 2. past the last point, the energy still missing up to the session's total is delivered at
//!    the last power reported (else the peak power) until it is all in, but no later than the
//!    session's end (a car charges at a steady rate until full, then idles plugged in; the same
//!    assumption as the site's energy per day);
//! 3. without any point: the peak power from plug-in until the total is in (`peak_power`), or
//!    without a power, the total spread evenly from plug-in to unplug (`even`).
//!
//! # The split
//!
//! Between two consecutive points the power is taken as constant, so an interval's energy is
//! divided among the periods it crosses in proportion to the time spent in each. The period of
//! an instant follows its wall clock (see [`super`]); intervals are cut at every instant a
//! period can change: each local day's boundary times (both instants of a time the fall-back
//! night repeats) and every UTC offset change.
//!
//! The parts are then scaled so that they add up exactly to the session's total energy (the
//! curve's last reading may differ from ChargePoint's total by a few Wh), and rounded to
//! 0.1 Wh (4 decimals) by largest remainder so the rounded parts still add up to the total
//! rounded to 4 decimals. Costs are energy × the period's price, rounded to 4 decimals.

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;

use super::Tariff;
use crate::clock::{local_instants, local_wall, offset_changes};
use crate::store::records::{EnergyCost, PeriodUse, TimeOfUse};
use crate::store::values::NonNeg;

/// A cumulative energy curve: `(time, kWh since plug-in)`, both non-decreasing.
pub type EnergyCurve = Vec<(DateTime<Utc>, f64)>;

/// Where a split's curve came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurveSource {
    /// ChargePoint's `update_data` (with the collected samples, if any).
    UpdateData,
    /// The collected samples only, extended at their last power.
    Samples,
    /// No readings: the peak power from plug-in until full.
    PeakPower,
    /// No readings and no power: evenly from plug-in to unplug.
    Even,
}

impl CurveSource {
    /// The name the monthly cache stores (`update_data`, `samples`, `peak_power`, `even`).
    pub fn name(self) -> &'static str {
        match self {
            Self::UpdateData => "update_data",
            Self::Samples => "samples",
            Self::PeakPower => "peak_power",
            Self::Even => "even",
        }
    }
}

/// One reading of a curve: cumulative energy (kWh since plug-in) and power (kW), either may
/// be missing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// kWh since plug-in.
    pub energy_kwh: Option<f64>,
    /// kW.
    pub power_kw: Option<f64>,
}

/// What is known of one session.
#[derive(Debug, Clone, Default)]
pub struct SplitInput {
    /// Plug-in (UTC).
    pub start: DateTime<Utc>,
    /// Unplug (UTC); `None` while open.
    pub end: Option<DateTime<Utc>>,
    /// The session's energy, kWh (what the split adds up to).
    pub total_kwh: f64,
    /// `update_data` points, any order.
    pub update_data: Vec<Reading>,
    /// Collected samples, any order.
    pub samples: Vec<Reading>,
    /// Peak power, kW.
    pub peak_kw: Option<f64>,
}

/// One period's share of a session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodShare {
    /// Index into [`Tariff::periods`].
    pub period: usize,
    /// kWh, 4 decimals.
    pub energy_kwh: f64,
    /// Energy × price, 4 decimals.
    pub cost: f64,
}

/// A session's split.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The curve it was computed from.
    pub curve: CurveSource,
    /// Periods with energy, in [`Tariff::periods`] order; energies add up to the total
    /// rounded to 4 decimals.
    pub periods: Vec<PeriodShare>,
    /// kWh charged after the cheap window (see [`super`]), 4 decimals.
    pub after_cheap_kwh: f64,
    /// Its cost, 4 decimals.
    pub after_cheap_cost: f64,
}

impl Split {
    /// kWh of all periods.
    pub fn energy_kwh(&self) -> f64 {
        self.periods.iter().map(|p| p.energy_kwh).sum()
    }

    /// The split as the monthly cache keeps it (`time_of_use` of an entry).
    pub fn to_record(&self, tariff: &Tariff) -> TimeOfUse {
        TimeOfUse {
            tariff: tariff.name.clone(),
            tariff_fingerprint: tariff.fingerprint.clone(),
            currency: tariff.currency.clone(),
            curve: self.curve.name().to_owned(),
            periods: self
                .periods
                .iter()
                .map(|p| {
                    let period = &tariff.periods[p.period];
                    PeriodUse {
                        season: period.season.clone(),
                        period: period.name.clone(),
                        cheap: period.cheap,
                        price_per_kwh: NonNeg(period.price_per_kwh),
                        energy_kwh: NonNeg(p.energy_kwh),
                        cost: NonNeg(p.cost),
                        extra: Default::default(),
                    }
                })
                .collect(),
            after_cheap_window: EnergyCost {
                energy_kwh: NonNeg(self.after_cheap_kwh),
                cost: NonNeg(self.after_cheap_cost),
                extra: Default::default(),
            },
            extra: Default::default(),
        }
    }
}

/// The session's cumulative curve, `(time, kWh)` non-decreasing in both, and its source; see
/// the module documentation. `None` when energy was delivered but nothing says when.
pub fn energy_curve(input: &SplitInput) -> Option<(EnergyCurve, CurveSource)> {
    let total = input.total_kwh.max(0.0);
    let inside = |r: &&Reading| r.at >= input.start && input.end.is_none_or(|e| r.at <= e);
    let mut readings: Vec<(Reading, bool)> = input
        .update_data
        .iter()
        .filter(inside)
        .map(|r| (*r, true))
        .chain(input.samples.iter().filter(inside).map(|r| (*r, false)))
        .collect();
    readings.sort_by_key(|(r, _)| r.at);
    let mut curve = vec![(input.start, 0.0)];
    let mut from_update_data = false;
    let mut from_samples = false;
    let mut rate = None;
    for (r, is_update) in &readings {
        if let Some(e) = r.energy_kwh.filter(|e| e.is_finite()) {
            let (last_at, last_e) = curve[curve.len() - 1];
            let e = e.max(last_e);
            if r.at > last_at {
                curve.push((r.at, e));
            } else if let Some(last) = curve.last_mut() {
                last.1 = e;
            }
            from_update_data |= *is_update;
            from_samples |= !*is_update;
        }
        if let Some(p) = r.power_kw.filter(|p| p.is_finite()) {
            rate = (p > 0.0).then_some(p).or(rate);
        }
    }
    let peak = input.peak_kw.filter(|p| p.is_finite() && *p > 0.0);
    let rate = rate.or(peak);
    let (last_at, last_e) = curve[curve.len() - 1];
    let remaining = total - last_e;
    if remaining > total * 1e-9 && remaining > 0.0 {
        let full = rate.and_then(|kw| {
            let ms = remaining / kw * 3_600_000.0;
            (ms.is_finite() && ms < 1e15)
                .then(|| last_at.checked_add_signed(Duration::milliseconds(ms as i64)))
                .flatten()
        });
        let until = match (full, input.end) {
            (Some(f), Some(e)) => Some(f.min(e)),
            (Some(f), None) => Some(f),
            (None, e) => e,
        };
        if let Some(t) = until.filter(|t| *t > last_at) {
            curve.push((t, total));
        }
    }
    let source = if from_update_data {
        CurveSource::UpdateData
    } else if from_samples {
        CurveSource::Samples
    } else if rate.is_some() {
        CurveSource::PeakPower
    } else {
        CurveSource::Even
    };
    let delivered = curve[curve.len() - 1].1;
    (delivered > 0.0 || total <= 0.0).then_some((curve, source))
}

/// The split of a session among `tariff`'s periods in zone `tz`; `None` when the session
/// delivered energy but nothing says when (no readings, no power and no end).
pub fn split(tariff: &Tariff, tz: Tz, input: &SplitInput) -> Option<Split> {
    let (curve, source) = energy_curve(input)?;
    let total = input.total_kwh.max(0.0);
    let n = tariff.periods.len();
    let mut raw = vec![0.0; n];
    let mut after = vec![0.0; n];
    let (t0, t_end) = (curve[0].0, curve[curve.len() - 1].0);
    let delivered = curve[curve.len() - 1].1;
    if t_end <= t0 {
        let slot = slot_at(tariff, tz, t0);
        raw[slot.period] += delivered;
        if slot.after_cheap {
            after[slot.period] += delivered;
        }
    } else {
        let cuts = cuts(tariff, tz, &curve);
        let mut seg = 0;
        let energy_at = |t: DateTime<Utc>, seg: &mut usize| -> f64 {
            while *seg + 1 < curve.len() - 1 && curve[*seg + 1].0 <= t {
                *seg += 1;
            }
            let (a, ea) = curve[*seg];
            let (b, eb) = curve[(*seg + 1).min(curve.len() - 1)];
            let span = (b - a).num_milliseconds() as f64;
            if span <= 0.0 {
                return eb;
            }
            let part = ((t - a).num_milliseconds() as f64 / span).clamp(0.0, 1.0);
            ea + (eb - ea) * part
        };
        let mut prev = (cuts[0], energy_at(cuts[0], &mut seg));
        // a reading at the plug-in instant itself: its energy counts there
        if prev.1 > 0.0 {
            let slot = slot_at(tariff, tz, prev.0);
            raw[slot.period] += prev.1;
            if slot.after_cheap {
                after[slot.period] += prev.1;
            }
        }
        for &t in &cuts[1..] {
            let e = energy_at(t, &mut seg);
            let part = e - prev.1;
            if part > 0.0 {
                let mid = prev.0 + (t - prev.0) / 2;
                let slot = slot_at(tariff, tz, mid);
                raw[slot.period] += part;
                if slot.after_cheap {
                    after[slot.period] += part;
                }
            }
            prev = (t, e);
        }
    }
    let sum: f64 = raw.iter().sum();
    let factor = if sum > 0.0 { total / sum } else { 0.0 };
    let units = largest_remainder(&raw.iter().map(|r| r * factor).collect::<Vec<_>>(), total);
    let periods = units
        .iter()
        .enumerate()
        .filter(|(_, u)| **u > 0)
        .map(|(i, u)| {
            let energy = *u as f64 / 1e4;
            PeriodShare {
                period: i,
                energy_kwh: energy,
                cost: round4(energy * tariff.periods[i].price_per_kwh),
            }
        })
        .collect();
    let after_kwh: f64 = after.iter().map(|a| a * factor).sum();
    let after_cost: f64 = after
        .iter()
        .zip(&tariff.periods)
        .map(|(a, p)| a * factor * p.price_per_kwh)
        .sum();
    Some(Split {
        curve: source,
        periods,
        after_cheap_kwh: round4(after_kwh),
        after_cheap_cost: round4(after_cost),
    })
}

/// The slot an instant's wall clock is in.
fn slot_at(tariff: &Tariff, tz: Tz, at: DateTime<Utc>) -> super::Slot {
    let wall = local_wall(tz, at);
    let minute = wall.hour() * 60 + wall.minute();
    tariff.slot(wall.date(), minute as u16)
}

/// Every instant in the curve's span where the energy or the period can change: the curve's
/// points, each local day's boundary times, and the zone's offset changes; sorted, unique.
fn cuts(tariff: &Tariff, tz: Tz, curve: &[(DateTime<Utc>, f64)]) -> Vec<DateTime<Utc>> {
    let (t0, t_end) = (curve[0].0, curve[curve.len() - 1].0);
    let mut cuts: Vec<DateTime<Utc>> = curve.iter().map(|c| c.0).collect();
    let first = local_wall(tz, t0).date();
    let last = local_wall(tz, t_end).date();
    let stop = last.succ_opt().unwrap_or(last);
    let mut day = first.pred_opt().unwrap_or(first);
    loop {
        for &b in tariff.boundaries() {
            let Some(time) = NaiveTime::from_hms_opt(u32::from(b / 60), u32::from(b % 60), 0)
            else {
                continue;
            };
            cuts.extend(
                local_instants(tz, day.and_time(time))
                    .into_iter()
                    .filter(|t| *t > t0 && *t < t_end),
            );
        }
        match day.succ_opt() {
            Some(next) if day < stop => day = next,
            _ => break,
        }
    }
    cuts.extend(offset_changes(tz, t0, t_end));
    cuts.sort();
    cuts.dedup();
    cuts
}

/// `parts` (kWh) in units of 0.1 Wh, adding up to `total` rounded to 4 decimals: each part's
/// floor, then the units left over to the largest fractions (the earlier part on a tie).
fn largest_remainder(parts: &[f64], total: f64) -> Vec<i64> {
    let want = (total * 1e4).round() as i64;
    let mut units: Vec<i64> = parts.iter().map(|p| (p * 1e4).floor() as i64).collect();
    let mut left = want - units.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).filter(|&i| parts[i] > 0.0).collect();
    order.sort_by(|&a, &b| {
        let fa = parts[a] * 1e4 - (parts[a] * 1e4).floor();
        let fb = parts[b] * 1e4 - (parts[b] * 1e4).floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    let mut i = 0;
    while left != 0 && !order.is_empty() {
        let at = order[i % order.len()];
        if left > 0 {
            units[at] += 1;
            left -= 1;
        } else if units[at] > 0 {
            units[at] -= 1;
            left += 1;
        }
        i += 1;
        if i > 4 * order.len() + 1_000 {
            break;
        }
    }
    units
}

/// Rounds to 4 decimals (and turns -0 into 0).
fn round4(v: f64) -> f64 {
    let r = (v * 1e4).round() / 1e4;
    if r == 0.0 { 0.0 } else { r }
}
