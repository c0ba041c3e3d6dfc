//! Small value types shared by the records: timestamps that keep their written form, local
//! display times, checked session ids and numbers with a range. Each one refuses a bad value
//! while the file is decoded, so the error carries the file, the field and the line.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

pub mod limits;

/// Longest session id we accept. Real ids have 10 digits; 20 leaves room without letting a
/// pathological value reach the file system.
pub const MAX_SESSION_ID_LEN: usize = 20;

/// A ChargePoint session id: ASCII digits only, 1 to [`MAX_SESSION_ID_LEN`] long.
///
/// It is the only kind of value that becomes part of a file name under `data/sessions/`, so it
/// is checked before it can touch a path (no `/`, `..`, letters or empty names).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// Checks `raw` and returns the id, or a sentence saying what is wrong with it.
    ///
    /// # Errors
    /// A sentence quoting `raw` when it is empty, longer than [`MAX_SESSION_ID_LEN`] or not all
    /// ASCII digits.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("session id is empty".into());
        }
        if raw.len() > MAX_SESSION_ID_LEN {
            // quote only the start: the value may be megabytes long
            let start: String = raw.chars().take(MAX_SESSION_ID_LEN).collect();
            return Err(format!(
                "session id {start:?}... is {} characters long; at most {MAX_SESSION_ID_LEN} digits are allowed",
                raw.chars().count()
            ));
        }
        if let Some(bad) = raw.chars().find(|c| !c.is_ascii_digit()) {
            return Err(format!(
                "session id {raw:?} contains {bad:?}; a session id is digits only (e.g. \"4751613101\")"
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id of a number (the API's numeric ids; generators). Any `u64` is a valid id.
    pub fn from_number(n: u64) -> Self {
        Self(n.to_string())
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for SessionId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SessionId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The API sends ids as numbers, our files as strings: accept both.
        struct V;
        impl de::Visitor<'_> for V {
            type Value = SessionId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a session id made of digits")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SessionId, E> {
                SessionId::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SessionId, E> {
                Ok(SessionId::from_number(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// An RFC 3339 instant with an explicit offset, written back the way it was read
/// (`+00:00` stays `+00:00`, `Z` stays `Z`). A timestamp without an offset is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    at: DateTime<FixedOffset>,
    zulu: bool,
}

impl Timestamp {
    /// A UTC instant written as `+00:00`, the form the data dictionary uses.
    pub fn utc(at: DateTime<Utc>) -> Self {
        Self {
            at: at.fixed_offset(),
            zulu: false,
        }
    }

    /// A UTC instant written with a `Z` suffix.
    pub fn utc_zulu(at: DateTime<Utc>) -> Self {
        Self {
            at: at.fixed_offset(),
            zulu: true,
        }
    }

    /// The instant in UTC.
    pub fn to_utc(self) -> DateTime<Utc> {
        self.at.with_timezone(&Utc)
    }

    /// Parses RFC 3339; the message says what was expected.
    ///
    /// # Errors
    /// A message quoting `raw` when it is not RFC 3339, with a hint when only the UTC offset
    /// is missing, or when its UTC date is outside 2000..2100 ([`limits::check_instant`]).
    pub fn parse(raw: &str) -> Result<Self, String> {
        match DateTime::parse_from_rfc3339(raw) {
            Ok(at) => {
                limits::check_instant(at.with_timezone(&Utc))
                    .map_err(|e| format!("timestamp {raw:?}: {e}"))?;
                Ok(Self {
                    at,
                    zulu: raw.ends_with('Z') || raw.ends_with('z'),
                })
            }
            Err(_) if NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f").is_ok() => {
                Err(format!(
                    "timestamp {raw:?} has no UTC offset; write it as RFC 3339 with an offset, e.g. \"{raw}+00:00\""
                ))
            }
            Err(e) => Err(format!(
                "timestamp {raw:?} is not RFC 3339 ({e}); expected e.g. \"2026-01-10T22:30:00+00:00\""
            )),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.at.to_rfc3339_opts(SecondsFormat::AutoSi, self.zulu))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(de::Error::custom)
    }
}

/// A local wall-clock time for display, `YYYY-MM-DD HH:MM:SS ZZZ` (e.g. `2026-01-06 22:00:21 PST`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDisplayTime {
    /// Wall-clock date and time in the zone named by `zone`.
    pub naive: NaiveDateTime,
    /// Zone abbreviation as printed (`PST`, `PDT`, `UTC`, `+0530`...).
    pub zone: String,
}

impl LocalDisplayTime {
    /// Parses the display form; the message says what was expected.
    ///
    /// # Errors
    /// A message quoting `raw` when it has no zone, its date and time are not
    /// `YYYY-MM-DD HH:MM:SS`, its date is outside 2000..2100 ([`limits::check_date`]; the
    /// evening of 1999-12-31 west of UTC is still accepted), or the zone is not a 2 to 6
    /// character abbreviation or offset.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let expected = "expected \"YYYY-MM-DD HH:MM:SS ZONE\", e.g. \"2026-01-06 22:00:21 PST\"";
        let (stamp, zone) = raw
            .rsplit_once(' ')
            .ok_or_else(|| format!("local time {raw:?} has no zone abbreviation; {expected}"))?;
        let naive = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S")
            .map_err(|e| format!("local time {raw:?} is malformed ({e}); {expected}"))?;
        // a local date may be a day off the UTC date the limits are stated in
        let day = naive.date();
        let near = [day.pred_opt(), day.succ_opt()];
        if !near
            .into_iter()
            .flatten()
            .any(|d| limits::check_date(d).is_ok())
        {
            let e = limits::check_date(day).err().unwrap_or_default();
            return Err(format!("local time {raw:?}: {e}"));
        }
        let zone_ok = (2..=6).contains(&zone.len())
            && zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-');
        if !zone_ok {
            return Err(format!(
                "local time {raw:?} has zone {zone:?}, not an abbreviation; {expected}"
            ));
        }
        Ok(Self {
            naive,
            zone: zone.to_owned(),
        })
    }
}

impl fmt::Display for LocalDisplayTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.naive.format("%Y-%m-%d %H:%M:%S"),
            self.zone
        )
    }
}

impl Serialize for LocalDisplayTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDisplayTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(de::Error::custom)
    }
}

/// A wall-clock time of day, `HH:MM:SS` (the `time_utc`/`time_pt` fields of `runs.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub NaiveTime);

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%H:%M:%S"))
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        NaiveTime::parse_from_str(&raw, "%H:%M:%S")
            .map(ClockTime)
            .map_err(|_| de::Error::custom(format!("time {raw:?} is not HH:MM:SS")))
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m-%d"))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let date = NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
            .map_err(|_| de::Error::custom(format!("date {raw:?} is not YYYY-MM-DD")))?;
        limits::check_date(date).map_err(de::Error::custom)?;
        Ok(Date(date))
    }
}

/// A measured quantity that cannot be negative or NaN (energy, power, durations). Records give
/// each field its upper bound too, with [`limits::non_neg`] and [`limits::opt_non_neg`].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct NonNeg(pub f64);

impl<'de> Deserialize<'de> for NonNeg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if v.is_finite() && v >= 0.0 {
            Ok(Self(v))
        } else {
            Err(de::Error::custom(format!(
                "value {v} is negative; expected a number >= 0"
            )))
        }
    }
}

/// A classifier confidence in `0..=1`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Confidence(pub f64);

impl<'de> Deserialize<'de> for Confidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if (0.0..=1.0).contains(&v) {
            Ok(Self(v))
        } else {
            Err(de::Error::custom(format!("confidence {v} is outside 0..1")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_id_refuses_path_like_and_lettered_ids() {
        assert!(SessionId::parse("4751613101").is_ok());
        assert!(
            SessionId::parse("../../etc/passwd")
                .unwrap_err()
                .contains("digits only")
        );
        assert!(SessionId::parse("47516a3101").unwrap_err().contains("'a'"));
        assert!(SessionId::parse("").unwrap_err().contains("empty"));
        assert!(
            SessionId::parse(&"1".repeat(21))
                .unwrap_err()
                .contains("at most 20")
        );
    }

    #[test]
    fn timestamp_keeps_its_written_form() {
        for raw in [
            "2026-01-10T22:30:00+00:00",
            "2026-01-10T00:00:00Z",
            "2026-01-10T14:30:00-08:00",
            "2026-01-10T14:30:00.123456+00:00",
        ] {
            assert_eq!(Timestamp::parse(raw).unwrap().to_string(), raw);
        }
    }

    #[test]
    fn timestamp_without_offset_is_refused_with_a_hint() {
        let msg = Timestamp::parse("2026-01-10T22:30:00").unwrap_err();
        assert!(msg.contains("no UTC offset"), "{msg}");
    }

    #[test]
    fn local_display_time_round_trips() {
        let t = LocalDisplayTime::parse("2026-01-06 22:00:21 PST").unwrap();
        assert_eq!(t.zone, "PST");
        assert_eq!(t.to_string(), "2026-01-06 22:00:21 PST");
        assert!(LocalDisplayTime::parse("2026-01-06 22:00:21").is_err());
        assert!(LocalDisplayTime::parse("yesterday PST").is_err());
    }
}
