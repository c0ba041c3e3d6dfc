//! The monthly cache files of one run: read once, updated in memory session by session, and
//! written at the end, only the files whose content changed.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::store::layout::Month;
use crate::store::records::{CacheEntry, MonthlyCache};
use crate::store::values::SessionId;
use crate::store::{FoundCache, Store};

/// Every monthly cache, with where it was found and what it held before the run.
pub(super) struct MonthFiles {
    /// By local month: the file it was read from (`None` for a new month) and its entries.
    files: BTreeMap<Month, (Option<FoundCache>, MonthlyCache)>,
    /// The entries as read, to write only what changed.
    before: BTreeMap<Month, MonthlyCache>,
    /// Each cached session's entry as read, and its month.
    cached: BTreeMap<SessionId, (Month, CacheEntry)>,
}

impl MonthFiles {
    /// The caches as the store read them. The same month in both layouts: the first file
    /// (sorted by path) is the one updated.
    pub(super) fn new(caches: Vec<(FoundCache, MonthlyCache)>) -> Self {
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

    /// The entry of `id` as it was cached before this run.
    pub(super) fn cached(&self, id: &SessionId) -> Option<&CacheEntry> {
        self.cached.get(id).map(|(_, e)| e)
    }

    /// Puts `entry` into the file of `month`, replacing the session's entry there; a session
    /// cached under another month (an earlier zone setting) moves to its own.
    pub(super) fn put(&mut self, id: &SessionId, month: Month, entry: CacheEntry) {
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

    /// Writes every file whose entries changed; returns how many files were written.
    ///
    /// # Errors
    /// The store's error naming the file that could not be written.
    pub(super) fn write(self, store: &Store) -> Result<usize> {
        let mut written = 0;
        for (month, (found, mut entries)) in self.files {
            if self.before.get(&month) == Some(&entries) {
                continue;
            }
            let changed = match &found {
                Some(f) => store.rewrite_cache(f, &mut entries)?,
                None => store.save_cache_month(month, &mut entries)?,
            };
            written += usize::from(changed);
        }
        Ok(written)
    }
}
