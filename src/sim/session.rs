//! Charging sessions: the cars, one session's power curve, and the `charging_status` and
//! activity-list shapes of the real API.
//!
//! Everything about a session (steady power, ramp, noise) comes from the sim's seed and the
//! session id, so a session answers the same way however often and in whatever order it is
//! asked for, and `update_data` only grows as sim time passes.

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::{CHARGER_ID, PRIMARY_VEHICLE_ID, bodies, mix};
use crate::api::models::{PrimaryVehicleInfo, SessionDetails, UpdatePoint};
use crate::demo::profiles::{Curve, EQUINOX, GUEST, Profile, XC40};
use crate::demo::rng::Rng;

/// Estimated energy price of a home session, USD per kWh (`total_amount`).
const PRICE_PER_KWH: f64 = 0.12;
/// Miles per kWh the API credits: `ev_range / battery_capacity` of the primary vehicle.
const MILES_PER_KWH: f64 = 200.0 / 78.0;
/// Volts behind the amperage limit: the steady power is capped at `amps * VOLTS`.
const VOLTS: f64 = 240.0;

/// A car that can be plugged into the sim's charger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Car {
    /// Chevrolet Equinox EV (account vehicle 700000002).
    Equinox,
    /// Volvo XC40 Recharge (account vehicle 700000001, the primary one).
    Xc40,
    /// A visiting car the account does not know.
    Guest,
}

impl Car {
    /// Every car.
    pub(crate) const ALL: [Car; 3] = [Car::Equinox, Car::Xc40, Car::Guest];

    /// The name used by `POST /_sim/plug` and `GET /_sim/state`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::Equinox => "serenity_equinox_2024",
            Self::Xc40 => "volvo_xc40_2021",
            Self::Guest => "guest",
        }
    }

    /// The car named `key`.
    pub(crate) fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }

    /// How it draws power.
    pub(crate) fn profile(self) -> &'static Profile {
        match self {
            Self::Equinox => &EQUINOX,
            Self::Xc40 => &XC40,
            Self::Guest => &GUEST,
        }
    }
}

/// One session on the home charger.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// Session id.
    pub(crate) id: u64,
    /// The car that charged.
    pub(crate) car: Car,
    /// Start, whole seconds.
    pub(crate) start: DateTime<Utc>,
    /// End (stop, schedule end, unplug), whole seconds; `None` while in progress.
    pub(crate) end: Option<DateTime<Utc>>,
    /// Power over time since `start`, until the first amperage limit change (if any).
    pub(crate) curve: Curve,
    /// The power the car draws when the charger does not hold it back, kW.
    want_kw: f64,
    /// The curves after each amperage limit change during the session, in time order.
    legs: Vec<Leg>,
    noise_seed: u64,
    api_flag: bool,
    /// It ran at the workplace station, not at the home charger.
    pub(crate) away: bool,
}

/// The rest of a session after an amperage limit change: a new curve from `from_s` seconds
/// after the start, at the new limit's power, for the energy the car still takes.
#[derive(Debug, Clone)]
struct Leg {
    /// Seconds after the session's start.
    from_s: f64,
    /// Energy delivered before it, kWh.
    energy_before: f64,
    /// Power over time since `from_s` (no ramp: the car is already drawing).
    curve: Curve,
}

/// One `update_data` point.
struct Point {
    /// Seconds after the start.
    t: i64,
    energy_kwh: f64,
    power_kw: f64,
    /// When the server wrote it (one of a finished session's last three points).
    update_date: Option<DateTime<Utc>>,
}

impl Session {
    /// A session of `car` starting at `start` for a car that wants `need_kwh`, with the
    /// charger limited to `amps`.
    pub(crate) fn new(
        seed: u64,
        id: u64,
        car: Car,
        start: DateTime<Utc>,
        need_kwh: f64,
        amps: u32,
    ) -> Self {
        let p = car.profile();
        let mut rng = Rng::new(mix(seed, id));
        let want_kw = (p.steady_kw + rng.normal(0.0, p.steady_sd_kw)).max(1.0);
        let steady = capped(want_kw, amps);
        let ramp = rng.range(p.ramp_s.0, p.ramp_s.1);
        Self {
            id,
            car,
            start: whole_seconds(start),
            end: None,
            curve: Curve::for_energy(steady, ramp, need_kwh.max(0.0003), true),
            want_kw,
            legs: Vec::new(),
            noise_seed: mix(seed ^ 0x5e55_1011, id),
            api_flag: rng.chance(0.12),
            away: false,
        }
    }

    /// Seconds of the session up to `now` (or its end).
    pub(crate) fn elapsed_s(&self, now: DateTime<Utc>) -> i64 {
        let until = self.end.map_or(now, |e| e.min(now));
        (until - self.start).num_seconds().max(0)
    }

    /// The curve in force `t` seconds after the start: its offset and the energy before it.
    /// A leg takes over just after its change (at the change itself the old power holds).
    fn leg(&self, t: f64) -> (f64, f64, &Curve) {
        self.legs
            .iter()
            .rev()
            .find(|l| l.from_s < t)
            .map_or((0.0, 0.0, &self.curve), |l| {
                (l.from_s, l.energy_before, &l.curve)
            })
    }

    /// Noise-free power `t` seconds after the start, kW.
    fn power_at(&self, t: f64) -> f64 {
        let (from, _, curve) = self.leg(t);
        curve.power(t - from)
    }

    /// Energy delivered `t` seconds after the start, kWh.
    fn energy_at(&self, t: f64) -> f64 {
        let (from, before, curve) = self.leg(t);
        before + curve.energy(t - from)
    }

    /// Seconds from the start until the car is full.
    pub(crate) fn charge_s(&self) -> f64 {
        let (from, _, curve) = self.leg(f64::INFINITY);
        from + curve.charge_s
    }

    /// Energy delivered up to `now`, kWh.
    pub(crate) fn energy(&self, now: DateTime<Utc>) -> f64 {
        self.energy_at(self.elapsed_s(now) as f64)
    }

    /// Whether energy flows at `now`.
    pub(crate) fn is_charging(&self, now: DateTime<Utc>) -> bool {
        self.end.is_none_or(|e| now < e)
            && self.power_at((now - self.start).num_milliseconds() as f64 / 1000.0) > 0.0
    }

    /// A new amperage limit at `at`: from then on the car draws at most `amps` × 240 V (its
    /// own power when that is less), for the energy it still takes. Nothing changes for a
    /// session that has ended or a car that is full.
    pub(crate) fn limit(&mut self, amps: u32, at: DateTime<Utc>) {
        if self.end.is_some() {
            return;
        }
        let t = (whole_seconds(at) - self.start).num_seconds().max(0) as f64;
        let total = self.energy_at(f64::INFINITY);
        let before = self.energy_at(t);
        let left = total - before;
        if t >= self.charge_s() || left <= 1e-6 {
            return;
        }
        self.legs.retain(|l| l.from_s < t);
        self.legs.push(Leg {
            from_s: t,
            energy_before: before,
            curve: Curve::for_energy(capped(self.want_kw, amps), NO_RAMP_S, left, true),
        });
    }

    /// Ends the session at `at`.
    pub(crate) fn finish(&mut self, at: DateTime<Utc>) {
        self.end = Some(whole_seconds(at).max(self.start));
    }

    fn reading(&self, t: i64) -> f64 {
        if t <= 0 {
            return 0.0;
        }
        let mut rng = Rng::new(mix(self.noise_seed, t as u64));
        let (from, _, curve) = self.leg(t as f64);
        round(
            curve.reading(self.car.profile(), t as f64 - from, &mut rng),
            4,
        )
    }

    fn point(&self, t: i64) -> Point {
        Point {
            t,
            energy_kwh: round(self.energy_at(t as f64), 6),
            power_kw: self.reading(t),
            update_date: None,
        }
    }

    /// The server-thinned points up to `now`: 0 s, ~8 s, ~23 s, ~95 s, then every 10 min (30
    /// after 6 h, 60 after 12 h), the moment the car is full, and the last point at "now";
    /// a finished session ends with its final point three times, as the real ones do.
    fn points(&self, now: DateTime<Utc>) -> Vec<Point> {
        let last = self.elapsed_s(now);
        let mut ts: Vec<i64> = [0, 8, 23, 95].into_iter().filter(|t| *t < last).collect();
        let mut t = 600;
        while t < last {
            ts.push(t);
            t += match t {
                ..21_600 => 600,
                21_600..43_200 => 1800,
                _ => 3600,
            };
        }
        let full = self.charge_s().floor() as i64;
        if full < last {
            ts.extend([full, full + 30].into_iter().filter(|t| *t < last));
        }
        ts.sort_unstable();
        ts.dedup();
        let mut points: Vec<Point> = ts.into_iter().map(|t| self.point(t)).collect();
        match self.end {
            None => points.push(self.point(last)),
            Some(end) => {
                let final_point = |update_date| Point {
                    power_kw: 0.0,
                    update_date,
                    ..self.point(last)
                };
                let written =
                    end + Duration::milliseconds(20_000 + (self.noise_seed % 20_000) as i64);
                points.push(final_point(None));
                points.push(final_point(Some(written)));
                points.push(final_point(None));
            }
        }
        points
    }

    /// The `charging_status` object of the session-details answer at `now`.
    pub(crate) fn charging_status(&self, now: DateTime<Utc>, tz: Tz) -> SessionDetails {
        let points = self.points(now);
        let (energy, power, last_t) = points
            .last()
            .map_or((0.0, 0.0, 0), |p| (p.energy_kwh, p.power_kw, p.t));
        let update_data = points
            .iter()
            .map(|p| UpdatePoint {
                energy_kwh: p.energy_kwh,
                power_kw: p.power_kw,
                update_date: p.update_date,
                timestamp: self.start + Duration::seconds(p.t),
            })
            .collect();
        self.placed(SessionDetails {
            vehicle_info: Some(primary_vehicle_info()),
            has_utility_info: Some(true),
            address1: Some("Home Charger".into()),
            update_data,
            ..self.common(energy, power, last_t, tz)
        })
    }

    /// `d` as the station the session ran at writes it.
    fn placed(&self, d: SessionDetails) -> SessionDetails {
        if self.away { at_workplace(d) } else { d }
    }

    /// The item of the monthly activity list (finished sessions).
    pub(crate) fn list_item(&self, tz: Tz) -> SessionDetails {
        let last = self.elapsed_s(self.end.unwrap_or(self.start));
        let energy = round(self.energy_at(last as f64), 6);
        self.placed(SessionDetails {
            vehicle_id: Some(PRIMARY_VEHICLE_ID),
            session_id_string: Some(self.id.to_string()),
            is_mfhs_enabled: Some(false),
            address1: Some("123 Example St".into()),
            ..self.common(energy, 0.0, last, tz)
        })
    }

    /// `total_amount` for `energy_kwh`, USD.
    pub(crate) fn amount(energy_kwh: f64) -> f64 {
        round(energy_kwh * PRICE_PER_KWH, 2)
    }

    /// `miles_added` for `energy_kwh`.
    pub(crate) fn miles(energy_kwh: f64) -> f64 {
        energy_kwh * MILES_PER_KWH
    }

    /// The fields shared by the details answer and the list item.
    fn common(&self, energy: f64, power: f64, last_t: i64, tz: Tz) -> SessionDetails {
        let c = &self.curve;
        // energy flows from about 0.1 kW on the ramp until the car is full or the session ends
        let on = c.ramp_s * 0.1 / c.steady_kw;
        let charging_s = (self.charge_s().min(last_t as f64) - on).max(0.0).round();
        let offset = tz
            .offset_from_utc_datetime(&self.start.naive_utc())
            .fix()
            .local_minus_utc();
        let text = |s: &str| Some(s.to_owned());
        let billed = |end: DateTime<Utc>| {
            end + Duration::milliseconds(1000 + (self.noise_seed % 5000) as i64 / 1000 * 1000)
        };
        SessionDetails {
            country: text("United States"),
            city: text("Springfield"),
            purpose: text("PERSONAL"),
            power_kw_display: Some(format!("{power:.2}")),
            is_purpose_finalized: Some(true),
            update_period: Some(8000),
            utility: Some(bodies::utility()),
            lon: Some(-118.0),
            power_kw: Some(power),
            session_time: Some((last_t * 1000) as f64),
            has_charging_receipt: Some(false),
            payment_completed: Some(true),
            energy_kwh: Some(energy),
            total_amount_to_user: Some(0.0),
            device_name: text("CP HOME / 000000000001"),
            api_flag: Some(self.api_flag),
            outlet_number: Some(1),
            state_name: text("California"),
            organization_currency: text("USD"),
            pricing_spec_id: Some(0),
            currency_iso_code: text("USD"),
            current_charging: text(if self.end.is_none() { "in_use" } else { "done" }),
            lat: Some(34.0),
            port_level: Some(2),
            charging_time: Some((charging_s as i64 * 1000) as f64),
            device_id: Some(CHARGER_ID),
            company_id: Some(12967),
            is_home_charger: Some(true),
            end_time: self.end,
            energy_kwh_display: Some(format!("{energy:.4}")),
            session_id: Some(self.id),
            zipcode: text("90000"),
            last_update_data_timestamp: Some(self.start + Duration::seconds(last_t)),
            start_time: Some(self.start),
            payment_type: text("none"),
            total_amount: Some(Self::amount(energy)),
            billing_time: self.end.map(billed),
            company_name: text("CP Home"),
            start_offset: Some(offset),
            miles_added: Some(Self::miles(energy)),
            stop_charge_supported: Some(true),
            ..SessionDetails::default()
        }
    }
}

/// `vehicle_info` of every session answer: always the account's primary vehicle.
pub(crate) fn primary_vehicle_info() -> PrimaryVehicleInfo {
    PrimaryVehicleInfo {
        year: 2021,
        ev_range: 200,
        is_primary_vehicle: true,
        model: "XC40 Recharge".into(),
        battery_capacity: 78.0,
        vehicle_id: PRIMARY_VEHICLE_ID,
        make: "Volvo".into(),
    }
}

/// The ramp of a leg after a limit change, seconds: none to speak of (the car already draws;
/// a zero would divide by zero in the curve's energy).
const NO_RAMP_S: f64 = 0.001;

/// The power a car that wants `want_kw` draws under a limit of `amps` (at 240 V), kW.
fn capped(want_kw: f64, amps: u32) -> f64 {
    want_kw.min(f64::from(amps) * VOLTS / 1000.0)
}

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// `x` rounded to `places` decimals.
pub(crate) fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// The workplace station's device id (not the account's home charger).
pub(crate) const WORKPLACE_ID: u64 = 100_000_777;

/// A session's answer as the workplace station writes it: its device and company, outlet 2,
/// free, and without `is_home_charger`, `pricing_spec_id` and `has_utility_info` (as in
/// python-chargepoint#2).
pub(crate) fn at_workplace(d: SessionDetails) -> SessionDetails {
    let text = |s: &str| Some(s.to_owned());
    SessionDetails {
        city: text("Cupertino"),
        lat: Some(37.3),
        lon: Some(-122.0),
        device_name: text("EXAMPLE CORP / RW06 6"),
        outlet_number: Some(2),
        pricing_spec_id: None,
        device_id: Some(WORKPLACE_ID),
        company_id: Some(500_000_009),
        company_name: text("EXAMPLE CORP"),
        is_home_charger: None,
        has_utility_info: None,
        is_mfhs_enabled: None,
        address1: text("1 Example Way"),
        zipcode: text("95000"),
        payment_type: text("free"),
        total_amount: Some(0.0),
        ..d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_lower_limit_caps_the_power_from_then_on_and_the_car_still_gets_its_energy() {
        let start = utc("2026-01-09T18:00:00Z");
        let mut s = Session::new(42, 1, Car::Equinox, start, 30.0, 40);
        let before = s.power_at(1200.0);
        assert!(
            before > 8.0,
            "the Equinox draws about 9 kW at 40 A: {before}"
        );
        s.limit(20, start + Duration::seconds(1800));
        assert_eq!(
            s.power_at(1800.0),
            before,
            "the change itself keeps the old power"
        );
        let after = s.power_at(1801.0);
        assert!((after - 4.8).abs() < 1e-9, "20 A x 240 V = 4.8 kW: {after}");
        assert!((s.energy_at(1800.0) - s.energy_at(1799.0)) > 0.0);
        assert!((s.energy_at(f64::INFINITY) - 30.0).abs() < 1e-6);
        assert!(s.charge_s() > Session::new(42, 1, Car::Equinox, start, 30.0, 40).charge_s());
        // raising it again lets the car draw its own power, never more
        s.limit(40, start + Duration::seconds(3600));
        assert_eq!(s.power_at(3700.0), before);
        let full = s.charge_s();
        s.finish(start + Duration::seconds(full as i64 + 10));
        s.limit(20, start + Duration::seconds(full as i64 + 20));
        assert_eq!(s.charge_s(), full, "an ended session is left as it was");
    }
}
