//! The `#[serde(deserialize_with = "...")]` side of [`super`]: each function decodes a field
//! and refuses it with [`super`]'s sentence when it breaks its limit.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, de};

use super::{
    Id, MAX_SAMPLES, MAX_VEHICLES, MODEL_YEARS, NumberKind, TextKind, check_number, check_text,
    out_of_range,
};
use crate::store::values::NonNeg;

/// Deserializes a [`NonNeg`] of kind `K`.
///
/// # Errors
/// serde's error for a value that is not a number, or [`check_number`]'s sentence.
pub fn non_neg<'de, D: Deserializer<'de>, K: NumberKind>(d: D) -> Result<NonNeg, D::Error> {
    let v = f64::deserialize(d)?;
    check_number::<K>(v).map(NonNeg).map_err(de::Error::custom)
}

/// Deserializes an optional [`NonNeg`] of kind `K` (use with `#[serde(default)]`).
///
/// # Errors
/// As [`non_neg`].
pub fn opt_non_neg<'de, D: Deserializer<'de>, K: NumberKind>(
    d: D,
) -> Result<Option<NonNeg>, D::Error> {
    Option::<f64>::deserialize(d)?
        .map(|v| check_number::<K>(v).map(NonNeg).map_err(de::Error::custom))
        .transpose()
}

/// Deserializes an optional plain number of kind `K` (use with `#[serde(default)]`).
///
/// # Errors
/// As [`non_neg`].
pub fn opt_number<'de, D: Deserializer<'de>, K: NumberKind>(d: D) -> Result<Option<f64>, D::Error> {
    Option::<f64>::deserialize(d)?
        .map(|v| check_number::<K>(v).map_err(de::Error::custom))
        .transpose()
}

/// Deserializes a whole number of kind `K` (seconds, minutes).
///
/// # Errors
/// serde's error for a value that is not a whole number >= 0, or [`check_number`]'s sentence.
pub fn whole<'de, D: Deserializer<'de>, K: NumberKind>(d: D) -> Result<u64, D::Error> {
    let v = u64::deserialize(d)?;
    check_whole::<K>(v).map_err(de::Error::custom)
}

/// Deserializes an optional whole number of kind `K` (use with `#[serde(default)]`).
///
/// # Errors
/// As [`whole`].
pub fn opt_whole<'de, D: Deserializer<'de>, K: NumberKind>(d: D) -> Result<Option<u64>, D::Error> {
    Option::<u64>::deserialize(d)?
        .map(|v| check_whole::<K>(v).map_err(de::Error::custom))
        .transpose()
}

fn check_whole<K: NumberKind>(v: u64) -> Result<u64, String> {
    // u64 -> f64 rounds only above 2^53, far beyond every limit here
    #[allow(clippy::cast_precision_loss)]
    check_number::<K>(v as f64)
        .map(|_| v)
        .map_err(|_| out_of_range::<K>(&v.to_string()))
}

/// Deserializes a text of kind `K`.
///
/// # Errors
/// serde's error for a value that is not a string, or [`check_text`]'s sentence.
pub fn text<'de, D: Deserializer<'de>, K: TextKind>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    check_text::<K>(&s).map_err(de::Error::custom)?;
    Ok(s)
}

/// Deserializes an optional text of kind `K` (use with `#[serde(default)]`).
///
/// # Errors
/// As [`text`].
pub fn opt_text<'de, D: Deserializer<'de>, K: TextKind>(d: D) -> Result<Option<String>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    if let Some(s) = &s {
        check_text::<K>(s).map_err(de::Error::custom)?;
    }
    Ok(s)
}

/// Deserializes an optional model year in [`MODEL_YEARS`] (use with `#[serde(default)]`).
///
/// # Errors
/// serde's error for a value that is not a whole number, or a sentence naming the range.
pub fn opt_model_year<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let y = Option::<i32>::deserialize(d)?;
    match y {
        Some(y) if !(MODEL_YEARS.0..=MODEL_YEARS.1).contains(&y) => {
            Err(de::Error::custom(format!(
                "model year {y} is out of range: expected {} to {} (MODEL_YEARS)",
                MODEL_YEARS.0, MODEL_YEARS.1
            )))
        }
        _ => Ok(y),
    }
}

/// Deserializes the vehicles of `vehicle_config.json`: at most [`MAX_VEHICLES`], each id at
/// most [`MAX_ID_CHARS`] long.
///
/// # Errors
/// serde's error for a value that is not a map of vehicles, or a sentence naming the limit.
pub fn vehicles<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
    d: D,
) -> Result<BTreeMap<String, V>, D::Error> {
    let map = BTreeMap::<String, V>::deserialize(d)?;
    if map.len() > MAX_VEHICLES {
        return Err(de::Error::custom(format!(
            "{} vehicles; at most {MAX_VEHICLES} are allowed (MAX_VEHICLES)",
            map.len()
        )));
    }
    for id in map.keys() {
        check_text::<Id>(id).map_err(|e| de::Error::custom(format!("vehicle {e}")))?;
    }
    Ok(map)
}

/// Deserializes the samples of a session file: at most [`MAX_SAMPLES`].
///
/// # Errors
/// serde's error for a value that is not a list of samples, or a sentence naming the limit.
pub fn samples<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    let v = Vec::<T>::deserialize(d)?;
    if v.len() > MAX_SAMPLES {
        return Err(de::Error::custom(format!(
            "{} samples; at most {MAX_SAMPLES} are allowed (MAX_SAMPLES)",
            v.len()
        )));
    }
    Ok(v)
}
