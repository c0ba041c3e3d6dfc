//! The vehicle label of each cached session: a person's or an earlier collection's first,
//! then the legacy map, then the label already cached, then the classifier on `update_data`.

use std::collections::BTreeMap;

use crate::api::models::SessionDetails;
use crate::classify::{Classifier, DEFAULT_MIN_CONFIDENCE, Identifier};
use crate::clock::Clock;
use crate::error::Result;
use crate::pipeline::update_data_curve;
use crate::store::Store;
use crate::store::layout;
use crate::store::records::{
    CacheEntry, LabelSource, SessionFile, UNKNOWN_VEHICLE, VehicleConfig, VehicleMap,
};
use crate::store::values::SessionId;

/// Labels known without asking ChargePoint, by session id.
pub(super) struct Labels {
    pub(super) sessions: BTreeMap<SessionId, SessionFile>,
    pub(super) legacy: VehicleMap,
    /// The household's vehicles (none without `vehicle_config.json`) and the classifier.
    pub(super) identifier: Identifier,
}

/// Reads every label source once; unreadable session files are logged and left out.
///
/// # Errors
/// A data error naming `session_vehicle_map.json` or `vehicle_config.json` when one does not decode.
pub(super) fn load_labels(store: &Store) -> Result<Labels> {
    let (files, problems) = store.load_sessions();
    for p in &problems {
        tracing::warn!("label not read: {p}");
    }
    let sessions = files
        .into_iter()
        .map(|(_, s)| (s.session_id.clone(), s))
        .collect();
    let legacy: VehicleMap = store
        .load_file(layout::SESSION_VEHICLE_MAP)?
        .unwrap_or_default();
    let config: VehicleConfig =
        store
            .load_file(layout::VEHICLE_CONFIG)?
            .unwrap_or_else(|| VehicleConfig {
                vehicles: BTreeMap::new(),
                last_updated: None,
                extra: Default::default(),
            });
    Ok(Labels {
        sessions,
        legacy,
        identifier: Identifier::new(Classifier::load(store), config),
    })
}

/// A label a person or an earlier collection already gave: the session file (a manual label
/// first), then the legacy map.
pub(super) fn known_label(labels: &Labels, id: &SessionId) -> Option<(String, f64)> {
    let file = labels.sessions.get(id);
    if let Some(f) = file.filter(|f| f.labeled_by == Some(LabelSource::Manual)) {
        if let Some(v) = &f.vehicle_id {
            return Some((v.clone(), f.vehicle_confidence.map_or(1.0, |c| c.0)));
        }
    }
    // a classifier's "unknown" in a session file (a curve it could not read) names no car: it
    // must not replace a label the cache, the legacy map or the update_data curve can give
    if let Some(v) = file
        .and_then(|f| f.vehicle_id.clone())
        .filter(|v| v != UNKNOWN_VEHICLE)
    {
        return Some((
            v,
            file.and_then(|f| f.vehicle_confidence).map_or(0.0, |c| c.0),
        ));
    }
    labels
        .legacy
        .get(id.as_str())
        .map(|e| (e.vehicle_id().to_owned(), 1.0))
}

/// The session's label and confidence, and whether the classifier gave it now.
pub(super) fn label(
    labels: &Labels,
    id: &SessionId,
    s: &SessionDetails,
    old: Option<&CacheEntry>,
    clock: &Clock,
) -> (String, f64, bool) {
    if let Some((v, c)) = known_label(labels, id) {
        return (v, c, false);
    }
    if let Some(v) = old.and_then(|e| e.vehicle_id.clone()) {
        return (
            v,
            old.and_then(|e| e.vehicle_confidence).map_or(0.0, |c| c.0),
            false,
        );
    }
    if s.update_data.is_empty() {
        return (UNKNOWN_VEHICLE.into(), 0.0, false);
    }
    // the limit the session file recorded while the car charged, when it was collected
    let amps = labels
        .sessions
        .get(id)
        .and_then(|f| f.amperage_limit_amps)
        .and_then(|a| u32::try_from(a).ok());
    let a = labels.identifier.identify(
        &update_data_curve(s, clock).with_amperage_limit(amps),
        DEFAULT_MIN_CONFIDENCE,
    );
    if a.method == "none" {
        tracing::debug!("session {id}: not classified: {}", a.reason);
    }
    (a.vehicle_id, a.confidence, true)
}
