//! One demo session as the pipeline would have recorded it: the power curve, its session file
//! with 30 samples, the classifier's label and its monthly cache entry.

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};

use super::derived;
use super::household::{Household, INTERVAL_S, Outcome, SAMPLES, display, secs};
use super::profiles::{Curve, Profile};
use super::round;
use crate::store::layout::Month;
use crate::store::records::{CacheEntry, TimeOfUse};
use crate::store::records::{LabelSource, Sample, SessionFile, UNKNOWN_VEHICLE};
use crate::store::values::{Confidence, NonNeg, SessionId, Timestamp};
use crate::tariff::Tariff;
use crate::tariff::split::{Reading, SplitInput, split};

impl Household<'_> {
    /// Plays one session: plug-in at `start`, charge up to `want_kwh` (less if `cut` ends the
    /// session first), stay plugged `linger_s` after charging. Writes its file and cache entry.
    pub(super) fn session(
        &mut self,
        day: NaiveDate,
        start: DateTime<Utc>,
        car: &'static Profile,
        want_kwh: f64,
        cut: Option<DateTime<Utc>>,
        linger_s: f64,
    ) -> Option<Outcome> {
        let rng = &mut self.rng;
        let steady = rng.normal(car.steady_kw, car.steady_sd_kw);
        let ramp = rng.range(car.ramp_s.0, car.ramp_s.1);
        let full_curve =
            Curve::for_energy(steady, ramp, want_kwh, want_kwh < car.battery_kwh * 0.9);
        let (curve, end, left) = match cut {
            Some(stop) if start + secs(full_curve.charge_s) > stop => {
                // The schedule ends the session before the car is full.
                let cut_s = (stop - start).num_seconds() as f64;
                let delivered = full_curve.energy(cut_s);
                let curve = Curve {
                    charge_s: cut_s,
                    taper_s: 0.0,
                    ..full_curve
                };
                (curve, stop, want_kwh - delivered)
            }
            Some(stop) => (full_curve, stop, 0.0),
            None => {
                let end = start + secs(full_curve.charge_s + linger_s);
                (full_curve, end, 0.0)
            }
        };
        self.next_session_id += self.rng.int(2_500_000, 4_000_000) as u64;
        let id = SessionId::from_number(self.next_session_id);
        let file = self.sample(&id, start, car, &curve);
        let local_day = self.params.clock.local_date(start);
        debug_assert_eq!(local_day, day);
        self.cache(&file, start, end, car, &curve);
        self.sessions.push((local_day, file));
        self.busy_until = Some(end);
        Some(Outcome {
            left_kwh: left,
            car,
        })
    }

    /// The collector's view: 30 readings 10 s apart from the first seconds of the session.
    fn sample(
        &mut self,
        id: &SessionId,
        start: DateTime<Utc>,
        car: &Profile,
        curve: &Curve,
    ) -> SessionFile {
        let clock = self.params.clock;
        let rng = &mut self.rng;
        let collection_start = start + Duration::seconds(rng.int(1, 25));
        let mut t = 20.0 + rng.range(0.0, 0.4);
        let mut samples = Vec::new();
        let mut valid = 0;
        for n in 1..=SAMPLES {
            let at = collection_start + secs(t);
            let since_start = (at - start).num_milliseconds() as f64 / 1000.0;
            let failed = rng.chance(0.01);
            let power = (!failed).then(|| NonNeg(round(curve.reading(car, since_start, rng), 4)));
            let energy = (!failed).then(|| NonNeg(round(curve.energy(since_start), 4)));
            valid += u32::from(!failed);
            let whole = at.with_nanosecond(0).unwrap_or(at);
            samples.push(Sample {
                sample_number: n,
                timestamp: Timestamp::utc(whole),
                timestamp_pt: display(&clock, whole),
                session_id: id.clone(),
                power_kw: power,
                energy_kwh: energy,
                duration_minutes: None,
                status: None,
                extra: Default::default(),
            });
            t += f64::from(INTERVAL_S) + rng.range(0.2, 0.5);
        }
        let total = t - f64::from(INTERVAL_S) + rng.range(0.5, 1.5);
        let collection_end = collection_start + secs(total);
        let (vehicle_id, confidence, labeled_by, labeled_at) =
            self.label(car, curve, collection_end);
        SessionFile {
            session_id: id.clone(),
            collection_start: Timestamp::utc(collection_start),
            collection_end: Timestamp::utc(
                collection_end.with_nanosecond(0).unwrap_or(collection_end),
            ),
            duration_seconds: NonNeg(round(total, 6)),
            sample_count: SAMPLES,
            valid_sample_count: valid,
            interval_seconds: INTERVAL_S,
            amperage_limit_amps: Some(u64::from(super::profiles::AMPERAGE_LIMIT_A)),
            vehicle_id: Some(vehicle_id),
            vehicle_confidence: Some(Confidence(confidence)),
            labeled_by: Some(labeled_by),
            labeled_at: Some(labeled_at),
            samples,
            extra: Default::default(),
        }
    }

    /// What the classifier (or, now and then, the owner) said about the session.
    fn label(
        &mut self,
        car: &Profile,
        curve: &Curve,
        collected: DateTime<Utc>,
    ) -> (String, f64, LabelSource, Timestamp) {
        let rng = &mut self.rng;
        let collected = collected.with_nanosecond(0).unwrap_or(collected);
        let at = |s: i64| Timestamp::utc(collected + Duration::seconds(s));
        match car.vehicle_id {
            None => (
                UNKNOWN_VEHICLE.to_owned(),
                round(rng.range(0.3, 0.6), 2),
                LabelSource::Classifier,
                at(rng.int(20, 50)),
            ),
            Some(id) if rng.chance(0.05) => (
                id.to_owned(),
                1.0,
                LabelSource::Manual,
                at(rng.int(3_600, 200_000)),
            ),
            Some(id) => {
                // short top-ups give the classifier less to go on
                let (lo, hi) = if curve.charge_s < 2400.0 {
                    (0.62, 0.85)
                } else {
                    (0.82, 0.99)
                };
                (
                    id.to_owned(),
                    round(rng.range(lo, hi), 2),
                    LabelSource::Classifier,
                    at(rng.int(20, 50)),
                )
            }
        }
    }

    fn cache(
        &mut self,
        file: &SessionFile,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        car: &Profile,
        curve: &Curve,
    ) {
        let vehicle = car.vehicle_id.and_then(|id| self.config.vehicles.get(id));
        let hour = self.params.clock.local(start).0.hour();
        let mut entry = derived::cache_entry(file, (start, end), hour, vehicle, curve);
        if let Some(tariff) = &self.params.tariff {
            entry.time_of_use = time_of_use(tariff, &self.params.clock, &entry, start, curve);
        }
        let month = Month::of(self.params.clock.local_date(start));
        self.caches.entry(month).or_default().push(entry);
    }
}

/// Seconds between the `update_data`-like points of a demo curve.
const CURVE_STEP_S: f64 = 300.0;

/// The split of a demo session by `tariff`'s periods: its whole curve as cumulative energy
/// every [`CURVE_STEP_S`] and at the end of charging.
fn time_of_use(
    tariff: &Tariff,
    clock: &crate::clock::Clock,
    entry: &CacheEntry,
    start: DateTime<Utc>,
    curve: &Curve,
) -> Option<TimeOfUse> {
    let mut update_data = Vec::new();
    let mut t = CURVE_STEP_S;
    loop {
        let at_s = t.min(curve.charge_s);
        update_data.push(Reading {
            at: start + secs(at_s),
            energy_kwh: Some(round(curve.energy(at_s), 4)),
            power_kw: Some(round(curve.power(at_s), 3)),
        });
        if t >= curve.charge_s {
            break;
        }
        t += CURVE_STEP_S;
    }
    let input = SplitInput {
        start,
        end: entry.session_end_time.map(|e| e.to_utc()),
        total_kwh: entry.session.energy_kwh.0,
        update_data,
        samples: Vec::new(),
        peak_kw: entry.session.peak_power_kw.map(|p| p.0),
    };
    split(tariff, clock.tz(), &input).map(|s| s.to_record(tariff))
}
