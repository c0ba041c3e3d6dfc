//! The session files: named by their id, in the folder of their local start date, once each,
//! with consistent counts and samples.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use super::Validator;
use super::locate::{locate_key, locate_value};
use crate::error::Problem;
use crate::store::FoundSession;
use crate::store::records::{LabelSource, SessionFile};
use crate::store::values::SessionId;

impl Validator<'_> {
    /// Reads every session file and checks its name, folder and samples.
    pub(super) fn sessions(&mut self, cache_starts: &BTreeMap<SessionId, DateTime<Utc>>) {
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

    /// Name, folder and contents of one decoded session file.
    fn check_session(
        &mut self,
        path: &Path,
        shown: &Path,
        text: &[u8],
        s: &SessionFile,
        file_id: Option<&SessionId>,
        cache_starts: &BTreeMap<SessionId, DateTime<Utc>>,
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
        self.check_contents(shown, text, s);
        self.vehicle_ref(path, text, "/vehicle_id", s.vehicle_id.as_deref());
    }

    /// Counts, times, samples and label of one session file.
    fn check_contents(&mut self, shown: &Path, text: &[u8], s: &SessionFile) {
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
        if let Some((field, msg)) = s.span_problem() {
            self.problem(Problem::field(
                shown,
                format!("/{field}"),
                locate_key(text, field),
                msg,
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
    }
}
