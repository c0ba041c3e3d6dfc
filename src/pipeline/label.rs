//! A session's vehicle label on request, outside the scheduled stages: a person's label
//! (`cph50 label`), the classifier's label of a stored session (`cph50 classify <SESSION_ID>`)
//! and the classifier's answer for a file (`cph50 classify --file`, which writes nothing).

use std::path::Path;

use crate::api::models::SessionAnswer;
use crate::classify::{Answer, Classifier, Curve, Identifier, vehicle_config};
use crate::clock::Clock;
use crate::error::{Error, Problem, Result};
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{LabelSource, SessionFile};
use crate::store::values::{Confidence, SessionId, Timestamp};

/// `cph50 classify <SESSION_ID>`: classifies a stored session's samples and writes the label
/// (vehicle id, confidence 0..1, `labeled_by: classifier`, now) into its file, unless a person
/// labelled it. `min_confidence` (0..1) is the least confidence that names a car. Returns the
/// answer and whether the file changed.
///
/// # Errors
///
/// [`Error::Data`] without a readable `vehicle_config.json`, [`Error::Usage`] when the session
/// has no file under `sessions/`, and the store's errors reading or writing the file.
pub fn classify_session(
    store: &Store,
    clock: &Clock,
    id: &SessionId,
    min_confidence: f64,
) -> Result<(Answer, bool)> {
    let config = vehicle_config(store)?;
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
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
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
        super::update_data_curve(&answer.charging_status, clock)
    };
    Ok(Identifier::new(Classifier::load(store), config).identify(&curve, min_confidence))
}

/// `cph50 label <SESSION_ID> <VEHICLE_ID>`: a manual label (confidence 1,
/// `labeled_by: manual`) in the session file and in every cache entry of the session, with the
/// car's name, make and model there. Returns the files changed.
///
/// # Errors
///
/// [`Error::Data`] without a readable `vehicle_config.json` or when a cache file does not
/// decode, [`Error::Usage`] for a vehicle the config does not know (the known ones listed) or a
/// session in neither `sessions/` nor `session_cache/`, and the store's write errors.
pub fn by_hand(store: &Store, clock: &Clock, id: &SessionId, vehicle: &str) -> Result<usize> {
    let config = vehicle_config(store)?;
    if !config.knows(vehicle) {
        return Err(Error::Usage(format!(
            "unknown vehicle {vehicle:?}; {} knows: {} (or \"unknown\")",
            layout::VEHICLE_CONFIG,
            config.known_ids()
        )));
    }
    let now = Timestamp::utc(clock.now());
    let mut changed = 0;
    let mut found = false;
    if let Some((path, mut s)) = store.find_session(id)? {
        found = true;
        s.vehicle_id = Some(vehicle.to_owned());
        s.vehicle_confidence = Some(Confidence(1.0));
        s.labeled_by = Some(LabelSource::Manual);
        s.labeled_at = Some(now);
        changed += usize::from(store.rewrite_session(&path, &s)?);
    }
    let (caches, problems) = store.load_caches();
    if let Some(p) = problems.first() {
        return Err(Error::Data(p.clone()));
    }
    let car = config.vehicles.get(vehicle);
    for (where_, mut entries) in caches {
        let mut touched = false;
        for e in entries.iter_mut().filter(|e| e.session_id == *id) {
            found = true;
            touched = true;
            e.vehicle_id = Some(vehicle.to_owned());
            e.vehicle_confidence = Some(Confidence(1.0));
            e.vehicle.vehicle_id = Some(vehicle.to_owned());
            e.vehicle.vehicle_name = car.and_then(|v| v.nickname.clone());
            e.vehicle.model = car.and_then(|v| v.model.clone());
            e.vehicle.make = car.and_then(|v| v.make.clone());
        }
        if touched {
            changed += usize::from(store.rewrite_cache(&where_, &mut entries)?);
        }
    }
    if !found {
        return Err(Error::Usage(format!(
            "session {id} is in neither {}/ nor {}/",
            layout::SESSIONS,
            layout::SESSION_CACHE
        )));
    }
    Ok(changed)
}
