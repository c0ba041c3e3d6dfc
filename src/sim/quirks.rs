//! What the real API does now and then, on demand: a finished session that the user status
//! keeps listing, a session whose id the user status leaves out for a while after it starts,
//! and sessions at a workplace station in the activity list. Off unless a scenario
//! (`stale-session`, `id-pending`) or a control endpoint (`/_sim/stale`, `/_sim/id-delay`,
//! `/_sim/workplace`) turns them on.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::CHARGER_ID;
use super::bodies;
use super::session::{Car, Session};
use super::world::World;
use crate::api::models::{ChargingStation, SessionDetails, UserCharging, UserStatusAnswer};

/// The workplace station's device id (not the account's home charger).
pub(crate) const WORKPLACE_ID: u64 = 100_000_777;

/// What the session details of a stale listing answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StaleDetails {
    /// `{"charging_status": {}}`.
    Empty,
    /// `{"charging_status": {"error": "java.lang.NullPointerException"}}`.
    Error,
}

impl StaleDetails {
    /// The word of `POST /_sim/stale`: `empty`, `error`, or `off` (`None`).
    pub(crate) fn parse(word: &str) -> Result<Option<Self>, String> {
        match word {
            "empty" => Ok(Some(Self::Empty)),
            "error" => Ok(Some(Self::Error)),
            "off" => Ok(None),
            _ => Err(format!(
                "`details` must be \"empty\", \"error\" or \"off\", not {word:?}"
            )),
        }
    }
}

/// The quirks in force (all off by default).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct Quirks {
    /// While no session runs, the user status still lists the last finished home session
    /// (no `state`, no start), and its details answer so.
    pub(crate) stale_session: Option<StaleDetails>,
    /// The user status leaves out a running session's id (and state and start) for its first
    /// this many answers...
    pub(crate) id_delay_polls: u32,
    /// ...and until this many sim seconds after the session's start.
    pub(crate) id_delay_seconds: u32,
}

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

/// A session's answer as the workplace station writes it: its device and company, outlet 2,
/// free, and without `is_home_charger`, `pricing_spec_id` and `has_utility_info` (as in
/// python-chargepoint#2).
pub(crate) fn at_workplace(d: SessionDetails) -> SessionDetails {
    let text = |s: &str| Some(s.to_owned());
    SessionDetails {
        city: text("Cupertino"),
        lat: Some(37.3),
        lon: Some(-122.0),
        device_name: text("EXAMPLE CORP / RW06 6"),
        outlet_number: Some(2),
        pricing_spec_id: None,
        device_id: Some(WORKPLACE_ID),
        company_id: Some(500_000_009),
        company_name: text("EXAMPLE CORP"),
        is_home_charger: None,
        has_utility_info: None,
        is_mfhs_enabled: None,
        address1: text("1 Example Way"),
        zipcode: text("95000"),
        payment_type: text("free"),
        total_amount: Some(0.0),
        ..d
    }
}
