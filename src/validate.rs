//! `cph50 validate`: reads every data file, decodes it into its model, then checks what no
//! single file can show (unknown vehicles, a session cached twice, a file in the wrong folder).
//! It reports every problem it finds and never writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::error::Problem;
use crate::store::layout::{self, Month};
use crate::store::records::{
    ClassifierModel, ClassifierSummary, LabelSource, LastSession, LastSessionId, MonthlyCache,
    Runs, SessionFile, VehicleConfig, VehicleMap,
};
use crate::store::values::SessionId;
use crate::store::{FoundSession, Store};

/// What `validate` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem, in a stable order (by file, then position).
    pub problems: Vec<Problem>,
    /// Files read.
    pub files: usize,
    /// Session files that decoded.
    pub sessions: usize,
    /// Monthly cache files that decoded.
    pub cache_months: usize,
    /// Cache entries in them.
    pub cache_entries: usize,
}

impl Report {
    /// Files with at least one problem.
    pub fn files_with_problems(&self) -> usize {
        let mut paths: Vec<&Path> = self.problems.iter().map(|p| p.path.as_path()).collect();
        paths.sort();
        paths.dedup();
        paths.len()
    }
}

/// Checks the whole data folder of `store`; local dates are taken in `clock`'s zone.
pub fn validate(store: &Store, clock: &Clock) -> Report {
    let mut v = Validator {
        store,
        clock,
        report: Report::default(),
        config: None,
    };
    v.run();
    let mut report = v.report;
    report.problems.sort_by(|a, b| {
        (&a.path, a.position, &a.pointer, &a.message)
            .cmp(&(&b.path, b.position, &b.pointer, &b.message))
    });
    report.problems.dedup();
    report
}

struct Validator<'a> {
    store: &'a Store,
    clock: &'a Clock,
    report: Report,
    /// `vehicle_config.json`, once read: vehicle ids are checked against it as files are read.
    config: Option<VehicleConfig>,
}

impl Validator<'_> {
    fn run(&mut self) {
        self.config = self
            .top_level::<VehicleConfig>(layout::VEHICLE_CONFIG)
            .map(|(c, _, _)| c);
        if let Some((last, path, text)) = self.top_level::<LastSession>(layout::LAST_SESSION) {
            self.vehicle_ref(&path, &text, "/vehicle_id", last.vehicle_id.as_deref());
        }
        self.top_level::<LastSessionId>(layout::LAST_SESSION_ID);
        self.top_level::<Runs>(layout::RUNS);
        self.top_level::<ClassifierModel>(layout::CLASSIFIER_MODEL);
        if let Some((summary, path, text)) =
            self.top_level::<ClassifierSummary>(layout::CLASSIFIER_SUMMARY)
        {
            for id in summary.vehicles.keys() {
                self.vehicle_ref(&path, &text, &format!("/vehicles/{id}"), Some(id));
            }
        }
        if let Some((map, path, text)) = self.top_level::<VehicleMap>(layout::SESSION_VEHICLE_MAP) {
            for (sid, entry) in &map {
                if let Err(msg) = SessionId::parse(sid) {
                    self.problem(Problem::field(
                        self.shown(&path),
                        format!("/{sid}"),
                        locate_key(&text, sid),
                        msg,
                    ));
                }
                self.vehicle_ref(&path, &text, &format!("/{sid}"), Some(entry.vehicle_id()));
            }
        }

        let starts = self.caches();
        self.sessions(&starts);
    }

    /// Decodes one optional top-level file; problems are recorded.
    fn top_level<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &str,
    ) -> Option<(T, PathBuf, Vec<u8>)> {
        let path = self.store.layout().file(name);
        self.decode_file(&path).map(|(v, text)| (v, path, text))
    }

    fn decode_file<T: serde::de::DeserializeOwned>(&mut self, path: &Path) -> Option<(T, Vec<u8>)> {
        let bytes = match self.store.read_bytes(path) {
            Ok(Some(b)) => b,
            Ok(None) => return None,
            Err(p) => {
                self.report.files += 1;
                self.problem(p);
                return None;
            }
        };
        self.report.files += 1;
        match crate::store::json::decode::<T>(&self.shown(path), &bytes) {
            Ok(v) => Some((v, bytes)),
            Err(p) => {
                self.problem(p);
                None
            }
        }
    }

    /// Reads every monthly cache; returns each session's start time by id (first seen wins).
    fn caches(&mut self) -> BTreeMap<SessionId, chrono::DateTime<chrono::Utc>> {
        let (found, walk_problems) = self.store.discover_caches();
        walk_problems.into_iter().for_each(|p| self.problem(p));
        let mut seen: BTreeMap<SessionId, (PathBuf, chrono::DateTime<chrono::Utc>)> =
            BTreeMap::new();
        for cache in found {
            let Some((entries, text)) = self.decode_file::<MonthlyCache>(&cache.path) else {
                continue;
            };
            self.report.cache_months += 1;
            self.report.cache_entries += entries.len();
            let shown = self.shown(&cache.path);
            for (i, e) in entries.iter().enumerate() {
                let start = e.session_start_time.to_utc();
                let month = Month::of(self.clock.local_date(start));
                let pos = locate_value(&text, "session_id", e.session_id.as_str());
                if month != cache.month {
                    self.problem(Problem::field(
                        &shown,
                        format!("/{i}/session_start_time"),
                        locate_value(
                            &text,
                            "session_start_time",
                            &e.session_start_time.to_string(),
                        ),
                        format!(
                            "session {} starts in {month} (local time, {}) but is cached in {}",
                            e.session_id,
                            self.clock.tz(),
                            cache.month
                        ),
                    ));
                }
                if let Some(end) = &e.session_end_time {
                    if *end < e.session_start_time {
                        self.problem(Problem::field(
                            &shown,
                            format!("/{i}/session_end_time"),
                            locate_value(&text, "session_end_time", &end.to_string()),
                            "session ends before it starts",
                        ));
                    }
                }
                match seen.get(&e.session_id) {
                    Some((other, _)) => {
                        let where_ = if *other == shown {
                            "earlier in this file".to_owned()
                        } else {
                            format!("in {}", other.display())
                        };
                        self.problem(Problem::field(
                            &shown,
                            format!("/{i}/session_id"),
                            pos,
                            format!("session {} is cached twice: also {where_}", e.session_id),
                        ));
                    }
                    None => {
                        seen.insert(e.session_id.clone(), (shown.clone(), start));
                    }
                }
                for (pointer, id) in [
                    (format!("/{i}/vehicle_id"), e.vehicle_id.as_deref()),
                    (
                        format!("/{i}/vehicle/vehicle_id"),
                        e.vehicle.vehicle_id.as_deref(),
                    ),
                ] {
                    self.vehicle_ref(&cache.path, &text, &pointer, id);
                }
            }
        }
        seen.into_iter()
            .map(|(id, (_, start))| (id, start))
            .collect()
    }

    /// Reads every session file and checks its name, folder and samples.
    fn sessions(&mut self, cache_starts: &BTreeMap<SessionId, chrono::DateTime<chrono::Utc>>) {
        let (found, walk_problems) = self.store.discover_sessions();
        walk_problems.into_iter().for_each(|p| self.problem(p));
        let mut seen: BTreeMap<SessionId, PathBuf> = BTreeMap::new();
        for FoundSession { path, id } in found {
            let shown = self.shown(&path);
            let file_id = match id {
                Ok(id) => Some(id),
                Err(msg) => {
                    self.problem(Problem::file(&shown, format!("bad file name: {msg}")));
                    None
                }
            };
            let Some((session, text)) = self.decode_file::<SessionFile>(&path) else {
                continue;
            };
            self.report.sessions += 1;
            self.check_session(
                &path,
                &shown,
                &text,
                &session,
                file_id.as_ref(),
                cache_starts,
            );
            if let Some(other) = seen.insert(session.session_id.clone(), shown.clone()) {
                self.problem(Problem::file(
                    &shown,
                    format!(
                        "session {} has a second file: {}",
                        session.session_id,
                        other.display()
                    ),
                ));
            }
        }
    }

    fn check_session(
        &mut self,
        path: &Path,
        shown: &Path,
        text: &[u8],
        s: &SessionFile,
        file_id: Option<&SessionId>,
        cache_starts: &BTreeMap<SessionId, chrono::DateTime<chrono::Utc>>,
    ) {
        let id_pos = locate_value(text, "session_id", s.session_id.as_str());
        if let Some(file_id) = file_id.filter(|f| **f != s.session_id) {
            self.problem(Problem::field(
                shown,
                "/session_id",
                id_pos,
                format!(
                    "session_id is {} but the file is named {file_id}.json",
                    s.session_id
                ),
            ));
        }
        let start = cache_starts
            .get(&s.session_id)
            .copied()
            .unwrap_or_else(|| s.collection_start.to_utc());
        let expected: NaiveDate = self.clock.local_date(start);
        match self.store.layout().session_folder_date(path) {
            Some(folder) if folder == expected => {}
            Some(folder) => self.problem(Problem::file(
                shown,
                format!(
                    "in the wrong date folder: the session starts on {expected} ({}), but the folder says {folder}; move it to {}",
                    self.clock.tz(),
                    self.shown(&self.store.layout().session_file(expected, &s.session_id)).display()
                ),
            )),
            None => self.problem(Problem::file(
                shown,
                format!(
                    "not in a sessions/YYYY/MM/DD/ folder; move it to {}",
                    self.shown(&self.store.layout().session_file(expected, &s.session_id)).display()
                ),
            )),
        }
        if s.valid_sample_count > s.sample_count {
            self.problem(Problem::field(
                shown,
                "/valid_sample_count",
                locate_key(text, "valid_sample_count"),
                format!(
                    "{} valid samples out of {} taken; expected at most sample_count",
                    s.valid_sample_count, s.sample_count
                ),
            ));
        }
        if s.collection_end < s.collection_start {
            self.problem(Problem::field(
                shown,
                "/collection_end",
                locate_key(text, "collection_end"),
                "collection ends before it starts",
            ));
        }
        for (i, sample) in s.samples.iter().enumerate() {
            if sample.session_id != s.session_id {
                self.problem(Problem::field(
                    shown,
                    format!("/samples/{i}/session_id"),
                    locate_value(text, "session_id", sample.session_id.as_str()),
                    format!(
                        "sample belongs to session {}, not {}",
                        sample.session_id, s.session_id
                    ),
                ));
            }
        }
        if s.labeled_by == Some(LabelSource::Manual) && s.vehicle_id.is_none() {
            self.problem(Problem::field(
                shown,
                "/vehicle_id",
                locate_key(text, "vehicle_id"),
                "labeled_by is \"manual\" but vehicle_id is null",
            ));
        }
        self.vehicle_ref(path, text, "/vehicle_id", s.vehicle_id.as_deref());
    }

    /// Checks a vehicle id found at `pointer` of `path` against `vehicle_config.json`.
    fn vehicle_ref(&mut self, path: &Path, text: &[u8], pointer: &str, id: Option<&str>) {
        let Some(id) = id else { return };
        let Some(config) = &self.config else {
            let config_path = self.shown(&self.store.layout().file(layout::VEHICLE_CONFIG));
            if !self.has_problem_in(&config_path) {
                self.problem(Problem::file(
                    &config_path,
                    "missing: vehicle ids are used but no vehicle_config.json defines them",
                ));
            }
            return;
        };
        if config.knows(id) {
            return;
        }
        let message = format!(
            "unknown vehicle_id {id:?}; {} knows: {} (or \"unknown\")",
            layout::VEHICLE_CONFIG,
            config.known_ids()
        );
        let key = pointer.rsplit('/').next().unwrap_or("vehicle_id");
        let position = locate_value(text, key, id).or_else(|| locate_key(text, key));
        self.problem(Problem::field(self.shown(path), pointer, position, message));
    }

    fn has_problem_in(&self, path: &Path) -> bool {
        self.report.problems.iter().any(|p| p.path == path)
    }

    fn shown(&self, path: &Path) -> PathBuf {
        self.store.layout().display(path).to_owned()
    }

    fn problem(&mut self, p: Problem) {
        self.report.problems.push(p);
    }
}

/// Line and column of the first `"key": <value string>` in `text` (any spacing), 1-based.
fn locate_value(text: &[u8], key: &str, value: &str) -> Option<(usize, usize)> {
    let quoted = serde_json::to_string(value).ok()?;
    find_key(text, key, |rest| rest.starts_with(quoted.as_bytes()))
}

/// Line and column of the first `"key":` in `text`, 1-based.
fn locate_key(text: &[u8], key: &str) -> Option<(usize, usize)> {
    find_key(text, key, |_| true)
}

fn find_key(text: &[u8], key: &str, value_ok: impl Fn(&[u8]) -> bool) -> Option<(usize, usize)> {
    let needle = serde_json::to_string(key).ok()?;
    let needle = needle.as_bytes();
    let mut from = 0;
    while let Some(off) = text[from..].windows(needle.len()).position(|w| w == needle) {
        let at = from + off;
        let mut rest = &text[at + needle.len()..];
        rest = trim_start(rest);
        if let Some(after_colon) = rest.strip_prefix(b":") {
            if value_ok(trim_start(after_colon)) {
                return Some(line_col(text, at));
            }
        }
        from = at + 1;
    }
    None
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_key_value_pairs_with_any_spacing() {
        let text = b"{\n  \"a\": 1,\n  \"vehicle_id\" :  \"x\"\n}";
        assert_eq!(locate_value(text, "vehicle_id", "x"), Some((3, 3)));
        assert_eq!(locate_value(text, "vehicle_id", "y"), None);
        assert_eq!(locate_key(text, "a"), Some((2, 3)));
    }
}
