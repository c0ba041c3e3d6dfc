//! Files written together: each is encoded and checked as it is added, and none is written
//! before all are, so a file that would not read back (a value outside the data limits) stops
//! the batch before its first write instead of leaving some files new and some old.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{FoundCache, Store, sort_cache};
use crate::error::Result;
use crate::store::layout::Month;
use crate::store::records::{MonthlyCache, SessionFile};

/// Files encoded and checked, not written yet ([`Store::batch`]).
#[derive(Debug)]
pub struct Batch<'a> {
    store: &'a Store,
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Store {
    /// An empty batch of writes to this data folder.
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            store: self,
            files: Vec::new(),
        }
    }
}

impl Batch<'_> {
    /// Adds one month's cache (new file, sorted as [`Store::save_cache_month`] writes it).
    ///
    /// # Errors
    /// [`crate::error::Error::Data`] naming the file and field when it would not read back.
    pub fn cache_month(&mut self, month: Month, entries: &mut MonthlyCache) -> Result<()> {
        sort_cache(entries);
        let path = self.store.layout.cache_file(month);
        let bytes = self.store.checked(&path, entries)?;
        self.files.push((path, bytes));
        Ok(())
    }

    /// Adds a monthly cache rewritten where it was found (as [`Store::rewrite_cache`]).
    ///
    /// # Errors
    /// As [`Self::cache_month`].
    pub fn rewrite_cache(&mut self, found: &FoundCache, entries: &mut MonthlyCache) -> Result<()> {
        sort_cache(entries);
        let bytes = self.store.checked(&found.path, entries)?;
        self.files.push((found.path.clone(), bytes));
        Ok(())
    }

    /// Adds a session file rewritten in place (as [`Store::rewrite_session`]).
    ///
    /// # Errors
    /// [`crate::error::Error::Usage`] naming `path` when it is not under `sessions/`; else as
    /// [`Self::cache_month`].
    pub fn rewrite_session(&mut self, path: &Path, session: &SessionFile) -> Result<()> {
        self.store.under_sessions(path)?;
        let bytes = self.store.checked(path, session)?;
        self.files.push((path.to_owned(), bytes));
        Ok(())
    }

    /// Writes every file, each atomically; returns how many changed. Files of an archived
    /// month go into its archive, rewritten once for all of them.
    ///
    /// # Errors
    /// [`crate::error::Error::Io`] naming the file or folder that cannot be written (the files
    /// before it are written).
    pub fn write(self) -> Result<usize> {
        let mut changed = 0;
        let mut archived: BTreeMap<Month, Vec<(String, Vec<u8>)>> = BTreeMap::new();
        for (path, bytes) in self.files {
            match self.store.archive_target(&path) {
                Some((month, rel)) => archived.entry(month).or_default().push((rel, bytes)),
                None => changed += usize::from(super::json::write_atomic(&path, &bytes)?),
            }
        }
        for (month, files) in archived {
            changed += self.store.write_into_archive(month, files)?;
        }
        Ok(changed)
    }
}
