//! The monthly cache files of one run: read once at the start (the base), the run's entries
//! collected in memory, and written at the end under the data folder's lock, merged into the
//! files as they are then (theirs), so a `label` or another run that wrote meanwhile keeps its
//! changes. Only the files whose content changed are written.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::store::layout::Month;
use crate::store::records::{CacheEntry, MonthlyCache};
use crate::store::values::SessionId;
use crate::store::{FoundCache, Store};

/// The run's view of the monthly caches: what it read, and what it will write.
pub(super) struct MonthFiles {
    /// Each cached session's entry as read at the start, and its month.
    base: BTreeMap<SessionId, (Month, CacheEntry)>,
    /// The entries this run made, by session, with their month.
    ours: BTreeMap<SessionId, (Month, CacheEntry)>,
}

impl MonthFiles {
    /// The caches as the store read them at the start of the run.
    pub(super) fn new(caches: Vec<(FoundCache, MonthlyCache)>) -> Self {
        Self {
            base: Files::new(caches).cached,
            ours: BTreeMap::new(),
        }
    }

    /// The entry of `id` as it was cached before this run.
    pub(super) fn cached(&self, id: &SessionId) -> Option<&CacheEntry> {
        self.base.get(id).map(|(_, e)| e)
    }

    /// Records this run's `entry` of session `id`, which belongs in the file of `month`.
    pub(super) fn put(&mut self, id: &SessionId, month: Month, entry: CacheEntry) {
        self.ours.insert(id.clone(), (month, entry));
    }

    /// Under the data folder's lock: re-reads the caches, merges this run's entries into them
    /// ([`merge_entry`]) and writes every file whose entries changed; returns how many files
    /// were written.
    ///
    /// # Errors
    /// The store's error naming the lock, or the cache file that cannot be read again or
    /// written.
    pub(super) fn write(self, store: &Store) -> Result<usize> {
        if self.ours.is_empty() {
            return Ok(0);
        }
        let _lock = store.lock()?;
        let (caches, problems) = store.load_caches();
        if let Some(p) = problems.into_iter().next() {
            return Err(Error::Data(p));
        }
        let mut theirs = Files::new(caches);
        for (id, (month, ours)) in self.ours {
            let base = self.base.get(&id).map(|(_, e)| e);
            let merged = merge_entry(base, theirs.cached.get(&id).map(|(_, e)| e), ours);
            theirs.put(&id, month, merged);
        }
        theirs.write(store)
    }
}

/// A three-way merge of one session's entry: `ours` (this run's, from ChargePoint's fresh
/// answer) wins, except for the vehicle label when someone changed it in the file since this
/// run read it (`theirs` differs from `base`): a `label` run meanwhile must not be undone.
pub(super) fn merge_entry(
    base: Option<&CacheEntry>,
    theirs: Option<&CacheEntry>,
    mut ours: CacheEntry,
) -> CacheEntry {
    let Some(theirs) = theirs else {
        return ours;
    };
    if base.map(Label::of) != Some(Label::of(theirs)) {
        Label::of(theirs).apply(&mut ours);
    }
    ours
}

/// The label fields of a cache entry, which `cph50 label` writes.
#[derive(PartialEq)]
struct Label {
    vehicle_id: Option<String>,
    confidence: Option<crate::store::values::Confidence>,
    vehicle: [Option<String>; 4],
}

impl Label {
    fn of(e: &CacheEntry) -> Self {
        Self {
            vehicle_id: e.vehicle_id.clone(),
            confidence: e.vehicle_confidence,
            vehicle: [
                e.vehicle.vehicle_id.clone(),
                e.vehicle.vehicle_name.clone(),
                e.vehicle.model.clone(),
                e.vehicle.make.clone(),
            ],
        }
    }

    fn apply(self, e: &mut CacheEntry) {
        let [id, name, model, make] = self.vehicle;
        e.vehicle_id = self.vehicle_id;
        e.vehicle_confidence = self.confidence;
        e.vehicle.vehicle_id = id;
        e.vehicle.vehicle_name = name;
        e.vehicle.model = model;
        e.vehicle.make = make;
    }
}

/// Every monthly cache, with where it was found and what it held when read.
struct Files {
    /// By local month: the file it was read from (`None` for a new month) and its entries.
    files: BTreeMap<Month, (Option<FoundCache>, MonthlyCache)>,
    /// The entries as read, to write only what changed.
    before: BTreeMap<Month, MonthlyCache>,
    /// Each cached session's entry as read, and its month.
    cached: BTreeMap<SessionId, (Month, CacheEntry)>,
}

impl Files {
    /// The caches as the store read them. The same month in both layouts: the first file
    /// (sorted by path) is the one updated.
    fn new(caches: Vec<(FoundCache, MonthlyCache)>) -> Self {
        let mut files: BTreeMap<Month, (Option<FoundCache>, MonthlyCache)> = BTreeMap::new();
        let mut cached = BTreeMap::new();
        for (found, entries) in caches {
            for e in &entries {
                cached.insert(e.session_id.clone(), (found.month, e.clone()));
            }
            if files.contains_key(&found.month) {
                continue;
            }
            files.insert(found.month, (Some(found), entries));
        }
        let before = files.iter().map(|(m, (_, e))| (*m, e.clone())).collect();
        Self {
            files,
            before,
            cached,
        }
    }

    /// Puts `entry` into the file of `month`, replacing the session's entry there; a session
    /// cached under another month (an earlier zone setting) moves to its own.
    fn put(&mut self, id: &SessionId, month: Month, entry: CacheEntry) {
        if let Some((m, _)) = self.cached.get(id).filter(|(m, _)| *m != month) {
            if let Some((_, entries)) = self.files.get_mut(m) {
                entries.retain(|e| e.session_id != *id);
            }
        }
        let (_, entries) = self.files.entry(month).or_insert((None, Vec::new()));
        match entries.iter_mut().find(|e| e.session_id == *id) {
            Some(slot) => *slot = entry,
            None => entries.push(entry),
        }
    }

    /// Writes every file whose entries changed, once all of them are checked (a file that
    /// would not read back writes none); returns how many files were written.
    fn write(self, store: &Store) -> Result<usize> {
        let mut batch = store.batch();
        for (month, (found, mut entries)) in self.files {
            if self.before.get(&month) == Some(&entries) {
                continue;
            }
            match &found {
                Some(f) => batch.rewrite_cache(f, &mut entries)?,
                None => batch.cache_month(month, &mut entries)?,
            }
        }
        batch.write()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(vehicle: &str, name: &str, energy: f64) -> CacheEntry {
        serde_json::from_value(serde_json::json!({
            "session_id": "3764032143",
            "session_start_time": "2026-01-01T08:00:01+00:00",
            "session_end_time": "2026-01-01T14:00:00+00:00",
            "vehicle": {"vehicle_id": vehicle, "vehicle_name": name, "model": null,
                        "vin": null, "make": null},
            "location": {"location_id": "home", "name": "Home", "address": "Home",
                         "city": null, "state": "CA", "zip_code": null},
            "charger": {"charger_id": "1", "connector_type": "J1772",
                        "charger_model": "CPH50", "level": 2},
            "session": {"energy_kwh": energy, "duration_seconds": 21599, "cost": 2.12,
                        "peak_power_kw": 9.22, "status": "completed"},
            "utility": {"utility_name": null, "utility_company": null},
            "vehicle_id": vehicle,
            "vehicle_confidence": 0.9
        }))
        .unwrap()
    }

    /// The second of two new month files would not read back: neither is written.
    #[test]
    fn a_file_that_would_not_read_back_stops_every_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("data"));
        let mut files = MonthFiles::new(Vec::new());
        let good = entry("equinox", "Serenity", 20.0);
        let mut bad = entry("xc40", "Volvo", 20.0);
        bad.session_id = SessionId::from_number(3_764_032_144);
        bad.session.energy_kwh = crate::store::values::NonNeg(1e300);
        files.put(
            &good.session_id.clone(),
            Month::parse("2026-01").unwrap(),
            good,
        );
        files.put(
            &bad.session_id.clone(),
            Month::parse("2026-02").unwrap(),
            bad,
        );
        let err = files.write(&store).unwrap_err().to_string();
        assert!(
            err.contains("2026-02.json") && err.contains("energy"),
            "{err}"
        );
        assert!(!dir.path().join("data/session_cache").exists());
    }

    #[test]
    fn a_label_written_meanwhile_wins_and_fresh_figures_are_kept() {
        let base = entry("equinox", "Serenity", 20.0);
        let theirs = entry("xc40", "Volvo", 20.0);
        let ours = entry("equinox", "Serenity", 22.0);
        let merged = merge_entry(Some(&base), Some(&theirs), ours.clone());
        assert_eq!(merged.vehicle_id.as_deref(), Some("xc40"));
        assert_eq!(merged.vehicle.vehicle_name.as_deref(), Some("Volvo"));
        assert_eq!(merged.session, ours.session);
        // nobody changed the label: this run's label stands
        let merged = merge_entry(Some(&base), Some(&base), entry("xc40", "Volvo", 22.0));
        assert_eq!(merged.vehicle_id.as_deref(), Some("xc40"));
        // an entry someone else added meanwhile keeps its label
        let merged = merge_entry(None, Some(&theirs), ours.clone());
        assert_eq!(merged.vehicle_id.as_deref(), Some("xc40"));
        assert_eq!(merge_entry(Some(&base), None, ours.clone()), ours);
    }
}
