//! What the real API does now and then, on demand: a finished session that the user status
//! keeps listing, a session whose id the user status leaves out for a while after it starts,
//! sessions at a workplace station in the activity list, and old sessions whose details come
//! without `update_data`. Off unless a scenario (`stale-session`, `id-pending`) or a control
//! endpoint (`/_sim/stale`, `/_sim/id-delay`, `/_sim/workplace`, `/_sim/no-curve`) turns them
//! on.

use chrono::{DateTime, Duration, Utc};

use super::CHARGER_ID;
use super::bodies;
use super::session::{Car, Session};
use super::world::{StaleDetails, World};
use crate::api::models::{ChargingStation, SessionDetails, UserCharging, UserStatusAnswer};

/// The user status at `now`, with the quirks applied: counts the answers given for the running
/// session.
pub(crate) fn user_status(w: &mut World, now: DateTime<Utc>) -> UserStatusAnswer {
    let mut answer = bodies::user_status(w);
    match (&mut answer.user_status.charging, w.current) {
        (Some(c), Some(id)) => {
            let polls = match &mut w.id_polls {
                (seen, n) if *seen == id => {
                    *n += 1;
                    *n
                }
                counter => {
                    *counter = (id, 1);
                    1
                }
            };
            let young = w.sessions.get(&id).is_some_and(|s| {
                now < s.start + Duration::seconds(i64::from(w.quirks.id_delay_seconds))
            });
            if polls <= w.quirks.id_delay_polls || young {
                c.session_id = None;
                c.state = None;
                c.start_time = None;
            }
        }
        (None, None) if w.quirks.stale_session.is_some() => {
            answer.user_status.charging = last_finished(w).map(|id| UserCharging {
                session_id: Some(id),
                state: None,
                start_time: None,
                stations: Some(vec![ChargingStation {
                    device_id: CHARGER_ID,
                    name: "CP HOME".into(),
                    lat: 34.0,
                    lon: -118.0,
                }]),
            });
        }
        _ => {}
    }
    answer
}

/// Empties the `update_data` of a session that ended longer ago than the `/_sim/no-curve`
/// quirk keeps curves for.
pub(crate) fn forget_old_curve(w: &World, d: &mut SessionDetails, now: DateTime<Utc>) {
    let (Some(days), Some(end)) = (w.quirks.no_curve_after_days, d.end_time) else {
        return;
    };
    if (now - end).num_seconds() as f64 > days * 86_400.0 {
        d.update_data.clear();
    }
}

/// The details answer of session `id` when it is the stale listing, else `None`.
pub(crate) fn stale_details(w: &World, id: u64) -> Option<SessionDetails> {
    let kind = w.quirks.stale_session?;
    if w.current.is_some() || last_finished(w) != Some(id) {
        return None;
    }
    Some(match kind {
        StaleDetails::Empty => SessionDetails::default(),
        StaleDetails::Error => SessionDetails {
            error: Some("java.lang.NullPointerException".into()),
            ..SessionDetails::default()
        },
    })
}

/// The home session that ended last.
fn last_finished(w: &World) -> Option<u64> {
    w.sessions
        .values()
        .filter(|s| !s.away && s.end.is_some())
        .max_by_key(|s| (s.end, s.id))
        .map(|s| s.id)
}

/// Adds a finished session of `car` at the workplace station: it started `hours_ago` hours
/// before `now`, took `kwh`, and ended three hours later (or now). Returns its id.
pub(crate) fn add_workplace_session(
    w: &mut World,
    car: Car,
    hours_ago: f64,
    kwh: f64,
    now: DateTime<Utc>,
) -> u64 {
    let start = now - Duration::seconds((hours_ago * 3600.0).round() as i64);
    let id = w.next_session_id();
    let mut s = Session::new(w.seed, id, car, start, kwh, 32);
    s.away = true;
    s.finish((start + Duration::hours(3)).min(now));
    w.sessions.insert(id, s);
    id
}
