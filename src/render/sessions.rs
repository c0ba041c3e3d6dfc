//! One row per charging session, joined from the monthly caches (energy, cost, times) and the
//! session files (power samples, who labelled it), and each session's energy split between the
//! local days it touched.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::clock::local_day_start;
use crate::store::records::{
    CacheEntry, LabelSource, SessionFile, TimeOfUse, UNKNOWN_VEHICLE, VehicleConfig,
};

/// One power reading of a session, for its chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Power, kW.
    pub power_kw: Option<f64>,
    /// Energy since the start, kWh.
    pub energy_kwh: Option<f64>,
}

/// Everything the site shows about one session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    /// ChargePoint session id.
    pub id: String,
    /// Plug-in time (UTC).
    pub start: DateTime<Utc>,
    /// Unplug time (UTC), `None` while open.
    pub end: Option<DateTime<Utc>>,
    /// Local plug-in wall-clock time.
    pub local_start: NaiveDateTime,
    /// Zone abbreviation at plug-in (`PST`/`PDT`).
    pub zone: String,
    /// Energy delivered, kWh.
    pub energy_kwh: f64,
    /// Plugged-in time, seconds.
    pub duration_s: u64,
    /// Amount charged, in the account's currency.
    pub cost: Option<f64>,
    /// Highest power seen, kW.
    pub peak_kw: Option<f64>,
    /// Vehicle id, or `"unknown"`.
    pub vehicle_id: String,
    /// Confidence of the label, 0..1.
    pub confidence: Option<f64>,
    /// `"classifier"`, `"manual"`, or `None` when no session file says.
    pub labeled_by: Option<&'static str>,
    /// Estimated miles added (energy x the vehicle's efficiency); `None` for unknown cars.
    pub miles: Option<f64>,
    /// The session file's samples of the first minutes, oldest first.
    pub samples: Vec<Point>,
    /// The power curve to draw, oldest first: the session's whole curve from the cache
    /// (`power_curve`, ChargePoint's `update_data`) with `samples` in place of the readings
    /// they cover; only `samples` when the cache has no curve.
    pub curve: Vec<Point>,
    /// Whether `curve` holds the whole session (a cached `power_curve`), not just the first
    /// minutes.
    pub whole_curve: bool,
    /// Whether ChargePoint's details of the ended session had no curve (`power_curve: []`),
    /// so the first minutes' samples are all there will be.
    pub curve_not_kept: bool,
    /// Energy per local day, kWh, in date order.
    pub days: Vec<(NaiveDate, f64)>,
    /// The split by time-of-use period the monthly cache keeps (with a rate plan).
    pub time_of_use: Option<TimeOfUse>,
}

impl SessionRow {
    /// Local date of the plug-in.
    pub fn local_date(&self) -> NaiveDate {
        self.local_start.date()
    }
}

/// Joins caches and session files into rows sorted by start time then id. A manual label in a
/// session file wins over the cache's label; a session known only from its file is kept, with
/// the energy its samples reached.
pub fn build_rows(
    tz: Tz,
    caches: &[CacheEntry],
    files: Vec<SessionFile>,
    vehicles: &VehicleConfig,
) -> Vec<SessionRow> {
    let mut by_id: BTreeMap<String, SessionFile> = files
        .into_iter()
        .map(|f| (f.session_id.as_str().to_owned(), f))
        .collect();
    let mut rows = Vec::with_capacity(caches.len() + by_id.len());
    for c in caches {
        let file = by_id.remove(c.session_id.as_str());
        let start = c.session_start_time.to_utc();
        let end = c.session_end_time.map(|t| t.to_utc());
        let cache_vehicle = c
            .vehicle_id
            .clone()
            .or_else(|| c.vehicle.vehicle_id.clone());
        rows.push(row(
            tz,
            vehicles,
            Base {
                id: c.session_id.as_str().to_owned(),
                start,
                end,
                energy_kwh: c.session.energy_kwh.0,
                duration_s: c.session.duration_seconds,
                cost: c.session.cost,
                peak_kw: c.session.peak_power_kw.map(|p| p.0),
                vehicle_id: cache_vehicle,
                confidence: c.vehicle_confidence.map(|v| v.0),
                time_of_use: c.time_of_use.clone(),
                curve_not_kept: c.power_curve.as_ref().is_some_and(Vec::is_empty),
                curve: c
                    .power_curve
                    .iter()
                    .flatten()
                    .filter_map(|p| {
                        let at = i64::try_from(p.offset_s())
                            .ok()
                            .and_then(TimeDelta::try_seconds)
                            .and_then(|d| start.checked_add_signed(d))?;
                        Some(Point {
                            at,
                            power_kw: Some(p.power_kw()),
                            energy_kwh: Some(p.energy_kwh()),
                        })
                    })
                    .collect(),
            },
            file.as_ref(),
        ));
    }
    for (id, f) in by_id {
        let start = f.collection_start.to_utc();
        let end = f.collection_end.to_utc();
        let energy = f
            .samples
            .iter()
            .filter_map(|s| s.energy_kwh.map(|e| e.0))
            .fold(0.0, f64::max);
        let peak = f
            .samples
            .iter()
            .filter_map(|s| s.power_kw.map(|p| p.0))
            .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.max(p))));
        let base = Base {
            id,
            start,
            end: Some(end),
            energy_kwh: energy,
            duration_s: u64::try_from((end - start).num_seconds()).unwrap_or(0),
            cost: None,
            peak_kw: peak,
            vehicle_id: None,
            confidence: None,
            time_of_use: None,
            curve: Vec::new(),
            curve_not_kept: false,
        };
        rows.push(row(tz, vehicles, base, Some(&f)));
    }
    rows.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    rows
}

struct Base {
    id: String,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    energy_kwh: f64,
    duration_s: u64,
    cost: Option<f64>,
    peak_kw: Option<f64>,
    vehicle_id: Option<String>,
    confidence: Option<f64>,
    time_of_use: Option<TimeOfUse>,
    /// The cached whole curve, as points.
    curve: Vec<Point>,
    /// ChargePoint's details had no curve.
    curve_not_kept: bool,
}

/// The whole curve with the dense `samples` in place of the readings they cover (from their
/// first to their last), in time order.
fn merge_curve(whole: Vec<Point>, samples: Vec<Point>) -> Vec<Point> {
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return whole;
    };
    let (from, to) = (first.at, last.at);
    let mut out: Vec<Point> = whole
        .into_iter()
        .filter(|p| p.at < from || p.at > to)
        .chain(samples)
        .collect();
    out.sort_by_key(|p| p.at);
    out
}

fn row(tz: Tz, vehicles: &VehicleConfig, b: Base, file: Option<&SessionFile>) -> SessionRow {
    let mut vehicle_id = b.vehicle_id;
    let mut confidence = b.confidence;
    let mut labeled_by = None;
    let mut samples = Vec::new();
    if let Some(f) = file {
        labeled_by = f.labeled_by.map(|l| match l {
            LabelSource::Classifier => "classifier",
            LabelSource::Manual => "manual",
        });
        if f.labeled_by == Some(LabelSource::Manual) || vehicle_id.is_none() {
            vehicle_id = f.vehicle_id.clone().or(vehicle_id);
            confidence = f.vehicle_confidence.map(|c| c.0).or(confidence);
        }
        samples = f
            .samples
            .iter()
            .map(|s| Point {
                at: s.timestamp.to_utc(),
                power_kw: s.power_kw.map(|p| p.0),
                energy_kwh: s.energy_kwh.map(|e| e.0),
            })
            .collect();
    }
    let vehicle_id = match vehicle_id {
        Some(v) if vehicles.vehicles.contains_key(&v) => v,
        _ => UNKNOWN_VEHICLE.to_owned(),
    };
    let miles = vehicles
        .vehicles
        .get(&vehicle_id)
        .and_then(|v| v.efficiency_mi_per_kwh)
        .map(|eff| b.energy_kwh * eff.0);
    // An open session ends `duration_s` after its start; the limits keep that within range,
    // and the checked sum keeps the build total for any value.
    let end = b.end.unwrap_or_else(|| {
        i64::try_from(b.duration_s)
            .ok()
            .and_then(TimeDelta::try_seconds)
            .and_then(|d| b.start.checked_add_signed(d))
            .unwrap_or(b.start)
    });
    let whole_curve = !b.curve.is_empty();
    let curve = merge_curve(b.curve, samples.clone());
    let local = b.start.with_timezone(&tz);
    let days = split_by_day(tz, b.start, end, b.energy_kwh, &curve, b.peak_kw);
    SessionRow {
        id: b.id,
        start: b.start,
        end: b.end,
        local_start: local.naive_local(),
        zone: local.format("%Z").to_string(),
        energy_kwh: b.energy_kwh,
        duration_s: b.duration_s,
        cost: b.cost,
        peak_kw: b.peak_kw,
        vehicle_id,
        confidence,
        labeled_by,
        miles,
        samples,
        curve,
        whole_curve,
        curve_not_kept: b.curve_not_kept,
        days,
        time_of_use: b.time_of_use,
    }
}

/// Splits `total` kWh delivered between `start` and `end` among the local days it touched.
///
/// The energy curve is the session's own: zero at plug-in, the sampled cumulative readings,
/// then the last sampled power (or the peak power when there are no samples) held until the
/// total is reached — a car charges at a steady rate until full, then idles plugged in. Only
/// when the readings say nothing about power does it fall back to an even spread.
///
/// Returns `(local date, kWh)` in date order.
pub fn split_by_day(
    tz: Tz,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    total: f64,
    samples: &[Point],
    peak_kw: Option<f64>,
) -> Vec<(NaiveDate, f64)> {
    let end = end.max(start);
    let curve = energy_curve(start, end, total, samples, peak_kw);
    let mut days = Vec::new();
    let mut day = start.with_timezone(&tz).date_naive();
    let mut from = start;
    let mut before = 0.0;
    loop {
        let next_midnight = local_day_start(tz, day.succ_opt().unwrap_or(day));
        if next_midnight >= end || next_midnight <= from {
            days.push((day, total - before));
            break;
        }
        let at = interpolate(&curve, next_midnight);
        days.push((day, at - before));
        before = at;
        from = next_midnight;
        day = day.succ_opt().unwrap_or(day);
    }
    days.retain(|(_, e)| *e > 1e-9 || total <= 0.0);
    if days.is_empty() {
        days.push((start.with_timezone(&tz).date_naive(), total));
    }
    days
}

fn energy_curve(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    total: f64,
    samples: &[Point],
    peak_kw: Option<f64>,
) -> Vec<(DateTime<Utc>, f64)> {
    let mut curve = vec![(start, 0.0)];
    let mut rate = peak_kw.filter(|p| *p > 0.0);
    for s in samples {
        if let (Some(e), true) = (s.energy_kwh, s.at > curve[curve.len() - 1].0 && s.at < end) {
            let e = e.min(total).max(curve[curve.len() - 1].1);
            curve.push((s.at, e));
        }
        if let Some(p) = s.power_kw.filter(|p| *p > 0.0) {
            rate = Some(p);
        }
    }
    let (last_at, last_e) = curve[curve.len() - 1];
    let remaining = total - last_e;
    if let Some(kw) = rate.filter(|_| remaining > 0.0) {
        let ms = remaining / kw * 3_600_000.0;
        // `as` saturates; the checked steps refuse what chrono cannot hold
        let full = (ms.is_finite() && ms < i64::MAX as f64)
            .then(|| TimeDelta::try_milliseconds(ms as i64))
            .flatten()
            .and_then(|d| last_at.checked_add_signed(d));
        if let Some(full) = full.filter(|f| *f < end) {
            curve.push((full, total));
        }
    }
    curve.push((end, total));
    curve
}

fn interpolate(curve: &[(DateTime<Utc>, f64)], at: DateTime<Utc>) -> f64 {
    let mut prev = curve[0];
    for &(t, e) in curve {
        if t >= at {
            let span = (t - prev.0).num_milliseconds() as f64;
            if span <= 0.0 {
                return e;
            }
            let part = (at - prev.0).num_milliseconds() as f64 / span;
            return prev.1 + (e - prev.1) * part;
        }
        prev = (t, e);
    }
    prev.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    const LA: Tz = chrono_tz::America::Los_Angeles;

    #[test]
    fn a_session_across_midnight_is_split_at_its_charging_rate_not_evenly() {
        // 22:00 PST plug-in, 10 kW, 30 kWh: full at 01:00, unplugged at 07:00.
        let start = utc("2026-01-10T06:00:00+00:00");
        let end = utc("2026-01-10T15:00:00+00:00");
        let samples = vec![Point {
            at: utc("2026-01-10T06:05:00+00:00"),
            power_kw: Some(10.0),
            energy_kwh: Some(10.0 * 5.0 / 60.0),
        }];
        let days = split_by_day(LA, start, end, 30.0, &samples, Some(11.0));
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].0, d("2026-01-09"));
        assert!((days[0].1 - 20.0).abs() < 1e-6, "{days:?}");
        assert!((days[1].1 - 10.0).abs() < 1e-6, "{days:?}");
    }

    #[test]
    fn the_day_boundary_follows_dst_on_a_25_hour_day() {
        // 2026-11-01 is 25 hours long in Los Angeles; midnight after it is 08:00 UTC on 11-02.
        let start = utc("2026-11-02T06:00:00+00:00"); // 22:00 PST on 11-01
        let end = utc("2026-11-02T10:00:00+00:00");
        let days = split_by_day(LA, start, end, 4.0, &[], Some(1.0));
        assert_eq!(days, vec![(d("2026-11-01"), 2.0), (d("2026-11-02"), 2.0)]);
    }

    #[test]
    fn the_day_boundary_follows_dst_on_a_23_hour_day() {
        // 2026-03-08 is 23 hours long; 23:00 PDT that day is 06:00 UTC on 03-09.
        let start = utc("2026-03-09T06:00:00+00:00");
        let end = utc("2026-03-09T09:00:00+00:00");
        let days = split_by_day(LA, start, end, 3.0, &[], Some(1.0));
        assert_eq!(days, vec![(d("2026-03-08"), 1.0), (d("2026-03-09"), 2.0)]);
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_at_one() {
        // Chile skips 00:00-01:00 on 2026-09-06: 23:00 -04:00 on 09-05 to 03:00 -03:00 on
        // 09-06 is three hours, one before the day starts at 01:00 -03:00 (04:00 UTC).
        let tz = chrono_tz::America::Santiago;
        let start = utc("2026-09-06T03:00:00+00:00");
        let end = utc("2026-09-06T06:00:00+00:00");
        let days = split_by_day(tz, start, end, 3.0, &[], Some(1.0));
        assert_eq!(days, vec![(d("2026-09-05"), 1.0), (d("2026-09-06"), 2.0)]);
    }

    #[test]
    fn a_session_within_one_day_stays_whole() {
        let start = utc("2026-01-10T18:00:00+00:00");
        let days = split_by_day(LA, start, start + TimeDelta::hours(2), 7.5, &[], None);
        assert_eq!(days, vec![(d("2026-01-10"), 7.5)]);
    }

    fn pt(at: &str, kw: f64, kwh: f64) -> Point {
        Point {
            at: utc(at),
            power_kw: Some(kw),
            energy_kwh: Some(kwh),
        }
    }

    /// The dense first-minutes samples replace the whole curve's readings they cover; the
    /// curve's readings before and after them stay.
    #[test]
    fn the_samples_take_the_place_of_the_curve_readings_they_cover() {
        let whole = vec![
            pt("2026-01-10T06:00:00Z", 0.0, 0.0),
            pt("2026-01-10T06:00:08Z", 2.0, 0.0),
            pt("2026-01-10T06:01:35Z", 9.0, 0.2),
            pt("2026-01-10T06:10:00Z", 9.0, 1.4),
            pt("2026-01-10T07:00:00Z", 0.0, 8.0),
        ];
        let samples = vec![
            pt("2026-01-10T06:00:20Z", 8.6, 0.02),
            pt("2026-01-10T06:00:30Z", 8.7, 0.04),
            pt("2026-01-10T06:05:00Z", 9.1, 0.7),
        ];
        let merged = merge_curve(whole.clone(), samples.clone());
        let at: Vec<String> = merged
            .iter()
            .map(|p| p.at.format("%M:%S").to_string())
            .collect();
        assert_eq!(
            at,
            [
                "00:00", "00:08", "00:20", "00:30", "05:00", "10:00", "00:00"
            ]
        );
        assert_eq!(merge_curve(whole.clone(), Vec::new()), whole);
        assert_eq!(merge_curve(Vec::new(), samples.clone()), samples);
    }

    /// With the whole curve, a session across midnight is split as it really charged: here
    /// slowly before midnight and fast after, which the held last sample would get wrong.
    #[test]
    fn the_whole_curve_splits_a_session_across_midnight() {
        // 23:00 PST plug-in; 1 kWh by midnight, 9 kWh more by 01:00
        let curve = vec![
            pt("2026-01-10T07:00:00Z", 1.0, 0.0),
            pt("2026-01-10T08:00:00Z", 9.0, 1.0),
            pt("2026-01-10T09:00:00Z", 0.0, 10.0),
        ];
        let start = utc("2026-01-10T07:00:00Z");
        let end = utc("2026-01-10T10:00:00Z");
        let days = split_by_day(LA, start, end, 10.0, &curve, Some(9.0));
        assert_eq!(days.len(), 2, "{days:?}");
        assert!((days[0].1 - 1.0).abs() < 1e-6, "{days:?}");
        assert!((days[1].1 - 9.0).abs() < 1e-6, "{days:?}");
    }
}
