//! `cph50 classify`: names the car of a stored session (and writes the label into its file,
//! never over a manual label) or of a file, or answers `unknown`.

use std::path::Path;

use serde::Serialize;

use crate::api::models::SessionAnswer;
use crate::classify::{Answer, Classifier, Curve, Identifier, vehicle_config};
use crate::cli::ClassifyArgs;
use crate::clock::Clock;
use crate::error::{Error, Problem, Result};
use crate::output::Output;
use crate::settings::Settings;
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{LabelSource, SessionFile};
use crate::store::values::{Confidence, SessionId, Timestamp};

/// What `classify --json` prints: the classifier's answer and, for a stored session, whether
/// its file changed.
#[derive(Debug, Serialize)]
pub struct ClassifyAnswer {
    /// Vehicle id or `unknown`, confidence, method, reason, best guess, distance.
    #[serde(flatten)]
    pub answer: Answer,
    /// The session file was rewritten (only with a SESSION_ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<bool>,
}

/// Runs `cph50 classify`.
///
/// # Errors
/// A usage error when the session has no file; a data error naming the file that cannot be
/// read.
pub fn run(settings: &Settings, out: &Output, args: &ClassifyArgs) -> Result<()> {
    let store = Store::new(&settings.data);
    let clock = settings.clock()?;
    let (answer, written, what) = match (&args.session_id, &args.file) {
        (Some(id), _) => {
            let (a, w) = classify_session(&store, &clock, id, args.min_confidence)?;
            (a, Some(w), format!("session {id}"))
        }
        (None, Some(path)) => (
            classify_file(&store, &clock, path, args.min_confidence)?,
            None,
            path.display().to_string(),
        ),
        (None, None) => return Err(Error::Usage("give a SESSION_ID or --file PATH".into())),
    };
    if args.json {
        return super::print_json(out, &ClassifyAnswer { answer, written });
    }
    out.result(&format!(
        "{what}: {} (confidence {:.2}, {}): {}",
        answer.vehicle_id, answer.confidence, answer.method, answer.reason
    ));
    Ok(())
}

/// `cph50 classify <SESSION_ID>`: classifies a stored session's samples and writes the label
/// (vehicle id, confidence 0..1, `labeled_by: classifier`, now) into its file, unless a person
/// labelled it. `min_confidence` (0..1) is the least confidence that names a car. Returns the
/// answer and whether the file changed.
///
/// # Errors
///
/// [`Error::Data`] without a readable `vehicle_config.json`, [`Error::Usage`] when the session
/// has no file under `sessions/`, and the store's errors taking the data folder's lock,
/// reading or writing the file.
pub fn classify_session(
    store: &Store,
    clock: &Clock,
    id: &SessionId,
    min_confidence: f64,
) -> Result<(Answer, bool)> {
    let config = vehicle_config(store)?;
    let _lock = store.lock()?;
    let (path, mut session) = store.find_session(id)?.ok_or_else(|| {
        Error::Usage(format!(
            "session {id} has no file under {}/",
            layout::SESSIONS
        ))
    })?;
    let curve = Curve::from_session(&session, clock);
    let answer = Identifier::new(Classifier::load(store), config).identify(&curve, min_confidence);
    if session.labeled_by == Some(LabelSource::Manual) {
        return Ok((answer, false));
    }
    session.vehicle_id = Some(answer.vehicle_id.clone());
    session.vehicle_confidence = Some(Confidence(answer.confidence.clamp(0.0, 1.0)));
    session.labeled_by = Some(LabelSource::Classifier);
    session.labeled_at = Some(Timestamp::utc(clock.now()));
    let changed = store.rewrite_session(&path, &session)?;
    Ok((answer, changed))
}

/// `cph50 classify --file PATH`: the answer for a session file (its samples) or a saved
/// session-details answer (its `update_data`). Writes nothing.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read, [`Error::Data`] without a readable
/// `vehicle_config.json` or when the file is neither a session file nor a session-details
/// answer (naming the field that did not match the latter).
pub fn classify_file(
    store: &Store,
    clock: &Clock,
    path: &Path,
    min_confidence: f64,
) -> Result<Answer> {
    let bytes = crate::fsio::read_regular(path, crate::fsio::MAX_INPUT_BYTES)
        .map_err(|e| Error::io("read", path, e))?;
    let config = vehicle_config(store)?;
    let curve = if let Ok(s) = crate::decode::decode::<SessionFile>(&bytes) {
        Curve::from_session(&s, clock)
    } else {
        let answer: SessionAnswer = crate::store::json::decode(path, &bytes).map_err(|p| {
                Error::Data(Problem {
                    message: format!(
                        "{} (expected a session file or a session-details answer {{\"charging_status\": {{... \"update_data\": [...]}}}})",
                        p.message
                    ),
                    ..p
                })
            })?;
        crate::pipeline::update_data_curve(&answer.charging_status, clock)
    };
    Ok(Identifier::new(Classifier::load(store), config).identify(&curve, min_confidence))
}
