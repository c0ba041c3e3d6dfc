//! Finding the data files: the walk of `sessions/` (archives included) and `session_cache/`.

use std::fs;
use std::path::Path;

use super::{FoundCache, FoundSession, Store, layout, read_error};
use crate::error::Problem;
use crate::store::values::SessionId;

impl Store {
    /// Every file under `sessions/`, wherever it sits, sorted by path, and every file inside a
    /// month archive `sessions/YYYY/MM.jsonl.gz` (at `sessions/YYYY/MM.jsonl.gz/DD/<id>.json`;
    /// the month's folder, if one is left beside it, is skipped: the archive wins). Folders
    /// that cannot be walked (unreadable, symlink loops), archives that do not read and files
    /// that are not `<id>.json` come back as problems.
    pub fn discover_sessions(&self) -> (Vec<FoundSession>, Vec<Problem>) {
        let mut found = Vec::new();
        let mut inside = Vec::new();
        let mut problems = self.walk(&self.layout.sessions_dir(), |path| {
            let Some(month) = self.layout.month_of_archive(path) else {
                found.push(found_session(path)?);
                return Ok(());
            };
            let archive = self.load_archive(month).map_err(|p| p.message)?;
            let entries: Vec<&(String, String)> =
                archive.iter().flat_map(|a| a.entries.iter()).collect();
            for (rel, _) in &entries {
                let path = self.layout.archived_file(month, rel);
                match found_session(&path) {
                    Ok(f) => found.push(f),
                    Err(m) => inside.push(Problem::file(self.layout.display(&path), m)),
                }
            }
            inside.extend(self.hidden_beside_archive(month, &entries));
            Ok(())
        });
        problems.extend(inside);
        (found, problems)
    }

    /// Every monthly cache, in `session_cache/YYYY-MM.json` or
    /// `session_cache/YYYY/MM/YYYY-MM.json`, sorted by path.
    pub fn discover_caches(&self) -> (Vec<FoundCache>, Vec<Problem>) {
        let mut found = Vec::new();
        let problems = self.walk(&self.layout.cache_dir(), |path| {
            match self.layout.cache_file_month(path) {
                Some(month) => {
                    found.push(FoundCache {
                        path: path.to_owned(),
                        month,
                    });
                    Ok(())
                }
                None => Err(format!(
                    "not a monthly cache: expected {0}/YYYY-MM.json or {0}/YYYY/MM/YYYY-MM.json",
                    layout::SESSION_CACHE
                )),
            }
        });
        (found, problems)
    }

    /// Walks `dir` (following symlinks, so loops are caught), calls `visit` on every file, and
    /// returns the problems met on the way. cph50's own temporary files and folders
    /// (`.cph50-*`: an interrupted write, a staging folder) are not data and are skipped. A
    /// symbolic link that leads out of the data folder is one problem; it is neither visited
    /// nor walked into.
    fn walk(&self, dir: &Path, mut visit: impl FnMut(&Path) -> Result<(), String>) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !dir.exists() {
            return problems;
        }
        let mut walker = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !is_temporary(e.file_name()) && !self.archived_dir(e));
        while let Some(entry) = walker.next() {
            match entry {
                // a link out of the data folder is reported once, and neither read nor walked
                Ok(e) if e.path_is_symlink() && self.link_outside(e.path()).is_some() => {
                    let msg = self.link_outside(e.path()).unwrap_or_default();
                    problems.push(Problem::file(self.layout.display(e.path()), msg));
                    if e.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                }
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => {
                    if let Err(msg) = visit(e.path()) {
                        problems.push(Problem::file(self.layout.display(e.path()), msg));
                    }
                }
                Err(e) => {
                    let path = e.path().unwrap_or(dir).to_owned();
                    let msg = if e.loop_ancestor().is_some() {
                        "symbolic link loop: this folder links back to one of its parents"
                            .to_owned()
                    } else {
                        match e.io_error() {
                            Some(io) => read_error(io),
                            None => e.to_string(),
                        }
                    };
                    problems.push(Problem::file(self.layout.display(&path), msg));
                }
            }
        }
        problems
    }

    /// Files of a month's folder left beside its archive (a killed archive or restore) that
    /// the archive does not hold byte for byte: the archive wins, so they are not read, and a
    /// change made in them would be lost without a word. Each is a problem naming the file and
    /// the way out.
    fn hidden_beside_archive(
        &self,
        month: crate::store::Month,
        entries: &[&(String, String)],
    ) -> Vec<Problem> {
        let dir = self.layout.month_dir(month);
        if !dir.is_dir() {
            return Vec::new();
        }
        let archive_path = self.layout.month_archive(month);
        let archive = self.layout.display(&archive_path);
        let mut problems = Vec::new();
        for e in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !is_temporary(e.file_name()))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let Some(rel) = e.path().strip_prefix(&dir).ok().and_then(Path::to_str) else {
                continue;
            };
            let held = entries.iter().find(|(r, _)| r == rel).map(|(_, text)| text);
            let same =
                held.is_some_and(|text| fs::read(e.path()).is_ok_and(|b| b == text.as_bytes()));
            if !same {
                let what = if held.is_some() {
                    "differs from its copy in"
                } else {
                    "is not in"
                };
                problems.push(Problem::file(
                    self.layout.display(e.path()),
                    format!(
                        "{what} {} and is not read (a month with both a folder and an archive is read from the archive); to keep this file, move the folder {} aside, run `cph50 archive --restore {month}`, then copy the file back",
                        archive.display(),
                        self.layout.display(&dir).display()
                    ),
                ));
            }
        }
        problems
    }

    /// Whether `e` is the folder of a month that has an archive (which wins over it).
    fn archived_dir(&self, e: &walkdir::DirEntry) -> bool {
        e.file_type().is_dir()
            && self
                .layout
                .month_of_dir(e.path())
                .is_some_and(|m| self.is_archived(m))
    }

    /// Why the symbolic link `path` leads out of the data folder, if it does.
    fn link_outside(&self, path: &Path) -> Option<String> {
        let real = fs::canonicalize(path).ok()?;
        self.inside(&real).err()
    }
}

/// The session file `path` by its name, `<id>.json`; else why it is not one.
fn found_session(path: &Path) -> Result<FoundSession, String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some(stem) = name.strip_suffix(".json") else {
        return Err(format!(
            "not a session file: files under {}/ must be named <session_id>.json",
            layout::SESSIONS
        ));
    };
    Ok(FoundSession {
        path: path.to_owned(),
        id: SessionId::parse(stem),
    })
}

/// A name of cph50's own temporary files and folders ([`crate::fsio::TEMP_PREFIX`]).
fn is_temporary(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(crate::fsio::TEMP_PREFIX))
}
