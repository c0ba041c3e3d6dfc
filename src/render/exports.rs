//! Machine-readable exports: `data/sessions.csv` (RFC 4180) and the `api/v1/*.json` files.

use serde::Serialize;

use super::history::round3;
use super::sessions::SessionRow;
use crate::store::records::VehicleConfig;

/// The CSV header, also the documented column list.
pub const CSV_COLUMNS: [&str; 14] = [
    "session_id",
    "start_utc",
    "end_utc",
    "start_local",
    "local_date",
    "duration_seconds",
    "energy_kwh",
    "miles",
    "cost",
    "peak_power_kw",
    "vehicle_id",
    "vehicle_name",
    "vehicle_confidence",
    "labeled_by",
];

/// One session as exported (CSV row and `api/v1/sessions.json` item).
#[derive(Debug, Clone, Serialize)]
pub struct ExportSession {
    /// ChargePoint session id.
    pub session_id: String,
    /// Plug-in time, UTC RFC 3339.
    pub start_utc: String,
    /// Unplug time, UTC RFC 3339; `null` while open.
    pub end_utc: Option<String>,
    /// Local plug-in time with zone abbreviation.
    pub start_local: String,
    /// Local plug-in date.
    pub local_date: String,
    /// Plugged-in seconds.
    pub duration_seconds: u64,
    /// Energy, kWh.
    pub energy_kwh: f64,
    /// Estimated miles added; `null` for unknown cars.
    pub miles: Option<f64>,
    /// ChargePoint's amount for the session, in the account's currency.
    pub cost: Option<f64>,
    /// Highest power, kW.
    pub peak_power_kw: Option<f64>,
    /// Vehicle id or `unknown`.
    pub vehicle_id: String,
    /// Display name.
    pub vehicle_name: String,
    /// Confidence of the label, 0..1.
    pub vehicle_confidence: Option<f64>,
    /// `classifier`, `manual`, or `null`.
    pub labeled_by: Option<&'static str>,
}

/// The display name of a vehicle id.
pub fn vehicle_name(vehicles: &VehicleConfig, id: &str) -> String {
    vehicles
        .vehicles
        .get(id)
        .map(|v| {
            v.nickname
                .clone()
                .or_else(|| v.model.clone())
                .unwrap_or_else(|| id.to_owned())
        })
        .unwrap_or_else(|| "Unknown vehicle".to_owned())
}

/// Export rows, in session order.
pub fn export_sessions(rows: &[SessionRow], vehicles: &VehicleConfig) -> Vec<ExportSession> {
    rows.iter()
        .map(|r| ExportSession {
            session_id: r.id.clone(),
            start_utc: r.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            end_utc: r
                .end
                .map(|e| e.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)),
            start_local: format!("{} {}", r.local_start.format("%Y-%m-%d %H:%M:%S"), r.zone),
            local_date: r.local_date().format("%Y-%m-%d").to_string(),
            duration_seconds: r.duration_s,
            energy_kwh: round3(r.energy_kwh),
            miles: r.miles.map(round3),
            cost: r.cost.map(round3),
            peak_power_kw: r.peak_kw.map(round3),
            vehicle_id: r.vehicle_id.clone(),
            vehicle_name: vehicle_name(vehicles, &r.vehicle_id),
            vehicle_confidence: r.confidence.map(round3),
            labeled_by: r.labeled_by,
        })
        .collect()
}

/// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF.
pub fn sessions_csv(rows: &[ExportSession]) -> String {
    let mut out = String::new();
    push_record(&mut out, CSV_COLUMNS.iter().map(|c| (*c).to_owned()));
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in rows {
        push_record(
            &mut out,
            [
                r.session_id.clone(),
                r.start_utc.clone(),
                r.end_utc.clone().unwrap_or_default(),
                r.start_local.clone(),
                r.local_date.clone(),
                r.duration_seconds.to_string(),
                r.energy_kwh.to_string(),
                opt(r.miles),
                opt(r.cost),
                opt(r.peak_power_kw),
                r.vehicle_id.clone(),
                r.vehicle_name.clone(),
                opt(r.vehicle_confidence),
                r.labeled_by.unwrap_or("").to_owned(),
            ]
            .into_iter(),
        );
    }
    out
}

fn push_record(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_quotes_and_newlines() {
        let mut out = String::new();
        push_record(
            &mut out,
            ["a".into(), "b,c".into(), "say \"hi\"".into(), "x\ny".into()].into_iter(),
        );
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\r\n");
    }
}
