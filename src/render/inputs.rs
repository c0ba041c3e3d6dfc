//! What `build` reads from the data folder: every record, decoded and checked once (the same
//! limits `validate` applies), and the rows and aggregates the pages are made of.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{BuildOptions, history, sessions, views};
use crate::error::{Error, Problem, Result};
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{CacheEntry, LastSession, Runs, SessionFile, VehicleConfig};
use crate::store::values::Timestamp;

/// Everything the data pages are made of, read and checked once.
pub(super) struct Inputs {
    /// One row per session (cache entry and session file joined), by start time.
    pub(super) rows: Vec<sessions::SessionRow>,
    /// The household's vehicles, in display order.
    pub(super) vehicles: Vec<views::VehicleView>,
    /// Day, month and year aggregates.
    pub(super) levels: Vec<history::LevelData>,
    /// `vehicle_config.json` (an empty one when absent).
    pub(super) config: VehicleConfig,
    /// The dashboard snapshot.
    pub(super) last: Option<LastSession>,
    /// Daily-start run records.
    pub(super) runs: Runs,
}

impl Inputs {
    /// The newest instant the data records: the last poll (`last_session.json`), a session's
    /// start, end or last sample, a daily-start run, or `vehicle_config.json`'s
    /// `last_updated`. `None` for a data folder that records no time at all.
    pub(super) fn newest(&self) -> Option<DateTime<Utc>> {
        let sessions = self.rows.iter().flat_map(|r| {
            [Some(r.start), r.end, r.samples.last().map(|p| p.at)]
                .into_iter()
                .flatten()
        });
        let runs = self
            .runs
            .runs
            .iter()
            .map(|r| r.date.0.and_time(r.time_utc.0).and_utc());
        let stamps = [
            self.last.as_ref().map(|l| l.timestamp.to_utc()),
            self.config.last_updated.map(Timestamp::to_utc),
        ];
        sessions
            .chain(runs)
            .chain(stamps.into_iter().flatten())
            .max()
    }
}

/// Reads the data folder; the first unreadable file stops the build, naming it.
pub(super) fn read_inputs(opts: &BuildOptions) -> Result<Inputs> {
    read_data(&opts.data, opts.tz)
}

/// Reads the data folder `data`, with local dates in `tz`; the first unreadable file stops it.
pub(super) fn read_data(data: &std::path::Path, tz: chrono_tz::Tz) -> Result<Inputs> {
    let store = Store::new(data);
    if !data.is_dir() {
        return Err(Error::io(
            "read data folder",
            data,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder (set --data)"),
        ));
    }
    let config: VehicleConfig = store
        .load_file(layout::VEHICLE_CONFIG)?
        .unwrap_or(VehicleConfig {
            vehicles: BTreeMap::new(),
            last_updated: None,
            extra: Default::default(),
        });
    let last: Option<LastSession> = store.load_file(layout::LAST_SESSION)?;
    let runs: Runs = store.load_file(layout::RUNS)?.unwrap_or_default();
    let (files, caches) = read_sessions(&store)?;
    let rows = sessions::build_rows(tz, &caches, files, &config);
    let vehicles = views::vehicle_views(&config);
    let ids: Vec<String> = vehicles.iter().map(|v| v.id.clone()).collect();
    let levels = history::levels(&rows, &ids);
    Ok(Inputs {
        rows,
        config,
        vehicles,
        levels,
        last,
        runs,
    })
}

/// Every session file and cache entry, checked as `validate` checks them: the first file that
/// cannot be read or decoded, or holds a session longer than the limits allow, stops the build.
fn read_sessions(store: &Store) -> Result<(Vec<SessionFile>, Vec<CacheEntry>)> {
    let (files, mut problems) = store.load_sessions();
    let (caches, cache_problems) = store.load_caches();
    problems.extend(cache_problems);
    for (path, s) in &files {
        if let Some((field, msg)) = s.span_problem() {
            let shown = store.layout().display(path);
            problems.push(Problem::field(shown, format!("/{field}"), None, msg));
        }
    }
    for (found, entries) in &caches {
        for (i, e) in entries.iter().enumerate() {
            if let Some((field, msg)) = e.span_problem() {
                let shown = store.layout().display(&found.path);
                problems.push(Problem::field(shown, format!("/{i}/{field}"), None, msg));
            }
        }
    }
    if let Some(p) = problems.into_iter().next() {
        return Err(Error::Data(p));
    }
    let mut entries: Vec<CacheEntry> = caches.into_iter().flat_map(|(_, c)| c).collect();
    crate::store::sort_cache(&mut entries);
    Ok((files.into_iter().map(|(_, s)| s).collect(), entries))
}
