//! Packing a month folder into its archive and unpacking it again (`cph50 archive`). The caller
//! holds the data folder's lock ([`Store::lock`]).
//!
//! Packing writes the archive atomically, checks that it reads back as the folder, then
//! removes the folder: a kill at any instant leaves the folder, or the archive, or both (the
//! archive wins, see the module docs of [`super`]); the next run finds both, checks that every
//! file left in the folder is in the archive byte for byte, and removes the folder. Unpacking
//! writes the files into a staging folder, swaps it in whole, then removes the archive.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::format::{self, Archive};
use crate::error::{Error, Problem, Result};
use crate::fsio;
use crate::store::Store;
use crate::store::layout::Month;
use crate::store::values::limits::MAX_FILE_BYTES;

/// What packing one month did (or, with a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct Packed {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The archive, `data/sessions/YYYY/MM.jsonl.gz`.
    pub archive: PathBuf,
    /// Files in it.
    pub files: usize,
    /// Bytes of those files, unpacked.
    pub bytes: u64,
    /// Bytes of the archive (gzip).
    pub archive_bytes: u64,
    /// The archive was there already: a folder an interrupted run left beside it was removed.
    pub finished_interrupted: bool,
}

/// What unpacking one month did (or would do).
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The folder written, `data/sessions/YYYY/MM/`.
    pub folder: PathBuf,
    /// Files written into it.
    pub files: usize,
}

impl Store {
    /// The months under `sessions/` that have a folder (`YYYY/MM/`) and those that have an
    /// archive (`YYYY/MM.jsonl.gz`), each sorted. Other names are not months and are left out.
    ///
    /// # Errors
    /// [`Error::Io`] naming a folder of `sessions/` that cannot be listed.
    pub fn session_months(&self) -> Result<(Vec<Month>, Vec<Month>)> {
        let (mut folders, mut archives) = (Vec::new(), Vec::new());
        for year in list(&self.layout.sessions_dir())? {
            if !year.is_dir() {
                continue;
            }
            for path in list(&year)? {
                if let Some(m) = self.layout.month_of_dir(&path).filter(|_| path.is_dir()) {
                    folders.push(m);
                } else if let Some(m) = self.layout.month_of_archive(&path) {
                    archives.push(m);
                }
            }
        }
        folders.sort();
        archives.sort();
        Ok((folders, archives))
    }

    /// Packs `month`'s folder into its archive and removes the folder; with `dry_run` only
    /// says what it would do. When the archive exists already, removes the folder an
    /// interrupted run left beside it. `None` when the folder holds no file.
    ///
    /// # Errors
    /// [`Error::Data`] naming the file that cannot be packed (a symbolic link, not UTF-8 text,
    /// too large), the archive that does not read, or a file left beside an archive that the
    /// archive does not hold byte for byte; [`Error::Io`] naming what cannot be read, written
    /// or removed. Nothing is removed before the archive holding it is written.
    pub fn pack_month(&self, month: Month, dry_run: bool) -> Result<Option<Packed>> {
        let dir = self.layout.month_dir(month);
        let path = self.layout.month_archive(month);
        self.tidy_month(month);
        let files = self.month_files(month)?;
        if let Some(archive) = self.load_archive(month).map_err(Error::Data)? {
            self.check_held(&archive, &files)?;
            if !dry_run {
                remove_dir(&dir)?;
            }
            return Ok(Some(self.packed(&archive, &path, true)));
        }
        if files.is_empty() {
            return Ok(None);
        }
        let mut archive = Archive {
            month,
            entries: files,
        };
        archive.sort();
        let bad = |m: String| Error::Data(Problem::file(self.layout.display(&path), m));
        let bytes = archive
            .encode()
            .map_err(|m| bad(format!("not written: {m}")))?;
        if Archive::decode(month, &bytes).as_ref() != Ok(&archive) {
            return Err(bad(
                "not written: it would not read back as the folder".into()
            ));
        }
        if !dry_run {
            self.archives.forget();
            fsio::write_atomic(&path, &bytes)?;
            remove_dir(&dir)?;
        }
        let mut packed = self.packed(&archive, &path, false);
        packed.archive_bytes = bytes.len() as u64;
        Ok(Some(packed))
    }

    /// Unpacks `month`'s archive into `sessions/YYYY/MM/`, byte for byte, and removes the
    /// archive; with `dry_run` only says what it would do. `None` when the month has no
    /// archive.
    ///
    /// # Errors
    /// [`Error::Data`] naming the archive that does not read (nothing is written then), or a
    /// file of a folder left beside it that the archive does not hold byte for byte;
    /// [`Error::Io`] naming what cannot be written or removed.
    pub fn restore_month(&self, month: Month, dry_run: bool) -> Result<Option<Restored>> {
        let dir = self.layout.month_dir(month);
        let path = self.layout.month_archive(month);
        let Some(archive) = self.load_archive(month).map_err(Error::Data)? else {
            return Ok(None);
        };
        self.check_held(&archive, &self.month_files(month)?)?;
        let restored = Restored {
            month: month.to_string(),
            folder: self.layout.display(&dir).to_owned(),
            files: archive.entries.len(),
        };
        if dry_run {
            return Ok(Some(restored));
        }
        self.tidy_month(month);
        let staging = fsio::staging_dir(&dir, "restore")?;
        for (rel, text) in &archive.entries {
            fsio::write_atomic(&staging.path().join(rel), text.as_bytes())?;
        }
        fsio::replace_dir(staging, &dir)?;
        self.archives.forget();
        fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))?;
        if let Ok(d) = fs::File::open(fsio::parent_of(&path)) {
            let _ = d.sync_all();
        }
        Ok(Some(restored))
    }

    /// Repairs what a killed unpacking of `month` left: its staging folder
    /// (`sessions/YYYY/.cph50-restore-MM.XXXXXX`, which readers skip) is deleted, and a month
    /// folder moved aside by the fallback swap is put back ([`fsio::tidy::tidy`]). Call it
    /// holding the data folder's lock.
    pub fn tidy_month(&self, month: Month) {
        fsio::tidy::tidy(&self.layout.month_dir(month));
    }

    fn packed(&self, archive: &Archive, path: &Path, finished: bool) -> Packed {
        Packed {
            month: archive.month.to_string(),
            archive: self.layout.display(path).to_owned(),
            files: archive.entries.len(),
            bytes: archive.entries.iter().map(|(_, t)| t.len() as u64).sum(),
            archive_bytes: fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            finished_interrupted: finished,
        }
    }

    /// [`Error::Data`] naming the first file of the folder that `archive` does not hold with
    /// the same bytes.
    fn check_held(&self, archive: &Archive, files: &[(String, String)]) -> Result<()> {
        let dir = self.layout.month_dir(archive.month);
        match files
            .iter()
            .find(|(rel, text)| archive.get(rel) != Some(text))
        {
            None => Ok(()),
            Some((rel, _)) => Err(Error::Data(Problem::file(
                self.layout.display(&dir.join(rel)),
                format!(
                    "the month has a folder and an archive ({}), and the archive does not hold \
                     this file as it is; readers see the archive only, so move the file's \
                     changes into it by hand (or remove the file) and run again",
                    self.layout
                        .display(&self.layout.month_archive(archive.month))
                        .display()
                ),
            ))),
        }
    }

    /// Every file of `month`'s folder (none when it has no folder) as (path inside the
    /// folder, text), sorted; cph50's temporary files and folders are skipped.
    fn month_files(&self, month: Month) -> Result<Vec<(String, String)>> {
        let dir = self.layout.month_dir(month);
        let mut files = Vec::new();
        if fs::symlink_metadata(&dir).is_err() {
            return Ok(files);
        }
        let walker = walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                !e.file_name()
                    .to_string_lossy()
                    .starts_with(fsio::TEMP_PREFIX)
            });
        for entry in walker {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&dir).to_owned();
                Error::io("read", path, e.into())
            })?;
            let path = entry.path();
            let bad = |m: &str| Error::Data(Problem::file(self.layout.display(path), m));
            if entry.path_is_symlink() {
                return Err(bad(
                    "cannot archive a symbolic link: an archive holds the text of regular files",
                ));
            }
            if entry.file_type().is_dir() {
                continue;
            }
            let bytes = fsio::read_regular(path, MAX_FILE_BYTES)
                .map_err(|e| bad(&format!("cannot archive: {e}")))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| bad("cannot archive: not UTF-8 text (an archive holds JSON text)"))?;
            let rel = relative(&dir, path)
                .ok_or_else(|| bad("cannot archive: a name that is not UTF-8"))?;
            format::check_entry(&rel, text.len())
                .map_err(|m| bad(&format!("cannot archive: {m}")))?;
            files.push((rel, text));
        }
        files.sort_by(|a, b| format::path_order(&a.0, &b.0));
        Ok(files)
    }
}

/// `path` below `dir` as a `/`-separated relative path.
fn relative(dir: &Path, path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path
        .strip_prefix(dir)
        .ok()?
        .iter()
        .map(|c| c.to_str())
        .collect();
    parts.map(|p| p.join("/"))
}

/// The entries of a folder (none when it does not exist), sorted by name, temporary names
/// left out.
fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("list", dir, e)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list", dir, e))?;
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(fsio::TEMP_PREFIX)
        {
            paths.push(entry.path());
        }
    }
    paths.sort();
    Ok(paths)
}

/// Removes a month folder (absent is fine).
fn remove_dir(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("remove", dir, e)),
    }
}
