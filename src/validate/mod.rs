//! `cph50 validate`: reads every data file, decodes it into its model, then checks what no
//! single file can show (unknown vehicles, a session cached twice, a file in the wrong folder).
//! It reports every problem it finds and never writes.

mod caches;
mod locate;
mod sessions;

use std::path::{Path, PathBuf};

use crate::clock::Clock;
use crate::error::Problem;
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{
    ClassifierModel, ClassifierSummary, LastSession, LastSessionId, Runs, VehicleConfig, VehicleMap,
};
use crate::store::values::SessionId;
use locate::{locate_key, locate_value};

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

/// The configured rate plan, as far as `validate` checks splits against it.
#[derive(Debug, Clone, Default)]
pub struct KnownPlan {
    /// The plan's fingerprint: only splits made with this plan must name its periods (a split
    /// made with an earlier plan is kept as it was made).
    pub fingerprint: String,
    /// Every `(season, period)` of the plan.
    pub periods: Vec<(String, String)>,
}

/// Checks the whole data folder of `store`; local dates are taken in `clock`'s zone. Never
/// fails and never writes: every problem is in the report.
pub fn validate(store: &Store, clock: &Clock) -> Report {
    validate_with(store, clock, None)
}

/// [`validate`], and with `plan`, that every split by time-of-use period made with that plan
/// names only its periods.
pub fn validate_with(store: &Store, clock: &Clock, plan: Option<&KnownPlan>) -> Report {
    let mut v = Validator {
        store,
        clock,
        report: Report::default(),
        config: None,
        plan,
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

/// The walk over one data folder, collecting problems as it reads.
struct Validator<'a> {
    store: &'a Store,
    clock: &'a Clock,
    report: Report,
    /// `vehicle_config.json`, once read: vehicle ids are checked against it as files are read.
    config: Option<VehicleConfig>,
    /// The configured rate plan, if any.
    plan: Option<&'a KnownPlan>,
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
        if let Some((runs, path, _)) = self.top_level::<Runs>(layout::RUNS) {
            self.stop_records(&runs, &path);
        }
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

    /// A stop record's `result` must be the one its `stop.outcome` goes with (`stopped` is a
    /// success, `ended` and `not-reached` are other, `failed` is a failure).
    fn stop_records(&mut self, runs: &Runs, path: &Path) {
        for (i, run) in runs.runs.iter().enumerate() {
            let Some(stop) = &run.stop else { continue };
            let want = stop.outcome.result();
            if run.result != want {
                self.problem(Problem::field(
                    self.shown(path),
                    format!("/runs/{i}/result"),
                    None,
                    format!(
                        "a stop record whose stop.outcome is {} has result {}, not {}",
                        word(&stop.outcome),
                        word(&want),
                        word(&run.result)
                    ),
                ));
            }
        }
    }

    /// Decodes one optional top-level file; problems are recorded.
    fn top_level<T: serde::de::DeserializeOwned>(
        &mut self,
        name: &str,
    ) -> Option<(T, PathBuf, Vec<u8>)> {
        let path = self.store.layout().file(name);
        self.decode_file(&path).map(|(v, text)| (v, path, text))
    }

    /// Reads and decodes one file; counts it and records its problem, if any.
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

    /// Whether a problem was already recorded for `path`.
    fn has_problem_in(&self, path: &Path) -> bool {
        self.report.problems.iter().any(|p| p.path == path)
    }

    /// `path` as the user named it (relative to the data folder's parent).
    fn shown(&self, path: &Path) -> PathBuf {
        self.store.layout().display(path).to_owned()
    }

    /// Records a problem.
    fn problem(&mut self, p: Problem) {
        self.report.problems.push(p);
    }
}

/// The JSON word of a record's enum value (`stopped`, `success`).
fn word<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
