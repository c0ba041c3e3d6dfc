//! A person's vehicle label (`cph50 label`): written into the session file and every cache
//! entry of the session; it wins over the classifier everywhere.

use crate::classify::vehicle_config;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::layout;
use crate::store::records::LabelSource;
use crate::store::values::{Confidence, SessionId, Timestamp};

/// `cph50 label <SESSION_ID> <VEHICLE_ID>`: a manual label (confidence 1,
/// `labeled_by: manual`) in the session file and in every cache entry of the session, with the
/// car's name, make and model there. Returns the files changed.
///
/// # Errors
///
/// [`Error::Data`] without a readable `vehicle_config.json` or when a cache file does not
/// decode (checked before anything is written: the label is applied everywhere or nowhere),
/// [`Error::Usage`] for a vehicle the config does not know (the known ones listed) or a
/// session in neither `sessions/` nor `session_cache/`, the store's lock error (another run
/// held the data folder's lock too long) and its write errors.
pub fn by_hand(store: &Store, clock: &Clock, id: &SessionId, vehicle: &str) -> Result<usize> {
    let config = vehicle_config(store)?;
    if !config.knows(vehicle) {
        return Err(Error::Usage(format!(
            "unknown vehicle {vehicle:?}; {} knows: {} (or \"unknown\")",
            layout::VEHICLE_CONFIG,
            config.known_ids()
        )));
    }
    let _lock = store.lock()?;
    // read and check everything first, then write: a cache that does not read leaves the
    // session file as it was, not relabelled on its own
    let session = store.find_session(id)?;
    let (caches, problems) = store.load_caches();
    if let Some(p) = problems.first() {
        return Err(Error::Data(p.clone()));
    }
    let now = Timestamp::utc(clock.now());
    let mut batch = store.batch();
    let mut found = false;
    if let Some((path, mut s)) = session {
        found = true;
        s.vehicle_id = Some(vehicle.to_owned());
        s.vehicle_confidence = Some(Confidence(1.0));
        s.labeled_by = Some(LabelSource::Manual);
        s.labeled_at = Some(now);
        batch.rewrite_session(&path, &s)?;
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
            batch.rewrite_cache(&where_, &mut entries)?;
        }
    }
    if !found {
        return Err(Error::Usage(format!(
            "session {id} is in neither {}/ nor {}/",
            layout::SESSIONS,
            layout::SESSION_CACHE
        )));
    }
    batch.write()
}
