//! `cph50 monitor`: one poll of the charger and the user's status. Writes the dashboard
//! snapshot (`last_session.json`) and the tracking file (`.last_session_id.json`), and says what
//! happened: idle, plugged in, a new session, still charging, or a session that ended.
//!
//! A poll that finds nothing new writes nothing, so the scheduled job commits nothing: the
//! snapshot's `timestamp` is the time of the last change it shows.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::live::{self, Seen};
use super::{StageContext, checks};
use crate::error::Result;
use crate::store::layout;
use crate::store::records::{LastSession, LastSessionId, SessionFile};
use crate::store::values::{Confidence, LocalDisplayTime, NonNeg, SessionId, Timestamp};

/// What a poll found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Nothing plugged in.
    Idle,
    /// A car is plugged in but not charging.
    PluggedIn,
    /// A session the monitor had not seen before.
    NewSession,
    /// The known session is still charging.
    Charging,
    /// The session that was charging at the last poll has stopped.
    Ended,
    /// The charger is not connected to ChargePoint.
    Offline,
}

/// The outcome of one poll (`monitor --json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct Poll {
    /// What happened.
    pub event: Event,
    /// The session in progress, if any.
    pub session_id: Option<String>,
    /// When it started (UTC).
    pub started_at: Option<Timestamp>,
    /// Power now, kW.
    pub power_kw: Option<f64>,
    /// Energy so far, kWh.
    pub energy_kwh: Option<f64>,
    /// Data files written (names relative to the data folder).
    pub changed: Vec<String>,
    /// Why a session ChargePoint listed was set aside (a finished session still listed, or
    /// one at another station); absent when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One poll; `started_at` of a new session is what `collect` needs. What runs at the home
/// charger comes from [`live::read`]: a session listing the charger contradicts is set aside
/// (the poll says idle, plugged in or ended, and [`Poll::note`] says why), and a charger that
/// charges before ChargePoint lists a session id is `charging` with the id pending.
///
/// # Errors
/// [`Error::Api`] when the charger status, the user status or the charging session's details
/// cannot be read (nothing is written then); [`Error::Data`] naming `last_session.json` or
/// `.last_session_id.json` when it does not decode; [`Error::Io`] naming the file that cannot
/// be written.
///
/// [`Error::Api`]: crate::error::Error::Api
/// [`Error::Data`]: crate::error::Error::Data
/// [`Error::Io`]: crate::error::Error::Io
pub async fn poll(ctx: &mut StageContext<'_>) -> Result<Poll> {
    let reading = live::read(ctx.client).await?;
    let previous: Option<LastSession> = ctx.store.load_file(layout::LAST_SESSION)?;
    let tracked: Option<LastSessionId> = ctx.store.load_file(layout::LAST_SESSION_ID)?;
    let now = ctx.clock.now();
    let status = &reading.status;
    if let Some(note) = &reading.note {
        tracing::info!("{note}");
    }
    let mut out = Poll {
        event: Event::Idle,
        session_id: None,
        started_at: None,
        power_kw: None,
        energy_kwh: None,
        changed: Vec::new(),
        note: reading.note.clone(),
    };
    let snapshot = match &reading.session {
        Seen::Live {
            id,
            listed_start,
            details,
            unavailable,
        } => {
            if let Some(why) = unavailable {
                tracing::warn!("session {id}: the charger is charging, but {why}; figures unknown");
            }
            // figures outside the data limits are kept out, never clamped into a real-looking
            // figure nor written into a file every later read would refuse
            let details = details.as_ref().filter(|d| match checks::session(d) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(
                        "session {id}: ChargePoint's details are outside the data limits ({e}); its figures are left out"
                    );
                    false
                }
            });
            let listed_start =
                listed_start.filter(|t| checks::instant("startTimeUTC", Some(*t)).is_ok());
            out.session_id = Some(id.to_string());
            out.started_at = Some(Timestamp::utc(
                details
                    .and_then(|d| d.start_time)
                    .or(listed_start)
                    .unwrap_or(now),
            ));
            out.power_kw = details.and_then(|d| d.power_kw);
            out.energy_kwh = details.and_then(|d| d.energy_kwh);
            let id = SessionId::from_number(*id);
            let is_new = tracked.as_ref().is_none_or(|t| t.session_id != id);
            out.event = if is_new {
                Event::NewSession
            } else {
                Event::Charging
            };
            session_snapshot(ctx, &mut out, &id, previous.as_ref(), status.is_plugged_in)?
        }
        Seen::Pending => {
            out.event = Event::Charging;
            pending_snapshot(ctx, previous.as_ref(), status.is_plugged_in, now)
        }
        Seen::None => {
            out.event = if !status.is_connected {
                Event::Offline
            } else if previous.as_ref().is_some_and(|p| p.charging) {
                Event::Ended
            } else if status.is_plugged_in {
                Event::PluggedIn
            } else {
                Event::Idle
            };
            idle_snapshot(ctx, previous.as_ref(), status.is_plugged_in, now)
        }
    };
    let _lock = ctx.store.lock()?;
    if previous.as_ref() != Some(&snapshot)
        && ctx.store.save_file(layout::LAST_SESSION, &snapshot)?
    {
        out.changed.push(layout::LAST_SESSION.into());
    }
    Ok(out)
}

/// After `collect` labelled session `id`: puts the label into the dashboard snapshot. Returns
/// whether `last_session.json` changed.
///
/// # Errors
/// [`Error::Data`] naming `last_session.json` when it does not decode; [`Error::Io`] naming
/// it when it cannot be written.
///
/// [`Error::Data`]: crate::error::Error::Data
/// [`Error::Io`]: crate::error::Error::Io
pub fn refresh_label(ctx: &StageContext<'_>, id: &SessionId) -> Result<bool> {
    let _lock = ctx.store.lock()?;
    let Some(mut snap) = ctx.store.load_file::<LastSession>(layout::LAST_SESSION)? else {
        return Ok(false);
    };
    let (vehicle_id, confidence) = label_of(ctx, id, None, true);
    if vehicle_id.is_none()
        || (snap.vehicle_id == vehicle_id && snap.vehicle_confidence == confidence)
    {
        return Ok(false);
    }
    snap.vehicle_id = vehicle_id;
    snap.vehicle_confidence = confidence;
    ctx.store.save_file(layout::LAST_SESSION, &snap)
}

/// The snapshot of the session `out` describes (and, when it is new, its tracking file).
fn session_snapshot(
    ctx: &StageContext<'_>,
    out: &mut Poll,
    id: &SessionId,
    previous: Option<&LastSession>,
    plugged: bool,
) -> Result<LastSession> {
    let now = ctx.clock.now();
    let started = out.started_at.map_or(now, |t| t.to_utc());
    let is_new = out.event == Event::NewSession;
    if is_new {
        let tracking = LastSessionId {
            session_id: id.clone(),
            timestamp: Timestamp::utc(started),
            extra: Default::default(),
        };
        let _lock = ctx.store.lock()?;
        if ctx.store.save_file(layout::LAST_SESSION_ID, &tracking)? {
            out.changed.push(layout::LAST_SESSION_ID.into());
        }
    }
    let (vehicle_id, confidence) = label_of(ctx, id, previous, is_new);
    Ok(LastSession {
        timestamp: Timestamp::utc(now),
        detected_at: display(ctx, now),
        power_kw: out.power_kw.map(|p| NonNeg(p.max(0.0))),
        energy_kwh: out.energy_kwh.map(|e| NonNeg(e.max(0.0))),
        duration_minutes: Some((now - started).num_minutes().max(0) as u64),
        vehicle_id,
        vehicle_confidence: confidence,
        connected: plugged,
        charging: true,
        extra: previous.map(|p| p.extra.clone()).unwrap_or_default(),
    })
}

/// The snapshot while the charger charges a session ChargePoint lists no id for yet: charging,
/// with no figures and no car (the last session's belong to another plug-in). A poll that
/// finds the same keeps the previous snapshot as is.
fn pending_snapshot(
    ctx: &StageContext<'_>,
    previous: Option<&LastSession>,
    plugged: bool,
    now: DateTime<Utc>,
) -> LastSession {
    let pending = |p: &&LastSession| {
        p.charging
            && p.connected == plugged
            && p.power_kw.is_none()
            && p.energy_kwh.is_none()
            && p.duration_minutes.is_none()
            && p.vehicle_id.is_none()
    };
    if let Some(p) = previous.filter(pending) {
        return p.clone();
    }
    LastSession {
        timestamp: Timestamp::utc(now),
        detected_at: display(ctx, now),
        power_kw: None,
        energy_kwh: None,
        duration_minutes: None,
        vehicle_id: None,
        vehicle_confidence: None,
        connected: plugged,
        charging: true,
        extra: previous.map(|p| p.extra.clone()).unwrap_or_default(),
    }
}

/// The snapshot when nothing charges: power null, the last session's figures kept for the
/// dashboard until the car is unplugged. Unchanged state keeps the previous snapshot as is.
fn idle_snapshot(
    ctx: &StageContext<'_>,
    previous: Option<&LastSession>,
    plugged: bool,
    now: DateTime<Utc>,
) -> LastSession {
    if let Some(p) = previous.filter(|p| !p.charging && p.connected == plugged) {
        return p.clone();
    }
    LastSession {
        timestamp: Timestamp::utc(now),
        detected_at: display(ctx, now),
        power_kw: None,
        energy_kwh: previous.and_then(|p| p.energy_kwh),
        duration_minutes: previous.and_then(|p| p.duration_minutes),
        vehicle_id: previous.and_then(|p| p.vehicle_id.clone()),
        vehicle_confidence: previous.and_then(|p| p.vehicle_confidence),
        connected: plugged,
        charging: false,
        extra: previous.map(|p| p.extra.clone()).unwrap_or_default(),
    }
}

/// The car of the session: its session file's label when collected, else what the last
/// snapshot said about the same session.
fn label_of(
    ctx: &StageContext<'_>,
    id: &SessionId,
    previous: Option<&LastSession>,
    is_new: bool,
) -> (Option<String>, Option<Confidence>) {
    if let Ok(Some((_, file))) = ctx.store.find_session(id) {
        let file: SessionFile = file;
        return (file.vehicle_id, file.vehicle_confidence);
    }
    match previous {
        Some(p) if !is_new => (p.vehicle_id.clone(), p.vehicle_confidence),
        _ => (None, None),
    }
}

fn display(ctx: &StageContext<'_>, at: DateTime<Utc>) -> LocalDisplayTime {
    let (naive, zone) = ctx.clock.local(at);
    LocalDisplayTime { naive, zone }
}

impl Poll {
    /// The one summary line a person reads.
    pub fn describe(&self) -> String {
        let session = self.session_id.as_deref().unwrap_or("?");
        let figures = match (self.power_kw, self.energy_kwh) {
            (Some(p), Some(e)) => format!(" at {p:.2} kW, {e:.2} kWh so far"),
            _ => String::new(),
        };
        let what = match self.event {
            Event::Idle => "idle: no vehicle plugged in".to_owned(),
            Event::PluggedIn => "a vehicle is plugged in, not charging".to_owned(),
            Event::NewSession => format!("new session {session}{figures}"),
            Event::Charging if self.session_id.is_none() => {
                "charging: the session's id is not listed yet (pending)".to_owned()
            }
            Event::Charging => format!("charging: session {session}{figures}"),
            Event::Ended => "the session ended".to_owned(),
            Event::Offline => "the charger is offline".to_owned(),
        };
        if self.changed.is_empty() {
            format!("{what} (no file changed)")
        } else {
            format!("{what} (wrote {})", self.changed.join(", "))
        }
    }
}
