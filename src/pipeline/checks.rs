//! ChargePoint's session answers held to the data limits ([`crate::store::values::limits`])
//! before a stage turns them into data: a value outside them (a start in 1970, `1e300` kWh, a
//! cost of `1e9`) is never clamped into a figure that looks real, nor written into a file every
//! later read would refuse. Each stage decides what an answer out of limits means: `cache`
//! leaves the session out, `collect` refuses it, `monitor` keeps its figures out.
//!
//! Negative energy and power stay as the stages read them (as 0): a meter's small negative
//! reading is noise, not a made-up figure.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::api::models::SessionDetails;
use crate::store::values::limits::{
    self, Cost, Energy, NumberKind, Power, check_instant, check_number,
};

/// A field of a session answer outside the data limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfLimits {
    /// The answer's field (`energy_kwh`, `update_data/3/power_kw`).
    pub field: String,
    /// Why, naming the value, the range and the constant.
    pub message: String,
}

impl fmt::Display for OutOfLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field {}: {}", self.field, self.message)
    }
}

fn out(field: impl Into<String>, message: String) -> OutOfLimits {
    OutOfLimits {
        field: field.into(),
        message,
    }
}

/// Why instant `at` (field `field`) is outside 2000..2100, if it is.
///
/// # Errors
/// [`OutOfLimits`] naming the field and the date.
pub fn instant(field: &str, at: Option<DateTime<Utc>>) -> Result<(), OutOfLimits> {
    match at.map(check_instant) {
        Some(Err(m)) => Err(out(field, m)),
        _ => Ok(()),
    }
}

/// `v` of kind `K` checked, a negative reading counting as 0 (energy, power).
fn reading<K: NumberKind>(field: &str, v: Option<f64>) -> Result<(), OutOfLimits> {
    match v.map(|v| check_number::<K>(if v < 0.0 { 0.0 } else { v })) {
        Some(Err(m)) => Err(out(field, m)),
        _ => Ok(()),
    }
}

/// The first field of `s` outside the data limits: its start and end (2000..2100), its energy
/// (kWh), power (kW, also of every `update_data` point: the peak is kept), its length (`session_time`, ms, and end −
/// start: at most [`limits::MAX_SESSION_SECONDS`]) and its cost (either sign).
///
/// # Errors
/// [`OutOfLimits`] naming the first field out of limits and why.
pub fn session(s: &SessionDetails) -> Result<(), OutOfLimits> {
    instant("start_time", s.start_time)?;
    instant("end_time", s.end_time)?;
    reading::<Energy>("energy_kwh", s.energy_kwh)?;
    reading::<Power>("power_kw", s.power_kw)?;
    for (i, p) in s.update_data.iter().enumerate() {
        reading::<Power>(&format!("update_data/{i}/power_kw"), Some(p.power_kw))?;
    }
    if let Some(ms) = s.session_time.filter(|ms| *ms >= 0.0) {
        if let Err(m) = check_number::<limits::Seconds>(ms / 1000.0) {
            return Err(out("session_time", format!("{m} (session_time is in ms)")));
        }
    }
    if let (Some(start), Some(end)) = (s.start_time, s.end_time) {
        if let Some(m) = limits::span_problem(start, end) {
            return Err(out("end_time", m));
        }
    }
    if let Some(Err(m)) = s.total_amount.map(check_number::<Cost>) {
        return Err(out("total_amount", m));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> SessionDetails {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn each_value_outside_the_limits_is_named_by_its_field() {
        let ok = r#"{"session_id": 1, "start_time": 1767944361000, "energy_kwh": 12.5, "total_amount": 3.1}"#;
        assert_eq!(session(&answer(ok)), Ok(()));
        for (json, field) in [
            (r#"{"start_time": 0}"#, "start_time"),
            (r#"{"energy_kwh": 1e300}"#, "energy_kwh"),
            (r#"{"total_amount": 1e9}"#, "total_amount"),
            (r#"{"total_amount": -1e9}"#, "total_amount"),
            (r#"{"power_kw": 500}"#, "power_kw"),
            (r#"{"session_time": 1e15}"#, "session_time"),
        ] {
            let e = session(&answer(json)).unwrap_err();
            assert_eq!(e.field, field, "{json}: {e}");
        }
        assert_eq!(session(&answer(r#"{"energy_kwh": -0.01}"#)), Ok(()));
    }
}
