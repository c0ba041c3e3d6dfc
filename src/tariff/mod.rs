//! The household's rate plan (tariff): time-of-use periods by season, weekday or weekend and
//! local hour, each with a price per kWh; and the split of a session's energy and cost among
//! them ([`split`]).
//!
//! A rate plan is written in `cph50.toml` under `[tariff]` (README, "Rate plan"), read by
//! [`crate::settings`] as a [`TariffSpec`] and checked here into a [`Tariff`]: every local
//! minute of every day type of every month must lie in exactly one period.
//!
//! # Local time
//!
//! Which period an instant is in is decided by the **wall clock**: the instant's local date
//! (its month gives the season, its weekday or a holiday gives the day type) and its local
//! time of day, as [`crate::clock::local_wall`] gives them. Instant -> wall clock is total and
//! unambiguous, so no DST policy is needed: on the 25-hour fall-back day the repeated hour
//! 01:00-02:00 counts twice in its period, and on the 23-hour spring-forward day the skipped
//! hour counts in none. A local day runs from [`crate::clock::local_day_start`] to the next,
//! as everywhere else.
//!
//! # Cheap window
//!
//! The periods marked `cheap = true`; when no period of a season is marked, that season's
//! lowest-priced period(s). "Charged after the cheap window" is the energy in the stretch of a
//! day's schedule that directly follows a cheap stretch (with SDG&E's EV-TOU-5: 06:00-16:00 on
//! weekdays, after super off-peak ends at 06:00).

mod holidays;
pub mod split;

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

pub use holidays::{FEDERAL, Federal, Holidays, Observed};
pub use split::{CurveSource, PeriodShare, Split, SplitInput};

/// Minutes in a local day's schedule (a day is 00:00-24:00 on the wall clock).
const DAY_MINUTES: u16 = 24 * 60;

/// `[tariff]` of `cph50.toml`, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TariffSpec {
    /// Name shown on the site and kept with each split (`"SDG&E EV-TOU-5"`).
    pub name: String,
    /// ISO currency of the prices; `"USD"` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Days priced as weekends: `YYYY-MM-DD` dates, federal holiday names (`thanksgiving`),
    /// or `us-federal` for all eleven.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
    /// How a named holiday on a weekend is observed: `federal` (Saturday -> Friday, Sunday ->
    /// Monday; the default), `sunday` (Sunday -> Monday only) or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holiday_observed: Option<String>,
    /// The seasons; every month 1..=12 in exactly one.
    pub season: Vec<SeasonSpec>,
    /// The periods: each entry gives hours of one season's days.
    pub period: Vec<PeriodSpec>,
}

/// `[[tariff.season]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeasonSpec {
    /// Name (`summer`).
    pub name: String,
    /// Months, 1..=12.
    pub months: Vec<u32>,
}

/// `[[tariff.period]]`: one period's hours on some days of one season.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodSpec {
    /// Period name (`super_off_peak`); entries with the same name and season are one period.
    pub name: String,
    /// The season's name.
    pub season: String,
    /// `weekday`, `weekend` (holidays included) or `all` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<String>,
    /// Only these months of the season (SDG&E's March-April weekday mornings); all when left
    /// out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<Vec<u32>>,
    /// Local wall-clock windows `HH:MM-HH:MM` (end `24:00` for midnight; a window that ends
    /// before it starts runs past midnight and covers both ends of each day); one or a list.
    pub hours: Hours,
    /// Price, in the currency per kWh.
    pub price_per_kwh: f64,
    /// Part of the cheap window (see the module documentation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cheap: Option<bool>,
}

/// One window or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Hours {
    /// `"00:00-06:00"`.
    One(String),
    /// `["06:00-16:00", "21:00-24:00"]`.
    Many(Vec<String>),
}

impl Hours {
    fn list(&self) -> Vec<&str> {
        match self {
            Hours::One(h) => vec![h.as_str()],
            Hours::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// A priced period of one season.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// Period name.
    pub name: String,
    /// Season name.
    pub season: String,
    /// Price per kWh, in [`Tariff::currency`].
    pub price_per_kwh: f64,
    /// Part of the cheap window.
    pub cheap: bool,
}

/// One stretch of a day's schedule: minutes `[start, end)` after local midnight in period
/// `period` (an index into [`Tariff::periods`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// First minute.
    pub start: u16,
    /// Minute after the last.
    pub end: u16,
    /// Index into [`Tariff::periods`].
    pub period: usize,
    /// Directly follows a cheap stretch and is not cheap itself.
    pub after_cheap: bool,
}

/// A checked rate plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Tariff {
    /// Name.
    pub name: String,
    /// ISO currency.
    pub currency: String,
    /// The priced periods, in order of first mention (season by season).
    pub periods: Vec<Period>,
    /// Holidays (priced as weekends).
    pub holidays: Holidays,
    /// `schedule[month - 1][0 weekday | 1 weekend]`: the day's slots, tiling 00:00-24:00.
    schedule: Vec<[Vec<Slot>; 2]>,
    /// Every minute at which some day's schedule changes period (0 included).
    boundaries: Vec<u16>,
    /// First 16 hex digits of the SHA-256 of the spec: changes when the plan does.
    pub fingerprint: String,
}

/// One window of a period entry while checking: `(start, end, period, entry index)`.
type Window = (u16, u16, usize, usize);

/// A day type of the schedule.
const DAY_TYPES: [&str; 2] = ["weekdays", "weekends"];

impl Tariff {
    /// Checks a spec: names, months, windows, prices, and that the periods cover every local
    /// minute of every day type of every month exactly once.
    ///
    /// # Errors
    /// A message that starts with the key at fault, as `cph50.toml` spells it
    /// (`tariff.period[2].hours: ...`), and names the first gap or overlap with its month and
    /// day type.
    pub fn new(spec: &TariffSpec) -> Result<Self, String> {
        let text = |key: &str, v: &str| -> Result<(), String> {
            if v.trim().is_empty() || v.chars().count() > 100 || v.chars().any(char::is_control) {
                Err(format!(
                    "{key}: must be 1 to 100 characters, no control characters"
                ))
            } else {
                Ok(())
            }
        };
        text("tariff.name", &spec.name)?;
        let currency = spec.currency.clone().unwrap_or_else(|| "USD".into());
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(format!(
                "tariff.currency: {currency:?} is not an ISO 4217 code such as \"USD\""
            ));
        }
        let holidays = parse_holidays(spec)?;
        // seasons: every month exactly once
        let mut season_of: [Option<usize>; 12] = [None; 12];
        for (i, s) in spec.season.iter().enumerate() {
            text(&format!("tariff.season[{i}].name"), &s.name)?;
            if spec.season[..i].iter().any(|o| o.name == s.name) {
                return Err(format!(
                    "tariff.season[{i}].name: {:?} is named twice",
                    s.name
                ));
            }
            for &m in &s.months {
                let key = format!("tariff.season[{i}].months");
                let slot = month_index(m).ok_or(format!("{key}: {m} is not a month 1..=12"))?;
                if let Some(other) = season_of[slot] {
                    return Err(format!(
                        "{key}: month {m} is also in season {:?}",
                        spec.season[other].name
                    ));
                }
                season_of[slot] = Some(i);
            }
        }
        if let Some(m) = season_of.iter().position(Option::is_none) {
            return Err(format!("tariff.season: month {} is in no season", m + 1));
        }
        // periods, and each entry's windows on each (month, day type)
        let mut periods: Vec<Period> = Vec::new();
        // (month, day type) -> (start, end, period, entry)
        let mut windows: Vec<[Vec<Window>; 2]> =
            (0..12).map(|_| [Vec::new(), Vec::new()]).collect();
        for (i, p) in spec.period.iter().enumerate() {
            let key = |k: &str| format!("tariff.period[{i}].{k}");
            text(&key("name"), &p.name)?;
            let season = spec
                .season
                .iter()
                .position(|s| s.name == p.season)
                .ok_or_else(|| {
                    format!(
                        "{}: {:?} is not a season of tariff.season",
                        key("season"),
                        p.season
                    )
                })?;
            if !(p.price_per_kwh.is_finite() && (0.0..=100.0).contains(&p.price_per_kwh)) {
                return Err(format!(
                    "{}: {} is not a price per kWh in 0..=100",
                    key("price_per_kwh"),
                    p.price_per_kwh
                ));
            }
            let days: &[usize] = match p.days.as_deref().unwrap_or("all") {
                // only the documented words: a near miss (`weekdays`) is named, not guessed
                "weekday" => &[0],
                "weekend" => &[1],
                "all" => &[0, 1],
                other => {
                    return Err(format!(
                        "{}: {other:?} is not a day type; expected \"weekday\", \"weekend\" (holidays included) or \"all\"",
                        key("days")
                    ));
                }
            };
            let season_months = &spec.season[season].months;
            let months: Vec<u32> = match &p.months {
                None => season_months.clone(),
                Some(list) => {
                    for m in list {
                        if !season_months.contains(m) {
                            return Err(format!(
                                "{}: month {m} is not in season {:?}",
                                key("months"),
                                p.season
                            ));
                        }
                    }
                    list.clone()
                }
            };
            let period = match periods
                .iter()
                .position(|q| q.name == p.name && q.season == p.season)
            {
                Some(at) => {
                    let q = &mut periods[at];
                    if q.price_per_kwh != p.price_per_kwh {
                        return Err(format!(
                            "{}: {} differs from the {} of the same period {:?} in season {:?} earlier",
                            key("price_per_kwh"),
                            p.price_per_kwh,
                            q.price_per_kwh,
                            p.name,
                            p.season
                        ));
                    }
                    q.cheap |= p.cheap.unwrap_or(false);
                    at
                }
                None => {
                    periods.push(Period {
                        name: p.name.clone(),
                        season: p.season.clone(),
                        price_per_kwh: p.price_per_kwh,
                        cheap: p.cheap.unwrap_or(false),
                    });
                    periods.len() - 1
                }
            };
            let hours = p.hours.list();
            if hours.is_empty() {
                return Err(format!("{}: no window given", key("hours")));
            }
            for h in hours {
                for (start, end) in parse_window(h).map_err(|e| format!("{}: {e}", key("hours")))? {
                    for &m in &months {
                        for &d in days {
                            windows[(m - 1) as usize][d].push((start, end, period, i));
                        }
                    }
                }
            }
        }
        // cheap: marked, else each season's lowest price
        for s in &spec.season {
            if !periods.iter().any(|p| p.season == s.name && p.cheap) {
                let low = periods
                    .iter()
                    .filter(|p| p.season == s.name)
                    .map(|p| p.price_per_kwh)
                    .fold(f64::INFINITY, f64::min);
                for p in periods.iter_mut().filter(|p| p.season == s.name) {
                    p.cheap = p.price_per_kwh == low;
                }
            }
        }
        let mut schedule = Vec::with_capacity(12);
        for (m, per_day) in windows.into_iter().enumerate() {
            let mut days: [Vec<Slot>; 2] = [Vec::new(), Vec::new()];
            for (d, mut list) in per_day.into_iter().enumerate() {
                list.sort_by_key(|w| (w.0, w.1));
                let place = format!("{} {}", month_name(m), DAY_TYPES[d]);
                let mut at = 0u16;
                let mut previous = None;
                let mut slots: Vec<Slot> = Vec::new();
                for &(start, end, period, entry) in &list {
                    if start > at {
                        return Err(format!(
                            "tariff.period: {place}: {}-{} is in no period (a gap)",
                            hhmm(at),
                            hhmm(start)
                        ));
                    }
                    if start < at {
                        let other: usize = previous.unwrap_or(entry);
                        return Err(format!(
                            "tariff.period[{entry}].hours: {place}: {}-{} overlaps tariff.period[{other}] ({:?})",
                            hhmm(start),
                            hhmm(at.min(end)),
                            spec.period[other].name
                        ));
                    }
                    previous = Some(entry);
                    match slots.last_mut() {
                        Some(last) if last.period == period => last.end = end,
                        _ => slots.push(Slot {
                            start,
                            end,
                            period,
                            after_cheap: false,
                        }),
                    }
                    at = end;
                }
                if at < DAY_MINUTES {
                    return Err(format!(
                        "tariff.period: {place}: {}-24:00 is in no period (a gap)",
                        hhmm(at)
                    ));
                }
                for i in 1..slots.len() {
                    slots[i].after_cheap =
                        periods[slots[i - 1].period].cheap && !periods[slots[i].period].cheap;
                }
                days[d] = slots;
            }
            schedule.push(days);
        }
        let boundaries: BTreeSet<u16> = schedule
            .iter()
            .flat_map(|d| d.iter().flatten().map(|s| s.start))
            .chain([0])
            .collect();
        let fingerprint = {
            use sha2::{Digest, Sha256};
            let canonical = serde_json::to_vec(spec).unwrap_or_default();
            hex::encode(Sha256::digest(&canonical))[..16].to_owned()
        };
        Ok(Self {
            name: spec.name.clone(),
            currency,
            periods,
            holidays,
            schedule,
            boundaries: boundaries.into_iter().collect(),
            fingerprint,
        })
    }

    /// The slots of local `date`: by its month, and weekend (Saturday, Sunday or a holiday)
    /// or weekday.
    pub fn day(&self, date: NaiveDate) -> &[Slot] {
        let weekend =
            matches!(date.weekday(), Weekday::Sat | Weekday::Sun) || self.holidays.contains(date);
        let month = date.month0() as usize;
        &self.schedule[month.min(11)][usize::from(weekend)]
    }

    /// The slot of local `date` at minute `minute` (0..1440) of its wall clock.
    pub fn slot(&self, date: NaiveDate, minute: u16) -> Slot {
        let day = self.day(date);
        day.iter()
            .copied()
            .find(|s| minute < s.end)
            .or_else(|| day.last().copied())
            .unwrap_or(Slot {
                start: 0,
                end: DAY_MINUTES,
                period: 0,
                after_cheap: false,
            })
    }

    /// Every `(season, period)` name pair, in the plan's order.
    pub fn period_names(&self) -> Vec<(String, String)> {
        self.periods
            .iter()
            .map(|p| (p.season.clone(), p.name.clone()))
            .collect()
    }

    /// Minutes after local midnight at which some day's schedule may change period.
    pub fn boundaries(&self) -> &[u16] {
        &self.boundaries
    }
}

/// The index 0..12 of month `m` (1..=12).
fn month_index(m: u32) -> Option<usize> {
    (1..=12).contains(&m).then(|| (m - 1) as usize)
}

fn month_name(m0: usize) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[m0.min(11)]
}

/// `HH:MM` of a minute of the day (`24:00` for the end of the day).
fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `"HH:MM-HH:MM"` as one or two `[start, end)` minute ranges (two when it runs past
/// midnight). `00:00-24:00` is the whole day; a window must not be empty.
fn parse_window(text: &str) -> Result<Vec<(u16, u16)>, String> {
    let bad = || format!("{text:?} is not a window \"HH:MM-HH:MM\" (such as \"00:00-06:00\")");
    let (a, b) = text.trim().split_once('-').ok_or_else(bad)?;
    let minute = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let (start, end) = (minute(a).ok_or_else(bad)?, minute(b).ok_or_else(bad)?);
    match start.cmp(&end) {
        std::cmp::Ordering::Less => Ok(vec![(start, end)]),
        std::cmp::Ordering::Equal => Err(format!("{text:?} is empty (start equals end)")),
        std::cmp::Ordering::Greater if start == DAY_MINUTES => Err(bad()),
        std::cmp::Ordering::Greater => {
            let mut out = vec![(start, DAY_MINUTES)];
            if end > 0 {
                out.insert(0, (0, end));
            }
            Ok(out)
        }
    }
}

/// The `holidays` and `holiday_observed` keys.
fn parse_holidays(spec: &TariffSpec) -> Result<Holidays, String> {
    let mut out = Holidays {
        dates: Vec::new(),
        federal: Vec::new(),
        observed: match spec.holiday_observed.as_deref().unwrap_or("federal") {
            "federal" => Observed::Federal,
            "sunday" => Observed::Sunday,
            "none" => Observed::None,
            other => {
                return Err(format!(
                    "tariff.holiday_observed: {other:?}; expected \"federal\", \"sunday\" or \"none\""
                ));
            }
        },
    };
    for (i, h) in spec.holidays.iter().enumerate() {
        let h = h.trim();
        if h == "us-federal" {
            out.federal.extend(FEDERAL.iter().map(|(_, f)| *f));
        } else if let Some((_, f)) = FEDERAL.iter().find(|(name, _)| *name == h) {
            out.federal.push(*f);
        } else if let Ok(date) = NaiveDate::parse_from_str(h, "%Y-%m-%d") {
            out.dates.push(date);
        } else {
            let names: Vec<&str> = FEDERAL.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "tariff.holidays[{i}]: {h:?} is not a date YYYY-MM-DD, \"us-federal\" or one of {}",
                names.join(", ")
            ));
        }
    }
    out.federal.sort();
    out.federal.dedup();
    Ok(out)
}

/// The README's sample plan (the `toml` block after `<!-- tariff-sample -->`), as a
/// `cph50.toml` text, for the tests that keep it valid.
#[cfg(test)]
pub(crate) fn readme_sample() -> String {
    let readme = include_str!("../../README.md");
    let rest = readme
        .split_once("<!-- tariff-sample -->")
        .map_or("", |(_, r)| r);
    let open = rest.find("```toml\n").map_or(0, |i| i + "```toml\n".len());
    let close = rest[open..].find("```").map_or(0, |i| open + i);
    rest[open..close].to_owned()
}

#[cfg(test)]
mod tests;
