//! Template-facing view structs, built from stored records. Templates see only these.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::charts::{self, Bar};
use super::exports::vehicle_name;
use super::history::{LevelData, page_periods};
use super::numbers::{Numbers, Quantity};
use super::sessions::SessionRow;
use crate::store::records::{LastSession, RunResult, Runs, UNKNOWN_VEHICLE, VehicleConfig};

/// Colour of the "unknown vehicle" series and swatch.
pub const UNKNOWN_COLOUR: &str = "#767676";
const PALETTE: [&str; 4] = ["#1b6ac9", "#b3261e", "#2e7d32", "#8e24aa"];

/// A vehicle as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct VehicleView {
    /// Vehicle id (`unknown` for the classifier's "don't know").
    pub id: String,
    /// Nickname or model.
    pub name: String,
    /// "2024 Chevrolet Equinox EV 2LT".
    pub model: String,
    /// Paint colour name.
    pub paint: String,
    /// `#RRGGBB` swatch colour (checked, so it is safe in an attribute).
    pub colour: String,
    /// Miles per kWh.
    pub efficiency: Option<f64>,
}

/// The vehicles in chart order: configured ids (sorted), then `unknown`.
pub fn vehicle_views(config: &VehicleConfig) -> Vec<VehicleView> {
    let mut out: Vec<VehicleView> = config
        .vehicles
        .iter()
        .enumerate()
        .map(|(i, (id, v))| {
            let model = [
                v.year.map(|y| y.to_string()),
                v.make.clone(),
                v.model.clone(),
                v.trim.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            VehicleView {
                id: id.clone(),
                name: vehicle_name(config, id),
                model,
                paint: v.paint_color.clone().unwrap_or_default(),
                colour: v
                    .paint_color_hex
                    .as_deref()
                    .filter(|h| is_hex_colour(h))
                    .map(str::to_owned)
                    .unwrap_or_else(|| PALETTE[i % PALETTE.len()].to_owned()),
                efficiency: v.efficiency_mi_per_kwh.map(|e| e.0),
            }
        })
        .collect();
    out.push(VehicleView {
        id: UNKNOWN_VEHICLE.to_owned(),
        name: "Unknown vehicle".to_owned(),
        model: "not recognised by the classifier".to_owned(),
        paint: String::new(),
        colour: UNKNOWN_COLOUR.to_owned(),
        efficiency: None,
    });
    out
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Hours and minutes, `5 h 59 min`.
pub fn duration_text(seconds: u64) -> String {
    let m = seconds / 60;
    if m >= 60 {
        format!("{} h {:02} min", m / 60, m % 60)
    } else {
        format!("{m} min")
    }
}

/// The dashboard's view of `last_session.json`.
#[derive(Debug, Clone, Serialize)]
pub struct NowView {
    /// "Charging", "Connected, not charging" or "Not connected".
    pub state: &'static str,
    /// CSS class of the badge.
    pub badge: &'static str,
    /// Current power, kW.
    pub power_kw: Option<f64>,
    /// Energy this session, kWh.
    pub energy_kwh: Option<f64>,
    /// Duration text, `5 h 59 min` (see [`duration_text`]).
    pub duration: Option<String>,
    /// Miles added (energy x efficiency).
    pub miles: Option<f64>,
    /// Local time of the poll, as stored.
    pub detected_at: String,
    /// UTC time of the poll (RFC 3339), for "updated N min ago".
    pub timestamp: String,
    /// The vehicle.
    pub vehicle: VehicleView,
    /// Confidence in percent.
    pub confidence_pct: Option<i64>,
}

/// The dashboard's "now" block.
pub fn now_view(last: &LastSession, vehicles: &[VehicleView]) -> NowView {
    let vid = last.vehicle_id.as_deref().unwrap_or(UNKNOWN_VEHICLE);
    let vehicle = vehicles
        .iter()
        .find(|v| v.id == vid)
        .or_else(|| vehicles.last())
        .cloned()
        .unwrap_or_else(|| vehicle_views(&empty_config()).remove(0));
    let (state, badge) = match (last.charging, last.connected) {
        (true, _) => ("Charging", "charging"),
        (false, true) => ("Connected, not charging", "connected"),
        (false, false) => ("Not connected", "idle"),
    };
    let energy = last.energy_kwh.map(|e| e.0);
    NowView {
        state,
        badge,
        power_kw: last.power_kw.map(|p| p.0),
        energy_kwh: energy,
        duration: last
            .duration_minutes
            .map(|m| duration_text(m.saturating_mul(60))),
        miles: energy
            .zip(vehicle.efficiency)
            .map(|(e, k)| (e * k * 10.0).round() / 10.0),
        detected_at: last.detected_at.to_string(),
        timestamp: last.timestamp.to_string(),
        confidence_pct: last
            .vehicle_confidence
            .map(|c| (c.0 * 100.0).round() as i64),
        vehicle,
    }
}

fn empty_config() -> VehicleConfig {
    VehicleConfig {
        vehicles: Default::default(),
        last_updated: None,
        extra: Default::default(),
    }
}

/// The schedule's health: the latest daily start and days without any run.
#[derive(Debug, Clone, Serialize)]
pub struct HealthView {
    /// "2026-10-31 06:22:34 (local)": the run's `date` and `time_pt`, or empty.
    pub last_run: String,
    /// `success`, `failure` or `other`.
    pub last_result: String,
    /// Why.
    pub last_reason: String,
    /// Days of the last 14 (up to the latest run) with no run recorded.
    pub missing_days: Vec<String>,
}

/// The health block from `runs.json`.
pub fn health_view(runs: &Runs) -> HealthView {
    let Some(last) = runs.runs.last() else {
        return HealthView {
            last_run: String::new(),
            last_result: String::new(),
            last_reason: String::new(),
            missing_days: Vec::new(),
        };
    };
    let days: BTreeSet<NaiveDate> = runs.runs.iter().map(|r| r.date.0).collect();
    let first = runs.runs.first().map_or(last.date.0, |r| r.date.0);
    let missing_days = (0..14)
        .filter_map(|i| last.date.0.checked_sub_days(Days::new(i)))
        .filter(|d| *d >= first && !days.contains(d))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    HealthView {
        last_run: format!("{} {} (local)", last.date.0, last.time_pt.0),
        // what the record's `result` means for the daily start (data dictionary, runs.json)
        last_result: match last.result {
            RunResult::Success => "charging started",
            RunResult::Failure => "failed",
            RunResult::Other => "not started",
        }
        .to_owned(),
        last_reason: last.reason.clone(),
        missing_days,
    }
}

/// A row of a per-vehicle totals table.
#[derive(Debug, Clone, Serialize)]
pub struct TotalsRow {
    /// Vehicle display name.
    pub name: String,
    /// Swatch colour.
    pub colour: String,
    /// kWh.
    pub kwh: f64,
    /// Miles; `None` when the vehicle has no efficiency figure (`efficiency_mi_per_kwh`), so
    /// its miles cannot be estimated (not 0).
    pub miles: Option<f64>,
    /// Sessions.
    pub sessions: f64,
    /// ChargePoint's amounts, in the account's currency.
    pub cost: f64,
}

/// Per-vehicle totals of one period of a level (vehicles with nothing are left out).
pub fn totals(level: &LevelData, key: &str, vehicles: &[VehicleView]) -> Vec<TotalsRow> {
    let Some(cells) = level.periods.get(key) else {
        return Vec::new();
    };
    cells
        .iter()
        .zip(vehicles)
        .filter(|(c, _)| c[0] > 0.0 || c[2] > 0.0)
        .map(|(c, v)| TotalsRow {
            name: v.name.clone(),
            colour: v.colour.clone(),
            kwh: c[0],
            miles: v.efficiency.map(|_| c[1]),
            sessions: c[2],
            cost: c[3],
        })
        .collect()
}

/// The totals of one page of a level, `[kWh, miles, sessions, cost]`, added up as the history
/// page's script adds them: the page's periods in order, each vehicle's cell in column order,
/// from the same rounded cells. A total added another way (the month's own cell, rounded by
/// itself) can differ in its last decimal, and the page would show two figures for one month.
/// Miles are `None` when no vehicle has an efficiency figure.
pub fn page_sums(level: &LevelData, page: &str, vehicles: &[VehicleView]) -> ([f64; 4], bool) {
    let mut sums = [0.0; 4];
    for (key, _) in page_periods(level.level, page, &level.pages) {
        if let Some(cells) = level.periods.get(&key) {
            for cell in cells {
                for (sum, v) in sums.iter_mut().zip(cell) {
                    *sum += v;
                }
            }
        }
    }
    (sums, vehicles.iter().any(|v| v.efficiency.is_some()))
}

/// Stacked bars of one page of a level, for `metric` (index into the cell), its figures
/// written by `numbers`.
pub fn level_chart(
    level: &LevelData,
    page: &str,
    metric: usize,
    vehicles: &[VehicleView],
    numbers: &Numbers,
) -> String {
    let bars: Vec<Bar> = page_periods(level.level, page, &level.pages)
        .into_iter()
        .map(|(key, label)| {
            let values = level
                .periods
                .get(&key)
                .map(|cells| cells.iter().map(|c| c[metric]).collect())
                .unwrap_or_else(|| vec![0.0; vehicles.len()]);
            Bar { key, label, values }
        })
        .collect();
    let series: Vec<(String, String)> = vehicles
        .iter()
        .map(|v| (v.name.clone(), v.colour.clone()))
        .collect();
    charts::stacked_bars(
        "Energy per day, kWh, stacked by vehicle",
        &bars,
        &series,
        ("kWh", "day of the month"),
        Quantity::Energy,
        numbers,
    )
}

/// A session as the table and its page show it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    /// Session id.
    pub id: String,
    /// Local start, `2026-03-23 20:22 PDT`.
    pub start: String,
    /// Local start date.
    pub date: String,
    /// kWh.
    pub kwh: f64,
    /// Miles.
    pub miles: Option<f64>,
    /// Duration text.
    pub duration: String,
    /// ChargePoint's amount, in the account's currency.
    pub cost: Option<f64>,
    /// Peak kW.
    pub peak_kw: Option<f64>,
    /// Vehicle.
    pub vehicle: VehicleView,
    /// Confidence, percent.
    pub confidence_pct: Option<i64>,
    /// How the vehicle was labelled, in words.
    pub labeled: String,
    /// Power readings on the chart.
    pub samples: usize,
    /// Whether the chart holds the whole session (ChargePoint's curve kept in the cache), not
    /// only the first minutes' samples.
    pub whole_curve: bool,
    /// Whether ChargePoint sent no curve for the ended session (only the first minutes, if
    /// any, are shown, and that will not change).
    pub curve_not_kept: bool,
    /// Energy per local day, when the session crossed midnight.
    pub days: Vec<(String, f64)>,
}

/// The view of one session row.
pub fn session_view(r: &SessionRow, vehicles: &[VehicleView]) -> SessionView {
    let vehicle = vehicles
        .iter()
        .find(|v| v.id == r.vehicle_id)
        .or_else(|| vehicles.last())
        .cloned()
        .unwrap_or_else(|| vehicle_views(&empty_config()).remove(0));
    let unknown = vehicle.id == UNKNOWN_VEHICLE;
    SessionView {
        id: r.id.clone(),
        start: format!("{} {}", r.local_start.format("%Y-%m-%d %H:%M"), r.zone),
        date: r.local_date().format("%Y-%m-%d").to_string(),
        kwh: r.energy_kwh,
        miles: r.miles.map(|m| (m * 10.0).round() / 10.0),
        duration: duration_text(r.duration_s),
        cost: r.cost,
        peak_kw: r.peak_kw,
        vehicle,
        confidence_pct: r.confidence.map(|c| (c * 100.0).round() as i64),
        labeled: match r.labeled_by {
            Some("manual") => "labelled by hand (cph50 label)".to_owned(),
            Some(_) if unknown => "the classifier named no car from the power curve".to_owned(),
            Some(_) => "recognised by the classifier from the power curve".to_owned(),
            None => "from the ChargePoint session cache (no session file)".to_owned(),
        },
        samples: r.curve.len(),
        whole_curve: r.whole_curve,
        curve_not_kept: r.curve_not_kept,
        days: if r.days.len() > 1 {
            r.days
                .iter()
                .map(|(d, e)| (d.format("%Y-%m-%d").to_string(), *e))
                .collect()
        } else {
            Vec::new()
        },
    }
}
