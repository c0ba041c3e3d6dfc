//! Every path under `data/`, built in one place. Nothing outside the store formats a data path.

use std::path::{Component, Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::store::values::SessionId;

/// File and folder names of the data folder, as the data dictionary lays them out.
pub const LAST_SESSION: &str = "last_session.json";
/// Internal tracking of the last detected session.
pub const LAST_SESSION_ID: &str = ".last_session_id.json";
/// The household's vehicles.
pub const VEHICLE_CONFIG: &str = "vehicle_config.json";
/// Daily-start run records.
pub const RUNS: &str = "runs.json";
/// Classifier statistics.
pub const CLASSIFIER_SUMMARY: &str = "classifier_summary.json";
/// The trained vehicle classifier.
pub const CLASSIFIER_MODEL: &str = "classifier_model.json";
/// Legacy manual labels.
pub const SESSION_VEHICLE_MAP: &str = "session_vehicle_map.json";
/// Folder of per-session sample files.
pub const SESSIONS: &str = "sessions";
/// Folder of monthly caches.
pub const SESSION_CACHE: &str = "session_cache";
/// The top-level files of a data folder that the data dictionary names (the folders
/// [`SESSIONS`] and [`SESSION_CACHE`] apart).
pub const DATA_FILES: [&str; 7] = [
    LAST_SESSION,
    LAST_SESSION_ID,
    VEHICLE_CONFIG,
    RUNS,
    CLASSIFIER_SUMMARY,
    CLASSIFIER_MODEL,
    SESSION_VEHICLE_MAP,
];
/// The folders of a data folder that the data dictionary names.
pub const DATA_FOLDERS: [&str; 2] = [SESSIONS, SESSION_CACHE];
/// How a month archive's name ends: `sessions/YYYY/MM.jsonl.gz`.
pub const ARCHIVE_SUFFIX: &str = ".jsonl.gz";

/// The month of a `YYYY` folder and an `MM` name, when both have that shape.
fn month_of(y: &str, m: &str) -> Option<Month> {
    if !(y.len() == 4 && m.len() == 2 && format!("{y}{m}").bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Month::parse(&format!("{y}-{m}"))
}

/// A calendar month, the key of a monthly cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month, 1..=12.
    pub month: u32,
}

impl Month {
    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Parses `YYYY-MM`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (y, m) = raw.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let month = Self {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        (1..=12).contains(&month.month).then_some(month)
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// First day of the month.
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The layout of one data folder.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// The layout rooted at `root` (usually `data`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The data folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A top-level file of the data folder, by one of the name constants above.
    pub fn file(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// `sessions/`.
    pub fn sessions_dir(&self) -> PathBuf {
        self.root.join(SESSIONS)
    }

    /// `session_cache/`.
    pub fn cache_dir(&self) -> PathBuf {
        self.root.join(SESSION_CACHE)
    }

    /// `sessions/YYYY/MM/DD/<id>.json`, dated by the session's local start date.
    pub fn session_file(&self, local_start: NaiveDate, id: &SessionId) -> PathBuf {
        self.sessions_dir()
            .join(format!("{:04}", local_start.year()))
            .join(format!("{:02}", local_start.month()))
            .join(format!("{:02}", local_start.day()))
            .join(format!("{id}.json"))
    }

    /// `session_cache/YYYY-MM.json`, where new caches are written.
    pub fn cache_file(&self, month: Month) -> PathBuf {
        self.cache_dir().join(format!("{month}.json"))
    }

    /// The date a session file's folder says (`sessions/YYYY/MM/DD/x.json`, or inside a month
    /// archive `sessions/YYYY/MM.jsonl.gz/DD/x.json`), if it has that shape.
    pub fn session_folder_date(&self, path: &Path) -> Option<NaiveDate> {
        let rel = path.strip_prefix(self.sessions_dir()).ok()?;
        let parts: Vec<&str> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect();
        match parts.as_slice() {
            [y, m, d, _file] => {
                let m = m.strip_suffix(ARCHIVE_SUFFIX).unwrap_or(m);
                (y.len() == 4 && m.len() == 2 && d.len() == 2).then_some(())?;
                NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
            }
            _ => None,
        }
    }

    /// `sessions/YYYY/MM/`: a month's folder of session files.
    pub fn month_dir(&self, month: Month) -> PathBuf {
        self.sessions_dir()
            .join(format!("{:04}", month.year))
            .join(format!("{:02}", month.month))
    }

    /// `sessions/YYYY/MM.jsonl.gz`: a month's archive (see `cph50 archive`).
    pub fn month_archive(&self, month: Month) -> PathBuf {
        self.sessions_dir()
            .join(format!("{:04}", month.year))
            .join(format!("{:02}{ARCHIVE_SUFFIX}", month.month))
    }

    /// The month of `sessions/YYYY/MM/` (a month folder), if `path` is one by its name.
    pub fn month_of_dir(&self, path: &Path) -> Option<Month> {
        match self.sessions_parts(path)?.as_slice() {
            [y, m] => month_of(y, m),
            _ => None,
        }
    }

    /// The month of `sessions/YYYY/MM.jsonl.gz` (a month archive), if `path` is one by its name.
    pub fn month_of_archive(&self, path: &Path) -> Option<Month> {
        match self.sessions_parts(path)?.as_slice() {
            [y, file] => month_of(y, file.strip_suffix(ARCHIVE_SUFFIX)?),
            _ => None,
        }
    }

    /// A file inside a month archive, `sessions/YYYY/MM.jsonl.gz/DD/<id>.json`, as the month
    /// and the entry's path inside it (`DD/<id>.json`); a session file of a month folder,
    /// `sessions/YYYY/MM/...`, as the same when `archived` says its month is archived.
    pub fn archive_entry(
        &self,
        path: &Path,
        archived: impl Fn(Month) -> bool,
    ) -> Option<(Month, String)> {
        let parts = self.sessions_parts(path)?;
        let (y, m, rest) = match parts.as_slice() {
            [y, m, rest @ ..] if !rest.is_empty() => (y, m, rest),
            _ => return None,
        };
        let rel = rest.join("/");
        if let Some(m) = m.strip_suffix(ARCHIVE_SUFFIX) {
            return Some((month_of(y, m)?, rel));
        }
        let month = month_of(y, m)?;
        archived(month).then_some((month, rel))
    }

    /// The path readers see for the entry `rel` of `month`'s archive:
    /// `sessions/YYYY/MM.jsonl.gz/<rel>`, which names the archive and the file inside it.
    pub fn archived_file(&self, month: Month, rel: &str) -> PathBuf {
        self.month_archive(month).join(rel)
    }

    /// The plain components of `path` below `sessions/`.
    fn sessions_parts<'a>(&self, path: &'a Path) -> Option<Vec<&'a str>> {
        let rel = path.strip_prefix(self.sessions_dir()).ok()?;
        rel.components()
            .map(|c| match c {
                Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect()
    }

    /// The month a cache file's name says, in either accepted place:
    /// `session_cache/YYYY-MM.json` or `session_cache/YYYY/MM/YYYY-MM.json`.
    pub fn cache_file_month(&self, path: &Path) -> Option<Month> {
        let rel = path.strip_prefix(self.cache_dir()).ok()?;
        let parts: Vec<&str> = rel.iter().filter_map(|s| s.to_str()).collect();
        let (stem, folder) = match parts.as_slice() {
            [file] => (file.strip_suffix(".json")?, None),
            [y, m, file] => (file.strip_suffix(".json")?, Some(format!("{y}-{m}"))),
            _ => return None,
        };
        let month = Month::parse(stem)?;
        match folder {
            Some(f) if f != stem => None,
            _ => Some(month),
        }
    }

    /// `path` for messages, as the user named the data folder (`data/runs.json` with
    /// `--data data`, `/srv/x/data/runs.json` with an absolute `--data`), so the file it names
    /// is the one a person would open from where they ran the command.
    pub fn display<'a>(&self, path: &'a Path) -> &'a Path {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_file_is_dated_and_named_by_id() {
        let l = Layout::new("data");
        let id = SessionId::parse("4751613101").unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 1, 6).unwrap();
        let p = l.session_file(date, &id);
        assert_eq!(p, Path::new("data/sessions/2026/01/06/4751613101.json"));
        assert_eq!(l.session_folder_date(&p), Some(date));
        let m = Month::of(date);
        let inside = l.archived_file(m, "06/4751613101.json");
        assert_eq!(
            inside,
            Path::new("data/sessions/2026/01.jsonl.gz/06/4751613101.json")
        );
        assert_eq!(l.session_folder_date(&inside), Some(date));
        let entry = Some((m, "06/4751613101.json".to_owned()));
        assert_eq!(l.archive_entry(&inside, |_| false), entry);
        assert_eq!(l.archive_entry(&p, |_| true), entry);
        assert_eq!(l.archive_entry(&p, |_| false), None);
        assert_eq!(l.month_of_archive(&l.month_archive(m)), Some(m));
        assert_eq!(l.month_of_dir(&l.month_dir(m)), Some(m));
        assert_eq!(l.month_of_dir(Path::new("data/sessions/2026/1")), None);
    }

    #[test]
    fn cache_months_are_read_in_both_layouts() {
        let l = Layout::new("data");
        let m = Month {
            year: 2025,
            month: 10,
        };
        assert_eq!(
            l.cache_file(m),
            Path::new("data/session_cache/2025-10.json")
        );
        assert_eq!(
            l.cache_file_month(Path::new("data/session_cache/2025-10.json")),
            Some(m)
        );
        assert_eq!(
            l.cache_file_month(Path::new("data/session_cache/2025/10/2025-10.json")),
            Some(m)
        );
        assert_eq!(
            l.cache_file_month(Path::new("data/session_cache/2025/11/2025-10.json")),
            None
        );
        assert_eq!(
            l.cache_file_month(Path::new("data/session_cache/notes.json")),
            None
        );
        assert_eq!(Month::parse("2025-13"), None);
    }
}
