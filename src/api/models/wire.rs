//! The edge between JSON and Rust values: numbers the API sometimes sends as strings, ids, and
//! epoch times.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, de};

/// A number that may arrive as a JSON number or as a numeric string.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Num(f64),
    Str(String),
}

impl NumOrStr {
    fn value<E: de::Error>(self) -> Result<f64, E> {
        match self {
            Self::Num(n) => Ok(n),
            Self::Str(s) => s
                .trim()
                .parse()
                .map_err(|_| E::custom(format!("expected a number, got {s:?}"))),
        }
    }
}

/// `f64` from a number or a numeric string.
pub fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    NumOrStr::deserialize(d)?.value()
}

/// Optional `f64` from a number, a numeric string or `null`.
pub fn lenient_opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Option::<NumOrStr>::deserialize(d)?
        .map(NumOrStr::value)
        .transpose()
}

/// `u64` id from a number or a numeric string (`"100000001"` and `100000001` are the same).
pub fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = NumOrStr::deserialize(d)?.value::<D::Error>()?;
    if v >= 0.0 && v.fract() == 0.0 && v < 2f64.powi(53) {
        Ok(v as u64)
    } else {
        Err(de::Error::custom(format!(
            "expected a whole number id, got {v}"
        )))
    }
}

/// Optional `u64` id.
pub fn lenient_opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "lenient_u64")] u64);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

/// Epoch milliseconds (number or string) as a UTC time.
pub fn epoch_ms<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let ms = lenient_f64(d)?;
    DateTime::from_timestamp_millis(ms as i64)
        .ok_or_else(|| de::Error::custom(format!("{ms} is not a time in epoch milliseconds")))
}

/// Optional epoch milliseconds.
pub fn epoch_ms_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "epoch_ms")] DateTime<Utc>);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

/// Optional epoch seconds (a float in `user_status.startTimeUTC`).
pub fn epoch_s_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match lenient_opt_f64(d)? {
        None => Ok(None),
        Some(s) => DateTime::from_timestamp_millis((s * 1000.0).round() as i64)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("{s} is not a time in epoch seconds"))),
    }
}
