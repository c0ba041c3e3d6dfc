//! History aggregates: energy, miles, sessions and cost per local day, month and year, per
//! vehicle. Computed once here; the page's script only slices them.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::numbers::{self, Quantity};
use super::sessions::SessionRow;

/// The metrics, in the order of each cell's values.
pub const METRICS: [&str; 4] = ["kwh", "miles", "sessions", "cost"];

/// View levels: a bar per day (a page is a month), per month (a page is a year), per year.
pub const LEVELS: [&str; 3] = ["day", "month", "year"];

/// One level's aggregates, as the build uses them (the pages drawn at build time, the
/// dashboard's totals); its JSON form is [`LevelFile`].
#[derive(Debug, Clone)]
pub struct LevelData {
    /// `day`, `month` or `year`.
    pub level: &'static str,
    /// Column order of each cell: vehicle ids, `unknown` last.
    pub vehicles: Vec<String>,
    /// Pages in order (`YYYY-MM` for days, `YYYY` for months, `all` for years): every page
    /// from the first period with data to the last, empty ones in between included.
    pub pages: Vec<String>,
    /// Period key -> one `[kwh, miles, sessions, cost]` per vehicle. Periods without
    /// sessions are left out.
    pub periods: BTreeMap<String, Vec<[f64; 4]>>,
}

/// A number written as compactly as JSON allows: a whole value without `.0` (`16`, not
/// `16.0`), others as `serde_json` writes an `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // whole values up to 2^53 are exact as integers
        if self.0.fract() == 0.0 && self.0.abs() < 9_007_199_254_740_992.0 {
            #[allow(clippy::cast_possible_truncation)]
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

/// `api/v1/history-<level>.json`: one level's aggregates for the history page's chart, no
/// sessions (those are in [`SessionsFile`], fetched once for all levels).
///
/// Shape, with `P` periods, one after the other from `first` (every day, month or year from
/// the first with data to the last, empty ones included, so no period is named twice):
///
/// ```json
/// {"level": "day", "vehicles": ["car_a", "car_b", "unknown"],
///  "metrics": ["kwh", "miles", "sessions", "cost"], "first": "2016-11-02",
///  "pages": ["2016-11", "2016-12", …],
///  "values": [[[12.801, 0, 46.295, …P values] …per vehicle] …per metric]}
/// ```
///
/// `values[m][v][p]` is metric `m` of vehicle `v` in period `p` (the period `first` + `p`
/// days, months or years). Units: kWh received that period (a session past midnight split
/// along its curve); miles (kWh x the vehicle's efficiency, split the same way); sessions
/// begun that period (whole); cost in the account's currency (ChargePoint's amount, split
/// like the kWh). Values are rounded to 3 decimals.
#[derive(Debug, Clone, Serialize)]
pub struct LevelFile {
    /// `day`, `month` or `year`.
    pub level: &'static str,
    /// The vehicle ids, in the order of `values[m]`; `unknown` last.
    pub vehicles: Vec<String>,
    /// The metric names, in the order of `values`.
    pub metrics: [&'static str; 4],
    /// The first period: `YYYY-MM-DD` (day), `YYYY-MM` (month) or `YYYY` (year); empty when
    /// there is no session.
    pub first: String,
    /// The pages the previous/next buttons step through, as [`LevelData::pages`].
    pub pages: Vec<String>,
    /// `values[metric][vehicle][period]`, periods consecutive from `first`.
    pub values: Vec<Vec<Vec<Num>>>,
}

impl LevelData {
    /// The compact JSON form of this level: consecutive periods from the first with data, a
    /// column of values per metric and vehicle.
    pub fn file(&self) -> LevelFile {
        let keys = self.period_keys();
        let values = (0..METRICS.len())
            .map(|m| {
                (0..self.vehicles.len())
                    .map(|v| {
                        keys.iter()
                            .map(|k| Num(self.periods.get(k).map_or(0.0, |cells| cells[v][m])))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        LevelFile {
            level: self.level,
            vehicles: self.vehicles.clone(),
            metrics: METRICS,
            first: keys.first().cloned().unwrap_or_default(),
            pages: self.pages.clone(),
            values,
        }
    }

    /// Every period key from the first in `periods` to the last, in order.
    fn period_keys(&self) -> Vec<String> {
        let (Some(first), Some(last)) =
            (self.periods.keys().next(), self.periods.keys().next_back())
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut key = first.clone();
        // keys sort as their periods do; a malformed one ends the walk
        while key <= *last {
            out.push(key.clone());
            match next_period(&key) {
                Some(next) => key = next,
                None => break,
            }
        }
        out
    }
}

/// The period after `key` (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`), in the same form.
fn next_period(key: &str) -> Option<String> {
    match key.len() {
        10 => NaiveDate::parse_from_str(key, "%Y-%m-%d")
            .ok()?
            .succ_opt()
            .map(|d| d.format("%Y-%m-%d").to_string()),
        7 => {
            let (y, m) = (key[..4].parse::<i32>().ok()?, key[5..].parse::<u32>().ok()?);
            Some(if m >= 12 {
                format!("{:04}-01", y + 1)
            } else {
                format!("{y:04}-{:02}", m + 1)
            })
        }
        4 => Some(format!("{:04}", key.parse::<i32>().ok()? + 1)),
        _ => None,
    }
}

/// `api/v1/history-sessions.json`: every session once, in columns, for the history page's
/// table at every level. Column `i` of each array is the `i`-th session in plug-in order.
///
/// Shape:
///
/// ```json
/// {"vehicles": ["car_a", "car_b", "unknown"], "zones": ["PST", "PDT"],
///  "id": ["1002892732", …], "start_min": [24681249, 1611, …], "zone": [1, 1, …],
///  "vehicle": [0, 1, …], "kwh": [12.8, …], "duration_s": [7472, …], "cost": [1.56, null, …]}
/// ```
///
/// - `id`: ChargePoint's session id (the session page is `sessions/<id>.html`).
/// - `start_min`: the local plug-in wall-clock time in minutes since 1970-01-01 00:00 of the
///   same wall clock (seconds dropped), delta-coded: the first value is absolute, each next one
///   is the difference from the one before (negative across a fall-back DST change).
/// - `zone`: index into `zones`, the zone abbreviation at plug-in.
/// - `vehicle`: index into `vehicles`.
/// - `kwh`: energy delivered, kWh; `duration_s`: plugged-in time, seconds; `cost`:
///   ChargePoint's amount in the account's currency, `null` when unknown. kWh and cost are
///   rounded as the pages show them ([`numbers::round`]), so the table the script draws reads
///   as the one the build wrote (rounding twice, to 3 decimals then 2, could differ).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SessionsFile {
    /// Vehicle ids, in the order the levels use; `vehicle` indexes it.
    pub vehicles: Vec<String>,
    /// Zone abbreviations; `zone` indexes it.
    pub zones: Vec<String>,
    /// Session ids.
    pub id: Vec<String>,
    /// Local start, minutes, delta-coded (see the type's documentation).
    pub start_min: Vec<i64>,
    /// Index into `zones`.
    pub zone: Vec<usize>,
    /// Index into `vehicles`.
    pub vehicle: Vec<usize>,
    /// kWh.
    pub kwh: Vec<Num>,
    /// Seconds.
    pub duration_s: Vec<u64>,
    /// Account currency, or `null`.
    pub cost: Vec<Option<Num>>,
}

/// The history table's sessions file from the session rows (in plug-in order); `vehicles`
/// gives the column order. A session whose vehicle is not in `vehicles` is left out, as the
/// levels leave it out.
pub fn sessions_file(rows: &[SessionRow], vehicles: &[String]) -> SessionsFile {
    let mut out = SessionsFile {
        vehicles: vehicles.to_vec(),
        ..SessionsFile::default()
    };
    let mut previous = 0;
    for r in rows {
        let Some(c) = vehicles.iter().position(|v| *v == r.vehicle_id) else {
            continue;
        };
        let zone = match out.zones.iter().position(|z| *z == r.zone) {
            Some(i) => i,
            None => {
                out.zones.push(r.zone.clone());
                out.zones.len() - 1
            }
        };
        let minutes = r.local_start.and_utc().timestamp().div_euclid(60);
        out.start_min.push(minutes - previous);
        previous = minutes;
        out.id.push(r.id.clone());
        out.zone.push(zone);
        out.vehicle.push(c);
        out.kwh
            .push(Num(numbers::round(r.energy_kwh, Quantity::Energy)));
        out.duration_s.push(r.duration_s);
        out.cost
            .push(r.cost.map(|c| Num(numbers::round(c, Quantity::Money))));
    }
    out
}

/// The three levels from the session rows; `vehicles` gives the column order. Sessions of a
/// vehicle not in `vehicles` are left out.
pub fn levels(rows: &[SessionRow], vehicles: &[String]) -> Vec<LevelData> {
    let col: BTreeMap<&str, usize> = vehicles
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_str(), i))
        .collect();
    let mut days: BTreeMap<NaiveDate, Vec<[f64; 4]>> = BTreeMap::new();
    for r in rows {
        let Some(&c) = col.get(r.vehicle_id.as_str()) else {
            continue;
        };
        let total = r.energy_kwh;
        let start_day = r.local_date();
        for &(day, kwh) in &r.days {
            let share = if total > 0.0 { kwh / total } else { 0.0 };
            let cell = &mut days
                .entry(day)
                .or_insert_with(|| vec![[0.0; 4]; vehicles.len()])[c];
            cell[0] += kwh;
            cell[1] += r.miles.unwrap_or(0.0) * share;
            cell[3] += r.cost.unwrap_or(0.0) * share;
        }
        // A session counts once, on the day it began.
        days.entry(start_day)
            .or_insert_with(|| vec![[0.0; 4]; vehicles.len()])[c][2] += 1.0;
    }
    let key_day = |d: &NaiveDate| d.format("%Y-%m-%d").to_string();
    let key_month = |d: &NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    let key_year = |d: &NaiveDate| format!("{:04}", d.year());
    let day = roll(&days, key_day);
    let month = roll(&days, key_month);
    let year = roll(&days, key_year);
    let (first, last) = match (days.keys().next(), days.keys().next_back()) {
        (Some(f), Some(l)) => (*f, *l),
        _ => return Vec::new(),
    };
    let mut months = Vec::new();
    let mut m = first.with_day(1).unwrap_or(first);
    while m <= last {
        months.push(key_month(&m));
        m = m.checked_add_months(chrono::Months::new(1)).unwrap_or(last);
        if months.len() > 100_000 {
            break;
        }
    }
    let years: Vec<String> = (first.year()..=last.year())
        .map(|y| format!("{y:04}"))
        .collect();
    let make = |level, pages, periods| LevelData {
        level,
        vehicles: vehicles.to_vec(),
        pages,
        periods,
    };
    vec![
        make("day", months, day),
        make("month", years, month),
        make("year", vec!["all".to_owned()], year),
    ]
}

fn roll(
    days: &BTreeMap<NaiveDate, Vec<[f64; 4]>>,
    key: impl Fn(&NaiveDate) -> String,
) -> BTreeMap<String, Vec<[f64; 4]>> {
    let mut out: BTreeMap<String, Vec<[f64; 4]>> = BTreeMap::new();
    for (d, cells) in days {
        let sum = out
            .entry(key(d))
            .or_insert_with(|| vec![[0.0; 4]; cells.len()]);
        for (acc, cell) in sum.iter_mut().zip(cells) {
            for i in 0..4 {
                acc[i] += cell[i];
            }
        }
    }
    for cells in out.values_mut() {
        for cell in cells.iter_mut() {
            for v in cell.iter_mut() {
                *v = round3(*v);
            }
        }
    }
    out
}

/// Rounds to 3 decimals (and turns -0 into 0) so output is compact and stable.
pub fn round3(v: f64) -> f64 {
    let r = (v * 1000.0).round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// The bars of one page of one level: (period key, short label).
pub fn page_periods(level: &str, page: &str, all_years: &[String]) -> Vec<(String, String)> {
    match level {
        "day" => {
            let Some(first) = NaiveDate::parse_from_str(&format!("{page}-01"), "%Y-%m-%d").ok()
            else {
                return Vec::new();
            };
            first
                .iter_days()
                .take_while(|d| d.month() == first.month())
                .map(|d| (d.format("%Y-%m-%d").to_string(), d.day().to_string()))
                .collect()
        }
        "month" => (1..=12)
            .filter_map(|m| {
                let d = NaiveDate::from_ymd_opt(page.parse().ok()?, m, 1)?;
                Some((format!("{page}-{m:02}"), d.format("%b").to_string()))
            })
            .collect(),
        _ => all_years.iter().map(|y| (y.clone(), y.clone())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(name: &'static str, periods: &[(&str, f64)]) -> LevelData {
        LevelData {
            level: name,
            vehicles: vec!["car".to_owned()],
            pages: Vec::new(),
            periods: periods
                .iter()
                .map(|(k, kwh)| ((*k).to_owned(), vec![[*kwh, 0.0, 1.0, 0.5]]))
                .collect(),
        }
    }

    #[test]
    fn a_level_file_has_every_period_from_the_first_with_zeros_between() {
        // across a month end, a year end and a leap day
        let day = level("day", &[("2024-02-28", 1.5), ("2024-03-01", 2.0)]).file();
        assert_eq!(day.first, "2024-02-28");
        assert_eq!(
            day.values[0][0],
            [Num(1.5), Num(0.0), Num(2.0)],
            "28 Feb, 29 Feb (empty), 1 Mar"
        );
        let month = level("month", &[("2023-11", 3.0), ("2024-01", 4.0)]).file();
        assert_eq!(month.values[0][0], [Num(3.0), Num(0.0), Num(4.0)]);
        let year = level("year", &[("2022", 5.0), ("2024", 6.0)]).file();
        assert_eq!(year.first, "2022");
        assert_eq!(year.values[2][0], [Num(1.0), Num(0.0), Num(1.0)]);
        assert!(level("day", &[]).file().values[0][0].is_empty());
    }

    #[test]
    fn whole_numbers_are_written_without_a_fraction() {
        let json = serde_json::to_string(&[Num(16.0), Num(0.0), Num(2.5), Num(-3.0)]).unwrap();
        assert_eq!(json, "[16,0,2.5,-3]");
    }
}
