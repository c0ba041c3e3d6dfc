//! "Now" and UTC <-> local conversion, behind one type that tests can fix in time.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;

/// The default local zone: the data dictionary's Pacific time.
pub const DEFAULT_TZ: Tz = chrono_tz::America::Los_Angeles;

/// The time zone every local date and display string is computed in, and the current time.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    tz: Tz,
    fixed_now: Option<DateTime<Utc>>,
}

impl Clock {
    /// A clock reading the system time in zone `tz`.
    pub fn system(tz: Tz) -> Self {
        Self {
            tz,
            fixed_now: None,
        }
    }

    /// A clock stopped at `now`, for tests and deterministic generators.
    pub fn fixed(tz: Tz, now: DateTime<Utc>) -> Self {
        Self {
            tz,
            fixed_now: Some(now),
        }
    }

    /// The local zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The current instant, to the second (what every data file records).
    pub fn now(&self) -> DateTime<Utc> {
        let now = self.fixed_now.unwrap_or_else(Utc::now);
        now.with_nanosecond(0).unwrap_or(now)
    }

    /// The local calendar date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// Local wall-clock time of an instant and the zone's abbreviation then (`PST`/`PDT`).
    pub fn local(&self, at: DateTime<Utc>) -> (NaiveDateTime, String) {
        let local = at.with_timezone(&self.tz);
        (local.naive_local(), local.format("%Z").to_string())
    }
}

/// Parses an IANA zone name, with a message that says what was expected.
pub fn parse_tz(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("unknown time zone {name:?}; expected an IANA name such as \"America/Los_Angeles\"")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_abbreviation_follows_dst() {
        let c = Clock::system(DEFAULT_TZ);
        let winter = Utc.with_ymd_and_hms(2026, 1, 10, 22, 30, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 10, 22, 30, 0).unwrap();
        assert_eq!(c.local(winter).1, "PST");
        assert_eq!(c.local(winter).0.to_string(), "2026-01-10 14:30:00");
        assert_eq!(c.local(summer).1, "PDT");
        // 06:00 UTC on Jan 7 is still Jan 6 in California.
        let early = Utc.with_ymd_and_hms(2026, 1, 7, 6, 0, 1).unwrap();
        assert_eq!(c.local_date(early).to_string(), "2026-01-06");
    }

    #[test]
    fn bad_zone_names_are_explained() {
        assert!(parse_tz("Mars/Olympus").unwrap_err().contains("IANA"));
        assert!(parse_tz("Europe/Paris").is_ok());
    }
}
