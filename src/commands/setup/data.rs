//! The data folder of a new repository: is it still the demo data the template ships, or
//! does it hold the user's own data (which is never deleted without `--replace-data`), and a
//! fresh data folder swapped in for it.
//!
//! The demo is recognised by its ids: the shipped `data/` is exactly `demo-data --seed 42
//! --months 15` (README), so it is generated again in memory and every session id (session
//! files and monthly caches) and run id of the folder must be one of its ids. Any other id,
//! any file cph50 does not know, or a file that cannot be read makes the folder the user's.

use std::collections::BTreeSet;
use std::path::Path;

use crate::clock::{Clock, DEFAULT_TZ};
use crate::demo::{self, DEFAULT_MONTHS, DEFAULT_SEED, DEFAULT_UNTIL, Params};
use crate::error::{Error, Result};
use crate::fsio::lock::FolderLock;
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{Runs, VehicleConfig};

/// What a data folder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataState {
    /// No data folder, or an empty one.
    Empty,
    /// The shipped demo data and nothing else.
    Demo {
        /// Sessions in it (files and cache entries, by id).
        sessions: usize,
        /// `vehicle_config.json` was edited (or cannot be read): it is kept when the demo goes.
        config_edited: bool,
    },
    /// Data that is not only the demo's: kept unless the user asks otherwise.
    Own {
        /// Sessions whose id is not the demo's.
        sessions: usize,
        /// Run records whose id is not the demo's.
        runs: usize,
        /// Sessions of the demo still in it.
        demo_sessions: usize,
        /// Files cph50 does not know, or could not read, by path.
        other: Vec<String>,
    },
}

impl DataState {
    /// One line for a person: what the folder holds.
    pub fn describe(&self, shown: &str) -> String {
        match self {
            Self::Empty => format!("{shown} is empty or missing"),
            Self::Demo { sessions, .. } => {
                format!("{shown} is the demo data ({sessions} sessions of two made-up cars)")
            }
            Self::Own {
                sessions,
                runs,
                demo_sessions,
                other,
            } => {
                let mut parts = vec![format!("{sessions} sessions and {runs} runs of your own")];
                if *demo_sessions > 0 {
                    parts.push(format!("{demo_sessions} sessions of the demo"));
                }
                if let Some(first) = other.first() {
                    parts.push(format!("{} other file(s) such as {first}", other.len()));
                }
                format!("{shown} holds {}", parts.join(", "))
            }
        }
    }
}

/// The ids of the shipped demo data.
struct DemoIds {
    sessions: BTreeSet<String>,
    runs: BTreeSet<String>,
    config: VehicleConfig,
}

fn demo_ids() -> Option<DemoIds> {
    let params = Params {
        seed: DEFAULT_SEED,
        months: DEFAULT_MONTHS,
        until: DEFAULT_UNTIL,
        clock: Clock::system(DEFAULT_TZ),
        tariff: None,
    };
    let data = demo::generate(&params, || {})?;
    let mut sessions: BTreeSet<String> = data
        .sessions
        .iter()
        .map(|(_, s)| s.session_id.to_string())
        .collect();
    for entries in data.caches.values() {
        sessions.extend(entries.iter().map(|e| e.session_id.to_string()));
    }
    Some(DemoIds {
        sessions,
        runs: data.runs.runs.iter().map(|r| r.run_id.clone()).collect(),
        config: data.vehicle_config,
    })
}

/// Looks at the data folder of `store` (never writes).
pub fn inspect(store: &Store) -> DataState {
    let root = store.layout().root();
    let entries: Vec<String> = std::fs::read_dir(root)
        .map(|d| {
            d.filter_map(std::result::Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with(crate::fsio::TEMP_PREFIX))
                .collect()
        })
        .unwrap_or_default();
    if entries.is_empty() {
        return DataState::Empty;
    }
    let mut other: Vec<String> = entries
        .into_iter()
        .filter(|n| {
            !(layout::DATA_FILES.contains(&n.as_str())
                || layout::DATA_FOLDERS.contains(&n.as_str()))
        })
        .map(|n| store.layout().file(&n).display().to_string())
        .collect();
    let (found, problems) = store.discover_sessions();
    let mut sessions: BTreeSet<String> = BTreeSet::new();
    for f in found {
        match f.id {
            Ok(id) => {
                sessions.insert(id.to_string());
            }
            Err(_) => other.push(f.path.display().to_string()),
        }
    }
    let (cached, cache_problems) = store.load_cache_entries();
    sessions.extend(cached.iter().map(|e| e.session_id.to_string()));
    other.extend(
        problems
            .iter()
            .chain(&cache_problems)
            .map(|p| p.path.display().to_string()),
    );
    let runs: Vec<String> = match store.load_file::<Runs>(layout::RUNS) {
        Ok(r) => r
            .map(|r| r.runs.into_iter().map(|r| r.run_id).collect())
            .unwrap_or_default(),
        Err(_) => {
            other.push(store.layout().file(layout::RUNS).display().to_string());
            Vec::new()
        }
    };
    other.sort();
    other.dedup();
    let Some(demo) = demo_ids() else {
        // cannot happen (the demo's months are fixed); without it nothing is taken for demo
        return DataState::Own {
            sessions: sessions.len(),
            runs: runs.len(),
            demo_sessions: 0,
            other,
        };
    };
    let own_sessions = sessions
        .iter()
        .filter(|s| !demo.sessions.contains(*s))
        .count();
    let own_runs = runs.iter().filter(|r| !demo.runs.contains(*r)).count();
    let any_demo = sessions.len() > own_sessions || runs.len() > own_runs;
    if any_demo && own_sessions == 0 && own_runs == 0 && other.is_empty() {
        let config = store.load_file::<VehicleConfig>(layout::VEHICLE_CONFIG);
        let config_edited = !matches!(config, Ok(Some(c)) if c == demo.config);
        return DataState::Demo {
            sessions: sessions.len(),
            config_edited,
        };
    }
    DataState::Own {
        sessions: own_sessions,
        runs: own_runs,
        demo_sessions: sessions.len() - own_sessions,
        other,
    }
}

/// What the fresh data folder's `vehicle_config.json` is.
#[derive(Debug, Clone)]
pub enum FreshConfig {
    /// A new one.
    New(VehicleConfig),
    /// The user's, byte for byte (an edited demo config).
    Kept(Vec<u8>),
}

/// Replaces the data folder of `store` (or creates it) with one holding only
/// `vehicle_config.json`, in one step: it is built beside the folder and swapped in under the
/// writers' lock, so the old folder or the new one is there at every instant.
///
/// # Errors
/// [`Error::Io`] naming the folder or file that cannot be written, or the lock another run
/// holds too long; [`Error::Data`] when the config cannot be encoded.
pub fn write_fresh(store: &Store, config: &FreshConfig) -> Result<()> {
    let target = store.layout().root();
    let _lock = FolderLock::acquire(target)?;
    let staging = crate::fsio::staging_dir(target, "init")?;
    let fresh = Store::new(staging.path());
    match config {
        FreshConfig::New(c) => {
            fresh.save_file(layout::VEHICLE_CONFIG, c)?;
        }
        FreshConfig::Kept(bytes) => {
            crate::fsio::write_atomic(&fresh.layout().file(layout::VEHICLE_CONFIG), bytes)?;
        }
    }
    crate::fsio::replace_dir(staging, target).map_err(Error::from)
}

/// Writes `vehicle_config.json` into an existing data folder, under the writers' lock.
///
/// # Errors
/// As [`write_fresh`].
pub fn write_config(store: &Store, config: &VehicleConfig) -> Result<()> {
    let _lock = store.lock()?;
    store.save_file(layout::VEHICLE_CONFIG, config)?;
    Ok(())
}

/// The entries of the data folder of `store` that are not cph50 data files, by path: anything
/// at the top that the data dictionary does not name, and anything under `sessions/` or
/// `session_cache/` that is not a folder or a `.json` file (a photo, a link, a note). cph50's
/// own temporary files do not count. `--replace-data` deletes the whole folder, so it refuses
/// while this list is not empty.
pub fn foreign_files(store: &Store) -> Vec<std::path::PathBuf> {
    let root = store.layout().root();
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return out;
    };
    for e in entries.filter_map(std::result::Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let kind = e.file_type().ok();
        let is_dir = kind.is_some_and(|k| k.is_dir());
        let is_file = kind.is_some_and(|k| k.is_file());
        if name.starts_with(crate::fsio::TEMP_PREFIX) {
            continue;
        }
        if (layout::DATA_FILES.contains(&name.as_str()) && is_file)
            || ([layout::SESSIONS, layout::SESSION_CACHE].contains(&name.as_str()) && is_dir)
        {
            if is_dir {
                foreign_below(&e.path(), &mut out);
            }
            continue;
        }
        if is_dir {
            every_file(&e.path(), &mut out);
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

/// Every file under `dir` (empty folders lose nothing), for [`foreign_files`].
fn every_file(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(std::result::Result::ok)
    {
        if e.file_type().is_ok_and(|k| k.is_dir()) {
            every_file(&e.path(), out);
        } else {
            out.push(e.path());
        }
    }
}

/// [`foreign_files`] under a folder of sessions or caches: what is not a folder or a `.json`
/// file.
fn foreign_below(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.push(dir.to_owned());
        return;
    };
    for e in entries.filter_map(std::result::Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let kind = e.file_type().ok();
        if kind.is_some_and(|k| k.is_dir()) {
            foreign_below(&e.path(), out);
        } else if !(kind.is_some_and(|k| k.is_file())
            && (name.ends_with(".json") || name.starts_with(crate::fsio::TEMP_PREFIX)))
        {
            out.push(e.path());
        }
    }
}

/// Whether `path` names no file (for messages that say what init will create).
pub fn missing(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_err()
}
