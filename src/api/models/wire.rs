//! The edge between JSON and Rust values: numbers the API sometimes sends as strings, ids, and
//! epoch times. Each lenient `deserialize_with` reader has a `ser_*` writer that puts the value
//! back in the shape the real API sends (so `cph50 sim` can serialize the same models), and
//! [`tolerant`] keeps fields the client does not read from ever failing a decode.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

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
///
/// # Errors
/// The value does not fit (the message says what was expected).
pub fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    NumOrStr::deserialize(d)?.value()
}

/// Optional `f64` from a number, a numeric string or `null`.
///
/// # Errors
/// The value does not fit (the message says what was expected).
pub fn lenient_opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Option::<NumOrStr>::deserialize(d)?
        .map(NumOrStr::value)
        .transpose()
}

/// `u64` id from a number or a numeric string (`"100000001"` and `100000001` are the same).
///
/// # Errors
/// The value does not fit (the message says what was expected).
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

/// `u32` from a number or a numeric string (a whole number below 2^32).
///
/// # Errors
/// The value does not fit (the message says what was expected).
pub fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = lenient_u64(d)?;
    u32::try_from(v).map_err(|_| de::Error::custom(format!("{v} is too large")))
}

/// Optional `u64` id.
///
/// # Errors
/// The value does not fit (the message says what was expected).
pub fn lenient_opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "lenient_u64")] u64);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

/// Epoch milliseconds (number or string) as a UTC time.
///
/// # Errors
/// The value does not fit (the message says what was expected).
pub fn epoch_ms<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let ms = lenient_f64(d)?;
    DateTime::from_timestamp_millis(ms as i64)
        .ok_or_else(|| de::Error::custom(format!("{ms} is not a time in epoch milliseconds")))
}

/// Optional epoch milliseconds.
///
/// # Errors
/// The value does not fit (the message says what was expected).
pub fn epoch_ms_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "epoch_ms")] DateTime<Utc>);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

/// Optional epoch seconds (a float in `user_status.startTimeUTC`).
///
/// # Errors
/// The value does not fit (the message says what was expected).
pub fn epoch_s_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match lenient_opt_f64(d)? {
        None => Ok(None),
        Some(s) => DateTime::from_timestamp_millis((s * 1000.0).round() as i64)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("{s} is not a time in epoch seconds"))),
    }
}

/// Optional field the client does not read: any value that does not fit `T` (or `null`) decodes
/// as `None` instead of failing the whole answer. Use with `#[serde(default)]`.
///
/// # Errors
/// Only when the input is not JSON at all.
pub fn tolerant<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(T::deserialize(value).ok())
}

/// Optional epoch milliseconds of a field the client does not read: anything else is `None`.
///
/// # Errors
/// Only when the input is not JSON at all.
pub fn tolerant_epoch_ms<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "epoch_ms")] DateTime<Utc>);
    Ok(tolerant::<D, Wrap>(d)?.map(|w| w.0))
}

// ---- writing the wire shape back --------------------------------------------------------------

/// The largest magnitude written as a JSON integer by [`ser_whole`] (2^53: exact in an `f64`).
const WHOLE_LIMIT: f64 = 9_007_199_254_740_992.0;

/// An `f64` that the API sends as a JSON integer when it is whole.
struct Whole(f64);

impl Serialize for Whole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < WHOLE_LIMIT {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

/// Writes an `f64` the API sends as an integer (milliseconds, amperes): `40`, not `40.0`; a
/// value with a fraction stays a float.
///
/// # Errors
/// Only the serializer's own.
pub fn ser_whole<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    Whole(*v).serialize(s)
}

/// [`ser_whole`] of an optional value (`None` is `null`; skip it with `skip_serializing_if`).
///
/// # Errors
/// Only the serializer's own.
pub fn ser_whole_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    v.map(Whole).serialize(s)
}

/// [`ser_whole`] of every element: `[20, 21, ...]`.
///
/// # Errors
/// Only the serializer's own.
pub fn ser_whole_vec<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|x| Whole(*x)))
}

/// Writes an `f64` the API sends as a numeric string: `"40"` (whole) or `"40.5"`.
///
/// # Errors
/// Only the serializer's own.
pub fn ser_whole_string<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < WHOLE_LIMIT {
        s.collect_str(&(*v as i64))
    } else {
        s.collect_str(v)
    }
}

/// Writes a `u64` id the API sends as a string: `"100000001"`.
///
/// # Errors
/// Only the serializer's own.
pub fn ser_u64_string<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Writes a UTC time as integer epoch milliseconds (the inverse of [`epoch_ms`]).
///
/// # Errors
/// Only the serializer's own.
pub fn ser_epoch_ms<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.timestamp_millis())
}

/// [`ser_epoch_ms`] of an optional time (`None` is `null`; skip it with `skip_serializing_if`).
///
/// # Errors
/// Only the serializer's own.
pub fn ser_epoch_ms_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    t.map(|t| t.timestamp_millis()).serialize(s)
}

/// Writes a UTC time as float epoch seconds, `1767944361.0` (the inverse of [`epoch_s_opt`]).
///
/// # Errors
/// Only the serializer's own.
pub fn ser_epoch_s_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    t.map(|t| t.timestamp_millis() as f64 / 1000.0).serialize(s)
}
