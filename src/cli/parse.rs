//! Value parsers: each flag is parsed into its typed value by clap, so a bad value is a usage
//! error (exit 2) that names the flag, and the commands only see valid values.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::store::layout::Month;
use crate::store::values::SessionId;

/// A duration such as `10s`, `500ms`, `2m`, `1h 30m` (humantime's syntax).
///
/// # Errors
/// A message with an example when `raw` is not a duration.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    humantime::parse_duration(raw).map_err(|e| format!("{e}; expected e.g. 10s, 500ms, 2m"))
}

/// The shortest and longest grace window of the daily start that `init` and the config file
/// take: the workflow's crons run 7, 37 and 67 minutes after the start, so a window under 15
/// minutes holds none of the later ones, and one over 12 hours would start a morning's
/// charge in the evening. (`charge --grace` takes any duration.)
pub const GRACE_RANGE: (Duration, Duration) =
    (Duration::from_secs(15 * 60), Duration::from_secs(12 * 3600));

/// A grace window for the daily start: a duration within [`GRACE_RANGE`] (`90m`, `2h`).
///
/// # Errors
/// A message saying what was expected.
pub fn parse_grace(raw: &str) -> Result<Duration, String> {
    let d = parse_duration(raw.trim())?;
    if d < GRACE_RANGE.0 || d > GRACE_RANGE.1 {
        return Err(format!(
            "{raw:?} is outside 15m to 12h (the crons run 7, 37 and 67 minutes after the start)"
        ));
    }
    Ok(d)
}

/// A local wall-clock time `HH:MM` (24-hour): the hour in one or two digits (`6:00` is
/// 06:00), the minutes in two (`6:3` is refused, so what is used is what was meant), 00:00 to
/// 23:59. The one parser of a time of day on the command line and in `cph50.toml`
/// (`--at`, `--until`, `start`, the `schedule set` windows).
///
/// # Errors
/// A message when `raw` is not such a time (`24:00` included: it is no time of a day).
pub fn parse_hhmm(raw: &str) -> Result<NaiveTime, String> {
    let t = raw.trim();
    let bad = || format!("{raw:?} is not HH:MM (24-hour, 00:00 to 23:59; e.g. 06:00 or 6:00)");
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return Err(bad());
    }
    let (h, m) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// A daily window of local wall-clock time, `HH:MM-HH:MM`; an end at or before the start
/// means the window runs past midnight (`23:00-07:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    /// Local start time.
    pub start: NaiveTime,
    /// Local end time.
    pub end: NaiveTime,
}

/// A schedule window `HH:MM-HH:MM` (24-hour, local; each time as [`parse_hhmm`] takes it,
/// `6:00-7:30` too), not empty.
///
/// # Errors
/// A message with an example when `raw` is not two `HH:MM` times joined by `-`, when both
/// are the same (a window of no time), or when it ends at `24:00` (the message says to use
/// 23:59).
pub fn parse_window(raw: &str) -> Result<TimeWindow, String> {
    let expected = "expected HH:MM-HH:MM, e.g. 00:00-06:00 or 23:00-07:00";
    let (start, end) = raw
        .trim()
        .split_once('-')
        .ok_or_else(|| format!("{raw:?} is not a window; {expected}"))?;
    let time = |t: &str| {
        let t = t.trim();
        parse_hhmm(t).map_err(|_| format!("{t:?} in {raw:?} is not HH:MM; {expected}"))
    };
    // ChargePoint's schedule takes a time of a day, 00:00 to 23:59: no 24:00 end
    if end.trim() == "24:00" {
        return Err(format!(
            "{raw:?} ends at 24:00, which the charger's schedule does not take (a time of day, 00:00 to 23:59); end it at 23:59, or at 00:00 of the next day ({expected})"
        ));
    }
    let window = TimeWindow {
        start: time(start)?,
        end: time(end)?,
    };
    if window.start == window.end {
        return Err(format!(
            "{raw:?} starts and ends at the same time (a window of no time); {expected}"
        ));
    }
    Ok(window)
}

/// An energy in kWh above 0 and at most [`MAX_STOP_KWH`] (`10`, `7.5`).
///
/// # Errors
/// A message when `raw` is not such a number.
pub fn parse_kwh(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(k) if k > 0.0 && k <= MAX_STOP_KWH => Ok(k),
        _ => Err(format!(
            "{raw:?} is not an energy in kWh above 0 and at most {MAX_STOP_KWH}"
        )),
    }
}

/// The largest `--max-kwh`: 19.2 kW (the most a home charger delivers) for the 5 hours a stop
/// is waited for at most.
pub const MAX_STOP_KWH: f64 = 96.0;

/// A calendar month `YYYY-MM`.
///
/// # Errors
/// A message when `raw` is not `YYYY-MM` with a month 01..12.
pub fn parse_month(raw: &str) -> Result<Month, String> {
    Month::parse(raw).ok_or_else(|| format!("{raw:?} is not a month; expected YYYY-MM"))
}

/// An age in whole calendar months: `6months`, `6 months`, `1month`, `2years`, `0months`.
///
/// # Errors
/// A message with examples when `raw` is not a count of months or years, or is over 100 years.
pub fn parse_months(raw: &str) -> Result<u32, String> {
    let t = raw.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let per = match unit.trim() {
        "month" | "months" | "mo" => 1,
        "year" | "years" | "y" => 12,
        _ => 0,
    };
    match n.parse::<u32>() {
        Ok(n) if per > 0 && n * per <= 1200 => Ok(n * per),
        _ => Err(format!(
            "{raw:?} is not an age in months; expected e.g. 6months, 1month, 2years (at most 100 years)"
        )),
    }
}

/// A calendar date `YYYY-MM-DD`.
///
/// # Errors
/// A message when `raw` is not a date.
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| format!("{raw:?} is not a date; expected YYYY-MM-DD"))
}

/// A session id as a file name may hold it: digits only (see [`SessionId::parse`]).
///
/// # Errors
/// Why `raw` is not a session id.
pub fn parse_session_id(raw: &str) -> Result<SessionId, String> {
    SessionId::parse(raw)
}

/// A session id as ChargePoint's API takes it: a number, never 0 (an id of zeros names no
/// session).
///
/// # Errors
/// A message when `raw` is not digits only, or is zero.
pub fn parse_session_number(raw: &str) -> Result<u64, String> {
    match raw.trim().parse() {
        Ok(0) => Err(format!(
            "{raw:?} is not a session id (an id of zeros names no session)"
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{raw:?} is not a session id (digits only)")),
    }
}

/// A confidence, 0 to 1.
///
/// # Errors
/// A message when `raw` is not a number from 0 to 1.
pub fn parse_confidence(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(c) if (0.0..=1.0).contains(&c) => Ok(c),
        _ => Err(format!("{raw:?} is not a number from 0 to 1")),
    }
}

/// An instant in RFC 3339 form (`2026-01-09T07:40:00Z`), as UTC.
///
/// # Errors
/// chrono's reason when `raw` is not RFC 3339.
pub fn parse_rfc3339(raw: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{raw:?} is not an RFC 3339 time: {e}"))
}

/// The path or URL a site is served under, always ending in `/` (`/repo/`,
/// `https://you.github.io/repo/`).
///
/// # Errors
/// A message when `raw` is empty.
pub fn parse_base_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("the base URL is empty; use / for the site root".into());
    }
    let path = if let Some(rest) = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
    {
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        {
            return Err(format!(
                "{raw:?} needs a plain host name after the scheme (no user, password or spaces)"
            ));
        }
        path
    } else if let Some(path) = raw.strip_prefix('/').filter(|p| !p.starts_with('/')) {
        path
    } else {
        return Err(format!(
            "{raw:?} is neither a path starting with / nor an http(s):// URL (e.g. https://you.github.io/repo/)"
        ));
    };
    if path.split('/').any(|p| p == ".." || p == ".") {
        return Err(format!(
            "{raw:?} climbs with `..`; give the path the site is served under"
        ));
    }
    if let Some(c) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/-._~%!$&'()*+,;=:@".contains(*c)))
    {
        return Err(format!(
            "{raw:?} has {c:?} in its path; a base URL has no spaces, query (?) or fragment (#)"
        ));
    }
    let mut url = raw.to_owned();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

/// `--blog-path`: `blog/`, `/` or any relative folder path of the site; given back with a
/// trailing `/` and no leading one (`""` for the site root).
///
/// # Errors
/// A message when the path climbs (`..`), has a backslash, or names a scheme.
pub fn parse_blog_path(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err("the blog path is empty; use / for the site root".into());
    }
    let path = raw.trim().trim_matches('/');
    if path
        .split('/')
        .any(|p| p == ".." || p == "." || p.is_empty() && !path.is_empty())
        || !path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-._~".contains(c))
    {
        return Err(format!(
            "{raw:?} is not a folder of the site (letters, digits, - . _ ~ and /); use blog/ or / (the site root)"
        ));
    }
    Ok(if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_into_typed_values_or_say_what_was_expected() {
        assert_eq!(parse_month("2026-02").unwrap().to_string(), "2026-02");
        assert!(parse_month("2026-13").unwrap_err().contains("YYYY-MM"));
        assert!(parse_date("2026-02-30").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(parse_session_number(" 42 "), Ok(42));
        assert!(parse_session_number("00000000000000000000").is_err());
        assert!(
            parse_session_number("4x")
                .unwrap_err()
                .contains("digits only")
        );
        assert!(
            parse_session_id("../x")
                .unwrap_err()
                .contains("digits only")
        );
        assert_eq!(parse_confidence("0.6"), Ok(0.6));
        assert!(parse_confidence("1.5").is_err());
        assert!(parse_confidence("NaN").is_err());
        assert_eq!(parse_base_url("/repo").unwrap(), "/repo/");
        assert_eq!(parse_base_url("/").unwrap(), "/");
        assert_eq!(
            parse_base_url("https://x.github.io/repo").unwrap(),
            "https://x.github.io/repo/"
        );
        for bad in [
            "pat.example.com",
            "https://x/a b/",
            "https://x/?q=1#f",
            "//x.com/",
            "ftp://x/",
            "https:///",
        ] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
        assert!(parse_blog_path("?x").is_err() && parse_blog_path("").is_err());
        assert_eq!(parse_blog_path("/").unwrap(), "");
        assert_eq!(parse_blog_path("blog").unwrap(), "blog/");
        assert_eq!(parse_blog_path("/notes/blog/").unwrap(), "notes/blog/");
        assert!(parse_blog_path("../x").is_err());
        assert!(parse_rfc3339("2026-01-09T07:40:00Z").is_ok());
        assert!(parse_rfc3339("yesterday").is_err());
        assert_eq!(parse_hhmm("06:00").unwrap().to_string(), "06:00:00");
        assert_eq!(parse_grace("90m"), Ok(Duration::from_secs(5400)));
        let w = parse_window("23:00-07:00").unwrap();
        assert_eq!(
            (w.start.to_string(), w.end.to_string()),
            ("23:00:00".into(), "07:00:00".into())
        );
        // one-digit hours are taken wherever a time is, two-digit minutes always needed
        assert_eq!(parse_hhmm("6:00"), parse_hhmm("06:00"));
        assert_eq!(
            parse_window("6:00-7:30").unwrap().end.to_string(),
            "07:30:00"
        );
        for bad in [
            "6:3", "06:0", "24:00", "006:00", "6", "6:00pm", "-1:00", "+6:00",
        ] {
            assert!(parse_hhmm(bad).unwrap_err().contains("HH:MM"), "{bad}");
        }
        let e = parse_window("00:00-24:00").unwrap_err();
        assert!(e.contains("23:59") && e.contains("HH:MM-HH:MM"), "{e}");
        for bad in [
            "06:00-06:00",
            "6:00-6:00",
            "6:3-07:00",
            "24:00-06:00",
            "00:00",
            "00:00-06:00-07:00",
            "x",
        ] {
            assert!(
                parse_window(bad).unwrap_err().contains("HH:MM-HH:MM"),
                "{bad}"
            );
        }
        assert_eq!(parse_kwh("7.5"), Ok(7.5));
        for bad in ["0", "-1", "NaN", "97", "inf", "ten"] {
            assert!(parse_kwh(bad).is_err(), "{bad}");
        }
        assert!(parse_grace("5m").unwrap_err().contains("15m to 12h"));
        assert!(parse_grace("13h").is_err());
    }
}
