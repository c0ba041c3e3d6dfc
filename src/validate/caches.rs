//! The monthly caches: each entry in the month of its local start, cached once, ending after
//! it starts, naming known vehicles.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::Validator;
use super::locate::locate_value;
use crate::error::Problem;
use crate::store::layout::Month;
use crate::store::records::{CacheEntry, MonthlyCache, power_curve_problem};
use crate::store::values::SessionId;

impl Validator<'_> {
    /// Reads every monthly cache; returns each session's start time by id (first seen wins).
    pub(super) fn caches(&mut self) -> BTreeMap<SessionId, DateTime<Utc>> {
        let (found, walk_problems) = self.store.discover_caches();
        walk_problems.into_iter().for_each(|p| self.problem(p));
        let mut seen: BTreeMap<SessionId, (PathBuf, DateTime<Utc>)> = BTreeMap::new();
        for cache in found {
            let Some((entries, text)) = self.decode_file::<MonthlyCache>(&cache.path) else {
                continue;
            };
            self.report.cache_months += 1;
            self.report.cache_entries += entries.len();
            let shown = self.shown(&cache.path);
            for (i, e) in entries.iter().enumerate() {
                let start = e.session_start_time.to_utc();
                let month = Month::of(self.clock.local_date(start));
                let pos = locate_value(&text, "session_id", e.session_id.as_str());
                if month != cache.month {
                    self.problem(Problem::field(
                        &shown,
                        format!("/{i}/session_start_time"),
                        locate_value(
                            &text,
                            "session_start_time",
                            &e.session_start_time.to_string(),
                        ),
                        format!(
                            "session {} starts in {month} (local time, {}) but is cached in {}",
                            e.session_id,
                            self.clock.tz(),
                            cache.month
                        ),
                    ));
                }
                self.check_end(&shown, &text, i, e);
                self.check_time_of_use(&shown, &text, i, e);
                self.check_power_curve(&shown, &text, i, e);
                match seen.get(&e.session_id) {
                    Some((other, _)) => {
                        let where_ = if *other == shown {
                            "earlier in this file".to_owned()
                        } else {
                            format!("in {}", other.display())
                        };
                        self.problem(Problem::field(
                            &shown,
                            format!("/{i}/session_id"),
                            pos,
                            format!("session {} is cached twice: also {where_}", e.session_id),
                        ));
                    }
                    None => {
                        seen.insert(e.session_id.clone(), (shown.clone(), start));
                    }
                }
                for (pointer, id) in [
                    (format!("/{i}/vehicle_id"), e.vehicle_id.as_deref()),
                    (
                        format!("/{i}/vehicle/vehicle_id"),
                        e.vehicle.vehicle_id.as_deref(),
                    ),
                ] {
                    self.vehicle_ref(&cache.path, &text, &pointer, id);
                }
            }
        }
        seen.into_iter()
            .map(|(id, (_, start))| (id, start))
            .collect()
    }

    /// The split by time-of-use period of cache entry `i`: adding up to the session's energy
    /// (0.1 %), each cost its energy times its price, and, when made with the configured plan,
    /// naming only its periods.
    fn check_time_of_use(&mut self, shown: &Path, text: &[u8], i: usize, e: &CacheEntry) {
        let Some(tou) = &e.time_of_use else {
            return;
        };
        let at = locate_value(text, "session_id", e.session_id.as_str());
        if let Some((field, msg)) = tou.problem(e.session.energy_kwh.0) {
            self.problem(Problem::field(
                shown,
                format!("/{i}/time_of_use/{field}"),
                at,
                format!("session {}: {msg}", e.session_id),
            ));
        }
        let Some(plan) = self
            .plan
            .filter(|p| p.fingerprint == tou.tariff_fingerprint)
        else {
            return;
        };
        for (j, p) in tou.periods.iter().enumerate() {
            let known = plan
                .periods
                .iter()
                .any(|(season, period)| *season == p.season && *period == p.period);
            if !known {
                self.problem(Problem::field(
                    shown,
                    format!("/{i}/time_of_use/periods/{j}/period"),
                    at,
                    format!(
                        "session {}: period {:?} of season {:?} is not in the rate plan {:?} of cph50.toml",
                        e.session_id, p.period, p.season, tou.tariff
                    ),
                ));
            }
        }
    }

    /// The power curve of cache entry `i`: forward in time, within the session's length.
    fn check_power_curve(&mut self, shown: &Path, text: &[u8], i: usize, e: &CacheEntry) {
        if let Some((field, msg)) = power_curve_problem(
            e.power_curve.as_deref().unwrap_or_default(),
            e.session.duration_seconds,
        ) {
            let at = locate_value(text, "session_id", e.session_id.as_str());
            self.problem(Problem::field(
                shown,
                format!("/{i}/{field}"),
                at,
                format!("session {}: {msg}", e.session_id),
            ));
        }
    }

    /// The end of cache entry `i`: not before its start, not more than
    /// [`crate::store::values::limits::MAX_SESSION_DAYS`] after it.
    fn check_end(&mut self, shown: &Path, text: &[u8], i: usize, e: &CacheEntry) {
        let Some(end) = &e.session_end_time else {
            return;
        };
        let at = locate_value(text, "session_end_time", &end.to_string());
        if *end < e.session_start_time {
            self.problem(Problem::field(
                shown,
                format!("/{i}/session_end_time"),
                at,
                "session ends before it starts",
            ));
        }
        if let Some((field, msg)) = e.span_problem() {
            self.problem(Problem::field(shown, format!("/{i}/{field}"), at, msg));
        }
    }
}
