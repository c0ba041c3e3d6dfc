//! One monthly-cache entry from ChargePoint's session details, the label, and what the old
//! entry had that this answer lacks. Personal data (street, ZIP, coordinates, VIN) is left out
//! unless the config keeps it.

use crate::api::models::SessionDetails;
use crate::clock::Clock;
use crate::store::records::CurvePoint;
use crate::store::records::{
    CacheCharger, CacheEntry, CacheLocation, CacheSession, CacheUtility, CacheVehicle,
};
use crate::store::records::{SessionFile, TimeOfUse};
use crate::store::values::limits::{
    MAX_ID_CHARS, MAX_NAME_CHARS, MAX_POWER_KW, MAX_SESSION_ENERGY_KWH, MAX_SESSION_SECONDS, clip,
};
use crate::store::values::{Confidence, NonNeg, SessionId, Timestamp};
use crate::tariff::Tariff;
use crate::tariff::split::{Reading, SplitInput, split};

use super::labels::Labels;

/// A name ChargePoint sent, fitted to [`MAX_NAME_CHARS`].
fn name(text: &str) -> String {
    clip(text, MAX_NAME_CHARS)
}

/// Keys of personal data that may sit in `location`'s unknown fields.
const PERSONAL_LOCATION_KEYS: [&str; 4] = ["lat", "lon", "latitude", "longitude"];

/// One cache entry: ChargePoint's details, the label, and what the old entry had that this
/// answer lacks (peak power without `update_data`, unknown keys, a known utility company).
pub(super) fn to_entry(
    id: &SessionId,
    s: &SessionDetails,
    old: Option<&CacheEntry>,
    vehicle_id: String,
    confidence: f64,
    labels: &Labels,
    keep_personal: bool,
) -> CacheEntry {
    let start = s.start_time.unwrap_or_default();
    let car = labels.identifier.config().vehicles.get(&vehicle_id);
    let keep = |f: fn(&CacheEntry) -> Option<String>| old.and_then(f);
    let session = session(id, s, old, labels);
    let power_curve = if s.update_data.is_empty() {
        old.and_then(|o| o.power_curve.clone())
    } else {
        Some(power_curve(s, start, session.duration_seconds))
    };
    CacheEntry {
        session_id: id.clone(),
        session_start_time: Timestamp::utc(start),
        session_end_time: s.end_time.map(Timestamp::utc),
        vehicle: CacheVehicle {
            vehicle_id: Some(vehicle_id.clone()),
            vehicle_name: car.and_then(|v| v.nickname.clone()),
            model: car.and_then(|v| v.model.clone()),
            vin: if keep_personal {
                keep(|o| o.vehicle.vin.clone())
            } else {
                None
            },
            make: car.and_then(|v| v.make.clone()),
            extra: old.map(|o| o.vehicle.extra.clone()).unwrap_or_default(),
        },
        location: location(s, old, keep_personal),
        charger: CacheCharger {
            charger_id: s
                .device_id
                .map(|d| d.to_string())
                .or_else(|| keep(|o| o.charger.charger_id.clone())),
            connector_type: Some("J1772".into()),
            charger_model: Some("CPH50".into()),
            level: s
                .port_level
                .and_then(|l| u8::try_from(l).ok())
                .or(old.and_then(|o| o.charger.level)),
            extra: old.map(|o| o.charger.extra.clone()).unwrap_or_default(),
        },
        session,
        utility: CacheUtility {
            utility_name: s
                .utility
                .as_ref()
                .and_then(|u| u.name.as_deref().map(name))
                .or_else(|| keep(|o| o.utility.utility_name.clone())),
            utility_company: keep(|o| o.utility.utility_company.clone()),
            extra: old.map(|o| o.utility.extra.clone()).unwrap_or_default(),
        },
        vehicle_id: Some(vehicle_id),
        vehicle_confidence: Some(Confidence(confidence.clamp(0.0, 1.0))),
        // kept until `time_of_use` below makes a new one (only with a rate plan)
        time_of_use: old.and_then(|o| o.time_of_use.clone()),
        power_curve,
        extra: old.map(|o| o.extra.clone()).unwrap_or_default(),
    }
}

/// ChargePoint's `update_data` as the cache keeps it ([`CurvePoint`]): seconds since plug-in
/// (a reading before it counts as 0), kW and kWh fitted into the data limits, in time order.
/// A reading more than a minute past the session's length (`duration_s`, as the entry has
/// it) is left out: it cannot be this session's, and `validate` would refuse it.
fn power_curve(
    s: &SessionDetails,
    start: chrono::DateTime<chrono::Utc>,
    duration_s: u64,
) -> Vec<CurvePoint> {
    let mut points: Vec<CurvePoint> = s
        .update_data
        .iter()
        .filter_map(|p| {
            let offset = u64::try_from((p.timestamp - start).num_seconds())
                .unwrap_or(0)
                .min(MAX_SESSION_SECONDS);
            (offset <= duration_s.saturating_add(60)).then(|| {
                CurvePoint(
                    offset,
                    NonNeg(p.power_kw.clamp(0.0, MAX_POWER_KW)),
                    NonNeg(p.energy_kwh.clamp(0.0, MAX_SESSION_ENERGY_KWH)),
                )
            })
        })
        .collect();
    points.sort_by_key(CurvePoint::offset_s);
    points
}

/// Whether the session's whole power curve is still to be fetched: ended (its curve is then
/// complete) and cached without one (`power_curve` absent: an empty one means ChargePoint's
/// details had none), or cached while open with the curve it had then.
pub(super) fn needs_curve(old: Option<&CacheEntry>, listed: &SessionDetails) -> bool {
    listed.end_time.is_some()
        && old.is_none_or(|e| {
            e.power_curve.is_none() || e.session.status.as_deref() == Some("in_use")
        })
}

/// Whether the session needs a (new) split by the rate plan whose fingerprint is
/// `fingerprint`: not cached yet, cached without a split or with another plan's, or cached
/// while still open.
pub(super) fn needs_split(old: Option<&CacheEntry>, fingerprint: &str) -> bool {
    old.is_none_or(|e| {
        e.session.status.as_deref() == Some("in_use")
            || e.time_of_use
                .as_ref()
                .is_none_or(|t| t.tariff_fingerprint != fingerprint)
    })
}

/// The split of `entry`'s energy among `tariff`'s periods (see [`crate::tariff::split`]):
/// from `update_data` and the session file's samples, with the entry's start, end, energy and
/// peak power. `None` when nothing says when the energy came.
pub(super) fn time_of_use(
    tariff: &Tariff,
    clock: &Clock,
    s: &SessionDetails,
    file: Option<&SessionFile>,
    entry: &CacheEntry,
) -> Option<TimeOfUse> {
    let input = SplitInput {
        start: entry.session_start_time.to_utc(),
        end: entry.session_end_time.map(|t| t.to_utc()),
        total_kwh: entry.session.energy_kwh.0,
        update_data: s
            .update_data
            .iter()
            .map(|p| Reading {
                at: p.timestamp,
                energy_kwh: Some(p.energy_kwh),
                power_kw: Some(p.power_kw),
            })
            .collect(),
        samples: file
            .map(|f| {
                f.samples
                    .iter()
                    .map(|x| Reading {
                        at: x.timestamp.to_utc(),
                        energy_kwh: x.energy_kwh.map(|e| e.0),
                        power_kw: x.power_kw.map(|p| p.0),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        peak_kw: entry.session.peak_power_kw.map(|p| p.0),
    };
    split(tariff, clock.tz(), &input).map(|sp| sp.to_record(tariff))
}

/// Where: "Home", with city and state; street, ZIP and coordinates only with `keep_personal`.
fn location(s: &SessionDetails, old: Option<&CacheEntry>, keep_personal: bool) -> CacheLocation {
    let keep = |f: fn(&CacheEntry) -> Option<String>| old.and_then(f);
    let mut extra = old.map(|o| o.location.extra.clone()).unwrap_or_default();
    if keep_personal {
        for (k, v) in [("lat", s.lat), ("lon", s.lon)] {
            if let Some(v) = v {
                extra.insert(k.into(), v.into());
            }
        }
    } else {
        for k in PERSONAL_LOCATION_KEYS {
            extra.remove(k);
        }
    }
    CacheLocation {
        location_id: Some("home".into()),
        name: Some("Home".into()),
        address: if keep_personal {
            s.address1
                .as_deref()
                .map(name)
                .or_else(|| keep(|o| o.location.address.clone()))
        } else {
            Some("Home".into())
        },
        city: s
            .city
            .as_deref()
            .map(name)
            .or_else(|| keep(|o| o.location.city.clone())),
        state: s
            .state_name
            .as_deref()
            .map(name)
            .or_else(|| keep(|o| o.location.state.clone())),
        zip_code: if keep_personal {
            s.zipcode
                .as_deref()
                .map(|z| clip(z, MAX_ID_CHARS))
                .or_else(|| keep(|o| o.location.zip_code.clone()))
        } else {
            None
        },
        extra,
    }
}

/// The figures: energy (kWh), duration (s, ChargePoint's plugged-in time, else end - start),
/// cost, peak power (kW: the highest `update_data` point, else the power now, else the session
/// file's highest sample, else the old entry's) and status.
fn session(
    id: &SessionId,
    s: &SessionDetails,
    old: Option<&CacheEntry>,
    labels: &Labels,
) -> CacheSession {
    let start = s.start_time.unwrap_or_default();
    let in_use = s.end_time.is_none() || s.current_charging.as_deref() == Some("in_use");
    let duration = match (s.session_time, s.end_time) {
        (Some(ms), _) if ms >= 0.0 => (ms / 1000.0).round() as u64,
        (_, Some(end)) => (end - start).num_seconds().max(0) as u64,
        _ => 0,
    };
    let peak = s
        .update_data
        .iter()
        .map(|p| p.power_kw)
        .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.max(p))))
        .or(s.power_kw.filter(|p| *p > 0.0))
        .or_else(|| {
            labels.sessions.get(id).and_then(|f| {
                f.samples
                    .iter()
                    .filter_map(|x| x.power_kw.map(|p| p.0))
                    .reduce(f64::max)
            })
        })
        .map(|p| NonNeg(p.max(0.0)))
        .or(old.and_then(|o| o.session.peak_power_kw));
    CacheSession {
        energy_kwh: NonNeg(
            s.energy_kwh
                .unwrap_or(0.0)
                .clamp(0.0, MAX_SESSION_ENERGY_KWH),
        ),
        duration_seconds: duration.min(MAX_SESSION_SECONDS),
        cost: s.total_amount.or(old.and_then(|o| o.session.cost)),
        peak_power_kw: peak,
        status: Some(if in_use { "in_use" } else { "completed" }.into()),
        extra: old.map(|o| o.session.extra.clone()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::SessionAnswer;
    use crate::store::records::power_curve_problem;

    fn fixture(name: &str) -> SessionDetails {
        let path = format!(
            "{}/tests/fixtures/chargepoint/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        serde_json::from_str::<SessionAnswer>(&text)
            .unwrap()
            .charging_status
    }

    /// ChargePoint's recorded answer: 52 `update_data` points from plug-in to unplug, kept as
    /// seconds since plug-in with their kW and kWh.
    #[test]
    fn the_whole_update_data_is_kept_relative_to_the_plug_in() {
        let s = fixture("charging_status_session_done_equinox_ev");
        let start = s.start_time.unwrap();
        let curve = power_curve(&s, start, 19_531);
        assert_eq!(curve.len(), s.update_data.len());
        assert_eq!(curve.len(), 52);
        assert_eq!(curve[0].offset_s(), 0);
        assert_eq!(curve[1].offset_s(), 8);
        assert!((curve[2].power_kw() - 9.176).abs() < 1e-9);
        let last = curve.last().unwrap();
        assert_eq!(last.offset_s(), 19_530);
        assert!((last.energy_kwh() - 45.512299).abs() < 1e-9);
        assert!(curve.windows(2).all(|w| w[0].offset_s() <= w[1].offset_s()));
        assert_eq!(power_curve_problem(&curve, 19_531), None);
    }

    /// A reading more than a minute past the session's length is not this session's: left out,
    /// so `validate` never refuses what `cache` wrote. One before the plug-in counts as 0 s.
    #[test]
    fn readings_past_the_session_are_left_out_and_early_ones_start_it() {
        let mut s = fixture("charging_status_session_done_equinox_ev");
        let start = s.start_time.unwrap();
        let curve = power_curve(&s, start, 10_000);
        assert!(curve.iter().all(|p| p.offset_s() <= 10_060));
        assert!(curve.len() < 52 && curve.len() > 10, "{}", curve.len());
        assert_eq!(power_curve_problem(&curve, 10_000), None);
        s.update_data[1].timestamp = start - chrono::TimeDelta::seconds(30);
        let curve = power_curve(&s, start, 19_531);
        assert_eq!(curve[1].offset_s(), 0);
    }

    #[test]
    fn only_ended_sessions_without_a_whole_curve_need_one() {
        let s = fixture("charging_status_session_done_equinox_ev");
        assert!(needs_curve(None, &s));
        let open = SessionDetails {
            end_time: None,
            ..s.clone()
        };
        assert!(!needs_curve(None, &open));
    }
}
