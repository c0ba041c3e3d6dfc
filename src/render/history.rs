//! History aggregates: energy, miles, sessions and cost per local day, month and year, per
//! vehicle. Computed once here; the page's script only slices them.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::sessions::SessionRow;

/// The metrics, in the order of each cell's values.
pub const METRICS: [&str; 4] = ["kwh", "miles", "sessions", "cost"];

/// View levels: a bar per day (a page is a month), per month (a page is a year), per year.
pub const LEVELS: [&str; 3] = ["day", "month", "year"];

/// Value order inside a session row of the table.
pub const SESSION_COLUMNS: [&str; 6] = ["id", "start", "vehicle", "kwh", "duration_s", "cost"];

/// One session of the history table: `[id, local start "YYYY-MM-DD HH:MM ZONE", vehicle column,
/// kWh, duration in seconds, cost or null]`, in plug-in order.
pub type TableRow = (String, String, usize, f64, u64, Option<f64>);

/// One level's aggregates, the compact JSON the history page loads.
#[derive(Debug, Clone, Serialize)]
pub struct LevelData {
    /// `day`, `month` or `year`.
    pub level: &'static str,
    /// Column order of each cell: vehicle ids, `unknown` last.
    pub vehicles: Vec<String>,
    /// Value order inside a cell.
    pub metrics: [&'static str; 4],
    /// Pages in order (`YYYY-MM` for days, `YYYY` for months, `all` for years).
    pub pages: Vec<String>,
    /// Period key -> one `[kwh, miles, sessions, cost]` per vehicle. Periods without
    /// sessions are left out.
    pub periods: BTreeMap<String, Vec<[f64; 4]>>,
    /// Value order inside a session row.
    pub session_columns: [&'static str; 6],
    /// Every session, for the page's table: the page needs no other request.
    pub sessions: Vec<TableRow>,
}

/// The three levels from the session rows; `vehicles` gives the column order.
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
    let table: Vec<TableRow> = rows
        .iter()
        .filter_map(|r| {
            let &c = col.get(r.vehicle_id.as_str())?;
            Some((
                r.id.clone(),
                format!("{} {}", r.local_start.format("%Y-%m-%d %H:%M"), r.zone),
                c,
                round3(r.energy_kwh),
                r.duration_s,
                r.cost.map(round3),
            ))
        })
        .collect();
    let make = |level, pages, periods| LevelData {
        level,
        vehicles: vehicles.to_vec(),
        metrics: METRICS,
        pages,
        periods,
        session_columns: SESSION_COLUMNS,
        sessions: table.clone(),
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
