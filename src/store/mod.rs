//! The data store: the one module that reads and writes files under `data/`.
//!
//! Reads decode into the typed records of [`records`] and name the file, field and position of
//! any problem. Writes are stable (pretty JSON in model order, trailing newline) and atomic.

pub mod archive;
mod batch;
mod discover;
pub mod json;
pub mod layout;
pub mod records;
pub mod values;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Problem, Result};
use crate::fsio::lock::FolderLock;
pub use batch::Batch;
use layout::{Layout, Month};
use records::{CacheEntry, MonthlyCache, SessionFile};
use values::SessionId;

/// A session file found under `sessions/`, before it is decoded.
#[derive(Debug, Clone)]
pub struct FoundSession {
    /// Where it is.
    pub path: PathBuf,
    /// The id its file name says, or why the name is not an id.
    pub id: Result<SessionId, String>,
}

/// A monthly cache file found under `session_cache/`.
#[derive(Debug, Clone)]
pub struct FoundCache {
    /// Where it is.
    pub path: PathBuf,
    /// The month its name says.
    pub month: Month,
}

/// Read and write access to one data folder.
#[derive(Debug, Clone)]
pub struct Store {
    layout: Layout,
    archives: archive::Memo,
}

impl Store {
    /// The store of the data folder `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            layout: Layout::new(root),
            archives: archive::Memo::default(),
        }
    }

    /// The folder layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Takes the writers' lock of the data folder (`.cph50-<name>.lock` beside it), waiting at
    /// most `CPH50_LOCK_WAIT` (30 s), and tidies what killed runs left in it. Hold it from
    /// reading what a run changes to writing it, never across a network request; it is
    /// released when dropped or when the process ends.
    ///
    /// # Errors
    /// [`Error::Io`] naming the lock file when another run holds it too long or it cannot be
    /// created.
    pub fn lock(&self) -> Result<FolderLock> {
        Ok(FolderLock::acquire(self.layout.root())?)
    }

    /// Takes the lock of `job`'s critical section on the data folder (`.cph50-<name>.<job>.lock`
    /// beside it; see [`FolderLock::acquire_job`]), waiting at most `wait`. Unlike
    /// [`Self::lock`] it may be held across network requests: it keeps only the same job out.
    ///
    /// # Errors
    /// [`Error::Io`] naming the lock file when another run holds it longer than `wait` or it
    /// cannot be created.
    pub fn job_lock(&self, job: &str, wait: std::time::Duration) -> Result<FolderLock> {
        Ok(FolderLock::acquire_job(self.layout.root(), job, wait)?)
    }

    /// Reads a file, or `None` when it does not exist. A file of a month archive
    /// (`sessions/YYYY/MM.jsonl.gz/DD/<id>.json`, as [`Self::discover_sessions`] finds it) is
    /// read from the archive.
    ///
    /// # Errors
    /// A [`Problem`] naming the file (`data/runs.json`) when it exists but cannot be read:
    /// permission denied, a folder, a broken symbolic link, a symbolic link to outside the data
    /// folder (git carries symbolic links, so a pushed change could point anywhere on the
    /// runner), or a file larger than [`values::limits::MAX_FILE_BYTES`].
    pub fn read_bytes(&self, path: &Path) -> Result<Option<Vec<u8>>, Problem> {
        match self.read_archived(path) {
            Some(read) => read,
            None => self.read_plain(path),
        }
    }

    /// [`Self::read_bytes`] of a file on disk.
    fn read_plain(&self, path: &Path) -> Result<Option<Vec<u8>>, Problem> {
        let problem = |msg: String| Problem::file(self.layout.display(path), msg);
        let real = match fs::canonicalize(path) {
            Ok(real) => real,
            Err(e)
                if e.kind() == io::ErrorKind::NotFound && fs::symlink_metadata(path).is_err() =>
            {
                return Ok(None);
            }
            Err(e) => return Err(problem(read_error(&e))),
        };
        self.inside(&real).map_err(problem)?;
        read_limited(&real).map(Some).map_err(problem)
    }

    /// Whether `real` (a canonical path) lies inside the data folder; else why not.
    fn inside(&self, real: &Path) -> Result<(), String> {
        let root = fs::canonicalize(self.layout.root()).map_err(|e| read_error(&e))?;
        if real.starts_with(&root) {
            Ok(())
        } else {
            Err(format!(
                "symbolic link to outside the data folder (it resolves to {}); cph50 reads \
                 only files inside the data folder",
                real.display()
            ))
        }
    }

    /// Reads and decodes a file; `None` when it does not exist.
    ///
    /// # Errors
    /// As [`Self::read_bytes`], and [`json::decode`]'s [`Problem`] (field, line and column)
    /// when it does not decode.
    pub fn load<T: DeserializeOwned>(&self, path: &Path) -> Result<Option<T>, Problem> {
        match self.read_bytes(path)? {
            Some(bytes) => json::decode(self.layout.display(path), &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Reads and decodes a top-level file by name (see [`layout`]); `None` when absent.
    ///
    /// # Errors
    /// [`Error::Data`] with [`Self::load`]'s problem.
    pub fn load_file<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        self.load(&self.layout.file(name)).map_err(Error::Data)
    }

    /// Writes a top-level file by name, atomically and stably. Returns whether it changed.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file or folder that cannot be written; [`Error::Data`] when
    /// the value cannot be encoded (see [`json::encode`]).
    pub fn save_file<T: Serialize + DeserializeOwned>(
        &self,
        name: &str,
        value: &T,
    ) -> Result<bool> {
        self.save(&self.layout.file(name), value)
    }

    /// Writes a session file into the folder of its local start date,
    /// `sessions/YYYY/MM/DD/<id>.json`. Returns whether it changed.
    ///
    /// # Errors
    /// As [`Self::save_file`].
    pub fn save_session(&self, local_start: NaiveDate, session: &SessionFile) -> Result<bool> {
        self.save(
            &self.layout.session_file(local_start, &session.session_id),
            session,
        )
    }

    /// Writes one month's cache, sorted by start time then id so the output is stable.
    /// Returns whether it changed.
    ///
    /// # Errors
    /// As [`Self::save_file`].
    pub fn save_cache_month(&self, month: Month, entries: &mut MonthlyCache) -> Result<bool> {
        sort_cache(entries);
        self.save(&self.layout.cache_file(month), entries)
    }

    /// Encodes `value`, checks that it reads back as every reader will read it (its model and
    /// the limits), then writes it atomically: cph50 never writes a file its own `validate`
    /// and `build` would refuse.
    fn save<T: Serialize + DeserializeOwned>(&self, path: &Path, value: &T) -> Result<bool> {
        let bytes = self.checked(path, value)?;
        self.write_data(path, &bytes)
    }

    /// `value` encoded for `path`, once it is known to read back (see [`Self::save`]).
    fn checked<T: Serialize + DeserializeOwned>(&self, path: &Path, value: &T) -> Result<Vec<u8>> {
        let shown = self.layout.display(path);
        let bytes = json::encode(shown, value)?;
        if let Err(p) = json::decode::<T>(shown, &bytes) {
            return Err(Error::Data(Problem {
                message: format!("not written, it would not read back: {}", p.message),
                ..p
            }));
        }
        Ok(bytes)
    }

    /// Every session file that decodes, sorted by path, and the problems of those that do not.
    pub fn load_sessions(&self) -> (Vec<(PathBuf, SessionFile)>, Vec<Problem>) {
        let (found, mut problems) = self.discover_sessions();
        let mut sessions = Vec::new();
        for f in found {
            match self.load::<SessionFile>(&f.path) {
                Ok(Some(s)) => sessions.push((f.path, s)),
                Ok(None) => {}
                Err(p) => problems.push(p),
            }
        }
        (sessions, problems)
    }

    /// The session file of `id`, wherever it sits under `sessions/`.
    ///
    /// # Errors
    /// [`Error::Data`] when a file named `<id>.json` cannot be read or does not decode, or,
    /// when no file holds it, a month archive does not read (it may be in it; the problems of
    /// other files are not looked at).
    pub fn find_session(&self, id: &SessionId) -> Result<Option<(PathBuf, SessionFile)>> {
        let (found, problems) = self.discover_sessions();
        for f in found.into_iter().filter(|f| f.id.as_ref() == Ok(id)) {
            if let Some(s) = self.load::<SessionFile>(&f.path).map_err(Error::Data)? {
                return Ok(Some((f.path, s)));
            }
        }
        // a month archive that does not read may hold it: not found is not known then
        match problems
            .into_iter()
            .find(|p| self.layout.month_of_archive(&p.path).is_some())
        {
            Some(p) => Err(Error::Data(p)),
            None => Ok(None),
        }
    }

    /// Rewrites a session file found by [`Self::find_session`] or [`Self::load_sessions`] in
    /// place. Refuses a path outside `sessions/`. Returns whether it changed.
    ///
    /// # Errors
    /// [`Error::Usage`] naming `path` when it is not under `sessions/`; else as
    /// [`Self::save_file`].
    pub fn rewrite_session(&self, path: &Path, session: &SessionFile) -> Result<bool> {
        self.under_sessions(path)?;
        self.save(path, session)
    }

    /// [`Error::Usage`] naming `path` when it is not under `sessions/`.
    fn under_sessions(&self, path: &Path) -> Result<()> {
        if !path.starts_with(self.layout.sessions_dir()) {
            return Err(Error::Usage(format!(
                "{} is not under {}",
                path.display(),
                self.layout.sessions_dir().display()
            )));
        }
        Ok(())
    }

    /// Every monthly cache that decodes, sorted by path, and the problems of the others.
    pub fn load_caches(&self) -> (Vec<(FoundCache, MonthlyCache)>, Vec<Problem>) {
        let (found, mut problems) = self.discover_caches();
        let mut caches = Vec::new();
        for f in found {
            match self.load::<MonthlyCache>(&f.path) {
                Ok(Some(c)) => caches.push((f, c)),
                Ok(None) => {}
                Err(p) => problems.push(p),
            }
        }
        (caches, problems)
    }

    /// Rewrites a monthly cache where it was found (either layout), sorted. Returns whether it
    /// changed.
    ///
    /// # Errors
    /// As [`Self::save_file`].
    pub fn rewrite_cache(&self, found: &FoundCache, entries: &mut MonthlyCache) -> Result<bool> {
        sort_cache(entries);
        self.save(&found.path, entries)
    }

    /// Every entry of every monthly cache, decoded and sorted by start time then id; files
    /// that cannot be read or decoded come back as problems naming the file.
    pub fn load_cache_entries(&self) -> (Vec<CacheEntry>, Vec<Problem>) {
        let (caches, problems) = self.load_caches();
        let mut entries: Vec<CacheEntry> = caches.into_iter().flat_map(|(_, c)| c).collect();
        sort_cache(&mut entries);
        (entries, problems)
    }
}

/// The bytes of `path`, refusing a file larger than [`values::limits::MAX_FILE_BYTES`].
fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let max = values::limits::MAX_FILE_BYTES;
    let too_big =
        |n: &str| format!("the file is {n} bytes; at most {max} are read (MAX_FILE_BYTES, 32 MiB)");
    if let Some(len) = fs::metadata(path)
        .ok()
        .filter(fs::Metadata::is_file)
        .map(|m| m.len())
    {
        if len > max {
            return Err(too_big(&len.to_string()));
        }
    }
    crate::fsio::read_regular(path, max).map_err(|e| match e.kind() {
        io::ErrorKind::FileTooLarge => too_big(&format!("more than {max}")),
        io::ErrorKind::InvalidInput => format!("cannot read: {e}"),
        _ => read_error(&e),
    })
}

/// Sorts cache entries by start time, then id.
pub fn sort_cache(entries: &mut [CacheEntry]) {
    entries.sort_by(|a, b| {
        (a.session_start_time, &a.session_id).cmp(&(b.session_start_time, &b.session_id))
    });
}

fn read_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "cannot read: it is a broken symbolic link or vanished".into(),
        io::ErrorKind::PermissionDenied => "cannot read: permission denied".into(),
        _ if e.raw_os_error() == Some(21) => "cannot read: it is a folder, not a file".into(),
        _ => format!("cannot read: {e}"),
    }
}
