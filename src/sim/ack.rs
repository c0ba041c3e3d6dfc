//! The commands waiting for the station and what their ack polls answer: the data of remote
//! start and stop (the behaviour is in `command.rs`).

use chrono::{DateTime, Utc};

/// Refusal: no car at the charger.
pub(crate) const NO_CAR: &str = "No vehicle plugged in";
/// Refusal: the station's occasional "try again" (the real API's words), and a forced one (the
/// `refuse` fault) of a start.
pub(crate) const START_REFUSED: &str =
    "Failed to start charging. May be in use by another user or return plug and try again.";
/// Refusal: a stop forced to fail (the `refuse` fault).
pub(crate) const STOP_REFUSED: &str =
    "Failed to stop charging. Try again, or stop the session at the charger.";
/// Refusal: a start while a session runs.
pub(crate) const ALREADY: &str = "A charging session is already in progress";
/// Refusal: a stop for a session that is not running.
pub(crate) const NOT_RUNNING: &str = "The session is not in progress";

/// A remote command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `startsession`, acked as `start_session`.
    Start,
    /// `stopSession`, acked as `stop_session`.
    Stop,
}

impl Action {
    /// The `action` word of the ack call.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Start => "start_session",
            Self::Stop => "stop_session",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AckState {
    Pending,
    /// The station never got it (offline): pending forever.
    Lost,
    Done,
    Refused(&'static str),
}

#[derive(Debug, Clone)]
pub(crate) struct Ack {
    pub(super) action: Action,
    pub(super) created: DateTime<Utc>,
    pub(super) polls: u32,
    pub(super) state: AckState,
    /// The refusal the station will answer (seeded "try again", or forced by a fault).
    pub(super) refuse: Option<&'static str>,
    /// Stop: the session to stop.
    pub(super) session: Option<u64>,
}

/// What an ack poll answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AckAnswer {
    /// 422: the station has not confirmed yet.
    Pending,
    /// 200 `{"sessionId": n}` (n is not the real session id) for a start, `{}` for a stop.
    Confirmed(Option<u64>),
    /// 422 (errorId 89, `CHARGE`) with the station's reason.
    Refused(&'static str),
    /// No such ack id.
    Unknown,
    /// The ack id belongs to the other action.
    WrongAction(Action),
}
