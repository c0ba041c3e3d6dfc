//! Post dates as Jekyll reads them.
//!
//! Jekyll 4.3 turns every front matter `date` into a string and parses it with Ruby's
//! `Time.parse`, then moves it into the site's zone (`Jekyll::Utils.parse_date`:
//! `Time.parse(input).localtime`, with `TZ` set from `_config.yml`'s `timezone`). A date without
//! a zone is a wall-clock time in the site's zone. The forms Jekyll sites use are accepted here:
//! `2026-01-10`, `2026-01-10 14:30`, `2026-01-10 14:30:00`, with `T` instead of the space, with
//! fractional seconds (`23:23:39.00000000`, `10:00:00.5`), and with a zone written as
//! `-0500`, `-05:00`, `-05`, `Z`, `UTC`, `GMT` or a North American or European abbreviation
//! (`PST`, `EDT`, `CET`, …: the ones in Ruby's `Date::ZONE_TABLE` that blogs use).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use crate::clock::local_to_utc_later;

/// Zone abbreviations and their offsets in hours (Ruby's `Date::ZONE_TABLE`, the entries a
/// blog's dates use).
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("UT", 0),
    ("GMT", 0),
    ("Z", 0),
    ("EST", -5),
    ("EDT", -4),
    ("CST", -6),
    ("CDT", -5),
    ("MST", -7),
    ("MDT", -6),
    ("PST", -8),
    ("PDT", -7),
    ("AKST", -9),
    ("AKDT", -8),
    ("HST", -10),
    ("AST", -4),
    ("ADT", -3),
    ("WET", 0),
    ("WEST", 1),
    ("BST", 1),
    ("CET", 1),
    ("CEST", 2),
    ("MET", 1),
    ("MEST", 2),
    ("EET", 2),
    ("EEST", 3),
    ("MSK", 3),
    ("JST", 9),
    ("KST", 9),
];

/// Parses a Jekyll date and gives it in the site's zone `tz`. A date without a zone is a
/// wall-clock time in `tz` (a time a DST change repeats is the later one, as Ruby reads it; one
/// it skips moves forward by the gap); a date with one keeps its instant.
///
/// # Errors
/// A message quoting `raw` and giving an example when it is none of the forms above (a month
/// 13, an unknown zone word, text that is not a date).
pub fn parse(raw: &str, tz: Tz) -> Result<DateTime<Tz>, String> {
    let bad = || {
        format!("date {raw:?} is not a date Jekyll reads; write e.g. \"2026-01-10 14:30:00 -0800\"")
    };
    let s = raw.trim();
    let (date_part, rest) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], s[i + 1..].trim_start()),
        None => (s, ""),
    };
    let date = NaiveDate::parse_from_str(date_part, "%Y-%m-%d").map_err(|_| bad())?;
    if rest.is_empty() {
        return Ok(in_zone(tz, date.and_time(NaiveTime::MIN)));
    }
    // the time: digits, colons and a fraction
    let time_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let (time_text, zone_text) = rest.split_at(time_len);
    let time = parse_time(time_text).ok_or_else(bad)?;
    let local = date.and_time(time);
    let zone_text = zone_text.trim();
    if zone_text.is_empty() {
        return Ok(in_zone(tz, local));
    }
    let offset = parse_offset(zone_text).ok_or_else(bad)?;
    let instant = local.and_local_timezone(offset).single().ok_or_else(bad)?;
    Ok(instant.with_timezone(&tz))
}

/// A wall-clock time in `tz`; a time the fall-back hour repeats is the later one, as Ruby's
/// `Time.local` reads it.
fn in_zone(tz: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    local_to_utc_later(tz, local).with_timezone(&tz)
}

/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff…` (the fraction is kept to the nanosecond).
fn parse_time(text: &str) -> Option<NaiveTime> {
    let (hms, frac) = match text.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    };
    let mut parts = hms.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let s: u32 = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    let nanos = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            let digits: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
            digits.parse().ok()?
        }
        Some(_) => return None,
    };
    NaiveTime::from_hms_nano_opt(h, m, s, nanos)
}

/// `-0500`, `-05:00`, `-05`, `+0530`, or a zone word of [`ZONES`].
fn parse_offset(text: &str) -> Option<FixedOffset> {
    if let Some((_, hours)) = ZONES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
    {
        return FixedOffset::east_opt(hours * 3600);
    }
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = match digits.len() {
        2 => (digits.parse().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    if m >= 60 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    const LA: Tz = chrono_tz::America::Los_Angeles;

    fn rfc(raw: &str, tz: Tz) -> String {
        parse(raw, tz).unwrap().to_rfc3339()
    }

    #[test]
    fn jekyll_date_fraction_case_parses_and_moves_into_the_site_zone() {
        // the WordPress export of jekyll/jekyll#7550
        assert_eq!(
            rfc("2015-05-28 23:23:39.00000000 -05:00", LA),
            "2015-05-28T21:23:39-07:00"
        );
        assert_eq!(
            rfc("2015-05-28 23:23:39.00000000 -05:00", chrono_tz::UTC),
            "2015-05-29T04:23:39+00:00"
        );
        assert_eq!(
            rfc("2026-01-13 10:00:00.5", LA),
            "2026-01-13T10:00:00.500-08:00"
        );
    }

    #[test]
    fn zone_words_offsets_and_local_times_all_parse() {
        assert_eq!(
            rfc("2015-05-28 23:23:39 UTC", LA),
            "2015-05-28T16:23:39-07:00"
        );
        assert_eq!(
            rfc("2026-01-10 09:00:00 PST", LA),
            "2026-01-10T09:00:00-08:00"
        );
        assert_eq!(
            rfc("2026-01-10 09:00:00 -0800", LA),
            "2026-01-10T09:00:00-08:00"
        );
        assert_eq!(
            rfc("2026-01-10 12:00:00 -05", LA),
            "2026-01-10T09:00:00-08:00"
        );
        assert_eq!(rfc("2026-01-10T17:00:00Z", LA), "2026-01-10T09:00:00-08:00");
        assert_eq!(rfc("2026-01-13T10:00", LA), "2026-01-13T10:00:00-08:00");
        assert_eq!(rfc("2026-01-13", LA), "2026-01-13T00:00:00-08:00");
        assert_eq!(rfc("2026-1-3 7:05", LA), "2026-01-03T07:05:00-08:00");
    }

    #[test]
    fn what_is_not_a_date_is_named_with_an_example() {
        for raw in [
            "yesterday",
            "2026-13-01",
            "2026-01-10 25:00",
            "2026-01-10 10:00 XYZ",
        ] {
            let e = parse(raw, LA).unwrap_err();
            assert!(
                e.contains(raw) && e.contains("2026-01-10 14:30:00 -0800"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_local_time_a_dst_change_skips_moves_forward() {
        assert_eq!(rfc("2026-03-08 02:30", LA), "2026-03-08T03:30:00-07:00");
        // the repeated hour: Ruby (so Jekyll) takes the later, standard-time one
        assert_eq!(rfc("2026-11-01 01:30", LA), "2026-11-01T01:30:00-08:00");
    }
}
