//! Machine-readable exports: `data/sessions.csv` (RFC 4180) and the `api/v1/*.json` files.

use serde::Serialize;

use super::history::round3;
use super::numbers::{Quantity, round};
use super::sessions::SessionRow;
use crate::store::records::VehicleConfig;

/// The CSV header, also the documented column list.
pub const CSV_COLUMNS: [&str; 15] = [
    "session_id",
    "start_utc",
    "end_utc",
    "start_local",
    "local_date",
    "duration_seconds",
    "energy_kwh",
    "miles",
    "cost",
    "currency",
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
    /// Energy, kWh, with the site's decimals ([`Quantity::Energy`]).
    pub energy_kwh: f64,
    /// Estimated miles added, whole ([`Quantity::Miles`]); `null` for unknown cars and cars
    /// without an efficiency figure.
    pub miles: Option<f64>,
    /// ChargePoint's amount for the session, in `currency`, 2 decimals ([`Quantity::Money`]).
    pub cost: Option<f64>,
    /// ISO 4217 code of `cost` (the config file's `currency`); `null` when `cost` is.
    pub currency: Option<String>,
    /// Highest power, kW, with the site's decimals ([`Quantity::Power`]).
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

/// Export rows, in session order: each figure rounded to its quantity's decimals (the rule of
/// the pages, [`super::numbers`]), costs in `currency`.
pub fn export_sessions(
    rows: &[SessionRow],
    vehicles: &VehicleConfig,
    currency: &str,
) -> Vec<ExportSession> {
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
            energy_kwh: round(r.energy_kwh, Quantity::Energy),
            miles: r.miles.map(|m| round(m, Quantity::Miles)),
            cost: r.cost.map(|c| round(c, Quantity::Money)),
            currency: r.cost.map(|_| currency.to_owned()),
            peak_power_kw: r.peak_kw.map(|p| round(p, Quantity::Power)),
            vehicle_id: r.vehicle_id.clone(),
            vehicle_name: vehicle_name(vehicles, &r.vehicle_id),
            vehicle_confidence: r.confidence.map(round3),
            labeled_by: r.labeled_by,
        })
        .collect()
}

/// RFC 4180 CSV, written by the `csv` crate: CRLF line ends, a field quoted only when it holds
/// a comma, a quote, CR or LF. Text cells a spreadsheet would run as a formula are neutralised
/// (see [`neutralise`]); numbers are written as they are, so `-1.5` stays a number.
///
/// # Errors
/// The `csv` crate's error, which writing into memory does not produce in practice.
pub fn sessions_csv(rows: &[ExportSession]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(CSV_COLUMNS)?;
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in rows {
        w.write_record([
            neutralise(&r.session_id),
            neutralise(&r.start_utc),
            neutralise(r.end_utc.as_deref().unwrap_or_default()),
            neutralise(&r.start_local),
            neutralise(&r.local_date),
            r.duration_seconds.to_string(),
            r.energy_kwh.to_string(),
            num(r.miles),
            num(r.cost),
            r.currency.clone().unwrap_or_default(),
            num(r.peak_power_kw),
            neutralise(&r.vehicle_id),
            neutralise(&r.vehicle_name),
            num(r.vehicle_confidence),
            neutralise(r.labeled_by.unwrap_or_default()),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

pub use crate::text::{FORMULA_TRIGGERS, neutralise};

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, cost: Option<f64>) -> ExportSession {
        ExportSession {
            session_id: "1".into(),
            start_utc: "2026-01-01T00:00:00+00:00".into(),
            end_utc: None,
            start_local: "2025-12-31 16:00:00 PST".into(),
            local_date: "2025-12-31".into(),
            duration_seconds: 60,
            energy_kwh: 1.5,
            miles: None,
            cost,
            currency: cost.map(|_| "USD".into()),
            peak_power_kw: Some(7.2),
            vehicle_id: "car".into(),
            vehicle_name: name.into(),
            vehicle_confidence: Some(0.9),
            labeled_by: Some("manual"),
        }
    }

    fn line(name: &str, cost: Option<f64>) -> String {
        let csv = String::from_utf8(sessions_csv(&[row(name, cost)]).unwrap()).unwrap();
        csv.split("\r\n").nth(1).unwrap().to_owned()
    }

    #[test]
    fn csv_quotes_commas_quotes_and_newlines_only() {
        let l = line("say \"hi\", then\nbye", None);
        assert!(l.contains(",car,\"say \"\"hi\"\", then\nbye\",0.9,"), "{l}");
        assert_eq!(
            line("Serenity", Some(2.12)),
            "1,2026-01-01T00:00:00+00:00,,2025-12-31 16:00:00 PST,2025-12-31,60,1.5,,2.12,USD,7.2,car,Serenity,0.9,manual"
        );
        assert!(
            line("x", None).contains(",1.5,,,,7.2,"),
            "{}",
            line("x", None)
        );
    }

    #[test]
    fn formula_cells_get_a_quote_and_numbers_stay_numbers() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\0x"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        assert_eq!(neutralise("Serenity"), "Serenity");
        assert_eq!(neutralise(""), "");
        let l = line("-Freya", Some(-1.5));
        assert!(l.contains(",-1.5,USD,7.2,car,'-Freya,"), "{l}");
    }
}
