//! `vehicle_config.json` for a new repository: the account's cars as ChargePoint lists them
//! (make, model, year, colour, AC charging speed; never a VIN), or one placeholder car in the
//! data dictionary's shape for the user to edit.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::api::models::Vehicle as AccountVehicle;
use crate::store::records::{Vehicle, VehicleConfig};
use crate::store::values::{NonNeg, Timestamp, limits};

/// How the placeholder is replaced by the account's cars.
pub const FILL_FROM_ACCOUNT: &str = "with CP_USERNAME and CP_PASSWORD set, `cph50 init --yes --vehicles` fills it from your account";

/// The id of the placeholder car.
pub const PLACEHOLDER_ID: &str = "my_car";

/// The `characteristics` of the placeholder car, by which `doctor` knows it is still there.
pub const PLACEHOLDER_NOTE: &str =
    "Placeholder written by cph50 init: replace every value of this car with your own";

/// The longest vehicle id it makes (well inside the data limit of ids).
const MAX_ID: usize = 60;

/// A vehicle id from make, model and year: lower-case ASCII words joined by `_`
/// (`volvo_xc40_recharge_2021`). Letters outside ASCII are dropped, so an id is always a plain
/// file-name-safe word.
pub fn vehicle_id(make: &str, model: &str, year: Option<i32>) -> String {
    let mut words: Vec<String> = format!("{make} {model}")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if let Some(y) = year {
        words.push(y.to_string());
    }
    let mut id = words.join("_");
    id.truncate(MAX_ID);
    let id = id.trim_end_matches('_').to_owned();
    if id.is_empty() { "car".to_owned() } else { id }
}

fn text(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty() && t.chars().count() <= limits::MAX_NAME_CHARS).then(|| t.to_owned())
}

fn blank_vehicle() -> Vehicle {
    Vehicle {
        nickname: None,
        year: None,
        make: None,
        model: None,
        trim: None,
        battery_capacity_kwh: None,
        max_charge_rate_kw: None,
        paint_color: None,
        paint_color_hex: None,
        display_color: None,
        efficiency_mi_per_kwh: None,
        characteristics: None,
        valid_periods: None,
        extra: BTreeMap::new(),
    }
}

/// The account's vehicles as `vehicle_config.json` (ids from make, model and year; two of
/// the same get `_2`, `_3`). Nickname, battery size and efficiency are not in ChargePoint's
/// answer and are left for the user.
pub fn from_account(vehicles: &[AccountVehicle], now: DateTime<Utc>) -> VehicleConfig {
    let mut out = BTreeMap::new();
    for v in vehicles.iter().take(limits::MAX_VEHICLES) {
        let year = Some(v.model_year.year).filter(|y| (1900..=2100).contains(y));
        let base = vehicle_id(&v.make.name, &v.model.name, year);
        let mut id = base.clone();
        let mut n = 2;
        while out.contains_key(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        let rate = v.model_year.charging_speed;
        let car = Vehicle {
            year,
            make: text(&v.make.name),
            model: text(&v.model.name),
            max_charge_rate_kw: (rate.is_finite() && rate > 0.0 && rate <= 1000.0)
                .then_some(NonNeg(rate)),
            display_color: text(&v.model_year_color.color_name),
            ..blank_vehicle()
        };
        out.insert(id, car);
    }
    VehicleConfig {
        vehicles: out,
        last_updated: Some(Timestamp::utc_zulu(now)),
        extra: BTreeMap::new(),
    }
}

/// One placeholder car with every field of the data dictionary, values that pass `validate`
/// and [`PLACEHOLDER_NOTE`] as its characteristics.
pub fn placeholder(now: DateTime<Utc>) -> VehicleConfig {
    let car = Vehicle {
        nickname: Some("My car".into()),
        year: Some(2024),
        make: Some("Make".into()),
        model: Some("Model".into()),
        trim: Some("Trim".into()),
        battery_capacity_kwh: Some(NonNeg(75.0)),
        max_charge_rate_kw: Some(NonNeg(11.0)),
        paint_color: Some("Paint colour".into()),
        paint_color_hex: Some("#2C5F8D".into()),
        display_color: Some("Blue".into()),
        efficiency_mi_per_kwh: Some(NonNeg(3.0)),
        characteristics: Some(PLACEHOLDER_NOTE.into()),
        ..blank_vehicle()
    };
    VehicleConfig {
        vehicles: BTreeMap::from([(PLACEHOLDER_ID.to_owned(), car)]),
        last_updated: Some(Timestamp::utc_zulu(now)),
        extra: BTreeMap::new(),
    }
}

/// Whether `config` still holds the placeholder car.
pub fn has_placeholder(config: &VehicleConfig) -> bool {
    config
        .vehicles
        .values()
        .any(|v| v.characteristics.as_deref() == Some(PLACEHOLDER_NOTE))
}

/// What the user should fill in, one line per car, for the printed summary.
pub fn to_edit(config: &VehicleConfig) -> Vec<String> {
    config
        .vehicles
        .iter()
        .map(|(id, v)| {
            let missing: Vec<&str> = [
                ("nickname", v.nickname.is_none()),
                ("battery_capacity_kwh", v.battery_capacity_kwh.is_none()),
                ("efficiency_mi_per_kwh", v.efficiency_mi_per_kwh.is_none()),
                ("paint_color_hex", v.paint_color_hex.is_none()),
            ]
            .into_iter()
            .filter(|(_, m)| *m)
            .map(|(k, _)| k)
            .collect();
            if v.characteristics.as_deref() == Some(PLACEHOLDER_NOTE) {
                format!("{id}: a placeholder; replace every value with your car's, or {FILL_FROM_ACCOUNT}")
            } else if missing.is_empty() {
                format!("{id}: complete")
            } else {
                format!("{id}: add {}", missing.join(", "))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_words_from_make_model_and_year() {
        assert_eq!(
            vehicle_id("Volvo", "XC40 Recharge", Some(2021)),
            "volvo_xc40_recharge_2021"
        );
        assert_eq!(
            vehicle_id("Chevrolet", "Equinox EV", Some(2024)),
            "chevrolet_equinox_ev_2024"
        );
        assert_eq!(vehicle_id("Škoda", "Enyaq iV 80", None), "koda_enyaq_iv_80");
        assert_eq!(vehicle_id("", "../..", None), "car");
        assert!(vehicle_id(&"x".repeat(300), "y", Some(2020)).len() <= MAX_ID);
    }

    #[test]
    fn the_placeholder_passes_the_data_limits_and_is_recognised() {
        let config = placeholder(Utc::now());
        let json = serde_json::to_string(&config).unwrap();
        let back: VehicleConfig = serde_json::from_str(&json).unwrap();
        assert!(has_placeholder(&back));
        assert_eq!(
            to_edit(&back),
            [format!(
                "my_car: a placeholder; replace every value with your car's, or {FILL_FROM_ACCOUNT}"
            )]
        );
    }
}
