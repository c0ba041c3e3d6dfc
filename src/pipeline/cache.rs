//! `cph50 cache`: ChargePoint's session details merged into the monthly caches
//! (`session_cache/YYYY-MM.json`, by the session's LOCAL start month), with the vehicle label.
//!
//! Everything is fetched first and written last: a failed request leaves every file as it was.
//! Session details (with `update_data`) are asked only for sessions that still need a label, so
//! the daily run stays at a few requests and a second identical run writes nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{StageContext, update_data_curve};
use crate::api::models::SessionDetails;
use crate::classify::{Classifier, DEFAULT_MIN_CONFIDENCE, Identifier};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::layout::{self, Month};
use crate::store::records::{
    CacheCharger, CacheEntry, CacheLocation, CacheSession, CacheUtility, CacheVehicle, LabelSource,
    MonthlyCache, SessionFile, UNKNOWN_VEHICLE, VehicleConfig, VehicleMap,
};
use crate::store::values::{Confidence, NonNeg, SessionId, Timestamp};
use crate::store::{FoundCache, Store};

/// Which sessions to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// One session by id.
    Session(u64),
    /// One local month.
    Month(Month),
    /// This local month.
    Current,
    /// Last local month.
    Previous,
    /// Sessions started on or after this local date.
    Since(NaiveDate),
    /// The whole activity list.
    All,
}

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Which sessions.
    pub selection: Selection,
    /// Write street, ZIP and coordinates (private repositories only).
    pub keep_personal_data: bool,
}

/// What a run did; the `--json` output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Home sessions fetched and merged.
    pub sessions: usize,
    /// Of those, not cached before.
    pub new: usize,
    /// Of those, cached before and changed.
    pub updated: usize,
    /// Of those, cached before and unchanged.
    pub unchanged: usize,
    /// Local months the sessions fall in.
    pub months: usize,
    /// Cache files written (a file whose bytes would not change is not written).
    pub files_written: usize,
    /// Public-station sessions left out.
    pub skipped_public: usize,
    /// Sessions labelled by the classifier in this run.
    pub classified: usize,
    /// Session-details requests made for `update_data`.
    pub details_fetched: usize,
    /// ChargePoint requests, retries included.
    pub requests: u32,
    /// Password logins.
    pub logins: u32,
}

impl Report {
    /// The summary line.
    pub fn line(&self) -> String {
        let mut line = format!(
            "cached {} sessions ({} new, {} updated) in {} months; {} requests",
            self.sessions, self.new, self.updated, self.months, self.requests
        );
        if self.skipped_public > 0 {
            line.push_str(&format!(
                "; {} public-station sessions left out",
                self.skipped_public
            ));
        }
        line
    }
}

/// Labels known without asking ChargePoint, by session id.
struct Labels {
    sessions: BTreeMap<SessionId, SessionFile>,
    legacy: VehicleMap,
    /// The household's vehicles (none without `vehicle_config.json`) and the classifier.
    identifier: Identifier,
}

/// Runs `cph50 cache`. `progress(done, total)` is called while session details are fetched.
pub async fn run(
    ctx: &mut StageContext<'_>,
    opts: &Options,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report> {
    let store = ctx.store;
    let clock = ctx.clock;
    // Read everything first: a broken cache file stops the run before any request.
    let (caches, problems) = store.load_caches();
    if let Some(p) = problems.into_iter().next() {
        return Err(Error::Data(p));
    }
    let labels = load_labels(store)?;
    let mut cached: BTreeMap<SessionId, CacheEntry> = BTreeMap::new();
    for (_, entries) in &caches {
        for e in entries {
            cached.insert(e.session_id.clone(), e.clone());
        }
    }

    let (since, only) = window(opts.selection, clock);
    let listed = match opts.selection {
        Selection::Session(id) => vec![ctx.client.session_details(id).await?],
        _ => ctx.client.activity(since).await?,
    };
    let mut report = Report::default();
    let mut sessions = Vec::new();
    for s in listed {
        let (Some(id), Some(start)) = (s.session_id, s.start_time) else {
            tracing::warn!("activity list: a session without id or start time left out");
            continue;
        };
        if s.is_home_charger == Some(false) {
            report.skipped_public += 1;
            continue;
        }
        if only.is_some_and(|m| Month::of(clock.local_date(start)) != m) {
            continue;
        }
        sessions.push((SessionId::from_number(id), s));
    }

    // update_data for the sessions only the classifier can label
    let need: Vec<usize> = (0..sessions.len())
        .filter(|&i| {
            let (id, s) = &sessions[i];
            s.update_data.is_empty()
                && known_label(&labels, id).is_none()
                && cached.get(id).is_none_or(|e| e.vehicle_id.is_none())
        })
        .collect();
    let total = need.len() as u64;
    for (done, i) in need.into_iter().enumerate() {
        progress(done as u64, total);
        let id = sessions[i].1.session_id.unwrap_or_default();
        let details = ctx.client.session_details(id).await?;
        if details.session_id.is_none_or(|d| d == id) {
            sessions[i].1 = details;
            report.details_fetched += 1;
        }
    }
    progress(total, total);

    // merge, month by month
    let mut files: BTreeMap<Month, (Option<FoundCache>, MonthlyCache)> = BTreeMap::new();
    let mut where_: BTreeMap<SessionId, Month> = BTreeMap::new();
    for (found, entries) in caches {
        // The same month in both layouts: the first file (sorted by path) is the one updated.
        if files.contains_key(&found.month) {
            continue;
        }
        for e in &entries {
            where_.insert(e.session_id.clone(), found.month);
        }
        files.insert(found.month, (Some(found), entries));
    }
    let before: BTreeMap<Month, MonthlyCache> =
        files.iter().map(|(m, (_, e))| (*m, e.clone())).collect();
    let mut months = BTreeSet::new();
    for (id, s) in &sessions {
        let start = s.start_time.unwrap_or_default();
        let month = Month::of(clock.local_date(start));
        months.insert(month);
        let old = cached.get(id);
        let (vehicle_id, confidence, classified) = label(&labels, id, s, old, clock);
        report.classified += usize::from(classified);
        let entry = to_entry(
            id,
            s,
            old,
            vehicle_id,
            confidence,
            &labels,
            opts.keep_personal_data,
        );
        match old {
            None => report.new += 1,
            Some(o) if *o == entry => report.unchanged += 1,
            Some(_) => report.updated += 1,
        }
        // a session cached under another month (an earlier zone setting) moves to its own
        if let Some(m) = where_.get(id).filter(|m| **m != month) {
            if let Some((_, entries)) = files.get_mut(m) {
                entries.retain(|e| e.session_id != *id);
            }
        }
        let (_, entries) = files.entry(month).or_insert((None, Vec::new()));
        match entries.iter_mut().find(|e| e.session_id == *id) {
            Some(slot) => *slot = entry,
            None => entries.push(entry),
        }
    }
    report.sessions = sessions.len();
    report.months = months.len();

    for (month, (found, mut entries)) in files {
        if before.get(&month) == Some(&entries) {
            continue;
        }
        let written = match &found {
            Some(f) => store.rewrite_cache(f, &mut entries)?,
            None => store.save_cache_month(month, &mut entries)?,
        };
        report.files_written += usize::from(written);
    }
    let stats = ctx.client.stats();
    report.requests = stats.requests;
    report.logins = stats.logins;
    Ok(report)
}

/// The `since` for the activity list and the one local month to keep, if any.
fn window(selection: Selection, clock: &Clock) -> (Option<DateTime<Utc>>, Option<Month>) {
    let this = Month::of(clock.local_date(clock.now()));
    let month = match selection {
        Selection::Session(_) | Selection::All => return (None, None),
        Selection::Since(date) => return (Some(clock.local_day_start(date)), None),
        Selection::Month(m) => m,
        Selection::Current => this,
        Selection::Previous => this
            .first_day()
            .and_then(|d| d.pred_opt())
            .map_or(this, Month::of),
    };
    let since = month.first_day().map(|d| clock.local_day_start(d));
    (since, Some(month))
}

fn load_labels(store: &Store) -> Result<Labels> {
    let (files, problems) = store.load_sessions();
    for p in &problems {
        tracing::warn!("label not read: {p}");
    }
    let sessions = files
        .into_iter()
        .map(|(_, s)| (s.session_id.clone(), s))
        .collect();
    let legacy: VehicleMap = store
        .load_file(layout::SESSION_VEHICLE_MAP)?
        .unwrap_or_default();
    let config: VehicleConfig =
        store
            .load_file(layout::VEHICLE_CONFIG)?
            .unwrap_or_else(|| VehicleConfig {
                vehicles: BTreeMap::new(),
                last_updated: None,
                extra: Default::default(),
            });
    Ok(Labels {
        sessions,
        legacy,
        identifier: Identifier::new(Classifier::load(store), config),
    })
}

/// A label a person or an earlier collection already gave: the session file (a manual label
/// first), then the legacy map.
fn known_label(labels: &Labels, id: &SessionId) -> Option<(String, f64)> {
    let file = labels.sessions.get(id);
    if let Some(f) = file.filter(|f| f.labeled_by == Some(LabelSource::Manual)) {
        if let Some(v) = &f.vehicle_id {
            return Some((v.clone(), f.vehicle_confidence.map_or(1.0, |c| c.0)));
        }
    }
    if let Some(v) = file.and_then(|f| f.vehicle_id.clone()) {
        return Some((
            v,
            file.and_then(|f| f.vehicle_confidence).map_or(0.0, |c| c.0),
        ));
    }
    labels
        .legacy
        .get(id.as_str())
        .map(|e| (e.vehicle_id().to_owned(), 1.0))
}

/// The session's label and confidence, and whether the classifier gave it now.
fn label(
    labels: &Labels,
    id: &SessionId,
    s: &SessionDetails,
    old: Option<&CacheEntry>,
    clock: &Clock,
) -> (String, f64, bool) {
    if let Some((v, c)) = known_label(labels, id) {
        return (v, c, false);
    }
    if let Some(v) = old.and_then(|e| e.vehicle_id.clone()) {
        return (
            v,
            old.and_then(|e| e.vehicle_confidence).map_or(0.0, |c| c.0),
            false,
        );
    }
    if s.update_data.is_empty() {
        return (UNKNOWN_VEHICLE.into(), 0.0, false);
    }
    let a = labels
        .identifier
        .identify(&update_data_curve(s, clock), DEFAULT_MIN_CONFIDENCE);
    if a.method == "none" {
        tracing::debug!("session {id}: not classified: {}", a.reason);
    }
    (a.vehicle_id, a.confidence, true)
}

/// Keys of personal data that may sit in `location`'s unknown fields.
const PERSONAL_LOCATION_KEYS: [&str; 4] = ["lat", "lon", "latitude", "longitude"];

/// One cache entry: ChargePoint's details, the label, and what the old entry had that this
/// answer lacks (peak power without `update_data`, unknown keys, a known utility company).
fn to_entry(
    id: &SessionId,
    s: &SessionDetails,
    old: Option<&CacheEntry>,
    vehicle_id: String,
    confidence: f64,
    labels: &Labels,
    keep_personal: bool,
) -> CacheEntry {
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
    let car = labels.identifier.config().vehicles.get(&vehicle_id);
    let keep = |f: fn(&CacheEntry) -> Option<String>| old.and_then(f);
    let mut location_extra = old.map(|o| o.location.extra.clone()).unwrap_or_default();
    if keep_personal {
        for (k, v) in [("lat", s.lat), ("lon", s.lon)] {
            if let Some(v) = v {
                location_extra.insert(k.into(), v.into());
            }
        }
    } else {
        for k in PERSONAL_LOCATION_KEYS {
            location_extra.remove(k);
        }
    }
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
        location: CacheLocation {
            location_id: Some("home".into()),
            name: Some("Home".into()),
            address: if keep_personal {
                s.address1
                    .clone()
                    .or_else(|| keep(|o| o.location.address.clone()))
            } else {
                Some("Home".into())
            },
            city: s.city.clone().or_else(|| keep(|o| o.location.city.clone())),
            state: s
                .state_name
                .clone()
                .or_else(|| keep(|o| o.location.state.clone())),
            zip_code: if keep_personal {
                s.zipcode
                    .clone()
                    .or_else(|| keep(|o| o.location.zip_code.clone()))
            } else {
                None
            },
            extra: location_extra,
        },
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
        session: CacheSession {
            energy_kwh: NonNeg(s.energy_kwh.unwrap_or(0.0).max(0.0)),
            duration_seconds: duration,
            cost: s.total_amount.or(old.and_then(|o| o.session.cost)),
            peak_power_kw: peak,
            status: Some(if in_use { "in_use" } else { "completed" }.into()),
            extra: old.map(|o| o.session.extra.clone()).unwrap_or_default(),
        },
        utility: CacheUtility {
            utility_name: s
                .utility
                .as_ref()
                .and_then(|u| u.name.clone())
                .or_else(|| keep(|o| o.utility.utility_name.clone())),
            utility_company: keep(|o| o.utility.utility_company.clone()),
            extra: old.map(|o| o.utility.extra.clone()).unwrap_or_default(),
        },
        vehicle_id: Some(vehicle_id),
        vehicle_confidence: Some(Confidence(confidence.clamp(0.0, 1.0))),
        extra: old.map(|o| o.extra.clone()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn since_starts_at_local_midnight() {
        let clock = Clock::fixed(chrono_tz::America::Los_Angeles, utc("2026-03-20T12:00:00Z"));
        let (since, month) = window(Selection::Since(day("2026-01-10")), &clock);
        assert_eq!(since, Some(utc("2026-01-10T08:00:00Z")));
        assert_eq!(month, None);
        let (since, month) = window(Selection::Current, &clock);
        assert_eq!(since, Some(utc("2026-03-01T08:00:00Z")));
        assert_eq!(month, Month::parse("2026-03"));
    }

    /// Chile skips 00:00-01:00 on 2026-09-06: the day, and `--since`, start at 01:00 -03:00
    /// (it used to read the skipped midnight as UTC: 20:00 the evening before).
    #[test]
    fn since_a_skipped_midnight_starts_when_the_clocks_resume() {
        let clock = Clock::fixed(chrono_tz::America::Santiago, utc("2026-09-20T12:00:00Z"));
        let (since, _) = window(Selection::Since(day("2026-09-06")), &clock);
        assert_eq!(since, Some(utc("2026-09-06T04:00:00Z")));
    }
}
