//! The limits every data file is held to, each in one place, checked while the file is decoded.
//!
//! `validate` and `build` decode through the same records, so whatever `build` could not render
//! (a date in year 0, a 10 MB nickname, `1e300` kWh, an `i64::MAX`-second session) is refused by
//! both, with the file, the JSON pointer, the line and the column, and a message naming the
//! constant. The physical bounds are derived from what a home charger can do; the README's
//! "Data files" section lists them all.
//!
//! Records opt in field by field with `#[serde(deserialize_with = "...")]`, e.g.
//! `limits::opt_non_neg::<_, limits::Power>`, so their types (and what they write) stay as
//! they are.

use chrono::{DateTime, NaiveDate, Utc};

mod de;
pub use de::*;

/// First year a date or timestamp may fall in: nothing was charged by cph50 before 2000.
pub const FIRST_YEAR: i32 = 2000;
/// First year no longer accepted: dates and timestamps are before 2100-01-01.
pub const END_YEAR: i32 = 2100;

/// The most current an AC level 2 charger delivers (SAE J1772: 80 A).
pub const MAX_AMPS: f64 = 80.0;
/// The supply voltage of a North American home charger, V.
pub const SUPPLY_VOLTS: f64 = 240.0;
/// Highest power a reading may show: [`MAX_AMPS`] × [`SUPPLY_VOLTS`] = 19.2 kW.
pub const MAX_POWER_KW: f64 = MAX_AMPS * SUPPLY_VOLTS / 1000.0;
/// Longest a session may last (plugged in), days: a year, so a car left plugged in through a
/// long absence is still a session.
pub const MAX_SESSION_DAYS: u64 = 366;
/// [`MAX_SESSION_DAYS`] in seconds (31,622,400).
pub const MAX_SESSION_SECONDS: u64 = MAX_SESSION_DAYS * 86_400;
/// [`MAX_SESSION_DAYS`] in minutes (527,040).
pub const MAX_SESSION_MINUTES: u64 = MAX_SESSION_SECONDS / 60;
/// Most energy one session may deliver: [`MAX_POWER_KW`] for [`MAX_SESSION_DAYS`]
/// (168,652.8 kWh).
pub const MAX_SESSION_ENERGY_KWH: f64 = MAX_POWER_KW * (MAX_SESSION_SECONDS as f64) / 3600.0;
/// Largest amount of one session, either sign, in the account's currency.
pub const MAX_COST: f64 = 1_000_000.0;
/// Largest battery a vehicle may be configured with, kWh.
pub const MAX_BATTERY_KWH: f64 = 1_000.0;
/// Largest charge rate a vehicle may be configured with, kW.
pub const MAX_CAR_POWER_KW: f64 = 1_000.0;
/// Largest efficiency a vehicle may be configured with, miles per kWh.
pub const MAX_EFFICIENCY_MI_PER_KWH: f64 = 20.0;
/// Model years a vehicle may have, inclusive.
pub const MODEL_YEARS: (i32, i32) = (1900, END_YEAR);

/// Longest id (vehicle ids, charger and location ids, run ids, status words), characters.
pub const MAX_ID_CHARS: usize = 100;
/// Longest name (nickname, make, model, trim, colours, places, utility), characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free text (a vehicle's `characteristics`, a run's `reason`), characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// `text` cut to at most `max` characters (the last one an ellipsis when cut): how the jobs
/// fit what ChargePoint sends into the limits above, so they never write a value every later
/// read would refuse.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Most vehicles `vehicle_config.json` may hold (each is a column of every history period).
pub const MAX_VEHICLES: usize = 50;
/// Most samples one session file may hold (`collect --samples` takes at most 360).
pub const MAX_SAMPLES: usize = 3_600;
/// Largest data file read, bytes (32 MiB; `runs.json` grows about 100 KB a year).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// A kind of number field: its unit, range and the constant that sets its top.
pub trait NumberKind {
    /// What the value is, for the message ("energy").
    const WHAT: &'static str;
    /// Unit, for the message ("kWh").
    const UNIT: &'static str;
    /// Lowest accepted value.
    const MIN: f64 = 0.0;
    /// Highest accepted value.
    const MAX: f64;
    /// The constant behind [`Self::MAX`] and why it is what it is.
    const WHY: &'static str;
}

macro_rules! number_kind {
    ($(#[$doc:meta])* $name:ident, $what:literal, $unit:literal, $max:expr, $why:literal $(, min $min:expr)?) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;
        impl NumberKind for $name {
            const WHAT: &'static str = $what;
            const UNIT: &'static str = $unit;
            const MAX: f64 = $max;
            const WHY: &'static str = $why;
            $(const MIN: f64 = $min;)?
        }
    };
}

number_kind!(
    /// Energy of one session or reading, kWh.
    Energy, "energy", "kWh", MAX_SESSION_ENERGY_KWH,
    "MAX_SESSION_ENERGY_KWH: a 19.2 kW home charger running for 366 days"
);
number_kind!(
    /// Power of one reading, kW.
    Power, "power", "kW", MAX_POWER_KW,
    "MAX_POWER_KW: 80 A at 240 V, the most a home charger delivers"
);
number_kind!(
    /// An amperage limit in force while a car charged, amperes.
    Amperage, "amperage limit", "A", MAX_AMPS,
    "SAE J1772: a charger offers 6 A to MAX_AMPS (80 A)", min 6.0
);
number_kind!(
    /// A span of time within one session, seconds.
    Seconds, "duration", "s", MAX_SESSION_SECONDS as f64,
    "MAX_SESSION_SECONDS: a session lasts at most 366 days"
);
number_kind!(
    /// A span of time within one session, minutes.
    Minutes, "duration", "min", MAX_SESSION_MINUTES as f64,
    "MAX_SESSION_MINUTES: a session lasts at most 366 days"
);
number_kind!(
    /// The amount of one session, in the account's currency.
    Cost, "cost", "", MAX_COST, "MAX_COST", min -MAX_COST
);
number_kind!(
    /// A vehicle's battery, kWh.
    Battery, "battery capacity", "kWh", MAX_BATTERY_KWH, "MAX_BATTERY_KWH"
);
number_kind!(
    /// A vehicle's charge rate, kW.
    CarPower, "charge rate", "kW", MAX_CAR_POWER_KW, "MAX_CAR_POWER_KW"
);
number_kind!(
    /// A vehicle's efficiency, miles per kWh.
    Efficiency, "efficiency", "mi/kWh", MAX_EFFICIENCY_MI_PER_KWH, "MAX_EFFICIENCY_MI_PER_KWH"
);

/// A kind of text field: its longest length and the constant that sets it.
pub trait TextKind {
    /// What the text is, for the message ("name").
    const WHAT: &'static str;
    /// Longest accepted length, characters.
    const MAX: usize;
    /// The constant behind [`Self::MAX`].
    const WHY: &'static str;
}

macro_rules! text_kind {
    ($(#[$doc:meta])* $name:ident, $what:literal, $max:expr, $why:literal) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;
        impl TextKind for $name {
            const WHAT: &'static str = $what;
            const MAX: usize = $max;
            const WHY: &'static str = $why;
        }
    };
}

text_kind!(
    /// Ids and words: vehicle, charger, location and run ids, status words.
    Id, "id", MAX_ID_CHARS, "MAX_ID_CHARS"
);
text_kind!(
    /// Names a page shows: nickname, make, model, trim, colours, places, utility.
    Name, "name", MAX_NAME_CHARS, "MAX_NAME_CHARS"
);
text_kind!(
    /// Free text: a vehicle's characteristics, a run's reason.
    Note, "text", MAX_TEXT_CHARS, "MAX_TEXT_CHARS"
);

/// Why `v` is not a number of kind `K`, if it is not.
///
/// # Errors
/// A sentence with the value, the accepted range and the constant that sets it.
pub fn check_number<K: NumberKind>(v: f64) -> Result<f64, String> {
    if v.is_finite() && (K::MIN..=K::MAX).contains(&v) {
        return Ok(v);
    }
    Err(out_of_range::<K>(&show(v)))
}

/// The sentence for a value (as `shown`) outside kind `K`'s range.
pub(super) fn out_of_range<K: NumberKind>(shown: &str) -> String {
    format!(
        "{} {shown}{} is out of range: expected {} to {}{} ({})",
        K::WHAT,
        unit(K::UNIT),
        show(K::MIN),
        show(K::MAX),
        unit(K::UNIT),
        K::WHY
    )
}

/// Why `s` is not a text of kind `K`, if it is not.
///
/// # Errors
/// A sentence with the length and the longest accepted one (not the text itself).
pub fn check_text<K: TextKind>(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n <= K::MAX {
        return Ok(());
    }
    Err(format!(
        "{} is {n} characters long; at most {} are allowed ({})",
        K::WHAT,
        K::MAX,
        K::WHY
    ))
}

/// Why local `date` is not between 2000-01-01 and 2100-01-01, if it is not.
///
/// # Errors
/// A sentence naming the date and the range ([`FIRST_YEAR`], [`END_YEAR`]).
pub fn check_date(date: NaiveDate) -> Result<(), String> {
    use chrono::Datelike;
    if (FIRST_YEAR..END_YEAR).contains(&date.year()) {
        return Ok(());
    }
    Err(format!(
        "date {date} is outside {FIRST_YEAR}-01-01..{END_YEAR}-01-01 (FIRST_YEAR, END_YEAR)"
    ))
}

/// Why instant `at` is not between 2000-01-01 and 2100-01-01 UTC, if it is not.
///
/// # Errors
/// As [`check_date`], for the UTC date of `at`.
pub fn check_instant(at: DateTime<Utc>) -> Result<(), String> {
    check_date(at.date_naive())
}

/// A sentence when `end` is more than [`MAX_SESSION_DAYS`] after `start`; `None` otherwise
/// (an end before the start is `validate`'s own finding, and `build` reads it as the start).
pub fn span_problem(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<String> {
    let secs = (end - start).num_seconds();
    let max = i64::try_from(MAX_SESSION_SECONDS).unwrap_or(i64::MAX);
    (secs > max).then(|| {
        format!(
            "ends {} days after it starts; a session lasts at most {MAX_SESSION_DAYS} days \
             (MAX_SESSION_DAYS)",
            secs / 86_400
        )
    })
}

/// A number for a message: plain when it reads well, else in exponent form (`1e300`).
fn show(v: f64) -> String {
    if v != 0.0 && !(1e-6..1e9).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn unit(u: &str) -> String {
    if u.is_empty() {
        String::new()
    } else {
        format!(" {u}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_physical_limits_are_what_the_readme_says() {
        assert!((MAX_POWER_KW - 19.2).abs() < 1e-9);
        assert_eq!(MAX_SESSION_SECONDS, 31_622_400);
        assert!((MAX_SESSION_ENERGY_KWH - 168_652.8).abs() < 1e-6);
    }

    #[test]
    fn messages_name_the_value_the_range_and_the_constant() {
        let e = check_number::<Energy>(1e300).unwrap_err();
        assert_eq!(
            e,
            "energy 1e300 kWh is out of range: expected 0 to 168652.8 kWh \
             (MAX_SESSION_ENERGY_KWH: a 19.2 kW home charger running for 366 days)"
        );
        assert!(check_number::<Cost>(-2.5).is_ok());
        assert!(check_number::<Power>(-0.1).is_err());
        let e = check_text::<Name>(&"é".repeat(201)).unwrap_err();
        assert_eq!(
            e,
            "name is 201 characters long; at most 200 are allowed (MAX_NAME_CHARS)"
        );
        assert!(check_text::<Name>(&"é".repeat(200)).is_ok());
        let year0 = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        assert!(
            check_date(year0)
                .unwrap_err()
                .contains("0000-01-01 is outside")
        );
    }
}
