//! Charging sessions: the cars, one session's power curve, and the `charging_status` and
//! activity-list shapes of the real API.
//!
//! Everything about a session (steady power, ramp, noise) comes from the sim's seed and the
//! session id, so a session answers the same way however often and in whatever order it is
//! asked for, and `update_data` only grows as sim time passes.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::{CHARGER_ID, PRIMARY_VEHICLE_ID, mix};
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
    /// Power over time since `start`.
    pub(crate) curve: Curve,
    noise_seed: u64,
    api_flag: bool,
}

/// One `update_data` point.
struct Point {
    /// Seconds after the start.
    t: i64,
    energy_kwh: f64,
    power_kw: f64,
    update_date: Option<i64>,
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
        let steady = (p.steady_kw + rng.normal(0.0, p.steady_sd_kw))
            .min(f64::from(amps) * VOLTS / 1000.0)
            .max(1.0);
        let ramp = rng.range(p.ramp_s.0, p.ramp_s.1);
        Self {
            id,
            car,
            start: whole_seconds(start),
            end: None,
            curve: Curve::for_energy(steady, ramp, need_kwh.max(0.0003), true),
            noise_seed: mix(seed ^ 0x5e55_1011, id),
            api_flag: rng.chance(0.12),
        }
    }

    /// Seconds of the session up to `now` (or its end).
    pub(crate) fn elapsed_s(&self, now: DateTime<Utc>) -> i64 {
        let until = self.end.map_or(now, |e| e.min(now));
        (until - self.start).num_seconds().max(0)
    }

    /// Energy delivered up to `now`, kWh.
    pub(crate) fn energy(&self, now: DateTime<Utc>) -> f64 {
        self.curve.energy(self.elapsed_s(now) as f64)
    }

    /// Whether energy flows at `now`.
    pub(crate) fn is_charging(&self, now: DateTime<Utc>) -> bool {
        self.end.is_none_or(|e| now < e)
            && self
                .curve
                .power((now - self.start).num_milliseconds() as f64 / 1000.0)
                > 0.0
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
        round(
            self.curve.reading(self.car.profile(), t as f64, &mut rng),
            4,
        )
    }

    fn point(&self, t: i64) -> Point {
        Point {
            t,
            energy_kwh: round(self.curve.energy(t as f64), 6),
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
        let full = self.curve.charge_s.floor() as i64;
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
                let written = end.timestamp_millis() + 20_000 + (self.noise_seed % 20_000) as i64;
                points.push(final_point(None));
                points.push(final_point(Some(written)));
                points.push(final_point(None));
            }
        }
        points
    }

    /// The `charging_status` object of the session-details answer at `now`.
    pub(crate) fn charging_status(&self, now: DateTime<Utc>, tz: Tz) -> Value {
        let points = self.points(now);
        let (energy, power, last_t) = points
            .last()
            .map_or((0.0, 0.0, 0), |p| (p.energy_kwh, p.power_kw, p.t));
        let mut m = self.common(energy, power, last_t, tz);
        m.insert("vehicle_info".into(), primary_vehicle_info());
        m.insert("has_utility_info".into(), json!(true));
        m.insert("address1".into(), json!("Home Charger"));
        let update_data: Vec<Value> = points
            .iter()
            .map(|p| {
                let mut v = json!({
                    "energy_kwh": p.energy_kwh,
                    "power_kw": p.power_kw,
                    "timestamp": self.start.timestamp_millis() + p.t * 1000,
                });
                if let (Some(d), Some(o)) = (p.update_date, v.as_object_mut()) {
                    o.insert("update_date".into(), json!(d));
                }
                v
            })
            .collect();
        m.insert("update_data".into(), Value::Array(update_data));
        Value::Object(m)
    }

    /// The item of the monthly activity list (finished sessions).
    pub(crate) fn list_item(&self, tz: Tz) -> Value {
        let last = self.elapsed_s(self.end.unwrap_or(self.start));
        let energy = round(self.curve.energy(last as f64), 6);
        let mut m = self.common(energy, 0.0, last, tz);
        m.insert("vehicle_id".into(), json!(PRIMARY_VEHICLE_ID));
        m.insert("session_id_string".into(), json!(self.id.to_string()));
        m.insert("is_mfhs_enabled".into(), json!(false));
        m.insert("address1".into(), json!("123 Example St"));
        Value::Object(m)
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
    fn common(&self, energy: f64, power: f64, last_t: i64, tz: Tz) -> Map<String, Value> {
        let start_ms = self.start.timestamp_millis();
        let c = &self.curve;
        // energy flows from about 0.1 kW on the ramp until the car is full or the session ends
        let on = c.ramp_s * 0.1 / c.steady_kw;
        let charging_s = (c.charge_s.min(last_t as f64) - on).max(0.0).round();
        let offset = tz
            .offset_from_utc_datetime(&self.start.naive_utc())
            .fix()
            .local_minus_utc();
        let in_use = self.end.is_none();
        let mut m = match json!({
            "country": "United States", "city": "Springfield", "purpose": "PERSONAL",
            "power_kw_display": format!("{power:.2}"), "is_purpose_finalized": true,
            "update_period": 8000, "utility": utility(), "lon": -118.0, "power_kw": power,
            "session_time": last_t * 1000, "has_charging_receipt": false,
            "payment_completed": true, "energy_kwh": energy, "total_amount_to_user": 0.0,
            "device_name": "CP HOME / 000000000001", "api_flag": self.api_flag,
            "outlet_number": 1, "state_name": "California", "organization_currency": "USD",
            "pricing_spec_id": 0, "currency_iso_code": "USD",
            "current_charging": if in_use { "in_use" } else { "done" }, "lat": 34.0,
            "port_level": 2, "charging_time": charging_s as i64 * 1000, "device_id": CHARGER_ID,
            "company_id": 12967, "is_home_charger": true,
            "energy_kwh_display": format!("{energy:.4}"), "session_id": self.id,
            "zipcode": "90000", "last_update_data_timestamp": start_ms + last_t * 1000,
            "start_time": start_ms, "payment_type": "none",
            "total_amount": Self::amount(energy), "company_name": "CP Home",
            "start_offset": offset, "miles_added": Self::miles(energy),
            "stop_charge_supported": true,
        }) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        if let Some(end) = self.end {
            m.insert("end_time".into(), json!(end.timestamp_millis()));
            let billed =
                end.timestamp_millis() + 1000 + (self.noise_seed % 5000) as i64 / 1000 * 1000;
            m.insert("billing_time".into(), json!(billed));
        }
        m
    }
}

/// `vehicle_info` of every session answer: always the account's primary vehicle.
pub(crate) fn primary_vehicle_info() -> Value {
    json!({
        "year": 2021, "ev_range": 200, "is_primary_vehicle": true, "model": "XC40 Recharge",
        "battery_capacity": 78.0, "vehicle_id": PRIMARY_VEHICLE_ID, "make": "Volvo",
    })
}

/// The household's utility and plan, in the snake_case of the session answers.
pub(crate) fn utility() -> Value {
    json!({
        "plans": [{
            "code": "EV-TOU-5-NEM3",
            "name": "Domestic - Cost-Based, Time of Use, Electric Vehicles (NEM 3.0)",
            "id": 3436794, "is_ev_plan": true,
        }],
        "name": "Clean Energy Alliance", "id": 101204,
    })
}

fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// `x` rounded to `places` decimals.
pub(crate) fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
