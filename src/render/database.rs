//! The data as the tables of `cph50 export` (and of the site's `data/cph50.sqlite`): the rows
//! the site is made of, so an export and the pages show the same sessions, labels and totals.

use std::path::Path;

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::exports::vehicle_name;
use super::inputs::{Inputs, read_data};
use super::sessions::SessionRow;
use crate::error::Result;
use crate::export::{Row, Table, Tables, Value, schema};
use crate::store::records::{RunResult, RunType, UNKNOWN_VEHICLE, VehicleConfig};

/// Reads the data folder `data` (every file decoded and checked, as `build` does) and returns
/// its tables, local dates in `tz`, costs in `currency` (ISO 4217, the config file's).
///
/// # Errors
/// As `build`: the first data file that does not read or decode, named.
pub fn read_tables(data: &Path, tz: Tz, currency: &str) -> Result<Tables> {
    Ok(tables(&read_data(data, tz)?, tz, currency))
}

/// The export tables of data already read, costs in `currency`.
pub(super) fn tables(input: &Inputs, tz: Tz, currency: &str) -> Tables {
    let sessions = input
        .rows
        .iter()
        .map(|r| session_row(r, currency))
        .collect();
    let samples = input.rows.iter().flat_map(sample_rows).collect();
    let runs = input
        .runs
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let at = r.date.0.and_time(r.time_utc.0).and_utc();
            let local = at.with_timezone(&tz);
            Row {
                cells: vec![
                    Value::Int(i64::try_from(i + 1).unwrap_or(i64::MAX)),
                    Value::Text(r.run_id.clone()),
                    Value::Text(utc(at)),
                    Value::Text(local.format("%Y-%m-%d").to_string()),
                    Value::Text(local.format("%H:%M:%S").to_string()),
                    Value::Text(result_word(r.result).into()),
                    Value::Text(run_type_word(r.run_type).into()),
                    Value::Text(r.reason.clone()),
                    Value::opt_real(r.polling_duration_sec.map(|p| p.0)),
                ],
                part: None,
            }
        })
        .collect();
    Tables {
        tz: tz.name().to_owned(),
        tables: vec![
            Table {
                schema: &schema::VEHICLES,
                rows: vehicle_rows(&input.config),
            },
            Table {
                schema: &schema::SESSIONS,
                rows: sessions,
            },
            Table {
                schema: &schema::SAMPLES,
                rows: samples,
            },
            Table {
                schema: &schema::RUNS,
                rows: runs,
            },
        ],
    }
}

/// ISO 8601 UTC with a `Z`, to the second.
fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The configured cars in id order, then `unknown` (unless a car is called that).
fn vehicle_rows(config: &VehicleConfig) -> Vec<Row> {
    let mut rows: Vec<Row> = config
        .vehicles
        .iter()
        .map(|(id, v)| Row {
            cells: vec![
                Value::Text(id.clone()),
                Value::Text(vehicle_name(config, id)),
                v.year.map_or(Value::Null, |y| Value::Int(i64::from(y))),
                Value::opt_text(v.make.clone()),
                Value::opt_text(v.model.clone()),
                Value::opt_text(v.trim.clone()),
                Value::opt_real(v.battery_capacity_kwh.map(|x| x.0)),
                Value::opt_real(v.max_charge_rate_kw.map(|x| x.0)),
                Value::opt_real(v.efficiency_mi_per_kwh.map(|x| x.0)),
                Value::opt_text(v.display_color.clone()),
            ],
            part: None,
        })
        .collect();
    if !config.vehicles.contains_key(UNKNOWN_VEHICLE) {
        let mut cells = vec![
            Value::Text(UNKNOWN_VEHICLE.into()),
            Value::Text(vehicle_name(config, UNKNOWN_VEHICLE)),
        ];
        cells.resize(schema::VEHICLES.columns.len(), Value::Null);
        rows.push(Row { cells, part: None });
    }
    rows
}

/// The partition of a session: its local plug-in year and month.
fn part(r: &SessionRow) -> Option<(i32, u32)> {
    let d = r.local_date();
    Some((d.year(), d.month()))
}

fn session_row(r: &SessionRow, currency: &str) -> Row {
    Row {
        cells: vec![
            Value::Text(r.id.clone()),
            Value::Text(utc(r.start)),
            Value::opt_text(r.end.map(utc)),
            Value::Text(r.local_start.format("%Y-%m-%dT%H:%M:%S").to_string()),
            Value::Text(r.local_date().format("%Y-%m-%d").to_string()),
            Value::Text(r.local_date().format("%Y-%m").to_string()),
            Value::Int(i64::try_from(r.duration_s).unwrap_or(i64::MAX)),
            Value::Real(r.energy_kwh),
            Value::opt_real(r.cost),
            Value::opt_text(r.cost.map(|_| currency)),
            Value::opt_real(r.peak_kw),
            Value::opt_real(r.miles),
            Value::Text(r.vehicle_id.clone()),
            Value::opt_real(r.confidence),
            Value::opt_text(r.labeled_by),
        ],
        part: part(r),
    }
}

fn sample_rows(r: &SessionRow) -> impl Iterator<Item = Row> + '_ {
    r.samples.iter().enumerate().map(move |(i, p)| Row {
        cells: vec![
            Value::Text(r.id.clone()),
            Value::Int(i64::try_from(i).unwrap_or(i64::MAX)),
            Value::Text(utc(p.at)),
            Value::opt_real(p.power_kw),
            Value::opt_real(p.energy_kwh),
        ],
        part: part(r),
    })
}

fn result_word(r: RunResult) -> &'static str {
    match r {
        RunResult::Success => "success",
        RunResult::Failure => "failure",
        RunResult::Other => "other",
    }
}

fn run_type_word(t: RunType) -> &'static str {
    match t {
        RunType::Scheduled => "scheduled",
        RunType::ManualStart => "manual-start",
    }
}
