//! What the demo derives from its sessions: cache entries, classifier statistics and the
//! legacy label map.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::round;
use chrono::{DateTime, Timelike, Utc};

use super::profiles::Curve;
use crate::store::records::{
    CacheCharger, CacheEntry, CacheLocation, CacheSession, CacheUtility, CacheVehicle,
    ClassifierSummary, CurvePoint, SessionFile, UNKNOWN_VEHICLE, Vehicle, VehicleMap,
    VehicleMapEntry, VehicleStats,
};
use crate::store::values::{NonNeg, Timestamp};

/// Per-vehicle steady-state statistics of the labelled sessions (samples past the ramp that
/// are at least half the session's median power).
pub fn summary(sessions: &[(NaiveDate, SessionFile)]) -> ClassifierSummary {
    // per vehicle: session means, session CVs, every steady reading
    type Acc = (Vec<f64>, Vec<f64>, Vec<f64>);
    let mut per_vehicle: BTreeMap<String, Acc> = BTreeMap::new();
    for (_, s) in sessions {
        let Some(id) = s.vehicle_id.as_deref().filter(|id| *id != UNKNOWN_VEHICLE) else {
            continue;
        };
        let mut powers: Vec<f64> = s
            .samples
            .iter()
            .skip(10)
            .filter_map(|x| x.power_kw.map(|p| p.0))
            .collect();
        let mut sorted = powers.clone();
        sorted.sort_by(f64::total_cmp);
        let Some(median) = sorted.get(sorted.len() / 2).copied() else {
            continue;
        };
        powers.retain(|p| *p >= median * 0.5 && *p > 0.5);
        if powers.len() < 5 {
            continue;
        }
        let (mean, sd) = mean_sd(&powers);
        let entry = per_vehicle.entry(id.to_owned()).or_default();
        entry.0.push(mean);
        entry.1.push(sd / mean);
        entry.2.extend(powers);
    }
    let n_sessions = per_vehicle.values().map(|v| v.0.len() as u32).sum();
    let vehicles = per_vehicle
        .into_iter()
        .map(|(id, (means, cvs, all))| {
            let stats = VehicleStats {
                n: means.len() as u32,
                mean_power_kw: NonNeg(round(mean_sd(&means).0, 4)),
                std_power_kw: NonNeg(round(mean_sd(&all).1, 4)),
                cv: NonNeg(round(mean_sd(&cvs).0, 4)),
                features: None,
                extra: Default::default(),
            };
            (id, stats)
        })
        .collect();
    ClassifierSummary {
        n_sessions,
        vehicles,
        amperage_limit_amps: sessions
            .iter()
            .filter_map(|(_, s)| s.amperage_limit_amps)
            .max(),
        ..Default::default()
    }
}

/// The legacy map: the owner labelled the first three sessions of each car by hand.
pub fn legacy_map(sessions: &[(NaiveDate, SessionFile)]) -> VehicleMap {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut map = VehicleMap::new();
    for (_, s) in sessions {
        let Some(id) = s.vehicle_id.as_deref().filter(|id| *id != UNKNOWN_VEHICLE) else {
            continue;
        };
        let n = counts.entry(id).or_default();
        if *n < 3 {
            *n += 1;
            map.insert(s.session_id.to_string(), VehicleMapEntry::Id(id.to_owned()));
        }
    }
    map
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// The monthly-cache entry of a demo session: ChargePoint's figures (energy, plugged-in time,
/// cost at the SDG&E EV-TOU-5 rate of the start hour, peak power) plus the label, with the
/// location and vehicle stripped of personal data as the pipeline does by default.
pub fn cache_entry(
    file: &SessionFile,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    local_start_hour: u32,
    vehicle: Option<&Vehicle>,
    curve: &Curve,
) -> CacheEntry {
    let energy = round(curve.energy(curve.charge_s), 4);
    // SDG&E EV-TOU-5: super off-peak 00-06, on-peak 16-21, off-peak otherwise ($/kWh).
    let rate = match local_start_hour {
        0..=5 => 0.096,
        16..=20 => 0.41,
        _ => 0.122,
    };
    let peak = file
        .samples
        .iter()
        .filter_map(|s| s.power_kw.map(|p| p.0))
        .fold(curve.steady_kw * 1.01, f64::max);
    let text = |f: fn(&Vehicle) -> Option<String>| vehicle.and_then(f);
    CacheEntry {
        session_id: file.session_id.clone(),
        session_start_time: Timestamp::utc(start),
        session_end_time: Some(Timestamp::utc(end.with_nanosecond(0).unwrap_or(end))),
        vehicle: CacheVehicle {
            vehicle_id: file.vehicle_id.clone(),
            vehicle_name: text(|v| v.nickname.clone()),
            model: text(|v| v.model.clone()),
            vin: None,
            make: text(|v| v.make.clone()),
            extra: Default::default(),
        },
        location: CacheLocation {
            location_id: Some("home".into()),
            name: Some("Home".into()),
            address: Some("Home".into()),
            city: None,
            state: Some("CA".into()),
            zip_code: None,
            extra: Default::default(),
        },
        charger: CacheCharger {
            charger_id: Some("100000001".into()),
            connector_type: Some("J1772".into()),
            charger_model: Some("CPH50".into()),
            level: Some(2),
            extra: Default::default(),
        },
        session: CacheSession {
            energy_kwh: NonNeg(energy),
            duration_seconds: (end - start).num_seconds().max(0) as u64,
            cost: Some(round(energy * rate, 2)),
            peak_power_kw: Some(NonNeg(round(peak, 2))),
            status: Some("completed".into()),
            extra: Default::default(),
        },
        utility: CacheUtility {
            utility_name: Some("Clean Energy Alliance".into()),
            utility_company: Some("San Diego Gas & Electric".into()),
            extra: Default::default(),
        },
        vehicle_id: file.vehicle_id.clone(),
        vehicle_confidence: file.vehicle_confidence,
        time_of_use: None,
        power_curve: Some(power_curve(
            curve,
            (end - start).num_seconds().max(0) as u64,
        )),
        extra: Default::default(),
    }
}

/// A demo session's whole power curve spaced as ChargePoint's `update_data` is (the fixtures:
/// readings at plug-in, 8 s, 23 s and 95 s, then every 10 minutes), with a reading where the
/// taper starts, one where charging ends, and one at the unplug (`duration_s` after plug-in).
fn power_curve(curve: &Curve, duration_s: u64) -> Vec<CurvePoint> {
    let mut at: Vec<f64> = vec![0.0, 8.0, 23.0, 95.0];
    let mut t = 600.0;
    while t < curve.charge_s {
        at.push(t);
        t += 600.0;
    }
    if curve.taper_s > 0.0 {
        at.push(curve.charge_s - curve.taper_s);
    }
    at.push(curve.charge_s);
    let end = duration_s as f64;
    at.retain(|&t| t <= end);
    at.push(end);
    at.sort_by(f64::total_cmp);
    at.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    at.into_iter()
        .map(|t| {
            CurvePoint(
                t.round() as u64,
                NonNeg(round(curve.power(t), 3)),
                NonNeg(round(curve.energy(t), 4)),
            )
        })
        .collect()
}
