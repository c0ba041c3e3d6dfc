//! Month archives in the store: `sessions/YYYY/MM.jsonl.gz` holds the files of the month folder
//! `sessions/YYYY/MM/` ([`format`]), and every reader sees its files as if they were unpacked.
//!
//! Readers see a file of an archive at `sessions/YYYY/MM.jsonl.gz/DD/<id>.json`: a path that
//! names the archive and the file inside it, which [`Store::read_bytes`] reads and
//! [`Store::rewrite_session`] and [`super::Batch`] write (by rewriting the archive
//! atomically). When a month has both an archive and a folder (a run of `cph50 archive` killed
//! after writing the archive, before the folder was gone), **the archive wins**: it was
//! complete before the folder was touched, so readers skip the folder, writes go into the
//! archive, and the next `cph50 archive` removes the folder.

pub mod format;
mod pack;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::{Store, json};
use crate::error::{Error, Problem, Result};
use crate::store::layout::Month;
pub use format::Archive;
pub use pack::{Packed, Restored};

/// The archives read, kept while their files are unchanged: readers list a month's files, then
/// read them one by one, and this spares them a decompression each time. At most
/// [`MEMO_BYTES`] of text are kept; past that the memo starts over.
#[derive(Debug, Default, Clone)]
pub(super) struct Memo(Arc<Mutex<Memoized>>);

/// Most bytes of decoded archives kept in memory (10 years of one charger take about 30 MB).
const MEMO_BYTES: usize = 128 * 1024 * 1024;

#[derive(Debug, Default)]
struct Memoized {
    archives: HashMap<PathBuf, (Stamp, Arc<Archive>)>,
    bytes: usize,
}

/// Length and modification time: an atomic rewrite changes them.
type Stamp = (u64, Option<SystemTime>);

fn stamp(path: &Path) -> Option<Stamp> {
    fs::metadata(path)
        .ok()
        .map(|m| (m.len(), m.modified().ok()))
}

impl Memo {
    fn get(&self, path: &Path, stamp: Option<Stamp>) -> Option<Arc<Archive>> {
        let memo = self.0.lock().ok()?;
        memo.archives
            .get(path)
            .filter(|(s, _)| Some(*s) == stamp)
            .map(|(_, a)| Arc::clone(a))
    }

    fn set(&self, path: &Path, stamp: Option<Stamp>, archive: &Arc<Archive>) {
        let (Ok(mut memo), Some(stamp)) = (self.0.lock(), stamp) else {
            return;
        };
        let size: usize = archive.entries.iter().map(|(p, t)| p.len() + t.len()).sum();
        if memo.bytes + size > MEMO_BYTES {
            *memo = Memoized::default();
        }
        memo.bytes += size;
        memo.archives
            .insert(path.to_owned(), (stamp, Arc::clone(archive)));
    }

    fn forget(&self) {
        if let Ok(mut memo) = self.0.lock() {
            *memo = Memoized::default();
        }
    }
}

impl Store {
    /// Whether `month` has an archive (`sessions/YYYY/MM.jsonl.gz`).
    pub fn is_archived(&self, month: Month) -> bool {
        fs::symlink_metadata(self.layout.month_archive(month)).is_ok()
    }

    /// Reads and decodes `month`'s archive; `None` when it has none.
    ///
    /// # Errors
    /// A [`Problem`] naming the archive as [`Self::read_bytes`] does for any file, or what
    /// [`Archive::decode`] found wrong (the line and the entry's path).
    pub fn load_archive(&self, month: Month) -> Result<Option<Arc<Archive>>, Problem> {
        let path = self.layout.month_archive(month);
        let before = stamp(&path);
        if let Some(hit) = self.archives.get(&path, before) {
            return Ok(Some(hit));
        }
        let Some(bytes) = self.read_plain(&path)? else {
            return Ok(None);
        };
        let archive = Archive::decode(month, &bytes)
            .map(Arc::new)
            .map_err(|m| Problem::file(self.layout.display(&path), m))?;
        if stamp(&path) == before {
            self.archives.set(&path, before, &archive);
        }
        Ok(Some(archive))
    }

    /// The text of the file `path` of an archive (`sessions/YYYY/MM.jsonl.gz/DD/<id>.json`);
    /// `None` when `path` is not such a path, `Some(None)` when the archive or entry is absent.
    pub(super) fn read_archived(&self, path: &Path) -> Option<Result<Option<Vec<u8>>, Problem>> {
        let (month, rel) = self.layout.archive_entry(path, |_| false)?;
        Some(
            self.load_archive(month)
                .map(|a| a.and_then(|a| a.get(&rel).map(|t| t.as_bytes().to_vec()))),
        )
    }

    /// Writes `bytes` at `path`: into its month's archive when `path` is inside one or its
    /// month is archived, else atomically in place. Returns whether anything changed.
    pub(super) fn write_data(&self, path: &Path, bytes: &[u8]) -> Result<bool> {
        match self.layout.archive_entry(path, |m| self.is_archived(m)) {
            Some((month, rel)) => {
                Ok(self.write_into_archive(month, vec![(rel, bytes.to_vec())])? > 0)
            }
            None => json::write_atomic(path, bytes),
        }
    }

    /// The month and entry path `path` is written to when it goes into an archive.
    pub(super) fn archive_target(&self, path: &Path) -> Option<(Month, String)> {
        self.layout.archive_entry(path, |m| self.is_archived(m))
    }

    /// Puts `files` (entry path, bytes) into `month`'s archive and rewrites it atomically, once.
    /// Returns how many entries changed.
    ///
    /// # Errors
    /// [`Error::Data`] naming the archive when it does not read, or naming the entry when it is
    /// not UTF-8 text or is too large; [`Error::Io`] when it cannot be written.
    pub(super) fn write_into_archive(
        &self,
        month: Month,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<usize> {
        let path = self.layout.month_archive(month);
        let shown = self.layout.display(&path).to_owned();
        let mut archive = match self.load_archive(month).map_err(Error::Data)? {
            Some(a) => (*a).clone(),
            None => Archive {
                month,
                entries: Vec::new(),
            },
        };
        let mut changed = 0;
        for (rel, bytes) in files {
            let entry = self.layout.archived_file(month, &rel);
            let bad = |m: String| Error::Data(Problem::file(self.layout.display(&entry), m));
            format::check_entry(&rel, bytes.len()).map_err(bad)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| bad("not written: an archive holds UTF-8 text only".into()))?;
            if archive.get(&rel) != Some(text.as_str()) {
                archive.put(&rel, text);
                changed += 1;
            }
        }
        if changed == 0 {
            return Ok(0);
        }
        let encoded = archive
            .encode()
            .map_err(|m| Error::Data(Problem::file(&shown, format!("not written: {m}"))))?;
        self.archives.forget();
        json::write_atomic(&path, &encoded)?;
        Ok(changed)
    }
}
