//! What runs at the home charger now, for `monitor` and `status`: the charger's own status,
//! checked against the session ChargePoint lists in the user status.
//!
//! The charger's status is the truth about the charger. A listing that disagrees with it does
//! not win: the morning after a charge the user status can still name yesterday's session (no
//! `state`, details `{}` or an error) while the charger is unplugged and available, and right
//! after a plug-in the charger reports `CHARGING` before the user status carries a session id.
//! A listed session at another station (a workplace charger) is not the home charger's.

use chrono::{DateTime, Utc};

use super::is_home_session;
use crate::api::models::{ChargerStatus, SessionDetails, UserCharging};
use crate::api::{ApiError, Client};
use crate::text::printable;

/// The charger and its session as one reading.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The home charger's device id.
    pub home: u64,
    /// The charger's own status.
    pub status: ChargerStatus,
    /// The session at the home charger.
    pub session: Seen,
    /// Why a session ChargePoint listed was set aside, for the log and `status`.
    pub note: Option<String>,
}

/// The session at the home charger, as far as the charger and the listing agree.
#[derive(Debug, Clone)]
pub enum Seen {
    /// No session.
    None,
    /// The charger is charging, but the user status names no session of it yet.
    Pending,
    /// A session in progress.
    Live {
        /// Session id.
        id: u64,
        /// Its start as the user status gives it.
        listed_start: Option<DateTime<Utc>>,
        /// Its details; `None` when they were unavailable (see `unavailable`).
        details: Option<Box<SessionDetails>>,
        /// Why the details are missing: empty, or an error ChargePoint reported in a 200
        /// answer, while the charger charges (so the session is real).
        unavailable: Option<String>,
    },
}

/// Reads the charger status, the user status and, for a listed session the charger does not
/// contradict, its details. Costs 2 requests with a stored session when no session is
/// listed or the listing is contradicted by an unplugged charger, and 3 otherwise.
///
/// # Errors
/// The [`ApiError`] of the charger status, the home charger's id, the user status or the
/// session details; an error ChargePoint reports inside a 200 details answer is not an error
/// here (the session is set aside, or its figures are unavailable while the charger charges).
pub async fn read(client: &mut Client) -> Result<Reading, ApiError> {
    let status = client.charger_status().await?;
    let home = client.station_id().await?;
    let listed = client.user_status().await?.charging;
    let mut reading = Reading {
        home,
        session: if status.is_charging() {
            Seen::Pending
        } else {
            Seen::None
        },
        status,
        note: None,
    };
    let Some((id, listing)) = listed.and_then(|c| c.session_id.map(|id| (id, c))) else {
        return Ok(reading);
    };
    if let Some(station) = other_station(&listing, home) {
        reading.note = Some(format!(
            "ChargePoint lists session {id} at station {station}, not at the home charger {home}; set aside"
        ));
        return Ok(reading);
    }
    let s = &reading.status;
    if s.is_connected && !s.is_plugged_in && !s.is_charging() {
        reading.note = Some(format!(
            "ChargePoint still lists session {id}, but the charger reports no vehicle plugged in; set aside as finished (its details were not asked)"
        ));
        return Ok(reading);
    }
    let details = match client.session_details(id).await {
        Ok(d) if has_content(&d) => Ok(d),
        Ok(_) => Err("its details are empty".to_owned()),
        Err(ApiError::Reported { message, .. }) => Err(format!(
            "its details answer an error ({})",
            printable(&message.chars().take(80).collect::<String>())
        )),
        Err(e) => return Err(e),
    };
    let charging = reading.status.is_charging();
    reading.session = match details {
        Ok(d) if elsewhere(&d, home) => {
            reading.note = Some(format!(
                "ChargePoint lists session {id} at station {}, not at the home charger {home}; set aside",
                d.device_id.unwrap_or_default()
            ));
            reading.session
        }
        Ok(d) if d.end_time.is_some() && !charging => {
            reading.note = Some(format!(
                "ChargePoint still lists session {id}, but it has ended and the charger is not charging; set aside as finished"
            ));
            Seen::None
        }
        Ok(d) => Seen::Live {
            id,
            listed_start: listing.start_time,
            details: Some(Box::new(d)),
            unavailable: None,
        },
        Err(why) if charging => Seen::Live {
            id,
            listed_start: listing.start_time,
            details: None,
            unavailable: Some(why),
        },
        Err(why) => {
            reading.note = Some(format!(
                "ChargePoint still lists session {id}, but {why} and the charger is not charging; set aside as finished"
            ));
            Seen::None
        }
    };
    Ok(reading)
}

/// The station a listed session runs at when the listing names stations and none is the home
/// charger.
fn other_station(listing: &UserCharging, home: u64) -> Option<u64> {
    let stations = listing.stations.as_ref()?;
    let first = stations.first()?.device_id;
    (!stations.iter().any(|s| s.device_id == home)).then_some(first)
}

/// Whether a listed session's details place it at another station: its device id is not the
/// home charger's, or without a device id, it is flagged as not a home charger. (The listing
/// is the account's own session and the home charger agrees with it, so details that say
/// nothing either way keep it home.)
fn elsewhere(d: &SessionDetails, home: u64) -> bool {
    match d.device_id {
        Some(_) => !is_home_session(d.device_id, d.is_home_charger, home),
        None => d.is_home_charger == Some(false),
    }
}

/// Whether a details answer says anything about a session (`{"charging_status": {}}` does
/// not).
fn has_content(d: &SessionDetails) -> bool {
    d.session_id.is_some()
        || d.start_time.is_some()
        || d.energy_kwh.is_some()
        || d.power_kw.is_some()
}
